#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <iostream>

#include "lib/catalog/python/pipfile_lock.hpp"
#include "tests/catalog/cataloger_tester.hpp"
#include "tests/catalog/python/python_test_util.hpp"

namespace purser::catalog::python {
namespace {

using testing::CatalogTester;

const char* k_basic = "python/pipfile-basic/Pipfile.lock";

CatalogTester basic() {
  CatalogTester t(&parse_pipfile_lock);
  t.from_fixture(k_basic);
  return t;
}

TEST(PipfileLock, DefaultAndDevelopPackages) {
  basic()
      .expect_packages({"certifi@2023.7.22", "requests@2.31.0", "toolbelt", "Werkzeug@3.0.1", "pytest@7.4.3"})
      .expect_roots({"certifi@2023.7.22", "requests@2.31.0", "toolbelt", "Werkzeug@3.0.1", "pytest@7.4.3"})
      .expect_edges({})
      .expect_no_diagnostics();
}

TEST(PipfileLock, ScopeFromSection) {
  auto t = basic();
  EXPECT_EQ(t.package("requests@2.31.0").scope, model::Scope::required);
  EXPECT_EQ(t.package("pytest@7.4.3").scope, model::Scope::dev);
  // certifi is in both sections: two entries, which the assembler merges as required.
  int certifi = 0;
  for (const auto& e : t.result().entries) certifi += e.package.name == "certifi";
  EXPECT_EQ(certifi, 2);
}

TEST(PipfileLock, FieldsAndProperties) {
  auto t = basic();
  auto certifi = t.package("certifi@2023.7.22");
  EXPECT_EQ(certifi.purl, "pkg:pypi/certifi@2023.7.22");
  EXPECT_EQ(certifi.property("purser:pypi:markers"), "python_version >= '3.6'");
  EXPECT_EQ(certifi.property("purser:pypi:index"), "pypi");
  EXPECT_TRUE(certifi.hashes.empty());  // two distribution files: no single artifact digest
  auto requests = t.package("requests@2.31.0");
  EXPECT_EQ(
      requests.hashes,
      (std::vector<model::Hash>{{"SHA-256", "2e7d2c03a9507ae265ecf5b5356885a53393a2029d241394997265a1a25aefc6"}}));
  EXPECT_EQ(requests.property("purser:pypi:extras"), "socks");
  EXPECT_EQ(t.package("toolbelt").property("purser:pypi:source"),
            "git+https://github.com/example/toolbelt.git@0123456789abcdef0123456789abcdef01234567");
  EXPECT_EQ(t.package("Werkzeug@3.0.1").purl, "pkg:pypi/werkzeug@3.0.1");
}

TEST(PipfileLock, LocationsPointAtThePackageKey) {
  auto t = basic();
  EXPECT_EQ(t.package("requests@2.31.0").locations, (std::vector<util::Location>{{k_basic, 32}}));
  EXPECT_EQ(t.package("pytest@7.4.3").locations, (std::vector<util::Location>{{k_basic, 55}}));
  std::vector<util::Location> certifi;
  for (const auto& e : t.result().entries)
    if (e.package.name == "certifi") certifi.push_back(e.package.locations.at(0));
  EXPECT_EQ(certifi, (std::vector<util::Location>{{k_basic, 19}, {k_basic, 52}}));
}

TEST(PipfileLock, UnpinnedVersions) {
  auto t = CatalogTester(&parse_pipfile_lock);
  t.from_string(R"({"default": {"a": {"version": "*"}, "b": {"version": ">=1.0"}, "c": {}}, "develop": null})",
                "Pipfile.lock")
      .expect_packages({"a", "b", "c"})
      .expect_no_diagnostics();
  EXPECT_EQ(t.package("b").property("purser:pypi:specifier"), ">=1.0");
  EXPECT_EQ(t.package("a").property("purser:pypi:specifier"), "");
}

TEST(PipfileLock, InvalidJsonIsLocated) {
  CatalogTester(&parse_pipfile_lock)
      .from_string("{\n  \"default\": {\n    \"a\": {\"version\": \"==1\",}\n  }\n}\n", "Pipfile.lock")
      .expect_packages({})
      .expect_diagnostics(
          {"Pipfile.lock:3: invalid json: syntax error while parsing object key - unexpected '}'; expected string "
           "literal"});
}

TEST(PipfileLock, WrongShapesAreReported) {
  CatalogTester(&parse_pipfile_lock)
      .from_string("[1, 2]", "Pipfile.lock")
      .expect_packages({})
      .expect_diagnostics({"Pipfile.lock:1: invalid pipfile.lock: top level is not an object"});
  CatalogTester(&parse_pipfile_lock)
      .from_string("{\n\"default\": [],\n\"develop\": {\n\"x\": 1,\n\"y\": {\"version\": \"==2\"}}}", "Pipfile.lock")
      .expect_packages({"y@2"})
      .expect_diagnostics({"Pipfile.lock:2: invalid pipfile.lock: 'default' is not an object",
                           "Pipfile.lock:4: invalid package: 'x' is not an object"});
  CatalogTester(&parse_pipfile_lock)
      .from_string(std::string("\0\x01\x02garbage", 10), "Pipfile.lock")
      .expect_packages({})
      .expect_diagnostics({"Pipfile.lock: invalid json: binary content"});
}

TEST(PipfileLock, RealWorldEveryPackageWithExactVersion) {
  if (!std::filesystem::is_directory(test_util::shared_lockfiles())) GTEST_SKIP() << "no shared lockfiles";
  NullResolver resolver;
  std::size_t packages = 0;
  auto want = [](const std::string& name) { return name == "Pipfile.lock"; };
  std::size_t files = test_util::for_each_shared_file(want, [&](const std::string& rel, const std::string& bytes) {
    auto result = parse_pipfile_lock(bytes, rel, resolver);
    EXPECT_TRUE(result.diagnostics.empty()) << rel;
    std::multiset<std::string> found, expected;
    for (const auto& e : result.entries) {
      found.insert(CatalogTester::label(e.package));
      EXPECT_GT(e.package.locations.at(0).line, 0u) << e.package.name;
    }
    auto doc = nlohmann::json::parse(bytes);  // independent oracle
    for (const char* section : {"default", "develop"}) {
      auto it = doc.find(section);
      if (it == doc.end() || !it->is_object()) continue;
      for (const auto& [name, v] : it->items())
        expected.insert(v.contains("version") ? name + "@" + v["version"].get<std::string>().substr(2) : name);
    }
    EXPECT_EQ(found, expected) << rel;
    packages += expected.size();
  });
  std::cout << "[ real-world ] Pipfile.lock files: " << files << ", packages: " << packages << "\n";
  EXPECT_GT(packages, 0u);
}

}  // namespace
}  // namespace purser::catalog::python
