// Each reader on small fixtures: the articles, alias groups and warnings it produces.
#include "kavosh/index/readers.hpp"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>

#include "kavosh/index/corpus.hpp"
#include "test_support.hpp"

namespace kavosh::index {
namespace {

using testing::kFixtures;
using testing::read_fixture;

std::vector<std::string> ids_of(const std::vector<Article>& articles) {
  std::vector<std::string> ids;
  for (const Article& article : articles) ids.push_back(article.id);
  return ids;
}

testing::RecordingListener read_content(const testing::TempDir& dir, const std::string& name,
                                        const std::string& content) {
  testing::write_file(dir / name, content);
  testing::RecordingListener result;
  read_file(dir / name, Format::Auto, name, name, result);
  const std::string prefix = (dir.path() / "").string();
  for (std::string& warning : result.warnings) {
    if (warning.rfind(prefix, 0) == 0) warning.erase(0, prefix.size());
  }
  return result;
}

TEST(FormatDetection, UsesTheNameThenTheContent) {
  const struct {
    std::string file;
    std::optional<Format> expected;
  } cases[] = {
      {"smart.all", Format::Smart},     {"docs.trec", Format::Trec},
      {"docs.jsonl", Format::Jsonl},    {"article.txt", Format::ArticleText},
      {"pages.xml", Format::MediaWiki}, {"pages.xml.bz2", Format::MediaWiki},
      {"aliases.tsv", Format::Aliases}, {"collection/first.txt", Format::ArticleText},
  };
  for (const auto& c : cases) EXPECT_EQ(detect_format(kFixtures / c.file), c.expected) << c.file;
}

// A warning names the line when it is known, else the byte offset (a read error part-way through
// a compressed file), else only the file: never "byte 0" (issue 23: warn_at_offset was never
// called, so every offset warning printed byte 0).
TEST(InputWarnings, NameTheLineOrTheByteOffsetOrOnlyTheFile) {
  EXPECT_EQ((InputWarning{"a.jsonl", 12, 0, "bad record"}).to_string(), "a.jsonl:12: bad record");
  EXPECT_EQ((InputWarning{"w.xml.bz2", 0, 73004, "corrupt bzip2 data"}).to_string(),
            "w.xml.bz2: byte 73004: corrupt bzip2 data");
  EXPECT_EQ((InputWarning{"gone.txt", 0, 0, "cannot open"}).to_string(), "gone.txt: cannot open");
  EXPECT_EQ((InputWarning{"a.jsonl", 3, 99, "both"}).to_string(), "a.jsonl:3: both");
  EXPECT_EQ(
      (InputWarning{"all.json", 0, 0, "not a JSON object", SkipReason::Malformed, 17}).to_string(),
      "all.json: element 17: not a JSON object");
}

TEST(FormatNames, RoundTrip) {
  for (Format format : {Format::Auto, Format::ArticleText, Format::Jsonl, Format::MediaWiki,
                        Format::Trec, Format::Smart, Format::Aliases}) {
    EXPECT_EQ(parse_format(format_name(format)), format);
  }
  EXPECT_EQ(parse_format("xml"), std::nullopt);
}

TEST(SmartReader, ReadsRecordsFieldsAndWarnsAboutMalformedOnes) {
  const auto result = read_fixture("smart.all");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"1", "2", "3", "4"}));
  const Article& first = result.articles[0];
  EXPECT_EQ(first.title, "flow past a flat plate");
  EXPECT_EQ(first.fields, (std::vector<Field>{{"author", "smith,j.; jones,k."},
                                              {"bib", "j. ae. sc. 12, 1958, 41."}}));
  ASSERT_EQ(first.passages.size(), 1u);
  EXPECT_EQ(first.passages[0].text,
            "flow past a flat plate . the boundary layer is studied at high speed .");
  EXPECT_EQ(result.articles[1].passages[0].text, "heat transfer measurements in rocket nozzles .");
  // No .W text: the title is the text.
  EXPECT_EQ(result.articles[2].passages[0].text, "empty record");
  EXPECT_EQ(result.articles[3].passages[0].text, "a record with no text section");
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "smart.all:27: malformed .I line (expected \".I NUMBER\"), record skipped"}));
}

TEST(TrecReader, ReadsDocumentsAndWarnsAboutBrokenOnes) {
  const auto result = read_fixture("docs.trec");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"T-1", "T-2", "T-3"}));
  EXPECT_EQ(result.articles[0].title, "Compact memories");
  EXPECT_EQ(result.articles[0].passages[0].text,
            "compact memories have flexible capacities & a digital data storage system");
  EXPECT_EQ(result.articles[1].title, "");
  EXPECT_EQ(result.articles[1].passages[0].text, "an electronic analogue computer");
  EXPECT_EQ(result.articles[2].passages[0].text, "one line document");
  EXPECT_EQ(
      result.warnings,
      (std::vector<std::string>{"docs.trec:9: text outside <DOC>...</DOC>, ignored",
                                "docs.trec:14: <DOC> without <DOCNO>, skipped",
                                "docs.trec:18: <DOC> not closed at the end of the file, skipped"}));
}

TEST(JsonlReader, MapsKeysAndSkipsBadLines) {
  const auto result = read_fixture("docs.jsonl");
  ASSERT_EQ(result.articles.size(), 6u);
  const Article& tehran = result.articles[0];
  EXPECT_EQ(tehran.id, "j1");
  EXPECT_EQ(tehran.title, "Tehran");
  EXPECT_EQ(tehran.language, "en");
  EXPECT_EQ(tehran.fields, (std::vector<Field>{{"region", "Tehran Province"}}));
  ASSERT_EQ(tehran.passages.size(), 2u);
  EXPECT_EQ(tehran.passages[0].text, "Tehran is the capital of Iran.");
  EXPECT_EQ(tehran.passages[1].text, "It has a population of about nine million.");

  EXPECT_EQ(result.articles[1].id, "2");  // a numeric id
  EXPECT_EQ(result.articles[1].date, "2020-01-02");
  EXPECT_EQ(result.articles[1].language, "");

  // Question-answering lines: no id, "passage" text; the same passage gives the same id, and
  // the question itself is not a field.
  EXPECT_EQ(result.articles[2].id, result.articles[3].id);
  EXPECT_EQ(result.articles[2].id.rfind("docs.jsonl:", 0), 0u);
  EXPECT_EQ(result.articles[2].fields,
            (std::vector<Field>{{"url", "https://fa.wikipedia.org/wiki/Tehran"}}));

  // A title without text is a document whose one passage is the title.
  EXPECT_EQ(result.articles[4].id, "notext");
  ASSERT_EQ(result.articles[4].passages.size(), 1u);
  EXPECT_EQ(result.articles[4].passages[0].text, "No text");

  EXPECT_EQ(result.articles[5].id, "bad-utf8");
  EXPECT_EQ(result.articles[5].passages[0].text, "caf\xEF\xBF\xBD au lait");

  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "docs.jsonl:5: malformed JSON, line skipped",
                "docs.jsonl:6: not a JSON object, line skipped",
                "docs.jsonl:9: nothing to index (no text, title or field), skipped",
                "docs.jsonl:10: invalid UTF-8 at byte 47 of the line, replaced by U+FFFD"}));
}

TEST(TrecReader, TagNamesInAnyCaseOpenTheSameElements) {
  testing::TempDir dir;
  const auto result = read_content(dir, "mixed.trec",
                                   "<doc>\n<docno> d-1 </docno>\n<title>Lower case</title>\n"
                                   "<text>tags in lower case</text>\n</doc>\n"
                                   "<Doc><DocNo>D-2</DocNo><Headline>Mixed</Headline>"
                                   "<TEXT>tags in mixed case</TEXT></dOC>\n");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"d-1", "D-2"}));
  EXPECT_EQ(result.articles[0].title, "Lower case");
  EXPECT_EQ(result.articles[0].passages[0].text, "tags in lower case");
  EXPECT_EQ(result.articles[1].title, "Mixed");
  EXPECT_EQ(result.articles[1].passages[0].text, "tags in mixed case");
  EXPECT_EQ(result.warnings, (std::vector<std::string>{}));
}

// Python's json.dumps writes a lone surrogate of broken text as an escape and a float NaN
// as a bare word; such a record is read (with a warning), not skipped.
TEST(JsonlReader, LoneSurrogateEscapesAndBareNaNAreReadWithAWarning) {
  testing::TempDir dir;
  const auto result =
      read_content(dir, "py.jsonl",
                   "{\"id\":\"s1\",\"text\":\"broken \\udc80 text\"}\n"
                   "{\"id\":\"s2\",\"text\":\"pair \\ud83d\\ude00 kept\",\"score\":NaN,"
                   "\"range\":[-Infinity,Infinity],\"author\":\"Ann\"}\n"
                   "{\"id\":\"s3\",\"title\":\"NaN bread\",\"text\":\"NaN\"}\n"
                   "{\"id\":\"s4\",\"text\":\"x\" NaN}\n");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"s1", "s2", "s3"}));
  EXPECT_EQ(result.articles[0].passages[0].text, "broken \xEF\xBF\xBD text");
  EXPECT_EQ(result.articles[1].passages[0].text, "pair \xF0\x9F\x98\x80 kept");
  EXPECT_EQ(result.articles[1].fields, (std::vector<Field>{{"author", "Ann"}}));
  EXPECT_EQ(result.articles[2].title, "NaN bread");
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{"py.jsonl:1: 1 lone surrogate escape read as U+FFFD",
                                      "py.jsonl:2: 3 NaN or Infinity read as null",
                                      "py.jsonl:4: malformed JSON, line skipped"}));
}

// A .json file holding one array of records (json.dump of a list, as Anserini's JsonCollection
// also reads) was indexed as one text document of JSON; each element is now a record.
TEST(JsonlReader, AJsonArrayFileIsReadElementByElement) {
  testing::TempDir dir;
  const std::string records =
      "[\n  {\"id\": \"a1\", \"title\": \"One\", \"text\": \"first record\"},\n"
      "  {\"id\": \"a2\", \"text\": \"second\", \"score\": NaN, \"tags\": [\"x\"]},\n"
      "  \"not a record\",\n  [\"nor\", \"this\"],\n  {\"title\": \"No id\"}\n]\n";
  const auto pretty = read_content(dir, "pretty.json", "\xEF\xBB\xBF" + records);
  ASSERT_EQ(pretty.articles.size(), 3u);
  EXPECT_EQ(pretty.articles[0].id, "a1");
  EXPECT_EQ(pretty.articles[0].title, "One");
  EXPECT_EQ(pretty.articles[0].passages[0].text, "first record");
  EXPECT_EQ(pretty.articles[1].fields, (std::vector<Field>{{"tags", "x"}}));
  EXPECT_EQ(pretty.articles[2].id.rfind("pretty.json:", 0), 0u);
  EXPECT_EQ(pretty.articles[2].passages[0].text, "No id");
  EXPECT_EQ(pretty.warnings,
            (std::vector<std::string>{"pretty.json: 1 NaN or Infinity read as null",
                                      "pretty.json: element 3: not a JSON object, skipped",
                                      "pretty.json: element 4: not a JSON object, skipped"}));
  // Cut short: the elements before the error are kept, and the error says where it is.
  const auto cut = read_content(dir, "cut.jsonl", records.substr(0, records.find("\"No id")));
  EXPECT_EQ(ids_of(cut.articles), (std::vector<std::string>{"a1", "a2"}));
  ASSERT_EQ(cut.warnings.size(), 4u);
  EXPECT_EQ(cut.warnings[3].rfind("cut.jsonl: JSON error at byte ", 0), 0u) << cut.warnings[3];
  EXPECT_NE(cut.warnings[3].find("(after element 4); the rest of the file is skipped"),
            std::string::npos)
      << cut.warnings[3];
}

std::string gzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(
      deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY),
      Z_OK);
  std::string out(deflateBound(&stream, static_cast<uLong>(data.size())) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t size = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(size));
  out.resize(size);
  return out;
}

// Corpora ship compressed (BEIR and MS MARCO as .jsonl.gz, TREC disks as .gz): gzip (one or
// several members) and zstd are read by their inner name, and a file cut short keeps the
// records before the cut with one warning saying where.
TEST(Compression, GzipAndZstdFilesAreReadByTheNameInside) {
  testing::TempDir dir;
  std::string jsonl;
  for (int i = 0; i < 2000; ++i)
    jsonl += "{\"id\": \"d" + std::to_string(i) + "\", \"text\": \"words of record " +
             std::to_string(i) + " and some more words to compress\"}\n";
  const auto gz = read_content(dir, "docs.jsonl.gz", gzip(jsonl));
  EXPECT_EQ(gz.articles.size(), 2000u);
  EXPECT_EQ(gz.warnings, (std::vector<std::string>{}));
  EXPECT_EQ(gz.articles[1999].passages[0].text,
            "words of record 1999 and some more words to compress");
  const auto zst = read_content(dir, "docs.jsonl.zst", zstd(jsonl));
  EXPECT_EQ(zst.articles.size(), 2000u);
  EXPECT_EQ(zst.warnings, (std::vector<std::string>{}));
  // Two members, as `cat a.gz b.gz` or pigz write; and TREC sniffed inside a .gz.
  const auto two = read_content(
      dir, "two.gz",
      gzip("<DOC><DOCNO>T1</DOCNO>first</DOC>\n") + gzip("<DOC><DOCNO>T2</DOCNO>second</DOC>\n"));
  EXPECT_EQ(ids_of(two.articles), (std::vector<std::string>{"T1", "T2"}));
  EXPECT_EQ(two.warnings, (std::vector<std::string>{}));

  // Cut short: the records before the cut are delivered, then the read fails saying where (a
  // corpus run turns that into one warning, "FILE: byte N: truncated gzip data ...").
  const std::string compressed = gzip(jsonl);
  testing::write_file(dir / "cut.jsonl.gz", compressed.substr(0, compressed.size() / 2));
  testing::RecordingListener cut;
  try {
    read_file(dir / "cut.jsonl.gz", Format::Auto, "cut", "cut", cut);
    ADD_FAILURE() << "a truncated gzip file read to its end";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated gzip data in "), std::string::npos) << e.what();
  }
  EXPECT_GT(cut.articles.size(), 100u);
  EXPECT_LT(cut.articles.size(), 2000u);
  const auto garbage = read_content(dir, "noise.jsonl.zst", "not zstd at all");
  EXPECT_TRUE(garbage.articles.empty());
  ASSERT_EQ(garbage.warnings.size(), 1u);
  EXPECT_EQ(garbage.warnings[0].rfind("noise.jsonl.zst: unrecognized file format (zstd data that "
                                      "cannot be decompressed (corrupt zstd data in ",
                                      0),
            0u)
      << garbage.warnings[0];
}

std::string utf16(std::u16string_view text, bool little_endian) {
  std::string out = little_endian ? "\xFF\xFE" : "\xFE\xFF";
  for (const char16_t unit : text) {
    const auto low = static_cast<char>(unit & 0xFF);
    const auto high = static_cast<char>(unit >> 8);
    out += little_endian ? std::string{low, high} : std::string{high, low};
  }
  return out;
}

// Windows' "Unicode" text (Notepad's default for Persian) is UTF-16 with a byte order mark: it
// is read as UTF-8, in either byte order, surrogate pairs joined and broken ones U+FFFD.
TEST(TextEncoding, Utf16WithAByteOrderMarkIsReadAsUtf8) {
  testing::TempDir dir;
  const std::u16string jsonl =
      u"{\"id\": \"w1\", \"text\": \"\u06A9\u062A\u0627\u0628 and \U0001F600\"}\n"
      u"{\"id\": \"w2\", \"text\": \"broken \xD800 pair\"}\n";
  for (const bool little_endian : {true, false}) {
    const auto read = read_content(dir, "wide.jsonl", utf16(jsonl, little_endian));
    ASSERT_EQ(ids_of(read.articles), (std::vector<std::string>{"w1", "w2"})) << little_endian;
    EXPECT_EQ(read.articles[0].passages[0].text,
              "\xDA\xA9\xD8\xAA\xD8\xA7\xD8\xA8 and \xF0\x9F\x98\x80");
    EXPECT_EQ(read.articles[1].passages[0].text, "broken \xEF\xBF\xBD pair");
    EXPECT_EQ(read.warnings, (std::vector<std::string>{}));
  }
  // Sniffed as article text, an odd last byte as U+FFFD.
  const auto text = read_content(dir, "notes.txt", utf16(u"Title\n\nBody text.", true) + "x");
  ASSERT_EQ(text.articles.size(), 1u);
  EXPECT_EQ(text.articles[0].title, "Title");
  EXPECT_EQ(text.articles[0].passages[0].text, "Body text.\xEF\xBF\xBD");
}

void expect_alpha_group(const testing::RecordingListener& result, const std::string& file) {
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"Alpha Group", "Empty Page"}))
      << file;
  const Article& alpha = result.articles[0];
  EXPECT_EQ(alpha.language, "en");
  EXPECT_EQ(alpha.date, "2021-03-04");
  EXPECT_EQ(alpha.aliases, (std::vector<std::string>{"AG"}));
  ASSERT_EQ(alpha.passages.size(), 4u);
  EXPECT_EQ(alpha.passages[0].text, "name: Alpha Group\nabbreviation: AG\nleader: Jane Doe");
  EXPECT_EQ(alpha.passages[0].fields,
            (std::vector<Field>{
                {"name", "Alpha Group"}, {"abbreviation", "AG"}, {"leader", "Jane Doe"}}));
  EXPECT_EQ(alpha.passages[1].section, "");
  EXPECT_EQ(alpha.passages[1].text,
            "Alpha Group is a test body founded in 1990. It works with Beta Group.");
  EXPECT_EQ(alpha.passages[2].section, "History");
  EXPECT_EQ(alpha.passages[2].text, "The group met in Tehran and Isfahan.");
  EXPECT_EQ(alpha.passages[3].text, "\xE2\x80\xA2 first item\n\xE2\x80\xA2 second item");
  EXPECT_EQ(result.alias_groups,
            (std::vector<std::vector<std::string>>{{"Alpha Group", "AG (group)"}}));
  // A page whose text is all markup ({{stub}}) is still found by its title.
  ASSERT_EQ(result.articles[1].passages.size(), 1u);
  EXPECT_EQ(result.articles[1].passages[0].text, "Empty Page");
  EXPECT_EQ(result.warnings, (std::vector<std::string>{})) << file;
}

TEST(MediaWikiReader, ReadsMainNamespacePagesRedirectsAndInfoboxes) {
  expect_alpha_group(read_fixture("pages.xml"), "pages.xml");
}

TEST(MediaWikiReader, StreamsBzip2CompressedDumps) {
  expect_alpha_group(read_fixture("pages.xml.bz2"), "pages.xml.bz2");
}

TEST(MediaWikiReader, KeepsPagesBeforeAnXmlErrorAndWarns) {
  const auto result = read_fixture("broken.xml");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"Good Page"}));
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{"broken.xml:10: XML error: mismatched tag (byte 249 of the "
                                      "XML); rest of the file skipped"}));
}

// A history dump (pages-meta-history) lists every revision oldest first: the page is the last.
TEST(MediaWikiReader, AHistoryDumpsPageIsItsLastRevision) {
  testing::TempDir dir;
  const auto result = read_content(
      dir, "history.xml",
      "<mediawiki xml:lang=\"en\"><page><title>Revised</title><ns>0</ns>"
      "<revision><timestamp>2001-01-01T00:00:00Z</timestamp><text>first draft</text></revision>"
      "<revision><timestamp>2020-02-03T00:00:00Z</timestamp><text>current text</text></revision>"
      "</page></mediawiki>");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"Revised"}));
  ASSERT_EQ(result.articles[0].passages.size(), 1u);
  EXPECT_EQ(result.articles[0].passages[0].text, "current text");
  EXPECT_EQ(result.articles[0].date, "2020-02-03");
  EXPECT_EQ(result.warnings, (std::vector<std::string>{}));
}

// Issue #22 item 12: dumps cut from another wiki keep its header's xml:lang.
TEST(MediaWikiReader, ThePagesScriptWinsOverAHeaderThatContradictsIt) {
  testing::TempDir dir;
  const auto page = [](const std::string& title, const std::string& text) {
    return "<page><title>" + title + "</title><ns>0</ns><revision><text>" + text +
           "</text></revision></page>\n";
  };
  const auto result = read_content(
      dir, "dump.xml",
      "<mediawiki xml:lang=\"en\">\n" +
          page(
              "برلین",
              "برلین پایتخت و بزرگ‌ترین شهر کشور آلمان است.") +
          page("القاهرة", "القاهرة هي عاصمة جمهورية مصر العربية وأكبر مدنها.") +
          page("Berlin", "Berlin is the capital of Germany.") + "</mediawiki>\n");
  ASSERT_EQ(result.articles.size(), 3u);
  EXPECT_EQ(result.articles[0].language, "fa");
  EXPECT_EQ(result.articles[1].language, "ar");
  EXPECT_EQ(result.articles[2].language, "en");
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "dump.xml:2: the dump says xml:lang=\"en\" but page \"برلین\" is written in fa: "
                "pages whose script contradicts the header take the language of their text"}));
}

// Issue #22, messages: a skipped file says why; one NUL byte does not drop a text file.
TEST(FormatDetection, AnUnrecognizedFileSaysWhyAndANulByteIsReplaced) {
  testing::TempDir dir;
  const std::string bz2 = testing::read_text(kFixtures / "pages.xml.bz2");
  const auto truncated = read_content(dir, "cut.xml.bz2", bz2.substr(0, 100));
  EXPECT_TRUE(truncated.articles.empty());
  EXPECT_EQ(truncated.warnings,
            (std::vector<std::string>{"cut.xml.bz2: unrecognized file format (no data could be "
                                      "decompressed: truncated, or not bzip2), skipped"}));
  const auto binary = read_content(dir, "blob.dat",
                                   std::string("\x7F"
                                               "ELF\0\0\0\0",
                                               8) +
                                       std::string(100, '\0'));
  EXPECT_EQ(binary.warnings,
            (std::vector<std::string>{"blob.dat: unrecognized file format (binary content (104 NUL "
                                      "bytes in its first 108)), skipped"}));
  const auto nul = read_content(dir, "nul.txt", std::string("Title\n\nSome\0text here.\n", 23));
  ASSERT_EQ(nul.articles.size(), 1u);
  EXPECT_EQ(nul.articles[0].passages.at(0).text, "Some text here.");
  EXPECT_EQ(nul.warnings,
            (std::vector<std::string>{"nul.txt:1: document: 1 NUL bytes replaced by spaces"}));
  // UTF-32 (rare) is named as what it is, whatever the file's name says.
  for (const std::string name : {"wide.txt", "wide.jsonl"}) {
    const auto wide = read_content(dir, name, std::string("\xFF\xFE\0\0{\0\0\0}\0\0\0", 12));
    EXPECT_TRUE(wide.articles.empty()) << name;
    EXPECT_EQ(wide.warnings, (std::vector<std::string>{
                                 name + ": unrecognized file format (UTF-32 text (it starts with a "
                                        "byte order mark): convert it to UTF-8 first, e.g. iconv "
                                        "-f UTF-32 -t UTF-8), skipped"}));
  }
  // Text that opens with a bracket is text, not a JSON array.
  const auto bracket = read_content(dir, "refs.txt", "[1] Title\n\n[2] A cited work.\n");
  ASSERT_EQ(bracket.articles.size(), 1u);
  EXPECT_EQ(bracket.articles[0].title, "Title");  // citation marks go, as in the seed article
  // TREC files named otherwise are told by their first tag, in any case.
  const auto trec = read_content(dir, "lower.dat", "<doc><docno>L1</docno>lower</doc>\n");
  EXPECT_EQ(ids_of(trec.articles), (std::vector<std::string>{"L1"}));
}

std::size_t passage_text_bytes_of(const Article& article) {
  std::size_t bytes = 0;
  for (const Passage& passage : article.passages) bytes += passage.text.size();
  return bytes;
}

std::string words_of_size(std::size_t bytes) {
  std::string text;
  while (text.size() < bytes) text += "river ";
  return text;
}

// A record longer than the document cap keeps its first 8 MB of text, its title and the
// fields after the text: one warning names the key cut, and the next record is read.
TEST(JsonlReader, AGiantTextIsTruncatedAndItsRecordKept) {
  testing::TempDir dir;
  const auto result = read_content(dir, "big.jsonl",
                                   R"({"id": "big", "title": "Big record", "text": ")" +
                                       words_of_size(kMaxArticleBytes + (4u << 20)) +
                                       R"(", "author": "Someone"})"
                                       "\n"
                                       R"({"id": "small", "text": "fine"})"
                                       "\n");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"big", "small"}));
  const Article& big = result.articles[0];
  EXPECT_EQ(big.title, "Big record");
  EXPECT_EQ(big.fields, (std::vector<Field>{{"author", "Someone"}}));
  EXPECT_LE(passage_text_bytes_of(big), kMaxArticleBytes);
  EXPECT_GT(passage_text_bytes_of(big), kMaxArticleBytes - (64u << 10));
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{"big.jsonl:1: \"text\" larger than 8 MB, truncated"}));
}

// A text array's paragraphs share the cap as one text does, and a title written after them
// is kept.
TEST(JsonlReader, ATitleAfterAGiantTextArrayIsKept) {
  testing::TempDir dir;
  const std::string paragraph = words_of_size(6u << 20);
  const auto result = read_content(dir, "array.jsonl",
                                   R"({"id": "array", "text": [")" + paragraph + R"(", ")" +
                                       paragraph + R"(", ")" + paragraph +
                                       R"("], "title": "Written last"})"
                                       "\n");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"array"}));
  EXPECT_EQ(result.articles[0].title, "Written last");
  EXPECT_GT(passage_text_bytes_of(result.articles[0]), 7u << 20);
  EXPECT_LE(passage_text_bytes_of(result.articles[0]), kMaxArticleBytes);
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{"array.jsonl:1: \"text\" larger than 8 MB, truncated"}));
}

// What still cannot be kept in bounded memory, millions of numbers, is skipped and counted.
TEST(JsonlReader, ARecordTooLargeEvenWithItsStringsCutIsSkippedAndCounted) {
  testing::TempDir dir;
  std::string numbers;
  while (numbers.size() < 3 * kMaxArticleBytes) numbers += "1234567, ";
  const auto result = read_content(dir, "numbers.jsonl",
                                   R"({"id": "numbers", "values": [)" + numbers + "0]}\n" +
                                       R"({"id": "small", "text": "fine"})"
                                       "\n");
  EXPECT_EQ(ids_of(result.articles), (std::vector<std::string>{"small"}));
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "numbers.jsonl:1: record larger than 24 MB with its strings cut, skipped"}));
}

TEST(AliasesReader, ReadsTabSeparatedGroups) {
  const auto result = read_fixture("aliases.tsv");
  EXPECT_TRUE(result.articles.empty());
  EXPECT_EQ(result.alias_groups,
            (std::vector<std::vector<std::string>>{{"Alpha Group", "AG", "Alpha Grp"}}));
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "aliases.tsv:4: alias group needs at least two tab-separated names, skipped"}));
}

TEST(ArticleTextReader, OversizedAndEmptyFilesAreWarnings) {
  testing::TempDir dir;
  testing::write_file(dir / "empty.txt", "\n\n  \n");
  testing::write_file(dir / "huge.txt", "Huge\n\n" + std::string(kMaxArticleBytes + 100, 'a'));
  testing::RecordingListener result;
  read_file(dir / "empty.txt", Format::Auto, "empty.txt", "empty.txt", result);
  read_file(dir / "huge.txt", Format::Auto, "huge.txt", "huge.txt", result);
  ASSERT_EQ(result.articles.size(), 1u);
  EXPECT_LE(passage_text_bytes(result.articles[0]), kMaxArticleBytes);
  ASSERT_EQ(result.warnings.size(), 2u);
  EXPECT_EQ(result.warnings[0],
            (dir / "empty.txt").string() +
                ":1: document: nothing to index (no text, title or field), skipped");
  EXPECT_EQ(result.warnings[1],
            (dir / "huge.txt").string() + ":1: document larger than 8 MB, truncated");
}

// Issue #17: a record with a title and no body (bibliographic collections) is a document.
TEST(TitleOnlyRecords, JsonlRecordsWithEmptyTextKeepTheirTitleAndExtraKeys) {
  testing::TempDir dir;
  const auto result = read_content(
      dir, "cacm.jsonl",
      R"({"id": "1", "title": "Preliminary Report International Algebraic Language", "text": "", "author": "Perlis, A. J.", "biblio": "CACM December, 1958"})"
      "\n"
      R"({"id": "2", "title": "Extraction of Roots", "text": "Roots by repeated subtraction.", "keywords": ["roots", "subtraction"], "year": 1958, "refereed": true, "meta": {"x": 1}})"
      "\n"
      R"({"id": "3", "text": "", "author": "Only, An Author"})"
      "\n"
      R"({"id": "4", "text": "", "title": ""})"
      "\n");
  ASSERT_EQ(ids_of(result.articles), (std::vector<std::string>{"1", "2", "3"}));
  const Article& first = result.articles[0];
  ASSERT_EQ(first.passages.size(), 1u);
  EXPECT_EQ(first.passages[0].text, "Preliminary Report International Algebraic Language");
  EXPECT_EQ(first.fields,
            (std::vector<Field>{{"author", "Perlis, A. J."}, {"biblio", "CACM December, 1958"}}));
  EXPECT_EQ(result.articles[1].fields, (std::vector<Field>{{"keywords", "roots"},
                                                           {"keywords", "subtraction"},
                                                           {"refereed", "true"},
                                                           {"year", "1958"}}));
  EXPECT_EQ(result.articles[2].passages[0].text, "author: Only, An Author");
  EXPECT_EQ(result.warnings,
            (std::vector<std::string>{
                "cacm.jsonl:4: nothing to index (no text, title or field), skipped"}));
}

TEST(TitleOnlyRecords, EveryReaderKeepsARecordWithOnlyATitleOrInfobox) {
  testing::TempDir dir;
  const auto smart =
      read_content(dir, "only-title.all", ".I 1\n.T\nflow past a plate\n.I 2\n.T\n.W\n");
  ASSERT_EQ(ids_of(smart.articles), (std::vector<std::string>{"1"}));
  EXPECT_EQ(smart.articles[0].passages[0].text, "flow past a plate");
  EXPECT_EQ(
      smart.warnings,
      (std::vector<std::string>{
          "only-title.all:4: record .I 2: nothing to index (no text, title or field), skipped"}));

  const auto trec = read_content(
      dir, "headline.trec",
      "<DOC>\n<DOCNO>H-1</DOCNO>\n<HEADLINE>Storm hits the coast</HEADLINE>\n</DOC>\n");
  ASSERT_EQ(ids_of(trec.articles), (std::vector<std::string>{"H-1"}));
  EXPECT_EQ(trec.articles[0].title, "Storm hits the coast");
  EXPECT_EQ(trec.articles[0].passages[0].text, "Storm hits the coast");
  EXPECT_TRUE(trec.warnings.empty());

  const auto wiki = read_content(dir, "pages.xml", R"(<mediawiki xml:lang="en">
<page><title>Only Template</title><ns>0</ns><revision><text>{{Some template|x=1}}</text></revision></page>
<page><title>Only Infobox</title><ns>0</ns><revision><text>{{Infobox person
| name = Jane Roe
| occupation = engineer
}}</text></revision></page>
<page><title>Only Markup</title><ns>0</ns><revision><text>[[Category:Things]] &lt;!-- a comment --&gt;
{| class="wikitable"
|}</text></revision></page>
</mediawiki>
)");
  ASSERT_EQ(ids_of(wiki.articles),
            (std::vector<std::string>{"Only Template", "Only Infobox", "Only Markup"}));
  EXPECT_EQ(wiki.articles[0].passages.at(0).text, "Only Template");
  EXPECT_NE(wiki.articles[1].passages.at(0).text.find("Jane Roe"), std::string::npos);
  EXPECT_EQ(wiki.articles[2].passages.at(0).text, "Only Markup");
  EXPECT_TRUE(wiki.warnings.empty());

  const auto persian = read_content(dir, "persian.txt", "Tehran\n\nتهران پایتخت ایران است\n");
  ASSERT_EQ(persian.articles.size(), 1u);
  ASSERT_EQ(persian.articles[0].passages.size(), 1u);
  EXPECT_EQ(persian.articles[0].passages[0].text, "تهران پایتخت ایران است");
  const auto title_only = read_content(dir, "title-only.txt", "Just A Title\n");
  ASSERT_EQ(title_only.articles.size(), 1u);
  EXPECT_EQ(title_only.articles[0].passages.at(0).text, "Just A Title");
  EXPECT_TRUE(title_only.warnings.empty());
}

TEST(CorpusFiles, DirectoriesAreWalkedSortedSkippingHiddenFilesAndNotes) {
  const auto files = list_corpus_files({kFixtures / "collection"});
  std::vector<std::string> ids;
  for (const CorpusFile& file : files) ids.push_back(file.article_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"aliases.tsv", "first.txt", "sub/second.txt"}));
  EXPECT_THROW(list_corpus_files({kFixtures / "no-such-dir"}), std::runtime_error);
  const auto single = list_corpus_files({kFixtures / "article.txt"});
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].article_id, "article.txt");
}

// Issue #22 item 5: a test collection's directory holds its queries (cran.qry is SMART too,
// and its .I numbers replaced documents) and relevance judgements beside the documents.
TEST(CorpusFiles, ADirectoryWalkReadsOnlyIdentifiedDocumentFormats) {
  testing::TempDir dir;
  const auto collection = dir / "cranfield";
  std::filesystem::create_directories(collection);
  testing::write_file(
      collection / "cran.all.1400",
      ".I 1\n.T\nflow\n.W\nflow past a plate .\n.I 2\n.T\nheat\n.W\nheat transfer .\n");
  testing::write_file(collection / "cran.qry", ".I 001\n.W\nwhat is flow ?\n");
  testing::write_file(collection / "cranqrel", "1 184 2\n1 29 2\n");
  testing::write_file(collection / "cranqrel.readme", "columns: query, document, relevance\n");
  testing::write_file(collection / "CISI.REL", "     1     28 0 0.000000\n");
  testing::write_file(collection / "query.text", ".I 1\n.W\nqueries\n");
  testing::write_file(collection / "common_words", "a\nabout\n");
  testing::write_file(collection / "notes.txt", "Notes\n\nA text file is article text.\n");
  std::vector<LeftOutFile> left_out;
  const auto files = list_corpus_files({collection}, &left_out);
  std::vector<std::string> ids;
  for (const CorpusFile& file : files) ids.push_back(file.article_id);
  EXPECT_EQ(ids, (std::vector<std::string>{"cran.all.1400", "notes.txt"}));
  std::vector<std::string> left;
  for (const LeftOutFile& file : left_out)
    left.push_back(file.file.filename().string() + ": " + file.reason);
  std::sort(left.begin(), left.end());
  EXPECT_EQ(left, (std::vector<std::string>{"CISI.REL: queries or relevance judgements",
                                            "common_words: plain text without a .txt name",
                                            "cran.qry: queries or relevance judgements",
                                            "cranqrel: queries or relevance judgements",
                                            "query.text: queries or relevance judgements"}));
  // Named explicitly, a file is read as asked.
  const auto named = list_corpus_files({collection / "cran.qry"}, &left_out);
  ASSERT_EQ(named.size(), 1u);
}

}  // namespace
}  // namespace kavosh::index

namespace kavosh::index {
namespace {

// Issue #22, messages: a binary file named .jsonl gave a warning a line (1 600 of them).
TEST(IndexCorpus, AFileShowsItsFirstWarningsThenHowManyMore) {
  testing::TempDir dir;
  std::string lines;
  for (int i = 0; i < 100; ++i) lines += "\x01\x02garbage" + std::to_string(i) + "\n";
  testing::write_file(dir / "binary.jsonl", lines);
  std::vector<std::string> shown;
  CorpusOptions options;
  options.on_warning = [&](const InputWarning& w) { shown.push_back(w.message); };
  IndexWriter writer(dir / "db");
  const CorpusStats stats =
      index_corpus(list_corpus_files({dir / "binary.jsonl"}), writer, options);
  EXPECT_EQ(stats.warnings, 100u);
  EXPECT_EQ(stats.skipped[static_cast<std::size_t>(SkipReason::Malformed)], 100u);
  ASSERT_EQ(shown.size(), 21u);
  EXPECT_EQ(shown.back(), "80 more warnings in this file (not shown; counted)");
}

TEST(IndexCorpus, ReportsCountsWarningsAndFinalProgress) {
  testing::TempDir dir;
  const auto files = list_corpus_files({kFixtures / "collection", kFixtures / "docs.trec"});
  std::vector<std::string> warnings;
  IndexProgress last;
  CorpusOptions options;
  options.on_warning = [&](const InputWarning& w) { warnings.push_back(w.message); };
  options.on_progress = [&](const IndexProgress& p) { last = p; };
  IndexWriter writer(dir / "db");
  const CorpusStats stats = index_corpus(files, writer, options);
  writer.commit();
  EXPECT_EQ(stats.files, 4u);         // aliases.tsv, first.txt, sub/second.txt, docs.trec
  EXPECT_EQ(stats.articles, 5u);      // two text files + three TREC documents
  EXPECT_EQ(stats.alias_groups, 1u);  // "Fork\tSplit"
  EXPECT_EQ(stats.warnings, 3u);
  EXPECT_EQ(warnings.size(), 3u);
  EXPECT_EQ(last.files_done, 4u);
  EXPECT_EQ(last.files_total, 4u);
  EXPECT_EQ(last.bytes_done, last.bytes_total);
  EXPECT_EQ(last.articles, 5u);
  EXPECT_EQ(writer.stats().articles, 5u);
}

}  // namespace
}  // namespace kavosh::index
