// End-to-end tests of the purser binary: exit codes, output plumbing, determinism,
// the bundled example. Runs the real executable through the shell.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/cli/cli_fixture.hpp"

namespace fs = std::filesystem;

namespace {

using purser_test::Cli;
using purser_test::CmdResult;

TEST_F(Cli, VersionAndUsage) {
  auto v = purser("--version");
  EXPECT_EQ(v.code, 0);
  EXPECT_NE(v.out.find("0."), std::string::npos);
  EXPECT_EQ(purser("").code, 2);
  EXPECT_EQ(purser("frobnicate").code, 2);
  EXPECT_EQ(purser("scan").code, 2);  // missing target
}

TEST_F(Cli, CatalogersListsTheRegistry) {
  auto r = purser("catalogers");
  EXPECT_EQ(r.code, 0);
  for (const char* id : {"npm-package-lock", "npm-yarn-lock", "npm-pnpm-lock", "python-requirements",
                         "python-poetry-lock", "python-pipfile-lock", "python-uv-lock", "go-mod", "rust-cargo-lock"})
    EXPECT_NE(r.out.find(id), std::string::npos) << id;
  auto j = purser("catalogers -o json");
  EXPECT_EQ(j.code, 0);
  auto parsed = nlohmann::json::parse(j.out);
  EXPECT_GE(parsed.size(), 9u);
  EXPECT_TRUE(parsed[0].contains("globs"));
}

TEST_F(Cli, ScanExampleIsDeterministicValidAndHasNoOrphans) {
  auto a = purser("scan examples/polyglot-app -o cyclonedx-json=" + tmp + "/a.cdx.json -o spdx-json=" + tmp +
                  "/a.spdx.json");
  ASSERT_EQ(a.code, 0) << a.err;
  auto b = purser("scan dir:examples/polyglot-app -o cyclonedx-json=" + tmp + "/b.cdx.json -o spdx-json=" + tmp +
                  "/b.spdx.json");
  ASSERT_EQ(b.code, 0) << b.err;
  std::string cdx = slurp(tmp + "/a.cdx.json");
  EXPECT_EQ(cdx.size(), slurp(tmp + "/b.cdx.json").size());
  EXPECT_EQ(slurp(tmp + "/a.spdx.json"), slurp(tmp + "/b.spdx.json"));

  auto v = purser("validate " + tmp + "/a.cdx.json " + tmp + "/a.spdx.json");
  EXPECT_EQ(v.code, 0) << v.out << v.err;

  auto doc = nlohmann::json::parse(cdx);
  EXPECT_EQ(doc["metadata"]["timestamp"], "2023-11-14T22:13:20Z");
  // Zero orphans: every component reachable from the root through dependencies.
  std::map<std::string, std::vector<std::string>> edges;
  for (const auto& d : doc["dependencies"])
    for (const auto& to : d.value("dependsOn", nlohmann::json::array())) edges[d["ref"]].push_back(to);
  std::set<std::string> seen{doc["metadata"]["component"]["bom-ref"].get<std::string>()};
  std::deque<std::string> queue(seen.begin(), seen.end());
  while (!queue.empty()) {
    auto cur = queue.front();
    queue.pop_front();
    for (const auto& to : edges[cur])
      if (seen.insert(to).second) queue.push_back(to);
  }
  std::set<std::string> purls;
  for (const auto& c : doc["components"]) {
    EXPECT_TRUE(seen.count(c["bom-ref"].get<std::string>())) << c["bom-ref"];
    purls.insert(c.value("purl", ""));
  }
  for (const char* p :
       {"pkg:npm/express@4.22.3", "pkg:npm/%40types/node@20.19.43", "pkg:pypi/flask@3.0.3", "pkg:pypi/gunicorn",
        "pkg:pypi/pysocks@1.7.1", "pkg:golang/github.com/spf13/cobra@v1.8.1", "pkg:cargo/anyhow@1.0.86"})
    EXPECT_TRUE(purls.count(p)) << p;
}

TEST_F(Cli, SameInputSameBytesWithSourceDateEpoch) {
  write("p/requirements.txt", "idna==3.7\n");
  auto a = purser("scan " + tmp + "/p -o cyclonedx-json");
  auto b = purser("scan " + tmp + "/p -o cyclonedx-json");
  ASSERT_EQ(a.code, 0);
  EXPECT_EQ(a.out, b.out);
  auto c = purser("scan " + tmp + "/p -o cyclonedx-json", "SOURCE_DATE_EPOCH=1700000001");
  EXPECT_NE(a.out, c.out);
}

TEST_F(Cli, DefaultOutputOffATtyIsCycloneDx) {
  write("p/requirements.txt", "idna==3.7\n");
  auto r = purser("scan " + tmp + "/p");
  ASSERT_EQ(r.code, 0);
  auto doc = nlohmann::json::parse(r.out);
  EXPECT_EQ(doc["bomFormat"], "CycloneDX");
  EXPECT_EQ(doc["specVersion"], "1.6");
  auto v15 = purser("scan " + tmp + "/p -o cyclonedx-json --spec-version 1.5");
  EXPECT_EQ(nlohmann::json::parse(v15.out)["specVersion"], "1.5");
  auto table = purser("scan " + tmp + "/p -o table");
  EXPECT_NE(table.out.find("idna"), std::string::npos);
}

TEST_F(Cli, SpdxTagValueOutputIsTheSpdxJsonDocumentAndValidates) {
  write("p/requirements.txt", "idna==3.7\n");
  auto r = purser("scan " + tmp + "/p -o spdx-tv=" + tmp + "/p.spdx -o spdx-json=" + tmp + "/p.spdx.json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string text = slurp(tmp + "/p.spdx");
  EXPECT_EQ(text.rfind("SPDXVersion: SPDX-2.3\n", 0), 0u) << text;
  EXPECT_NE(text.find("ExternalRef: PACKAGE-MANAGER purl pkg:pypi/idna@3.7\n"), std::string::npos) << text;
  auto doc = nlohmann::json::parse(slurp(tmp + "/p.spdx.json"));
  EXPECT_NE(text.find("DocumentNamespace: " + doc["documentNamespace"].get<std::string>() + "\n"), std::string::npos);
  auto v = purser("validate " + tmp + "/p.spdx");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_EQ(v.out, tmp + "/p.spdx: valid SPDX 2.3 tag-value\n");
  auto attest = purser("scan " + tmp + "/p -o spdx-tag-value --attest --key " + tmp + "/k.pem");
  EXPECT_EQ(attest.code, 2);
  EXPECT_EQ(attest.err, "purser: error: --attest signs JSON SBOMs: spdx-tag-value output cannot be attested\n");
}

TEST_F(Cli, CycloneDxXmlOutputValidatesAndCarriesTheJsonSerial) {
  write("p/requirements.txt", "idna==3.7\n");
  auto r = purser("scan " + tmp + "/p -o cyclonedx-xml=" + tmp + "/p.cdx.xml -o cyclonedx-json=" + tmp +
                  "/p.cdx.json --spec-version 1.5");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string xml = slurp(tmp + "/p.cdx.xml");
  EXPECT_NE(xml.find("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<purl>pkg:pypi/idna@3.7</purl>"), std::string::npos) << xml;
  auto doc = nlohmann::json::parse(slurp(tmp + "/p.cdx.json"));
  EXPECT_NE(xml.find("serialNumber=\"" + doc["serialNumber"].get<std::string>() + "\""), std::string::npos);
  auto v = purser("validate " + tmp + "/p.cdx.xml");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_EQ(v.out, tmp + "/p.cdx.xml: valid CycloneDX 1.5 XML\n");
  write("bad.cdx.xml",
        "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n"
        "<component type=\"gizmo\"><name>a</name></component></components></bom>\n");
  auto bad = purser("validate " + tmp + "/bad.cdx.xml");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("  " + tmp + "/bad.cdx.xml:3: /bom/components/component/@type: "), std::string::npos)
      << bad.out;
  auto attest = purser("scan " + tmp + "/p -o cyclonedx-xml --attest --key " + tmp + "/k.pem");
  EXPECT_EQ(attest.code, 2);
  EXPECT_EQ(attest.err, "purser: error: --attest signs JSON SBOMs: cyclonedx-xml output cannot be attested\n");
}

TEST_F(Cli, BadLockfileWarnsButScanGoesOnUnlessStrict) {
  write("p/a/package-lock.json", "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n");
  write("p/b/requirements.txt", "idna==3.7\n");
  auto r = purser("scan " + tmp + "/p -o cyclonedx-json");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("a/package-lock.json:"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("pkg:pypi/idna@3.7"), std::string::npos);
  auto strict = purser("scan " + tmp + "/p --strict -o cyclonedx-json");
  EXPECT_EQ(strict.code, 3);
  EXPECT_EQ(strict.out, "");
  auto quiet = purser("-q scan " + tmp + "/p -o cyclonedx-json");
  EXPECT_EQ(quiet.err, "");
}

TEST_F(Cli, ExitCodes) {
  auto missing = purser("scan " + tmp + "/nope");
  EXPECT_EQ(missing.code, 3);
  EXPECT_EQ(missing.err, "purser: error: " + tmp + "/nope: cannot open target: No such file or directory\n");
  auto scheme = purser("scan bogus:thing");
  EXPECT_EQ(scheme.code, 2);
  write("p/requirements.txt", "idna==3.7\n");
  auto fmt = purser("scan " + tmp + "/p -o xml");
  EXPECT_EQ(fmt.code, 2);
  EXPECT_EQ(
      fmt.err,
      "purser: error: unknown output format: xml (expected cyclonedx-json, cyclonedx-xml, spdx-json, spdx-tag-value or "
      "table)\n");
  auto two = purser("scan " + tmp + "/p -o table -o cyclonedx-json");
  EXPECT_EQ(two.code, 2);
  auto sde = purser("scan " + tmp + "/p", "SOURCE_DATE_EPOCH=yesterday");
  EXPECT_EQ(sde.code, 2);
  auto unwritable = purser("scan " + tmp + "/p -o cyclonedx-json=" + tmp + "/no/such/dir/x.json");
  EXPECT_EQ(unwritable.code, 3);
}

TEST_F(Cli, ValidateReportsPointersAndExitCodes) {
  write("bad.cdx.json", R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library"}]})");
  auto bad = purser("validate " + tmp + "/bad.cdx.json");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("/components/0"), std::string::npos) << bad.out;
  write("junk.json", "not json at all");
  EXPECT_EQ(purser("validate " + tmp + "/junk.json").code, 1);
  EXPECT_EQ(purser("validate " + tmp + "/missing.json").code, 3);
  auto from_stdin = purser("validate - < " + tmp + "/bad.cdx.json");
  EXPECT_EQ(from_stdin.code, 1);
}

TEST_F(Cli, StdoutAndExcludes) {
  write("p/keep/requirements.txt", "idna==3.7\n");
  write("p/skip/requirements.txt", "six==1.16.0\n");
  auto r = purser("scan " + tmp + "/p --exclude 'skip/**' -o spdx-json=-");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("idna"), std::string::npos);
  EXPECT_EQ(r.out.find("six"), std::string::npos);
  auto sel = purser("scan " + tmp + "/p --catalogers go -o cyclonedx-json");
  ASSERT_EQ(sel.code, 0);
  EXPECT_EQ(sel.out.find("idna"), std::string::npos);
}

}  // namespace
