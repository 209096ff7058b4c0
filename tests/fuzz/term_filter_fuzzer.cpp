// libFuzzer target: TermFilter::read on a real terms.bloom with the fuzzer's edits (bytes
// flipped, the file cut or extended; fuzz_support.hpp mutate()). Invariants beyond the
// sanitizers': read() never throws; a filter it accepts whose bit array was not edited says
// "maybe" for every term of the index (a "no" would make a query miss documents: a wrong
// answer); an accepted filter's size fields describe the file.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <optional>
#include <string>

#include "fuzz_support.hpp"
#include "kavosh/format/term_filter.hpp"

using kavosh::fuzz::require;
using kavosh::index::TermFilter;

// The index is built before the first input, so its build (seconds on a loaded machine) is
// not counted against -timeout as that input's time.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  kavosh::fuzz::side_file_index();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::filesystem::path index = kavosh::fuzz::side_file_index();
  static const Xapian::Database database(index.string());
  static const std::string pristine =
      kavosh::fuzz::read_whole(kavosh::index::term_filter_path(index));
  static const std::filesystem::path scratch = index / "fuzzed.bloom";
  static const std::vector<std::string> terms = kavosh::fuzz::all_terms(database);
  // The header: fixed fields, then the UUID; the bit array follows it.
  static const std::size_t bits_offset = 48 + database.get_uuid().size();

  static const bool pristine_reads =
      TermFilter::read(kavosh::index::term_filter_path(index), database).has_value();
  require(pristine_reads, "the pristine terms.bloom does not read");

  std::string file = pristine;
  kavosh::fuzz::mutate(file, data, size);
  kavosh::fuzz::write_whole(scratch, file);
  try {
    const std::optional<TermFilter> filter = TermFilter::read(scratch, database);
    if (!filter) return 0;
    require(file.size() == bits_offset + filter->bits() / 8, "accepted a file of another size");
    const bool bits_intact =
        file.compare(bits_offset, std::string::npos, pristine, bits_offset, std::string::npos) == 0;
    // Edits in the header only (or none): the filter must still hold every term. A flipped
    // bit in the array itself is not detectable without reading it all (README: Limits).
    if (bits_intact) {
      for (const std::string& term : terms)
        require(filter->may_hold(term), "an accepted filter rules out a term the index holds");
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected exception: %s\n", e.what());
    require(false, "TermFilter::read threw");
  }
  return 0;
}
