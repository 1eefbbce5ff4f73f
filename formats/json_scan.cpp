#include "formats/json_scan.hpp"

// Grammar from RFC 8259: §2 (values, whitespace), §4 objects, §5 arrays, §6 numbers, §7 strings. The scanner keeps
// an explicit stack of open containers, so hostile nesting costs memory bounded by max_depth, never C++ stack.

#include <charconv>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "lib/util/strings.hpp"

namespace purser::formats::detail {

namespace {

class Scanner {
 public:
  Scanner(std::string_view bytes, JsonEvents& events, std::size_t max_depth)
      : m_begin(bytes.data()),
        m_p(bytes.data()),
        m_end(bytes.data() + bytes.size()),
        m_events(events),
        m_max_depth(max_depth) {}

  std::optional<JsonScanError> run() {
    // A UTF-8 byte order mark is tolerated (RFC 8259 §8.1 lets parsers ignore it); Windows tools write one.
    if (m_end - m_p >= 3 && m_p[0] == '\xEF' && m_p[1] == '\xBB' && m_p[2] == '\xBF') m_p += 3;
    if (!document()) return std::move(m_error);
    return std::nullopt;
  }

 private:
  struct Frame {
    bool array = false;
    bool skipped = false;
    bool fresh = true;  ///< opened, not empty, first element not read yet
  };

  bool fail(const char* at, std::string reason) {
    if (!m_error) m_error = JsonScanError{"invalid json: " + std::move(reason), static_cast<std::size_t>(at - m_begin)};
    return false;
  }
  bool fail_here(std::string_view expected) {
    if (m_p >= m_end) return fail(m_p, "unexpected end of input; expected " + std::string(expected));
    return fail(m_p, "unexpected " + describe(*m_p) + "; expected " + std::string(expected));
  }
  static std::string describe(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) return std::string("'") + c + "'";
    static constexpr char k_hex[] = "0123456789ABCDEF";
    return std::string("byte 0x") + k_hex[u >> 4] + k_hex[u & 0xf];
  }
  std::size_t offset() const { return static_cast<std::size_t>(m_p - m_begin); }

  void ws() {
    while (m_p < m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t')) ++m_p;
  }

  bool document() {
    ws();
    if (!value()) return false;
    while (!m_stack.empty()) {
      ws();
      Frame& top = m_stack.back();
      if (top.fresh) {
        top.fresh = false;
        if (!top.array && !member_name()) return false;
        if (!value()) return false;
        continue;
      }
      if (m_p < m_end && *m_p == ',') {
        ++m_p;
        if (!top.array && !member_name()) return false;
        if (!value()) return false;
        continue;
      }
      if (m_p < m_end && *m_p == (top.array ? ']' : '}')) {
        ++m_p;
        bool array = top.array;
        bool skipped = top.skipped;
        m_stack.pop_back();
        if (!skipped) {
          if (array)
            m_events.end_array();
          else
            m_events.end_object();
        }
        continue;
      }
      return fail_here(top.array ? "',' or ']'" : "',' or '}'");
    }
    ws();
    if (m_p != m_end) return fail(m_p, "unexpected " + describe(*m_p) + " after the document");
    return true;
  }

  // §4: a member name string and ':'; delivered as a key unless its object is skipped.
  bool member_name() {
    ws();
    if (m_p >= m_end || *m_p != '"') return fail_here("a member name string");
    std::size_t at = offset();
    bool skipped = m_stack.back().skipped;
    std::string_view name;
    if (!string(skipped ? nullptr : &name)) return false;
    ws();
    if (m_p >= m_end || *m_p != ':') return fail_here("':' after a member name");
    ++m_p;
    if (!skipped) m_events.key(name, at);
    return true;
  }

  // One value. Containers are opened here, filled and closed by document()'s loop (no recursion); an empty one is
  // closed at once.
  bool value() {
    ws();
    if (m_p >= m_end) return fail_here("a value");
    bool in_skip = !m_stack.empty() && m_stack.back().skipped;
    bool skip = in_skip || m_events.skip_next();
    std::size_t at = offset();
    char c = *m_p;
    if (c == '{' || c == '[') {
      if (m_stack.size() >= m_max_depth)
        return fail(m_p, "nesting deeper than " + std::to_string(m_max_depth) + " levels");
      bool array = c == '[';
      ++m_p;
      if (!skip) {
        if (array)
          m_events.start_array(at);
        else
          m_events.start_object(at);
      }
      ws();
      if (m_p < m_end && *m_p == (array ? ']' : '}')) {
        ++m_p;
        if (!skip) {
          if (array)
            m_events.end_array();
          else
            m_events.end_object();
        }
        return true;
      }
      m_stack.push_back({array, skip, true});
      return true;
    }
    if (c == '"') {
      std::string_view text;
      if (!string(skip ? nullptr : &text)) return false;
      if (!skip) m_events.string(text, at);
      return true;
    }
    if (c == 't' || c == 'f' || c == 'n') {
      std::string_view word = c == 't' ? "true" : (c == 'f' ? "false" : "null");
      if (static_cast<std::size_t>(m_end - m_p) < word.size() || std::string_view(m_p, word.size()) != word)
        return fail(m_p, "invalid literal; expected true, false or null");
      m_p += word.size();
      if (!skip) {
        if (c == 'n')
          m_events.null(at);
        else
          m_events.boolean(c == 't', at);
      }
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return number(skip, at);
    return fail_here("a value");
  }

  // §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool number(bool skip, std::size_t at) {
    const char* start = m_p;
    auto digit = [&] { return m_p < m_end && *m_p >= '0' && *m_p <= '9'; };
    if (*m_p == '-') ++m_p;
    if (!digit()) return fail(start, "invalid number");
    if (*m_p == '0') {
      ++m_p;
    } else {
      while (digit()) ++m_p;
    }
    if (m_p < m_end && *m_p == '.') {
      ++m_p;
      if (!digit()) return fail(start, "invalid number");
      while (digit()) ++m_p;
    }
    if (m_p < m_end && (*m_p == 'e' || *m_p == 'E')) {
      ++m_p;
      if (m_p < m_end && (*m_p == '+' || *m_p == '-')) ++m_p;
      if (!digit()) return fail(start, "invalid number");
      while (digit()) ++m_p;
    }
    if (!skip) m_events.number(std::string_view(start, static_cast<std::size_t>(m_p - start)), at);
    return true;
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool hex4(std::uint32_t& out) {
    if (m_end - m_p < 4) return fail(m_p, "unexpected end of input in a \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex(m_p[i]);
      if (h < 0) return fail(m_p - 2, "invalid \\u escape");
      out = out << 4 | static_cast<std::uint32_t>(h);
    }
    m_p += 4;
    return true;
  }

  // §7. `out` == nullptr: check only. m_p is at the opening quote. A string without escapes is a view of the
  // input; one with escapes is decoded into m_text.
  bool string(std::string_view* out) {
    const char* open = m_p;
    ++m_p;
    bool decoded = false;
    for (;;) {
      const char* run = m_p;
      while (m_p < m_end) {
        auto u = static_cast<unsigned char>(*m_p);
        if (u == '"' || u == '\\' || u < 0x20) break;
        ++m_p;
      }
      if (decoded) m_text.append(run, static_cast<std::size_t>(m_p - run));
      if (m_p >= m_end) return fail(open, "unterminated string");
      char c = *m_p;
      if (c == '"') {
        if (out != nullptr)
          *out =
              decoded ? std::string_view(m_text) : std::string_view(open + 1, static_cast<std::size_t>(m_p - open - 1));
        ++m_p;
        return true;
      }
      if (c != '\\') return fail(m_p, "control character " + describe(c) + " in a string; it must be escaped");
      if (!decoded && out != nullptr) {
        decoded = true;
        m_text.assign(open + 1, static_cast<std::size_t>(m_p - open - 1));
      }
      ++m_p;
      if (m_p >= m_end) return fail(open, "unterminated string");
      char e = *m_p++;
      char simple = 0;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          simple = e;
          break;
        case 'b':
          simple = '\b';
          break;
        case 'f':
          simple = '\f';
          break;
        case 'n':
          simple = '\n';
          break;
        case 'r':
          simple = '\r';
          break;
        case 't':
          simple = '\t';
          break;
        case 'u': {
          std::uint32_t cp = 0;
          if (!hex4(cp)) return false;
          if (cp >= 0xDC00 && cp <= 0xDFFF) return fail(m_p - 6, "invalid \\u escape: unpaired low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            std::uint32_t low = 0;
            if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
              return fail(m_p - 6, "invalid \\u escape: unpaired high surrogate");
            m_p += 2;
            if (!hex4(low)) return false;
            if (low < 0xDC00 || low > 0xDFFF) return fail(m_p - 12, "invalid \\u escape: unpaired high surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          if (decoded) util::append_utf8(m_text, cp);
          continue;
        }
        default:
          return fail(m_p - 2, "invalid escape: " + describe(e) + " after a backslash");
      }
      if (decoded) m_text.push_back(simple);
    }
  }

  const char* m_begin;
  const char* m_p;
  const char* m_end;
  JsonEvents& m_events;
  std::size_t m_max_depth;
  std::vector<Frame> m_stack;
  std::string m_text;
  std::optional<JsonScanError> m_error;
};

}  // namespace

std::optional<JsonScanError> scan_json(std::string_view bytes, JsonEvents& events, std::size_t max_depth) {
  return Scanner(bytes, events, max_depth).run();
}

// --- JsonTree / JsonValue ------------------------------------------------------------------------------------------

void JsonTree::clear() {
  m_nodes.clear();
  m_arena.clear();
  m_open.clear();
}

std::uint32_t JsonTree::add_text(std::string_view s) {
  // Offsets are 32-bit: a single unit (one component) of 4 GiB is refused rather than wrapped.
  if (m_arena.size() + s.size() > UINT32_MAX) throw std::length_error("json unit larger than 4 GiB");
  auto at = static_cast<std::uint32_t>(m_arena.size());
  m_arena.append(s);
  return at;
}

void JsonTree::open(JsonValue::Kind kind, std::string_view key, std::string_view text, bool flag) {
  if (m_nodes.size() >= UINT32_MAX) throw std::length_error("json unit with too many values");
  auto index = static_cast<std::uint32_t>(m_nodes.size());
  Node n;
  n.kind = kind;
  n.flag = flag;
  if (!key.empty()) {
    n.key_begin = add_text(key);
    n.key_size = static_cast<std::uint32_t>(key.size());
  }
  if (!text.empty()) {
    n.text_begin = add_text(text);
    n.text_size = static_cast<std::uint32_t>(text.size());
  }
  m_nodes.push_back(n);
  if (!m_open.empty()) {
    Open& parent = m_open.back();
    if (parent.last == 0)
      m_nodes[parent.node].first = index;
    else
      m_nodes[parent.last].next = index;
    parent.last = index;
    ++m_nodes[parent.node].count;
  }
  if (kind == JsonValue::Kind::array || kind == JsonValue::Kind::object) m_open.push_back({index, 0});
}

void JsonTree::close() {
  if (!m_open.empty()) m_open.pop_back();
}

JsonValue::Kind JsonValue::kind() const { return m_tree == nullptr ? Kind::absent : m_tree->m_nodes[m_index].kind; }

const char* JsonValue::type_name() const {
  switch (kind()) {
    case Kind::absent:
      return "absent";
    case Kind::null:
      return "null";
    case Kind::boolean:
      return "boolean";
    case Kind::number:
      return "number";
    case Kind::string:
      return "string";
    case Kind::array:
      return "array";
    case Kind::object:
      return "object";
  }
  return "null";
}

std::string_view JsonValue::str() const {
  if (kind() != Kind::string) return {};
  const auto& n = m_tree->m_nodes[m_index];
  return std::string_view(m_tree->m_arena).substr(n.text_begin, n.text_size);
}

std::optional<std::uint64_t> JsonValue::as_uint() const {
  if (kind() != Kind::number) return std::nullopt;
  const auto& n = m_tree->m_nodes[m_index];
  std::string_view text = std::string_view(m_tree->m_arena).substr(n.text_begin, n.text_size);
  std::uint64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec != std::errc() || r.ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::string_view JsonValue::key() const {
  if (m_tree == nullptr) return {};
  const auto& n = m_tree->m_nodes[m_index];
  return std::string_view(m_tree->m_arena).substr(n.key_begin, n.key_size);
}

JsonValue JsonValue::find(std::string_view name) const {
  if (kind() != Kind::object) return {};
  for (JsonValue member : *this)
    if (member.key() == name) return member;
  return {};
}

std::optional<std::string_view> JsonValue::string_member(std::string_view name) const {
  JsonValue v = find(name);
  if (!v.is_string()) return std::nullopt;
  return v.str();
}

std::size_t JsonValue::size() const {
  Kind k = kind();
  return k == Kind::array || k == Kind::object ? m_tree->m_nodes[m_index].count : 0;
}

JsonValue::iterator& JsonValue::iterator::operator++() {
  m_index = m_tree->m_nodes[m_index].next;
  return *this;
}

JsonValue::iterator JsonValue::begin() const {
  if (size() == 0) return end();
  return iterator(m_tree, m_tree->m_nodes[m_index].first);
}

JsonValue::iterator JsonValue::end() const { return iterator(m_tree, 0); }

}  // namespace purser::formats::detail
