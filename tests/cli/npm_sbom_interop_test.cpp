// purser against a third-party SBOM generator: npm's own `npm sbom` (npm 10.1+; docs.npmjs.com/cli/commands/npm-sbom)
// on a tiny npm project written here (package.json, a v3 package-lock.json and the node_modules tree it describes).
// npm runs offline: `npm sbom` reads the installed tree and the lockfile, nothing else.
//
// What npm writes that matters here (npm 11):
// - CycloneDX 1.5: every component has scope "required"; a dev dependency carries the taxonomy property
//   cdx:npm:package:development = "true". metadata.component.name is the project *directory* name (its purl uses
//   package.json's name), so the project lives in a directory named like its package.
// - SPDX 2.3: a dev dependency is DEV_DEPENDENCY_OF the package that wants it; the root package is described.
// - Hashes: the lockfile's "integrity" (sha512-<base64>) as hex.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "tests/cli/cli_fixture.hpp"

namespace {

using nlohmann::json;
using purser_test::Cli;
namespace fs = std::filesystem;

// ---- the project: shop-web needs @acme/util (ISC; wants left-pad 2, nested under it), left-pad 1 (MIT) and
// dual-lic ("(MIT OR Apache-2.0)"); test-kit (ISC) is its one dev dependency and also wants left-pad 1, so
// left-pad 1.3.0 stays a runtime package. Integrity values are sha512 of "name@version".

const char* const k_package_json = R"({
  "name": "shop-web",
  "version": "1.2.0",
  "license": "MIT",
  "dependencies": {"@acme/util": "^2.0.0", "left-pad": "^1.3.0", "dual-lic": "^0.4.0"},
  "devDependencies": {"test-kit": "^3.1.0"}
}
)";

const char* const k_package_lock = R"lock({
  "name": "shop-web",
  "version": "1.2.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "shop-web",
      "version": "1.2.0",
      "license": "MIT",
      "dependencies": {"@acme/util": "^2.0.0", "left-pad": "^1.3.0", "dual-lic": "^0.4.0"},
      "devDependencies": {"test-kit": "^3.1.0"}
    },
    "node_modules/@acme/util": {
      "version": "2.1.0",
      "resolved": "https://registry.npmjs.org/@acme/util/-/util-2.1.0.tgz",
      "integrity": "sha512-yEwlNpV7D/dYKLzQ3kloSQVJWrvVd4Ti0pp5u/Cm1c6actlUIaxSk2a1UHGMVB1cMy1fvIfieftEjzN393cQqQ==",
      "license": "ISC",
      "dependencies": {"left-pad": "^2.0.0"}
    },
    "node_modules/@acme/util/node_modules/left-pad": {
      "version": "2.0.1",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-2.0.1.tgz",
      "integrity": "sha512-puwF4AGwYqmW7L4/NevlHCx8nGLIXe3mNM6iDB7AvwAVaK7qtR7OmIovVqffhViMcElveLhSNv8A3kDOJYrZbw==",
      "license": "MIT"
    },
    "node_modules/dual-lic": {
      "version": "0.4.2",
      "resolved": "https://registry.npmjs.org/dual-lic/-/dual-lic-0.4.2.tgz",
      "integrity": "sha512-YkJG20zt1TJvGuYJ2wMQsHVRI221EJwJBKROzHbJnoMMnlqomrM0WAttr9PYqFxFa29sR2FmF0a0AoopI4bOhg==",
      "license": "(MIT OR Apache-2.0)"
    },
    "node_modules/left-pad": {
      "version": "1.3.0",
      "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
      "integrity": "sha512-5M53BsOqcReBM10CEzSaGC4lddbxUMy9v+iLQ8GPQl2d27nb8yuN8GHr8JhtKZe3H3AIIBvsdZDfCqO8lqGa6Q==",
      "license": "MIT"
    },
    "node_modules/test-kit": {
      "version": "3.1.4",
      "resolved": "https://registry.npmjs.org/test-kit/-/test-kit-3.1.4.tgz",
      "integrity": "sha512-T4BL4Nihb2FHy9mzp2fvYl3Dl9ks/zqThEBFkkBeon2K+329ynNH881PIRsK9NzOjoFQ8DPuKidRlCqrb62BUw==",
      "dev": true,
      "license": "ISC",
      "dependencies": {"left-pad": "^1.0.0"}
    }
  }
}
)lock";

// Installed package.json files: directory under the project → contents.
const std::pair<const char*, const char*> k_installed[] = {
    {"node_modules/@acme/util",
     R"({"name": "@acme/util", "version": "2.1.0", "license": "ISC", "dependencies": {"left-pad": "^2.0.0"}})"},
    {"node_modules/@acme/util/node_modules/left-pad", R"({"name": "left-pad", "version": "2.0.1", "license": "MIT"})"},
    {"node_modules/dual-lic", R"pkg({"name": "dual-lic", "version": "0.4.2", "license": "(MIT OR Apache-2.0)"})pkg"},
    {"node_modules/left-pad", R"({"name": "left-pad", "version": "1.3.0", "license": "MIT"})"},
    {"node_modules/test-kit",
     R"({"name": "test-kit", "version": "3.1.4", "license": "ISC", "dependencies": {"left-pad": "^1.0.0"}})"},
};

const std::string k_root_purl = "pkg:npm/shop-web@1.2.0";
const std::string k_dev_purl = "pkg:npm/test-kit@3.1.4";

const std::set<std::string> k_purls = {"pkg:npm/%40acme/util@2.1.0", "pkg:npm/left-pad@2.0.1", "pkg:npm/dual-lic@0.4.2",
                                       "pkg:npm/left-pad@1.3.0", k_dev_purl};

void put(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

// A CycloneDX JSON component's name as npm and the model spell it: group joined with '/'.
std::string full_name(const json& c) {
  std::string group = c.value("group", "");
  return group.empty() ? c.value("name", "") : group + "/" + c.value("name", "");
}

using Identity = std::tuple<std::string, std::string, std::string>;  // name, version, purl

std::set<Identity> identities(const json& doc) {
  std::set<Identity> out;
  for (const auto& c : doc["components"]) out.insert({full_name(c), c.value("version", ""), c.value("purl", "")});
  return out;
}

// purl → CycloneDX scope ("required" when absent, as the schema defaults it).
std::map<std::string, std::string> scopes(const json& doc) {
  std::map<std::string, std::string> out;
  for (const auto& c : doc["components"]) out[c.value("purl", "")] = c.value("scope", "required");
  return out;
}

// purl → (licence expression or id, SHA-512 hex).
std::map<std::string, std::pair<std::string, std::string>> licences_and_hashes(const json& doc) {
  std::map<std::string, std::pair<std::string, std::string>> out;
  for (const auto& c : doc["components"]) {
    std::string licence, sha512;
    for (const auto& l : c.value("licenses", json::array()))
      licence = l.contains("expression") ? l["expression"].get<std::string>() : l["license"].value("id", "");
    for (const auto& h : c.value("hashes", json::array()))
      if (h["alg"] == "SHA-512") sha512 = h["content"];
    out[c.value("purl", "")] = {licence, sha512};
  }
  return out;
}

class NpmSbom : public Cli {
 protected:
  // Writes the project and runs both `npm sbom` formats once for the suite, concurrently (each takes ~1 s).
  static void SetUpTestSuite() {
    if (std::system("command -v npm >/dev/null 2>&1") != 0) {
      s_skip = "npm is not on PATH (make deps installs it)";
      return;
    }
    char tmpl[] = "/tmp/purser-npm-sbom-XXXXXX";
    s_dir = ::mkdtemp(tmpl);
    s_project = s_dir + "/shop-web";
    put(s_project + "/package.json", k_package_json);
    put(s_project + "/package-lock.json", k_package_lock);
    for (const auto& [dir, manifest] : k_installed) put(s_project + "/" + dir + "/package.json", manifest);
    // Offline, with a private cache and an empty user config, so the machine's npm settings cannot change the output.
    put(s_dir + "/npmrc", "");
    const std::string env = "env npm_config_offline=true npm_config_cache=" + s_dir +
                            "/cache npm_config_userconfig=" + s_dir +
                            "/npmrc npm_config_update_notifier=false "
                            "npm_config_fund=false npm_config_audit=false ";
    std::string cmd;
    for (const char* format : {"cyclonedx", "spdx"})
      cmd += "{ cd " + s_project + " && " + env + "npm sbom --sbom-format " + format + " >" + s_dir + "/" + format +
             ".out 2>" + s_dir + "/" + format + ".err; echo $? >" + s_dir + "/" + format + ".rc; } & ";
    cmd += "wait";
    if (std::system(cmd.c_str()) != 0) s_failure = "could not run npm: " + cmd;
    for (const char* format : {"cyclonedx", "spdx"}) {
      std::string rc = slurp(s_dir + "/" + format + ".rc");
      std::string err = slurp(s_dir + "/" + format + ".err");
      if (rc == "0\n") continue;
      // npm before 10.1 has no sbom command: "Unknown command: \"sbom\"".
      if (err.find("Unknown command") != std::string::npos) {
        s_skip = "this npm has no `npm sbom` (needs npm 10.1+): " + err.substr(0, err.find('\n'));
        return;
      }
      s_failure += std::string("npm sbom --sbom-format ") + format + " exited " + rc + err;
    }
    if (!s_failure.empty()) return;
    fs::rename(s_dir + "/cyclonedx.out", s_dir + "/npm.cdx.json");
    fs::rename(s_dir + "/spdx.out", s_dir + "/npm.spdx.json");
  }
  static void TearDownTestSuite() {
    if (!s_dir.empty()) fs::remove_all(s_dir);
    s_dir.clear();
  }
  void SetUp() override {
    if (!s_skip.empty()) GTEST_SKIP() << s_skip;
    ASSERT_EQ(s_failure, "");
    Cli::SetUp();
  }
  void TearDown() override {
    if (!tmp.empty()) Cli::TearDown();
  }

  static std::string cdx() { return s_dir + "/npm.cdx.json"; }
  static std::string spdx() { return s_dir + "/npm.spdx.json"; }

  // purser's own CycloneDX JSON rendering of an SBOM file (convert to stdout).
  json as_cyclonedx(const std::string& file) {
    auto r = purser("convert " + file + " -o cyclonedx-json");
    EXPECT_EQ(r.code, 0) << r.err;
    return json::parse(r.out);
  }

  static inline std::string s_skip, s_failure, s_dir, s_project;
};

// The summary of a diff with nothing but `unchanged` components.
json no_changes(int unchanged) {
  return {{"added", 0},      {"removed", 0},      {"upgraded", 0},         {"downgraded", 0},
          {"hash", 0},       {"license", 0},      {"supplier", 0},         {"layer", 0},
          {"edge-added", 0}, {"edge-removed", 0}, {"unchanged", unchanged}};
}

TEST_F(NpmSbom, NpmWroteWhatTheseTestsExpect) {
  json doc = json::parse(slurp(cdx()));
  EXPECT_EQ(doc["metadata"]["component"]["name"], "shop-web");
  EXPECT_EQ(doc["metadata"]["component"]["purl"], k_root_purl);
  std::set<std::string> purls;
  for (const auto& c : doc["components"]) purls.insert(c["purl"]);
  EXPECT_EQ(purls, k_purls);
  for (const auto& c : doc["components"]) {
    EXPECT_EQ(c["scope"], "required") << c["purl"];
    const json mark = {{"name", "cdx:npm:package:development"}, {"value", "true"}};
    bool dev = std::find(c["properties"].begin(), c["properties"].end(), mark) != c["properties"].end();
    EXPECT_EQ(dev, c["purl"] == k_dev_purl) << c["purl"];
  }
  EXPECT_NE(slurp(spdx()).find("\"DEV_DEPENDENCY_OF\""), std::string::npos);
}

TEST_F(NpmSbom, ValidateAcceptsBothOutputs) {
  auto r = purser("validate " + cdx() + " " + spdx());
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_EQ(r.out, cdx() + ": valid CycloneDX 1.5\n" + spdx() + ": valid SPDX 2.3\n");
}

TEST_F(NpmSbom, CycloneDxAndSpdxReadTheSame) {
  auto r = purser("diff " + cdx() + " " + spdx() + " -o json");
  ASSERT_EQ(r.code, 0) << r.err;
  json report = json::parse(r.out);
  EXPECT_EQ(report["summary"], no_changes(5)) << r.out;
  EXPECT_EQ(report["changes"], json::array());
  EXPECT_EQ(report["old"]["root"], report["new"]["root"]);
  EXPECT_EQ(report["old"]["edges"], 6);
  EXPECT_EQ(report["new"]["edges"], 6);
  // diff has no scope change kind: the dev mark (a CycloneDX property, an SPDX relationship) must read the same.
  auto from_cdx = scopes(as_cyclonedx(cdx()));
  EXPECT_EQ(from_cdx, scopes(as_cyclonedx(spdx())));
  EXPECT_EQ(from_cdx[k_dev_purl], "excluded");
}

TEST_F(NpmSbom, ScanFindsWhatNpmReports) {
  auto r = purser("scan dir:" + s_project + " -o cyclonedx-json");
  ASSERT_EQ(r.code, 0) << r.err;
  json scan = json::parse(r.out);
  json npm = json::parse(slurp(cdx()));
  // purser's root is the directory; the project's own package (npm's metadata.component) is one of its components.
  json others = json::array();
  bool has_project = false;
  for (const auto& c : scan["components"])
    if (c.value("purl", "") == k_root_purl)
      has_project = true;
    else
      others.push_back(c);
  EXPECT_TRUE(has_project);
  EXPECT_EQ(identities(json{{"components", others}}), identities(npm));
  EXPECT_EQ(licences_and_hashes(json{{"components", others}}), licences_and_hashes(npm));
  // Dev scope: the lockfile marks test-kit dev, as npm does. The installed package.json cannot tell dev from runtime;
  // its scope yields to the lockfile's, so the full scan agrees with npm too.
  auto lock_only = purser("scan dir:" + s_project + " --catalogers npm-package-lock -o cyclonedx-json");
  ASSERT_EQ(lock_only.code, 0) << lock_only.err;
  auto lock_scopes = scopes(json::parse(lock_only.out));
  lock_scopes.erase(k_root_purl);
  auto npm_scopes = scopes(as_cyclonedx(cdx()));
  EXPECT_EQ(lock_scopes, npm_scopes);
  EXPECT_EQ(scopes(json{{"components", others}}), npm_scopes);
}

TEST_F(NpmSbom, ConvertedOutputsValidateAndRoundTrip) {
  const std::string spdx_out = tmp + "/x.spdx.json", xml_out = tmp + "/y.cdx.xml", back = tmp + "/z.cdx.json";
  auto conv = purser("convert " + cdx() + " -o spdx-json=" + spdx_out + " -o cyclonedx-xml=" + xml_out);
  ASSERT_EQ(conv.code, 0) << conv.err;
  auto valid = purser("validate " + spdx_out + " " + xml_out);
  EXPECT_EQ(valid.code, 0) << valid.out << valid.err;
  auto again = purser("convert " + spdx_out + " -o cyclonedx-json=" + back);
  ASSERT_EQ(again.code, 0) << again.err;
  for (const std::string& other : {back, xml_out}) {
    auto d = purser("diff " + cdx() + " " + other + " -o json");
    ASSERT_EQ(d.code, 0) << d.err;
    json report = json::parse(d.out);
    EXPECT_EQ(report["summary"], no_changes(5)) << other << "\n" << d.out;
    EXPECT_EQ(report["old"]["root"], report["new"]["root"]) << other;
    EXPECT_EQ(report["new"]["edges"], 6) << other;
  }
  auto original = scopes(as_cyclonedx(cdx()));
  EXPECT_EQ(scopes(as_cyclonedx(back)), original);
  EXPECT_EQ(scopes(as_cyclonedx(xml_out)), original);
}

}  // namespace
