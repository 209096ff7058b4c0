// The README's C++ example, built with the project and run by a test
// (CliTest.TheReadmeExampleFindsTheSeedArticle) so that it cannot rot.
//   kavosh-search-example DB QUERY
#include <exception>
#include <iostream>

#include "kavosh/search/searcher.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: kavosh-search-example DB QUERY\n";
    return 2;
  }
  try {
    kavosh::search::Searcher searcher(argv[1]);
    kavosh::search::SearchRequest request;
    request.query = argv[2];
    request.limit = 5;
    for (const auto& hit : searcher.search(request).hits)
      std::cout << hit.rank << ' ' << hit.title << ' ' << hit.score << '\n';
  } catch (const std::exception& error) {
    std::cerr << "kavosh-search-example: " << error.what() << '\n';
    return 1;
  }
}
