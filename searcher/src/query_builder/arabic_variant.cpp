#include "query_builder/arabic_variant.hpp"

namespace kavosh::search::query_building {

bool arabic_variant_applies(std::string_view term, std::string_view arabic_stem) {
  const std::size_t at = term.find(arabic_stem);
  if (at == std::string_view::npos || at == 0) return true;
  const std::string_view front = term.substr(0, at);
  return front.find("ال") != std::string_view::npos || front.ends_with("لل");
}

}  // namespace kavosh::search::query_building
