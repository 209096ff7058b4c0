// kavosh-serve: flags -> kavosh::serve::Server; SIGINT/SIGTERM stop it cleanly (requests in
// flight are answered first). Exit codes: 0 stopped by a signal, 1 runtime error (database
// missing or unreadable, address in use), 2 usage error.
#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "kavosh/cli/program.hpp"
#include "kavosh/serve/server.hpp"

namespace {

using kavosh::cli::kExitOk;
using kavosh::cli::kExitUsage;

const kavosh::cli::Program kProgram{"kavosh-serve", {}};

struct Flags {
  kavosh::serve::ServerOptions options;
  std::string listen = "127.0.0.1:8080";
  unsigned timeout_ms = 2000;
  bool quiet = false;
};

// "HOST:PORT" (the port last, so "[::1]:8080" and "::1:8080" both work), or ":PORT".
bool parse_listen(const std::string& text, std::string& host, int& port) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  const std::string digits = text.substr(colon + 1);
  if (digits.empty() || digits.size() > 5 ||
      digits.find_first_not_of("0123456789") != std::string::npos)
    return false;
  port = std::stoi(digits);
  return port <= 65535;
}

void add_flags(CLI::App& app, Flags& flags) {
  kavosh::serve::ServerOptions& options = flags.options;
  app.set_help_flag("-h,--help", "Show this help");
  app.footer("Endpoints and examples: server/README.md. Stop with Ctrl-C or SIGTERM.");
  app.add_option("--db", options.database, "Index directory")->required();
  app.add_option("--listen", flags.listen,
                 "HOST:PORT to listen on (default 127.0.0.1:8080, loopback only; "
                 "0.0.0.0:PORT serves every interface); port 0 picks a free one");
  app.add_option("--threads", options.search_threads,
                 "Search workers, each with its own searcher (default: one per core)");
  app.add_option("--max-connections", options.max_connections,
                 "Connections served at once; more are answered 503 (default 64)")
      ->check(CLI::Range(1u, 10000u));
  app.add_option("--timeout-ms", flags.timeout_ms,
                 "Deadline of a request's search; later answers are 503 (default 2000)")
      ->check(CLI::Range(1u, 3600000u));
  app.add_option("--max-body-bytes", options.max_body_bytes,
                 "Largest request body; larger is 413 (default 1048576)");
  app.add_option("--max-query-bytes", options.max_query_bytes,
                 "Longest query or /analyze text; longer is 400 (default 2048)");
  app.add_option("--max-limit", options.max_limit, "Largest limit of a search (default 1000)")
      ->check(CLI::Range(1u, 1000000u));
  app.add_option("--max-offset", options.max_offset, "Largest offset of a search (default 10000)");
  app.add_option("--max-batch", options.max_batch_queries,
                 "Most queries in one POST /batch; more is 413 (default 10000)");
  app.add_flag("--quiet", flags.quiet, "No access log on stderr");
}

// Serves until SIGINT or SIGTERM. Every thread started here inherits the blocked signals; one
// thread waits for them and stops the server, so no handler runs inside httplib or Xapian code.
int serve(const kavosh::serve::ServerOptions& options) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client gone mid-response is httplib's write error, not a kill

  kavosh::serve::Server server(options);
  const int port = server.bind();
  std::thread signal_waiter([&server, &stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    if (signal_number != 0) server.stop();
  });
  std::cerr << "kavosh-serve: serving " << options.database.string() << " on http://"
            << (options.host.find(':') != std::string::npos ? "[" + options.host + "]"
                                                            : options.host)
            << ":" << port << "/" << std::endl;
  server.run();
  // run() returns on a signal (the waiter has stopped us) or when listening failed. The
  // signal wakes the waiter's sigwait (the signal is blocked there), it does not end the thread.
  // NOLINTNEXTLINE(bugprone-bad-signal-to-kill-thread)
  pthread_kill(signal_waiter.native_handle(), SIGTERM);
  signal_waiter.join();
  std::cerr << "kavosh-serve: stopped" << std::endl;
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  return kavosh::cli::run_reporting_errors(kProgram, [&] {
    CLI::App app{"kavosh-serve: a Kavosh index over HTTP (JSON API and a search page)"};
    Flags flags;
    add_flags(app, flags);
    if (const auto stop = kavosh::cli::parse_command_line(kProgram, app, argc, argv)) return *stop;
    kavosh::serve::ServerOptions& options = flags.options;
    if (!parse_listen(flags.listen, options.host, options.port))
      return kavosh::cli::fail(kProgram, kExitUsage,
                               "--listen: expected HOST:PORT, got '" + flags.listen + "'");
    options.timeout = std::chrono::milliseconds(flags.timeout_ms);
    std::mutex log_mutex;
    if (!flags.quiet) {
      options.access_log = [&log_mutex](const std::string& line) {
        std::lock_guard lock(log_mutex);
        std::fprintf(stderr, "%s\n", line.c_str());
      };
    }
    return serve(options);
  });
}
