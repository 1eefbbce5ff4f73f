#include "signing/predicate.hpp"

#include <gtest/gtest.h>

#include <string>

#include "signing/provenance.hpp"

namespace purser::signing {
namespace {

using util::ErrorCode;

const std::string k_cdx = R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"a"}]})";
const std::string k_spdx = R"({"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","packages":[]})";
const std::string k_vex = R"({"@context":"https://openvex.dev/ns/v0.2.0","@id":"x","statements":[]})";
const std::string k_slsa =
    R"({"buildDefinition":{"buildType":"https://x.dev/b","externalParameters":{}},"runDetails":{"builder":{"id":"https://x.dev/builder"}}})";

std::string check_error(std::string_view type, std::string_view json, ErrorCode code = ErrorCode::usage) {
  util::Status status = check_predicate(type, json, "p.json");
  if (status.ok()) return "ok";
  EXPECT_EQ(status.error().code, code) << status.error().to_string();
  return status.error().to_string();
}

TEST(Predicate, KnownKinds) {
  const auto& kinds = predicate_kinds();
  ASSERT_EQ(kinds.size(), 4u);
  EXPECT_EQ(kinds[0].name, "cyclonedx");
  EXPECT_EQ(kinds[0].uri, "https://cyclonedx.org/bom");
  EXPECT_EQ(kinds[1].name, "spdx");
  EXPECT_EQ(kinds[1].uri, "https://spdx.dev/Document");
  EXPECT_EQ(kinds[2].name, "slsa-provenance");
  EXPECT_EQ(kinds[2].uri, "https://slsa.dev/provenance/v1");
  EXPECT_EQ(kinds[3].name, "openvex");
  EXPECT_EQ(kinds[3].uri, "https://openvex.dev/ns/v0.2.0");
}

TEST(Predicate, TypeUri) {
  EXPECT_EQ(*predicate_type_uri("cyclonedx"), "https://cyclonedx.org/bom");
  EXPECT_EQ(*predicate_type_uri("CycloneDX"), "https://cyclonedx.org/bom");
  EXPECT_EQ(*predicate_type_uri("spdx"), "https://spdx.dev/Document");
  EXPECT_EQ(*predicate_type_uri("slsa-provenance"), "https://slsa.dev/provenance/v1");
  EXPECT_EQ(*predicate_type_uri("openvex"), "https://openvex.dev/ns/v0.2.0");
  EXPECT_EQ(*predicate_type_uri("https://example.com/attestation/v1"), "https://example.com/attestation/v1");
  EXPECT_EQ(*predicate_type_uri("urn:example:thing"), "urn:example:thing");
  for (const char* bad : {"sbom", "", ":x", "https:", "1http://x", "has space:x", "https://a b"}) {
    auto r = predicate_type_uri(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, ErrorCode::usage);
  }
  EXPECT_EQ(predicate_type_uri("sbom").error().to_string(),
            "unknown predicate type \"sbom\": use cyclonedx, spdx, slsa-provenance, openvex or an absolute URI");
}

TEST(Predicate, MatchingShapesPass) {
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", k_cdx), "ok");
  EXPECT_EQ(check_error("https://cyclonedx.org/bom/v1.6", k_cdx), "ok");
  EXPECT_EQ(check_error("https://spdx.dev/Document", k_spdx), "ok");
  EXPECT_EQ(check_error("https://spdx.dev/Document", R"({"spdxVersion":"SPDX-2.2"})"), "ok");
  EXPECT_EQ(check_error("https://openvex.dev/ns/v0.2.0", k_vex), "ok");
  EXPECT_EQ(check_error("https://slsa.dev/provenance/v1", k_slsa), "ok");
  EXPECT_EQ(check_error("https://example.com/anything", "{}"), "ok");
  EXPECT_EQ(check_error("https://example.com/anything", k_spdx), "ok");
}

TEST(Predicate, MislabelledPredicatesAreRefused) {
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", k_spdx), "p.json: predicate is an SPDX document, not cyclonedx");
  EXPECT_EQ(check_error("https://spdx.dev/Document", k_cdx), "p.json: predicate is a CycloneDX document, not spdx");
  EXPECT_EQ(check_error("https://openvex.dev/ns/v0.2.0", k_cdx),
            "p.json: predicate is a CycloneDX document, not openvex");
  EXPECT_EQ(check_error("https://slsa.dev/provenance/v1", k_vex),
            "p.json: predicate is an OpenVEX document, not slsa-provenance");
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", k_slsa),
            "p.json: predicate is a SLSA provenance predicate, not cyclonedx");
}

TEST(Predicate, UnrecognisedShapesAreRefusedWithTheMissingField) {
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", "{}"),
            "p.json: predicate is not a CycloneDX document: bomFormat is not \"CycloneDX\"");
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", R"({"bomFormat":5})"),
            "p.json: predicate is not a CycloneDX document: bomFormat is not \"CycloneDX\"");
  EXPECT_EQ(check_error("https://spdx.dev/Document", "{}"),
            "p.json: predicate is not an SPDX document: no spdxVersion");
  EXPECT_EQ(check_error("https://spdx.dev/Document", R"({"spdxVersion":"SPDX-3.0"})"),
            "p.json: predicate is not an SPDX 2.x document: spdxVersion is \"SPDX-3.0\"");
  EXPECT_EQ(check_error("https://slsa.dev/provenance/v1", R"({"buildType":"x","builder":{"id":"y"}})"),
            "p.json: predicate is not a SLSA provenance v1 predicate: no buildDefinition.buildType");
  EXPECT_EQ(check_error("https://slsa.dev/provenance/v1", R"({"buildDefinition":{"buildType":"x"},"runDetails":{}})"),
            "p.json: predicate is not a SLSA provenance v1 predicate: no runDetails.builder.id");
  EXPECT_EQ(check_error("https://openvex.dev/ns/v0.2.0", R"({"@context":"https://example.com"})"),
            "p.json: predicate is not an OpenVEX document: @context is not under https://openvex.dev/ns");
}

TEST(Predicate, NotAnObjectOrNotJson) {
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", "[]", ErrorCode::parse),
            "p.json@0: predicate: expected a JSON object, got an array");
  EXPECT_EQ(check_error("https://example.com/x", "", ErrorCode::parse),
            "p.json@0: invalid json: unexpected end of input, expected a JSON object");
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", "{\n  \"bomFormat\": \"CycloneDX\",\n  \"x\": [1,,2]\n}\n",
                        ErrorCode::parse),
            "p.json:3: invalid json: unexpected ',', expected a value");
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", k_cdx + "}", ErrorCode::parse),
            "p.json@73: invalid json: unexpected '}', expected end of input");
  EXPECT_EQ(check_error("https://cyclonedx.org/bom", R"({"bomFormat":"CycloneDX","bomFormat":"x"})", ErrorCode::parse),
            "p.json@25: invalid json: duplicate member \"bomFormat\"");
}

// What `purser provenance` writes is accepted as slsa-provenance.
TEST(Predicate, ProvenanceOutputIsSlsaV1) {
  EXPECT_EQ(check_error("https://slsa.dev/provenance/v1", make_provenance(provenance_from_environment({}))), "ok");
}

}  // namespace
}  // namespace purser::signing
