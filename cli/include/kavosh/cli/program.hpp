#pragma once
// What the Kavosh programs share: exit codes, usage errors, the command line's parse and the
// one place a failure is printed, as one line "program: message" on stderr.
#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace kavosh::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuntimeError = 1;  // a missing or unreadable file, a failed write
inline constexpr int kExitUsage = 2;         // flags, arguments or a query the user must fix

// A mistake in how the program was called (a missing flag, flags that exclude each other, an
// empty query). Only this exits kExitUsage: a library's std::invalid_argument is the caller's
// bug, not the user's.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Program {
  std::string_view name;  // "kavosh-search"
  // How a message is made safe to print (kavosh-search isolates right-to-left runs and drops
  // control characters); none prints it as it is.
  std::function<std::string(std::string_view)> printable;
};

// Prints "name: message" on stderr; returns exit_code.
int fail(const Program& program, int exit_code, std::string_view message);
// The same line for a problem the program goes on after (a batch query that failed).
void warn(const Program& program, std::string_view message);

// Parses argv into app. A value for the program to return when it must stop: kExitOk after
// --help, kExitUsage after a command-line error ("... (see --help)"; an argument CLI11 cannot
// place gets extras_hint instead, when given).
std::optional<int> parse_command_line(const Program& program, CLI::App& app, int argc, char** argv,
                                      std::string_view extras_hint = {});

// Runs the program's body and returns its exit code; what it throws is printed by fail():
// UsageError exits kExitUsage, any other std::exception or a Xapian::Error kExitRuntimeError.
int run_reporting_errors(const Program& program, const std::function<int()>& body);

}  // namespace kavosh::cli
