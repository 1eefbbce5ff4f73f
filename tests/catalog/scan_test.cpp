// The generic driver and assembler: merging by PURL, edges from provides/needs,
// roots, orphans, parallel determinism.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "lib/catalog/scan.hpp"
#include "lib/model/purl.hpp"

namespace fs = std::filesystem;
using namespace purser;
using catalog::Entry;
using catalog::ParseResult;

namespace {

Entry entry(const std::string& name, const std::string& version, std::vector<std::string> needs = {},
            bool root = false) {
  Entry e;
  e.package.name = name;
  e.package.version = version;
  e.package.ecosystem = "npm";
  model::Purl p;
  p.type = "npm";
  p.name = name;
  p.version = version;
  e.package.purl = p.to_string();
  e.provides = {name};
  for (auto& n : needs) e.needs.push_back({n, false});
  e.root = root;
  return e;
}

model::Document fresh() {
  model::Document doc;
  doc.root.name = "proj";
  doc.root.ecosystem = "directory";
  return doc;
}

TEST(Assemble, EdgesFromProvidesAndNeeds) {
  ParseResult r;
  r.entries = {entry("app", "1.0.0", {"a", "b"}, true), entry("a", "1.0.0", {"b", "missing"}), entry("b", "2.0.0")};
  auto doc = fresh();
  catalog::assemble(doc, {r});
  std::vector<model::Relationship> expected = {
      {"directory:proj", "pkg:npm/app@1.0.0", model::RelationshipKind::depends_on},
      {"pkg:npm/a@1.0.0", "pkg:npm/b@2.0.0", model::RelationshipKind::depends_on},
      {"pkg:npm/app@1.0.0", "pkg:npm/a@1.0.0", model::RelationshipKind::depends_on},
      {"pkg:npm/app@1.0.0", "pkg:npm/b@2.0.0", model::RelationshipKind::depends_on},
  };
  EXPECT_EQ(doc.relationships, expected);
  EXPECT_TRUE(doc.orphans().empty());
}

TEST(Assemble, WithoutRootsTopLevelIsWhatNothingNeeds) {
  ParseResult r;
  r.entries = {entry("a", "1", {"b"}), entry("b", "1"), entry("c", "1")};
  auto doc = fresh();
  catalog::assemble(doc, {r});
  std::set<std::string> top;
  for (const auto& rel : doc.relationships)
    if (rel.from == doc.root.ref()) top.insert(rel.to);
  EXPECT_EQ(top, (std::set<std::string>{"pkg:npm/a@1", "pkg:npm/c@1"}));
}

TEST(Assemble, CyclesAreStillReachable) {
  ParseResult r;
  r.entries = {entry("a", "1", {"b"}), entry("b", "1", {"a"})};
  auto doc = fresh();
  catalog::assemble(doc, {r});
  EXPECT_TRUE(doc.orphans().empty());
}

TEST(Assemble, MergesOnePackagePerPurlAcrossFiles) {
  ParseResult one, two;
  one.entries = {entry("a", "1")};
  one.entries[0].package.locations = {{"x/package-lock.json"}};
  one.entries[0].package.scope = model::Scope::dev;
  one.entries[0].package.found_by = "npm-package-lock";
  one.entries[0].package.hashes = {{"SHA-512", "aa"}};
  two.entries = {entry("a", "1")};
  two.entries[0].package.locations = {{"y/yarn.lock", 7}};
  two.entries[0].package.license = "MIT";
  two.entries[0].package.found_by = "npm-yarn-lock";
  two.entries[0].package.hashes = {{"SHA-512", "aa"}, {"SHA-1", "bb"}};
  auto doc = fresh();
  catalog::assemble(doc, {one, two});
  ASSERT_EQ(doc.packages.size(), 1u);
  const auto& p = doc.packages[0];
  EXPECT_EQ(p.scope, model::Scope::required);  // required anywhere wins over dev
  EXPECT_EQ(p.license, "MIT");
  EXPECT_EQ(p.found_by, "npm-package-lock,npm-yarn-lock");
  EXPECT_EQ(p.locations, (std::vector<util::Location>{{"x/package-lock.json"}, {"y/yarn.lock", 7}}));
  EXPECT_EQ(p.hashes, (std::vector<model::Hash>{{"SHA-1", "bb"}, {"SHA-512", "aa"}}));
}

TEST(Assemble, KeepsDiagnostics) {
  ParseResult r;
  r.diagnostics.push_back({util::Severity::warning, "invalid json: x", {"a.json", 3}});
  auto doc = fresh();
  catalog::assemble(doc, {r});
  ASSERT_EQ(doc.diagnostics.size(), 1u);
  EXPECT_EQ(doc.diagnostics[0].to_string(), "a.json:3: invalid json: x");
}

TEST(Assemble, LinkScopeResolvesAcrossArtifacts) {
  // Installed packages: one artifact per package; edges resolve across artifacts of one scope at finish().
  auto one = [](Entry e, const std::string& scope) {
    ParseResult r;
    r.link_scope = scope;
    r.entries.push_back(std::move(e));
    return r;
  };
  auto doc = fresh();
  catalog::assemble(doc, {one(entry("app", "1", {"lib"}), "site-a"), one(entry("lib", "2"), "site-a"),
                          one(entry("other", "3", {"lib"}), "site-b")});
  std::vector<model::Relationship> expected = {
      {"directory:proj", "pkg:npm/app@1", model::RelationshipKind::depends_on},
      {"directory:proj", "pkg:npm/other@3", model::RelationshipKind::depends_on},
      {"pkg:npm/app@1", "pkg:npm/lib@2", model::RelationshipKind::depends_on},
  };
  EXPECT_EQ(doc.relationships, expected);  // "other" is in another scope: its need stays unresolved
  EXPECT_TRUE(doc.orphans().empty());
}

TEST(Assemble, RequirementFallbacksAreTriedInOrder) {
  // Node's lookup: the nearest node_modules first, then each ancestor's.
  auto installed = [](const std::string& name, const std::string& version, const std::string& dir) {
    Entry e = entry(name, version);
    e.provides = {dir};
    return e;
  };
  Entry app = installed("app", "1", "node_modules/app");
  app.needs = {{"node_modules/app/node_modules/dep", false, {"node_modules/dep"}}};
  Entry tool = installed("tool", "1", "node_modules/tool");
  tool.needs = {{"node_modules/tool/node_modules/dep", false, {"node_modules/dep"}}};
  ParseResult a, b, c, d;
  for (auto* r : {&a, &b, &c, &d}) r->link_scope = "npm-installed";
  a.entries = {app};
  b.entries = {installed("dep", "2.0.0", "node_modules/app/node_modules/dep")};
  c.entries = {installed("dep", "1.0.0", "node_modules/dep")};
  d.entries = {tool};
  auto doc = fresh();
  catalog::assemble(doc, {a, b, c, d});
  std::vector<model::Relationship> expected = {
      {"directory:proj", "pkg:npm/app@1", model::RelationshipKind::depends_on},
      {"directory:proj", "pkg:npm/tool@1", model::RelationshipKind::depends_on},
      {"pkg:npm/app@1", "pkg:npm/dep@2.0.0", model::RelationshipKind::depends_on},
      {"pkg:npm/tool@1", "pkg:npm/dep@1.0.0", model::RelationshipKind::depends_on},
  };
  EXPECT_EQ(doc.relationships, expected);
}

TEST(Assemble, FallbacksWorkWithinOneArtifactToo) {
  ParseResult r;
  Entry app = entry("app", "1", {}, true);
  app.needs = {{"absent", false, {"also-absent", "b"}}};
  r.entries = {app, entry("b", "1")};
  auto doc = fresh();
  catalog::assemble(doc, {r});
  EXPECT_NE(std::find(doc.relationships.begin(), doc.relationships.end(),
                      model::Relationship{"pkg:npm/app@1", "pkg:npm/b@1", model::RelationshipKind::depends_on}),
            doc.relationships.end());
}

TEST(Assemble, AnInstalledPackagesScopeYieldsToALockfiles) {
  // node_modules/x/package.json (scope unknown) and package-lock.json (dev), in either order.
  for (bool installed_first : {true, false}) {
    ParseResult installed, lock;
    installed.entries = {entry("x", "1")};
    installed.entries[0].scope_known = false;
    lock.entries = {entry("x", "1")};
    lock.entries[0].package.scope = model::Scope::dev;
    auto doc = fresh();
    if (installed_first)
      catalog::assemble(doc, {installed, lock});
    else
      catalog::assemble(doc, {lock, installed});
    ASSERT_EQ(doc.packages.size(), 1u);
    EXPECT_EQ(doc.packages[0].scope, model::Scope::dev) << installed_first;
  }
}

TEST(Registry, IdsAreUniqueAndWellFormed) {
  std::set<std::string> ids;
  for (const auto& c : catalog::registry()) {
    EXPECT_TRUE(ids.insert(std::string(c.id)).second) << c.id;
    EXPECT_EQ(std::string(c.id).rfind(std::string(c.ecosystem) + "-", 0), 0u) << c.id;
    EXPECT_FALSE(c.globs.empty()) << c.id;
    EXPECT_NE(c.parse, nullptr) << c.id;
  }
  EXPECT_GE(ids.size(), 9u);
}

class ScanTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-scan-XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& bytes) {
    fs::path p = fs::path(root) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << bytes;
  }
  std::string root;
};

TEST_F(ScanTree, UnknownCatalogerIsAUsageError) {
  auto src = source::open_source(root, {});
  ASSERT_TRUE(src.ok());
  catalog::ScanOptions options;
  options.select = {"nope"};
  auto doc = catalog::scan(**src, options);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error().code, util::ErrorCode::usage);
  EXPECT_EQ(doc.error().message, "unknown cataloger: nope (see 'purser catalogers')");
}

TEST_F(ScanTree, SameResultWithOneOrTwoThreads) {
  for (int i = 0; i < 20; ++i)
    write("p" + std::to_string(i) + "/requirements.txt",
          "flask==3.0." + std::to_string(i % 3) + "\nrequests==2.32.3\n");
  auto run = [&](unsigned threads) {
    auto src = source::open_source(root, {{}, threads});
    catalog::ScanOptions options;
    options.threads = threads;
    auto doc = catalog::scan(**src, options);
    EXPECT_TRUE(doc.ok());
    std::vector<std::string> refs;
    for (const auto& p : doc->packages) {
      std::string line = p.ref();
      for (const auto& l : p.locations) line += " " + l.to_string();
      refs.push_back(line);
    }
    return refs;
  };
  EXPECT_EQ(run(1), run(2));
}

TEST_F(ScanTree, BinaryJunkNamedLikeALockfileIsADiagnosticNotACrash) {
  write("go.mod", std::string("\x7f"
                              "ELF\0\0\1\2\3",
                              9));
  write("ok/requirements.txt", "idna==3.7\n");
  auto src = source::open_source(root, {});
  auto doc = catalog::scan(**src, {});
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->packages.size(), 1u);
  EXPECT_FALSE(doc->diagnostics.empty());
}

}  // namespace
