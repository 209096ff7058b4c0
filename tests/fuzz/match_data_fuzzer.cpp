// libFuzzer target: MatchData::read on a real match.data with the fuzzer's edits (bytes
// flipped, the file cut or extended; fuzz_support.hpp mutate()). Invariants beyond the
// sanitizers': read() never throws, part_bytes() (for --stats) sums to the file's size or says
// nothing, and whatever an accepted file answers equals what the pristine file answers: every
// document's length, article, article id, passage and adjacent-pair filter and every phrase
// check of its token sequence (or none, when a chunk's checksum catches the edit), every
// term's number, and every term's blocks, impacts and decoded postings, and every short list
// (or none, when a checksum catches the edit and the matcher falls back to reading the list
// through Xapian). A different answer would mean a wrong bound and lost documents.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "fuzz_support.hpp"
#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"

using kavosh::fuzz::require;
using kavosh::index::MatchData;

namespace {

template <typename T>
bool same_bytes(std::span<const T> a, std::span<const T> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size_bytes()) == 0;
}

}  // namespace

// The index is built before the first input, so its build (seconds on a loaded machine) is
// not counted against -timeout as that input's time.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kavosh::fuzz::side_file_index();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path index = kavosh::fuzz::side_file_index();
  static const Xapian::Database database(index.string());
  static const std::filesystem::path pristine_file = kavosh::index::match_data_path(index);
  static const std::string pristine_bytes = kavosh::fuzz::read_whole(pristine_file);
  static const std::optional<MatchData> pristine = MatchData::read(pristine_file, database);
  static const std::filesystem::path scratch = index / "fuzzed.match";
  static const std::vector<std::string> terms = kavosh::fuzz::all_terms(database);
  require(pristine.has_value(), "the pristine match.data does not read");
  // Phrases of the index's body terms, one to three long, by their numbers in the pristine file.
  static const std::vector<std::vector<std::uint32_t>> phrases = [&] {
    std::vector<std::uint32_t> numbers;
    for (const std::string& term : terms)
      if (kavosh::index::schema::is_body_term(term))
        if (const auto number = pristine->term_number(term)) numbers.push_back(*number);
    std::vector<std::vector<std::uint32_t>> out;
    for (std::size_t i = 0; i < numbers.size() && out.size() < 24; i += 7) {
      out.push_back({numbers[i]});
      if (i + 1 < numbers.size()) out.push_back({numbers[i], numbers[i + 1]});
      if (i + 2 < numbers.size()) out.push_back({numbers[i + 2], numbers[i], numbers[i + 1]});
    }
    return out;
  }();

  std::string file = pristine_bytes;
  kavosh::fuzz::mutate(file, data, size);
  kavosh::fuzz::write_whole(scratch, file);
  {  // --stats reads any file's header: its parts are the file's bytes, or there are none
    std::uint64_t parts = 0;
    for (const auto& part : MatchData::part_bytes(scratch)) parts += part.second;
    require(parts == 0 || parts == file.size(), "match.data's parts do not sum to its size");
  }
  try {
    const std::optional<MatchData> fuzzed = MatchData::read(scratch, database);
    if (!fuzzed) return 0;
    std::vector<std::vector<Xapian::termpos>> fuzzed_positions, pristine_positions;
    for (Xapian::docid docid = 0; docid <= database.get_lastdocid() + 1; ++docid) {
      require(fuzzed->length(docid) == pristine->length(docid), "a document length changed");
      require(fuzzed->article(docid) == pristine->article(docid), "a document article changed");
      require(fuzzed->article_id(docid) == pristine->article_id(docid),
              "a document's article id changed");
      require(fuzzed->passage(docid) == pristine->passage(docid),
              "a document's passage number changed");
      // A filter read back other than written could rule out a phrase that holds.
      const std::span<const unsigned char> filter = fuzzed->adjacent_pairs(docid);
      require(filter.empty() || same_bytes(filter, pristine->adjacent_pairs(docid)),
              "a document's adjacent-pair filter changed");
      // A phrase check other than the pristine file's would drop or invent a match.
      for (const std::vector<std::uint32_t>& phrase : phrases) {
        const std::optional<bool> holds = fuzzed->phrase_holds(docid, phrase);
        require(!holds || holds == pristine->phrase_holds(docid, phrase),
                "a document's phrase check changed");
        // Positions other than the pristine file's would make a NEAR hold or fail wrongly.
        if (fuzzed->positions(docid, phrase, fuzzed_positions)) {
          require(pristine->positions(docid, phrase, pristine_positions) &&
                      fuzzed_positions == pristine_positions,
                  "a document's positions changed");
        }
      }
    }
    for (const std::string& term : terms) {
      const std::optional<std::uint32_t> number = fuzzed->term_number(term);
      require(!number || number == pristine->term_number(term), "a term's number changed");
      const MatchData::TermBlocks got = fuzzed->blocks(term);
      if (got.blocks.empty()) {
        // A short list, or a long one the checksum caught: either is what the pristine file
        // says, or unknown (the matcher then reads it through Xapian).
        std::vector<std::pair<Xapian::docid, std::uint32_t>> got_short, want_short;
        if (fuzzed->short_postings(term, got_short)) {
          require(pristine->blocks(term).blocks.empty(), "a long list read as a short one");
          require(pristine->short_postings(term, want_short) && got_short == want_short,
                  "a short list changed");
        }
        continue;
      }
      const MatchData::TermBlocks want = pristine->blocks(term);
      require(same_bytes(got.blocks, want.blocks), "a term's blocks changed");
      require(same_bytes(got.whole, want.whole), "a term's impacts changed");
      for (const MatchData::Block& block : got.blocks) {
        require(block.first_impact <= got.impacts.size() &&
                    block.impact_count <= got.impacts.size() - block.first_impact,
                "a block's impacts outside the array");
        require(same_bytes(got.impacts.subspan(block.first_impact, block.impact_count),
                           want.impacts.subspan(block.first_impact, block.impact_count)),
                "a block's impacts changed");
      }
      std::uint32_t got_docids[MatchData::kBlockSize], got_wdfs[MatchData::kBlockSize];
      std::uint32_t want_docids[MatchData::kBlockSize], want_wdfs[MatchData::kBlockSize];
      for (std::size_t block = 0; block < got.blocks.size(); ++block) {
        const std::uint32_t count = MatchData::decode_block(got, block, got_docids, got_wdfs);
        require(count == MatchData::decode_block(want, block, want_docids, want_wdfs) &&
                    std::memcmp(got_docids, want_docids, count * 4) == 0 &&
                    std::memcmp(got_wdfs, want_wdfs, count * 4) == 0,
                "a block's postings changed");
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "MatchData::read or a lookup threw");
  }
  return 0;
}
