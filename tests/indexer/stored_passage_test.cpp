// The stored passage record: encode/decode round trips, the lazy view, the stable token hash,
// and that truncated, corrupt, random or schema-1 (JSON) bytes throw CorruptStoredPassage
// without reading out of bounds (the sanitizer build checks the "out of bounds" part); the
// same for records compressed with a trained record dictionary, and for the dictionary's own
// stored bytes.
#include "kavosh/format/stored_passage.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "kavosh/format/record_dictionary.hpp"

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

// full_passage() with a text long and repetitive enough for LZ4 to shrink its record.
StoredPassage compressible_passage() {
  StoredPassage p = full_passage();
  for (int i = 0; i < 20; ++i) p.text += " and the same words again";
  return p;
}

// English words whose terms are their lowercased text and whose stems are edits of it, as
// the analyzer makes them: the layout's short cases (no hash stored).
StoredPassage english_passage() {
  StoredPassage p;
  p.lang = "en";
  p.text = "Happy Runners were running";
  p.tokens = {{0, 5, 1, token_hash("happy"), token_hash("happi")},
              {6, 13, 1, token_hash("runners"), token_hash("runner")},
              {14, 18, 1, token_hash("were"), token_hash("were")},
              {19, 26, 1, token_hash("running"), token_hash("run")}};
  return p;
}

TEST(StoredPassage, RoundTripsEveryField) {
  StoredPassage large = full_passage();
  large.text.assign(100000, 'x');
  large.tokens = {{99990, 100000, 1, 1, 2}, {5, 6, 70000, 3, 3}};  // begin goes backwards
  StoredPassage edits = english_passage();
  edits.tokens.push_back({0, 5, 1, token_hash("happy"), token_hash("ha")});  // a cut alone
  edits.tokens.push_back({0, 0, 1, token_hash(""), token_hash("e")});        // on an empty word
  const StoredPassage cases[] = {StoredPassage{}, full_passage(),    compressible_passage(),
                                 large,           english_passage(), edits};
  for (const auto& passage : cases) {
    SCOPED_TRACE(passage.text.size());
    const std::string record = encode(passage);
    EXPECT_EQ(static_cast<unsigned char>(record[0]), kStoredPassageFormat);
    EXPECT_EQ(decode(record), passage);
  }
}

// Short bodies are stored raw, longer ones compressed, and either way decode the same.
TEST(StoredPassage, CompressesBodiesWhereItPays) {
  StoredPassage small;
  small.text = "a few words";
  const std::string raw = encode(small);
  EXPECT_EQ(static_cast<unsigned char>(raw[1]), kStoredRaw);
  EXPECT_NE(raw.find("a few words"), std::string::npos);
  StoredPassage repetitive = english_passage();
  for (int i = 0; i < 50; ++i) repetitive.text += " the same words again";
  const std::string compressed = encode(repetitive);
  EXPECT_EQ(static_cast<unsigned char>(compressed[1]), kStoredLz4);
  EXPECT_LT(compressed.size(), repetitive.text.size() / 4);
  EXPECT_EQ(decode(compressed), repetitive);
}

// Terms that are their lowercased text and stems that are edits of them cost no hash bytes:
// the four tokens take 15 bytes (gap, length and flags, cut and ending), where their hashes
// alone would take 28. The record is short enough to be stored raw, so sizes are exact.
TEST(StoredPassage, DerivableHashesAreNotStored) {
  StoredPassage words = english_passage();
  const std::string record = encode(words);
  ASSERT_EQ(static_cast<unsigned char>(record[1]), kStoredRaw);
  words.tokens.clear();
  const std::size_t without_tokens = encode(words).size();
  EXPECT_EQ(record.size() - without_tokens, 15u);
  // A term the text does not spell costs its hash: gap, length and flags, 4 bytes.
  StoredPassage folded = english_passage();
  folded.tokens = {{0, 5, 1, token_hash("hapy"), token_hash("hapy")}};
  EXPECT_EQ(encode(folded).size(), without_tokens + 6);
  EXPECT_EQ(decode(encode(folded)), folded);
}

TEST(StoredPassage, ViewBorrowsTheBodyAndDecodesTokensOnDemand) {
  const StoredPassage passage = compressible_passage();
  const std::string record = encode(passage);
  std::string buffer = "dropped";
  const StoredPassageView view = StoredPassageView::parse(record, buffer);
  EXPECT_EQ(view.article, passage.article);
  EXPECT_EQ(view.passage, passage.passage);
  EXPECT_EQ(view.title, passage.title);
  EXPECT_EQ(view.section, passage.section);
  EXPECT_EQ(view.lang, passage.lang);
  EXPECT_EQ(view.text, passage.text);
  EXPECT_EQ(view.source, passage.source);
  EXPECT_EQ(view.date, passage.date);
  ASSERT_EQ(static_cast<unsigned char>(record[1]), kStoredLz4);
  EXPECT_EQ(view.text.data(), buffer.data() + buffer.find(passage.text));  // no copy
  const auto fields = view.fields();
  ASSERT_EQ(fields.size(), passage.fields.size());
  for (std::size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(fields[i].first, passage.fields[i].first);
    EXPECT_EQ(fields[i].second, passage.fields[i].second);
  }
  std::vector<StoredToken> tokens{{1, 2, 3, 4, 5}};  // cleared first
  view.decode_tokens(tokens);
  EXPECT_EQ(tokens, passage.tokens);
  // A raw record's view points into the record itself.
  StoredPassage small;
  small.text = "short";
  const std::string raw = encode(small);
  const StoredPassageView raw_view = StoredPassageView::parse(raw, buffer);
  EXPECT_EQ(raw_view.text.data(), raw.data() + raw.find("short"));
}

// The hash is stored in indexes: it must never change. Pinned values (checked against an
// independent implementation of the header's definition), and distinct values on
// strings that differ in one byte or only by a prefix.
// A token whose term is its text with ASCII letters lowercased is named by that text; one whose
// term is something else (a compound joined across a space, Persian letters normalized) is not.
TEST(StoredPassage, ATokenWhoseRecordKeepsNoHashIsItsLoweredText) {
  std::string term;
  const StoredPassage english = decode(encode(english_passage()));
  EXPECT_TRUE(term_from_text(english.text, english.tokens[1], term));
  EXPECT_EQ(term, "runners");
  const StoredPassage persian = decode(encode(full_passage()));
  EXPECT_TRUE(term_from_text(persian.text, persian.tokens[1], term));
  EXPECT_EQ(term, "می");
  EXPECT_FALSE(term_from_text(persian.text, persian.tokens[2], term));  // "می روم" -> میروم
  StoredToken folded{0, 5, 1, token_hash("hapy"), token_hash("hapy")};
  EXPECT_FALSE(term_from_text("Happy", folded, term));
}

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
  StoredPassage raw_passage = english_passage();
  raw_passage.text = "Happy Runners were running";
  for (const std::string& record :
       {encode(compressible_passage()), encode(full_passage()), encode(raw_passage)}) {
    for (std::size_t length = 0; length < record.size(); ++length) {
      SCOPED_TRACE(length);
      EXPECT_THROW(decode(std::string_view(record).substr(0, length)), CorruptStoredPassage);
    }
  }
}

// Any one byte of a compressed record changed: an error (LZ4's bounds or the body checksum)
// or, where the change does not alter what LZ4 rebuilds (a match offset into repeated text),
// the same passage; never another text or token table.
// Each byte of `record` after its two header bytes changed four ways: decoding gives
// `passage` or throws CorruptStoredPassage naming the offset. Returns how many threw.
std::size_t errors_of_flipped_bytes(const std::string& record, const StoredPassage& passage,
                                    const RecordDictionaries* dictionaries = nullptr) {
  std::size_t errors = 0;
  for (std::size_t at = 2; at < record.size(); ++at) {
    for (const unsigned char flip : {0x01, 0x10, 0x80, 0xFF}) {
      std::string corrupt = record;
      corrupt[at] = static_cast<char>(corrupt[at] ^ flip);
      try {
        EXPECT_EQ(decode(corrupt, dictionaries), passage) << "byte " << at << " ^ " << int(flip);
      } catch (const CorruptStoredPassage& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("corrupt stored passage record at byte "))
            << e.what();
        ++errors;
      }
    }
  }
  return errors;
}

TEST(StoredPassage, ACorruptCompressedRecordIsAnErrorNeverAnotherPassage) {
  const StoredPassage passage = compressible_passage();
  const std::string record = encode(passage);
  ASSERT_EQ(static_cast<unsigned char>(record[1]), kStoredLz4);
  EXPECT_GT(errors_of_flipped_bytes(record, passage), 4 * (record.size() - 2) * 9 / 10);
}

TEST(StoredPassage, CorruptRecordsThrowWithTheOffset) {
  struct Case {
    std::string record;
    std::string message;
  };
  StoredPassage small;  // stored raw, so its bytes can be cut and changed in place
  small.text = "abc";
  const std::string raw_empty = encode(StoredPassage{});
  std::string trailing = encode(small) + "x";
  std::string huge_count = raw_empty;
  huge_count.back() = '\x7F';  // token count 127, no tokens follow
  StoredPassage one_token = small;
  one_token.tokens = {{0, 3, 1, 7, 7}};  // hashes not the text's: stored
  std::string outside = encode(one_token);
  outside[outside.size() - 5] = (4 << 4) | 2;  // token length 4 > text
  std::string flags = encode(one_token);
  flags[flags.size() - 5] = (3 << 4) | 6;  // a stem edit beside a stored term hash
  std::string size_claim = encode(compressible_passage());
  size_claim.resize(12);
  const Case cases[] = {
      {"",
       "no stored passage record (written before index schema 2?): re-index with "
       "kavosh-index --rebuild"},
      {"\x07",
       "stored passage record format 7 is not the supported format 2: re-index with "
       "kavosh-index --rebuild"},
      {"\x01\x00\x00\x00",
       "stored passage record format 1 is not the supported format 2: re-index with "
       "kavosh-index --rebuild"},
      {R"({"article":"a","text":"b"})",
       "stored passage is in the schema 1 (JSON) format: re-index with kavosh-index --rebuild"},
      {"\x02", "corrupt stored passage record at byte 1: compression byte"},
      {"\x02\x05", "corrupt stored passage record at byte 1: unknown compression 5"},
      {std::string("\x02\x00\xFF\xFF\xFF\xFF\x7F", 7),
       "corrupt stored passage record at byte 7: passage number"},
      {std::string("\x02\x00\x00\x05"
                   "ab",
                   6),
       "corrupt stored passage record at byte 4: article"},
      {std::string("\x02\x01\x00", 3), "corrupt stored passage record at byte 3: body checksum"},
      {std::string("\x02\x01\x7F\x00\x00\x00\x00", 7),
       "corrupt stored passage record at byte 7: body size larger than the block holds"},
      {trailing, "corrupt stored passage record at byte " + std::to_string(trailing.size() - 1) +
                     ": bytes after the token table"},
      {huge_count, "corrupt stored passage record at byte " + std::to_string(huge_count.size()) +
                       ": token count larger than the record"},
      {outside, "corrupt stored passage record at byte " + std::to_string(outside.size() - 4) +
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
  // A cut block: LZ4 stops at its end, and the message says so.
  try {
    decode(size_claim);
    ADD_FAILURE() << "no exception";
  } catch (const CorruptStoredPassage& e) {
    const std::string message = e.what();
    EXPECT_TRUE(message.starts_with("corrupt stored passage record at byte ")) << message;
    EXPECT_TRUE(message.ends_with(": corrupt compressed body")) << message;
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

// Passages of a made-up English, its words drawn from a small vocabulary, so that bodies share
// what a dictionary learns (as an index's do): `count` of them, deterministic.
std::vector<StoredPassage> made_up_passages(std::size_t count, std::uint32_t seed) {
  std::mt19937 random(seed);
  std::vector<std::string> vocabulary;
  for (int i = 0; i < 2000; ++i) {
    std::string word;
    for (std::size_t length = 3 + random() % 7; word.size() < length;)
      word.push_back(static_cast<char>('a' + random() % 26));
    vocabulary.push_back(word);
  }
  std::vector<StoredPassage> passages;
  for (std::size_t i = 0; i < count; ++i) {
    StoredPassage p;
    p.article = "article-" + std::to_string(i);
    p.title = vocabulary[random() % 200] + " " + vocabulary[random() % 2000];
    p.lang = "en";
    p.source = "made-up.jsonl";
    for (std::size_t words = 40 + random() % 60; words > 0; --words) {
      const std::string& word = vocabulary[random() % (1 + random() % vocabulary.size())];
      if (!p.text.empty()) p.text.push_back(' ');
      const auto begin = static_cast<std::uint32_t>(p.text.size());
      p.text += word;
      p.tokens.push_back({begin, static_cast<std::uint32_t>(p.text.size()), 1, token_hash(word),
                          token_hash(word.substr(0, word.size() - 1))});
    }
    passages.push_back(std::move(p));
  }
  return passages;
}

// Trained once for the tests below, on about 1.4 MB of bodies.
const RecordDictionary& trained_dictionary() {
  static const RecordDictionary dictionary = [] {
    std::vector<std::string> bodies;
    for (const StoredPassage& p : made_up_passages(2500, 1)) bodies.push_back(encode_body(p));
    const std::vector<std::string_view> views(bodies.begin(), bodies.end());
    std::optional<RecordDictionary> trained = RecordDictionary::train(views);
    if (!trained) throw std::runtime_error("no dictionary trained");
    return *trained;
  }();
  return dictionary;
}

RecordDictionaries dictionaries_of(const RecordDictionary& dictionary) {
  RecordDictionaries dictionaries;
  dictionaries.add(dictionary.id(), dictionary.stored());
  return dictionaries;
}

TEST(RecordDictionary, TooFewBodiesTrainNone) {
  std::vector<std::string> bodies;
  for (const StoredPassage& p : made_up_passages(100, 2)) bodies.push_back(encode_body(p));
  EXPECT_FALSE(RecordDictionary::train({bodies.begin(), bodies.end()}));
  EXPECT_FALSE(RecordDictionary::train({}));
}

// Passages the dictionary was not trained on round-trip through it, every field and token,
// in records smaller than LZ4's; short bodies stay raw; and records without the dictionary
// still read with one given.
TEST(RecordDictionary, RoundTripsWithAndWithoutTheDictionary) {
  const RecordDictionary& dictionary = trained_dictionary();
  EXPECT_EQ(dictionary.stored().size(), 1 + kDictionaryBytes);
  const RecordDictionaries dictionaries = dictionaries_of(dictionary);
  std::size_t with_bytes = 0, lz4_bytes = 0;
  for (const StoredPassage& passage : made_up_passages(300, 3)) {
    const std::string with = encode(passage, &dictionary);
    const std::string without = encode(passage);
    ASSERT_EQ(static_cast<unsigned char>(with[1]), kStoredZstd);
    ASSERT_EQ(static_cast<unsigned char>(without[1]), kStoredLz4);
    EXPECT_EQ(decode(with, &dictionaries), passage);
    EXPECT_EQ(decode(without, &dictionaries), passage);
    EXPECT_EQ(decode(without), passage);
    with_bytes += with.size();
    lz4_bytes += without.size();
  }
  EXPECT_LT(with_bytes, lz4_bytes * 3 / 4);
  for (const StoredPassage& passage : {StoredPassage{}, english_passage(), full_passage()}) {
    const std::string record = encode(passage, &dictionary);
    EXPECT_EQ(static_cast<unsigned char>(record[1]), kStoredRaw);
    EXPECT_EQ(decode(record, &dictionaries), passage);
  }
  // A view of a record compressed with the dictionary borrows the caller's buffer.
  const StoredPassage passage = made_up_passages(1, 4).front();
  const std::string record = encode(passage, &dictionary);
  std::string buffer;
  const StoredPassageView view = StoredPassageView::parse(record, buffer, &dictionaries);
  EXPECT_EQ(view.text, passage.text);
  EXPECT_EQ(view.text.data(), buffer.data() + buffer.find(passage.text));
}

// A repeated byte shrinks more than the decoder's bound lets a size claim: such a body is
// stored with LZ4 instead, and reads back.
TEST(RecordDictionary, BodiesZstdShrinksBeyondTheBoundAreStoredWithLz4) {
  StoredPassage passage;
  passage.text.assign(200000, 'x');
  const std::string record = encode(passage, &trained_dictionary());
  EXPECT_EQ(static_cast<unsigned char>(record[1]), kStoredLz4);
  const RecordDictionaries dictionaries = dictionaries_of(trained_dictionary());
  EXPECT_EQ(decode(record, &dictionaries), passage);
}

// A record names its dictionary by id: read without it, or with only another one, it is an
// error that names the id, never a guess.
TEST(RecordDictionary, ARecordOfAnUnknownDictionaryIsAnError) {
  const RecordDictionary& dictionary = trained_dictionary();
  const std::string record = encode(made_up_passages(1, 5).front(), &dictionary);
  std::vector<std::string> bodies;
  for (const StoredPassage& p : made_up_passages(2500, 6)) bodies.push_back(encode_body(p));
  const std::optional<RecordDictionary> other =
      RecordDictionary::train({bodies.begin(), bodies.end()});
  ASSERT_TRUE(other);
  ASSERT_NE(other->id(), dictionary.id());
  const RecordDictionaries others = dictionaries_of(*other);
  // The offset after the id: 2 header bytes, a 2-byte body size (the body is 128 to 16 383
  // bytes), the body checksum and the id.
  ASSERT_EQ(static_cast<unsigned char>(record[3]) & 0x80, 0);
  ASSERT_NE(static_cast<unsigned char>(record[2]) & 0x80, 0);
  const std::string expected =
      "corrupt stored passage record at byte 12: compressed with record "
      "dictionary " +
      dictionary_id_hex(dictionary.id()) + ", which the index does not hold";
  for (const RecordDictionaries* given :
       {static_cast<const RecordDictionaries*>(nullptr), &others}) {
    try {
      decode(record, given);
      ADD_FAILURE() << "no exception";
    } catch (const CorruptStoredPassage& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
  }
}

// Any one byte of a record compressed with the dictionary changed: an error (zstd's checks, the
// body checksum, an unknown dictionary id) or the same passage; every prefix an error.
TEST(RecordDictionary, ACorruptOrTruncatedRecordIsAnErrorNeverAnotherPassage) {
  const RecordDictionaries dictionaries = dictionaries_of(trained_dictionary());
  const StoredPassage passage = made_up_passages(1, 7).front();
  const std::string record = encode(passage, &trained_dictionary());
  ASSERT_EQ(static_cast<unsigned char>(record[1]), kStoredZstd);
  EXPECT_GT(errors_of_flipped_bytes(record, passage, &dictionaries),
            4 * (record.size() - 2) * 9 / 10);
  for (std::size_t length = 0; length < record.size(); ++length) {
    SCOPED_TRACE(length);
    EXPECT_THROW(decode(std::string_view(record).substr(0, length), &dictionaries),
                 CorruptStoredPassage);
  }
}

// A stored dictionary cut short, changed, of an unknown kind, or filed under another id is
// refused with a message naming its metadata key; so is a second dictionary under one id.
TEST(RecordDictionary, ATruncatedOrCorruptDictionaryIsRefused) {
  const RecordDictionary& dictionary = trained_dictionary();
  const std::string& stored = dictionary.stored();
  const std::uint32_t id = dictionary.id();
  const std::string key = "record dictionary " + dictionary_id_hex(id) +
                          " (metadata kavosh.record-dictionary." + dictionary_id_hex(id) + "): ";
  std::string changed = stored;
  changed[stored.size() / 2] ^= 0x20;
  std::string other_kind = stored;
  other_kind[0] = 7;
  const std::pair<std::string, std::string> cases[] = {
      {"", "missing"},
      {stored.substr(0, 1), "fails its checksum"},
      {stored.substr(0, stored.size() / 2), "fails its checksum"},
      {stored.substr(0, stored.size() - 1), "fails its checksum"},
      {changed, "fails its checksum"},
      {other_kind, "unknown kind 7"},
  };
  for (const auto& [bytes, why] : cases) {
    SCOPED_TRACE(why + " " + std::to_string(bytes.size()));
    const std::string expected = key + why + ": re-index with kavosh-index --rebuild";
    RecordDictionaries dictionaries;
    try {
      dictionaries.add(id, bytes);
      ADD_FAILURE() << "no exception";
    } catch (const CorruptStoredPassage& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
    try {
      RecordDictionary::from_stored(id, bytes);
      ADD_FAILURE() << "no exception";
    } catch (const CorruptStoredPassage& e) {
      EXPECT_EQ(std::string(e.what()), expected);
    }
  }
  EXPECT_THROW(RecordDictionaries().add(id + 1, stored), CorruptStoredPassage);
  RecordDictionaries dictionaries = dictionaries_of(dictionary);
  EXPECT_NO_THROW(dictionaries.add(id, stored));  // the same one again (another shard's copy)
  EXPECT_EQ(dictionaries.size(), 1u);
}

}  // namespace
}  // namespace kavosh::index
