// kavosh-bench-analyzer-micro: Google Benchmark micro-benchmarks of each analyzer stage on
// fixed English and Persian paragraphs (bytes/s and items/s per stage).
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "ascii_word_breaker.hpp"
#include "compound_joiner.hpp"
#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/text/utf8.hpp"
#include "persian_stemmer.hpp"
#include "script_detection.hpp"
#include "term_normalizer.hpp"
#include "word_tokenizer.hpp"

namespace {

using namespace kavosh::analysis;

const std::string kEnglish =
    "The People's Mojahedin Organization of Iran (PMOI), also known as the MEK or MKO, was founded "
    "on "
    "5 September 1965 by Mohammad Hanifnejad, Saeed Mohsen and Ali-Asghar Badi'zadegan. Its "
    "members "
    "were students of Tehran University; the organization's ideology combined Islam with "
    "revolutionary "
    "ideas, and it grew to about 5,000 members in the 1970s. ";
// clang-format 14 cuts Persian literals anew on every run.
// clang-format off
const std::string kPersian =
    "سازمان مجاهدین خلق ایران در سال ۱۳۴۴ توسط محمد حنیف‌نژاد، سعید محسن و علی‌اصغر بدیع‌زادگان "
    "تأسیس شد. اعضای آن دانشجویان دانشگاه تهران بودند و کتاب‌ها و نوشته های آنها در دهه ۱۳۵۰ "
    "می خواندند. این سازمان بزرگ ترین گروه مسلح آن دوره بود. ";
// clang-format on

std::string repeated(const std::string& s, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += s;
  return out;
}

void set_bytes(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}

void BM_Utf8ToUtf16(benchmark::State& state) {
  const std::string text = repeated(state.range(0) ? kPersian : kEnglish, 20);
  kavosh::text::Utf16WithOffsets out;
  for (auto _ : state) {
    kavosh::text::to_utf16_with_offsets(text, out);
    benchmark::DoNotOptimize(out.units.data());
  }
  set_bytes(state, text.size());
}
BENCHMARK(BM_Utf8ToUtf16)->Arg(0)->Arg(1);

void BM_AsciiWordBreaker(benchmark::State& state) {
  const std::string text = repeated(kEnglish, 20);
  std::vector<WordSpan> spans;
  for (auto _ : state) {
    spans.clear();
    break_ascii_words(text, 0, spans);
    benchmark::DoNotOptimize(spans.data());
  }
  set_bytes(state, text.size());
}
BENCHMARK(BM_AsciiWordBreaker);

void BM_IcuWordBreaker(benchmark::State& state) {
  const std::string text = repeated(state.range(0) ? kPersian : kEnglish, 20);
  IcuWordBreaker breaker;
  std::vector<WordSpan> spans;
  for (auto _ : state) {
    spans.clear();
    breaker.break_words(text, 0, spans);
    benchmark::DoNotOptimize(spans.data());
  }
  set_bytes(state, text.size());
}
BENCHMARK(BM_IcuWordBreaker)->Arg(0)->Arg(1);

void BM_WordTokenizer(benchmark::State& state) {
  const std::string text = repeated(state.range(0) ? kPersian : kEnglish, 20);
  WordTokenizer tokenizer;
  std::vector<WordSpan> spans;
  for (auto _ : state) {
    tokenizer.tokenize(text, spans);
    benchmark::DoNotOptimize(spans.data());
  }
  set_bytes(state, text.size());
}
BENCHMARK(BM_WordTokenizer)->Arg(0)->Arg(1);

void BM_TermNormalizer(benchmark::State& state) {
  const std::string& text = state.range(0) ? kPersian : kEnglish;
  WordTokenizer tokenizer;
  std::vector<WordSpan> spans;
  tokenizer.tokenize(text, spans);
  TermNormalizer normalizer;
  std::string term;
  for (auto _ : state) {
    for (const WordSpan& s : spans) {
      normalizer.normalize(std::string_view(text).substr(s.begin, s.end - s.begin), term);
      benchmark::DoNotOptimize(term.data());
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * spans.size()));
  set_bytes(state, text.size());
}
BENCHMARK(BM_TermNormalizer)->Arg(0)->Arg(1);

void BM_PersianStemmer(benchmark::State& state) {
  const std::vector<std::string> terms = {"کتابها",  "دانشجویان", "سازمان", "مجاهدین",   "بزرگترین",
                                          "اطلاعات", "ایران",     "خانهای", "نمایندگان", "تهران"};
  for (auto _ : state) {
    for (const std::string& t : terms) benchmark::DoNotOptimize(persian_stem(t));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * terms.size()));
}
BENCHMARK(BM_PersianStemmer);

void BM_CompoundJoiner(benchmark::State& state) {
  Analyzer analyzer(AnalyzerOptions{.join_compounds = false});
  const std::vector<Token> tokens = analyzer.analyze(kPersian, Language::Persian);
  std::vector<Token> work;
  for (auto _ : state) {
    work = tokens;
    join_spaced_compounds(kPersian, work);
    benchmark::DoNotOptimize(work.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tokens.size()));
}
BENCHMARK(BM_CompoundJoiner);

void BM_DetectLanguage(benchmark::State& state) {
  const std::string& text = state.range(0) ? kPersian : kEnglish;
  for (auto _ : state) benchmark::DoNotOptimize(detect_passage_language(text));
  set_bytes(state, text.size());
}
BENCHMARK(BM_DetectLanguage)->Arg(0)->Arg(1);

void BM_Analyzer(benchmark::State& state) {
  const std::string text = repeated(state.range(0) ? kPersian : kEnglish, 20);
  const Language language = state.range(0) ? Language::Persian : Language::English;
  Analyzer analyzer;
  std::vector<Token> tokens;
  for (auto _ : state) {
    analyzer.analyze(text, language, tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * tokens.size()));
  set_bytes(state, text.size());
}
BENCHMARK(BM_Analyzer)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();
