#include "lib/model/purl.hpp"

#include "lib/util/strings.hpp"

namespace purser::model {

using util::ErrorCode;
using util::make_error;

std::string pep503_normalize(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  bool in_sep = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!in_sep) out += '-';
      in_sep = true;
      continue;
    }
    in_sep = false;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

static bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

std::string purl_encode(std::string_view s, std::string_view keep) {
  static constexpr char k_digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (is_unreserved(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      auto u = static_cast<unsigned char>(c);
      out += '%';
      out += k_digits[u >> 4];
      out += k_digits[u & 15];
    }
  }
  return out;
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static bool percent_decode(std::string_view s, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return false;
    int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return true;
}

// Per-type rules from the purl spec's PURL-TYPES: which parts are case-insensitive
// and how names are canonicalised.
static void normalize_for_type(const std::string& type, std::string& ns, std::string& name) {
  if (type == "pypi") {
    name = pep503_normalize(name);
  } else if (type == "deb" || type == "apk" || type == "alpm" || type == "bitbucket" || type == "github" ||
             type == "composer" || type == "hex") {
    ns = util::to_lower(ns);
    name = util::to_lower(name);
  } else if (type == "gem" || type == "golang" || type == "cargo" || type == "npm" || type == "maven") {
    // case-sensitive names: keep as the ecosystem spells them
  }
}

std::string Purl::to_string() const {
  std::string t = util::to_lower(type);
  std::string ns = namespace_;
  std::string nm = name;
  normalize_for_type(t, ns, nm);
  std::string out = "pkg:" + t + "/";
  if (!ns.empty()) {
    for (auto seg : util::split(ns, '/')) {
      if (seg.empty()) continue;
      out += purl_encode(seg);
      out += '/';
    }
  }
  out += purl_encode(nm);
  if (!version.empty()) {
    out += '@';
    out += purl_encode(version, ":");
  }
  // Keys are compared lower-cased: a caller may have inserted "Arch" next to "checksum",
  // and the canonical form sorts by the lower-cased key (first value wins on a clash).
  std::map<std::string, std::string_view> sorted;
  for (const auto& [k, v] : qualifiers)
    if (!v.empty()) sorted.emplace(util::to_lower(k), v);
  bool first = true;
  for (const auto& [k, v] : sorted) {
    out += first ? '?' : '&';
    first = false;
    out += k;
    out += '=';
    out += purl_encode(v, ":/");
  }
  if (!subpath.empty()) {
    out += '#';
    bool first_seg = true;
    for (auto seg : util::split(subpath, '/')) {
      if (seg.empty() || seg == "." || seg == "..") continue;
      if (!first_seg) out += '/';
      first_seg = false;
      out += purl_encode(seg);
    }
  }
  return out;
}

util::Result<Purl> Purl::parse(std::string_view text) {
  Purl p;
  std::string_view s = text;
  if (util::to_lower(s.substr(0, 4)) != "pkg:")
    return make_error(ErrorCode::parse, "invalid purl: missing pkg: scheme");
  s.remove_prefix(4);
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  if (auto hash = s.find('#'); hash != std::string_view::npos) {
    if (!percent_decode(s.substr(hash + 1), p.subpath))
      return make_error(ErrorCode::parse, "invalid purl: bad escape in subpath");
    s = s.substr(0, hash);
  }
  if (auto q = s.find('?'); q != std::string_view::npos) {
    for (auto kv : util::split(s.substr(q + 1), '&')) {
      if (kv.empty()) continue;
      auto eq = kv.find('=');
      if (eq == std::string_view::npos || eq == 0)
        return make_error(ErrorCode::parse, "invalid purl: qualifier without key or value");
      std::string v;
      if (!percent_decode(kv.substr(eq + 1), v))
        return make_error(ErrorCode::parse, "invalid purl: bad escape in qualifier");
      p.qualifiers[util::to_lower(kv.substr(0, eq))] = v;
    }
    s = s.substr(0, q);
  }
  auto slash = s.find('/');
  if (slash == std::string_view::npos || slash == 0) return make_error(ErrorCode::parse, "invalid purl: missing type");
  p.type = util::to_lower(s.substr(0, slash));
  // purl spec: the type is ASCII letters, digits, '.', '+' and '-', not starting with a digit.
  if (p.type.front() >= '0' && p.type.front() <= '9')
    return make_error(ErrorCode::parse, "invalid purl: type starts with a digit");
  for (char c : p.type)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '+' || c == '-'))
      return make_error(ErrorCode::parse, "invalid purl: bad character in type");
  s = s.substr(slash + 1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  if (auto at = s.rfind('@'); at != std::string_view::npos) {
    std::size_t last_slash = s.rfind('/');
    if (last_slash == std::string_view::npos || at > last_slash) {
      if (!percent_decode(s.substr(at + 1), p.version))
        return make_error(ErrorCode::parse, "invalid purl: bad escape in version");
      s = s.substr(0, at);
    }
  }
  auto last = s.rfind('/');
  std::string_view name_enc = last == std::string_view::npos ? s : s.substr(last + 1);
  if (name_enc.empty()) return make_error(ErrorCode::parse, "invalid purl: missing name");
  if (!percent_decode(name_enc, p.name)) return make_error(ErrorCode::parse, "invalid purl: bad escape in name");
  if (last != std::string_view::npos) {
    std::string ns;
    for (auto seg : util::split(s.substr(0, last), '/')) {
      if (seg.empty()) continue;
      std::string dec;
      if (!percent_decode(seg, dec)) return make_error(ErrorCode::parse, "invalid purl: bad escape in namespace");
      if (!ns.empty()) ns += '/';
      ns += dec;
    }
    p.namespace_ = ns;
  }
  return p;
}

}  // namespace purser::model
