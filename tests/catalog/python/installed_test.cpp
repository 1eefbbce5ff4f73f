// python-installed: core metadata headers (continuation lines, body ignored), licences, suppliers, Requires-Dist
// needs with extras and markers, RECORD and installed-files.txt owned files, INSTALLER and direct_url.json, the
// egg-info forms, diagnostics, and edges across the distributions of one site-packages directory.

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lib/catalog/python/installed.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/util/glob.hpp"
#include "tests/catalog/cataloger_tester.hpp"

using namespace purser;
using catalog::python::installed_cataloger;
using catalog::python::parse_installed;
using catalog::testing::CatalogTester;
using catalog::testing::MapResolver;

namespace {

const std::string k_site = "app/venv/lib/python3.11/site-packages";

CatalogTester metadata(std::string text, std::string path = k_site + "/demo-1.0.dist-info/METADATA") {
  CatalogTester t(&parse_installed);
  t.from_string(std::move(text), std::move(path));
  return t;
}

const catalog::Entry& only_entry(CatalogTester& t) {
  static const catalog::Entry none;
  const auto& r = t.result();
  EXPECT_EQ(r.entries.size(), 1u);
  return r.entries.empty() ? none : r.entries.front();
}

std::vector<std::pair<std::string, bool>> needs_of(const catalog::Entry& e) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& n : e.needs) {
    EXPECT_TRUE(n.fallbacks.empty());
    out.emplace_back(n.key, n.optional);
  }
  return out;
}

std::string license_of(std::string headers) {
  auto t = metadata("Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n" + headers);
  return only_entry(t).package.license;
}

// A file tree scanned the way the driver does it: every file the cataloger's globs match is parsed, with the others
// readable through the resolver, and the results assembled into one document.
struct Tree {
  MapResolver files;
  model::Document doc;

  Tree& add(const std::string& path, std::string bytes) {
    files.files[path] = std::move(bytes);
    return *this;
  }
  Tree& scan() {
    std::vector<catalog::ParseResult> results;
    for (const auto& [path, bytes] : files.files) {
      bool match = false;
      for (auto g : installed_cataloger().globs) match = match || util::glob_match(g, path);
      if (match) results.push_back(parse_installed(bytes, path, files));
    }
    doc.root.name = "root";
    doc.root.ecosystem = "directory";
    catalog::assemble(doc, std::move(results));
    return *this;
  }
  std::set<std::pair<std::string, std::string>> edges() const {
    std::map<std::string, std::string> labels;
    for (const auto& p : doc.packages) labels[p.ref()] = CatalogTester::label(p);
    labels[doc.root.ref()] = "ROOT";
    std::set<std::pair<std::string, std::string>> out;
    for (const auto& r : doc.relationships) out.insert({labels[r.from], labels[r.to]});
    return out;
  }
};

std::string meta(const std::string& name, const std::string& version, const std::string& extra = "") {
  return "Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n" + extra;
}

}  // namespace

TEST(PythonInstalled, GlobsSelectMetadataFilesOnly) {
  auto matches = [](const std::string& path) {
    for (auto g : installed_cataloger().globs)
      if (util::glob_match(g, path)) return true;
    return false;
  };
  EXPECT_TRUE(matches("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA"));
  EXPECT_TRUE(matches("usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO"));
  EXPECT_TRUE(matches("usr/lib/python3/dist-packages/distro_info-1.5.egg-info"));
  EXPECT_TRUE(matches("x.dist-info/METADATA"));
  EXPECT_FALSE(matches("usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD"));
  EXPECT_FALSE(matches("usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/requires.txt"));
  EXPECT_EQ(installed_cataloger().id, "python-installed");
  EXPECT_EQ(installed_cataloger().ecosystem, "python");
  EXPECT_EQ(installed_cataloger().tags, (std::vector<std::string_view>{"installed"}));
  auto aux = [](const std::string& path) {
    for (auto g : installed_cataloger().aux_globs)
      if (util::glob_match(g, path)) return true;
    return false;
  };
  EXPECT_TRUE(aux("a/b-1.dist-info/RECORD"));
  EXPECT_TRUE(aux("a/b-1.dist-info/INSTALLER"));
  EXPECT_TRUE(aux("a/b-1.dist-info/direct_url.json"));
  EXPECT_TRUE(aux("a/b-1.egg-info/installed-files.txt"));
  EXPECT_TRUE(aux("a/b-1.egg-info/requires.txt"));
}

TEST(PythonInstalled, HeadersContinuationLinesAndBody) {
  auto t = metadata(
      "Metadata-Version: 2.1\r\n"
      "Name: Zope.Interface\r\n"
      "Version: 6.1\r\n"
      "Summary: Interfaces\r\n"
      "Description: first line\r\n"
      "        |second line\r\n"
      "Author: Zope Foundation\r\n"
      "  and Contributors\r\n"
      "\r\n"
      "Name: not-a-header-any-more\r\n"
      "Requires-Dist: ignored\r\n");
  t.expect_no_diagnostics();
  const auto& e = only_entry(t);
  EXPECT_EQ(e.package.name, "Zope.Interface");
  EXPECT_EQ(e.package.version, "6.1");
  EXPECT_EQ(e.package.purl, "pkg:pypi/zope-interface@6.1");
  EXPECT_EQ(e.package.ecosystem, "pypi");
  EXPECT_EQ(e.package.supplier, "Zope Foundation\nand Contributors");
  EXPECT_EQ(e.package.locations, (std::vector<util::Location>{{k_site + "/demo-1.0.dist-info/METADATA"}}));
  EXPECT_EQ(e.provides, (std::vector<std::string>{"zope-interface"}));
  EXPECT_TRUE(e.needs.empty());
}

TEST(PythonInstalled, LinkScopeIsTheSitePackagesDirectory) {
  auto t = metadata(meta("demo", "1.0"));
  EXPECT_EQ(t.result().link_scope, "python:" + k_site);
  auto top = metadata(meta("demo", "1.0"), "demo-1.0.dist-info/METADATA");
  EXPECT_EQ(top.result().link_scope, "python:");
}

TEST(PythonInstalled, HeaderNamesAreCaseInsensitiveAndUnknownIsAbsent) {
  auto t = metadata("name: demo\nVERSION: 2.0\nLicense: UNKNOWN\nAuthor: UNKNOWN\nAuthor-email: a@example.org\n");
  const auto& e = only_entry(t);
  EXPECT_EQ(e.package.name, "demo");
  EXPECT_EQ(e.package.version, "2.0");
  EXPECT_EQ(e.package.license, "");
  EXPECT_EQ(e.package.supplier, "a@example.org");
}

TEST(PythonInstalled, LicenseExpressionWins) {
  EXPECT_EQ(license_of("License-Expression: mit or apache-2.0\nLicense: BSD\nClassifier: License :: OSI Approved :: "
                       "MIT License\n"),
            "MIT OR Apache-2.0");
  EXPECT_EQ(license_of("License-Expression: Not An Expression\n"), "Not An Expression");
}

TEST(PythonInstalled, LicenseFieldWhenItIsSpdx) {
  EXPECT_EQ(license_of("License: apache-2.0\nClassifier: License :: OSI Approved :: Apache Software License\n"),
            "Apache-2.0");
}

TEST(PythonInstalled, ClassifiersMappedWhenUnambiguous) {
  EXPECT_EQ(license_of("License: MIT License\nClassifier: License :: OSI Approved :: MIT License\n"), "MIT");
  EXPECT_EQ(license_of("Classifier: License :: OSI Approved :: GNU General Public License v2 or later (GPLv2+)\n"
                       "Classifier: License :: OSI Approved :: Mozilla Public License 2.0 (MPL 2.0)\n"
                       "Classifier: License :: OSI Approved\n"
                       "Classifier: Programming Language :: Python\n"),
            "GPL-2.0-or-later OR MPL-2.0");
  EXPECT_EQ(license_of("Classifier: License :: CC0 1.0 Universal (CC0 1.0) Public Domain Dedication\n"), "CC0-1.0");
}

TEST(PythonInstalled, AmbiguousClassifiersKeepTheLicenseText) {
  EXPECT_EQ(license_of("License: Apache 2.0\nClassifier: License :: OSI Approved :: Apache Software License\n"),
            "Apache 2.0");
  EXPECT_EQ(license_of("Classifier: License :: OSI Approved :: BSD License\n"
                       "Classifier: License :: OSI Approved :: MIT License\n"),
            "BSD License OR MIT License");
}

TEST(PythonInstalled, PastedLicenceTextIsNotALicenseName) {
  const std::string pasted = "License: Copyright (c) 2020 Someone\n        \n        Permission is hereby granted\n";
  EXPECT_EQ(license_of(pasted + "Classifier: License :: OSI Approved :: MIT License\n"), "MIT");
  EXPECT_EQ(license_of(pasted), "");
  EXPECT_EQ(license_of("License: " + std::string(200, 'x') + "\n"), "");
}

TEST(PythonInstalled, SupplierIsTheMaintainerElseTheAuthor) {
  auto supplier = [](const std::string& headers) {
    auto t = metadata(meta("demo", "1.0", headers));
    return only_entry(t).package.supplier;
  };
  EXPECT_EQ(supplier("Author: Ann\nMaintainer: Pallets\n"), "Pallets");
  EXPECT_EQ(supplier("Author: Ann\n"), "Ann");
  EXPECT_EQ(supplier("Author-email: \"Ann Lee\" <ann@example.org>, bob@example.org\n"), "Ann Lee, bob@example.org");
  EXPECT_EQ(supplier("Maintainer-email: <ops@example.org>\nAuthor-email: Ann <ann@example.org>\n"), "ops@example.org");
  EXPECT_EQ(supplier(""), "");
}

TEST(PythonInstalled, HomepageFromHomePageOrProjectUrl) {
  auto home = [](const std::string& headers) {
    auto t = metadata(meta("demo", "1.0", headers));
    return only_entry(t).package.property("purser:pypi:homepage");
  };
  EXPECT_EQ(home("Home-page: https://example.org\nProject-URL: Homepage, https://other.example\n"),
            "https://example.org");
  EXPECT_EQ(home("Project-URL: Source, https://src.example\nProject-URL: Home-Page, https://home.example\n"),
            "https://home.example");
  EXPECT_EQ(home("Project-URL: Documentation, https://docs.example\n"), "");
}

TEST(PythonInstalled, RequiresDistExtrasAndMarkersAreOptional) {
  auto t = metadata(meta("requests", "2.31.0",
                         "Requires-Dist: charset_normalizer (<4,>=2)\n"
                         "Requires-Dist: idna<4,>=2.5\n"
                         "Requires-Dist: PySocks!=1.5.7,>=1.5.6; extra == \"socks\"\n"
                         "Requires-Dist: chardet<6,>=3.0.2; extra == \"use-chardet-on-py3\"\n"
                         "Requires-Dist: importlib-metadata; python_version < \"3.8\"\n"
                         "Requires-Dist: Urllib3[socks]>=1.21.1\n"
                         "Requires-Dist: urllib3<3; extra == \"socks\"\n"
                         "Requires-Python: >=3.7\n"));
  t.expect_no_diagnostics();
  EXPECT_EQ(needs_of(only_entry(t)), (std::vector<std::pair<std::string, bool>>{{"charset-normalizer", false},
                                                                                {"idna", false},
                                                                                {"pysocks", true},
                                                                                {"chardet", true},
                                                                                {"importlib-metadata", true},
                                                                                {"urllib3", false}}));
}

TEST(PythonInstalled, BadRequiresDistIsALocatedWarning) {
  auto t = metadata(meta("demo", "1.0", "Requires-Dist: ok\nRequires-Dist: -bad\n"));
  t.expect_diagnostics({k_site + "/demo-1.0.dist-info/METADATA:5: invalid Requires-Dist: expected a project name at "
                                 "'-bad'"});
  EXPECT_EQ(needs_of(only_entry(t)), (std::vector<std::pair<std::string, bool>>{{"ok", false}}));
}

TEST(PythonInstalled, MissingNameOrVersion) {
  metadata("Metadata-Version: 2.1\nVersion: 1.0\n")
      .expect_packages({})
      .expect_diagnostics({k_site + "/demo-1.0.dist-info/METADATA: invalid package metadata: no Name header"});
  metadata("Metadata-Version: 2.1\nName: demo\n\nVersion: 1.0\n")
      .expect_packages({})
      .expect_diagnostics({k_site + "/demo-1.0.dist-info/METADATA: invalid package metadata: no Version header"});
  metadata("").expect_packages({}).expect_diagnostics(
      {k_site + "/demo-1.0.dist-info/METADATA: invalid package metadata: no Name header"});
}

TEST(PythonInstalled, GarbageEndsTheHeaderBlock) {
  metadata("Name: demo\n\x01\x02 not a header\nVersion: 1.0\n")
      .expect_packages({})
      .expect_diagnostics({k_site + "/demo-1.0.dist-info/METADATA: invalid package metadata: no Version header"});
  metadata(" leading continuation\nName: demo\nVersion: 1.0\n").expect_packages({});
  metadata("\xEF\xBB\xBFName: demo\nVersion: 1.0\n").expect_packages({"demo@1.0"}).expect_no_diagnostics();
}

TEST(PythonInstalled, RecordGivesOwnedFilesRelativeToTheSourceRoot) {
  const std::string dist = k_site + "/demo-1.0.dist-info";
  auto t = metadata(meta("demo", "1.0"), dist + "/METADATA");
  t.with_file(dist + "/RECORD",
              "demo/__init__.py,sha256=abc,10\r\n"
              "demo/./util.py,sha256=def,20\r\n"
              "\"demo/odd,name.py\",sha256=ghi,30\r\n"
              "../../../bin/demo,sha256=jkl,40\r\n"
              "/etc/demo.conf,,\r\n"
              "../../../../../../../escape,,\r\n"
              "demo-1.0.dist-info/RECORD,,\r\n"
              "demo/__init__.py,sha256=abc,10\r\n");
  t.expect_no_diagnostics();
  EXPECT_EQ(only_entry(t).owned_files,
            (std::vector<std::string>{"app/venv/bin/demo", k_site + "/demo-1.0.dist-info/RECORD",
                                      k_site + "/demo/__init__.py", k_site + "/demo/odd,name.py",
                                      k_site + "/demo/util.py", "etc/demo.conf"}));
  EXPECT_TRUE(only_entry(t).package.hashes.empty());
}

TEST(PythonInstalled, RecordWithAnUnterminatedQuoteIsALocatedWarning) {
  const std::string dist = k_site + "/demo-1.0.dist-info";
  auto t = metadata(meta("demo", "1.0"), dist + "/METADATA");
  t.with_file(dist + "/RECORD", "demo/a.py,,\n\"demo/b\"\"q.py\",,\n\"demo/broken.py,,\n");
  t.expect_diagnostics({dist + "/RECORD:3: invalid RECORD: unterminated quoted field"});
  EXPECT_EQ(only_entry(t).owned_files, (std::vector<std::string>{k_site + "/demo/a.py", k_site + "/demo/b\"q.py"}));
}

TEST(PythonInstalled, InstallerAndDirectUrl) {
  const std::string dist = k_site + "/demo-1.0.dist-info";
  auto vcs = metadata(meta("demo", "1.0"), dist + "/METADATA");
  vcs.with_file(dist + "/INSTALLER", "pip\n")
      .with_file(dist + "/direct_url.json",
                 R"({"url": "https://github.com/example/demo.git", "vcs_info": {"vcs": "git", "commit_id": "0123abc",
                     "requested_revision": "main"}})");
  EXPECT_EQ(only_entry(vcs).package.property("purser:pypi:installer"), "pip");
  EXPECT_EQ(only_entry(vcs).package.property("purser:pypi:source"), "git+https://github.com/example/demo.git@0123abc");

  auto archive = metadata(meta("demo", "1.0"), dist + "/METADATA");
  archive.with_file(dist + "/direct_url.json",
                    R"({"archive_info": {"hashes": {"sha256": "ff"}}, "url": "https://example.org/demo-1.0.tar.gz"})");
  EXPECT_EQ(only_entry(archive).package.download_url, "https://example.org/demo-1.0.tar.gz");
  EXPECT_EQ(only_entry(archive).package.property("purser:pypi:source"), "");

  auto dir = metadata(meta("demo", "1.0"), dist + "/METADATA");
  dir.with_file(dist + "/direct_url.json", R"({"url": "file:///src/demo", "dir_info": {"editable": true}})");
  EXPECT_EQ(only_entry(dir).package.property("purser:pypi:source"), "directory:file:///src/demo");
  EXPECT_EQ(only_entry(dir).package.property("purser:pypi:editable"), "true");

  auto broken = metadata(meta("demo", "1.0"), dist + "/METADATA");
  broken.with_file(dist + "/direct_url.json", R"({"url": "https://x", "vcs_info": {"vcs": )");
  broken.expect_no_diagnostics();
  EXPECT_EQ(only_entry(broken).package.property("purser:pypi:source"), "");
}

TEST(PythonInstalled, EggInfoDirectoryWithRequiresAndInstalledFiles) {
  const std::string egg = "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info";
  CatalogTester t(&parse_installed);
  t.from_string("Metadata-Version: 1.2\nName: PyYAML\nVersion: 6.0\nLicense: MIT\n", egg + "/PKG-INFO")
      .with_file(egg + "/requires.txt",
                 "six>=1.5\n\n# comment\n[:python_version < \"3.8\"]\nimportlib-metadata\n\n[socks]\nPySocks\n")
      .with_file(egg + "/installed-files.txt", "../yaml/__init__.py\n../_yaml/__init__.py\nPKG-INFO\n\n");
  t.expect_packages({"PyYAML@6.0"}).expect_no_diagnostics();
  const auto& e = only_entry(t);
  EXPECT_EQ(e.package.purl, "pkg:pypi/pyyaml@6.0");
  EXPECT_EQ(e.package.license, "MIT");
  EXPECT_EQ(t.result().link_scope, "python:usr/lib/python3/dist-packages");
  EXPECT_EQ(needs_of(e), (std::vector<std::pair<std::string, bool>>{
                             {"six", false}, {"importlib-metadata", true}, {"pysocks", true}}));
  EXPECT_EQ(e.owned_files,
            (std::vector<std::string>{egg + "/PKG-INFO", "usr/lib/python3/dist-packages/_yaml/__init__.py",
                                      "usr/lib/python3/dist-packages/yaml/__init__.py"}));
}

TEST(PythonInstalled, BadRequiresTxtLineIsALocatedWarning) {
  const std::string egg = "lib/demo-1.0.egg-info";
  CatalogTester t(&parse_installed);
  t.from_string(meta("demo", "1.0"), egg + "/PKG-INFO").with_file(egg + "/requires.txt", "ok\n[x]\n(bad\n");
  t.expect_diagnostics({egg + "/requires.txt:3: invalid requirement: expected a project name at '(bad'"});
}

TEST(PythonInstalled, SingleFileEggInfoReadsNoSiblings) {
  CatalogTester t(&parse_installed);
  t.from_string(meta("distro-info", "1.5"), "usr/lib/python3/dist-packages/distro_info-1.5.egg-info")
      .with_file("usr/lib/python3/dist-packages/requires.txt", "never-read\n");
  t.expect_packages({"distro-info@1.5"}).expect_no_diagnostics();
  EXPECT_TRUE(only_entry(t).needs.empty());
  EXPECT_TRUE(only_entry(t).owned_files.empty());
  EXPECT_EQ(t.result().link_scope, "python:usr/lib/python3/dist-packages");
}

TEST(PythonInstalled, EdgesResolveWithinOneSitePackagesDirectory) {
  const std::string sys = "usr/lib/python3/dist-packages";
  Tree tree;
  tree.add(k_site + "/requests-2.31.0.dist-info/METADATA",
           meta("requests", "2.31.0",
                "Requires-Dist: idna\nRequires-Dist: Charset-Normalizer\nRequires-Dist: PySocks; extra == \"socks\"\n"
                "Requires-Dist: missing-one\n"))
      .add(k_site + "/requests-2.31.0.dist-info/RECORD", "requests/__init__.py,,\n")
      .add(k_site + "/idna-3.6.dist-info/METADATA", meta("idna", "3.6"))
      .add(k_site + "/charset_normalizer-3.3.2.dist-info/METADATA", meta("charset-normalizer", "3.3.2"))
      .add(k_site + "/PySocks-1.7.1.dist-info/METADATA", meta("PySocks", "1.7.1"))
      .add(sys + "/six-1.16.0.egg-info", meta("six", "1.16.0"))
      .add(sys + "/dateutil-2.8.2.egg-info/PKG-INFO", meta("python-dateutil", "2.8.2"))
      .add(sys + "/dateutil-2.8.2.egg-info/requires.txt", "six>=1.5\nidna\n")
      .scan();
  EXPECT_EQ(tree.edges(), (std::set<std::pair<std::string, std::string>>{
                              {"ROOT", "requests@2.31.0"},
                              {"ROOT", "python-dateutil@2.8.2"},
                              {"requests@2.31.0", "idna@3.6"},
                              {"requests@2.31.0", "charset-normalizer@3.3.2"},
                              {"requests@2.31.0", "PySocks@1.7.1"},
                              {"python-dateutil@2.8.2", "six@1.16.0"},
                          }));
  EXPECT_TRUE(tree.doc.orphans().empty());
}
