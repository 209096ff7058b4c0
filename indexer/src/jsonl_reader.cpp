// JSONL: one JSON object per line.
// Mapping (first key present wins):
//   id    <- "id", "_id", "docid", "doc_id" (string or integer); when absent, the id is
//            "<file name>:" + 16 hex digits of the FNV-1a hash of the text (of the whole line
//            when there is no text), so repeated passages (question-answering sets list one
//            passage per question) index once;
//   title <- "title";  text <- "text", "passage", "contents", "content", "body", "context"
//            (a string, or an array of strings: paragraphs);
//   lang  <- "lang", "language" (en/fa/ar; otherwise detected);  date <- "date";
//   every other key whose value is a string, number or boolean, or an array of them, becomes
//   an article-level field searchable as `key:` (an array gives one value per element);
//   objects and nulls are ignored; question/answer keys ("question", "answers", ...) are left
//   out, as they describe queries about the text rather than the text.
// A record without text is still a document when it has a title or a field (deliver_article).
// A file that starts with "[" is one JSON array of records instead (read_json_array).
// Malformed lines, non-objects, and objects with nothing to index are warnings; the line is
// skipped. Two departures real exports make are read with a warning instead (lenient_json.hpp):
// lone surrogate escapes (as U+FFFD) and bare NaN/Infinity (as null).
// Size: a line of any length is read in bounded memory (JsonlLineCutter): a top-level key's
// value keeps its first 8 MB of string bytes (the document cap), the record's strings 16 MB in
// all, and every string at least 4 KB, so a giant "text" is truncated (one warning naming its
// key) and the title and fields around it are kept. Only a record that still keeps over 24 MB
// (millions of keys or numbers) is skipped, counted as too large.
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "format_readers.hpp"
#include "jsonl_line_cutter.hpp"
#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/index/text_cleanup.hpp"
#include "lenient_json.hpp"

namespace kavosh::index {
namespace {

const nlohmann::json* first_of(const nlohmann::json& object,
                               std::initializer_list<const char*> keys, std::string& found_key) {
  for (const char* key : keys) {
    auto it = object.find(key);
    if (it != object.end() && !it->is_null()) {
      found_key = key;
      return &*it;
    }
  }
  return nullptr;
}

bool is_query_key(std::string_view key) {
  return key == "question" || key == "questions" || key == "answers" || key == "answer" ||
         key == "query" || key == "candidates" || key == "label";
}

// A scalar's field value: strings as they are, numbers and booleans as JSON writes them.
std::optional<std::string> scalar_text(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  return std::nullopt;
}

// The record's text: the first text key's string, or its array of strings as paragraphs.
// `text_key` is the key it came from.
std::string record_text(const nlohmann::json& object, std::string& text_key,
                        const FileReadContext& context, std::uint64_t line_number) {
  std::string text;
  const nlohmann::json* value =
      first_of(object, {"text", "passage", "contents", "content", "body", "context"}, text_key);
  if (!value) return text;
  if (value->is_string()) {
    text = value->get<std::string>();
  } else if (value->is_array()) {
    for (const nlohmann::json& paragraph : *value) {
      if (!paragraph.is_string()) continue;
      if (!text.empty()) text += "\n\n";
      text += paragraph.get<std::string>();
    }
  } else {
    context.warn(line_number,
                 "\"" + text_key + "\" is neither a string nor an array of strings, ignored");
  }
  return text;
}

// Title, language (a known code, else detected later) and date.
void read_title_language_date(const nlohmann::json& object, Article& article,
                              const FileReadContext& context, std::uint64_t line_number) {
  std::string key;
  if (const nlohmann::json* title = first_of(object, {"title"}, key); title && title->is_string()) {
    article.title = collapse_spaces_keep_lines(title->get<std::string>());
  }
  if (const nlohmann::json* lang = first_of(object, {"lang", "language"}, key);
      lang && lang->is_string()) {
    article.language = lang->get<std::string>();
    if (!kavosh::analysis::parse_language_code(article.language)) {
      context.warn(line_number, "unknown language \"" + article.language + "\", detected instead");
      article.language.clear();
    }
  }
  if (const nlohmann::json* date = first_of(object, {"date"}, key); date && date->is_string()) {
    article.date = date->get<std::string>();
  }
}

// Every other key with a scalar, or an array of scalars, is a field (one value an element).
void add_other_keys_as_fields(const nlohmann::json& object, const std::string& text_key,
                              const std::string& id_key, Article& article) {
  for (const auto& [name, value] : object.items()) {
    if (name == text_key || name == id_key || name == "title" || name == "lang" ||
        name == "language" || name == "date" || is_query_key(name)) {
      continue;
    }
    const std::string field = field_name(name);
    if (field.empty()) continue;
    auto add_field = [&](const nlohmann::json& element) {
      if (auto element_text = scalar_text(element)) {
        std::string field_value = collapse_spaces_keep_lines(*element_text);
        repair_utf8(field_value);
        if (!field_value.empty()) article.fields.emplace_back(field, std::move(field_value));
      }
    };
    if (value.is_array()) {
      for (const nlohmann::json& element : value) add_field(element);
    } else {
      add_field(value);
    }
  }
}

// One record (a JSONL line's object, or a JSON array's element) -> an article. `raw` is its
// JSON text, hashed into the id of a record without one and without text; `number` is the
// line warnings name (0 for an array element, whose context names it instead).
void read_record(const nlohmann::json& object, std::string_view raw, std::uint64_t number,
                 const FileReadContext& context, const std::string& file_name) {
  std::string text_key;
  std::string text = record_text(object, text_key, context, number);
  sanitize_text(text, context, number, "");

  Article article;
  article.source = context.source;
  std::string id_key;
  if (const nlohmann::json* id = first_of(object, {"id", "_id", "docid", "doc_id"}, id_key)) {
    article.id = id->is_string() ? id->get<std::string>() : id->dump();
  } else {
    article.id = file_name + ":" + schema::fnv1a_64_hex(is_blank(text) ? raw : text);
  }
  if (article.id.empty()) {
    context.skip(number, SkipReason::Malformed, "empty id, skipped");
    return;
  }
  read_title_language_date(object, article, context, number);
  add_other_keys_as_fields(object, text_key, id_key, article);
  add_text_passages(article, text);
  deliver_article(std::move(article), context, number, "");
}

// A file whose JSON is one array of records (json.dump of a list, pretty-printed or not), as
// Anserini's JsonCollection also reads: held whole (up to kMaxJsonArrayBytes), repaired as a
// JSONL line is (invalid UTF-8, NaN, lone surrogates), then parsed element by element, each
// element dropped once read. Warnings name the element ("FILE: element 17: ...").
constexpr std::size_t kMaxJsonArrayBytes = std::size_t{1} << 30;

void read_json_array(ByteSource& input, const FileReadContext& context,
                     const std::string& file_name) {
  std::string json;
  std::array<char, 1 << 16> chunk;
  while (const std::size_t n = input.read(chunk.data(), chunk.size())) {
    if (json.size() + n > kMaxJsonArrayBytes) {
      context.skip(0, SkipReason::TooLarge,
                   "a JSON array larger than " + std::to_string(kMaxJsonArrayBytes >> 20) +
                       " MB, skipped: write it as JSONL, one record a line (jq -c '.[]')");
      return;
    }
    json.append(chunk.data(), n);
  }
  if (auto bad = repair_utf8(json))
    context.warn(0, "invalid UTF-8 at byte " + std::to_string(*bad) + ", replaced by U+FFFD");
  LenientJsonRepairs repairs;
  json = repair_lenient_json(json, repairs);
  if (repairs.any()) context.warn(0, repairs.describe());
  FileReadContext at_element = context;  // warnings name the element being read
  const auto on_event = [&](int depth, nlohmann::json::parse_event_t event,
                            nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (depth != 1 ||
        (event != Event::object_end && event != Event::array_end && event != Event::value))
      return true;
    ++at_element.element;
    if (!parsed.is_object()) {
      at_element.skip(0, SkipReason::Malformed, "not a JSON object, skipped");
    } else {
      read_record(parsed, parsed.dump(), 0, at_element, file_name);
    }
    if (at_element.element % 64 == 0) context.listener.progress(input.bytes_consumed());
    return false;  // read: not kept in the array
  };
  try {
    const nlohmann::json top = nlohmann::json::parse(json, on_event);
    if (!top.is_array() && !top.is_discarded())
      context.skip(0, SkipReason::Malformed, "not a JSON array of records, skipped");
  } catch (const nlohmann::json::parse_error& error) {
    context.skip(0, SkipReason::Malformed,
                 "JSON error at byte " + std::to_string(error.byte) + " (after element " +
                     std::to_string(at_element.element) + "); the rest of the file is skipped");
  } catch (const nlohmann::json::out_of_range&) {
    // The parser's one other error: a number no double holds (`1e999`, id 406). A JSONL line
    // parsed without exceptions is merely malformed then; here the parse cannot go on.
    context.skip(0, SkipReason::Malformed,
                 "JSON error: a number too large (after element " +
                     std::to_string(at_element.element) + "); the rest of the file is skipped");
  }
}

}  // namespace

void read_jsonl(ByteSource& input, const FileReadContext& context) {
  JsonlLineCutter cutter;
  std::uint64_t number = 0;
  const std::string file_name = std::filesystem::path(context.file).filename().string();
  std::string_view ahead = input.peek();
  if (ahead.starts_with("\xEF\xBB\xBF")) ahead.remove_prefix(3);
  const std::size_t first = ahead.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && ahead[first] == '[') {
    read_json_array(input, context, file_name);
    return;
  }
  for (;;) {
    cutter.start();
    if (!input.read_line_pieces([&](std::string_view piece) { cutter.consume(piece); })) break;
    ++number;
    if (number % 64 == 0) context.listener.progress(input.bytes_consumed());
    if (cutter.too_large()) {
      context.skip(number, SkipReason::TooLarge,
                   "record larger than " + std::to_string(cutter.limits().record_bytes >> 20) +
                       " MB with its strings cut, skipped");
      continue;
    }
    std::string& line = cutter.kept();
    if (is_blank(line)) continue;
    if (auto bad = repair_utf8(line)) {
      context.warn(number, "invalid UTF-8 at byte " + std::to_string(*bad) +
                               " of the line, replaced by U+FFFD");
    }
    nlohmann::json object = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (object.is_discarded()) {
      LenientJsonRepairs repairs;
      const std::string repaired = repair_lenient_json(line, repairs);
      if (repairs.any()) {
        object = nlohmann::json::parse(repaired, nullptr, /*allow_exceptions=*/false);
        if (!object.is_discarded()) context.warn(number, repairs.describe());
      }
    }
    if (object.is_discarded()) {
      context.skip(number, SkipReason::Malformed, "malformed JSON, line skipped");
      continue;
    }
    if (!object.is_object()) {
      context.skip(number, SkipReason::Malformed, "not a JSON object, line skipped");
      continue;
    }
    // Named by their keys: the text, or a title or field, kept its first 8 MB.
    if (!cutter.cut_keys().empty()) {
      std::string keys;
      for (const std::string& key : cutter.cut_keys())
        keys += (keys.empty() ? "\"" : ", \"") + key + "\"";
      context.warn(number, truncated_warning(keys));
    }
    read_record(object, line, number, context, file_name);
  }
}

}  // namespace kavosh::index
