#pragma once
// Function words that a ranked bare-word list leaves out when it has other words (see
// BuildOptions::drop_stopwords and docs/decisions/0001-ranking-defaults.md). Written in ordinary
// spelling: analyzed_terms() runs every entry through the analyzer and compares analyzed
// terms, so ي/ی, ك/ک, آ/ا, ZWNJ and case variants all match. Every entry must analyze to one
// term (tests/searcher/query_builder_test.cpp checks it).
//
// The lists are short on purpose: a word belongs here when, in a question or title-like
// query, it carries grammar rather than topic. Words that are function words in one script
// and content in another (Arabic على is the Persian name علی; Arabic كيف is the Persian
// کیف "bag"; قد is "height") are left out.
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "query_builder/query_terms.hpp"

namespace kavosh::search::function_words {

// The Snowball English stop list, abridged to the forms that occur in queries.
inline constexpr std::string_view kEnglish[] = {
    "a",      "about",  "above", "after",  "again",    "against",    "all",  "am",
    "an",     "and",    "any",   "are",    "as",       "at",         "be",   "because",
    "been",   "before", "being", "below",  "between",  "both",       "but",  "by",
    "can",    "could",  "did",   "do",     "does",     "doing",      "down", "during",
    "each",   "few",    "for",   "from",   "further",  "had",        "has",  "have",
    "having", "he",     "her",   "here",   "hers",     "herself",    "him",  "himself",
    "his",    "how",    "i",     "if",     "in",       "into",       "is",   "it",
    "its",    "itself", "me",    "more",   "most",     "must",       "my",   "myself",
    "no",     "nor",    "not",   "of",     "off",      "on",         "once", "only",
    "or",     "other",  "ought", "our",    "ours",     "ourselves",  "out",  "over",
    "own",    "same",   "she",   "should", "so",       "some",       "such", "than",
    "that",   "the",    "their", "theirs", "them",     "themselves", "then", "there",
    "these",  "they",   "this",  "those",  "through",  "to",         "too",  "under",
    "until",  "up",     "very",  "was",    "we",       "were",       "what", "when",
    "where",  "which",  "while", "who",    "whom",     "why",        "will", "with",
    "would",  "you",    "your",  "yours",  "yourself", "yourselves"};

// Persian, by role. Question words matter most: documents rarely contain "کدام" or "چیست",
// so BM25 gives them a HIGH idf and they pull in the few passages that happen to ask
// something, while the answer passage does not contain them at all. Left out on purpose:
// خود (first part of خودرو, خودکشی when typed apart) and nouns such as سال, روز, نام.
inline constexpr std::string_view kPersian[] = {
    // question words and the pronouns questions are built from (چه کسی، چه چیزی)
    "آیا", "چه", "چی", "چرا", "چگونه", "چه‌گونه", "چطور", "چه‌طور", "چطوری", "چقدر",
    "چه‌قدر", "چند", "چندم", "چندمین", "چندتا", "کدام", "کدوم", "کدامین", "کدامیک", "کدامند",
    "کجا", "کجاست", "کجای", "کجاها", "کی", "کیست", "کیستند", "کیه", "چیست", "چیستند", "چیه", "مگر",
    "کسی", "کسانی", "چیز", "چیزی", "چیزهایی",
    // pronouns and determiners
    "من", "تو", "او", "ما", "شما", "آنها", "آنان", "ایشان", "وی", "این", "آن", "اینها", "همین",
    "همان", "چنین", "چنان", "هر", "همه", "هیچ", "دیگر", "دیگری", "برخی", "بعضی", "یک", "یکی", "اون",
    "اینا",
    // prepositions and the object marker (رو: its spoken form)
    "از", "به", "با", "در", "بر", "برای", "تا", "بی", "جز", "بجز", "درباره", "مانند", "مثل", "روی",
    "زیر", "میان", "بین", "نزد", "توسط", "بدون", "طی", "را", "رو",
    // conjunctions and connectives
    "و", "یا", "اما", "ولی", "که", "اگر", "نیز", "هم", "سپس", "چون", "زیرا", "اینکه", "آنکه",
    "آنچه", "بلکه", "وقتی", "چنانچه", "همچنین", "لذا",
    // adverbs of degree and restriction
    "بسیار", "خیلی", "فقط", "حتی", "هنوز",
    // affixes a writer may type apart from their word (کتاب ها، می شود، بزرگ ترین)
    "ها", "های", "هایی", "ای", "ی", "تر", "ترین", "می", "نمی",
    // the copula, auxiliaries and the light verbs of compound verbs, with spoken forms
    "است", "ست", "هست", "نیست", "هستند", "نیستند", "بود", "بودند", "نبود", "باشد", "باشند", "بوده",
    "شد", "شدند", "شده", "شدن", "شود", "شوند", "می‌شود", "می‌شوند",
    "نمی‌شود", "شه", "می‌شه", "کرد", "کردند", "کرده", "کردن", "کند", "کنند",
    "می‌کند", "می‌کنند", "کنه", "می‌کنه", "کنیم", "دارد", "دارند", "داشت",
    "داشتند", "داشته", "داره", "باید", "می‌توان", "می‌تواند"};

// Arabic function words that do not collide with a Persian content word after normalization.
inline constexpr std::string_view kArabic[] = {
    "في",  "ماذا", "لماذا", "متى", "أين", "هل", "الذي", "التي", "الذين", "هذا", "هذه", "ذلك",
    "تلك", "هو",   "هي",    "أن",  "إن",  "أو", "إلى",  "عن",   "ثم",    "لا",  "لم"};

// The analyzed terms of every function word above, under one setting of Arabic-script
// normalization: a query word is a function word when its term is in the set, so the
// comparison sees the same folding as the index (ي/ی, ZWNJ, case).
const std::set<std::string, std::less<>>& analyzed_terms(bool normalize_arabic_script);

// Which words of a ranked body list are function words it leaves out: those typed without a
// modifier, unless nothing else would be left. `words` are the list's children as run words.
std::vector<bool> droppable(const QueryNode& list,
                            const std::vector<query_building::RunWord>& words,
                            bool normalize_arabic_script);

}  // namespace kavosh::search::function_words
