#pragma once
// A light, conservative Persian stemmer for normalized terms (Persian ی/ک, no ZWNJ).
// It removes at most one suffix, the first rule that applies, and only when enough of the
// word remains (counted in letters); when in doubt it leaves the word alone, because the
// unstemmed term is indexed too and a wrong stem merges unrelated words.
//   plural + possessive  هایشان هایتان هایمان هایی هایم هایت هایش های  (>= 2 letters left)
//   plural               ها   (>= 2 left; not تنها "alone")
//   superlative          ترین (>= 2 left)
//   comparative          تر   (>= 3 left; not nouns that end in تر: دختر دفتر کبوتر ...)
//   Arabic plurals       ات   (>= 4 left: اطلاعات -> اطلاع, not اثبات)
//                        ین   (>= 4 left: مجاهدین -> مجاهد, not حسین; not place names)
//   animate plural       یان after ا/و -> drop یان (دانشجویان -> دانشجو, آقایان -> آقا);
//                        other یان -> drop ان (ایرانیان -> ایرانی), >= 3 left
//                        گان -> ه (نمایندگان -> نماینده), >= 4 left
//   ezafe / indefinite   ه + ی / ای / ام / ات / اش -> ه (خانهی, خانهای -> خانه)
//                        ا + ی -> ا (آقای -> آقا), >= 3 left; not و + ی: surnames (رجوی, موسوی)
// Known ambiguity: without its ZWNJ, خانه‌ای (خانه + ای) reads like a plural (خان
// + های), and the plural reading wins (کتابهای -> کتاب is far more common), so خانهای stems to خان.
// The general plural ان is NOT removed: too many names end in it (ایران تهران سازمان).
#include <string>
#include <string_view>

namespace kavosh::analysis {

// The stem of `term`, or `term` itself when no rule applies.
std::string persian_stem(std::string_view term);

// PersianStemmer::Plurals: the plural rules above only (ها and its possessive forms, ات, ین,
// یان, گان); no comparative, superlative, ezafe or clitic rule, and a word ending in ترین is
// left alone.
std::string persian_plural_stem(std::string_view term);

}  // namespace kavosh::analysis
