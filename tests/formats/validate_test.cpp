#include "formats/validate.hpp"

// Must match formats/validate.cpp: valijson's error handling is chosen per translation unit.
#define VALIJSON_USE_EXCEPTIONS 1

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

using nlohmann::json;
using purser::formats::validate_sbom;
using purser::formats::ValidationReport;
using purser::util::ErrorCode;

namespace {

const std::string k_sha512(128, 'a');
const std::string k_sha1(40, 'b');

// What a report says, one "pointer: message" line per violation.
std::vector<std::string> violations(const std::string& text) {
  auto r = validate_sbom(text, "sbom.json");
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  if (!r.ok()) return {"<error>"};
  std::vector<std::string> out;
  for (const auto& v : r->violations) out.push_back(v.pointer + ": " + v.message);
  return out;
}
std::vector<std::string> violations(const json& doc) { return violations(doc.dump()); }

std::string error_of(const std::string& text, ErrorCode code) {
  auto r = validate_sbom(text, "sbom.json");
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().code, code);
  return r.error().to_string();
}

using List = std::vector<std::string>;

json cdx16() {
  return json::parse(R"({
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
    "version": 1,
    "metadata": {
      "timestamp": "2024-05-01T12:00:00Z",
      "tools": {"components": [{"type": "application", "name": "purser", "version": "0.1.0"}]},
      "component": {"type": "application", "name": "app", "version": "1.0.0",
                    "bom-ref": "pkg:npm/app@1.0.0", "purl": "pkg:npm/app@1.0.0"}
    },
    "components": [
      {"type": "library", "name": "lodash", "version": "4.17.21", "bom-ref": "pkg:npm/lodash@4.17.21",
       "purl": "pkg:npm/lodash@4.17.21", "scope": "required",
       "licenses": [{"license": {"id": "MIT"}}],
       "components": [{"type": "library", "name": "inner", "bom-ref": "inner"}]}
    ],
    "dependencies": [
      {"ref": "pkg:npm/app@1.0.0", "dependsOn": ["pkg:npm/lodash@4.17.21"]},
      {"ref": "pkg:npm/lodash@4.17.21", "dependsOn": ["inner"]},
      {"ref": "inner"}
    ]
  })");
}

json cdx(const char* version) {
  json d = cdx16();
  d["specVersion"] = version;
  d["components"][0]["hashes"] = json::array({{{"alg", "SHA-512"}, {"content", k_sha512}}});
  if (std::string(version) == "1.4")
    d["metadata"]["tools"] = json::array({{{"vendor", "purser"}, {"name", "purser"}, {"version", "0.1.0"}}});
  return d;
}

json spdx23() {
  json d = json::parse(R"({
    "spdxVersion": "SPDX-2.3",
    "dataLicense": "CC0-1.0",
    "SPDXID": "SPDXRef-DOCUMENT",
    "name": "app",
    "documentNamespace": "https://example.com/spdx/app-1.0.0-7d3c",
    "creationInfo": {"created": "2024-05-01T12:00:00Z",
                     "creators": ["Tool: purser-0.1.0", "Organization: Example"],
                     "licenseListVersion": "3.23"},
    "packages": [
      {"SPDXID": "SPDXRef-Package-app", "name": "app", "versionInfo": "1.0.0",
       "downloadLocation": "NOASSERTION", "filesAnalyzed": false, "primaryPackagePurpose": "APPLICATION",
       "licenseDeclared": "MIT OR LicenseRef-custom", "licenseConcluded": "NOASSERTION",
       "copyrightText": "NOASSERTION"},
      {"SPDXID": "SPDXRef-Package-lodash", "name": "lodash", "versionInfo": "4.17.21",
       "downloadLocation": "https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz", "filesAnalyzed": false,
       "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                         "referenceLocator": "pkg:npm/lodash@4.17.21"}],
       "licenseDeclared": "MIT", "licenseConcluded": "MIT", "copyrightText": "NOASSERTION",
       "supplier": "NOASSERTION"}
    ],
    "files": [
      {"SPDXID": "SPDXRef-File-index", "fileName": "./index.js", "fileTypes": ["SOURCE"],
       "licenseConcluded": "MIT"}
    ],
    "hasExtractedLicensingInfos": [{"licenseId": "LicenseRef-custom", "extractedText": "Custom terms.",
                                    "name": "Custom"}],
    "relationships": [
      {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
       "relatedSpdxElement": "SPDXRef-Package-app"},
      {"spdxElementId": "SPDXRef-Package-app", "relationshipType": "DEPENDS_ON",
       "relatedSpdxElement": "SPDXRef-Package-lodash"},
      {"spdxElementId": "SPDXRef-Package-app", "relationshipType": "CONTAINS",
       "relatedSpdxElement": "SPDXRef-File-index"}
    ]
  })");
  d["packages"][1]["checksums"] = json::array({{{"algorithm", "SHA512"}, {"checksumValue", k_sha512}}});
  d["files"][0]["checksums"] = json::array({{{"algorithm", "SHA1"}, {"checksumValue", k_sha1}}});
  return d;
}

}  // namespace

// ---------------------------------------------------------------- detection

TEST(ValidateDetect, NotJson) {
  EXPECT_EQ(error_of("{\n  \"a\": ,\n}", ErrorCode::parse),
            "sbom.json:2: invalid json: syntax error while parsing value - unexpected ','; expected '[', '{', or a "
            "literal");
  EXPECT_EQ(error_of("", ErrorCode::parse),
            "sbom.json:1: invalid json: syntax error while parsing value - unexpected end of input; expected '[', "
            "'{', or a literal");
  EXPECT_EQ(error_of(std::string("\x00\x01\x02", 3), ErrorCode::parse),
            "sbom.json:1: invalid json: syntax error while parsing value - unexpected end of input; expected '[', "
            "'{', or a literal");
}

TEST(ValidateDetect, DeepNestingIsRefusedBeforeParsing) {
  EXPECT_EQ(error_of(std::string(100000, '['), ErrorCode::parse),
            "sbom.json:1: invalid json: nesting deeper than 512 levels");
  EXPECT_EQ(error_of("{\"a\":\n" + std::string(600, '{'), ErrorCode::parse),
            "sbom.json:2: invalid json: nesting deeper than 512 levels");
  // Brackets inside strings do not count.
  std::string in_string = "{\"bomFormat\": \"x\", \"s\": \"" + std::string(1000, '[') + "\\\"\"}";
  EXPECT_EQ(error_of(in_string, ErrorCode::unsupported), "sbom.json: not a CycloneDX or SPDX JSON document");
}

TEST(ValidateDetect, UnknownFormats) {
  EXPECT_EQ(error_of("{\"a\": 1}", ErrorCode::unsupported), "sbom.json: not a CycloneDX or SPDX JSON document");
  EXPECT_EQ(error_of("[]", ErrorCode::unsupported), "sbom.json: not a CycloneDX or SPDX JSON document");
  EXPECT_EQ(error_of("{\"bomFormat\": \"SWID\"}", ErrorCode::unsupported),
            "sbom.json: not a CycloneDX or SPDX JSON document");
}

TEST(ValidateDetect, UnsupportedVersions) {
  for (const char* v : {"1.2", "1.3", "1.7"}) {
    json d = cdx16();
    d["specVersion"] = v;
    EXPECT_EQ(error_of(d.dump(), ErrorCode::unsupported),
              std::string("sbom.json: unsupported CycloneDX version ") + v + ": supported are 1.4, 1.5, 1.6");
  }
  json d = cdx16();
  d.erase("specVersion");
  EXPECT_EQ(error_of(d.dump(), ErrorCode::unsupported), "sbom.json: CycloneDX document without a specVersion string");
  json s = spdx23();
  s["spdxVersion"] = "SPDX-2.1";
  EXPECT_EQ(error_of(s.dump(), ErrorCode::unsupported),
            "sbom.json: unsupported SPDX version SPDX-2.1: supported are SPDX-2.2, SPDX-2.3");
}

// ---------------------------------------------------------------- CycloneDX

TEST(ValidateCycloneDx, ValidDocumentsOfEachVersion) {
  for (const char* v : {"1.4", "1.5", "1.6"}) {
    auto r = validate_sbom(cdx(v).dump(), "bom.json");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->format, std::string("CycloneDX ") + v);
    EXPECT_TRUE(r->ok()) << v << ": "
                         << (r->violations.empty() ? "" : r->violations[0].pointer + ": " + r->violations[0].message);
  }
}

TEST(ValidateCycloneDx, MissingRequiredProperty) {
  json d = cdx16();
  d["components"][0]["components"][0].erase("name");
  EXPECT_EQ(violations(d), List{"/components/0/components/0: missing required property 'name'"});
}

TEST(ValidateCycloneDx, WrongTypeAndEnum) {
  json d = cdx16();
  d["version"] = "1";
  d["components"][0]["type"] = "gadget";
  // valijson reports in schema order, not document order.
  EXPECT_EQ(violations(d), (List{"/components/0/type: 'gadget' is not one of the allowed values",
                                 "/version: wrong type: string is not allowed here"}));
}

TEST(ValidateCycloneDx, UnexpectedProperty) {
  json d = cdx16();
  d["components"][0]["colour"] = "blue";
  d["extra/key"] = 1;
  EXPECT_EQ(violations(d), (List{"/components/0/colour: unexpected property 'colour'",
                                 "/extra~1key: unexpected property 'extra/key'"}));
}

TEST(ValidateCycloneDx, PatternsAndFormats) {
  json d = cdx16();
  d["serialNumber"] = "urn:uuid:not-a-uuid";
  d["metadata"]["timestamp"] = "2024-02-30T12:00:00Z";
  EXPECT_EQ(violations(d), (List{"/metadata/timestamp: value is not an rfc 3339 date-time",
                                 "/serialNumber: value does not match pattern "
                                 "'^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'"}));
  d = cdx16();
  d["metadata"]["timestamp"] = 20240501;  // a number where a date-time string belongs must not throw
  EXPECT_EQ(violations(d), List{"/metadata/timestamp: wrong type: integer is not allowed here"});
}

TEST(ValidateCycloneDx, HugeStringsDoNotOverflowTheRegexEngine) {
  json d = cdx("1.6");
  d["components"][0]["hashes"][0]["content"] = std::string(2'000'000, 'a');
  d["metadata"]["timestamp"] = std::string(2'000'000, '1');
  d["components"][0]["description"] = std::string(2'000'000, 'x');
  EXPECT_EQ(violations(d),
            (List{"/components/0/hashes/0/content: value does not match pattern "
                  "'^([a-fA-F0-9]{32}|[a-fA-F0-9]{40}|[a-fA-F0-9]{64}|[a-fA-F0-9]{96}|[a-fA-F0-9]{128})$'",
                  "/metadata/timestamp: value is not an rfc 3339 date-time"}));
}

TEST(ValidateCycloneDx, LicenseChoice) {
  json d = cdx16();
  d["components"][0]["licenses"] = json::array({{{"license", {{"url", "https://example.com"}}}}});
  // Both oneOf branches' reasons are kept: they say what would make the value valid.
  EXPECT_EQ(violations(d), (List{"/components/0/licenses/0/license: missing required property 'id'",
                                 "/components/0/licenses/0/license: missing required property 'name'",
                                 "/components/0/licenses/0/license: value matches none of the allowed alternatives",
                                 "/components/0/licenses/0/license: unexpected property 'license'",
                                 "/components/0/licenses/0: missing required property 'expression'",
                                 "/components/0/licenses: value matches none of the allowed alternatives"}));
}

TEST(ValidateCycloneDx, BomRefsAndDependencies) {
  json d = cdx16();
  d["components"][0]["components"][0]["bom-ref"] = "pkg:npm/lodash@4.17.21";
  d["dependencies"][1]["dependsOn"] = json::array({"pkg:npm/missing@1"});
  d["dependencies"][2]["ref"] = "nowhere";
  EXPECT_EQ(violations(d),
            (List{"/components/0/components/0/bom-ref: duplicate bom-ref 'pkg:npm/lodash@4.17.21' (first at "
                  "/components/0/bom-ref)",
                  "/dependencies/1/dependsOn/0: ref 'pkg:npm/missing@1' does not name a component or service bom-ref",
                  "/dependencies/2/ref: ref 'nowhere' does not name a component or service bom-ref"}));
}

TEST(ValidateCycloneDx, DeepButAllowedNesting) {
  json d = cdx16();
  json* cur = &d["components"][0]["components"][0];
  for (int i = 0; i < 250; ++i) {
    (*cur)["components"] = json::array({{{"type", "library"}, {"name", "n" + std::to_string(i)}}});
    cur = &(*cur)["components"][0];
  }
  (*cur)["type"] = "gizmo";
  auto v = violations(d);
  ASSERT_EQ(v.size(), 1u);
  std::string expected = "/components/0/components/0";
  for (int i = 0; i < 250; ++i) expected += "/components/0";
  EXPECT_EQ(v[0], expected + "/type: 'gizmo' is not one of the allowed values");
}

// ---------------------------------------------------------------- SPDX

TEST(ValidateSpdx, ValidDocument) {
  auto r = validate_sbom(spdx23().dump(), "sbom.spdx.json");
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  EXPECT_EQ(r->format, "SPDX 2.3");
  EXPECT_EQ(violations(spdx23()), List{});
}

TEST(ValidateSpdx, DocumentFields) {
  json d = spdx23();
  d.erase("name");
  d["dataLicense"] = "MIT";
  d["SPDXID"] = "SPDXRef-DOC";
  d["documentNamespace"] = "https://example.com/spdx#frag";
  d["$schema"] = "x";
  EXPECT_EQ(violations(d), (List{": missing required property 'name'", "/$schema: unexpected property '$schema'",
                                 "/dataLicense: dataLicense must be CC0-1.0, found 'MIT'",
                                 "/SPDXID: document SPDXID must be SPDXRef-DOCUMENT, found 'SPDXRef-DOC'",
                                 "/documentNamespace: documentNamespace must not contain '#'"}));
  d = spdx23();
  d["documentNamespace"] = "example.com/spdx";
  EXPECT_EQ(violations(d),
            List{"/documentNamespace: documentNamespace must be an absolute URI, found 'example.com/spdx'"});
}

TEST(ValidateSpdx, CreationInfo) {
  json d = spdx23();
  d["creationInfo"]["created"] = "2024-05-01 12:00";
  d["creationInfo"]["creators"] = json::array({"purser", "Tool: ", "Person: Jane"});
  d["creationInfo"]["licenseListVersion"] = "v3";
  EXPECT_EQ(violations(d),
            (List{"/creationInfo/created: '2024-05-01 12:00' is not a date-time (YYYY-MM-DDThh:mm:ssZ)",
                  "/creationInfo/creators/0: creator 'purser' must start with 'Tool: ', 'Organization: ' or 'Person: '",
                  "/creationInfo/creators/1: creator 'Tool: ' must start with 'Tool: ', 'Organization: ' or 'Person: '",
                  "/creationInfo/licenseListVersion: licenseListVersion must look like 3.21"}));
  d = spdx23();
  d["creationInfo"]["creators"] = json::array();
  d["creationInfo"].erase("created");
  EXPECT_EQ(violations(d), (List{"/creationInfo: missing required property 'created'",
                                 "/creationInfo/creators: creators must not be empty"}));
}

TEST(ValidateSpdx, PackageFields) {
  json d = spdx23();
  json& p = d["packages"][1];
  p["SPDXID"] = "SPDXRef-lodash_4";
  p["downloadLocation"] = "registry.npmjs.org/lodash";
  p["filesAnalyzed"] = "no";
  p["primaryPackagePurpose"] = "PLUGIN";
  p["supplier"] = "npm";
  p["colour"] = "blue";
  p.erase("name");
  EXPECT_EQ(violations(d),
            (List{"/packages/1/SPDXID: 'SPDXRef-lodash_4' is not an SPDXRef-[idstring]",
                  "/packages/1: missing required property 'name'", "/packages/1/colour: unexpected property 'colour'",
                  "/packages/1/filesAnalyzed: expected true or false",
                  "/packages/1/downloadLocation: downloadLocation must be NONE, NOASSERTION or a URL, found "
                  "'registry.npmjs.org/lodash'",
                  "/packages/1/supplier: supplier must be NOASSERTION or start with 'Person: ' or 'Organization: '",
                  "/packages/1/primaryPackagePurpose: 'PLUGIN' is not a primaryPackagePurpose",
                  "/relationships/1/relatedSpdxElement: 'SPDXRef-Package-lodash' is not an element declared in "
                  "this document"}));
}

TEST(ValidateSpdx, DownloadLocations) {
  for (const char* ok : {"NONE", "NOASSERTION", "https://example.com/a.tgz", "git+https://github.com/a/b.git@v1",
                         "git+git@github.com:a/b.git", "svn+ssh://svn.example.com/repo#sub"}) {
    json d = spdx23();
    d["packages"][0]["downloadLocation"] = ok;
    EXPECT_EQ(violations(d), List{}) << ok;
  }
  for (const char* bad : {"", "none", "https://", "https://a b", "git+git@github.com"}) {
    json d = spdx23();
    d["packages"][0]["downloadLocation"] = bad;
    EXPECT_EQ(violations(d).size(), 1u) << bad;
  }
}

TEST(ValidateSpdx, FilesAnalyzedFalseForbidsVerificationCodeAndFiles) {
  json d = spdx23();
  d["packages"][0]["packageVerificationCode"] = {{"packageVerificationCodeValue", k_sha1}};
  d["packages"][0]["hasFiles"] = json::array({"SPDXRef-File-index"});
  EXPECT_EQ(violations(d),
            (List{"/packages/0/packageVerificationCode: packageVerificationCode must be omitted when filesAnalyzed "
                  "is false",
                  "/packages/0/hasFiles: a package with filesAnalyzed false must not contain files"}));
  d["packages"][0]["filesAnalyzed"] = true;
  d["packages"][0]["packageVerificationCode"]["packageVerificationCodeValue"] = "abc";
  d["packages"][0]["hasFiles"] = json::array({"SPDXRef-File-index", "SPDXRef-File-gone"});
  EXPECT_EQ(violations(d),
            (List{"/packages/0/packageVerificationCode/packageVerificationCodeValue: packageVerificationCodeValue "
                  "must be 40 hex digits",
                  "/packages/0/hasFiles/1: 'SPDXRef-File-gone' is not a file declared in this document"}));
}

TEST(ValidateSpdx, Checksums) {
  json d = spdx23();
  d["packages"][1]["checksums"] = json::array({{{"algorithm", "SHA256"}, {"checksumValue", "abc"}},
                                               {{"algorithm", "SHA-256"}, {"checksumValue", std::string(64, 'a')}},
                                               {{"algorithm", "MD5"}, {"checksumValue", std::string(32, 'g')}},
                                               {{"algorithm", "BLAKE3"}, {"checksumValue", std::string(64, 'c')}},
                                               {{"algorithm", "SHA1"}}});
  d["files"][0]["checksums"] = json::array({{{"algorithm", "SHA256"}, {"checksumValue", std::string(64, 'a')}}});
  EXPECT_EQ(violations(d),
            (List{"/packages/1/checksums/0/checksumValue: checksumValue must be 64 hex digits for SHA256",
                  "/packages/1/checksums/1/algorithm: 'SHA-256' is not an SPDX checksum algorithm",
                  "/packages/1/checksums/2/checksumValue: checksumValue must be 32 hex digits for MD5",
                  "/packages/1/checksums/4: missing required property 'checksumValue'",
                  "/files/0/checksums: checksums must include SHA1"}));
}

TEST(ValidateSpdx, ExternalRefs) {
  json d = spdx23();
  d["packages"][1]["externalRefs"] = json::array({
      {{"referenceCategory", "PACKAGE_MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", "pkg:npm/a@1"}},
      {{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", "npm/a@1"}},
      {{"referenceCategory", "SECURITY"}, {"referenceType", "cpe23Type"}, {"referenceLocator", "cpe:/a:x:y"}},
      {{"referenceCategory", "SECURITY"}, {"referenceType", "purl"}, {"referenceLocator", "pkg:npm/a@1"}},
      {{"referenceCategory", "VCS"}, {"referenceType", "git"}, {"referenceLocator", "x"}},
      {{"referenceCategory", "OTHER"}, {"referenceType", "anything"}, {"referenceLocator", "a b"}},
      {{"referenceCategory", "PERSISTENT-ID"},
       {"referenceType", "swh"},
       {"referenceLocator", "swh:1:cnt:94a9ed024d3859793618152ea559a168bbcbb5e2"}},
  });
  EXPECT_EQ(violations(d),
            (List{"/packages/1/externalRefs/0/referenceCategory: 'PACKAGE_MANAGER' is the SPDX 2.2 spelling; SPDX 2.3 "
                  "uses 'PACKAGE-MANAGER'",
                  "/packages/1/externalRefs/1/referenceLocator: invalid purl: missing pkg: scheme",
                  "/packages/1/externalRefs/2/referenceLocator: cpe23Type locator must start with 'cpe:2.3:'",
                  "/packages/1/externalRefs/3/referenceType: 'purl' is not a referenceType of category SECURITY",
                  "/packages/1/externalRefs/4/referenceCategory: 'VCS' is not a referenceCategory",
                  "/packages/1/externalRefs/5/referenceLocator: referenceLocator must be non-empty and contain no "
                  "spaces"}));
}

TEST(ValidateSpdx, Licenses) {
  json d = spdx23();
  d["packages"][0]["licenseDeclared"] = "MIT OR";
  d["packages"][0]["licenseConcluded"] = "LicenseRef-undeclared AND Apache-2.0";
  d["packages"][1]["licenseDeclared"] = "Made-Up-License";
  d["packages"][1]["licenseConcluded"] = "mit";  // case-insensitive ids are fine
  d["files"][0]["licenseInfoInFiles"] = json::array({"NONE", "DocumentRef-other:LicenseRef-x"});
  d["hasExtractedLicensingInfos"].push_back({{"licenseId", "custom"}, {"extractedText", "x"}});
  d["hasExtractedLicensingInfos"].push_back({{"licenseId", "LicenseRef-custom"}, {"extractedText", "x"}});
  EXPECT_EQ(violations(d),
            (List{"/hasExtractedLicensingInfos/1/licenseId: 'custom' is not a LicenseRef-[idstring]",
                  "/hasExtractedLicensingInfos/2/licenseId: duplicate licenseId 'LicenseRef-custom'",
                  "/packages/0/licenseConcluded: LicenseRef-undeclared is not declared in hasExtractedLicensingInfos",
                  "/packages/0/licenseDeclared: invalid license expression: expected a license id at end of "
                  "expression",
                  "/packages/1/licenseDeclared: unknown license id 'Made-Up-License'",
                  "/files/0/licenseInfoInFiles/1: DocumentRef-other is not declared in externalDocumentRefs"}));
}

TEST(ValidateSpdx, UniqueIdsAndRelationships) {
  json d = spdx23();
  d["files"][0]["SPDXID"] = "SPDXRef-Package-app";
  d["relationships"][1]["relationshipType"] = "USES";
  d["relationships"][1]["spdxElementId"] = "SPDXRef-ghost";
  d["relationships"].push_back({{"spdxElementId", "DocumentRef-ext:SPDXRef-x"},
                                {"relationshipType", "OTHER"},
                                {"relatedSpdxElement", "NOASSERTION"}});
  d["relationships"].push_back({{"spdxElementId", "SPDXRef-Package-app"}, {"relationshipType", "OTHER"}});
  EXPECT_EQ(violations(d),
            (List{"/files/0/SPDXID: duplicate SPDXID 'SPDXRef-Package-app'",
                  "/relationships/1/spdxElementId: 'SPDXRef-ghost' is not an element declared in this document",
                  "/relationships/1/relationshipType: 'USES' is not a relationshipType",
                  "/relationships/2/relatedSpdxElement: 'SPDXRef-File-index' is not an element declared in this "
                  "document",
                  "/relationships/3/spdxElementId: 'DocumentRef-ext:SPDXRef-x' is not an element declared in this "
                  "document",
                  "/relationships/4: missing required property 'relatedSpdxElement'"}));
  // Declaring the external document makes its elements referable.
  d = spdx23();
  d["externalDocumentRefs"] = json::array({{{"externalDocumentId", "DocumentRef-ext"},
                                            {"spdxDocument", "https://example.com/other"},
                                            {"checksum", {{"algorithm", "SHA1"}, {"checksumValue", k_sha1}}}}});
  d["relationships"].push_back(
      {{"spdxElementId", "DocumentRef-ext:SPDXRef-x"}, {"relationshipType", "OTHER"}, {"relatedSpdxElement", "NONE"}});
  EXPECT_EQ(violations(d), List{});
}

TEST(ValidateSpdx, MustDescribeSomething) {
  json d = spdx23();
  d["relationships"].erase(0);
  EXPECT_EQ(violations(d),
            List{": the document describes nothing: add a DESCRIBES relationship from SPDXRef-DOCUMENT or "
                 "documentDescribes"});
  d["documentDescribes"] = json::array({"SPDXRef-Package-app"});
  EXPECT_EQ(violations(d), List{});
  d["documentDescribes"] = json::array({"SPDXRef-nothing"});
  EXPECT_EQ(violations(d), List{"/documentDescribes/0: 'SPDXRef-nothing' is not an element declared in this document"});
}

TEST(ValidateSpdx, WrongTypesDoNotThrow) {
  json d = spdx23();
  d["packages"] = json::array({"not an object", 5});
  d["creationInfo"] = "yesterday";
  d["relationships"] = json::object();
  EXPECT_EQ(violations(d), (List{"/creationInfo: expected an object", "/packages: expected an array of objects",
                                 "/relationships: expected an array of objects",
                                 ": the document describes nothing: add a DESCRIBES relationship from "
                                 "SPDXRef-DOCUMENT or documentDescribes"}));
}

TEST(ValidateSpdx, Spdx22Rules) {
  json d = spdx23();
  d["spdxVersion"] = "SPDX-2.2";
  d["packages"][0].erase("primaryPackagePurpose");
  auto r = validate_sbom(d.dump(), "sbom.json");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->format, "SPDX 2.2");
  EXPECT_EQ(violations(d), (List{"/files/0: missing required property 'licenseInfoInFiles'",
                                 "/files/0: missing required property 'copyrightText'"}));
  d["packages"][1]["primaryPackagePurpose"] = "LIBRARY";
  d["packages"][1].erase("copyrightText");
  d["packages"][1]["filesAnalyzed"] = true;
  d["files"][0]["copyrightText"] = "NOASSERTION";
  d["files"][0]["licenseInfoInFiles"] = json::array({"MIT"});
  EXPECT_EQ(violations(d),
            (List{"/packages/1: missing required property 'copyrightText'",
                  "/packages/1/primaryPackagePurpose: unexpected property 'primaryPackagePurpose' (added in SPDX 2.3)",
                  "/packages/1: missing required property 'packageVerificationCode' (filesAnalyzed is true)"}));
}

// ---------------------------------------------------------------- agreement with the official SPDX schema

TEST(ValidateSpdx, AgreesWithOfficialSchemaOnSamples) {
  std::filesystem::path schema_path = std::filesystem::path(PURSER_SHARED_DIR) / "schemas" / "spdx-schema-2.3.json";
  if (!std::filesystem::exists(schema_path)) GTEST_SKIP() << "no " << schema_path;
  std::ifstream in(schema_path);
  std::stringstream text;
  text << in.rdbuf();
  json schema_doc = json::parse(text.str());
  valijson::Schema schema;
  valijson::SchemaParser parser;
  valijson::adapters::NlohmannJsonAdapter schema_adapter(schema_doc);
  parser.populateSchema(schema_adapter, schema);

  auto schema_accepts = [&](const json& doc) {
    valijson::Validator validator;
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    return validator.validate(schema, adapter, nullptr);
  };

  struct Sample {
    const char* what;
    json doc;
    bool valid;
  };
  std::vector<Sample> samples;
  samples.push_back({"valid", spdx23(), true});
  {
    json d = spdx23();
    d.erase("files");
    d["relationships"].erase(2);
    samples.push_back({"valid without files", d, true});
  }
  {
    json d = spdx23();
    d["packages"][0].erase("name");
    samples.push_back({"package without name", d, false});
  }
  {
    json d = spdx23();
    d["relationships"][1]["relationshipType"] = "USES";
    samples.push_back({"bad relationship type", d, false});
  }
  {
    json d = spdx23();
    d["$schema"] = "https://example.com/schema.json";
    samples.push_back({"additional top-level property", d, false});
  }
  {
    json d = spdx23();
    d["packages"][1]["checksums"][0]["algorithm"] = "SHA-512";
    samples.push_back({"bad checksum algorithm", d, false});
  }
  {
    json d = spdx23();
    d["creationInfo"].erase("creators");
    samples.push_back({"no creators", d, false});
  }
  {
    json d = spdx23();
    d["packages"][1]["externalRefs"][0]["referenceCategory"] = "PACKAGE";
    samples.push_back({"bad reference category", d, false});
  }
  {
    json d = spdx23();
    d["packages"][0]["primaryPackagePurpose"] = "PLUGIN";
    samples.push_back({"bad purpose", d, false});
  }
  {
    json d = spdx23();
    d["files"][0]["fileTypes"] = json::array({"SCRIPT"});
    samples.push_back({"bad file type", d, false});
  }
  for (const auto& s : samples) {
    auto ours = validate_sbom(s.doc.dump(), "sbom.json");
    ASSERT_TRUE(ours.ok()) << s.what;
    EXPECT_EQ(ours->ok(), s.valid) << s.what;
    EXPECT_EQ(schema_accepts(s.doc), s.valid) << s.what;
  }
}
