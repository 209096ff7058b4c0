// libFuzzer target for one corpus reader, chosen at compile time by KAVOSH_FUZZ_FORMAT (the
// build makes one binary per format): the input is the file the reader streams. Invariants
// beyond the sanitizers':
//  - read_file throws nothing but std::runtime_error (a file it cannot read or decompress);
//  - every article has an id and at least one passage, and every string it carries (id,
//    title, passage text, field names and values, aliases) is valid UTF-8, so the analyzer and
//    the stored record never meet broken text; a passage's text is non-empty;
//  - no article's text exceeds kMaxArticleBytes by more than one passage's worth;
//  - a skipped document is a warning with a skip reason, and warnings name the file.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>

#include "fuzz_support.hpp"
#include "kavosh/index/readers.hpp"

using kavosh::fuzz::require;
using kavosh::fuzz::valid_utf8;
using namespace kavosh::index;

namespace {

struct CheckingListener : ReadListener {
  std::string file;
  void article(Article&& a) override {
    require(!a.id.empty(), "article without an id");
    require(!a.passages.empty(), "article without passages");
    require(valid_utf8(a.id) && valid_utf8(a.title), "invalid UTF-8 in an id or title");
    std::size_t text_bytes = 0;
    for (const Passage& p : a.passages) {
      require(!p.text.empty(), "empty passage");
      require(valid_utf8(p.text) && valid_utf8(p.section), "invalid UTF-8 in a passage");
      for (const Field& f : p.fields)
        require(valid_utf8(f.first) && valid_utf8(f.second), "invalid UTF-8 in a field");
      text_bytes += p.text.size();
    }
    require(text_bytes <= 2 * kMaxArticleBytes, "article text far over kMaxArticleBytes");
    for (const Field& f : a.fields)
      require(valid_utf8(f.first) && valid_utf8(f.second), "invalid UTF-8 in a field");
    for (const std::string& alias : a.aliases) require(valid_utf8(alias), "invalid UTF-8 alias");
  }
  void alias_group(std::vector<std::string>&& names) override {
    for (const std::string& name : names) require(valid_utf8(name), "invalid UTF-8 alias group");
  }
  void warning(InputWarning&& w) override {
    require(w.file == file, "warning names another file");
    require(!w.message.empty(), "warning without a message");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static kavosh::fuzz::MemoryFile input;
  input.assign(data, size);
  CheckingListener listener;
  listener.file = input.path().string();
  try {
    read_file(input.path(), Format::KAVOSH_FUZZ_FORMAT, "fuzz-article", "fuzz", listener);
  } catch (const std::runtime_error&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "a reader threw something other than std::runtime_error");
  }
  return 0;
}
