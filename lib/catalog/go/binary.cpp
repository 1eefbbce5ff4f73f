#include "lib/catalog/go/binary.hpp"

// Module information lines (runtime/debug.BuildInfo.String): "path\tP", "mod\tPATH\tVERSION\tSUM",
// "dep\tPATH\tVERSION\tSUM", "=>\tPATH\tVERSION\tSUM" (replaces the line before), "build\tKEY=VALUE". How they are
// found in the executable: lib/catalog/binary/executable.cpp.

#include <algorithm>
#include <array>
#include <optional>

#include "lib/catalog/binary/executable.hpp"
#include "lib/catalog/go/go_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::go {

namespace {

using util::Severity;

struct Module {
  std::string path, version, sum;
  std::string replaced_from;  // "path@version" of the module a "=>" line replaced
  std::string replaced_by;    // a local directory replacing it
  std::size_t line = 0;
};

// Applies a "=>" line to the module it follows.
void replace(Module& m, std::string_view path, std::string_view version, std::string_view sum) {
  if (version.empty()) {  // a directory on the builder's machine: the original module's identity stays
    m.replaced_by = std::string(path);
    m.sum.clear();
    return;
  }
  m.replaced_from = m.path + "@" + m.version;
  m.path = std::string(path);
  m.version = std::string(version);
  m.sum = std::string(sum);
}

bool keep_build_setting(std::string_view key) {
  static constexpr std::array<std::string_view, 14> keys = {
      "GOOS",      "GOARCH", "GOARM",     "GOAMD64", "GO386",        "CGO_ENABLED", "-buildmode",
      "-compiler", "-tags",  "-trimpath", "vcs",     "vcs.revision", "vcs.time",    "vcs.modified"};
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// "go1.21.5", "go1.21.5 X:boringcrypto" → "1.21.5"; "devel go1.22-abc" → "" (no release).
std::string stdlib_version(std::string_view toolchain) {
  auto space = toolchain.find(' ');
  std::string_view first = toolchain.substr(0, space);
  if (first.substr(0, 2) != "go" || first.size() < 3) return {};
  return std::string(first.substr(2));
}

Entry module_entry(const Module& m, const std::string& path) {
  Entry e;
  e.package = make_go_package(m.path, m.version == "(devel)" ? std::string() : m.version);
  if (!m.sum.empty()) add_h1_hash(e.package, m.sum);
  if (!m.replaced_from.empty()) e.package.add_property("purser:golang:replaces", m.replaced_from);
  if (!m.replaced_by.empty()) e.package.add_property("purser:golang:replaced-by", m.replaced_by);
  e.package.locations.push_back({path});
  e.provides.push_back("module:" + m.path);
  return e;
}

}  // namespace

ParseResult parse_go_binary(std::string_view condensed, const std::string& path, const FileResolver&) {
  ParseResult out;
  if (condensed.substr(0, 2) != "go") return out;  // nothing, or another language's record
  std::string toolchain, main_package;
  std::vector<std::pair<std::string, std::string>> settings;
  std::optional<Module> main;
  std::vector<Module> deps;
  Module* last = nullptr;
  std::size_t line_no = 0;
  for (std::string_view line : util::split(condensed, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    auto fields = util::split(line, '\t');
    std::string_view kind = fields[0];
    if (kind == "go!") {
      out.diagnostics.push_back({Severity::warning, std::string(fields.size() > 1 ? fields[1] : "invalid"), {path}});
      return out;
    }
    auto field = [&](std::size_t i) { return i < fields.size() ? fields[i] : std::string_view(); };
    if (kind == "go") {
      toolchain = std::string(field(1));
    } else if (kind == "path") {
      main_package = std::string(field(1));
    } else if (kind == "mod" || kind == "dep") {
      Module m{std::string(field(1)), std::string(field(2)), std::string(field(3)), {}, {}, line_no};
      if (m.path.empty()) {
        out.diagnostics.push_back(
            {Severity::warning,
             "invalid go build information: module line " + std::to_string(line_no - 1) + " without a path",
             {path}});
        last = nullptr;
        continue;
      }
      if (kind == "mod") {
        main = std::move(m);
        last = &*main;
      } else {
        deps.push_back(std::move(m));
        last = &deps.back();
      }
    } else if (kind == "=>") {
      if (last) replace(*last, field(1), field(2), field(3));
      last = nullptr;
    } else if (kind == "build") {
      std::string_view kv = field(1);
      auto eq = kv.find('=');
      if (eq != std::string_view::npos && keep_build_setting(kv.substr(0, eq)))
        settings.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    // Unknown line kinds from newer toolchains are skipped.
  }

  std::vector<Requirement> needs;
  for (const auto& d : deps) {
    out.entries.push_back(module_entry(d, path));
    needs.push_back({"module:" + d.path});
  }
  std::string stdlib = stdlib_version(toolchain);
  if (!toolchain.empty()) {
    Entry e;
    e.package = make_go_package("stdlib", stdlib);
    e.package.locations.push_back({path});
    e.package.add_property("purser:golang:toolchain", toolchain);
    e.provides.push_back("stdlib");
    out.entries.push_back(std::move(e));
    needs.push_back({"stdlib"});
  }
  if (main) {
    Entry e = module_entry(*main, path);
    e.package.type = model::ComponentType::application;
    if (!toolchain.empty()) e.package.add_property("purser:golang:toolchain", toolchain);
    if (!main_package.empty()) e.package.add_property("purser:golang:main-package", main_package);
    for (const auto& [k, v] : settings) e.package.add_property("purser:golang:build:" + k, v);
    e.needs = std::move(needs);
    e.root = true;
    out.entries.push_back(std::move(e));
  }
  return out;
}

const Cataloger& go_binary_cataloger() {
  static const Cataloger c{"go-binary",
                           "go",
                           {"installed", "image", "binary"},
                           {"**"},
                           "Go executables' embedded build information (main module, dependencies, toolchain)",
                           parse_go_binary,
                           {},
                           binary::condense_executable,
                           true};
  return c;
}

}  // namespace purser::catalog::go
