#pragma once
// Crude text extraction for the analyzer benchmark: passages of English (Wikipedia XML
// <text> bodies, wiki markup left in; Cranfield abstracts) and Persian (ParsiNLU and
// PersianQA passages) from the shared data folder.
#include <filesystem>
#include <string>
#include <vector>

namespace kavosh::bench {

struct TextSample {
  std::string name;      // "english-wikipedia", ...
  std::string language;  // "en" / "fa"
  std::vector<std::string> passages;
  std::size_t bytes() const;
};

// Throws std::runtime_error naming the file when something cannot be read.
TextSample english_wikipedia(const std::filesystem::path& data_dir);
TextSample english_cranfield(const std::filesystem::path& data_dir);
TextSample persian_passages(const std::filesystem::path& data_dir);

}  // namespace kavosh::bench
