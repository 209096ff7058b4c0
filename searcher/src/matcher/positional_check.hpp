// Where a phrase or NEAR holds, asked candidate after candidate of one pass through a single
// Xapian match that stays open between the questions.
#pragma once

#include <xapian.h>

#include <memory>
#include <vector>

#include "matcher/cursors.hpp"

namespace kavosh::search::matcher {

// Xapian's own phrase matcher is the only public way to read positions through B-tree cursors
// that live across documents: Database::positionlist_begin() opens a fresh cursor for every
// document (about four reads of the position table), and each Enquire opens the phrase's
// posting and position lists anew (for two words on the 1 GB bench, 16-20 us and about 8 reads
// before it checks a document; then a check reads blocks a live cursor would already hold:
// five Enquires a phrase query made 170 reads, one 117). A pass asks about its candidates in
// docid order, a few or one at a time, so one Enquire serves them all: it runs on a stack of its
// own, its candidate source hands it each batch of them and, at a batch's end, hands control
// back to the pass until the next one comes (or none does, and the Enquire ends).
class PositionalCheck {
 public:
  // `positional`: the phrase or NEAR whose holding is asked, over `db`.
  PositionalCheck(const Xapian::Database& db, Xapian::Query positional);
  ~PositionalCheck();
  PositionalCheck(const PositionalCheck&) = delete;
  PositionalCheck& operator=(const PositionalCheck&) = delete;

  // Keeps of `docids` (ascending) those where the phrase or NEAR holds. Each call's docids lie
  // above the previous call's; a call that breaks this starts a new Enquire. The vector's
  // buffer is exchanged with the check's, so a caller that keeps one allocates nothing.
  void keep_holding(std::vector<Xapian::docid>& docids);

  struct Match;  // the open Enquire, its stack and its hand-over state (positional_check.cpp)

 private:
  const Xapian::Database& db_;
  Xapian::Query positional_;
  std::unique_ptr<Match> match_;
  Xapian::docid last_docid_ = 0;  // the highest docid asked about so far
};

// Where one phrase or NEAR clause of a pass holds among candidate documents: a phrase or NEAR
// of body terms by the documents' token sequences in the match data (from memory;
// ClauseCursor::holds_by_sequence()), anything else, and any document whose sequence cannot
// say, by Xapian's phrase matcher (a PositionalCheck opened at the first such document and
// kept for the pass).
class ClauseCheck {
 public:
  // Keeps of `docids` (ascending) those where `clause` holds.
  void keep_holding(const Xapian::Database& db, const ClauseCursor& clause,
                    std::vector<Xapian::docid>& docids);

 private:
  std::unique_ptr<PositionalCheck> positional_;
  std::vector<Xapian::docid> unknown_;  // documents whose sequence cannot say
};

}  // namespace kavosh::search::matcher
