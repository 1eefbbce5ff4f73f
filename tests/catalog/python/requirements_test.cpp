#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "lib/catalog/python/requirements.hpp"
#include "lib/model/purl.hpp"
#include "tests/catalog/cataloger_tester.hpp"
#include "tests/catalog/python/python_test_util.hpp"

namespace purser::catalog::python {
namespace {

using testing::CatalogTester;

CatalogTester tester() { return CatalogTester(&parse_requirements); }

const char* k_basic = "python/requirements-basic/requirements.txt";

TEST(Requirements, FindsEveryRequirementPinnedOrNot) {
  tester()
      .from_fixture(k_basic)
      .expect_packages({"Flask@2.3.3", "requests@2.31.0", "urllib3", "charset_normalizer", "idna", "certifi@2023.7.22",
                        "pytz", "zope.interface", "click@8.1.7", "itsdangerous@2.1.2", "mylib", "toolbelt",
                        "fast_json@3.1.0", "Jinja2"})
      .expect_no_diagnostics();
}

TEST(Requirements, PurlsUsePep503Names) {
  auto t = tester().from_fixture(k_basic);
  EXPECT_EQ(t.package("Flask@2.3.3").purl, "pkg:pypi/flask@2.3.3");
  EXPECT_EQ(t.package("zope.interface").purl, "pkg:pypi/zope-interface");
  EXPECT_EQ(t.package("charset_normalizer").purl, "pkg:pypi/charset-normalizer");
  EXPECT_EQ(t.package("Flask@2.3.3").ecosystem, "pypi");
  for (const auto& e : t.result().entries)
    EXPECT_EQ(e.provides, std::vector<std::string>{model::pep503_normalize(e.package.name)});
}

TEST(Requirements, UnpinnedSpecifiersBecomeProperties) {
  auto t = tester().from_fixture(k_basic);
  EXPECT_EQ(t.package("urllib3").property("purser:pypi:specifier"), ">=1.26,<3");
  EXPECT_EQ(t.package("charset_normalizer").property("purser:pypi:specifier"), "~=3.2");
  EXPECT_EQ(t.package("pytz").property("purser:pypi:specifier"), "==2023.*");
  EXPECT_EQ(t.package("zope.interface").property("purser:pypi:specifier"), "!=5.0.0");
  EXPECT_EQ(t.package("Jinja2").property("purser:pypi:specifier"), ">=3.0");
  EXPECT_TRUE(t.package("idna").properties.empty());
  EXPECT_EQ(t.package("Flask@2.3.3").property("purser:pypi:specifier"), "");
  EXPECT_EQ(t.package("certifi@2023.7.22").property("purser:pypi:specifier"), "");
}

TEST(Requirements, ExtrasAndMarkers) {
  auto p = tester().from_fixture(k_basic).package("requests@2.31.0");
  EXPECT_EQ(p.property("purser:pypi:extras"), "socks,security");
  EXPECT_EQ(p.property("purser:pypi:markers"), "python_version >= \"3.8\"");
}

TEST(Requirements, SingleHashIsAttachedSeveralAreNot) {
  auto t = tester().from_fixture(k_basic);
  EXPECT_EQ(
      t.package("click@8.1.7").hashes,
      (std::vector<model::Hash>{{"SHA-256", "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"}}));
  EXPECT_TRUE(t.package("itsdangerous@2.1.2").hashes.empty());
}

TEST(Requirements, DirectReferencesKeepTheirUrl) {
  auto t = tester().from_fixture(k_basic);
  EXPECT_EQ(t.package("mylib").download_url, "https://files.example/mylib-0.4.0.tar.gz");
  EXPECT_EQ(t.package("toolbelt").download_url, "git+https://github.com/example/toolbelt.git@v1.2");
  EXPECT_EQ(t.package("fast_json@3.1.0").download_url,
            "https://files.example/wheels/fast_json-3.1.0-cp311-cp311-manylinux_2_17_x86_64.whl");
  EXPECT_EQ(t.package("fast_json@3.1.0").purl, "pkg:pypi/fast-json@3.1.0");
}

TEST(Requirements, LocationsCarryTheFirstLineOfALogicalLine) {
  auto t = tester().from_fixture(k_basic);
  auto loc = [&](const std::string& label) { return t.package(label).locations.at(0); };
  EXPECT_EQ(loc("Flask@2.3.3"), (util::Location{k_basic, 6}));
  EXPECT_EQ(loc("requests@2.31.0"), (util::Location{k_basic, 7}));
  EXPECT_EQ(loc("click@8.1.7"), (util::Location{k_basic, 16}));
  EXPECT_EQ(loc("itsdangerous@2.1.2"), (util::Location{k_basic, 19}));
  EXPECT_EQ(loc("Jinja2"), (util::Location{k_basic, 31}));
}

TEST(Requirements, NoGraphEveryPackageIsTopLevel) {
  auto t = tester().from_string("a==1\nb>=2\n");
  t.expect_edges({}).expect_roots({"a@1", "b"});
  for (const auto& e : t.result().entries) {
    EXPECT_FALSE(e.root);
    EXPECT_TRUE(e.needs.empty());
  }
}

const char* k_inc = "python/requirements-include/requirements.txt";

CatalogTester include_tester() {
  auto t = tester();
  t.from_fixture(k_inc)
      .with_fixture_file("python/requirements-include/requirements/base.txt")
      .with_fixture_file("python/requirements-include/requirements/common.txt")
      .with_fixture_file("python/requirements-include/constraints.txt");
  return t;
}

TEST(Requirements, IncludesAndConstraints) {
  include_tester()
      .expect_packages({"django@4.2.7", "gunicorn@21.2.0", "sqlparse@0.4.4", "asgiref", "typing-extensions@4.8.0"})
      .expect_no_diagnostics();
}

TEST(Requirements, IncludedPackagesKeepTheirOwnLocation) {
  auto t = include_tester();
  EXPECT_EQ(t.package("sqlparse@0.4.4").locations,
            (std::vector<util::Location>{{"python/requirements-include/requirements/base.txt", 4}}));
  EXPECT_EQ(t.package("typing-extensions@4.8.0").locations,
            (std::vector<util::Location>{{"python/requirements-include/requirements/common.txt", 2}}));
  EXPECT_EQ(t.package("gunicorn@21.2.0").locations, (std::vector<util::Location>{{k_inc, 4}}));
}

TEST(Requirements, ConstraintsPinOnlyUnpinnedListedPackages) {
  auto t = include_tester();
  auto django = t.package("django@4.2.7");
  EXPECT_EQ(django.purl, "pkg:pypi/django@4.2.7");
  EXPECT_EQ(django.property("purser:pypi:constrained-by"), "python/requirements-include/constraints.txt");
  EXPECT_EQ(t.package("asgiref").property("purser:pypi:constrained-by"), "");  // ">=3.7" is no pin
  EXPECT_EQ(t.package("asgiref").property("purser:pypi:specifier"), ">=3.6");
  EXPECT_EQ(t.package("gunicorn@21.2.0").property("purser:pypi:constrained-by"), "");
}

TEST(Requirements, MissingIncludeIsReportedAndParsingContinues) {
  tester()
      .from_string("a==1\n-r missing.txt\n--constraint=gone.txt\nb==2\n", "app/requirements.txt")
      .expect_packages({"a@1", "b@2"})
      .expect_diagnostics({"app/requirements.txt:2: cannot include missing.txt: cannot read: No such file or directory",
                           "app/requirements.txt:3: cannot include gone.txt: cannot read: No such file or directory"});
}

TEST(Requirements, IncludesOutsideTheSourceOrRemoteAreRefused) {
  tester()
      .from_string("-r ../../etc/passwd\n-r https://example.org/reqs.txt\n-r\n", "requirements.txt")
      .expect_packages({})
      .expect_diagnostics({"requirements.txt:1: cannot include ../../etc/passwd: path leaves the source root",
                           "requirements.txt:2: cannot include https://example.org/reqs.txt: remote files are not "
                           "fetched",
                           "requirements.txt:3: invalid requirement: -r needs a file name"});
}

TEST(Requirements, SelfIncludeIsCycleSafe) {
  tester()
      .from_string("-r requirements.txt\nx==1\n", "requirements.txt")
      .with_file("requirements.txt", "-r requirements.txt\nx==1\n")
      .expect_packages({"x@1"})
      .expect_no_diagnostics();
}

TEST(Requirements, IncludeDepthIsLimited) {
  auto t = tester();
  t.from_string("-r r1.txt\n", "r0.txt");
  for (int i = 1; i <= 12; ++i)
    t.with_file("r" + std::to_string(i) + ".txt",
                "p" + std::to_string(i) + "==1\n-r r" + std::to_string(i + 1) + ".txt\n");
  const auto& r = t.result();
  EXPECT_EQ(r.entries.size(), 10u);
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "r10.txt:2: cannot include r11.txt: includes nested too deeply");
}

TEST(Requirements, InvalidLinesAreLocatedAndSkipped) {
  tester()
      .from_string(
          "good==1\nfoo bar\nfoo[bar==1\nfoo==\n=foo\nbad_==1\nbaz; \nok>=2\nx==1 --hash=sha256:zz\n"
          "y @ \nz @ http://u extra\n",
          "r.txt")
      .expect_packages({"good@1", "ok"})
      .expect_diagnostics({"r.txt:2: invalid requirement: invalid version specifier 'bar'",
                           "r.txt:3: invalid requirement: unclosed '[' in extras",
                           "r.txt:4: invalid requirement: invalid version specifier '=='",
                           "r.txt:5: invalid requirement: expected a project name at '=foo'",
                           "r.txt:6: invalid requirement: project name must end with a letter or digit: 'bad_'",
                           "r.txt:7: invalid requirement: expected a marker after ';'",
                           "r.txt:9: invalid requirement: invalid hash 'sha256:zz'",
                           "r.txt:10: invalid requirement: expected a url after '@'",
                           "r.txt:11: invalid requirement: unexpected text after url: 'extra'"});
}

TEST(Requirements, WindowsLineEndingsBomAndTrailingContinuation) {
  tester()
      .from_string(
          "\xEF\xBB\xBF"
          "alpha==1.0\r\n# c\r\nbeta==2.0 \\\r\n  --hash=sha512:" +
              std::string(128, 'a') + " \\\r\n",
          "r.txt")
      .expect_packages({"alpha@1.0", "beta@2.0"})
      .expect_no_diagnostics();
}

TEST(Requirements, HashAlgorithms) {
  auto t = tester().from_string("a==1 --hash sha384:" + std::string(96, 'B') + "\n", "r.txt");
  EXPECT_EQ(t.package("a@1").hashes, (std::vector<model::Hash>{{"SHA-384", std::string(96, 'b')}}));
}

TEST(Requirements, EditableAndLocalPathsAreSkippedSilently) {
  tester()
      .from_string(
          "-e git+https://github.com/x/y.git#egg=y\n.\n../sibling\n/abs/path\nsrc/pkg\n"
          "dist/pkg-1.0.tar.gz\nC:\\wheels\\x.whl\nhttps://example.org/archive.tar.gz\nfile:../local\n",
          "r.txt")
      .expect_packages({})
      .expect_no_diagnostics();
}

// As pip does: a comment line never continues, but a requirement line ending in '\' does,
// and its trailing comment then swallows the joined line.
TEST(Requirements, ContinuationsAreJoinedBeforeCommentsAreStripped) {
  tester()
      .from_string("# comment \\\nfoo==1 # trailing \\\nbar==2\n", "r.txt")
      .expect_packages({"foo@1"})
      .expect_no_diagnostics();
}

TEST(Requirements, BinaryJunkIsRejected) {
  tester()
      .from_string(std::string("\x7f"
                               "ELF\x02\x01\x01\0\0\0\0\0",
                               12),
                   "requirements.txt")
      .expect_packages({})
      .expect_diagnostics({"requirements.txt: invalid requirements file: binary content"});
}

TEST(Pep508, Parts) {
  Pep508 r;
  std::string why;
  ASSERT_TRUE(parse_pep508("name [ a , b ] ( >=1 , <2 ) ; os_name == 'nt'", r, why)) << why;
  EXPECT_EQ(r.name, "name");
  EXPECT_EQ(r.extras, "a,b");
  EXPECT_EQ(r.specifier, ">=1 , <2");
  EXPECT_EQ(r.markers, "os_name == 'nt'");
  EXPECT_EQ(r.pinned(), "");
  ASSERT_TRUE(parse_pep508("pkg@ https://x/y.whl ; python_version<'3.11'", r, why)) << why;
  EXPECT_EQ(r.url, "https://x/y.whl");
  EXPECT_EQ(r.markers, "python_version<'3.11'");
  ASSERT_TRUE(parse_pep508("p==1.0+local", r, why));
  EXPECT_EQ(r.pinned(), "1.0+local");
  ASSERT_TRUE(parse_pep508("p===weird-thing", r, why));
  EXPECT_EQ(r.pinned(), "weird-thing");
  ASSERT_TRUE(parse_pep508("p==1.*", r, why));
  EXPECT_EQ(r.pinned(), "");
  ASSERT_TRUE(parse_pep508("p==1,!=1.1", r, why));
  EXPECT_EQ(r.pinned(), "");
  EXPECT_FALSE(parse_pep508("", r, why));
  EXPECT_EQ(why, "empty requirement");
  EXPECT_FALSE(parse_pep508("p (>=1", r, why));
  EXPECT_EQ(why, "unclosed '(' in version specifier");
}

// Real-world check: every `name==version` pin in the shared requirements files is found.
TEST(Requirements, RealWorldPinsAreAllFound) {
  if (!std::filesystem::is_directory(test_util::shared_lockfiles())) GTEST_SKIP() << "no shared lockfiles";
  test_util::DiskResolver resolver(test_util::shared_lockfiles());
  std::size_t pins = 0, packages = 0;
  auto want = [](const std::string& name) {
    return name.find("requirements") != std::string::npos && name.size() > 4 && name.substr(name.size() - 4) == ".txt";
  };
  std::size_t files = test_util::for_each_shared_file(want, [&](const std::string& rel, const std::string& bytes) {
    auto result = parse_requirements(bytes, rel, resolver);
    packages += result.entries.size();
    std::set<std::string> found;
    for (const auto& e : result.entries) found.insert(e.package.name + "@" + e.package.version);
    for (const auto& d : result.diagnostics) EXPECT_EQ(d.message.find("invalid"), std::string::npos) << d.to_string();
    // Independent oracle: a line starting with `name[extras]==version`.
    std::istringstream lines(bytes);
    std::string line;
    while (std::getline(lines, line)) {
      auto eq = line.find("==");
      if (line.empty() || !std::isalnum(static_cast<unsigned char>(line[0])) || eq == std::string::npos) continue;
      std::string pkg = line.substr(0, eq);
      if (pkg.find_first_of("<>!~=;@ ") != std::string::npos && pkg.find('[') == std::string::npos) continue;
      if (auto b = pkg.find('['); b != std::string::npos) pkg = pkg.substr(0, b);
      while (!pkg.empty() && pkg.back() == ' ') pkg.pop_back();
      std::size_t v = eq + 2;
      while (v < line.size() && line[v] == ' ') ++v;
      std::size_t end = line.find_first_of(" ;\\#\r", v);
      std::string version = line.substr(v, end == std::string::npos ? std::string::npos : end - v);
      if (version.find('*') != std::string::npos || version.find(',') != std::string::npos) continue;
      ++pins;
      EXPECT_TRUE(found.count(pkg + "@" + version)) << rel << ": " << line;
    }
  });
  std::cout << "[ real-world ] requirements files: " << files << ", entries: " << packages << ", pins checked: " << pins
            << "\n";
  EXPECT_GT(pins, 0u);
}

}  // namespace
}  // namespace purser::catalog::python
