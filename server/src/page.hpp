#pragma once
// The search page (server/page/index.html), compiled into the binary by embed_page.cmake.
#include <string_view>

namespace kavosh::serve {
std::string_view search_page_html();
}
