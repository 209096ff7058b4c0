// kavosh-serve's handlers over loopback: a Server in this process on a free port, spoken to
// with httplib's client. The index is the seed article (corpus/) plus a few generated
// articles, built through the indexer's API.
#include "kavosh/serve/server.hpp"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "kavosh/index/readers.hpp"
#include "kavosh/index/writer.hpp"
#include "test_support.hpp"  // tests/searcher: the indexer's listener

namespace fs = std::filesystem;
namespace ki = kavosh::index;
namespace kv = kavosh::serve;
using json = nlohmann::json;
using namespace std::chrono_literals;

namespace {

using kavosh::search::testing::kSeedArticle;
using kavosh::search::testing::kSourceDir;

ki::Article generated_article(const std::string& id, const std::string& words) {
  ki::Article article;
  article.id = id;
  article.title = "Generated " + id;
  article.language = "en";
  ki::Passage passage;
  passage.text = "A generated passage about " + words + " for the server tests.";
  article.passages.push_back(passage);
  return article;
}

// The seed article and twelve short articles that all mention "zanjir" (paging needs more
// than one page of hits).
fs::path build_index(const std::string& name) {
  const fs::path db =
      fs::temp_directory_path() / ("kavosh-server-test-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(db);
  ki::WriterOptions options;
  options.rebuild = true;
  ki::IndexWriter writer(db, options);
  kavosh::search::testing::WriterListener listener(writer);
  ki::read_file(kSourceDir / "corpus" / kSeedArticle, ki::Format::Auto, kSeedArticle, kSeedArticle,
                listener);
  for (int i = 1; i <= 12; ++i)
    writer.add(generated_article("gen" + std::to_string(i), "zanjir number " + std::to_string(i)));
  writer.commit();
  return db;
}

// A Server on a free loopback port, running on its own thread for one test.
class RunningServer {
 public:
  explicit RunningServer(kv::ServerOptions options) : server_(std::move(options)) {
    port_ = server_.bind();
    thread_ = std::thread([this] { server_.run(); });
  }
  ~RunningServer() { stop(); }
  void stop() {
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }
  int port() const { return port_; }
  httplib::Client client() const {
    httplib::Client client("127.0.0.1", port_);
    client.set_read_timeout(10, 0);
    return client;
  }

 private:
  kv::Server server_;
  int port_ = 0;
  std::thread thread_;
};

// A server of `db` on a free loopback port with `threads` search workers.
kv::ServerOptions on_loopback(const fs::path& db, unsigned threads = 2) {
  kv::ServerOptions options;
  options.database = db;
  options.port = 0;
  options.search_threads = threads;
  return options;
}

class ServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { db_ = new fs::path(build_index("api")); }
  static void TearDownTestSuite() {
    fs::remove_all(*db_);
    delete db_;
  }
  static kv::ServerOptions options() { return on_loopback(*db_); }
  void SetUp() override { server_ = std::make_unique<RunningServer>(options()); }

  httplib::Result get(const std::string& target) { return server_->client().Get(target.c_str()); }
  static json body_of(const httplib::Result& result) {
    EXPECT_TRUE(result) << "no response";
    if (!result) return json();
    EXPECT_EQ(result->get_header_value("Content-Type").rfind("application/json", 0), 0u)
        << result->status << " " << result->body;
    return json::parse(result->body);
  }
  // The response is a JSON error with this status whose message contains `words`.
  static void expect_error(const httplib::Result& result, int status, const std::string& words) {
    ASSERT_TRUE(result) << "no response";
    EXPECT_EQ(result->status, status) << result->body;
    const json body = body_of(result);
    ASSERT_TRUE(body.contains("error")) << result->body;
    EXPECT_NE(body["error"]["message"].get<std::string>().find(words), std::string::npos)
        << body.dump();
  }

  static fs::path* db_;
  std::unique_ptr<RunningServer> server_;
};
fs::path* ServerTest::db_ = nullptr;

std::vector<std::string> marked(const json& hit) {
  std::vector<std::string> out;
  const std::string snippet = hit["snippet"];
  for (const auto& range : hit["highlights"])
    out.push_back(snippet.substr(range[0].get<std::size_t>(),
                                 range[1].get<std::size_t>() - range[0].get<std::size_t>()));
  return out;
}

TEST_F(ServerTest, SearchAnswersWithTheCliJsonHitsAndMarks) {
  const auto result = get("/search?q=Rajavi&limit=3");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const json body = body_of(result);
  EXPECT_EQ(body["query"], "Rajavi");
  EXPECT_GE(body["total_estimate"].get<int>(), 1);
  EXPECT_TRUE(body["took_us"].is_number_unsigned());
  ASSERT_EQ(body["hits"].size(), 1u);  // one article: collapsed to its best passage
  const json& hit = body["hits"][0];
  for (const char* key : {"rank", "id", "article", "passage", "title", "section", "lang", "score",
                          "snippet", "highlights"})
    EXPECT_TRUE(hit.contains(key)) << key;
  EXPECT_EQ(hit["article"], kSeedArticle);
  EXPECT_EQ(hit["rank"], 1);
  const auto marks = marked(hit);
  EXPECT_NE(std::find(marks.begin(), marks.end(), "Rajavi"), marks.end());
}

TEST_F(ServerTest, PersianQueryMarksTheArabicScriptSpelling) {
  const json body = body_of(get("/search?q=" + httplib::detail::encode_query_param("مجاهدین")));
  ASSERT_FALSE(body["hits"].empty()) << body.dump();
  const auto marks = marked(body["hits"][0]);
  EXPECT_NE(std::find(marks.begin(), marks.end(), "مجاهدين"), marks.end()) << body.dump();
}

TEST_F(ServerTest, PagingPassagesLanguageAndModelChangeTheAnswer) {
  const json first = body_of(get("/search?q=zanjir&limit=5"));
  const json second = body_of(get("/search?q=zanjir&limit=5&offset=5"));
  ASSERT_EQ(first["hits"].size(), 5u);
  ASSERT_EQ(second["hits"].size(), 5u);
  EXPECT_EQ(second["hits"][0]["rank"], 6);
  EXPECT_NE(first["hits"][0]["id"], second["hits"][0]["id"]);

  const json passages = body_of(get("/search?q=Rajavi&passages=1&limit=5"));
  EXPECT_GT(passages["hits"].size(), 1u);  // the seed article's passages, not collapsed
  const json persian_only = body_of(get("/search?q=zanjir&lang=fa"));
  EXPECT_TRUE(persian_only["hits"].empty()) << persian_only.dump();
  const json lm = body_of(get("/search?q=zanjir&model=lm&limit=1"));
  const json bm25 = body_of(get("/search?q=zanjir&model=bm25&limit=1"));
  EXPECT_NE(lm["hits"][0]["score"], bm25["hits"][0]["score"]);
  const json explained = body_of(get("/search?q=zanjir&explain=1&limit=1"));
  EXPECT_TRUE(explained["hits"][0].contains("explain")) << explained.dump();
}

TEST_F(ServerTest, PostSearchTakesTheSameFieldsAsJson) {
  const auto result = server_->client().Post(
      "/search", R"({"q": "zanjir", "limit": 3, "offset": 3, "passages": true})",
      "application/json");
  const json body = body_of(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const json same = body_of(get("/search?q=zanjir&limit=3&offset=3&passages=1"));
  ASSERT_EQ(body["hits"].size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(body["hits"][i]["id"], same["hits"][i]["id"]);
  // curl -d without a Content-Type labels the JSON a form; it is read as JSON all the same.
  const auto as_form = server_->client().Post("/search", R"({"q": "zanjir", "limit": 2})",
                                              "application/x-www-form-urlencoded");
  EXPECT_EQ(body_of(as_form)["hits"].size(), 2u) << as_form->body;
}

TEST_F(ServerTest, DidYouMeanComesWithTheAnswer) {
  const json body = body_of(get("/search?q=Rajavii"));
  EXPECT_TRUE(body["hits"].empty());
  EXPECT_EQ(body.value("did_you_mean", ""), "rajavi") << body.dump();
}

TEST_F(ServerTest, MalformedQueryIs400WithItsPosition) {
  const auto result = get("/search?q=" + httplib::detail::encode_query_param("rajavi \"khalq"));
  expect_error(result, 400, "quote");
  EXPECT_EQ(body_of(result)["error"]["position"], 8);
  expect_error(get("/search?q=nosuchfield:x"), 400, "unknown field");
}

TEST_F(ServerTest, BadParametersAre400) {
  expect_error(get("/search?q=a&colour=red"), 400, "unknown parameter 'colour'");
  expect_error(get("/search?q=a&limit=0"), 400, "'limit' must be from 1 to 1000");
  expect_error(get("/search?q=a&limit=5000"), 400, "'limit' must be from 1 to 1000");
  expect_error(get("/search?q=a&limit=ten"), 400, "whole number");
  expect_error(get("/search?q=a&limit=-1"), 400, "whole number");
  expect_error(get("/search?q=a&offset=99999999999999999999"), 400, "whole number");
  expect_error(get("/search?q=a&q=b"), 400, "more than once");
  expect_error(get("/search?q=%FF%FE"), 400, "not valid UTF-8");
  expect_error(get("/search?q=%C0%AF"), 400, "not valid UTF-8");  // overlong '/'
  expect_error(get("/search?q=%20%20"), 400, "empty query");
  expect_error(get("/search"), 400, "empty query");
  expect_error(get("/search?q=a&lang=xx"), 400, "unknown language 'xx'");
  expect_error(get("/search?q=a&model=bm99"), 400, "unknown model");
  expect_error(get("/search?q=a&explain=maybe"), 400, "true or false");
  expect_error(get("/search?q=" + std::string(3000, 'a')), 400, "the limit is 2048");
  auto client = server_->client();
  expect_error(client.Post("/search", "{not json", "application/json"), 400, "not JSON");
  expect_error(client.Post("/search", "[1, 2]", "application/json"), 400, "JSON object");
  expect_error(client.Post("/search", R"({"q": 5})", "application/json"), 400, "'q' must be");
  expect_error(client.Post("/search", R"({"q": "a", "limit": "x"})", "application/json"), 400,
               "whole number");
  expect_error(client.Post("/search", "{\"q\": \"\xFF\"}", "application/json"), 400, "not JSON");
  // A number no double holds is nlohmann's out_of_range, not a parse_error.
  expect_error(client.Post("/search", R"({"q": "a", "limit": 1e999})", "application/json"), 400,
               "not JSON");
}

TEST_F(ServerTest, OversizedBodyIs413AndOversizedUrlIs414) {
  auto client = server_->client();
  const std::string big = R"({"q": ")" + std::string(2 << 20, 'a') + R"("})";
  expect_error(client.Post("/search", big, "application/json"), 413, "too large");
  expect_error(get("/search?q=" + std::string(9000, 'a')), 414, "longer than");
}

TEST_F(ServerTest, UnknownEndpointIsA404InJson) {
  expect_error(get("/nowhere"), 404, "no such endpoint");
}

TEST_F(ServerTest, AnalyzeListsTokensWithTermsAndStems) {
  const json body = body_of(
      get("/analyze?text=running+" + httplib::detail::encode_query_param("کتاب‌ها")));
  ASSERT_EQ(body["tokens"].size(), 2u) << body.dump();
  EXPECT_EQ(body["tokens"][0]["text"], "running");
  EXPECT_EQ(body["tokens"][0]["terms"], json({"running", "Zrun"}));
  EXPECT_EQ(body["tokens"][1]["script"], "arabic");
  EXPECT_EQ(body["language"], "en");
  expect_error(get("/analyze"), 400, "text=");
  expect_error(get("/analyze?text=a&lang=zz"), 400, "unknown language");
}

TEST_F(ServerTest, DocReturnsTheStoredPassage) {
  const json hit = body_of(get("/search?q=zanjir+number+7&limit=1"))["hits"][0];
  ASSERT_EQ(hit["article"], "gen7");
  const json doc = body_of(get("/doc/" + httplib::detail::encode_query_param(hit["id"])));
  EXPECT_EQ(doc["id"], "gen7#0");
  EXPECT_EQ(doc["title"], "Generated gen7");
  EXPECT_NE(doc["text"].get<std::string>().find("zanjir number 7"), std::string::npos);
  EXPECT_EQ(body_of(get("/doc/gen7"))["id"], "gen7#0");  // an article id: its first passage
  expect_error(get("/doc/nosuch%233"), 404, "no such passage");
}

TEST_F(ServerTest, StatsAndHealth) {
  const json stats = body_of(get("/stats"));
  EXPECT_EQ(stats["articles"], 13);
  EXPECT_GT(stats["passages"].get<int>(), 13);
  EXPECT_GT(stats["terms"].get<int>(), 100);
  EXPECT_EQ(stats["schema"], "3");
  EXPECT_TRUE(stats["revision"].is_number());
  EXPECT_EQ(stats["languages"]["en"].get<int>() + stats["languages"]["fa"].get<int>() +
                stats["languages"]["ar"].get<int>() + stats["languages"]["other"].get<int>(),
            stats["passages"].get<int>());
  EXPECT_EQ(body_of(get("/healthz"))["status"], "ok");
}

TEST_F(ServerTest, BatchAnswersTrecLinesOrJson) {
  auto client = server_->client();
  const auto trec = client.Post("/batch?limit=2&tag=run1", "q1\tzanjir\nq2\tRajavi\n",
                                "text/tab-separated-values");
  ASSERT_TRUE(trec);
  ASSERT_EQ(trec->status, 200) << trec->body;
  std::istringstream lines(trec->body);
  std::string line;
  std::vector<std::string> all;
  while (std::getline(lines, line)) all.push_back(line);
  ASSERT_EQ(all.size(), 3u) << trec->body;  // two for q1, one article for q2
  EXPECT_EQ(all[0].rfind("q1 Q0 gen", 0), 0u) << all[0];
  EXPECT_NE(all[0].find(" 1 "), std::string::npos);
  EXPECT_EQ(all[0].substr(all[0].size() - 5), " run1");
  EXPECT_EQ(all[2].rfind("q2 Q0 " + kSeedArticle + " 1 ", 0), 0u) << all[2];

  const auto answer =
      client.Post("/batch?format=json&limit=1",
                  R"({"queries": [{"id": "a", "q": "zanjir"}, {"id": 7, "q": "(Rajavi"}]})",
                  "application/json");
  const json body = body_of(answer);
  ASSERT_EQ(body["results"].size(), 2u) << body.dump();
  EXPECT_EQ(body["results"][0]["id"], "a");
  EXPECT_EQ(body["results"][0]["hits"].size(), 1u);
  EXPECT_EQ(body["results"][1]["id"], "7");
  EXPECT_TRUE(body["results"][1].contains("note"));  // "(Rajavi" runs as plain words
  EXPECT_EQ(body["results"][1]["hits"][0]["article"], kSeedArticle);

  // curl --data-binary labels any body a form; the body is still the topics.
  const auto as_form =
      client.Post("/batch?limit=1", "q1\tzanjir\n", "application/x-www-form-urlencoded");
  ASSERT_TRUE(as_form);
  EXPECT_EQ(as_form->status, 200) << as_form->body;
  EXPECT_EQ(as_form->body.rfind("q1 Q0 gen", 0), 0u) << as_form->body;

  expect_error(client.Post("/batch", "no tab here\n", "text/plain"), 400, "request body:1:");
  expect_error(client.Post("/batch?format=xml", "q1\ta\n", "text/plain"), 400, "unknown format");
  expect_error(client.Post("/batch", R"({"queries": [{"id": "x"}]})", "application/json"), 400,
               "needs \"q\"");
}

TEST_F(ServerTest, ThePageIsServedAndRendersHitsWithoutJavaScript) {
  const auto page = get("/");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  EXPECT_EQ(page->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page->body.find("<form id=\"search\""), std::string::npos);
  const auto rendered = get("/?q=Rajavi");
  ASSERT_TRUE(rendered);
  EXPECT_NE(rendered->body.find("<mark>Rajavi</mark>"), std::string::npos);
  EXPECT_NE(rendered->body.find("<p class=\"snippet\" dir=\"ltr\" lang=\"en\">"),
            std::string::npos);
  const auto bad = get("/?q=%22open");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("quote"), std::string::npos);
}

TEST(ServerLimits, ASearchPastItsDeadlineIs503AndTheNextOneIsAnswered) {
  const fs::path db = build_index("deadline");
  std::atomic<bool> slow = true;
  kv::ServerOptions options = on_loopback(db, 1);
  options.timeout = 100ms;
  options.before_search = [&slow] {
    if (slow) std::this_thread::sleep_for(300ms);
  };
  {
    RunningServer server(options);
    auto client = server.client();
    const auto late = client.Get("/search?q=Rajavi");
    ASSERT_TRUE(late);
    EXPECT_EQ(late->status, 503);
    EXPECT_NE(late->body.find("did not finish within 100 ms"), std::string::npos) << late->body;
    slow = false;
    std::this_thread::sleep_for(300ms);  // the abandoned search finishes on its worker
    const auto next = client.Get("/search?q=Rajavi");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->status, 200) << next->body;
  }
  fs::remove_all(db);
}

TEST(ServerLimits, ConnectionsPastTheLimitAre503) {
  const fs::path db = build_index("connections");
  kv::ServerOptions options = on_loopback(db);
  options.max_connections = 1;
  {
    RunningServer server(options);
    httplib::Client holder("127.0.0.1", server.port());
    holder.set_keep_alive(true);  // keeps the one connection thread busy
    const auto first = holder.Get("/healthz");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->status, 200);
    httplib::Client other("127.0.0.1", server.port());
    const auto rejected = other.Get("/healthz");
    ASSERT_TRUE(rejected);
    EXPECT_EQ(rejected->status, 503);
    EXPECT_NE(rejected->body.find("too many connections"), std::string::npos);
    holder.stop();
  }
  fs::remove_all(db);
}

TEST(ServerLifecycle, StopAnswersTheRequestInFlightAndTheLogNamesIt) {
  const fs::path db = build_index("stop");
  std::mutex log_mutex;
  std::vector<std::string> log;
  kv::ServerOptions options = on_loopback(db);
  options.before_search = [] { std::this_thread::sleep_for(300ms); };
  options.access_log = [&](const std::string& line) {
    std::lock_guard lock(log_mutex);
    log.push_back(line);
  };
  {
    RunningServer server(options);
    int status = 0;
    std::thread client([&] {
      const auto answer = server.client().Get("/search?q=Rajavi");
      if (answer) status = answer->status;
    });
    std::this_thread::sleep_for(100ms);
    server.stop();
    client.join();
    EXPECT_EQ(status, 200);
  }
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].rfind("GET /search 200 ", 0), 0u) << log[0];
  EXPECT_EQ(log[0].substr(log[0].size() - 3), "µs") << log[0];
  fs::remove_all(db);
}

TEST(ServerLifecycle, AMissingDatabaseFailsBeforeListening) {
  kv::ServerOptions options;
  options.database = "/nonexistent/kavosh-db";
  try {
    kv::Server server(options);
    FAIL() << "opened a missing database";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/kavosh-db"), std::string::npos);
  }
}

// Searches keep being answered while an indexer commits beside the server, and what it
// commits is found without a restart.
TEST(ServerConcurrency, SearchesDuringIndexingNeverFailAndSeeNewRevisions) {
  const fs::path db = build_index("indexing");
  kv::ServerOptions options = on_loopback(db);
  options.revision_check_interval = 50ms;
  RunningServer server(options);

  std::atomic<bool> indexing = true;
  std::atomic<int> answered = 0, failed = 0;
  std::mutex failure_mutex;
  std::string first_failure;
  std::vector<std::thread> clients;
  for (int c = 0; c < 3; ++c) {
    clients.emplace_back([&, c] {
      auto client = server.client();
      const char* queries[] = {"zanjir", "Rajavi", "khalq mojahedin", "fresh*"};
      for (int i = 0; indexing; ++i) {
        const auto result = client.Get(std::string("/search?q=") + queries[(i + c) % 4]);
        if (result && result->status == 200) {
          ++answered;
        } else {
          ++failed;
          std::lock_guard lock(failure_mutex);
          if (first_failure.empty())
            first_failure = result ? result->body : httplib::to_string(result.error());
        }
      }
    });
  }
  {
    ki::IndexWriter writer(db);
    for (int i = 1; i <= 20; ++i) {
      writer.add(generated_article("fresh" + std::to_string(i), "freshword" + std::to_string(i)));
      writer.commit();
      // Xapian keeps a reader's revision until two newer commits replace it; a search retries
      // on the fresh one. Under AddressSanitizer searches are several times slower, so commits
      // are spaced for it as a busy indexer's are.
#if defined(__SANITIZE_ADDRESS__)
      std::this_thread::sleep_for(250ms);
#else
      std::this_thread::sleep_for(20ms);
#endif
    }
  }
  std::this_thread::sleep_for(200ms);  // past a revision check of every worker
  indexing = false;
  for (auto& client : clients) client.join();
  EXPECT_EQ(failed, 0) << first_failure;
  EXPECT_GT(answered, 20);

  auto client = server.client();
  for (int round = 0; round < 4; ++round) {  // each worker sees the last commit
    const auto result = client.Get("/search?q=freshword20");
    ASSERT_TRUE(result);
    const json body = json::parse(result->body);
    ASSERT_EQ(body["hits"].size(), 1u) << body.dump();
    EXPECT_EQ(body["hits"][0]["article"], "fresh20");
  }
  server.stop();
  fs::remove_all(db);
}

// An index rebuilt with another stemmer beside the running server: /analyze shows the terms
// the index now makes, and /stats counts the rebuilt index, on every worker.
TEST(ServerConcurrency, AnalyzeAndStatsFollowAnIndexRebuiltWithAnotherStemmer) {
  const fs::path db = build_index("rebuilt");
  kv::ServerOptions options = on_loopback(db);
  options.revision_check_interval = 50ms;
  RunningServer server(options);
  auto client = server.client();
  const auto get_json = [&](const std::string& path) {
    const auto result = client.Get(path);
    EXPECT_TRUE(result && result->status == 200) << path << (result ? result->body : "");
    return result ? json::parse(result->body) : json();
  };
  for (int round = 0; round < 4; ++round)
    EXPECT_EQ(get_json("/analyze?text=running")["tokens"][0]["terms"], json({"running", "Zrun"}));
  {
    ki::WriterOptions rebuild;
    rebuild.rebuild = true;
    rebuild.analyzer.english_stemmer = kavosh::analysis::EnglishStemmer::None;
    ki::IndexWriter writer(db, rebuild);
    for (int i = 1; i <= 3; ++i)
      writer.add(generated_article("again" + std::to_string(i), "running words"));
    writer.commit();
  }
  std::this_thread::sleep_for(200ms);        // past a revision check of every worker
  for (int round = 0; round < 4; ++round) {  // both workers
    EXPECT_EQ(get_json("/analyze?text=running")["tokens"][0]["terms"], json({"running"}));
    EXPECT_EQ(get_json("/stats")["articles"], 3);
  }
  server.stop();
  fs::remove_all(db);
}

// kavosh-index --rebuild of an index writes the new one beside it: searches meanwhile are
// answered from the old index, commits of the rebuild or not, and from the new one once the
// rebuild has closed.
TEST(ServerConcurrency, SearchesDuringARebuildAreAnsweredFromTheOldIndexUntilItCloses) {
  const fs::path db = build_index("rebuilding");
  kv::ServerOptions options = on_loopback(db, 1);
  RunningServer server(options);
  auto client = server.client();
  const auto hits_for = [&](const std::string& word) {
    const auto result = client.Get("/search?q=" + word);
    EXPECT_TRUE(result && result->status == 200) << (result ? result->body : "no answer");
    return result && result->status == 200 ? json::parse(result->body)["hits"] : json::array();
  };
  ASSERT_EQ(hits_for("zanjir").size(), 10u);
  {
    ki::WriterOptions rebuild;
    rebuild.rebuild = true;
    ki::IndexWriter writer(db, rebuild);
    for (int batch = 0; batch < 3; ++batch) {
      writer.add(generated_article("anew" + std::to_string(batch), "rebuiltword"));
      writer.commit();
      EXPECT_EQ(hits_for("zanjir").size(), 10u);
      EXPECT_TRUE(hits_for("rebuiltword").empty());
    }
    writer.close();
  }
  EXPECT_EQ(hits_for("rebuiltword").size(), 3u);
  EXPECT_TRUE(hits_for("zanjir").empty());
  server.stop();
  fs::remove_all(db);
}

// An index being created (a first run that has not committed yet, in the place of one that
// was removed) is a 503, try again, not a server error; then answered.
TEST(ServerConcurrency, AnIndexBeingCreatedIsA503UntilItsFirstCommit) {
  const fs::path db = build_index("creating");
  kv::ServerOptions options = on_loopback(db, 1);
  RunningServer server(options);
  auto client = server.client();
  ASSERT_EQ(client.Get("/search?q=zanjir")->status, 200);
  fs::remove_all(db);
  {
    ki::IndexWriter writer(db);
    writer.add(generated_article("anew", "rebuiltword"));
    const auto during = client.Get("/search?q=zanjir");
    ASSERT_TRUE(during);
    EXPECT_EQ(during->status, 503) << during->body;
    EXPECT_NE(during->body.find("being created"), std::string::npos) << during->body;
    writer.close();
  }
  const auto after = client.Get("/search?q=rebuiltword");
  ASSERT_TRUE(after);
  ASSERT_EQ(after->status, 200) << after->body;
  EXPECT_EQ(json::parse(after->body)["hits"][0]["article"], "anew");
  server.stop();
  fs::remove_all(db);
}

}  // namespace
