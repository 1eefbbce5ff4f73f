#include <gtest/gtest.h>

#include <iostream>

#include "lib/catalog/python/uv_lock.hpp"
#include "tests/catalog/cataloger_tester.hpp"
#include "tests/catalog/python/python_test_util.hpp"

namespace purser::catalog::python {
namespace {

using testing::CatalogTester;

const char* k_project = "python/uv-project/uv.lock";

CatalogTester project() {
  CatalogTester t(&parse_uv_lock);
  t.from_fixture(k_project);
  return t;
}

TEST(UvLock, PackagesEdgesAndRoot) {
  project()
      .expect_packages({"click@8.1.7", "colorama@0.4.6", "numpy@1.26.4", "numpy@2.1.3", "pandas-lite@0.9.0",
                        "pytest@8.0.0", "rich@13.7.0", "stats-tool@0.2.0"})
      .expect_roots({"stats-tool@0.2.0"})
      .expect_edges({{"click@8.1.7", "colorama@0.4.6"},
                     {"pandas-lite@0.9.0", "numpy@1.26.4"},
                     {"pandas-lite@0.9.0", "numpy@2.1.3"},
                     {"pytest@8.0.0", "colorama@0.4.6"},
                     {"stats-tool@0.2.0", "click@8.1.7"},
                     {"stats-tool@0.2.0", "pandas-lite@0.9.0"},
                     {"stats-tool@0.2.0", "rich@13.7.0"},
                     {"stats-tool@0.2.0", "pytest@8.0.0"}})
      .expect_no_diagnostics();
}

TEST(UvLock, ScopesByReachabilityFromTheProject) {
  auto t = project();
  EXPECT_EQ(t.package("stats-tool@0.2.0").scope, model::Scope::required);
  EXPECT_EQ(t.package("click@8.1.7").scope, model::Scope::required);
  EXPECT_EQ(t.package("colorama@0.4.6").scope, model::Scope::required);  // also under pytest, but click needs it
  EXPECT_EQ(t.package("numpy@2.1.3").scope, model::Scope::required);
  EXPECT_EQ(t.package("rich@13.7.0").scope, model::Scope::optional);
  EXPECT_EQ(t.package("pytest@8.0.0").scope, model::Scope::dev);
}

TEST(UvLock, ArtifactHashAndUrl) {
  auto t = project();
  auto click = t.package("click@8.1.7");
  EXPECT_EQ(
      click.hashes,
      (std::vector<model::Hash>{{"SHA-256", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}}));
  EXPECT_EQ(click.download_url, "https://files.pypi.example/packages/aa/bb/click-8.1.7.tar.gz");
  auto colorama = t.package("colorama@0.4.6");  // wheel-only release with a single file
  EXPECT_EQ(colorama.hashes.size(), 1u);
  EXPECT_EQ(colorama.download_url, "https://files.pypi.example/packages/ee/ff/colorama-0.4.6-py2.py3-none-any.whl");
  EXPECT_TRUE(t.package("pandas-lite@0.9.0").hashes.empty());
}

TEST(UvLock, RootAndSources) {
  auto t = project();
  auto root = t.package("stats-tool@0.2.0");
  EXPECT_EQ(root.type, model::ComponentType::application);
  EXPECT_EQ(root.purl, "pkg:pypi/stats-tool@0.2.0");
  EXPECT_TRUE(root.properties.empty());
  EXPECT_EQ(root.locations, (std::vector<util::Location>{{k_project, 71}}));
  EXPECT_EQ(t.package("click@8.1.7").locations, (std::vector<util::Location>{{k_project, 9}}));
  EXPECT_EQ(t.package("pandas-lite@0.9.0").property("purser:pypi:source"),
            "git+https://github.com/example/pandas-lite?rev=v0.9.0#0123456789abcdef0123456789abcdef01234567");
}

TEST(UvLock, WorkspaceMembersAreRoots) {
  auto t = CatalogTester(&parse_uv_lock);
  t.from_fixture("python/uv-workspace/uv.lock")
      .expect_packages({"attrs@23.2.0", "vendored-shim@0.0.1", "ws-app", "ws-core@0.5.0"})
      .expect_roots({"ws-app", "ws-core@0.5.0"})
      .expect_edges({{"ws-app", "ws-core@0.5.0"}, {"ws-app", "vendored-shim@0.0.1"}, {"ws-core@0.5.0", "attrs@23.2.0"}})
      .expect_no_diagnostics();
  EXPECT_EQ(t.package("ws-app").purl, "pkg:pypi/ws-app");
  EXPECT_EQ(t.package("ws-core@0.5.0").type, model::ComponentType::application);
  EXPECT_EQ(t.package("vendored-shim@0.0.1").type, model::ComponentType::library);
  EXPECT_EQ(t.package("vendored-shim@0.0.1").property("purser:pypi:source"), "directory:third_party/shim");
}

TEST(UvLock, UnversionedDependencyOnAForkedPackageTakesTheFirst) {
  CatalogTester(&parse_uv_lock)
      .from_string(
          "version = 1\n[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [{ name = \"B\" }]\n"
          "[[package]]\nname = \"b\"\nversion = \"2\"\n[[package]]\nname = \"b\"\nversion = \"3\"\n",
          "uv.lock")
      .expect_edges({{"a@1", "b@2"}})
      .expect_roots({"a@1", "b@3"})
      .expect_no_diagnostics();
}

TEST(UvLock, BadInput) {
  CatalogTester(&parse_uv_lock)
      .from_string("version = 1\n[[package]]\nname = \"a\"\nsource = { registry = \"x\" \n", "uv.lock")
      .expect_packages({})
      .expect_diagnostics(
          {"uv.lock:4: invalid toml: error while parsing inline table: expected key or closing '}', saw '\\n'"});
  CatalogTester(&parse_uv_lock)
      .from_string(
          "version = 7\n\n[[package]]\nversion = \"1\"\n[[package]]\nname = \"ok\"\nversion = \"1\"\n"
          "dependencies = [1, { version = \"2\" }]\nsdist = { hash = \"sha256:short\" }\n",
          "uv.lock")
      .expect_packages({"ok@1"})
      .expect_diagnostics({"uv.lock:1: unsupported uv.lock version: reading it as version 1",
                           "uv.lock:3: invalid package: missing name"});
  CatalogTester(&parse_uv_lock)
      .from_string("[tool]\nx = 1\n", "uv.lock")
      .expect_diagnostics({"uv.lock: invalid uv.lock: no version or [[package]]"});
  CatalogTester(&parse_uv_lock)
      .from_string(std::string("\x1f\x8b\x08\0\0\0\0\0\0\x03", 10), "uv.lock")
      .expect_diagnostics({"uv.lock: invalid toml: binary content"});
}

TEST(UvLock, RealWorldEveryPackageWithExactVersion) {
  if (!std::filesystem::is_directory(test_util::shared_lockfiles())) GTEST_SKIP() << "no shared lockfiles";
  std::size_t packages = 0, roots = 0, edges = 0;
  auto want = [](const std::string& name) { return name == "uv.lock"; };
  std::size_t files = test_util::for_each_shared_file(want, [&](const std::string& rel, const std::string& bytes) {
    CatalogTester t(&parse_uv_lock);
    t.from_string(bytes, rel);
    EXPECT_TRUE(t.result().diagnostics.empty()) << rel;
    std::multiset<std::string> found;
    for (const auto& e : t.result().entries) {
      found.insert(CatalogTester::label(e.package));
      roots += e.root;
    }
    auto expected = test_util::toml_package_labels(bytes);
    EXPECT_EQ(found, expected) << rel;
    packages += expected.size();
    edges += t.edges().size();
  });
  std::cout << "[ real-world ] uv.lock files: " << files << ", packages: " << packages << ", roots: " << roots
            << ", edges: " << edges << "\n";
  EXPECT_GT(packages, 0u);
}

}  // namespace
}  // namespace purser::catalog::python
