#pragma once
// Xapian::Error derives from no std::exception, so code that speaks std::exception (the CLIs'
// one error printer, the bench protocol, an API caller) would not see it: this is the one
// place it becomes a std::runtime_error (or a subclass of it) with a one-line message.
#include <xapian.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace kavosh {

// "context: message" ("cannot open database /x: No such file"); without a context, the
// error's own description, which names its type ("DatabaseOpeningError: No such file").
inline std::string xapian_error_message(const Xapian::Error& error, std::string_view context) {
  if (context.empty()) return error.get_description();
  return std::string(context) + ": " + error.get_msg();
}

template <typename Error = std::runtime_error>
[[noreturn]] void throw_xapian_error(const Xapian::Error& error, std::string_view context) {
  throw Error(xapian_error_message(error, context));
}

// Runs action() and returns what it returns; a Xapian::Error it throws becomes an Error.
template <typename Error = std::runtime_error, typename Action>
decltype(auto) rethrow_xapian_errors(std::string_view context, Action&& action) {
  try {
    return std::forward<Action>(action)();
  } catch (const Xapian::Error& error) {
    throw_xapian_error<Error>(error, context);
  }
}

}  // namespace kavosh
