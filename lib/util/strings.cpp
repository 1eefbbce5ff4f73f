#include "lib/util/strings.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace purser::util {

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string hex_encode(std::string_view bytes) {
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += k_digits[c >> 4];
    out += k_digits[c & 15];
  }
  return out;
}

std::string base64_encode(std::string_view bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
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
  // Decoded through a small buffer appended to a reserved string: resize() would zero-fill (and fault in) a 50 MB
  // DSSE payload once more before writing it. Invalid characters are OR-ed into `bad` and checked once at the end.
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

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::uint64_t line_of_offset(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  std::uint64_t line = 1;
  for (std::size_t i = 0; i < offset; ++i)
    if (text[i] == '\n') ++line;
  return line;
}

bool looks_like_text(std::string_view bytes, std::size_t probe) {
  std::size_t n = bytes.size() < probe ? bytes.size() : probe;
  std::size_t odd = 0;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c == 0) return false;
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f') ++odd;
  }
  return odd * 20 <= n;  // tolerate a few stray control bytes
}

std::string printable(std::string_view s, std::size_t max_len) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= max_len) {
      out += "...";
      break;
    }
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      static constexpr char k_digits[] = "0123456789abcdef";
      out += "\\x";
      out += k_digits[c >> 4];
      out += k_digits[c & 15];
    }
  }
  return out;
}

std::size_t display_width(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string terminal_cell(std::string_view s, std::size_t max) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += k_hex[u >> 4];
      out += k_hex[u & 15];
    } else {
      out += c;
    }
  }
  if (out.empty()) return "-";
  if (display_width(out) > max) {
    std::size_t points = 0, i = 0;
    for (; i < out.size(); ++i)
      if ((static_cast<unsigned char>(out[i]) & 0xC0) != 0x80 && ++points == max) break;
    out.resize(i);
    out += "\xe2\x80\xa6";  // U+2026 HORIZONTAL ELLIPSIS
  }
  return out;
}

}  // namespace purser::util
