#pragma once
// Internal to the indexer library: an Article -> one Xapian::Document per passage (terms,
// values and the stored passage record, laid out as schema.hpp says) and the synonym pairs of
// its aliases, all through the builder's own Analyzer. Each thread that analyzes has its own.
#include <xapian.h>

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/stored_passage.hpp"
#include "kavosh/index/document.hpp"

namespace kavosh::index {

using SynonymPairs = std::vector<std::pair<std::string, std::string>>;  // key -> synonym

struct PreparedPassage {
  std::string unique_term;
  Xapian::Document document;
  std::vector<std::string> spelling_words;  // distinct body spelling words
  // Prepared without a record dictionary: the stored record's body, which the writer
  // compresses (or holds back to train the dictionary on); the document then has no record.
  std::optional<std::string> record_body;
};

struct PreparedArticle {
  std::string id;
  std::vector<PreparedPassage> passages;
  SynonymPairs synonyms;
  std::uint64_t postings = 0;
  std::uint64_t bytes = 0;
  std::exception_ptr error;  // preparing it failed on another thread: rethrown where it is written
};

class DocumentBuilder {
 public:
  explicit DocumentBuilder(const kavosh::analysis::AnalyzerOptions& options);
  // Whether body terms are posted with their positions (schema.hpp: kMetaBodyPositions); by
  // default not, their positions kept by the stored record alone.
  void set_body_positions_in_xapian(bool in_xapian) { body_positions_in_xapian_ = in_xapian; }

  // With a dictionary, the documents hold their stored records compressed with it; without
  // one, PreparedPassage::record_body holds each record's body.
  PreparedArticle prepare(const Article& article, const RecordDictionary* dictionary);
  // Every ordered pair of distinct synonym keys of a group of names (schema.hpp: Synonyms).
  SynonymPairs synonym_pairs(const std::vector<std::string>& names);

 private:
  PreparedPassage prepare_passage(const Article& article, std::size_t number,
                                  kavosh::analysis::Language language,
                                  const std::vector<kavosh::analysis::Token>& title_tokens,
                                  const RecordDictionary* dictionary);
  void add_fields(Xapian::Document& doc, const Article& article, const Passage& passage,
                  kavosh::analysis::Language language);
  void add_tokens(Xapian::Document& doc, const std::vector<kavosh::analysis::Token>& tokens,
                  std::string_view prefix, unsigned wdf);
  void fill_record(const Article& article, std::size_t number, std::string_view lang_code);
  std::string synonym_key(const std::string& name);

  kavosh::analysis::Analyzer analyzer_;
  std::vector<kavosh::analysis::Token> tokens_;
  StoredPassage record_;  // reused per passage: its vectors keep their storage
  std::uint64_t postings_ = 0;
  bool body_positions_in_xapian_ = false;
};

}  // namespace kavosh::index
