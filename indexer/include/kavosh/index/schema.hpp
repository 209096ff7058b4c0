#pragma once
// The index schema: every term prefix, value slot and id rule, spelled in exactly one place.
// The indexer writes by it and the searcher reads by it; nothing else names a prefix.
#include <string>
#include <string_view>

#include <xapian.h>

namespace kavosh::index::schema {

// Term prefixes (Xapian convention: an uppercase prefix; "Z" + prefix marks a stemmed term).
// Body words carry no prefix; their stems are "Z" + stem.
inline constexpr std::string_view kStemmed = "Z";
inline constexpr std::string_view kTitle = "S";         // article title words
inline constexpr std::string_view kSection = "XH";      // section heading words
inline constexpr std::string_view kLanguage = "L";      // boolean: "Len", "Lfa", "Lar", "Lother"
inline constexpr std::string_view kPassageId = "Q";     // boolean, unique: "Q" + passage id
inline constexpr std::string_view kArticleId = "XA";    // boolean: all passages of one article
inline constexpr std::string_view kSource = "XP";       // boolean: passages read from one file
inline constexpr std::string_view kFieldPrefix = "XF";  // "XF" + field name + ":" + word

// A field's term prefix: field names are lowercase ASCII ("leader", "founded", ...).
inline std::string field_prefix(std::string_view field) {
  std::string prefix(kFieldPrefix);
  prefix.append(field);
  prefix.push_back(':');
  return prefix;
}

// Value slots.
inline constexpr Xapian::valueno kSlotArticleId = 0;  // collapse key: best passage per article
inline constexpr Xapian::valueno kSlotPassageNo = 1;  // Xapian::sortable_serialise(passage number)
inline constexpr Xapian::valueno kSlotDate = 2;       // "YYYY-MM-DD" when the format gives one
inline constexpr Xapian::valueno kSlotLanguage = 3;   // "en", "fa", "ar", "other"

// Ids: an article id is the collection's own document id (DOCNO, .I number, JSONL "id",
// MediaWiki page title) or, for plain files, the file path relative to the indexed root.
// A passage id is article id + "#" + passage number, so re-indexing replaces in place.
inline std::string passage_id(std::string_view article_id, unsigned passage_no) {
  std::string id(article_id);
  id.push_back('#');
  id += std::to_string(passage_no);
  return id;
}

// Within-document frequency given to a title word per occurrence, and to a field word;
// body words get 1. The searcher scales title/field subqueries by its own weights too.
inline constexpr unsigned kTitleWdf = 1;
inline constexpr unsigned kFieldWdf = 1;

// Document data: a JSON object {"article", "passage", "title", "section", "lang", "text",
// "fields": {name: value}, "source"} holding what the searcher displays and snippets from.

// Xapian metadata keys.
inline constexpr std::string_view kMetaSchemaVersion = "kavosh.schema";
inline constexpr std::string_view kSchemaVersion = "1";
inline constexpr std::string_view kMetaArticleCount = "kavosh.articles";

}  // namespace kavosh::index::schema
