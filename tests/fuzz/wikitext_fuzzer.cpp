// libFuzzer target: MediaWiki markup of one page through parse_wikitext (templates, links,
// tables, tags and comments nested at any depth, unbalanced or not). Invariants beyond the
// sanitizers': no exception at all (markup is never an error), and the article's passages,
// fields and aliases are non-empty valid UTF-8 whenever the input is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "kavosh/index/readers.hpp"

using kavosh::fuzz::require;
using kavosh::fuzz::valid_utf8;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view wikitext(reinterpret_cast<const char*>(data), size);
  // The reader repairs UTF-8 before parsing (sanitize_text); give the parser what it gets.
  if (!valid_utf8(wikitext)) return 0;
  try {
    const kavosh::index::Article article = kavosh::index::parse_wikitext(wikitext, "Fuzz", "en");
    for (const kavosh::index::Passage& p : article.passages) {
      require(valid_utf8(p.text) && valid_utf8(p.section), "invalid UTF-8 in a passage");
      for (const auto& [name, value] : p.fields)
        require(valid_utf8(name) && valid_utf8(value), "invalid UTF-8 in a field");
    }
    for (const auto& [name, value] : article.fields)
      require(valid_utf8(name) && valid_utf8(value), "invalid UTF-8 in a field");
    for (const std::string& alias : article.aliases)
      require(!alias.empty() && valid_utf8(alias), "empty or invalid alias");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "parse_wikitext threw");
  }
  return 0;
}
