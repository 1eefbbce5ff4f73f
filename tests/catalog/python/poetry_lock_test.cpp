#include <gtest/gtest.h>

#include <iostream>

#include "lib/catalog/python/poetry_lock.hpp"
#include "tests/catalog/cataloger_tester.hpp"
#include "tests/catalog/python/python_test_util.hpp"

namespace purser::catalog::python {
namespace {

using testing::CatalogTester;

const char* k_v1 = "python/poetry-v1/poetry.lock";
const char* k_v2 = "python/poetry-v2/poetry.lock";

CatalogTester v1(bool with_pyproject) {
  CatalogTester t(&parse_poetry_lock);
  t.from_fixture(k_v1);
  if (with_pyproject) t.with_fixture_file("python/poetry-v1/pyproject.toml");
  return t;
}

CatalogTester v2() {
  CatalogTester t(&parse_poetry_lock);
  t.from_fixture(k_v2).with_fixture_file("python/poetry-v2/pyproject.toml");
  return t;
}

TEST(PoetryLock, PackagesAndRootFromPyproject) {
  v1(true)
      .expect_packages({"certifi@2023.7.22", "colorama@0.4.6", "PySocks@1.7.1", "pytest@7.4.3", "requests@2.31.0",
                        "urllib3@2.0.7", "toolbelt@1.2.0", "weather-cli@0.3.1"})
      .expect_roots({"weather-cli@0.3.1"})
      .expect_no_diagnostics();
}

TEST(PoetryLock, EdgesByNormalizedName) {
  v1(true).expect_edges({{"pytest@7.4.3", "colorama@0.4.6"},
                         {"requests@2.31.0", "certifi@2023.7.22"},
                         {"requests@2.31.0", "PySocks@1.7.1"},
                         {"requests@2.31.0", "urllib3@2.0.7"},
                         {"weather-cli@0.3.1", "requests@2.31.0"},
                         {"weather-cli@0.3.1", "toolbelt@1.2.0"},
                         {"weather-cli@0.3.1", "pytest@7.4.3"}});
}

TEST(PoetryLock, WithoutPyprojectThereIsNoRoot) {
  auto t = v1(false);
  t.expect_roots({"pytest@7.4.3", "requests@2.31.0", "toolbelt@1.2.0"}).expect_no_diagnostics();
  for (const auto& e : t.result().entries) EXPECT_FALSE(e.root);
}

TEST(PoetryLock, RootPackage) {
  auto t = v1(true);
  auto root = t.package("weather-cli@0.3.1");
  EXPECT_EQ(root.type, model::ComponentType::application);
  EXPECT_EQ(root.purl, "pkg:pypi/weather-cli@0.3.1");
  EXPECT_EQ(root.locations, (std::vector<util::Location>{{"python/poetry-v1/pyproject.toml", 2}}));
  for (const auto& e : t.result().entries)
    if (e.root) {
      std::vector<std::string> keys;
      for (const auto& n : e.needs) keys.push_back(n.key);
      EXPECT_EQ(keys, (std::vector<std::string>{"requests", "toolbelt", "pytest"}));
    }
}

TEST(PoetryLock, ScopesFromCategoryAndOptional) {
  auto t = v1(true);
  EXPECT_EQ(t.package("certifi@2023.7.22").scope, model::Scope::required);
  EXPECT_EQ(t.package("colorama@0.4.6").scope, model::Scope::dev);
  EXPECT_EQ(t.package("pytest@7.4.3").scope, model::Scope::dev);
  EXPECT_EQ(t.package("PySocks@1.7.1").scope, model::Scope::optional);
}

TEST(PoetryLock, HashOnlyWhenTheReleaseHasOneFile) {
  auto t = v1(true);
  EXPECT_EQ(
      t.package("colorama@0.4.6").hashes,
      (std::vector<model::Hash>{{"SHA-256", "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"}}));
  EXPECT_TRUE(t.package("certifi@2023.7.22").hashes.empty());
  EXPECT_TRUE(t.package("pytest@7.4.3").hashes.empty());
}

TEST(PoetryLock, SourcesAndLocations) {
  auto t = v1(true);
  EXPECT_EQ(t.package("toolbelt@1.2.0").property("purser:pypi:source"),
            "git+https://github.com/example/toolbelt.git@0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(t.package("urllib3@2.0.7").property("purser:pypi:index"), "https://private.example/simple");
  EXPECT_EQ(t.package("PySocks@1.7.1").purl, "pkg:pypi/pysocks@1.7.1");
  EXPECT_EQ(t.package("certifi@2023.7.22").locations, (std::vector<util::Location>{{k_v1, 1}}));
  EXPECT_EQ(t.package("colorama@0.4.6").locations, (std::vector<util::Location>{{k_v1, 13}}));
}

TEST(PoetryLock, OptionalAndMarkerGuardedNeeds) {
  auto t = v1(true);
  std::map<std::string, std::map<std::string, bool>> needs;  // package -> key -> optional
  for (const auto& e : t.result().entries)
    for (const auto& n : e.needs) needs[e.package.name][n.key] = n.optional;
  EXPECT_EQ(needs["requests"],
            (std::map<std::string, bool>{{"certifi", false}, {"pysocks", true}, {"urllib3", false}}));
  EXPECT_EQ(needs["pytest"], (std::map<std::string, bool>{{"colorama", true}}));
}

TEST(PoetryLock, Lock21GroupsAndProjectTable) {
  auto t = v2();
  t.expect_packages({"anyio@4.2.0", "exceptiongroup@1.2.0", "idna@3.6", "iniconfig@2.0.0", "sniffio@1.3.0",
                     "local-helpers@0.1.0", "async_service@1.0.0"})
      .expect_roots({"async_service@1.0.0"})
      .expect_edges({{"anyio@4.2.0", "exceptiongroup@1.2.0"},
                     {"anyio@4.2.0", "idna@3.6"},
                     {"anyio@4.2.0", "sniffio@1.3.0"},
                     {"async_service@1.0.0", "anyio@4.2.0"},
                     {"async_service@1.0.0", "local-helpers@0.1.0"},
                     {"async_service@1.0.0", "iniconfig@2.0.0"},
                     {"async_service@1.0.0", "exceptiongroup@1.2.0"}})
      .expect_no_diagnostics();
  EXPECT_EQ(t.package("async_service@1.0.0").purl, "pkg:pypi/async-service@1.0.0");
  EXPECT_EQ(t.package("iniconfig@2.0.0").scope, model::Scope::dev);
  EXPECT_EQ(t.package("exceptiongroup@1.2.0").scope, model::Scope::required);
  EXPECT_EQ(t.package("exceptiongroup@1.2.0").property("purser:pypi:markers"), "python_version < \"3.11\"");
  EXPECT_EQ(t.package("exceptiongroup@1.2.0").hashes.size(), 1u);
  EXPECT_EQ(t.package("local-helpers@0.1.0").property("purser:pypi:source"), "directory:libs/local-helpers");
}

TEST(PoetryLock, InvalidTomlIsLocated) {
  CatalogTester(&parse_poetry_lock)
      .from_string("[[package]]\nname = \"a\"\nversion = \n", "poetry.lock")
      .expect_packages({})
      .expect_diagnostics(
          {"poetry.lock:3: invalid toml: error while parsing key-value pair: expected value, saw '\\n'"});
}

TEST(PoetryLock, BadPackagesAreSkippedOthersKept) {
  CatalogTester(&parse_poetry_lock)
      .from_string(
          "[[package]]\nversion = \"1\"\n\n[[package]]\nname = \"ok\"\nversion = \"2\"\n"
          "[package.dependencies]\nx = 3\n",
          "poetry.lock")
      .expect_packages({"ok@2"})
      .expect_diagnostics({"poetry.lock:1: invalid package: missing name"});
  CatalogTester(&parse_poetry_lock)
      .from_string("package = \"x\"\n", "poetry.lock")
      .expect_packages({})
      .expect_diagnostics({"poetry.lock:1: invalid poetry.lock: 'package' is not an array of tables"});
  CatalogTester(&parse_poetry_lock)
      .from_string("package = [1, {name = \"b\"}]\n", "poetry.lock")
      .expect_packages({"b"})
      .expect_diagnostics({"poetry.lock:1: invalid package: not a table"});
}

TEST(PoetryLock, WrongFormatAndBinaryJunk) {
  CatalogTester(&parse_poetry_lock)
      .from_string("", "poetry.lock")
      .expect_packages({})
      .expect_diagnostics({"poetry.lock: invalid poetry.lock: no [[package]] or [metadata]"});
  CatalogTester(&parse_poetry_lock)
      .from_string(std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16), "poetry.lock")
      .expect_packages({})
      .expect_diagnostics({"poetry.lock: invalid toml: binary content"});
}

TEST(PoetryLock, BrokenPyprojectIsReportedLockStillRead) {
  CatalogTester(&parse_poetry_lock)
      .from_string("[[package]]\nname = \"a\"\nversion = \"1\"\n", "app/poetry.lock")
      .with_file("app/pyproject.toml", "[project\nname = \"x\"\n")
      .expect_packages({"a@1"})
      .expect_diagnostics(
          {"app/pyproject.toml:1: invalid toml: error while parsing table header: expected ']', saw '\\n'"});
  // No name (poetry's package-mode = false): no root, no diagnostic.
  CatalogTester(&parse_poetry_lock)
      .from_string("[[package]]\nname = \"a\"\nversion = \"1\"\n", "poetry.lock")
      .with_file("pyproject.toml", "[tool.poetry]\npackage-mode = false\n")
      .expect_packages({"a@1"})
      .expect_roots({"a@1"})
      .expect_no_diagnostics();
}

TEST(PoetryLock, RealWorldEveryPackageWithExactVersion) {
  if (!std::filesystem::is_directory(test_util::shared_lockfiles())) GTEST_SKIP() << "no shared lockfiles";
  test_util::DiskResolver resolver(test_util::shared_lockfiles());
  std::size_t packages = 0, roots = 0;
  auto want = [](const std::string& name) { return name == "poetry.lock"; };
  std::size_t files = test_util::for_each_shared_file(want, [&](const std::string& rel, const std::string& bytes) {
    auto result = parse_poetry_lock(bytes, rel, resolver);
    EXPECT_TRUE(result.diagnostics.empty()) << rel << ": " << result.diagnostics.front().to_string();
    std::multiset<std::string> found;
    for (const auto& e : result.entries) {
      if (e.root) {
        ++roots;
        continue;
      }
      found.insert(CatalogTester::label(e.package));
    }
    auto expected = test_util::toml_package_labels(bytes);
    EXPECT_EQ(found, expected) << rel;
    packages += expected.size();
  });
  std::cout << "[ real-world ] poetry.lock files: " << files << ", packages: " << packages << ", roots: " << roots
            << "\n";
  EXPECT_GT(packages, 0u);
}

}  // namespace
}  // namespace purser::catalog::python
