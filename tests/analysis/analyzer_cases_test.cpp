// The whole analyzer as a table of specifications: input text -> exact terms, positions,
// spans and byte offsets.
//
// Case format: `marked` is the input with every expected token's bytes between ⟦ and ⟧ (the
// markers are removed before analysis; their places give the expected byte offsets).
// `terms` lists the expected terms in token order, separated by spaces; a term ending in
// "~" is a stacked compound (span 2) at the position of the token before it, covering from
// that token's begin to the next token's end. Positions count the unstacked tokens.
#include <gtest/gtest.h>

#include <sstream>

#include "kavosh/analysis/analyzer.hpp"

namespace kavosh::analysis {
namespace {

struct Case {
  const char* marked;
  const char* terms;
  Language language = Language::Other;
};

constexpr std::string_view kOpen = "⟦";
constexpr std::string_view kClose = "⟧";

struct Expectation {
  std::string text;
  std::vector<Token> tokens;
};

Expectation parse_case(const Case& c) {
  Expectation e;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans;
  std::string_view marked = c.marked;
  std::uint32_t open_at = 0;
  while (!marked.empty()) {
    if (marked.starts_with(kOpen)) {
      open_at = static_cast<std::uint32_t>(e.text.size());
      marked.remove_prefix(kOpen.size());
    } else if (marked.starts_with(kClose)) {
      spans.emplace_back(open_at, static_cast<std::uint32_t>(e.text.size()));
      marked.remove_prefix(kClose.size());
    } else {
      e.text.push_back(marked.front());
      marked.remove_prefix(1);
    }
  }
  std::istringstream terms(c.terms);
  std::string term;
  std::size_t next_span = 0;
  std::uint32_t position = 0;
  while (terms >> term) {
    Token t;
    if (term.ends_with("~")) {
      term.pop_back();
      if (next_span == 0 || next_span >= spans.size())
        throw std::logic_error("stacked term without neighbours");
      t.position = position - 1;
      t.span = 2;
      t.begin = spans[next_span - 1].first;
      t.end = spans[next_span].second;
    } else {
      if (next_span >= spans.size()) throw std::logic_error("more terms than marked spans");
      t.position = position++;
      t.begin = spans[next_span].first;
      t.end = spans[next_span].second;
      ++next_span;
    }
    t.term = term;
    e.tokens.push_back(t);
  }
  if (next_span != spans.size()) throw std::logic_error("more marked spans than terms");
  return e;
}

std::string describe(const std::vector<Token>& tokens) {
  std::ostringstream out;
  for (const Token& t : tokens) {
    out << "  " << t.term << " @" << t.position;
    if (t.span > 1) out << "x" << t.span;
    out << " [" << t.begin << "," << t.end << ")\n";
  }
  return out.str();
}

void check_cases(const std::vector<Case>& cases) {
  Analyzer analyzer;
  for (const Case& c : cases) {
    const Expectation expected = parse_case(c);
    std::vector<Token> actual = analyzer.analyze(expected.text, c.language);
    for (Token& t : actual) t.stem.clear();  // stems have their own table below
    for (Token& t : actual) t.script = Script::Other;
    std::vector<Token> wanted = expected.tokens;
    for (Token& t : wanted) t.script = Script::Other;
    EXPECT_EQ(describe(actual), describe(wanted)) << "input: " << c.marked;
  }
}

TEST(AnalyzerCases, English) {
  check_cases({
      {"⟦Hello⟧, ⟦world⟧!", "hello world"},
      {"⟦The⟧ ⟦quick⟧ ⟦brown⟧ ⟦fox⟧.", "the quick brown fox"},
      {"⟦don't⟧ ⟦stop⟧", "dont stop"},
      {"⟦It's⟧ ⟦John's⟧ ⟦book⟧", "it john book"},
      {"⟦students⟧' ⟦union⟧", "students union"},
      {"⟦O'Brien⟧", "obrien"},
      {"⟦rock'n'roll⟧", "rocknroll"},
      {"⟦U.S.A⟧.", "usa"},
      {"⟦e.g⟧. ⟦i.e⟧.", "eg ie"},
      {"⟦3.14⟧", "3.14"},
      {"⟦5,000⟧ ⟦people⟧", "5000 people"},
      {"⟦1,234,567⟧", "1234567"},
      {"⟦1965⟧-⟦09⟧-⟦05⟧", "1965 09 05"},
      {"⟦MKO⟧, ⟦MEK⟧ ⟦and⟧ ⟦PMOI⟧", "mko mek and pmoi"},
      {"(⟦MKO⟧)", "mko"},
      {"⟦snake_case⟧", "snake_case"},
      {"⟦www.example.com⟧", "www.example.com"},
      {"⟦user@example.com⟧ <⟦a@b⟧>", "user@example.com a@b"},
      {"⟦C⟧++ ⟦and⟧ ⟦C⟧#", "c and c"},
      {"⟦state⟧-⟦of⟧-⟦the⟧-⟦art⟧", "state of the art"},
      {"\"⟦quoted⟧\"", "quoted"},
      {"⟦well⟧—⟦known⟧", "well known"},
      {"“⟦Smart⟧ ⟦quotes⟧”", "smart quotes"},
      {"⟦café⟧", "cafe"},
      {"⟦naïve⟧ ⟦résumé⟧", "naive resume"},
      {"⟦Abdu'l⟧-⟦Bahá⟧", "abdul baha"},
      {"⟦ABC123⟧ ⟦123abc⟧", "abc123 123abc"},
      {"⟦x1.2⟧", "x1.2"},
      {"  ⟦leading⟧ ⟦spaces⟧  ", "leading spaces"},
      {"⟦line⟧\n⟦break⟧\r\n⟦crlf⟧", "line break crlf"},
      {"⟦tab⟧\t⟦separated⟧", "tab separated"},
      {"", ""},
      {"!!! ??? ... ---", ""},
      {"⟦a⟧.⟦1⟧", "a 1"},
      {"⟦10⟧% ⟦of⟧ $⟦100⟧", "10 of 100"},
      {"#⟦hashtag⟧", "hashtag"},
      {"⟦Wi⟧-⟦Fi⟧", "wi fi"},
      {"⟦ÉCOLE⟧", "ecole"},
      {"⟦Zürich⟧", "zurich"},
      {"⟦Łódź⟧", "lodz"},
      {"⟦Øresund⟧ ⟦Æsir⟧", "oresund aesir"},
      {"⟦ﬁnance⟧", "finance"},
      {"⟦ＦＵＬＬ⟧ ⟦ｗｉｄｔｈ⟧", "full width"},
      {"⟦hy\u00ADphen⟧", "hyphen"},
      {"⟦Straße⟧", "strasse"},
  });
}

TEST(AnalyzerCases, RomanizedPersian) {
  check_cases({
      {"⟦sâzmân⟧-⟦e⟧ ⟦mojâhedīn⟧-⟦e⟧ ⟦khalq⟧-⟦e⟧ ⟦īrân⟧", "sazman e mojahedin e khalq e iran"},
      {"⟦sazman⟧ ⟦e⟧ ⟦mojahedin⟧ ⟦e⟧ ⟦khalq⟧ ⟦e⟧ ⟦iran⟧", "sazman e mojahedin e khalq e iran"},
      {"⟦Sāzmān⟧-⟦e⟧ ⟦Mojāhedīn⟧-⟦e⟧ ⟦Khalq⟧", "sazman e mojahedin e khalq"},
      {"⟦Mujahedin⟧-⟦e⟧-⟦Khalq⟧", "mujahedin e khalq"},
      {"⟦Badi'zadegan⟧", "badizadegan"},
      {"⟦Badi’zadegan⟧", "badizadegan"},
      {"⟦Badi‘zadegan⟧", "badizadegan"},
      {"⟦Badiʼzadegan⟧", "badizadegan"},
      {"⟦Badiʻzadegan⟧", "badizadegan"},
      {"⟦Badi`zadegan⟧", "badizadegan"},
      {"⟦Badizadegan⟧", "badizadegan"},
      {"⟦Mas'ud⟧ ⟦Rajavi⟧", "masud rajavi"},
      {"⟦Mas’ūd⟧ ⟦Rajavī⟧", "masud rajavi"},
      {"⟦Maryam⟧ ⟦Rajavi⟧", "maryam rajavi"},
      {"⟦Moḥammad⟧ ⟦Ḥanīf⟧-⟦nežād⟧", "mohammad hanif nezad"},
      {"⟦ʿAlī⟧ ⟦Shariʿati⟧", "ali shariati"},
      {"⟦Shi'a⟧ ⟦Qur'ān⟧", "shia quran"},
      {"⟦Tehrān⟧", "tehran"},
      {"⟦Āyatollāh⟧ ⟦Khomeini⟧", "ayatollah khomeini"},
      {"⟦Mojāhedin⟧-⟦e⟧ ⟦Xalq⟧", "mojahedin e xalq"},
      {"⟦Ashraf⟧ ⟦camp⟧ (⟦Iraq⟧)", "ashraf camp iraq"},
  });
}

TEST(AnalyzerCases, Persian) {
  check_cases({
      {"⟦می‌روم⟧", "میروم"},
      {"⟦میروم⟧", "میروم"},
      {"⟦می⟧ ⟦روم⟧", "می میروم~ روم"},
      {"⟦کتاب‌ها⟧", "کتابها"},
      {"⟦کتابها⟧", "کتابها"},
      {"⟦کتاب⟧ ⟦ها⟧", "کتاب کتابها~ ها"},
      {"⟦سازمان⟧ ⟦مجاهدين⟧ ⟦خلق⟧ ⟦ايران⟧", "سازمان مجاهدین خلق ایران"},
      {"⟦سازمان⟧ ⟦مجاهدین⟧ ⟦خلق⟧ ⟦ایران⟧", "سازمان مجاهدین خلق ایران"},
      {"⟦۱۹۶۵⟧", "1965"},
      {"⟦۱۹۶۵⟧/⟦۰۹⟧/⟦۰۵⟧", "1965 09 05"},
      {"⟦۵٬۰۰۰⟧", "5000"},
      {"⟦۴٫۲⟧", "4.2"},
      {"«⟦سلام⟧»", "سلام"},
      {"⟦سلام⟧، ⟦دنیا⟧!", "سلام دنیا"},
      {"⟦آیا⟧ ⟦می‌دانید⟧؟", "ایا میدانید"},
      {"⟦اِعلام⟧ ⟦کَرد⟧", "اعلام کرد"},
      {"⟦رمــــان⟧", "رمان"},
      {"⟦خانۀ⟧ ⟦پدری⟧", "خانه پدری"},
      {"⟦خانه⟧ ⟦ی⟧ ⟦پدری⟧", "خانه خانهی~ ی پدری"},
      {"⟦خانه‌ی⟧ ⟦پدری⟧", "خانهی پدری"},
      {"⟦حرفه⟧ ⟦ای⟧", "حرفه حرفهای~ ای"},
      {"⟦نمی⟧ ⟦دانم⟧ ⟦چه⟧ ⟦می⟧ ⟦گفت⟧", "نمی نمیدانم~ دانم چه می میگفت~ گفت"},
      {"⟦بزرگ⟧ ⟦ترین⟧", "بزرگ بزرگترین~ ترین"},
      {"⟦محبوب‌ترین‌ها⟧", "محبوبترینها"},
      {"⟦زمین‌لرزه‌ای⟧", "زمینلرزهای"},
      {"⟦کاروان‌‌سرا⟧", "کاروانسرا"},
      {"⟦اصلاح⟧ ⟦كاف⟧ ⟦و⟧ ⟦ياي⟧ ⟦عربي⟧", "اصلاح کاف و یای عربی"},
      {"⟦آمریکا⟧ ⟦امریکا⟧", "امریکا امریکا"},
      {"⟦أحمد⟧ ⟦تأسیس⟧", "احمد تاسیس"},
      {"⟦مسئول⟧ ⟦مؤسسه⟧", "مسئول مؤسسه"},
      {"⟦مسعود⟧ ⟦رجوی⟧", "مسعود رجوی"},
      {"⟦مریم⟧ ⟦رجوي⟧", "مریم رجوی"},
      {"⟦سال⟧ ⟦۱۳۴۴⟧", "سال 1344"},
      {"⟦ساعت⟧ ⟦18⟧", "ساعت 18"},
      {"⟦۱۰⟧٪", "10"},
      {"⟦سازمان⟧ ⟦MKO⟧", "سازمان mko"},
      {"⟦بی⟧ ⟦کار⟧", "بی بیکار~ کار"},
      {"⟦رفته⟧ ⟦اند⟧", "رفته رفتهاند~ اند"},
      {"⟦کتاب⟧\u00A0⟦ها⟧", "کتاب کتابها~ ها"},
      {"⟦کتاب⟧، ⟦ها⟧", "کتاب ها"},
      {"⟦ماه⟧ ⟦می⟧", "ماه می"},
      {"⟦زادہ⟧ ⟦كتابۀ⟧ ⟦كتابهٔ⟧", "زاده کتابه کتابه"},
  });
}

TEST(AnalyzerCases, Arabic) {
  check_cases({
      {"⟦الذين⟧ ⟦مَلكت⟧ ⟦أيمانكم⟧", "الذین ملکت ایمانکم", Language::Arabic},
      {"⟦بنى⟧", "بنی", Language::Arabic},
      {"⟦فاطمة⟧", "فاطمه", Language::Arabic},
      {"⟦مدرسة⟧", "مدرسه", Language::Arabic},
      {"⟦إلى⟧ ⟦في⟧ ⟦المدرسة⟧", "الی فی المدرسه", Language::Arabic},
      {"⟦٢٠٢٤⟧", "2024", Language::Arabic},
      {"⟦القرآن⟧", "القران", Language::Arabic},
      {"⟦مُحَمَّد⟧", "محمد", Language::Arabic},
      {"⟦كِتَابٌ⟧", "کتاب", Language::Arabic},
      {"⟦ﻻ⟧", "لا", Language::Arabic},
      {"⟦السَّلامُ⟧ ⟦عَلَيْكُمْ⟧", "السلام علیکم", Language::Arabic},
      {"⟦منظمة⟧ ⟦مجاهدي⟧ ⟦خلق⟧", "منظمه مجاهدی خلق", Language::Arabic},
      {"⟦برلين⟧ ⟦عاصمة⟧ ⟦ألمانيا⟧", "برلین عاصمه المانیا", Language::Arabic},
      {"⟦ولداً⟧ ⟦ولدٍ⟧ ⟦ولدٌ⟧", "ولدا ولد ولد", Language::Arabic},
      {"⟦نلْسون⟧ ⟦هتميّ⟧", "نلسون هتمی", Language::Arabic},
      {"⟦روبرـــــت⟧", "روبرت", Language::Arabic},
      {"⟦إعاذ⟧ ⟦آجن⟧", "اعاذ اجن", Language::Arabic},
      {"⟦٣٫١٤⟧", "3.14", Language::Arabic},
  });
}

TEST(AnalyzerCases, MixedScripts) {
  check_cases({
      {"⟦The⟧ ⟦MEK⟧ (⟦سازمان⟧ ⟦مجاهدین⟧ ⟦خلق⟧) ⟦was⟧ ⟦founded⟧ ⟦in⟧ ⟦1965⟧.",
       "the mek سازمان مجاهدین خلق was founded in 1965"},
      {"⟦رجوی⟧ (⟦Rajavi⟧)", "رجوی rajavi"},
      {"⟦abcابج⟧", "abcابج"},
      {"⟦Москва⟧ ⟦и⟧ ⟦Tehran⟧", "москва и tehran"},
      {"⟦Ἀθῆναι⟧", "αθηναι"},
      {"⟦Ελληνικά⟧ ⟦ΣΟΦΟΣ⟧", "ελληνικα σοφοσ"},
      {"⟦Ёлка⟧ ⟦й⟧", "елка и"},
      {"⟦हिंदी⟧ ⟦नमस्ते⟧", "हिंदी नमस्ते"},
      {"⟦Tehran⟧ ⟦تهران⟧ ⟦Тегеран⟧", "tehran تهران тегеран"},
      {"⟦MKO⟧ ⟦و⟧ ⟦PMOI⟧", "mko و pmoi"},
      {"⟦ایران⟧ ⟦Iran⟧ ⟦۱۹۷۹⟧ ⟦1979⟧", "ایران iran 1979 1979"},
      {"⟦naïve⟧ ⟦ایران⟧", "naive ایران"},
  });
}

TEST(AnalyzerCases, CjkAndThai) {
  check_cases({
      {"⟦東京⟧⟦都⟧", "東京 都"},
      {"⟦東京⟧⟦都⟧⟦に⟧⟦住⟧⟦んで⟧⟦い⟧⟦ます⟧", "東京 都 に 住 んで い ます"},
      {"⟦カタカナ⟧", "カタカナ"},
      {"⟦한국어⟧ ⟦텍스트⟧", "한국어 텍스트"},
      {"⟦ภาษา⟧⟦ไทย⟧", "ภาษา ไทย"},
      {"⟦你好⟧，⟦世界⟧", "你好 世界"},
      {"⟦2024⟧⟦年⟧", "2024 年"},
      {"⟦ｶﾀｶﾅ⟧", "カタカナ"},
  });
}

TEST(AnalyzerCases, Emoji) {
  check_cases({
      {"⟦I⟧ ❤ ⟦NY⟧", "i ny"},
      {"😀", ""},
      {"⟦a⟧😀⟦b⟧", "a b"},
      {"👍🏽 ⟦ok⟧", "ok"},
      {"👨‍👩‍👧 ⟦family⟧", "family"},
      {"🇮🇷 ⟦Iran⟧", "iran"},
      {"⟦سلام⟧ 😀 ⟦دنیا⟧", "سلام دنیا"},
      {"#️⃣ ⟦tag⟧", "tag"},
  });
}

TEST(AnalyzerCases, InvalidUtf8) {
  check_cases({
      {"⟦abc⟧\xFF⟦def⟧", "abc def"},
      {"\xFF\xFE⟦abc⟧", "abc"},
      {"⟦abc⟧ \xC3", "abc"},
      {"⟦x⟧\xE2\x80 ⟦y⟧", "x y"},
      {"\xED\xA0\x80⟦z⟧", "z"},
      {"⟦سلام⟧\xD8 ⟦دنیا⟧", "سلام دنیا"},
      {"\xC0\xAF⟦ok⟧", "ok"},
      {"⟦a⟧\x80⟦b⟧", "a b"},
      {"\xF4\x90\x80\x80", ""},
      {"⟦ab⟧\xF0\x9F\x98⟦cd⟧", "ab cd"},
      {"\xE0\x80\x80 ⟦nul⟧", "nul"},
      {"⟦caf\xC3\xA9⟧ \xC3\x28", "cafe"},
  });
}

TEST(AnalyzerStems, StemIsSetOnlyWhenItDiffersFromTheTerm) {
  struct StemCase {
    std::string text;
    Language language;
    std::vector<std::pair<std::string, std::string>> term_and_stem;
  };
  const std::vector<StemCase> cases = {
      {"Organizations were running",
       Language::English,
       {{"organizations", "organ"}, {"were", ""}, {"running", "run"}}},
      {"Iran's mojahedin", Language::English, {{"iran", ""}, {"mojahedin", ""}}},
      {"کتاب‌ها", Language::Persian, {{"کتابها", "کتاب"}}},
      {"کتاب ها", Language::Persian, {{"کتاب", ""}, {"کتابها", "کتاب"}, {"ها", ""}}},
      {"مجاهدين خلق", Language::Persian, {{"مجاهدین", "مجاهد"}, {"خلق", ""}}},
      {"بزرگ‌ترین سازمان",
       Language::Persian,
       {{"بزرگترین", "بزرگ"}, {"سازمان", ""}}},
      {"المدرسة", Language::Arabic, {{"المدرسه", "مدرسه"}}},
      {"المدرسة", Language::Persian, {{"المدرسه", ""}}},
      {"running ۱۹۶۵", Language::Persian, {{"running", "run"}, {"1965", ""}}},
  };
  Analyzer analyzer;
  for (const StemCase& c : cases) {
    std::vector<std::pair<std::string, std::string>> actual;
    for (const Token& t : analyzer.analyze(c.text, c.language)) actual.emplace_back(t.term, t.stem);
    EXPECT_EQ(actual, c.term_and_stem) << c.text;
  }
}

TEST(AnalyzerScripts, EveryTokenKnowsItsScript) {
  Analyzer analyzer;
  std::vector<std::string> scripts;
  for (const Token& t :
       analyzer.analyze("MKO سازمان Москва Ἀθῆναι 東京 カタカナ ます 한국 ไทย हिंदी ۱۹۶۵ ሰላም")) {
    scripts.emplace_back(script_name(t.script));
  }
  EXPECT_EQ(scripts, (std::vector<std::string>{"latin", "arabic", "cyrillic", "greek", "han",
                                               "katakana", "hiragana", "hangul", "thai",
                                               "devanagari", "number", "other"}));
}

TEST(AnalyzerOptionsTest, StagesCanBeSwitchedOff) {
  AnalyzerOptions options;
  options.normalize_arabic_script = false;
  options.fold_diacritics = false;
  options.join_compounds = false;
  options.english_stemmer = EnglishStemmer::None;
  options.persian_stemmer = PersianStemmer::None;
  Analyzer analyzer(options);
  std::vector<std::string> terms;
  for (const Token& t : analyzer.analyze("mojâhedīn مجاهدين کتاب ها runners")) {
    terms.push_back(t.term);
    EXPECT_EQ(t.stem, "") << t.term;
  }
  EXPECT_EQ(terms, (std::vector<std::string>{"mojâhedīn", "مجاهدين", "کتاب", "ها", "runners"}));
}

TEST(LanguageCodes, RoundTrip) {
  for (const Language l :
       {Language::English, Language::Persian, Language::Arabic, Language::Other}) {
    EXPECT_EQ(parse_language_code(language_code(l)), l);
  }
  EXPECT_EQ(parse_language_code("de"), std::nullopt);
}

TEST(LanguageCodes, Bcp47TagsAreReadByTheirPrimarySubtag) {
  const std::vector<std::pair<std::string, std::optional<Language>>> cases = {
      {"fa-Latn", Language::Persian}, {"fa-IR", Language::Persian}, {"FA", Language::Persian},
      {"fas", Language::Persian},     {"en-US", Language::English}, {"en_GB", Language::English},
      {"ar-EG", Language::Arabic},    {"de-DE", std::nullopt},      {"", std::nullopt},
      {"-fa", std::nullopt},          {"english", std::nullopt},
  };
  for (const auto& [code, language] : cases) EXPECT_EQ(parse_language_code(code), language) << code;
}

}  // namespace
}  // namespace kavosh::analysis
