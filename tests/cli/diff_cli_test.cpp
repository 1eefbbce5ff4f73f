// purser diff, merge and convert end to end: outputs, exit codes, error texts, round trips.

#include <gtest/gtest.h>

#include <deque>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "tests/cli/cli_fixture.hpp"

namespace {

using purser_test::Cli;
namespace fs = std::filesystem;

const std::string k_old = "fixtures/diff/shop-1.0.cdx.json";
const std::string k_new = "fixtures/diff/shop-1.1.spdx.json";

// Refs a CycloneDX JSON document's root cannot reach through dependencies.
std::vector<std::string> cdx_orphans(const nlohmann::json& doc) {
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
  std::vector<std::string> out;
  for (const auto& c : doc["components"])
    if (!seen.count(c["bom-ref"].get<std::string>())) out.push_back(c["bom-ref"]);
  return out;
}

// ---- diff

TEST_F(Cli, DiffPrintsATableByDefault) {
  auto r = purser("diff " + k_old + " " + k_new);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("old: " + k_old + "  shop 1.0.0 (18 components, 18 edges)\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("\nhash          cargo    serde "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("23 changes: 2 added, 3 removed, 8 upgraded, 1 downgraded, 1 hash, 1 license, 1 supplier, "
                       "1 layer, 2 edge-added, 3 edge-removed; 4 unchanged\n"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find('\033'), std::string::npos);
}

TEST_F(Cli, DiffWritesJsonAndMarkdownFilesAndIsTheMirrorBothWays) {
  auto ab = purser("diff " + k_old + " " + k_new + " -o json=" + tmp + "/ab.json -o markdown=" + tmp + "/ab.md");
  ASSERT_EQ(ab.code, 0) << ab.err;
  EXPECT_EQ(ab.out, "");
  auto ba = purser("diff " + k_new + " " + k_old + " -o json");
  ASSERT_EQ(ba.code, 0) << ba.err;
  auto j_ab = nlohmann::json::parse(slurp(tmp + "/ab.json"));
  auto j_ba = nlohmann::json::parse(ba.out);
  EXPECT_EQ(j_ab["old"]["source"], k_old);
  EXPECT_EQ(j_ab["old"], j_ba["new"]);
  const std::pair<const char*, const char*> mirrored[] = {
      {"added", "removed"}, {"upgraded", "downgraded"}, {"edge-added", "edge-removed"},
      {"hash", "hash"},     {"license", "license"},     {"supplier", "supplier"},
      {"layer", "layer"},   {"unchanged", "unchanged"}};
  for (const auto& [a, b] : mirrored) EXPECT_EQ(j_ab["summary"][a], j_ba["summary"][b]) << a;
  EXPECT_EQ(j_ab["changes"].size(), j_ba["changes"].size());
  std::string md = slurp(tmp + "/ab.md");
  EXPECT_EQ(md.rfind("## SBOM diff\n", 0), 0u);
  EXPECT_NE(md.find("### Integrity alerts: same version, different hash (1)"), std::string::npos);
}

TEST_F(Cli, DiffFailOnSelectsKinds) {
  auto hash = purser("diff " + k_old + " " + k_new + " -o json=" + tmp + "/r.json --fail-on hash,downgraded");
  EXPECT_EQ(hash.code, 1);
  EXPECT_EQ(hash.err, "purser: diff: changes selected by --fail-on: 1 downgraded, 1 hash\n");
  EXPECT_TRUE(fs::exists(tmp + "/r.json"));  // the report is written before the verdict
  auto edges = purser("diff " + k_old + " " + k_new + " -o json=" + tmp + "/r.json --fail-on edges");
  EXPECT_EQ(edges.code, 1);
  EXPECT_EQ(edges.err, "purser: diff: changes selected by --fail-on: 2 edge-added, 3 edge-removed\n");
  auto quiet = purser("-q diff " + k_old + " " + k_new + " -o json=" + tmp + "/r.json --fail-on any");
  EXPECT_EQ(quiet.code, 1);
  EXPECT_EQ(quiet.err, "");
  auto same = purser("diff " + k_old + " " + k_old + " --fail-on any");
  EXPECT_EQ(same.code, 0) << same.err;
  EXPECT_NE(same.out.find("no differences (18 components unchanged)"), std::string::npos) << same.out;
}

TEST_F(Cli, DiffUsageErrors) {
  auto kind = purser("diff " + k_old + " " + k_new + " --fail-on added,bogus");
  EXPECT_EQ(kind.code, 2);
  EXPECT_EQ(kind.err,
            "purser: error: unknown --fail-on kind: bogus (expected added, removed, upgraded, downgraded, hash, "
            "license, supplier, layer, edge-added, edge-removed, edges, any)\n");
  auto format = purser("diff " + k_old + " " + k_new + " -o html");
  EXPECT_EQ(format.code, 2);
  EXPECT_EQ(format.err, "purser: error: unknown diff output format: html (expected table, json or markdown)\n");
  auto two = purser("diff " + k_old + " " + k_new + " -o json -o markdown");
  EXPECT_EQ(two.code, 2);
  EXPECT_EQ(two.err, "purser: error: more than one output writes to stdout: give all but one a FILE\n");
  auto stdin_twice = purser("diff - - < " + k_old);
  EXPECT_EQ(stdin_twice.code, 2);
  EXPECT_EQ(stdin_twice.err, "purser: error: diff: only one of OLD and NEW can be '-' (stdin)\n");
  EXPECT_EQ(purser("diff " + k_old).code, 2);
}

TEST_F(Cli, DiffInputErrors) {
  auto missing = purser("diff " + k_old + " fixtures/diff/nope.json");
  EXPECT_EQ(missing.code, 3);
  EXPECT_EQ(missing.err, "purser: error: fixtures/diff/nope.json: cannot read: No such file or directory\n");
  write("notsbom.json", "{\"hello\": 1}");
  auto neither = purser("diff " + k_old + " " + tmp + "/notsbom.json");
  EXPECT_EQ(neither.code, 3);
  EXPECT_NE(neither.err.find("purser: error: "), std::string::npos);
  auto image = purser("diff docker-archive:" + tmp + "/v1.tar " + k_new);
  EXPECT_EQ(image.code, 3);
  EXPECT_NE(image.err.find("v1.tar"), std::string::npos) << image.err;  // the missing image is named
}

TEST_F(Cli, DiffReadsStdinAndScansDirectories) {
  auto piped = purser("diff - " + k_new + " -o json < " + k_old);
  ASSERT_EQ(piped.code, 0) << piped.err;
  EXPECT_EQ(nlohmann::json::parse(piped.out)["old"]["source"], "<stdin>");
  // A scan and the SBOM written from the same scan are the same inventory.
  auto scan = purser("scan dir:examples/polyglot-app -o cyclonedx-json=" + tmp + "/app.cdx.json");
  ASSERT_EQ(scan.code, 0) << scan.err;
  auto r = purser("diff dir:examples/polyglot-app " + tmp + "/app.cdx.json --fail-on any");
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("no differences"), std::string::npos) << r.out;
}

// ---- merge

TEST_F(Cli, MergeCombinesUnderANewRootWithoutOrphans) {
  auto r = purser("merge " + k_old + " " + k_new + " --name shop-all --version 2024.04 -o cyclonedx-json=" + tmp +
                  "/m.cdx.json -o spdx-json=" + tmp + "/m.spdx.json");
  ASSERT_EQ(r.code, 0) << r.err;
  auto v = purser("validate " + tmp + "/m.cdx.json " + tmp + "/m.spdx.json");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  auto doc = nlohmann::json::parse(slurp(tmp + "/m.cdx.json"));
  EXPECT_EQ(doc["metadata"]["component"]["name"], "shop-all");
  EXPECT_EQ(doc["metadata"]["component"]["version"], "2024.04");
  std::set<std::string> refs;
  for (const auto& c : doc["components"]) EXPECT_TRUE(refs.insert(c["bom-ref"].get<std::string>()).second);
  // 18 + 17 components, 6 refs in both (express, qs, debug 2.6.9, chalk, requests, serde), and both input roots.
  EXPECT_EQ(doc["components"].size(), 18u + 17u - 6u + 2u);
  EXPECT_TRUE(refs.count("pkg:npm/shop@1.0.0"));
  EXPECT_TRUE(refs.count("pkg:npm/shop@1.1.0"));
  EXPECT_EQ(cdx_orphans(doc), std::vector<std::string>{});
  // Every input edge is kept: diffing each input against the merge loses no edge it had.
  auto lost = purser("diff " + k_old + " " + tmp + "/m.cdx.json -o json");
  auto j = nlohmann::json::parse(lost.out);
  for (const auto& c : j["changes"])
    if (c["kind"] == "edge-removed") {
      EXPECT_EQ(c["from"]["identity"], "root") << c.dump();
    }
}

TEST_F(Cli, MergeReportsConflictsAndBadInputs) {
  write(
      "a.json",
      R"({"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"application","name":"a"}},)"
      R"("components":[{"type":"library","name":"x","version":"1","purl":"pkg:npm/x@1","licenses":[{"license":{"id":"MIT"}}]}]})");
  write(
      "b.json",
      R"({"bomFormat":"CycloneDX","specVersion":"1.6","metadata":{"component":{"type":"application","name":"b"}},)"
      R"("components":[{"type":"library","name":"x","version":"1","purl":"pkg:npm/x@1","licenses":[{"license":{"id":"ISC"}}]}]})");
  auto r = purser("merge " + tmp + "/a.json " + tmp + "/b.json -o cyclonedx-json=" + tmp + "/m.json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "warning: " + tmp + "/b.json: merge: pkg:npm/x@1: license \"ISC\" differs from \"MIT\" in " + tmp +
                       "/a.json: kept \"MIT\"\n");
  auto doc = nlohmann::json::parse(slurp(tmp + "/m.json"));
  EXPECT_EQ(cdx_orphans(doc), std::vector<std::string>{});  // x hangs off a's root
  auto missing = purser("merge " + tmp + "/a.json " + tmp + "/none.json");
  EXPECT_EQ(missing.code, 3);
  EXPECT_EQ(missing.err, "purser: error: " + tmp + "/none.json: cannot read: No such file or directory\n");
  auto clash = purser("merge " + tmp + "/a.json --name a -o cyclonedx-json=" + tmp + "/m.json");
  EXPECT_EQ(clash.code, 2);
  EXPECT_EQ(clash.err, "purser: error: merge: the new root \"generic:a\" is also a component of " + tmp +
                           "/a.json: choose another --name or --version\n");
}

// ---- convert

TEST_F(Cli, ConvertRoundTripKeepsComponentsPurlsVersionsLicensesHashesAndEdges) {
  auto to_spdx = purser("convert " + k_old + " -o spdx-json=" + tmp + "/a.spdx.json");
  ASSERT_EQ(to_spdx.code, 0) << to_spdx.err;
  auto back = purser("convert " + tmp + "/a.spdx.json -o cyclonedx-json=" + tmp + "/b.cdx.json");
  ASSERT_EQ(back.code, 0) << back.err;
  // Nothing the SPDX writer wrote is lost on the way back, but for the document's own identifier.
  EXPECT_EQ(back.err, "warning: " + tmp +
                          "/a.spdx.json: not carried over: documentNamespace (the output has its own, derived from "
                          "its content)\n");
  auto v = purser("validate " + tmp + "/a.spdx.json " + tmp + "/b.cdx.json");
  EXPECT_EQ(v.code, 0) << v.out;
  auto same = purser("diff " + k_old + " " + tmp + "/b.cdx.json --fail-on any");
  EXPECT_EQ(same.code, 0) << same.out << same.err;

  // Field by field, beyond what diff compares: PURLs, versions, licences and hashes of every component.
  auto a = nlohmann::json::parse(slurp(PURSER_SOURCE_DIR + std::string("/") + k_old));
  auto b = nlohmann::json::parse(slurp(tmp + "/b.cdx.json"));
  std::map<std::string, nlohmann::json> by_purl;
  for (const auto& c : b["components"]) by_purl[c.value("purl", c["name"].get<std::string>())] = c;
  ASSERT_EQ(b["components"].size(), a["components"].size());
  for (const auto& c : a["components"]) {
    std::string key = c.value("purl", c["name"].get<std::string>());
    ASSERT_TRUE(by_purl.count(key)) << key;
    const auto& d = by_purl[key];
    EXPECT_EQ(c["version"], d["version"]) << key;
    EXPECT_EQ(c.value("hashes", nlohmann::json()), d.value("hashes", nlohmann::json())) << key;
    EXPECT_EQ(c.value("licenses", nlohmann::json()), d.value("licenses", nlohmann::json())) << key;
  }
}

TEST_F(Cli, ConvertThroughEveryWrittenFormatLosesNothing) {
  for (const char* format : {"cyclonedx-xml", "spdx-tag-value", "spdx-json", "cyclonedx-json"}) {
    std::string mid = tmp + "/mid." + format;
    auto there = purser("convert " + k_new + " -o " + format + "=" + mid + " --spec-version 1.5");
    ASSERT_EQ(there.code, 0) << format << there.err;
    auto back = purser("convert " + mid + " -o cyclonedx-json=" + tmp + "/back.json");
    ASSERT_EQ(back.code, 0) << format << back.err;
    auto same = purser("diff " + k_new + " " + tmp + "/back.json --fail-on any");
    EXPECT_EQ(same.code, 0) << format << same.out << same.err;
  }
}

TEST_F(Cli, ConvertStatesWhatIsNotCarriedOver) {
  write("in.cdx.json", R"({
  "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "metadata": {"lifecycles": [{"phase": "build"}], "tools": [{"name": "a"}, {"name": "b"}],
               "component": {"type": "application", "name": "app", "description": "the app"}},
  "components": [
    {"type": "library", "name": "x", "version": "1", "purl": "pkg:npm/x@1", "description": "x", "copyright": ""},
    {"type": "library", "name": "y", "version": "2", "purl": "pkg:npm/y@2", "description": "y",
     "supplier": {"name": "Y Inc", "url": ["https://y.example"]},
     "components": [{"type": "library", "name": "z", "version": "3", "author": "Zed"}]}
  ],
  "services": [{"name": "api"}, {"name": "db"}],
  "vulnerabilities": [],
  "compositions": [{"aggregate": "complete"}]
})");
  auto r = purser("convert " + tmp + "/in.cdx.json -o spdx-json=" + tmp + "/out.spdx.json");
  ASSERT_EQ(r.code, 0) << r.err;
  std::string in = tmp + "/in.cdx.json";
  EXPECT_EQ(r.err, "warning: " + in + ": not carried over: components[].author (1)\n" + "warning: " + in +
                       ": not carried over: components[].description (2)\n" + "warning: " + in +
                       ": not carried over: components[].supplier.url (1)\n" + "warning: " + in +
                       ": not carried over: compositions (1)\n" + "warning: " + in +
                       ": not carried over: metadata.component.description (1)\n" + "warning: " + in +
                       ": not carried over: metadata.lifecycles (1)\n" + "warning: " + in +
                       ": not carried over: services (2)\n" + "warning: " + in +
                       ": not carried over: serialNumber (the output has its own, derived from " + "its content)\n" +
                       "warning: " + in + ": not carried over: metadata.tools after the first (1)\n");
}

TEST_F(Cli, ConvertSpecVersionsAndErrors) {
  auto down = purser("convert " + k_old + " -o cyclonedx-json=" + tmp + "/old.cdx.json --spec-version 1.4");
  ASSERT_EQ(down.code, 0) << down.err;
  auto doc = nlohmann::json::parse(slurp(tmp + "/old.cdx.json"));
  EXPECT_EQ(doc["specVersion"], "1.4");
  EXPECT_EQ(purser("validate " + tmp + "/old.cdx.json").code, 0);
  auto no_output = purser("convert " + k_old);
  EXPECT_EQ(no_output.code, 2);
  auto dir = purser("convert dir:examples/polyglot-app -o spdx-json");
  EXPECT_EQ(dir.code, 2);
  EXPECT_EQ(dir.err,
            "purser: error: dir:examples/polyglot-app: convert reads SBOM files; use purser scan for directories\n");
  auto bad = purser("convert " + k_old + " -o yaml");
  EXPECT_EQ(bad.code, 2);
  write("broken.json", "{\"bomFormat\": \"CycloneDX\", ");
  auto broken = purser("convert " + tmp + "/broken.json -o spdx-json");
  EXPECT_EQ(broken.code, 3);
  EXPECT_EQ(broken.out, "");
}

}  // namespace
