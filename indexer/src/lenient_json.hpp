#pragma once
// Internal to the JSONL reader: the two departures from JSON that real exports make and that
// would otherwise cost the whole record. Python's json.dumps writes a lone UTF-16 surrogate
// of broken text as "\udc80" and a float NaN or infinity as the bare words NaN, Infinity and
// -Infinity; nlohmann::json (rightly) refuses both, and the reader skipped such a line whole.
#include <cstddef>
#include <string>
#include <string_view>

namespace kavosh::index {

struct LenientJsonRepairs {
  std::size_t lone_surrogates = 0;     // \uD800-\uDFFF escapes not in a pair, now \uFFFD
  std::size_t non_finite_numbers = 0;  // NaN, Infinity, -Infinity outside strings, now null
  bool any() const { return lone_surrogates + non_finite_numbers > 0; }
  std::string describe() const;  // e.g. "1 lone surrogate escape read as U+FFFD"
};

// `line` with those departures replaced (and `repairs` counting them); everything else,
// malformed or not, is copied as it is.
std::string repair_lenient_json(std::string_view line, LenientJsonRepairs& repairs);

}  // namespace kavosh::index
