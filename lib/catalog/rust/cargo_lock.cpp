#include "lib/catalog/rust/cargo_lock.hpp"

// Cargo.lock reader (cargo's resolver encoding, src/cargo/core/resolver/encode.rs and
// ResolveVersion). Format versions:
// - v1: no `version` key; every dependency is written "name version (source)" (path
//   packages: "name version"); checksums live in [metadata] as
//   "checksum <name> <version> (<source>)" = "<hex>" (or "<none>"). Very old files have
//   the root package in a [root] table.
// - v2: no `version` key either; `checksum` per [[package]]; dependencies written with
//   the least text that is unambiguous: "name", "name version" or "name version (source)".
// - v3: `version = 3`; git sources record `?branch=`/`?tag=`/`?rev=` from the manifest.
// - v4: `version = 4`; source URLs are properly URL-encoded (cargo PR 12852), so query
//   values are percent-decoded before being reported.
// Packages without `source` are local (workspace members or path dependencies); the
// Cargo.toml beside the lock tells which are members, i.e. the artifact's roots.

#include <toml++/toml.h>

#include <map>
#include <set>
#include <unordered_map>
#include <utility>
#include <vector>

#include "lib/catalog/toml_util.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::rust {

namespace {

using util::Diagnostic;
using util::Severity;

constexpr std::string_view k_crates_io_git = "registry+https://github.com/rust-lang/crates.io-index";
constexpr std::string_view k_crates_io_sparse = "sparse+https://index.crates.io/";

bool is_crates_io(std::string_view source) { return source == k_crates_io_git || source == k_crates_io_sparse; }

std::string sibling(const std::string& path, std::string_view name) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string(name) : path.substr(0, slash + 1) + std::string(name);
}

/// A dependency reference as Cargo writes it: "name[ version[ (source)]]".
struct DepRef {
  std::string name, version, source;
  bool ok = false;
};

DepRef parse_dep(std::string_view text) {
  DepRef d;
  text = util::trim(text);
  auto sp = text.find(' ');
  d.name = std::string(text.substr(0, sp));
  if (d.name.empty()) return d;
  if (sp != std::string_view::npos) {
    std::string_view rest = util::trim(text.substr(sp + 1));
    auto sp2 = rest.find(' ');
    d.version = std::string(rest.substr(0, sp2));
    if (sp2 != std::string_view::npos) {
      std::string_view src = util::trim(rest.substr(sp2 + 1));
      if (src.size() < 2 || src.front() != '(' || src.back() != ')') return d;
      d.source = std::string(src.substr(1, src.size() - 2));
    }
  }
  d.ok = true;
  return d;
}

std::string key_of(std::string_view name, std::string_view version, std::string_view source) {
  std::string k(name);
  if (!version.empty()) {
    k += ' ';
    k += version;
    if (!source.empty()) {
      k += " (";
      k += source;
      k += ')';
    }
  }
  return k;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// v4 percent-encodes query values ("?branch=feat%2Fx"); decode the query so the
// reported source reads the same as a v3 lock of the same project.
std::string decode_query(std::string_view source) {
  auto q = source.find('?');
  if (q == std::string_view::npos) return std::string(source);
  auto hash = source.find('#', q);
  std::string out(source.substr(0, q + 1));
  std::string_view query = source.substr(q + 1, hash == std::string_view::npos ? std::string_view::npos : hash - q - 1);
  for (std::size_t i = 0; i < query.size(); ++i) {
    if (query[i] == '%' && i + 2 < query.size() && hex_digit(query[i + 1]) >= 0 && hex_digit(query[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(query[i + 1]) * 16 + hex_digit(query[i + 2]));
      i += 2;
    } else if (query[i] == '+') {
      out += ' ';
    } else {
      out += query[i];
    }
  }
  if (hash != std::string_view::npos) out += source.substr(hash);
  return out;
}

bool is_sha256_hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (hex_digit(c) < 0) return false;
  return true;
}

std::string string_at(const toml::table& t, std::string_view key) {
  if (auto v = t[key].value<std::string>()) return *v;
  return {};
}

struct Pkg {
  std::string name, version, source, checksum;
  std::vector<std::string> deps;
  std::uint64_t line = 0;
  bool from_root_table = false;
};

// Which source-less packages are roots, from Cargo.toml's [package] name and the
// [workspace] members' own manifests. Returns false when that cannot be decided (no
// readable manifest, a glob member, an unreadable member): then every local package is
// treated as a root.
bool manifest_roots(const std::string& path, const FileResolver& resolver, std::set<std::string>& names,
                    std::vector<Diagnostic>& diags) {
  auto manifest = resolver.read_relative(path, "Cargo.toml");
  if (!manifest.ok()) return false;
  auto parse = [&](const std::string& text, const std::string& where, toml::table& out) {
    try {
      out = toml::parse(text, where);
      return true;
    } catch (const toml::parse_error& e) {
      std::uint64_t line = 0;
      std::string msg = toml_error_message(e, line);
      diags.push_back({Severity::warning, msg, {where, line}});
      return false;
    }
  };
  toml::table top;
  std::string top_path = sibling(path, "Cargo.toml");
  if (!parse(*manifest, top_path, top)) return false;
  if (auto n = top["package"]["name"].value<std::string>()) names.insert(*n);
  const toml::array* members = top["workspace"]["members"].as_array();
  if (members == nullptr) return !names.empty();
  for (const auto& m : *members) {
    auto dir = m.value<std::string>();
    if (!dir) continue;
    if (dir->find_first_of("*?[") != std::string::npos) return false;  // globs need a directory listing
    if (*dir == "." || dir->empty()) continue;
    std::string rel = *dir + "/Cargo.toml";
    auto member = resolver.read_relative(path, rel);
    if (!member.ok()) return false;
    toml::table mt;
    if (!parse(*member, sibling(path, rel), mt)) return false;
    auto n = mt["package"]["name"].value<std::string>();
    if (!n) return false;
    names.insert(*n);
  }
  return !names.empty();
}

void parse_impl(std::string_view bytes, const std::string& path, const FileResolver& resolver, ParseResult& out) {
  auto parsed = parse_toml(bytes, path, out, "invalid Cargo.lock: not a text file");
  if (!parsed) return;
  toml::table doc = std::move(*parsed);

  std::int64_t version = 0;  // 0: v1 or v2, told apart by where checksums live
  if (auto v = doc["version"]; v) {
    // as_integer(), not value<int64_t>(): toml++ converts a float such as 4.4e23 to
    // int64 with undefined behaviour (found by the fuzzer).
    if (const auto* n = v.as_integer()) {
      version = n->get();
      if (version < 1 || version > 4)
        out.diagnostics.push_back({Severity::warning,
                                   "unsupported Cargo.lock version: " + std::to_string(version),
                                   {path, v.node()->source().begin.line}});
    } else {
      out.diagnostics.push_back(
          {Severity::warning, "invalid Cargo.lock: version is not an integer", {path, v.node()->source().begin.line}});
    }
  }

  std::vector<Pkg> pkgs;
  auto read_pkg = [&](const toml::table& t, bool from_root) {
    Pkg p;
    p.line = t.source().begin.line;
    p.name = string_at(t, "name");
    p.version = string_at(t, "version");
    p.source = string_at(t, "source");
    p.checksum = string_at(t, "checksum");
    p.from_root_table = from_root;
    if (p.name.empty() || p.version.empty()) {
      out.diagnostics.push_back(
          {Severity::error, "invalid Cargo.lock: package without name or version", {path, p.line}});
      return;
    }
    if (const auto* deps = t["dependencies"].as_array()) {
      for (const auto& d : *deps)
        if (auto s = d.value<std::string>()) p.deps.push_back(*s);
    }
    pkgs.push_back(std::move(p));
  };
  if (const auto* root = doc["root"].as_table()) read_pkg(*root, true);
  if (auto node = doc["package"]; node) {
    if (const auto* arr = node.as_array()) {
      for (const auto& item : *arr) {
        if (const auto* t = item.as_table())
          read_pkg(*t, false);
        else
          out.diagnostics.push_back(
              {Severity::error, "invalid Cargo.lock: package is not a table", {path, item.source().begin.line}});
      }
    } else {
      out.diagnostics.push_back({Severity::error,
                                 "invalid Cargo.lock: package is not an array of tables",
                                 {path, node.node()->source().begin.line}});
    }
  } else if (pkgs.empty() && doc.empty()) {
    return;  // an empty lock: nothing to report
  } else if (pkgs.empty()) {
    out.diagnostics.push_back({Severity::error, "invalid Cargo.lock: no [[package]] entries", {path, 0}});
    return;
  }

  // v1: "checksum <name> <version> (<source>)" = "<hex>" in [metadata].
  std::unordered_map<std::string, std::string> v1_sums;
  if (const auto* meta = doc["metadata"].as_table()) {
    for (const auto& [k, v] : *meta) {
      std::string_view key = k.str();
      if (key.substr(0, 9) != "checksum ") continue;
      if (auto s = v.value<std::string>()) {
        DepRef d = parse_dep(key.substr(9));
        if (d.ok) v1_sums[key_of(d.name, d.version, d.source)] = *s;
      }
    }
  }

  std::map<std::string, int> name_count;
  for (const auto& p : pkgs) ++name_count[p.name];

  std::set<std::string> root_names;
  bool by_manifest = manifest_roots(path, resolver, root_names, out.diagnostics);

  std::set<std::string> provided;
  std::set<std::string> seen;
  for (const auto& p : pkgs) {
    Entry e;
    auto& pkg = e.package;
    pkg.name = p.name;
    pkg.version = p.version;
    pkg.ecosystem = "cargo";
    model::Purl purl;
    purl.type = "cargo";
    purl.name = p.name;
    purl.version = p.version;
    // The same name@version from crates.io, another registry and a git repository are
    // different crates: the purl's generic qualifiers keep them apart (purl spec:
    // repository_url for an alternative registry, vcs_url "git+URL@commit" for git).
    if (!p.source.empty() && !is_crates_io(p.source)) {
      std::string src = version >= 4 ? decode_query(p.source) : p.source;
      if (src.rfind("git+", 0) == 0) {
        std::string url = src.substr(0, src.find_first_of("?#"));
        auto hash = src.rfind('#');
        purl.qualifiers["vcs_url"] = hash == std::string::npos ? url : url + "@" + src.substr(hash + 1);
      } else if (auto plus = src.find('+'); plus != std::string::npos) {
        purl.qualifiers["repository_url"] = src.substr(plus + 1);
      }
    }
    pkg.purl = purl.to_string();
    pkg.locations = {{path, p.line}};

    std::string checksum = p.checksum;
    if (checksum.empty()) {
      auto it = v1_sums.find(key_of(p.name, p.version, p.source));
      if (it != v1_sums.end() && it->second != "<none>") checksum = it->second;
    }
    // The checksum is the SHA-256 of the .crate archive as the registry serves it.
    if (!checksum.empty()) {
      if (is_sha256_hex(checksum))
        pkg.hashes.push_back({"SHA-256", util::to_lower(checksum)});
      else
        out.diagnostics.push_back(
            {Severity::warning,
             "invalid checksum for " + util::printable(p.name + " " + p.version) + ": not SHA-256 hex",
             {path, p.line}});
    }

    if (p.source.empty()) {
      e.root = p.from_root_table || (by_manifest ? root_names.count(p.name) > 0 : true);
      if (e.root) pkg.type = model::ComponentType::application;
    } else if (is_crates_io(p.source)) {
      pkg.download_url = "https://crates.io/api/v1/crates/" + model::purl_encode(p.name) + "/" +
                         model::purl_encode(p.version, "+") + "/download";
    } else {
      pkg.add_property("purser:cargo:source", version >= 4 ? decode_query(p.source) : p.source);
    }

    std::string full = key_of(p.name, p.version, p.source);
    if (!seen.insert(full).second) {
      out.diagnostics.push_back(
          {Severity::warning, "duplicate package: " + util::printable(full, 200), {path, p.line}});
      continue;
    }
    e.provides.push_back(key_of(p.name, p.version, ""));
    if (!p.source.empty()) e.provides.push_back(full);
    // Cargo writes a bare name only when no other package in the lock shares it.
    if (name_count[p.name] == 1) e.provides.push_back(p.name);
    for (const auto& k : e.provides) provided.insert(k);

    for (const auto& d : p.deps) {
      DepRef r = parse_dep(d);
      if (!r.ok) {
        out.diagnostics.push_back({Severity::warning, "invalid dependency: " + util::printable(d), {path, p.line}});
        continue;
      }
      e.needs.push_back({key_of(r.name, r.version, r.source), false});
    }
    out.entries.push_back(std::move(e));
  }

  for (const auto& e : out.entries)
    for (const auto& n : e.needs)
      if (!provided.count(n.key))
        out.diagnostics.push_back({Severity::warning,
                                   "unresolved dependency: " + util::printable(n.key, 200) + " of " +
                                       util::printable(e.package.name + " " + e.package.version),
                                   e.package.locations.front()});
}

}  // namespace

ParseResult parse_cargo_lock(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    parse_impl(bytes, path, resolver, out);
  } catch (const std::exception& ex) {
    out.entries.clear();
    out.diagnostics.push_back({Severity::error, std::string("invalid Cargo.lock: ") + ex.what(), {path, 0}});
  }
  return out;
}

const Cataloger& cargo_lock_cataloger() {
  static const Cataloger c{"rust-cargo-lock",  "rust",           {"source", "lockfile"}, {"Cargo.lock"},
                           "Cargo.lock v1-v4", &parse_cargo_lock};
  return c;
}

}  // namespace purser::catalog::rust
