// Property: whatever bytes a reader is given (fixtures with random damage: flipped bytes,
// cut lines, inserted markup), it never crashes or throws anything but std::runtime_error,
// and every article it produces has an id and valid UTF-8 text without empty passages.
#include <gtest/gtest.h>

#include <random>

#include "kavosh/index/readers.hpp"
#include "kavosh/index/text_cleanup.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::kFixtures;

std::string damage(std::string text, std::mt19937& random) {
  static const std::string kInserts[] = {"<",    ">",  "{{", "}}",  "[[",    "]]",     "\n",
                                         "\n\n", "\"", "\\", ".I ", "<DOC>", "</DOC>", "\xFF",
                                         "\xD8", "&#", "{|", "|}",  "'''"};
  std::uniform_int_distribution<int> edits(1, 12);
  for (int e = edits(random); e > 0 && !text.empty(); --e) {
    std::uniform_int_distribution<std::size_t> at(0, text.size() - 1);
    switch (random() % 3) {
      case 0:
        text[at(random)] = static_cast<char>(random() & 0xFF);
        break;
      case 1:
        text.erase(at(random), random() % 40);
        break;
      default:
        text.insert(at(random), kInserts[random() % std::size(kInserts)]);
        break;
    }
  }
  return text;
}

TEST(ReaderProperties, DamagedInputNeverBreaksAReader) {
  const struct {
    std::string fixture;
    Format format;
  } inputs[] = {{"article.txt", Format::ArticleText}, {"docs.jsonl", Format::Jsonl},
                {"pages.xml", Format::MediaWiki},     {"docs.trec", Format::Trec},
                {"smart.all", Format::Smart},         {"aliases.tsv", Format::Aliases}};
  testing::TempDir dir;
  std::mt19937 random(20261128);
  for (const auto& input : inputs) {
    const std::string original = testing::read_text(kFixtures / input.fixture);
    for (int round = 0; round < 80; ++round) {
      const auto file = dir / input.fixture;
      testing::write_file(file, damage(original, random));
      testing::RecordingListener listener;
      try {
        read_file(file, input.format, "id", "src", listener);
      } catch (const std::runtime_error&) {
        // Allowed: reported as a warning by the corpus run.
      }
      for (const Article& article : listener.articles) {
        EXPECT_FALSE(article.id.empty()) << input.fixture << " round " << round;
        std::string title = article.title;
        EXPECT_FALSE(repair_utf8(title).has_value()) << input.fixture << " round " << round;
        for (const Passage& passage : article.passages) {
          std::string text = passage.text;
          EXPECT_FALSE(text.empty()) << input.fixture << " round " << round;
          EXPECT_FALSE(repair_utf8(text).has_value()) << input.fixture << " round " << round;
        }
      }
    }
  }
}

}  // namespace
}  // namespace kavosh::index
