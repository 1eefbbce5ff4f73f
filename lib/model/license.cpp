#include "lib/model/license.hpp"

#include <cstddef>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

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

class Parser {
 public:
  explicit Parser(std::string_view text) : m_text(text) {}

  LicenseCheck run() {
    LicenseCheck out;
    try {
      advance();
      if (m_tok.kind == TokKind::end) throw ParseError{"empty expression"};
      parse_or(0);
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

  void parse_or(int depth) {
    parse_and(depth);
    while (at_operator("OR")) {
      m_out += " OR ";
      advance();
      parse_and(depth);
    }
  }

  void parse_and(int depth) {
    parse_with(depth);
    while (at_operator("AND")) {
      m_out += " AND ";
      advance();
      parse_with(depth);
    }
  }

  // compound-expression = simple-expression [WITH license-exception-id] / "(" compound-expression ")"
  void parse_with(int depth) {
    if (m_tok.kind == TokKind::open) {
      if (depth + 1 > k_max_depth)
        throw ParseError{"parentheses nested deeper than " + std::to_string(k_max_depth) + " levels"};
      std::size_t open_at = m_tok.offset;
      m_out += '(';
      advance();
      parse_or(depth + 1);
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
      return;
    }
    if (m_tok.kind != TokKind::word || at_any_operator()) expected_license();
    simple_expression();
    advance();
    if (at_operator("WITH")) {
      m_out += " WITH ";
      advance();
      if (m_tok.kind != TokKind::word || at_any_operator()) {
        if (m_tok.kind == TokKind::end) throw ParseError{"expected a license exception id at end of expression"};
        throw ParseError{"expected a license exception id at offset " + std::to_string(m_tok.offset) + ", found '" +
                         util::printable(m_tok.text, 40) + "'"};
      }
      exception_id();
      advance();
    }
  }

  static bool valid_idstring(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
      if (!is_id_char(c)) return false;
    return true;
  }

  // simple-expression = license-id / license-id "+" / license-ref
  // license-ref = ["DocumentRef-" idstring ":"] "LicenseRef-" idstring
  void simple_expression() {
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
      m_out += doc_ref;
      m_out += "LicenseRef-";
      m_out += ref_id;
      return;
    }
    if (w.find(':') != std::string_view::npos) bad("':' is only allowed after DocumentRef-");
    const auto& licenses = tables().licenses;
    auto it = licenses.find(lower(w));
    if (it != licenses.end()) {
      m_out += it->second;
    } else {
      m_out += w;
      add_unknown(std::string(w));
    }
    if (m_tok.plus) m_out += '+';
  }

  void exception_id() {
    std::string_view w = m_tok.text;
    if (w.find(':') != std::string_view::npos || m_tok.plus)
      throw ParseError{"invalid license exception id '" + util::printable(w, 60) + "' at offset " +
                       std::to_string(m_tok.offset)};
    const auto& exceptions = tables().exceptions;
    auto it = exceptions.find(lower(w));
    if (it != exceptions.end()) {
      m_out += it->second;
    } else {
      m_out += w;
      add_unknown(std::string(w));
    }
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

}  // namespace purser::model
