#include "lib/catalog/npm/pnpm_lock.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "lib/catalog/scan.hpp"
#include "lib/source/source.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace purser {
namespace {

using catalog::npm::parse_pnpm_lock;
using catalog::testing::CatalogTester;

// --- v6 -------------------------------------------------------------------------

TEST(PnpmLockV6, SingleProject) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_fixture("pnpm/v6/pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"v6", "@babel/helper@7.2.5", "debug@4.3.4", "fsevents@2.3.3", "js-tokens@4.0.0",
                        "loose-envify@1.4.0", "ms@2.1.2", "react-dom@18.2.0", "react@18.2.0"})
      .expect_edges({{"v6", "@babel/helper@7.2.5"},
                     {"v6", "react-dom@18.2.0"},
                     {"v6", "react@18.2.0"},
                     {"v6", "js-tokens@4.0.0"},
                     {"v6", "fsevents@2.3.3"},
                     {"v6", "debug@4.3.4"},
                     {"@babel/helper@7.2.5", "js-tokens@4.0.0"},
                     {"debug@4.3.4", "ms@2.1.2"},
                     {"react-dom@18.2.0", "loose-envify@1.4.0"},
                     {"react-dom@18.2.0", "react@18.2.0"},
                     {"react@18.2.0", "loose-envify@1.4.0"},
                     {"loose-envify@1.4.0", "js-tokens@4.0.0"}})
      .expect_roots({"v6"});
  auto root = c.package("v6");
  EXPECT_EQ(root.type, model::ComponentType::application);
  EXPECT_EQ(c.package("debug@4.3.4").scope, model::Scope::dev);
  EXPECT_EQ(c.package("ms@2.1.2").scope, model::Scope::dev);
  EXPECT_EQ(c.package("fsevents@2.3.3").scope, model::Scope::optional);
  EXPECT_EQ(c.package("react@18.2.0").scope, model::Scope::required);

  auto helper = c.package("@babel/helper@7.2.5");
  EXPECT_EQ(helper.purl, "pkg:npm/%40babel/helper@7.2.5");
  ASSERT_EQ(helper.hashes.size(), 1u);
  EXPECT_EQ(helper.hashes[0].algorithm, "SHA-512");
  EXPECT_EQ(helper.hashes[0].value.substr(0, 16), "5c483ab2bb5d52bf");
  EXPECT_EQ(helper.locations.at(0).line, 33u);

  // The peer suffix is stripped from the version but kept as a resolution key.
  for (const auto& e : c.result().entries) {
    if (e.package.name == "react-dom") {
      EXPECT_EQ(e.provides, std::vector<std::string>{"react-dom@18.2.0(react@18.2.0)"});
    }
  }
}

// Importers are named by their own package.json, read beside the lockfile.
TEST(PnpmLockV6, WorkspaceImportersAndLinks) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_fixture("pnpm/v6-workspace/pnpm-lock.yaml")
      .with_fixture_file("pnpm/v6-workspace/package.json")
      .with_fixture_file("pnpm/v6-workspace/packages/app/package.json")
      .with_fixture_file("pnpm/v6-workspace/packages/lib/package.json")
      .expect_no_diagnostics()
      .expect_packages({"acme-monorepo", "@acme/app@1.4.0", "@acme/lib@0.2.0", "debug@4.3.4", "ms@2.1.2"})
      .expect_edges({{"acme-monorepo", "ms@2.1.2"},
                     {"@acme/app@1.4.0", "@acme/lib@0.2.0"},
                     {"@acme/app@1.4.0", "debug@4.3.4"},
                     {"@acme/lib@0.2.0", "ms@2.1.2"},
                     {"debug@4.3.4", "ms@2.1.2"}})
      .expect_roots({"acme-monorepo", "@acme/app@1.4.0", "@acme/lib@0.2.0"});
  auto app = c.package("@acme/app@1.4.0");
  EXPECT_EQ(app.purl, "pkg:npm/%40acme/app@1.4.0");
  EXPECT_EQ(app.type, model::ComponentType::application);
  EXPECT_EQ(app.property("purser:npm:importer"), "packages/app");
  EXPECT_EQ(app.property("purser:npm:workspace"), "packages/app");
  auto root = c.package("acme-monorepo");
  EXPECT_EQ(root.purl, "pkg:npm/acme-monorepo");  // no "version" in its package.json: none invented
  EXPECT_EQ(root.property("purser:npm:importer"), ".");
  EXPECT_EQ(root.property("purser:npm:workspace"), "");
  EXPECT_EQ(c.package("ms@2.1.2").scope, model::Scope::required);  // no `dev` flag: used by both
}

// Without package.json files the root is named after the lockfile's directory and each
// workspace importer after its path.
TEST(PnpmLockV6, MissingPackageJsonFallsBackToPaths) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_fixture("pnpm/v6-workspace/pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"v6-workspace", "packages/app", "packages/lib", "debug@4.3.4", "ms@2.1.2"})
      .expect_edges({{"v6-workspace", "ms@2.1.2"},
                     {"packages/app", "packages/lib"},
                     {"packages/app", "debug@4.3.4"},
                     {"packages/lib", "ms@2.1.2"},
                     {"debug@4.3.4", "ms@2.1.2"}})
      .expect_roots({"v6-workspace", "packages/app", "packages/lib"});
  auto app = c.package("packages/app");
  EXPECT_EQ(app.purl, "pkg:npm/packages%2Fapp");
  EXPECT_EQ(app.property("purser:npm:importer"), "packages/app");
  EXPECT_EQ(c.package("v6-workspace").property("purser:npm:importer"), ".");

  // Only some package.json files present: each importer falls back on its own.
  CatalogTester partial(&parse_pnpm_lock);
  partial.from_fixture("pnpm/v6-workspace/pnpm-lock.yaml")
      .with_fixture_file("pnpm/v6-workspace/packages/lib/package.json")
      .expect_no_diagnostics()
      .expect_roots({"v6-workspace", "packages/app", "@acme/lib@0.2.0"});
}

TEST(PnpmLockV6, RootNameWithoutDirectory) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(
       "lockfileVersion: '6.0'\ndependencies:\n  a:\n    specifier: ^1\n    version: 1.0.0\n"
       "packages:\n  /a@1.0.0:\n    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\n",
       "pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"root", "a@1.0.0"})
      .expect_edges({{"root", "a@1.0.0"}});
  auto a = c.package("a@1.0.0");
  ASSERT_EQ(a.hashes.size(), 1u);
  EXPECT_EQ(a.hashes[0].algorithm, "SHA-1");
}

// --- v9 -------------------------------------------------------------------------

TEST(PnpmLockV9, WorkspacePackagesSnapshots) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_fixture("pnpm/v9/pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"v9", "packages/app", "packages/lib", "@acme/local-util", "debug@4.3.4", "fsevents@2.3.3",
                        "js-tokens@4.0.0", "left-pad@1.3.0", "loose-envify@1.4.0", "ms@2.1.2", "nan@2.17.0",
                        "react-dom@18.2.0", "react@18.2.0", "typescript@5.4.5"})
      .expect_edges({{"v9", "debug@4.3.4"},
                     {"v9", "typescript@5.4.5"},
                     {"packages/app", "packages/lib"},
                     {"packages/app", "@acme/local-util"},
                     {"packages/app", "left-pad@1.3.0"},
                     {"packages/app", "react-dom@18.2.0"},
                     {"packages/app", "react@18.2.0"},
                     {"packages/app", "js-tokens@4.0.0"},
                     {"packages/lib", "debug@4.3.4"},
                     {"packages/lib", "fsevents@2.3.3"},
                     {"@acme/local-util", "ms@2.1.2"},
                     {"debug@4.3.4", "ms@2.1.2"},
                     {"fsevents@2.3.3", "nan@2.17.0"},
                     {"loose-envify@1.4.0", "js-tokens@4.0.0"},
                     {"react-dom@18.2.0", "loose-envify@1.4.0"},
                     {"react-dom@18.2.0", "react@18.2.0"},
                     {"react@18.2.0", "loose-envify@1.4.0"}})
      .expect_roots({"v9", "packages/app", "packages/lib"});
}

TEST(PnpmLockV9, ScopesFromImporterReachability) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_fixture("pnpm/v9/pnpm-lock.yaml");
  EXPECT_EQ(c.package("typescript@5.4.5").scope, model::Scope::dev);  // only root devDependencies
  EXPECT_EQ(c.package("debug@4.3.4").scope, model::Scope::required);  // dev at the root, prod in lib
  EXPECT_EQ(c.package("ms@2.1.2").scope, model::Scope::required);
  EXPECT_EQ(c.package("fsevents@2.3.3").scope, model::Scope::optional);
  EXPECT_EQ(c.package("nan@2.17.0").scope, model::Scope::optional);
  EXPECT_EQ(c.package("v9").scope, model::Scope::required);
}

TEST(PnpmLockV9, Details) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_fixture("pnpm/v9/pnpm-lock.yaml");
  auto local = c.package("@acme/local-util");
  EXPECT_EQ(local.purl, "pkg:npm/%40acme/local-util");
  EXPECT_EQ(local.property("purser:npm:resolved"), "file:packages/app/local-util");
  auto nan = c.package("nan@2.17.0");
  EXPECT_EQ(nan.download_url,
            "https://codeload.example.com/nodejs/nan/tar.gz/11e623a37e87cf7995c466723ec99688d55cae8c");
  EXPECT_TRUE(nan.hashes.empty());
  EXPECT_EQ(c.package("left-pad@1.3.0").hashes.size(), 1u);
  for (const auto& e : c.result().entries) {
    if (e.package.name == "left-pad") {
      EXPECT_EQ(e.provides, (std::vector<std::string>{"left-pad@1.3.0", "left-pad@1.3.0(patch_hash=3f1a2b)"}));
    }
    if (e.package.name == "packages/lib") {
      EXPECT_EQ(e.provides, std::vector<std::string>{"importer:packages/lib"});
    }
  }
  EXPECT_EQ(c.package("typescript@5.4.5").locations.at(0).line, 100u);
}

// --- v5 (best effort) ------------------------------------------------------------

TEST(PnpmLockV5, SlashKeysAndUnderscorePeers) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(
       "lockfileVersion: 5.4\n\nspecifiers:\n  '@types/node': ^20.1.0\n  react-dom: ^18.2.0\n\n"
       "dependencies:\n  react-dom: 18.2.0_react@18.2.0\n\ndevDependencies:\n  '@types/node': 20.1.0\n\n"
       "packages:\n\n"
       "  /@types/node/20.1.0:\n    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\n    dev: true\n\n"
       "  /react-dom/18.2.0_react@18.2.0:\n    dependencies:\n      react: 18.2.0\n    dev: false\n\n"
       "  /react/18.2.0:\n    dev: false\n",
       "web/pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"web", "@types/node@20.1.0", "react-dom@18.2.0", "react@18.2.0"})
      .expect_edges({{"web", "react-dom@18.2.0"}, {"web", "@types/node@20.1.0"}, {"react-dom@18.2.0", "react@18.2.0"}})
      .expect_roots({"web"});
  EXPECT_EQ(c.package("@types/node@20.1.0").scope, model::Scope::dev);
}

// pnpm 11+: an env document (the package manager and config dependencies) precedes the
// project lockfile. Both are read; the env document's packages are dev tooling of the root.
TEST(PnpmLockV9, EnvDocumentBeforeProjectLockfile) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(
       "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    configDependencies: {}\n"
       "    packageManagerDependencies:\n      pnpm:\n        specifier: 11.1.0\n        version: 11.1.0\n\n"
       "packages:\n\n  pnpm@11.1.0:\n    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\n\n"
       "snapshots:\n\n  pnpm@11.1.0: {}\n\n"
       "---\nlockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n      a:\n"
       "        specifier: ^1.0.0\n        version: 1.0.0\n\npackages:\n\n  a@1.0.0:\n"
       "    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\n"
       "    deprecated: |-\n      Use b instead.\n\n      See https://example.com/a: it moved.\n\n"
       "snapshots:\n\n  a@1.0.0: {}\n",
       "proj/pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"proj", "pnpm@11.1.0", "a@1.0.0"})
      .expect_edges({{"proj", "pnpm@11.1.0"}, {"proj", "a@1.0.0"}})
      .expect_roots({"proj"});
  EXPECT_EQ(c.package("pnpm@11.1.0").scope, model::Scope::dev);
  EXPECT_EQ(c.package("a@1.0.0").scope, model::Scope::required);
  EXPECT_EQ(c.package("a@1.0.0").locations.at(0).line, 35u);
}

TEST(PnpmLockV9, CrlfAndBom) {
  CatalogTester(&parse_pnpm_lock)
      .from_string(
          "\xEF\xBB\xBFlockfileVersion: '9.0'\r\n\r\nimporters:\r\n  .:\r\n    dependencies:\r\n      a:\r\n"
          "        specifier: ^1.0.0\r\n        version: 1.0.0\r\npackages:\r\n  a@1.0.0:\r\n"
          "    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\r\nsnapshots:\r\n  a@1.0.0: {}\r\n",
          "pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"root", "a@1.0.0"})
      .expect_edges({{"root", "a@1.0.0"}});
}

// --- importer names ----------------------------------------------------------------

// Two workspace directories with the same base name, each with its own dependency.
const char* const k_same_base_names =
    "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    devDependencies:\n      a:\n"
    "        specifier: ^1.0.0\n        version: 1.0.0\n\n"
    "  packages/a/test:\n    dependencies:\n      a:\n        specifier: ^1.0.0\n        version: 1.0.0\n\n"
    "  packages/b/test:\n    dependencies:\n      b:\n        specifier: ^2.0.0\n        version: 2.0.0\n\n"
    "packages:\n\n  a@1.0.0:\n    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\n\n"
    "  b@2.0.0:\n    resolution: {integrity: sha1-5QNHYR1+aQlDIIu9r+vLwvuGbUY=}\n\n"
    "snapshots:\n\n  a@1.0.0: {}\n\n  b@2.0.0: {}\n";

TEST(PnpmLockImporters, SameBaseNamesWithoutPackageJsonStayDistinct) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(k_same_base_names, "mono/pnpm-lock.yaml")
      .expect_no_diagnostics()
      .expect_packages({"mono", "packages/a/test", "packages/b/test", "a@1.0.0", "b@2.0.0"})
      .expect_purls({"pkg:npm/mono", "pkg:npm/packages%2Fa%2Ftest", "pkg:npm/packages%2Fb%2Ftest", "pkg:npm/a@1.0.0",
                     "pkg:npm/b@2.0.0"})
      .expect_edges({{"mono", "a@1.0.0"}, {"packages/a/test", "a@1.0.0"}, {"packages/b/test", "b@2.0.0"}})
      .expect_roots({"mono", "packages/a/test", "packages/b/test"});
  EXPECT_EQ(c.package("packages/a/test").property("purser:npm:importer"), "packages/a/test");
  EXPECT_EQ(c.package("packages/b/test").property("purser:npm:importer"), "packages/b/test");
  EXPECT_EQ(c.package("packages/b/test").locations.at(0).line, 17u);
}

TEST(PnpmLockImporters, SameBaseNamesNamedByPackageJson) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(k_same_base_names, "mono/pnpm-lock.yaml")
      .with_file("mono/package.json", R"({"name": "mono-root", "version": "0.0.0", "private": true})")
      .with_file("mono/packages/a/test/package.json", R"({"name": "@mono/a-test", "version": "1.0.0"})")
      .with_file("mono/packages/b/test/package.json", R"({"version": "2.1.0", "name": "@mono/b-test"})")
      .expect_no_diagnostics()
      .expect_packages({"mono-root@0.0.0", "@mono/a-test@1.0.0", "@mono/b-test@2.1.0", "a@1.0.0", "b@2.0.0"})
      .expect_edges(
          {{"mono-root@0.0.0", "a@1.0.0"}, {"@mono/a-test@1.0.0", "a@1.0.0"}, {"@mono/b-test@2.1.0", "b@2.0.0"}})
      .expect_roots({"mono-root@0.0.0", "@mono/a-test@1.0.0", "@mono/b-test@2.1.0"});
  EXPECT_EQ(c.package("@mono/b-test@2.1.0").purl, "pkg:npm/%40mono/b-test@2.1.0");
  EXPECT_EQ(c.package("@mono/b-test@2.1.0").property("purser:npm:importer"), "packages/b/test");
  EXPECT_EQ(c.package("mono-root@0.0.0").property("purser:npm:importer"), ".");
}

// Two importers whose package.json agree on name@version are the same package: one
// component carrying both importers' dependencies.
TEST(PnpmLockImporters, SameNameAndVersionMerge) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(k_same_base_names, "mono/pnpm-lock.yaml")
      .with_file("mono/packages/a/test/package.json", R"({"name": "tests", "version": "1.0.0"})")
      .with_file("mono/packages/b/test/package.json", R"({"name": "tests", "version": "1.0.0"})")
      .expect_no_diagnostics()
      .expect_packages({"mono", "tests@1.0.0", "a@1.0.0", "b@2.0.0"})
      .expect_edges({{"mono", "a@1.0.0"}, {"tests@1.0.0", "a@1.0.0"}, {"tests@1.0.0", "b@2.0.0"}})
      .expect_roots({"mono", "tests@1.0.0"});
  std::vector<std::string> importers;
  for (const auto& e : c.result().entries)
    if (e.root) importers.push_back(e.package.property("purser:npm:importer"));
  EXPECT_EQ(importers, (std::vector<std::string>{".", "packages/a/test", "packages/b/test"}));
}

// A package.json that is not JSON, not an object, or has no usable "name" only means the
// fallback name; it is not this cataloger's artifact, so nothing is reported.
TEST(PnpmLockImporters, MalformedPackageJsonFallsBack) {
  std::string lock =
      "lockfileVersion: '9.0'\nimporters:\n  .: {}\n  p/trunc: {}\n  p/array: {}\n  p/number: {}\n"
      "  p/empty: {}\n  p/deep: {}\n  p/binary: {}\n  p/late: {}\n  p/nover: {}\n";
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(lock, "pnpm-lock.yaml")
      .with_file("package.json", "{\"name\": \"root-pkg\", \"version\": ")
      .with_file("p/trunc/package.json", "{\"name\": \"trunc\"")
      .with_file("p/array/package.json", R"(["name", "array"])")
      .with_file("p/number/package.json", R"({"name": 42, "version": "1.0.0"})")
      .with_file("p/empty/package.json", R"({"name": "", "version": "1.0.0"})")
      .with_file("p/deep/package.json", "{\"x\": " + std::string(100000, '[') + "}")
      .with_file("p/binary/package.json", "{\"name\": \"b\xff\xfe\"}")
      // Nested values are skipped while parsing; only the top-level name counts.
      .with_file("p/late/package.json",
                 R"({"config": {"name": "inner", "deep": [[{"name": "x"}]]}, "name": "late", "version": "3.0.0"})")
      .with_file("p/nover/package.json", "\xEF\xBB\xBF{\"name\": \"nover\", \"version\": {\"x\": 1}}")
      .expect_no_diagnostics()
      .expect_packages(
          {"root", "p/trunc", "p/array", "p/number", "p/empty", "p/deep", "p/binary", "late@3.0.0", "nover"})
      .expect_roots({"root", "p/trunc", "p/array", "p/number", "p/empty", "p/deep", "p/binary", "late@3.0.0", "nover"});
}

// --- bad input ----------------------------------------------------------------------

TEST(PnpmLockBad, YamlSyntaxErrorIsLocated) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string("lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x\n  b: [\n",
                "pnpm-lock.yaml")
      .expect_packages({});
  ASSERT_EQ(c.result().diagnostics.size(), 1u);
  EXPECT_EQ(c.result().diagnostics[0].to_string().rfind("pnpm-lock.yaml:5: invalid pnpm-lock.yaml: ", 0), 0u)
      << c.result().diagnostics[0].to_string();
}

TEST(PnpmLockBad, NotAMappingEmptyAndBinary) {
  CatalogTester(&parse_pnpm_lock)
      .from_string("- a\n- b\n", "pnpm-lock.yaml")
      .expect_packages({})
      .expect_diagnostics({"pnpm-lock.yaml:1: invalid pnpm-lock.yaml: top level is not a mapping"});
  CatalogTester(&parse_pnpm_lock)
      .from_string("", "pnpm-lock.yaml")
      .expect_packages({})
      .expect_diagnostics({"pnpm-lock.yaml: invalid pnpm-lock.yaml: empty document"});
  std::string junk;
  for (int i = 0; i < 512; ++i) junk += static_cast<char>((i * 37) & 0xff);
  CatalogTester(&parse_pnpm_lock)
      .from_string(junk, "pnpm-lock.yaml")
      .expect_packages({})
      .expect_diagnostics({"pnpm-lock.yaml: invalid pnpm-lock.yaml: not a text file"});
}

TEST(PnpmLockBad, PartialEntriesKept) {
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(
       "packages:\n  /a@1.0.0:\n    dev: false\n  ? [x, y]\n  : {}\n  /nover:\n    dev: false\n"
       "  /b@2.0.0:\n    dependencies:\n      a: 1.0.0\n      c: {}\n",
       "pnpm-lock.yaml")
      .expect_packages({"root", "a@1.0.0", "b@2.0.0"})
      .expect_edges({{"b@2.0.0", "a@1.0.0"}})
      .expect_diagnostics(
          {"pnpm-lock.yaml:1: invalid pnpm-lock.yaml: no lockfileVersion",
           "pnpm-lock.yaml:4: invalid pnpm-lock.yaml: package key is not a string",
           "pnpm-lock.yaml:6: invalid pnpm-lock.yaml: cannot read name@version from package key: /nover",
           "pnpm-lock.yaml:11: invalid pnpm-lock.yaml: dependency without a name or version"});
}

TEST(PnpmLockBad, DeepNestingDoesNotOverflow) {
  std::string flow = "lockfileVersion: '9.0'\npackages: " + std::string(100000, '[') + "\n";
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(flow, "pnpm-lock.yaml").expect_packages({});
  ASSERT_EQ(c.result().diagnostics.size(), 1u);
  EXPECT_NE(c.result().diagnostics[0].message.find("nesting too deep"), std::string::npos)
      << c.result().diagnostics[0].to_string();

  std::string block = "lockfileVersion: '9.0'\n";
  for (int i = 0; i < 5000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  CatalogTester b(&parse_pnpm_lock);
  b.from_string(block, "pnpm-lock.yaml").expect_packages({});
  EXPECT_EQ(b.result().diagnostics.size(), 1u);
}

// "Billion laughs": pnpm never writes anchors or aliases (js-yaml's noRefs), and the reader
// rejects them with a located error, so alias amplification cannot happen.
TEST(PnpmLockBad, AliasesAreRejected) {
  std::string s = "lockfileVersion: '9.0'\nsnapshots:\n  a@1.0.0: &big\n    dependencies:\n";
  for (int i = 0; i < 5000; ++i) s += "      d" + std::to_string(i) + ": 1.0.0\n";
  for (int i = 0; i < 5000; ++i) s += "  p" + std::to_string(i) + "@1.0.0: *big\n";
  auto start = std::chrono::steady_clock::now();
  CatalogTester c(&parse_pnpm_lock);
  c.from_string(s, "pnpm-lock.yaml")
      .expect_packages({})
      .expect_diagnostics({"pnpm-lock.yaml:3: invalid pnpm-lock.yaml: anchors and aliases are not supported"});
  auto secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(secs, 10.0);

  std::string lol = "lockfileVersion: '9.0'\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 30; ++i) {
    lol += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) lol += (k ? ", *a" : "*a") + std::to_string(i - 1);
    lol += "]\n";
  }
  lol += "importers:\n  .:\n    dependencies: *a29\npackages: *a29\n";
  CatalogTester(&parse_pnpm_lock)
      .from_string(lol, "pnpm-lock.yaml")
      .expect_packages({})
      .expect_diagnostics({"pnpm-lock.yaml:2: invalid pnpm-lock.yaml: anchors and aliases are not supported"});
}

// --- real world ---------------------------------------------------------------------

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string unquote(std::string s) {
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) s = s.substr(1, s.size() - 2);
  return s;
}

// Every pnpm-lock.yaml in the shared bench: the name@version set equals a naive reading of
// the `packages:` keys plus one entry per importer, no diagnostics, and nothing but the
// importers hangs off the document root (no orphans).
TEST(PnpmLock, RealWorldBench) {
  namespace fs = std::filesystem;
  fs::path base = purser::catalog::testing::shared_lockfiles();
  if (!fs::exists(base)) GTEST_SKIP() << "no shared bench at " << base;
  std::size_t files = 0;
  for (const auto& de : fs::recursive_directory_iterator(base)) {
    if (!de.is_regular_file() || de.path().filename() != "pnpm-lock.yaml") continue;
    ++files;
    std::string rel = fs::relative(de.path(), base).generic_string();
    std::string bytes = slurp(de.path());
    auto start = std::chrono::steady_clock::now();
    auto result = parse_pnpm_lock(bytes, rel, catalog::NullResolver());
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    for (const auto& d : result.diagnostics) ADD_FAILURE() << d.to_string();

    // Naive reading: two-space-indented keys under `packages:` and `importers:`.
    std::set<std::string> expected;
    std::istringstream lines(bytes);
    std::string section;
    bool single_project = true;
    std::size_t importers = 0;
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      if (line[0] != ' ') {
        section = line.substr(0, line.find(':'));
        if (section == "importers") single_project = false;
        continue;
      }
      if (line.size() < 3 || line[2] == ' ' || line.rfind("  ", 0) != 0) continue;
      std::string key = line.substr(2);
      if (auto colon = key.rfind(':'); colon != std::string::npos && (key.ends_with(":") || key.ends_with(": {}")))
        key = unquote(key.substr(0, colon));
      else
        continue;
      if (section == "packages") {
        if (key[0] == '/') key = key.substr(1);
        key = key.substr(0, key.find('('));
        auto at = key.find('@', 1);
        std::string version = key.substr(at + 1);
        expected.insert(version.find(':') != std::string::npos ? key.substr(0, at) : key);
      } else if (section == "importers") {
        expected.insert(key == "." ? de.path().parent_path().filename().string() : key);
        ++importers;
      }
    }
    if (single_project) expected.insert(de.path().parent_path().filename().string());
    std::set<std::string> seen;
    std::set<std::string> root_refs;
    for (const auto& e : result.entries) {
      seen.insert(CatalogTester::label(e.package));
      if (e.root) root_refs.insert(e.package.ref());
    }
    EXPECT_EQ(seen, expected) << rel;

    model::Document doc;
    doc.root.name = "root";
    doc.root.ecosystem = "directory";
    std::vector<catalog::ParseResult> results{result};
    catalog::assemble(doc, std::move(results));
    std::size_t orphans = 0;
    for (const auto& r : doc.relationships)
      if (r.from == doc.root.ref() && !root_refs.count(r.to)) ++orphans;
    EXPECT_EQ(orphans, 0u) << rel;
    // Every importer is its own component: no two share a PURL (vite has 279).
    EXPECT_EQ(root_refs.size(), std::max<std::size_t>(importers, 1)) << rel;
    std::size_t dev = 0, optional = 0;
    for (const auto& e : result.entries) {
      dev += e.package.scope == model::Scope::dev ? 1 : 0;
      optional += e.package.scope == model::Scope::optional ? 1 : 0;
    }
    std::cout << "[ pnpm ] " << rel << ": " << result.entries.size() << " entries, " << root_refs.size()
              << " importers, " << dev << " dev, " << optional << " optional, " << ms << " ms\n";
  }
  EXPECT_GE(files, 1u);
}

// Reads files under a real directory, as the scanner's resolver does.
class DirResolver final : public catalog::FileResolver {
 public:
  explicit DirResolver(std::filesystem::path base) : m_base(std::move(base)) {}
  util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const override {
    std::string joined = source::join_relative(from, relative);
    std::filesystem::path p = m_base / joined;
    if (joined.empty() || !std::filesystem::is_regular_file(p))
      return util::make_error(util::ErrorCode::io, "cannot read", {std::string(relative)});
    return slurp(p);
  }

 private:
  std::filesystem::path m_base;
};

// vite's workspace has many directories with the same base name ("playground/*/test"...).
// With the real directory (only the root package.json is there) the root is named by its
// package.json and every other importer by its path: 279 importers, 279 components.
TEST(PnpmLock, RealWorldViteImportersAreDistinct) {
  namespace fs = std::filesystem;
  fs::path dir = purser::catalog::testing::shared_lockfiles() / "pnpm" / "vite";
  if (!fs::exists(dir / "pnpm-lock.yaml")) GTEST_SKIP() << "no vite lockfile at " << dir;
  auto result = parse_pnpm_lock(slurp(dir / "pnpm-lock.yaml"), "pnpm-lock.yaml", DirResolver(dir));
  EXPECT_TRUE(result.diagnostics.empty());
  std::set<std::string> importer_paths, base_names;
  for (const auto& e : result.entries) {
    if (!e.root) continue;
    auto importer = e.package.property("purser:npm:importer");
    importer_paths.insert(importer);
    base_names.insert(fs::path(importer).filename().string());
    if (importer == ".") {
      EXPECT_EQ(e.package.purl, "pkg:npm/%40vitejs/vite-monorepo");
    } else {
      EXPECT_EQ(e.package.name, importer);
    }
  }
  EXPECT_EQ(importer_paths.size(), 279u);
  EXPECT_LT(base_names.size(), importer_paths.size());  // base names alone would collide

  model::Document doc;
  doc.root.name = "root";
  doc.root.ecosystem = "directory";
  std::vector<catalog::ParseResult> results{result};
  catalog::assemble(doc, std::move(results));
  std::size_t applications = 0;
  for (const auto& p : doc.packages) applications += p.type == model::ComponentType::application ? 1 : 0;
  EXPECT_EQ(applications, 279u);
}

}  // namespace
}  // namespace purser

TEST(PnpmLockFuzzRegressions, OnlyADocumentEndMarkerIsAnEmptyDocument) {
  purser::catalog::testing::CatalogTester t(&purser::catalog::npm::parse_pnpm_lock);
  t.from_string("...", "pnpm-lock.yaml")
      .expect_packages({})
      .expect_diagnostics({"pnpm-lock.yaml:1: invalid pnpm-lock.yaml: empty document"});
}
