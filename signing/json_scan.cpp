#include "signing/json_scan.hpp"

#include <array>
#include <cstring>

#include "lib/util/strings.hpp"

namespace purser::signing::json {

namespace {

bool is_ws(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// True when none of the 8 bytes of `w` needs attention inside a string: no byte < 0x20 (must be escaped,
// RFC 8259 §7), no '"', no '\\', no byte >= 0x80 (UTF-8 to validate). The "has zero byte" tests are exact
// about existence, which is all we ask.
bool word_is_plain(std::uint64_t w) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  constexpr std::uint64_t highs = 0x8080808080808080ULL;
  std::uint64_t below_space = (w - ones * 0x20) & ~w;
  std::uint64_t q = w ^ (ones * static_cast<unsigned char>('"'));
  std::uint64_t quote = (q - ones) & ~q;
  std::uint64_t b = w ^ (ones * static_cast<unsigned char>('\\'));
  std::uint64_t backslash = (b - ones) & ~b;
  return ((below_space | quote | backslash | w) & highs) == 0;
}

bool byte_is_plain(unsigned char c) { return c >= 0x20 && c != '"' && c != '\\' && c < 0x80; }

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

bool Scanner::fail(std::size_t offset, std::string reason) {
  if (!m_failed) {
    m_failed = true;
    m_error_offset = offset;
    m_error_reason = std::move(reason);
  }
  return false;
}

void Scanner::skip_ws() {
  while (m_pos < m_text.size() && is_ws(m_text[m_pos])) ++m_pos;
}

char Scanner::peek() {
  skip_ws();
  return m_pos < m_text.size() ? m_text[m_pos] : '\0';
}

bool Scanner::at_end() {
  skip_ws();
  return m_pos >= m_text.size();
}

bool Scanner::fail_unexpected(std::string_view expected) {
  skip_ws();
  if (m_pos >= m_text.size()) return fail(m_pos, "unexpected end of input, expected " + std::string(expected));
  return fail(m_pos, "unexpected " + quoted_byte(m_text[m_pos]) + ", expected " + std::string(expected));
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

// RFC 8259 §7. With `out` null the string is only validated.
bool Scanner::scan_string(std::string_view* out, std::string* buffer) {
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
      if (!word_is_plain(w)) break;
      p += 8;
    }
    while (p < end && byte_is_plain(*p)) ++p;
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
    if (c >= 0x80) {
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
        simple = '"';
        break;
      case '\\':
        simple = '\\';
        break;
      case '/':
        simple = '/';
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

// RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
bool Scanner::skip_number() {
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

bool Scanner::skip_literal() {
  for (std::string_view word : {std::string_view("true"), std::string_view("false"), std::string_view("null")}) {
    if (m_text.substr(m_pos, word.size()) == word) {
      m_pos += word.size();
      return true;
    }
  }
  return fail(m_pos, "invalid literal");
}

// Iterative so hostile nesting costs a byte of stack per level, bounded by k_max_depth.
bool Scanner::skip_value() {
  if (m_failed) return false;
  std::string stack;  // '{' or '[' per open container
  for (;;) {
    // A value is expected here.
    char c = peek();
    switch (c) {
      case '{':
      case '[': {
        if (stack.size() >= k_max_depth)
          return fail(m_pos, "nesting deeper than " + std::to_string(k_max_depth) + " levels");
        ++m_pos;
        char close = c == '{' ? '}' : ']';
        if (peek() == close) {
          ++m_pos;
          break;
        }
        stack.push_back(c);
        if (c == '{') {
          if (peek() != '"') return fail_unexpected("a string (member name) or '}'");
          if (!scan_string(nullptr, nullptr) || !expect(':', "':'")) return false;
        }
        continue;
      }
      case '"':
        if (!scan_string(nullptr, nullptr)) return false;
        break;
      case 't':
      case 'f':
      case 'n':
        if (!skip_literal()) return false;
        break;
      default:
        if (c == '-' || is_digit(c)) {
          if (!skip_number()) return false;
          break;
        }
        return fail_unexpected("a value");
    }
    // After a value: close containers or move to the next element.
    for (;;) {
      if (stack.empty()) return true;
      char next = peek();
      const bool in_object = stack.back() == '{';
      if (next == ',') {
        ++m_pos;
        if (in_object) {
          if (peek() != '"') return fail_unexpected("a string (member name)");
          if (!scan_string(nullptr, nullptr) || !expect(':', "':'")) return false;
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

ObjectReader::ObjectReader(Scanner& scanner) : m_s(scanner) { m_open = m_s.expect('{', "'{'"); }

bool ObjectReader::next(std::string& key) {
  if (!m_open || m_s.failed()) return false;
  char c = m_s.peek();
  if (c == '}') {
    m_s.seek(m_s.pos() + 1);
    m_open = false;
    return false;
  }
  if (!m_first) {
    if (c != ',') return m_s.fail_unexpected("',' or '}'");
    m_s.seek(m_s.pos() + 1);
    if (m_s.peek() != '"') return m_s.fail_unexpected("a string (member name)");
  } else if (c != '"') {
    return m_s.fail_unexpected("a string (member name) or '}'");
  }
  m_first = false;
  m_key_offset = m_s.pos();
  std::string_view view;
  std::string buffer;
  if (!m_s.read_string(view, buffer)) return false;
  key.assign(view);
  if (!m_seen.insert(key).second) return m_s.fail(m_key_offset, "duplicate member \"" + util::printable(key) + "\"");
  return m_s.expect(':', "':'");
}

ArrayReader::ArrayReader(Scanner& scanner) : m_s(scanner) { m_open = m_s.expect('[', "'['"); }

bool ArrayReader::next() {
  if (!m_open || m_s.failed()) return false;
  char c = m_s.peek();
  if (c == ']') {
    m_s.seek(m_s.pos() + 1);
    m_open = false;
    return false;
  }
  if (!m_first) {
    if (c != ',') return m_s.fail_unexpected("',' or ']'");
    m_s.seek(m_s.pos() + 1);
  }
  m_first = false;
  return true;
}

std::string kind_at(Scanner& scanner) {
  switch (scanner.peek()) {
    case '{':
      return "an object";
    case '[':
      return "an array";
    case '"':
      return "a string";
    case 't':
    case 'f':
      return "a boolean";
    case 'n':
      return "null";
    case '\0':
      return "nothing";
    default:
      return "a number";
  }
}

bool at_value(Scanner& scanner) {
  char c = scanner.peek();
  std::string_view rest = scanner.text().substr(scanner.pos());
  return c == '{' || c == '[' || c == '"' || c == '-' || is_digit(c) || rest.starts_with("true") ||
         rest.starts_with("false") || rest.starts_with("null");
}

void append_base64(std::string& out, std::string_view bytes) {
  static constexpr char k_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::size_t start = out.size();
  out.resize(start + (bytes.size() + 2) / 3 * 4);
  char* o = out.data() + start;
  const auto* in = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    std::uint32_t v = (std::uint32_t(in[i]) << 16) | (std::uint32_t(in[i + 1]) << 8) | in[i + 2];
    o[0] = k_alphabet[v >> 18];
    o[1] = k_alphabet[(v >> 12) & 63];
    o[2] = k_alphabet[(v >> 6) & 63];
    o[3] = k_alphabet[v & 63];
    o += 4;
  }
  std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t v = std::uint32_t(in[i]) << 16;
    if (rest == 2) v |= std::uint32_t(in[i + 1]) << 8;
    o[0] = k_alphabet[v >> 18];
    o[1] = k_alphabet[(v >> 12) & 63];
    o[2] = rest == 2 ? k_alphabet[(v >> 6) & 63] : '=';
    o[3] = '=';
  }
}

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

void append_string(std::string& out, std::string_view value) {
  static constexpr char k_hex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  const unsigned char* end = p + value.size();
  while (p < end) {
    const unsigned char* run = p;
    while (p < end && byte_is_plain(*p)) ++p;
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

namespace {

// 0..63 for both alphabets (RFC 4648 §4 and §5), 0x80 for anything else.
constexpr std::array<unsigned char, 256> make_base64_table() {
  std::array<unsigned char, 256> t{};
  for (auto& v : t) v = 0x80;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  for (int i = 0; i < 62; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<unsigned char>(i);
  t['+'] = 62;
  t['-'] = 62;
  t['/'] = 63;
  t['_'] = 63;
  return t;
}
constexpr std::array<unsigned char, 256> k_base64 = make_base64_table();

}  // namespace

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  std::size_t n = text.size();
  std::size_t pad = 0;
  while (n > 0 && text[n - 1] == '=' && pad < 2) {
    --n;
    ++pad;
  }
  if (pad > 0 && text.size() % 4 != 0) return false;
  if (n % 4 == 1) return false;
  // Decoded through a small buffer appended to a reserved string: resize() would zero-fill (and fault in) a
  // 50 MB payload once more before writing it.
  out.reserve(n / 4 * 3 + 2);
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  unsigned char chunk[3 * 1024];
  unsigned char bad = 0;
  std::size_t i = 0;
  while (i + 4 <= n) {
    std::size_t used = 0;
    for (; i + 4 <= n && used + 3 <= sizeof chunk; i += 4, used += 3) {
      unsigned char a = k_base64[in[i]], b = k_base64[in[i + 1]], c = k_base64[in[i + 2]], d = k_base64[in[i + 3]];
      bad |= a | b | c | d;
      std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6) | d;
      chunk[used] = static_cast<unsigned char>(v >> 16);
      chunk[used + 1] = static_cast<unsigned char>(v >> 8);
      chunk[used + 2] = static_cast<unsigned char>(v);
    }
    out.append(reinterpret_cast<const char*>(chunk), used);
  }
  std::size_t rest = n - i;
  if (rest >= 2) {
    unsigned char a = k_base64[in[i]], b = k_base64[in[i + 1]];
    unsigned char c = rest == 3 ? k_base64[in[i + 2]] : 0;
    bad |= a | b | c;
    std::uint32_t v = (std::uint32_t(a) << 18) | (std::uint32_t(b) << 12) | (std::uint32_t(c) << 6);
    out.push_back(static_cast<char>(v >> 16));
    if (rest == 3) out.push_back(static_cast<char>(v >> 8));
  }
  if (bad & 0x80) {
    out.clear();
    return false;
  }
  return true;
}

}  // namespace purser::signing::json
