// libFuzzer target: any bytes through the analyzer (every language choice) and the language
// detector. Beyond the sanitizers' checks it enforces the analyzer's contract: non-empty
// terms, offsets inside the input on code-point boundaries, tokens ordered by position.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/text/utf8.hpp"

using kavosh::analysis::Analyzer;
using kavosh::analysis::Language;
using kavosh::analysis::Token;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

bool starts_code_point(std::string_view text, std::uint32_t offset) {
  if (offset == text.size()) return true;
  std::size_t at = 0;
  while (at < offset) at += kavosh::text::decode_utf8(text, at).length;
  return at == offset;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Analyzer analyzer;  // built once: ICU setup dominates otherwise
  if (size == 0) return 0;
  const auto language = static_cast<Language>(data[0] % 4);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<Token> tokens;
  analyzer.analyze(text, language, tokens);
  std::uint32_t last_position = 0;
  for (const Token& t : tokens) {
    require(!t.term.empty());
    require(t.begin < t.end && t.end <= text.size());
    require(starts_code_point(text, t.begin) && starts_code_point(text, t.end));
    require(t.position >= last_position);
    require(t.span >= 1);
    last_position = t.position;
  }
  (void)Analyzer::detect_language(text);
  return 0;
}
