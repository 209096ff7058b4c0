// kavosh::cli (cli/): the exit code and the one line each kind of failure gets, and the one
// Xapian::Error adapter (xapian/include/kavosh/xapian/errors.hpp).
#include "kavosh/cli/program.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "kavosh/xapian/errors.hpp"

namespace kavosh::cli {
namespace {

const Program kProgram{"kavosh-test", {}};

struct Outcome {
  int exit_code = -1;
  std::string err;
};

Outcome run(const std::function<int()>& body) {
  ::testing::internal::CaptureStderr();
  Outcome outcome;
  outcome.exit_code = run_reporting_errors(kProgram, body);
  outcome.err = ::testing::internal::GetCapturedStderr();
  return outcome;
}

TEST(CliProgram, AUsageErrorExitsTwoWithOneLine) {
  const Outcome outcome = run([]() -> int { throw UsageError("--db DIR is required"); });
  EXPECT_EQ(outcome.exit_code, kExitUsage);
  EXPECT_EQ(outcome.err, "kavosh-test: --db DIR is required\n");
}

// A library's std::invalid_argument (an unknown model from an API caller) is no usage error.
TEST(CliProgram, AnyOtherExceptionIsARuntimeError) {
  EXPECT_EQ(run([]() -> int { throw std::runtime_error("no such file"); }).exit_code,
            kExitRuntimeError);
  const Outcome invalid = run([]() -> int { throw std::invalid_argument("unknown model 'x'"); });
  EXPECT_EQ(invalid.exit_code, kExitRuntimeError);
  EXPECT_EQ(invalid.err, "kavosh-test: unknown model 'x'\n");
}

TEST(CliProgram, AXapianErrorIsARuntimeErrorNamingItsType) {
  const Outcome outcome =
      run([]() -> int { throw Xapian::DatabaseOpeningError("cannot open /x"); });
  EXPECT_EQ(outcome.exit_code, kExitRuntimeError);
  EXPECT_EQ(outcome.err, "kavosh-test: DatabaseOpeningError: cannot open /x\n");
}

TEST(CliProgram, TheBodysExitCodeIsReturned) {
  EXPECT_EQ(run([] { return kExitOk; }).exit_code, kExitOk);
  EXPECT_EQ(run([] { return kExitRuntimeError; }).exit_code, kExitRuntimeError);
}

TEST(CliProgram, MessagesGoThroughThePrintableFunction) {
  const Program shouting{"kavosh-test",
                         [](std::string_view m) { return "<" + std::string(m) + ">"; }};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(fail(shouting, kExitUsage, "bad"), kExitUsage);
  EXPECT_EQ(::testing::internal::GetCapturedStderr(), "kavosh-test: <bad>\n");
}

TEST(CliProgram, CommandLineErrorsAreUsageErrorsAndHelpIsNot) {
  CLI::App app{"test"};
  int number = 0;
  app.add_option("--number", number);
  const char* bad[] = {"kavosh-test", "--number", "x"};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(parse_command_line(kProgram, app, 3, const_cast<char**>(bad)), kExitUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("(see --help)\n"), std::string::npos);
  const char* extra[] = {"kavosh-test", "word"};
  ::testing::internal::CaptureStderr();
  EXPECT_EQ(parse_command_line(kProgram, app, 2, const_cast<char**>(extra), "a hint"), kExitUsage);
  EXPECT_NE(::testing::internal::GetCapturedStderr().find("(a hint)\n"), std::string::npos);
  const char* good[] = {"kavosh-test", "--number", "7"};
  EXPECT_EQ(parse_command_line(kProgram, app, 3, const_cast<char**>(good)), std::nullopt);
  EXPECT_EQ(number, 7);
  ::testing::internal::CaptureStdout();
  const char* help[] = {"kavosh-test", "--help"};
  EXPECT_EQ(parse_command_line(kProgram, app, 2, const_cast<char**>(help)), kExitOk);
  EXPECT_NE(::testing::internal::GetCapturedStdout().find("--number"), std::string::npos);
}

struct WriteError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

TEST(XapianErrors, BecomeRuntimeErrorsWithTheirContext) {
  EXPECT_EQ(rethrow_xapian_errors("unused", [] { return 42; }), 42);
  try {
    rethrow_xapian_errors("cannot open database /x",
                          []() -> int { throw Xapian::DatabaseOpeningError("No such file"); });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "cannot open database /x: No such file");
  }
  try {
    rethrow_xapian_errors({}, [] { throw Xapian::DatabaseLockError("locked"); });
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "DatabaseLockError: locked");
  }
  EXPECT_THROW(rethrow_xapian_errors<WriteError>(
                   "writing /x", [] { throw Xapian::DatabaseCorruptError("bad block"); }),
               WriteError);
}

}  // namespace
}  // namespace kavosh::cli
