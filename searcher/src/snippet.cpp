// Snippet selection and terminal rendering; see snippet.hpp for the contract.
#include "kavosh/search/snippet.hpp"

#include <algorithm>
#include <unordered_set>

namespace kavosh::search {

using analysis::Token;

namespace {

constexpr std::string_view kEllipsis = "\xE2\x80\xA6";  // U+2026
constexpr std::string_view kFirstStrongIsolate = "\xE2\x81\xA8";  // U+2068
constexpr std::string_view kPopDirectionalIsolate = "\xE2\x81\xA9";  // U+2069

bool is_ascii_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

struct Match {
  std::uint32_t begin, end;
  std::size_t key;  // index into the distinct keys of this snippet
};

std::size_t utf8_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

char32_t decode_at(std::string_view s, std::size_t i, std::size_t& length) {
  length = utf8_length(static_cast<unsigned char>(s[i]));
  if (i + length > s.size()) length = 1;
  if (length == 1) return static_cast<unsigned char>(s[i]);
  char32_t value = static_cast<unsigned char>(s[i]) & (0x7F >> length);
  for (std::size_t k = 1; k < length; ++k) {
    const auto byte = static_cast<unsigned char>(s[i + k]);
    if ((byte & 0xC0) != 0x80) {
      length = 1;
      return 0xFFFD;
    }
    value = (value << 6) | (byte & 0x3F);
  }
  return value;
}

bool is_rtl_letter(char32_t c) {
  return (c >= 0x0590 && c <= 0x08FF) || (c >= 0xFB1D && c <= 0xFDFF) ||
         (c >= 0xFE70 && c <= 0xFEFF) || (c >= 0x10800 && c <= 0x10FFF) ||
         (c >= 0x1E800 && c <= 0x1EFFF);
}

// Letters of left-to-right scripts end a right-to-left run; spaces, digits, punctuation and
// joiners (ZWNJ) inside it stay in it.
bool is_strong_ltr(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
  if (is_rtl_letter(c)) return false;
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
    std::size_t length = 1;
    const char32_t c = decode_at(text, i, length);
    if (is_rtl_letter(c)) {
      if (!in_run) {
        in_run = true;
        run_begin = i;
      }
      run_end = i + length;
    } else if (in_run && is_strong_ltr(c)) {
      runs.emplace_back(run_begin, run_end);
      in_run = false;
    }
    i += length;
  }
  if (in_run) runs.emplace_back(run_begin, run_end);
  return runs;
}

}  // namespace

SnippetMaker::SnippetMaker(analysis::Analyzer& analyzer, SnippetOptions options,
                           std::function<double(const std::string&)> rarity)
    : analyzer_(analyzer), options_(options), rarity_(std::move(rarity)) {
  if (options_.max_words == 0) options_.max_words = 1;
}

double SnippetMaker::rarity_of(const std::string& key) {
  if (!rarity_) return 1.0;
  auto found = rarity_cache_.find(key);
  if (found != rarity_cache_.end()) return found->second;
  const double value = rarity_(key);
  rarity_cache_.emplace(key, value);
  return value;
}

Snippet SnippetMaker::make(std::string_view text, analysis::Language language,
                           const SnippetQuery& query) {
  Snippet snippet;
  analyzer_.analyze(text, language, tokens_);

  // Stem keys ("Z" + stem) are looked up without the prefix, so no key string is built for
  // a token that does not match (callgrind: string building and hashing were a third of
  // make()'s own cost).
  const std::unordered_set<std::string> terms(query.terms.begin(), query.terms.end());
  std::unordered_set<std::string_view> stems;
  for (const auto& term : terms)
    if (term.size() > 1 && term[0] == 'Z') stems.insert(std::string_view(term).substr(1));
  std::vector<std::string> keys;  // distinct keys, in order of first match
  auto key_id = [&](std::string key) -> std::size_t {
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (keys[k] == key) return k;
    keys.push_back(std::move(key));
    return keys.size() - 1;
  };
  constexpr std::size_t kNoKey = static_cast<std::size_t>(-1);
  auto key_of = [&](const Token& token) -> std::size_t {
    if (terms.count(token.term)) return key_id(token.term);
    const std::string& stem = token.stem_or_term();
    if (stems.count(std::string_view(stem))) return key_id("Z" + stem);
    for (const auto& prefix : query.prefixes)
      if (token.term.starts_with(prefix)) return key_id(token.term);
    return kNoKey;
  };

  // Words (span-1 tokens) in text order, and every matching token (compounds too).
  std::vector<const Token*> words;
  std::vector<Match> matches;
  std::vector<int> word_matched;  // per word: index into matches or -1
  for (const auto& token : tokens_) {
    const std::size_t key = key_of(token);
    if (token.span == 1) {
      words.push_back(&token);
      word_matched.push_back(key == kNoKey ? -1 : static_cast<int>(matches.size()));
    }
    if (key != kNoKey) matches.push_back({token.begin, token.end, key});
  }
  for (const auto& phrase : query.phrases) {
    if (phrase.empty() || phrase.size() > words.size()) continue;
    std::string phrase_key;
    for (const auto& term : phrase) phrase_key += term + " ";
    std::size_t key = kNoKey;
    for (std::size_t w = 0; w + phrase.size() <= words.size(); ++w) {
      std::size_t k = 0;
      while (k < phrase.size() && words[w + k]->term == phrase[k]) ++k;
      if (k != phrase.size()) continue;
      if (key == kNoKey) key = key_id(phrase_key);
      for (k = 0; k < phrase.size(); ++k)
        if (word_matched[w + k] < 0) word_matched[w + k] = static_cast<int>(matches.size());
      matches.push_back({words[w]->begin, words[w + phrase.size() - 1]->end, key});
    }
  }

  if (words.empty()) {
    // No words at all (punctuation, symbols): show the text up to a whitespace boundary.
    const std::size_t limit = options_.max_bytes ? options_.max_bytes : 200;
    std::size_t end = text.size();
    if (end > limit) {
      end = limit;
      while (end > 0 && !is_ascii_space(text[end])) --end;
    }
    for (std::size_t i = 0; i < end; ++i)
      if (!is_ascii_space(text[i]) || (!snippet.text.empty() && snippet.text.back() != ' '))
        snippet.text.push_back(is_ascii_space(text[i]) ? ' ' : text[i]);
    while (!snippet.text.empty() && snippet.text.back() == ' ') snippet.text.pop_back();
    if (end < text.size()) snippet.text += std::string(" ") + std::string(kEllipsis);
    return snippet;
  }

  // Candidate windows start a little before each matching word; score = rarity of the
  // distinct keys inside, plus a little for repeats. Ties keep the earliest window.
  const std::size_t width = std::min<std::size_t>(options_.max_words, words.size());
  const std::size_t lead_in = (width - 1) / 3;
  std::vector<std::size_t> starts;
  for (std::size_t w = 0; w < words.size(); ++w)
    if (word_matched[w] >= 0) starts.push_back(std::min(w > lead_in ? w - lead_in : 0, words.size() - width));
  if (starts.empty()) starts.push_back(0);
  std::size_t best_start = 0;
  double best_score = -1;
  std::vector<double> rarity(keys.size());
  for (std::size_t k = 0; k < keys.size(); ++k) rarity[k] = rarity_of(keys[k]);
  std::vector<char> seen(keys.size());
  for (std::size_t start : starts) {
    std::fill(seen.begin(), seen.end(), 0);
    double score = 0;
    for (std::size_t w = start; w < start + width; ++w) {
      if (word_matched[w] < 0) continue;
      const std::size_t key = matches[static_cast<std::size_t>(word_matched[w])].key;
      score += seen[key] ? 0.05 * rarity[key] : rarity[key];
      seen[key] = 1;
    }
    if (score > best_score + 1e-12) {
      best_score = score;
      best_start = start;
    }
  }
  std::size_t first = best_start, last = best_start + width - 1;  // inclusive word indexes
  if (options_.max_bytes) {
    while (last > first && words[last]->end - words[first]->begin > options_.max_bytes) {
      const bool end_matters = word_matched[last] >= 0 && word_matched[first] < 0;
      if (end_matters)
        ++first;
      else
        --last;
    }
  }
  const std::uint32_t begin = words[first]->begin;
  const std::uint32_t end = words[last]->end;

  // Text before/after the window that is more than whitespace was cut away.
  auto has_content = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (!is_ascii_space(text[i])) return true;
    return false;
  };
  if (has_content(0, begin)) snippet.text += std::string(kEllipsis) + " ";

  // Copy the window, collapsing whitespace runs, and map match ranges into the output.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  for (const auto& m : matches)
    if (m.begin >= begin && m.end <= end) ranges.emplace_back(m.begin, m.end);
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (const auto& r : ranges) {
    if (!merged.empty() && r.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, r.second);
    else
      merged.push_back(r);
  }
  std::size_t next_range = 0;
  bool in_space = false;
  for (std::uint32_t i = begin; i < end; ++i) {
    if (next_range < merged.size() && i == merged[next_range].first)
      snippet.highlights.push_back({static_cast<std::uint32_t>(snippet.text.size()), 0});
    if (is_ascii_space(text[i])) {
      if (!in_space) snippet.text.push_back(' ');
      in_space = true;
    } else {
      snippet.text.push_back(text[i]);
      in_space = false;
    }
    if (next_range < merged.size() && i + 1 == merged[next_range].second) {
      snippet.highlights.back().end = static_cast<std::uint32_t>(snippet.text.size());
      ++next_range;
    }
  }
  if (has_content(end, text.size())) snippet.text += std::string(" ") + std::string(kEllipsis);
  return snippet;
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
  for (const auto& insertion : insertions) {
    out.append(text, copied, insertion.offset - copied);
    copied = insertion.offset;
    out.append(insertion.text);
  }
  out.append(text, copied, std::string::npos);
  return out;
}

std::string isolate_rtl_runs(std::string_view text) {
  Snippet plain{std::string(text), {}};
  return render_for_terminal(plain, false);
}

}  // namespace kavosh::search
