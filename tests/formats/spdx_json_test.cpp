#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "formats/writers.hpp"
#include "tests/formats/writer_test_support.hpp"

namespace purser::formats {
namespace {

using nlohmann::json;
using testing::empty_document;
using testing::expect_golden;
using testing::sample_document;
using testing::schema_violations;
using testing::spdx_schema;

json package_named(const json& doc, const std::string& name) {
  for (const auto& p : doc["packages"])
    if (p["name"] == name) return p;
  ADD_FAILURE() << "no package " << name;
  return json::object();
}

// Schema validation when the shared SPDX 2.3 schema is present (it lives outside the repository).
void expect_schema_valid(const json& doc) {
  if (!std::filesystem::exists(spdx_schema())) return;
  EXPECT_EQ(schema_violations(doc, spdx_schema()), std::vector<std::string>{});
}

// The rules the schema does not check: SPDXID syntax and uniqueness, relationship ends exist, every
// LicenseRef used is declared.
void expect_consistent(const json& doc) {
  std::regex id_re("SPDXRef-[A-Za-z0-9.\\-]+");
  std::set<std::string> ids{"SPDXRef-DOCUMENT"};
  for (const auto& p : doc["packages"]) {
    std::string id = p["SPDXID"];
    EXPECT_TRUE(std::regex_match(id, id_re)) << id;
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
  }
  for (const auto& r : doc["relationships"]) {
    EXPECT_TRUE(ids.count(r["spdxElementId"])) << r;
    EXPECT_TRUE(ids.count(r["relatedSpdxElement"])) << r;
  }
  std::set<std::string> declared;
  for (const auto& info : doc.value("hasExtractedLicensingInfos", json::array())) declared.insert(info["licenseId"]);
  std::regex ref_re("LicenseRef-[A-Za-z0-9.\\-]+");
  for (const auto& p : doc["packages"]) {
    std::string lic = p["licenseDeclared"];
    for (std::sregex_iterator it(lic.begin(), lic.end(), ref_re), end; it != end; ++it)
      EXPECT_TRUE(declared.count(it->str())) << it->str() << " used but not declared";
  }
}

TEST(SpdxJson, SampleMatchesGoldenAndSchema) {
  std::string out = write_spdx_json(sample_document());
  expect_golden("sample.spdx.json", out);
  json doc = json::parse(out);
  expect_schema_valid(doc);
  expect_consistent(doc);
}

// Guards against a schema that silently failed to load.
TEST(SpdxJson, SchemaCheckIsLive) {
  if (!std::filesystem::exists(spdx_schema())) GTEST_SKIP() << spdx_schema() << " not present";
  json doc = json::parse(write_spdx_json(sample_document()));
  doc["packages"][1]["externalRefs"][0]["referenceCategory"] = "PACKAGE_MANAGER";  // the SPDX 2.2 spelling
  EXPECT_FALSE(schema_violations(doc, spdx_schema()).empty());
  doc = json::parse(write_spdx_json(sample_document()));
  doc["$schema"] = "https://example.invalid/schema.json";
  EXPECT_FALSE(schema_violations(doc, spdx_schema()).empty());
}

TEST(SpdxJson, EmptyDocumentGolden) {
  std::string out = write_spdx_json(empty_document());
  expect_golden("empty.spdx.json", out);
  json doc = json::parse(out);
  ASSERT_EQ(doc["packages"].size(), 1u);
  ASSERT_EQ(doc["relationships"].size(), 1u);
  EXPECT_EQ(doc["relationships"][0]["relationshipType"], "DESCRIBES");
  EXPECT_FALSE(doc.contains("hasExtractedLicensingInfos"));
  expect_schema_valid(doc);
  expect_consistent(doc);
}

TEST(SpdxJson, DocumentFields) {
  json doc = json::parse(write_spdx_json(sample_document()));
  EXPECT_FALSE(doc.contains("$schema"));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  EXPECT_EQ(doc["dataLicense"], "CC0-1.0");
  EXPECT_EQ(doc["SPDXID"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["name"], "dir:examples/app");
  std::string ns = doc["documentNamespace"];
  EXPECT_TRUE(std::regex_match(
      ns, std::regex("https://purser\\.invalid/spdxdocs/dir-examples-app-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-"
                     "[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << ns;
  EXPECT_EQ(doc["creationInfo"],
            json::parse(R"({"created":"2024-01-02T03:04:05Z","creators":["Tool: purser-0.1.0"]})"));
  EXPECT_EQ(doc["packages"].size(), 8u);
  EXPECT_EQ(doc["relationships"][0]["spdxElementId"], "SPDXRef-DOCUMENT");
  EXPECT_EQ(doc["relationships"][0]["relationshipType"], "DESCRIBES");
  EXPECT_EQ(doc["relationships"][0]["relatedSpdxElement"], doc["packages"][0]["SPDXID"]);
  std::multiset<std::string> types;
  for (const auto& r : doc["relationships"]) types.insert(r["relationshipType"]);
  EXPECT_EQ(types.count("DEPENDS_ON"), 8u);
  EXPECT_EQ(types.count("CONTAINS"), 1u);
}

TEST(SpdxJson, PackageFields) {
  json doc = json::parse(write_spdx_json(sample_document()));
  json root = package_named(doc, "demo-app");
  EXPECT_EQ(root["primaryPackagePurpose"], "APPLICATION");
  EXPECT_EQ(root["licenseDeclared"], "NOASSERTION");

  json node = package_named(doc, "@types/node");
  EXPECT_TRUE(std::regex_match(node["SPDXID"].get<std::string>(), std::regex("SPDXRef-Package-types-node-[0-9a-f]{8}")))
      << node["SPDXID"];
  EXPECT_EQ(node["versionInfo"], "20.11.5");
  EXPECT_EQ(node["downloadLocation"], "https://registry.npmjs.org/@types/node/-/node-20.11.5.tgz");
  EXPECT_EQ(node["filesAnalyzed"], false);
  EXPECT_EQ(node["licenseConcluded"], "NOASSERTION");
  EXPECT_EQ(node["licenseDeclared"], "MIT");
  EXPECT_EQ(node["copyrightText"], "NOASSERTION");
  EXPECT_EQ(node["checksums"][0]["algorithm"], "SHA512");
  EXPECT_EQ(node["sourceInfo"], "found in: package-lock.json:12, web/package-lock.json:40");
  EXPECT_EQ(node["externalRefs"], json::parse(R"([{"referenceCategory":"PACKAGE-MANAGER","referenceType":"purl",
                                                    "referenceLocator":"pkg:npm/%40types/node@20.11.5"}])"));
  EXPECT_EQ(node["primaryPackagePurpose"], "LIBRARY");

  json requests = package_named(doc, "Requests");
  EXPECT_FALSE(requests.contains("versionInfo"));
  EXPECT_EQ(requests["downloadLocation"], "NOASSERTION");
  EXPECT_EQ(requests["licenseDeclared"], "NOASSERTION");

  EXPECT_EQ(package_named(doc, "serde")["licenseDeclared"], "MIT OR Apache-2.0");
  EXPECT_EQ(package_named(doc, "jest")["licenseDeclared"], "MIT");
  EXPECT_EQ(package_named(doc, "jest")["downloadLocation"], "NOASSERTION");
  EXPECT_EQ(package_named(doc, "jest")["comment"], "purser:found-by=npm-package-lock\npurser:scope=dev");
  EXPECT_EQ(package_named(doc, "internal-lib")["licenseDeclared"], "LicenseRef-Custom-Thing");
  EXPECT_EQ(package_named(doc, "odd-crate")["licenseDeclared"], "Apache-2.0 AND LicenseRef-Frobnicate-1.0");
  EXPECT_EQ(doc["hasExtractedLicensingInfos"], json::parse(R"([
      {"licenseId":"LicenseRef-Custom-Thing","extractedText":"Custom Thing","name":"Custom Thing"},
      {"licenseId":"LicenseRef-Frobnicate-1.0","extractedText":"Frobnicate-1.0","name":"Frobnicate-1.0"}])"));
}

TEST(SpdxJson, LicenseRefsStayUniqueAndDeclared) {
  model::Document doc = empty_document();
  auto with_license = [](const char* name, const char* license) {
    model::Package p = testing::make("npm", "", name, "1.0.0");
    p.license = license;
    return p;
  };
  doc.packages = {with_license("a", "Custom Thing"),
                  with_license("b", "Custom-Thing"),
                  with_license("c", "LicenseRef-Acme"),
                  with_license("d", "MIT WITH Not-An-Exception"),
                  with_license("e", "GPL-2.0-or-later WITH Classpath-exception-2.0"),
                  with_license("f", "((")};
  doc.normalize();
  json out = json::parse(write_spdx_json(doc));
  expect_consistent(out);
  expect_schema_valid(out);
  EXPECT_EQ(package_named(out, "c")["licenseDeclared"], "LicenseRef-Acme");
  EXPECT_EQ(package_named(out, "e")["licenseDeclared"], "GPL-2.0-or-later WITH Classpath-exception-2.0");
  EXPECT_NE(package_named(out, "a")["licenseDeclared"], package_named(out, "b")["licenseDeclared"]);
  EXPECT_EQ(out["hasExtractedLicensingInfos"].size(), 5u);
}

TEST(SpdxJson, DeterministicNamespaceFromContent) {
  std::string a = write_spdx_json(sample_document());
  EXPECT_EQ(a, write_spdx_json(sample_document()));
  auto ns = [](const std::string& s) { return json::parse(s)["documentNamespace"].get<std::string>(); };
  model::Document later = sample_document();
  later.metadata.timestamp += 60;
  EXPECT_EQ(ns(a), ns(write_spdx_json(later)));
  model::Document bumped = sample_document();
  bumped.packages[0].version = "0.3.1";
  EXPECT_NE(ns(a), ns(write_spdx_json(bumped)));
}

TEST(SpdxJson, OddCharactersAreEscapedAndIdsSanitized) {
  model::Document doc = sample_document();
  model::Package odd = testing::odd_package();
  doc.packages.push_back(odd);
  doc.relationships.push_back({doc.root.ref(), odd.ref(), model::RelationshipKind::depends_on});
  doc.normalize();
  std::string text = write_spdx_json(doc);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  json out = json::parse(text);
  expect_consistent(out);
  expect_schema_valid(out);
  bool found = false;
  for (const auto& p : out["packages"]) {
    if (p.value("versionInfo", "") != "1.0.0\n") continue;
    found = true;
    EXPECT_EQ(p["name"], "we\"ird\\name\x1b[31m na\xc3\xafve \xef\xbf\xbd/tab\there");
    EXPECT_EQ(p["sourceInfo"], "found in: dir with space/ma\"nifest.txt:2");
  }
  EXPECT_TRUE(found);
}

TEST(SpdxJson, SameNameDifferentRefsGetDistinctIds) {
  model::Document doc = empty_document();
  doc.packages = {testing::make("npm", "", "dup", "1.0.0"), testing::make("npm", "", "dup", "2.0.0"),
                  testing::make("pypi", "", "dup", "1.0.0")};
  doc.normalize();
  json out = json::parse(write_spdx_json(doc));
  expect_consistent(out);
  EXPECT_EQ(out["packages"].size(), 4u);
}

TEST(SpdxJson, RealWorldScansValidate) {
  auto docs = testing::real_world_documents();
  if (docs.empty()) GTEST_SKIP() << "no shared lockfiles under " << PURSER_SHARED_DIR;
  for (const auto& [name, doc] : docs) {
    SCOPED_TRACE(name);
    std::string out = write_spdx_json(doc);
    EXPECT_EQ(out, write_spdx_json(doc));
    json spdx = json::parse(out);
    EXPECT_EQ(spdx["packages"].size(), doc.packages.size() + 1);
    expect_schema_valid(spdx);
    expect_consistent(spdx);
  }
}

}  // namespace
}  // namespace purser::formats
