// MediaWiki pages-articles XML (plain or .bz2), streamed through expat in 64 KB chunks: only
// the current page is held in memory. Main namespace (ns 0, or no <ns>) only; of a history
// dump's revisions, the last (the current text). A redirect
// page becomes an alias group {target, redirect title}; other pages go through
// parse_wikitext. Article id = page title; language = the dump's xml:lang when given, unless
// the page's script contradicts it (then the text's, with one warning per file); date =
// the revision timestamp's day. An XML error is a warning with line and byte offset; the
// pages before it are kept and the rest of the file is skipped.
#include <expat.h>

#include <deque>
#include <memory>

#include "format_readers.hpp"
#include "kavosh/analysis/analyzer.hpp"
#include "kavosh/index/text_cleanup.hpp"

namespace kavosh::index {
namespace {

struct Page {
  std::string title;
  std::string ns;
  std::string redirect;
  std::string text;
  std::string timestamp;
  bool truncated = false;
  std::uint64_t line = 0;
};

struct ParseState {
  std::string language;           // the dump's xml:lang
  bool warned_language = false;   // about a page whose script contradicts it
  std::vector<std::string> path;  // open element names
  std::optional<Page> page;
  std::string* capture = nullptr;  // where character data goes
  std::deque<Page> done;           // pages completed during the last chunk
  XML_Parser parser = nullptr;
};

std::string_view local_name(const XML_Char* name) {
  std::string_view view(name);
  const std::size_t colon = view.rfind(':');
  return colon == std::string_view::npos ? view : view.substr(colon + 1);
}

void XMLCALL on_start(void* data, const XML_Char* raw_name, const XML_Char** attributes) {
  auto& state = *static_cast<ParseState*>(data);
  const std::string_view name = local_name(raw_name);
  const std::string parent = state.path.empty() ? std::string() : state.path.back();
  state.path.emplace_back(name);
  if (name == "mediawiki") {
    for (int i = 0; attributes[i] != nullptr; i += 2) {
      if (std::string_view(attributes[i]) == "xml:lang") state.language = attributes[i + 1];
    }
    return;
  }
  if (name == "page") {
    state.page.emplace();
    state.page->line = XML_GetCurrentLineNumber(state.parser);
    return;
  }
  if (!state.page) return;
  if (parent == "page" && name == "revision") {
    // A history dump lists every revision, oldest first: the page is its last one, the current
    // text (their texts appended made one document of every version, glued at the seams).
    state.page->text.clear();
    state.page->timestamp.clear();
    state.page->truncated = false;
    return;
  }
  if (parent == "page" && name == "title")
    state.capture = &state.page->title;
  else if (parent == "page" && name == "ns")
    state.capture = &state.page->ns;
  else if (parent == "revision" && name == "text")
    state.capture = &state.page->text;
  else if (parent == "revision" && name == "timestamp")
    state.capture = &state.page->timestamp;
  else if (parent == "page" && name == "redirect") {
    for (int i = 0; attributes[i] != nullptr; i += 2) {
      if (std::string_view(attributes[i]) == "title") state.page->redirect = attributes[i + 1];
    }
  }
}

void XMLCALL on_end(void* data, const XML_Char* raw_name) {
  auto& state = *static_cast<ParseState*>(data);
  if (!state.path.empty()) state.path.pop_back();
  state.capture = nullptr;
  if (local_name(raw_name) == "page" && state.page) {
    state.done.push_back(std::move(*state.page));
    state.page.reset();
  }
}

void XMLCALL on_text(void* data, const XML_Char* text, int length) {
  auto& state = *static_cast<ParseState*>(data);
  if (state.capture == nullptr) return;
  if (state.capture->size() + static_cast<std::size_t>(length) > kMaxArticleBytes) {
    if (state.page) state.page->truncated = true;
    return;
  }
  state.capture->append(text, static_cast<std::size_t>(length));
}

// The dump's xml:lang, unless the page's script says otherwise: dumps cut from another wiki
// keep their source's header (DBpedia's Persian and Arabic minidumps say xml:lang="en"), and
// a page analysed as the wrong language is not found by `lang:` nor by its stems.
std::string page_language(const Article& article, ParseState& state, std::uint64_t line,
                          const FileReadContext& context) {
  if (state.language.empty()) return {};
  std::string sample;
  for (const Passage& passage : article.passages) {
    if (sample.size() >= 4096) break;
    sample += passage.text;
    sample.push_back('\n');
  }
  const auto from_text = kavosh::analysis::Analyzer::detect_language(sample);
  if (from_text == kavosh::analysis::Language::Other) return state.language;
  std::string code(kavosh::analysis::language_code(from_text));
  if (code == state.language) return code;
  if (!state.warned_language) {
    context.warn(line,
                 "the dump says xml:lang=\"" + state.language + "\" but page \"" + article.title +
                     "\" is written in " + code +
                     ": pages whose script contradicts the header take the language of their text");
    state.warned_language = true;
  }
  return code;
}

void emit(Page& page, ParseState& state, const FileReadContext& context) {
  const std::string& language = state.language;
  const std::string ns = collapse_spaces_keep_lines(page.ns);
  if (!ns.empty() && ns != "0") return;
  std::string title = collapse_spaces_keep_lines(page.title);
  if (title.empty()) {
    context.skip(page.line, SkipReason::Malformed, "page without a title, skipped");
    return;
  }
  if (!page.redirect.empty()) {
    context.listener.alias_group({collapse_spaces_keep_lines(page.redirect), title});
    return;
  }
  // A redirect without the <redirect> element (older dumps): "#REDIRECT [[Target]]".
  const std::string head = page.text.substr(0, 12);
  if (head.size() >= 9 && (head[0] == '#')) {
    std::string upper = head;
    for (char& c : upper) {
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    }
    if (upper.rfind("#REDIRECT", 0) == 0) {
      const std::size_t open = page.text.find("[[");
      const std::size_t close = page.text.find("]]", open);
      if (open != std::string::npos && close != std::string::npos) {
        std::string target = page.text.substr(open + 2, close - open - 2);
        target = target.substr(0, target.find('|'));
        target = target.substr(0, target.find('#'));
        context.listener.alias_group({collapse_spaces_keep_lines(target), title});
      }
      return;
    }
  }
  const std::string what = "page \"" + title + "\"";
  if (page.truncated) context.warn(page.line, truncated_warning(what));
  sanitize_text(page.text, context, page.line, what);
  Article article = parse_wikitext(page.text, title, language);
  article.language = page_language(article, state, page.line, context);
  article.source = context.source;
  if (page.timestamp.size() >= 10) article.date = page.timestamp.substr(0, 10);
  deliver_article(std::move(article), context, page.line, what);
}

}  // namespace

void read_mediawiki(ByteSource& input, const FileReadContext& context) {
  ParseState state;
  std::unique_ptr<std::remove_pointer_t<XML_Parser>, decltype(&XML_ParserFree)> parser(
      XML_ParserCreate("UTF-8"), &XML_ParserFree);
  if (!parser) throw std::runtime_error("cannot create an XML parser");
  state.parser = parser.get();
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), on_start, on_end);
  XML_SetCharacterDataHandler(parser.get(), on_text);

  std::vector<char> buffer(1 << 16);
  for (;;) {
    const std::size_t n = input.read(buffer.data(), buffer.size());
    const bool last = n == 0;
    const XML_Status status =
        XML_Parse(parser.get(), buffer.data(), static_cast<int>(n), last ? 1 : 0);
    for (Page& page : state.done) emit(page, state, context);
    state.done.clear();
    if (status != XML_STATUS_OK) {
      const auto line = static_cast<std::uint64_t>(XML_GetCurrentLineNumber(parser.get()));
      context.warn(line, std::string("XML error: ") +
                             XML_ErrorString(XML_GetErrorCode(parser.get())) + " (byte " +
                             std::to_string(XML_GetCurrentByteIndex(parser.get())) +
                             " of the XML); rest of the file skipped");
      return;
    }
    context.listener.progress(input.bytes_consumed());
    if (last) break;
  }
}

}  // namespace kavosh::index
