#pragma once
// Where phrases and NEAR of body words are checked in an index whose Xapian position table
// lacks the body terms' positions (schema.hpp: kMetaBodyPositions; decision 0007): a
// database's token sequences in its match data while that is current, else the passage's stored
// record, its text analysed again as the indexer analysed it. The top-k matcher asks here about
// the passages its sequences cannot answer, and Xapian's Enquire (the models without a matcher
// path, --matcher xapian, a stale match data) through positional_source().
#include <xapian.h>

#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/record_dictionary.hpp"

namespace kavosh::search::matcher {

// The window tests, on each term's ascending positions (one list a term, none empty): the terms
// in order, the last fewer than `window` positions after the first (a phrase: `window` equal
// to the term count), or all within a stretch of fewer than `window` positions (NEAR).
bool phrase_holds(const std::vector<std::vector<Xapian::termpos>>& lists, Xapian::termcount window);
bool near_holds(const std::vector<std::vector<Xapian::termpos>>& lists, Xapian::termcount window);

class BodyPositions;

// Whether one phrase or NEAR of body terms holds, document after document of one database.
class BodyPhraseCheck {
 public:
  // Throws std::runtime_error where neither source can say: a passage without a readable
  // record.
  bool holds(Xapian::docid docid) const;

 private:
  friend class BodyPositions;
  const BodyPositions* positions_ = nullptr;
  Xapian::Database db_;
  const index::MatchData* data_ = nullptr;  // none: every document by its record
  std::vector<std::uint32_t> numbers_;      // the terms' position_numbers() in data_
  std::vector<std::string> terms_;
  Xapian::Query::op op_ = Xapian::Query::OP_PHRASE;
  Xapian::termcount window_ = 0;
  mutable std::vector<std::vector<Xapian::termpos>> lists_;
};

class BodyPositions {
 public:
  struct Database {
    Xapian::Database db;                     // one database of the index alone
    const index::MatchData* data = nullptr;  // its match data for its open revision, or none
  };
  // `analyzer`: the options the index was analysed with; `dictionaries`: the index's record
  // dictionaries (asked for at the first record read).
  BodyPositions(const analysis::AnalyzerOptions& analyzer, std::vector<Database> databases,
                std::function<const index::RecordDictionaries&()> dictionaries);

  // The check of the phrase (OP_PHRASE) or NEAR (OP_NEAR) of body terms `terms` with `window`
  // in `db`, one of the index's databases (by its own docids).
  BodyPhraseCheck check(const Xapian::Database& db, std::vector<std::string> terms,
                        Xapian::Query::op op, Xapian::termcount window) const;
  // The positions of body terms `terms` in document `docid` of `db` from its stored record,
  // for a reader whose token sequences could not say: one ascending list a term in `lists`.
  // `db` is one of the index's databases (its docids) or the index searched as one (the
  // combined database's docids). Throws std::runtime_error as BodyPhraseCheck::holds().
  void positions_by_record(const Xapian::Database& db, Xapian::docid docid,
                           std::span<const std::string> terms,
                           std::vector<std::vector<Xapian::termpos>>& lists) const;

 private:
  // The database of the index that `db` is, and `docid` as that database numbers it.
  std::pair<const Xapian::Database*, Xapian::docid> part_of(const Xapian::Database& db,
                                                            Xapian::docid docid) const;

  analysis::AnalyzerOptions analyzer_options_;
  std::vector<Database> databases_;
  std::function<const index::RecordDictionaries&()> dictionaries_;
  // The record path analyses text: one analyzer, made at its first use.
  mutable std::mutex record_mutex_;
  mutable std::unique_ptr<analysis::Analyzer> analyzer_;
  mutable std::string record_body_;
};

// For Xapian's Enquire over an index without body positions: a posting source of the documents
// where the phrase (OP_PHRASE) or NEAR (OP_NEAR) of body terms `terms` with `window` holds, by
// `positions`. A query takes OP_FILTER(the AND of the terms, this) for the phrase: Xapian weighs
// a phrase as the AND of its terms, so the scores stay a phrase's.
Xapian::Query positional_source(std::shared_ptr<const BodyPositions> positions,
                                Xapian::Query::op op, const std::vector<std::string>& terms,
                                Xapian::termcount window);

}  // namespace kavosh::search::matcher
