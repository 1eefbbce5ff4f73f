// npm-package-lock: lockfile v1 (nested tree), v2 (packages + legacy tree), v3
// (workspaces, links, aliases), scopes, hashes, diagnostics, and the real lockfiles
// under PURSER_SHARED_DIR.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "lib/catalog/npm/package_lock.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace fs = std::filesystem;
using namespace purser;
using catalog::npm::parse_package_lock;
using catalog::testing::CatalogTester;

namespace {

CatalogTester tester() { return CatalogTester(&parse_package_lock); }

const catalog::Entry* entry_providing(const catalog::ParseResult& r, const std::string& key) {
  for (const auto& e : r.entries)
    if (std::find(e.provides.begin(), e.provides.end(), key) != e.provides.end()) return &e;
  return nullptr;
}

}  // namespace

// ---- v1 ----------------------------------------------------------------------------

TEST(PackageLock, V1NestedTree) {
  auto t = tester();
  t.from_fixture("npm/lock-v1/package-lock.json")
      .expect_no_diagnostics()
      .expect_packages({"v1-app@1.0.0", "debug@4.3.4", "debug@2.6.9", "ms@2.1.2", "ms@2.0.0", "express-lite@4.1.0",
                        "fsevents@2.3.2", "mocha-lite@10.0.0", "left-pad@1.3.0",
                        "gitdep@git+ssh://git@github.com/example/gitdep.git#0123456789abcdef0123456789abcdef01234567"})
      .expect_roots({"v1-app@1.0.0"});
  // "requires" resolve to the nearest copy up the tree: express-lite sees its own debug@2.6.9,
  // which sees its own ms@2.0.0; express-lite's ms is the hoisted 2.1.2.
  const std::string git = "gitdep@git+ssh://git@github.com/example/gitdep.git#0123456789abcdef0123456789abcdef01234567";
  t.expect_edges({{"express-lite@4.1.0", "debug@2.6.9"},
                  {"express-lite@4.1.0", "ms@2.1.2"},
                  {"debug@2.6.9", "ms@2.0.0"},
                  {"debug@4.3.4", "ms@2.1.2"},
                  {"mocha-lite@10.0.0", "debug@4.3.4"},
                  // v1 does not list the project's own requirements: everything nothing else
                  // requires is taken as a direct dependency.
                  {"v1-app@1.0.0", "express-lite@4.1.0"},
                  {"v1-app@1.0.0", "fsevents@2.3.2"},
                  {"v1-app@1.0.0", git},
                  {"v1-app@1.0.0", "mocha-lite@10.0.0"},
                  {"v1-app@1.0.0", "left-pad@1.3.0"}});
}

TEST(PackageLock, V1ScopesAliasAndHashes) {
  auto t = tester();
  t.from_fixture("npm/lock-v1/package-lock.json");
  EXPECT_EQ(t.package("mocha-lite@10.0.0").scope, model::Scope::dev);
  EXPECT_EQ(t.package("fsevents@2.3.2").scope, model::Scope::optional);
  EXPECT_EQ(t.package("ms@2.0.0").scope, model::Scope::required);
  auto pad = t.package("left-pad@1.3.0");
  EXPECT_EQ(pad.purl, "pkg:npm/left-pad@1.3.0");
  EXPECT_EQ(pad.property("purser:npm:alias"), "my-pad");
  ASSERT_EQ(pad.hashes.size(), 1u);
  EXPECT_EQ(pad.hashes[0].algorithm, "SHA-1");
  EXPECT_EQ(pad.hashes[0].value, "9f91017edcfdab4613e8b049f09bfa7eca099821");
  EXPECT_EQ(pad.download_url, "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz");
  auto app = t.package("v1-app@1.0.0");
  EXPECT_EQ(app.type, model::ComponentType::application);
  // Locations point at the package's key in the nested tree.
  auto nested = t.package("ms@2.0.0");
  ASSERT_EQ(nested.locations.size(), 1u);
  EXPECT_EQ(nested.locations[0].to_string(), "npm/lock-v1/package-lock.json:32");
}

TEST(PackageLock, V1WithoutNameHasNoProjectRoot) {
  tester()
      .from_string(R"({"lockfileVersion": 1, "requires": true, "dependencies": {
        "a": {"version": "1.0.0", "requires": {"b": "^2.0.0"}},
        "b": {"version": "2.0.0"}}})")
      .expect_no_diagnostics()
      .expect_packages({"a@1.0.0", "b@2.0.0"})
      .expect_edges({{"a@1.0.0", "b@2.0.0"}})
      .expect_roots({"a@1.0.0"});
}

TEST(PackageLock, V1WithoutDependenciesIsJustTheProject) {
  tester()
      .from_string(R"({"name": "empty", "version": "0.1.0", "lockfileVersion": 1, "requires": true})")
      .expect_no_diagnostics()
      .expect_packages({"empty@0.1.0"})
      .expect_roots({"empty@0.1.0"});
}

// ---- v2 ----------------------------------------------------------------------------

TEST(PackageLock, V2UsesPackagesNotLegacyTree) {
  auto t = tester();
  t.from_fixture("npm/lock-v2/package-lock.json")
      .expect_no_diagnostics()
      .expect_packages({"v2-app@2.0.0", "ansi-styles@4.3.0", "ansi-styles@5.2.0", "bindings-lite@1.5.0",
                        "chalk-lite@4.1.2", "fsevents@2.3.3", "has-flag@4.0.0", "jest-lite@29.7.0",
                        "loose-envify@1.4.0", "react-lite@18.2.0", "scheduler-lite@0.23.0", "supports-color@7.2.0",
                        "supports-color@8.1.1"})
      .expect_roots({"v2-app@2.0.0"})
      .expect_edges({{"v2-app@2.0.0", "chalk-lite@4.1.2"},
                     {"v2-app@2.0.0", "react-lite@18.2.0"},
                     {"v2-app@2.0.0", "jest-lite@29.7.0"},
                     {"v2-app@2.0.0", "fsevents@2.3.3"},
                     {"chalk-lite@4.1.2", "ansi-styles@4.3.0"},
                     {"chalk-lite@4.1.2", "supports-color@7.2.0"},
                     {"supports-color@7.2.0", "has-flag@4.0.0"},
                     {"fsevents@2.3.3", "bindings-lite@1.5.0"},
                     // two versions at different depths: jest-lite gets its nested copies
                     {"jest-lite@29.7.0", "ansi-styles@5.2.0"},
                     {"jest-lite@29.7.0", "supports-color@8.1.1"},
                     {"jest-lite@29.7.0", "bindings-lite@1.5.0"},
                     {"supports-color@8.1.1", "has-flag@4.0.0"},
                     {"react-lite@18.2.0", "loose-envify@1.4.0"},
                     {"react-lite@18.2.0", "scheduler-lite@0.23.0"}});
}

TEST(PackageLock, V2ScopesLicenseHashesLocations) {
  auto t = tester();
  t.from_fixture("npm/lock-v2/package-lock.json");
  EXPECT_EQ(t.package("jest-lite@29.7.0").scope, model::Scope::dev);
  EXPECT_EQ(t.package("ansi-styles@5.2.0").scope, model::Scope::dev);
  EXPECT_EQ(t.package("bindings-lite@1.5.0").scope, model::Scope::dev);  // devOptional
  EXPECT_EQ(t.package("fsevents@2.3.3").scope, model::Scope::optional);
  EXPECT_EQ(t.package("chalk-lite@4.1.2").scope, model::Scope::required);
  auto peer = t.package("scheduler-lite@0.23.0");
  EXPECT_EQ(peer.scope, model::Scope::optional);
  EXPECT_EQ(peer.property("purser:npm:peer"), "true");
  EXPECT_EQ(t.package("chalk-lite@4.1.2").property("purser:npm:peer"), "");

  auto root = t.package("v2-app@2.0.0");
  EXPECT_EQ(root.type, model::ComponentType::application);
  EXPECT_EQ(root.license, "MIT");
  EXPECT_EQ(root.purl, "pkg:npm/v2-app@2.0.0");
  ASSERT_EQ(root.locations.size(), 1u);
  EXPECT_EQ(root.locations[0].to_string(), "npm/lock-v2/package-lock.json:7");

  auto styles = t.package("ansi-styles@4.3.0");
  EXPECT_EQ(styles.type, model::ComponentType::library);
  EXPECT_EQ(styles.license, "MIT");
  EXPECT_EQ(styles.download_url, "https://registry.npmjs.org/ansi-styles/-/ansi-styles-4.3.0.tgz");
  ASSERT_EQ(styles.hashes.size(), 1u);
  EXPECT_EQ(styles.hashes[0].algorithm, "SHA-512");
  EXPECT_EQ(styles.hashes[0].value,
            "3f699d58830d8a753ccec20d0c5d48d27d30f9f97bc83bde1e505e539e02f8c3992d92f5df1aeb871308325f6b576f9117ed5fe1"
            "8cf78811fe0f60491633cfba");
  auto nested = t.package("ansi-styles@5.2.0");
  ASSERT_EQ(nested.locations.size(), 1u);
  EXPECT_EQ(nested.locations[0].to_string(), "npm/lock-v2/package-lock.json:89");
}

TEST(PackageLock, V2ProvidesInstallPathsAndNeedsResolvedPaths) {
  auto t = tester();
  t.from_fixture("npm/lock-v2/package-lock.json");
  const auto* jest = entry_providing(t.result(), "node_modules/jest-lite");
  ASSERT_NE(jest, nullptr);
  std::set<std::string> needs;
  for (const auto& r : jest->needs) needs.insert(r.key + (r.optional ? " (optional)" : ""));
  EXPECT_EQ(needs,
            (std::set<std::string>{"node_modules/bindings-lite", "node_modules/jest-lite/node_modules/ansi-styles",
                                   "node_modules/jest-lite/node_modules/supports-color"}));
  const auto* react = entry_providing(t.result(), "node_modules/react-lite");
  ASSERT_NE(react, nullptr);
  needs.clear();
  for (const auto& r : react->needs) needs.insert(r.key + (r.optional ? " (optional)" : ""));
  EXPECT_EQ(needs, (std::set<std::string>{"node_modules/loose-envify", "node_modules/scheduler-lite (optional)"}));
  const auto* root = entry_providing(t.result(), "");
  ASSERT_NE(root, nullptr);
  EXPECT_TRUE(root->root);
}

TEST(PackageLock, RootFallsBackToTopLevelNameAndVersion) {
  tester()
      .from_string(R"({"name": "top", "version": "1.2.3", "lockfileVersion": 3,
        "packages": {"": {"dependencies": {"a": "^1"}}, "node_modules/a": {"version": "1.0.0"}}})")
      .expect_no_diagnostics()
      .expect_packages({"top@1.2.3", "a@1.0.0"})
      .expect_edges({{"top@1.2.3", "a@1.0.0"}})
      .expect_roots({"top@1.2.3"});
}

TEST(PackageLock, UnresolvableDependencyIsAnOptionalNeed) {
  auto t = tester();
  t.from_string(R"({"lockfileVersion": 3, "packages": {
      "": {"name": "p", "dependencies": {"gone": "^1", "a": "^1"}},
      "node_modules/a": {"version": "1.0.0", "dependencies": {"also-gone": "^2"}}}})")
      .expect_no_diagnostics()
      .expect_packages({"p", "a@1.0.0"})
      .expect_edges({{"p", "a@1.0.0"}});
  const auto* a = entry_providing(t.result(), "node_modules/a");
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->needs.size(), 1u);
  EXPECT_EQ(a->needs[0].key, "node_modules/also-gone");
  EXPECT_TRUE(a->needs[0].optional);
}

TEST(PackageLock, ShrinkwrapIsTheSameFormat) {
  tester()
      .from_fixture("npm/shrinkwrap/npm-shrinkwrap.json")
      .expect_no_diagnostics()
      .expect_packages({"cli-tool@5.0.0", "ms@2.1.3"})
      .expect_edges({{"cli-tool@5.0.0", "ms@2.1.3"}});
  const auto& globs = catalog::npm::package_lock_cataloger().globs;
  EXPECT_NE(std::find(globs.begin(), globs.end(), "npm-shrinkwrap.json"), globs.end());
  EXPECT_NE(std::find(globs.begin(), globs.end(), "package-lock.json"), globs.end());
}

// ---- v3: workspaces, aliases, links ------------------------------------------------

TEST(PackageLock, V3Workspaces) {
  auto t = tester();
  t.from_fixture("npm/lock-v3-workspaces/package-lock.json")
      .expect_no_diagnostics()
      // link entries (node_modules/@mono/*) are not packages of their own
      .expect_packages({"monorepo@1.0.0", "@mono/app@0.1.0", "@mono/util@0.2.0", "@types/node-lite@20.11.0",
                        "lodash-lite@3.10.1", "lodash-lite@4.17.21", "typescript-lite@5.4.5", "vitest-lite@1.6.0"})
      .expect_roots({"monorepo@1.0.0"})
      .expect_edges({// the root owns its workspaces and its devDependencies
                     {"monorepo@1.0.0", "@mono/app@0.1.0"},
                     {"monorepo@1.0.0", "@mono/util@0.2.0"},
                     {"monorepo@1.0.0", "typescript-lite@5.4.5"},
                     // a workspace resolves from its folder: its own node_modules first,
                     // the link to a sibling workspace, and its devDependencies
                     {"@mono/app@0.1.0", "@mono/util@0.2.0"},
                     {"@mono/app@0.1.0", "lodash-lite@4.17.21"},
                     {"@mono/app@0.1.0", "vitest-lite@1.6.0"},
                     {"@mono/util@0.2.0", "lodash-lite@3.10.1"},
                     {"@mono/util@0.2.0", "@types/node-lite@20.11.0"}});
  auto app = t.package("@mono/app@0.1.0");
  EXPECT_EQ(app.type, model::ComponentType::application);
  EXPECT_EQ(app.purl, "pkg:npm/%40mono/app@0.1.0");
  EXPECT_EQ(app.scope, model::Scope::required);
  EXPECT_EQ(app.property("purser:npm:alias"), "");
  EXPECT_EQ(t.package("@types/node-lite@20.11.0").type, model::ComponentType::library);
  EXPECT_EQ(t.package("vitest-lite@1.6.0").scope, model::Scope::dev);
}

TEST(PackageLock, Aliases) {
  auto t = tester();
  t.from_fixture("npm/aliases/package-lock.json")
      .expect_no_diagnostics()
      .expect_packages({"alias-app@0.0.1", "left-pad@1.1.0", "left-pad@1.3.0", "lodash-lite@3.10.1",
                        "string-width@4.2.3", "strip-ansi@6.0.1"})
      .expect_edges({{"alias-app@0.0.1", "left-pad@1.1.0"},
                     {"alias-app@0.0.1", "left-pad@1.3.0"},
                     {"alias-app@0.0.1", "lodash-lite@3.10.1"},
                     {"alias-app@0.0.1", "string-width@4.2.3"},
                     {"string-width@4.2.3", "strip-ansi@6.0.1"}});
  EXPECT_EQ(t.package("left-pad@1.1.0").property("purser:npm:alias"), "@my/pad");
  EXPECT_EQ(t.package("left-pad@1.3.0").property("purser:npm:alias"), "");
  EXPECT_EQ(t.package("lodash-lite@3.10.1").property("purser:npm:alias"), "lodash3");
  EXPECT_EQ(t.package("lodash-lite@3.10.1").purl, "pkg:npm/lodash-lite@3.10.1");
  EXPECT_EQ(t.package("string-width@4.2.3").property("purser:npm:alias"), "string-width-cjs");
}

TEST(PackageLock, LinksFileAndGitDependencies) {
  auto t = tester();
  t.from_fixture("npm/links/package-lock.json")
      .expect_no_diagnostics()
      // "in-repo" has no name: it takes the name of the link pointing at it;
      // "nover" has no version: none is invented; "broken" links nowhere.
      .expect_packages(
          {"links-app@3.0.0", "local-lib@0.0.1", "in-repo@1.2.0", "gitdep@1.0.0", "ms@2.1.3", "nover", "tarball@1.0.0"})
      .expect_edges({{"links-app@3.0.0", "local-lib@0.0.1"},
                     {"links-app@3.0.0", "in-repo@1.2.0"},
                     {"links-app@3.0.0", "gitdep@1.0.0"},
                     {"links-app@3.0.0", "nover"},
                     {"links-app@3.0.0", "tarball@1.0.0"},
                     {"local-lib@0.0.1", "ms@2.1.3"}});
  auto git = t.package("gitdep@1.0.0");
  EXPECT_EQ(git.download_url, "");
  EXPECT_EQ(git.property("purser:npm:resolved"),
            "git+ssh://git@github.com/example/gitdep.git#0123456789abcdef0123456789abcdef01234567");
  auto tarball = t.package("tarball@1.0.0");
  EXPECT_EQ(tarball.download_url, "");
  EXPECT_EQ(tarball.property("purser:npm:resolved"), "file:vendor/tarball-1.0.0.tgz");
  EXPECT_EQ(tarball.hashes.size(), 1u);
  EXPECT_EQ(t.package("nover").purl, "pkg:npm/nover");
  EXPECT_EQ(t.package("local-lib@0.0.1").type, model::ComponentType::library);  // not a workspace
  const auto* root = entry_providing(t.result(), "");
  ASSERT_NE(root, nullptr);
  bool broken_optional = false;
  for (const auto& r : root->needs)
    if (r.key == "node_modules/broken") broken_optional = r.optional;
  EXPECT_TRUE(broken_optional);
}

TEST(PackageLock, ScopedNamesAndDeepNesting) {
  tester()
      .from_string(R"({"lockfileVersion": 3, "packages": {
        "": {"name": "p", "version": "1.0.0", "dependencies": {"@s/a": "^1"}},
        "node_modules/@s/a": {"version": "1.0.0", "dependencies": {"@s/b": "^1", "c": "^1"}},
        "node_modules/@s/a/node_modules/@s/b": {"version": "1.1.0", "dependencies": {"c": "^2"}},
        "node_modules/@s/a/node_modules/@s/b/node_modules/c": {"version": "2.0.0"},
        "node_modules/@s/b": {"version": "9.0.0", "dev": true},
        "node_modules/c": {"version": "1.0.0"}}})")
      .expect_no_diagnostics()
      .expect_packages({"p@1.0.0", "@s/a@1.0.0", "@s/b@1.1.0", "@s/b@9.0.0", "c@1.0.0", "c@2.0.0"})
      .expect_edges({{"p@1.0.0", "@s/a@1.0.0"},
                     {"@s/a@1.0.0", "@s/b@1.1.0"},
                     {"@s/a@1.0.0", "c@1.0.0"},
                     {"@s/b@1.1.0", "c@2.0.0"}})
      .expect_purls({"pkg:npm/p@1.0.0", "pkg:npm/%40s/a@1.0.0", "pkg:npm/%40s/b@1.1.0", "pkg:npm/%40s/b@9.0.0",
                     "pkg:npm/c@1.0.0", "pkg:npm/c@2.0.0"});
}

// ---- bad input ---------------------------------------------------------------------

TEST(PackageLock, TruncatedJson) {
  tester()
      .from_string("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\n      \"name\": \"x\",\n      \"ver",
                   "app/package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"app/package-lock.json:6: invalid json: syntax error while parsing object key - invalid "
                           "string: missing closing quote; last read: '\"ver'; expected string literal"});
}

TEST(PackageLock, TruncatedAfterNewline) {
  tester()
      .from_string("{\n  \"lockfileVersion\": 1,\n  \"dependencies\": {\n", "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:4: invalid json: syntax error while parsing object key - unexpected end "
                           "of input; expected string literal"});
}

TEST(PackageLock, BinaryJunk) {
  tester()
      .from_string(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0", 18), "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:1: invalid json: syntax error while parsing value - invalid literal; "
                           "last read: '\\x89'"});
}

TEST(PackageLock, EmptyFile) {
  tester()
      .from_string("", "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:1: invalid json: syntax error while parsing value - unexpected end of "
                           "input; expected '[', '{', or a literal"});
}

TEST(PackageLock, TrailingGarbage) {
  tester()
      .from_string("{\"lockfileVersion\": 3, \"packages\": {}}\n}", "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:2: invalid json: syntax error while parsing value - unexpected '}'; "
                           "expected end of input"});
}

TEST(PackageLock, TopLevelNotAnObject) {
  tester()
      .from_string("\n[\"lockfileVersion\", 3]\n", "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:2: not an npm lockfile: top-level value is not an object"});
}

TEST(PackageLock, WrongShapedDocument) {
  tester()
      .from_string(R"({"compilerOptions": {"strict": true}})", "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:1: not an npm lockfile: no \"packages\" or \"dependencies\""});
  tester()
      .from_string("{\n  \"lockfileVersion\": 3,\n  \"packages\": [1, 2]\n}", "package-lock.json")
      .expect_packages({})
      .expect_diagnostics({"package-lock.json:3: invalid \"packages\": not an object"});
}

TEST(PackageLock, NonObjectEntriesAreReportedAndSkipped) {
  tester()
      .from_string(
          "{\n"
          "  \"lockfileVersion\": 3,\n"
          "  \"packages\": {\n"
          "    \"\": {\"name\": \"p\", \"dependencies\": {\"a\": \"1\", \"b\": \"1\"}},\n"
          "    \"node_modules/a\": \"1.0.0\",\n"
          "    \"node_modules/b\": {\"version\": \"1.0.0\", \"dependencies\": 7, \"dev\": \"yes\"}\n"
          "  }\n"
          "}\n",
          "package-lock.json")
      .expect_packages({"p", "b@1.0.0"})
      .expect_edges({{"p", "b@1.0.0"}})
      .expect_diagnostics({"package-lock.json:5: invalid entry \"node_modules/a\": not an object"});
  tester()
      .from_string(
          "{\"name\": \"p\", \"lockfileVersion\": 1, \"dependencies\": {\n"
          "  \"a\": {\"version\": \"1.0.0\", \"dependencies\": {\"b\": null}},\n"
          "  \"c\": {\"version\": \"2.0.0\"}}}",
          "package-lock.json")
      .expect_packages({"p", "a@1.0.0", "c@2.0.0"})
      .expect_diagnostics({"package-lock.json:2: invalid entry \"node_modules/a/node_modules/b\": not an object"});
}

TEST(PackageLock, HostileInputDoesNotCrash) {
  // Deep nesting is refused, not recursed into.
  std::string deep = "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"x\": " + std::string(100000, '[') + "}}}";
  auto r = parse_package_lock(deep, "p", catalog::NullResolver{});
  EXPECT_TRUE(r.entries.size() <= 1);
  // Deep nesting inside a dropped member costs nothing and is accepted.
  std::string dropped =
      "{\"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"p\", \"engines\": " + std::string(100000, '[') +
      std::string(100000, ']') + "}}}";
  tester().from_string(dropped).expect_no_diagnostics().expect_packages({"p"});
  // Link cycles and self-links terminate.
  tester()
      .from_string(R"({"lockfileVersion": 3, "packages": {
        "": {"name": "p", "dependencies": {"a": "1", "b": "1"}},
        "node_modules/a": {"link": true, "resolved": "node_modules/b"},
        "node_modules/b": {"link": true, "resolved": "node_modules/a"}}})")
      .expect_no_diagnostics()
      .expect_packages({"p"});
  tester()
      .from_string(R"({"lockfileVersion": 3, "packages": {"": {"name": "p", "version": 5, "license": ["x"],
        "dependencies": {"": "1", "../../x": "1"}}, "node_modules/": {"version": "1"}}})")
      .expect_packages({"p"})
      .expect_diagnostics({"fixture:2: invalid entry \"node_modules/\": no package name"});
}

TEST(PackageLock, V1TreeDeeperThanTheLimitIsRefused) {
  std::string doc = "{\"lockfileVersion\": 1, \"dependencies\": ";
  for (int i = 0; i < 300; ++i) doc += "{\"a\": {\"version\": \"1.0.0\", \"dependencies\": ";
  doc += "{}";
  for (int i = 0; i < 300; ++i) doc += "}}";
  doc += "}";
  auto r = parse_package_lock(doc, "package-lock.json", catalog::NullResolver{});
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "package-lock.json:1: unsupported json: nested deeper than 512 levels");
  EXPECT_TRUE(r.entries.empty());
}

// Guards against a quadratic parse (nlohmann's callback DOM builder is one): 8x the
// packages must take far less than 64x the time.
TEST(PackageLock, ParseTimeGrowsLinearly) {
  auto make = [](int n) {
    std::string s = "{\"name\": \"big\", \"lockfileVersion\": 3, \"packages\": {\"\": {\"name\": \"big\"}";
    for (int i = 0; i < n; ++i) {
      s += ",\n\"node_modules/p" + std::to_string(i) + "\": {\"version\": \"1.0." + std::to_string(i) +
           "\", \"engines\": {\"node\": \">=8\"}, \"dependencies\": {\"p" + std::to_string(i + 1) + "\": \"^1\"}}";
    }
    return s + "}}";
  };
  auto time = [](const std::string& doc, std::size_t expect_entries) {
    auto t0 = std::chrono::steady_clock::now();
    auto r = parse_package_lock(doc, "p", catalog::NullResolver{});
    auto t1 = std::chrono::steady_clock::now();
    EXPECT_EQ(r.entries.size(), expect_entries);
    return std::chrono::duration<double>(t1 - t0).count();
  };
  std::string small = make(3000);
  std::string large = make(24000);
  double ts = std::min(time(small, 3001), time(small, 3001));
  double tl = time(large, 24001);
  EXPECT_LT(tl, 24 * ts + 0.05) << "small " << ts << "s, large " << tl << "s";
}

// ---- real-world lockfiles ----------------------------------------------------------

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// name@version the lockfile itself states for every install path (links and root excluded).
std::map<std::string, std::string> expected_labels(const nlohmann::json& doc) {
  std::map<std::string, std::string> out;
  auto label = [](std::string name, const nlohmann::json& e) {
    std::string version = e.contains("version") ? e["version"].get<std::string>() : "";
    return version.empty() ? name : name + "@" + version;
  };
  if (doc.contains("packages")) {
    std::map<std::string, std::string> link_names;  // workspace folder -> name of the link to it
    for (const auto& [key, e] : doc["packages"].items())
      if (e.value("link", false)) link_names[e.value("resolved", "")] = key.substr(key.rfind("node_modules/") + 13);
    for (const auto& [key, e] : doc["packages"].items()) {
      if (key.empty() || e.value("link", false)) continue;
      std::string name = e.value("name", "");
      if (name.empty() && key.find("node_modules/") != std::string::npos)
        name = key.substr(key.rfind("node_modules/") + 13);
      if (name.empty()) name = link_names.at(key);
      out[key] = label(name, e);
    }
    return out;
  }
  std::vector<std::pair<std::string, const nlohmann::json*>> work_stack{{"", &doc["dependencies"]}};
  while (!work_stack.empty()) {
    auto [prefix, deps] = work_stack.back();
    work_stack.pop_back();
    for (const auto& [name, e] : deps->items()) {
      std::string key = (prefix.empty() ? "" : prefix + "/") + "node_modules/" + name;
      std::string version = e.value("version", "");
      if (version.rfind("npm:", 0) == 0) {
        out[key] = version.substr(4);
      } else {
        out[key] = label(name, e);
      }
      if (e.contains("dependencies")) work_stack.emplace_back(key, &e["dependencies"]);
    }
  }
  return out;
}

}  // namespace

TEST(PackageLock, RealWorldLockfiles) {
  fs::path base = purser::catalog::testing::shared_lockfiles();
  if (!fs::is_directory(base)) GTEST_SKIP() << "no shared lockfiles at " << base;
  int files = 0;
  for (const auto& f : fs::recursive_directory_iterator(base)) {
    std::string fname = f.path().filename().string();
    if (!f.is_regular_file() || (fname != "package-lock.json" && fname != "npm-shrinkwrap.json")) continue;
    ++files;
    SCOPED_TRACE(f.path().string());
    std::string bytes = slurp(f.path());
    auto t0 = std::chrono::steady_clock::now();
    auto r = parse_package_lock(bytes, f.path().string(), catalog::NullResolver{});
    auto t1 = std::chrono::steady_clock::now();
    std::cout << "[          ] " << fs::relative(f.path(), base).string() << ": " << r.entries.size() << " entries, "
              << std::chrono::duration<double, std::milli>(t1 - t0).count() << " ms\n";
    EXPECT_TRUE(r.diagnostics.empty()) << r.diagnostics.front().to_string();

    // Every install path yields exactly the name@version it states.
    auto expected = expected_labels(nlohmann::json::parse(bytes));
    std::unordered_map<std::string, const catalog::Entry*> by_key;
    for (const auto& e : r.entries)
      for (const auto& k : e.provides) by_key[k] = &e;
    for (const auto& [key, label] : expected) {
      auto it = by_key.find(key);
      if (it == by_key.end()) {
        ADD_FAILURE() << "no entry for " << key;
        continue;
      }
      EXPECT_EQ(CatalogTester::label(it->second->package), label) << key;
    }
    EXPECT_EQ(r.entries.size(), expected.size() + (by_key.count("") ? 1 : 0));

    // Everything is reachable from the artifact's top (its root entry, or when it names no
    // project, the entries nothing requires) through the needs the parser resolved;
    // this is what assemble() turns into edges, before its orphan safety net.
    std::vector<const catalog::Entry*> work_stack;
    std::unordered_set<const catalog::Entry*> incoming;
    for (const auto& e : r.entries)
      for (const auto& n : e.needs)
        if (auto it = by_key.find(n.key); it != by_key.end() && it->second != &e) incoming.insert(it->second);
    bool any_root = std::any_of(r.entries.begin(), r.entries.end(), [](const auto& e) { return e.root; });
    for (const auto& e : r.entries)
      if (any_root ? e.root : !incoming.count(&e)) work_stack.push_back(&e);
    std::unordered_set<const catalog::Entry*> seen(work_stack.begin(), work_stack.end());
    while (!work_stack.empty()) {
      const auto* e = work_stack.back();
      work_stack.pop_back();
      for (const auto& n : e->needs)
        if (auto it = by_key.find(n.key); it != by_key.end() && seen.insert(it->second).second)
          work_stack.push_back(it->second);
    }
    for (const auto& e : r.entries)
      EXPECT_TRUE(seen.count(&e)) << "unreachable: " << e.provides.front() << " " << e.package.purl;

    // And the assembled document agrees: edges exist and nothing needed the safety net.
    model::Document doc;
    doc.root.name = "root";
    doc.root.ecosystem = "directory";
    std::vector<catalog::ParseResult> results{r};
    catalog::assemble(doc, std::move(results));
    EXPECT_TRUE(doc.orphans().empty());
    EXPECT_FALSE(doc.relationships.empty());
  }
  EXPECT_GT(files, 0);
}
