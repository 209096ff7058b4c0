// The stored passage record: encode/decode round trips, the lazy view, the stable token hash,
// and that truncated, corrupt, random or schema-1 (JSON) bytes throw CorruptStoredPassage
// without reading out of bounds (the sanitizer build checks the "out of bounds" part).
#include "kavosh/format/stored_passage.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace kavosh::index {
namespace {

StoredPassage full_passage() {
  StoredPassage p;
  p.article = "سازمان مجاهدين خلق";
  p.passage = 300;  // needs two varint bytes
  p.title = "People's Mujahedin";
  p.section = "History";
  p.lang = "fa";
  p.text = "من به خانه می روم and mojâhedīn";
  p.fields = {{"leader", "Rajavi"}, {"founded", "1965"}, {"leader", "second value kept apart"}};
  p.source = "wiki/fa.xml";
  p.date = "2020-01-02";
  // A word, a stacked compound (span 2, begins where its first part does), the part after it,
  // a word whose stem differs from its term, and an empty range at the end.
  p.tokens = {{0, 4, 1, token_hash("من"), token_hash("من")},
              {19, 23, 1, token_hash("می"), token_hash("می")},
              {19, 30, 2, token_hash("میروم"), token_hash("رو")},
              {24, 30, 1, token_hash("روم"), token_hash("روم")},
              {35, 46, 1, token_hash("mojahedin"), token_hash("mojahedin")},
              {46, 46, 1, 0xFFFFFFFFu, 0}};
  return p;
}

TEST(StoredPassage, RoundTripsEveryField) {
  StoredPassage large = full_passage();
  large.text.assign(100000, 'x');
  large.tokens = {{99990, 100000, 1, 1, 2}, {5, 6, 70000, 3, 3}};  // begin goes backwards
  const StoredPassage cases[] = {StoredPassage{}, full_passage(), large};
  for (const auto& passage : cases) {
    SCOPED_TRACE(passage.text.size());
    const std::string record = encode(passage);
    EXPECT_EQ(static_cast<unsigned char>(record[0]), kStoredPassageFormat);
    EXPECT_EQ(decode(record), passage);
  }
}

TEST(StoredPassage, ViewBorrowsTheRecordAndDecodesTokensOnDemand) {
  const StoredPassage passage = full_passage();
  const std::string record = encode(passage);
  const StoredPassageView view = StoredPassageView::parse(record);
  EXPECT_EQ(view.article, passage.article);
  EXPECT_EQ(view.passage, passage.passage);
  EXPECT_EQ(view.title, passage.title);
  EXPECT_EQ(view.section, passage.section);
  EXPECT_EQ(view.lang, passage.lang);
  EXPECT_EQ(view.text, passage.text);
  EXPECT_EQ(view.source, passage.source);
  EXPECT_EQ(view.date, passage.date);
  EXPECT_EQ(view.text.data(), record.data() + record.find(passage.text));  // no copy
  const auto fields = view.fields();
  ASSERT_EQ(fields.size(), passage.fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(fields[i].first, passage.fields[i].first);
    EXPECT_EQ(fields[i].second, passage.fields[i].second);
  }
  std::vector<StoredToken> tokens{{1, 2, 3, 4, 5}};  // cleared first
  view.decode_tokens(tokens);
  EXPECT_EQ(tokens, passage.tokens);
}

// The hash is stored in indexes: it must never change. Pinned values (checked against an
// independent implementation of the header's definition), and distinct values on
// strings that differ in one byte or only by a prefix.
TEST(StoredPassage, TokenHashIsStable) {
  EXPECT_EQ(token_hash(""), 0xefd01f60u);
  EXPECT_EQ(token_hash("mojahedin"), 0x66fa7378u);
  EXPECT_EQ(token_hash("میروم"), 0x81fa115cu);
  const std::vector<std::string> distinct{"a", "b", "ab", "ba", "Zab", "mojahedin", "mojahedim"};
  for (std::size_t i = 0; i < distinct.size(); ++i)
    for (std::size_t j = i + 1; j < distinct.size(); ++j)
      EXPECT_NE(token_hash(distinct[i]), token_hash(distinct[j]))
          << distinct[i] << " " << distinct[j];
}

TEST(StoredPassage, EncodeRejectsATokenOutsideTheText) {
  StoredPassage passage;
  passage.text = "abc";
  for (const StoredToken token : {StoredToken{0, 4, 1, 0, 0}, StoredToken{2, 1, 1, 0, 0}}) {
    passage.tokens = {token};
    EXPECT_THROW(encode(passage), std::invalid_argument);
  }
}

TEST(StoredPassage, EveryTruncationThrows) {
  const std::string record = encode(full_passage());
  for (std::size_t length = 0; length < record.size(); ++length) {
    SCOPED_TRACE(length);
    EXPECT_THROW(decode(std::string_view(record).substr(0, length)), CorruptStoredPassage);
  }
}

TEST(StoredPassage, CorruptRecordsThrowWithTheOffset) {
  struct Case {
    std::string record;
    std::string message;
  };
  std::string trailing = encode(full_passage()) + "x";
  std::string huge_count = encode(StoredPassage{});
  huge_count.back() = '\x7F';  // token count 127, no tokens follow
  StoredPassage one_token;
  one_token.text = "abc";
  one_token.tokens = {{0, 3, 1, 7, 7}};
  std::string outside = encode(one_token);
  outside[outside.size() - 6] = 4;  // token length 4 > text
  std::string flags = encode(one_token);
  flags[flags.size() - 5] = 9;  // unknown flag bits
  const Case cases[] = {
      {"",
       "no stored passage record (written before index schema 2?): re-index with "
       "kavosh-index --rebuild"},
      {"\x07",
       "stored passage record format 7 is not the supported format 1: re-index with "
       "kavosh-index --rebuild"},
      {R"({"article":"a","text":"b"})",
       "stored passage is in the schema 1 (JSON) format: re-index with kavosh-index --rebuild"},
      {std::string("\x01\xFF\xFF\xFF\xFF\x7F", 6),
       "corrupt stored passage record at byte 6: passage number"},
      {std::string("\x01\x00\x05"
                   "ab",
                   5),
       "corrupt stored passage record at byte 3: article"},
      {trailing, "corrupt stored passage record at byte " + std::to_string(trailing.size() - 1) +
                     ": bytes after the token table"},
      {huge_count, "corrupt stored passage record at byte " + std::to_string(huge_count.size()) +
                       ": token count larger than the record"},
      {outside, "corrupt stored passage record at byte " + std::to_string(outside.size() - 5) +
                    ": token outside the text"},
      {flags, "corrupt stored passage record at byte " + std::to_string(flags.size() - 4) +
                  ": unknown token flags"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.message);
    try {
      decode(c.record);
      ADD_FAILURE() << "no exception";
    } catch (const CorruptStoredPassage& e) {
      EXPECT_EQ(std::string(e.what()), c.message);
    }
  }
}

// Random bytes, and random byte changes to a valid record: decode either succeeds or throws
// CorruptStoredPassage, and whatever it returns lies inside the text.
TEST(StoredPassage, RandomBytesNeverEscapeTheRecord) {
  std::mt19937 random(20261128);
  const std::string valid = encode(full_passage());
  auto check = [](const std::string& bytes) {
    try {
      const StoredPassage p = decode(bytes);
      for (const auto& token : p.tokens) {
        EXPECT_LE(token.begin, token.end);
        EXPECT_LE(token.end, p.text.size());
      }
    } catch (const CorruptStoredPassage&) {
    }
  };
  for (int round = 0; round < 3000; ++round) {
    std::string bytes(random() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(random() % 256);
    if (!bytes.empty() && round % 2 == 0) bytes[0] = static_cast<char>(kStoredPassageFormat);
    check(bytes);
    std::string mutated = valid;
    for (int changes = 1 + static_cast<int>(random() % 3); changes > 0; --changes)
      mutated[random() % mutated.size()] = static_cast<char>(random() % 256);
    check(mutated);
  }
}

}  // namespace
}  // namespace kavosh::index
