// JsonlLineCutter: see jsonl_line_cutter.hpp.
#include "jsonl_line_cutter.hpp"

#include <algorithm>

namespace kavosh::index {
namespace {

constexpr std::size_t kMaxKeyShown = 64;

bool is_continuation_byte(unsigned char byte) { return (byte & 0xC0) == 0x80; }

// The value of a hexadecimal digit; an invalid one counts as 0 (the parser rejects the escape).
unsigned hex_value(char digit) {
  if (digit >= '0' && digit <= '9') return static_cast<unsigned>(digit - '0');
  if (digit >= 'a' && digit <= 'f') return static_cast<unsigned>(digit - 'a' + 10);
  if (digit >= 'A' && digit <= 'F') return static_cast<unsigned>(digit - 'A' + 10);
  return 0;
}

}  // namespace

void JsonlLineCutter::start() {
  std::string buffer = std::move(kept_);
  *this = JsonlLineCutter(limits_);
  kept_ = std::move(buffer);
  kept_.clear();
}

void JsonlLineCutter::consume(std::string_view piece) {
  std::size_t at = 0;
  while (at < piece.size() && !too_large_)
    at = in_string_ ? consume_string(piece, at) : consume_structure(piece, at);
}

std::string& JsonlLineCutter::kept() {
  if (too_large_) kept_.clear();
  if (!kept_.empty() && kept_.back() == '\r') kept_.pop_back();
  return kept_;
}

void JsonlLineCutter::keep(std::string_view bytes) {
  if (kept_.size() + bytes.size() > limits_.record_bytes) {
    too_large_ = true;
    return;
  }
  kept_.append(bytes);
}

void JsonlLineCutter::keep_string_bytes(std::string_view bytes) {
  keep(bytes);
  string_kept_ += bytes.size();
  if (is_key_ && key_.size() < kMaxKeyShown)
    key_.append(bytes.substr(0, kMaxKeyShown - key_.size()));
}

// Copies up to and including the next byte that changes the structure.
std::size_t JsonlLineCutter::consume_structure(std::string_view piece, std::size_t at) {
  const std::size_t special = piece.find_first_of("\"{}[]:,", at);
  const std::size_t end = special == std::string_view::npos ? piece.size() : special + 1;
  keep(piece.substr(at, end - at));
  if (special == std::string_view::npos) return end;
  switch (piece[special]) {
    case '"':
      begin_string();
      break;
    case '{':
    case '[':
      if (++depth_ == 1) top_is_object_ = piece[special] == '{';
      expect_key_ = depth_ == 1 && top_is_object_;
      break;
    case '}':
    case ']':
      if (depth_ > 0) --depth_;
      break;
    case ':':
      if (depth_ == 1) expect_key_ = false;
      break;
    default:  // ','
      if (depth_ == 1) expect_key_ = top_is_object_;
      break;
  }
  return end;
}

void JsonlLineCutter::begin_string() {
  in_string_ = true;
  is_key_ = depth_ == 1 && expect_key_;
  string_kept_ = 0;
  cutting_ = false;
  escape_left_ = 0;
  in_unicode_escape_ = false;
  pending_high_surrogate_ = false;
  if (is_key_) {
    key_.clear();
    cap_ = limits_.key_bytes;
    return;
  }
  const std::size_t value_left =
      limits_.value_string_bytes - std::min(limits_.value_string_bytes, value_kept_);
  cap_ = std::min(value_left, std::max(limits_.min_string_bytes, string_budget_left_));
}

void JsonlLineCutter::end_string() {
  in_string_ = false;
  if (is_key_) {
    current_key_ = key_;
    value_kept_ = 0;
  } else {
    value_kept_ += string_kept_;
    string_budget_left_ -= std::min(string_budget_left_, string_kept_);
  }
  if (cutting_) {
    const std::string& cut = is_key_ ? key_ : current_key_;
    if (std::find(cut_keys_.begin(), cut_keys_.end(), cut) == cut_keys_.end())
      cut_keys_.push_back(cut);
  }
}

// A unit (a character's first byte, or an escape's backslash) starts at `byte`: cut there once
// the string has its cap, unless that would split a character or a surrogate pair and the slack
// is not used up yet (invalid input may never offer a clean place).
bool JsonlLineCutter::cuts_before(unsigned char byte) const {
  if (string_kept_ < cap_) return false;
  const bool clean = !is_continuation_byte(byte) && !pending_high_surrogate_;
  return clean || string_kept_ >= cap_ + JsonlCutLimits::kSlack;
}

std::size_t JsonlLineCutter::consume_string(std::string_view piece, std::size_t at) {
  while (at < piece.size()) {
    if (!cutting_ && escape_left_ == 0 && string_kept_ < cap_) {
      // Plain bytes up to the next quote or backslash, or up to the cap, are copied at once.
      std::size_t end = std::min(piece.find_first_of("\"\\", at), piece.size());
      end = std::min(end, at + (cap_ - string_kept_));
      if (end > at) {
        keep_string_bytes(piece.substr(at, end - at));
        pending_high_surrogate_ = false;
        at = end;
        continue;
      }
    }
    if (cutting_ && escape_left_ == 0) {
      // What is cut goes by up to the next quote or backslash at once.
      at = std::min(piece.find_first_of("\"\\", at), piece.size());
      if (at == piece.size()) break;
    }
    const char c = piece[at];
    if (cutting_) {
      // Skipped up to the closing quote; an escaped quote is not one.
      if (escape_left_ > 0) {
        escape_left_ = 0;
      } else if (c == '\\') {
        escape_left_ = 1;
      } else if (c == '"') {
        keep("\"");
        end_string();
        return at + 1;
      }
      ++at;
      continue;
    }
    if (escape_left_ == 0 && c == '"') {
      keep("\"");
      end_string();
      return at + 1;
    }
    if (escape_left_ == 0 && cuts_before(static_cast<unsigned char>(c))) {
      cutting_ = true;
      continue;
    }
    track_escape(c);
    keep_string_bytes(std::string_view(&c, 1));
    ++at;
  }
  return at;
}

// Follows escapes: "\x" is two bytes, "\uXXXX" six; a high surrogate's escape wants the low
// one's right after it.
void JsonlLineCutter::track_escape(char c) {
  if (escape_left_ == 0) {
    if (c == '\\') {
      escape_left_ = 1;
    } else if (!is_continuation_byte(static_cast<unsigned char>(c))) {
      pending_high_surrogate_ = false;
    }
    return;
  }
  if (!in_unicode_escape_) {  // the byte after the backslash
    if (c == 'u') {
      in_unicode_escape_ = true;
      escape_left_ = 4;
      escape_value_ = 0;
    } else {
      escape_left_ = 0;
      pending_high_surrogate_ = false;
    }
    return;
  }
  escape_value_ = escape_value_ << 4 | hex_value(c);
  if (--escape_left_ > 0) return;
  in_unicode_escape_ = false;
  pending_high_surrogate_ = escape_value_ >= 0xD800 && escape_value_ <= 0xDBFF;
}

}  // namespace kavosh::index
