#include "lib/catalog/go/go_mod.hpp"

// go.mod reader after the Go modules reference (go.dev/ref/mod#go-mod-file): a
// line-oriented grammar of directives, each either `verb args...` or a parenthesised
// block `verb (` ... `)` whose lines are the args. Tokens are identifiers (any run of
// printable non-space characters), "interpreted" and `raw` strings, `//` comments to
// the end of the line, and the punctuation ( ) [ ] { } ,.
//
// What becomes an entry:
// - the main module (`module`): a root application, pkg:golang/<path> without version;
// - every `require` not excluded, needed by the main module. Go >= 1.17 lists the whole
//   module graph's requirements in go.mod but not who requires whom, so the main module
//   -> each require is the honest graph; `// indirect` ones carry purser:golang:indirect.
// - `replace old [v] => new v`: the replacement is reported, with purser:golang:replaces
//   = old@required-version. `replace old [v] => ./dir` (a directory): the old path is
//   reported without version, with purser:golang:replaced-by = the directory.
// - go.sum beside go.mod gives the h1: hash of each module (see add_go_sum_hash).

#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/catalog/go/go_common.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::go {

namespace {

using util::Diagnostic;
using util::Severity;

struct Token {
  std::string text;
  bool quoted = false;  ///< a string literal, never punctuation
  bool is(char c) const { return !quoted && text.size() == 1 && text[0] == c; }
};

struct Line {
  std::vector<Token> tokens;
  std::string comment;  ///< the trailing `//` comment, without the slashes, trimmed
  std::uint64_t line = 0;
};

class Lexer {
 public:
  Lexer(std::string_view bytes, const std::string& path, std::vector<Diagnostic>& diags)
      : m_s(bytes), m_path(path), m_diags(diags) {}

  /// Splits the input into logical lines; a line with an error is reported and dropped.
  std::vector<Line> run() {
    std::vector<Line> lines;
    Line cur;
    bool bad = false;
    auto flush = [&] {
      if (!bad && !cur.tokens.empty()) lines.push_back(std::move(cur));
      cur = Line{};
      bad = false;
    };
    while (m_i < m_s.size()) {
      char c = m_s[m_i];
      if (c == '\n') {
        flush();
        ++m_i;
        ++m_line;
        continue;
      }
      if (bad || c == ' ' || c == '\t' || c == '\r') {
        ++m_i;
        continue;
      }
      if (cur.tokens.empty()) cur.line = m_line;
      if (c == '/' && m_i + 1 < m_s.size() && m_s[m_i + 1] == '/') {
        std::size_t end = m_s.find('\n', m_i);
        if (end == std::string_view::npos) end = m_s.size();
        if (!cur.tokens.empty()) cur.comment = std::string(util::trim(m_s.substr(m_i + 2, end - m_i - 2)));
        m_i = end;
        continue;
      }
      if (c == '(' || c == ')' || c == '[' || c == ']' || c == '{' || c == '}' || c == ',') {
        cur.tokens.push_back({std::string(1, c), false});
        ++m_i;
        continue;
      }
      if (c == '"' || c == '`') {
        Token t{{}, true};
        if (!(c == '"' ? interpreted(t.text) : raw(t.text))) {
          bad = true;
          continue;
        }
        cur.tokens.push_back(std::move(t));
        continue;
      }
      if (!ident_char(c)) {
        error("invalid go.mod: unexpected character " + util::printable(std::string_view(&m_s[m_i], 1)));
        bad = true;
        continue;
      }
      std::size_t start = m_i;
      while (m_i < m_s.size() && ident_char(m_s[m_i]) &&
             !(m_s[m_i] == '/' && m_i + 1 < m_s.size() && m_s[m_i + 1] == '/'))
        ++m_i;
      cur.tokens.push_back({std::string(m_s.substr(start, m_i - start)), false});
    }
    flush();
    return lines;
  }

 private:
  static bool ident_char(char c) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) return true;  // UTF-8 continuation of a printable rune
    if (u <= 0x20 || u == 0x7f) return false;
    return c != '(' && c != ')' && c != '[' && c != ']' && c != '{' && c != '}' && c != ',' && c != '"' && c != '`';
  }

  void error(std::string message) { m_diags.push_back({Severity::error, std::move(message), {m_path, m_line}}); }

  // A Go interpreted string literal on one line; escapes per the Go spec (the subset a
  // module path or version can need: \" \\ \n \t \r \xHH; others are rejected).
  bool interpreted(std::string& out) {
    ++m_i;
    while (m_i < m_s.size()) {
      char c = m_s[m_i];
      if (c == '\n') break;
      ++m_i;
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (m_i >= m_s.size()) break;
      char e = m_s[m_i++];
      switch (e) {
        case '"':
          out += '"';
          break;
        case '\\':
          out += '\\';
          break;
        case 'n':
          out += '\n';
          break;
        case 't':
          out += '\t';
          break;
        case 'r':
          out += '\r';
          break;
        case 'x': {
          int v = 0;
          for (int k = 0; k < 2; ++k) {
            char h = m_i < m_s.size() ? m_s[m_i] : '\0';
            int d = (h >= '0' && h <= '9')   ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                             : -1;
            if (d < 0) {
              error("invalid go.mod: bad escape in quoted string");
              return false;
            }
            v = v * 16 + d;
            ++m_i;
          }
          out += static_cast<char>(v);
          break;
        }
        default:
          error("invalid go.mod: bad escape in quoted string");
          return false;
      }
    }
    error("invalid go.mod: unterminated quoted string");
    return false;
  }

  // A raw string; go.mod is line-oriented, so one spanning lines is refused.
  bool raw(std::string& out) {
    ++m_i;
    std::size_t end = m_s.find_first_of("`\n", m_i);
    if (end == std::string_view::npos || m_s[end] == '\n') {
      error("invalid go.mod: unterminated raw string");
      m_i = end == std::string_view::npos ? m_s.size() : end;
      return false;
    }
    out.assign(m_s.substr(m_i, end - m_i));
    m_i = end + 1;
    return true;
  }

  std::string_view m_s;
  const std::string& m_path;
  std::vector<Diagnostic>& m_diags;
  std::size_t m_i = 0;
  std::uint64_t m_line = 1;
};

struct Require {
  std::string path, version;
  bool indirect = false;
  std::uint64_t line = 0;
};

struct Replace {
  std::string old_path, old_version;  ///< old_version empty = every version
  std::string new_path, new_version;  ///< new_version empty = a local directory
  std::uint64_t line = 0;
};

struct GoMod {
  std::string module;
  std::uint64_t module_line = 0;
  std::string go_version, toolchain;
  std::vector<Require> requires_;
  std::set<std::pair<std::string, std::string>> excludes;
  std::vector<Replace> replaces;
};

// `// indirect` marks a requirement not imported by the main module; Go also accepts
// "indirect; other text" (modfile's isIndirect).
bool is_indirect(std::string_view comment) { return comment == "indirect" || comment.substr(0, 9) == "indirect;"; }

bool is_local_path(std::string_view p) {
  return p.substr(0, 2) == "./" || p.substr(0, 3) == "../" || p.substr(0, 1) == "/" || p == "." || p == ".." ||
         p.substr(0, 2) == ".\\" || p.substr(0, 3) == "..\\" ||
         (p.size() >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/'));
}

class Parser {
 public:
  Parser(const std::string& path, std::vector<Diagnostic>& diags) : m_path(path), m_diags(diags) {}

  GoMod run(const std::vector<Line>& lines) {
    std::string block;  // verb of the open block, empty when none
    std::uint64_t block_line = 0;
    for (const auto& l : lines) {
      const auto& t = l.tokens;
      if (!block.empty()) {
        if (t.size() == 1 && t[0].is(')')) {
          block.clear();
          continue;
        }
        if (t.back().is('(')) {
          error(l.line, "invalid go.mod: nested block inside " + block + " block");
          continue;
        }
        directive(block, t, 0, l);
        continue;
      }
      if (t[0].quoted || t[0].is(')') || t[0].is('(')) {
        error(l.line, "invalid go.mod: unexpected " + util::printable(t[0].text));
        continue;
      }
      if (t.size() == 2 && t[1].is('(')) {
        block = t[0].text;
        block_line = l.line;
        if (!known(block)) warn(l.line, "unknown directive: " + util::printable(block));
        continue;
      }
      directive(t[0].text, t, 1, l);
    }
    if (!block.empty()) error(block_line, "invalid go.mod: unterminated " + util::printable(block) + " block");
    return std::move(m_mod);
  }

 private:
  static bool known(std::string_view verb) {
    return verb == "module" || verb == "go" || verb == "toolchain" || verb == "require" || verb == "exclude" ||
           verb == "replace" || verb == "retract" || verb == "godebug" || verb == "tool" || verb == "ignore";
  }

  void error(std::uint64_t line, std::string message) {
    m_diags.push_back({Severity::error, std::move(message), {m_path, line}});
  }
  void warn(std::uint64_t line, std::string message) {
    m_diags.push_back({Severity::warning, std::move(message), {m_path, line}});
  }

  // Arguments from `first` on, which must be plain values (no punctuation).
  bool values(const std::string& verb, const std::vector<Token>& t, std::size_t first, const Line& l,
              std::vector<std::string>& out) {
    for (std::size_t i = first; i < t.size(); ++i) {
      if (!t[i].quoted && t[i].text.size() == 1 &&
          std::string_view("()[]{},").find(t[i].text[0]) != std::string_view::npos) {
        error(l.line, "invalid " + verb + ": unexpected " + t[i].text);
        return false;
      }
      out.push_back(t[i].text);
    }
    return true;
  }

  void directive(const std::string& verb, const std::vector<Token>& t, std::size_t first, const Line& l) {
    if (!known(verb)) {
      if (first == 1) warn(l.line, "unknown directive: " + util::printable(verb));
      return;
    }
    // retract takes a version or an interval "[lo, hi]"; it concerns this module's own
    // published versions and changes nothing in its dependencies.
    if (verb == "retract") return;
    std::vector<std::string> a;
    if (!values(verb, t, first, l, a)) return;
    if (verb == "module") {
      if (a.size() != 1) return error(l.line, "invalid module: expected one module path");
      if (!m_mod.module.empty()) return error(l.line, "invalid module: repeated module directive");
      m_mod.module = a[0];
      m_mod.module_line = l.line;
    } else if (verb == "go" || verb == "toolchain") {
      if (a.size() != 1) return error(l.line, "invalid " + verb + ": expected one version");
      (verb == "go" ? m_mod.go_version : m_mod.toolchain) = a[0];
    } else if (verb == "require" || verb == "exclude") {
      if (a.size() != 2) return error(l.line, "invalid " + verb + ": expected module path and version");
      if (!valid_path(verb, a[0], l.line) || !valid_version(verb, a[1], l.line)) return;
      if (verb == "require")
        m_mod.requires_.push_back({a[0], a[1], is_indirect(l.comment), l.line});
      else
        m_mod.excludes.emplace(a[0], a[1]);
    } else if (verb == "replace") {
      replace(a, l.line);
    }
    // godebug key=value, tool <package>, ignore <dir>: nothing to inventory.
  }

  bool valid_path(const std::string& verb, const std::string& p, std::uint64_t line) {
    if (p.empty() || is_local_path(p)) {
      error(line, "invalid " + verb + ": bad module path " + util::printable(p));
      return false;
    }
    return true;
  }
  // Versions in go.mod are canonical semver with a 'v' ("v1.2.3", pseudo-versions,
  // "+incompatible"); the go command rewrites anything else before using it.
  bool valid_version(const std::string& verb, const std::string& v, std::uint64_t line) {
    if (v.size() < 2 || v[0] != 'v' || v[1] < '0' || v[1] > '9') {
      error(line, "invalid " + verb + ": bad version " + util::printable(v));
      return false;
    }
    return true;
  }

  void replace(const std::vector<std::string>& a, std::uint64_t line) {
    std::size_t arrow = 0;
    while (arrow < a.size() && a[arrow] != "=>") ++arrow;
    if (arrow == a.size() || arrow == 0 || arrow > 2 || a.size() - arrow - 1 < 1 || a.size() - arrow - 1 > 2)
      return error(line, "invalid replace: expected 'old [version] => new [version]'");
    Replace r;
    r.old_path = a[0];
    if (arrow == 2) r.old_version = a[1];
    r.new_path = a[arrow + 1];
    if (a.size() - arrow - 1 == 2) r.new_version = a[arrow + 2];
    r.line = line;
    if (!valid_path("replace", r.old_path, line)) return;
    if (!r.old_version.empty() && !valid_version("replace", r.old_version, line)) return;
    if (r.new_version.empty()) {
      if (!is_local_path(r.new_path))
        return error(line, "invalid replace: replacement without version must be a directory path (./ or ../)");
    } else if (!valid_path("replace", r.new_path, line) || !valid_version("replace", r.new_version, line)) {
      return;
    }
    m_mod.replaces.push_back(std::move(r));
  }

  const std::string& m_path;
  std::vector<Diagnostic>& m_diags;
  GoMod m_mod;
};

// go.sum lines are "<module> <version> h1:<base64>" (hash of the module's file tree)
// and "<module> <version>/go.mod h1:<base64>" (hash of its go.mod alone); only the
// first kind identifies the module content.
std::unordered_map<std::string, std::string> read_go_sum(std::string_view text) {
  std::unordered_map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = util::trim(text.substr(pos, end - pos));
    pos = end + 1;
    std::string_view fields[3];
    std::size_t n = 0;
    bool extra = false;
    while (!line.empty()) {
      std::size_t sp = line.find_first_of(" \t");
      std::string_view f = line.substr(0, sp);
      if (n < 3)
        fields[n++] = f;
      else
        extra = true;
      line = sp == std::string_view::npos ? std::string_view{} : util::trim(line.substr(sp));
    }
    if (n != 3 || extra || (fields[1].size() >= 7 && fields[1].substr(fields[1].size() - 7) == "/go.mod")) continue;
    if (fields[2].substr(0, 3) != "h1:") continue;
    out.emplace(std::string(fields[0]) + " " + std::string(fields[1]), std::string(fields[2]));
  }
  return out;
}

void add_go_sum_hash(model::Package& p, const std::unordered_map<std::string, std::string>& sums) {
  auto it = sums.find(p.name + " " + p.version);
  if (it != sums.end()) add_h1_hash(p, it->second);
}

}  // namespace

ParseResult parse_go_mod(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    if (!util::looks_like_text(bytes)) {
      out.diagnostics.push_back({Severity::error, "invalid go.mod: not a text file", {path, 0}});
      return out;
    }
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
    auto lines = Lexer(bytes, path, out.diagnostics).run();
    GoMod mod = Parser(path, out.diagnostics).run(lines);
    if (mod.module.empty())
      out.diagnostics.push_back({Severity::error, "invalid go.mod: missing module directive", {path, 0}});

    std::unordered_map<std::string, std::string> sums;
    if (auto sum = resolver.read_relative(path, "go.sum"); sum.ok() && util::looks_like_text(*sum))
      sums = read_go_sum(*sum);

    Entry root;
    if (!mod.module.empty()) {
      root.package = make_go_package(mod.module, "");
      root.package.type = model::ComponentType::application;
      root.package.locations = {{path, mod.module_line}};
      if (!mod.go_version.empty()) root.package.add_property("purser:golang:go-version", mod.go_version);
      if (!mod.toolchain.empty()) root.package.add_property("purser:golang:toolchain", mod.toolchain);
      root.root = true;
    }

    std::set<std::string> seen;
    for (const auto& req : mod.requires_) {
      std::string key = req.path + "@" + req.version;
      if (!seen.insert(key).second) continue;
      // Since Go 1.16 a requirement on an excluded version is ignored (go.dev/ref/mod#go-mod-file-exclude).
      if (mod.excludes.count({req.path, req.version})) {
        out.diagnostics.push_back(
            {Severity::warning, "required version is excluded: " + util::printable(key), {path, req.line}});
        continue;
      }
      // A replacement for this exact version wins over one for every version.
      const Replace* rep = nullptr;
      for (const auto& r : mod.replaces)
        if (r.old_path == req.path && (r.old_version == req.version || (r.old_version.empty() && !rep))) rep = &r;
      Entry e;
      if (rep == nullptr) {
        e.package = make_go_package(req.path, req.version);
      } else if (rep->new_version.empty()) {
        e.package = make_go_package(req.path, "");
        e.package.add_property("purser:golang:replaced-by", rep->new_path);
      } else {
        e.package = make_go_package(rep->new_path, rep->new_version);
        e.package.add_property("purser:golang:replaces", key);
      }
      if (req.indirect) e.package.add_property("purser:golang:indirect", "true");
      if (!e.package.version.empty()) add_go_sum_hash(e.package, sums);
      e.package.locations = {{path, req.line}};
      e.provides.push_back(key);
      root.needs.push_back({key, false});
      out.entries.push_back(std::move(e));
    }
    if (!mod.module.empty()) out.entries.insert(out.entries.begin(), std::move(root));
  } catch (const std::exception& ex) {
    out.diagnostics.push_back({Severity::error, std::string("invalid go.mod: ") + ex.what(), {path, 0}});
  }
  // Junk past looks_like_text's probe could yield one diagnostic per line; a few suffice.
  constexpr std::size_t k_max_diagnostics = 50;
  if (out.diagnostics.size() > k_max_diagnostics) {
    std::size_t more = out.diagnostics.size() - k_max_diagnostics;
    out.diagnostics.resize(k_max_diagnostics);
    out.diagnostics.push_back(
        {Severity::error, "invalid go.mod: " + std::to_string(more) + " more problems not shown", {path, 0}});
  }
  return out;
}

const Cataloger& go_mod_cataloger() {
  static const Cataloger c{"go-mod",     "go", {"source", "lockfile"}, {"go.mod"}, "go.mod with go.sum hashes",
                           &parse_go_mod};
  return c;
}

}  // namespace purser::catalog::go
