// The Arabic-script ranges, tested on both sides of every edge.
#include "kavosh/text/arabic_script.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace kavosh::text {
namespace {

std::string name(char32_t c) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "U+%04X", static_cast<unsigned>(c));
  return buffer;
}

// Every code point in `inside` satisfies the predicate; none in `outside` does.
template <class Predicate>
void expect_edges(Predicate predicate, const std::vector<char32_t>& inside,
                  const std::vector<char32_t>& outside, const char* what) {
  for (const char32_t c : inside) EXPECT_TRUE(predicate(c)) << what << " " << name(c);
  for (const char32_t c : outside) EXPECT_FALSE(predicate(c)) << what << " " << name(c);
}

TEST(ArabicScriptBlocks, AreUnicodesFiveBlocksAndNothingAround) {
  expect_edges(is_in_arabic_script_blocks,
               {0x0600, 0x06FF, 0x0750, 0x077F, 0x08A0, 0x08FF, 0xFB50, 0xFDFF, 0xFE70, 0xFEFF},
               {0x05FF, 0x0700, 0x074F, 0x0780, 0x089F, 0x0900, 0xFB4F, 0xFE00, 0xFE6F, 0xFF00,
                kZeroWidthNonJoiner, 0x200F /* RLM */, 'a'},
               "script blocks");
  expect_edges(is_in_arabic_block, {0x0600, 0x06FF}, {0x05FF, 0x0700, 0x0750}, "block");
  expect_edges(is_in_arabic_supplement, {0x0750, 0x077F}, {0x074F, 0x0780}, "supplement");
  expect_edges(is_in_arabic_extended_a, {0x08A0, 0x08FF}, {0x089F, 0x0900}, "extended-a");
  expect_edges(is_in_arabic_presentation_forms, {0xFB50, 0xFDFF, 0xFE70, 0xFEFF},
               {0xFB4F, 0xFE00, 0xFE6F, 0xFF00}, "presentation forms");
}

TEST(ArabicScriptBlocks, LeadBytesAreThoseOfTheArabicBlock) {
  // U+0600 is D8 80, U+06FF is DB BF; U+05FF is D7 BF, U+0700 is DC 80.
  EXPECT_FALSE(is_arabic_block_lead_byte(0xD7));
  EXPECT_TRUE(is_arabic_block_lead_byte(0xD8));
  EXPECT_TRUE(is_arabic_block_lead_byte(0xDB));
  EXPECT_FALSE(is_arabic_block_lead_byte(0xDC));
}

TEST(ArabicScriptLetters, AlphabetAdditionsAndLetterLikeCodePoints) {
  expect_edges(is_arabic_alphabet_letter, {0x0621, 0x063A, 0x0641, 0x064A},
               {0x0620, 0x063B, 0x0640 /* tatweel */, 0x064B}, "alphabet");
  expect_edges(is_arabic_added_letter, {0x0671, 0x067E, 0x06CC, 0x06D3, 0x06D5},
               {0x0670, 0x06D4, 0x06D6}, "added letters");
  expect_edges(is_arabic_block_letter,
               {0x0620, 0x0640, 0x064A, 0x066E, 0x06D3, 0x06D5, 0x06EE, 0x06EF, 0x06FA, 0x06FF},
               {0x061F, 0x064B, 0x066D, 0x06D4, 0x06D6, 0x06ED, 0x06F0, 0x06F9}, "block letters");
  expect_edges(is_arabic_script_letter,
               {0x0627, 0x06CC, 0x0750, 0x077F, 0x08A0, 0x08C9, 0xFB50, 0xFDFF, 0xFE70, 0xFEFC},
               {0x0660 /* digit */, 0x064E /* fatha */, 0x074F, 0x0780, 0x089F, 0x08CA, 0xFB4F,
                0xFE6F, 0xFEFD, 0xFEFF /* byte order mark */, kZeroWidthNonJoiner},
               "script letters");
}

TEST(ArabicScriptMarks, HarakatSignsAndQuranicAnnotations) {
  expect_edges(is_arabic_harakah, {0x064B, 0x0650, 0x065F}, {0x064A, 0x0660}, "harakat");
  expect_edges(is_arabic_sign_above, {0x0610, 0x061A}, {0x060F, 0x061B}, "signs above");
  expect_edges(is_quranic_annotation_sign, {0x06D6, 0x06DD, 0x06ED}, {0x06D5, 0x06EE},
               "annotation signs");
  expect_edges(is_quranic_annotation_mark, {0x06D6, 0x06DC, 0x06DF, 0x06E8, 0x06EA, 0x06ED},
               {0x06D5, 0x06DD, 0x06DE, 0x06E9, 0x06EE}, "annotation marks");
  expect_edges(is_arabic_block_mark, {0x0610, 0x061A, 0x064B, 0x065F, 0x0670, 0x06D6, 0x06ED},
               {0x060F, 0x061B, 0x064A, 0x0660, 0x066F, 0x0671, 0x06D5, 0x06EE}, "block marks");
  expect_edges(is_arabic_number_sign, {0x0600, 0x0605, 0x06DD}, {0x0606, 0x06DC, 0x06DE},
               "number signs");
}

TEST(ArabicScriptPunctuationAndDigits, EdgesAndValues) {
  expect_edges(is_arabic_separator_sign,
               {0x0609, 0x060C, 0x060D, 0x061B, 0x061F, 0x066A, 0x066D, 0x06D4},
               {0x0608, 0x060E, 0x061A, 0x0620, 0x0669, 0x066E, 0x06D3, 0x06D5}, "separators");
  expect_edges(is_arabic_indic_digit, {0x0660, 0x0669}, {0x065F, 0x066A, 0x06F0}, "digits");
  expect_edges(is_extended_arabic_indic_digit, {0x06F0, 0x06F9}, {0x06EF, 0x06FA, 0x0660},
               "extended digits");
  EXPECT_EQ(arabic_digit_value(0x0660), 0);
  EXPECT_EQ(arabic_digit_value(0x0669), 9);
  EXPECT_EQ(arabic_digit_value(0x06F0), 0);
  EXPECT_EQ(arabic_digit_value(0x06F9), 9);
}

TEST(RightToLeftLetters, CoverHebrewArabicAndTheirNeighboursNotLatinOrMarks) {
  expect_edges(is_right_to_left_letter,
               {0x0590, 0x05D0 /* alef */, 0x0627, 0x0710 /* Syriac */, 0x08FF, 0xFB1D, 0xFDFF,
                0xFE70, 0xFEFF, 0x10800, 0x10FFF, 0x1E800, 0x1EFFF},
               {0x058F, 0x0900, 0xFB1C, 0xFE00, 0xFE6F, 0xFF00, 0x107FF, 0x11000, 0x1E7FF, 0x1F000,
                kZeroWidthNonJoiner, 'a'},
               "right-to-left");
}

}  // namespace
}  // namespace kavosh::text
