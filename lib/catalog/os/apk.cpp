#include "lib/catalog/os/apk.hpp"

#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/catalog/capped_diagnostics.hpp"
#include "lib/catalog/os/os_release.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::os {

namespace {

constexpr std::size_t k_max_diagnostics = 20;

struct Pkg {
  std::uint64_t line = 0;
  std::string name, version, arch, origin, maintainer, license, checksum, installed_size, description;
  std::vector<std::string> depends;   ///< names (conflicts dropped)
  std::vector<std::string> provides;  ///< names
  std::vector<std::string> files;
  std::string dir;  ///< the last F: line; R: lines name files in it
};

std::vector<std::string> names_of(std::string_view tokens) {
  std::vector<std::string> out;
  for (std::string_view t : util::split(tokens, ' ')) {
    std::string n = apk_token_name(t);
    if (!n.empty()) out.push_back(std::move(n));
  }
  return out;
}

// The installed database is the index format of the apk spec (wiki.alpinelinux.org "Apk spec", "Installed
// Database"): one "K:value" line per field, packages separated by a blank line.
void apply(Pkg& p, char key, std::string_view v) {
  switch (key) {
    case 'P':
      p.name = std::string(v);
      break;
    case 'V':
      p.version = std::string(v);
      break;
    case 'A':
      p.arch = std::string(v);
      break;
    case 'o':
      p.origin = std::string(v);
      break;
    case 'm':
      p.maintainer = std::string(v);
      break;
    case 'L':
      p.license = std::string(v);
      break;
    case 'C':
      p.checksum = std::string(v);
      break;
    case 'I':
      p.installed_size = std::string(v);
      break;
    case 'T':
      p.description = std::string(v);
      break;
    case 'D':
      for (auto& n : names_of(v)) p.depends.push_back(std::move(n));
      break;
    case 'p':
      for (auto& n : names_of(v)) p.provides.push_back(std::move(n));
      break;
    case 'F':
      p.dir = std::string(v);
      while (!p.dir.empty() && p.dir[0] == '/') p.dir.erase(0, 1);
      break;
    case 'R':
      if (!v.empty()) p.files.push_back(p.dir.empty() ? std::string(v) : p.dir + "/" + std::string(v));
      break;
    default:
      break;
  }
}

// purl-spec apk type: namespace = vendor (the os-release ID, "alpine"), qualifiers arch and distro; "upstream"
// names the origin (source) package, as the deb PURLs do.
Entry make_entry(Pkg& p, const std::string& path, const std::optional<Distro>& distro) {
  Entry e;
  auto& pkg = e.package;
  pkg.name = p.name;
  pkg.version = p.version;
  pkg.ecosystem = "apk";
  pkg.license = p.license;
  pkg.supplier = strip_email(p.maintainer);
  pkg.locations.push_back({path, p.line});
  model::Purl purl;
  purl.type = "apk";
  purl.namespace_ = distro && !distro->id.empty() ? distro->id : "alpine";
  purl.name = p.name;
  purl.version = p.version;
  purl.qualifiers["arch"] = p.arch;
  if (distro) purl.qualifiers["distro"] = distro_qualifier(*distro);
  purl.qualifiers["upstream"] = p.origin.empty() ? p.name : p.origin;
  pkg.purl = purl.to_string();
  if (!p.checksum.empty()) pkg.add_property("purser:apk:checksum", p.checksum);
  if (!p.installed_size.empty()) pkg.add_property("purser:apk:installed-size", p.installed_size);
  if (!p.description.empty()) pkg.add_property("purser:apk:description", p.description);
  if (!p.origin.empty() && p.origin != p.name) pkg.add_property("purser:apk:origin", p.origin);
  e.provides.push_back("apk:" + p.name);
  e.owned_files = std::move(p.files);
  return e;
}

void parse_impl(std::string_view bytes, const std::string& path, const FileResolver& resolver, ParseResult& out) {
  CappedDiagnostics diags(out, path, "invalid apk database", k_max_diagnostics);
  if (!util::looks_like_text(bytes)) {
    out.diagnostics.push_back({util::Severity::error, "invalid apk database: not a text file", {path}});
    return;
  }
  std::vector<Pkg> pkgs;
  Pkg cur;
  bool open = false;
  auto flush = [&] {
    if (!open) return;
    open = false;
    if (cur.name.empty())
      diags.warn(cur.line, "package without a P: (name) line");
    else if (cur.version.empty())
      diags.warn(cur.line, "package '" + cur.name + "' has no V: (version) line");
    else
      pkgs.push_back(std::move(cur));
    cur = Pkg{};
  };
  std::uint64_t line_no = 0;
  for (std::string_view line : util::split(bytes, '\n')) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (util::trim(line).empty()) {
      flush();
      continue;
    }
    if (line.size() < 2 || line[1] != ':') {
      diags.warn(line_no, "line is not 'K:value': '" + util::printable(line) + "'");
      continue;
    }
    if (!open) {
      open = true;
      cur.line = line_no;
    }
    apply(cur, line[0], line.substr(2));
  }
  flush();
  if (pkgs.empty()) return;

  std::optional<Distro> distro = read_distro(resolver, path);
  std::unordered_map<std::string, const Pkg*> by_name;
  std::unordered_map<std::string, const Pkg*> by_provides;
  for (const auto& p : pkgs) {
    by_name.emplace(p.name, &p);
    for (const auto& v : p.provides) by_provides.emplace(v, &p);
  }
  for (auto& p : pkgs) {
    // D: names a package or anything it provides (so:, cmd:, pc: names are provides); the package of that name
    // wins over providers (apk's solver prefers the real name).
    std::vector<std::string> needs;
    for (const auto& d : p.depends) {
      const Pkg* c = nullptr;
      if (auto it = by_name.find(d); it != by_name.end())
        c = it->second;
      else if (auto pit = by_provides.find(d); pit != by_provides.end())
        c = pit->second;
      if (c != nullptr && c != &p) needs.push_back("apk:" + c->name);
    }
    Entry e = make_entry(p, path, distro);
    for (auto& n : needs) e.needs.push_back({std::move(n)});
    out.entries.push_back(std::move(e));
  }
}

}  // namespace

std::string apk_token_name(std::string_view token) {
  token = util::trim(token);
  if (token.empty() || token[0] == '!') return {};
  std::size_t end = token.find_first_of("<>=~@");
  return std::string(token.substr(0, end));
}

ParseResult parse_apk_installed(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    parse_impl(bytes, path, resolver, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid apk database: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& apk_installed_cataloger() {
  static const Cataloger c{"apk-installed",
                           "apk",
                           {"installed", "os"},
                           {"lib/apk/db/installed"},
                           "installed Alpine packages (lib/apk/db/installed) with their files and D:/p: edges",
                           &parse_apk_installed,
                           {"etc/os-release", "usr/lib/os-release", "etc/alpine-release"}};
  return c;
}

}  // namespace purser::catalog::os
