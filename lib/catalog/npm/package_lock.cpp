#include "lib/catalog/npm/package_lock.hpp"

// npm package-lock.json / npm-shrinkwrap.json reader, lockfile versions 1-3
// (docs.npmjs.com/cli/configuring-npm/package-lock-json).
//
// v2/v3: the "packages" map is keyed by install path relative to the project: "" is the
// project itself, "node_modules/a", "node_modules/a/node_modules/b", workspace folders
// ("packages/foo") and their own "node_modules/...". A key with "link": true is a symlink
// whose "resolved" names the target key; it is not a package of its own.
// v1: the nested "dependencies" tree; each level's "dependencies" is that package's own
// node_modules, so it is flattened into the same install-path keys as v2.
//
// The project ("" entry, else the top-level name/version) is the root application.
// Workspaces (folders the root's "workspaces" globs match) are application components the
// root depends on, as cdxgen shows them; they and the root also need their devDependencies.
// v1 does not record the project's own requirements: the root needs whatever nothing else
// requires. Aliases ("node_modules/foo" holding "name": "bar") report bar with
// purser:npm:alias=foo; peer-only packages are optional with purser:npm:peer=true.
//
// Edges follow Node's module resolution (nodejs.org/api/modules.html, "node_modules
// paths"): a dependency of the package at P is the nearest "<dir>/node_modules/<name>"
// walking up from P. Each entry provides its install path and needs the resolved paths.
//
// Parsing: lockfiles reach hundreds of MB, so the JSON is read through a SAX handler that
// keeps only the members read below (no "engines", "funding", "bin"...; no v1
// "dependencies" tree when "packages" came first). nlohmann's parse-with-callback is not
// used: its DOM builder rescans the parent object each time an object closes, which is
// quadratic in the number of packages (80k packages: minutes instead of under a second).

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "lib/catalog/npm/npm_common.hpp"
#include "lib/util/glob.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::npm {

namespace {

using json = nlohmann::json;
using util::Diagnostic;
using util::Severity;

constexpr std::size_t k_max_depth = 512;  // kept containers; npm nests a handful, v1 trees a few dozen

// A char iterator that publishes how far the parser has read, so the SAX handler can
// give every key its line (nlohmann 3.11 exposes no positions to SAX handlers).
class CountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  CountingIterator(const char* p, const char** mark) : m_p(p), m_mark(mark) {}
  reference operator*() const { return *m_p; }
  CountingIterator& operator++() {
    *m_mark = ++m_p;
    return *this;
  }
  CountingIterator operator++(int) {
    CountingIterator old = *this;
    ++*this;
    return old;
  }
  bool operator==(const CountingIterator& o) const { return m_p == o.m_p; }
  bool operator!=(const CountingIterator& o) const { return m_p != o.m_p; }

 private:
  const char* m_p;
  const char** m_mark;
};

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// Members of a "packages" entry (v2/v3) and of a "dependencies" tree node (v1) we read.
bool is_v2_field(std::string_view k) {
  return one_of(
      k, {"name", "version", "resolved", "integrity", "license", "dev", "optional", "devOptional", "peer", "link",
          "dependencies", "optionalDependencies", "peerDependencies", "devDependencies", "workspaces"});
}
bool is_v1_field(std::string_view k) {
  return one_of(k, {"version", "resolved", "integrity", "dev", "optional", "requires", "dependencies"});
}

/// The install-path key of the v1 node whose name is at depth `d` of `keys`
/// (names sit at even depths: dependencies/<a>/dependencies/<b>...).
std::string v1_key(const std::vector<std::string>& keys, std::size_t d) {
  std::string key;
  for (std::size_t i = 1; i < d; i += 2) {
    if (!key.empty()) key += '/';
    key += "node_modules/";
    key += keys[i];
  }
  return key;
}

// Builds a DOM of only the members we read, remembering the line of every package key.
class LockSax final : public nlohmann::json_sax<json> {
 public:
  LockSax(std::string_view bytes, const char* const* mark) : m_bytes(bytes), m_mark(mark) {}

  json root;
  std::unordered_map<std::string, std::uint64_t> lines;      ///< package key -> line
  std::unordered_map<std::string, std::uint64_t> top_lines;  ///< top-level member -> line
  bool failed = false;
  std::uint64_t error_line = 0;
  std::string error;  ///< "invalid json: ..." when failed

  bool null() override { return put(json(nullptr)); }
  bool boolean(bool v) override { return put(json(v)); }
  bool number_integer(number_integer_t v) override { return put(json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return put(json(v)); }
  bool number_float(number_float_t v, const string_t&) override { return put(json(v)); }
  bool string(string_t& v) override { return put(json(std::move(v))); }
  bool binary(binary_t&) override { return put(json(nullptr)); }  // never produced by the JSON lexer
  bool start_object(std::size_t) override { return open(json::value_t::object); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(json::value_t::array); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (m_skip > 0) return true;
    const std::size_t d = m_stack.size();
    if (m_keys.size() < d) m_keys.resize(d);
    m_keys[d - 1] = k;
    if (!wanted(d, k)) {
      m_drop_next = true;
      return true;
    }
    m_slot = &(*m_stack.back())[k];
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) override {
    // what() is "[json.exception.parse_error.101] parse error at line 3, column 1: <reason>".
    std::string_view what = ex.what();
    auto at = what.find("parse error");
    auto colon = at == std::string_view::npos ? std::string_view::npos : what.find(": ", at);
    std::string_view reason = colon == std::string_view::npos ? what : what.substr(colon + 2);
    fail(position > 0 ? position - 1 : 0, "invalid json: " + util::printable(reason, 200));
    return false;
  }

 private:
  bool put(json&& v) {
    if (m_skip > 0) return true;
    if (m_drop_next) {
      m_drop_next = false;
      return true;
    }
    if (m_stack.empty()) {
      root = std::move(v);
    } else if (m_stack.back()->is_array()) {
      m_stack.back()->push_back(std::move(v));
    } else {
      *m_slot = std::move(v);
    }
    return true;
  }

  bool open(json::value_t type) {
    if (m_skip > 0 || m_drop_next) {
      m_drop_next = false;
      ++m_skip;
      return true;
    }
    if (m_stack.size() >= k_max_depth) {
      fail(here(), "unsupported json: nested deeper than " + std::to_string(k_max_depth) + " levels");
      return false;
    }
    json* target = nullptr;
    if (m_stack.empty()) {
      root = json(type);
      target = &root;
    } else if (m_stack.back()->is_array()) {
      // Safe: siblings are appended only after this container closes.
      m_stack.back()->push_back(json(type));
      target = &m_stack.back()->back();
    } else {
      *m_slot = json(type);
      target = m_slot;
    }
    m_stack.push_back(target);
    return true;
  }

  bool close() {
    if (m_skip > 0) {
      --m_skip;
      return true;
    }
    if (!m_stack.empty()) m_stack.pop_back();
    return true;
  }

  /// Whether the member `k` at depth `d` is kept; records package key lines.
  bool wanted(std::size_t d, const std::string& k) {
    if (d == 1) {
      top_lines[k] = line();
      if (k == "packages") {
        m_seen_packages = true;
        return true;
      }
      if (k == "dependencies") return !m_seen_packages;  // v2 keeps a v1 copy we never read
      return one_of(k, {"name", "version", "lockfileVersion"});
    }
    const std::string& top = m_keys[0];
    if (top == "packages") {
      if (d == 2) {
        lines[k] = line();
        return true;
      }
      return d == 3 ? is_v2_field(k) : true;
    }
    if (top == "dependencies") {
      if (d % 2 == 1) return is_v1_field(k);
      if (m_keys[d - 2] == "dependencies") lines[v1_key(m_keys, d)] = line();
      return true;
    }
    return true;
  }

  std::size_t here() const { return static_cast<std::size_t>(*m_mark - m_bytes.data()); }

  /// Line of the parser's current position; positions only move forward.
  std::uint64_t line() {
    std::size_t to = std::min(here(), m_bytes.size());
    if (to > m_counted) {
      m_line += static_cast<std::uint64_t>(std::count(m_bytes.data() + m_counted, m_bytes.data() + to, '\n'));
      m_counted = to;
    }
    return m_line;
  }

  void fail(std::size_t offset, std::string message) {
    failed = true;
    error_line = util::line_of_offset(m_bytes, offset);
    error = std::move(message);
  }

  std::string_view m_bytes;
  const char* const* m_mark;
  std::size_t m_counted = 0;
  std::uint64_t m_line = 1;
  std::vector<json*> m_stack;       // open kept containers
  std::vector<std::string> m_keys;  // m_keys[d-1]: the current key at depth d
  json* m_slot = nullptr;           // where the value of the last kept key goes
  std::size_t m_skip = 0;           // > 0: inside a dropped container (its nesting)
  bool m_drop_next = false;         // the last key was dropped: drop its value too
  bool m_seen_packages = false;
};

const json* member(const json& obj, std::string_view name) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(name);
  return it == obj.end() ? nullptr : &*it;
}

std::string_view str(const json& obj, std::string_view name) {
  const json* v = member(obj, name);
  return v != nullptr && v->is_string() ? std::string_view(v->get_ref<const std::string&>()) : std::string_view{};
}

bool flag(const json& obj, std::string_view name) {
  const json* v = member(obj, name);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

/// The package name an install path implies: what follows its last "node_modules/"
/// component ("node_modules/a/node_modules/@s/n" -> "@s/n"); empty when there is none.
std::string_view name_from_key(std::string_view key) {
  constexpr std::string_view nm = "node_modules/";
  std::size_t from = key.size();
  for (;;) {
    auto pos = key.rfind(nm, from);
    if (pos == std::string_view::npos) return {};
    if (pos == 0 || key[pos - 1] == '/') return key.substr(pos + nm.size());
    from = pos - 1;  // "foo_node_modules/": not a component
  }
}

bool has_node_modules(std::string_view key) {
  for (auto part : util::split(key, '/'))
    if (part == "node_modules") return true;
  return false;
}

std::string_view basename(std::string_view key) {
  auto slash = key.rfind('/');
  return slash == std::string_view::npos ? key : key.substr(slash + 1);
}

struct Node {
  std::string key;  ///< install path; "" = the project root
  const json* obj = nullptr;
  std::uint64_t line = 0;
};

// What the dependency maps of one node ask for, before resolution.
struct Want {
  std::string_view name;
  bool optional = false;
};

class Builder {
 public:
  Builder(const std::string& path, const LockSax& sax, ParseResult& out) : m_path(path), m_sax(sax), m_out(out) {}

  void run() {
    const json& doc = m_sax.root;
    const json* packages = member(doc, "packages");
    const json* deps = member(doc, "dependencies");
    if (packages != nullptr) {
      if (!packages->is_object()) {
        warn(top_line("packages"), "invalid \"packages\": not an object");
        return;
      }
      collect_v2(*packages);
      m_v1 = false;
    } else if (deps != nullptr) {
      if (!deps->is_object()) {
        warn(top_line("dependencies"), "invalid \"dependencies\": not an object");
        return;
      }
      collect_v1(*deps);
      m_v1 = true;
    } else if (member(doc, "lockfileVersion") == nullptr) {
      warn(1, "not an npm lockfile: no \"packages\" or \"dependencies\"");
      return;
    }
    for (std::size_t i = 0; i < m_nodes.size(); ++i) m_index.emplace(m_nodes[i].key, i);
    emit();
  }

 private:
  void warn(std::uint64_t line, std::string message) {
    m_out.diagnostics.push_back({Severity::warning, std::move(message), {m_path, line}});
  }
  std::uint64_t top_line(const std::string& k) const {
    auto it = m_sax.top_lines.find(k);
    return it == m_sax.top_lines.end() ? 0 : it->second;
  }
  std::uint64_t key_line(const std::string& k) const {
    auto it = m_sax.lines.find(k);
    return it == m_sax.lines.end() ? 0 : it->second;
  }
  void bad_entry(const std::string& key) {
    warn(key_line(key), "invalid entry \"" + util::printable(key, 200) + "\": not an object");
  }

  void collect_v2(const json& packages) {
    for (const auto& [key, value] : packages.get_ref<const json::object_t&>()) {
      if (!value.is_object()) {
        bad_entry(key);
        continue;
      }
      if (flag(value, "link")) {
        m_links.emplace(key, str(value, "resolved"));
        continue;
      }
      m_nodes.push_back({key, &value, key_line(key)});
    }
  }

  void collect_v1(const json& top) {
    // Depth-first over the nested trees without recursion (hostile nesting).
    std::vector<std::pair<std::string, const json*>> work_stack{{std::string(), &top}};
    while (!work_stack.empty()) {
      auto [prefix, deps] = std::move(work_stack.back());
      work_stack.pop_back();
      for (const auto& [name, value] : deps->get_ref<const json::object_t&>()) {
        std::string key = prefix.empty() ? "node_modules/" + name : prefix + "/node_modules/" + name;
        if (!value.is_object()) {
          bad_entry(key);
          continue;
        }
        m_nodes.push_back({key, &value, key_line(key)});
        const json* nested = member(value, "dependencies");
        if (nested != nullptr && nested->is_object()) work_stack.emplace_back(std::move(key), nested);
      }
    }
  }

  /// The package node an install path designates, following links; nullptr when the
  /// path exists but leads nowhere. `found` says whether the path exists at all.
  const Node* lookup(std::string_view key, bool& found) const {
    found = false;
    for (int hop = 0; hop < 16; ++hop) {
      if (auto it = m_index.find(key); it != m_index.end()) {
        found = true;
        return &m_nodes[it->second];
      }
      auto link = m_links.find(key);
      if (link == m_links.end()) return nullptr;
      found = true;
      key = link->second;
    }
    return nullptr;
  }

  /// Node's lookup of `dep` required from the package installed at `from`: the
  /// nearest "<dir>/node_modules/<dep>" walking up from `from` (never "node_modules/node_modules").
  const Node* resolve(std::string_view from, std::string_view dep) const {
    std::string candidate;
    std::string_view dir = from;
    for (;;) {
      auto slash = dir.rfind('/');
      if (basename(dir) != "node_modules") {
        candidate.assign(dir);
        if (!dir.empty()) candidate += '/';
        candidate += "node_modules/";
        candidate += dep;
        bool found = false;
        const Node* n = lookup(candidate, found);
        if (found) return n;  // Node stops at the first existing directory, even a broken link
      }
      if (dir.empty()) break;
      dir = slash == std::string_view::npos ? std::string_view{} : dir.substr(0, slash);
    }
    return nullptr;
  }

  static void add_wants(std::vector<Want>& wants, const json& obj, std::string_view field, bool optional) {
    const json* m = member(obj, field);
    if (m == nullptr || !m->is_object()) return;
    for (const auto& [name, spec] : m->get_ref<const json::object_t&>()) {
      (void)spec;
      if (!name.empty()) wants.push_back({name, optional});
    }
  }

  std::vector<std::string> workspace_patterns(const json& root) const {
    std::vector<std::string> out;
    const json* ws = member(root, "workspaces");
    if (ws != nullptr && ws->is_object()) ws = member(*ws, "packages");  // {"packages": [...]} form
    if (ws == nullptr || !ws->is_array()) return out;
    for (const auto& p : *ws) {
      if (!p.is_string()) continue;
      std::string_view s = p.get_ref<const std::string&>();
      while (s.substr(0, 2) == "./") s.remove_prefix(2);
      while (!s.empty() && s.back() == '/') s.remove_suffix(1);
      if (!s.empty()) out.emplace_back(s);
    }
    return out;
  }

  static bool is_workspace(std::string_view key, const std::vector<std::string>& patterns) {
    if (key.empty() || has_node_modules(key)) return false;
    for (const auto& p : patterns) {
      // glob_match matches a slash-less pattern against the last segment only.
      bool single = p.find('/') == std::string::npos;
      if (single && key.find('/') != std::string_view::npos) continue;
      if (util::glob_match(p, key)) return true;
    }
    return false;
  }

  // Builds the package of a node: identity, scope, hashes, origin.
  Entry make_entry(const Node& n, const std::unordered_map<std::string_view, std::string>& link_names) const {
    const json& o = *n.obj;
    std::string name;
    std::string version(str(o, "version"));
    std::string alias;
    std::string_view key_name = name_from_key(n.key);
    if (m_v1) {
      name = std::string(key_name);
      // An alias installs real-name under another name: "version": "npm:real-name@1.2.3".
      if (version.rfind("npm:", 0) == 0) {
        auto [real, ver] = split_name_spec(std::string_view(version).substr(4));
        if (!real.empty()) {
          alias = name;
          name = std::string(real);
          version = std::string(ver);
        }
      }
    } else {
      name = std::string(str(o, "name"));
      if (name.empty() && !key_name.empty()) name = std::string(key_name);
      if (name.empty()) {
        auto it = link_names.find(n.key);
        name = it != link_names.end() ? it->second : std::string(basename(n.key));
      }
      // "node_modules/foo" holding package bar: an npm alias (foo@npm:bar@...).
      if (!key_name.empty() && key_name != name) alias = std::string(key_name);
    }

    Entry e;
    e.package = make_npm_package(name, version);
    if (!alias.empty()) e.package.add_property("purser:npm:alias", alias);
    if (flag(o, "dev") || flag(o, "devOptional")) {
      e.package.scope = model::Scope::dev;
    } else if (flag(o, "optional") || flag(o, "peer")) {
      e.package.scope = model::Scope::optional;
    }
    if (flag(o, "peer")) e.package.add_property("purser:npm:peer", "true");
    e.package.hashes = parse_integrity(str(o, "integrity"));
    std::string_view resolved = str(o, "resolved");
    if (resolved.rfind("https://", 0) == 0 || resolved.rfind("http://", 0) == 0) {
      e.package.download_url = std::string(resolved);
    } else if (!resolved.empty()) {
      e.package.add_property("purser:npm:resolved", std::string(resolved));
    }
    if (const json* lic = member(o, "license"); lic != nullptr) {
      if (lic->is_string()) {
        e.package.license = lic->get<std::string>();
      } else if (std::string_view type = str(*lic, "type"); !type.empty()) {
        e.package.license = std::string(type);  // the pre-SPDX {"type": ...} form
      }
    }
    if (n.line > 0) e.package.locations.push_back({m_path, n.line});
    e.provides.push_back(n.key);
    return e;
  }

  void add_needs(Entry& e, const Node& n, const std::vector<Want>& wants) const {
    for (const auto& w : wants) {
      const Node* target = resolve(n.key, w.name);
      if (target != nullptr) {
        e.needs.push_back({target->key, w.optional});
      } else {
        e.needs.push_back({"node_modules/" + std::string(w.name), true});
      }
    }
  }

  static void dedupe_needs(Entry& e) {
    std::sort(e.needs.begin(), e.needs.end(), [](const Requirement& a, const Requirement& b) {
      return a.key != b.key ? a.key < b.key : a.optional < b.optional;  // required first
    });
    e.needs.erase(std::unique(e.needs.begin(), e.needs.end(),
                              [](const Requirement& a, const Requirement& b) { return a.key == b.key; }),
                  e.needs.end());
    // A package never needs itself (a self-link or a self-reference).
    e.needs.erase(std::remove_if(e.needs.begin(), e.needs.end(),
                                 [&](const Requirement& r) { return r.key == e.provides.front(); }),
                  e.needs.end());
  }

  void emit() {
    const json& doc = m_sax.root;
    // Workspace folders get their name from the link pointing at them when they lack one.
    std::unordered_map<std::string_view, std::string> link_names;
    for (const auto& [link, target] : m_links)
      if (std::string_view n = name_from_key(link); !n.empty()) {
        auto [it, inserted] = link_names.emplace(target, std::string(n));
        if (!inserted && std::string(n) < it->second) it->second = std::string(n);  // deterministic
      }

    std::vector<std::string> patterns;
    for (const auto& n : m_nodes)
      if (n.key.empty()) patterns = workspace_patterns(*n.obj);

    std::vector<std::string> workspaces;
    std::size_t first = m_out.entries.size();
    for (const auto& n : m_nodes) {
      if (n.key.empty()) continue;  // the root is built below
      Entry e = make_entry(n, link_names);
      if (e.package.name.empty()) {
        warn(n.line, "invalid entry \"" + util::printable(n.key, 200) + "\": no package name");
        continue;
      }
      std::vector<Want> wants;
      if (m_v1) {
        add_wants(wants, *n.obj, "requires", false);
      } else {
        add_wants(wants, *n.obj, "dependencies", false);
        add_wants(wants, *n.obj, "optionalDependencies", true);
        add_wants(wants, *n.obj, "peerDependencies", true);
        if (is_workspace(n.key, patterns)) {
          // A workspace is part of the project: first-party code the root depends on.
          add_wants(wants, *n.obj, "devDependencies", false);
          e.package.type = model::ComponentType::application;
          workspaces.push_back(n.key);
        }
      }
      add_needs(e, n, wants);
      dedupe_needs(e);
      m_out.entries.push_back(std::move(e));
    }

    // The project root: the "" entry (v2/v3), else the top-level name/version.
    const Node* root_node = nullptr;
    if (auto it = m_index.find(std::string_view{}); it != m_index.end()) root_node = &m_nodes[it->second];
    std::string name = root_node != nullptr ? std::string(str(*root_node->obj, "name")) : std::string();
    std::string version = root_node != nullptr ? std::string(str(*root_node->obj, "version")) : std::string();
    if (name.empty()) name = std::string(str(doc, "name"));
    if (version.empty()) version = std::string(str(doc, "version"));
    if (name.empty()) return;  // no project identity: the assembler hangs the top level off the document

    Entry root;
    root.package = make_npm_package(name, version);
    root.package.type = model::ComponentType::application;
    root.root = true;
    root.provides.push_back("");
    if (root_node != nullptr) {
      if (std::string_view lic = str(*root_node->obj, "license"); !lic.empty()) root.package.license = std::string(lic);
      if (root_node->line > 0) root.package.locations.push_back({m_path, root_node->line});
      std::vector<Want> wants;
      add_wants(wants, *root_node->obj, "dependencies", false);
      add_wants(wants, *root_node->obj, "devDependencies", false);
      add_wants(wants, *root_node->obj, "optionalDependencies", true);
      add_wants(wants, *root_node->obj, "peerDependencies", true);
      add_needs(root, *root_node, wants);
      for (auto& w : workspaces) root.needs.push_back({w, false});
    } else {
      infer_root_needs(root, first);
    }
    dedupe_needs(root);
    m_out.entries.push_back(std::move(root));
  }

  // v1 (and a v2 without a "" entry) does not say which packages the project itself
  // requires: take every package nothing else requires, then one member of each cycle
  // still unreached, so everything hangs under the project root.
  void infer_root_needs(Entry& root, std::size_t first) const {
    const auto& entries = m_out.entries;
    std::unordered_map<std::string_view, std::size_t> by_key;
    for (std::size_t i = first; i < entries.size(); ++i) by_key.emplace(entries[i].provides.front(), i);
    std::vector<std::size_t> indegree(entries.size(), 0);
    for (std::size_t i = first; i < entries.size(); ++i)
      for (const auto& r : entries[i].needs)
        if (auto it = by_key.find(r.key); it != by_key.end() && it->second != i) ++indegree[it->second];
    std::vector<std::size_t> order;
    for (std::size_t i = first; i < entries.size(); ++i)
      if (indegree[i] == 0) order.push_back(i);
    for (std::size_t i = first; i < entries.size(); ++i)
      if (indegree[i] != 0) order.push_back(i);
    std::vector<bool> reached(entries.size(), false);
    std::vector<std::size_t> work_stack;
    for (std::size_t start : order) {
      if (reached[start]) continue;
      root.needs.push_back({entries[start].provides.front(), false});
      reached[start] = true;
      work_stack.push_back(start);
      while (!work_stack.empty()) {
        std::size_t i = work_stack.back();
        work_stack.pop_back();
        for (const auto& r : entries[i].needs)
          if (auto it = by_key.find(r.key); it != by_key.end() && !reached[it->second]) {
            reached[it->second] = true;
            work_stack.push_back(it->second);
          }
      }
    }
  }

  const std::string& m_path;
  const LockSax& m_sax;
  ParseResult& m_out;
  std::vector<Node> m_nodes;
  std::unordered_map<std::string_view, std::size_t> m_index;  // views into m_nodes[i].key (filled last)
  // Link key -> target key; both view strings owned by the DOM.
  std::unordered_map<std::string_view, std::string_view> m_links;
  bool m_v1 = false;
};

std::uint64_t first_content_line(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\r' || bytes[i] == '\n')) ++i;
  return util::line_of_offset(bytes, i);
}

}  // namespace

ParseResult parse_package_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)resolver;
  ParseResult out;
  try {
    const char* mark = bytes.data();
    LockSax sax(bytes, &mark);
    CountingIterator begin(bytes.data(), &mark);
    CountingIterator end(bytes.data() + bytes.size(), &mark);
    bool ok = json::sax_parse(begin, end, &sax);
    if (!ok || sax.failed) {
      std::string message = sax.failed ? sax.error : std::string("invalid json: parse failed");
      out.diagnostics.push_back({Severity::error, std::move(message), {path, sax.failed ? sax.error_line : 1}});
      return out;
    }
    if (!sax.root.is_object()) {
      out.diagnostics.push_back({Severity::warning,
                                 "not an npm lockfile: top-level value is not an object",
                                 {path, first_content_line(bytes)}});
      return out;
    }
    Builder(path, sax, out).run();
  } catch (const std::exception& ex) {
    // Only allocation failures can get here; keep the entry point non-throwing.
    out.entries.clear();
    out.diagnostics.push_back({Severity::error, std::string("cannot parse: ") + ex.what(), {path}});
  }
  return out;
}

const Cataloger& package_lock_cataloger() {
  static const Cataloger c{"npm-package-lock",
                           "npm",
                           {"source", "lockfile"},
                           {"package-lock.json", "npm-shrinkwrap.json"},
                           "npm package-lock.json / npm-shrinkwrap.json, lockfile v1-v3",
                           &parse_package_lock};
  return c;
}

}  // namespace purser::catalog::npm
