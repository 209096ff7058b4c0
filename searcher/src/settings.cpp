#include "kavosh/search/settings.hpp"

namespace kavosh::search {

std::string list_choices(std::span<const std::string_view> choices,
                         std::string_view last_separator) {
  std::string listed;
  for (std::size_t i = 0; i < choices.size(); ++i) {
    if (i > 0) listed += i + 1 == choices.size() ? last_separator : ", ";
    listed += choices[i];
  }
  return listed;
}

}  // namespace kavosh::search
