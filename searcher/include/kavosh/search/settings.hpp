#pragma once
// The values search settings accept and their defaults, each named once: the library checks
// against them, and the programs build their help and messages from them.
#include <array>
#include <span>
#include <string>
#include <string_view>

namespace kavosh::search {

// SearchRequest::model: Xapian's weighting schemes Kavosh offers, the default first.
inline constexpr std::array<std::string_view, 6> kRankingModels = {"bm25", "bm25+", "lm",
                                                                   "pl2",  "dph",   "tfidf"};
inline constexpr std::string_view kBm25Model = kRankingModels[0];

// lang: and SearchRequest::language, as analysis::language_code() spells the languages.
inline constexpr std::array<std::string_view, 4> kLanguageCodes = {"en", "fa", "ar", "other"};

// "a NEAR b" without "/n": at most this many positions apart.
inline constexpr unsigned kDefaultNearWindow = 10;

// Title stems' weight relative to body stems; b = 0.5 and this gave the best MAP of a small
// Cranfield sweep (docs/decisions/0001-ranking-defaults.md).
inline constexpr double kDefaultTitleWeight = 0.5;

// "bm25, bm25+, lm" or, with last_separator " or ", "en, fa, ar or other".
std::string list_choices(std::span<const std::string_view> choices,
                         std::string_view last_separator = ", ");

}  // namespace kavosh::search
