// xapian-open-race: opens a glass database again and again while a thread of the same process
// commits small batches to it, and counts how the opens end. With Xapian alone some opens
// throw DatabaseCorruptError ("Expected block N to be level L, not 0") although the database
// is intact (xapian-check finds no error afterwards): the race open_database.hpp describes.
// With --retry each open goes through kavosh::open_readable_database instead.
//
// usage: xapian-open-race DB DOCUMENTS BATCH [--retry]
// Prints one line per outcome ("COUNT  opened" or "COUNT  ErrorType: message", numbers in the
// message shown as N) and exits 0.
#include <xapian.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <thread>

#include "kavosh/xapian/open_database.hpp"

namespace {

bool parse_count(std::string_view text, unsigned& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value > 0;
}

// Sixty pseudo-random words out of 50 000, so that the tables grow to several levels.
Xapian::Document numbered_document(unsigned number) {
  Xapian::Document document;
  unsigned word = number * 2654435761u;
  for (Xapian::termpos position = 1; position <= 60; ++position) {
    word = word * 1103515245u + 12345u;
    document.add_posting("w" + std::to_string(word % 50000), position);
  }
  document.set_data(std::string(200, 'x'));
  return document;
}

// "Expected block 399 to be level 2, not 0" -> "Expected block N to be level N, not N".
std::string without_numbers(const std::string& message) {
  std::string shape;
  for (std::size_t i = 0; i < message.size(); ++i) {
    const bool digit = message[i] >= '0' && message[i] <= '9';
    const bool after_digit = i > 0 && message[i - 1] >= '0' && message[i - 1] <= '9';
    if (!digit)
      shape += message[i];
    else if (!after_digit)
      shape += 'N';
  }
  return shape;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned documents = 0;
  unsigned batch = 0;
  const bool retry = argc == 5 && std::string_view(argv[4]) == "--retry";
  if ((argc != 4 && !retry) || !parse_count(argv[2], documents) || !parse_count(argv[3], batch)) {
    std::fprintf(stderr, "usage: xapian-open-race DB DOCUMENTS BATCH [--retry]\n");
    return 2;
  }
  const std::string path = argv[1];
  Xapian::WritableDatabase db(path, Xapian::DB_CREATE_OR_OVERWRITE);
  std::atomic<bool> written = false;
  std::thread writer([&] {
    for (unsigned number = 0; number < documents; ++number) {
      db.add_document(numbered_document(number));
      if ((number + 1) % batch == 0) db.commit();
    }
    db.commit();
    written = true;
  });
  std::map<std::string, unsigned long> outcomes;
  while (!written) {
    try {
      const Xapian::Database reader =
          retry ? kavosh::open_readable_database(path) : Xapian::Database(path);
      ++outcomes["opened"];
    } catch (const Xapian::Error& e) {
      ++outcomes[e.get_type() + std::string(": ") + without_numbers(e.get_msg())];
    }
  }
  writer.join();
  for (const auto& [outcome, count] : outcomes) std::printf("%8lu  %s\n", count, outcome.c_str());
  return 0;
}
