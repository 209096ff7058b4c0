#pragma once
// Which script a term is written in, and which language a passage is in.
//
// Token script: the script of the term's first letter (ICU UScriptCode, Common/Inherited
// skipped); a term with no letter and at least one digit is Script::Number.
//
// Passage language (detect_language): letters are counted per script; the largest group
// decides: Latin -> en; Arabic script -> fa or ar; anything else -> other (no letters: other).
// Persian vs Arabic: Persian text is often typed on Arabic keyboards (ي ك instead of ی ک),
// so the absence of ی/ک proves nothing. Evidence is weighed instead:
//   Persian: letters Arabic lacks (پ چ ژ گ, weight 3); Persian-keyboard ی ک (1); the
//            Persian function words را است از که این با می های (2 per word).
//   Arabic:  ة ى أ إ (1); words starting with the article ال (2); the function words
//            في على إلى عن هذا هذه التي الذي (2).
// fa when the Persian score is at least the Arabic one: with no evidence either way we
// choose fa, the corpus's main Arabic-script language.
#include <string_view>

#include "kavosh/analysis/analyzer.hpp"

namespace kavosh::analysis {

Script script_of_term(std::string_view term);
Language detect_passage_language(std::string_view text);

}  // namespace kavosh::analysis
