// Snippet selection and terminal rendering; see snippet.hpp for the contract.
#include "kavosh/search/snippet.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

#include "kavosh/text/arabic_script.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::search {

using analysis::Token;

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";               // U+2026
constexpr std::string_view kFirstStrongIsolate = "\xE2\x81\xA8";     // U+2068
constexpr std::string_view kPopDirectionalIsolate = "\xE2\x81\xA9";  // U+2069

using text::is_ascii_whitespace;
using text::is_right_to_left_letter;

// Letters of left-to-right scripts end a right-to-left run; spaces, digits, punctuation and
// joiners (ZWNJ) inside it stay in it.
bool is_strong_ltr(char32_t c) {
  if (c < 0x80) return text::is_ascii_letter(static_cast<char>(c));
  if (is_right_to_left_letter(c)) return false;
  if (c >= 0x2000 && c <= 0x2BFF) return false;  // punctuation, symbols, arrows
  if (c == 0x00A0 || c == 0x00AB || c == 0x00BB || c == 0x00D7 || c == 0x00F7) return false;
  return c >= 0x00C0;
}

// [begin, end) byte ranges of right-to-left runs in `text`.
std::vector<std::pair<std::size_t, std::size_t>> rtl_runs(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> runs;
  bool in_run = false;
  std::size_t run_begin = 0, run_end = 0;
  for (std::size_t i = 0; i < text.size();) {
    const text::DecodedCodePoint cp = text::decode_utf8(text, i);
    if (is_right_to_left_letter(cp.value)) {
      if (!in_run) {
        in_run = true;
        run_begin = i;
      }
      run_end = i + cp.length;
    } else if (in_run && is_strong_ltr(cp.value)) {
      runs.emplace_back(run_begin, run_end);
      in_run = false;
    }
    i += cp.length;
  }
  if (in_run) runs.emplace_back(run_begin, run_end);
  return runs;
}

}  // namespace

// Distinct keys of a query: terms first (in query order), then phrases (their terms each
// followed by a space, as one key). Terms and "Z"-stems are looked up by hash, sorted by hash.
struct SnippetMaker::PreparedQuery {
  struct HashedKey {
    std::uint32_t hash;
    std::uint32_t key;
    bool operator<(const HashedKey& other) const { return hash < other.hash; }
  };
  struct Phrase {
    std::vector<std::uint32_t> hashes;
    const std::vector<std::string>* terms;  // into query
    std::size_t key;
  };
  // 256 bits set by the hashes of a table's keys: most tokens match no key, and one bit test
  // rejects them without searching the table.
  struct Filter {
    std::uint64_t bits[4] = {0, 0, 0, 0};
    void add(std::uint32_t hash) { bits[(hash >> 6) & 3] |= std::uint64_t{1} << (hash & 63); }
    bool may_hold(std::uint32_t hash) const { return (bits[(hash >> 6) & 3] >> (hash & 63)) & 1; }
  };
  SnippetQuery query;
  std::vector<std::string> keys;
  std::vector<double> rarity;  // per key; NaN until first needed
  std::vector<HashedKey> terms, stems, completions;
  Filter term_filter, stem_filter;  // term_filter covers completions too
  std::vector<Phrase> phrases;

  explicit PreparedQuery(const SnippetQuery& q) : query(q) {
    std::unordered_map<std::string, std::size_t> ids;  // up to 512 completions: no linear scan
    auto key_id = [&](std::string key) {
      const auto [at, added] = ids.emplace(key, keys.size());
      if (added) keys.push_back(std::move(key));
      return at->second;
    };
    for (const auto& term : query.terms) {
      const auto key = static_cast<std::uint32_t>(key_id(term));
      terms.push_back({index::token_hash(term), key});
      if (term.size() > 1 && term[0] == 'Z')
        stems.push_back({index::token_hash(std::string_view(term).substr(1)), key});
    }
    // A completion is its own key, as in the analysis path, where the matched term is.
    for (const auto& completion : query.completions)
      completions.push_back(
          {index::token_hash(completion), static_cast<std::uint32_t>(key_id(completion))});
    for (const auto& phrase : query.phrases) {
      std::string phrase_key;
      Phrase prepared{{}, &phrase, 0};
      for (const auto& term : phrase) {
        phrase_key += term + " ";
        prepared.hashes.push_back(index::token_hash(term));
      }
      prepared.key = key_id(std::move(phrase_key));
      phrases.push_back(std::move(prepared));
    }
    std::stable_sort(terms.begin(), terms.end());
    std::stable_sort(stems.begin(), stems.end());
    std::stable_sort(completions.begin(), completions.end());
    for (const auto& key : terms) term_filter.add(key.hash);
    for (const auto& key : completions) term_filter.add(key.hash);
    for (const auto& key : stems) stem_filter.add(key.hash);
    rarity.assign(keys.size(), std::numeric_limits<double>::quiet_NaN());
  }

  // The key whose hash is `hash` and for which `same(key string)` holds, or kNoKey.
  template <typename Same>
  static std::size_t find(const std::vector<HashedKey>& table, std::uint32_t hash, Same same) {
    auto it = std::lower_bound(table.begin(), table.end(), HashedKey{hash, 0});
    for (; it != table.end() && it->hash == hash; ++it)
      if (same(it->key)) return it->key;
    return kNoKey;
  }
  static constexpr std::size_t kNoKey = static_cast<std::size_t>(-1);
};

SnippetMaker::SnippetMaker(analysis::Analyzer& analyzer, SnippetOptions options,
                           std::function<double(const std::string&)> rarity)
    : analyzer_(analyzer), options_(options), rarity_(std::move(rarity)) {
  if (options_.max_words == 0) options_.max_words = 1;
}

SnippetMaker::~SnippetMaker() = default;
SnippetMaker::SnippetMaker(SnippetMaker&&) noexcept = default;

const SnippetMaker::PreparedQuery& SnippetMaker::prepare(const SnippetQuery& query) {
  if (!prepared_ || !(prepared_->query == query))
    prepared_ = std::make_unique<PreparedQuery>(query);
  return *prepared_;
}

// Keys below prepared_->keys.size() are the query's; the rest are this snippet's prefix
// completions (extra_keys_).
double SnippetMaker::rarity_of_key(std::size_t key) {
  if (!rarity_) return 1.0;
  if (key < prepared_->keys.size()) {
    double& value = prepared_->rarity[key];
    if (std::isnan(value)) value = rarity_(prepared_->keys[key]);
    return value;
  }
  const std::string& completion = extra_keys_[key - prepared_->keys.size()];
  auto found = rarity_cache_.find(completion);
  if (found != rarity_cache_.end()) return found->second;
  const double value = rarity_(completion);
  rarity_cache_.emplace(completion, value);
  return value;
}

template <class WordIs>
void SnippetMaker::mark_phrase(std::size_t length, std::size_t key, const WordIs& word_is) {
  if (length == 0 || length > words_.size()) return;
  for (std::size_t w = 0; w + length <= words_.size(); ++w) {
    std::size_t k = 0;
    while (k < length && word_is(w + k, k)) ++k;
    if (k != length) continue;
    for (k = 0; k < length; ++k)
      if (word_matched_[w + k] < 0) word_matched_[w + k] = static_cast<int>(matches_.size());
    matches_.push_back({words_[w].begin, words_[w + length - 1].end, key});
  }
}

Snippet SnippetMaker::make(std::string_view text, analysis::Language language,
                           const SnippetQuery& query) {
  const PreparedQuery& prepared = prepare(query);
  constexpr std::size_t kNoKey = PreparedQuery::kNoKey;
  analyzer_.analyze(text, language, tokens_);
  extra_keys_.clear();
  // The hash finds the candidate key; the string comparison makes the match exact.
  auto key_of = [&](const Token& token) -> std::size_t {
    std::size_t key =
        PreparedQuery::find(prepared.terms, index::token_hash(token.term),
                            [&](std::size_t k) { return prepared.keys[k] == token.term; });
    if (key != kNoKey) return key;
    const std::string& stem = token.stem_or_term();
    key = PreparedQuery::find(prepared.stems, index::token_hash(stem), [&](std::size_t k) {
      return std::string_view(prepared.keys[k]).substr(1) == stem;
    });
    if (key != kNoKey) return key;
    for (const auto& prefix : prepared.query.prefixes) {
      if (!token.term.starts_with(prefix)) continue;
      for (std::size_t k = 0; k < prepared.keys.size(); ++k)
        if (prepared.keys[k] == token.term) return k;
      for (std::size_t k = 0; k < extra_keys_.size(); ++k)
        if (extra_keys_[k] == token.term) return prepared.keys.size() + k;
      extra_keys_.push_back(token.term);
      return prepared.keys.size() + extra_keys_.size() - 1;
    }
    return kNoKey;
  };

  // Words (span-1 tokens) in text order, and every matching token (compounds too).
  words_.clear();
  matches_.clear();
  word_matched_.clear();
  for (std::size_t t = 0; t < tokens_.size(); ++t) {
    const Token& token = tokens_[t];
    const std::size_t key = key_of(token);
    if (token.span == 1) {
      words_.push_back({token.begin, token.end, static_cast<std::uint32_t>(t)});
      word_matched_.push_back(key == kNoKey ? -1 : static_cast<int>(matches_.size()));
    }
    if (key != kNoKey) matches_.push_back({token.begin, token.end, key});
  }
  for (const auto& phrase : prepared.phrases) {
    const auto& terms = *phrase.terms;
    mark_phrase(terms.size(), phrase.key, [&](std::size_t word, std::size_t k) {
      return tokens_[words_[word].token].term == terms[k];
    });
  }
  return assemble(text);
}

Snippet SnippetMaker::make(std::string_view text, const std::vector<index::StoredToken>& tokens,
                           analysis::Language language, const SnippetQuery& query) {
  if (!query.prefixes.empty() && !query.prefixes_expanded) return make(text, language, query);
  const PreparedQuery& prepared = prepare(query);
  constexpr std::size_t kNoKey = PreparedQuery::kNoKey;
  extra_keys_.clear();
  auto any = [](std::size_t) { return true; };
  words_.clear();
  matches_.clear();
  word_matched_.clear();
  for (std::size_t t = 0; t < tokens.size(); ++t) {
    const index::StoredToken& token = tokens[t];
    std::size_t key = kNoKey;
    if (prepared.term_filter.may_hold(token.term_hash)) {
      key = PreparedQuery::find(prepared.terms, token.term_hash, any);
      if (key == kNoKey) {
        // A stem key takes precedence over a completion, as in the analysis path.
        if (prepared.stem_filter.may_hold(token.stem_hash))
          key = PreparedQuery::find(prepared.stems, token.stem_hash, any);
        if (key == kNoKey) key = PreparedQuery::find(prepared.completions, token.term_hash, any);
      }
    } else if (prepared.stem_filter.may_hold(token.stem_hash)) {
      key = PreparedQuery::find(prepared.stems, token.stem_hash, any);
    }
    if (token.span == 1) {
      words_.push_back({token.begin, token.end, static_cast<std::uint32_t>(t)});
      word_matched_.push_back(key == kNoKey ? -1 : static_cast<int>(matches_.size()));
    }
    if (key != kNoKey) matches_.push_back({token.begin, token.end, key});
  }
  for (const auto& phrase : prepared.phrases) {
    const auto& hashes = phrase.hashes;
    mark_phrase(hashes.size(), phrase.key, [&](std::size_t word, std::size_t k) {
      return tokens[words_[word].token].term_hash == hashes[k];
    });
  }
  return assemble(text);
}

Snippet SnippetMaker::make(const index::StoredPassageView& passage, const SnippetQuery& query) {
  const analysis::Language language =
      analysis::parse_language_code(passage.lang).value_or(analysis::Language::Other);
  if (!query.prefixes.empty() && !query.prefixes_expanded)
    return make(passage.text, language, query);
  passage.decode_tokens(stored_tokens_);
  return make(passage.text, stored_tokens_, language, query);
}

namespace {

// A text without words (punctuation, symbols): its start up to a whitespace boundary.
Snippet snippet_without_words(std::string_view text, std::size_t max_bytes) {
  const std::size_t limit = max_bytes ? max_bytes : 200;
  std::size_t end = text.size();
  if (end > limit) {
    end = limit;
    while (end > 0 && !is_ascii_whitespace(text[end])) --end;
  }
  Snippet snippet;
  snippet.text = text::collapse_whitespace_to_one_line(text.substr(0, end));
  if (end < text.size()) snippet.text += std::string(" ") + std::string(kEllipsis);
  return snippet;
}

// Whether text[from, to) is more than whitespace: a cut there is marked with an ellipsis.
bool has_content(std::string_view text, std::size_t from, std::size_t to) {
  for (std::size_t i = from; i < to; ++i)
    if (!is_ascii_whitespace(text[i])) return true;
  return false;
}

}  // namespace

// The best window over words_/matches_/word_matched_, copied out of `text` with whitespace
// collapsed, ellipses at cuts and the matches inside it as highlights.
Snippet SnippetMaker::assemble(std::string_view text) {
  if (words_.empty()) return snippet_without_words(text, options_.max_bytes);
  const auto [first, last] = best_window();
  const std::uint32_t begin = words_[first].begin;
  const std::uint32_t end = words_[last].end;
  Snippet snippet;
  snippet.text.reserve(end - begin + 2 * (kEllipsis.size() + 1));
  if (has_content(text, 0, begin)) snippet.text += std::string(kEllipsis) + " ";
  append_window(text, begin, end, snippet);
  if (has_content(text, end, text.size()))
    snippet.text += std::string(" ") + std::string(kEllipsis);
  return snippet;
}

// Candidate windows start a little before each matching word; score = rarity of the distinct
// keys inside, plus a little for repeats. Ties keep the earliest window. A window longer than
// max_bytes loses words at the end, or at the start when only its end holds a match.
std::pair<std::size_t, std::size_t> SnippetMaker::best_window() {
  const std::size_t width = std::min<std::size_t>(options_.max_words, words_.size());
  const std::size_t lead_in = (width - 1) / 3;
  const std::size_t key_count = prepared_->keys.size() + extra_keys_.size();
  // Rarity of the keys matched here only (each computed once per query).
  rarities_.assign(key_count, 0.0);
  seen_.assign(key_count, 0);
  for (const auto& m : matches_) {
    if (!seen_[m.key]) rarities_[m.key] = rarity_of_key(m.key);
    seen_[m.key] = 1;
  }
  std::size_t best_start = 0;
  double best_score = -1;
  bool any_start = false;
  std::size_t previous_start = static_cast<std::size_t>(-1);
  auto try_start = [&](std::size_t start) {
    if (start == previous_start) return;  // the same window scores the same
    previous_start = start;
    any_start = true;
    std::fill(seen_.begin(), seen_.end(), 0);
    double score = 0;
    for (std::size_t w = start; w < start + width; ++w) {
      if (word_matched_[w] < 0) continue;
      const std::size_t key = matches_[static_cast<std::size_t>(word_matched_[w])].key;
      score += seen_[key] ? 0.05 * rarities_[key] : rarities_[key];
      seen_[key] = 1;
    }
    if (score > best_score + 1e-12) {
      best_score = score;
      best_start = start;
    }
  };
  for (std::size_t w = 0; w < words_.size(); ++w)
    if (word_matched_[w] >= 0)
      try_start(std::min(w > lead_in ? w - lead_in : 0, words_.size() - width));
  if (!any_start) try_start(0);
  std::size_t first = best_start, last = best_start + width - 1;  // inclusive word indexes
  if (options_.max_bytes) {
    while (last > first && words_[last].end - words_[first].begin > options_.max_bytes) {
      const bool end_matters = word_matched_[last] >= 0 && word_matched_[first] < 0;
      if (end_matters)
        ++first;
      else
        --last;
    }
  }
  return {first, last};
}

// Appends text[begin, end) with whitespace runs collapsed, and the matches inside it, merged
// where they overlap, as highlights at their places in the output.
void SnippetMaker::append_window(std::string_view text, std::uint32_t begin, std::uint32_t end,
                                 Snippet& snippet) {
  ranges_.clear();
  for (const auto& m : matches_)
    if (m.begin >= begin && m.end <= end) ranges_.emplace_back(m.begin, m.end);
  std::sort(ranges_.begin(), ranges_.end());
  merged_.clear();
  for (const auto& r : ranges_) {
    if (!merged_.empty() && r.first <= merged_.back().second)
      merged_.back().second = std::max(merged_.back().second, r.second);
    else
      merged_.push_back(r);
  }
  // Written through a pointer into a buffer of the window's size (the output is never longer):
  // appending byte by byte was a third of this function's instructions.
  snippet.highlights.reserve(merged_.size());
  const std::size_t prefix = snippet.text.size();
  snippet.text.resize(prefix + (end - begin));
  char* const out = snippet.text.data();
  std::size_t written = prefix;
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::size_t next_range = 0;
  std::uint32_t open_at = merged_.empty() ? kNone : merged_[0].first;
  std::uint32_t close_at = merged_.empty() ? kNone : merged_[0].second;
  bool in_space = false;
  for (std::uint32_t i = begin; i < end; ++i) {
    if (i == open_at) snippet.highlights.push_back({static_cast<std::uint32_t>(written), 0});
    const char c = text[i];
    if (is_ascii_whitespace(c)) {
      if (!in_space) out[written++] = ' ';
      in_space = true;
    } else {
      out[written++] = c;
      in_space = false;
    }
    if (i + 1 == close_at) {
      snippet.highlights.back().end = static_cast<std::uint32_t>(written);
      ++next_range;
      open_at = next_range < merged_.size() ? merged_[next_range].first : kNone;
      close_at = next_range < merged_.size() ? merged_[next_range].second : kNone;
    }
  }
  snippet.text.resize(written);
}

void append_printable(std::string& out, std::string_view text, std::string_view replacement) {
  std::size_t i = 0;
  while (i < text.size()) {
    const text::DecodedCodePoint cp = text::decode_utf8(text, i);
    if (cp.ill_formed || cp.value < 0x20 || (cp.value >= 0x7F && cp.value <= 0x9F))
      out += replacement;
    else
      out.append(text, i, cp.length);
    i += cp.length;
  }
}

std::string render_for_terminal(const Snippet& snippet, bool tty) {
  const std::string_view open = tty ? "\x1b[1;31m" : "[";
  const std::string_view close = tty ? "\x1b[0m" : "]";
  const std::string& text = snippet.text;
  const auto runs = rtl_runs(text);
  // Insertions at byte offsets; at one offset, closers come before openers.
  struct Insertion {
    std::size_t offset;
    int order;  // 0 highlight close, 1 isolate close, 2 isolate open, 3 highlight open
    std::string_view text;
  };
  std::vector<Insertion> insertions;
  for (const auto& [b, e] : runs) {
    insertions.push_back({b, 2, kFirstStrongIsolate});
    insertions.push_back({e, 1, kPopDirectionalIsolate});
  }
  for (const auto& h : snippet.highlights) {
    insertions.push_back({h.begin, 3, open});
    insertions.push_back({h.end, 0, close});
  }
  std::stable_sort(insertions.begin(), insertions.end(), [](const auto& a, const auto& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.order < b.order;
  });
  std::string out;
  out.reserve(text.size() + insertions.size() * 4);
  std::size_t copied = 0;
  const std::string_view all(text);
  for (const auto& insertion : insertions) {
    append_printable(out, all.substr(copied, insertion.offset - copied));
    copied = insertion.offset;
    out.append(insertion.text);
  }
  append_printable(out, all.substr(copied));
  return out;
}

std::string isolate_rtl_runs(std::string_view text) {
  Snippet plain{std::string(text), {}};
  return render_for_terminal(plain, false);
}

}  // namespace kavosh::search
