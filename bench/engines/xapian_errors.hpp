#pragma once
// Xapian::Error is not a std::exception; the protocol's error handling speaks std::exception.
// Shared by the engines that call Xapian (kavosh, plain xapian).
#include <xapian.h>

#include <stdexcept>

namespace kavosh::bench {

template <typename Function>
auto rethrow_xapian_errors(Function&& function) {
  try {
    return function();
  } catch (const Xapian::Error& e) {
    throw std::runtime_error(e.get_description());
  }
}

}  // namespace kavosh::bench
