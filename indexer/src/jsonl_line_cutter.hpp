#pragma once
// Internal to the JSONL reader: reads a line of any length in bounded memory by copying it with
// its JSON strings cut short, so that a record with a giant "text" is truncated rather than lost.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kavosh/index/readers.hpp"

namespace kavosh::index {

// What the strings of one record keep. A top-level key's value keeps at most the document cap
// of string bytes: a text string, or a text array's paragraphs together (less the slack, so the
// text is not cut again as a document). The record's strings keep twice that in all: a text,
// and as much again for the rest; past that, each string still keeps min_string_bytes (its
// value's cap permitting), so that a title or an id written after giant texts survives. A
// record still larger than record_bytes (millions of keys or numbers) is too large.
struct JsonlCutLimits {
  // Kept past a cap while a UTF-8 character or a surrogate pair's escapes end.
  static constexpr std::size_t kSlack = 16;
  std::size_t value_string_bytes = kMaxArticleBytes - kSlack;
  std::size_t record_string_bytes = 2 * kMaxArticleBytes;
  std::size_t min_string_bytes = 4096;
  std::size_t key_bytes = kMaxArticleBytes;
  std::size_t record_bytes = 3 * kMaxArticleBytes;
};

// Copies a line as it arrives in pieces, cutting each JSON string that passes its cap where a
// character ends (never inside an escape or between the halves of a surrogate pair), so that
// the copy of a valid record is valid JSON of the same record with shorter strings. Knows of
// the JSON's structure only what that takes: strings, escapes, nesting depth, and which
// strings of the top-level object are its keys (they count against no budget and name the
// values cut). Invalid JSON stays invalid: the parser that follows reports it.
class JsonlLineCutter {
 public:
  explicit JsonlLineCutter(JsonlCutLimits limits = {})
      : limits_(limits), string_budget_left_(limits.record_string_bytes) {}

  void start();  // a new line; the copy's buffer is reused
  void consume(std::string_view piece);
  // The line to parse (without a trailing '\r'); empty when too_large().
  std::string& kept();
  bool too_large() const { return too_large_; }
  // The top-level keys whose values were cut (at most 64 bytes of each, as the line spells it).
  const std::vector<std::string>& cut_keys() const { return cut_keys_; }
  const JsonlCutLimits& limits() const { return limits_; }

 private:
  void keep(std::string_view bytes);
  void keep_string_bytes(std::string_view bytes);
  std::size_t consume_structure(std::string_view piece, std::size_t at);
  std::size_t consume_string(std::string_view piece, std::size_t at);
  void begin_string();
  void end_string();
  bool cuts_before(unsigned char byte) const;
  void track_escape(char c);

  JsonlCutLimits limits_;
  std::string kept_;
  bool too_large_ = false;
  std::size_t string_budget_left_ = 0;
  std::vector<std::string> cut_keys_;
  // Structure.
  std::uint64_t depth_ = 0;
  bool top_is_object_ = false;
  bool expect_key_ = false;
  std::string current_key_;     // the top-level key whose value is being read
  std::size_t value_kept_ = 0;  // string bytes its value kept so far
  // The string being read.
  bool in_string_ = false;
  bool is_key_ = false;
  std::string key_;
  std::size_t cap_ = 0;
  std::size_t string_kept_ = 0;
  bool cutting_ = false;
  unsigned escape_left_ = 0;  // bytes of the current escape still to come
  bool in_unicode_escape_ = false;
  unsigned escape_value_ = 0;  // of the \uXXXX being read
  bool pending_high_surrogate_ = false;
};

}  // namespace kavosh::index
