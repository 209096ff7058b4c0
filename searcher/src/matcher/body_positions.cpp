#include "matcher/body_positions.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"

namespace kavosh::search::matcher {

// Taking each term's earliest position after the previous one is never worse.
bool phrase_holds(const std::vector<std::vector<Xapian::termpos>>& lists,
                  Xapian::termcount window) {
  for (Xapian::termpos first : lists[0]) {
    Xapian::termpos at = first;
    for (std::size_t i = 1; i < lists.size(); ++i) {
      const auto next = std::upper_bound(lists[i].begin(), lists[i].end(), at);
      if (next == lists[i].end()) return false;  // a later first position cannot do better
      at = *next;
    }
    if (at - first < window) return true;
  }
  return false;
}

// The shortest stretch holding one position of each list, swept over the merged positions.
bool near_holds(const std::vector<std::vector<Xapian::termpos>>& lists, Xapian::termcount window) {
  std::vector<std::pair<Xapian::termpos, std::size_t>> merged;
  for (std::size_t i = 0; i < lists.size(); ++i)
    for (Xapian::termpos p : lists[i]) merged.emplace_back(p, i);
  std::sort(merged.begin(), merged.end());
  std::vector<std::size_t> in_window(lists.size(), 0);
  std::size_t covered = 0;
  std::size_t begin = 0;
  for (std::size_t end = 0; end < merged.size(); ++end) {
    if (in_window[merged[end].second]++ == 0) ++covered;
    while (covered == lists.size()) {
      if (merged[end].first - merged[begin].first < window) return true;
      if (--in_window[merged[begin].second] == 0) --covered;
      ++begin;
    }
  }
  return false;
}

namespace {

bool window_holds(const std::vector<std::vector<Xapian::termpos>>& lists, Xapian::Query::op op,
                  Xapian::termcount window) {
  if (lists.empty()) return false;
  for (const auto& list : lists)
    if (list.empty()) return false;
  return op == Xapian::Query::OP_PHRASE ? phrase_holds(lists, window) : near_holds(lists, window);
}

}  // namespace

BodyPositions::BodyPositions(const analysis::AnalyzerOptions& analyzer,
                             std::vector<Database> databases,
                             std::function<const index::RecordDictionaries&()> dictionaries)
    : analyzer_options_(analyzer),
      databases_(std::move(databases)),
      dictionaries_(std::move(dictionaries)) {}

BodyPhraseCheck BodyPositions::check(const Xapian::Database& db, std::vector<std::string> terms,
                                     Xapian::Query::op op, Xapian::termcount window) const {
  BodyPhraseCheck check;
  check.positions_ = this;
  check.db_ = db;
  check.op_ = op;
  check.window_ = window;
  const std::string uuid = db.get_uuid();
  for (const Database& database : databases_) {
    if (database.data == nullptr || database.db.get_uuid() != uuid) continue;
    // A file that cannot number a term leaves every document to its record.
    if (auto numbers = database.data->position_numbers(terms)) {
      check.data_ = database.data;
      check.numbers_ = std::move(*numbers);
    }
  }
  check.terms_ = std::move(terms);
  return check;
}

bool BodyPhraseCheck::holds(Xapian::docid docid) const {
  if (data_ == nullptr || !data_->positions(docid, numbers_, lists_))
    positions_->positions_by_record(db_, docid, terms_, lists_);
  return window_holds(lists_, op_, window_);
}

std::pair<const Xapian::Database*, Xapian::docid> BodyPositions::part_of(
    const Xapian::Database& db, Xapian::docid docid) const {
  const std::string uuid = db.get_uuid();
  for (const Database& database : databases_)
    if (database.db.get_uuid() == uuid) return {&database.db, docid};
  if (databases_.empty()) throw std::runtime_error("positions asked of a database not searched");
  // The combined database numbers its databases' documents in turn.
  const std::size_t count = databases_.size();
  return {&databases_[(docid - 1) % count].db, static_cast<Xapian::docid>((docid - 1) / count + 1)};
}

void BodyPositions::positions_by_record(const Xapian::Database& db, Xapian::docid docid,
                                        std::span<const std::string> terms,
                                        std::vector<std::vector<Xapian::termpos>>& lists) const {
  const auto [part, local] = part_of(db, docid);
  lists.assign(terms.size(), {});
  const std::string record = part->get_document(local).get_value(index::schema::kSlotStoredPassage);
  if (record.empty())
    throw std::runtime_error("passage " + std::to_string(local) +
                             " has no stored record to check a phrase in");
  const std::lock_guard lock(record_mutex_);
  const index::StoredPassageView passage =
      index::StoredPassageView::parse(record, record_body_, &dictionaries_());
  if (!analyzer_) analyzer_ = std::make_unique<analysis::Analyzer>(analyzer_options_);
  const std::optional<analysis::Language> language = analysis::parse_language_code(passage.lang);
  // Numbered as the indexer posted them (DocumentBuilder::add_tokens): from 1, a stacked
  // compound at its first part's position.
  for (const analysis::Token& token :
       analyzer_->analyze(passage.text, language.value_or(analysis::Language::Other)))
    for (std::size_t i = 0; i < terms.size(); ++i)
      if (token.term == terms[i]) lists[i].push_back(token.position + 1);
  for (auto& list : lists) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
}

namespace {

// The documents of one database where a phrase or NEAR of body terms holds, for Xapian's
// Enquire, which asks check() about the documents its AND of the terms reaches (OP_FILTER) and
// next() or skip_to() only when it leads: then it walks the rarest term's postings.
class PositionalSource : public Xapian::PostingSource {
 public:
  PositionalSource(std::shared_ptr<const BodyPositions> positions, Xapian::Query::op op,
                   std::vector<std::string> terms, Xapian::termcount window)
      : positions_(std::move(positions)), op_(op), terms_(std::move(terms)), window_(window) {}

  PositionalSource* clone() const override {
    return new PositionalSource(positions_, op_, terms_, window_);
  }

  void init(const Xapian::Database& db) override {
    db_ = db;
    check_ = positions_->check(db, terms_, op_, window_);
    started_ = false;
    ended_ = false;
    lead_open_ = false;
    holds_ = false;
    docid_ = 0;
    lead_.clear();
    Xapian::doccount fewest = db.get_doccount();
    for (const std::string& term : terms_) {
      const Xapian::doccount termfreq = db.get_termfreq(term);
      if (lead_.empty() || termfreq < fewest) {
        lead_ = term;
        fewest = termfreq;
      }
    }
    if (fewest == 0) ended_ = true;
    set_maxweight(0);
    termfreq_max_ = fewest;
  }

  Xapian::doccount get_termfreq_min() const override { return 0; }
  Xapian::doccount get_termfreq_est() const override { return termfreq_max_; }
  Xapian::doccount get_termfreq_max() const override { return termfreq_max_; }

  void next(double) override { advance_to(started_ ? docid_ + 1 : 1); }
  void skip_to(Xapian::docid did, double) override {
    if (!started_ || did > docid_)
      advance_to(did);
    else if (!holds_)
      advance_to(docid_ + 1);  // a check() left it on a document that does not hold
  }
  bool check(Xapian::docid did, double) override {
    if (started_ && did < docid_ && holds_) return true;  // on a later document that holds
    if (!started_ || did != docid_) {
      started_ = true;
      docid_ = did;
      holds_ = check_.holds(did);
    }
    // False: on `did`, which does not hold; next() or skip_to() moves on from it.
    return holds_;
  }
  bool at_end() const override { return ended_; }
  Xapian::docid get_docid() const override { return docid_; }
  std::string get_description() const override {
    std::string out =
        op_ == Xapian::Query::OP_PHRASE ? "PositionalSource(PHRASE" : "PositionalSource(NEAR";
    for (const std::string& term : terms_) out += " " + term;
    return out + " " + std::to_string(window_) + ")";
  }

 private:
  void advance_to(Xapian::docid target) {
    if (ended_) return;
    started_ = true;
    if (!lead_open_) {
      lead_it_ = db_.postlist_begin(lead_);
      lead_open_ = true;
    }
    const Xapian::PostingIterator end = db_.postlist_end(lead_);
    for (lead_it_.skip_to(target); lead_it_ != end; ++lead_it_) {
      if (check_.holds(*lead_it_)) {
        docid_ = *lead_it_;
        holds_ = true;
        return;
      }
    }
    ended_ = true;
  }

  std::shared_ptr<const BodyPositions> positions_;
  Xapian::Query::op op_;
  std::vector<std::string> terms_;
  Xapian::termcount window_;
  Xapian::Database db_;
  BodyPhraseCheck check_;
  std::string lead_;  // the rarest term
  Xapian::PostingIterator lead_it_;
  bool lead_open_ = false;
  Xapian::doccount termfreq_max_ = 0;
  Xapian::docid docid_ = 0;
  bool holds_ = false;  // at docid_
  bool started_ = false;
  bool ended_ = false;
};

}  // namespace

Xapian::Query positional_source(std::shared_ptr<const BodyPositions> positions,
                                Xapian::Query::op op, const std::vector<std::string>& terms,
                                Xapian::termcount window) {
  return Xapian::Query((new PositionalSource(std::move(positions), op, terms, window))->release());
}

}  // namespace kavosh::search::matcher
