#include "lib/catalog/os/os_release.hpp"

#include <algorithm>
#include <utility>

#include "lib/util/strings.hpp"

namespace purser::catalog::os {

namespace {

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  return std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// os-release(5): "Variable assignment values must be enclosed in double or single quotes if they include spaces,
// semicolons or other special characters outside of A-Z, a-z, 0-9. [...] If double or single quotes or backslashes
// are to be used within variable assignments, they should be escaped with backslashes, following shell style."
// Returns false (with `why`) on an unterminated quote.
bool unquote(std::string_view raw, std::string& out, std::string& why) {
  out.clear();
  char quote = 0;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (quote == '\'') {
      if (c == '\'')
        quote = 0;
      else
        out += c;
    } else if (c == '\\' && i + 1 < raw.size()) {
      char n = raw[i + 1];
      // Inside double quotes only these are escapes (POSIX shell); elsewhere a backslash quotes any character.
      if (quote == '"' && n != '"' && n != '\\' && n != '$' && n != '`' && n != '\n') {
        out += c;
      } else {
        out += n;
        ++i;
      }
    } else if (quote == '"') {
      if (c == '"')
        quote = 0;
      else
        out += c;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '#' && (i == 0 || raw[i - 1] == ' ' || raw[i - 1] == '\t')) {
      break;  // a trailing shell comment after an unquoted value
    } else {
      out += c;
    }
  }
  if (quote != 0) {
    why = std::string("unterminated ") + (quote == '"' ? "double" : "single") + " quote";
    return false;
  }
  out = std::string(util::trim(out));
  return true;
}

std::string first_line(std::string_view text) {
  auto nl = text.find('\n');
  return std::string(util::trim(text.substr(0, nl)));
}

// /etc/debian_version holds "12.5" on a release and "trixie/sid" on testing/unstable. os-release's VERSION_ID on
// Debian is the major number only, so the fallback uses that too (distro=debian-12 either way).
std::optional<Distro> from_debian_version(std::string_view text, std::string path) {
  std::string v = first_line(text);
  if (v.empty()) return std::nullopt;
  Distro d;
  d.id = "debian";
  d.name = "Debian GNU/Linux";
  d.path = std::move(path);
  if (!v.empty() && v[0] >= '0' && v[0] <= '9')
    d.version_id = v.substr(0, v.find('.'));
  else
    d.version_codename = v.substr(0, v.find('/'));
  return d;
}

std::optional<Distro> from_alpine_release(std::string_view text, std::string path) {
  std::string v = first_line(text);
  if (v.empty()) return std::nullopt;
  Distro d;
  d.id = "alpine";
  d.name = "Alpine Linux";
  d.version_id = v;
  d.path = std::move(path);
  return d;
}

// redhat-release / system-release: "<Name> release <version> (<codename>)", e.g. "Fedora release 39 (Thirty Nine)".
// The id is the os-release ID the same distribution uses.
std::optional<Distro> from_redhat_release(std::string_view text, std::string path) {
  std::string line = first_line(text);
  auto pos = line.find(" release ");
  if (pos == std::string::npos) return std::nullopt;
  Distro d;
  d.name = line.substr(0, pos);
  d.pretty_name = line;
  std::string rest = line.substr(pos + 9);
  d.version_id = rest.substr(0, rest.find(' '));
  std::string lower = util::to_lower(d.name);
  static const std::pair<const char*, const char*> k_ids[] = {
      {"red hat", "rhel"},   {"centos", "centos"}, {"fedora", "fedora"}, {"rocky", "rocky"},
      {"alma", "almalinux"}, {"amazon", "amzn"},   {"oracle", "ol"},     {"scientific", "scientific"},
  };
  for (const auto& [needle, id] : k_ids)
    if (lower.find(needle) != std::string::npos) {
      d.id = id;
      break;
    }
  if (d.id.empty()) d.id = lower.substr(0, lower.find(' '));
  if (d.id.empty()) return std::nullopt;
  d.path = std::move(path);
  return d;
}

}  // namespace

Distro parse_os_release(std::string_view bytes, const std::string& path, std::vector<util::Diagnostic>* diagnostics) {
  Distro d;
  d.path = path;
  auto warn = [&](std::uint64_t line, std::string message) {
    if (diagnostics != nullptr) diagnostics->push_back({util::Severity::warning, std::move(message), {path, line}});
  };
  std::uint64_t line_no = 0;
  for (std::string_view raw : util::split(bytes, '\n')) {
    ++line_no;
    std::string_view line = util::trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) {
      warn(line_no, "invalid os-release: line without '=': '" + util::printable(line) + "'");
      continue;
    }
    std::string_view key = line.substr(0, eq);
    if (!valid_key(key)) {
      warn(line_no, "invalid os-release: bad variable name '" + util::printable(key) + "'");
      continue;
    }
    std::string value, why;
    if (!unquote(line.substr(eq + 1), value, why)) {
      warn(line_no, "invalid os-release: " + why + " in " + std::string(key));
      continue;
    }
    if (key == "ID") {
      d.id = util::to_lower(value);
      d.line = line_no;
    } else if (key == "VERSION_ID") {
      d.version_id = std::move(value);
    } else if (key == "VERSION_CODENAME") {
      d.version_codename = std::move(value);
    } else if (key == "NAME") {
      d.name = std::move(value);
    } else if (key == "PRETTY_NAME") {
      d.pretty_name = std::move(value);
    } else if (key == "ID_LIKE") {
      d.id_like = std::move(value);
    }
  }
  return d;
}

std::optional<Distro> read_distro(const FileResolver& resolver, const std::string& from) {
  for (const char* file : {"etc/os-release", "usr/lib/os-release"}) {
    auto bytes = resolver.read_relative(from, root_relative(from, file));
    if (!bytes.ok()) continue;
    Distro d = parse_os_release(*bytes, file);
    if (!d.id.empty()) return d;
  }
  auto fallback = [&](const char* file, auto parse) -> std::optional<Distro> {
    auto bytes = resolver.read_relative(from, root_relative(from, file));
    if (!bytes.ok()) return std::nullopt;
    return parse(*bytes, file);
  };
  if (auto d = fallback("etc/debian_version", from_debian_version)) return d;
  if (auto d = fallback("etc/alpine-release", from_alpine_release)) return d;
  if (auto d = fallback("etc/redhat-release", from_redhat_release)) return d;
  if (auto d = fallback("etc/system-release", from_redhat_release)) return d;
  return std::nullopt;
}

std::string root_relative(const std::string& from, std::string_view target) {
  std::string rel;
  for (char c : from)
    if (c == '/') rel += "../";
  rel += target;
  return rel;
}

std::string distro_qualifier(const Distro& distro) {
  if (distro.id.empty()) return {};
  if (!distro.version_id.empty()) return distro.id + "-" + distro.version_id;
  if (!distro.version_codename.empty()) return distro.id + "-" + distro.version_codename;
  return {};
}

std::string strip_email(std::string_view maintainer) {
  auto lt = maintainer.find('<');
  if (lt == std::string_view::npos || lt == 0) return std::string(util::trim(maintainer));
  return std::string(util::trim(maintainer.substr(0, lt)));
}

ParseResult parse_os_release_file(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  // usr/lib/os-release is the vendor default; etc/os-release, when present, overrides it (os-release(5)). It is
  // usually a symlink to the former: identical content yields the same component, which merges.
  const std::string usr_lib = "usr/lib/os-release";
  if (path.size() >= usr_lib.size() && path.compare(path.size() - usr_lib.size(), usr_lib.size(), usr_lib) == 0) {
    auto etc = resolver.read_relative(path, root_relative(path, "etc/os-release"));
    if (etc.ok() && *etc != bytes) return out;
  }
  Distro d = parse_os_release(bytes, path, &out.diagnostics);
  if (d.id.empty()) {
    out.diagnostics.push_back({util::Severity::warning, "invalid os-release: no ID", {path}});
    return out;
  }
  Entry e;
  auto& p = e.package;
  p.name = d.id;
  p.version = d.version_id;
  p.ecosystem = "os";
  p.type = model::ComponentType::operating_system;
  p.locations.push_back({path, d.line});
  if (!d.pretty_name.empty()) p.add_property("purser:os:pretty-name", d.pretty_name);
  if (!d.version_codename.empty()) p.add_property("purser:os:codename", d.version_codename);
  if (!d.id_like.empty()) p.add_property("purser:os:id-like", d.id_like);
  e.provides.push_back("os:" + d.id);
  out.entries.push_back(std::move(e));
  return out;
}

const Cataloger& os_release_cataloger() {
  static const Cataloger c{"os-release",
                           "os",
                           {"installed", "os"},
                           {"etc/os-release", "usr/lib/os-release"},
                           "the distribution (os-release(5)) as an operating-system component",
                           &parse_os_release_file};
  return c;
}

}  // namespace purser::catalog::os
