#pragma once
// Helpers shared by the writers in this folder only (not part of the public API).
// Everything here is generic: no ecosystem knowledge (STYLE 9).

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

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
inline std::string content_uuid(std::string_view content) {
  std::string h = util::sha256_hex(content).substr(0, 32);
  h[12] = '5';
  static constexpr char k_hex[] = "0123456789abcdef";
  int nibble = h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0';
  h[16] = k_hex[(nibble & 0x3) | 0x8];
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

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
inline GroupName split_group(const model::Package& p) {
  if (!p.purl.empty()) {
    auto parsed = model::Purl::parse(p.purl);
    if (parsed && !parsed->namespace_.empty() && !parsed->name.empty()) {
      const std::string& ns = parsed->namespace_;
      const std::string& n = parsed->name;
      if (p.name.size() == ns.size() + 1 + n.size() && p.name.compare(0, ns.size(), ns) == 0 &&
          p.name.compare(ns.size() + 1, std::string::npos, n) == 0)
        return {ns, n};
    }
  }
  return {{}, p.name};
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

}  // namespace purser::formats::detail
