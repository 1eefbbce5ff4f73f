#pragma once
// Helpers shared by the writers in this folder only (not part of the public API).
// Everything here is generic: no ecosystem knowledge (STYLE 9).

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/writers.hpp"
#include "lib/model/package.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/hash.hpp"

namespace purser::formats::detail {

/// RFC 3339 UTC timestamp ("2024-01-02T03:04:05Z") of `seconds` since the epoch, clamped to years 0000..9999
/// so the result always matches the date-time format.
inline std::string rfc3339_utc(std::int64_t seconds) {
  constexpr std::int64_t k_min = -62167219200;  // 0000-01-01T00:00:00Z
  constexpr std::int64_t k_max = 253402300799;  // 9999-12-31T23:59:59Z
  if (seconds < k_min) seconds = k_min;
  if (seconds > k_max) seconds = k_max;
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  // Civil date from days since 1970-01-01 (Howard Hinnant's days_from_civil inverse).
  std::int64_t z = days + 719468;
  std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = yoe + era * 400;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", static_cast<int>(y), static_cast<int>(m),
                static_cast<int>(d), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                static_cast<int>(rem % 60));
  return buf;
}

/// An RFC 4122 UUID (version 5 layout, variant 10xx) made from the first 128 bits of SHA-256(`content`).
/// Name-based like v5, but with SHA-256: same content, same UUID.
inline std::string uuid_of_sha256_hex(std::string_view sha256_hex) {
  std::string h(sha256_hex.substr(0, 32));
  h[12] = '5';
  static constexpr char k_hex[] = "0123456789abcdef";
  int nibble = h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0';
  h[16] = k_hex[(nibble & 0x3) | 0x8];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}
inline std::string content_uuid(std::string_view content) { return uuid_of_sha256_hex(util::sha256_hex(content)); }

/// True when `url` is an absolute IRI we can safely emit (RFC 3987): a scheme, no spaces, controls or characters
/// excluded from IRIs, and well-formed percent escapes. Conservative on purpose.
inline bool is_absolute_iri(std::string_view url) {
  std::size_t colon = url.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  for (std::size_t i = 0; i < colon; ++i) {
    char c = url[i];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    bool ok = alpha || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) return false;
  }
  if (colon + 1 >= url.size()) return false;
  auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
  for (std::size_t i = 0; i < url.size(); ++i) {
    auto u = static_cast<unsigned char>(url[i]);
    if (u <= 0x20 || u == 0x7f) return false;
    if (std::string_view("\"<>\\^`{|}").find(url[i]) != std::string_view::npos) return false;
    if (url[i] == '%') {
      if (i + 2 >= url.size() || !is_hex(url[i + 1]) || !is_hex(url[i + 2])) return false;
    }
  }
  return true;
}

/// Replaces every character outside [A-Za-z0-9.-] with '-', collapses runs of '-', trims '-' at both ends
/// (SPDX idstring). Returns `fallback` when nothing is left.
inline std::string sanitize_idstring(std::string_view s, std::string_view fallback) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.';
    if (ok) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = fallback;
  return out;
}

/// PURL type of a package ("npm", "pypi"), or empty when it has no parseable PURL.
inline std::string purl_type(const model::Package& p) {
  if (p.purl.empty()) return {};
  auto parsed = model::Purl::parse(p.purl);
  return parsed ? parsed->type : std::string();
}

/// Splits a package name into (group, name) using its PURL namespace when the package name is spelled
/// "<namespace><sep><purl name>" ("@types/node", "github.com/pkg/errors"); otherwise no group.
struct GroupName {
  std::string group;
  std::string name;
};
/// Length of the group split_group would return (0 = no group): the group is always p.name's first
/// `length` characters and the name what follows the separator, so callers can keep just this number.
inline std::size_t group_length(const model::Package& p) {
  if (p.purl.empty()) return 0;
  auto parsed = model::Purl::parse(p.purl);
  if (!parsed || parsed->namespace_.empty() || parsed->name.empty()) return 0;
  const std::string& ns = parsed->namespace_;
  const std::string& n = parsed->name;
  if (p.name.size() == ns.size() + 1 + n.size() && p.name.compare(0, ns.size(), ns) == 0 &&
      p.name.compare(ns.size() + 1, std::string::npos, n) == 0)
    return ns.size();
  return 0;
}
inline GroupName split_group(const model::Package& p) {
  std::size_t n = group_length(p);
  if (n == 0) return {{}, p.name};
  return {p.name.substr(0, n), p.name.substr(n + 1)};
}

/// The packages a writer emits: doc.packages minus any whose ref repeats an earlier one or the root's, so ids
/// stay unique even for a document that skipped normalize().
inline std::vector<const model::Package*> unique_packages(const model::Document& doc) {
  std::vector<const model::Package*> out;
  std::unordered_set<std::string> seen{doc.root.ref()};
  for (const auto& p : doc.packages)
    if (seen.insert(p.ref()).second) out.push_back(&p);
  return out;
}

/// The root plus unique_packages(doc), each ref computed once, and an index from ref to position.
struct IndexedPackages {
  std::vector<const model::Package*> all;                     ///< [0] = doc.root, then the unique packages
  std::vector<std::string> refs;                              ///< refs[i] == all[i]->ref()
  std::unordered_map<std::string_view, std::uint32_t> index;  ///< views into refs
};
inline IndexedPackages index_packages(const model::Document& doc) {
  IndexedPackages out;
  // reserved up front: `index` holds views into the strings, which must never move (SSO).
  out.all.reserve(doc.packages.size() + 1);
  out.refs.reserve(doc.packages.size() + 1);
  out.index.reserve(doc.packages.size() + 1);
  auto add = [&](const model::Package& p) {
    out.refs.push_back(p.ref());
    if (out.index.emplace(out.refs.back(), static_cast<std::uint32_t>(out.all.size())).second) {
      out.all.push_back(&p);
    } else {
      out.refs.pop_back();
    }
  };
  add(doc.root);
  for (const auto& p : doc.packages) add(p);
  return out;
}

/// Appends `s` as a JSON string exactly as nlohmann::json::dump(…, ensure_ascii=false, replace) spells it.
inline void append_json_string(std::string& out, std::string_view s) {
  std::size_t mark = out.size();
  out += '"';
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') continue;
    if (c >= 0x80) {
      // Non-ASCII (and possibly invalid UTF-8, replaced by U+FFFD): leave it to the library so the bytes are
      // identical to a DOM dump. Rare in practice.
      out.resize(mark);
      out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      return;
    }
    out.append(s.data() + start, i - start);
    start = i + 1;
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
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default: {
        static constexpr char k_hex[] = "0123456789abcdef";
        out += "\\u00";
        out += k_hex[c >> 4];
        out += k_hex[c & 0xf];
      }
    }
  }
  out.append(s.data() + start, s.size() - start);
  out += '"';
}

/// Pretty-printing JSON emitter that produces the same bytes as nlohmann's dump(2) of the equivalent
/// ordered_json, without building it: keys and values are written in call order, two-space indentation,
/// "{}" / "[]" for empty containers, no trailing newline. Output goes to `sink` in chunks; call flush() at the end.
class JsonWriter {
 public:
  explicit JsonWriter(const ByteSink& sink) : m_sink(sink) { m_buf.reserve(k_chunk + 4096); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    separate();
    append_json_string(m_buf, k);
    m_buf += ": ";
    m_after_key = true;
  }
  void value(std::string_view s) {
    separate();
    append_json_string(m_buf, s);
    maybe_flush();
  }
  void number(std::uint64_t n) {
    separate();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    m_buf.append(buf, static_cast<std::size_t>(r.ptr - buf));
  }
  void boolean(bool b) {
    separate();
    m_buf += b ? "true" : "false";
  }
  void member(std::string_view k, std::string_view v) {
    key(k);
    value(v);
  }
  /// Bytes written so far (flushed or not).
  std::uint64_t size() const { return m_flushed + m_buf.size(); }
  void flush() {
    if (m_buf.empty()) return;
    m_flushed += m_buf.size();
    m_sink(m_buf);
    m_buf.clear();
  }

 private:
  static constexpr std::size_t k_chunk = 64 * 1024;
  void separate() {
    if (m_after_key) {
      m_after_key = false;
      return;
    }
    if (m_nonempty.empty()) return;  // the top-level value
    m_buf += m_nonempty.back() ? ",\n" : "\n";
    m_nonempty.back() = 1;
    m_buf.append(2 * m_nonempty.size(), ' ');
  }
  void open(char c) {
    separate();
    m_buf += c;
    m_nonempty.push_back(0);
  }
  void close(char c) {
    bool had = m_nonempty.back() != 0;
    m_nonempty.pop_back();
    if (had) {
      m_buf += '\n';
      m_buf.append(2 * m_nonempty.size(), ' ');
    }
    m_buf += c;
    maybe_flush();
  }
  void maybe_flush() {
    if (m_buf.size() >= k_chunk) flush();
  }

  const ByteSink& m_sink;
  std::string m_buf;
  std::vector<char> m_nonempty;  ///< per open container: has it an element yet
  bool m_after_key = false;
  std::uint64_t m_flushed = 0;
};

}  // namespace purser::formats::detail
