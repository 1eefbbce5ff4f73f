#include "lib/model/license.hpp"

#include <algorithm>
#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "lib/util/strings.hpp"

namespace purser::embedded {
extern const std::string_view spdx_license_schema;
}  // namespace purser::embedded

namespace purser::model {

namespace {

// The SPDX ids, keyed by their lower-case spelling, mapping to the canonical case.
struct LicenseTables {
  std::unordered_map<std::string, std::string> licenses;
  std::unordered_map<std::string, std::string> exceptions;
};

std::string lower(std::string_view s) { return util::to_lower(s); }

// schemas/cyclonedx/spdx.SNAPSHOT.schema.json is one "enum" of ids: the SPDX license
// list, sorted case-insensitively, followed by the SPDX exception list, sorted the same
// way. The exceptions therefore start where the case-insensitive order first goes
// backwards ("Zlib"/"ZPL-2.1" → "389-exception"). We split there rather than on the
// word "exception": deprecated licenses such as "GPL-2.0-with-GCC-exception" or
// "MPL-2.0-no-copyleft-exception" contain it, and exceptions such as
// "Linux-syscall-note", "LLGPL" or "SHL-2.0" do not. If the file ever stops having
// that shape (no break found), fall back to the word "exception" plus the explicit list
// of exceptions without it, excluding the deprecated "-with-" licenses.
LicenseTables load_tables() {
  LicenseTables t;
  nlohmann::json doc = nlohmann::json::parse(embedded::spdx_license_schema, nullptr, false);
  if (!doc.is_object() || !doc.contains("enum") || !doc["enum"].is_array()) return t;
  std::vector<std::string> ids;
  for (const auto& v : doc["enum"])
    if (v.is_string()) ids.push_back(v.get<std::string>());

  std::size_t split = ids.size();
  for (std::size_t i = 1; i < ids.size(); ++i) {
    if (lower(ids[i]) < lower(ids[i - 1])) {
      split = i;
      break;
    }
  }
  auto fallback_is_exception = [](const std::string& id) {
    std::string l = lower(id);
    static constexpr std::string_view k_without_word[] = {"linux-syscall-note", "llgpl",   "gpl-cc-1.0",
                                                          "google-patent-webm", "shl-2.0", "shl-2.1"};
    for (auto w : k_without_word)
      if (l == w) return true;
    if (l.find("exception") == std::string::npos) return false;
    return l.find("-with-") == std::string::npos && l.find("combined-work-exception") == std::string::npos &&
           l.find("no-copyleft-exception") == std::string::npos;
  };
  for (std::size_t i = 0; i < ids.size(); ++i) {
    bool is_exception = split < ids.size() ? i >= split : fallback_is_exception(ids[i]);
    (is_exception ? t.exceptions : t.licenses).emplace(lower(ids[i]), ids[i]);
  }
  return t;
}

const LicenseTables& tables() {
  static const LicenseTables t = load_tables();  // thread-safe initialisation (C++11 magic statics)
  return t;
}

// ---- expression parser (SPDX 2.3 Annex D) ----

constexpr int k_max_depth = 64;

enum class TokKind { word, open, close, end };

struct Token {
  TokKind kind = TokKind::end;
  std::string_view text;  // for words: the idstring (with ':' for DocumentRef), without '+'
  bool plus = false;      // word was followed by '+'
  std::size_t offset = 0;
};

bool is_id_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-';
}
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && lower(a) == lower(b); }
bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

struct ParseError {
  std::string message;
};

// The expression tree the parser builds alongside the normalized text.
struct LicenseNode {
  enum class Kind { license, all_of, any_of } kind = Kind::license;
  std::string id;         // canonical case when on the SPDX list; LicenseRef-/DocumentRef- as written
  bool plus = false;      // followed by '+'
  std::string exception;  // WITH exception, canonical case when known; empty = none
  std::string text;       // normalized text of this license (with "+" and "WITH ...")
  std::vector<LicenseNode> children;
};

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  LicenseCheck run(LicenseNode* tree = nullptr) {
    LicenseCheck out;
    try {
      advance();
      if (m_tok.kind == TokKind::end) throw ParseError{"empty expression"};
      LicenseNode root = parse_or(0);
      if (tree) *tree = std::move(root);
      if (m_tok.kind == TokKind::close) throw ParseError{"unexpected ')' at offset " + std::to_string(m_tok.offset)};
      if (m_tok.kind != TokKind::end)
        throw ParseError{"expected AND, OR or WITH at offset " + std::to_string(m_tok.offset) + ", found '" +
                         util::printable(m_tok.text, 40) + "'"};
    } catch (const ParseError& e) {
      out.error = e.message;
      return out;
    }
    out.valid = true;
    out.normalized = std::move(m_out);
    out.unknown = std::move(m_unknown);
    return out;
  }

 private:
  void advance() {
    std::size_t i = m_pos;
    while (i < m_text.size() && is_space(m_text[i])) ++i;
    m_tok = Token{};
    m_tok.offset = i;
    if (i >= m_text.size()) {
      m_tok.kind = TokKind::end;
      m_pos = i;
      return;
    }
    char c = m_text[i];
    if (c == '(' || c == ')') {
      m_tok.kind = c == '(' ? TokKind::open : TokKind::close;
      m_tok.text = m_text.substr(i, 1);
      m_pos = i + 1;
      return;
    }
    std::size_t start = i;
    while (i < m_text.size() && (is_id_char(m_text[i]) || m_text[i] == ':')) ++i;
    if (i == start)
      throw ParseError{"unexpected character '" + util::printable(m_text.substr(i, 1)) + "' at offset " +
                       std::to_string(i)};
    m_tok.kind = TokKind::word;
    m_tok.text = m_text.substr(start, i - start);
    if (i < m_text.size() && m_text[i] == '+') {
      m_tok.plus = true;
      ++i;
    }
    m_pos = i;
  }

  bool at_operator(std::string_view op) const {
    return m_tok.kind == TokKind::word && !m_tok.plus && iequals(m_tok.text, op);
  }
  bool at_any_operator() const { return at_operator("AND") || at_operator("OR") || at_operator("WITH"); }

  [[noreturn]] void expected_license() const {
    if (m_tok.kind == TokKind::end) throw ParseError{"expected a license id at end of expression"};
    throw ParseError{"expected a license id at offset " + std::to_string(m_tok.offset) + ", found '" +
                     util::printable(m_tok.text, 40) + "'"};
  }

  // AND binds tighter than OR (Annex D.4); each level becomes one n-ary node.
  LicenseNode parse_or(int depth) {
    LicenseNode first = parse_and(depth);
    if (!at_operator("OR")) return first;
    LicenseNode node;
    node.kind = LicenseNode::Kind::any_of;
    node.children.push_back(std::move(first));
    while (at_operator("OR")) {
      m_out += " OR ";
      advance();
      node.children.push_back(parse_and(depth));
    }
    return node;
  }

  LicenseNode parse_and(int depth) {
    LicenseNode first = parse_with(depth);
    if (!at_operator("AND")) return first;
    LicenseNode node;
    node.kind = LicenseNode::Kind::all_of;
    node.children.push_back(std::move(first));
    while (at_operator("AND")) {
      m_out += " AND ";
      advance();
      node.children.push_back(parse_with(depth));
    }
    return node;
  }

  // compound-expression = simple-expression [WITH license-exception-id] / "(" compound-expression ")"
  LicenseNode parse_with(int depth) {
    if (m_tok.kind == TokKind::open) {
      if (depth + 1 > k_max_depth)
        throw ParseError{"parentheses nested deeper than " + std::to_string(k_max_depth) + " levels"};
      std::size_t open_at = m_tok.offset;
      m_out += '(';
      advance();
      LicenseNode inner = parse_or(depth + 1);
      if (m_tok.kind != TokKind::close) {
        if (m_tok.kind == TokKind::end)
          throw ParseError{"unbalanced parentheses: '(' at offset " + std::to_string(open_at) + " is not closed"};
        throw ParseError{"expected AND, OR, WITH or ')' at offset " + std::to_string(m_tok.offset) + ", found '" +
                         util::printable(m_tok.text, 40) + "'"};
      }
      m_out += ')';
      advance();
      if (at_operator("WITH"))
        throw ParseError{"WITH at offset " + std::to_string(m_tok.offset) + " must follow a single license id"};
      return inner;
    }
    if (m_tok.kind != TokKind::word || at_any_operator()) expected_license();
    LicenseNode leaf;
    std::size_t text_start = m_out.size();
    leaf.plus = m_tok.plus;
    leaf.id = simple_expression();
    advance();
    if (at_operator("WITH")) {
      m_out += " WITH ";
      advance();
      if (m_tok.kind != TokKind::word || at_any_operator()) {
        if (m_tok.kind == TokKind::end) throw ParseError{"expected a license exception id at end of expression"};
        throw ParseError{"expected a license exception id at offset " + std::to_string(m_tok.offset) + ", found '" +
                         util::printable(m_tok.text, 40) + "'"};
      }
      leaf.exception = exception_id();
      advance();
    }
    leaf.text = m_out.substr(text_start);
    return leaf;
  }

  static bool valid_idstring(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
      if (!is_id_char(c)) return false;
    return true;
  }

  // simple-expression = license-id / license-id "+" / license-ref
  // license-ref = ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
  std::string simple_expression() {
    std::string_view w = m_tok.text;
    auto bad = [&](std::string_view why) {
      throw ParseError{"invalid license id '" + util::printable(w, 60) + "' at offset " + std::to_string(m_tok.offset) +
                       ": " + std::string(why)};
    };
    std::string doc_ref;
    if (istarts_with(w, "DocumentRef-")) {
      auto colon = w.find(':');
      if (colon == std::string_view::npos) bad("DocumentRef- must be followed by ':LicenseRef-'");
      std::string_view doc_id = w.substr(12, colon - 12);
      if (!valid_idstring(doc_id)) bad("empty or invalid DocumentRef idstring");
      doc_ref = "DocumentRef-" + std::string(doc_id) + ":";
      w = w.substr(colon + 1);
      if (!istarts_with(w, "LicenseRef-")) bad("DocumentRef- must be followed by ':LicenseRef-'");
    }
    if (istarts_with(w, "LicenseRef-")) {
      std::string_view ref_id = w.substr(11);
      if (!valid_idstring(ref_id)) bad("empty or invalid LicenseRef idstring");
      if (m_tok.plus) bad("'+' cannot follow a LicenseRef");
      std::string id = doc_ref + "LicenseRef-" + std::string(ref_id);
      m_out += id;
      return id;
    }
    if (w.find(':') != std::string_view::npos) bad("':' is only allowed after DocumentRef-");
    const auto& licenses = tables().licenses;
    auto it = licenses.find(lower(w));
    std::string id = it != licenses.end() ? it->second : std::string(w);
    if (it == licenses.end()) add_unknown(id);
    m_out += id;
    if (m_tok.plus) m_out += '+';
    return id;
  }

  std::string exception_id() {
    std::string_view w = m_tok.text;
    if (w.find(':') != std::string_view::npos || m_tok.plus)
      throw ParseError{"invalid license exception id '" + util::printable(w, 60) + "' at offset " +
                       std::to_string(m_tok.offset)};
    const auto& exceptions = tables().exceptions;
    auto it = exceptions.find(lower(w));
    std::string id = it != exceptions.end() ? it->second : std::string(w);
    if (it == exceptions.end()) add_unknown(id);
    m_out += id;
    return id;
  }

  void add_unknown(std::string id) {
    if (m_unknown_seen.insert(id).second) m_unknown.push_back(std::move(id));
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  Token m_tok;
  std::string m_out;
  std::vector<std::string> m_unknown;
  std::unordered_set<std::string> m_unknown_seen;
};

}  // namespace

bool is_spdx_license_id(std::string_view id) {
  const auto& licenses = tables().licenses;
  auto it = licenses.find(lower(id));
  return it != licenses.end() && it->second == id;
}

std::string canonical_license_id(std::string_view id) {
  const auto& licenses = tables().licenses;
  auto it = licenses.find(lower(id));
  return it == licenses.end() ? std::string() : it->second;
}

bool is_spdx_exception_id(std::string_view id) {
  const auto& exceptions = tables().exceptions;
  auto it = exceptions.find(lower(id));
  return it != exceptions.end() && it->second == id;
}

bool LicenseCheck::single_id() const {
  return valid && !normalized.empty() && normalized.find(' ') == std::string::npos &&
         normalized.find('(') == std::string::npos;
}

LicenseCheck check_license_expression(std::string_view expression) { return Parser(expression).run(); }

// ---- evaluation against allow/deny lists ----

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Splits "<family>-<version>" where the version is dot-separated numbers ("gpl-2.0" → "gpl",
// "2.0"); false when the id does not end in a version ("bsd-3-clause", "lppl-1.3c").
bool family_version(std::string_view base, std::string_view& family, std::string_view& version) {
  auto dash = base.rfind('-');
  if (dash == std::string_view::npos || dash == 0) return false;
  std::string_view v = base.substr(dash + 1);
  if (v.empty() || v.front() == '.' || v.back() == '.' || v.find("..") != std::string_view::npos) return false;
  for (char c : v)
    if (!(c >= '0' && c <= '9') && c != '.') return false;
  family = base.substr(0, dash);
  version = v;
  return true;
}

int compare_dotted(std::string_view a, std::string_view b) {
  auto pa = util::split(a, '.'), pb = util::split(b, '.');
  for (std::size_t k = 0; k < std::max(pa.size(), pb.size()); ++k) {
    std::string_view x = k < pa.size() ? pa[k] : "0", y = k < pb.size() ? pb[k] : "0";
    while (x.size() > 1 && x.front() == '0') x.remove_prefix(1);
    while (y.size() > 1 && y.front() == '0') y.remove_prefix(1);
    if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
    if (int c = x.compare(y)) return c < 0 ? -1 : 1;
  }
  return 0;
}

// The base of an SPDX license id: lower case, without the GNU "-only"/"-or-later" suffixes
// (SPDX license list 3.0 split "GPL-2.0" into those two; the bare id is the "-only" one).
std::string license_base(std::string_view id, bool& or_later) {
  std::string l = lower(id);
  if (!is_spdx_license_id(canonical_license_id(id))) return l;
  if (ends_with(l, "-or-later")) {
    or_later = true;
    return l.substr(0, l.size() - 9);
  }
  if (ends_with(l, "-only")) return l.substr(0, l.size() - 5);
  return l;
}

// Family → (version, base) of every license on the SPDX list whose base ends in a version.
const std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>>& families() {
  static const auto table = [] {
    std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>> t;
    std::unordered_set<std::string> seen;
    for (const auto& [key, id] : tables().licenses) {
      bool ignored = false;
      std::string base = license_base(id, ignored);
      std::string_view family, version;
      if (!seen.insert(base).second || !family_version(base, family, version)) continue;
      t[std::string(family)].emplace_back(std::string(version), base);
    }
    return t;
  }();
  return table;
}

// The bases a license covers: itself, plus every later version of its family for "+"/"-or-later".
std::vector<std::string> license_bases(std::string_view id, bool plus) {
  bool or_later = plus;
  std::string base = license_base(id, or_later);
  std::vector<std::string> out{base};
  std::string_view family, version;
  if (!or_later || !family_version(base, family, version)) return out;
  auto it = families().find(std::string(family));
  if (it == families().end()) return out;
  std::vector<std::pair<std::string, std::string>> later;
  for (const auto& [v, b] : it->second)
    if (compare_dotted(v, version) > 0) later.emplace_back(v, b);
  std::sort(later.begin(), later.end(),
            [](const auto& x, const auto& y) { return compare_dotted(x.first, y.first) < 0; });
  for (auto& [v, b] : later) out.push_back(std::move(b));
  return out;
}

// How specifically the entries match one (base, exception) choice: 0 none, 1 by license alone,
// 2 by license and exception.
int match_level(const std::vector<LicenseRules::Entry>& entries, const std::string& base,
                const std::string& exception) {
  int best = 0;
  for (const auto& e : entries) {
    if (std::find(e.bases.begin(), e.bases.end(), base) == e.bases.end()) continue;
    if (e.exception.empty()) {
      best = std::max(best, 1);
    } else if (e.exception == exception) {
      return 2;
    }
  }
  return best;
}

struct Choice {
  bool acceptable = false;
  bool denied = false;  // the deny list wins
};

void add_unique(std::vector<std::string>& list, const std::string& item) {
  if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(item);
}

class Evaluator {
 public:
  explicit Evaluator(const std::vector<LicenseRules::Entry>& allow, const std::vector<LicenseRules::Entry>& deny)
      : m_allow(allow), m_deny(deny) {}

  // `strict`: acceptable means allowed and not denied; otherwise only "not denied".
  bool passes(const LicenseNode& node, bool strict) const {
    switch (node.kind) {
      case LicenseNode::Kind::license:
        return leaf(node, strict);
      case LicenseNode::Kind::all_of:
        for (const auto& c : node.children)
          if (!passes(c, strict)) return false;
        return true;
      case LicenseNode::Kind::any_of:
        for (const auto& c : node.children)
          if (passes(c, strict)) return true;
        return false;
    }
    return false;
  }

  // The licenses on the failing paths: every branch of a failing OR, the failing parts of an AND.
  void blame(const LicenseNode& node, LicenseDecision& out) const {
    switch (node.kind) {
      case LicenseNode::Kind::license: {
        if (leaf(node, true)) return;
        add_unique(leaf(node, false) ? out.not_allowed : out.denied, node.text);
        return;
      }
      case LicenseNode::Kind::all_of:
      case LicenseNode::Kind::any_of:
        for (const auto& c : node.children)
          if (!passes(c, true)) blame(c, out);
        return;
    }
  }

 private:
  Choice choice(const std::string& base, const std::string& exception) const {
    int allow = match_level(m_allow, base, exception);
    int deny = match_level(m_deny, base, exception);
    Choice c;
    c.denied = deny > 0 && deny >= allow;
    c.acceptable = !c.denied && (m_allow.empty() || allow > 0);
    return c;
  }

  bool leaf(const LicenseNode& node, bool strict) const {
    std::string exception = lower(node.exception);
    for (const auto& base : license_bases(node.id, node.plus)) {
      Choice c = choice(base, exception);
      if (strict ? c.acceptable : !c.denied) return true;
    }
    return false;
  }

  const std::vector<LicenseRules::Entry>& m_allow;
  const std::vector<LicenseRules::Entry>& m_deny;
};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ", ";
    out += i;
  }
  return out;
}

}  // namespace

const char* to_string(LicenseVerdict verdict) {
  switch (verdict) {
    case LicenseVerdict::allowed:
      return "allowed";
    case LicenseVerdict::denied:
      return "denied";
    case LicenseVerdict::not_allowed:
      return "not-allowed";
    case LicenseVerdict::unknown:
      return "unknown";
  }
  return "unknown";
}

util::Status LicenseRules::add(std::string_view license, std::vector<Entry>& to) {
  auto bad = [&](const std::string& why) {
    return util::make_error(util::ErrorCode::parse,
                            "invalid license '" + util::printable(util::trim(license), 80) + "': " + why);
  };
  LicenseNode node;
  LicenseCheck check = Parser(license).run(&node);
  if (!check.valid) return bad(check.error);
  if (node.kind != LicenseNode::Kind::license)
    return bad("a list entry must be one license, optionally with '+' or WITH an exception");
  Entry e;
  e.text = node.text;
  e.bases = license_bases(node.id, node.plus);
  e.exception = lower(node.exception);
  to.push_back(std::move(e));
  return util::Ok{};
}

util::Status LicenseRules::allow(std::string_view license) { return add(license, m_allow); }
util::Status LicenseRules::deny(std::string_view license) { return add(license, m_deny); }

std::vector<std::string> LicenseRules::allowed() const {
  std::vector<std::string> out;
  for (const auto& e : m_allow) out.push_back(e.text);
  return out;
}

std::vector<std::string> LicenseRules::denied() const {
  std::vector<std::string> out;
  for (const auto& e : m_deny) out.push_back(e.text);
  return out;
}

LicenseDecision LicenseRules::evaluate(std::string_view expression) const {
  LicenseDecision out;
  std::string_view text = util::trim(expression);
  out.expression = std::string(text);
  // SPDX 2.3 §7.15: NOASSERTION and NONE say nothing usable about the license.
  if (text.empty() || iequals(text, "NOASSERTION") || iequals(text, "NONE")) {
    out.reason = "no license declared";
    return out;
  }
  LicenseNode tree;
  LicenseCheck check = Parser(text).run(&tree);
  if (!check.valid) {
    out.reason = "not an SPDX expression: " + check.error;
    return out;
  }
  out.expression = check.normalized;
  Evaluator ev(m_allow, m_deny);
  if (ev.passes(tree, true)) {
    out.verdict = LicenseVerdict::allowed;
    return out;
  }
  out.verdict = ev.passes(tree, false) ? LicenseVerdict::not_allowed : LicenseVerdict::denied;
  ev.blame(tree, out);
  std::string reason;
  if (!out.denied.empty()) reason = "denied: " + join(out.denied);
  if (!out.not_allowed.empty())
    reason += (reason.empty() ? "" : "; ") + std::string("not allowed: ") + join(out.not_allowed);
  out.reason = std::move(reason);
  return out;
}

}  // namespace purser::model
