#include "matcher/best_postings.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace kavosh::search::matcher {

namespace {

struct Ranked {
  double saturation;
  Xapian::docid docid;
  std::uint32_t wdf;
  std::uint32_t length;
};

// As a heap's order, keeps the worst posting at the front: the one a better posting evicts.
bool better(const Ranked& a, const Ranked& b) { return a.saturation > b.saturation; }

// The postings kept so far: the best `kept` by saturation, the worst of them at the front; and
// the best left out (a posting, or a block bound that bounds the postings it stands for).
class Selection {
 public:
  explicit Selection(std::uint32_t kept) : kept_(kept) { heap_.reserve(kept); }
  bool full() const { return heap_.size() >= kept_; }
  double worst_kept() const { return heap_.front().saturation; }
  void offer(const Ranked& posting) {
    if (!full()) {
      heap_.push_back(posting);
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (posting.saturation > heap_.front().saturation) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      leave_out(heap_.back());
      heap_.back() = posting;
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else {
      leave_out(posting);
    }
  }
  void leave_out(const Ranked& posting) {
    if (posting.saturation > best_left_out_.saturation) best_left_out_ = posting;
  }
  // Kept postings in docid order (at least one: the list has more than it keeps).
  BestPostings take(const index::MatchData& data) && {
    std::vector<TermCursor::Posting> postings;
    postings.reserve(heap_.size());
    for (const Ranked& posting : heap_) postings.emplace_back(posting.docid, posting.wdf);
    std::sort(postings.begin(), postings.end());
    const Ranked& best = *std::max_element(
        heap_.begin(), heap_.end(),
        [](const Ranked& a, const Ranked& b) { return a.saturation < b.saturation; });
    TermCursor cursor(postings, data);
    std::optional<index::MatchData::Impact> left_out;
    if (best_left_out_.saturation >= 0)
      left_out = index::MatchData::Impact{best_left_out_.wdf, best_left_out_.length};
    return {std::move(postings), {best.wdf, best.length}, std::move(cursor), left_out};
  }

 private:
  std::uint32_t kept_;
  std::vector<Ranked> heap_;
  Ranked best_left_out_{-1, 0, 0, 0};  // a saturation below 0: none yet (every one is at least 0)
};

// Blocks in the order of their best impact, so that the best postings come first and the blocks
// after the kept ones' worst are left out undecoded, each by its best impact (a bound of its
// postings: for `of` on the 1 GB bench, reading all 682 873 postings took 90 instructions a
// posting).
BestPostings choose(const index::MatchData& data, const index::MatchData::TermBlocks& blocks,
                    const Bm25Clause& weight, std::uint32_t kept) {
  Selection selection(kept);
  std::vector<Ranked> block_best(blocks.blocks.size());  // docid: the block's number
  for (std::size_t b = 0; b < blocks.blocks.size(); ++b) {
    const index::MatchData::Block& block = blocks.blocks[b];
    Ranked best{-1, static_cast<Xapian::docid>(b), 0, 0};
    for (std::uint32_t i = 0; i < block.impact_count; ++i) {
      const index::MatchData::Impact& impact = blocks.impacts[block.first_impact + i];
      const double saturation = weight.saturation(impact.wdf, impact.length);
      if (saturation > best.saturation) best = {saturation, best.docid, impact.wdf, impact.length};
    }
    block_best[b] = best;
  }
  std::sort(block_best.begin(), block_best.end(),
            [](const Ranked& a, const Ranked& b) { return a.saturation > b.saturation; });
  std::array<std::uint32_t, index::MatchData::kBlockSize> docids, wdfs;
  for (const Ranked& block : block_best) {
    if (selection.full() && block.saturation <= selection.worst_kept()) {
      selection.leave_out(block);  // and every later block, whose best is no better
      break;
    }
    const std::uint32_t count =
        index::MatchData::decode_block(blocks, block.docid, docids.data(), wdfs.data());
    for (std::uint32_t i = 0; i < count; ++i) {
      const std::uint32_t length = data.length(docids[i]);
      const std::uint32_t wdf = std::min(wdfs[i], length);
      selection.offer({weight.saturation(wdf, length), docids[i], wdfs[i], length});
    }
  }
  return std::move(selection).take(data);
}

}  // namespace

std::shared_ptr<const BestPostings> BestPostingsCache::best(const index::MatchData& data,
                                                            const std::string& term,
                                                            const Bm25Clause& weight) {
  const auto postings = data.posting_count(term);
  if (!postings || *postings < sizes_.least_list || *postings <= sizes_.kept) return nullptr;
  const auto found = entries_.find(term);
  if (found != entries_.end() && found->second.order.same_saturation(weight))
    return found->second.best;
  const index::MatchData::TermBlocks blocks = data.blocks(term);
  if (blocks.blocks.empty()) return nullptr;
  if (found == entries_.end() && entries_.size() >= kMaxTerms) entries_.clear();
  auto best = std::make_shared<const BestPostings>(choose(data, blocks, weight, sizes_.kept));
  entries_.insert_or_assign(term, Entry{weight, best});
  return best;
}

}  // namespace kavosh::search::matcher
