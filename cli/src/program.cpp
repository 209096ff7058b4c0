#include "kavosh/cli/program.hpp"

#include <iostream>

#include "kavosh/xapian/errors.hpp"

namespace kavosh::cli {

void warn(const Program& program, std::string_view message) {
  std::cerr << program.name << ": "
            << (program.printable ? program.printable(message) : std::string(message)) << "\n";
}

int fail(const Program& program, int exit_code, std::string_view message) {
  warn(program, message);
  return exit_code;
}

std::optional<int> parse_command_line(const Program& program, CLI::App& app, int argc, char** argv,
                                      std::string_view extras_hint) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ExtrasError& e) {
    if (extras_hint.empty())
      return fail(program, kExitUsage, std::string(e.what()) + " (see --help)");
    return fail(program, kExitUsage, std::string(e.what()) + " (" + std::string(extras_hint) + ")");
  } catch (const CLI::ParseError& e) {
    return fail(program, kExitUsage, std::string(e.what()) + " (see --help)");
  }
  return std::nullopt;
}

int run_reporting_errors(const Program& program, const std::function<int()>& body) {
  try {
    return body();
  } catch (const UsageError& e) {
    return fail(program, kExitUsage, e.what());
  } catch (const std::exception& e) {
    return fail(program, kExitRuntimeError, e.what());
  } catch (const Xapian::Error& e) {
    return fail(program, kExitRuntimeError, xapian_error_message(e, {}));
  }
}

}  // namespace kavosh::cli
