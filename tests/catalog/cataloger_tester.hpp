#pragma once
// A fluent tester for catalogers (STYLE 16, after syft's CatalogTester): feed bytes or a
// fixture, then expect name@version sets, edges (resolved by the real assembler),
// roots and diagnostics.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "lib/catalog/cataloger.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/source/source.hpp"

namespace purser::catalog::testing {

/// ../shared/bench/lockfiles: real-world inputs, read in place and never copied into the
/// repository. Absent on machines without ../shared; tests that need it skip there.
inline std::filesystem::path shared_lockfiles() {
  return std::filesystem::path(PURSER_SHARED_DIR) / "bench" / "lockfiles";
}

/// A whole file's bytes, or "" when it cannot be read.
inline std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Reads fixtures/<relative> from the source tree; fails the test if missing.
inline std::string read_fixture(const std::string& relative) {
  std::ifstream in(std::string(PURSER_SOURCE_DIR) + "/fixtures/" + relative, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing fixture: " << relative;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// In-memory sibling files for FileResolver.
class MapResolver final : public FileResolver {
 public:
  std::map<std::string, std::string> files;  ///< source-relative path -> bytes
  util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const override {
    std::string joined = source::join_relative(from, relative);
    auto it = files.find(joined);
    if (joined.empty() || it == files.end())
      return util::make_error(util::ErrorCode::io, "cannot read: No such file or directory", {std::string(relative)});
    return it->second;
  }
};

class CatalogTester {
 public:
  explicit CatalogTester(ParseFn fn) : m_fn(fn) {}

  /// Parse `bytes` as if found at `path`.
  CatalogTester& from_string(std::string bytes, std::string path = "fixture") {
    m_bytes = std::move(bytes);
    m_path = std::move(path);
    return *this;
  }
  /// Parse fixtures/<relative>; the reported path is `relative`. Sibling files in the
  /// same fixture dir can be added with with_fixture_file().
  CatalogTester& from_fixture(const std::string& relative) {
    m_bytes = read_fixture(relative);
    m_path = relative;
    return *this;
  }
  /// Make fixtures/<relative> readable through the resolver at path `relative`.
  CatalogTester& with_fixture_file(const std::string& relative) {
    m_resolver.files[relative] = read_fixture(relative);
    return *this;
  }
  /// Make `bytes` readable through the resolver at `path`.
  CatalogTester& with_file(const std::string& path, std::string bytes) {
    m_resolver.files[path] = std::move(bytes);
    return *this;
  }

  /// Runs the parser (once) and returns its raw result.
  const ParseResult& result() {
    if (!m_ran) {
      m_result = m_fn(m_bytes, m_path, m_resolver);
      m_ran = true;
    }
    return m_result;
  }

  /// Exactly these "name@version" (or bare "name" when unpinned) packages.
  CatalogTester& expect_packages(const std::set<std::string>& expected) {
    std::multiset<std::string> seen;
    for (const auto& e : result().entries) seen.insert(label(e.package));
    std::set<std::string> unique(seen.begin(), seen.end());
    EXPECT_EQ(unique, expected);
    return *this;
  }
  /// Exactly these purls (unique set).
  CatalogTester& expect_purls(const std::set<std::string>& expected) {
    std::set<std::string> seen;
    for (const auto& e : result().entries) seen.insert(e.package.purl);
    EXPECT_EQ(seen, expected);
    return *this;
  }
  /// Exactly these dependency edges between "name@version" labels, as the shared
  /// resolver draws them (edges from the document root are not included).
  CatalogTester& expect_edges(const std::set<std::pair<std::string, std::string>>& expected) {
    EXPECT_EQ(edges(), expected);
    return *this;
  }
  /// Exactly these packages are the artifact's top level (hung off the document root).
  CatalogTester& expect_roots(const std::set<std::string>& expected) {
    auto doc = assembled();
    std::map<std::string, std::string> labels;
    for (const auto& p : doc.packages) labels[p.ref()] = label(p);
    std::set<std::string> roots;
    for (const auto& r : doc.relationships)
      if (r.from == doc.root.ref()) roots.insert(labels[r.to]);
    EXPECT_EQ(roots, expected);
    return *this;
  }
  /// Exactly these diagnostics, full text ("path:line: message").
  CatalogTester& expect_diagnostics(const std::vector<std::string>& expected) {
    std::vector<std::string> seen;
    for (const auto& d : result().diagnostics) seen.push_back(d.to_string());
    EXPECT_EQ(seen, expected);
    return *this;
  }
  /// No diagnostics at all.
  CatalogTester& expect_no_diagnostics() { return expect_diagnostics({}); }

  /// The package with this label; fails the test when absent.
  model::Package package(const std::string& label_text) {
    for (const auto& e : result().entries)
      if (label(e.package) == label_text) return e.package;
    ADD_FAILURE() << "no package " << label_text;
    return {};
  }

  /// All edges drawn by the real assembler, as label pairs.
  std::set<std::pair<std::string, std::string>> edges() {
    auto doc = assembled();
    std::map<std::string, std::string> labels;
    for (const auto& p : doc.packages) labels[p.ref()] = label(p);
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& r : doc.relationships)
      if (r.from != doc.root.ref()) out.insert({labels[r.from], labels[r.to]});
    return out;
  }

  static std::string label(const model::Package& p) { return p.version.empty() ? p.name : p.name + "@" + p.version; }

 private:
  model::Document assembled() {
    model::Document doc;
    doc.root.name = "root";
    doc.root.ecosystem = "directory";
    std::vector<ParseResult> results{result()};
    assemble(doc, std::move(results));
    return doc;
  }

  ParseFn m_fn;
  std::string m_bytes;
  std::string m_path = "fixture";
  MapResolver m_resolver;
  ParseResult m_result;
  bool m_ran = false;
};

}  // namespace purser::catalog::testing
