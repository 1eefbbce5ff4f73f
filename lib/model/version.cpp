#include "lib/model/version.hpp"

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/strings.hpp"

namespace purser::model {

using util::ErrorCode;

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }
bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_digit(c); });
}

int sign(int v) { return (v > 0) - (v < 0); }

// Numeric comparison of two digit strings of any length: leading zeros do not count.
int compare_digits(std::string_view a, std::string_view b) {
  while (!a.empty() && a.front() == '0') a.remove_prefix(1);
  while (!b.empty() && b.front() == '0') b.remove_prefix(1);
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  return sign(a.compare(b));
}

int compare_text(std::string_view a, std::string_view b) { return sign(a.compare(b)); }

// ---- generic: the fallback for strings a scheme cannot parse ----
//
// Runs of digits compare numerically, runs of letters case-insensitively, a number sorts after
// letters; a missing run equals 0 and sorts after letters ("1.0rc1" < "1.0" == "1" < "1.0.1").
// Everything else separates runs.
struct Run {
  bool numeric = false;
  std::string_view text;
};

bool next_run(std::string_view s, std::size_t& i, Run& out) {
  while (i < s.size() && !is_alnum(s[i])) ++i;
  if (i >= s.size()) return false;
  std::size_t start = i;
  out.numeric = is_digit(s[i]);
  while (i < s.size() && (out.numeric ? is_digit(s[i]) : is_alpha(s[i]))) ++i;
  out.text = s.substr(start, i - start);
  return true;
}

int compare_generic(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (true) {
    Run ra, rb;
    bool ha = next_run(a, i, ra);
    bool hb = next_run(b, j, rb);
    if (!ha && !hb) return 0;
    if (!ha) ra = Run{true, "0"};
    if (!hb) rb = Run{true, "0"};
    int c = 0;
    if (ra.numeric && rb.numeric) {
      c = compare_digits(ra.text, rb.text);
    } else if (ra.numeric != rb.numeric) {
      c = ra.numeric ? 1 : -1;
    } else {
      c = compare_text(util::to_lower(ra.text), util::to_lower(rb.text));
    }
    if (c != 0) return c;
  }
}

// Both valid → the scheme; both invalid → generic; otherwise the invalid one sorts first.
template <class Parsed, class Parse, class Compare>
int compare_parsed(std::string_view a, std::string_view b, Parse parse, Compare compare) {
  Parsed pa, pb;
  bool va = parse(a, pa);
  bool vb = parse(b, pb);
  if (va && vb) return compare(pa, pb);
  if (!va && !vb) return compare_generic(a, b);
  return va ? 1 : -1;
}

// ---- semver (semver.org 2.0.0 §9–§11), also used for golang ----

struct Semver {
  std::string_view core[3] = {"0", "0", "0"};
  std::vector<std::string_view> pre;
};

bool semver_identifiers(std::string_view s, std::vector<std::string_view>* out) {
  for (auto id : util::split(s, '.')) {
    if (id.empty()) return false;
    for (char c : id)
      if (!is_alnum(c) && c != '-') return false;
    if (out) out->push_back(id);
  }
  return true;
}

// Lenient: an optional 'v' or '=' prefix, one to three numeric components (missing ones are 0,
// as npm and Go read "1.2"), leading zeros tolerated.
bool parse_semver(std::string_view s, Semver& out) {
  s = util::trim(s);
  if (!s.empty() && (s.front() == 'v' || s.front() == 'V' || s.front() == '=')) s.remove_prefix(1);
  std::string_view build;
  if (auto plus = s.find('+'); plus != std::string_view::npos) {
    build = s.substr(plus + 1);
    s = s.substr(0, plus);
    if (!semver_identifiers(build, nullptr)) return false;
  }
  std::string_view pre;
  if (auto dash = s.find('-'); dash != std::string_view::npos) {
    pre = s.substr(dash + 1);
    s = s.substr(0, dash);
    if (!semver_identifiers(pre, &out.pre)) return false;
  }
  auto parts = util::split(s, '.');
  if (parts.empty() || parts.size() > 3) return false;
  for (std::size_t k = 0; k < parts.size(); ++k) {
    if (!all_digits(parts[k])) return false;
    out.core[k] = parts[k];
  }
  return true;
}

// §11.4: numeric identifiers compare numerically and sort before alphanumeric ones, which
// compare in ASCII order; a longer list wins when all preceding identifiers are equal.
int compare_semver(const Semver& a, const Semver& b) {
  for (int k = 0; k < 3; ++k)
    if (int c = compare_digits(a.core[k], b.core[k])) return c;
  // §11.3: a pre-release sorts before the release itself.
  if (a.pre.empty() || b.pre.empty()) return a.pre.empty() == b.pre.empty() ? 0 : (a.pre.empty() ? 1 : -1);
  std::size_t n = std::min(a.pre.size(), b.pre.size());
  for (std::size_t k = 0; k < n; ++k) {
    bool na = all_digits(a.pre[k]), nb = all_digits(b.pre[k]);
    int c = 0;
    if (na && nb) {
      c = compare_digits(a.pre[k], b.pre[k]);
    } else if (na != nb) {
      c = na ? -1 : 1;
    } else {
      c = compare_text(a.pre[k], b.pre[k]);
    }
    if (c != 0) return c;
  }
  return a.pre.size() == b.pre.size() ? 0 : (a.pre.size() < b.pre.size() ? -1 : 1);
}

// ---- PEP 440 (public version identifiers, normalization, and the "Summary of permitted
// suffixes and relative ordering") ----

struct Pep440 {
  std::string epoch = "0";
  std::vector<std::string> release;
  int pre_kind = -1;  // -1 none, 0 a, 1 b, 2 rc
  std::string pre_num = "0";
  bool has_post = false;
  std::string post_num = "0";
  bool has_dev = false;
  std::string dev_num = "0";
  std::vector<std::string> local;
};

class Pep440Parser {
 public:
  explicit Pep440Parser(std::string_view s) : m_s(util::to_lower(util::trim(s))) {}

  bool parse(Pep440& out) {
    if (at('v')) ++m_i;
    std::string first = digits();
    if (first.empty()) return false;
    if (at('!')) {
      ++m_i;
      out.epoch = first;
      first = digits();
      if (first.empty()) return false;
    }
    out.release.push_back(first);
    while (at('.') && m_i + 1 < m_s.size() && is_digit(m_s[m_i + 1])) {
      ++m_i;
      out.release.push_back(digits());
    }
    pre(out);
    post(out);
    dev(out);
    if (at('+')) {
      ++m_i;
      // Local version labels: alphanumerics separated by '.', '-' or '_'.
      while (true) {
        std::size_t start = m_i;
        while (m_i < m_s.size() && is_alnum(m_s[m_i])) ++m_i;
        if (m_i == start) return false;
        out.local.push_back(m_s.substr(start, m_i - start));
        if (m_i < m_s.size() && is_separator(m_s[m_i])) {
          ++m_i;
          continue;
        }
        break;
      }
    }
    return m_i == m_s.size();
  }

 private:
  static bool is_separator(char c) { return c == '.' || c == '-' || c == '_'; }
  bool at(char c) const { return m_i < m_s.size() && m_s[m_i] == c; }
  std::string digits() {
    std::size_t start = m_i;
    while (m_i < m_s.size() && is_digit(m_s[m_i])) ++m_i;
    return m_s.substr(start, m_i - start);
  }
  bool word(std::string_view w) {
    if (m_s.compare(m_i, w.size(), w) != 0) return false;
    m_i += w.size();
    return true;
  }
  void optional_separator() {
    if (m_i < m_s.size() && is_separator(m_s[m_i])) ++m_i;
  }
  // [sep] number, restoring the position when no number follows.
  std::string optional_number() {
    std::size_t save = m_i;
    optional_separator();
    std::string n = digits();
    if (n.empty()) m_i = save;
    return n;
  }
  // Tries [sep] keyword, restoring the position on failure; returns the index of the keyword.
  int keyword(std::initializer_list<std::string_view> words) {
    std::size_t save = m_i;
    optional_separator();
    int k = 0;
    for (auto w : words) {
      if (word(w)) return k;
      ++k;
    }
    m_i = save;
    return -1;
  }

  void pre(Pep440& out) {
    // Longer spellings first so "alpha" is not read as "a" + "lpha".
    static constexpr int k_kind[] = {0, 0, 1, 1, 2, 2, 2, 2};
    int k = keyword({"alpha", "a", "beta", "b", "preview", "pre", "rc", "c"});
    if (k < 0) return;
    out.pre_kind = k_kind[k];
    if (std::string n = optional_number(); !n.empty()) out.pre_num = n;
  }

  void post(Pep440& out) {
    // The implicit form "1.0-1" means 1.0.post1.
    if (at('-') && m_i + 1 < m_s.size() && is_digit(m_s[m_i + 1])) {
      ++m_i;
      out.has_post = true;
      out.post_num = digits();
      return;
    }
    if (keyword({"post", "rev", "r"}) < 0) return;
    out.has_post = true;
    if (std::string n = optional_number(); !n.empty()) out.post_num = n;
  }

  void dev(Pep440& out) {
    if (keyword({"dev"}) < 0) return;
    out.has_dev = true;
    if (std::string n = optional_number(); !n.empty()) out.dev_num = n;
  }

  std::string m_s;
  std::size_t m_i = 0;
};

bool parse_pep440(std::string_view s, Pep440& out) { return Pep440Parser(s).parse(out); }

int compare_pep440(const Pep440& a, const Pep440& b) {
  if (int c = compare_digits(a.epoch, b.epoch)) return c;
  // Release segments compare with the shorter padded with zeros.
  std::size_t n = std::max(a.release.size(), b.release.size());
  for (std::size_t k = 0; k < n; ++k) {
    std::string_view x = k < a.release.size() ? std::string_view(a.release[k]) : "0";
    std::string_view y = k < b.release.size() ? std::string_view(b.release[k]) : "0";
    if (int c = compare_digits(x, y)) return c;
  }
  // A bare dev release (1.0.dev1) sorts before every pre-release of its version; a version
  // without a pre-release sorts after all of them.
  auto pre_rank = [](const Pep440& v) { return v.pre_kind >= 0 ? 1 : (!v.has_post && v.has_dev ? 0 : 2); };
  if (int c = pre_rank(a) - pre_rank(b)) return sign(c);
  if (a.pre_kind >= 0) {
    if (int c = a.pre_kind - b.pre_kind) return sign(c);
    if (int c = compare_digits(a.pre_num, b.pre_num)) return c;
  }
  // No post-release sorts before any post-release.
  if (a.has_post != b.has_post) return a.has_post ? 1 : -1;
  if (a.has_post)
    if (int c = compare_digits(a.post_num, b.post_num)) return c;
  // No dev-release sorts after any dev-release.
  if (a.has_dev != b.has_dev) return a.has_dev ? -1 : 1;
  if (a.has_dev)
    if (int c = compare_digits(a.dev_num, b.dev_num)) return c;
  // Local versions sort after the public version; numeric segments after alphanumeric ones;
  // a longer label wins when the shorter is a prefix of it.
  std::size_t m = std::min(a.local.size(), b.local.size());
  for (std::size_t k = 0; k < m; ++k) {
    bool na = all_digits(a.local[k]), nb = all_digits(b.local[k]);
    int c = 0;
    if (na && nb) {
      c = compare_digits(a.local[k], b.local[k]);
    } else if (na != nb) {
      c = na ? 1 : -1;
    } else {
      c = compare_text(a.local[k], b.local[k]);
    }
    if (c != 0) return c;
  }
  return a.local.size() == b.local.size() ? 0 : (a.local.size() < b.local.size() ? -1 : 1);
}

// ---- dpkg (Debian policy 5.6.12 "Version") ----

// Character weight in the non-digit parts: '~' before everything, even the end of the part;
// then the end of the part and digits; then letters; then all other characters (a NUL byte
// inside the string included: only the real end weighs 0).
int dpkg_order(std::string_view s, std::size_t k) {
  if (k >= s.size()) return 0;
  char c = s[k];
  if (is_digit(c)) return 0;
  if (is_alpha(c)) return static_cast<unsigned char>(c);
  if (c == '~') return -1;
  return static_cast<unsigned char>(c) + 256;
}

// Alternating non-digit (by dpkg_order) and digit (numerically) parts.
int dpkg_part_compare(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    while ((i < a.size() && !is_digit(a[i])) || (j < b.size() && !is_digit(b[j]))) {
      // Equal weights mean both sides are inside their strings, so i and j never pass the end.
      int ac = dpkg_order(a, i), bc = dpkg_order(b, j);
      if (ac != bc) return sign(ac - bc);
      ++i;
      ++j;
    }
    std::size_t si = i, sj = j;
    while (i < a.size() && is_digit(a[i])) ++i;
    while (j < b.size() && is_digit(b[j])) ++j;
    if (int c = compare_digits(a.substr(si, i - si), b.substr(sj, j - sj))) return c;
  }
  return 0;
}

struct Evr {
  std::string_view epoch = "0";
  std::string_view version;
  std::string_view release;
};

// [epoch:]version[-release]: the epoch only when the prefix is numeric, the release after the
// last hyphen (dpkg and rpm agree on this split).
Evr split_evr(std::string_view s) {
  Evr out;
  s = util::trim(s);
  if (auto colon = s.find(':'); colon != std::string_view::npos && all_digits(s.substr(0, colon))) {
    out.epoch = s.substr(0, colon);
    s = s.substr(colon + 1);
  }
  if (auto dash = s.rfind('-'); dash != std::string_view::npos) {
    out.release = s.substr(dash + 1);
    s = s.substr(0, dash);
  }
  out.version = s;
  return out;
}

int compare_deb(std::string_view a, std::string_view b) {
  Evr x = split_evr(a), y = split_evr(b);
  if (int c = compare_digits(x.epoch, y.epoch)) return c;
  if (int c = dpkg_part_compare(x.version, y.version)) return c;
  // An absent revision equals "0" (policy 5.6.12), which the part comparison gives for free.
  return dpkg_part_compare(x.release, y.release);
}

bool valid_deb(std::string_view s) {
  s = util::trim(s);
  if (auto colon = s.find(':'); colon != std::string_view::npos) {
    if (!all_digits(s.substr(0, colon))) return false;
    s = s.substr(colon + 1);
  }
  std::string_view revision;
  if (auto dash = s.rfind('-'); dash != std::string_view::npos) {
    revision = s.substr(dash + 1);
    s = s.substr(0, dash);
    if (revision.empty()) return false;
  }
  // Upstream: starts with a digit; alphanumerics and . + - ~ (':' only with an epoch, which we
  // already removed, so we refuse it here).
  if (s.empty() || !is_digit(s.front())) return false;
  for (char c : s)
    if (!is_alnum(c) && c != '.' && c != '+' && c != '-' && c != '~') return false;
  for (char c : revision)
    if (!is_alnum(c) && c != '.' && c != '+' && c != '~') return false;
  return true;
}

// ---- rpm (rpmvercmp, rpm ≥ 4.15 with '~' and '^') ----

int rpmvercmp(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  std::size_t i = 0, j = 0;
  // Positions are checked against the length, never against NUL: a NUL byte inside the string is
  // a separator like any other non-alphanumeric character.
  auto is = [](std::string_view s, std::size_t k, char c) { return k < s.size() && s[k] == c; };
  auto separator = [](std::string_view s, std::size_t k) {
    return k < s.size() && !is_alnum(s[k]) && s[k] != '~' && s[k] != '^';
  };
  while (i < a.size() || j < b.size()) {
    while (separator(a, i)) ++i;
    while (separator(b, j)) ++j;
    // '~' sorts before everything, including the end of the string.
    if (is(a, i, '~') || is(b, j, '~')) {
      if (!is(a, i, '~')) return 1;
      if (!is(b, j, '~')) return -1;
      ++i;
      ++j;
      continue;
    }
    // '^' sorts after the end of the string but before anything else.
    if (is(a, i, '^') || is(b, j, '^')) {
      if (i >= a.size()) return -1;
      if (j >= b.size()) return 1;
      if (!is(a, i, '^')) return 1;
      if (!is(b, j, '^')) return -1;
      ++i;
      ++j;
      continue;
    }
    if (i >= a.size() || j >= b.size()) break;
    std::size_t si = i, sj = j;
    bool numeric = is_digit(a[i]);
    if (numeric) {
      while (i < a.size() && is_digit(a[i])) ++i;
      while (j < b.size() && is_digit(b[j])) ++j;
    } else {
      while (i < a.size() && is_alpha(a[i])) ++i;
      while (j < b.size() && is_alpha(b[j])) ++j;
    }
    // Segments of different kinds: the numeric one is newer.
    if (j == sj) return numeric ? 1 : -1;
    std::string_view x = a.substr(si, i - si), y = b.substr(sj, j - sj);
    if (int c = numeric ? compare_digits(x, y) : compare_text(x, y)) return c;
  }
  if (i >= a.size() && j >= b.size()) return 0;
  return i >= a.size() ? -1 : 1;
}

int compare_rpm(std::string_view a, std::string_view b) {
  Evr x = split_evr(a), y = split_evr(b);
  if (int c = compare_digits(x.epoch, y.epoch)) return c;
  if (int c = rpmvercmp(x.version, y.version)) return c;
  return rpmvercmp(x.release, y.release);
}

// ---- Maven (POM reference, "Version Order Specification"; ComparableVersion) ----

struct MavenItem {
  enum class Kind { number, qualifier, list } kind = Kind::list;
  std::string text;  // digits without leading zeros, or the qualifier after aliasing
  std::vector<MavenItem> items;

  bool is_null() const {
    switch (kind) {
      case Kind::number:
        return text.empty();
      case Kind::qualifier:
        return text.empty();
      case Kind::list:
        return items.empty();
    }
    return false;
  }
};

MavenItem maven_number(std::string_view digits) {
  while (!digits.empty() && digits.front() == '0') digits.remove_prefix(1);
  return MavenItem{MavenItem::Kind::number, std::string(digits), {}};
}

MavenItem maven_qualifier(std::string_view text, bool followed_by_digit) {
  std::string q(text);
  // "a", "b" and "m" abbreviate alpha, beta and milestone only when a number follows directly.
  if (followed_by_digit && q.size() == 1) {
    if (q == "a") q = "alpha";
    if (q == "b") q = "beta";
    if (q == "m") q = "milestone";
  }
  if (q == "ga" || q == "final" || q == "release") q.clear();
  if (q == "cr") q = "rc";
  return MavenItem{MavenItem::Kind::qualifier, std::move(q), {}};
}

// Known qualifiers first in their order, then any other qualifier lexically.
std::string maven_qualifier_key(const std::string& q) {
  static constexpr std::string_view k_order[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
  for (std::size_t k = 0; k < std::size(k_order); ++k)
    if (q == k_order[k]) return std::to_string(k);
  return std::to_string(std::size(k_order)) + "-" + q;
}

// Trailing null items (0, "", empty lists) go, looking past nested lists.
void maven_normalize(MavenItem& list) {
  for (std::size_t k = list.items.size(); k-- > 0;) {
    if (list.items[k].is_null()) {
      list.items.erase(list.items.begin() + static_cast<std::ptrdiff_t>(k));
    } else if (list.items[k].kind != MavenItem::Kind::list) {
      break;
    }
  }
}

MavenItem parse_maven(std::string_view version) {
  std::string s = util::to_lower(util::trim(version));
  MavenItem root;
  // We only ever append to the innermost list, so pointers to the enclosing lists stay valid.
  std::vector<MavenItem*> stack{&root};
  MavenItem* list = &root;
  auto descend = [&] {
    list->items.push_back(MavenItem{});
    list = &list->items.back();
    stack.push_back(list);
  };
  auto item = [](bool digits, std::string_view text) {
    return digits ? maven_number(text) : maven_qualifier(text, false);
  };
  bool digits = false;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' || c == '-' || c == '_') {
      // Empty tokens are 0.
      list->items.push_back(i == start ? maven_number("0")
                                       : item(digits, std::string_view(s).substr(start, i - start)));
      start = i + 1;
      if (c != '.') descend();
    } else if (is_digit(c)) {
      if (!digits && i > start) {
        // A transition from letters to digits acts as a hyphen; ".X1" reads as "-X1".
        if (!list->items.empty()) descend();
        list->items.push_back(maven_qualifier(std::string_view(s).substr(start, i - start), true));
        start = i;
        descend();
      }
      digits = true;
    } else {
      if (digits && i > start) {
        list->items.push_back(maven_number(std::string_view(s).substr(start, i - start)));
        start = i;
        descend();
      }
      digits = false;
    }
  }
  if (s.size() > start) {
    if (!digits && !list->items.empty()) descend();
    list->items.push_back(item(digits, std::string_view(s).substr(start)));
  }
  while (!stack.empty()) {
    maven_normalize(*stack.back());
    stack.pop_back();
  }
  return root;
}

// Item against item, `b` null meaning "absent" (the shorter list padded).
int maven_compare(const MavenItem& a, const MavenItem* b) {
  using Kind = MavenItem::Kind;
  switch (a.kind) {
    case Kind::number:
      if (!b) return a.text.empty() ? 0 : 1;
      if (b->kind == Kind::number) return compare_digits(a.text, b->text);
      return 1;
    case Kind::qualifier:
      // An absent item is the release: compare with the "" qualifier.
      if (!b) return compare_text(maven_qualifier_key(a.text), maven_qualifier_key(""));
      if (b->kind == Kind::qualifier) return compare_text(maven_qualifier_key(a.text), maven_qualifier_key(b->text));
      return -1;
    case Kind::list:
      if (!b) {
        for (const auto& x : a.items)
          if (int c = maven_compare(x, nullptr)) return c;
        return 0;
      }
      if (b->kind == Kind::number) return -1;
      if (b->kind == Kind::qualifier) return 1;
      std::size_t n = std::max(a.items.size(), b->items.size());
      for (std::size_t k = 0; k < n; ++k) {
        const MavenItem* l = k < a.items.size() ? &a.items[k] : nullptr;
        const MavenItem* r = k < b->items.size() ? &b->items[k] : nullptr;
        int c = l ? maven_compare(*l, r) : (r ? -maven_compare(*r, nullptr) : 0);
        if (c != 0) return c;
      }
      return 0;
  }
  return 0;
}

int compare_maven(std::string_view a, std::string_view b) {
  MavenItem x = parse_maven(a), y = parse_maven(b);
  return maven_compare(x, &y);
}

// ---- RubyGems (Gem::Version) ----

struct Gem {
  std::vector<std::string> segments;  // digit runs or letter runs, canonical (trailing zeros gone)
};

// Gem::Version's pattern: digits, then ".alnum" groups, then an optional "-" pre-release part.
bool valid_gem(std::string_view s) {
  s = util::trim(s);
  if (s.empty()) return true;  // Gem::Version reads "" as "0"
  std::size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == 0) return false;
  while (i < s.size() && s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && is_alnum(s[i])) ++i;
    if (i == start) return false;
  }
  if (i < s.size() && s[i] == '-') {
    do {
      std::size_t start = ++i;
      while (i < s.size() && (is_alnum(s[i]) || s[i] == '-')) ++i;
      if (i == start) return false;
    } while (i < s.size() && s[i] == '.');
  }
  return i == s.size();
}

bool parse_gem(std::string_view s, Gem& out) {
  if (!valid_gem(s)) return false;
  // "1.0-rc1" is "1.0.pre.rc1"; "" is "0".
  std::string text;
  for (char c : util::trim(s)) text += c == '-' ? std::string(".pre.") : std::string(1, c);
  if (text.empty()) text = "0";
  std::vector<std::string> segs;
  std::size_t i = 0;
  Run r;
  while (next_run(text, i, r)) segs.emplace_back(r.text);
  // Canonical segments: trailing zeros dropped from the numeric prefix and from the rest.
  auto first_string = std::find_if(segs.begin(), segs.end(), [](const std::string& x) { return !all_digits(x); });
  std::vector<std::string> numeric(segs.begin(), first_string), rest(first_string, segs.end());
  auto trim_zeros = [](std::vector<std::string>& part) {
    while (!part.empty() && all_digits(part.back()) && compare_digits(part.back(), "0") == 0) part.pop_back();
  };
  trim_zeros(numeric);
  trim_zeros(rest);
  out.segments = std::move(numeric);
  out.segments.insert(out.segments.end(), rest.begin(), rest.end());
  return true;
}

// Missing segments are 0; a string segment sorts before a number; strings compare bytewise.
int compare_gem(const Gem& a, const Gem& b) {
  std::size_t n = std::max(a.segments.size(), b.segments.size());
  for (std::size_t k = 0; k < n; ++k) {
    std::string_view x = k < a.segments.size() ? std::string_view(a.segments[k]) : "0";
    std::string_view y = k < b.segments.size() ? std::string_view(b.segments[k]) : "0";
    bool nx = all_digits(x), ny = all_digits(y);
    int c = 0;
    if (nx && ny) {
      c = compare_digits(x, y);
    } else if (nx != ny) {
      c = nx ? 1 : -1;
    } else {
      c = compare_text(x, y);
    }
    if (c != 0) return c;
  }
  return 0;
}

}  // namespace

const char* to_string(VersionScheme scheme) {
  switch (scheme) {
    case VersionScheme::semver:
      return "semver";
    case VersionScheme::pep440:
      return "pep440";
    case VersionScheme::deb:
      return "deb";
    case VersionScheme::rpm:
      return "rpm";
    case VersionScheme::maven:
      return "maven";
    case VersionScheme::golang:
      return "golang";
    case VersionScheme::gem:
      return "gem";
  }
  return "semver";
}

VersionScheme version_scheme(std::string_view ecosystem) {
  std::string e = util::to_lower(ecosystem);
  if (e == "pypi") return VersionScheme::pep440;
  if (e == "deb") return VersionScheme::deb;
  if (e == "rpm") return VersionScheme::rpm;
  if (e == "maven") return VersionScheme::maven;
  if (e == "golang") return VersionScheme::golang;
  if (e == "gem") return VersionScheme::gem;
  return VersionScheme::semver;
}

bool is_valid_version(VersionScheme scheme, std::string_view version) {
  switch (scheme) {
    case VersionScheme::semver:
    case VersionScheme::golang: {
      Semver v;
      return parse_semver(version, v);
    }
    case VersionScheme::pep440: {
      Pep440 v;
      return parse_pep440(version, v);
    }
    case VersionScheme::deb:
      return valid_deb(version);
    case VersionScheme::rpm: {
      std::string_view t = util::trim(version);
      return !t.empty() && std::none_of(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; });
    }
    case VersionScheme::maven:
      return !util::trim(version).empty();
    case VersionScheme::gem:
      return valid_gem(version);
  }
  return false;
}

int compare_versions(VersionScheme scheme, std::string_view a, std::string_view b) {
  switch (scheme) {
    case VersionScheme::semver:
    case VersionScheme::golang:
      // Go's "+incompatible" is build metadata, ignored like any other; pseudo-versions are
      // pre-releases whose identifiers sort by their timestamps.
      return compare_parsed<Semver>(a, b, parse_semver, compare_semver);
    case VersionScheme::pep440:
      return compare_parsed<Pep440>(a, b, parse_pep440, compare_pep440);
    case VersionScheme::deb:
      return compare_deb(a, b);
    case VersionScheme::rpm:
      return compare_rpm(a, b);
    case VersionScheme::maven:
      return compare_maven(a, b);
    case VersionScheme::gem:
      return compare_parsed<Gem>(a, b, parse_gem, compare_gem);
  }
  return compare_generic(a, b);
}

int compare_versions(std::string_view ecosystem, std::string_view a, std::string_view b) {
  return compare_versions(version_scheme(ecosystem), a, b);
}

// ---- ranges ----

const char* to_string(VersionComparator op) {
  switch (op) {
    case VersionComparator::any:
      return "*";
    case VersionComparator::eq:
      return "=";
    case VersionComparator::ne:
      return "!=";
    case VersionComparator::lt:
      return "<";
    case VersionComparator::le:
      return "<=";
    case VersionComparator::gt:
      return ">";
    case VersionComparator::ge:
      return ">=";
  }
  return "=";
}

namespace {

constexpr std::size_t k_max_constraints = 1000;

util::Error range_error(const std::string& why, std::size_t offset) {
  util::Location at;
  at.offset = offset;
  return util::make_error(ErrorCode::parse, "invalid version range: " + why + " at offset " + std::to_string(offset),
                          at);
}

bool is_lower_bound(VersionComparator op) { return op == VersionComparator::gt || op == VersionComparator::ge; }
bool is_upper_bound(VersionComparator op) { return op == VersionComparator::lt || op == VersionComparator::le; }

bool satisfies(VersionScheme scheme, std::string_view version, const VersionConstraint& c) {
  if (c.op == VersionComparator::any) return true;
  int cmp = compare_versions(scheme, version, c.version);
  switch (c.op) {
    case VersionComparator::any:
      return true;
    case VersionComparator::eq:
      return cmp == 0;
    case VersionComparator::ne:
      return cmp != 0;
    case VersionComparator::lt:
      return cmp < 0;
    case VersionComparator::le:
      return cmp <= 0;
    case VersionComparator::gt:
      return cmp > 0;
    case VersionComparator::ge:
      return cmp >= 0;
  }
  return false;
}

// Reads a comparator at s[i]; leaves i after it. `vers` has no "==".
VersionComparator read_comparator(std::string_view s, std::size_t& i, bool vers) {
  auto starts = [&](std::string_view op) { return s.compare(i, op.size(), op) == 0; };
  if (starts(">=")) return i += 2, VersionComparator::ge;
  if (starts("<=")) return i += 2, VersionComparator::le;
  if (starts("!=")) return i += 2, VersionComparator::ne;
  if (!vers && starts("==")) return i += 2, VersionComparator::eq;
  if (starts("<")) return i += 1, VersionComparator::lt;
  if (starts(">")) return i += 1, VersionComparator::gt;
  if (starts("=")) return i += 1, VersionComparator::eq;
  return VersionComparator::eq;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// A character of a vers string with where it was in the original text (spaces are dropped).
struct Placed {
  std::string text;
  std::vector<std::size_t> offsets;  // offsets[k] = original offset of text[k]; one extra for the end
};

std::string vers_encode(std::string_view version) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : version) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || std::string_view("|%<>=!*").find(c) != std::string_view::npos) {
      out += '%';
      out += k_hex[(static_cast<unsigned char>(c) >> 4) & 0xF];
      out += k_hex[static_cast<unsigned char>(c) & 0xF];
    } else {
      out += c;
    }
  }
  return out;
}

std::string describe(const VersionConstraint& c) {
  return c.op == VersionComparator::eq ? c.version : std::string(to_string(c.op)) + c.version;
}

}  // namespace

util::Result<VersionRange> VersionRange::parse(std::string_view text, std::string_view ecosystem) {
  VersionRange r;
  std::size_t lead = 0;
  while (lead < text.size() && (text[lead] == ' ' || text[lead] == '\t')) ++lead;
  std::string_view body = text.substr(lead);

  if (util::to_lower(body.substr(0, 5)) == "vers:") {
    // VERSION-RANGE-SPEC "Parsing and validating version range specifiers": spaces and tabs are
    // not significant, so drop them but remember where each character was.
    Placed p;
    for (std::size_t k = lead; k < text.size(); ++k) {
      if (text[k] == ' ' || text[k] == '\t') continue;
      p.text += text[k];
      p.offsets.push_back(k);
    }
    p.offsets.push_back(text.size());
    const std::string& s = p.text;
    if (s.compare(0, 5, "vers:") != 0) return range_error("the 'vers' scheme must be lowercase", lead);
    auto slash = s.find('/', 5);
    if (slash == std::string::npos) return range_error("missing '/' after the versioning scheme", text.size());
    std::string scheme = s.substr(5, slash - 5);
    if (scheme.empty()) return range_error("empty versioning scheme", p.offsets[5]);
    for (std::size_t k = 0; k < scheme.size(); ++k) {
      char c = scheme[k];
      if (c >= 'A' && c <= 'Z') return range_error("the versioning scheme must be lowercase", p.offsets[5 + k]);
      if (!is_alnum(c) && c != '.' && c != '+' && c != '-')
        return range_error(
            "unexpected '" + util::printable(std::string_view(&scheme[k], 1)) + "' in the versioning scheme",
            p.offsets[5 + k]);
    }
    r.m_vers = true;
    r.m_ecosystem = scheme;
    r.m_scheme = version_scheme(scheme);
    std::size_t begin = slash + 1;
    // Leading, trailing and repeated pipes are ignored.
    std::string_view constraints = std::string_view(s).substr(begin);
    std::size_t first = constraints.find_first_not_of('|');
    if (first == std::string_view::npos)
      return range_error("no constraints after '" + s.substr(0, begin) + "'", p.offsets[begin]);
    std::string_view stripped = constraints.substr(first, constraints.find_last_not_of('|') - first + 1);
    if (stripped == "*") {
      r.m_all = scheme != "none";
      r.m_none = scheme == "none";
      return r;
    }
    if (scheme == "all" || scheme == "none")
      return range_error("vers:" + scheme + " takes only '*'", p.offsets[begin + first]);
    std::vector<VersionConstraint> list;
    std::vector<std::size_t> where;  // original offset of each constraint
    std::size_t k = begin;
    while (k < s.size()) {
      if (s[k] == '|') {
        ++k;
        continue;
      }
      std::size_t start = k;
      std::size_t end = s.find('|', k);
      if (end == std::string::npos) end = s.size();
      if (s.compare(k, end - k, "*") == 0) return range_error("'*' must be the only constraint", p.offsets[k]);
      VersionConstraint c;
      c.op = read_comparator(s, k, true);
      if (k >= end)
        return range_error("expected a version after '" + std::string(model::to_string(c.op)) + "'", p.offsets[k]);
      for (std::size_t m = k; m < end; ++m) {
        char ch = s[m];
        if (ch == '%') {
          int hi = m + 1 < end ? hex_value(s[m + 1]) : -1;
          int lo = m + 2 < end ? hex_value(s[m + 2]) : -1;
          if (hi < 0 || lo < 0) return range_error("bad percent-escape in version", p.offsets[m]);
          c.version += static_cast<char>(hi * 16 + lo);
          m += 2;
        } else if (std::string_view("<>=!*").find(ch) != std::string_view::npos) {
          return range_error("unexpected '" + std::string(1, ch) + "' in version (percent-encode it)", p.offsets[m]);
        } else {
          c.version += ch;
        }
      }
      if (list.size() == k_max_constraints)
        return range_error("more than " + std::to_string(k_max_constraints) + " constraints", p.offsets[start]);
      list.push_back(std::move(c));
      where.push_back(p.offsets[start]);
      k = end;
    }
    // Constraints are sorted by version; a version may appear only once. Insertion sort, because
    // some schemes are not transitive on odd input (Maven: "0.0.0-beta1" < "0" < "x" <
    // "0.0.0-beta1"), which std::sort must not be given. It leaves every neighbour pair in
    // order, so sorting its own output changes nothing and to_string() parses back the same.
    std::vector<std::size_t> order;
    VersionScheme vs = r.m_scheme;
    for (std::size_t m = 0; m < list.size(); ++m) {
      std::size_t at = order.size();
      while (at > 0 && compare_versions(vs, list[order[at - 1]].version, list[m].version) > 0) --at;
      order.insert(order.begin() + static_cast<std::ptrdiff_t>(at), m);
    }
    for (std::size_t m = 1; m < order.size(); ++m) {
      if (compare_versions(vs, list[order[m - 1]].version, list[order[m]].version) == 0) {
        std::size_t later = std::max(where[order[m - 1]], where[order[m]]);
        return range_error("version '" + util::printable(list[order[m]].version, 60) + "' appears more than once",
                           later);
      }
    }
    // Contiguous comparators: ignoring "!=", "=" is followed only by "=", ">" or ">="; ignoring
    // "=" too, lower and upper bounds alternate.
    const VersionConstraint* prev_any = nullptr;
    const VersionConstraint* prev_bound = nullptr;
    for (std::size_t m : order) {
      const VersionConstraint& c = list[m];
      if (c.op == VersionComparator::ne) continue;
      if (prev_any && prev_any->op == VersionComparator::eq && is_upper_bound(c.op))
        return range_error("'" + describe(c) + "' cannot follow '" + describe(*prev_any) + "'", where[m]);
      prev_any = &c;
      if (c.op == VersionComparator::eq) continue;
      if (prev_bound && is_lower_bound(prev_bound->op) == is_lower_bound(c.op))
        return range_error("'" + describe(c) + "' cannot follow '" + describe(*prev_bound) +
                               "' (lower and upper bounds must alternate)",
                           where[m]);
      prev_bound = &c;
    }
    std::vector<VersionConstraint> sorted;
    for (std::size_t m : order) sorted.push_back(std::move(list[m]));
    r.m_alternatives.push_back(std::move(sorted));
    return r;
  }

  // Shorthand: alternatives split on "||", constraints on ',' or spaces.
  r.m_ecosystem = std::string(ecosystem);
  r.m_scheme = version_scheme(ecosystem);
  if (util::trim(text).empty()) return range_error("empty range", text.size());
  std::size_t i = 0;
  std::vector<VersionConstraint> group;
  bool saw_star = false;
  std::size_t group_start = 0;
  auto skip_spaces = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
  };
  auto close_group = [&]() -> util::Status {
    if (group.empty()) return range_error("empty alternative", group_start);
    r.m_alternatives.push_back(std::move(group));
    group.clear();
    return util::Ok{};
  };
  while (true) {
    skip_spaces();
    if (i >= text.size() || text.compare(i, 2, "||") == 0) {
      if (auto st = close_group(); !st.ok()) return st.error();
      if (i >= text.size()) break;
      i += 2;
      group_start = i;
      continue;
    }
    std::size_t at = i;
    if (text[i] == '*') {
      ++i;
      saw_star = true;
      group.push_back(VersionConstraint{VersionComparator::any, {}});
    } else {
      VersionConstraint c;
      c.op = read_comparator(text, i, false);
      skip_spaces();
      std::string op_text = at == i ? "" : std::string(text.substr(at, i - at));
      if (i >= text.size() || text[i] == ',' || text[i] == '|') {
        return range_error(op_text.empty() ? "expected a version"
                                           : "expected a version after '" + std::string(util::trim(op_text)) + "'",
                           i);
      }
      if (text[i] == '^' || text[i] == '~')
        return range_error("'" + std::string(1, text[i]) + "' ranges are not supported (use >= and <)", i);
      if (!is_alnum(text[i]))
        return range_error("expected a version, found '" + util::printable(text.substr(i, 1)) + "'", i);
      std::size_t start = i;
      while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != ',' && text[i] != '|') {
        if (std::string_view("<>=!*").find(text[i]) != std::string_view::npos)
          return range_error("unexpected '" + std::string(1, text[i]) + "' in version", i);
        ++i;
      }
      c.version = std::string(text.substr(start, i - start));
      group.push_back(std::move(c));
    }
    skip_spaces();
    if (i < text.size() && text[i] == ',') {
      std::size_t comma = i;
      ++i;
      skip_spaces();
      if (i >= text.size() || text[i] == ',' || text[i] == '|')
        return range_error("expected a constraint after ','", comma + 1);
    } else if (i < text.size() && text[i] == '|' && text.compare(i, 2, "||") != 0) {
      return range_error("single '|' (alternatives are separated by '||')", i);
    }
  }
  if (saw_star) {
    if (r.m_alternatives.size() != 1 || r.m_alternatives[0].size() != 1) {
      std::size_t star = text.find('*');
      return range_error("'*' must be the only constraint", star);
    }
    r.m_all = true;
  }
  return r;
}

bool VersionRange::contains(std::string_view version) const {
  if (m_all) return true;
  if (m_none) return false;
  if (!m_vers) {
    for (const auto& group : m_alternatives) {
      bool all = true;
      for (const auto& c : group) {
        if (!satisfies(m_scheme, version, c)) {
          all = false;
          break;
        }
      }
      if (all) return true;
    }
    return false;
  }
  // VERSION-RANGE-SPEC "Checking if a version is contained within a range".
  const auto& list = m_alternatives.front();
  bool has_eq = false, has_ne = false;
  for (const auto& c : list) {
    bool inclusive = c.op == VersionComparator::eq || c.op == VersionComparator::le || c.op == VersionComparator::ge;
    if (inclusive && compare_versions(m_scheme, version, c.version) == 0) return true;
    has_eq = has_eq || c.op == VersionComparator::eq;
  }
  for (const auto& c : list) {
    if (c.op != VersionComparator::ne) continue;
    has_ne = true;
    if (compare_versions(m_scheme, version, c.version) == 0) return false;
  }
  std::vector<const VersionConstraint*> bounds;
  for (const auto& c : list)
    if (is_lower_bound(c.op) || is_upper_bound(c.op)) bounds.push_back(&c);
  // The spec's pairwise walk says nothing for a range of only "=" and "!=": "!=" alone excludes
  // versions from everything, "=" enumerates.
  if (bounds.empty()) return has_ne && !has_eq;
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    const VersionConstraint& c = *bounds[k];
    int cmp = compare_versions(m_scheme, version, c.version);
    if (k == 0 && is_upper_bound(c.op) && cmp < 0) return true;
    if (k + 1 == bounds.size() && is_lower_bound(c.op) && cmp > 0) return true;
    if (is_lower_bound(c.op) && k + 1 < bounds.size() && is_upper_bound(bounds[k + 1]->op) && cmp > 0 &&
        compare_versions(m_scheme, version, bounds[k + 1]->version) < 0)
      return true;
  }
  return false;
}

std::string VersionRange::to_string() const {
  if (m_vers) {
    std::string out = "vers:" + m_ecosystem + "/";
    if (m_all || m_none) return out + "*";
    bool first = true;
    for (const auto& c : m_alternatives.front()) {
      if (!first) out += '|';
      first = false;
      if (c.op != VersionComparator::eq) out += model::to_string(c.op);
      out += vers_encode(c.version);
    }
    return out;
  }
  if (m_all) return "*";
  std::string out;
  for (std::size_t g = 0; g < m_alternatives.size(); ++g) {
    if (g) out += " || ";
    for (std::size_t k = 0; k < m_alternatives[g].size(); ++k) {
      if (k) out += ", ";
      out += model::to_string(m_alternatives[g][k].op);
      out += m_alternatives[g][k].version;
    }
  }
  return out;
}

}  // namespace purser::model
