#pragma once
// Internal to the indexer library: how databases holding different articles are compacted
// into one (a first run's shard merge, and --compact of a first run's unmerged shards).
#include <xapian.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "kavosh/format/schema.hpp"

namespace kavosh::index {

// Sums the sources' article counts; any other key keeps the first source's value (every
// shard writes the same schema and analysis settings). Xapian's default keeps the first
// value of every key, which counted one shard's articles only.
class ArticleCountMerger : public Xapian::Compactor {
 public:
  std::string resolve_duplicate_metadata(const std::string& key, size_t num_tags,
                                         const std::string tags[]) override {
    // Glass passes its table key: a two-byte user-metadata marker, then the metadata key.
    const std::string_view name = schema::kMetaArticleCount;
    if (key.size() != name.size() + 2 || !std::string_view(key).ends_with(name)) return tags[0];
    std::uint64_t total = 0;
    for (size_t i = 0; i < num_tags; ++i) total += schema::parse_article_count(tags[i]).value_or(0);
    return std::to_string(total);
  }
};

}  // namespace kavosh::index
