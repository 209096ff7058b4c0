// Query text -> AST (query.hpp gives the grammar). Two steps: a lexer that knows quotes,
// parentheses, modifiers, fields and operators (and the character position of each), and a
// recursive-descent parser over its tokens. No analyzer here: words stay raw text.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "kavosh/search/query.hpp"
#include "kavosh/text/ascii.hpp"
#include "kavosh/text/utf8.hpp"

namespace kavosh::search {

QueryError::QueryError(unsigned position, const std::string& message)
    : std::runtime_error("query error at " + std::to_string(position) + ": " + message),
      position_(position),
      message_(message) {}

UnknownFieldError::UnknownFieldError(unsigned position, const std::string& field)
    : QueryError(position, "unknown field '" + field + "'"), field_(field) {}

namespace {

// Code points by the project's one decoder: an ill-formed subpart is one character (U+FFFD),
// so an overlong '"' or space is a word character, not syntax.
using CodePoint = text::DecodedCodePoint;
CodePoint decode(std::string_view s, std::size_t i) { return text::decode_utf8(s, i); }

bool is_space(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == 0x00A0 ||
         c == 0x3000 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F;
}

// Opening quote -> the closing quotes it accepts.
bool is_open_quote(char32_t c) { return c == '"' || c == 0x201C || c == 0x00AB; }
bool closes(char32_t open, char32_t c) {
  if (open == 0x201C) return c == 0x201D || c == '"';
  if (open == 0x00AB) return c == 0x00BB;
  return c == '"' || c == 0x201D;
}

bool is_field_name(std::string_view name) {
  if (name.empty() || !text::is_ascii_letter(name[0])) return false;
  for (char c : name)
    if (!(text::is_ascii_letter(c) || text::is_ascii_digit(c) || c == '_' || c == '-'))
      return false;
  return true;
}

using text::ascii_lower;

enum class TokenKind {
  LParen,
  RParen,
  Phrase,
  Word,
  Exact,
  Wildcard,
  Plus,
  Minus,
  Field,
  And,
  Or,
  Not,
  Near,
  End
};

struct LexToken {
  TokenKind kind;
  std::string text;
  unsigned position;  // 1-based character position
  unsigned near_window = kDefaultNearWindow;
};

class Lexer {
 public:
  Lexer(std::string_view text, const std::function<bool(std::string_view)>& is_known_field,
        bool unknown_fields_as_words)
      : text_(text),
        is_known_field_(is_known_field),
        unknown_fields_as_words_(unknown_fields_as_words) {}

  std::vector<LexToken> run() {
    std::vector<LexToken> tokens;
    bool at_word_start = true;  // after whitespace, '(' or the start: modifiers allowed
    while (byte_ < text_.size()) {
      const CodePoint cp = decode(text_, byte_);
      if (is_space(cp.value)) {
        advance(cp);
        at_word_start = true;
        continue;
      }
      if (cp.value == '(' || cp.value == ')') {
        tokens.push_back({cp.value == '(' ? TokenKind::LParen : TokenKind::RParen, "", chars_ + 1});
        advance(cp);
        at_word_start = true;
        continue;
      }
      if (is_open_quote(cp.value)) {
        lex_phrase(tokens, cp);
        at_word_start = true;
        continue;
      }
      if (at_word_start && (cp.value == '+' || cp.value == '-')) {
        const unsigned position = chars_ + 1;
        advance(cp);
        if (byte_ < text_.size() && !is_space(decode(text_, byte_).value))
          tokens.push_back({cp.value == '+' ? TokenKind::Plus : TokenKind::Minus, "", position});
        at_word_start = false;
        continue;
      }
      lex_word(tokens);
      at_word_start = false;
    }
    tokens.push_back({TokenKind::End, "", chars_ + 1});
    return tokens;
  }

 private:
  void advance(const CodePoint& cp) {
    byte_ += cp.length;
    ++chars_;
  }

  void lex_phrase(std::vector<LexToken>& tokens, const CodePoint& open) {
    const unsigned position = chars_ + 1;
    advance(open);
    const std::size_t begin = byte_;
    while (byte_ < text_.size()) {
      const CodePoint cp = decode(text_, byte_);
      if (closes(open.value, cp.value)) {
        tokens.push_back(
            {TokenKind::Phrase, std::string(text_.substr(begin, byte_ - begin)), position});
        advance(cp);
        return;
      }
      advance(cp);
    }
    throw QueryError(position, "unbalanced quote");
  }

  // A word runs to whitespace, a parenthesis or an opening quote. "name:" at its start is a
  // field; "=" at its start asks for the exact form; trailing '*' makes it a prefix wildcard.
  void lex_word(std::vector<LexToken>& tokens) {
    const unsigned position = chars_ + 1;
    const std::size_t begin = byte_;
    bool field_allowed = true;
    std::size_t word_begin = begin;
    unsigned word_position = position;
    while (byte_ < text_.size()) {
      const CodePoint cp = decode(text_, byte_);
      if (is_space(cp.value) || cp.value == '(' || cp.value == ')' || is_open_quote(cp.value))
        break;
      if (cp.value == ':' && field_allowed) {
        std::string_view name = text_.substr(word_begin, byte_ - word_begin);
        const bool url = text_.substr(byte_).starts_with("://");
        if (is_field_name(name) && !url) {
          const std::string field = ascii_lower(name);
          const bool known = is_known(field);
          if (!known && !unknown_fields_as_words_) throw UnknownFieldError(word_position, field);
          if (!known) {
            // Prose ("Examples: …"): the name is a word, and so is what follows the ':'.
            tokens.push_back({TokenKind::Word, std::string(name), word_position});
            advance(cp);
            word_begin = byte_;
            word_position = chars_ + 1;
            continue;
          }
          advance(cp);
          if (byte_ >= text_.size() || is_space(decode(text_, byte_).value) ||
              decode(text_, byte_).value == ')')
            throw QueryError(word_position, "field '" + field + "' needs a value");
          tokens.push_back({TokenKind::Field, field, word_position});
          word_begin = byte_;
          word_position = chars_ + 1;
          if (is_open_quote(decode(text_, byte_).value) || decode(text_, byte_).value == '(')
            return;
          continue;
        }
        field_allowed = false;
      }
      advance(cp);
    }
    std::string word(text_.substr(word_begin, byte_ - word_begin));
    emit_word(tokens, std::move(word), word_position);
  }

  void emit_word(std::vector<LexToken>& tokens, std::string word, unsigned position) {
    if (word == "AND") return tokens.push_back({TokenKind::And, word, position});
    if (word == "OR") return tokens.push_back({TokenKind::Or, word, position});
    if (word == "NOT") return tokens.push_back({TokenKind::Not, word, position});
    if (word == "NEAR") return tokens.push_back({TokenKind::Near, word, position, 10});
    if (word.starts_with("NEAR/")) {
      const std::string digits = word.substr(5);
      const bool numeric = !digits.empty() && digits.size() <= 4 &&
                           digits.find_first_not_of("0123456789") == std::string::npos;
      const unsigned window = numeric ? static_cast<unsigned>(std::stoul(digits)) : 0;
      if (window == 0)
        throw QueryError(position, "NEAR needs a distance from 1 to 9999, like NEAR/5");
      return tokens.push_back({TokenKind::Near, word, position, window});
    }
    TokenKind kind = TokenKind::Word;
    if (word.starts_with('=')) {
      word.erase(0, 1);
      kind = TokenKind::Exact;
    }
    if (word.ends_with('*')) {
      while (word.ends_with('*')) word.pop_back();
      if (word.empty() || kind == TokenKind::Exact)
        throw QueryError(position, word.empty() ? "wildcard needs a prefix, like mojah*"
                                                : "'=' and '*' cannot be combined");
      kind = TokenKind::Wildcard;
    }
    if (word.empty()) return;  // a lone '=' is punctuation
    tokens.push_back({kind, std::move(word), position});
  }

  bool is_known(const std::string& field) const {
    if (field == "title" || field == "section" || field == "lang") return true;
    return is_known_field_ && is_known_field_(field);
  }

  std::string_view text_;
  const std::function<bool(std::string_view)>& is_known_field_;
  bool unknown_fields_as_words_;
  std::size_t byte_ = 0;
  unsigned chars_ = 0;
};

const char* operator_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::And:
      return "AND";
    case TokenKind::Or:
      return "OR";
    case TokenKind::Not:
      return "NOT";
    case TokenKind::Near:
      return "NEAR";
    default:
      return "?";
  }
}

class Parser {
 public:
  explicit Parser(std::vector<LexToken> tokens) : tokens_(std::move(tokens)) {}

  QueryNode parse() {
    QueryNode root = parse_list(false);
    if (root.children.empty()) throw QueryError(1, "empty query");
    return root;
  }

 private:
  const LexToken& peek() const { return tokens_[next_]; }
  const LexToken& take() { return tokens_[next_++]; }
  bool at(TokenKind kind) const { return peek().kind == kind; }
  bool starts_primary() const {
    switch (peek().kind) {
      case TokenKind::LParen:
      case TokenKind::Phrase:
      case TokenKind::Word:
      case TokenKind::Exact:
      case TokenKind::Wildcard:
      case TokenKind::Field:
        return true;
      default:
        return false;
    }
  }

  QueryNode parse_list(bool nested) {
    QueryNode list;
    list.kind = QueryNode::Kind::List;
    list.position = peek().position;
    unsigned deepest_item = 0;
    while (!at(TokenKind::End) && !at(TokenKind::RParen)) {
      auto modifier = QueryNode::Modifier::None;
      if (at(TokenKind::Plus) || at(TokenKind::Minus)) {
        modifier = take().kind == TokenKind::Plus ? QueryNode::Modifier::Required
                                                  : QueryNode::Modifier::Excluded;
      }
      QueryNode item = parse_or();
      item.modifier = modifier;
      deepest_item = std::max(deepest_item, depth_);
      list.children.push_back(std::move(item));
    }
    check_depth(deepest_item + 1, list.position);
    if (at(TokenKind::RParen) && !nested) throw QueryError(peek().position, "unbalanced ')'");
    bool any_positive = false;
    for (const auto& child : list.children)
      any_positive |= child.modifier != QueryNode::Modifier::Excluded;
    if (!list.children.empty() && !any_positive)
      throw QueryError(list.position, "only excluded words: add a word to search for");
    return list;
  }

  // `left_depth` is the depth of `left`, depth_ that of `right` (just parsed); `op` is the
  // operator's position, where a too deep result is reported.
  QueryNode binary(QueryNode::Kind kind, QueryNode left, unsigned left_depth, QueryNode right,
                   unsigned op) {
    const bool extends_left = left.kind == kind && kind != QueryNode::Kind::AndNot;
    check_depth(extends_left ? std::max(left_depth, depth_ + 1) : std::max(left_depth, depth_) + 1,
                op);
    if (extends_left) {
      left.children.push_back(std::move(right));
      return left;
    }
    QueryNode node;
    node.kind = kind;
    node.position = left.position;
    node.children.push_back(std::move(left));
    node.children.push_back(std::move(right));
    return node;
  }

  void need_right_operand(const LexToken& op) {
    if (at(TokenKind::Plus) || at(TokenKind::Minus))
      throw QueryError(peek().position, "'+'/'-' only start an item of a word list");
    if (!starts_primary())
      throw QueryError(op.position, std::string("operator ") + operator_name(op.kind) +
                                        " needs words on both sides");
  }

  QueryNode parse_or() {
    QueryNode left = parse_and();
    while (at(TokenKind::Or)) {
      const LexToken& op = take();
      need_right_operand(op);
      const unsigned left_depth = depth_;
      QueryNode right = parse_and();
      left =
          binary(QueryNode::Kind::Or, std::move(left), left_depth, std::move(right), op.position);
    }
    return left;
  }

  QueryNode parse_and() {
    QueryNode left = parse_near();
    while (at(TokenKind::And) || at(TokenKind::Not)) {
      const LexToken& op = take();
      bool negate = op.kind == TokenKind::Not;
      if (op.kind == TokenKind::And && (at(TokenKind::Not) || at(TokenKind::Minus))) {
        take();
        negate = true;
      }
      need_right_operand(op);
      const unsigned left_depth = depth_;
      QueryNode right = parse_near();
      left = binary(negate ? QueryNode::Kind::AndNot : QueryNode::Kind::And, std::move(left),
                    left_depth, std::move(right), op.position);
    }
    return left;
  }

  QueryNode parse_near() {
    QueryNode left = parse_primary();
    if (!at(TokenKind::Near)) return left;
    QueryNode near;
    near.kind = QueryNode::Kind::Near;
    near.position = left.position;
    near.near_window = 0;
    check_near_operand(left);
    near.children.push_back(std::move(left));
    while (at(TokenKind::Near)) {
      const LexToken& op = take();
      need_right_operand(op);
      near.near_window = std::max(near.near_window, op.near_window);
      QueryNode right = parse_primary();
      check_near_operand(right);
      near.children.push_back(std::move(right));
    }
    depth_ = 2;
    return near;
  }

  static void check_near_operand(const QueryNode& node) {
    if (node.kind != QueryNode::Kind::Word && node.kind != QueryNode::Kind::Exact)
      throw QueryError(node.position, "NEAR joins single words");
  }

  QueryNode leaf(QueryNode::Kind kind, const LexToken& token) {
    depth_ = 1;
    QueryNode node;
    node.kind = kind;
    node.text = token.text;
    node.position = token.position;
    return node;
  }

  QueryNode parse_primary() {
    const LexToken& token = take();
    switch (token.kind) {
      case TokenKind::Word:
        return leaf(QueryNode::Kind::Word, token);
      case TokenKind::Exact:
        return leaf(QueryNode::Kind::Exact, token);
      case TokenKind::Wildcard:
        return leaf(QueryNode::Kind::Wildcard, token);
      case TokenKind::Phrase:
        return leaf(QueryNode::Kind::Phrase, token);
      case TokenKind::LParen: {
        if (++open_groups_ > kMaxQueryNesting) throw nesting_too_deep(token.position);
        QueryNode inner = parse_list(true);
        if (!at(TokenKind::RParen)) throw QueryError(token.position, "unbalanced '('");
        take();
        --open_groups_;
        if (inner.children.empty()) throw QueryError(token.position, "empty parentheses");
        if (inner.children.size() == 1 && inner.children[0].modifier == QueryNode::Modifier::None) {
          --depth_;  // the list goes, its one item stays
          return std::move(inner.children[0]);
        }
        inner.position = token.position;
        return inner;
      }
      case TokenKind::Field: {
        if (at(TokenKind::Field)) throw QueryError(peek().position, "a field inside a field");
        QueryNode field = leaf(QueryNode::Kind::Field, token);
        QueryNode value = parse_primary();
        if (token.text == "lang") {
          bool known = false;
          for (const std::string_view code : kLanguageCodes)
            known |= ascii_lower(value.text) == code;
          if (value.kind != QueryNode::Kind::Word || !known)
            throw QueryError(value.position, "unknown language '" + value.text + "' (use " +
                                                 list_choices(kLanguageCodes, " or ") + ")");
          value.text = ascii_lower(value.text);
        }
        field.children.push_back(std::move(value));
        check_depth(depth_ + 1, token.position);
        return field;
      }
      case TokenKind::RParen:
        throw QueryError(token.position, "unbalanced ')'");
      case TokenKind::End:
        throw QueryError(token.position, "unexpected end of query");
      case TokenKind::Plus:
      case TokenKind::Minus:
        throw QueryError(token.position, "'+'/'-' only start an item of a word list");
      default:
        throw QueryError(token.position, std::string("operator ") + operator_name(token.kind) +
                                             " needs words on both sides");
    }
  }

  static QueryError nesting_too_deep(unsigned position) {
    return QueryError(
        position, "nesting too deep (more than " + std::to_string(kMaxQueryNesting) + " levels)");
  }
  // Sets depth_ to the depth of the node being returned, refusing one deeper than the limit.
  void check_depth(unsigned depth, unsigned position) {
    if (depth > kMaxQueryNesting) throw nesting_too_deep(position);
    depth_ = depth;
  }

  std::vector<LexToken> tokens_;
  std::size_t next_ = 0;
  unsigned open_groups_ = 0;  // '(' being parsed: the parser's own recursion depth
  unsigned depth_ = 0;        // of the node the last parse_* call returned
};

void dump_into(const QueryNode& node, std::string& out) {
  if (node.modifier == QueryNode::Modifier::Required) out += '+';
  if (node.modifier == QueryNode::Modifier::Excluded) out += '-';
  out += '(';
  switch (node.kind) {
    case QueryNode::Kind::List:
      out += "list";
      break;
    case QueryNode::Kind::Or:
      out += "or";
      break;
    case QueryNode::Kind::And:
      out += "and";
      break;
    case QueryNode::Kind::AndNot:
      out += "andnot";
      break;
    case QueryNode::Kind::Near:
      out += "near/" + std::to_string(node.near_window);
      break;
    case QueryNode::Kind::Field:
      out += "field " + node.text;
      break;
    case QueryNode::Kind::Word:
      out += "word " + node.text;
      break;
    case QueryNode::Kind::Exact:
      out += "exact " + node.text;
      break;
    case QueryNode::Kind::Phrase:
      out += "phrase \"" + node.text + "\"";
      break;
    case QueryNode::Kind::Wildcard:
      out += "wildcard " + node.text;
      break;
  }
  for (const auto& child : node.children) {
    out += ' ';
    dump_into(child, out);
  }
  out += ')';
}

}  // namespace

std::string dump(const QueryNode& node) {
  std::string out;
  dump_into(node, out);
  return out;
}

// The query's words, a phrase's counted one by one (kMaxQueryWords).
static std::size_t count_words(const std::vector<LexToken>& tokens) {
  std::size_t words = 0;
  for (const LexToken& token : tokens) {
    if (token.kind == TokenKind::Phrase) {
      bool in_word = false;
      for (const char c : token.text) {
        words += !in_word && !text::is_ascii_whitespace(c);
        in_word = !text::is_ascii_whitespace(c);
      }
    } else if (token.kind == TokenKind::Word || token.kind == TokenKind::Exact ||
               token.kind == TokenKind::Wildcard) {
      ++words;
    }
  }
  return words;
}

QueryNode parse_query(std::string_view text,
                      const std::function<bool(std::string_view)>& is_known_field,
                      bool unknown_fields_as_words) {
  Lexer lexer(text, is_known_field, unknown_fields_as_words);
  std::vector<LexToken> tokens = lexer.run();
  const std::size_t words = count_words(tokens);
  Parser parser(std::move(tokens));
  QueryNode query = parser.parse();  // syntax errors first, in the order they stand
  if (words > kMaxQueryWords)
    throw QueryError(1, "too many words: " + std::to_string(words) + " (at most " +
                            std::to_string(kMaxQueryWords) + ")");
  return query;
}

std::string as_plain_words(std::string_view text) {
  // Quote marks of every style the lexer knows, parentheses, and ':' (fields): syntax only.
  static constexpr std::string_view kSyntax[] = {"(",      ")",      "\"",     "\u201C", "\u201D",
                                                 "\u201E", "\u00AB", "\u00BB", ":",      "*"};
  std::string cleaned(text);
  for (const std::string_view mark : kSyntax)
    for (auto at = cleaned.find(mark); at != std::string::npos; at = cleaned.find(mark, at))
      cleaned.replace(at, mark.size(), " ");
  std::string out;
  std::size_t begin = 0;
  while (begin < cleaned.size()) {
    const auto end = std::min(cleaned.find_first_of(" \t\r\n\v\f", begin), cleaned.size());
    std::string word = cleaned.substr(begin, end - begin);
    begin = end + 1;
    word.erase(0, std::min(word.find_first_not_of("+-="), word.size()));
    if (word.empty()) continue;
    if (word == "AND" || word == "OR" || word == "NOT" || word.starts_with("NEAR"))
      text::ascii_lower_in_place(word);
    out += (out.empty() ? "" : " ") + word;
  }
  return out;
}

}  // namespace kavosh::search
