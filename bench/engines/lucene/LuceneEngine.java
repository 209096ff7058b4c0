// Peer engine: Lucene 8 from Debian (liblucene8-java) behind the benchmark protocol of
// bench/engines/README.md, mirroring engine_protocol.cpp (same index layout, marker file,
// query translation, timing loop, nearest-rank percentiles and JSON reports).
// EnglishAnalyzer for en, PersianAnalyzer for fa, per document / per query by script for auto;
// BM25Similarity; classic QueryParser with default OR over one catch-all field ("all": title
// and text, as a Lucene user would index a document to search it), title: on the title field;
// IndexSearcher.search(query, k), whose top-k collector lets Lucene skip with block-max WAND;
// a real JIT warm-up (at least JIT_WARMUP_EXECUTIONS query executions) before timing;
// snippets from UnifiedHighlighter over offsets stored in the postings.
package kavosh.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.DelegatingAnalyzerWrapper;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.BinaryDocValuesField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.BinaryDocValues;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.search.uhighlight.LengthGoalBreakIterator;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

public final class LuceneEngine {
  static final String ENGINE = "lucene";
  static final String MARKER_FILE = "bench-engine.json";
  static final String STORE_NAME = "index";
  static final int JIT_WARMUP_EXECUTIONS = 5000;
  static final int SNIPPET_CHARS = 200;
  // The catch-all field every bare word, phrase and prefix searches: title + text, one BM25
  // length, no per-field boost (bench/README.md, "How each peer is configured").
  static final String SEARCH_FIELD = "all";

  static final class UsageError extends Exception {
    private static final long serialVersionUID = 1L;

    UsageError(String message) { super(message); }
  }

  public static void main(String[] args) {
    int status;
    try {
      System.out.println(run(args));
      status = 0;
    } catch (UsageError e) {
      System.err.println(ENGINE + ": " + e.getMessage());
      status = 2;
    } catch (Exception | OutOfMemoryError e) {
      System.err.println(ENGINE + ": " + oneLine(e));
      status = 1;
    }
    System.exit(status);
  }

  static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.replace('\n', ' ');
  }

  // ------------------------------------------------------------------------------------------
  // Command line.

  static final String USAGE = "usage: kavosh-bench-engine-lucene index --corpus FILE.jsonl --index DIR [--lang en|fa|auto]\n"
      + "       kavosh-bench-engine-lucene search --index DIR --queries FILE.tsv [--k N] [--snippets] [--warmup N]\n"
      + "           [--repeat R] [--threads T] [--run FILE --run-tag TAG] [--latencies FILE] [--lang en|fa|auto]\n"
      + "protocol: bench/engines/README.md";

  static String run(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) return USAGE;
    if (args.length == 0) throw new UsageError(USAGE.lines().findFirst().orElse(""));
    Map<String, String> options = new HashMap<>();
    Set<String> flags = new HashSet<>();
    Set<String> valued = new HashSet<>(Arrays.asList("--corpus", "--index", "--lang", "--queries", "--k",
        "--warmup", "--repeat", "--threads", "--run", "--run-tag", "--latencies"));
    for (int i = 1; i < args.length; ++i) {
      String arg = args[i];
      if (arg.equals("--snippets")) {
        flags.add(arg);
      } else if (valued.contains(arg)) {
        if (i + 1 >= args.length) throw new UsageError(arg + " needs a value");
        options.put(arg, args[++i]);
      } else {
        throw new UsageError("unknown argument " + arg);
      }
    }
    String lang = options.get("--lang");
    if (lang != null && !Set.of("en", "fa", "auto").contains(lang)) throw new UsageError("--lang must be en, fa or auto");
    switch (args[0]) {
      case "index":
        return index(Paths.get(require(options, "--corpus")), Paths.get(require(options, "--index")),
            lang == null ? "auto" : lang);
      case "search": {
        SearchOptions search = new SearchOptions();
        search.index = Paths.get(require(options, "--index"));
        search.queries = Paths.get(require(options, "--queries"));
        search.k = intOption(options, "--k", 10, 1);
        search.snippets = flags.contains("--snippets");
        search.warmup = intOption(options, "--warmup", 1, 0);
        search.repeat = intOption(options, "--repeat", 1, 1);
        search.threads = intOption(options, "--threads", 1, 1);
        search.runFile = options.containsKey("--run") ? Paths.get(options.get("--run")) : null;
        search.runTag = options.getOrDefault("--run-tag", "");
        search.latenciesFile = options.containsKey("--latencies") ? Paths.get(options.get("--latencies")) : null;
        if (search.runFile != null && search.runTag.isEmpty()) throw new UsageError("--run needs --run-tag");
        search.lang = lang;
        return search(search);
      }
      default:
        throw new UsageError("unknown command " + args[0] + " (index or search)");
    }
  }

  static String require(Map<String, String> options, String name) throws UsageError {
    String value = options.get(name);
    if (value == null) throw new UsageError(name + " is required");
    return value;
  }

  static int intOption(Map<String, String> options, String name, int fallback, int minimum) throws UsageError {
    String value = options.get(name);
    if (value == null) return fallback;
    try {
      int parsed = Integer.parseInt(value);
      if (parsed < minimum) throw new UsageError(name + " must be at least " + minimum);
      return parsed;
    } catch (NumberFormatException e) {
      throw new UsageError(name + ": not a number: " + value);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Languages.

  static boolean isArabicScript(int c) {
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) || (c >= 0x08A0 && c <= 0x08FF)
        || (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF);
  }

  static boolean isLatinLetter(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0x00C0 && c <= 0x024F)
        || (c >= 0x1E00 && c <= 0x1EFF);
  }

  /** True when the text is mostly Arabic script: Persian analysis. */
  static boolean detectPersian(String text) {
    int arabic = 0;
    int latin = 0;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (isArabicScript(c)) ++arabic;
      else if (isLatinLetter(c)) ++latin;
    }
    return arabic > latin;
  }

  static boolean resolvePersian(String optionLang, String docLang, String text) {
    if ("en".equals(optionLang)) return false;
    if ("fa".equals(optionLang)) return true;
    if ("fa".equals(docLang) || "ar".equals(docLang)) return true;
    if ("en".equals(docLang)) return false;
    return detectPersian(text);
  }

  /** Hands every field to the analyzer of the document being added (indexing is one thread). */
  static final class PerDocumentAnalyzer extends DelegatingAnalyzerWrapper {
    final Analyzer english;
    final Analyzer persian;
    boolean persianDocument;

    PerDocumentAnalyzer(Analyzer english, Analyzer persian) {
      super(PER_FIELD_REUSE_STRATEGY);
      this.english = english;
      this.persian = persian;
    }

    @Override
    protected Analyzer getWrappedAnalyzer(String fieldName) {
      return persianDocument ? persian : english;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Index.

  static String index(Path corpus, Path dir, String lang) throws IOException {
    if (!Files.isRegularFile(corpus)) throw new IOException(corpus + ": no such file");
    prepareFreshIndexDir(dir);
    long start = System.nanoTime();
    long docs = 0;
    long textBytes = 0;
    long fileBytes = 0;
    PerDocumentAnalyzer analyzer = new PerDocumentAnalyzer(new EnglishAnalyzer(), new PersianAnalyzer());
    IndexWriterConfig config = new IndexWriterConfig(analyzer);
    config.setSimilarity(new BM25Similarity());
    config.setOpenMode(IndexWriterConfig.OpenMode.CREATE);
    FieldType textType = new FieldType(TextField.TYPE_STORED);
    textType.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS_AND_OFFSETS);
    textType.freeze();
    try (FSDirectory directory = FSDirectory.open(dir.resolve(STORE_NAME));
         IndexWriter writer = new IndexWriter(directory, config);
         BufferedReader reader = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
      String line;
      long lineNo = 0;
      while ((line = reader.readLine()) != null) {
        ++lineNo;
        fileBytes += utf8Length(line) + 1;
        if (line.isBlank()) continue;
        Map<String, String> object;
        try {
          object = new JsonObjectReader(line).readFlatObject();
        } catch (IllegalArgumentException e) {
          throw new IOException(corpus + ":" + lineNo + ": " + e.getMessage());
        }
        String id = object.get("id");
        if (id == null || id.isEmpty()) throw new IOException(corpus + ":" + lineNo + ": missing \"id\"");
        String title = object.getOrDefault("title", "");
        String text = object.getOrDefault("text", "");
        analyzer.persianDocument = resolvePersian(lang, object.get("lang"), title + " " + text);
        Document doc = new Document();
        // The id lives in doc values: Lucene 8.7's stored-field blocks are large, so fetching a
        // stored id per hit would decompress a block of other documents' text each time.
        doc.add(new BinaryDocValuesField("id", new BytesRef(id)));
        doc.add(new TextField("title", title, Field.Store.NO));
        doc.add(new Field(SEARCH_FIELD, title.isEmpty() ? text : title + "\n" + text, textType));
        writer.addDocument(doc);
        ++docs;
        textBytes += utf8Length(title) + utf8Length(text);
      }
      writer.setLiveCommitData(Map.of("lang", lang).entrySet());
      writer.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Files.writeString(dir.resolve(MARKER_FILE),
        "{\"engine\":\"" + ENGINE + "\",\"lang\":\"" + lang + "\",\"docs\":" + docs + "}\n");
    return "{\"engine\":\"" + ENGINE + "\",\"lang\":\"" + lang + "\",\"docs\":" + docs
        + ",\"input_bytes\":" + textBytes + ",\"file_bytes\":" + fileBytes
        + ",\"seconds\":" + round(seconds, 3) + ",\"cpu_seconds\":" + round(cpuSeconds(), 3)
        + ",\"docs_per_s\":" + round(seconds > 0 ? docs / seconds : 0, 1)
        + ",\"mb_per_s\":" + round(seconds > 0 ? textBytes / 1e6 / seconds : 0, 3)
        + ",\"index_bytes\":" + directoryBytes(dir) + ",\"peak_rss_kb\":" + peakRssKb() + "}";
  }

  /** Creates dir fresh, refusing to delete a non-empty directory that is not one of ours. */
  static void prepareFreshIndexDir(Path dir) throws IOException {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) throw new IOException(dir + ": exists and is not a directory");
      boolean empty;
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        empty = !entries.iterator().hasNext();
      }
      if (!empty && !Files.exists(dir.resolve(MARKER_FILE))) {
        throw new IOException(dir + ": not empty and not a benchmark index (no " + MARKER_FILE + "); refusing to overwrite");
      }
      try (Stream<Path> walk = Files.walk(dir)) {
        for (Path path : (Iterable<Path>) walk.sorted((a, b) -> b.compareTo(a))::iterator) Files.delete(path);
      }
    }
    Files.createDirectories(dir);
  }

  static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).mapToLong(path -> {
        try {
          return Files.size(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  /** User + system CPU time of the whole JVM (JIT and GC threads included), or -1. */
  static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean bean = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (bean instanceof com.sun.management.OperatingSystemMXBean) {
      return ((com.sun.management.OperatingSystemMXBean) bean).getProcessCpuTime() / 1e9;
    }
    return -1;
  }

  static long peakRssKb() {
    try {
      for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); ++i) {
      char c = text.charAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (Character.isHighSurrogate(c)) { bytes += 4; ++i; }
      else bytes += 3;
    }
    return bytes;
  }

  /** Reads one JSON object, keeping its string members (other members are skipped). */
  static final class JsonObjectReader {
    final String text;
    int pos;

    JsonObjectReader(String text) { this.text = text; }

    Map<String, String> readFlatObject() {
      Map<String, String> members = new HashMap<>();
      skipSpace();
      expect('{');
      skipSpace();
      if (peek() == '}') { ++pos; return members; }
      while (true) {
        skipSpace();
        String key = readString();
        skipSpace();
        expect(':');
        skipSpace();
        if (peek() == '"') members.put(key, readString());
        else skipValue();
        skipSpace();
        char c = next();
        if (c == '}') break;
        if (c != ',') throw error("expected ',' or '}'");
      }
      skipSpace();
      if (pos != text.length()) throw error("trailing characters");
      return members;
    }

    void skipValue() {
      char c = peek();
      if (c == '"') { readString(); return; }
      if (c == '{' || c == '[') {
        int depth = 0;
        do {
          c = peek();
          if (c == '"') { readString(); continue; }
          ++pos;
          if (c == '{' || c == '[') ++depth;
          else if (c == '}' || c == ']') --depth;
        } while (depth > 0);
        return;
      }
      while (pos < text.length() && ",}] \t".indexOf(text.charAt(pos)) < 0) ++pos;
    }

    String readString() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (true) {
        char c = next();
        if (c == '"') return out.toString();
        if (c != '\\') { out.append(c); continue; }
        char e = next();
        switch (e) {
          case '"': case '\\': case '/': out.append(e); break;
          case 'b': out.append('\b'); break;
          case 'f': out.append('\f'); break;
          case 'n': out.append('\n'); break;
          case 'r': out.append('\r'); break;
          case 't': out.append('\t'); break;
          case 'u':
            if (pos + 4 > text.length()) throw error("short \\u escape");
            try {
              out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
            } catch (NumberFormatException ex) {
              throw error("bad \\u escape");
            }
            pos += 4;
            break;
          default: throw error("bad escape \\" + e);
        }
      }
    }

    void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) ++pos;
    }

    char peek() {
      if (pos >= text.length()) throw error("unexpected end of line");
      return text.charAt(pos);
    }

    char next() {
      char c = peek();
      ++pos;
      return c;
    }

    void expect(char c) {
      if (next() != c) throw error("expected '" + c + "'");
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("JSON offset " + pos + ": " + what);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Queries.

  static final class BenchQuery {
    final String qid;
    final String queryClass;
    final String text;

    BenchQuery(String qid, String queryClass, String text) {
      this.qid = qid;
      this.queryClass = queryClass;
      this.text = text;
    }
  }

  static List<BenchQuery> readQueries(Path file) throws IOException {
    List<BenchQuery> queries = new ArrayList<>();
    long lineNo = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      ++lineNo;
      if (line.endsWith("\r")) line = line.substring(0, line.length() - 1);
      if (line.isEmpty() || line.startsWith("#")) continue;
      String[] parts = line.split("\t", 3);
      if (parts.length < 3) throw new IOException(file + ":" + lineNo + ": expected qid<TAB>class<TAB>query");
      queries.add(new BenchQuery(parts[0], parts[1], parts[2]));
    }
    if (queries.isEmpty()) throw new IOException(file + ": no queries");
    return queries;
  }

  static boolean isQuerySpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  static boolean hasWordCharacter(String word) {
    for (int i = 0; i < word.length(); ++i) {
      if (Character.isLetterOrDigit(word.charAt(i))) return true;
    }
    return false;
  }

  /** One word for the classic parser: special characters escaped, operator words quoted. */
  static String luceneWord(String word) {
    if (word.equals("AND") || word.equals("OR") || word.equals("NOT")) return "\"" + word + "\"";
    return QueryParser.escape(word);
  }

  /**
   * Our common query syntax (bare words, "phrase", prefix*, title:word) in classic QueryParser
   * syntax, the same clauses engine_protocol.cpp's parse_common_query produces.
   */
  static String toLuceneQuery(String query) {
    StringBuilder out = new StringBuilder();
    int pos = 0;
    int n = query.length();
    while (pos < n) {
      while (pos < n && isQuerySpace(query.charAt(pos))) ++pos;
      if (pos >= n) break;
      String field = "";
      int nameEnd = pos;
      while (nameEnd < n && query.charAt(nameEnd) < 0x80 && Character.isLetter(query.charAt(nameEnd))) ++nameEnd;
      if (nameEnd > pos && nameEnd + 1 < n && query.charAt(nameEnd) == ':' && !isQuerySpace(query.charAt(nameEnd + 1))) {
        if (query.substring(pos, nameEnd).equals("title")) field = "title:";
        pos = nameEnd + 1;
      }
      String clause;
      if (query.charAt(pos) == '"') {
        int close = query.indexOf('"', pos + 1);
        int end = close < 0 ? n : close;
        List<String> words = new ArrayList<>();
        for (String word : query.substring(pos + 1, end).trim().split("\\s+")) {
          if (hasWordCharacter(word)) words.add(QueryParser.escape(word));
        }
        pos = close < 0 ? n : close + 1;
        if (words.isEmpty()) continue;
        clause = "\"" + String.join(" ", words) + "\"";
      } else {
        int start = pos;
        while (pos < n && !isQuerySpace(query.charAt(pos))) ++pos;
        String word = query.substring(start, pos);
        boolean prefix = word.length() > 1 && word.endsWith("*");
        if (prefix) word = word.substring(0, word.length() - 1);
        if (!hasWordCharacter(word)) continue;
        clause = prefix ? QueryParser.escape(word) + "*" : luceneWord(word);
      }
      if (out.length() > 0) out.append(' ');
      out.append(field).append(clause);
    }
    return out.toString();
  }

  // ------------------------------------------------------------------------------------------
  // Search.

  static final class SearchOptions {
    Path index;
    Path queries;
    int k;
    boolean snippets;
    int warmup;
    int repeat;
    int threads;
    Path runFile;
    String runTag;
    Path latenciesFile;
    String lang;
  }

  static final class Hit {
    final String id;
    final float score;

    Hit(String id, float score) {
      this.id = id;
      this.score = score;
    }
  }

  /** One thread's searcher handle over the shared reader, with its own parsers and highlighter. */
  static final class Runner {
    final IndexSearcher searcher;
    final String lang;
    final QueryParser englishParser;
    final QueryParser persianParser;
    final UnifiedHighlighter englishHighlighter;
    final UnifiedHighlighter persianHighlighter;

    Runner(DirectoryReader reader, String lang) {
      searcher = new IndexSearcher(reader);
      searcher.setSimilarity(new BM25Similarity());
      this.lang = lang;
      Analyzer english = new EnglishAnalyzer();
      Analyzer persian = new PersianAnalyzer();
      englishParser = new QueryParser(SEARCH_FIELD, english);
      persianParser = new QueryParser(SEARCH_FIELD, persian);
      englishHighlighter = highlighter(searcher, english);
      persianHighlighter = highlighter(searcher, persian);
    }

    static UnifiedHighlighter highlighter(IndexSearcher searcher, Analyzer analyzer) {
      UnifiedHighlighter highlighter = new UnifiedHighlighter(searcher, analyzer);
      highlighter.setBreakIterator(() -> LengthGoalBreakIterator.createClosestToLength(
          BreakIterator.getSentenceInstance(Locale.ROOT), SNIPPET_CHARS, 0.5f));
      return highlighter;
    }

    String corpusId(int doc) throws IOException {
      List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
      LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
      BinaryDocValues ids = DocValues.getBinary(leaf.reader(), "id");
      if (!ids.advanceExact(doc - leaf.docBase)) throw new IOException("document " + doc + " has no id");
      return ids.binaryValue().utf8ToString();
    }

    /** Top k; snippets (when asked) are built and counted so the work cannot be skipped. */
    List<Hit> search(BenchQuery query, int k, boolean snippets, long[] snippetChars) throws IOException, ParseException {
      boolean persian = resolvePersian(lang, null, query.text);
      String translated = toLuceneQuery(query.text);
      List<Hit> hits = new ArrayList<>(k);
      if (translated.isEmpty()) return hits;
      Query parsed = (persian ? persianParser : englishParser).parse(translated);
      TopDocs top = searcher.search(parsed, k);
      for (ScoreDoc scoreDoc : top.scoreDocs) {
        hits.add(new Hit(corpusId(scoreDoc.doc), scoreDoc.score));
      }
      if (snippets && top.scoreDocs.length > 0) {
        String[] fragments = (persian ? persianHighlighter : englishHighlighter).highlight(SEARCH_FIELD, parsed, top, 1);
        for (String fragment : fragments) {
          if (fragment != null) snippetChars[0] += fragment.length();
        }
      }
      return hits;
    }
  }

  static final class ThreadResult {
    int[] queryIndex;
    long[] nanos;
    int count;
    long hits;
    long errors;
    String firstError = "";
    long[] snippetChars = new long[1];

    void record(int query, long ns) {
      queryIndex[count] = query;
      nanos[count] = ns;
      ++count;
    }
  }

  static long runOne(Runner runner, BenchQuery query, SearchOptions options, ThreadResult result) {
    try {
      long hits = runner.search(query, options.k, options.snippets, result.snippetChars).size();
      result.hits += hits;
      return hits;
    } catch (Exception e) {
      if (result.errors++ == 0) result.firstError = "query " + query.qid + ": " + oneLine(e);
      return 0;
    }
  }

  static String search(SearchOptions options) throws Exception {
    String markerLang = readMarkerLang(options.index);
    String lang = options.lang != null ? options.lang : markerLang;
    List<BenchQuery> queries = readQueries(options.queries);
    int threads = options.threads;
    int warmupPasses = options.warmup == 0 ? 0
        : Math.max(options.warmup, (JIT_WARMUP_EXECUTIONS + queries.size() - 1) / queries.size());
    int total = options.repeat * queries.size();
    // Shared by the threads like the timed executions: the JIT and the page cache are per
    // process, so T threads need not warm them T times.
    int warmupTotal = warmupPasses * queries.size();

    try (FSDirectory directory = FSDirectory.open(options.index.resolve(STORE_NAME));
         DirectoryReader reader = DirectoryReader.open(directory)) {
      Runner[] runners = new Runner[threads];
      ThreadResult[] results = new ThreadResult[threads];
      for (int t = 0; t < threads; ++t) {
        runners[t] = new Runner(reader, lang);
        results[t] = new ThreadResult();
        results[t].queryIndex = new int[total];
        results[t].nanos = new long[total];
      }
      AtomicInteger nextWarmup = new AtomicInteger();
      AtomicInteger next = new AtomicInteger();
      CountDownLatch warmed = new CountDownLatch(threads);
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> pool = new ArrayList<>();
      for (int t = 0; t < threads; ++t) {
        final int thread = t;
        pool.add(new Thread(() -> {
          Runner runner = runners[thread];
          ThreadResult result = results[thread];
          ThreadResult warmupResult = new ThreadResult();
          for (int item = nextWarmup.getAndIncrement(); item < warmupTotal; item = nextWarmup.getAndIncrement()) {
            runOne(runner, queries.get(item % queries.size()), options, warmupResult);
          }
          result.snippetChars[0] += warmupResult.snippetChars[0];
          warmed.countDown();
          try {
            go.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
          for (int item = next.getAndIncrement(); item < total; item = next.getAndIncrement()) {
            int queryIndex = item % queries.size();
            long begin = System.nanoTime();
            runOne(runner, queries.get(queryIndex), options, result);
            result.record(queryIndex, System.nanoTime() - begin);
          }
        }));
      }
      for (Thread thread : pool) thread.start();
      warmed.await();
      long start = System.nanoTime();
      go.countDown();
      for (Thread thread : pool) thread.join();
      double wallSeconds = (System.nanoTime() - start) / 1e9;

      List<Double> all = new ArrayList<>();
      Map<String, List<Double>> byClass = new TreeMap<>();
      long hits = 0;
      long errors = 0;
      String firstError = "";
      for (ThreadResult result : results) {
        hits += result.hits;
        errors += result.errors;
        if (firstError.isEmpty()) firstError = result.firstError;
        for (int i = 0; i < result.count; ++i) {
          double micros = result.nanos[i] / 1000.0;
          all.add(micros);
          byClass.computeIfAbsent(queries.get(result.queryIndex[i]).queryClass, c -> new ArrayList<>()).add(micros);
        }
      }
      if (total > 0 && errors == total) throw new IOException("every query failed; first: " + firstError);
      if (options.latenciesFile != null) writeLatencies(options.latenciesFile, queries, results);
      if (options.runFile != null) writeRunFile(runners[0], queries, options);

      StringBuilder json = new StringBuilder();
      json.append("{\"engine\":\"").append(ENGINE).append("\",\"threads\":").append(threads)
          .append(",\"queries\":").append(queries.size()).append(",\"timed\":").append(all.size())
          .append(",\"k\":").append(options.k).append(",\"snippets\":").append(options.snippets)
          .append(",\"warmup_executions\":").append(warmupTotal)
          .append(",\"qps\":").append(round(wallSeconds > 0 ? all.size() / wallSeconds : 0, 1))
          .append(",\"latency_us\":").append(summary(all, true)).append(",\"per_class\":{");
      boolean first = true;
      for (Map.Entry<String, List<Double>> entry : byClass.entrySet()) {
        if (!first) json.append(',');
        first = false;
        json.append(jsonString(entry.getKey())).append(':').append(summary(entry.getValue(), false));
      }
      json.append("},\"mean_hits\":").append(round(all.isEmpty() ? 0 : (double) hits / all.size(), 1))
          .append(",\"errors\":").append(errors);
      if (errors > 0) json.append(",\"first_error\":").append(jsonString(firstError));
      return json.append('}').toString();
    }
  }

  static String readMarkerLang(Path dir) throws IOException {
    Path marker = dir.resolve(MARKER_FILE);
    if (!Files.exists(marker)) throw new IOException(marker + ": cannot open (not an index built by a bench engine?)");
    String lang = new JsonObjectReader(Files.readString(marker).trim()).readFlatObject().get("lang");
    return lang == null ? "auto" : lang;
  }

  /** Every timed execution as class TAB microseconds: the whole distribution, not percentiles. */
  static void writeLatencies(Path file, List<BenchQuery> queries, ThreadResult[] results) throws IOException {
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
      for (ThreadResult result : results) {
        for (int i = 0; i < result.count; ++i) {
          out.print(queries.get(result.queryIndex[i]).queryClass + "\t"
              + String.format(Locale.ROOT, "%.1f", result.nanos[i] / 1000.0) + "\n");
        }
      }
      if (out.checkError()) throw new IOException(file + ": write failed");
    }
  }

  static void writeRunFile(Runner runner, List<BenchQuery> queries, SearchOptions options) throws IOException {
    Set<String> seen = new HashSet<>();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(options.runFile, StandardCharsets.UTF_8))) {
      for (BenchQuery query : queries) {
        if (!seen.add(query.qid)) continue;
        List<Hit> hits;
        try {
          hits = runner.search(query, options.k, false, new long[1]);
        } catch (Exception e) {
          continue;  // counted in the timed phase; a failed query simply has no run lines
        }
        int rank = 0;
        for (Hit hit : hits) {
          out.print(query.qid + " Q0 " + hit.id + " " + (++rank) + " " + hit.score + " " + options.runTag + "\n");
        }
      }
      if (out.checkError()) throw new IOException(options.runFile + ": write failed");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Reports.

  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.min(Math.max(rank, 1), sorted.length) - 1];
  }

  static String summary(List<Double> micros, boolean overall) {
    double[] sorted = micros.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    StringBuilder out = new StringBuilder("{");
    if (!overall) out.append("\"n\":").append(sorted.length);
    if (sorted.length > 0) {
      if (!overall) out.append(',');
      out.append("\"p50\":").append(round(percentile(sorted, 50), 1))
          .append(",\"p95\":").append(round(percentile(sorted, 95), 1))
          .append(",\"p99\":").append(round(percentile(sorted, 99), 1))
          .append(",\"max\":").append(round(sorted[sorted.length - 1], 1));
      if (overall) out.append(",\"mean\":").append(round(Arrays.stream(sorted).average().orElse(0), 1));
    }
    return out.append('}').toString();
  }

  static String round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    double rounded = Math.round(value * scale) / scale;
    if (rounded == Math.rint(rounded) && Math.abs(rounded) < 1e15) return Long.toString((long) rounded);
    return Double.toString(rounded);
  }

  static String jsonString(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < text.length(); ++i) {
      char c = text.charAt(i);
      if (c == '"' || c == '\\') out.append('\\').append(c);
      else if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
      else out.append(c);
    }
    return out.append('"').toString();
  }
}
