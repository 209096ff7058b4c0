#pragma once
// Text cleanup shared by the readers: citation markers, infobox lines whose label is glued to
// its value, field names, and UTF-8 repair. Each function is small and tested alone.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kavosh/text/ascii.hpp"

namespace kavosh::index {

// Removes Wikipedia citation markers: [26], [note 1], [nb 2], [a], [citation needed],
// [page needed], [clarification needed], [who?] ... Other bracketed text stays.
std::string strip_citation_markers(std::string_view text);

// ASCII letters lowered, every other byte kept (common/'s, here for the readers).
using text::ascii_lower;

// Runs of spaces, tabs, no-break spaces and CRs become one space; line breaks are kept (a
// space beside one is dropped), and the text is trimmed of both. The other meaning, all
// whitespace onto one line, is text::collapse_whitespace_to_one_line.
std::string collapse_spaces_keep_lines(std::string_view text);

// True when collapse_spaces_keep_lines(text) would be empty (only spaces, tabs, NBSP, CR and LF),
// without building the copy.
bool is_blank(std::string_view text);

struct InfoboxEntry {
  std::string label;  // as displayed: "Secretary-General", "Membership (2011)"
  std::string field;  // field name: "secretary_general", "membership"
  std::string value;  // "Zahra Merrikhi"
};

// Splits an infobox line whose label is glued to its value ("LeaderMaryam Rajavi",
// "Founded5 September 1965", "Colours  Red"): a table of known infobox labels first (longest
// match), then the first lower-case -> upper-case/digit boundary within the first 40 bytes.
std::optional<InfoboxEntry> split_infobox_line(std::string_view line);

// A label -> field name: lower-case ASCII, other characters -> '_', runs collapsed, trimmed;
// a trailing parenthetical ("Membership (2011)") is dropped first.
std::string field_name(std::string_view label);

// Replaces ill-formed UTF-8 with U+FFFD, one per maximal subpart (common/'s decoder and its
// policy, kavosh/text/utf8.hpp); returns the offset of the first bad byte.
std::optional<std::size_t> repair_utf8(std::string& text);

// Decodes the HTML entities found in wikitext and TREC text (&amp; &nbsp; &#123; &#x1F; ...).
std::string decode_html_entities(std::string_view text);

}  // namespace kavosh::index
