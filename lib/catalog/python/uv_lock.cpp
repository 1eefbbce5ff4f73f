#include "lib/catalog/python/uv_lock.hpp"

#include <toml++/toml.h>
#include <deque>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "lib/catalog/python/python_common.hpp"
#include "lib/catalog/toml_util.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::python {

namespace {

void warn(ParseResult& out, util::Location loc, std::string message) {
  out.diagnostics.push_back({util::Severity::warning, std::move(message), std::move(loc)});
}

std::uint64_t line_of(const toml::node& node) { return node.source().begin.line; }

// A package may be locked at several versions (one per resolution-marker fork). uv then
// names the version in every dependency on it, so "name@version" keys resolve exactly;
// a bare name resolves to the first entry of that name in the file.
std::string versioned_key(std::string_view name, std::string_view version) {
  return pypi_key(name) + "@" + std::string(version);
}

// Dependencies of one package, by kind; used for the needs and for scope reachability.
struct Deps {
  std::vector<std::string> main;      ///< [package] dependencies
  std::vector<std::string> optional;  ///< [package.optional-dependencies] (extras)
  std::vector<std::string> dev;       ///< [package.dev-dependencies] (dependency groups)
};

// Reads `[{ name, version?, marker?, extra? }, ...]` into needs and keys.
void read_dep_list(const toml::array* list, bool optional, Entry& e, std::vector<std::string>& keys) {
  if (list == nullptr) return;
  for (const auto& item : *list) {
    const auto* d = item.as_table();
    if (d == nullptr) continue;
    auto name = (*d)["name"].value<std::string>();
    if (!name || name->empty()) continue;
    auto version = (*d)["version"].value<std::string>();
    std::string key = version && !version->empty() ? versioned_key(*name, *version) : pypi_key(*name);
    // A marker-guarded dependency is left out on other platforms: it may legitimately be missing.
    e.needs.push_back({key, optional || d->get("marker") != nullptr});
    keys.push_back(std::move(key));
  }
}

void read_dep_groups(const toml::table* groups, bool optional, Entry& e, std::vector<std::string>& keys) {
  if (groups == nullptr) return;
  for (const auto& [group, list] : *groups) read_dep_list(list.as_array(), optional, e, keys);
}

// uv's `source`: registry / git / url / path / directory / editable / virtual. Local
// sources ("editable", "virtual", "path", "directory") are returned as `kind:where`.
std::string read_source(const toml::table& src, model::Package& p) {
  if (auto git = src["git"].value<std::string>()) {
    p.add_property("purser:pypi:source", "git+" + *git);
  } else if (auto url = src["url"].value<std::string>()) {
    p.download_url = *url;
  } else {
    for (const char* kind : {"editable", "virtual", "path", "directory"})
      if (auto where = src[kind].value<std::string>()) return std::string(kind) + ":" + *where;
  }
  return {};
}

void read_artifact(const toml::table& t, model::Package& p) {
  // The sdist is THE source artifact of a release; wheels are per-platform builds, so a
  // wheel digest is used only when the release has exactly one distribution file.
  const toml::table* artifact = t["sdist"].as_table();
  if (artifact == nullptr) {
    if (const auto* wheels = t["wheels"].as_array(); wheels && wheels->size() == 1)
      artifact = wheels->get(0)->as_table();
  }
  if (artifact == nullptr) return;
  if (auto h = parse_pip_hash((*artifact)["hash"].value_or(std::string()))) p.hashes.push_back(std::move(*h));
  if (p.download_url.empty()) p.download_url = (*artifact)["url"].value_or(std::string());
}

// Scope by reachability from the project roots: what their dependencies reach is required,
// what only their extras add is optional, what only their dev groups add is dev. Extras of
// non-root packages are followed as ordinary dependencies (something in the lock asked for them).
void assign_scopes(std::vector<Entry>& entries, const std::vector<Deps>& deps) {
  std::unordered_map<std::string, std::size_t> provider;
  for (std::size_t i = 0; i < entries.size(); ++i)
    for (const auto& k : entries[i].provides) provider.emplace(k, i);
  std::vector<int> level(entries.size(), -1);
  auto walk = [&](const std::vector<std::size_t>& seeds, int lvl) {
    std::deque<std::size_t> queue;
    for (auto s : seeds)
      if (level[s] < 0) level[s] = lvl, queue.push_back(s);
    while (!queue.empty()) {
      std::size_t j = queue.front();
      queue.pop_front();
      auto follow = [&](const std::vector<std::string>& keys) {
        for (const auto& k : keys) {
          auto it = provider.find(k);
          if (it != provider.end() && level[it->second] < 0) level[it->second] = lvl, queue.push_back(it->second);
        }
      };
      follow(deps[j].main);
      if (!entries[j].root) follow(deps[j].optional);
    }
  };
  auto seeds_of = [&](auto member) {
    std::vector<std::size_t> seeds;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!entries[i].root) continue;
      for (const auto& k : deps[i].*member)
        if (auto it = provider.find(k); it != provider.end()) seeds.push_back(it->second);
    }
    return seeds;
  };
  std::vector<std::size_t> roots;
  for (std::size_t i = 0; i < entries.size(); ++i)
    if (entries[i].root) roots.push_back(i);
  if (roots.empty()) return;
  walk(roots, 0);
  walk(seeds_of(&Deps::optional), 1);
  walk(seeds_of(&Deps::dev), 2);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (level[i] == 1) entries[i].package.scope = model::Scope::optional;
    if (level[i] == 2) entries[i].package.scope = model::Scope::dev;
  }
}

void parse_impl(std::string_view bytes, const std::string& path, ParseResult& out) {
  auto doc = parse_toml(bytes, path, out);
  if (!doc) return;
  if (const auto* v = doc->get("version")) {
    const auto* n = v->as_integer();  // value<int64_t>() converts floats with UB
    if (n == nullptr || n->get() != 1)
      warn(out, {path, line_of(*v)}, "unsupported uv.lock version: reading it as version 1");
  }
  std::set<std::string> members;  // workspace members ([manifest] members) are roots too
  if (const auto* list = (*doc)["manifest"]["members"].as_array())
    for (const auto& m : *list)
      if (auto s = m.value<std::string>()) members.insert(pypi_key(*s));

  const toml::node* packages = doc->get("package");
  if (packages == nullptr) {
    if (doc->get("version") == nullptr)
      out.diagnostics.push_back({util::Severity::error, "invalid uv.lock: no version or [[package]]", {path}});
    return;
  }
  const toml::array* list = packages->as_array();
  if (list == nullptr) {
    warn(out, {path, line_of(*packages)}, "invalid uv.lock: 'package' is not an array of tables");
    return;
  }
  std::vector<Deps> deps;
  for_each_named_table(*list, path, out, [&](const toml::table& tbl, const std::string& pkg_name, std::uint64_t line) {
    const toml::table* t = &tbl;
    const std::string* name = &pkg_name;
    std::string version = (*t)["version"].value_or(std::string());
    Entry e;
    e.package = make_pypi_package(*name, version);
    e.package.locations.push_back({path, line});
    e.provides.push_back(pypi_key(*name));
    if (!version.empty()) e.provides.push_back(versioned_key(*name, version));
    std::string local;
    if (const auto* src = (*t)["source"].as_table()) local = read_source(*src, e.package);
    // The project is the package at "." (editable or virtual); workspace members are the
    // other local packages [manifest] lists. Both are roots of this artifact.
    bool project = local == "editable:." || local == "virtual:.";
    bool member = !local.empty() && members.count(pypi_key(*name));
    if (project || member) {
      e.root = true;
      e.package.type = model::ComponentType::application;
    } else if (!local.empty()) {
      e.package.add_property("purser:pypi:source", local);
    }
    read_artifact(*t, e.package);
    Deps d;
    read_dep_list((*t)["dependencies"].as_array(), false, e, d.main);
    read_dep_groups((*t)["optional-dependencies"].as_table(), true, e, d.optional);
    read_dep_groups((*t)["dev-dependencies"].as_table(), false, e, d.dev);
    out.entries.push_back(std::move(e));
    deps.push_back(std::move(d));
  });
  assign_scopes(out.entries, deps);
}

}  // namespace

ParseResult parse_uv_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)resolver;  // uv.lock is self-contained: the project and its workspace members are entries
  ParseResult out;
  try {
    parse_impl(bytes, path, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid uv.lock: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& uv_lock_cataloger() {
  static const Cataloger c{"python-uv-lock", "python", {"source", "lockfile"}, {"uv.lock"}, "uv.lock", &parse_uv_lock};
  return c;
}

}  // namespace purser::catalog::python
