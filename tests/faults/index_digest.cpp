// kavosh-index-digest DB: what the fault script (kill_during_indexing.sh) compares between an
// interrupted and an uninterrupted run, and what it checks after every kill. One "key: value"
// line each:
//   documents, total length, terms (distinct), term digest (a hash of every term, passage
//   ids included, with its term frequency and collection frequency);
//   revision (or "none" for a first run's stub of shards);
//   terms.bloom / match.data: the revision their header names, or "absent";
//   spelling words the index does not hold (the dictionary may lag the index, never lead it).
// Exit 1 with one line on stderr when the database cannot be opened.
#include <xapian.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <unordered_set>

#include "kavosh/format/match_data.hpp"
#include "kavosh/format/schema.hpp"
#include "kavosh/format/term_filter.hpp"

namespace {

std::uint64_t mix(std::uint64_t hash, std::string_view bytes) {
  for (unsigned char c : bytes) hash = (hash ^ c) * 0x100000001B3ull;
  return (hash ^ 0xFF) * 0x100000001B3ull;  // a separator, so "ab"+"c" differs from "a"+"bc"
}

// The revision a side file's header names: a little-endian (term filter) or host-order
// (match data, on this host: little-endian too) u64 at `offset`.
std::string header_revision(const std::filesystem::path& file, std::size_t offset) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "absent";
  char bytes[8];
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(bytes, 8)) return "truncated";
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return std::to_string(value);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: kavosh-index-digest DB\n";
    return 2;
  }
  const std::filesystem::path path = argv[1];
  namespace schema = kavosh::index::schema;
  try {
    const Xapian::Database db(path.string());
    std::uint64_t digest = 0xCBF29CE484222325ull;
    std::uint64_t terms = 0;
    std::unordered_set<std::string> spelling_keys;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
      const std::string term = *it;
      ++terms;
      digest = mix(digest, term);
      digest = mix(digest, std::to_string(it.get_termfreq()));
      digest = mix(digest, std::to_string(db.get_collection_freq(term)));
      if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z')) {
        if (auto key = schema::spelling_key(term)) spelling_keys.insert(*key);
      }
    }
    std::cout << "documents: " << db.get_doccount() << "\n";
    std::cout << "total length: " << db.get_total_length() << "\n";
    std::cout << "terms: " << terms << "\n";
    std::cout << "term digest: " << std::hex << digest << std::dec << "\n";
    std::string revision = "none";
    try {
      revision = std::to_string(db.get_revision());
    } catch (const Xapian::Error&) {
    }
    std::cout << "revision: " << revision << "\n";
    std::cout << "terms.bloom revision: "
              << header_revision(kavosh::index::term_filter_path(path), 32) << "\n";
    std::cout << "match.data revision: "
              << header_revision(kavosh::index::match_data_path(path), 16) << "\n";
    std::uint64_t unknown_spellings = 0;
    const auto dictionary = schema::spelling_path(path);
    if (std::filesystem::is_directory(dictionary)) {
      const Xapian::Database spelling(dictionary.string());
      for (auto it = spelling.spellings_begin(); it != spelling.spellings_end(); ++it)
        unknown_spellings += spelling_keys.count(*it) == 0;
    }
    std::cout << "spelling words the index does not hold: " << unknown_spellings << "\n";
  } catch (const Xapian::Error& e) {
    std::cerr << "kavosh-index-digest: " << path.string() << ": " << e.get_msg() << "\n";
    return 1;
  }
  return 0;
}
