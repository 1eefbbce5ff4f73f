#include "lib/catalog/npm/pnpm_lock.hpp"

// pnpm-lock.yaml, read with the shared lockfile YAML reader (lib/catalog/yaml_subset):
// pnpm writes block YAML with flow maps for `resolution`, quoted keys, `|-` block scalars
// for long `deprecated` texts, and no anchors (js-yaml with noRefs). yaml-cpp 0.7 read it at
// ~3 MB/s (vite's 495 KB lockfile: ~85 ms); the subset reader is far faster.
// pnpm 11+ may write two YAML documents: an "env" document (configDependencies,
// packageManagerDependencies and their packages) before the project lockfile. Every
// document is read; importers with the same path are one root, and the env document's
// dependencies count as dev (tooling, not shipped).
// Layouts (pnpm's lockfile format, by `lockfileVersion`):
//  5.x  packages keyed "/name/1.2.3_peer@1", importer deps map name -> version;
//  6.x  packages keyed "/name@1.2.3(peer@1)", importer deps {specifier, version};
//  9.x  packages keyed "name@1.2.3" (metadata), snapshots keyed "name@1.2.3(peer@1)"
//       (dependency graph); no `dev` flags, so dev-only is derived from importers.
// One Entry per name@version; every key variant (peer suffixes) is one of its provides.
// Importers (".", workspace paths) are application roots providing "importer:<path>",
// which `link:` versions name. An importer is named by its own package.json ("name" and
// "version", read through the resolver); two importers whose package.json agree on
// name@version are one package and merge. Without a readable package.json that has a
// string "name", the root is named after the lockfile's directory and a workspace importer
// after its path ("packages/a/test"): unique, where the directory's base name is not. A
// malformed package.json is not this cataloger's artifact and only means the fallback name,
// so it is not reported. Every importer carries purser:npm:importer=<path>.

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lib/catalog/npm/npm_common.hpp"
#include "lib/catalog/yaml_subset.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::npm {
namespace {

constexpr std::size_t k_max_diagnostics = 10;

using yaml::Ref;

std::string_view scalar(const Ref& n) { return n.scalar(); }

// "a/./b/../c" joined onto `base` -> "a/c"; "." for the lockfile's own directory.
std::string join_path(std::string_view base, std::string_view rel) {
  std::vector<std::string_view> parts;
  auto push = [&](std::string_view s) {
    for (auto p : util::split(s, '/')) {
      if (p.empty() || p == ".") continue;
      if (p == ".." && !parts.empty() && parts.back() != "..")
        parts.pop_back();
      else
        parts.push_back(p);
    }
  };
  if (!rel.starts_with('/')) push(base);
  push(rel);
  std::string out;
  for (auto p : parts) {
    if (!out.empty()) out += '/';
    out += p;
  }
  return out.empty() ? "." : out;
}

std::string_view basename(std::string_view p) {
  while (!p.empty() && p.back() == '/') p.remove_suffix(1);
  auto slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

class Parser {
 public:
  Parser(const std::string& path, const FileResolver& resolver, ParseResult& out)
      : m_path(path), m_resolver(resolver), m_out(out) {}

  // All documents of the stream; the env document of pnpm 11+ (anything before the last
  // document) contributes its packages, needed as dev tooling.
  void run(const std::vector<Ref>& documents) {
    if (documents.empty()) {  // a stream of only markers, e.g. "..." (found by the fuzzer)
      diag(1, "invalid pnpm-lock.yaml: empty document");
      return;
    }
    std::size_t last = documents.size() - 1;
    while (last > 0 && documents[last].is_null()) --last;  // a trailing "---" or "..."
    for (std::size_t i = 0; i <= last; ++i) {
      if (i < last && documents[i].is_null()) continue;
      m_env = i < last;
      run_document(documents[i]);
    }
    if (m_any_v9) assign_scopes();
  }

  void run_document(const Ref& root) {
    if (!root.is_map()) {
      diag(root.line(), root.is_null() ? "invalid pnpm-lock.yaml: empty document"
                                       : "invalid pnpm-lock.yaml: top level is not a mapping");
      return;
    }
    auto version_node = root.get("lockfileVersion");
    std::string_view version = scalar(version_node);
    if (version.empty()) {
      diag(1, "invalid pnpm-lock.yaml: no lockfileVersion");
      m_major = root.get("snapshots").defined() ? 9 : 6;
    } else {
      m_major = 0;
      for (char c : version) {
        if (c < '0' || c > '9') break;
        m_major = m_major * 10 + (c - '0');
        if (m_major > 1000) break;
      }
      if (m_major < 5) {
        diag(version_node.line(),
             "unsupported pnpm-lock.yaml: lockfileVersion " + util::printable(version) + ", reading it as 5.x");
        m_major = 5;
      }
    }

    if (auto importers = root.get("importers"); importers.is_map()) {
      for (std::size_t i = 0; i < importers.size(); ++i) {
        std::string_view dir = scalar(importers.key(i));
        if (dir.empty()) continue;
        add_importer(dir, importers.value(i), importers.key(i).line());
      }
    } else {
      add_importer(".", root, 1);  // single-project lockfile: dependencies at the top level
    }

    if (auto packages = root.get("packages"); packages.is_map()) {
      for (std::size_t i = 0; i < packages.size(); ++i) add_package(packages.key(i), packages.value(i), m_major < 9);
    }
    if (m_major >= 9) {
      if (auto snapshots = root.get("snapshots"); snapshots.is_map()) {
        for (std::size_t i = 0; i < snapshots.size(); ++i) add_package(snapshots.key(i), snapshots.value(i), true);
      }
      m_any_v9 = true;
    }
  }

  void diag(std::uint64_t line, std::string message) {
    if (m_diagnostics < k_max_diagnostics)
      m_out.diagnostics.push_back({util::Severity::warning, std::move(message), {m_path, line}});
    ++m_diagnostics;
  }

  void finish() {
    if (m_diagnostics > k_max_diagnostics)
      m_out.diagnostics.push_back({util::Severity::warning,
                                   "invalid pnpm-lock.yaml: " + std::to_string(m_diagnostics - k_max_diagnostics) +
                                       " further problems not shown",
                                   {m_path}});
  }

 private:
  // The fields read from a package, snapshot, importer or resolution map, collected in one
  // pass over its keys.
  struct Fields {
    Ref dependencies, optional_dependencies, dev_dependencies, config_dependencies, package_manager_dependencies,
        resolution, name, version, dev, optional, integrity, tarball;
  };

  static Fields read_fields(const Ref& map) {
    Fields f;
    if (!map.is_map()) return f;
    for (std::size_t i = 0; i < map.size(); ++i) {
      Ref key = map.key(i);
      if (!key.is_scalar()) continue;
      std::string_view k = key.scalar();
      Ref* slot = k == "dependencies"                 ? &f.dependencies
                  : k == "optionalDependencies"       ? &f.optional_dependencies
                  : k == "devDependencies"            ? &f.dev_dependencies
                  : k == "resolution"                 ? &f.resolution
                  : k == "name"                       ? &f.name
                  : k == "version"                    ? &f.version
                  : k == "dev"                        ? &f.dev
                  : k == "optional"                   ? &f.optional
                  : k == "integrity"                  ? &f.integrity
                  : k == "tarball"                    ? &f.tarball
                  : k == "configDependencies"         ? &f.config_dependencies
                  : k == "packageManagerDependencies" ? &f.package_manager_dependencies
                                                      : nullptr;
      if (slot != nullptr && !slot->defined()) *slot = map.value(i);
    }
    return f;
  }

  // The lockfile's key for a package, without v5/v6's leading '/' and with v5's
  // "name/1.2.3" turned into "name@1.2.3".
  std::string canonical_key(std::string_view key) const {
    if (m_major >= 9 || !key.starts_with('/')) return std::string(key);
    key.remove_prefix(1);
    if (m_major >= 6) return std::string(key);
    auto under = key.find('_');
    auto slash = key.substr(0, under).rfind('/');
    if (slash == std::string_view::npos || slash == 0) return std::string(key);
    return std::string(key.substr(0, slash)) + "@" + std::string(key.substr(slash + 1));
  }

  // The key a dependency `name: version` refers to.
  std::string dep_key(std::string_view name, std::string_view version, std::string_view importer_dir) const {
    if (version.starts_with("link:")) return "importer:" + join_path(importer_dir, version.substr(5));
    std::string_view bare = version.substr(0, version.find('('));
    if (m_major >= 9) {
      // "1.2.3(peer@1)" -> name@..., but aliases and named file deps carry their own name:
      // "string-width@4.2.3", "@scope/x@file:dir".
      if (bare.find('@', 1) != std::string_view::npos) return std::string(version);
      return std::string(name) + "@" + std::string(version);
    }
    if (version.starts_with('/')) return canonical_key(version);
    if (m_major < 6) bare = bare.substr(0, bare.find('_'));
    if (bare.find(':') != std::string_view::npos || bare.find('/') != std::string_view::npos)
      return std::string(version);  // "file:packages/x", "github.com/o/r/sha": the key itself
    return std::string(name) + "@" + std::string(version);
  }

  void add_needs(std::size_t index, const Ref& deps, bool optional, bool dev, std::string_view dir) {
    if (!deps.is_map()) return;
    for (std::size_t i = 0; i < deps.size(); ++i) {
      std::string_view name = scalar(deps.key(i));
      // importers since v6: {specifier, version}; packages and v5 importers: a bare version.
      Ref value = deps.value(i);
      std::string_view version = value.is_map() ? scalar(value.get("version")) : scalar(value);
      if (name.empty() || version.empty()) {
        diag(deps.key(i).line(), "invalid pnpm-lock.yaml: dependency without a name or version");
        continue;
      }
      m_out.entries[index].needs.push_back({dep_key(name, version, dir), optional});
      m_need_dev[index].push_back(dev);
    }
  }

  void add_importer(std::string_view dir, const Ref& node, std::uint64_t line) {
    std::string normalized = join_path(".", dir);
    Fields f = read_fields(node);
    if (auto found = m_importers.find(normalized); found != m_importers.end()) {
      // The same project in a second document (pnpm 11+ env lockfile): one root.
      add_importer_needs(found->second, f, normalized);
      return;
    }
    auto [name, version] = manifest_name(normalized);
    if (name.empty() && normalized == ".") {
      // The lockfile's directory names the root project.
      auto slash = m_path.rfind('/');
      if (slash != std::string::npos) name = std::string(basename(join_path(".", m_path.substr(0, slash))));
      if (name.empty() || name == "." || name == "..") name = "root";
    } else if (name.empty()) {
      name = normalized;  // base names repeat across a workspace ("packages/a/test", "packages/b/test")
    }
    Entry e;
    e.package = make_npm_package(name, version);
    e.package.type = model::ComponentType::application;
    e.package.add_property("purser:npm:importer", normalized);
    if (normalized != ".") e.package.add_property("purser:npm:workspace", normalized);
    e.package.locations.push_back({m_path, line});
    e.root = true;
    e.provides.push_back("importer:" + normalized);
    m_out.entries.push_back(std::move(e));
    m_need_dev.emplace_back();
    std::size_t index = m_out.entries.size() - 1;
    m_importers.emplace(normalized, index);
    add_importer_needs(index, f, normalized);
  }

  // "name" and "version" of the importer's package.json; an empty name when it is missing,
  // unreadable, malformed or has no string "name".
  std::pair<std::string, std::string> manifest_name(const std::string& dir) const {
    auto bytes = m_resolver.read_relative(m_path, dir == "." ? std::string("package.json") : dir + "/package.json");
    if (!bytes.ok()) return {};
    // Only the top-level "name" and "version" are kept; everything else is dropped while parsing.
    auto keep = [](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
      return event != nlohmann::json::parse_event_t::key || depth != 1 || parsed == "name" || parsed == "version";
    };
    auto json = nlohmann::json::parse(*bytes, keep, /*allow_exceptions=*/false);
    if (!json.is_object()) return {};
    auto field = [&](const char* key) {
      auto it = json.find(key);
      return it != json.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    std::string name = field("name");
    if (name.empty()) return {};
    return {name, field("version")};
  }

  void add_importer_needs(std::size_t index, const Fields& f, const std::string& dir) {
    add_needs(index, f.dependencies, false, m_env, dir);
    add_needs(index, f.optional_dependencies, true, m_env, dir);
    add_needs(index, f.dev_dependencies, false, true, dir);
    add_needs(index, f.config_dependencies, false, true, dir);
    add_needs(index, f.package_manager_dependencies, false, true, dir);
  }

  // One `packages:` (or v9 `snapshots:`) item: finds or creates the name@version entry.
  void add_package(const Ref& key_node, const Ref& node, bool with_graph) {
    std::string_view key = scalar(key_node);
    std::uint64_t line = key_node.line();
    if (key.empty()) {
      diag(line, "invalid pnpm-lock.yaml: package key is not a string");
      return;
    }
    std::string canonical = canonical_key(key);
    auto [spec_name, spec_version] = split_name_spec(canonical);
    std::string name(spec_name);
    std::string version(spec_version.substr(0, spec_version.find('(')));
    if (m_major < 6) version = version.substr(0, version.find('_'));
    Fields f = read_fields(node);
    if (auto n = scalar(f.name); !n.empty()) name = n;  // v5/v6 non-registry keys
    if (auto v = scalar(f.version); !v.empty()) version = v;
    std::string resolved;
    if (version.find(':') != std::string::npos || version.find('/') != std::string::npos) {
      resolved = version;  // file:dir, tarball URL: not a version
      version.clear();
    }
    if (name.empty() || (version.empty() && resolved.empty())) {
      diag(line, "invalid pnpm-lock.yaml: cannot read name@version from package key: " + util::printable(key));
      return;
    }

    // v9 snapshots find their `packages:` entry by the key without its peer suffix (its
    // metadata may have renamed or re-versioned it); otherwise group by name@version.
    std::string base = canonical.substr(0, canonical.find('('));
    std::string label = name + "@" + (version.empty() ? resolved : version);
    auto found = m_by_key.find(base);
    auto [it, inserted] =
        found != m_by_key.end() ? std::pair{found, false} : m_by_label.emplace(label, m_out.entries.size());
    m_by_key.emplace(base, it->second);
    if (inserted) {
      Entry e;
      e.package = make_npm_package(name, version);
      e.package.locations.push_back({m_path, line});
      if (!resolved.empty()) e.package.add_property("purser:npm:resolved", resolved);
      if (m_major < 9) e.package.scope = model::Scope::dev;  // lowered below to the most shipped variant
      m_out.entries.push_back(std::move(e));
      m_need_dev.emplace_back();
    }
    std::size_t index = it->second;
    Entry& e = m_out.entries[index];
    if (std::find(e.provides.begin(), e.provides.end(), canonical) == e.provides.end()) e.provides.push_back(canonical);

    if (f.resolution.is_map()) {
      Fields r = read_fields(f.resolution);
      if (e.package.hashes.empty()) e.package.hashes = parse_integrity(scalar(r.integrity));
      auto tarball = scalar(r.tarball);
      if (e.package.download_url.empty() && (tarball.starts_with("https://") || tarball.starts_with("http://")))
        e.package.download_url = std::string(tarball);
    }
    if (m_major < 9) {
      // v5/v6: `dev: true` only devDependencies need it, `dev: false` only prod, absent both.
      model::Scope scope = model::Scope::required;
      if (scalar(f.dev) == "true")
        scope = model::Scope::dev;
      else if (scalar(f.optional) == "true")
        scope = model::Scope::optional;
      auto rank = [](model::Scope s) { return s == model::Scope::required ? 0 : s == model::Scope::optional ? 1 : 2; };
      if (rank(scope) < rank(e.package.scope)) e.package.scope = scope;
    }
    if (with_graph) {
      add_needs(index, f.dependencies, false, false, ".");
      add_needs(index, f.optional_dependencies, true, false, ".");
    }
  }

  // v9 has no dev flags: a package is required when an importer's dependencies reach it
  // through required edges, optional when only optionalDependencies (or optional edges) do,
  // dev when only devDependencies do.
  void assign_scopes() {
    auto& entries = m_out.entries;
    std::unordered_map<std::string_view, std::size_t> provider;
    for (std::size_t i = 0; i < entries.size(); ++i)
      for (const auto& key : entries[i].provides) provider.emplace(key, i);
    auto reach = [&](bool through_optional, bool through_dev) {
      std::vector<char> seen(entries.size(), 0);
      std::deque<std::size_t> queue;
      auto visit = [&](std::size_t from, bool seed) {
        const auto& needs = entries[from].needs;
        for (std::size_t k = 0; k < needs.size(); ++k) {
          if (needs[k].optional && !through_optional) continue;
          if (seed && m_need_dev[from][k] && !through_dev) continue;
          auto it = provider.find(needs[k].key);
          if (it == provider.end() || seen[it->second] || entries[it->second].root) continue;
          seen[it->second] = 1;
          queue.push_back(it->second);
        }
      };
      for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].root) visit(i, true);
      while (!queue.empty()) {
        auto i = queue.front();
        queue.pop_front();
        visit(i, false);
      }
      return seen;
    };
    auto required = reach(false, false);
    auto optional = reach(true, false);
    auto any = reach(true, true);
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].root || required[i]) continue;
      if (optional[i])
        entries[i].package.scope = model::Scope::optional;
      else if (any[i])
        entries[i].package.scope = model::Scope::dev;
    }
  }

  const std::string& m_path;
  const FileResolver& m_resolver;
  ParseResult& m_out;
  int m_major = 9;
  bool m_env = false;     // reading an env document (not the last one)
  bool m_any_v9 = false;  // some document is v9: scopes come from reachability
  std::size_t m_diagnostics = 0;
  std::unordered_map<std::string, std::size_t> m_by_label;   // "name@version" -> entry index
  std::unordered_map<std::string, std::size_t> m_by_key;     // package key sans peers -> entry index
  std::unordered_map<std::string, std::size_t> m_importers;  // normalized importer dir -> entry index
  std::vector<std::vector<char>> m_need_dev;                 // per entry, parallel to needs
};

}  // namespace

ParseResult parse_pnpm_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  if (!util::looks_like_text(bytes)) {
    out.diagnostics.push_back({util::Severity::error, "invalid pnpm-lock.yaml: not a text file", {path}});
    return out;
  }
  // The tree has no aliases (the reader rejects them), so walking it is linear in its size.
  Parser parser(path, resolver, out);
  try {
    auto doc = yaml::Document::parse(bytes);
    if (doc.ok())
      parser.run(doc->documents());
    else
      parser.diag(doc.error().location.line, "invalid pnpm-lock.yaml: " + doc.error().message);
  } catch (const std::exception& e) {
    parser.diag(0, std::string("invalid pnpm-lock.yaml: ") + e.what());
  }
  parser.finish();
  return out;
}

const Cataloger& pnpm_lock_cataloger() {
  static const Cataloger c{
      "npm-pnpm-lock", "npm", {"source", "lockfile"}, {"pnpm-lock.yaml"}, "pnpm-lock.yaml v5, v6 and v9",
      &parse_pnpm_lock};
  return c;
}

}  // namespace purser::catalog::npm
