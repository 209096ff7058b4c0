// The SDM-style proximity boost (proximity.hpp): window counts from the token sequences or
// Xapian's positions, one Xapian posting source per adjacent word pair.
#include "proximity.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>
#include <span>
#include <utility>

#include "query_builder/function_words.hpp"

namespace kavosh::search::proximity {

unsigned ordered_matches(const std::vector<Xapian::termpos>& first,
                         const std::vector<Xapian::termpos>& second) {
  unsigned matches = 0;
  auto next = second.begin();
  for (const Xapian::termpos p : first) {
    next = std::lower_bound(next, second.end(), p + 1);
    if (next == second.end()) break;
    if (*next == p + 1) ++matches;
  }
  return matches;
}

unsigned unordered_matches(const std::vector<Xapian::termpos>& first,
                           const std::vector<Xapian::termpos>& second, Xapian::termpos window) {
  if (window == 0) return 0;
  unsigned matches = 0;
  for (const Xapian::termpos p : first) {
    const Xapian::termpos lowest = p >= window ? p - window + 1 : 1;
    for (auto q = std::lower_bound(second.begin(), second.end(), lowest);
         q != second.end() && *q < p + window; ++q) {
      if (*q != p) {
        ++matches;
        break;
      }
    }
  }
  return matches;
}

double window_weight(unsigned matches, double length, double average_length,
                     Xapian::doccount documents_with_match, Xapian::doccount documents,
                     const Parameters& parameters) {
  if (matches == 0) return 0;
  const double n = documents_with_match;
  const double idf = std::log(1 + (documents - n + 0.5) / (n + 0.5));
  const double tf = matches;
  const double norm =
      parameters.k1 *
      ((1 - parameters.b) + parameters.b * (average_length > 0 ? length / average_length : 1));
  return idf * (parameters.k1 + 1) * tf / (norm + tf);
}

std::vector<std::string> content_terms(const QueryNode& query, analysis::Analyzer& analyzer) {
  std::vector<std::string> terms;
  if (query.kind != QueryNode::Kind::List) return terms;
  const auto& function_terms =
      function_words::analyzed_terms(analyzer.options().normalize_arabic_script);
  for (const auto& child : query.children) {
    if (child.kind != QueryNode::Kind::Word || child.modifier != QueryNode::Modifier::None)
      continue;
    for (const auto& token : analyzer.analyze(child.text))
      if (token.span == 1 && function_terms.count(token.term) == 0) terms.push_back(token.term);
  }
  return terms;
}

namespace {

std::vector<Xapian::termpos> positions(const Xapian::Database& db, Xapian::docid docid,
                                       const std::string& term) {
  return {db.positionlist_begin(docid, term), db.positionlist_end(docid, term)};
}

// Words' positions in a shard's documents from its token sequences in the match data, which
// are in memory (Xapian's position lists cost a fresh B-tree cursor a word and document, and
// reads of the position table); where the data cannot say (no match data, a word it does not
// number, a document without a sequence), read() answers nothing and the caller reads Xapian's.
class SequencePositions {
 public:
  SequencePositions(const index::MatchData* data, const std::vector<std::string>& words)
      : data_(data) {
    if (data_ == nullptr) return;
    if (auto numbers = data_->position_numbers(words))
      numbers_ = std::move(*numbers);
    else
      data_ = nullptr;
  }
  // Every word's positions in shard document `docid`, one list a word (empty where it lacks
  // the word); false where the data cannot say.
  bool read(Xapian::docid docid, std::vector<std::vector<Xapian::termpos>>& out) const {
    return data_ != nullptr && data_->positions(docid, numbers_, out);
  }

 private:
  const index::MatchData* data_ = nullptr;
  std::vector<std::uint32_t> numbers_;
};

// The match data of the shard of `shards` that is `db` (a Xapian sub-database a posting source
// is opened on is that shard alone); none where no shard is.
const index::MatchData* data_of(std::span<const matcher::LocalShard> shards,
                                const Xapian::Database& db) {
  if (shards.empty()) return nullptr;
  const std::string uuid = db.get_uuid();
  for (const matcher::LocalShard& shard : shards)
    if (shard.data != nullptr && shard.db.get_uuid() == uuid) return shard.data;
  return nullptr;
}

// The weighted passages of one word pair, computed whole when Xapian opens the source on a
// database: the idf of a window needs the number of passages with a match, which only a pass
// over the pair's common passages gives.
class WordPairSource : public Xapian::PostingSource {
 public:
  WordPairSource(std::string first, std::string second, const Parameters& parameters,
                 std::span<const matcher::LocalShard> shards,
                 std::shared_ptr<const matcher::BodyPositions> body_positions)
      : first_(std::move(first)),
        second_(std::move(second)),
        parameters_(parameters),
        shards_(shards),
        body_positions_(std::move(body_positions)) {}

  void init(const Xapian::Database& db) override {
    postings_.clear();
    at_ = 0;
    started_ = false;
    struct Counts {
      Xapian::docid docid;
      unsigned ordered;
      unsigned unordered;
    };
    std::vector<Counts> counts;
    Xapian::doccount with_ordered = 0, with_unordered = 0;
    const SequencePositions sequences(data_of(shards_, db), {first_, second_});
    std::vector<std::vector<Xapian::termpos>> pair_positions;
    auto a = db.postlist_begin(first_);
    auto b = db.postlist_begin(second_);
    while (a != db.postlist_end(first_) && b != db.postlist_end(second_)) {
      if (*a < *b) {
        a.skip_to(*b);
        continue;
      }
      if (*b < *a) {
        b.skip_to(*a);
        continue;
      }
      const Xapian::docid docid = *a;
      if (sequences.read(docid, pair_positions)) {
      } else if (body_positions_) {
        body_positions_->positions_by_record(db, docid, std::vector<std::string>{first_, second_},
                                             pair_positions);
      } else {
        pair_positions = {positions(db, docid, first_), positions(db, docid, second_)};
      }
      const auto& first_positions = pair_positions[0];
      const auto& second_positions = pair_positions[1];
      Counts c{docid, ordered_matches(first_positions, second_positions),
               unordered_matches(first_positions, second_positions, parameters_.unordered_window)};
      if (c.ordered > 0) ++with_ordered;
      if (c.unordered > 0) ++with_unordered;
      if (c.unordered > 0) counts.push_back(c);  // an ordered match is an unordered one too
      ++a;
      ++b;
    }
    const Xapian::doccount documents = db.get_doccount();
    const double average = db.get_avlength();
    double most = 0;
    for (const auto& c : counts) {
      const double length = db.get_doclength(c.docid);
      const double weight =
          parameters_.scale *
          (parameters_.ordered_weight *
               window_weight(c.ordered, length, average, with_ordered, documents, parameters_) +
           parameters_.unordered_weight *
               window_weight(c.unordered, length, average, with_unordered, documents, parameters_));
      postings_.emplace_back(c.docid, weight);
      most = std::max(most, weight);
    }
    set_maxweight(most);
  }

  Xapian::doccount get_termfreq_min() const override { return postings_.size(); }
  Xapian::doccount get_termfreq_est() const override { return postings_.size(); }
  Xapian::doccount get_termfreq_max() const override { return postings_.size(); }

  void next(double) override {
    if (started_)
      ++at_;
    else
      started_ = true;
  }
  void skip_to(Xapian::docid docid, double) override {
    started_ = true;
    while (at_ < postings_.size() && postings_[at_].first < docid) ++at_;
  }
  bool at_end() const override { return at_ >= postings_.size(); }
  Xapian::docid get_docid() const override { return postings_[at_].first; }
  double get_weight() const override { return postings_[at_].second; }
  WordPairSource* clone() const override {
    return new WordPairSource(first_, second_, parameters_, shards_, body_positions_);
  }
  std::string get_description() const override {
    return "WordPairSource(" + first_ + " " + second_ + ")";
  }

 private:
  std::string first_, second_;
  Parameters parameters_;
  std::span<const matcher::LocalShard> shards_;  // the search's, which outlives the source
  std::shared_ptr<const matcher::BodyPositions> body_positions_;
  std::vector<std::pair<Xapian::docid, double>> postings_;  // ascending docid
  std::size_t at_ = 0;
  bool started_ = false;
};

}  // namespace

Xapian::Query boost(const Xapian::Database& db, std::span<const matcher::LocalShard> shards,
                    const std::shared_ptr<const matcher::BodyPositions>& body_positions,
                    const std::vector<std::string>& terms, const Parameters& parameters) {
  std::vector<Xapian::Query> pairs;
  for (std::size_t i = 0; i + 1 < terms.size(); ++i) {
    if (terms[i] == terms[i + 1] || !db.term_exists(terms[i]) || !db.term_exists(terms[i + 1]))
      continue;
    pairs.emplace_back(
        (new WordPairSource(terms[i], terms[i + 1], parameters, shards, body_positions))
            ->release());
  }
  if (pairs.empty()) return Xapian::Query();
  return Xapian::Query(Xapian::Query::OP_OR, pairs.begin(), pairs.end());
}

namespace {

// The first `depth` passages in Enquire's order again (score descending, then docid), their
// collapse keys moved with them.
void sort_first(std::size_t depth, std::vector<matcher::ScoredDoc>& docs,
                std::vector<std::string>& collapse_keys) {
  std::vector<std::size_t> order(depth);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&docs](std::size_t a, std::size_t b) {
    if (docs[a].score != docs[b].score) return docs[a].score > docs[b].score;
    return docs[a].docid < docs[b].docid;
  });
  std::vector<matcher::ScoredDoc> sorted_docs(depth);
  for (std::size_t i = 0; i < depth; ++i) sorted_docs[i] = docs[order[i]];
  std::copy(sorted_docs.begin(), sorted_docs.end(), docs.begin());
  if (collapse_keys.size() >= depth) {
    std::vector<std::string> sorted_keys(depth);
    for (std::size_t i = 0; i < depth; ++i) sorted_keys[i] = std::move(collapse_keys[order[i]]);
    std::move(sorted_keys.begin(), sorted_keys.end(), collapse_keys.begin());
  }
}

}  // namespace

namespace {

// The rerank's adjacent word pairs: their distinct words, and per pair the words' indexes and
// the rarer word's passages (a window's idf).
struct WordPair {
  std::size_t first, second;
  Xapian::doccount passages;
};
struct WordPairs {
  std::vector<std::string> words;
  std::vector<WordPair> pairs;
};
WordPairs word_pairs(const Xapian::Database& db, const std::vector<std::string>& terms) {
  WordPairs out;
  const auto word_index = [&out](const std::string& term) {
    const auto found = std::find(out.words.begin(), out.words.end(), term);
    if (found != out.words.end()) return static_cast<std::size_t>(found - out.words.begin());
    out.words.push_back(term);
    return out.words.size() - 1;
  };
  for (std::size_t i = 0; i + 1 < terms.size(); ++i) {
    if (terms[i] == terms[i + 1]) continue;
    const Xapian::doccount rarer =
        std::min(db.get_termfreq(terms[i]), db.get_termfreq(terms[i + 1]));
    if (rarer == 0) continue;
    out.pairs.push_back({word_index(terms[i]), word_index(terms[i + 1]), rarer});
  }
  return out;
}

// The pairs' words' positions in the first `depth` passages of a ranking: from the token
// sequences of the local shard that holds a passage, else from Xapian's position lists (or
// where those lack them, from `body_positions`).
class PassagePositions {
 public:
  PassagePositions(const Xapian::Database& db, std::span<const matcher::LocalShard> shards,
                   const matcher::BodyPositions* body_positions, const WordPairs& pairs,
                   const std::vector<matcher::ScoredDoc>& docs, std::size_t depth)
      : db_(db),
        shards_(shards),
        body_positions_(body_positions),
        pairs_(pairs),
        docs_(docs),
        depth_(depth),
        positions_(pairs.words.size()),
        read_(pairs.words.size()) {
    for (const matcher::LocalShard& shard : shards)
      sequences_.emplace_back(shard.data, pairs.words);
  }

  // Passage d's positions of each word (empty where it lacks the word or, read from Xapian, no
  // pair needs it).
  const std::vector<std::vector<Xapian::termpos>>& of(std::size_t d) {
    if (!shards_.empty()) {
      const matcher::ShardDocument at = matcher::shard_document(shards_, docs_[d].docid);
      if (sequences_[static_cast<std::size_t>(&at.shard - shards_.data())].read(at.docid,
                                                                                positions_))
        return positions_;
    }
    if (body_positions_ != nullptr) {
      body_positions_->positions_by_record(db_, docs_[d].docid, pairs_.words, positions_);
      return positions_;
    }
    if (holds_.empty()) walk_postings();
    std::fill(read_.begin(), read_.end(), 0);
    for (auto& list : positions_) list.clear();
    for (const WordPair& pair : pairs_.pairs) {
      if (!holds_[pair.first][d] || !holds_[pair.second][d]) continue;
      for (const std::size_t w : {pair.first, pair.second})
        if (!read_[w]) {
          positions_[w] = positions(db_, docs_[d].docid, pairs_.words[w]);
          read_[w] = 1;
        }
    }
    return positions_;
  }

 private:
  // Which of the passages hold each word, from one walk of the word's postings in docid order,
  // made at the first passage read from Xapian: a position-list lookup costs a fresh B-tree
  // cursor (about 4 000 instructions), and many passages of a list ranked by several words
  // lack one of them.
  void walk_postings() {
    std::vector<std::pair<Xapian::docid, std::size_t>> by_docid(depth_);
    for (std::size_t d = 0; d < depth_; ++d) by_docid[d] = {docs_[d].docid, d};
    std::sort(by_docid.begin(), by_docid.end());
    holds_.assign(pairs_.words.size(), std::vector<char>(depth_, 0));
    for (std::size_t w = 0; w < pairs_.words.size(); ++w) {
      auto posting = db_.postlist_begin(pairs_.words[w]);
      const auto end = db_.postlist_end(pairs_.words[w]);
      for (const auto& [docid, d] : by_docid) {
        posting.skip_to(docid);
        if (posting == end) break;
        if (*posting == docid) holds_[w][d] = 1;
      }
    }
  }

  const Xapian::Database& db_;
  std::span<const matcher::LocalShard> shards_;
  const matcher::BodyPositions* body_positions_;
  const WordPairs& pairs_;
  const std::vector<matcher::ScoredDoc>& docs_;
  std::size_t depth_;
  std::vector<SequencePositions> sequences_;  // one a shard
  std::vector<std::vector<char>> holds_;      // by word, then passage; walked when first needed
  std::vector<std::vector<Xapian::termpos>> positions_;  // the last passage's, by word
  std::vector<char> read_;                               // which of them Xapian gave
};

}  // namespace

void rerank(const Xapian::Database& db, std::span<const matcher::LocalShard> shards,
            const matcher::BodyPositions* body_positions, const std::vector<std::string>& terms,
            const Parameters& parameters, std::size_t depth, std::vector<matcher::ScoredDoc>& docs,
            std::vector<std::string>& collapse_keys) {
  depth = std::min(depth, docs.size());
  if (depth < 2 || parameters.scale <= 0) return;
  const WordPairs pairs = word_pairs(db, terms);
  if (pairs.pairs.empty()) return;
  const Xapian::doccount documents = db.get_doccount();
  const double average = db.get_avlength();
  PassagePositions passage_positions(db, shards, body_positions, pairs, docs, depth);
  for (std::size_t d = 0; d < depth; ++d) {
    const std::vector<std::vector<Xapian::termpos>>& word_positions = passage_positions.of(d);
    double length = -1;  // read only for a passage with a window
    double added = 0;
    for (const WordPair& pair : pairs.pairs) {
      const auto& first = word_positions[pair.first];
      const auto& second = word_positions[pair.second];
      if (first.empty() || second.empty()) continue;
      const unsigned ordered = ordered_matches(first, second);
      const unsigned unordered = unordered_matches(first, second, parameters.unordered_window);
      if (unordered == 0) continue;  // an ordered window is an unordered one too
      if (length < 0) length = db.get_doclength(docs[d].docid);
      added += parameters.ordered_weight *
                   window_weight(ordered, length, average, pair.passages, documents, parameters) +
               parameters.unordered_weight *
                   window_weight(unordered, length, average, pair.passages, documents, parameters);
    }
    docs[d].score += parameters.scale * added;
  }
  sort_first(depth, docs, collapse_keys);
}

}  // namespace kavosh::search::proximity
