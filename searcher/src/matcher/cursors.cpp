#include "matcher/cursors.hpp"

#include <algorithm>

namespace kavosh::search::matcher {

TermCursor::TermCursor(const Xapian::Database& db, const std::string& term,
                       const index::MatchData& data)
    : blocks_(data.blocks(term)) {
  if (!blocks_.blocks.empty()) {
    list_ = true;
    it_ = db.postlist_begin(term);
    end_ = db.postlist_end(term);
    whole_ = {blocks_.max_wdf, blocks_.min_length, kEnd};
    settle_list();
    return;
  }
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
    const std::uint32_t wdf = it.get_wdf();
    postings_.emplace_back(*it, wdf);
    whole_.max_wdf = std::max(whole_.max_wdf, wdf);
    whole_.min_length = std::min(whole_.min_length, data.length(*it));
  }
  docid_ = postings_.empty() ? kEnd : postings_[0].first;
}

void TermCursor::settle_list() {
  if (it_ == end_) {
    docid_ = kEnd;
    return;
  }
  docid_ = *it_;
  list_wdf_ = it_.get_wdf();
}

void TermCursor::next() {
  if (list_) {
    ++it_;
    settle_list();
    return;
  }
  ++position_;
  docid_ = position_ < postings_.size() ? postings_[position_].first : kEnd;
}

void TermCursor::skip_to(Xapian::docid target) {
  if (docid_ >= target) return;
  if (list_) {
    it_.skip_to(target);
    settle_list();
    return;
  }
  // Short lists: a gallop would rarely beat the few steps a list under two blocks takes.
  while (position_ < postings_.size() && postings_[position_].first < target) ++position_;
  docid_ = position_ < postings_.size() ? postings_[position_].first : kEnd;
}

BlockBound TermCursor::block_at(Xapian::docid target) {
  if (!list_) {
    if (docid_ == kEnd) return {0, whole_.min_length, kEnd};
    return whole_;
  }
  const auto& blocks = blocks_.blocks;
  while (block_ < blocks.size() && blocks[block_].last_docid < target) ++block_;
  if (block_ == blocks.size()) return {0, whole_.min_length, kEnd};
  const auto& block = blocks[block_];
  return {block.max_wdf, block.min_length, block.last_docid};
}

namespace {

double clause_termfreq(const Xapian::Database& db, const ScoredClause& clause) {
  if (clause.terms.size() == 1) return db.get_termfreq(clause.terms[0]);
  std::vector<Xapian::doccount> termfreqs;
  for (const auto& term : clause.terms) termfreqs.push_back(db.get_termfreq(term));
  return synonym_termfreq(db.get_doccount(), termfreqs);
}

}  // namespace

ClauseCursor::ClauseCursor(const Xapian::Database& db, const index::MatchData& data,
                           const ScoredClause& clause, const Bm25Parameters& parameters)
    : weight_(parameters, db.get_doccount(), clause_termfreq(db, clause), clause.factor,
              db.get_avlength()),
      termfreq_(clause_termfreq(db, clause)) {
  std::uint32_t max_wdf = 0;
  std::uint32_t min_length = std::numeric_limits<std::uint32_t>::max();
  for (const auto& term : clause.terms) {
    terms_.emplace_back(db, term, data);
    max_wdf += terms_.back().whole().max_wdf;
    min_length = std::min(min_length, terms_.back().whole().min_length);
  }
  max_score_ = max_wdf == 0 ? 0 : weight_.score(max_wdf, min_length);
  settle();
}

void ClauseCursor::settle() {
  docid_ = kEnd;
  for (const auto& term : terms_) docid_ = std::min(docid_, term.docid());
}

double ClauseCursor::score(std::uint32_t length) const {
  std::uint32_t wdf = 0;
  for (const auto& term : terms_)
    if (term.docid() == docid_) wdf += term.wdf();
  if (terms_.size() > 1) wdf = std::min(wdf, length);
  return weight_.score(wdf, length);
}

void ClauseCursor::next() {
  const Xapian::docid current = docid_;
  for (auto& term : terms_)
    if (term.docid() == current) term.next();
  settle();
}

void ClauseCursor::skip_to(Xapian::docid target) {
  if (docid_ >= target) return;
  for (auto& term : terms_) term.skip_to(target);
  settle();
}

double ClauseCursor::block_bound(Xapian::docid target, Xapian::docid* last_docid) {
  std::uint32_t max_wdf = 0;
  std::uint32_t min_length = std::numeric_limits<std::uint32_t>::max();
  for (auto& term : terms_) {
    const BlockBound bound = term.block_at(target);
    max_wdf += bound.max_wdf;
    min_length = std::min(min_length, bound.min_length);
    *last_docid = std::min(*last_docid, bound.last_docid);
  }
  return max_wdf == 0 ? 0 : weight_.score(max_wdf, min_length);
}

}  // namespace kavosh::search::matcher
