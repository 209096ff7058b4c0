// Micro-benchmarks of the searcher's per-query work that does not touch posting lists:
// parsing, building (analyzer + synonym lookups on an empty index), snippet selection over a
// passage, and terminal rendering. Run: kavosh-bench-searcher-micro [--benchmark_filter=...]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "kavosh/format/stored_passage.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/snippet.hpp"

namespace ks = kavosh::search;
namespace ka = kavosh::analysis;

namespace {

const char* const kQueries[] = {
    "rajavi",
    "people's mujahedin organization of iran",
    "\"people's mujahedin\" AND (leader OR founder) -war",
    "title:mujahedin mojah* rajavi NEAR/3 khalq",
    "سازمان مجاهدين خلق ایران",
    "می‌روم کتاب‌ها",
};

// clang-format 14 cuts Persian literals anew on every run.
// clang-format off
const std::string kEnglishPassage =
    "The People's Mujahedin Organization of Iran, or the Mujahedin-e-Khalq (Persian: سازمان "
    "مجاهدين خلق ايران, romanized: sâzmân-e mojâhedīn-e khalq-e īrân, abbreviated MEK, PMOI, or "
    "MKO), is an Iranian political-militant organization. It advocates overthrowing the "
    "leadership of the Islamic Republic of Iran and installing its own government. Its "
    "revolutionary interpretation of Islam contrasts with the conservative Islam of the "
    "traditional clergy as well as the populist version developed by Ayatollah Khomeini in the "
    "1970s. It is also considered the Islamic Republic of Iran's biggest and most active "
    "political opposition group. Leader Maryam Rajavi and Massoud Rajavi.";
// clang-format on

// clang-format 14 cuts Persian literals anew on every run.
// clang-format off
const std::string kPersianPassage =
    "سازمان مجاهدین خلق ایران یک سازمان سیاسی و شبه‌نظامی ایرانی است که در سال ۱۳۴۴ تأسیس شد. "
    "این سازمان خواهان سرنگونی جمهوری اسلامی ایران است و رهبری آن را مریم رجوی و مسعود رجوی "
    "بر عهده دارند. مجاهدین خلق در دهه‌های گذشته فعالیت‌های سیاسی و نظامی گسترده‌ای داشته‌اند "
    "و از بزرگ‌ترین گروه‌های مخالف جمهوری اسلامی به شمار می‌روند.";
// clang-format on

void BM_ParseQuery(benchmark::State& state) {
  const char* query = kQueries[state.range(0)];
  for (auto _ : state) benchmark::DoNotOptimize(ks::parse_query(query));
  state.SetLabel(query);
}
BENCHMARK(BM_ParseQuery)->DenseRange(0, 5);

void BM_BuildQuery(benchmark::State& state) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("kavosh-bench-builder-" + std::to_string(::getpid()));
  { Xapian::WritableDatabase create(dir.string(), Xapian::DB_CREATE_OR_OVERWRITE); }
  {
    Xapian::Database db(dir.string());
    ka::Analyzer analyzer;
    const char* query = kQueries[state.range(0)];
    const auto ast = ks::parse_query(query);
    for (auto _ : state) benchmark::DoNotOptimize(ks::QueryBuilder(analyzer, db, {}).build(ast));
    state.SetLabel(query);
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_BuildQuery)->DenseRange(0, 5);

// Arg 0: 0 English, 1 Persian passage. Arg 1: 0 the searcher's path per hit (parse the stored
// record, decode its token table, match by hash), 1 the analysis path (wildcard queries).
void BM_Snippet(benchmark::State& state) {
  const bool persian = state.range(0) == 1;
  const bool analyse = state.range(1) == 1;
  ka::Analyzer analyzer;
  ks::SnippetMaker maker(analyzer, ks::SnippetOptions{});
  ks::SnippetQuery query;
  query.terms = persian ? std::vector<std::string>{"رجوی", "Zرجو", "مجاهدین", "Zمجاهد"}
                        : std::vector<std::string>{"rajavi", "Zrajavi", "khomeini", "Zkhomeini"};
  const std::string& text = persian ? kPersianPassage : kEnglishPassage;
  const ka::Language language = persian ? ka::Language::Persian : ka::Language::English;
  kavosh::index::StoredPassage stored;
  stored.text = text;
  stored.lang = std::string(ka::language_code(language));
  for (const auto& t : analyzer.analyze(text, language))
    stored.tokens.push_back({t.begin, t.end, t.span, kavosh::index::token_hash(t.term),
                             kavosh::index::token_hash(t.stem_or_term())});
  const std::string record = kavosh::index::encode(stored);
  std::string body;
  for (auto _ : state) {
    if (analyse)
      benchmark::DoNotOptimize(maker.make(text, language, query));
    else
      benchmark::DoNotOptimize(
          maker.make(kavosh::index::StoredPassageView::parse(record, body), query));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
  state.SetLabel(std::string(persian ? "persian" : "english") +
                 (analyse ? " passage, analysed" : " passage, stored token table"));
}
BENCHMARK(BM_Snippet)->ArgsProduct({{0, 1}, {0, 1}});

void BM_RenderForTerminal(benchmark::State& state) {
  ka::Analyzer analyzer;
  ks::SnippetMaker maker(analyzer, ks::SnippetOptions{});
  const auto snippet = maker.make(kEnglishPassage, ka::Language::English,
                                  {{"mujahedin", "Zmujahedin", "مجاهدین"}, {}, {}});
  for (auto _ : state) benchmark::DoNotOptimize(ks::render_for_terminal(snippet, false));
}
BENCHMARK(BM_RenderForTerminal);

}  // namespace

BENCHMARK_MAIN();
