// Peer engine: plain Xapian as a user would write it, with no ICU and none of Kavosh's
// analysis. TermGenerator + QueryParser with the same Snowball stemmer (STEM_SOME), title words
// under "S" (and unprefixed, like the body), BM25Weight defaults, MSet::snippet for snippets.
// Stemmer: english for en; none for fa (Xapian has no Persian stemmer); for auto, per document
// and per query by script (so Arabic-script text is never handed to the English stemmer).
#include <xapian.h>

#include <stdexcept>
#include <string>

#include "engine_protocol.hpp"
#include "kavosh/xapian/errors.hpp"

namespace kavosh::bench {
namespace {

constexpr Xapian::valueno kSlotId = 0;

Xapian::Stem stemmer_for(TextLanguage language) {
  return language == TextLanguage::Persian ? Xapian::Stem() : Xapian::Stem("english");
}

class XapianBuilder final : public IndexBuilder {
 public:
  XapianBuilder(const std::filesystem::path& store, std::string lang)
      : db_(rethrow_xapian_errors({},
                                  [&] {
                                    return Xapian::WritableDatabase(store.string(),
                                                                    Xapian::DB_CREATE_OR_OVERWRITE);
                                  })),
        lang_(std::move(lang)) {
    generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
  }

  void add(const CorpusDocument& doc) override {
    rethrow_xapian_errors({}, [&] { add_document(doc); });
  }

  void finish() override {
    rethrow_xapian_errors({}, [&] {
      db_.commit();
      db_.close();
    });
  }

 private:
  void add_document(const CorpusDocument& doc) {
    generator_.set_stemmer(
        stemmer_for(resolve_language(lang_, doc.lang, doc.title + ' ' + doc.text)));
    Xapian::Document xdoc;
    generator_.set_document(xdoc);
    generator_.index_text(doc.title, 1, "S");
    generator_.index_text(doc.title);
    generator_.increase_termpos();
    generator_.index_text(doc.text);
    xdoc.set_data(doc.text);
    xdoc.add_value(kSlotId, doc.id);
    xdoc.add_boolean_term("Q" + doc.id);
    db_.replace_document("Q" + doc.id, xdoc);
  }

  Xapian::WritableDatabase db_;
  Xapian::TermGenerator generator_;
  std::string lang_;
};

class XapianRunner final : public QueryRunner {
 public:
  XapianRunner(const std::filesystem::path& store, std::string lang)
      : db_(rethrow_xapian_errors({}, [&] { return Xapian::Database(store.string()); })),
        lang_(std::move(lang)) {
    for (auto* parser : {&english_parser_, &persian_parser_}) {
      parser->set_database(db_);
      parser->set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
      parser->add_prefix("title", "S");
    }
    english_parser_.set_stemmer(stemmer_for(TextLanguage::English));
    persian_parser_.set_stemmer(stemmer_for(TextLanguage::Persian));
  }

  void search(const BenchQuery& query, unsigned k, bool snippets,
              std::vector<RankedDoc>& out) override {
    rethrow_xapian_errors({}, [&] { run_query(query, k, snippets, out); });
  }

 private:
  void run_query(const BenchQuery& query, unsigned k, bool snippets, std::vector<RankedDoc>& out) {
    const auto language = resolve_language(lang_, "", query.text);
    auto& parser = language == TextLanguage::Persian ? persian_parser_ : english_parser_;
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_PHRASE |
                           Xapian::QueryParser::FLAG_WILDCARD;
    Xapian::Enquire enquire(db_);
    enquire.set_query(parser.parse_query(query.text, flags));
    enquire.set_weighting_scheme(Xapian::BM25Weight());
    const Xapian::MSet mset = enquire.get_mset(0, k);
    const Xapian::Stem stemmer = stemmer_for(language);
    for (auto it = mset.begin(); it != mset.end(); ++it) {
      const Xapian::Document doc = it.get_document();
      RankedDoc hit{doc.get_value(kSlotId), it.get_weight(), {}};
      if (snippets) hit.snippet = mset.snippet(doc.get_data(), kSnippetBytes, stemmer);
      out.push_back(std::move(hit));
    }
  }

  Xapian::Database db_;
  std::string lang_;
  Xapian::QueryParser english_parser_;
  Xapian::QueryParser persian_parser_;
};

}  // namespace
}  // namespace kavosh::bench

int main(int argc, char** argv) {
  using namespace kavosh::bench;
  EngineDefinition engine;
  engine.name = "xapian";
  engine.create_builder = [](const std::filesystem::path& store,
                             const std::string& lang) -> std::unique_ptr<IndexBuilder> {
    return std::make_unique<XapianBuilder>(store, lang);
  };
  engine.open_runner = [](const std::filesystem::path& store,
                          const std::string& lang) -> std::unique_ptr<QueryRunner> {
    return std::make_unique<XapianRunner>(store, lang);
  };
  return run_engine_main(argc, argv, engine);
}
