#include <gtest/gtest.h>

#include <functional>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>

#include "formats/validate.hpp"
#include "formats/writers.hpp"
#include "tests/formats/writer_test_support.hpp"

namespace purser::formats {
namespace {

using nlohmann::json;
using testing::cyclonedx_schema;
using testing::empty_document;
using testing::expect_golden;
using testing::sample_document;
using testing::schema_violations;

json component(const json& bom, const std::string& purl) {
  for (const auto& c : bom["components"])
    if (c.value("purl", "") == purl) return c;
  ADD_FAILURE() << "no component " << purl;
  return json::object();
}

std::vector<std::string> property_values(const json& c, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& p : c.value("properties", json::array()))
    if (p["name"] == name) out.push_back(p["value"]);
  return out;
}

class CycloneDxGolden : public ::testing::TestWithParam<CycloneDxVersion> {};

TEST_P(CycloneDxGolden, SampleMatchesGoldenAndSchema) {
  std::string out = write_cyclonedx_json(sample_document(), GetParam());
  expect_golden(std::string("sample.cdx-") + to_string(GetParam()) + ".json", out);
  EXPECT_EQ(schema_violations(json::parse(out), cyclonedx_schema(to_string(GetParam()))), std::vector<std::string>{});
}

TEST_P(CycloneDxGolden, EmptyDocumentValidates) {
  std::string out = write_cyclonedx_json(empty_document(), GetParam());
  json bom = json::parse(out);
  EXPECT_FALSE(bom.contains("components"));
  EXPECT_EQ(bom["dependencies"], json::parse(R"([{"ref": "generic:empty"}])"));
  EXPECT_EQ(schema_violations(bom, cyclonedx_schema(to_string(GetParam()))), std::vector<std::string>{});
}

TEST_P(CycloneDxGolden, OddCharactersAreEscapedAndValid) {
  model::Document doc = sample_document();
  model::Package odd = testing::odd_package();
  doc.packages.push_back(odd);
  doc.relationships.push_back({doc.root.ref(), odd.ref(), model::RelationshipKind::depends_on});
  doc.normalize();
  std::string out = write_cyclonedx_json(doc, GetParam());
  json bom = json::parse(out);  // throws (fails the test) if the output is not JSON
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_NE(out.find(R"(we\"ird\\name\u001b[31m na)"), std::string::npos);
  bool found = false;
  for (const auto& c : bom["components"]) {
    if (c.value("version", "") != "1.0.0\n") continue;  // the bom-ref holds the replaced \xff too
    found = true;
    // invalid UTF-8 (\xff) is replaced by U+FFFD, everything else survives
    EXPECT_EQ(c["name"], "we\"ird\\name\x1b[31m na\xc3\xafve \xef\xbf\xbd/tab\there");
    EXPECT_EQ(c["version"], "1.0.0\n");
    EXPECT_EQ(c["licenses"], json::parse(R"([{"license": {"name": "Line\nBreak \"quoted\""}}])"));
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(schema_violations(bom, cyclonedx_schema(to_string(GetParam()))), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Versions, CycloneDxGolden,
                         ::testing::Values(CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6),
                         [](const ::testing::TestParamInfo<CycloneDxVersion>& param_info) {
                           std::string s = to_string(param_info.param);
                           return "v" + s.substr(0, 1) + "_" + s.substr(2);
                         });

// The validation above would pass vacuously if the schema failed to load: each mutation must be caught.
TEST(CycloneDxJson, SchemaCheckIsLive) {
  std::vector<std::function<void(json&)>> breakers = {
      [](json& b) { b["components"][0]["scope"] = "dev"; },
      [](json& b) { b["components"][1]["hashes"][0]["content"] = "xyz"; },
      [](json& b) { b["components"][2]["licenses"] = json::parse(R"([{"license":{"id":"Not-A-Licence"}}])"); },
      [](json& b) { b["serialNumber"] = "urn:uuid:not-a-uuid"; },
      [](json& b) { b["components"][0]["scope"] = 1; },
  };
  for (CycloneDxVersion version : {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6}) {
    const char* v = to_string(version);
    const json good = json::parse(write_cyclonedx_json(sample_document(), version));
    EXPECT_EQ(schema_violations(good, cyclonedx_schema(v)), std::vector<std::string>{}) << v;
    for (std::size_t i = 0; i < breakers.size(); ++i) {
      json bad = good;
      breakers[i](bad);
      EXPECT_FALSE(schema_violations(bad, cyclonedx_schema(v)).empty()) << v << " breaker " << i;
    }
  }
}

TEST(CycloneDxJson, EmptyDocumentGolden) {
  expect_golden("empty.cdx-1.6.json", write_cyclonedx_json(empty_document()));
}

TEST(CycloneDxJson, HeaderAndMetadata) {
  json bom = json::parse(write_cyclonedx_json(sample_document()));
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.6");
  EXPECT_EQ(bom["version"], 1);
  EXPECT_FALSE(bom.contains("$schema"));
  EXPECT_TRUE(
      std::regex_match(bom["serialNumber"].get<std::string>(),
                       std::regex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << bom["serialNumber"];
  EXPECT_EQ(bom["metadata"]["timestamp"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(bom["metadata"]["tools"],
            json::parse(R"({"components":[{"type":"application","name":"purser","version":"0.1.0"}]})"));
  EXPECT_EQ(bom["metadata"]["component"],
            json::parse(R"({"type":"application","bom-ref":"pkg:npm/demo-app@1.0.0","name":"demo-app",
                            "version":"1.0.0","purl":"pkg:npm/demo-app@1.0.0"})"));
  EXPECT_EQ(property_values(bom["metadata"], "purser:warning"),
            std::vector<std::string>{"requirements.txt:3: unpinned requirement: requests"});
  EXPECT_EQ(property_values(bom["metadata"], "purser:source-target"), std::vector<std::string>{"dir:examples/app"});

  json legacy = json::parse(write_cyclonedx_json(sample_document(), CycloneDxVersion::v1_4));
  EXPECT_EQ(legacy["metadata"]["tools"], json::parse(R"([{"name":"purser","version":"0.1.0"}])"));
}

TEST(CycloneDxJson, TimestampIsRfc3339Utc) {
  auto stamp = [](std::int64_t t) {
    model::Document doc = empty_document();
    doc.metadata.timestamp = t;
    return json::parse(write_cyclonedx_json(doc))["metadata"]["timestamp"].get<std::string>();
  };
  EXPECT_EQ(stamp(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(stamp(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(stamp(1709251199), "2024-02-29T23:59:59Z");
  EXPECT_EQ(stamp(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(stamp(INT64_MAX), "9999-12-31T23:59:59Z");
  EXPECT_EQ(stamp(INT64_MIN), "0000-01-01T00:00:00Z");
}

TEST(CycloneDxJson, ComponentsCarryGenericFields) {
  json bom = json::parse(write_cyclonedx_json(sample_document()));
  ASSERT_EQ(bom["components"].size(), 7u);

  json node = component(bom, "pkg:npm/%40types/node@20.11.5");
  EXPECT_EQ(node["group"], "@types");
  EXPECT_EQ(node["name"], "node");
  EXPECT_EQ(node["scope"], "required");
  EXPECT_EQ(node["licenses"], json::parse(R"([{"license":{"id":"MIT"}}])"));
  ASSERT_EQ(node["hashes"].size(), 1u);
  EXPECT_EQ(node["hashes"][0]["alg"], "SHA-512");
  EXPECT_EQ(node["externalReferences"], json::parse(R"([{"type":"distribution",
                             "url":"https://registry.npmjs.org/@types/node/-/node-20.11.5.tgz"}])"));
  EXPECT_EQ(
      node["evidence"]["occurrences"],
      json::parse(R"([{"location":"package-lock.json","line":12},{"location":"web/package-lock.json","line":40}])"));
  EXPECT_EQ(property_values(node, "purser:found-by"), std::vector<std::string>{"npm-package-lock"});

  json errors = component(bom, "pkg:golang/github.com/pkg/errors@v0.9.1");
  EXPECT_EQ(errors["group"], "github.com/pkg");
  EXPECT_EQ(errors["name"], "errors");

  json requests = component(bom, "pkg:pypi/requests");
  EXPECT_FALSE(requests.contains("group"));
  EXPECT_EQ(requests["name"], "Requests");  // the ecosystem's spelling, not the normalised PURL name
  EXPECT_FALSE(requests.contains("version"));
  EXPECT_FALSE(requests.contains("licenses"));
  EXPECT_EQ(property_values(requests, "purser:pypi:markers"), std::vector<std::string>{"python_version >= \"3.8\""});

  EXPECT_EQ(component(bom, "pkg:cargo/serde@1.0.195")["licenses"],
            json::parse(R"([{"expression":"MIT OR Apache-2.0"}])"));
  EXPECT_EQ(component(bom, "pkg:pypi/internal-lib@2.0")["licenses"],
            json::parse(R"([{"license":{"name":"Custom Thing"}}])"));
  EXPECT_EQ(component(bom, "pkg:pypi/internal-lib@2.0")["scope"], "optional");
  // An expression with an id off the SPDX list is not a valid SPDX expression: kept as a named licence.
  EXPECT_EQ(component(bom, "pkg:cargo/odd-crate@0.3.0")["licenses"],
            json::parse(R"([{"license":{"name":"Apache-2.0 AND Frobnicate-1.0"}}])"));

  json jest = component(bom, "pkg:npm/jest@29.7.0");
  EXPECT_EQ(jest["scope"], "excluded");
  EXPECT_EQ(property_values(jest, "purser:scope"), std::vector<std::string>{"dev"});
  EXPECT_EQ(jest["licenses"], json::parse(R"([{"license":{"id":"MIT"}}])"));  // "mit" canonicalised
  EXPECT_FALSE(jest.contains("externalReferences"));
  EXPECT_EQ(property_values(jest, "purser:download-url"), std::vector<std::string>{"../vendor/jest 29.7.0.tgz"});
}

TEST(CycloneDxJson, LocationsPerVersion) {
  json v15 = json::parse(write_cyclonedx_json(sample_document(), CycloneDxVersion::v1_5));
  EXPECT_EQ(component(v15, "pkg:cargo/serde@1.0.195")["evidence"],
            json::parse(R"({"occurrences":[{"location":"Cargo.lock:88"}]})"));
  json v14 = json::parse(write_cyclonedx_json(sample_document(), CycloneDxVersion::v1_4));
  json serde = component(v14, "pkg:cargo/serde@1.0.195");
  EXPECT_FALSE(serde.contains("evidence"));
  EXPECT_EQ(property_values(serde, "purser:location"), std::vector<std::string>{"Cargo.lock:88"});
}

TEST(CycloneDxJson, DependenciesListEveryComponent) {
  model::Document doc = sample_document();
  doc.relationships.push_back({doc.root.ref(), "pkg:npm/not-in-bom@1", model::RelationshipKind::depends_on});
  json bom = json::parse(write_cyclonedx_json(doc));
  std::map<std::string, std::vector<std::string>> deps;
  for (const auto& d : bom["dependencies"]) deps[d["ref"]] = d.value("dependsOn", std::vector<std::string>{});
  EXPECT_EQ(bom["dependencies"][0]["ref"], "pkg:npm/demo-app@1.0.0");
  EXPECT_EQ(deps.size(), 8u);
  // contains (root → internal-lib) is flattened into dependsOn; dangling edges are dropped.
  EXPECT_EQ(deps["pkg:npm/demo-app@1.0.0"],
            (std::vector<std::string>{"pkg:cargo/serde@1.0.195", "pkg:golang/github.com/pkg/errors@v0.9.1",
                                      "pkg:npm/%40types/node@20.11.5", "pkg:npm/jest@29.7.0",
                                      "pkg:pypi/internal-lib@2.0", "pkg:pypi/requests"}));
  EXPECT_EQ(deps["pkg:npm/jest@29.7.0"], std::vector<std::string>{"pkg:npm/%40types/node@20.11.5"});
  EXPECT_EQ(deps["pkg:npm/%40types/node@20.11.5"], std::vector<std::string>{});
}

TEST(CycloneDxJson, DeterministicSerialFromContent) {
  std::string a = write_cyclonedx_json(sample_document());
  EXPECT_EQ(a, write_cyclonedx_json(sample_document()));
  auto serial = [](const std::string& s) { return json::parse(s)["serialNumber"].get<std::string>(); };

  model::Document later = sample_document();
  later.metadata.timestamp += 3600;
  std::string b = write_cyclonedx_json(later);
  EXPECT_NE(a, b);
  EXPECT_EQ(serial(a), serial(b));  // the timestamp does not take part

  model::Document bumped = sample_document();
  bumped.packages[0].version = "0.3.1";
  EXPECT_NE(serial(a), serial(write_cyclonedx_json(bumped)));
  EXPECT_NE(serial(a), serial(write_cyclonedx_json(sample_document(), CycloneDxVersion::v1_5)));
}

TEST(CycloneDxJson, DuplicateRefsAreWrittenOnce) {
  model::Document doc = sample_document();
  doc.packages.push_back(doc.packages[0]);
  doc.packages.push_back(doc.root);
  json bom = json::parse(write_cyclonedx_json(doc));
  std::set<std::string> refs{bom["metadata"]["component"]["bom-ref"].get<std::string>()};
  for (const auto& c : bom["components"]) EXPECT_TRUE(refs.insert(c["bom-ref"]).second) << c["bom-ref"];
  EXPECT_EQ(bom["components"].size(), 7u);
}

TEST(CycloneDxJson, InvalidHashesBecomeProperties) {
  model::Document doc = empty_document();
  model::Package p = testing::make("npm", "", "x", "1.0.0");
  p.hashes = {{"SHA-256", "not-hex"}, {"CRC32", "deadbeef"}};
  doc.packages = {p};
  json bom = json::parse(write_cyclonedx_json(doc));
  EXPECT_FALSE(bom["components"][0].contains("hashes"));
  EXPECT_EQ(property_values(bom["components"][0], "purser:hash"),
            (std::vector<std::string>{"CRC32:deadbeef", "SHA-256:not-hex"}));
  EXPECT_EQ(schema_violations(bom, cyclonedx_schema("1.6")), std::vector<std::string>{});
}

// The project's own validator (formats/validate.cpp) must accept what the writers produce.
TEST(CycloneDxJson, OutputPassesProjectValidator) {
  for (CycloneDxVersion version : {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6}) {
    for (const model::Document& doc : {sample_document(), empty_document()}) {
      auto report = validate_sbom(write_cyclonedx_json(doc, version), "bom.json");
      ASSERT_TRUE(report.ok()) << report.error().to_string();
      EXPECT_EQ(report->format, std::string("CycloneDX ") + to_string(version));
      EXPECT_TRUE(report->ok()) << report->violations.front().pointer << ": " << report->violations.front().message;
    }
  }
  for (const model::Document& doc : {sample_document(), empty_document()}) {
    auto report = validate_sbom(write_spdx_json(doc), "sbom.spdx.json");
    ASSERT_TRUE(report.ok()) << report.error().to_string();
    EXPECT_EQ(report->format, "SPDX 2.3");
    EXPECT_TRUE(report->ok()) << report->violations.front().pointer << ": " << report->violations.front().message;
  }
}

// Every real-world scan must produce schema-valid CycloneDX in all three versions.
TEST(CycloneDxJson, RealWorldScansValidate) {
  auto docs = testing::real_world_documents();
  if (docs.empty()) GTEST_SKIP() << "no shared lockfiles under " << PURSER_SHARED_DIR;
  for (const auto& [name, doc] : docs) {
    for (CycloneDxVersion version : {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6}) {
      std::string out = write_cyclonedx_json(doc, version);
      EXPECT_EQ(out, write_cyclonedx_json(doc, version)) << name;
      json bom = json::parse(out);
      EXPECT_EQ(bom.value("components", json::array()).size(), doc.packages.size()) << name;
      EXPECT_EQ(bom["dependencies"].size(), doc.packages.size() + 1) << name;
      auto violations = schema_violations(bom, cyclonedx_schema(to_string(version)));
      if (violations.size() > 5) violations.resize(5);
      EXPECT_EQ(violations, std::vector<std::string>{}) << name << " " << to_string(version);
    }
  }
}

}  // namespace
}  // namespace purser::formats
