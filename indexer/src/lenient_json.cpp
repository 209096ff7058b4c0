#include "lenient_json.hpp"

#include <cctype>
#include <optional>

namespace kavosh::index {
namespace {

// The value of the four hex digits after "\u" at `at` (which points at the backslash).
std::optional<unsigned> escape_value(std::string_view line, std::size_t at) {
  if (at + 6 > line.size() || line[at] != '\\' || line[at + 1] != 'u') return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = at + 2; i < at + 6; ++i) {
    const auto c = static_cast<unsigned char>(line[i]);
    if (!std::isxdigit(c)) return std::nullopt;
    value = value * 16 + static_cast<unsigned>(std::isdigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
  }
  return value;
}

bool is_high_surrogate(unsigned v) { return v >= 0xD800 && v <= 0xDBFF; }
bool is_low_surrogate(unsigned v) { return v >= 0xDC00 && v <= 0xDFFF; }

// A bare word outside strings ends where no letter, digit or '_' follows it.
bool word_at(std::string_view line, std::size_t at, std::string_view word) {
  if (line.substr(at, word.size()) != word) return false;
  const std::size_t end = at + word.size();
  return end == line.size() ||
         !(std::isalnum(static_cast<unsigned char>(line[end])) || line[end] == '_');
}

}  // namespace

std::string LenientJsonRepairs::describe() const {
  std::string out;
  if (lone_surrogates > 0)
    out += std::to_string(lone_surrogates) + " lone surrogate escape" +
           (lone_surrogates == 1 ? "" : "s") + " read as U+FFFD";
  if (non_finite_numbers > 0)
    out += std::string(out.empty() ? "" : ", ") + std::to_string(non_finite_numbers) +
           " NaN or Infinity read as null";
  return out;
}

std::string repair_lenient_json(std::string_view line, LenientJsonRepairs& repairs) {
  std::string out;
  out.reserve(line.size());
  bool in_string = false;
  for (std::size_t i = 0; i < line.size();) {
    const char c = line[i];
    if (in_string) {
      if (c == '"') {
        in_string = false;
      } else if (c == '\\' && i + 1 < line.size()) {
        if (const auto value = escape_value(line, i)) {
          if (is_high_surrogate(*value)) {
            const auto low = escape_value(line, i + 6);
            if (low && is_low_surrogate(*low)) {
              out.append(line.substr(i, 12));
              i += 12;
              continue;
            }
          }
          if (is_high_surrogate(*value) || is_low_surrogate(*value)) {
            out += "\\uFFFD";
            ++repairs.lone_surrogates;
          } else {
            out.append(line.substr(i, 6));
          }
          i += 6;
          continue;
        }
        out.append(line.substr(i, 2));  // any other escape, "\"" and "\\" included
        i += 2;
        continue;
      }
      out.push_back(c);
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if ((c == 'N' && word_at(line, i, "NaN")) ||
               (c == 'I' && word_at(line, i, "Infinity")) ||
               (c == '-' && word_at(line, i, "-Infinity"))) {
      const std::size_t length = c == 'N' ? 3 : c == 'I' ? 8 : 9;
      out += "null";
      ++repairs.non_finite_numbers;
      i += length;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return out;
}

}  // namespace kavosh::index
