#pragma once
// kavosh-serve's HTTP service: the searcher library behind a JSON API and a search page
// (server/README.md documents every endpoint). Searches run on a pool of search workers,
// each with its own Searcher (Xapian handles are not shared across threads); the HTTP
// connections are served by threads of their own, which wait for a worker's answer no
// longer than the request deadline.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace kavosh::serve {

struct ServerOptions {
  std::filesystem::path database;
  std::string host = "127.0.0.1";  // loopback unless the operator chooses otherwise
  int port = 8080;                 // 0: any free port (Server::bind says which)
  unsigned search_threads = 0;     // search workers; 0: one per core
  // Connections served at once; one more is told 503 and closed. Each holds a thread.
  unsigned max_connections = 64;
  // A request whose search has not finished by then is answered 503 (see server/README.md:
  // the worker finishes that search before taking the next).
  std::chrono::milliseconds timeout{2000};
  std::size_t max_body_bytes = 1 << 20;  // larger bodies: 413
  std::size_t max_query_bytes = 2048;    // a longer q: 400
  unsigned max_limit = 1000;             // a larger limit: 400
  unsigned max_offset = 10000;           // a larger offset: 400 (deep pages cost offset + limit)
  unsigned max_batch_queries = 10000;    // a larger /batch: 413
  // How often a worker asks whether an indexer has committed a new revision.
  std::chrono::milliseconds revision_check_interval{1000};
  // One line per request (method, path, status, µs); empty: no access log.
  std::function<void(const std::string& line)> access_log;
  // Called on the worker before each search: lets tests hold a search past its deadline.
  std::function<void()> before_search;
};

class Server {
 public:
  // Opens the index once on this thread, so a missing or unreadable database is reported
  // before anything listens (std::runtime_error naming the path).
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds the listening socket; returns the port (the chosen one when options.port is 0).
  // Throws std::runtime_error when the address cannot be bound.
  int bind();
  // Serves until stop(); requests in flight are answered before it returns.
  void run();
  // Safe from any thread, also before run() has started listening.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kavosh::serve
