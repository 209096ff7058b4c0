#pragma once
// The one way the tests start processes: the real binaries with their output captured, a
// binary left running for the test to kill, and test code run in a forked child (a writer
// that "dies" without its destructor). fork + exec, no shell: arguments reach the program as
// they are written.
#include <sys/types.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace kavosh::testing {

// Exit codes as a shell reports them: the program's own, or 128 + the signal that ended it.
int exit_code_of(int wait_status);

struct ProcessResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  // As root, run the program as nobody (uid and gid 65534), so that file modes apply to it;
  // exit code kCannotDropPrivileges when that is refused.
  bool as_nobody = false;
  // What the program reads on stdin (from a file in capture_dir); /dev/null when empty.
  std::string stdin_text = {};
};
inline constexpr int kCannotDropPrivileges = 125;

// Runs binary with arguments, stdin from /dev/null, stdout and stderr written to
// capture_dir/stdout.txt and capture_dir/stderr.txt and returned; waits for it to end.
ProcessResult run_process(const std::string& binary, const std::vector<std::string>& arguments,
                          const std::filesystem::path& capture_dir,
                          const ProcessOptions& options = {});

// A binary started and left running (its output goes where the test's goes).
class RunningProcess {
 public:
  RunningProcess(const std::string& binary, const std::vector<std::string>& arguments);
  ~RunningProcess();  // kills and reaps the process if the test has not
  RunningProcess(const RunningProcess&) = delete;
  RunningProcess& operator=(const RunningProcess&) = delete;

  void kill(int signal);
  int wait();  // the exit code, as exit_code_of gives it

 private:
  pid_t pid_ = -1;
};

// Runs body in a forked child and returns when the child ends. Its exit code is what body
// returns (or kBodyThrew), unless it ends the process itself (::_exit, a signal); the child
// never returns into the test.
inline constexpr int kBodyThrew = 124;
struct ChildResult {
  int exit_code = -1;
  long peak_kb = 0;    // the child's peak resident set, so a test can bound its memory
  double seconds = 0;  // wall time from the fork to the child's end
};
ChildResult run_in_child(const std::function<int()>& body);

}  // namespace kavosh::testing
