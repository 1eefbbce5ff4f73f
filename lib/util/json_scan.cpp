#include "lib/util/json_scan.hpp"

// Grammar from RFC 8259: §2 (values, whitespace), §4 objects, §5 arrays, §6 numbers, §7 strings, §8.1 UTF-8.

#include <cstring>

#include "lib/util/strings.hpp"

namespace purser::util::json {

namespace {

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_highs = 0x8080808080808080ULL;

// True when none of the 8 bytes of `w` needs attention inside a string: no byte < 0x20 (must be escaped, §7), no
// '"', no '\\', and, when validating, no byte >= 0x80 (UTF-8 to check). The "has a byte less than n" tests are exact
// about existence for any byte values (n <= 128), which is all we ask.
template <bool k_validate>
bool word_is_plain(std::uint64_t w) {
  std::uint64_t below_space = (w - k_ones * 0x20) & ~w;
  std::uint64_t q = w ^ (k_ones * static_cast<unsigned char>('"'));
  std::uint64_t quote = (q - k_ones) & ~q;
  std::uint64_t b = w ^ (k_ones * static_cast<unsigned char>('\\'));
  std::uint64_t backslash = (b - k_ones) & ~b;
  std::uint64_t attention = below_space | quote | backslash;
  if constexpr (k_validate) attention |= w;
  return (attention & k_highs) == 0;
}

template <bool k_validate>
bool byte_is_plain(unsigned char c) {
  if constexpr (k_validate) return c >= 0x20 && c != '"' && c != '\\' && c < 0x80;
  return c >= 0x20 && c != '"' && c != '\\';
}

// Length of the valid UTF-8 sequence starting at `p` (RFC 3629 §4), or 0 when invalid.
std::size_t utf8_sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  std::size_t avail = static_cast<std::size_t>(end - p);
  auto cont = [&](std::size_t i) { return i < avail && (p[i] & 0xC0) == 0x80; };
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[1] >= 0xA0) return 0;  // UTF-16 surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[1] >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string quoted_byte(char c) { return "'" + util::printable(std::string_view(&c, 1)) + "'"; }

}  // namespace

const char* describe(Kind kind) {
  switch (kind) {
    case Kind::end:
      return "nothing";
    case Kind::invalid:
      return "not a value";
    case Kind::object:
      return "an object";
    case Kind::array:
      return "an array";
    case Kind::string:
      return "a string";
    case Kind::number:
      return "a number";
    case Kind::boolean:
      return "a boolean";
    case Kind::null:
      return "null";
  }
  return "not a value";
}

// --- Scanner: tokens -----------------------------------------------------------------------------------------------

bool Scanner::fail(std::size_t offset, std::string reason) {
  if (!m_failed) {
    m_failed = true;
    m_error_offset = offset;
    m_error_reason = std::move(reason);
  }
  return false;
}

bool Scanner::fail_unexpected(std::string_view expected) {
  skip_ws();
  if (m_pos >= m_text.size()) return fail(m_pos, "unexpected end of input, expected " + std::string(expected));
  return fail(m_pos, "unexpected " + quoted_byte(m_text[m_pos]) + ", expected " + std::string(expected));
}

bool Scanner::nesting_error() {
  return fail(m_pos, "nesting deeper than " + std::to_string(m_options.max_depth) + " levels");
}

void Scanner::skip_ws() {
  while (m_pos < m_text.size() && is_ws(m_text[m_pos])) ++m_pos;
}

bool Scanner::skip_byte_order_mark() {
  if (!m_text.substr(m_pos).starts_with("\xEF\xBB\xBF")) return false;
  m_pos += 3;
  return true;
}

char Scanner::peek() {
  skip_ws();
  return m_pos < m_text.size() ? m_text[m_pos] : '\0';
}

Kind Scanner::peek_kind() {
  const char c = peek();
  if (m_pos >= m_text.size()) return Kind::end;
  const std::string_view rest = m_text.substr(m_pos);
  switch (c) {
    case '{':
      return Kind::object;
    case '[':
      return Kind::array;
    case '"':
      return Kind::string;
    case 't':
      return rest.starts_with("true") ? Kind::boolean : Kind::invalid;
    case 'f':
      return rest.starts_with("false") ? Kind::boolean : Kind::invalid;
    case 'n':
      return rest.starts_with("null") ? Kind::null : Kind::invalid;
    default:
      return c == '-' || is_digit(c) ? Kind::number : Kind::invalid;
  }
}

bool Scanner::at_end() {
  skip_ws();
  return m_pos >= m_text.size();
}

bool Scanner::expect(char c, std::string_view expected) {
  if (m_failed) return false;
  if (peek() != c || m_pos >= m_text.size()) return fail_unexpected(expected);
  ++m_pos;
  return true;
}

bool Scanner::read_string(std::string_view& out, std::string& buffer) {
  if (m_failed) return false;
  if (peek() != '"') return fail_unexpected("a string");
  return scan_string(&out, &buffer);
}

bool Scanner::scan_string(std::string_view* out, std::string* buffer) {
  return m_options.validate_utf8 ? scan_string_as<true>(out, buffer) : scan_string_as<false>(out, buffer);
}

// §7, at the opening quote. With `out` null the string is only validated. Runs of plain bytes are passed over a
// word at a time: a 67 MB base64 payload is one string.
template <bool k_validate>
bool Scanner::scan_string_as(std::string_view* out, std::string* buffer) {
  const std::size_t open = m_pos;
  const auto* base = reinterpret_cast<const unsigned char*>(m_text.data());
  const unsigned char* end = base + m_text.size();
  const unsigned char* p = base + m_pos + 1;
  const unsigned char* run = p;  // start of the bytes not yet copied into *buffer
  bool escaped = false;
  for (;;) {
    while (end - p >= 8) {
      std::uint64_t w;
      std::memcpy(&w, p, 8);
      if (!word_is_plain<k_validate>(w)) break;
      p += 8;
    }
    while (p < end && byte_is_plain<k_validate>(*p)) ++p;
    if (p >= end) return fail(open, "unterminated string");
    unsigned char c = *p;
    if (c == '"') {
      if (out != nullptr) {
        if (escaped) {
          buffer->append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
          *out = *buffer;
        } else {
          *out = std::string_view(reinterpret_cast<const char*>(base + open + 1),
                                  static_cast<std::size_t>(p - (base + open + 1)));
        }
      }
      m_pos = static_cast<std::size_t>(p + 1 - base);
      return true;
    }
    if (c < 0x20) return fail(static_cast<std::size_t>(p - base), "unescaped control character in string");
    if (c >= 0x80) {  // only when validating: otherwise such bytes are plain
      std::size_t n = utf8_sequence(p, end);
      if (n == 0) return fail(static_cast<std::size_t>(p - base), "invalid UTF-8 in string");
      p += n;
      continue;
    }
    // A backslash escape.
    const std::size_t at = static_cast<std::size_t>(p - base);
    if (out != nullptr) {
      if (!escaped) {
        buffer->clear();
        escaped = true;
      }
      buffer->append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    }
    if (end - p < 2) return fail(open, "unterminated string");
    char e = static_cast<char>(p[1]);
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
      case 'u':
        break;
      default:
        return fail(at, "invalid escape " + quoted_byte(e) + " in string");
    }
    if (simple != 0) {
      if (out != nullptr) buffer->push_back(simple);
      p += 2;
      run = p;
      continue;
    }
    auto read_hex4 = [&](const unsigned char* q, std::uint32_t& v) {
      if (end - q < 6 || q[0] != '\\' || q[1] != 'u') return false;
      v = 0;
      for (int i = 2; i < 6; ++i) {
        int h = hex_value(static_cast<char>(q[i]));
        if (h < 0) return false;
        v = (v << 4) | static_cast<std::uint32_t>(h);
      }
      return true;
    };
    std::uint32_t cp = 0;
    if (!read_hex4(p, cp)) return fail(at, "invalid \\u escape in string");
    p += 6;
    // §7: a character outside the BMP is a UTF-16 surrogate pair; a lone surrogate is no character at all.
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low = 0;
      if (!read_hex4(p, low) || low < 0xDC00 || low > 0xDFFF) return fail(at, "unpaired surrogate in \\u escape");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      p += 6;
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      return fail(at, "unpaired surrogate in \\u escape");
    }
    if (out != nullptr) util::append_utf8(*buffer, cp);
    run = p;
  }
}

// §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool Scanner::scan_number() {
  const std::size_t start = m_pos;
  const std::size_t n = m_text.size();
  std::size_t i = m_pos;
  if (i < n && m_text[i] == '-') ++i;
  if (i >= n || !is_digit(m_text[i])) return fail(start, "invalid number");
  if (m_text[i] == '0') {
    ++i;
  } else {
    while (i < n && is_digit(m_text[i])) ++i;
  }
  if (i < n && m_text[i] == '.') {
    ++i;
    if (i >= n || !is_digit(m_text[i])) return fail(start, "invalid number");
    while (i < n && is_digit(m_text[i])) ++i;
  }
  if (i < n && (m_text[i] == 'e' || m_text[i] == 'E')) {
    ++i;
    if (i < n && (m_text[i] == '+' || m_text[i] == '-')) ++i;
    if (i >= n || !is_digit(m_text[i])) return fail(start, "invalid number");
    while (i < n && is_digit(m_text[i])) ++i;
  }
  m_pos = i;
  return true;
}

bool Scanner::scan_literal(std::string_view word) {
  if (m_text.substr(m_pos, word.size()) != word) return fail(m_pos, "invalid literal");
  m_pos += word.size();
  return true;
}

bool Scanner::read_number(std::string_view& text) {
  if (m_failed) return false;
  const char c = peek();
  if (c != '-' && !is_digit(c)) return fail_unexpected("a number");
  const std::size_t start = m_pos;
  if (!scan_number()) return false;
  text = m_text.substr(start, m_pos - start);
  return true;
}

bool Scanner::read_bool(bool& value) {
  if (m_failed) return false;
  const char c = peek();
  if (c != 't' && c != 'f') return fail_unexpected("true or false");
  value = c == 't';
  return scan_literal(value ? "true" : "false");
}

bool Scanner::read_null() {
  if (m_failed) return false;
  if (peek() != 'n') return fail_unexpected("null");
  return scan_literal("null");
}

// --- Scanner: structure --------------------------------------------------------------------------------------------

bool Scanner::begin(char open, std::string_view expected) {
  if (m_failed) return false;
  if (peek() != open || m_pos >= m_text.size()) return fail_unexpected(expected);
  if (m_depth >= m_options.max_depth) return nesting_error();
  ++m_pos;
  ++m_depth;
  return true;
}

bool Scanner::begin_object() { return begin('{', "'{'"); }

bool Scanner::begin_array() { return begin('[', "'['"); }

// §4: members are separated by ',' and each is a name string, ':' and a value.
bool Scanner::next_member(bool first, std::string_view& name, std::size_t& name_at, std::string& buffer) {
  if (m_failed) return false;
  const char c = peek();
  if (c == '}') {
    ++m_pos;
    --m_depth;
    return false;
  }
  if (!first) {
    if (c != ',') return fail_unexpected("',' or '}'");
    ++m_pos;
    if (peek() != '"') return fail_unexpected("a string (member name)");
  } else if (c != '"') {
    return fail_unexpected("a string (member name) or '}'");
  }
  name_at = m_pos;
  if (!scan_string(&name, &buffer)) return false;
  return expect(':', "':'");
}

// §5: elements are separated by ','.
bool Scanner::next_element(bool first) {
  if (m_failed) return false;
  const char c = peek();
  if (c == ']') {
    ++m_pos;
    --m_depth;
    return false;
  }
  if (!first) {
    if (c != ',') return fail_unexpected("',' or ']'");
    ++m_pos;
  }
  return true;
}

bool Scanner::skip_value() {
  if (m_failed) return false;
  return m_options.validate_utf8 ? skip_value_as<true>() : skip_value_as<false>();
}

// Iterative: one byte of stack per open container, bounded by Options::max_depth together with the levels the
// caller has open. Strings are validated without being decoded (the UTF-8 choice is made once per value, not per
// string: a skipped SBOM predicate holds millions of them).
template <bool k_validate>
bool Scanner::skip_value_as() {
  std::string stack;  // '{' or '[' per open container
  for (;;) {
    // A value is expected here.
    char c = peek();
    switch (c) {
      case '{':
      case '[': {
        if (m_depth + stack.size() >= m_options.max_depth) return nesting_error();
        ++m_pos;
        const char close = c == '{' ? '}' : ']';
        if (peek() == close) {
          ++m_pos;
          break;
        }
        stack.push_back(c);
        if (c == '{') {
          if (peek() != '"') return fail_unexpected("a string (member name) or '}'");
          if (!scan_string_as<k_validate>(nullptr, nullptr) || !expect(':', "':'")) return false;
        }
        continue;
      }
      case '"':
        if (!scan_string_as<k_validate>(nullptr, nullptr)) return false;
        break;
      case 't':
        if (!scan_literal("true")) return false;
        break;
      case 'f':
        if (!scan_literal("false")) return false;
        break;
      case 'n':
        if (!scan_literal("null")) return false;
        break;
      default:
        if (c == '-' || is_digit(c)) {
          if (!scan_number()) return false;
          break;
        }
        return fail_unexpected("a value");
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (stack.empty()) return true;
      const char next = peek();
      const bool in_object = stack.back() == '{';
      if (next == ',') {
        ++m_pos;
        if (in_object) {
          if (peek() != '"') return fail_unexpected("a string (member name)");
          if (!scan_string_as<k_validate>(nullptr, nullptr) || !expect(':', "':'")) return false;
        }
        break;
      }
      if (next == (in_object ? '}' : ']')) {
        ++m_pos;
        stack.pop_back();
        continue;
      }
      return fail_unexpected(in_object ? "',' or '}'" : "',' or ']'");
    }
  }
}

bool Scanner::skip_value(std::string_view& extent) {
  if (m_failed) return false;
  skip_ws();
  const std::size_t start = m_pos;
  if (!skip_value()) return false;
  extent = m_text.substr(start, m_pos - start);
  return true;
}

// --- Readers -------------------------------------------------------------------------------------------------------

ObjectReader::ObjectReader(Scanner& scanner) : m_s(scanner) { m_open = m_s.begin_object(); }

bool ObjectReader::next(std::string& key) {
  if (!m_open || m_s.failed()) return false;
  std::string_view name;
  const bool more = m_s.next_member(m_first, name, m_key_offset, m_buffer);
  m_first = false;
  if (!more) {
    m_open = false;
    return false;
  }
  if (m_seen.find(name) != m_seen.end())
    return m_s.fail(m_key_offset, "duplicate member \"" + util::printable(name) + "\"");
  key.assign(name);
  m_seen.insert(key);
  return true;
}

ArrayReader::ArrayReader(Scanner& scanner) : m_s(scanner) { m_open = m_s.begin_array(); }

bool ArrayReader::next() {
  if (!m_open || m_s.failed()) return false;
  const bool more = m_s.next_element(m_first);
  m_first = false;
  if (!more) m_open = false;
  return more;
}

// --- Events --------------------------------------------------------------------------------------------------------

bool scan(Scanner& s, Events& events) {
  std::string open;  // '{' or '[' per container whose events are delivered (skipped ones live in skip_value)
  std::string buffer;
  bool first = false;  // the container on top was just begun
  bool want_value = true;
  for (;;) {
    if (want_value) {
      const char c = s.peek();
      const std::size_t at = s.pos();
      if (at >= s.text().size()) return s.fail_unexpected("a value");
      if (events.skip_next()) {
        if (!s.skip_value()) return false;
      } else if (c == '{') {
        if (!s.begin_object()) return false;
        events.start_object(at);
        open.push_back('{');
        first = true;
      } else if (c == '[') {
        if (!s.begin_array()) return false;
        events.start_array(at);
        open.push_back('[');
        first = true;
      } else if (c == '"') {
        std::string_view value;
        if (!s.read_string(value, buffer)) return false;
        events.string(value, at);
      } else if (c == 't' || c == 'f') {
        bool value = false;
        if (!s.read_bool(value)) return false;
        events.boolean(value, at);
      } else if (c == 'n') {
        if (!s.read_null()) return false;
        events.null(at);
      } else if (c == '-' || is_digit(c)) {
        std::string_view text;
        if (!s.read_number(text)) return false;
        events.number(text, at);
      } else {
        return s.fail_unexpected("a value");
      }
    }
    if (open.empty()) break;
    const bool in_object = open.back() == '{';
    bool more = false;
    if (in_object) {
      std::string_view name;
      std::size_t name_at = 0;
      more = s.next_member(first, name, name_at, buffer);
      if (more) events.key(name, name_at);
    } else {
      more = s.next_element(first);
    }
    first = false;
    if (more) {
      want_value = true;
      continue;
    }
    if (s.failed()) return false;
    if (in_object)
      events.end_object();
    else
      events.end_array();
    open.pop_back();
    want_value = false;
  }
  if (!s.at_end()) return s.fail_unexpected("end of input");
  return true;
}

// --- Helpers -------------------------------------------------------------------------------------------------------

util::Location location_of(std::string_view text, std::size_t offset, const std::string& path) {
  util::Location location{path};
  std::string_view body = util::trim(text);
  if (body.find('\n') != std::string_view::npos)
    location.line = util::line_of_offset(text, offset);
  else
    location.offset = offset;
  return location;
}

util::Error syntax_error(const Scanner& scanner, const std::string& path) {
  return util::make_error(util::ErrorCode::parse, "invalid json: " + scanner.error_reason(),
                          location_of(scanner.text(), scanner.error_offset(), path));
}

// §7: '"', '\\' and control characters must be escaped; everything else may be written as is.
void append_string(std::string& out, std::string_view value) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const unsigned char* end = p + value.size();
  while (p < end) {
    const unsigned char* run = p;
    while (p < end && byte_is_plain<true>(*p)) ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p >= end) break;
    unsigned char c = *p;
    if (c >= 0x80) {
      std::size_t n = utf8_sequence(p, end);
      if (n == 0) {
        out += "\\ufffd";
        ++p;
      } else {
        out.append(reinterpret_cast<const char*>(p), n);
        p += n;
      }
      continue;
    }
    ++p;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(k_hex[c >> 4]);
        out.push_back(k_hex[c & 15]);
    }
  }
  out.push_back('"');
}

bool is_valid_utf8(std::string_view value) {
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const unsigned char* end = p + value.size();
  while (p < end) {
    if (*p < 0x80) {
      ++p;
      continue;
    }
    std::size_t n = utf8_sequence(p, end);
    if (n == 0) return false;
    p += n;
  }
  return true;
}

}  // namespace purser::util::json
