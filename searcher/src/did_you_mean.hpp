#pragma once
// "Did you mean": a search that finds few matches, with a typed word the index does not hold,
// gets the query with that word replaced by the index's spelling suggestion.
#include <xapian.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/search/query.hpp"
#include "kavosh/xapian/open_database.hpp"

namespace kavosh::search {

class DidYouMean {
 public:
  explicit DidYouMean(std::filesystem::path index_path);

  // The corrected query, or "" when there is nothing to correct.
  std::string suggest(analysis::Analyzer& analyzer, const Xapian::Database& db,
                      const std::string& query, const BuiltQuery& built,
                      Xapian::doccount matches_lower_bound);

 private:
  std::string corrected_query(analysis::Analyzer& analyzer, const Xapian::Database& db,
                              const std::string& query, const BuiltQuery& built);
  Xapian::Database& dictionary();

  std::filesystem::path index_path_;
  std::optional<Xapian::Database> dictionary_;       // opened on the first unknown word
  std::vector<std::filesystem::path> version_file_;  // the dictionary's; none without an index
  CommitStamps opened_;  // version_file_'s stamp before dictionary_ was last (re)opened
};

}  // namespace kavosh::search
