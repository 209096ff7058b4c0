// kavosh-serve's routes: request fields -> SearchRequest -> a search worker -> JSON through
// the searcher's own writers (output.hpp). Every error the client can cause is a 4xx with a
// JSON body {"error":{"message", ...}}; a 500 means a fault of the server or its index.
#include "kavosh/serve/server.hpp"

#include <httplib.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "connection_pool.hpp"
#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/search/evaluation.hpp"
#include "kavosh/search/output.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/search/searcher.hpp"
#include "kavosh/text/utf8.hpp"
#include "kavosh/xapian/errors.hpp"
#include "page.hpp"
#include "search_pool.hpp"

namespace kavosh::serve {

namespace schema = kavosh::index::schema;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// A request the client got wrong (or a limit it ran into): answered with `status` and a JSON
// error; `position` is the 1-based character of a malformed query.
struct HttpError : std::runtime_error {
  HttpError(int status, const std::string& message, std::optional<unsigned> position = {})
      : std::runtime_error(message), status(status), position(position) {}
  int status;
  std::optional<unsigned> position;
};

// JSON text of a value; invalid UTF-8 (only ever from the index, requests are checked) is
// replaced rather than failing the response.
std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

void send_json(httplib::Response& res, int status, const std::string& body) {
  res.status = status;
  res.set_content(body, "application/json; charset=utf-8");
}

void send_error(httplib::Response& res, int status, const std::string& message,
                std::optional<unsigned> position = {}) {
  json error = {{"message", message}};
  if (position) error["position"] = *position;
  send_json(res, status, dump(json{{"error", error}}));
}

// The fields of a request, from the query string (GET) or a JSON object (POST), checked
// against the names an endpoint knows. Values keep their JSON type; query-string values are
// strings, which the typed readers below accept too.
// The parameters of the URL's query string alone: httplib adds the fields of a form-encoded
// body to Request::params too, and curl -d / --data-binary sends any body (a /batch TSV, a
// JSON /search) as a form unless told otherwise.
httplib::Params url_parameters(const httplib::Request& req) {
  httplib::Params params;
  if (const auto mark = req.target.find('?'); mark != std::string::npos)
    httplib::detail::parse_query_text(req.target.substr(mark + 1), params);
  return params;
}

class Fields {
 public:
  static Fields from_query_string(const httplib::Request& req,
                                  const std::set<std::string_view>& known) {
    Fields fields;
    for (const auto& [name, value] : url_parameters(req)) {
      check_name(name, known);
      if (fields.values_.contains(name))
        throw HttpError(400, "parameter '" + name + "' given more than once");
      if (!text::is_well_formed_utf8(value))
        throw HttpError(400, "parameter '" + name + "' is not valid UTF-8");
      fields.values_[name] = value;
    }
    return fields;
  }
  static Fields from_json_body(const httplib::Request& req,
                               const std::set<std::string_view>& known) {
    json body;
    try {
      body = json::parse(req.body);
    } catch (const json::exception& e) {  // a parse error, or a number no double holds
      throw HttpError(400, std::string("request body is not JSON: ") + e.what());
    }
    if (!body.is_object()) throw HttpError(400, "request body must be a JSON object");
    Fields fields;
    for (auto& [name, value] : body.items()) {
      check_name(name, known);
      fields.values_[name] = value;
    }
    return fields;
  }

  bool has(const std::string& name) const { return values_.contains(name); }

  std::string text(const std::string& name, const std::string& fallback = {}) const {
    const auto found = values_.find(name);
    if (found == values_.end()) return fallback;
    if (!found->second.is_string()) throw HttpError(400, "'" + name + "' must be a string");
    return found->second.get<std::string>();
  }

  unsigned number(const std::string& name, unsigned fallback, unsigned low, unsigned high) const {
    const auto found = values_.find(name);
    if (found == values_.end()) return fallback;
    const auto range = std::to_string(low) + " to " + std::to_string(high);
    std::uint64_t value = 0;
    if (found->second.is_number_unsigned()) {
      value = found->second.get<std::uint64_t>();
    } else if (found->second.is_string()) {
      const std::string& digits = found->second.get_ref<const std::string&>();
      const auto [end, error] =
          std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (digits.empty() || error != std::errc() || end != digits.data() + digits.size())
        throw HttpError(
            400, "'" + name + "' must be a whole number from " + range + ", got '" + digits + "'");
    } else {
      throw HttpError(400, "'" + name + "' must be a whole number from " + range);
    }
    if (value < low || value > high)
      throw HttpError(400,
                      "'" + name + "' must be from " + range + ", got " + std::to_string(value));
    return static_cast<unsigned>(value);
  }

  bool flag(const std::string& name) const {
    const auto found = values_.find(name);
    if (found == values_.end()) return false;
    if (found->second.is_boolean()) return found->second.get<bool>();
    if (found->second.is_string()) {
      const std::string& value = found->second.get_ref<const std::string&>();
      if (value == "1" || value == "true" || value == "on" || value.empty()) return true;
      if (value == "0" || value == "false" || value == "off") return false;
    }
    throw HttpError(400, "'" + name + "' must be true or false (1 or 0)");
  }

 private:
  static void check_name(const std::string& name, const std::set<std::string_view>& known) {
    if (known.contains(name)) return;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    throw HttpError(400, "unknown parameter '" + name + "' (known: " + list + ")");
  }
  std::map<std::string, json> values_;
};

const std::set<std::string_view> kSearchFields = {"q",    "limit", "offset", "passages",
                                                  "lang", "model", "explain"};
const std::set<std::string_view> kBatchFields = {"format", "limit", "passages",
                                                 "lang",   "model", "tag"};
const std::set<std::string_view> kModels = {"bm25", "bm25+", "lm", "pl2", "dph", "tfidf"};

std::string microseconds_since(Clock::time_point start) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count());
}

// Control characters of a logged path would forge log lines; they are shown as \xNN.
std::string printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02X", byte);
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

thread_local std::optional<Clock::time_point> request_started;

// Requests one keep-alive connection may make before the server closes it (it holds a
// connection thread meanwhile; idle, for httplib's keep-alive timeout of 5 s).
constexpr std::size_t kKeepAliveRequests = 1000;

// An id as one URL path segment ('#', '/' and every byte outside the unreserved set escaped).
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xF]);
    }
  }
  return out;
}

}  // namespace

struct Server::Impl {
  ServerOptions options;
  std::atomic<bool> stop_requested = false;
  std::atomic<bool> in_run = false;
  // Last, in this order: destroyed first, the HTTP side stops taking requests, then the
  // workers finish their queued jobs, which may still use the members above.
  SearchPool pool;
  httplib::Server http;

  explicit Impl(ServerOptions o)
      : options(std::move(o)),
        pool(options.database,
             options.search_threads ? options.search_threads
                                    : std::max(1u, std::thread::hardware_concurrency()),
             options.revision_check_interval, options.before_search) {
    routes();
  }

  Clock::time_point deadline() const { return Clock::now() + options.timeout; }

  // Runs `work` on a search worker within the request deadline, or throws the 503; an index
  // that cannot be searched for now (being created or rebuilt, or missing) is a 503 too.
  void on_worker(SearchPool::Work work) {
    bool finished = false;
    try {
      finished = pool.run(std::move(work), deadline());
    } catch (const search::IndexUnavailable& e) {
      throw HttpError(503, e.what());
    }
    if (!finished)
      throw HttpError(503, "the request did not finish within " +
                               std::to_string(options.timeout.count()) +
                               " ms (kavosh-serve --timeout-ms)");
  }

  search::SearchRequest search_request(const Fields& fields) const {
    search::SearchRequest request;
    request.query = fields.text("q");
    if (request.query.find_first_not_of(" \t\r\n") == std::string::npos)
      throw HttpError(400, "empty query: give q");
    if (request.query.size() > options.max_query_bytes)
      throw HttpError(400, "query of " + std::to_string(request.query.size()) +
                               " bytes; the limit is " + std::to_string(options.max_query_bytes) +
                               " (kavosh-serve --max-query-bytes)");
    request.limit = fields.number("limit", 10, 1, options.max_limit);
    request.offset = fields.number("offset", 0, 0, options.max_offset);
    read_shared_fields(fields, request);
    request.explain = fields.flag("explain");
    return request;
  }

  // Fields /search and /batch share.
  static void read_shared_fields(const Fields& fields, search::SearchRequest& request) {
    request.collapse = !fields.flag("passages");
    request.language = fields.text("lang");
    if (!request.language.empty() && !analysis::parse_language_code(request.language))
      throw HttpError(400, "unknown language '" + request.language + "' (en, fa, ar, other)");
    request.model = fields.text("model", "bm25");
    if (!kModels.contains(request.model))
      throw HttpError(400,
                      "unknown model '" + request.model + "' (bm25, bm25+, lm, pl2, dph, tfidf)");
  }

  void search(const search::SearchRequest& request, httplib::Response& res) {
    auto body = std::make_shared<std::string>();
    on_worker([request, body](IndexHandles& index) {
      const auto started = Clock::now();
      search::SearchResults results;
      try {
        results = index.searcher.search(request);
      } catch (const search::QueryError& e) {
        throw HttpError(400, e.what(), e.position());
      } catch (const std::invalid_argument& e) {
        throw HttpError(400, e.what());  // a parameter the index cannot honour (lm, remote)
      }
      const bool exact = results.matches_lower_bound == results.matches_upper_bound;
      json head = {{"query", request.query}, {"total_estimate", results.estimated_matches},
                   {"total_exact", exact},   {"offset", request.offset},
                   {"limit", request.limit}, {"took_us", 0}};
      if (!results.did_you_mean.empty()) head["did_you_mean"] = results.did_you_mean;
      std::string hits;
      for (const auto& hit : results.hits) {
        if (!hits.empty()) hits.push_back(',');
        hits += search::format_json(hit);
      }
      head["took_us"] = std::stoll(microseconds_since(started));
      std::string text = dump(head);
      text.pop_back();  // the object's '}': the hits follow, written by output.hpp
      *body = text + ",\"hits\":[" + hits + "]}";
    });
    send_json(res, 200, *body);
  }

  void batch(const httplib::Request& req, httplib::Response& res) {
    const Fields fields = Fields::from_query_string(req, kBatchFields);
    const std::string format = fields.text("format", "trec");
    if (format != "trec" && format != "json")
      throw HttpError(400, "unknown format '" + format + "' (trec, json)");
    search::SearchRequest request;
    request.limit = fields.number("limit", options.max_limit, 1, options.max_limit);
    read_shared_fields(fields, request);
    const std::string tag = fields.text("tag", "kavosh");
    const bool trec = format == "trec";
    request.snippets = !trec;
    request.hit_details = !trec;
    request.spelling = false;
    request.malformed_as_plain_words = true;  // topics are natural language, as with --queries

    if (!text::is_well_formed_utf8(req.body))
      throw HttpError(400, "request body is not valid UTF-8");
    std::vector<search::Topic> topics;
    if (req.get_header_value("Content-Type").starts_with("application/json")) {
      topics = json_topics(req.body);
    } else {
      std::istringstream in(req.body);
      try {
        topics = search::parse_topics(in, "request body");
      } catch (const std::exception& e) {
        throw HttpError(400, e.what());
      }
    }
    if (topics.size() > options.max_batch_queries)
      throw HttpError(413, std::to_string(topics.size()) + " queries; the limit is " +
                               std::to_string(options.max_batch_queries) +
                               " (kavosh-serve --max-batch)");
    const auto docid = request.collapse ? search::TrecDocid::Article : search::TrecDocid::Passage;
    std::string out;
    for (const auto& topic : topics) {
      request.query = topic.query;
      auto lines = std::make_shared<std::string>();
      on_worker([request, topic, trec, tag, docid, lines](IndexHandles& index) {
        search::SearchResults results;
        json entry = {{"id", topic.id}, {"query", topic.query}};
        try {
          results = index.searcher.search(request);
        } catch (const search::QueryError& e) {
          entry["error"] = e.what();  // nothing searchable even as plain words
        }
        if (trec) {
          for (const auto& hit : results.hits)
            *lines += search::format_trec(topic.id, hit, tag, docid) + "\n";
          return;
        }
        if (!results.parse_fallback.empty())
          entry["note"] = results.parse_fallback + "; run as plain words";
        std::string hits;
        for (const auto& hit : results.hits) {
          if (!hits.empty()) hits.push_back(',');
          hits += search::format_json(hit);
        }
        std::string text = dump(entry);
        text.pop_back();
        text += ",\"hits\":[";
        text += hits;
        text += "]}";
        *lines = std::move(text);
      });
      if (trec) {
        out += *lines;
      } else {
        out += (out.empty() ? "" : ",") + *lines;
      }
    }
    if (trec)
      res.set_content(out, "text/plain; charset=utf-8");
    else
      send_json(res, 200, "{\"results\":[" + out + "]}");
  }

  static std::vector<search::Topic> json_topics(const std::string& body) {
    json parsed;
    try {
      parsed = json::parse(body);
    } catch (const json::exception& e) {  // a parse error, or a number no double holds
      throw HttpError(400, std::string("request body is not JSON: ") + e.what());
    }
    const json* list = &parsed;
    if (parsed.is_object() && parsed.contains("queries")) list = &parsed["queries"];
    if (!list->is_array())
      throw HttpError(400,
                      "a JSON batch is [{\"id\":..., \"q\":...}, ...] or {\"queries\": [...]}");
    std::vector<search::Topic> topics;
    for (const auto& item : *list) {
      const auto where = "query " + std::to_string(topics.size() + 1);
      if (!item.is_object() || !item.contains("q") || !item["q"].is_string())
        throw HttpError(400, where + ": needs \"q\" (a string)");
      std::string id = std::to_string(topics.size() + 1);
      if (item.contains("id")) {
        if (item["id"].is_string())
          id = item["id"].get<std::string>();
        else if (item["id"].is_number_integer())
          id = std::to_string(item["id"].get<long long>());
        else
          throw HttpError(400, where + ": \"id\" must be a string or a number");
      }
      topics.push_back({id, item["q"].get<std::string>()});
    }
    return topics;
  }

  void analyze(const httplib::Request& req, httplib::Response& res) {
    const Fields fields = Fields::from_query_string(req, {"text", "lang"});
    const std::string text = fields.text("text");
    if (text.empty()) throw HttpError(400, "give the text to analyze: text=");
    if (text.size() > options.max_query_bytes)
      throw HttpError(400, "text of " + std::to_string(text.size()) + " bytes; the limit is " +
                               std::to_string(options.max_query_bytes) +
                               " (kavosh-serve --max-query-bytes)");
    analysis::Language language = analysis::Analyzer::detect_language(text);
    if (fields.has("lang")) {
      const auto parsed = analysis::parse_language_code(fields.text("lang"));
      if (!parsed)
        throw HttpError(400, "unknown language '" + fields.text("lang") + "' (en, fa, ar, other)");
      language = *parsed;
    }
    // On a worker, by its Searcher: the analysis the index records now (a rebuild may change
    // its stemmer).
    auto body = std::make_shared<std::string>();
    on_worker([text, language, body](IndexHandles& index) {
      std::string tokens;
      for (const auto& token : index.searcher.analyze(text, language)) {
        if (!tokens.empty()) tokens.push_back(',');
        tokens += search::format_token_json(text, token);
      }
      *body = "{\"language\":" + dump(std::string(analysis::language_code(language))) +
              ",\"tokens\":[" + tokens + "]}";
    });
    send_json(res, 200, *body);
  }

  void document(const std::string& id, httplib::Response& res) {
    if (!text::is_well_formed_utf8(id)) throw HttpError(400, "the id is not valid UTF-8");
    auto body = std::make_shared<std::string>();
    on_worker([id, body](IndexHandles& index) {
      // A passage id (article#n), or an article id meaning its first passage; read through the
      // Searcher, which holds the index's record dictionaries.
      const std::optional<index::StoredPassage> stored = index.searcher.stored_passage(id);
      if (!stored) throw HttpError(404, "no such passage or article: " + id);
      const index::StoredPassage& passage = *stored;
      json fields = json::array();
      for (const auto& [name, value] : passage.fields)
        fields.push_back({{"name", name}, {"value", value}});
      *body = dump({{"id", schema::passage_id(passage.article, passage.passage)},
                    {"article", passage.article},
                    {"passage", passage.passage},
                    {"title", passage.title},
                    {"section", passage.section},
                    {"lang", passage.lang},
                    {"source", passage.source},
                    {"date", passage.date},
                    {"fields", fields},
                    {"text", passage.text}});
    });
    send_json(res, 200, *body);
  }

  void stats(httplib::Response& res) {
    auto body = std::make_shared<std::string>();
    on_worker([this, body](IndexHandles& index) {
      const search::IndexSummary summary = index.searcher.summary();
      json languages = json::object();
      for (const auto& [code, passages] : summary.languages) languages[code] = passages;
      *body = dump({{"passages", summary.passages},
                    {"articles", summary.articles ? json(*summary.articles) : json(nullptr)},
                    {"average_length", summary.average_length},
                    {"total_length", summary.total_length},
                    {"terms", summary.distinct_terms},
                    {"schema", summary.schema},
                    {"revision", summary.revision ? json(*summary.revision) : json(nullptr)},
                    {"languages", languages},
                    {"search_threads", pool.threads()}});
    });
    send_json(res, 200, *body);
  }

  // The search page; with q (a form sent without JavaScript, or a shared link) its first
  // hits are rendered here, so the page reads without JavaScript too. The script renders
  // them again, with paging, from /search.
  void page(const httplib::Request& req, httplib::Response& res) {
    std::string hits = "<ol id=\"hits\"></ol>";
    int status = 200;
    if (!url_parameters(req).empty()) {
      try {
        search::SearchRequest request =
            search_request(Fields::from_query_string(req, kSearchFields));
        auto results = std::make_shared<search::SearchResults>();
        on_worker([request, results](IndexHandles& index) {
          try {
            *results = index.searcher.search(request);
          } catch (const search::QueryError& e) {
            throw HttpError(400, e.what(), e.position());
          }
        });
        hits = hits_html(request, *results);
      } catch (const HttpError& e) {
        status = e.status;
        hits =
            "<ol id=\"hits\"></ol><p class=\"server-rendered\">" + escape_html(e.what()) + "</p>";
      }
    }
    std::string html(search_page_html());
    const std::string placeholder = "<!--server-rendered-hits-->";
    html.replace(html.find(placeholder), placeholder.size(), hits);
    res.status = status;
    res.set_content(html, "text/html; charset=utf-8");
  }

  static std::string escape_html(std::string_view text) {
    std::string out;
    for (char c : text) {
      switch (c) {
        case '&':
          out += "&amp;";
          break;
        case '<':
          out += "&lt;";
          break;
        case '>':
          out += "&gt;";
          break;
        case '"':
          out += "&quot;";
          break;
        default:
          out.push_back(c);
      }
    }
    return out;
  }

  // The markup the page's script writes (renderHit), from the same hits.
  static std::string hits_html(const search::SearchRequest& request,
                               const search::SearchResults& results) {
    std::string html = "<ol id=\"hits\" start=\"" + std::to_string(request.offset + 1) + "\">";
    for (const auto& hit : results.hits) {
      char score[32];
      std::snprintf(score, sizeof score, "%.3f", hit.score);
      html += "<li class=\"hit\"><a class=\"title\" dir=\"auto\" href=\"/doc/" +
              escape_html(percent_encode(hit.id)) + "\">" +
              escape_html(hit.title.empty() ? hit.article : hit.title) + "</a>";
      html += "<div class=\"meta\"><span dir=\"auto\">" +
              escape_html(hit.section.empty() ? "" : hit.section + " · ") + "</span>score " +
              score + " · " + escape_html(hit.lang) + " · #" + std::to_string(hit.rank) + "</div>";
      // As the script's directionOf: by the passage's language, else by its text.
      const char* direction = hit.lang == "fa" || hit.lang == "ar" ? "rtl"
                              : hit.lang == "en"                   ? "ltr"
                                                                   : "auto";
      html += "<p class=\"snippet\" dir=\"" + std::string(direction) + "\" lang=\"" +
              escape_html(hit.lang) + "\">";
      std::size_t at = 0;
      for (const auto& mark : hit.highlights) {
        html +=
            escape_html(std::string_view(hit.snippet).substr(at, mark.begin - at)) + "<mark>" +
            escape_html(std::string_view(hit.snippet).substr(mark.begin, mark.end - mark.begin)) +
            "</mark>";
        at = mark.end;
      }
      html += escape_html(std::string_view(hit.snippet).substr(at)) + "</p></li>";
    }
    html += "</ol>";
    if (results.hits.empty()) html += "<p class=\"server-rendered\">No matches.</p>";
    return html;
  }

  // Wraps a route: HttpError -> its status; anything else escaping is the server's fault.
  template <typename Route>
  httplib::Server::Handler guarded(Route route) {
    return [route](const httplib::Request& req, httplib::Response& res) {
      try {
        route(req, res);
      } catch (const HttpError& e) {
        send_error(res, e.status, e.what(), e.position);
      } catch (const index::CorruptStoredPassage& e) {
        send_error(res, 500, std::string("damaged index record: ") + e.what());
      } catch (const Xapian::Error& e) {
        send_error(res, 500, xapian_error_message(e, "index error"));
      }
    };
  }

  void routes() {
    http.set_payload_max_length(options.max_body_bytes);
    // httplib writes a response's headers and body in two writes; with Nagle's algorithm on,
    // the body waited for the client's delayed ACK: every answer took 40+ ms more on
    // loopback (bench/serve-load, p50 43 ms for a 0.3 ms search).
    http.set_tcp_nodelay(true);
    // httplib closes a keep-alive connection after 5 requests by default; a client that
    // reconnects every 5 requests pays a TCP handshake and a thread hand-over each time.
    http.set_keep_alive_max_count(kKeepAliveRequests);
    http.new_task_queue = [this] { return new ConnectionPool(options.max_connections); };
    http.set_pre_routing_handler([](const httplib::Request&, httplib::Response& res) {
      request_started = Clock::now();
      if (!ConnectionPool::rejecting_this_connection())
        return httplib::Server::HandlerResponse::Unhandled;
      send_error(res, 503, "too many connections (kavosh-serve --max-connections)");
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    });
    http.set_error_handler(
        httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
          if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
          std::string message =
              "the request could not be read (HTTP " + std::to_string(res.status) + ")";
          if (res.status == 404) message = "no such endpoint (see server/README.md)";
          if (res.status == 413) message = "request body too large (kavosh-serve --max-body-bytes)";
          if (res.status == 414) message = "request URL longer than 8192 bytes";
          send_error(res, res.status, message);
          return httplib::Server::HandlerResponse::Handled;
        }));
    http.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, const std::exception_ptr& error) {
          std::string message = "internal error";
          try {
            std::rethrow_exception(error);
          } catch (const std::exception& e) {
            message += std::string(": ") + e.what();
          } catch (...) {
          }
          send_error(res, 500, message);
        });
    http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      if (!options.access_log) return;
      const std::string took =
          request_started ? microseconds_since(*request_started) + "µs" : std::string("-");
      request_started.reset();
      // A request line that could not be read (414) has no method or path.
      options.access_log((req.method.empty() ? "-" : req.method) + " " +
                         (req.path.empty() ? "-" : printable(req.path)) + " " +
                         std::to_string(res.status) + " " + took);
    });

    http.Get("/", [this](const httplib::Request& req, httplib::Response& res) { page(req, res); });
    http.Get("/healthz", guarded([](const httplib::Request&, httplib::Response& res) {
               send_json(res, 200, R"({"status":"ok"})");
             }));
    http.Get("/search", guarded([this](const httplib::Request& req, httplib::Response& res) {
               search(search_request(Fields::from_query_string(req, kSearchFields)), res);
             }));
    http.Post("/search", guarded([this](const httplib::Request& req, httplib::Response& res) {
                if (!url_parameters(req).empty())
                  throw HttpError(400,
                                  "POST /search takes its fields as a JSON object in the body");
                search(search_request(Fields::from_json_body(req, kSearchFields)), res);
              }));
    http.Post("/batch", guarded([this](const httplib::Request& req, httplib::Response& res) {
                batch(req, res);
              }));
    http.Get("/analyze", guarded([this](const httplib::Request& req, httplib::Response& res) {
               analyze(req, res);
             }));
    http.Get("/doc/(.+)", guarded([this](const httplib::Request& req, httplib::Response& res) {
               if (!url_parameters(req).empty())
                 throw HttpError(400, "/doc/ID takes no parameters");
               document(req.matches[1].str(), res);
             }));
    http.Get("/stats", guarded([this](const httplib::Request& req, httplib::Response& res) {
               if (!url_parameters(req).empty()) throw HttpError(400, "/stats takes no parameters");
               stats(res);
             }));
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() { stop(); }

int Server::bind() {
  const auto& o = impl_->options;
  if (o.port == 0) {
    const int port = impl_->http.bind_to_any_port(o.host);
    if (port <= 0) throw std::runtime_error("cannot listen on " + o.host + " (any port)");
    return port;
  }
  if (!impl_->http.bind_to_port(o.host, o.port))
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) +
                             " (in use, or not an address of this machine)");
  return o.port;
}

void Server::run() {
  impl_->in_run = true;
  if (!impl_->stop_requested) impl_->http.listen_after_bind();
  impl_->in_run = false;
}

// httplib's stop() does nothing before its listening loop has started: a stop that comes
// while run() is on its way there waits for the loop, so no signal is lost.
void Server::stop() {
  impl_->stop_requested = true;
  while (impl_->in_run && !impl_->http.is_running())
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
}

}  // namespace kavosh::serve
