#pragma once
// The Arabic stemmer's stem of an Arabic-script query word is OR'd with its Persian stems, so
// that Arabic-language passages (which the indexer stems with Xapian's Arabic stemmer) match it.
// That stemmer also takes off the front of any long enough word the one-letter proclitics of
// Arabic (ب ف و ل ک), and most Persian words that begin with those letters
// carry no prefix: برگهای ("leaves of") gets رگها ("veins"), فشار ("pressure") شار, فسفر
// ("phosphorus") سفر ("journey"), وزارت ("ministry") زار. Each such stem is a frequent,
// unrelated word in the query, where OP_SYNONYM weighs it as the word itself.
#include <string_view>

namespace kavosh::search::query_building {

// Whether the Arabic stem `arabic_stem` of the query word `term` (both normalized) is added:
// where the stemmer took letters off the end only, or changed letters in place (hamza forms),
// or where what it took off the front holds the definite article (المعلمون، بالمدرسه، للمعلم),
// which begins no Persian word but an Arabic loan, whose Arabic stem is what the variant is for.
bool arabic_variant_applies(std::string_view term, std::string_view arabic_stem);

}  // namespace kavosh::search::query_building
