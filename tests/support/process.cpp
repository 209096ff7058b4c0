#include "process.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace kavosh::testing {

namespace {

// What execv is given: the binary, then the arguments, then a null.
std::vector<std::string> command_line(const std::string& binary,
                                      const std::vector<std::string>& arguments) {
  std::vector<std::string> line{binary};
  line.insert(line.end(), arguments.begin(), arguments.end());
  return line;
}

// In the child: replaces the process with the command; 127 when it cannot.
[[noreturn]] void exec(std::vector<std::string> line) {
  std::vector<char*> argv;
  for (std::string& word : line) argv.push_back(word.data());
  argv.push_back(nullptr);
  ::execv(argv[0], argv.data());
  ::_exit(127);
}

// In the child: fd now reads or writes `path` (opened with flags).
void redirect(int fd, const char* path, int flags) {
  const int opened = ::open(path, flags, 0644);
  if (opened < 0 || ::dup2(opened, fd) < 0) ::_exit(126);
  ::close(opened);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

pid_t checked_fork() {
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return exit_code_of(status);
}

}  // namespace

int exit_code_of(int wait_status) {
  return WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
}

ProcessResult run_process(const std::string& binary, const std::vector<std::string>& arguments,
                          const std::filesystem::path& capture_dir, const ProcessOptions& options) {
  const auto out_path = capture_dir / "stdout.txt";
  const auto err_path = capture_dir / "stderr.txt";
  const auto line = command_line(binary, arguments);
  const auto in_path = capture_dir / "stdin.txt";
  if (!options.stdin_text.empty()) std::ofstream(in_path, std::ios::binary) << options.stdin_text;
  const pid_t pid = checked_fork();
  if (pid == 0) {
    redirect(STDIN_FILENO, options.stdin_text.empty() ? "/dev/null" : in_path.c_str(), O_RDONLY);
    redirect(STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
    redirect(STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC);
    if (options.as_nobody && ::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0))
      ::_exit(kCannotDropPrivileges);
    exec(line);
  }
  ProcessResult result;
  result.exit_code = wait_for(pid);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

RunningProcess::RunningProcess(const std::string& binary,
                               const std::vector<std::string>& arguments) {
  const auto line = command_line(binary, arguments);
  pid_ = checked_fork();
  if (pid_ == 0) exec(line);
}

RunningProcess::~RunningProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_for(pid_);
}

void RunningProcess::kill(int signal) {
  if (pid_ > 0) ::kill(pid_, signal);
}

int RunningProcess::wait() {
  const int code = wait_for(pid_);
  pid_ = -1;
  return code;
}

ChildResult run_in_child(const std::function<int()>& body) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = checked_fork();
  if (pid == 0) {
    int code = kBodyThrew;
    try {
      code = body();
    } catch (...) {
    }
    std::fflush(nullptr);  // ::_exit skips stdio's buffers
    ::_exit(code);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  ChildResult result;
  result.exit_code = exit_code_of(status);
  result.peak_kb = usage.ru_maxrss;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace kavosh::testing
