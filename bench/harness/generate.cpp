// kavosh-bench-generate: a deterministic (seeded) multilingual corpus for the benchmarks, in the
// common JSONL shape, plus query sets per class (queries TSV).
//
// How the text is made: word bigrams, unigram frequencies and passage lengths are learned from
// the real samples in the data directory (English: the SMART/TREC collections and the English
// Wikipedia sample; Persian: the ParsiNLU and PersianQA paragraphs and the Persian Wikipedia
// pages). A passage is a walk of the bigram chain (with a unigram jump now and then), of a
// length drawn from the real length distribution. Real samples hold a few tens of thousands of
// distinct words, far fewer than a 1 GB corpus would; so a small share of words is replaced by
// synthetic words drawn from a 1/rank (Zipf) distribution over a million ranks and spelled by
// gluing the head of one real word to the tail of another, which gives the long tail of rare
// words (and the vocabulary growth) real corpora have. Romanized-Persian passages are Persian
// passages transliterated by a simple letter map (a vowel is inserted between consonants).
//
// Same seed, same data, same options -> byte-identical output.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "collections.hpp"
#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace fs = std::filesystem;
namespace harness = kavosh::bench::harness;
namespace text = kavosh::text;

namespace {

// xoshiro256** seeded by splitmix64: fast, well distributed, same sequence everywhere.
class Random {
 public:
  explicit Random(std::uint64_t seed) {
    for (auto& s : state_) {
      seed += 0x9e3779b97f4a7c15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      s = z ^ (z >> 31);
    }
  }
  std::uint64_t next() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }
  // Uniform in [0, n) (multiply-shift; bias negligible for our n).
  std::size_t below(std::size_t n) {
    return static_cast<std::size_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }
  double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t state_[4];
};

// --- UTF-8 ------------------------------------------------------------------------------

// Decodes one code point at s[i] with the project's decoder, advancing i; an ill-formed
// subpart yields U+FFFD.
char32_t decode(std::string_view s, std::size_t& i) {
  const text::DecodedCodePoint decoded = text::decode_utf8(s, i);
  i += decoded.length;
  return decoded.value;
}

using text::append_utf8;

bool is_sentence_punctuation(char32_t c) {
  return c == U'.' || c == U'?' || c == U'!' || c == text::kArabicQuestionMark ||
         c == text::kArabicFullStop;
}
bool is_clause_punctuation(char32_t c) {
  return c == U',' || c == U';' || c == text::kArabicComma || c == text::kArabicSemicolon;
}

bool is_word_char(char32_t c) {
  if (c < 0x80)
    return text::is_ascii_digit(static_cast<char>(c)) ||
           text::is_ascii_letter(static_cast<char>(c));
  if (c == text::kZeroWidthNonJoiner) return true;  // joins Persian word parts
  if (c == 0xFFFD || c < 0xC0) return false;        // Latin-1 punctuation, NBSP, invalid
  if (c >= 0x2000 && c <= 0x2BFF) return false;     // general punctuation, symbols, arrows
  if (c >= 0x3000 && c <= 0x303F) return false;
  // Arabic punctuation, without the signs U+0609..U+060B and the date separator U+060D, which
  // the generator has always kept inside words.
  if (text::is_arabic_separator_sign(c) && (c < 0x0609 || c > 0x060B) && c != 0x060D) return false;
  if (c == 0xD7 || c == 0xF7) return false;
  return true;
}

bool is_arabic_script(std::string_view word) {
  for (std::size_t i = 0; i < word.size();) {
    const char32_t c = decode(word, i);
    if (text::is_in_arabic_block(c)) return true;
  }
  return false;
}

bool is_ascii_alpha(std::string_view word) {
  return !word.empty() && std::all_of(word.begin(), word.end(), text::is_ascii_letter);
}

std::size_t code_points(std::string_view word) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < word.size(); ++n) decode(word, i);
  return n;
}

// --- the learned model ------------------------------------------------------------------

constexpr std::uint32_t kSentenceEnd = 0;  // token 0 is "."; token 1 is ","

// Unigram + bigram statistics of one language, kept as the token stream itself: a uniform
// position in the stream is a unigram draw, a uniform position in a word's successor list is
// a bigram draw. Both O(1), exact empirical distributions.
struct LanguageModel {
  std::vector<std::string> words;  // id -> surface form
  std::unordered_map<std::string, std::uint32_t> ids;
  std::vector<std::uint32_t> stream;           // all tokens in order, sentences separated
  std::vector<std::uint32_t> successor_start;  // per id: offset into successors
  std::vector<std::uint32_t> successors;
  std::vector<std::uint32_t> passage_lengths;  // in words
  std::vector<std::uint32_t> word_ids;         // ids of real words (not punctuation)
  std::string sentence_end = ".";
  std::string clause_mark = ",";

  std::uint32_t id_of(const std::string& w) {
    auto [it, inserted] = ids.try_emplace(w, static_cast<std::uint32_t>(words.size()));
    if (inserted) words.push_back(w);
    return it->second;
  }
  bool is_word(std::uint32_t id) const { return id > 1; }

  void learn(const std::string& text) {
    std::uint32_t length = 0;
    std::string word;
    auto flush = [&] {
      if (!word.empty()) {
        // Hyphens/apostrophes only join word characters; a trailing one is dropped.
        while (!word.empty() && (word.back() == '-' || word.back() == '\'')) word.pop_back();
        if (!word.empty()) {
          stream.push_back(id_of(word));
          ++length;
        }
        word.clear();
      }
    };
    for (std::size_t i = 0; i < text.size();) {
      const char32_t c = decode(text, i);
      if (is_word_char(c) || ((c == '-' || c == '\'') && !word.empty())) {
        append_utf8(word, c);
      } else {
        flush();
        if (is_sentence_punctuation(c) && !stream.empty() && stream.back() > 1)
          stream.push_back(kSentenceEnd);
        else if (is_clause_punctuation(c) && !stream.empty() && stream.back() > 1)
          stream.push_back(1);
      }
    }
    flush();
    if (stream.empty() || stream.back() != kSentenceEnd) stream.push_back(kSentenceEnd);
    if (length >= 3) passage_lengths.push_back(length);
  }

  void finish() {
    std::vector<std::uint32_t> counts(words.size() + 1, 0);
    for (std::size_t i = 0; i + 1 < stream.size(); ++i) ++counts[stream[i]];
    successor_start.assign(words.size() + 1, 0);
    for (std::size_t id = 0; id < words.size(); ++id)
      successor_start[id + 1] = successor_start[id] + counts[id];
    successors.resize(successor_start.back());
    std::vector<std::uint32_t> fill(successor_start.begin(), successor_start.end() - 1);
    for (std::size_t i = 0; i + 1 < stream.size(); ++i)
      successors[fill[stream[i]]++] = stream[i + 1];
    for (std::uint32_t id = 2; id < words.size(); ++id) word_ids.push_back(id);
    if (passage_lengths.empty()) passage_lengths.push_back(50);
  }

  std::uint32_t next_token(std::uint32_t current, Random& random) const {
    const std::uint32_t begin = successor_start[current];
    const std::uint32_t end = successor_start[current + 1];
    if (end > begin && random.unit() < 0.85) return successors[begin + random.below(end - begin)];
    return stream[random.below(stream.size())];
  }
};

std::vector<std::string> code_point_strings(std::string_view word) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < word.size();) {
    const std::size_t start = i;
    decode(word, i);
    out.emplace_back(word.substr(start, i - start));
  }
  return out;
}

// Synthetic word of a given Zipf rank: head of one real word + tail of another, both chosen
// by hashing the rank, so a rank always spells the same word.
std::string synthetic_word(const LanguageModel& model, std::uint64_t rank) {
  std::uint64_t h = rank * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  h ^= h >> 29;
  const auto& a = model.words[model.word_ids[h % model.word_ids.size()]];
  h = h * 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 31;
  const auto& b = model.words[model.word_ids[h % model.word_ids.size()]];
  const auto ca = code_point_strings(a);
  const auto cb = code_point_strings(b);
  std::string out;
  const std::size_t head = std::min<std::size_t>(ca.size(), 3 + (h >> 7) % 3);
  const std::size_t tail = std::min<std::size_t>(cb.size(), 2 + (h >> 11) % 3);
  for (std::size_t i = 0; i < head; ++i) out += ca[i];
  for (std::size_t i = cb.size() - tail; i < cb.size(); ++i) out += cb[i];
  std::string cleaned;  // a ZWNJ may not end up at either edge
  for (const auto& piece : code_point_strings(out))
    if (piece != "\u200C" || (!cleaned.empty())) cleaned += piece;
  while (cleaned.size() >= 3 && cleaned.compare(cleaned.size() - 3, 3, "\u200C") == 0)
    cleaned.resize(cleaned.size() - 3);
  return cleaned;
}

// Persian letters -> Latin, in the spirit of everyday romanization (no diacritics).
std::string romanize(std::string_view persian) {
  static const std::unordered_map<char32_t, std::string> letters = {
      {U'ا', "a"},  {U'آ', "a"}, {U'أ', "a"},  {U'إ', "e"},  {U'ب', "b"},  {U'پ', "p"},
      {U'ت', "t"},  {U'ث', "s"}, {U'ج', "j"},  {U'چ', "ch"}, {U'ح', "h"},  {U'خ', "kh"},
      {U'د', "d"},  {U'ذ', "z"}, {U'ر', "r"},  {U'ز', "z"},  {U'ژ', "zh"}, {U'س', "s"},
      {U'ش', "sh"}, {U'ص', "s"}, {U'ض', "z"},  {U'ط', "t"},  {U'ظ', "z"},  {U'ع', "'"},
      {U'غ', "gh"}, {U'ف', "f"}, {U'ق', "gh"}, {U'ک', "k"},  {U'ك', "k"},  {U'گ', "g"},
      {U'ل', "l"},  {U'م', "m"}, {U'ن', "n"},  {U'و', "v"},  {U'ه', "h"},  {U'ة', "h"},
      {U'ی', "i"},  {U'ي', "i"}, {U'ى', "a"},  {U'ئ', "'"},  {U'ء', "'"},  {U'ؤ', "'"},
      {U'ۀ', "eye"}};
  std::u32string cps;
  for (std::size_t i = 0; i < persian.size();) cps.push_back(decode(persian, i));
  auto is_consonant = [&](char32_t c) {
    return letters.count(c) && c != U'ا' && c != U'آ' && c != U'و' && c != U'ی' && c != U'ي';
  };
  std::string out;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const char32_t c = cps[i];
    if (text::is_extended_arabic_indic_digit(c)) {
      out.push_back(static_cast<char>('0' + text::arabic_digit_value(c)));
    } else if (c == text::kZeroWidthNonJoiner) {
      out.push_back('-');
    } else if (auto it = letters.find(c); it != letters.end()) {
      std::string piece = it->second;
      if ((c == U'و' || c == U'ی') && (i == 0 || cps[i - 1] == text::kZeroWidthNonJoiner))
        piece = c == U'و' ? "v" : "y";
      else if (c == U'و' && i > 0 && is_consonant(cps[i - 1]))
        piece = "o";
      out += piece;
      // Persian script omits short vowels; put one between consonants so names read.
      if (is_consonant(c) && i + 1 < cps.size() && is_consonant(cps[i + 1])) out.push_back('a');
    } else if (c == text::kArabicComma) {
      out.push_back(',');
    } else if (c == text::kArabicQuestionMark) {
      out.push_back('?');
    } else if (c == text::kArabicSemicolon) {
      out.push_back(';');
    } else if ((c >= 0x064B && c <= 0x0655) || c == 0x0670) {
      // harakat and hamza marks: dropped
    } else {
      append_utf8(out, c);
    }
  }
  return out;
}

// --- output -----------------------------------------------------------------------------

enum class Language { English, Persian, Romanized };

struct QueryCandidates {
  std::vector<std::string> phrases;
  std::vector<std::string> title_words;
};

class CorpusWriter {
 public:
  explicit CorpusWriter(const fs::path& path) : file_(std::fopen(path.c_str(), "wb")) {
    if (!file_) throw std::runtime_error(path.string() + ": cannot open for writing");
    buffer_.reserve(kFlushAt + (1 << 20));
  }
  ~CorpusWriter() {
    if (file_) std::fclose(file_);
  }
  CorpusWriter(const CorpusWriter&) = delete;
  CorpusWriter& operator=(const CorpusWriter&) = delete;
  std::string& buffer() { return buffer_; }
  void maybe_flush() {
    if (buffer_.size() >= kFlushAt) flush();
  }
  void flush() {
    if (!buffer_.empty() && std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size())
      throw std::runtime_error("write failed (disk full?)");
    written_ += buffer_.size();
    buffer_.clear();
  }
  std::uint64_t bytes() const { return written_ + buffer_.size(); }
  void close() {
    flush();
    if (std::fclose(file_) != 0) throw std::runtime_error("close failed");
    file_ = nullptr;
  }

 private:
  static constexpr std::size_t kFlushAt = 8u << 20;
  std::FILE* file_;
  std::string buffer_;
  std::uint64_t written_ = 0;
};

struct Generator {
  LanguageModel english;
  LanguageModel persian;
  double rare_share = 0.02;
  static constexpr std::uint64_t kSyntheticRanks = 1'000'000;

  // Generated-corpus counts: real ids and synthetic ranks, per language; romanized counts
  // are kept on the Persian ids they were transliterated from.
  std::vector<std::uint32_t> english_counts, persian_counts, romanized_counts;
  std::unordered_map<std::uint64_t, std::uint32_t> english_synthetic_counts;

  std::uint64_t zipf_rank(Random& random) const {
    // P(rank) ~ 1/rank over [1, kSyntheticRanks]: log-uniform.
    return static_cast<std::uint64_t>(std::exp(random.unit() * std::log(double(kSyntheticRanks))));
  }

  // Appends one passage's words (JSON-safe: the learned words hold no quotes, backslashes or
  // control characters) and records a phrase candidate when asked.
  void passage_text(Language language, Random& random, std::string& out, std::string* phrase_out) {
    const LanguageModel& model = language == Language::English ? english : persian;
    const std::uint32_t target = model.passage_lengths[random.below(model.passage_lengths.size())];
    std::uint32_t current = kSentenceEnd;
    std::uint32_t words = 0;
    bool capitalize = language == Language::English;
    std::size_t phrase_at =
        phrase_out ? random.below(std::max<std::uint32_t>(target, 1)) : SIZE_MAX;
    std::vector<std::string> recent;  // last words since punctuation, for the phrase
    std::string word;
    while (words < target || current != kSentenceEnd) {
      std::uint32_t next = model.next_token(current, random);
      if (words >= target + 40) next = kSentenceEnd;  // end a run-on sentence
      if (next <= 1) {
        if (current <= 1) {  // no punctuation twice in a row
          current = next;
          continue;
        }
        out += next == kSentenceEnd              ? model.sentence_end
               : language == Language::Romanized ? std::string(",")
                                                 : model.clause_mark;
        capitalize = language == Language::English && next == kSentenceEnd;
        recent.clear();
        current = next;
        continue;
      }
      if (random.unit() < rare_share) {
        const std::uint64_t rank = zipf_rank(random);
        word = synthetic_word(model, rank);
        if (language == Language::English) ++english_synthetic_counts[rank];
      } else {
        word = model.words[next];
        if (language == Language::English)
          ++english_counts[next];
        else if (language == Language::Persian)
          ++persian_counts[next];
        else
          ++romanized_counts[next];
      }
      if (language == Language::Romanized) word = romanize(word);
      if (capitalize && !word.empty() && word[0] >= 'a' && word[0] <= 'z')
        word[0] = char(word[0] - 32);
      capitalize = false;
      if (!out.empty() && out.back() != '"') out.push_back(' ');
      out += word;
      recent.push_back(word);
      ++words;
      current = next;
      if (phrase_out && words > phrase_at && recent.size() >= 2) {
        const std::size_t n = std::min<std::size_t>(recent.size(), 2 + random.below(2));
        std::string phrase;
        for (std::size_t i = recent.size() - n; i < recent.size(); ++i) {
          if (!phrase.empty()) phrase.push_back(' ');
          phrase += recent[i];
        }
        *phrase_out = phrase;
        phrase_at = SIZE_MAX;
      }
    }
  }

  std::string title(Language language, Random& random, QueryCandidates& candidates, bool record) {
    const LanguageModel& model = language == Language::English ? english : persian;
    const std::size_t n = language == Language::English ? 2 + random.below(4) : 1 + random.below(3);
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
      std::string w = model.words[model.word_ids[random.below(model.word_ids.size())]];
      if (language == Language::Romanized) w = romanize(w);
      if (language != Language::Persian && !w.empty() && w[0] >= 'a' && w[0] <= 'z')
        w[0] = char(w[0] - 32);
      if (record && is_ascii_alpha(w) && w.size() >= 4) candidates.title_words.push_back(w);
      if (!out.empty()) out.push_back(' ');
      out += w;
    }
    return out;
  }
};

std::string lowercase_ascii(std::string_view s) { return text::ascii_lower(s); }

// Ids sorted by descending generated count (ties by id), keeping those `keep` accepts.
template <typename Keep>
std::vector<std::uint32_t> by_frequency(const std::vector<std::uint32_t>& counts, Keep keep) {
  std::vector<std::uint32_t> ids;
  for (std::uint32_t id = 2; id < counts.size(); ++id)
    if (counts[id] > 0 && keep(id)) ids.push_back(id);
  std::stable_sort(ids.begin(), ids.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return counts[a] > counts[b]; });
  return ids;
}

template <typename T>
const T& pick(const std::vector<T>& v, std::size_t from, std::size_t to, Random& random) {
  to = std::min(to, v.size());
  from = std::min(from, to == 0 ? 0 : to - 1);
  return v[from + random.below(std::max<std::size_t>(to - from, 1))];
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Generate a deterministic multilingual benchmark corpus (JSONL) and query sets"};
  fs::path data_dir, out_path, queries_path;
  std::uint64_t passages = 0, bytes = 0, seed = 42;
  unsigned per_class = 100;
  double english_share = 0.6, persian_share = 0.3;
  app.add_option("--data", data_dir, "shared data directory to learn from")->required();
  app.add_option("--out", out_path, "corpus JSONL to write")->required();
  app.add_option("--queries", queries_path, "queries TSV to write (qid, class, query)");
  auto* p = app.add_option("--passages", passages, "number of passages");
  auto* b = app.add_option("--bytes", bytes, "stop once the corpus file reaches this size");
  p->excludes(b);
  app.add_option("--seed", seed, "random seed (text and queries)");
  app.add_option("--queries-per-class", per_class, "queries per class")
      ->check(CLI::Range(1u, 100000u));
  app.add_option("--english", english_share, "share of English passages")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--persian", persian_share, "share of Persian-script passages (rest: romanized)")
      ->check(CLI::Range(0.0, 1.0));
  CLI11_PARSE(app, argc, argv);
  if (passages == 0 && bytes == 0) passages = 10000;
  if (english_share + persian_share > 1.0) {
    std::cerr << "kavosh-bench-generate: --english + --persian exceeds 1\n";
    return 2;
  }

  try {
    const auto start = std::chrono::steady_clock::now();
    Generator g;
    for (const char* name : {"cranfield", "cisi", "cacm", "npl", "wiki-en"})
      for (const auto& d : harness::read_collection(name, data_dir).documents)
        g.english.learn(d.text);
    for (const char* name : {"parsinlu", "persianqa", "wiki-fa"})
      for (const auto& d : harness::read_collection(name, data_dir).documents)
        g.persian.learn(d.text);
    g.persian.sentence_end = ".";
    g.persian.clause_mark = "\u060C";
    g.english.finish();
    g.persian.finish();
    g.english_counts.assign(g.english.words.size(), 0);
    g.persian_counts.assign(g.persian.words.size(), 0);
    g.romanized_counts.assign(g.persian.words.size(), 0);
    const double learn_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    Random random(seed);
    QueryCandidates candidates;
    CorpusWriter writer(out_path);
    const std::uint64_t expected = passages ? passages : std::max<std::uint64_t>(bytes / 700, 1);
    const std::uint64_t phrase_stride = std::max<std::uint64_t>(1, expected / (8ull * per_class));
    std::uint64_t counts[3] = {0, 0, 0};
    std::uint64_t n = 0;
    std::uint64_t article = 0;
    std::string title_text;
    Language article_language = Language::English;
    std::uint64_t article_left = 0, passage_in_article = 0;
    std::string phrase;
    while (passages ? n < passages : writer.bytes() < bytes) {
      if (article_left == 0) {  // a new article: 1..8 passages sharing a title and language
        ++article;
        const double u = random.unit();
        article_language = u < english_share                   ? Language::English
                           : u < english_share + persian_share ? Language::Persian
                                                               : Language::Romanized;
        article_left = 1 + random.below(8);
        passage_in_article = 0;
        title_text = g.title(article_language, random, candidates, article % 4 == 0);
      }
      --article_left;
      ++passage_in_article;
      std::string& out = writer.buffer();
      out += "{\"id\":\"g";
      out += std::to_string(article);
      out.push_back('-');
      out += std::to_string(passage_in_article);
      out += "\",\"title\":\"";
      out += title_text;
      out += "\",\"text\":\"";
      const bool record_phrase = n % phrase_stride == 0;
      phrase.clear();
      g.passage_text(article_language, random, out, record_phrase ? &phrase : nullptr);
      if (record_phrase && !phrase.empty()) candidates.phrases.push_back(phrase);
      out += article_language == Language::English   ? "\",\"lang\":\"en\"}\n"
             : article_language == Language::Persian ? "\",\"lang\":\"fa\"}\n"
                                                     : "\",\"lang\":\"fa-Latn\"}\n";
      ++counts[static_cast<int>(article_language)];
      ++n;
      writer.maybe_flush();
    }
    const std::uint64_t total_bytes = writer.bytes();
    writer.close();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    std::size_t written_queries = 0;
    if (!queries_path.empty()) {
      // Queries have their own stream so the corpus does not change when --queries-per-class does.
      Random qrandom(seed ^ 0x5175657269657321ULL);
      std::ofstream q(queries_path, std::ios::binary);
      if (!q) throw std::runtime_error(queries_path.string() + ": cannot open for writing");
      std::size_t qid = 0;
      auto emit = [&](const char* cls, const std::string& text) {
        q << "g" << ++qid << '\t' << cls << '\t' << text << '\n';
        ++written_queries;
      };
      const auto& ew = g.english.words;
      const auto en_alpha = by_frequency(g.english_counts, [&](std::uint32_t id) {
        return is_ascii_alpha(ew[id]) && ew[id].size() >= 4;
      });
      const auto fa_words = by_frequency(g.persian_counts, [&](std::uint32_t id) {
        return is_arabic_script(g.persian.words[id]) && code_points(g.persian.words[id]) >= 3;
      });
      const auto rom_words = by_frequency(g.romanized_counts, [&](std::uint32_t id) {
        return is_arabic_script(g.persian.words[id]) && code_points(g.persian.words[id]) >= 3;
      });
      std::vector<std::string> rare;
      for (std::uint32_t id : en_alpha)
        if (g.english_counts[id] >= 1 && g.english_counts[id] <= 5)
          rare.push_back(lowercase_ascii(ew[id]));
      std::vector<std::pair<std::uint64_t, std::uint32_t>> synthetic(
          g.english_synthetic_counts.begin(), g.english_synthetic_counts.end());
      std::sort(synthetic.begin(), synthetic.end());
      for (const auto& [rank, count] : synthetic)
        if (count >= 1 && count <= 5) {
          const std::string w = synthetic_word(g.english, rank);
          if (is_ascii_alpha(w)) rare.push_back(lowercase_ascii(w));
        }
      const std::size_t top = en_alpha.size();
      for (unsigned i = 0; i < per_class && top; ++i)
        emit("frequent", lowercase_ascii(ew[pick(en_alpha, 10, 200, qrandom)]));
      for (unsigned i = 0; i < per_class && !rare.empty(); ++i)
        emit("rare", pick(rare, 0, rare.size(), qrandom));
      for (unsigned i = 0; i < per_class && top; ++i) {
        std::string text;
        const std::size_t words = 2 + qrandom.below(2);
        for (std::size_t w = 0; w < words; ++w)
          text += (w ? " " : "") + lowercase_ascii(ew[pick(en_alpha, 50, 5000, qrandom)]);
        emit("multi", text);
      }
      for (unsigned i = 0; i < per_class && !candidates.phrases.empty(); ++i)
        emit("phrase",
             "\"" +
                 lowercase_ascii(pick(candidates.phrases, 0, candidates.phrases.size(), qrandom)) +
                 "\"");
      for (unsigned i = 0; i < per_class && !fa_words.empty(); ++i) {
        std::string text;
        const std::size_t words = 1 + qrandom.below(3);
        for (std::size_t w = 0; w < words; ++w)
          text += (w ? " " : "") + g.persian.words[pick(fa_words, 20, 3000, qrandom)];
        emit("persian", text);
      }
      for (unsigned i = 0; i < per_class && !rom_words.empty(); ++i) {
        std::string text;
        const std::size_t words = 1 + qrandom.below(2);
        for (std::size_t w = 0; w < words; ++w)
          text += (w ? " " : "") + romanize(g.persian.words[pick(rom_words, 20, 2000, qrandom)]);
        emit("romanized", text);
      }
      for (unsigned i = 0; i < per_class && top; ++i) {
        std::string w;
        for (int attempt = 0; attempt < 20 && w.size() < 6; ++attempt)
          w = lowercase_ascii(ew[pick(en_alpha, 20, 2000, qrandom)]);
        const std::size_t prefix = std::min<std::size_t>(w.size() - 1, 3 + qrandom.below(3));
        emit("wildcard", w.substr(0, prefix) + "*");
      }
      for (unsigned i = 0; i < per_class && !candidates.title_words.empty(); ++i)
        emit("field", "title:" + lowercase_ascii(pick(candidates.title_words, 0,
                                                      candidates.title_words.size(), qrandom)));
      if (!q) throw std::runtime_error(queries_path.string() + ": write failed");
    }

    nlohmann::json summary = {
        {"corpus", out_path.string()},
        {"seed", seed},
        {"passages", n},
        {"articles", article},
        {"english", counts[0]},
        {"persian", counts[1]},
        {"romanized", counts[2]},
        {"bytes", total_bytes},
        {"learn_seconds", learn_seconds},
        {"seconds", seconds},
        {"mb_per_s", seconds > learn_seconds ? total_bytes / 1e6 / (seconds - learn_seconds) : 0.0},
        {"learned_vocabulary", {{"en", g.english.words.size()}, {"fa", g.persian.words.size()}}},
        {"queries", written_queries},
        {"queries_per_class", per_class}};
    std::cout << summary.dump() << '\n';
  } catch (const std::exception& e) {
    std::cerr << "kavosh-bench-generate: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
