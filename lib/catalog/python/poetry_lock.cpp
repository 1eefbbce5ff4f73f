#include "lib/catalog/python/poetry_lock.hpp"

#include <toml++/toml.h>
#include <optional>
#include <set>
#include <utility>

#include "lib/catalog/python/python_common.hpp"
#include "lib/catalog/python/requirements.hpp"
#include "lib/catalog/toml_util.hpp"
#include "lib/source/source.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::python {

namespace {

void warn(ParseResult& out, util::Location loc, std::string message) {
  out.diagnostics.push_back({util::Severity::warning, std::move(message), std::move(loc)});
}

std::uint64_t line_of(const toml::node& node) { return node.source().begin.line; }

// A poetry dependency value is a constraint string, a table ({version, optional, markers,
// extras, ...}) or an array of such tables (multiple-constraint dependencies). It may be
// left out of an install when it is optional (an extra) or guarded by environment markers.
bool dependency_may_be_excluded(const toml::node& value) {
  if (const auto* t = value.as_table())
    return t->get("markers") != nullptr || t->get("python") != nullptr || t->get("platform") != nullptr ||
           (*t)["optional"].value_or(false);
  return value.is_array();
}

// Poetry's [package.source]: git/url/file/directory/legacy (a private index).
void read_source(const toml::table& src, model::Package& p) {
  std::string type = src["type"].value_or(std::string());
  std::string url = src["url"].value_or(std::string());
  if (url.empty()) return;
  if (type == "git") {
    std::string ref = src["resolved_reference"].value_or(src["reference"].value_or(std::string()));
    p.add_property("purser:pypi:source", "git+" + url + (ref.empty() ? "" : "@" + ref));
  } else if (type == "url") {
    p.download_url = url;
  } else if (type == "legacy") {
    p.add_property("purser:pypi:index", url);
  } else if (!type.empty()) {
    p.add_property("purser:pypi:source", type + ":" + url);
  }
}

Entry read_package(const toml::table& t, const std::string& name, const std::string& path, std::uint64_t line) {
  Entry e;
  e.package = make_pypi_package(name, t["version"].value_or(std::string()));
  e.package.locations.push_back({path, line});
  e.provides.push_back(pypi_key(name));

  // Scope: poetry < 1.5 writes category = "main"/"dev"; lock 2.1 lists the groups that
  // need the package (a package needed by no "main" group is development-only).
  bool dev = t["category"].value_or(std::string()) == "dev";
  if (const auto* groups = t["groups"].as_array(); groups && !groups->empty()) {
    bool main = false;
    for (const auto& g : *groups) main = main || g.value_or(std::string()) == "main";
    dev = dev || !main;
  }
  if (dev)
    e.package.scope = model::Scope::dev;
  else if (t["optional"].value_or(false))
    e.package.scope = model::Scope::optional;

  if (auto markers = t["markers"].value<std::string>(); markers && !markers->empty())
    e.package.add_property("purser:pypi:markers", *markers);
  if (const auto* src = t["source"].as_table()) read_source(*src, e.package);

  // `files` lists every distribution of the release (each wheel and the sdist) with its own
  // digest; none of them alone is "the" component, so a digest is attached only when the
  // release has exactly one file.
  if (const auto* files = t["files"].as_array(); files && files->size() == 1) {
    if (const auto* f = files->get(0)->as_table())
      if (auto h = parse_pip_hash((*f)["hash"].value_or(std::string()))) e.package.hashes.push_back(std::move(*h));
  }

  if (const auto* deps = t["dependencies"].as_table()) {
    for (const auto& [dep_name, value] : *deps)
      e.needs.push_back({pypi_key(dep_name.str()), dependency_may_be_excluded(value)});
  }
  return e;
}

void add_need(Entry& e, std::set<std::string>& seen, std::string_view name, bool optional) {
  std::string key = pypi_key(name);
  if (key.empty() || key == "python" || !seen.insert(key).second) return;
  e.needs.push_back({std::move(key), optional});
}

// PEP 508 strings from [project] dependencies / optional-dependencies / [dependency-groups].
void add_pep508_needs(Entry& e, std::set<std::string>& seen, const toml::array* list, bool optional) {
  if (list == nullptr) return;
  for (const auto& item : *list) {
    auto text = item.value<std::string>();
    if (!text) continue;  // {include-group = ...} tables (PEP 735) name other groups, not packages
    Pep508 r;
    std::string why;
    if (parse_pep508(*text, r, why)) add_need(e, seen, r.name, optional || !r.markers.empty());
  }
}

void add_poetry_table_needs(Entry& e, std::set<std::string>& seen, const toml::table* deps) {
  if (deps == nullptr) return;
  for (const auto& [name, value] : *deps) add_need(e, seen, name.str(), dependency_may_be_excluded(value));
}

// poetry.lock has no entry for the project itself; pyproject.toml beside it names it and its
// direct dependencies ([project] per PEP 621, or the older [tool.poetry] tables).
void read_root(const std::string& lock_path, const FileResolver& resolver, ParseResult& out) {
  auto bytes = resolver.read_relative(lock_path, "pyproject.toml");
  if (!bytes.ok()) return;
  std::string path = source::join_relative(lock_path, "pyproject.toml");
  auto doc = parse_toml(*bytes, path, out);
  if (!doc) return;
  const toml::table* project = (*doc)["project"].as_table();
  const toml::table* poetry = (*doc)["tool"]["poetry"].as_table();
  const toml::node* name_node = project ? project->get("name") : nullptr;
  if (name_node == nullptr || !name_node->is_string()) name_node = poetry ? poetry->get("name") : nullptr;
  if (name_node == nullptr || !name_node->is_string() || name_node->value_or(std::string()).empty()) return;
  std::string version;
  if (project) version = (*project)["version"].value_or(std::string());
  if (version.empty() && poetry) version = (*poetry)["version"].value_or(std::string());

  Entry root;
  root.root = true;
  root.package = make_pypi_package(name_node->value_or(std::string()), version);
  root.package.type = model::ComponentType::application;
  root.package.locations.push_back({path, line_of(*name_node)});
  std::set<std::string> seen;
  if (project) {
    add_pep508_needs(root, seen, (*project)["dependencies"].as_array(), false);
    if (const auto* extras = (*project)["optional-dependencies"].as_table())
      for (const auto& [extra, list] : *extras) add_pep508_needs(root, seen, list.as_array(), true);
  }
  if (poetry) {
    add_poetry_table_needs(root, seen, (*poetry)["dependencies"].as_table());
    add_poetry_table_needs(root, seen, (*poetry)["dev-dependencies"].as_table());
    if (const auto* groups = (*poetry)["group"].as_table())
      for (const auto& [group, body] : *groups)
        if (const auto* g = body.as_table()) add_poetry_table_needs(root, seen, (*g)["dependencies"].as_table());
  }
  if (const auto* groups = (*doc)["dependency-groups"].as_table())
    for (const auto& [group, list] : *groups) add_pep508_needs(root, seen, list.as_array(), false);
  out.entries.push_back(std::move(root));
}

void parse_impl(std::string_view bytes, const std::string& path, const FileResolver& resolver, ParseResult& out) {
  auto doc = parse_toml(bytes, path, out);
  if (!doc) return;
  const toml::node* packages = doc->get("package");
  if (packages == nullptr) {
    if (doc->get("metadata") == nullptr)
      out.diagnostics.push_back({util::Severity::error, "invalid poetry.lock: no [[package]] or [metadata]", {path}});
    read_root(path, resolver, out);
    return;
  }
  const toml::array* list = packages->as_array();
  if (list == nullptr) {
    warn(out, {path, line_of(*packages)}, "invalid poetry.lock: 'package' is not an array of tables");
    return;
  }
  for_each_named_table(*list, path, out, [&](const toml::table& t, const std::string& name, std::uint64_t line) {
    out.entries.push_back(read_package(t, name, path, line));
  });
  read_root(path, resolver, out);
}

}  // namespace

ParseResult parse_poetry_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    parse_impl(bytes, path, resolver, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid poetry.lock: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& poetry_lock_cataloger() {
  static const Cataloger c{"python-poetry-lock",
                           "python",
                           {"source", "lockfile"},
                           {"poetry.lock"},
                           "poetry.lock (with the project root from pyproject.toml when present)",
                           &parse_poetry_lock};
  return c;
}

}  // namespace purser::catalog::python
