#include "lib/catalog/os/dpkg.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "lib/catalog/capped_diagnostics.hpp"
#include "lib/catalog/os/os_release.hpp"
#include "lib/model/license.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::os {

namespace {

constexpr std::size_t k_max_diagnostics = 20;

struct Field {
  std::string name;  ///< lower-cased: field names are case-insensitive (deb822(5))
  std::string value;
};

struct Stanza {
  std::uint64_t line = 0;
  std::vector<Field> fields;
  const std::string* get(std::string_view name) const {
    for (const auto& f : fields)
      if (f.name == name) return &f.value;
    return nullptr;
  }
  std::string value(std::string_view name) const {
    const std::string* v = get(name);
    return v ? *v : std::string();
  }
};

// deb822(5): stanzas separated by blank lines; "Field: value" lines; a line starting with a space or tab continues
// the previous field (multi-line fields keep their lines joined by '\n').
std::vector<Stanza> read_stanzas(std::string_view bytes, CappedDiagnostics& diags) {
  std::vector<Stanza> out;
  Stanza cur;
  std::uint64_t line_no = 0;
  auto flush = [&] {
    if (!cur.fields.empty()) out.push_back(std::move(cur));
    cur = Stanza{};
  };
  for (std::string_view line : util::split(bytes, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (util::trim(line).empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (cur.fields.empty()) {
        diags.warn(line_no, "continuation line without a field");
        continue;
      }
      auto& v = cur.fields.back().value;
      v += '\n';
      v += util::trim(line);
      continue;
    }
    if (line[0] == '#') continue;  // deb822 comments
    auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      diags.warn(line_no, "line without a field name: '" + util::printable(line) + "'");
      continue;
    }
    if (cur.fields.empty()) cur.line = line_no;
    cur.fields.push_back(
        {util::to_lower(util::trim(line.substr(0, colon))), std::string(util::trim(line.substr(colon + 1)))});
  }
  flush();
  return out;
}

// dpkg(1) package states: only these leave the package's files on disk.
bool files_on_disk(std::string_view state) {
  return state == "installed" || state == "unpacked" || state == "half-configured" || state == "triggers-awaiting" ||
         state == "triggers-pending";
}

struct Pkg {
  Stanza stanza;
  std::string name, version, arch, multi_arch;
  std::string state;                              ///< the dpkg state when not "installed"
  std::vector<std::vector<DebRelation>> depends;  ///< Pre-Depends then Depends
  std::vector<DebRelation> provides;
};

std::string key_of(std::string_view name, std::string_view arch) {
  return "dpkg:" + std::string(name) + ":" + std::string(arch);
}

// Policy 5.6.1: package names are [a-z0-9][a-z0-9+.-]+. Only such names (and architectures) are used to build the
// paths of sibling files, so a hostile stanza cannot point the resolver elsewhere.
bool safe_for_path(std::string_view s) {
  if (s.empty() || s[0] == '.') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '.' ||
          c == '-' || c == '_'))
      return false;
  return true;
}

std::vector<std::string> read_list(const FileResolver& resolver, const std::string& path, const Pkg& p) {
  if (!safe_for_path(p.name) || !safe_for_path(p.arch)) return {};
  // dpkg names the list "<name>:<arch>.list" for Multi-Arch: same packages, "<name>.list" otherwise.
  std::vector<std::string> candidates{"info/" + p.name + ".list", "info/" + p.name + ":" + p.arch + ".list"};
  if (p.multi_arch == "same") std::swap(candidates[0], candidates[1]);
  for (const auto& c : candidates) {
    auto bytes = resolver.read_relative(path, c);
    if (!bytes.ok()) continue;
    std::vector<std::string> files;
    for (std::string_view line : util::split(*bytes, '\n')) {
      line = util::trim(line);
      while (!line.empty() && line[0] == '/') line.remove_prefix(1);
      if (line.empty() || line == ".") continue;
      files.emplace_back(line);
    }
    return files;
  }
  return {};
}

// Debian Policy 12.5: every package ships usr/share/doc/<name>/copyright.
std::string read_license(const FileResolver& resolver, const std::string& path, const Pkg& p) {
  if (!safe_for_path(p.name)) return {};
  auto bytes = resolver.read_relative(path, root_relative(path, "usr/share/doc/" + p.name + "/copyright"));
  return bytes.ok() ? debian_copyright_license(*bytes) : std::string();
}

// status.d/<name>.md5sums: "<md5>  <path>" lines, paths relative to the root.
std::vector<std::string> read_md5sums(const FileResolver& resolver, const std::string& path) {
  auto slash = path.rfind('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  auto bytes = resolver.read_relative(path, base + ".md5sums");
  if (!bytes.ok()) return {};
  std::vector<std::string> files;
  for (std::string_view line : util::split(*bytes, '\n')) {
    auto sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    std::string_view file = util::trim(line.substr(sp));
    while (!file.empty() && file[0] == '/') file.remove_prefix(1);
    if (!file.empty()) files.emplace_back(file);
  }
  return files;
}

// purl-spec deb type: namespace = vendor (the os-release ID), name lower-cased, version as dpkg writes it with its
// epoch ("1:2.4.47-2"), qualifiers arch and distro. "upstream" names the source package (always present, the
// binary name when there is no Source field) and, when the source version differs from the binary version (binNMUs,
// "+b1"), carries it as "name@version".
std::string make_purl(const Pkg& p, const std::optional<Distro>& distro) {
  model::Purl purl;
  purl.type = "deb";
  purl.namespace_ = distro && !distro->id.empty() ? distro->id : "debian";
  purl.name = p.name;
  purl.version = p.version;
  purl.qualifiers["arch"] = p.arch;
  if (distro) purl.qualifiers["distro"] = distro_qualifier(*distro);
  std::string source = p.stanza.value("source");
  std::string src_name = source.substr(0, source.find(' '));
  std::string src_version;
  if (auto open = source.find('('); open != std::string::npos) {
    auto close = source.find(')', open);
    src_version =
        std::string(util::trim(source.substr(open + 1, close == std::string::npos ? close : close - open - 1)));
  }
  if (src_name.empty()) src_name = p.name;
  purl.qualifiers["upstream"] =
      src_version.empty() || src_version == p.version ? src_name : src_name + "@" + src_version;
  return purl.to_string();
}

Entry make_entry(Pkg& p, const std::string& path, const std::optional<Distro>& distro) {
  Entry e;
  auto& pkg = e.package;
  pkg.name = p.name;
  pkg.version = p.version;
  pkg.ecosystem = "deb";
  pkg.purl = make_purl(p, distro);
  pkg.supplier = strip_email(p.stanza.value("maintainer"));
  pkg.locations.push_back({path, p.stanza.line});
  if (auto source = p.stanza.value("source"); !source.empty()) pkg.add_property("purser:dpkg:source", source);
  if (auto size = p.stanza.value("installed-size"); !size.empty()) pkg.add_property("purser:dpkg:installed-size", size);
  if (auto desc = p.stanza.value("description"); !desc.empty())
    pkg.add_property("purser:dpkg:description", desc.substr(0, desc.find('\n')));
  if (!p.multi_arch.empty()) pkg.add_property("purser:dpkg:multi-arch", p.multi_arch);
  e.provides.push_back(key_of(p.name, p.arch));
  return e;
}

// Chooses the installed package that satisfies one alternative, as dpkg would: a package of that name (an explicit
// ":arch" must match; ":any"/":native" accept any; otherwise the depender's architecture, then "all", then any
// architecture, which covers Multi-Arch: foreign), else a package that Provides the name. Version constraints are
// not checked: dpkg only leaves a package installed when they hold.
const Pkg* choose(const DebRelation& rel, const Pkg& from,
                  const std::unordered_map<std::string, std::vector<const Pkg*>>& by_name,
                  const std::unordered_map<std::string, std::vector<const Pkg*>>& by_provides) {
  auto pick = [&](const std::vector<const Pkg*>& list) -> const Pkg* {
    if (rel.arch == "any" || rel.arch == "native") return list.front();
    if (!rel.arch.empty()) {
      for (const Pkg* c : list)
        if (c->arch == rel.arch) return c;
      return nullptr;
    }
    for (const char* want : {from.arch.c_str(), "all"})
      for (const Pkg* c : list)
        if (c->arch == want) return c;
    return list.front();
  };
  if (auto it = by_name.find(rel.name); it != by_name.end())
    if (const Pkg* c = pick(it->second)) return c;
  if (auto it = by_provides.find(rel.name); it != by_provides.end())
    if (const Pkg* c = pick(it->second)) return c;
  return nullptr;
}

// status.d has one file per package, so edges resolve across files (ParseResult::link_scope): the first key names
// the depender's architecture, the fallbacks relax it and then try the next alternative.
Requirement scoped_requirement(const std::vector<DebRelation>& alts, const Pkg& from) {
  Requirement r;
  for (const auto& a : alts) {
    std::vector<std::string> keys;
    if (a.arch == "any" || a.arch == "native") {
      keys = {"dpkg:" + a.name, "dpkg-virtual:" + a.name};
    } else if (!a.arch.empty()) {
      keys = {key_of(a.name, a.arch), "dpkg-virtual:" + a.name};
    } else {
      keys = {key_of(a.name, from.arch), key_of(a.name, "all"), "dpkg:" + a.name, "dpkg-virtual:" + a.name};
    }
    for (auto& k : keys) {
      if (k == r.key || std::find(r.fallbacks.begin(), r.fallbacks.end(), k) != r.fallbacks.end()) continue;
      if (r.key.empty())
        r.key = std::move(k);
      else
        r.fallbacks.push_back(std::move(k));
    }
  }
  r.optional = true;
  return r;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

void parse_impl(std::string_view bytes, const std::string& path, const FileResolver& resolver, ParseResult& out) {
  const bool status_d = path.find("status.d/") != std::string::npos;
  if (status_d && ends_with(path, ".md5sums")) return;
  CappedDiagnostics diags(out, path, "invalid dpkg status", k_max_diagnostics);
  if (!util::looks_like_text(bytes)) {
    out.diagnostics.push_back({util::Severity::error, "invalid dpkg status: not a text file", {path}});
    return;
  }
  std::vector<Pkg> pkgs;
  for (auto& st : read_stanzas(bytes, diags)) {
    Pkg p;
    p.name = st.value("package");
    if (p.name.empty()) {
      diags.warn(st.line, "stanza without a Package field");
      continue;
    }
    const std::string* status = st.get("status");
    if (status == nullptr && !status_d) {
      diags.warn(st.line, "package '" + p.name + "' has no Status field");
      continue;
    }
    if (status != nullptr) {
      // "Status: <want> <error flag> <state>" (dpkg-query(1) "Package states").
      auto words = util::split(*status, ' ');
      if (words.size() != 3) {
        diags.warn(st.line, "package '" + p.name + "' has a malformed Status '" + util::printable(*status) + "'");
        continue;
      }
      if (!files_on_disk(words[2])) continue;
      if (words[2] != "installed") p.state = std::string(words[2]);
    }
    p.version = st.value("version");
    if (p.version.empty()) {
      diags.warn(st.line, "package '" + p.name + "' has no Version field");
      continue;
    }
    p.arch = st.value("architecture");
    p.multi_arch = st.value("multi-arch");
    for (const char* field : {"pre-depends", "depends"})
      if (const std::string* v = st.get(field))
        for (auto& group : parse_deb_relations(*v)) p.depends.push_back(std::move(group));
    if (const std::string* v = st.get("provides"))
      for (auto& group : parse_deb_relations(*v))
        for (auto& alt : group) p.provides.push_back(std::move(alt));
    p.stanza = std::move(st);
    pkgs.push_back(std::move(p));
  }
  if (pkgs.empty()) return;

  std::optional<Distro> distro = read_distro(resolver, path);
  std::unordered_map<std::string, std::vector<const Pkg*>> by_name, by_provides;
  for (const auto& p : pkgs) {
    by_name[p.name].push_back(&p);
    for (const auto& v : p.provides) by_provides[v.name].push_back(&p);
  }
  std::vector<std::string> md5_owned;
  if (status_d) {
    out.link_scope = "dpkg:" + path.substr(0, path.rfind('/'));
    md5_owned = read_md5sums(resolver, path);
  }
  for (auto& p : pkgs) {
    Entry e = make_entry(p, path, distro);
    e.package.license = read_license(resolver, path, p);
    if (!p.state.empty()) e.package.add_property("purser:dpkg:status", p.state);
    if (status_d) {
      e.provides.push_back("dpkg:" + p.name);
      for (const auto& v : p.provides) e.provides.push_back("dpkg-virtual:" + v.name);
      for (const auto& group : p.depends) e.needs.push_back(scoped_requirement(group, p));
      // One package per file is the distroless layout; the md5sums beside it belong to that package.
      if (pkgs.size() == 1) e.owned_files = std::move(md5_owned);
    } else {
      for (const auto& group : p.depends) {
        for (const auto& alt : group) {
          const Pkg* c = choose(alt, p, by_name, by_provides);
          if (c == nullptr) continue;
          if (c != &p) e.needs.push_back({key_of(c->name, c->arch)});
          break;
        }
      }
      e.owned_files = read_list(resolver, path, p);
    }
    out.entries.push_back(std::move(e));
  }
}

// Debian short licence names (DEP-5 "License Specification") that differ from SPDX ids: the GNU family writes
// "GPL-2" for GPL-2.0-only and "GPL-2+" for GPL-2.0-or-later.
std::string spdx_of_debian_name(std::string_view name) {
  bool plus = !name.empty() && name.back() == '+';
  if (plus) name.remove_suffix(1);
  static const char* const k_gnu[] = {"GPL", "LGPL", "AGPL", "GFDL"};
  for (const char* family : k_gnu) {
    std::string prefix = std::string(family) + "-";
    if (name.substr(0, prefix.size()) != prefix) continue;
    std::string version(name.substr(prefix.size()));
    if (version.find('.') == std::string::npos) version += ".0";
    std::string id = family + ("-" + version) + (plus ? "-or-later" : "-only");
    return model::is_spdx_license_id(id) ? id : std::string();
  }
  if (plus) return {};
  if (name == "Expat") return "MIT";
  if (name == "PSF-2") return "PSF-2.0";
  return model::canonical_license_id(name);
}

}  // namespace

std::string debian_copyright_license(std::string_view text) {
  if (text.substr(0, 7) != "Format:") return {};
  std::vector<std::string> ids;
  for (std::string_view line : util::split(text, '\n')) {
    if (line.substr(0, 8) != "License:") continue;
    std::string_view name = util::trim(line.substr(8));
    if (name.empty() || name.find_first_of(" \t,") != std::string_view::npos) continue;
    std::string id = spdx_of_debian_name(name);
    if (!id.empty() && std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
  }
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " AND ") + id;
  return out;
}

std::vector<std::vector<DebRelation>> parse_deb_relations(std::string_view field) {
  std::vector<std::vector<DebRelation>> out;
  for (std::string_view group : util::split(field, ',')) {
    std::vector<DebRelation> alts;
    for (std::string_view alt : util::split(group, '|')) {
      alt = util::trim(alt);
      std::size_t i = 0;
      auto stop = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '(' || c == ':' || c == '[' || c == '<';
      };
      while (i < alt.size() && !stop(alt[i])) ++i;
      DebRelation r;
      r.name = util::to_lower(alt.substr(0, i));
      if (i < alt.size() && alt[i] == ':') {
        std::size_t j = ++i;
        while (i < alt.size() && !stop(alt[i])) ++i;
        r.arch = std::string(alt.substr(j, i - j));
      }
      if (auto open = alt.find('(', i); open != std::string_view::npos) {
        auto close = alt.find(')', open);
        std::string_view inside = alt.substr(open + 1, close == std::string_view::npos ? close : close - open - 1);
        std::size_t k = 0;
        while (k < inside.size() && (inside[k] == '<' || inside[k] == '>' || inside[k] == '=' || inside[k] == ' ')) ++k;
        r.version = std::string(util::trim(inside.substr(k)));
      }
      if (!r.name.empty()) alts.push_back(std::move(r));
    }
    if (!alts.empty()) out.push_back(std::move(alts));
  }
  return out;
}

ParseResult parse_dpkg_status(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    parse_impl(bytes, path, resolver, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid dpkg status: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& dpkg_status_cataloger() {
  static const Cataloger c{
      "dpkg-status",
      "dpkg",
      {"installed", "os"},
      {"var/lib/dpkg/status", "var/lib/dpkg/status.d/*"},
      "installed Debian packages (var/lib/dpkg/status, distroless status.d/), owned files from info/*.list",
      &parse_dpkg_status,
      {"var/lib/dpkg/info/*.list", "var/lib/dpkg/status.d/*.md5sums", "etc/os-release", "usr/lib/os-release",
       "etc/debian_version", "usr/share/doc/*/copyright"}};
  return c;
}

}  // namespace purser::catalog::os
