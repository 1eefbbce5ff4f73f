#include "lib/catalog/python/installed.hpp"

// Installed Python distributions, as pip, Debian and other installers leave them in site-packages:
//
// - *.dist-info/METADATA: the core metadata (packaging.python.org/specifications/core-metadata), an RFC 822 style
//   header block (continuation lines start with whitespace) followed by the description after a blank line.
//   Beside it ("Recording installed projects", packaging.python.org/specifications/recording-installed-packages):
//   RECORD (CSV path,hash,size; paths relative to the directory holding the .dist-info, or absolute), INSTALLER
//   (the tool that installed it) and direct_url.json (PEP 610: installed from a VCS, an archive URL or a directory).
// - *.egg-info/PKG-INFO or a single-file *.egg-info (setuptools' legacy layout, still used by Debian): the same
//   header format; dependencies live in requires.txt ("[extra]", "[:marker]" and "[extra:marker]" sections) and
//   pip records the installed files, relative to the .egg-info directory, in installed-files.txt.
//
// Decisions:
// - Every installed distribution is its own artifact, so edges resolve across the directory holding it: the link
//   scope is "python:<that directory>" (a venv does not see the system site-packages through edges).
// - Requires-Dist with any environment marker is an optional need: `extra == "x"` means the dependency is only
//   installed with that extra, and other markers (python_version, sys_platform...) depend on an interpreter we do
//   not run. An optional need still draws the edge when the dependency is installed.
// - Licence: License-Expression (metadata 2.4, SPDX by definition); else License when it is a valid SPDX expression
//   of known ids; else the "License ::" classifiers when each maps unambiguously to an SPDX id (several classifiers
//   are alternatives, joined with OR); else License as free text when it is one short line (some projects paste the
//   whole licence text there); else the classifiers' own names. "UNKNOWN" (old setuptools' placeholder) is absent.
// - Supplier: the maintainer, else the author (the person or organisation that publishes the distribution), taking
//   display names from the *-email headers when the plain headers are absent.
// - Owned files: RECORD or installed-files.txt entries resolved to source-relative paths; an absolute path is taken
//   relative to the source root (right for images and unpacked root filesystems), and one that leaves the root is
//   dropped. RECORD's hashes are per file, so the package gets no hash.

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "lib/catalog/python/python_common.hpp"
#include "lib/catalog/python/requirements.hpp"
#include "lib/model/license.hpp"
#include "lib/source/source.hpp"
#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::python {

namespace {

using util::Severity;
using util::trim;

// Longest License value still taken as a licence name rather than pasted licence text.
constexpr std::size_t k_max_license_text = 120;

struct Header {
  std::string name;  // lower case
  std::string value;
  std::uint64_t line = 0;
};

bool is_header_name_char(unsigned char c) { return c >= 33 && c <= 126 && c != ':'; }

// The header block (core metadata §"Metadata format"; RFC 822 folding). A line that is neither a header nor a
// continuation ends the block, as Python's email parser (which importlib.metadata uses) treats it as the body.
std::vector<Header> read_headers(std::string_view text) {
  std::vector<Header> out;
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") pos = 3;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.empty()) break;
      out.back().value += '\n';
      out.back().value += trim(line);
      continue;
    }
    std::size_t colon = 0;
    while (colon < line.size() && is_header_name_char(static_cast<unsigned char>(line[colon]))) ++colon;
    if (colon == 0 || colon == line.size() || line[colon] != ':') break;
    out.push_back({util::to_lower(line.substr(0, colon)), std::string(trim(line.substr(colon + 1))), line_no});
  }
  return out;
}

bool is_unknown(std::string_view v) { return v.empty() || v == "UNKNOWN"; }

const Header* first(const std::vector<Header>& headers, std::string_view name) {
  for (const auto& h : headers)
    if (h.name == name && !is_unknown(h.value)) return &h;
  return nullptr;
}

// Trove classifiers under "License ::" whose meaning is a single SPDX licence (pypi.org/classifiers). Ambiguous ones
// ("BSD License", "Apache Software License": which version or variant?) are left out on purpose.
std::string_view spdx_for_classifier(std::string_view leaf) {
  static const std::map<std::string_view, std::string_view> k_map = {
      {"Boost Software License 1.0 (BSL-1.0)", "BSL-1.0"},
      {"CC0 1.0 Universal (CC0 1.0) Public Domain Dedication", "CC0-1.0"},
      {"Eclipse Public License 1.0 (EPL-1.0)", "EPL-1.0"},
      {"Eclipse Public License 2.0 (EPL-2.0)", "EPL-2.0"},
      {"European Union Public Licence 1.2 (EUPL 1.2)", "EUPL-1.2"},
      {"GNU Affero General Public License v3", "AGPL-3.0-only"},
      {"GNU Affero General Public License v3 or later (AGPLv3+)", "AGPL-3.0-or-later"},
      {"GNU General Public License v2 (GPLv2)", "GPL-2.0-only"},
      {"GNU General Public License v2 or later (GPLv2+)", "GPL-2.0-or-later"},
      {"GNU General Public License v3 (GPLv3)", "GPL-3.0-only"},
      {"GNU General Public License v3 or later (GPLv3+)", "GPL-3.0-or-later"},
      {"GNU Lesser General Public License v2 (LGPLv2)", "LGPL-2.0-only"},
      {"GNU Lesser General Public License v2 or later (LGPLv2+)", "LGPL-2.0-or-later"},
      {"GNU Lesser General Public License v3 (LGPLv3)", "LGPL-3.0-only"},
      {"GNU Lesser General Public License v3 or later (LGPLv3+)", "LGPL-3.0-or-later"},
      {"Historical Permission Notice and Disclaimer (HPND)", "HPND"},
      {"ISC License (ISCL)", "ISC"},
      {"MIT License", "MIT"},
      {"MIT No Attribution License (MIT-0)", "MIT-0"},
      {"Mozilla Public License 1.1 (MPL 1.1)", "MPL-1.1"},
      {"Mozilla Public License 2.0 (MPL 2.0)", "MPL-2.0"},
      {"Python Software Foundation License", "PSF-2.0"},
      {"The Unlicense (Unlicense)", "Unlicense"},
      {"Universal Permissive License (UPL)", "UPL-1.0"},
      {"zlib/libpng License", "Zlib"},
  };
  auto it = k_map.find(leaf);
  return it == k_map.end() ? std::string_view{} : it->second;
}

// A valid SPDX expression of known ids, normalised; empty otherwise.
std::string as_spdx(std::string_view text) {
  auto check = model::check_license_expression(text);
  return check.valid && check.unknown.empty() ? check.normalized : std::string();
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string license_of(const std::vector<Header>& headers) {
  if (const Header* h = first(headers, "license-expression")) {
    std::string spdx = model::check_license_expression(h->value).normalized;
    return spdx.empty() ? h->value : spdx;
  }
  const Header* text = first(headers, "license");
  if (text != nullptr)
    if (std::string spdx = as_spdx(text->value); !spdx.empty()) return spdx;
  std::vector<std::string> mapped, names;
  bool all_mapped = true;
  for (const auto& h : headers) {
    if (h.name != "classifier") continue;
    std::string_view c = h.value;
    if (!c.starts_with("License ::")) continue;
    auto leaf_at = c.rfind("::");
    std::string_view leaf = trim(c.substr(leaf_at + 2));
    if (leaf == "OSI Approved") continue;  // the bare category says nothing about which licence
    std::string_view id = spdx_for_classifier(leaf);
    all_mapped = all_mapped && !id.empty();
    if (!id.empty() && std::find(mapped.begin(), mapped.end(), id) == mapped.end()) mapped.emplace_back(id);
    if (std::find(names.begin(), names.end(), leaf) == names.end()) names.emplace_back(leaf);
  }
  if (!names.empty() && all_mapped) return join(mapped, " OR ");
  if (text != nullptr && text->value.find('\n') == std::string::npos && text->value.size() <= k_max_license_text)
    return text->value;
  return join(names, " OR ");
}

// "Name <addr>, other@example.org" (RFC 822 address list) → the display names, else the addresses. A quoted display
// name holding a comma is split there: good enough for a supplier name.
std::string names_in_addresses(std::string_view value) {
  std::vector<std::string> out;
  for (auto part : util::split(value, ',')) {
    part = trim(part);
    auto lt = part.find('<');
    std::string_view name = lt == std::string_view::npos ? part : trim(part.substr(0, lt));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = trim(name.substr(1, name.size() - 2));
    if (name.empty() && lt != std::string_view::npos) {
      name = part.substr(lt + 1);
      if (auto gt = name.find('>'); gt != std::string_view::npos) name = name.substr(0, gt);
      name = trim(name);
    }
    if (!name.empty()) out.emplace_back(name);
  }
  return join(out, ", ");
}

std::string supplier_of(const std::vector<Header>& headers) {
  for (std::string_view h : {"maintainer", "author"})
    if (const Header* found = first(headers, h)) return found->value;
  for (std::string_view h : {"maintainer-email", "author-email"})
    if (const Header* found = first(headers, h))
      if (std::string names = names_in_addresses(found->value); !names.empty()) return names;
  return {};
}

// Project-URL labels are compared normalised (core metadata §Project-URL: lower case, punctuation and spaces out).
std::string homepage_of(const std::vector<Header>& headers) {
  if (const Header* h = first(headers, "home-page")) return h->value;
  for (const auto& h : headers) {
    if (h.name != "project-url") continue;
    auto comma = h.value.find(',');
    if (comma == std::string::npos) continue;
    std::string label;
    for (char c : util::to_lower(std::string_view(h.value).substr(0, comma)))
      if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) label += c;
    if (label == "homepage" || label == "home") return std::string(trim(std::string_view(h.value).substr(comma + 1)));
  }
  return {};
}

// Needs, one per PEP 503 name: required when any requirement naming it is unconditional.
class Needs {
 public:
  void add(std::string_view name, bool optional) {
    std::string key = pypi_key(name);
    if (key.empty()) return;
    auto [it, inserted] = m_index.try_emplace(key, m_needs.size());
    if (inserted)
      m_needs.push_back({std::move(key), optional});
    else
      m_needs[it->second].optional = m_needs[it->second].optional && optional;
  }
  std::vector<Requirement> take() { return std::move(m_needs); }

 private:
  std::map<std::string, std::size_t> m_index;
  std::vector<Requirement> m_needs;
};

void warn(ParseResult& out, const std::string& path, std::uint64_t line, std::string message) {
  out.diagnostics.push_back({Severity::warning, std::move(message), {path, line}});
}

// requires.txt (setuptools' egg-info): requirement lines, grouped under "[extra]", "[:marker]" or "[extra:marker]"
// section headers; everything in a section is conditional.
void read_requires_txt(std::string_view text, const std::string& path, Needs& needs, ParseResult& out) {
  bool in_section = false;
  std::uint64_t line_no = 0;
  for (auto line : util::split(text, '\n')) {
    ++line_no;
    line = trim(line);
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '[') {
      in_section = true;
      continue;
    }
    Pep508 r;
    std::string why;
    if (!parse_pep508(line, r, why)) {
      warn(out, path, line_no, "invalid requirement: " + why);
      continue;
    }
    needs.add(r.name, in_section || !r.markers.empty());
  }
}

// A minimal RFC 4180 reader for RECORD: the first field of every row (paths with commas or quotes are quoted).
// Returns false on an unterminated quoted field, with its line in `bad_line`.
bool record_paths(std::string_view text, std::vector<std::string>& paths, std::uint64_t& bad_line) {
  std::size_t i = 0;
  std::uint64_t line = 1;
  const std::size_t n = text.size();
  while (i < n) {
    std::string field;
    const std::uint64_t row_line = line;
    if (text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char c = text[i++];
        if (c == '"') {
          if (i < n && text[i] == '"') {
            field += '"';
            ++i;
            continue;
          }
          closed = true;
          break;
        }
        if (c == '\n') ++line;
        field += c;
      }
      if (!closed) {
        bad_line = row_line;
        return false;
      }
    } else {
      std::size_t end = text.find_first_of(",\n", i);
      if (end == std::string_view::npos) end = n;
      field.assign(text.substr(i, end - i));
      i = end;
    }
    // The rest of the row (hash and size) is not needed.
    std::size_t eol = text.find('\n', i);
    i = eol == std::string_view::npos ? n : eol + 1;
    ++line;
    if (!field.empty() && field.back() == '\r') field.pop_back();
    if (!field.empty()) paths.push_back(std::move(field));
  }
  return true;
}

// A path recorded relative to `base_dir` (or absolute: relative to the source root), as a source-relative path;
// empty when it leaves the root.
std::string resolve_owned(const std::string& base_dir, std::string_view recorded) {
  if (!recorded.empty() && recorded.front() == '/') return source::join_relative("x", recorded.substr(1));
  return source::join_relative(base_dir.empty() ? std::string("x") : base_dir + "/x", recorded);
}

void finish_owned(std::vector<std::string>& owned) {
  owned.erase(std::remove(owned.begin(), owned.end(), std::string()), owned.end());
  std::sort(owned.begin(), owned.end());
  owned.erase(std::unique(owned.begin(), owned.end()), owned.end());
}

// direct_url.json (PEP 610, "Direct URL Data Structure"): where a distribution installed from a URL came from.
void read_direct_url(std::string_view text, model::Package& p) {
  util::json::Scanner s(text, {.validate_utf8 = false});
  std::string url, vcs, commit, buffer, key;
  bool archive = false, directory = false, editable = false;
  if (s.peek_kind() != util::json::Kind::object) return;
  s.begin_object();
  std::string_view name, value;
  std::size_t at = 0;
  auto read_string = [&](std::string& into) {
    if (s.peek_kind() != util::json::Kind::string) return s.skip_value();
    if (!s.read_string(value, buffer)) return false;
    into.assign(value);
    return true;
  };
  for (bool first_member = true; s.next_member(first_member, name, at, buffer); first_member = false) {
    key.assign(name);
    if (key == "url") {
      if (!read_string(url)) return;
    } else if ((key == "vcs_info" || key == "dir_info") && s.peek_kind() == util::json::Kind::object) {
      const bool is_vcs = key == "vcs_info";
      directory = directory || !is_vcs;
      s.begin_object();
      for (bool f = true; s.next_member(f, name, at, buffer); f = false) {
        key.assign(name);
        bool ok = true;
        if (is_vcs && key == "vcs")
          ok = read_string(vcs);
        else if (is_vcs && key == "commit_id")
          ok = read_string(commit);
        else if (!is_vcs && key == "editable" && s.peek_kind() == util::json::Kind::boolean)
          ok = s.read_bool(editable);
        else
          ok = s.skip_value();
        if (!ok) return;
      }
    } else {
      archive = archive || key == "archive_info";
      if (!s.skip_value()) return;
    }
  }
  if (s.failed() || url.empty()) return;
  if (!vcs.empty())
    p.add_property("purser:pypi:source", vcs + "+" + url + (commit.empty() ? "" : "@" + commit));
  else if (directory)
    p.add_property("purser:pypi:source", "directory:" + url);
  else if (archive)
    p.download_url = url;
  if (editable) p.add_property("purser:pypi:editable", "true");
}

std::string_view parent_dir(std::string_view path) {
  auto slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view{} : path.substr(0, slash);
}

void parse_impl(std::string_view bytes, const std::string& path, const FileResolver& resolver, ParseResult& out) {
  // Layout: ".../X.dist-info/METADATA", ".../X.egg-info/PKG-INFO" or the single file ".../X.egg-info".
  const bool single_file = path.ends_with(".egg-info");
  const std::string meta_dir(single_file ? std::string_view(path) : parent_dir(path));
  const bool dist_info = meta_dir.ends_with(".dist-info");
  const std::string site_dir(parent_dir(meta_dir));
  out.link_scope = "python:" + site_dir;

  auto headers = read_headers(bytes);
  const Header* name = first(headers, "name");
  const Header* version = first(headers, "version");
  if (name == nullptr || version == nullptr) {
    out.diagnostics.push_back({Severity::warning,
                               std::string("invalid package metadata: no ") + (name ? "Version" : "Name") + " header",
                               {path}});
    return;
  }

  Entry e;
  e.package = make_pypi_package(name->value, version->value);
  e.package.locations.push_back({path});
  e.package.license = license_of(headers);
  e.package.supplier = supplier_of(headers);
  if (std::string home = homepage_of(headers); !home.empty()) e.package.add_property("purser:pypi:homepage", home);
  e.provides.push_back(pypi_key(name->value));

  Needs needs;
  for (const auto& h : headers) {
    if (h.name != "requires-dist") continue;
    Pep508 r;
    std::string why;
    if (!parse_pep508(h.value, r, why)) {
      warn(out, path, h.line, "invalid Requires-Dist: " + why);
      continue;
    }
    needs.add(r.name, !r.markers.empty());
  }

  // Sibling files: read through the resolver relative to the metadata file (for the single-file egg-info there are
  // none).
  auto sibling = [&](std::string_view file) -> std::optional<std::string> {
    if (single_file) return std::nullopt;
    auto text = resolver.read_relative(path, file);
    if (!text.ok()) return std::nullopt;
    return std::move(*text);
  };
  if (dist_info) {
    if (auto record = sibling("RECORD")) {
      std::vector<std::string> paths;
      std::uint64_t bad_line = 0;
      if (!record_paths(*record, paths, bad_line))
        warn(out, meta_dir + "/RECORD", bad_line, "invalid RECORD: unterminated quoted field");
      for (const auto& p : paths) e.owned_files.push_back(resolve_owned(site_dir, p));
    }
    if (auto installer = sibling("INSTALLER"); installer && !trim(*installer).empty())
      e.package.add_property("purser:pypi:installer", std::string(trim(*installer)));
    if (auto direct = sibling("direct_url.json")) read_direct_url(*direct, e.package);
  } else {
    if (auto files = sibling("installed-files.txt"))
      for (auto line : util::split(*files, '\n'))
        if (line = trim(line); !line.empty()) e.owned_files.push_back(resolve_owned(meta_dir, line));
    if (auto requires_txt = sibling("requires.txt"))
      read_requires_txt(*requires_txt, meta_dir + "/requires.txt", needs, out);
  }
  finish_owned(e.owned_files);
  e.needs = needs.take();
  out.entries.push_back(std::move(e));
}

}  // namespace

ParseResult parse_installed(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    parse_impl(bytes, path, resolver, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({Severity::error, std::string("invalid package metadata: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& installed_cataloger() {
  static const Cataloger c{
      "python-installed",
      "python",
      {"installed"},
      {"**/*.dist-info/METADATA", "**/*.egg-info/PKG-INFO", "**/*.egg-info"},
      "installed Python distributions (*.dist-info, *.egg-info) with their RECORD files and Requires-Dist edges",
      &parse_installed,
      {"**/*.dist-info/RECORD", "**/*.dist-info/INSTALLER", "**/*.dist-info/direct_url.json",
       "**/*.egg-info/installed-files.txt", "**/*.egg-info/requires.txt"}};
  return c;
}

}  // namespace purser::catalog::python
