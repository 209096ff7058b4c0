#include "records.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kavosh/format/record_dictionary.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/stored_passage.hpp"

namespace kavosh::search {

namespace schema = kavosh::index::schema;

namespace {

// Wildcard prefixes become the index terms completing them (what Xapian's wildcard expansion
// matched), so snippets still match by hash; with more completions than this, snippets
// analyse each hit's text instead.
constexpr std::size_t kMaxSnippetCompletions = 512;

void complete_prefixes(const Xapian::Database& db, std::span<const matcher::LocalShard> shards,
                       SnippetQuery& query) {
  bool expanded = true;
  for (const auto& prefix : query.prefixes) {
    if (!expanded) break;
    // One more than may be taken: that one says there are too many.
    const std::size_t room = kMaxSnippetCompletions - query.completions.size() + 1;
    for (auto& [term, termfreq] : matcher::completions(db, shards, prefix, room)) {
      expanded = query.completions.size() < kMaxSnippetCompletions;
      if (!expanded) break;
      query.completions.push_back(std::move(term));
    }
  }
  query.prefixes_expanded = expanded;
  if (!expanded) query.completions.clear();
}

// The stored records of all hits, read in docid order through one value stream: its cursor
// keeps the B-tree blocks it has read, where a get_value() per document walks (and reads) the
// tree from the root again.
std::vector<std::string> read_records(const Xapian::Database& db, const Ranking& ranking) {
  std::vector<std::pair<Xapian::docid, std::size_t>> by_docid;
  for (const auto& doc : ranking.docs) by_docid.emplace_back(doc.docid, by_docid.size());
  std::sort(by_docid.begin(), by_docid.end());
  std::vector<std::string> records(by_docid.size());
  auto value = db.valuestream_begin(schema::kSlotStoredPassage);
  for (const auto& [docid, hit_index] : by_docid) {
    if (value == db.valuestream_end(schema::kSlotStoredPassage)) break;
    value.skip_to(docid);
    if (value != db.valuestream_end(schema::kSlotStoredPassage) && value.get_docid() == docid)
      records[hit_index] = *value;
  }
  return records;
}

// From the match data when the index has it (flat arrays); otherwise each value read costs a
// value-stream seek: collapsing has read the article id already; without several passages
// to an article, an article's only passage is number 0. The ranking holds documents of the
// revision open, so opening one need not read its record to check that it exists.
void fill_ids(const Xapian::Database& db, std::span<const matcher::LocalShard> match_shards,
              const Ranking& ranking, std::size_t i, bool single_passages, Hit& hit) {
  const Xapian::docid docid = ranking.docs[i].docid;
  if (!match_shards.empty()) {
    const auto [shard, shard_docid] = matcher::shard_document(match_shards, docid);
    hit.article = ranking.collapse_keys.empty() ? std::string(shard.data->article_id(shard_docid))
                                                : ranking.collapse_keys[i];
    hit.passage = shard.data->passage(shard_docid);
    return;
  }
  const Xapian::Document doc = db.get_document(docid, Xapian::DOC_ASSUME_VALID);
  hit.article = ranking.collapse_keys.empty() ? doc.get_value(schema::kSlotArticleId)
                                              : ranking.collapse_keys[i];
  if (single_passages) return;
  const std::string passage_no = doc.get_value(schema::kSlotPassageNo);
  if (!passage_no.empty())
    hit.passage = static_cast<unsigned>(Xapian::sortable_unserialise(passage_no));
}

// The stored record holds the ids too, so with it the id slots are not read.
void fill_from_record(const Xapian::Database& db, const std::filesystem::path& index_path,
                      Xapian::docid docid, const std::string& stored,
                      const index::RecordDictionaries* dictionaries, HitSnippets* snippets,
                      Hit& hit) {
  try {
    thread_local std::string body;  // a compressed record's body, kept for its capacity
    const index::StoredPassageView data =
        index::StoredPassageView::parse(stored, body, dictionaries);
    hit.article = data.article;
    hit.passage = data.passage;
    hit.title = data.title;
    hit.section = data.section;
    hit.lang = data.lang;
    if (snippets) {
      Snippet s = snippets->maker.make(data, snippets->query);
      hit.snippet = std::move(s.text);
      hit.highlights = std::move(s.highlights);
    }
  } catch (const index::CorruptStoredPassage& e) {
    throw std::runtime_error(index_path.string() + ", passage of article " +
                             db.get_document(docid).get_value(schema::kSlotArticleId) + " (docid " +
                             std::to_string(docid) + "): " + e.what());
  }
}

}  // namespace

// Without hits there is nothing to read or cut: the value stream and wildcard completions
// cost a zero-hit query more than its match on a small index.
std::optional<HitSnippets> hit_snippets(analysis::Analyzer& analyzer, const Xapian::Database& db,
                                        std::span<const matcher::LocalShard> match_shards,
                                        const SearchRequest& r, const BuiltQuery& built,
                                        const Ranking& ranking) {
  if (!r.snippets || ranking.docs.empty()) return std::nullopt;
  SnippetQuery query{built.highlight_terms, built.highlight_prefixes, built.highlight_phrases};
  if (!query.prefixes.empty()) complete_prefixes(db, match_shards, query);
  const double passages = static_cast<double>(std::max<Xapian::doccount>(db.get_doccount(), 1));
  SnippetMaker maker(analyzer, SnippetOptions{r.snippet_words, r.snippet_bytes},
                     [&db, match_shards, passages](const std::string& key) {
                       const double frequency = matcher::termfreq(db, match_shards, key);
                       return std::log((passages + 1) / (frequency + 0.5));
                     });
  return HitSnippets{std::move(maker), std::move(query)};
}

bool reads_records(const SearchRequest& r, const Ranking& ranking) {
  return (r.hit_details || r.snippets) && !ranking.docs.empty();
}

std::vector<Hit> make_hits(const Xapian::Database& db,
                           std::span<const matcher::LocalShard> match_shards,
                           const std::filesystem::path& index_path, const SearchRequest& r,
                           const Ranking& ranking, bool single_passages,
                           const index::RecordDictionaries* dictionaries, HitSnippets* snippets) {
  const bool read_stored = reads_records(r, ranking);
  std::vector<std::string> records;
  if (read_stored) records = read_records(db, ranking);
  std::vector<Hit> hits;
  for (std::size_t i = 0; i < ranking.docs.size(); ++i) {
    Hit hit;
    hit.rank = r.offset + static_cast<unsigned>(i) + 1;
    hit.score = ranking.docs[i].score;
    if (!read_stored)
      fill_ids(db, match_shards, ranking, i, single_passages, hit);
    else
      fill_from_record(db, index_path, ranking.docs[i].docid, records[i], dictionaries, snippets,
                       hit);
    hit.id = schema::passage_id(hit.article, hit.passage);
    hits.push_back(std::move(hit));
  }
  return hits;
}

}  // namespace kavosh::search
