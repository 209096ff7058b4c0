// Peer engine: SQLite FTS5 from Debian's libsqlite3. One table fts(id UNINDEXED, title, text)
// with tokenize='unicode61 remove_diacritics 2' for every language (FTS5 has no Persian
// tokenizer or stemmer; unicode61 splits Arabic-script words on spaces and punctuation and
// folds nothing else). Ranking is bm25() through the hidden `rank` column (bm25 by default), so
// "ORDER BY rank LIMIT k" takes FTS5's sorted-match path and snippet() only runs on the k rows.
// Our query syntax is translated to FTS5's: every clause quoted (no syntax errors from user
// text) and joined with OR, since FTS5's implicit operator is AND.
#include <sqlite3.h>

#include <cctype>
#include <stdexcept>
#include <string>

#include "engine_protocol.hpp"

namespace kavosh::bench {
namespace {

class Connection {
 public:
  Connection(const std::filesystem::path& file, int flags) {
    if (sqlite3_open_v2(file.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error(file.string() + ": " + message);
    }
  }
  ~Connection() { sqlite3_close(db_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* get() const { return db_; }

  void exec(const char* sql) {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw std::runtime_error(std::string(sql) + ": " + message);
    }
  }

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error(what + ": " + sqlite3_errmsg(db_));
  }

 private:
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(Connection& connection, const char* sql) : connection_(connection) {
    if (sqlite3_prepare_v3(connection.get(), sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
        SQLITE_OK) {
      connection.fail(std::string("prepare ") + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  sqlite3_stmt* get() const { return stmt_; }
  void bind_text(int index, const std::string& value) {
    sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  }
  [[noreturn]] void fail(const std::string& what) const { connection_.fail(what); }

 private:
  Connection& connection_;
  sqlite3_stmt* stmt_ = nullptr;
};

// A string FTS5 reads as one phrase of its tokens, whatever characters it holds.
std::string fts5_string(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

// A word made only of punctuation tokenizes to nothing, and FTS5 rejects an empty phrase.
bool has_word_character(const std::string& text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte)) return true;
  }
  return false;
}

std::string to_fts5_query(std::string_view query) {
  std::string expression;
  for (const auto& clause : parse_common_query(query)) {
    std::string joined;
    for (const auto& word : clause.words) {
      if (!has_word_character(word)) continue;
      if (!joined.empty()) joined += ' ';
      joined += word;
    }
    if (joined.empty()) continue;
    if (!expression.empty()) expression += " OR ";
    if (!clause.field.empty()) expression += clause.field + " : ";
    expression += fts5_string(joined);
    if (clause.kind == QueryClause::Kind::Prefix) expression += '*';
  }
  return expression;
}

constexpr const char* kCreateTable =
    "CREATE VIRTUAL TABLE fts USING fts5(id UNINDEXED, title, text, "
    "tokenize='unicode61 remove_diacritics 2')";

class SqliteBuilder final : public IndexBuilder {
 public:
  explicit SqliteBuilder(const std::filesystem::path& store)
      : connection_(store, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE),
        insert_(with_schema_in_transaction(connection_),
                "INSERT INTO fts(id, title, text) VALUES (?1, ?2, ?3)") {}

  void add(const CorpusDocument& doc) override {
    insert_.bind_text(1, doc.id);
    insert_.bind_text(2, doc.title);
    insert_.bind_text(3, doc.text);
    if (sqlite3_step(insert_.get()) != SQLITE_DONE) insert_.fail("insert " + doc.id);
    sqlite3_reset(insert_.get());
  }

  void finish() override { connection_.exec("COMMIT"); }

 private:
  // Every insert goes into one transaction: without it each row would be its own fsync'd commit.
  static Connection& with_schema_in_transaction(Connection& connection) {
    connection.exec(kCreateTable);
    connection.exec("BEGIN");
    return connection;
  }

  Connection connection_;
  Statement insert_;
};

class SqliteRunner final : public QueryRunner {
 public:
  explicit SqliteRunner(const std::filesystem::path& store)
      : connection_(store, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX),
        ranked_(connection_, "SELECT id, -rank FROM fts WHERE fts MATCH ?1 ORDER BY rank LIMIT ?2"),
        ranked_with_snippets_(connection_,
                              "SELECT id, -rank, snippet(fts, 2, '<b>', '</b>', '…', ?3) FROM fts "
                              "WHERE fts MATCH ?1 ORDER BY rank LIMIT ?2") {}

  void search(const BenchQuery& query, unsigned k, bool snippets,
              std::vector<RankedDoc>& out) override {
    const std::string expression = to_fts5_query(query.text);
    if (expression.empty()) return;
    Statement& statement = snippets ? ranked_with_snippets_ : ranked_;
    statement.bind_text(1, expression);
    sqlite3_bind_int(statement.get(), 2, static_cast<int>(k));
    if (snippets) sqlite3_bind_int(statement.get(), 3, static_cast<int>(kSnippetTokens));
    int status;
    while ((status = sqlite3_step(statement.get())) == SQLITE_ROW) {
      RankedDoc hit;
      hit.id.assign(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0)),
                    static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), 0)));
      hit.score = sqlite3_column_double(statement.get(), 1);
      if (snippets) {
        hit.snippet.assign(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 2)),
                           static_cast<std::size_t>(sqlite3_column_bytes(statement.get(), 2)));
      }
      out.push_back(std::move(hit));
    }
    sqlite3_reset(statement.get());
    if (status != SQLITE_DONE) statement.fail("query " + expression);
  }

 private:
  Connection connection_;
  Statement ranked_;
  Statement ranked_with_snippets_;
};

}  // namespace
}  // namespace kavosh::bench

int main(int argc, char** argv) {
  using namespace kavosh::bench;
  EngineDefinition engine;
  engine.name = "sqlite";
  engine.create_builder = [](const std::filesystem::path& store,
                             const std::string&) -> std::unique_ptr<IndexBuilder> {
    return std::make_unique<SqliteBuilder>(store);
  };
  engine.open_runner = [](const std::filesystem::path& store,
                          const std::string&) -> std::unique_ptr<QueryRunner> {
    return std::make_unique<SqliteRunner>(store);
  };
  return run_engine_main(argc, argv, engine);
}
