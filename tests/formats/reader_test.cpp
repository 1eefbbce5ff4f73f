#include "formats/reader.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/reader_common.hpp"
#include "formats/validate.hpp"
#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/model/purl.hpp"
#include "tests/formats/writer_test_support.hpp"

namespace purser::formats {
namespace {

using nlohmann::json;
using testing::read_file;
using testing::sample_document;

std::string fixture(const std::string& name) {
  return read_file(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "sboms" / name);
}

std::string golden(const std::string& name) {
  return read_file(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "golden" / name);
}

// One line per fact, only the fields that are set, so a failing comparison reads like a diff.
std::string describe_package(const char* what, const model::Package& p) {
  std::string out = std::string(what) + " " + p.ref() + " name=" + p.name;
  if (!p.version.empty()) out += " version=" + p.version;
  if (!p.ecosystem.empty()) out += " ecosystem=" + p.ecosystem;
  if (p.type != model::ComponentType::library) out += std::string(" type=") + model::to_string(p.type);
  if (p.scope != model::Scope::required) out += std::string(" scope=") + model::to_string(p.scope);
  if (!p.license.empty()) out += " license=" + p.license;
  if (!p.supplier.empty()) out += " supplier=" + p.supplier;
  if (!p.download_url.empty()) out += " download=" + p.download_url;
  for (const auto& h : p.hashes) out += " hash=" + h.algorithm + ":" + h.value;
  for (const auto& prop : p.properties) out += " prop=" + prop.name + "=" + prop.value;
  for (const auto& loc : p.locations) out += " at=" + loc.to_string();
  if (!p.found_by.empty()) out += " found_by=" + p.found_by;
  return out + "\n";
}

std::string describe(const model::Document& doc) {
  std::string out;
  const model::Metadata& md = doc.metadata;
  out += "meta tool=" + md.tool_name + " version=" + md.tool_version + " time=" + std::to_string(md.timestamp);
  if (!md.source_target.empty()) out += " target=" + md.source_target;
  for (const auto& a : md.authors) out += " author=" + a;
  out += "\n";
  out += describe_package("root", doc.root);
  for (const auto& p : doc.packages) out += describe_package("pkg", p);
  for (const auto& r : doc.relationships)
    out += "edge " + r.from + (r.kind == model::RelationshipKind::contains ? " contains " : " -> ") + r.to + "\n";
  return out;
}

std::vector<std::string> diagnostics(const model::Document& doc) {
  std::vector<std::string> out;
  for (const auto& d : doc.diagnostics) out.push_back(d.to_string());
  return out;
}

ReadSbom read_ok(std::string_view bytes, const std::string& path) {
  auto r = read_sbom(bytes, path);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  if (!r.ok()) return {};
  return std::move(r).value();
}

// The model fields every writer carries, for round-trip comparisons.
void expect_same_packages(const model::Document& expected, const model::Document& actual, bool contains_as_depends) {
  ASSERT_EQ(expected.packages.size(), actual.packages.size());
  for (std::size_t i = 0; i < expected.packages.size(); ++i) {
    const model::Package& e = expected.packages[i];
    const model::Package& a = actual.packages[i];
    SCOPED_TRACE(e.ref());
    EXPECT_EQ(e.name, a.name);
    EXPECT_EQ(e.version, a.version);
    EXPECT_EQ(e.purl, a.purl);
    EXPECT_EQ(e.ecosystem, a.ecosystem);
    EXPECT_EQ(e.type, a.type);
    EXPECT_EQ(e.scope, a.scope);
    EXPECT_EQ(e.hashes, a.hashes);
    EXPECT_EQ(e.supplier, a.supplier);
    EXPECT_EQ(e.properties, a.properties);
    EXPECT_EQ(e.locations, a.locations);
    EXPECT_EQ(e.found_by, a.found_by);
  }
  std::vector<model::Relationship> edges = expected.relationships;
  if (contains_as_depends) {
    for (auto& r : edges) r.kind = model::RelationshipKind::depends_on;
    std::sort(edges.begin(), edges.end());
  }
  EXPECT_EQ(edges, actual.relationships);
  EXPECT_EQ(expected.root.ref(), actual.root.ref());
  EXPECT_EQ(expected.root.name, actual.root.name);
  EXPECT_EQ(expected.root.type, actual.root.type);
}

// The sample's licences as both writers spell them: "mit" is canonicalised to "MIT", the rest is kept.
std::vector<std::pair<std::string, std::string>> licenses(const model::Document& doc) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& p : doc.packages) out.emplace_back(p.ref(), p.license);
  return out;
}

model::Document sample_with_supplier_and_authors() {
  model::Document doc = sample_document();
  doc.metadata.authors = {"Jane Doe", "Build Team"};
  doc.root.supplier = "Example Corp";
  for (auto& p : doc.packages)
    if (p.name == "serde") p.supplier = "The Serde Developers";
  return doc;
}

}  // namespace

// --- writers: supplier and authors -------------------------------------------------------------------------------

TEST(WriteSupplierAuthors, CycloneDxWritesThemInEveryVersionAndStaysValid) {
  for (CycloneDxVersion v : {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6}) {
    SCOPED_TRACE(to_string(v));
    json bom = json::parse(write_cyclonedx_json(sample_with_supplier_and_authors(), v));
    EXPECT_EQ(bom["metadata"]["authors"], json::parse(R"([{"name": "Jane Doe"}, {"name": "Build Team"}])"));
    EXPECT_EQ(bom["metadata"]["component"]["supplier"], json::parse(R"({"name": "Example Corp"})"));
    int with_supplier = 0;
    for (const auto& c : bom["components"]) {
      if (!c.contains("supplier")) continue;
      ++with_supplier;
      EXPECT_EQ(c["name"], "serde");
      EXPECT_EQ(c["supplier"], json::parse(R"({"name": "The Serde Developers"})"));
    }
    EXPECT_EQ(with_supplier, 1);
    EXPECT_EQ(testing::schema_violations(bom, testing::cyclonedx_schema(to_string(v))), std::vector<std::string>{});
  }
}

TEST(WriteSupplierAuthors, CycloneDxOmitsThemWhenUnknown) {
  std::string out = write_cyclonedx_json(sample_document(), CycloneDxVersion::v1_6);
  EXPECT_EQ(out.find("\"supplier\""), std::string::npos);
  EXPECT_EQ(out.find("\"authors\""), std::string::npos);
}

TEST(WriteSupplierAuthors, SpdxWritesOrganizationSupplierAndPersonCreators) {
  std::string out = write_spdx_json(sample_with_supplier_and_authors());
  json doc = json::parse(out);
  EXPECT_EQ(doc["creationInfo"]["creators"],
            json::parse(R"(["Tool: purser-0.1.0", "Person: Jane Doe", "Person: Build Team"])"));
  std::vector<std::string> suppliers;
  for (const auto& p : doc["packages"])
    if (p.contains("supplier"))
      suppliers.push_back(p["name"].get<std::string>() + "=" + p["supplier"].get<std::string>());
  std::sort(suppliers.begin(), suppliers.end());
  EXPECT_EQ(suppliers, (std::vector<std::string>{"demo-app=Organization: Example Corp",
                                                 "serde=Organization: The Serde Developers"}));
  auto report = validate_sbom(out, "out.spdx.json");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_TRUE(report->ok());
  if (std::filesystem::exists(testing::spdx_schema())) {
    EXPECT_EQ(testing::schema_violations(doc, testing::spdx_schema()), std::vector<std::string>{});
  }
  EXPECT_EQ(write_spdx_json(sample_document()).find("\"supplier\""), std::string::npos);
}

// --- round trips through our own writers -------------------------------------------------------------------------

const std::vector<std::pair<std::string, std::string>> k_sample_licenses = {
    {"pkg:cargo/odd-crate@0.3.0", "Apache-2.0 AND Frobnicate-1.0"},
    {"pkg:cargo/serde@1.0.195", "MIT OR Apache-2.0"},
    {"pkg:golang/github.com/pkg/errors@v0.9.1", "BSD-2-Clause"},
    {"pkg:npm/%40types/node@20.11.5", "MIT"},
    {"pkg:npm/jest@29.7.0", "MIT"},
    {"pkg:pypi/internal-lib@2.0", "Custom Thing"},
    {"pkg:pypi/requests", ""},
};

TEST(ReadSbom, CycloneDxFromOurWriterRoundTripsInEveryVersion) {
  model::Document doc = sample_with_supplier_and_authors();
  for (CycloneDxVersion v : {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6}) {
    SCOPED_TRACE(to_string(v));
    ReadSbom r = read_ok(write_cyclonedx_json(doc, v), "sample.cdx.json");
    EXPECT_EQ(r.format, SbomFormat::cyclonedx_json);
    EXPECT_EQ(r.spec_version, to_string(v));
    // CycloneDX has no containment edge between top-level components: the writer says dependsOn.
    expect_same_packages(doc, r.document, true);
    EXPECT_EQ(licenses(r.document), k_sample_licenses);
    for (std::size_t i = 0; i < doc.packages.size(); ++i)
      EXPECT_EQ(doc.packages[i].download_url, r.document.packages[i].download_url);
    EXPECT_EQ(r.document.root.supplier, "Example Corp");
    EXPECT_EQ(r.document.metadata.timestamp, 1704164645);
    EXPECT_EQ(r.document.metadata.tool_name, "purser");
    EXPECT_EQ(r.document.metadata.tool_version, "0.1.0");
    EXPECT_EQ(r.document.metadata.source_target, "dir:examples/app");
    EXPECT_EQ(r.document.metadata.authors, (std::vector<std::string>{"Jane Doe", "Build Team"}));
    // Requests is unpinned in the sample: the only finding.
    auto found = diagnostics(r.document);
    ASSERT_EQ(found.size(), 1u);
    EXPECT_NE(found[0].find(": /components/6/version: missing for \"Requests\""), std::string::npos) << found[0];
  }
}

TEST(ReadSbom, SpdxFromOurWriterRoundTrips) {
  model::Document doc = sample_with_supplier_and_authors();
  ReadSbom r = read_ok(write_spdx_json(doc), "sample.spdx.json");
  EXPECT_EQ(r.format, SbomFormat::spdx_json);
  EXPECT_EQ(r.spec_version, "2.3");
  expect_same_packages(doc, r.document, false);
  EXPECT_EQ(licenses(r.document), k_sample_licenses);
  for (std::size_t i = 0; i < doc.packages.size(); ++i) {
    // SPDX has no place for a download location that is not a URL (jest's "../vendor/..."): NOASSERTION.
    const std::string& url = doc.packages[i].download_url;
    EXPECT_EQ(detail::is_absolute_iri(url) ? url : std::string(), r.document.packages[i].download_url);
  }
  EXPECT_EQ(r.document.root.locations, doc.root.locations);
  EXPECT_EQ(r.document.root.supplier, "Example Corp");
  EXPECT_EQ(r.document.metadata.timestamp, 1704164645);
  EXPECT_EQ(r.document.metadata.tool_name, "purser");
  EXPECT_EQ(r.document.metadata.tool_version, "0.1.0");
  EXPECT_EQ(r.document.metadata.source_target, "dir:examples/app");
  EXPECT_EQ(r.document.metadata.authors, (std::vector<std::string>{"Jane Doe", "Build Team"}));
  EXPECT_EQ(diagnostics(r.document),
            std::vector<std::string>{"sample.spdx.json:175: /packages/7/versionInfo: missing for \"Requests\""});
}

// Write → read → write gives the same bytes: nothing the writers emit is lost on the way back.
TEST(ReadSbom, RewritingWhatWasReadIsByteIdentical) {
  model::Document doc = sample_with_supplier_and_authors();
  doc.diagnostics.clear();
  for (CycloneDxVersion v : {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6}) {
    SCOPED_TRACE(to_string(v));
    std::string first = write_cyclonedx_json(doc, v);
    ReadSbom r = read_ok(first, "a.json");
    r.document.diagnostics.clear();
    EXPECT_EQ(write_cyclonedx_json(r.document, v), first);
  }
  std::string first = write_spdx_json(doc);
  ReadSbom r = read_ok(first, "a.json");
  r.document.diagnostics.clear();
  EXPECT_EQ(write_spdx_json(r.document), first);
}

TEST(ReadSbom, ReadsEveryGoldenFile) {
  for (const char* name : {"sample.cdx-1.4.json", "sample.cdx-1.5.json", "sample.cdx-1.6.json", "sample.spdx.json",
                           "empty.cdx-1.6.json", "empty.spdx.json"}) {
    SCOPED_TRACE(name);
    ReadSbom r = read_ok(golden(name), name);
    bool empty = std::string(name).rfind("empty", 0) == 0;
    EXPECT_EQ(r.document.packages.size(), empty ? 0u : 7u);
    EXPECT_EQ(r.document.root.name, empty ? "empty" : "demo-app");
    EXPECT_EQ(r.document.metadata.timestamp, 1704164645);
  }
}

// --- hand-written quirks -----------------------------------------------------------------------------------------

TEST(ReadSbom, CycloneDxQuirks) {
  ReadSbom r = read_ok(fixture("cdx-1.6-quirks.json"), "quirks.json");
  EXPECT_EQ(r.spec_version, "1.6");
  EXPECT_EQ(describe(r.document),
            "meta tool=hand-written version=1.0 time=1709284830 author=Jane Doe author=ops@example.com\n"
            "root generic:shop@2.1.0 name=shop version=2.1.0 type=application supplier=Example Corp\n"
            "pkg generic:LogFactory.class@6.1.0 name=LogFactory.class version=6.1.0 type=file\n"
            "pkg generic:embedded-lib@0.1.0 name=embedded-lib version=0.1.0\n"
            "pkg generic:left-pad name=left-pad\n"
            "pkg generic:right-pad@1.0.0 name=right-pad version=1.0.0\n"
            "pkg generic:sensor@3 name=sensor version=3 prop=purser:cyclonedx:type=device\n"
            "pkg npm/weird@1 name=weird version=1\n"
            "pkg os:debian@12 name=debian version=12 ecosystem=os type=operating-system scope=optional prop=flag= "
            "prop=purser:cpe=cpe:2.3:o:debian:debian_linux:12:*:*:*:*:*:*:* prop=vendor:note=x\n"
            "pkg pkg:maven/org.springframework/spring-core@6.1.0?type=jar name=org.springframework/spring-core "
            "version=6.1.0 ecosystem=maven type=framework scope=dev license=Apache-2.0 OR MIT\n"
            "pkg pkg:maven/org.springframework/spring-jcl@6.1.0 name=spring-jcl version=6.1.0 ecosystem=maven\n"
            "pkg pkg:npm/%40angular/core@17.0.0 name=@angular/core version=17.0.0 ecosystem=npm "
            "license=MIT AND LicenseRef-Custom-Terms supplier=Google LLC "
            "download=https://registry.npmjs.org/@angular/core/-/core-17.0.0.tgz "
            "hash=SHA-256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\n"
            "pkg pkg:pypi/requests@2.31.0 name=requests version=2.31.0 ecosystem=pypi\n"
            "edge generic:shop@2.1.0 contains generic:embedded-lib@0.1.0\n"
            "edge generic:shop@2.1.0 -> generic:left-pad\n"
            "edge generic:shop@2.1.0 -> pkg:maven/org.springframework/spring-core@6.1.0?type=jar\n"
            "edge generic:shop@2.1.0 -> pkg:npm/%40angular/core@17.0.0\n"
            "edge generic:shop@2.1.0 -> pkg:pypi/requests@2.31.0\n"
            "edge pkg:maven/org.springframework/spring-core@6.1.0?type=jar -> "
            "pkg:maven/org.springframework/spring-jcl@6.1.0\n"
            "edge pkg:maven/org.springframework/spring-core@6.1.0?type=jar contains "
            "pkg:maven/org.springframework/spring-jcl@6.1.0\n"
            "edge pkg:maven/org.springframework/spring-jcl@6.1.0 contains generic:LogFactory.class@6.1.0\n"
            "edge pkg:pypi/requests@2.31.0 -> npm/weird@1\n");
  EXPECT_EQ(diagnostics(r.document),
            (std::vector<std::string>{
                "quirks.json:64: /components/2/version: missing for \"left-pad\"",
                "quirks.json:65: /components/3/name: missing: named \"requests\" after its purl",
                "quirks.json:66: /components/4/name: missing, and no valid purl: component skipped",
                "quirks.json:67: /components/5/bom-ref: duplicate \"noversion\": the first, at /components/2, wins",
                "quirks.json:68: /components/6/purl: invalid purl: missing pkg: scheme",
                "quirks.json:78: /components/9: duplicate of /components/3 (\"pkg:pypi/requests@2.31.0\"): merged",
                "quirks.json:79: /components/10: expected a component object, found number: skipped",
                "quirks.json:83: /dependencies/0/dependsOn/5: undeclared ref \"ghost\": edge dropped",
                "quirks.json:86: /dependencies/3/ref: undeclared ref \"phantom\": its edges are dropped",
                "quirks.json:87: /dependencies/4/dependsOn/1: expected a ref string, found number: ignored",
                "quirks.json:88: /dependencies/5/ref: missing: entry ignored",
            }));
}

TEST(ReadSbom, CycloneDxLegacyShapesAndMemberOrder) {
  ReadSbom r = read_ok(fixture("cdx-1.2-legacy.json"), "legacy.json");
  EXPECT_EQ(r.spec_version, "1.2");
  EXPECT_EQ(describe(r.document),
            "meta tool=cyclonedx-gomod version=1.4.0 time=1583020799 author=Build Bot\n"
            "root generic:unknown name=unknown type=application\n"
            "pkg generic:zlib@1.3 name=zlib version=1.3 license=Zlib AND (MIT OR Apache-2.0) AND MIT\n"
            "pkg pkg:golang/github.com/pkg/errors@v0.9.1 name=github.com/pkg/errors version=v0.9.1 "
            "ecosystem=golang license=BSD 2-Clause hash=SHA-1:da39a3ee5e6b4b0d3255bfef95601890afd80709\n");
  EXPECT_EQ(diagnostics(r.document),
            (std::vector<std::string>{
                "legacy.json:4: /components/0/components: expected an array, found null: ignored",
                "legacy.json:4: /components/0/hashes/1: expected alg and content strings: ignored",
                "legacy.json:16: /components/1/hashes: expected an array, found string: ignored",
            }));
}

TEST(ReadSbom, CycloneDxNullsAndBadTimestamp) {
  ReadSbom r = read_ok(fixture("cdx-1.5-nulls.json"), "nulls.json");
  EXPECT_EQ(describe(r.document),
            "meta tool=legacy-shape-tool version= time=0\n"
            "root generic:registry.example/app@sha256:abc name=registry.example/app version=sha256:abc "
            "type=container\n");
  EXPECT_EQ(diagnostics(r.document), (std::vector<std::string>{
                                         "nulls.json:5: /metadata/timestamp: invalid date-time \"yesterday\": ignored",
                                         "nulls.json:10: /components: expected an array, found null: ignored",
                                         "nulls.json:11: /dependencies: expected an array, found object: ignored",
                                     }));
}

TEST(ReadSbom, SpdxQuirks) {
  ReadSbom r = read_ok(fixture("spdx-2.2-quirks.json"), "quirks.spdx.json");
  EXPECT_EQ(r.format, SbomFormat::spdx_json);
  EXPECT_EQ(r.spec_version, "2.2");
  EXPECT_EQ(describe(r.document),
            "meta tool=syft version=0.100.0 time=1683356889 target=shop-1.0 author=Example Corp author=Jane Doe\n"
            "root generic:shop@1.0 name=shop version=1.0 type=application supplier=Example Corp\n"
            "pkg generic:lodash-copy@1.0.0 name=lodash-copy version=1.0.0\n"
            "pkg generic:openssl@3.0.11 name=openssl version=3.0.11 license=Apache-2.0 "
            "prop=purser:cpe=cpe:2.3:a:openssl:openssl:3.0.11:*:*:*:*:*:*:* prop=purser:spdx:purpose=SOURCE\n"
            "pkg generic:zlib name=zlib\n"
            "pkg pkg:/bad@1 name=bad version=1 scope=optional\n"
            "pkg pkg:npm/jest@29.7.0 name=jest version=29.7.0 ecosystem=npm scope=dev\n"
            "pkg pkg:npm/lodash@4.17.21 name=lodash version=4.17.21 ecosystem=npm license=MIT supplier=John Dalton "
            "download=https://registry.npmjs.org/lodash/-/lodash-4.17.21.tgz "
            "hash=SHA-1:679591c564c3bffaae8454cf0b3df370c3d6911c\n"
            "edge generic:openssl@3.0.11 contains generic:zlib\n"
            "edge generic:shop@1.0 -> generic:openssl@3.0.11\n"
            "edge generic:shop@1.0 -> pkg:/bad@1\n"
            "edge generic:shop@1.0 -> pkg:npm/jest@29.7.0\n"
            "edge generic:shop@1.0 -> pkg:npm/lodash@4.17.21\n");
  EXPECT_EQ(
      diagnostics(r.document),
      (std::vector<std::string>{
          "quirks.spdx.json:14: /relationships/6/relatedSpdxElement: undeclared element \"SPDXRef-ghost\": "
          "relationship dropped",
          "quirks.spdx.json:19: /relationships/11: expected spdxElementId, relatedSpdxElement and "
          "relationshipType strings: ignored",
          "quirks.spdx.json:37: /packages/1/checksums/1: expected algorithm and checksumValue strings: ignored",
          "quirks.spdx.json:69: /packages/4/versionInfo: missing for \"zlib\"",
          "quirks.spdx.json:70: /packages/5/SPDXID: duplicate \"SPDXRef-lodash\": the first, at /packages/1, wins",
          "quirks.spdx.json:71: /packages/6/externalRefs/0/referenceLocator: invalid purl: missing type",
          "quirks.spdx.json:78: /packages/7/name: missing, and no valid purl: package skipped",
          "quirks.spdx.json:79: /packages/8: expected a package object, found string: skipped",
      }));
}

TEST(ReadSbom, SpdxSeveralDescribedPackagesGetADocumentRoot) {
  ReadSbom r = read_ok(fixture("spdx-2.3-multi.json"), "multi.spdx.json");
  // shared is a test dependency of api but a plain one of web: it stays required.
  EXPECT_EQ(describe(r.document),
            "meta tool=hand version= time=1719748800 target=monorepo\n"
            "root generic:monorepo name=monorepo type=application\n"
            "pkg pkg:npm/shared@0.5.0 name=shared version=0.5.0 ecosystem=npm license=MIT AND LicenseRef-Internal "
            "download=git+https://example.com/shared.git\n"
            "pkg pkg:npm/web@1.0.0 name=web version=1.0.0 ecosystem=npm\n"
            "pkg pkg:pypi/api@2.0.0 name=api version=2.0.0 ecosystem=pypi\n"
            "edge generic:monorepo contains pkg:npm/web@1.0.0\n"
            "edge generic:monorepo contains pkg:pypi/api@2.0.0\n"
            "edge pkg:npm/web@1.0.0 -> pkg:npm/shared@0.5.0\n"
            "edge pkg:pypi/api@2.0.0 -> pkg:npm/shared@0.5.0\n");
  EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
}

TEST(ReadSbom, SpdxDescribingNothingGetsAStandInRoot) {
  ReadSbom r = read_ok(R"({"spdxVersion": "SPDX-2.3", "name": "lonely",
  "packages": [{"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1"}]})",
                       "x.json");
  EXPECT_EQ(describe(r.document),
            "meta tool= version= time=0 target=lonely\n"
            "root generic:lonely name=lonely type=application\n"
            "pkg generic:a@1 name=a version=1\n");
  EXPECT_EQ(
      diagnostics(r.document),
      std::vector<std::string>{
          "x.json:1: the document describes no package (documentDescribes, DESCRIBES): root \"lonely\" stands in"});
}

TEST(ReadSbom, CycloneDxWithoutMetadataComponentGetsAStandInRoot) {
  ReadSbom r = read_ok(R"({"bomFormat": "CycloneDX", "specVersion": "1.7", "components": [
    {"type": "library", "name": "a", "version": "1", "bom-ref": "a"}]})",
                       "x.json");
  EXPECT_EQ(describe(r.document),
            "meta tool= version= time=0\n"
            "root generic:unknown name=unknown type=application\n"
            "pkg generic:a@1 name=a version=1\n");
  EXPECT_EQ(diagnostics(r.document),
            std::vector<std::string>{"x.json:1: /specVersion: unsupported version \"1.7\": read as 1.6"});
}

// CycloneDX 1.6 licence acknowledgements: declared entries win over concluded ones; concluded alone still count.
TEST(ReadSbom, CycloneDxLicenseAcknowledgements) {
  ReadSbom r = read_ok(R"({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
    {"name": "a", "version": "1", "licenses": [{"license": {"id": "MIT", "acknowledgement": "concluded"}},
                                               {"license": {"id": "Apache-2.0", "acknowledgement": "declared"}}]},
    {"name": "b", "version": "1", "licenses": [{"license": {"id": "MIT", "acknowledgement": "concluded"}}]},
    {"name": "c", "version": "1", "licenses": [{"expression": "BSD-2-Clause OR MIT", "acknowledgement": "declared"},
                                               {"license": {"id": "GPL-2.0-only", "acknowledgement": "concluded"}}]},
    {"name": "d", "version": "1", "licenses": [{"license": {"id": "MIT"}}, {"license": {"id": "ISC"}},
                                               {"license": {}}]}]})",
                       "x.json");
  EXPECT_EQ(licenses(r.document), (std::vector<std::pair<std::string, std::string>>{
                                      {"generic:a@1", "Apache-2.0"},
                                      {"generic:b@1", "MIT"},
                                      {"generic:c@1", "BSD-2-Clause OR MIT"},
                                      {"generic:d@1", "MIT AND ISC"},
                                  }));
  EXPECT_EQ(diagnostics(r.document),
            std::vector<std::string>{"x.json:7: /components/3/licenses/2: expected a license id, name or expression: "
                                     "ignored"});
}

// The properties the purser writers use for fields a format has no place for come back as those fields.
TEST(ReadSbom, PurserPropertiesAreDecoded) {
  ReadSbom r = read_ok(R"({"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [
    {"name": "a", "version": "1", "properties": [
      {"name": "purser:hash", "value": "SHA-1:abc"}, {"name": "purser:download-url", "value": "../a 1.tgz"},
      {"name": "purser:location", "value": "dir/a.lock:7"}, {"name": "purser:location", "value": "layer@512"},
      {"name": "purser:found-by", "value": "npm-package-lock"}, {"name": "purser:scope", "value": "dev"},
      {"name": "purser:npm:resolved", "value": "kept"}]}]})",
                       "x.json");
  EXPECT_EQ(describe(r.document),
            "meta tool= version= time=0\n"
            "root generic:unknown name=unknown type=application\n"
            "pkg generic:a@1 name=a version=1 scope=dev download=../a 1.tgz hash=SHA-1:abc "
            "prop=purser:npm:resolved=kept at=dir/a.lock:7 at=layer@512 found_by=npm-package-lock\n");
}

TEST(ReadSbom, CycloneDxNpmDevelopmentPropertyIsDevScope) {
  // npm sbom marks a dev dependency with scope "required" and the taxonomy property; "false" changes nothing.
  const std::string want =
      "meta tool= version= time=0\n"
      "root generic:unknown name=unknown type=application\n"
      "pkg generic:a@1 name=a version=1 scope=dev prop=cdx:npm:package:development=true\n"
      "pkg generic:b@1 name=b version=1 prop=cdx:npm:package:development=false\n";
  ReadSbom json = read_ok(R"({"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
    {"name": "a", "version": "1", "scope": "required",
     "properties": [{"name": "cdx:npm:package:development", "value": "true"}]},
    {"name": "b", "version": "1", "properties": [{"name": "cdx:npm:package:development", "value": "false"}]}]})",
                          "npm.json");
  EXPECT_EQ(describe(json.document), want);
  ReadSbom xml = read_ok(R"(<bom xmlns="http://cyclonedx.org/schema/bom/1.5"><components>
    <component type="library"><name>a</name><version>1</version><scope>required</scope>
      <properties><property name="cdx:npm:package:development">true</property></properties></component>
    <component type="library"><name>b</name><version>1</version>
      <properties><property name="cdx:npm:package:development">false</property></properties></component>
    </components></bom>)",
                         "npm.xml");
  EXPECT_EQ(describe(xml.document), want);
}

TEST(ReadSbom, SpdxCommentWithForeignPropertiesIsStillOurs) {
  // What the SPDX writer makes of a CycloneDX component with a foreign property: every property in the comment.
  ReadSbom r = read_ok(R"({"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [
    {"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": "1",
     "comment": "cdx:npm:package:development=true\npurser:scope=dev"},
    {"SPDXID": "SPDXRef-b", "name": "b", "versionInfo": "1", "comment": "cdx:npm:package:development=true"},
    {"SPDXID": "SPDXRef-c", "name": "c", "versionInfo": "1", "comment": "see notes=yes\npurser:scope=dev"}]})",
                       "x.spdx.json");
  std::string text = describe(r.document);
  EXPECT_NE(text.find("pkg generic:a@1 name=a version=1 scope=dev prop=cdx:npm:package:development=true\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("pkg generic:b@1 name=b version=1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("pkg generic:c@1 name=c version=1\n"), std::string::npos) << text;
}

TEST(ReadSbom, SpdxRelationshipKinds) {
  std::string bytes = R"({"spdxVersion": "SPDX-2.3", "name": "d", "packages": [)";
  for (const char* id : {"r", "a", "b", "c", "d", "e", "f", "g", "h"})
    bytes += std::string(R"({"SPDXID": "SPDXRef-)") + id + R"(", "name": ")" + id + R"(", "versionInfo": "1"},)";
  bytes.pop_back();
  bytes += R"(], "relationships": [
    {"spdxElementId": "SPDXRef-r", "relationshipType": "DESCRIBED_BY", "relatedSpdxElement": "SPDXRef-DOCUMENT"},
    {"spdxElementId": "SPDXRef-r", "relationshipType": "HAS_PREREQUISITE", "relatedSpdxElement": "SPDXRef-a"},
    {"spdxElementId": "SPDXRef-b", "relationshipType": "PREREQUISITE_FOR", "relatedSpdxElement": "SPDXRef-r"},
    {"spdxElementId": "SPDXRef-r", "relationshipType": "STATIC_LINK", "relatedSpdxElement": "SPDXRef-c"},
    {"spdxElementId": "SPDXRef-r", "relationshipType": "DYNAMIC_LINK", "relatedSpdxElement": "SPDXRef-d"},
    {"spdxElementId": "SPDXRef-e", "relationshipType": "BUILD_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-r"},
    {"spdxElementId": "SPDXRef-f", "relationshipType": "TEST_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-r"},
    {"spdxElementId": "SPDXRef-g", "relationshipType": "RUNTIME_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-r"},
    {"spdxElementId": "SPDXRef-h", "relationshipType": "VARIANT_OF", "relatedSpdxElement": "SPDXRef-r"}]})";
  ReadSbom r = read_ok(bytes, "x.json");
  EXPECT_EQ(describe(r.document),
            "meta tool= version= time=0 target=d\n"
            "root generic:r@1 name=r version=1\n"
            "pkg generic:a@1 name=a version=1\n"
            "pkg generic:b@1 name=b version=1\n"
            "pkg generic:c@1 name=c version=1\n"
            "pkg generic:d@1 name=d version=1\n"
            "pkg generic:e@1 name=e version=1\n"
            "pkg generic:f@1 name=f version=1 scope=dev\n"
            "pkg generic:g@1 name=g version=1\n"
            "pkg generic:h@1 name=h version=1\n"
            "edge generic:r@1 -> generic:a@1\n"
            "edge generic:r@1 -> generic:b@1\n"
            "edge generic:r@1 -> generic:c@1\n"
            "edge generic:r@1 -> generic:d@1\n"
            "edge generic:r@1 -> generic:e@1\n"
            "edge generic:r@1 -> generic:f@1\n"
            "edge generic:r@1 -> generic:g@1\n");
  EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
}

// Lines stay right far into a document (the line index counts in 64 KiB blocks).
TEST(ReadSbom, DiagnosticLinesPastTheFirstBlocks) {
  std::string bytes = "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\"," + std::string(150000, '\n') +
                      "\"components\": [{\"name\": \"a\"},\n\n{\"name\": \"b\"}]}";
  ReadSbom r = read_ok(bytes, "x.json");
  EXPECT_EQ(diagnostics(r.document),
            (std::vector<std::string>{"x.json:150001: /components/0/version: missing for \"a\"",
                                      "x.json:150003: /components/1/version: missing for \"b\""}));
}

TEST(ReadSbom, CycloneDxWithoutSpecVersionAndWithAStrangeMetadata) {
  ReadSbom r = read_ok("{\"bomFormat\": \"CycloneDX\",\n\"metadata\": [],\n\"services\": {}}", "x.json");
  EXPECT_EQ(r.spec_version, "");
  EXPECT_EQ(diagnostics(r.document), (std::vector<std::string>{
                                         "x.json:1: /specVersion: missing: read as 1.6",
                                         "x.json:2: /metadata: expected an object, found array: ignored",
                                         "x.json:3: /services: expected an array, found object: ignored",
                                     }));
}

TEST(ReadSbom, DeeplyNestedComponentsAreFlattenedWithContainsEdges) {
  constexpr int k_depth = 200;  // 2 containers per level: within the 512-level limit
  std::string bytes = R"({"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": {"component": {"name": "r"}},
  "components": [)";
  for (int i = 0; i < k_depth; ++i)
    bytes += R"({"name": "c)" + std::to_string(i) + R"(", "version": "1")" +
             (i + 1 < k_depth ? R"(, "components": [)" : "}");
  for (int i = 1; i < k_depth; ++i) bytes += "]}";
  bytes += "]}";
  ReadSbom r = read_ok(bytes, "deep.json");
  ASSERT_EQ(r.document.packages.size(), static_cast<std::size_t>(k_depth));
  std::vector<model::Relationship> chain;
  for (int i = 0; i + 1 < k_depth; ++i)
    chain.push_back({"generic:c" + std::to_string(i) + "@1", "generic:c" + std::to_string(i + 1) + "@1",
                     model::RelationshipKind::contains});
  std::sort(chain.begin(), chain.end());
  EXPECT_EQ(r.document.relationships, chain);
  EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
}

// --- errors ------------------------------------------------------------------------------------------------------

TEST(ReadSbomErrors, NotJson) {
  auto r = read_sbom("name: value\n", "sbom.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::parse);
  EXPECT_EQ(r.error().to_string(), "sbom.yaml:1: invalid json: invalid literal");
}

TEST(ReadSbomErrors, TruncatedReportsTheLine) {
  auto r = read_sbom("{\"bomFormat\": \"CycloneDX\",\n \"components\": [\n  {\"name\": \"a\"", "bom.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::parse);
  EXPECT_EQ(r.error().to_string(), "bom.json:3: invalid json: unexpected end of input, expected ',' or '}'");
}

TEST(ReadSbomErrors, Empty) {
  auto r = read_sbom(" \n ", "bom.json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, util::ErrorCode::parse);
  EXPECT_EQ(r.error().to_string(), "bom.json:2: invalid json: unexpected end of input, expected a value");
}

// Malformed JSON is an error wherever it is, in members the reader skips too; the message says what and where. The
// grammar itself is tested with the scanner (tests/util/json_scan_test.cpp).
TEST(ReadSbomErrors, MalformedJson) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"bomFormat": "CycloneDX", "description": [1,,2]})",
       "x.json:1: invalid json: unexpected ',', expected a value"},
      {R"({"bomFormat": "CycloneDX", "x": "a\qb"})", "x.json:1: invalid json: invalid escape 'q' in string"},
      {"{\"bomFormat\": \"CycloneDX\",\n\"x\": \"tab\there\"}",
       "x.json:2: invalid json: unescaped control character in string"},
      {R"({"bomFormat": "CycloneDX", "x": "open)", "x.json:1: invalid json: unterminated string"},
      {R"({"bomFormat": "CycloneDX", "x": "\ud800"})", "x.json:1: invalid json: unpaired surrogate in \\u escape"},
      {R"({"bomFormat": "CycloneDX", "x": tru})", "x.json:1: invalid json: invalid literal"},
      {R"({"bomFormat" "CycloneDX"})", "x.json:1: invalid json: unexpected '\"', expected ':'"},
      {R"({"bomFormat": "CycloneDX",})", "x.json:1: invalid json: unexpected '}', expected a string (member name)"},
      {R"({"components": [1,]})", "x.json:1: invalid json: unexpected ']', expected a value"},
      {"{\"bomFormat\": \"CycloneDX\"}\n{}", "x.json:2: invalid json: unexpected '{', expected end of input"},
      {"\xEF\xBB", "x.json:1: invalid json: unexpected '\\xef', expected a value"},
  };
  for (const auto& [bytes, message] : cases) {
    auto r = read_sbom(bytes, "x.json");
    ASSERT_FALSE(r.ok()) << bytes;
    EXPECT_EQ(r.error().code, util::ErrorCode::parse);
    EXPECT_EQ(r.error().to_string(), message) << bytes;
  }
}

// SBOMs in the wild carry Latin-1 and broken bytes in names; the reader keeps them (the writers replace them on
// output) rather than refusing the document.
TEST(ReadSbom, InvalidUtf8InStringsIsKept) {
  ReadSbom r = read_ok(
      "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.6\", \"description\": \"\xff\","
      " \"components\": [{\"name\": \"caf\xe9 \xed\xa0\x80\", \"version\": \"1\"}]}",
      "x.json");
  ASSERT_EQ(r.document.packages.size(), 1u);
  EXPECT_EQ(r.document.packages[0].name, "caf\xe9 \xed\xa0\x80");
}

TEST(ReadSbom, JsonEscapesNumbersAndByteOrderMark) {
  ReadSbom r = read_ok(
      "\xEF\xBB\xBF"
      R"({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1e400,
  "components": [{"name": "caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t", "version": "1",
                  "evidence": {"occurrences": [{"location": "a.txt", "line": 12}, {"location": "b.bin", "offset": 0},
                                               {"location": "c", "line": -1}, {"location": "d", "line": 1.5}]}}]})",
      "x.json");
  ASSERT_EQ(r.document.packages.size(), 1u);
  EXPECT_EQ(r.document.packages[0].name, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t");
  util::Location at_offset{"b.bin", 0, 0};
  EXPECT_EQ(r.document.packages[0].locations,
            (std::vector<util::Location>{{"a.txt", 12}, at_offset, {"c", 0}, {"d", 0}}));
}

TEST(ReadSbomErrors, TooDeepEvenWhereNothingIsRead) {
  for (std::string member : {"metadata", "vulnerabilities"}) {
    std::string bytes =
        "{\"bomFormat\": \"CycloneDX\",\n\"" + member + "\": " + std::string(600, '[') + std::string(600, ']') + "}";
    auto r = read_sbom(bytes, "bom.json");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, util::ErrorCode::parse);
    EXPECT_EQ(r.error().to_string(), "bom.json:2: invalid json: nesting deeper than 512 levels");
  }
}

TEST(ReadSbomErrors, JsonThatIsNeitherFormat) {
  for (const char* bytes : {"[1, 2]", "42", R"({"name": "x"})", R"({"spdxVersion": 2.3})"}) {
    auto r = read_sbom(bytes, "x.json");
    ASSERT_FALSE(r.ok()) << bytes;
    EXPECT_EQ(r.error().code, util::ErrorCode::unsupported);
    EXPECT_EQ(r.error().to_string(), "x.json: not a CycloneDX or SPDX JSON document");
  }
  auto cdx = read_sbom(R"({"bomFormat": "SPDX"})", "x.json");
  ASSERT_FALSE(cdx.ok());
  EXPECT_EQ(cdx.error().to_string(), "x.json: not a CycloneDX document: bomFormat is \"SPDX\"");
  auto spdx = read_sbom("{\n\"spdxVersion\": \"SPDX-3.0\"}", "x.json");
  ASSERT_FALSE(spdx.ok());
  EXPECT_EQ(spdx.error().code, util::ErrorCode::unsupported);
  EXPECT_EQ(spdx.error().to_string(),
            "x.json:2: unsupported SPDX version \"SPDX-3.0\": supported are SPDX-2.2, SPDX-2.3");
}

// --- helpers -----------------------------------------------------------------------------------------------------

TEST(ReaderHelpers, Rfc3339) {
  using detail::parse_rfc3339;
  EXPECT_EQ(parse_rfc3339("2024-01-02T03:04:05Z"), 1704164645);
  EXPECT_EQ(parse_rfc3339("2024-01-02t03:04:05.999z"), 1704164645);
  EXPECT_EQ(parse_rfc3339("2024-01-02T05:04:05+02:00"), 1704164645);
  EXPECT_EQ(parse_rfc3339("2024-01-01T22:04:05-05:00"), 1704164645);
  EXPECT_EQ(parse_rfc3339("1970-01-01 00:00:00Z"), 0);
  EXPECT_EQ(parse_rfc3339("1969-12-31T23:59:59Z"), -1);
  EXPECT_EQ(parse_rfc3339("2024-02-29T00:00:00Z"), 1709164800);
  for (const char* bad :
       {"", "2024-01-02", "2024-01-02T03:04:05", "2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-01-02T24:00:00Z",
        "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05+0200", "2024-01-02T03:04:05Zjunk", "yesterday"})
    EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << bad;
}

TEST(ReaderHelpers, ActorName) {
  EXPECT_EQ(detail::actor_name("Organization: Example Corp (sbom@example.com)"), "Example Corp");
  EXPECT_EQ(detail::actor_name("Person: Jane Doe ()"), "Jane Doe");
  EXPECT_EQ(detail::actor_name("Person: Widget (UK) Ltd"), "Widget (UK) Ltd");
  EXPECT_EQ(detail::actor_name("NOASSERTION"), "");
  EXPECT_EQ(detail::actor_name("Organization:"), "");
}

TEST(ReaderHelpers, PointerEscapeAndLocations) {
  EXPECT_EQ(detail::pointer_escape("a/b~c"), "a~1b~0c");
  EXPECT_EQ(detail::parse_location("go.mod:5"), (util::Location{"go.mod", 5}));
  EXPECT_EQ(detail::parse_location("node_modules/@types/node"), (util::Location{"node_modules/@types/node", 0}));
  util::Location at_offset{"layer.tar", 0, 1024};
  EXPECT_EQ(detail::parse_location("layer.tar@1024"), at_offset);
  EXPECT_EQ(detail::parse_location("C:"), (util::Location{"C:", 0}));
}

// --- real-world documents ----------------------------------------------------------------------------------------

// Every SBOM under the shared directory reads, and every PURL the document states is in the model.
TEST(ReadSbom, RealWorldDocuments) {
  std::filesystem::path base(PURSER_SHARED_DIR);
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(base)) {
    for (auto it = std::filesystem::recursive_directory_iterator(
             base, std::filesystem::directory_options::skip_permission_denied);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      if (!it->is_regular_file()) continue;
      std::string name = it->path().filename().string();
      auto ends = [&](std::string_view suffix) {
        return name.size() >= suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
      };
      if (ends(".cdx.json") || ends(".spdx.json") || name == "bom.json") files.push_back(it->path());
    }
  }
  if (files.empty()) GTEST_SKIP() << "no *.cdx.json, *.spdx.json or bom.json under " << base;
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    std::string bytes = read_file(file);
    auto r = read_sbom(bytes, file.string());
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    std::set<std::string> stated;
    json doc = json::parse(bytes);
    auto add = [&](const std::string& text) {
      auto purl = model::Purl::parse(text);
      stated.insert(purl ? purl->to_string() : text);
    };
    std::vector<const json*> work;
    if (doc.contains("metadata") && doc["metadata"].contains("component"))
      work.push_back(&doc["metadata"]["component"]);
    if (doc.contains("components") && doc["components"].is_array())
      for (const auto& c : doc["components"]) work.push_back(&c);
    while (!work.empty()) {
      const json* c = work.back();
      work.pop_back();
      if (!c->is_object()) continue;
      if (c->contains("purl") && (*c)["purl"].is_string() && !(*c)["purl"].get<std::string>().empty())
        add((*c)["purl"]);
      if (c->contains("components") && (*c)["components"].is_array())
        for (const auto& n : (*c)["components"]) work.push_back(&n);
    }
    if (doc.contains("packages") && doc["packages"].is_array())
      for (const auto& p : doc["packages"])
        if (p.is_object() && p.contains("externalRefs") && p["externalRefs"].is_array())
          for (const auto& ref : p["externalRefs"])
            if (ref.value("referenceType", "") == "purl" && ref.contains("referenceLocator")) {
              add(ref["referenceLocator"]);
              break;
            }
    std::set<std::string> read;
    if (!r->document.root.purl.empty()) read.insert(r->document.root.purl);
    for (const auto& p : r->document.packages)
      if (!p.purl.empty()) read.insert(p.purl);
    EXPECT_EQ(stated, read);
  }
}

}  // namespace purser::formats
