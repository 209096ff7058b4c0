// Script of a term, language of a passage.
#include "script_detection.hpp"

#include <gtest/gtest.h>

namespace kavosh::analysis {
namespace {

TEST(ScriptOfTerm, IsTheScriptOfTheFirstLetter) {
  const std::vector<std::pair<std::string, Script>> cases = {
      {"mojahedin", Script::Latin},   {"سازمان", Script::Arabic}, {"αθηνα", Script::Greek},
      {"москва", Script::Cyrillic},   {"東京", Script::Han},      {"ます", Script::Hiragana},
      {"カタカナ", Script::Katakana}, {"한국어", Script::Hangul}, {"ไทย", Script::Thai},
      {"हिंदी", Script::Devanagari},   {"1965", Script::Number},   {"3.14", Script::Number},
      {"1a", Script::Latin},          {"__", Script::Other},      {"ሰላም", Script::Other},
  };
  for (const auto& [term, script] : cases) EXPECT_EQ(script_of_term(term), script) << term;
}

TEST(PassageLanguage, FollowsTheLettersAndPersianEvidence) {
  const std::vector<std::pair<std::string, Language>> cases = {
      {"The People's Mojahedin Organization of Iran", Language::English},
      {"سازمان مجاهدین خلق ایران", Language::Persian},  // Persian ی
      {"سازمان مجاهدين خلق ايران", Language::Persian},  // Arabic keyboard, no evidence: fa
      {"او به خانه رفت و کتاب را خواند", Language::Persian},
      {"او به خانه رفت و كتاب را خواند", Language::Persian},  // Arabic kaf, Persian function word
      {"ذهب الولد إلى المدرسة في الصباح", Language::Arabic},
      {"منظمة مجاهدي خلق الإيرانية هي حركة سياسية", Language::Arabic},
      {"برلين هي عاصمة ألمانيا وأكبر مدنها", Language::Arabic},
      {"پژوهش", Language::Persian},
      {"東京都に住んでいます", Language::Other},
      {"Москва — столица России", Language::Other},
      {"", Language::Other},
      {"1965 — 2024", Language::Other},
      {"MKO (سازمان مجاهدین خلق ایران) در سال ۱۹۶۵ تأسیس شد", Language::Persian},
      {"The MEK, known in Persian as سازمان مجاهدين, was founded in 1965", Language::English},
      // Letters of Arabic Extended-A and U+06EE/U+06EF are Arabic-script letters (the shared
      // is_arabic_script_letter); they used to count as letters of some other script.
      {"\u08A0\u08A1\u08A2\u08A3 ab", Language::Persian},
      {"\u06EE\u06EF\u06EE ab", Language::Persian},
  };
  for (const auto& [text, language] : cases) {
    EXPECT_EQ(language_code(detect_passage_language(text)), language_code(language)) << text;
  }
}

}  // namespace
}  // namespace kavosh::analysis
