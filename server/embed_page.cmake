# cmake -DINPUT=page.html -DOUTPUT=page.cpp -P embed_page.cmake: the page as a C++ raw string,
# so the binary serves it without files beside it. The delimiter must not occur in the page.
file(READ "${INPUT}" page)
string(FIND "${page}" ")kavosh_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )kavosh_page\"")
endif()
file(WRITE "${OUTPUT}" "// Generated from ${INPUT} by embed_page.cmake; edit the page, not this file.
#include \"page.hpp\"

namespace kavosh::serve {
std::string_view search_page_html() {
  static constexpr std::string_view kPage = R\"kavosh_page(${page})kavosh_page\";
  return kPage;
}
}  // namespace kavosh::serve
")
