#pragma once
// Persian compounds written with a space where ZWNJ (or nothing) belongs: "می روم",
// "کتاب ها". For two neighbouring Arabic-script tokens separated only by whitespace, the
// joiner adds a stacked token whose term is the joined form (position of the first part,
// span 2, begin of the first, end of the second), so "می روم", "می‌روم" and
// "میروم" all carry the term "میروم". Both parts stay as tokens too, so a phrase of the parts
// matches.
//
// A pair is joined when the first term is a prefix below, or the second term a suffix:
//   prefixes  می نمی بی            (verbal continuous/negated prefix; "without")
//   suffixes  ها های هایی هایم هایت هایش هایمان هایتان هایشان (plural and its possessives)
//             تر ترین              (comparative, superlative)
//             ای ام ات اش ایم اید اند (indefinite/ezafe after ه, possessive and verb endings
//                                  that attach to a final ه: "خانه ای", "رفته اند")
//             گر گری               (agent suffix: "اخلال گر")
//             ی                    (ezafe after a final ه only: "خانه ی")
// Chains of up to three parts are joined too, each further part being a suffix:
// "محبوب ترین ها" stacks محبوبترین (span 2) and محبوبترینها (span 3) at محبوب's position.
// Deliberately not joined: است (a separate word), گر/گری/ها-less noun compounds
// ("زمین لرزه"), and pairs where both parts are ordinary words: too ambiguous.
// A prefix is never joined to a following suffix token ("می ها") or to a non-word.
#include <string_view>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"

namespace kavosh::analysis {

bool is_joinable_prefix(std::string_view term);
bool is_joinable_suffix(std::string_view first_term, std::string_view suffix_term);

// `tokens` are span-1 tokens in position order over `text`; stacked tokens are inserted
// right after the first part, shortest first (order: by position, then span).
void join_spaced_compounds(std::string_view text, std::vector<Token>& tokens);

}  // namespace kavosh::analysis
