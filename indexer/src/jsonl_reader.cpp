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
// Malformed lines, non-objects, and objects with nothing to index are warnings; the line is
// skipped. Two departures real exports make are read with a warning instead (lenient_json.hpp):
// lone surrogate escapes (as U+FFFD) and bare NaN/Infinity (as null).
// Size: a line of any length is read in bounded memory (JsonlLineCutter): a top-level key's
// value keeps its first 8 MB of string bytes (the document cap), the record's strings 16 MB in
// all, and every string at least 4 KB, so a giant "text" is truncated (one warning naming its
// key) and the title and fields around it are kept. Only a record that still keeps over 24 MB
// (millions of keys or numbers) is skipped, counted as too large.
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

}  // namespace

void read_jsonl(ByteSource& input, const FileReadContext& context) {
  JsonlLineCutter cutter;
  std::uint64_t number = 0;
  const std::string file_name = std::filesystem::path(context.file).filename().string();
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
    std::string text_key;
    std::string text = record_text(object, text_key, context, number);
    sanitize_text(text, context, number, "");

    Article article;
    article.source = context.source;
    std::string id_key;
    if (const nlohmann::json* id = first_of(object, {"id", "_id", "docid", "doc_id"}, id_key)) {
      article.id = id->is_string() ? id->get<std::string>() : id->dump();
    } else {
      article.id = file_name + ":" + schema::fnv1a_64_hex(is_blank(text) ? line : text);
    }
    if (article.id.empty()) {
      context.skip(number, SkipReason::Malformed, "empty id, line skipped");
      continue;
    }
    read_title_language_date(object, article, context, number);
    add_other_keys_as_fields(object, text_key, id_key, article);
    add_text_passages(article, text);
    deliver_article(std::move(article), context, number, "");
  }
}

}  // namespace kavosh::index
