// MatchData: the lengths, articles, block bounds and postings the searcher's matcher reads are
// exactly the index's, and a stale, truncated or tampered file is never read.
#include "kavosh/format/match_data.hpp"

#include <gtest/gtest.h>
#include <xapian.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "kavosh/format/schema.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::TempDir;

// `count` documents of varying length: "common" in every one (wdf 1 + i % 5), "rare" in every
// hundredth, articles of three passages each (passages 0, 1, 2).
void fill_common_and_rare(const std::filesystem::path& path, int count) {
  Xapian::WritableDatabase db(path.string(), Xapian::DB_CREATE_OR_OPEN);
  for (int i = 0; i < count; ++i) {
    Xapian::Document doc;
    doc.add_term("common", 1 + i % 5);
    doc.add_term("filler", 1 + i % 7);
    if (i % 100 == 0) doc.add_term("rare");
    doc.add_value(schema::kSlotArticleId, "article-" + std::to_string(i / 3));
    doc.add_value(schema::kSlotPassageNo, Xapian::sortable_serialise(i % 3));
    db.add_document(doc);
  }
  db.commit();
}

// A database at dir/db of `count` documents, the i-th made by add(doc, i), with its match
// data written and read back (none when the file was refused).
struct Written {
  Xapian::Database db;
  std::optional<MatchData> data;
};
Written written(const TempDir& dir, unsigned count,
                const std::function<void(Xapian::Document&, unsigned)>& add) {
  {
    Xapian::WritableDatabase db((dir / "db").string(), Xapian::DB_CREATE_OR_OPEN);
    for (unsigned i = 0; i < count; ++i) {
      Xapian::Document doc;
      add(doc, i);
      db.add_document(doc);
    }
    db.commit();
  }
  Xapian::Database db((dir / "db").string());
  MatchData::write(db, match_data_path(dir.path()));
  auto data = MatchData::read(match_data_path(dir.path()), db);
  return {db, std::move(data)};
}

TEST(MatchData, HoldsTheIndexLengthsArticlesAndBlockBounds) {
  TempDir dir;
  fill_common_and_rare(dir / "db", 1000);
  Xapian::Database db((dir / "db").string());
  MatchData::write(db, match_data_path(dir.path()));
  const auto data = MatchData::read(match_data_path(dir.path()), db);
  ASSERT_TRUE(data);
  for (Xapian::docid docid = 1; docid <= 1000; ++docid) {
    EXPECT_EQ(data->length(docid), db.get_doclength(docid));
    EXPECT_EQ(data->article(docid), data->article((docid - 1) / 3 * 3 + 1)) << docid;
    EXPECT_EQ(data->article_id(docid), db.get_document(docid).get_value(schema::kSlotArticleId));
    EXPECT_EQ(data->passage(docid), (docid - 1) % 3) << docid;
  }
  EXPECT_NE(data->article(1), data->article(4));
  EXPECT_EQ(data->length(5000), 0u);
  EXPECT_EQ(data->article_id(5000), "");
  EXPECT_EQ(data->passage(5000), 0u);

  // "common" has 1000 postings: 8 blocks of 128 (the last short), each holding exactly the
  // competitive (wdf, length) pairs of its postings.
  const auto common = data->blocks("common");
  ASSERT_EQ(common.blocks.size(), 8u);
  auto posting = db.postlist_begin("common");
  for (const auto& block : common.blocks) {
    std::vector<MatchData::Impact> points;
    Xapian::docid last = 0;
    for (unsigned i = 0; i < MatchData::kBlockSize && posting != db.postlist_end("common");
         ++i, ++posting) {
      points.push_back({posting.get_wdf(), posting.get_doclength()});
      last = *posting;
    }
    EXPECT_EQ(block.last_docid, last);
    const auto impacts = common.impacts.subspan(block.first_impact, block.impact_count);
    for (const auto& point : points) {  // every posting is beaten or equalled by an impact
      EXPECT_TRUE(std::any_of(impacts.begin(), impacts.end(), [&](const MatchData::Impact& impact) {
        return impact.wdf >= point.wdf && impact.length <= point.length;
      }));
    }
    for (const auto& impact : impacts) {  // and every impact is a posting
      EXPECT_TRUE(std::any_of(points.begin(), points.end(), [&](const MatchData::Impact& point) {
        return impact.wdf == point.wdf && impact.length == point.length;
      }));
    }
  }
  ASSERT_FALSE(common.whole.empty());
  EXPECT_EQ(common.whole.front().wdf, 5u);
  // Lists under two blocks have none: the matcher reads them whole.
  EXPECT_TRUE(data->blocks("rare").blocks.empty());
  EXPECT_TRUE(data->blocks("absent").blocks.empty());
}

// Every posting of `term` decoded from its blocks, in order.
std::vector<std::pair<Xapian::docid, Xapian::termcount>> decoded_postings(const MatchData& data,
                                                                          const std::string& term) {
  std::vector<std::pair<Xapian::docid, Xapian::termcount>> out;
  const auto blocks = data.blocks(term);
  std::vector<std::uint32_t> docids(MatchData::kBlockSize), wdfs(MatchData::kBlockSize);
  for (std::size_t block = 0; block < blocks.blocks.size(); ++block) {
    const std::uint32_t count = MatchData::decode_block(blocks, block, docids.data(), wdfs.data());
    EXPECT_EQ(docids[count - 1], blocks.blocks[block].last_docid) << term << " block " << block;
    for (std::uint32_t i = 0; i < count; ++i) out.emplace_back(docids[i], wdfs[i]);
  }
  return out;
}

std::vector<std::pair<Xapian::docid, Xapian::termcount>> xapian_postings(const Xapian::Database& db,
                                                                         const std::string& term) {
  std::vector<std::pair<Xapian::docid, Xapian::termcount>> out;
  for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
    out.emplace_back(*it, it.get_wdf());
  return out;
}

TEST(MatchData, BlocksDecodeToExactlyTheTermsPostings) {
  TempDir dir;
  // Packed widths from 0 bits to 32: a term in every document with wdf 1 (gaps 0 bits wide),
  // one with wdfs up to 2^31 and docid gaps of up to a thousand, a boolean term (wdf 0), and
  // a list whose last block is one posting long.
  const auto [db, data] = written(dir, 5000, [](Xapian::Document& doc, unsigned i) {
    doc.add_term("every");
    if (i % 2 == 0) doc.add_boolean_term("Leven");
    if (i < 300 || i % 997 == 0 || (i > 4000 && i % 3 == 0))
      doc.add_term("wide", i < 300 ? 1u + (1u << (i % 32)) - 1 : 1u + i);
    if (i < 2 * MatchData::kBlockSize + 1) doc.add_term("odd", 1 + i % 3);
  });
  ASSERT_TRUE(data);
  for (const std::string term : {"every", "Leven", "wide", "odd"}) {
    ASSERT_FALSE(data->blocks(term).blocks.empty()) << term;
    EXPECT_EQ(decoded_postings(*data, term), xapian_postings(db, term)) << term;
  }
  EXPECT_EQ(data->blocks("odd").blocks.size(), 3u);
}

// The searcher's planner takes each term's document frequency from the file instead of a
// B-tree lookup in Xapian's postlist table: it must be Xapian's, for lists with blocks (full
// ones and a last one posting long), short ones, boolean ones, and 0 for a term the index
// lacks.
TEST(MatchData, PostingCountsAreXapiansTermFrequencies) {
  TempDir dir;
  const auto [db, data] = written(dir, 3000, [](Xapian::Document& doc, unsigned i) {
    doc.add_term("every");
    if (i % 2 == 0) doc.add_boolean_term("Leven");
    if (i < 2 * MatchData::kBlockSize + 1) doc.add_term("odd", 1 + i % 3);
    if (i % 17 == 0) doc.add_term("sparse" + std::to_string(i % 5));
    if (i == 1234) doc.add_term("once");
  });
  ASSERT_TRUE(data);
  for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
    const auto count = data->posting_count(*it);
    ASSERT_TRUE(count) << *it;
    EXPECT_EQ(*count, it.get_termfreq()) << *it;
  }
  EXPECT_EQ(data->posting_count("absent"), std::optional<Xapian::doccount>(0));
  EXPECT_EQ(data->posting_count(""), std::optional<Xapian::doccount>(0));
}

// Every list too short for blocks is in the file, front-coded in groups: terms that share
// prefixes, prefixes of one another, many groups, wdfs from 0 (a boolean term) to 2^31 and
// docid gaps of thousands. Terms the index lacks are said to be absent, not unknown.
TEST(MatchData, ShortListsDecodeToExactlyTheTermsPostings) {
  TempDir dir;
  const auto [db, data] = written(dir, 4000, [](Xapian::Document& doc, unsigned i) {
    doc.add_term("every");
    doc.add_term("word" + std::to_string(i % 150), 1 + i % 4);
    if (i % 20 == 0) doc.add_term("w" + std::to_string(i % 7));
    if (i % 500 == 0) doc.add_term("wor");
    if (i % 1000 == 3) doc.add_term("wide", i == 3 ? 1u << 31 : 1 + i);
    if (i % 2 == 0) doc.add_boolean_term("Lfa");
    if (i == 3999) doc.add_term("zzz");
  });
  ASSERT_TRUE(data);
  unsigned short_terms = 0;
  for (auto term = db.allterms_begin(); term != db.allterms_end(); ++term) {
    if (!data->blocks(*term).blocks.empty()) continue;
    ++short_terms;
    std::vector<std::pair<Xapian::docid, std::uint32_t>> got;
    ASSERT_TRUE(data->short_postings(*term, got)) << *term;
    std::vector<std::pair<Xapian::docid, std::uint32_t>> expected;
    for (auto it = db.postlist_begin(*term); it != db.postlist_end(*term); ++it)
      expected.emplace_back(*it, it.get_wdf());
    EXPECT_EQ(got, expected) << *term;
  }
  EXPECT_EQ(short_terms, 150u + 7u + 3u);  // word*, w*, wor, wide, zzz
  for (const std::string absent : {"", "a", "word", "word1499", "word99x", "wz", "zzzz", "~"}) {
    std::vector<std::pair<Xapian::docid, std::uint32_t>> got;
    EXPECT_TRUE(data->short_postings(absent, got)) << absent;
    EXPECT_TRUE(got.empty()) << absent;
  }
}

// A wildcard's expansion read from the file instead of a walk of Xapian's postlist B-tree:
// for every prefix, the terms Xapian's allterms_begin(prefix) gives, in its order, with its
// termfreqs, across lists with blocks and short lists, many groups of short lists, a prefix
// that is itself a term, one inside a group, one spanning groups, and prefixes nothing has.
TEST(MatchData, CompletionsAreXapiansExpansion) {
  TempDir dir;
  const auto [db, data] = written(dir, 4000, [](Xapian::Document& doc, unsigned i) {
    doc.add_term("every");
    doc.add_term("word" + std::to_string(i % 150), 1 + i % 4);
    if (i % 2 == 0) doc.add_term("wordy");  // blocks among the short word* lists
    if (i % 20 == 0) doc.add_term("w" + std::to_string(i % 7));
    if (i % 500 == 0) doc.add_term("wor");
    if (i % 3 == 0) doc.add_term("work");
    if (i % 2 == 0) doc.add_boolean_term("Lfa");
    if (i == 3999) doc.add_term("zzz");
  });
  ASSERT_TRUE(data);
  for (const std::string prefix :
       {"", "L", "Lfa", "e", "w", "wo", "wor", "word", "word1", "word14", "word149", "wordy",
        "wordz", "work", "x", "z", "zzz", "zzzz", "~"}) {
    std::vector<std::pair<std::string, Xapian::doccount>> expected;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it)
      expected.emplace_back(*it, it.get_termfreq());
    const auto got = data->completions(prefix);
    ASSERT_TRUE(got) << prefix;
    EXPECT_EQ(*got, expected) << prefix;
  }
}

// A matcher skipping through a block decodes its docids only up to each target, resuming
// where it stopped: at any index, in or out of the groups of eight the decoder unrolls.
TEST(MatchData, DocidsDecodedThroughTargetsResumeWhereTheyStopped) {
  TempDir dir;
  const auto [db, data] = written(dir, 3000, [](Xapian::Document& doc, unsigned i) {
    doc.add_term("filler");
    if (i % 3 == 0 || i % 7 == 0) doc.add_term("some");
    if (i % 2 == 0 || i > 2500) doc.add_term("half");
  });
  ASSERT_TRUE(data);
  for (const std::string term : {"some", "half"}) {
    const MatchData::TermBlocks blocks = data->blocks(term);
    ASSERT_FALSE(blocks.blocks.empty()) << term;
    for (std::size_t block = 0; block < blocks.blocks.size(); ++block) {
      std::array<std::uint32_t, MatchData::kBlockSize> whole{}, wdfs{};
      const std::uint32_t count = MatchData::decode_block(blocks, block, whole.data(), wdfs.data());
      // Targets 1 to 13 docids apart: from every kind of index, some stops inside a group.
      for (Xapian::docid step = 1; step <= 13; step += 4) {
        std::array<std::uint32_t, MatchData::kBlockSize> docids{};
        MatchData::DecodedBlock opened = MatchData::open_block(blocks, block);
        for (Xapian::docid target = whole[0]; target <= whole[count - 1] + step; target += step) {
          // As a cursor asks: only for a target past the last docid decoded.
          if (opened.decoded > 0 && docids[opened.decoded - 1] >= target) continue;
          MatchData::decode_docids_through(opened, target, docids.data());
          const auto first_reaching = static_cast<std::uint32_t>(
              std::lower_bound(whole.begin(), whole.begin() + count, target) - whole.begin());
          ASSERT_EQ(opened.decoded, std::min(count, first_reaching + 1))
              << term << " block " << block << " target " << target;
          for (std::uint32_t i = 0; i < opened.decoded; ++i)
            ASSERT_EQ(docids[i], whole[i]) << term << " block " << block << " at " << i;
        }
      }
    }
  }
}

TEST(MatchData, CompetitiveImpactsKeepWhatNoOtherPostingBeatsAndMergeBeyondTheCap) {
  using Impact = MatchData::Impact;
  auto kept = MatchData::competitive_impacts({{1, 10}, {3, 30}, {2, 5}, {3, 40}, {1, 4}, {2, 20}});
  ASSERT_EQ(kept.size(), 3u);
  EXPECT_EQ(kept[0].wdf, 3u);
  EXPECT_EQ(kept[0].length, 30u);
  EXPECT_EQ(kept[1].wdf, 2u);
  EXPECT_EQ(kept[1].length, 5u);
  EXPECT_EQ(kept[2].wdf, 1u);
  EXPECT_EQ(kept[2].length, 4u);
  std::vector<Impact> many;
  for (std::uint32_t i = 1; i <= 20; ++i) many.push_back({i, i * 10});  // none beats another
  kept = MatchData::competitive_impacts(many);
  ASSERT_EQ(kept.size(), MatchData::kMaxImpacts);
  for (const auto& point : many)  // merged pairs still beat or equal every posting
    EXPECT_TRUE(std::any_of(kept.begin(), kept.end(), [&](const Impact& impact) {
      return impact.wdf >= point.wdf && impact.length <= point.length;
    }));
}

TEST(MatchData, IsIgnoredAfterAnotherCommit) {
  TempDir dir;
  fill_common_and_rare(dir / "db", 300);
  MatchData::write(Xapian::Database((dir / "db").string()), match_data_path(dir.path()));
  fill_common_and_rare(dir / "db",
                       1);  // a commit the file does not describe, as after a killed run
  EXPECT_FALSE(
      MatchData::read(match_data_path(dir.path()), Xapian::Database((dir / "db").string())));
}

TEST(MatchData, IsIgnoredForAnotherDatabase) {
  TempDir dir;
  fill_common_and_rare(dir / "a", 300);
  fill_common_and_rare(dir / "b", 300);  // same revision, another UUID
  MatchData::write(Xapian::Database((dir / "a").string()), match_data_path(dir.path()));
  EXPECT_FALSE(
      MatchData::read(match_data_path(dir.path()), Xapian::Database((dir / "b").string())));
}

TEST(MatchData, ATruncatedOrTamperedFileIsNeverRead) {
  TempDir dir;
  fill_common_and_rare(dir / "db", 600);
  Xapian::Database db((dir / "db").string());
  const auto file = match_data_path(dir.path());
  MatchData::write(db, file);
  std::string bytes = testing::read_text(file);
  ASSERT_TRUE(MatchData::read(file, db));
  auto rewrite = [&](const std::string& content) { testing::write_file(file, content); };
  rewrite(bytes.substr(0, bytes.size() - 1));
  EXPECT_FALSE(MatchData::read(file, db)) << "truncated";
  rewrite(bytes.substr(0, 40));
  EXPECT_FALSE(MatchData::read(file, db)) << "header only";
  // Any byte changed: the file is refused, or (a byte of a term's blocks, checked when the
  // term is first looked up) that term has no blocks and its list is read whole.
  // What the untouched file says, copied out (the file is rewritten in place below, and a
  // mapping follows it).
  struct Copy {
    std::vector<std::pair<Xapian::docid, std::vector<std::pair<std::uint32_t, std::uint32_t>>>>
        blocks;
    std::vector<std::pair<Xapian::docid, Xapian::termcount>> postings;
    bool operator==(const Copy&) const = default;
  };
  auto copy = [](const MatchData& data, const std::string& name) {
    const MatchData::TermBlocks term = data.blocks(name);
    Copy out;
    if (!term.blocks.empty()) out.postings = decoded_postings(data, name);
    for (const auto& block : term.blocks) {
      out.blocks.emplace_back(block.last_docid,
                              std::vector<std::pair<std::uint32_t, std::uint32_t>>{});
      for (const auto& impact : term.impacts.subspan(block.first_impact, block.impact_count))
        out.blocks.back().second.emplace_back(impact.wdf, impact.length);
    }
    return out;
  };
  std::map<std::string, Copy> expected_blocks;
  std::vector<std::pair<std::string, Xapian::doccount>> expected_vocabulary;
  std::vector<std::uint32_t> expected_articles;
  std::vector<std::pair<Xapian::docid, std::uint32_t>> expected_rare;
  {
    rewrite(bytes);
    const auto original = MatchData::read(file, db);
    ASSERT_TRUE(original);
    for (const char* term : {"common", "filler"}) expected_blocks[term] = copy(*original, term);
    ASSERT_TRUE(original->short_postings("rare", expected_rare));
    ASSERT_EQ(expected_rare.size(), 6u);
    const auto vocabulary = original->completions("");
    ASSERT_TRUE(vocabulary);
    expected_vocabulary = *vocabulary;
    for (Xapian::docid docid = 1; docid <= 600; ++docid)
      expected_articles.push_back(original->article(docid));
  }
  for (std::size_t at = 0; at < bytes.size(); at += 1 + at / 64) {
    std::string tampered = bytes;
    tampered[at] = static_cast<char>(tampered[at] ^ 0x5A);
    rewrite(tampered);
    const auto data = MatchData::read(file, db);
    if (!data) continue;
    for (Xapian::docid docid = 1; docid <= 600; ++docid) {
      ASSERT_EQ(data->length(docid), db.get_doclength(docid)) << "byte " << at;
      ASSERT_EQ(data->article(docid), expected_articles[docid - 1]) << "byte " << at;
    }
    for (const char* term : {"common", "filler"}) {
      const auto blocks = data->blocks(term);
      EXPECT_TRUE(blocks.blocks.empty() || copy(*data, term) == expected_blocks[term])
          << "byte " << at << " changed the blocks or postings of " << term << " unnoticed";
      // Blocks that fail their checks leave the list unknown, never absent.
      std::vector<std::pair<Xapian::docid, std::uint32_t>> as_short;
      EXPECT_FALSE(blocks.blocks.empty() && data->short_postings(term, as_short))
          << "byte " << at << " made " << term << " a term the index lacks";
    }
    std::vector<std::pair<Xapian::docid, std::uint32_t>> rare;
    EXPECT_TRUE(!data->short_postings("rare", rare) || rare == expected_rare)
        << "byte " << at << " changed the short list of rare unnoticed";
    const auto vocabulary = data->completions("");
    EXPECT_TRUE(!vocabulary || *vocabulary == expected_vocabulary)
        << "byte " << at << " changed the terms or their counts unnoticed";
  }
  rewrite(bytes);
  EXPECT_TRUE(MatchData::read(file, db));
}

}  // namespace
}  // namespace kavosh::index
