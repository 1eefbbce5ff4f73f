#include "lib/catalog/npm/installed.hpp"

// Packages installed in node_modules trees (what npm, yarn's node-modules linker, pnpm and bun leave on disk), one
// package.json per package (docs.npmjs.com/cli/configuring-npm/package-json).
//
// Package roots only: "<...>/node_modules/<name>/package.json" and "<...>/node_modules/@scope/<name>/package.json",
// where everything after the first node_modules alternates package directories and their own node_modules
// (pnpm's virtual store "node_modules/.pnpm/<id>/node_modules/..." counts as one). Other package.json files under a
// package ("x/lib/package.json" marking a module type, "x/test/fixtures/node_modules/y/package.json") are not
// installed packages and are skipped. The project's own package.json above the top node_modules is not a package
// of this cataloger either.
//
// Edges follow Node's module resolution (nodejs.org/api/modules.html, "Loading from node_modules folders"): a
// dependency D of the package in directory P is the first of P/node_modules/D, then DIR/node_modules/D for each
// ancestor DIR of P not itself named node_modules, up to the source root. Every package.json is an artifact of its
// own, so that list is the requirement (key and fallbacks) in the link scope "npm-installed", and each package
// provides its install directory.
//
// Decisions:
// - dependencies are required; optionalDependencies and peerDependencies are optional needs (an optional need still
//   draws the edge when the package is installed); devDependencies are never installed with a dependency, so they
//   are not needs.
// - A directory whose package.json names another package (an alias, "npm:other@1") keeps the package.json name,
//   records the directory name as purser:npm:alias and is provided under its directory.
// - Licence: "license" (an SPDX expression, or the legacy {"type": ...} object); else the legacy "licenses" array,
//   whose entries are alternatives joined with OR (as npm's own SBOM output reads them).
// - Supplier: the author's name ("Name <email> (url)" or {"name": ...}).
// - npm before v7 wrote "_resolved" and "_integrity" into installed package.json files: kept as purser:npm:resolved
//   and as the package hash, as the lockfile catalogers do.

#include <utility>
#include <vector>

#include "lib/catalog/npm/npm_common.hpp"
#include "lib/model/license.hpp"
#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::npm {

namespace {

using util::Severity;
using util::json::Kind;
using util::json::Scanner;

constexpr std::string_view k_link_scope = "npm-installed";

std::vector<std::string_view> segments(std::string_view path) { return util::split(path, '/'); }

bool valid_name_segment(std::string_view s) { return !s.empty() && s.front() != '.'; }

// Walks the members of the object at the scanner's position, calling fn(name, offset) with the value next; fn must
// consume the value. Repeated names are all delivered (JSON.parse keeps the last).
template <class Fn>
bool for_each_member(Scanner& s, Fn&& fn) {
  if (!s.begin_object()) return false;
  std::string buffer, key;
  std::string_view name;
  std::size_t at = 0;
  for (bool first = true; s.next_member(first, name, at, buffer); first = false) {
    key.assign(name);
    if (!fn(key, at)) return false;
  }
  return !s.failed();
}

bool read_string(Scanner& s, std::string& into) {
  std::string buffer;
  std::string_view value;
  if (!s.read_string(value, buffer)) return false;
  into.assign(value);
  return true;
}

// A string member, or skipped (and left empty) when it has another type.
bool read_string_or_skip(Scanner& s, std::string& into) {
  if (s.peek_kind() != Kind::string) {
    into.clear();
    return s.skip_value();
  }
  return read_string(s, into);
}

// The "type" of a legacy {"type": "MIT", "url": ...} licence object.
bool read_license_object(Scanner& s, std::string& into) {
  return for_each_member(s, [&](const std::string& key, std::size_t) {
    return key == "type" ? read_string_or_skip(s, into) : s.skip_value();
  });
}

bool read_license(Scanner& s, std::string& into) {
  if (s.peek_kind() == Kind::object) return read_license_object(s, into);
  return read_string_or_skip(s, into);
}

// The legacy "licenses": [{"type": ...}, ...] (or strings).
bool read_licenses(Scanner& s, std::vector<std::string>& into) {
  into.clear();
  if (s.peek_kind() != Kind::array) {
    std::string one;
    if (!read_license(s, one)) return false;
    if (!one.empty()) into.push_back(std::move(one));
    return true;
  }
  if (!s.begin_array()) return false;
  for (bool first = true; s.next_element(first); first = false) {
    std::string one;
    if (!read_license(s, one)) return false;
    if (!one.empty()) into.push_back(std::move(one));
  }
  return !s.failed();
}

// "Name <email> (url)" → "Name"; {"name": ...} → its name.
bool read_author(Scanner& s, std::string& into) {
  std::string text;
  if (s.peek_kind() == Kind::object) {
    if (!for_each_member(s, [&](const std::string& key, std::size_t) {
          return key == "name" ? read_string_or_skip(s, text) : s.skip_value();
        }))
      return false;
  } else if (!read_string_or_skip(s, text)) {
    return false;
  }
  std::string_view name = text;
  name = name.substr(0, std::min(name.find('<'), name.find('(')));
  into = std::string(util::trim(name));
  return true;
}

// A dependency map {"name": "spec"}; names only. A later map of the same kind replaces the earlier one.
bool read_dependency_names(Scanner& s, std::vector<std::string>& into) {
  into.clear();
  if (s.peek_kind() != Kind::object) return s.skip_value();
  return for_each_member(s, [&](const std::string& key, std::size_t) {
    if (!key.empty()) into.push_back(key);
    return s.skip_value();
  });
}

// A licence as an SPDX expression when it is one (normalised), else as written.
std::string normalized_license(std::string_view text) {
  text = util::trim(text);
  auto check = model::check_license_expression(text);
  return check.valid && check.unknown.empty() ? check.normalized : std::string(text);
}

std::string join_alternatives(const std::vector<std::string>& licenses) {
  std::string out;
  for (const auto& l : licenses) {
    std::string one = normalized_license(l);
    if (licenses.size() > 1 && one.find(' ') != std::string::npos) one = "(" + one + ")";
    if (!out.empty()) out += " OR ";
    out += one;
  }
  return out;
}

// What one package.json says, before it becomes an Entry.
struct Manifest {
  std::string name, version, license, author, resolved, integrity;
  std::vector<std::string> licenses, dependencies, optional_dependencies, peer_dependencies;
  std::size_t name_at = 0, version_at = 0;
  Kind name_kind = Kind::end, version_kind = Kind::end;
};

bool read_manifest(Scanner& s, Manifest& m) {
  return for_each_member(s, [&](const std::string& key, std::size_t at) {
    if (key == "name" || key == "version") {
      const bool is_name = key == "name";
      (is_name ? m.name_at : m.version_at) = at;
      (is_name ? m.name_kind : m.version_kind) = s.peek_kind();
      return read_string_or_skip(s, is_name ? m.name : m.version);
    }
    if (key == "license") return read_license(s, m.license);
    if (key == "licenses") return read_licenses(s, m.licenses);
    if (key == "author") return read_author(s, m.author);
    if (key == "dependencies") return read_dependency_names(s, m.dependencies);
    if (key == "optionalDependencies") return read_dependency_names(s, m.optional_dependencies);
    if (key == "peerDependencies") return read_dependency_names(s, m.peer_dependencies);
    if (key == "_resolved") return read_string_or_skip(s, m.resolved);
    if (key == "_integrity") return read_string_or_skip(s, m.integrity);
    return s.skip_value();
  });
}

// Node's lookup for `dependency` from the package in `dir`: DIR/node_modules/<dependency> for DIR = dir and each
// ancestor, skipping directories named node_modules, nearest first, ending at the source root.
Requirement lookup(const std::vector<std::string_view>& dir, std::string_view dependency, bool optional) {
  Requirement r;
  r.optional = optional;
  std::string prefix;
  for (std::size_t n = dir.size() + 1; n-- > 0;) {
    if (n > 0 && dir[n - 1] == "node_modules") continue;
    prefix.clear();
    for (std::size_t i = 0; i < n; ++i) {
      prefix += dir[i];
      prefix += '/';
    }
    std::string candidate = prefix + "node_modules/" + std::string(dependency);
    if (r.key.empty())
      r.key = std::move(candidate);
    else
      r.fallbacks.push_back(std::move(candidate));
  }
  return r;
}

void warn(ParseResult& out, std::string_view bytes, std::size_t at, const std::string& path, std::string message) {
  out.diagnostics.push_back({Severity::warning, std::move(message), util::json::location_of(bytes, at, path)});
}

void parse_impl(std::string_view bytes, const std::string& path, ParseResult& out) {
  const std::string dir = installed_package_dir(path);
  if (dir.empty()) return;
  out.link_scope = std::string(k_link_scope);

  Scanner s(bytes, {.validate_utf8 = false});
  s.skip_byte_order_mark();
  if (Kind k = s.peek_kind(); k != Kind::object && util::json::starts_value(k)) {
    out.diagnostics.push_back(
        {Severity::error, std::string("invalid package.json: expected an object, found ") + util::json::describe(k),
         util::json::location_of(bytes, s.pos(), path)});
    return;
  }
  Manifest m;
  if (!read_manifest(s, m) || !s.at_end()) {
    if (!s.failed()) s.fail_unexpected("end of input");
    auto error = util::json::syntax_error(s, path);
    out.diagnostics.push_back({Severity::error, error.message, error.location});
    return;
  }

  const auto dir_parts = segments(dir);
  // The directory's package name: the last segment, with its scope when there is one.
  std::string dir_name(dir_parts.back());
  if (dir_parts.size() >= 2 && !dir_parts[dir_parts.size() - 2].empty() && dir_parts[dir_parts.size() - 2][0] == '@')
    dir_name = std::string(dir_parts[dir_parts.size() - 2]) + "/" + dir_name;

  if (m.name.empty()) {
    warn(out, bytes, m.name_at, path,
         m.name_kind == Kind::end ? "invalid package.json: no \"name\", using the directory name"
                                  : std::string("invalid package.json: \"name\" is ") +
                                        util::json::describe(m.name_kind) + ", using the directory name");
    m.name = dir_name;
  }
  if (m.version.empty())
    warn(out, bytes, m.version_at, path,
         m.version_kind == Kind::end
             ? "invalid package.json: no \"version\""
             : std::string("invalid package.json: \"version\" is ") + util::json::describe(m.version_kind));

  Entry e;
  e.package = make_npm_package(m.name, m.version);
  e.package.locations.push_back({path});
  if (!util::trim(m.license).empty())
    e.package.license = normalized_license(m.license);
  else if (!m.licenses.empty())
    e.package.license = join_alternatives(m.licenses);
  e.package.supplier = std::move(m.author);
  if (m.name != dir_name) e.package.add_property("purser:npm:alias", dir_name);
  if (!m.resolved.empty()) e.package.add_property("purser:npm:resolved", m.resolved);
  if (!m.integrity.empty()) e.package.hashes = parse_integrity(m.integrity);
  e.provides.push_back(dir);

  // One need per name: a name in dependencies is required even when it is also optional or a peer.
  std::vector<std::string_view> names;
  std::vector<bool> optional;
  auto add = [&](const std::string& name, bool is_optional) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) {
        optional[i] = optional[i] && is_optional;
        return;
      }
    names.push_back(name);
    optional.push_back(is_optional);
  };
  for (const auto& d : m.dependencies) add(d, false);
  for (const auto& d : m.optional_dependencies) add(d, true);
  for (const auto& d : m.peer_dependencies) add(d, true);
  for (std::size_t i = 0; i < names.size(); ++i) {
    // optionalDependencies override dependencies of the same name (npm installs them as optional).
    bool is_optional = optional[i];
    for (const auto& d : m.optional_dependencies) is_optional = is_optional || d == names[i];
    e.needs.push_back(lookup(dir_parts, names[i], is_optional));
  }
  out.entries.push_back(std::move(e));
}

}  // namespace

std::string installed_package_dir(std::string_view path) {
  const auto parts = segments(path);
  const std::size_t last = parts.size() - 1;  // split always returns at least one part
  if (parts[last] != "package.json") return {};
  std::size_t i = 0;
  while (i < last && parts[i] != "node_modules") ++i;
  if (i >= last) return {};
  // parts[i] is a node_modules directory: a package (or pnpm's store) follows.
  std::size_t end = 0;  // one past the package directory's last segment
  while (true) {
    std::size_t next = i + 1;
    if (next < last && parts[next] == ".pnpm") {
      // node_modules/.pnpm/<id>/node_modules/... and node_modules/.pnpm/node_modules/...
      if (next + 1 < last && parts[next + 1] == "node_modules") {
        i = next + 1;
        continue;
      }
      if (next + 2 < last && !parts[next + 1].empty() && parts[next + 2] == "node_modules") {
        i = next + 2;
        continue;
      }
      return {};
    }
    if (next >= last || !valid_name_segment(parts[next])) return {};
    if (parts[next].front() == '@') {
      if (parts[next].size() < 2 || next + 1 >= last || !valid_name_segment(parts[next + 1])) return {};
      ++next;
    }
    end = next + 1;
    if (end == last) break;
    if (parts[end] != "node_modules") return {};
    i = end;
  }
  std::string dir;
  for (std::size_t k = 0; k < end; ++k) {
    if (k > 0) dir += '/';
    dir += parts[k];
  }
  return dir;
}

ParseResult parse_installed(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  (void)resolver;
  ParseResult out;
  try {
    parse_impl(bytes, path, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({Severity::error, std::string("invalid package.json: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& installed_cataloger() {
  static const Cataloger c{"npm-installed",
                           "npm",
                           {"installed"},
                           {"**/node_modules/*/package.json", "**/node_modules/@*/*/package.json"},
                           "packages installed in node_modules trees, with edges resolved the way Node resolves them",
                           &parse_installed};
  return c;
}

}  // namespace purser::catalog::npm
