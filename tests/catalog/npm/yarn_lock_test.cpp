#include "lib/catalog/npm/yarn_lock.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "lib/catalog/scan.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace purser {
namespace {

using catalog::npm::parse_yarn_lock;
using catalog::testing::CatalogTester;

// --- classic v1 -------------------------------------------------------------

TEST(YarnLockV1, FixturePackagesEdgesRoots) {
  CatalogTester c(&parse_yarn_lock);
  c.from_fixture("yarn/v1/yarn.lock")
      .expect_no_diagnostics()
      .expect_packages({"@babel/helper@7.2.5", "debug@4.3.4", "fsevents@2.3.3", "js-tokens@4.0.0", "left-pad@1.3.0",
                        "loose-envify@1.4.0", "ms@2.1.2", "nan@2.17.0", "string-width@4.2.3"})
      .expect_edges({{"@babel/helper@7.2.5", "debug@4.3.4"},
                     {"@babel/helper@7.2.5", "js-tokens@4.0.0"},
                     {"debug@4.3.4", "ms@2.1.2"},
                     {"fsevents@2.3.3", "nan@2.17.0"},
                     {"loose-envify@1.4.0", "js-tokens@4.0.0"},
                     {"loose-envify@1.4.0", "fsevents@2.3.3"}})
      // No root marker in v1: what nothing requires is top level.
      .expect_roots({"@babel/helper@7.2.5", "left-pad@1.3.0", "loose-envify@1.4.0", "string-width@4.2.3"});
  for (const auto& e : c.result().entries) EXPECT_FALSE(e.root);
}

TEST(YarnLockV1, FixtureDetails) {
  CatalogTester c(&parse_yarn_lock);
  c.from_fixture("yarn/v1/yarn.lock");
  auto helper = c.package("@babel/helper@7.2.5");
  EXPECT_EQ(helper.purl, "pkg:npm/%40babel/helper@7.2.5");
  ASSERT_EQ(helper.hashes.size(), 1u);
  EXPECT_EQ(helper.hashes[0].algorithm, "SHA-512");
  EXPECT_EQ(helper.hashes[0].value.substr(0, 16), "5c483ab2bb5d52bf");
  EXPECT_EQ(helper.download_url, "https://registry.yarnpkg.com/@babel/helper/-/helper-7.2.5.tgz");
  ASSERT_EQ(helper.locations.size(), 1u);
  EXPECT_EQ(helper.locations[0].line, 5u);
  EXPECT_EQ(c.package("debug@4.3.4").locations[0].line, 13u);

  // No integrity: the SHA-1 fragment of `resolved` stands in.
  auto fsevents = c.package("fsevents@2.3.3");
  ASSERT_EQ(fsevents.hashes.size(), 1u);
  EXPECT_EQ(fsevents.hashes[0].algorithm, "SHA-1");
  EXPECT_EQ(fsevents.hashes[0].value, "b72a3cea179496c70010a265a33b3976da48e1f3");
  // Only reachable through optionalDependencies.
  EXPECT_EQ(fsevents.scope, model::Scope::optional);
  EXPECT_EQ(c.package("nan@2.17.0").scope, model::Scope::optional);
  EXPECT_EQ(c.package("js-tokens@4.0.0").scope, model::Scope::required);

  // A git dependency: the fragment is the commit, not a digest.
  auto left_pad = c.package("left-pad@1.3.0");
  EXPECT_TRUE(left_pad.hashes.empty());
  EXPECT_EQ(left_pad.download_url,
            "git+https://github.com/left-pad/left-pad.git#16c385a6cbd7c6ad06cd6a7195aafae4932fcf3d");

  // "string-width-cjs@npm:string-width@^4.2.0" is an alias of the real package.
  auto sw = c.package("string-width@4.2.3");
  EXPECT_EQ(sw.purl, "pkg:npm/string-width@4.2.3");
  EXPECT_EQ(sw.property("purser:npm:alias"), "string-width-cjs");
  EXPECT_EQ(c.package("ms@2.1.2").property("purser:npm:alias"), "");
}

TEST(YarnLockV1, ProvidesEveryHeaderDescriptor) {
  CatalogTester c(&parse_yarn_lock);
  c.from_fixture("yarn/v1/yarn.lock");
  for (const auto& e : c.result().entries) {
    if (e.package.name != "js-tokens") continue;
    EXPECT_EQ(e.provides, (std::vector<std::string>{"js-tokens@^4.0.0", "js-tokens@^3.0.0 || ^4.0.0"}));
  }
}

TEST(YarnLockV1, UnquotedAndCrlf) {
  CatalogTester c(&parse_yarn_lock);
  c.from_string(
       "# yarn lockfile v1\r\n\r\na@^1.0.0, a@^1.1.0:\r\n  version \"1.2.0\"\r\n  dependencies:\r\n"
       "    b \"2\"\r\n\r\nb@2:\r\n  version \"2.0.0\"\r\n",
       "yarn.lock")
      .expect_no_diagnostics()
      .expect_packages({"a@1.2.0", "b@2.0.0"})
      .expect_edges({{"a@1.2.0", "b@2.0.0"}})
      .expect_roots({"a@1.2.0"});
}

TEST(YarnLockV1, MalformedLinesAreLocatedAndSkipped) {
  CatalogTester c(&parse_yarn_lock);
  c.from_string(
       "# yarn lockfile v1\n"
       "\n"
       "a@^1:\n"
       "  version \"1.0.0\n"  // 4: unterminated
       "  version \"1.0.1\"\n"
       "      deep \"x\"\n"  // 6: deeper than fields, no block open
       "\n"
       "b@^2 c@^3:\n"           // 8: not a header
       "  version \"2.0.0\"\n"  // skipped with its bad header
       "\n"
       "    stray \"1\"\n"  // 11: still skipped
       "d@^4:\n"
       "  dependencies:\n"
       "    e \"^1\"\n"
       "\tversion \"1\"\n",  // 15: tab
       "app/yarn.lock")
      .expect_packages({"a@1.0.1", "d"})
      .expect_diagnostics({"app/yarn.lock:4: invalid yarn.lock: unterminated quoted string",
                           "app/yarn.lock:6: invalid yarn.lock: unexpected indentation",
                           "app/yarn.lock:8: invalid yarn.lock: expected an entry header 'name@range:'",
                           "app/yarn.lock:15: invalid yarn.lock: tab in indentation",
                           "app/yarn.lock:12: invalid yarn.lock: entry has no version: d@^4"});
}

TEST(YarnLockV1, IndentedBeforeAnyHeader) {
  CatalogTester c(&parse_yarn_lock);
  c.from_string("  version \"1\"\n  resolved \"x\"\n", "yarn.lock")
      .expect_packages({})
      .expect_diagnostics({"yarn.lock:1: invalid yarn.lock: unexpected indentation"});
}

TEST(YarnLockV1, ManyProblemsAreCapped) {
  std::string junk = "a@1:\n  version \"1\"\n";
  for (int i = 0; i < 200; ++i) junk += "not a lockfile line at all, nope\n";
  CatalogTester c(&parse_yarn_lock);
  auto& r = c.from_string(junk, "yarn.lock").result();
  ASSERT_EQ(r.diagnostics.size(), 11u);
  EXPECT_EQ(r.diagnostics.back().to_string(), "yarn.lock: invalid yarn.lock: 190 further problems not shown");
  EXPECT_EQ(r.entries.size(), 1u);
}

TEST(YarnLockV1, BinaryJunkIsRejected) {
  std::string junk;
  for (int i = 0; i < 512; ++i) junk += static_cast<char>((i * 37) & 0xff);
  CatalogTester c(&parse_yarn_lock);
  c.from_string(junk, "yarn.lock")
      .expect_packages({})
      .expect_diagnostics({"yarn.lock: invalid yarn.lock: not a text file"});
}

TEST(YarnLockV1, EmptyAndCommentOnly) {
  CatalogTester(&parse_yarn_lock).from_string("", "yarn.lock").expect_packages({}).expect_no_diagnostics();
  CatalogTester(&parse_yarn_lock)
      .from_string("# yarn lockfile v1\n\n", "yarn.lock")
      .expect_packages({})
      .expect_no_diagnostics();
}

TEST(YarnLockV1, EscapesInQuotedStrings) {
  CatalogTester c(&parse_yarn_lock);
  c.from_string("\"odd\\u0041@1\":\n  version \"1.0.0\"\n", "yarn.lock").expect_packages({"oddA@1.0.0"});
}

// --- Berry --------------------------------------------------------------------

TEST(YarnLockBerry, FixturePackagesEdgesRoots) {
  CatalogTester c(&parse_yarn_lock);
  c.from_fixture("yarn/berry/yarn.lock")
      .expect_no_diagnostics()
      .expect_packages({"@acme/lib", "@babel/helper@7.2.5", "acme-app", "debug@4.3.4", "fsevents@2.3.3",
                        "js-tokens@4.0.0", "ms@2.1.2", "node-gyp@10.0.1", "resolve@1.22.8"})
      .expect_edges({{"acme-app", "@acme/lib"},
                     {"acme-app", "@babel/helper@7.2.5"},
                     {"acme-app", "fsevents@2.3.3"},
                     {"acme-app", "js-tokens@4.0.0"},
                     {"@acme/lib", "debug@4.3.4"},
                     {"@acme/lib", "resolve@1.22.8"},
                     {"@babel/helper@7.2.5", "js-tokens@4.0.0"},
                     {"debug@4.3.4", "ms@2.1.2"},
                     {"fsevents@2.3.3", "node-gyp@10.0.1"}})
      .expect_roots({"acme-app", "@acme/lib"});
}

TEST(YarnLockBerry, FixtureDetails) {
  CatalogTester c(&parse_yarn_lock);
  c.from_fixture("yarn/berry/yarn.lock");
  auto app = c.package("acme-app");
  EXPECT_EQ(app.type, model::ComponentType::application);
  EXPECT_EQ(app.purl, "pkg:npm/acme-app");
  EXPECT_EQ(app.property("purser:npm:workspace"), "");
  auto lib = c.package("@acme/lib");
  EXPECT_EQ(lib.type, model::ComponentType::application);
  EXPECT_EQ(lib.property("purser:npm:workspace"), "packages/lib");

  auto helper = c.package("@babel/helper@7.2.5");
  EXPECT_TRUE(helper.hashes.empty());  // yarn's cache checksum is not a standard digest
  EXPECT_EQ(helper.property("purser:npm:yarn-checksum"),
            "10c0/5c483ab2bb5d52bfb0e3f12ea01f4e9b294325c2712388b3eb0c2429e0ebc6b2");
  EXPECT_EQ(helper.locations.at(0).line, 17u);

  EXPECT_EQ(c.package("js-tokens@4.0.0").property("purser:npm:alias"), "tokens");
  EXPECT_EQ(c.package("fsevents@2.3.3").scope, model::Scope::optional);
  EXPECT_EQ(c.package("node-gyp@10.0.1").scope, model::Scope::optional);
  EXPECT_EQ(c.package("debug@4.3.4").scope, model::Scope::required);

  std::size_t roots = 0, patched = 0;
  for (const auto& e : c.result().entries) {
    roots += e.root ? 1 : 0;
    if (e.package.name == "resolve") {
      EXPECT_EQ(e.package.purl, "pkg:npm/resolve@1.22.8");
      if (!e.package.property("purser:npm:patch").empty()) {
        ++patched;
        EXPECT_EQ(e.package.property("purser:npm:patch"), "optional!builtin<compat/resolve>");
      }
    }
  }
  EXPECT_EQ(roots, 2u);
  EXPECT_EQ(patched, 1u);
}

TEST(YarnLockBerry, OlderLockfileWithoutNpmProtocolInRanges) {
  CatalogTester c(&parse_yarn_lock);
  c.from_string(
       "__metadata:\n  version: 4\n  cacheKey: 7\n\n"
       "\"a@npm:^1.0.0\":\n  version: 1.0.3\n  resolution: \"a@npm:1.0.3\"\n  dependencies:\n    b: ^2.0.0\n"
       "  checksum: 0a1b2c\n  languageName: node\n  linkType: hard\n\n"
       "\"b@npm:^2.0.0\":\n  version: 2.1.0\n  resolution: \"b@npm:2.1.0\"\n  languageName: node\n  linkType: hard\n",
       "yarn.lock")
      .expect_no_diagnostics()
      .expect_edges({{"a@1.0.3", "b@2.1.0"}})
      .expect_roots({"a@1.0.3"});
  EXPECT_EQ(c.package("a@1.0.3").property("purser:npm:yarn-checksum"), "0a1b2c");
}

TEST(YarnLockBerry, MalformedLinesAreLocated) {
  CatalogTester c(&parse_yarn_lock);
  c.from_string(
       "__metadata:\n  version: 8\n\n"
       "\"a@npm:^1.0.0:\n  version: 1.0.0\n\n"  // 4: unterminated key, its fields are orphaned
       "\"b@npm:^2.0.0\":\n  version: 2.0.0\n  resolution: \"b@npm:2.0.0\"\n  just words\n"  // 10
       "- item\n",                                                                           // 11
       "yarn.lock")
      .expect_packages({"b@2.0.0"})
      .expect_diagnostics({"yarn.lock:4: invalid yarn.lock: unterminated quoted string",
                           "yarn.lock:10: invalid yarn.lock: expected 'key: value' or 'key:'",
                           "yarn.lock:11: invalid yarn.lock: unexpected sequence item"});
}

TEST(YarnLockBerry, DeepIndentationIsHarmless) {
  std::string s = "__metadata:\n  version: 8\n\n\"a@npm:1\":\n  version: 1.0.0\n";
  for (int i = 0; i < 3000; ++i) s += std::string(static_cast<std::size_t>(4 + i), ' ') + "k:\n";
  CatalogTester c(&parse_yarn_lock);
  c.from_string(s, "yarn.lock").expect_packages({"a@1.0.0"}).expect_no_diagnostics();
}

// --- real world ---------------------------------------------------------------

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every yarn.lock in the shared bench: the name@version set equals a naive reading of
// the headers and `version` lines, no diagnostics, and only what nothing requires hangs
// off the document root.
TEST(YarnLock, RealWorldBench) {
  namespace fs = std::filesystem;
  fs::path base = purser::catalog::testing::shared_lockfiles();
  if (!fs::exists(base / "yarn" / "rails" / "yarn.lock")) GTEST_SKIP() << "no shared bench at " << base;
  std::size_t files = 0;
  for (const auto& de : fs::recursive_directory_iterator(base)) {
    if (!de.is_regular_file() || de.path().filename() != "yarn.lock") continue;
    ++files;
    std::string rel = fs::relative(de.path(), base).generic_string();
    std::string bytes = slurp(de.path());
    auto start = std::chrono::steady_clock::now();
    auto result = parse_yarn_lock(bytes, rel, catalog::NullResolver());
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (const auto& d : result.diagnostics) ADD_FAILURE() << d.to_string();

    // Naive v1 reading: the first descriptor of each header, then its version line.
    std::set<std::string> expected;
    std::istringstream lines(bytes);
    std::string name;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty() || line[0] == '#') continue;
      if (line[0] != ' ') {
        std::string first = line.substr(0, line.find(','));
        if (!first.empty() && first.back() == ':') first.pop_back();
        if (!first.empty() && first[0] == '"') first = first.substr(1, first.find('"', 1) - 1);
        std::string range = first.substr(first.find('@', 1) + 1);
        name =
            range.rfind("npm:", 0) == 0 ? range.substr(4, range.find('@', 5) - 4) : first.substr(0, first.find('@', 1));
      } else if (line.rfind("  version \"", 0) == 0) {
        expected.insert(name + "@" + line.substr(11, line.size() - 12));
      }
    }
    std::set<std::string> seen;
    for (const auto& e : result.entries) seen.insert(CatalogTester::label(e.package));
    EXPECT_EQ(seen, expected) << rel;

    // Orphans: document-root edges to something another package requires mean the
    // assembler's safety net had to attach an unreachable cycle.
    std::map<std::string, std::string> provider;
    for (const auto& e : result.entries)
      for (const auto& k : e.provides) provider.emplace(k, e.package.ref());
    std::set<std::string> required;
    for (const auto& e : result.entries)
      for (const auto& n : e.needs)
        if (auto it = provider.find(n.key); it != provider.end() && it->second != e.package.ref())
          required.insert(it->second);
    model::Document doc;
    doc.root.name = "root";
    doc.root.ecosystem = "directory";
    std::vector<catalog::ParseResult> results{result};
    catalog::assemble(doc, std::move(results));
    std::size_t top = 0, orphans = 0;
    for (const auto& r : doc.relationships) {
      if (r.from != doc.root.ref()) continue;
      ++top;
      if (required.count(r.to)) ++orphans;
    }
    EXPECT_EQ(orphans, 0u) << rel;
    std::cout << "[ yarn ] " << rel << ": " << result.entries.size() << " entries, " << seen.size() << " name@version, "
              << top << " top level, " << ms << " ms\n";
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace purser
