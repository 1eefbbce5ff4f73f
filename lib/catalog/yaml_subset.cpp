#include "lib/catalog/yaml_subset.hpp"

// YAML 1.2 (https://yaml.org/spec/1.2.2/), restricted to what lockfile writers emit.
// The reader works line by line: `advance()` moves to the first content character of the
// next line that is not blank or a comment and reports its indentation; block collections
// loop while lines sit at their own indentation (spec 8.2). Flow collections (spec 7.4)
// may span lines. Errors are thrown as ParseError inside and turned into util::Error at
// the entry point.

#include <cstring>
#include <string>
#include <utility>

#include "lib/util/strings.hpp"

namespace purser::catalog::yaml {

namespace {

struct ParseError {
  std::uint64_t line;
  std::string message;
  util::ErrorCode code = util::ErrorCode::parse;
};

constexpr std::uint32_t k_none = UINT32_MAX;

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_break(char c) { return c == '\n' || c == '\r'; }
bool is_flow_indicator(char c) { return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'; }

// Plain scalars that the core schema reads as null (spec 10.3.2).
bool is_null_text(std::string_view t) { return t.empty() || t == "~" || t == "null" || t == "Null" || t == "NULL"; }

}  // namespace

class Reader {
 public:
  Reader(std::string_view s, const Limits& limits, Document& doc)
      : m_s(s),
        m_n(s.size()),
        m_limits(limits),
        m_doc(doc),
        m_max_nodes(limits.nodes_per_byte * static_cast<std::uint64_t>(s.size()) + 64) {}

  void run() {
    if (m_s.substr(0, 3) == "\xEF\xBB\xBF") m_pos = 3;
    m_line_start = m_pos;
    int indent = first_line();
    // Directives before the first document: only %YAML / %TAG lines, skipped.
    while (indent == 0 && m_s[m_pos] == '%') {
      skip_to_eol();
      indent = advance();
    }
    bool any = false;
    while (true) {
      std::uint64_t marker_line = 0;
      if (indent == 0 && at_marker("---")) {
        marker_line = m_line;
        m_pos += 3;
        skip_blanks();
        if (m_pos < m_n && !is_break(m_s[m_pos]) && m_s[m_pos] != '#') {
          m_ready = false;
          m_doc.m_documents.push_back(parse_block_node(-1));
          any = true;
          indent = advance();
          if (!after_document(indent)) break;
          continue;
        }
        indent = advance();
      } else if (indent == 0 && at_marker("...")) {
        m_pos += 3;
        indent = advance();
        if (indent < 0) break;
        continue;
      }
      if (indent < 0 || (indent == 0 && (at_marker("---") || at_marker("...")))) {
        if (marker_line != 0 || !any) {
          m_doc.m_documents.push_back(new_node(Kind::null, marker_line, {}));
          any = true;
        }
        if (indent < 0) break;
        continue;
      }
      m_doc.m_documents.push_back(parse_block_node(-1));
      any = true;
      indent = advance();
      if (!after_document(indent)) break;
    }
  }

 private:
  // After a document's root: the stream ends, or a marker follows.
  bool after_document(int indent) {
    if (indent < 0) return false;
    if (indent == 0 && (at_marker("---") || at_marker("..."))) return true;
    fail(m_line, "bad indentation: content after the end of the document");
  }

  [[noreturn]] void fail(std::uint64_t line, std::string message, util::ErrorCode code = util::ErrorCode::parse) const {
    throw ParseError{line, std::move(message), code};
  }

  std::uint32_t new_node(Kind kind, std::uint64_t line, std::string_view text, bool quoted = false) {
    if (m_doc.m_nodes.size() >= m_max_nodes) fail(line, "too many nodes for the file size");
    Node n;
    n.kind = kind;
    n.quoted = quoted;
    n.line = line > UINT32_MAX ? UINT32_MAX : static_cast<std::uint32_t>(line);
    n.text = text;
    m_doc.m_nodes.push_back(n);
    return static_cast<std::uint32_t>(m_doc.m_nodes.size() - 1);
  }

  std::uint32_t new_scalar(std::uint64_t line, std::string_view text, bool quoted) {
    return new_node(!quoted && is_null_text(text) ? Kind::null : Kind::scalar, line, text, quoted);
  }

  std::string_view store(std::string&& s) {
    auto buf = std::make_unique<char[]>(s.size() + 1);
    std::memcpy(buf.get(), s.data(), s.size());
    std::string_view view(buf.get(), s.size());
    m_doc.m_decoded.push_back(std::move(buf));
    return view;
  }

  // Children are collected on a scratch stack while a collection is open, then moved to
  // Document::m_children as one contiguous range.
  void close(std::uint32_t node, std::size_t scratch_start, bool mapping) {
    auto& kids = m_doc.m_children;
    Node& n = m_doc.m_nodes[node];
    n.first = static_cast<std::uint32_t>(kids.size());
    std::size_t count = m_scratch.size() - scratch_start;
    n.count = static_cast<std::uint32_t>(mapping ? count / 2 : count);
    kids.insert(kids.end(), m_scratch.begin() + static_cast<std::ptrdiff_t>(scratch_start), m_scratch.end());
    m_scratch.resize(scratch_start);
  }

  void enter(std::uint64_t line) {
    if (++m_depth > m_limits.max_depth) fail(line, "nesting too deep");
  }

  // --- lines -----------------------------------------------------------------------

  int col() const { return static_cast<int>(m_pos - m_line_start); }
  char at(std::size_t p) const { return p < m_n ? m_s[p] : '\0'; }
  bool at_eol() const { return m_pos >= m_n || is_break(m_s[m_pos]); }
  void skip_blanks() {
    while (m_pos < m_n && is_blank(m_s[m_pos])) ++m_pos;
  }
  void skip_to_eol() {
    while (m_pos < m_n && !is_break(m_s[m_pos])) ++m_pos;
  }
  // Past one line break: "\n", "\r\n" or a lone "\r".
  void skip_break() {
    if (m_pos < m_n && m_s[m_pos] == '\r') {
      ++m_pos;
      if (m_pos < m_n && m_s[m_pos] == '\n') ++m_pos;
    } else if (m_pos < m_n && m_s[m_pos] == '\n') {
      ++m_pos;
    }
    ++m_line;
    m_line_start = m_pos;
  }
  // The character after p is a blank, a break, or the end: p holds an indicator.
  bool space_after(std::size_t p) const { return p + 1 >= m_n || is_blank(m_s[p + 1]) || is_break(m_s[p + 1]); }
  // `---` or `...` at column 0, followed by a blank, a break or the end.
  bool at_marker(const char* marker) const {
    if (m_pos != m_line_start || m_n - m_pos < 3 || m_s.compare(m_pos, 3, marker) != 0) return false;
    char c = at(m_pos + 3);
    return m_pos + 3 >= m_n || is_blank(c) || is_break(c);
  }
  bool at_any_marker() const { return at_marker("---") || at_marker("..."); }

  // From the start of a line: skips blank and comment lines, stops on the first content
  // character; returns its column, or -1 at the end of input.
  int next_line() {
    while (true) {
      while (m_pos < m_n && m_s[m_pos] == ' ') ++m_pos;
      if (m_pos >= m_n) return ready(-1);
      char c = m_s[m_pos];
      if (c == '\t') {
        skip_blanks();
        c = at(m_pos);
        if (m_pos < m_n && !is_break(c) && c != '#') fail(m_line, "tab character in indentation");
      }
      if (m_pos >= m_n) return ready(-1);
      c = m_s[m_pos];
      if (c == '#') {
        m_crossed_comment = true;
        skip_to_eol();
      }
      if (m_pos >= m_n) return ready(-1);
      if (!is_break(m_s[m_pos])) return ready(col());
      ++m_blank_lines;
      skip_break();
    }
  }
  int first_line() {
    m_line = 1;
    m_crossed_comment = false;
    m_blank_lines = 0;
    return next_line();
  }
  int ready(int indent) {
    m_ready = true;
    m_ready_pos = m_pos;
    m_indent = indent;
    return indent;
  }

  // Finishes the current line (only blanks and a comment may remain) and moves to the
  // next content line. Idempotent while nothing is consumed.
  int advance() {
    if (m_ready && m_pos == m_ready_pos) return m_indent;
    m_crossed_comment = false;
    m_blank_lines = 0;
    skip_blanks();
    if (m_pos < m_n && m_s[m_pos] == '#') {
      m_crossed_comment = true;
      skip_to_eol();
    }
    if (m_pos < m_n && !is_break(m_s[m_pos])) fail(m_line, "unexpected characters after a value");
    if (m_pos >= m_n) return ready(-1);
    skip_break();
    return next_line();
  }

  // --- block nodes -------------------------------------------------------------------

  // A node whose first character is at m_pos, in a block whose parent has `parent_indent`.
  std::uint32_t parse_block_node(int parent_indent) {
    char c = m_s[m_pos];
    bool indicator = space_after(m_pos);
    if (c == '-' && indicator) return parse_block_sequence(col());
    if (c == '?' && indicator) return parse_block_mapping(col(), k_none);
    if (c == '|' || c == '>') return parse_block_scalar(parent_indent);
    std::uint64_t line = m_line;
    int key_col = col();
    bool plain = false;
    std::uint32_t node = parse_inline(false, plain);
    skip_blanks();
    if (at(m_pos) == ':' && space_after(m_pos)) {
      if (m_line != line) fail(line, "a mapping key must be on one line");
      return parse_block_mapping(key_col, node);
    }
    if (plain) fold_plain(node, parent_indent);
    return node;
  }

  // A value after "key:" (m_pos just after the colon) of a mapping at `indent`.
  std::uint32_t parse_value(int indent) {
    std::uint64_t line = m_line;
    skip_blanks();
    if (m_pos >= m_n || is_break(m_s[m_pos]) || m_s[m_pos] == '#') {
      int next = advance();
      if (next > indent && !at_any_marker()) return parse_block_node(indent);
      if (next == indent && indent >= 0 && m_s[m_pos] == '-' && !at_any_marker() && space_after(m_pos))
        return parse_block_sequence(indent);  // "key:\n- a": a sequence may sit at the key's indentation
      return new_node(Kind::null, line, {});
    }
    char c = m_s[m_pos];
    if (c == '|' || c == '>') return parse_block_scalar(indent);
    if (c == '-' && space_after(m_pos)) fail(m_line, "a block sequence cannot start on the line of its key");
    if (c == '?' && space_after(m_pos)) fail(m_line, "an explicit key cannot start on the line of its key");
    bool plain = false;
    std::uint32_t node = parse_inline(false, plain);
    skip_blanks();
    if (at(m_pos) == ':' && space_after(m_pos))
      fail(m_line, "mapping values are not allowed on the line of another key");
    if (plain) fold_plain(node, indent);
    return node;
  }

  std::uint32_t parse_block_mapping(int indent, std::uint32_t first_key) {
    std::uint64_t line = first_key != k_none ? m_doc.m_nodes[first_key].line : m_line;
    enter(line);
    std::uint32_t map = new_node(Kind::mapping, line, {});
    std::size_t start = m_scratch.size();
    std::uint32_t key = first_key;
    while (true) {
      if (key == k_none) {
        char c = m_s[m_pos];
        bool next_is_space = space_after(m_pos);
        if (c == '?' && next_is_space) {
          // Explicit entry (spec 8.2.2): "? key" then, optionally, ": value" at this indentation.
          std::uint64_t key_line = m_line;
          ++m_pos;
          key = parse_value_like(indent, key_line);
          int next = advance();
          std::uint32_t value;
          if (next == indent && m_s[m_pos] == ':' && !at_any_marker() && space_after(m_pos)) {
            std::uint64_t value_line = m_line;
            ++m_pos;
            value = parse_value_like(indent, value_line);
          } else {
            value = new_node(Kind::null, key_line, {});
          }
          m_scratch.push_back(key);
          m_scratch.push_back(value);
          key = k_none;
          if (!next_entry(indent, false)) break;
          continue;
        }
        if (c == '-' && next_is_space) fail(m_line, "expected a mapping key, found a sequence item");
        std::uint64_t key_line = m_line;
        bool plain = false;
        key = parse_inline(false, plain);
        skip_blanks();
        if (!(at(m_pos) == ':' && space_after(m_pos))) fail(key_line, "expected ':' after a mapping key");
        if (m_doc.m_nodes[key].line != m_line) fail(key_line, "a mapping key must be on one line");
      }
      ++m_pos;  // ':'
      std::uint32_t value = parse_value(indent);
      m_scratch.push_back(key);
      m_scratch.push_back(value);
      key = k_none;
      if (!next_entry(indent, false)) break;
    }
    close(map, start, true);
    --m_depth;
    return map;
  }

  // After "? " or ": " of an explicit entry: a node on this line or the lines below.
  std::uint32_t parse_value_like(int indent, std::uint64_t line) {
    skip_blanks();
    if (m_pos >= m_n || is_break(m_s[m_pos]) || m_s[m_pos] == '#') {
      int next = advance();
      if (next > indent && !at_any_marker()) return parse_block_node(indent);
      return new_node(Kind::null, line, {});
    }
    return parse_block_node(indent);
  }

  // Moves to the next line; true when it holds another entry of the collection at `indent`.
  bool next_entry(int indent, bool sequence) {
    int next = advance();
    if (next < indent || (next == 0 && at_any_marker())) return false;
    if (next > indent)
      fail(m_line, sequence ? "bad indentation of a sequence item" : "bad indentation of a mapping entry");
    bool dash = m_s[m_pos] == '-' && space_after(m_pos);
    if (sequence) return dash;
    return true;
  }

  std::uint32_t parse_block_sequence(int indent) {
    std::uint64_t line = m_line;
    enter(line);
    std::uint32_t seq = new_node(Kind::sequence, line, {});
    std::size_t start = m_scratch.size();
    while (true) {
      std::uint64_t item_line = m_line;
      ++m_pos;  // '-'
      skip_blanks();
      std::uint32_t item;
      if (m_pos >= m_n || is_break(m_s[m_pos]) || m_s[m_pos] == '#') {
        int next = advance();
        item = next > indent && !at_any_marker() ? parse_block_node(indent) : new_node(Kind::null, item_line, {});
      } else {
        item = parse_block_node(indent);  // compact forms: "- a: b", "- - x"
      }
      m_scratch.push_back(item);
      if (!next_entry(indent, true)) break;
    }
    close(seq, start, false);
    --m_depth;
    return seq;
  }

  // Literal `|` and folded `>` scalars with chomping (+/-) and indentation (1-9)
  // indicators (spec 8.1). m_pos is at the indicator; `parent_indent` is the indentation
  // of the collection that holds it.
  std::uint32_t parse_block_scalar(int parent_indent) {
    std::uint64_t line = m_line;
    bool folded = m_s[m_pos] == '>';
    ++m_pos;
    char chomp = 'c';
    int explicit_indent = 0;
    for (int k = 0; k < 2 && m_pos < m_n; ++k) {
      char c = m_s[m_pos];
      if ((c == '+' || c == '-') && chomp == 'c') {
        chomp = c;
        ++m_pos;
      } else if (c >= '1' && c <= '9' && explicit_indent == 0) {
        explicit_indent = c - '0';
        ++m_pos;
      }
    }
    skip_blanks();
    if (m_pos < m_n && m_s[m_pos] == '#') skip_to_eol();
    if (m_pos < m_n && !is_break(m_s[m_pos])) fail(line, "unexpected characters after a block scalar indicator");
    int content_indent = explicit_indent == 0 ? -1 : (parent_indent < 0 ? 0 : parent_indent) + explicit_indent;

    std::string out;
    std::size_t pending_breaks = 0;  // empty lines not yet written
    bool any_content = false;
    bool prev_more_indented = false;
    while (m_pos < m_n) {
      // m_pos is at a line break: look at the next line.
      std::size_t save_pos = m_pos, save_start = m_line_start;
      std::uint64_t save_line = m_line;
      skip_break();
      std::size_t spaces = 0;
      while (m_pos < m_n && m_s[m_pos] == ' ') ++m_pos, ++spaces;
      bool empty = m_pos >= m_n || is_break(m_s[m_pos]);
      if (content_indent < 0 && !empty) {
        content_indent = static_cast<int>(spaces);
        if (content_indent <= parent_indent) content_indent = parent_indent + 1;  // ends right here
      }
      if (empty && (content_indent < 0 || spaces <= static_cast<std::size_t>(content_indent))) {
        if (m_pos >= m_n && spaces == 0) {
          // The final break of the file: no line after it.
          m_pos = save_pos, m_line_start = save_start, m_line = save_line;
          break;
        }
        ++pending_breaks;
        continue;
      }
      if (static_cast<int>(spaces) < content_indent || (spaces == 0 && at_any_marker())) {
        m_pos = save_pos, m_line_start = save_start, m_line = save_line;
        break;
      }
      // A content line: the text after the content indentation.
      std::size_t text_start = m_line_start + static_cast<std::size_t>(content_indent);
      skip_to_eol();
      std::size_t text_end = m_pos;
      if (text_end > text_start && m_s[text_end - 1] == '\r') --text_end;
      std::string_view text = m_s.substr(text_start, text_end - text_start);
      bool more_indented = !text.empty() && is_blank(text.front());
      if (!any_content) {
        out.append(pending_breaks, '\n');
      } else if (folded && !more_indented && !prev_more_indented) {
        if (pending_breaks == 0)
          out += ' ';
        else
          out.append(pending_breaks, '\n');
      } else {
        out.append(pending_breaks + 1, '\n');
      }
      out += text;
      pending_breaks = 0;
      any_content = true;
      prev_more_indented = more_indented;
    }
    if (chomp == 'c' && any_content) out += '\n';
    if (chomp == '+') out.append(pending_breaks + (any_content ? 1 : 0), '\n');
    // m_pos is now at the end of the scalar's last line (content or empty).
    m_ready = false;
    return new_node(Kind::scalar, line, store(std::move(out)), true);
  }

  // Joins the continuation lines of a multi-line plain scalar (spec 7.3.3, 6.5): lines
  // below it that are indented more than its parent and not comments.
  void fold_plain(std::uint32_t node, int parent_indent) {
    std::string folded;
    bool any = false;
    while (true) {
      int next = advance();
      if (next <= parent_indent || m_crossed_comment || (next == 0 && at_any_marker())) break;
      if (!any) {
        folded = std::string(m_doc.m_nodes[node].text);
        any = true;
      }
      if (m_blank_lines == 0)
        folded += ' ';
      else
        folded.append(m_blank_lines, '\n');
      std::size_t start = m_pos;
      std::size_t end = scan_plain(false);
      if (end == start) fail(m_line, "unexpected character in a multi-line plain scalar");
      folded.append(m_s.substr(start, end - start));
      skip_blanks();
      if (at(m_pos) == ':' && space_after(m_pos))
        fail(m_line, "mapping values are not allowed in a multi-line plain scalar");
    }
    if (any) {
      Node& n = m_doc.m_nodes[node];
      n.text = store(std::move(folded));
      n.kind = Kind::scalar;
    }
  }

  // --- inline nodes: scalars and flow collections -------------------------------------

  // A scalar or flow collection starting at m_pos; sets `plain` when it is a plain scalar
  // (which may continue on the next lines).
  std::uint32_t parse_inline(bool flow, bool& plain) {
    char c = m_s[m_pos];
    plain = false;
    switch (c) {
      case '[':
      case '{':
        return parse_flow_collection();
      case '"':
        return parse_double_quoted();
      case '\'':
        return parse_single_quoted();
      case '&':
      case '*':
        fail(m_line, "anchors and aliases are not supported", util::ErrorCode::unsupported);
      case '!':
        fail(m_line, "tags are not supported", util::ErrorCode::unsupported);
      case '|':
      case '>':
        fail(m_line,
             flow ? "a block scalar cannot appear inside a flow collection" : "a block scalar cannot be a mapping key");
      case ']':
      case '}':
      case ',':
        fail(m_line, std::string("unexpected '") + c + "'");
      default:
        break;
    }
    std::uint64_t line = m_line;
    std::size_t start = m_pos;
    std::size_t end = scan_plain(flow);
    if (end == start && !(at(m_pos) == ':')) fail(line, std::string("unexpected character '") + c + "'");
    plain = true;
    return new_scalar(line, m_s.substr(start, end - start), false);
  }

  // Scans a plain scalar's text on the current line; returns its end (trailing blanks
  // excluded) and leaves m_pos there. Ends at ": ", " #", a break, and in flow context at
  // a flow indicator or a ':' before one.
  std::size_t scan_plain(bool flow) {
    std::size_t p = m_pos;
    std::size_t end = p;
    while (p < m_n) {
      char c = m_s[p];
      if (is_break(c)) break;
      if (c == ':') {
        char d = at(p + 1);
        if (p + 1 >= m_n || is_blank(d) || is_break(d) || (flow && is_flow_indicator(d))) break;
      } else if (c == '#') {
        if (p > m_pos && is_blank(m_s[p - 1])) break;
      } else if (flow && is_flow_indicator(c)) {
        break;
      }
      ++p;
      if (!is_blank(c)) end = p;
    }
    m_pos = end;
    return end;
  }

  std::uint32_t parse_single_quoted() {
    std::uint64_t line = m_line;
    std::size_t start = ++m_pos;
    // Fast path: no doubled quote and no line break before the closing quote.
    std::size_t p = start;
    while (p < m_n && m_s[p] != '\'' && !is_break(m_s[p])) ++p;
    if (p < m_n && m_s[p] == '\'' && at(p + 1) != '\'') {
      m_pos = p + 1;
      return new_scalar(line, m_s.substr(start, p - start), true);
    }
    std::string out;
    m_pos = start;
    while (true) {
      if (m_pos >= m_n) fail(line, "unclosed single-quoted scalar");
      char c = m_s[m_pos];
      if (c == '\'') {
        if (at(m_pos + 1) == '\'') {
          out += '\'';
          m_pos += 2;
          continue;
        }
        ++m_pos;
        break;
      }
      if (is_break(c)) {
        fold_quoted_break(out, line);
        continue;
      }
      out += c;
      ++m_pos;
    }
    return new_scalar(line, store(std::move(out)), true);
  }

  // A line break inside a quoted scalar (spec 7.3.1): trailing blanks are dropped, one
  // break becomes a space, n+1 breaks become n newlines, leading blanks are dropped.
  void fold_quoted_break(std::string& out, std::uint64_t start_line) {
    while (!out.empty() && is_blank(out.back())) out.pop_back();
    std::size_t breaks = 0;
    while (m_pos < m_n && (is_break(m_s[m_pos]) || is_blank(m_s[m_pos]))) {
      if (is_break(m_s[m_pos])) {
        skip_break();
        ++breaks;
        if (at_any_marker()) fail(start_line, "document marker inside a quoted scalar");
      } else {
        ++m_pos;
      }
    }
    if (breaks <= 1)
      out += ' ';
    else
      out.append(breaks - 1, '\n');
  }

  std::uint32_t parse_double_quoted() {
    std::uint64_t line = m_line;
    std::size_t start = ++m_pos;
    std::size_t p = start;
    while (p < m_n && m_s[p] != '"' && m_s[p] != '\\' && !is_break(m_s[p])) ++p;
    if (p < m_n && m_s[p] == '"') {
      m_pos = p + 1;
      return new_scalar(line, m_s.substr(start, p - start), true);
    }
    std::string out(m_s.substr(start, p - start));
    m_pos = p;
    while (true) {
      if (m_pos >= m_n) fail(line, "unclosed double-quoted scalar");
      char c = m_s[m_pos];
      if (c == '"') {
        ++m_pos;
        break;
      }
      if (is_break(c)) {
        fold_quoted_break(out, line);
        continue;
      }
      if (c != '\\') {
        out += c;
        ++m_pos;
        continue;
      }
      ++m_pos;
      if (m_pos >= m_n) fail(line, "unclosed double-quoted scalar");
      char e = m_s[m_pos++];
      switch (e) {
        case '0':
          out += '\0';
          break;
        case 'a':
          out += '\a';
          break;
        case 'b':
          out += '\b';
          break;
        case 't':
        case '\t':
          out += '\t';
          break;
        case 'n':
          out += '\n';
          break;
        case 'v':
          out += '\v';
          break;
        case 'f':
          out += '\f';
          break;
        case 'r':
          out += '\r';
          break;
        case 'e':
          out += '\x1b';
          break;
        case ' ':
          out += ' ';
          break;
        case '"':
          out += '"';
          break;
        case '/':
          out += '/';
          break;
        case '\\':
          out += '\\';
          break;
        case 'N':
          util::append_utf8(out, 0x85);
          break;
        case '_':
          util::append_utf8(out, 0xA0);
          break;
        case 'L':
          util::append_utf8(out, 0x2028);
          break;
        case 'P':
          util::append_utf8(out, 0x2029);
          break;
        case 'x':
          util::append_utf8(out, read_hex(2, line));
          break;
        case 'u': {
          std::uint32_t cp = read_hex(4, line);
          // A UTF-16 surrogate pair written as two escapes (as JSON writers do).
          if (cp >= 0xD800 && cp < 0xDC00 && at(m_pos) == '\\' && at(m_pos + 1) == 'u') {
            m_pos += 2;
            std::uint32_t low = read_hex(4, line);
            if (low < 0xDC00 || low > 0xDFFF) fail(m_line, "invalid escape in a double-quoted scalar");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          util::append_utf8(out, cp);
          break;
        }
        case 'U': {
          std::uint32_t cp = read_hex(8, line);
          if (cp > 0x10FFFF) fail(m_line, "invalid escape in a double-quoted scalar");
          util::append_utf8(out, cp);
          break;
        }
        case '\r':
        case '\n': {
          // Escaped line break: the lines join without a space; leading blanks dropped.
          --m_pos;
          skip_break();
          if (at_any_marker()) fail(line, "document marker inside a quoted scalar");
          skip_blanks();
          break;
        }
        default:
          fail(m_line, "invalid escape in a double-quoted scalar");
      }
    }
    return new_scalar(line, store(std::move(out)), true);
  }

  std::uint32_t read_hex(int digits, std::uint64_t) {
    std::uint32_t v = 0;
    for (int k = 0; k < digits; ++k) {
      char h = at(m_pos);
      std::uint32_t d;
      if (h >= '0' && h <= '9')
        d = static_cast<std::uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f')
        d = static_cast<std::uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        d = static_cast<std::uint32_t>(h - 'A' + 10);
      else
        fail(m_line, "invalid escape in a double-quoted scalar");
      v = (v << 4) | d;
      ++m_pos;
    }
    return v;
  }

  // Blanks, line breaks and comments between flow tokens.
  void skip_flow_space(std::uint64_t open_line, const char* what) {
    while (true) {
      if (m_pos >= m_n) fail(open_line, std::string("unclosed ") + what);
      char c = m_s[m_pos];
      if (is_blank(c)) {
        ++m_pos;
      } else if (is_break(c)) {
        skip_break();
        if (at_any_marker()) fail(open_line, std::string("unclosed ") + what);
      } else if (c == '#' && (m_pos == m_line_start || is_blank(m_s[m_pos - 1]))) {
        skip_to_eol();
      } else {
        return;
      }
    }
  }

  // A flow node inside a flow collection.
  std::uint32_t parse_flow_node() {
    bool plain = false;
    return parse_inline(true, plain);
  }

  bool at_flow_colon(bool adjacent_ok) const {
    if (at(m_pos) != ':') return false;
    char d = at(m_pos + 1);
    return adjacent_ok || m_pos + 1 >= m_n || is_blank(d) || is_break(d) || is_flow_indicator(d);
  }

  std::uint32_t parse_flow_collection() {
    std::uint64_t line = m_line;
    bool mapping = m_s[m_pos] == '{';
    const char* what = mapping ? "flow mapping" : "flow sequence";
    char close_char = mapping ? '}' : ']';
    enter(line);
    ++m_pos;
    std::uint32_t node = new_node(mapping ? Kind::mapping : Kind::sequence, line, {});
    std::size_t start = m_scratch.size();
    while (true) {
      skip_flow_space(line, what);
      if (m_s[m_pos] == close_char) {
        ++m_pos;
        break;
      }
      std::uint64_t entry_line = m_line;
      std::uint32_t key;
      if (at_flow_colon(false)) {
        key = new_node(Kind::null, entry_line, {});  // "{: v}": empty key
      } else {
        if (m_s[m_pos] == '?' && space_after(m_pos)) {
          ++m_pos;
          skip_flow_space(line, what);
        }
        key = parse_flow_node();
      }
      skip_flow_space(line, what);
      // JSON-like keys (quoted or collections) may have ':' right after them.
      const Node& kn = m_doc.m_nodes[key];
      bool adjacent_ok = kn.quoted || kn.kind == Kind::mapping || kn.kind == Kind::sequence;
      if (at_flow_colon(adjacent_ok)) {
        ++m_pos;
        skip_flow_space(line, what);
        std::uint32_t value;
        if (m_s[m_pos] == ',' || m_s[m_pos] == close_char)
          value = new_node(Kind::null, m_line, {});
        else
          value = parse_flow_node();
        if (mapping) {
          m_scratch.push_back(key);
          m_scratch.push_back(value);
        } else {
          // "[a: b]": a single-pair mapping as the item.
          std::uint32_t pair = new_node(Kind::mapping, entry_line, {});
          Node& p = m_doc.m_nodes[pair];
          p.first = static_cast<std::uint32_t>(m_doc.m_children.size());
          p.count = 1;
          m_doc.m_children.push_back(key);
          m_doc.m_children.push_back(value);
          m_scratch.push_back(pair);
        }
      } else if (mapping) {
        m_scratch.push_back(key);
        m_scratch.push_back(new_node(Kind::null, entry_line, {}));  // "{a, b}": keys without values
      } else {
        m_scratch.push_back(key);
      }
      skip_flow_space(line, what);
      if (m_s[m_pos] == ',') {
        ++m_pos;
        continue;
      }
      if (m_s[m_pos] == close_char) {
        ++m_pos;
        break;
      }
      fail(m_line, std::string("expected ',' or '") + close_char + "' in a " + what + " opened on line " +
                       std::to_string(line));
    }
    close(node, start, mapping);
    --m_depth;
    return node;
  }

  std::string_view m_s;
  std::size_t m_n;
  const Limits& m_limits;
  Document& m_doc;
  std::uint64_t m_max_nodes;
  std::vector<std::uint32_t> m_scratch;
  std::size_t m_pos = 0;
  std::size_t m_line_start = 0;
  std::uint64_t m_line = 1;
  std::uint32_t m_depth = 0;
  // advance() state
  bool m_ready = false;
  std::size_t m_ready_pos = 0;
  int m_indent = -1;
  bool m_crossed_comment = false;  // the last advance() passed a comment
  std::size_t m_blank_lines = 0;   // ... and this many blank lines
};

util::Result<Document> Document::parse(std::string_view bytes, const Limits& limits) {
  Document doc;
  doc.m_nodes.reserve(bytes.size() / 16 + 16);
  doc.m_children.reserve(bytes.size() / 16 + 16);
  try {
    Reader reader(bytes, limits, doc);
    reader.run();
  } catch (const ParseError& e) {
    return util::make_error(e.code, e.message, util::Location{"", e.line});
  }
  return doc;
}

std::vector<Ref> Document::documents() const {
  std::vector<Ref> out;
  out.reserve(m_documents.size());
  for (auto i : m_documents) out.emplace_back(this, i);
  return out;
}

Ref Document::root() const { return {this, m_documents.front()}; }

}  // namespace purser::catalog::yaml
