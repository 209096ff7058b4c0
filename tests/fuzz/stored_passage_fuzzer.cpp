// libFuzzer target for the stored passage record (stored_passage.hpp), two ways chosen by the
// first byte:
//  - as a record: decode() throws CorruptStoredPassage and nothing else, or gives a passage
//    whose tokens lie inside its text and which re-encodes to a record decoding to the same
//    passage (decode() reads through StoredPassageView, so the view is covered with it);
//  - as a passage: the bytes build a StoredPassage whose tokens lie inside its text, and
//    decode(encode(p)) == p.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"
#include "kavosh/format/stored_passage.hpp"

using kavosh::fuzz::require;
using namespace kavosh::index;

namespace {

std::optional<StoredPassage> decode_whole(std::string_view record) {
  try {
    return decode(record);
  } catch (const CorruptStoredPassage&) {
    return std::nullopt;
  }
}

// Reads the fuzzer's bytes as the pieces of a passage.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  std::uint32_t number() {
    std::uint32_t value = 0;
    for (int i = 0; i < 4 && at_ < bytes_.size(); ++i)
      value = (value << 8) | static_cast<unsigned char>(bytes_[at_++]);
    return value;
  }
  std::string string() {
    const std::size_t length = std::min<std::size_t>(number() % 64, bytes_.size() - at_);
    std::string s(bytes_.substr(at_, length));
    at_ += length;
    return s;
  }
  bool done() const { return at_ >= bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

StoredPassage build_passage(std::string_view bytes) {
  Reader in(bytes);
  StoredPassage p;
  p.passage = in.number();
  p.article = in.string();
  p.title = in.string();
  p.section = in.string();
  p.lang = in.string();
  p.text = in.string();
  p.source = in.string();
  p.date = in.string();
  for (std::uint32_t fields = in.number() % 4; fields > 0; --fields)
    p.fields.emplace_back(in.string(), in.string());
  while (!in.done() && p.tokens.size() < 200) {
    StoredToken t;
    const auto text_size = static_cast<std::uint32_t>(p.text.size());
    if (text_size == 0) break;
    t.begin = in.number() % text_size;
    t.end = t.begin + 1 + in.number() % (text_size - t.begin);
    t.span = 1 + in.number() % 3;
    t.term_hash = in.number();
    t.stem_hash = (in.number() & 1) != 0 ? t.term_hash : in.number();
    p.tokens.push_back(t);
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view bytes(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    if (data[0] & 1) {
      const StoredPassage passage = build_passage(bytes);
      const std::optional<StoredPassage> back = decode_whole(encode(passage));
      require(back.has_value(), "an encoded passage does not decode");
      require(*back == passage, "decode(encode(p)) != p");
      return 0;
    }
    const std::optional<StoredPassage> whole = decode_whole(bytes);
    if (!whole) return 0;
    const std::optional<StoredPassage> again = decode_whole(encode(*whole));
    require(again.has_value() && *again == *whole, "a decoded record does not round-trip");
    for (const StoredToken& t : whole->tokens)
      require(t.begin <= t.end && t.end <= whole->text.size(), "token outside the text");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "the record code threw something other than CorruptStoredPassage");
  }
  return 0;
}
