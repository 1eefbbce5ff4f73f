#include "lib/catalog/python/requirements.hpp"

#include <map>
#include <set>
#include <utility>
#include <vector>

#include "lib/catalog/python/python_common.hpp"
#include "lib/source/source.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::python {

namespace {

using util::trim;

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }
bool is_name_char(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '-'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

// PEP 440 comparison operators, longest first so "===" is not read as "==" + "=x".
constexpr std::string_view k_ops[] = {"===", "==", "!=", "<=", ">=", "~=", "<", ">"};

// One clause of a PEP 440 specifier: an operator and a version without spaces.
bool valid_clause(std::string_view clause) {
  clause = trim(clause);
  for (auto op : k_ops) {
    if (clause.substr(0, op.size()) != op) continue;
    std::string_view v = trim(clause.substr(op.size()));
    if (v.empty()) return false;
    for (char c : v) {
      // "===" compares arbitrary strings; the others take PEP 440 versions (plus '*' wildcards).
      bool ok = op == "===" ? !is_space(c) && c != ',' && c != ';'
                            : is_alnum(c) || c == '.' || c == '*' || c == '+' || c == '!' || c == '_' || c == '-';
      if (!ok) return false;
    }
    return true;
  }
  return false;
}

std::string quoted(std::string_view s) { return "'" + util::printable(s, 60) + "'"; }

}  // namespace

std::string Pep508::pinned() const {
  std::string_view spec = trim(specifier);
  if (spec.empty() || spec.find(',') != std::string_view::npos) return {};
  if (spec.substr(0, 3) == "===") return std::string(trim(spec.substr(3)));
  if (spec.substr(0, 2) != "==") return {};
  std::string_view v = trim(spec.substr(2));
  if (v.find('*') != std::string_view::npos) return {};  // "==1.*" is a range, not a pin (PEP 440 prefix match)
  return std::string(v);
}

bool parse_pep508(std::string_view text, Pep508& out, std::string& why) {
  out = {};
  std::string_view s = trim(text);
  const std::size_t n = s.size();
  if (n == 0) {
    why = "empty requirement";
    return false;
  }
  if (!is_alnum(s[0])) {
    why = "expected a project name at " + quoted(s.substr(0, 20));
    return false;
  }
  std::size_t i = 0;
  while (i < n && is_name_char(s[i])) ++i;
  if (!is_alnum(s[i - 1])) {
    why = "project name must end with a letter or digit: " + quoted(s.substr(0, i));
    return false;
  }
  out.name = std::string(s.substr(0, i));
  auto skip_ws = [&] {
    while (i < n && is_space(s[i])) ++i;
  };
  skip_ws();
  if (i < n && s[i] == '[') {
    auto close = s.find(']', i);
    if (close == std::string_view::npos) {
      why = "unclosed '[' in extras";
      return false;
    }
    for (auto extra : util::split(s.substr(i + 1, close - i - 1), ',')) {
      extra = trim(extra);
      bool ok = !extra.empty() && is_alnum(extra.front());
      for (char c : extra) ok = ok && is_name_char(c);
      if (!ok) {
        why = "invalid extra " + quoted(extra);
        return false;
      }
      if (!out.extras.empty()) out.extras += ',';
      out.extras += extra;
    }
    i = close + 1;
    skip_ws();
  }
  if (i < n && s[i] == '@') {
    // PEP 508 url_req: the URL runs to the next whitespace; markers follow after "; ".
    ++i;
    skip_ws();
    std::size_t start = i;
    while (i < n && !is_space(s[i])) ++i;
    out.url = std::string(s.substr(start, i - start));
    if (out.url.empty()) {
      why = "expected a url after '@'";
      return false;
    }
    skip_ws();
    if (i < n) {
      if (s[i] != ';') {
        why = "unexpected text after url: " + quoted(s.substr(i, 20));
        return false;
      }
      out.markers = std::string(trim(s.substr(i + 1)));
      if (out.markers.empty()) {
        why = "expected a marker after ';'";
        return false;
      }
    }
    return true;
  }
  std::string_view rest = s.substr(i);
  auto semi = rest.find(';');
  std::string_view spec = trim(rest.substr(0, semi));
  if (semi != std::string_view::npos) {
    out.markers = std::string(trim(rest.substr(semi + 1)));
    if (out.markers.empty()) {
      why = "expected a marker after ';'";
      return false;
    }
  }
  if (!spec.empty() && spec.front() == '(') {
    if (spec.back() != ')') {
      why = "unclosed '(' in version specifier";
      return false;
    }
    spec = trim(spec.substr(1, spec.size() - 2));
  }
  if (!spec.empty()) {
    for (auto clause : util::split(spec, ',')) {
      if (!valid_clause(clause)) {
        why = "invalid version specifier " + quoted(trim(clause));
        return false;
      }
    }
  }
  out.specifier = std::string(spec);
  return true;
}

namespace {

constexpr int k_max_include_depth = 10;

enum class Mode { requirements, constraints };

struct Constraint {
  std::string version;
  std::string file;
};

class Parser {
 public:
  Parser(const FileResolver& resolver, ParseResult& out) : m_resolver(resolver), m_out(out) {}

  void parse_file(std::string_view bytes, const std::string& path, int depth, Mode mode) {
    m_visited.insert({mode, path});
    if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);  // UTF-8 BOM
    if (!util::looks_like_text(bytes)) {
      warn({path}, "invalid requirements file: binary content");
      return;
    }
    // pip joins lines ending in '\' before stripping comments, but a comment line never
    // continues (pip's req_file.join_lines); the logical line keeps its first line number.
    std::string logical;
    std::uint64_t logical_line = 0;
    bool pending = false;
    std::uint64_t line_no = 0;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      auto nl = bytes.find('\n', pos);
      std::string_view phys = bytes.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? bytes.size() : nl + 1;
      ++line_no;
      if (!phys.empty() && phys.back() == '\r') phys.remove_suffix(1);
      std::string_view lead = trim(phys);
      bool comment_line = !lead.empty() && lead.front() == '#';
      if (!comment_line && !phys.empty() && phys.back() == '\\') {
        if (!pending) logical_line = line_no;
        pending = true;
        logical.append(phys.substr(0, phys.size() - 1));
        logical += ' ';
        continue;
      }
      if (pending) {
        if (!comment_line) logical.append(phys);
        handle_line(logical, path, logical_line, depth, mode);
        logical.clear();
        pending = false;
        continue;
      }
      handle_line(phys, path, line_no, depth, mode);
    }
    if (pending) handle_line(logical, path, logical_line, depth, mode);
  }

  // Constraints (-c) never add packages; they pin names already listed without a pin.
  void apply_constraints() {
    for (auto& e : m_out.entries) {
      if (!e.package.version.empty()) continue;
      auto it = m_constraints.find(pypi_key(e.package.name));
      if (it == m_constraints.end()) continue;
      set_pypi_version(e.package, it->second.version);
      e.package.add_property("purser:pypi:constrained-by", it->second.file);
    }
  }

 private:
  void warn(util::Location loc, std::string message) {
    m_out.diagnostics.push_back({util::Severity::warning, std::move(message), std::move(loc)});
  }

  static std::string_view strip_comment(std::string_view line) {
    // pip: "(^|\s+)#.*$" — a '#' inside a URL fragment (#egg=) is not a comment.
    for (std::size_t i = 0; i < line.size(); ++i)
      if (line[i] == '#' && (i == 0 || is_space(line[i - 1]))) return line.substr(0, i);
    return line;
  }

  void handle_line(std::string_view raw, const std::string& path, std::uint64_t line, int depth, Mode mode) {
    std::string_view t = trim(strip_comment(raw));
    if (t.empty()) return;
    if (t.front() == '-') {
      handle_option(t, path, line, depth, mode);
      return;
    }
    // Per-requirement options (--hash, --config-settings, ...) follow the requirement
    // after whitespace (pip's break_args_options).
    std::size_t k = 1;
    while (k < t.size() && !(t[k] == '-' && is_space(t[k - 1]))) ++k;
    std::string_view req = trim(t.substr(0, k));
    std::vector<model::Hash> hashes;
    if (k < t.size() && !read_hashes(t.substr(k), hashes, path, line)) return;
    handle_requirement(req, std::move(hashes), path, line, mode);
  }

  bool read_hashes(std::string_view opts, std::vector<model::Hash>& hashes, const std::string& path,
                   std::uint64_t line) {
    std::vector<std::string_view> tokens;
    std::size_t i = 0;
    while (i < opts.size()) {
      while (i < opts.size() && is_space(opts[i])) ++i;
      std::size_t start = i;
      while (i < opts.size() && !is_space(opts[i])) ++i;
      if (i > start) tokens.push_back(opts.substr(start, i - start));
    }
    for (std::size_t j = 0; j < tokens.size(); ++j) {
      std::string_view value;
      if (tokens[j].substr(0, 7) == "--hash=") {
        value = tokens[j].substr(7);
      } else if (tokens[j] == "--hash" && j + 1 < tokens.size()) {
        value = tokens[++j];
      } else {
        continue;  // other per-requirement options do not change what is installed
      }
      auto h = parse_pip_hash(value);
      if (!h) {
        warn({path, line}, "invalid requirement: invalid hash " + quoted(value));
        return false;
      }
      hashes.push_back(std::move(*h));
    }
    return true;
  }

  void handle_option(std::string_view t, const std::string& path, std::uint64_t line, int depth, Mode mode) {
    std::string_view opt, arg;
    if (t.substr(0, 2) == "--") {
      std::size_t end = 2;
      while (end < t.size() && t[end] != '=' && !is_space(t[end])) ++end;
      opt = t.substr(0, end);
      arg = end < t.size() ? trim(t.substr(end + 1)) : std::string_view{};
    } else {
      opt = t.substr(0, 2);  // short options take their argument attached or after a space
      arg = trim(t.substr(opt.size()));
    }
    bool req = opt == "-r" || opt == "--requirement";
    bool con = opt == "-c" || opt == "--constraint";
    // Everything else (-i, --extra-index-url, -f, --pre, --trusted-host, -e/--editable, ...)
    // configures pip or names local projects; none adds a registry package.
    if (!req && !con) return;
    if (arg.empty()) {
      warn({path, line}, "invalid requirement: " + std::string(opt) + " needs a file name");
      return;
    }
    include(arg, path, line, depth, con ? Mode::constraints : mode);
  }

  void include(std::string_view rel, const std::string& from, std::uint64_t line, int depth, Mode mode) {
    std::string shown = util::printable(rel);
    if (rel.find("://") != std::string_view::npos) {
      warn({from, line}, "cannot include " + shown + ": remote files are not fetched");
      return;
    }
    if (depth >= k_max_include_depth) {
      warn({from, line}, "cannot include " + shown + ": includes nested too deeply");
      return;
    }
    std::string joined = source::join_relative(from, rel);
    if (joined.empty()) {
      warn({from, line}, "cannot include " + shown + ": path leaves the source root");
      return;
    }
    if (m_visited.count({mode, joined})) return;  // cycles and diamonds: each file once
    auto bytes = m_resolver.read_relative(from, rel);
    if (!bytes.ok()) {
      warn({from, line}, "cannot include " + shown + ": " + bytes.error().message);
      return;
    }
    parse_file(*bytes, joined, depth + 1, mode);
  }

  static bool has_scheme(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && (is_alnum(s[i]) || s[i] == '+' || s[i] == '.' || s[i] == '-')) ++i;
    return i > 0 && (s.substr(i, 3) == "://" || s.substr(0, 5) == "file:");
  }

  void handle_requirement(std::string_view req, std::vector<model::Hash> hashes, const std::string& path,
                          std::uint64_t line, Mode mode) {
    Pep508 r;
    std::string wheel_version;
    if (has_scheme(req)) {
      if (!from_url(req, r, wheel_version)) return;  // a URL we cannot name (sdist, archive): nothing to report
    } else if (req.front() == '.' || req.front() == '/' || req.front() == '~' || (req.size() > 1 && req[1] == ':')) {
      return;  // a local project directory or archive: not a registry package
    } else {
      std::string why;
      if (!parse_pep508(req, r, why)) {
        // "src/pkg", "dist/pkg-1.0.tar.gz": a local path pip would install, not a broken requirement.
        bool looks_like_path = (req.find('/') != std::string_view::npos || req.find('\\') != std::string_view::npos) &&
                               req.find('@') == std::string_view::npos;
        if (!looks_like_path) warn({path, line}, "invalid requirement: " + why);
        return;
      }
    }
    std::string version = r.pinned();
    if (mode == Mode::constraints) {
      if (!version.empty()) m_constraints.emplace(pypi_key(r.name), Constraint{version, path});
      return;
    }
    if (version.empty()) version = wheel_version;
    Entry e;
    e.package = make_pypi_package(r.name, version);
    e.package.locations.push_back({path, line});
    if (version.empty() && !r.specifier.empty()) e.package.add_property("purser:pypi:specifier", r.specifier);
    if (!r.extras.empty()) e.package.add_property("purser:pypi:extras", r.extras);
    if (!r.markers.empty()) e.package.add_property("purser:pypi:markers", r.markers);
    e.package.download_url = r.url;
    // `--hash` lists one digest per distribution file pip may pick (every wheel plus the
    // sdist); only a single digest identifies the artifact, so several are not attached.
    if (hashes.size() == 1) e.package.hashes = std::move(hashes);
    e.provides.push_back(pypi_key(r.name));
    m_out.entries.push_back(std::move(e));
  }

  // A bare URL line: "git+https://host/repo@ref#egg=name" or ".../name-1.0-py3-none-any.whl".
  static bool from_url(std::string_view url, Pep508& r, std::string& wheel_version) {
    r = {};
    auto hash = url.find('#');
    std::string_view base = url.substr(0, hash);
    if (hash != std::string_view::npos) {
      for (auto param : util::split(url.substr(hash + 1), '&')) {
        if (param.substr(0, 4) != "egg=") continue;
        std::string_view egg = param.substr(4);
        std::size_t i = 0;
        while (i < egg.size() && is_name_char(egg[i])) ++i;
        egg = egg.substr(0, i);
        if (!egg.empty() && is_alnum(egg.front()) && is_alnum(egg.back())) r.name = std::string(egg);
      }
    }
    if (r.name.empty()) {
      // Wheel file names are "{name}-{version}(-{build})?-{python}-{abi}-{platform}.whl" (PEP 427).
      std::string_view file = base.substr(0, base.find('?'));
      file = file.substr(file.rfind('/') == std::string_view::npos ? 0 : file.rfind('/') + 1);
      if (file.size() <= 4 || file.substr(file.size() - 4) != ".whl") return false;
      auto parts = util::split(file.substr(0, file.size() - 4), '-');
      if (parts.size() < 5 || parts[0].empty() || parts[1].empty()) return false;
      r.name = std::string(parts[0]);
      wheel_version = std::string(parts[1]);
    }
    r.url = std::string(base);
    return true;
  }

  const FileResolver& m_resolver;
  ParseResult& m_out;
  std::set<std::pair<Mode, std::string>> m_visited;
  std::map<std::string, Constraint> m_constraints;  // PEP 503 name -> first pin seen
};

}  // namespace

ParseResult parse_requirements(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    Parser parser(resolver, out);
    parser.parse_file(bytes, path, 0, Mode::requirements);
    parser.apply_constraints();
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid requirements file: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& requirements_cataloger() {
  static const Cataloger c{"python-requirements",
                           "python",
                           {"source", "lockfile"},
                           {"*requirements*.txt", "**/requirements/*.txt"},
                           "pip requirements files (pinned versions, hashes, -r/-c includes)",
                           &parse_requirements};
  return c;
}

}  // namespace purser::catalog::python
