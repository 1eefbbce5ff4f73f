#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "formats/reader.hpp"
#include "formats/spdx_tag_value_json.hpp"
#include "formats/validate.hpp"
#include "formats/writers.hpp"
#include "tests/formats/writer_test_support.hpp"

namespace purser::formats {
namespace {

using nlohmann::json;
using testing::expect_golden;
using testing::read_file;
using testing::sample_document;

std::string fixture(const std::string& name) {
  return read_file(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "sboms" / name);
}

std::string golden(const std::string& name) {
  return read_file(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "golden" / name);
}

std::string crlf(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
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

std::string read_error(std::string_view bytes, const std::string& path) {
  auto r = read_sbom(bytes, path);
  EXPECT_FALSE(r.ok());
  return r.ok() ? std::string() : r.error().to_string();
}

json as_json(const std::string& tag_value) {
  auto tv = detail::spdx_tag_value_to_json(tag_value, "x.spdx");
  EXPECT_TRUE(tv.ok()) << tv.error().to_string();
  return tv.ok() ? tv->doc : json();
}

// "line: pointer: message" per violation.
std::vector<std::string> violations(const ValidationReport& report) {
  std::vector<std::string> out;
  for (const auto& v : report.violations)
    out.push_back(std::to_string(v.line) + ": " + (v.pointer.empty() ? "/" : v.pointer) + ": " + v.message);
  return out;
}

// ---- writer ------------------------------------------------------------------------------------------------------

TEST(SpdxTagValueWriter, SampleMatchesGolden) {
  expect_golden("sample.spdx", write_spdx_tag_value(sample_document()));
  expect_golden("empty.spdx", write_spdx_tag_value(testing::empty_document()));
}

// The tag-value golden says exactly what the JSON golden says: same SPDXIDs, namespace, licences, relationships.
TEST(SpdxTagValueWriter, SameDocumentAsTheJsonWriter) {
  for (const auto& doc : {sample_document(), testing::empty_document()}) {
    EXPECT_EQ(as_json(write_spdx_tag_value(doc)), json::parse(write_spdx_json(doc)));
  }
  EXPECT_EQ(as_json(golden("sample.spdx")), json::parse(golden("sample.spdx.json")));
}

TEST(SpdxTagValueWriter, JsonEquivalentOfTheGoldenIsSchemaValid) {
  if (!std::filesystem::exists(testing::spdx_schema())) GTEST_SKIP() << testing::spdx_schema() << " not present";
  EXPECT_EQ(testing::schema_violations(as_json(golden("sample.spdx")), testing::spdx_schema()),
            std::vector<std::string>{});
  EXPECT_EQ(testing::schema_violations(as_json(golden("empty.spdx")), testing::spdx_schema()),
            std::vector<std::string>{});
}

TEST(SpdxTagValueWriter, GoldenValidates) {
  auto report = validate_sbom(golden("sample.spdx"), "sample.spdx");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->format, "SPDX 2.3 tag-value");
  EXPECT_EQ(violations(*report), std::vector<std::string>{});
}

TEST(SpdxTagValueWriter, StreamedBytesEqualTheStringAndAreDeterministic) {
  std::string whole = write_spdx_tag_value(sample_document());
  std::string streamed;
  int chunks = 0;
  write_spdx_tag_value(sample_document(), [&](std::string_view bytes) {
    streamed.append(bytes);
    ++chunks;
  });
  EXPECT_EQ(whole, streamed);
  EXPECT_EQ(chunks, 1);
  EXPECT_EQ(whole, write_spdx_tag_value(sample_document()));
}

TEST(SpdxTagValueWriter, LargeDocumentsAreStreamedInChunks) {
  model::Document doc = testing::empty_document();
  for (int i = 0; i < 2000; ++i)
    doc.packages.push_back(testing::make("npm", "", ("p" + std::to_string(i)).c_str(), "1.0.0"));
  doc.normalize();
  std::string streamed;
  int chunks = 0;
  write_spdx_tag_value(doc, [&](std::string_view bytes) {
    streamed.append(bytes);
    ++chunks;
  });
  EXPECT_GT(chunks, 1);
  EXPECT_EQ(streamed, write_spdx_tag_value(doc));
  EXPECT_EQ(as_json(streamed), json::parse(write_spdx_json(doc)));
}

// Tag-value has no escapes: what it cannot carry is replaced, never written raw.
TEST(SpdxTagValueWriter, OddCharactersCannotBreakTheSyntax) {
  model::Document doc = testing::empty_document();
  model::Package odd = testing::odd_package();
  odd.add_property("purser:generic:trap", "a</text>b");
  doc.packages.push_back(odd);
  doc.relationships.push_back({doc.root.ref(), odd.ref(), model::RelationshipKind::depends_on});
  doc.normalize();
  std::string out = write_spdx_tag_value(doc);
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x01'), std::string::npos);
  EXPECT_NE(out.find("PackageName: we\"ird\\name\xef\xbf\xbd[31m na\xc3\xafve \xef\xbf\xbd/tab\there\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("PackageVersion: <text>1.0.0\n</text>\n"), std::string::npos) << out;
  EXPECT_NE(out.find("purser:generic:trap=a</ text>b"), std::string::npos) << out;
  ReadSbom r = read_ok(out, "odd.spdx");
  EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
  ASSERT_EQ(r.document.packages.size(), 1u);
  const model::Package& p = r.document.packages[0];
  EXPECT_EQ(p.version, "1.0.0\n");
  EXPECT_EQ(p.property("purser:generic:trap"), "a</ text>b");
  EXPECT_EQ(p.property("purser:generic:note"), "</script>&<>\xef\xbf\xbd");
  EXPECT_EQ(p.locations, odd.locations);
}

// ---- reader ------------------------------------------------------------------------------------------------------

const char* const k_app_model =
    "meta tool=hand-writer version=1.0 time=1714979289 target=webshop-2.1.0 author=Example Shop Ltd author=Ada "
    "Example\n"
    "root pkg:npm/webshop@2.1.0 name=webshop version=2.1.0 ecosystem=npm type=application license=Apache-2.0 "
    "supplier=Example Shop Ltd download=git+https://example.com/webshop.git@v2.1.0\n"
    "pkg generic:openssl@3.0.13 name=openssl version=3.0.13 license=Apache-2.0 "
    "prop=purser:cpe=cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*\n"
    "pkg pkg:npm/jest@29.7.0 name=jest version=29.7.0 ecosystem=npm scope=dev license=MIT AND "
    "LicenseRef-Vendor-Notice found_by=npm-package-lock\n"
    "pkg pkg:npm/left-pad@1.3.0 name=left-pad version=1.3.0 ecosystem=npm license=WTFPL supplier=Jane Coder "
    "download=https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz "
    "hash=SHA-1:5b9e7d6c1a8f0e2d3c4b5a69788796a5b4c3d2e1 "
    "hash=SHA-256:8f2b1c0d9e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b\n"
    "pkg pkg:pypi/flask@3.0.0 name=flask version=3.0.0 ecosystem=pypi license=BSD-3-Clause\n"
    "edge pkg:npm/webshop@2.1.0 -> pkg:npm/jest@29.7.0\n"
    "edge pkg:npm/webshop@2.1.0 -> pkg:npm/left-pad@1.3.0\n"
    "edge pkg:npm/webshop@2.1.0 -> pkg:pypi/flask@3.0.0\n"
    "edge pkg:pypi/flask@3.0.0 -> generic:openssl@3.0.13\n";

TEST(SpdxTagValueReader, ReadsAHandWrittenDocument) {
  ReadSbom r = read_ok(fixture("spdx-2.3-app.spdx"), "app.spdx");
  EXPECT_EQ(r.format, SbomFormat::spdx_tag_value);
  EXPECT_EQ(r.spec_version, "2.3");
  EXPECT_EQ(describe(r.document), k_app_model);
  EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
}

TEST(SpdxTagValueReader, JsonAndTagValueOfTheSameContentReadAlike) {
  ReadSbom tv = read_ok(fixture("spdx-2.3-app.spdx"), "app.spdx");
  ReadSbom js = read_ok(fixture("spdx-2.3-app.spdx.json"), "app.spdx.json");
  EXPECT_EQ(js.format, SbomFormat::spdx_json);
  EXPECT_EQ(describe(tv.document), describe(js.document));
  EXPECT_EQ(diagnostics(js.document), std::vector<std::string>{});
  // The conversion the validator uses gives the hand-written JSON member for member.
  EXPECT_EQ(as_json(fixture("spdx-2.3-app.spdx")), json::parse(fixture("spdx-2.3-app.spdx.json")));
}

TEST(SpdxTagValueReader, CrlfLineEndsReadAlike) {
  ReadSbom lf = read_ok(fixture("spdx-2.3-app.spdx"), "app.spdx");
  ReadSbom cr = read_ok(crlf(fixture("spdx-2.3-app.spdx")), "app.spdx");
  EXPECT_EQ(describe(cr.document), describe(lf.document));
  EXPECT_EQ(as_json(crlf(fixture("spdx-2.3-app.spdx"))), json::parse(fixture("spdx-2.3-app.spdx.json")));
  ReadSbom quirks = read_ok(crlf(fixture("spdx-2.2-quirks.spdx")), "q.spdx");
  EXPECT_EQ(diagnostics(quirks.document), diagnostics(read_ok(fixture("spdx-2.2-quirks.spdx"), "q.spdx").document));
}

TEST(SpdxTagValueReader, RoundTripThroughOurWriterMatchesJson) {
  model::Document doc = sample_document();
  doc.metadata.authors = {"Jane Doe"};
  doc.root.supplier = "Example Corp";
  ReadSbom tv = read_ok(write_spdx_tag_value(doc), "sample.spdx");
  ReadSbom js = read_ok(write_spdx_json(doc), "sample.spdx.json");
  EXPECT_EQ(tv.format, SbomFormat::spdx_tag_value);
  EXPECT_EQ(tv.spec_version, "2.3");
  EXPECT_EQ(describe(tv.document), describe(js.document));
  // Requests is unpinned in the sample: the only finding, at its PackageName line, named by its tag.
  std::string text = write_spdx_tag_value(doc);
  std::size_t at = text.find("PackageName: Requests\n");
  ASSERT_NE(at, std::string::npos);
  std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
  EXPECT_EQ(diagnostics(tv.document), std::vector<std::string>{"sample.spdx:" + std::to_string(line) +
                                                               ": PackageVersion: missing for \"Requests\""});
}

TEST(SpdxTagValueReader, RewritingWhatWasReadIsByteIdentical) {
  const std::string text = golden("sample.spdx");
  ReadSbom r = read_ok(text, "sample.spdx");
  EXPECT_EQ(write_spdx_tag_value(r.document), text);
  EXPECT_EQ(write_spdx_json(r.document), golden("sample.spdx.json"));
}

TEST(SpdxTagValueReader, QuirksAreLocatedDiagnostics) {
  ReadSbom r = read_ok(fixture("spdx-2.2-quirks.spdx"), "quirks.spdx");
  EXPECT_EQ(r.spec_version, "2.2");
  EXPECT_EQ(describe(r.document),
            "meta tool=oldtool version=0.9 time=0 target=quirks\n"
            "root pkg:golang/example.com/root@1.0 name=root version=1.0 ecosystem=golang\n"
            "pkg generic:cpeonly@2.0 name=cpeonly version=2.0 scope=optional "
            "prop=purser:cpe=cpe:2.3:a:acme:cpeonly:2.0:*:*:*:*:*:*:*\n"
            "pkg generic:noid@3 name=noid version=3\n"
            "pkg pkg:/nope name=badpurl version=0.1\n"
            "pkg pkg:golang/example.com/nover name=nover ecosystem=golang\n"
            "pkg pkg:npm/dup@1.0 name=dup version=1.0 ecosystem=npm\n"
            "edge pkg:golang/example.com/root@1.0 -> generic:cpeonly@2.0\n"
            "edge pkg:golang/example.com/root@1.0 -> pkg:golang/example.com/nover\n"
            "edge pkg:golang/example.com/root@1.0 -> pkg:npm/dup@1.0\n");
  EXPECT_EQ(
      diagnostics(r.document),
      (std::vector<std::string>{
          "quirks.spdx:8: Created: invalid date-time \"2023-13-01T00:00:00Z\": ignored",
          "quirks.spdx:9: unknown tag \"DocumentFlavour\": ignored",
          "quirks.spdx:15: PackageVersion: already given at line 14: ignored",
          "quirks.spdx:18: PackageComment: text after </text>: ignored",
          "quirks.spdx:19: FileType: outside a file: ignored",
          "quirks.spdx:21: PackageVersion: missing for \"nover\"",
          "quirks.spdx:31: PackageChecksum: expected \"ALGORITHM: value\", found \"SHA256 deadbeef\": ignored",
          "quirks.spdx:32: expected \"Tag: value\", found \"this line has no tag\": ignored",
          "quirks.spdx:33: ExternalRef: expected \"CATEGORY TYPE LOCATOR\", found \"PACKAGE-MANAGER purl\": ignored",
          "quirks.spdx:41: PackageName: duplicate of line 35 (\"pkg:npm/dup@1.0\"): merged",
          "quirks.spdx:51: ExternalRef: invalid purl: missing type",
          "quirks.spdx:53: SPDXID: missing: nothing can refer to this package",
          "quirks.spdx:58: Relationship: undeclared element \"SPDXRef-ghost\": relationship dropped",
          "quirks.spdx:61: Relationship: expected \"ELEMENT TYPE ELEMENT\", found \"SPDXRef-root DEPENDS_ON\": ignored",
          "quirks.spdx:62: RelationshipComment: outside a relationship: ignored",
          "quirks.spdx:67: SPDXID: not expected in a review: ignored",
      }));
}

TEST(SpdxTagValueReader, DetectionSkipsCommentsBlankLinesAndAByteOrderMark) {
  std::string body =
      "SPDXVersion: SPDX-2.3\nDocumentName: d\nPackageName: a\nSPDXID: SPDXRef-a\nPackageVersion: 1\n"
      "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n";
  for (std::string prefix : {"", "\xEF\xBB\xBF", "# a comment\n\n   \n  # another\n", "\r\n\t\r\n"}) {
    ReadSbom r = read_ok(prefix + body, "d.spdx");
    EXPECT_EQ(r.format, SbomFormat::spdx_tag_value);
    EXPECT_EQ(r.document.root.name, "a");
    EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
  }
  // Any other first tag is not tag-value: the JSON reader says why.
  for (const char* text : {"DocumentName: d\nSPDXVersion: SPDX-2.3\n", "SPDXVersionX: SPDX-2.3\n"})
    EXPECT_EQ(read_error(text, "d.spdx").rfind("d.spdx:1: invalid json: ", 0), 0u) << text;
}

// ---- malformed input ---------------------------------------------------------------------------------------------

TEST(SpdxTagValueErrors, UnterminatedTextIsAnError) {
  std::string text =
      "SPDXVersion: SPDX-2.3\nDocumentName: d\n\nPackageName: a\nPackageComment: <text>line one\nline two\n";
  EXPECT_EQ(read_error(text, "t.spdx"),
            "t.spdx:5: invalid spdx tag-value: the <text> of PackageComment is not closed by </text>");
  auto report = validate_sbom(text, "t.spdx");
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().to_string(),
            "t.spdx:5: invalid spdx tag-value: the <text> of PackageComment is not closed by </text>");
}

TEST(SpdxTagValueErrors, TruncatedInsideTextIsAnError) {
  const std::string text = fixture("spdx-2.3-app.spdx");
  std::size_t at = text.find("Vendored under");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(read_error(text.substr(0, at + 8), "app.spdx"),
            "app.spdx:105: invalid spdx tag-value: the <text> of ExtractedText is not closed by </text>");
}

TEST(SpdxTagValueErrors, TruncatedBetweenTagsReadsWhatIsThere) {
  const std::string text = fixture("spdx-2.3-app.spdx");
  std::size_t at = text.find("PackageName: flask");
  ASSERT_NE(at, std::string::npos);
  ReadSbom r = read_ok(text.substr(0, at + 16), "app.spdx");
  EXPECT_EQ(describe(r.document),
            "meta tool=hand-writer version=1.0 time=1714979289 target=webshop-2.1.0 author=Example Shop Ltd "
            "author=Ada Example\n"
            "root pkg:npm/webshop@2.1.0 name=webshop version=2.1.0 ecosystem=npm type=application license=Apache-2.0 "
            "supplier=Example Shop Ltd download=git+https://example.com/webshop.git@v2.1.0\n"
            "pkg generic:fla name=fla\n"
            "pkg pkg:npm/left-pad@1.3.0 name=left-pad version=1.3.0 ecosystem=npm license=WTFPL supplier=Jane Coder "
            "download=https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz "
            "hash=SHA-1:5b9e7d6c1a8f0e2d3c4b5a69788796a5b4c3d2e1 "
            "hash=SHA-256:8f2b1c0d9e8a7f6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b\n");
  EXPECT_EQ(diagnostics(r.document), (std::vector<std::string>{"app.spdx:52: PackageVersion: missing for \"fla\"",
                                                               "app.spdx:52: SPDXID: missing: nothing can refer to "
                                                               "this package"}));
}

TEST(SpdxTagValueErrors, BadLinesAndTagsAreDiagnostics) {
  std::string text =
      "SPDXVersion: SPDX-2.3\n"
      "DocumentName: d\n"
      "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"
      "PackageName: a\n"
      "SPDXID: SPDXRef-a\n"
      "PackageVersion: 1\n"
      ": no tag\n"
      "Package Name: spaced\n"
      "PackageVersoin: 2\n"
      "SnippetByteRange: 1:2\n"
      "ExternalRefComment: alone\n"
      "FilesAnalyzed: maybe\n"
      "PackageChecksum: SHA1:\n"
      "Annotator: Tool: x\n"
      "SPDXREF: SPDXRef-a\n"
      "SPDXREF: SPDXRef-b\n";
  ReadSbom r = read_ok(text, "b.spdx");
  EXPECT_EQ(diagnostics(r.document),
            (std::vector<std::string>{
                "b.spdx:7: expected \"Tag: value\", found \": no tag\": ignored",
                "b.spdx:8: expected \"Tag: value\", found \"Package Name: spaced\": ignored",
                "b.spdx:9: unknown tag \"PackageVersoin\": ignored",
                "b.spdx:10: SnippetByteRange: outside a snippet: ignored",
                "b.spdx:11: ExternalRefComment: no ExternalRef before it: ignored",
                "b.spdx:13: PackageChecksum: expected \"ALGORITHM: value\", found \"SHA1:\": ignored",
                "b.spdx:16: SPDXREF: already given at line 15: ignored",
            }));
  EXPECT_EQ(r.document.root.version, "1");
}

TEST(SpdxTagValueErrors, UnsupportedVersion) {
  EXPECT_EQ(read_error("\n# x\nSPDXVersion: SPDX-3.0\nDocumentName: d\n", "v.spdx"),
            "v.spdx:3: unsupported SPDX version \"SPDX-3.0\": supported are SPDX-2.2, SPDX-2.3");
}

// ---- validation --------------------------------------------------------------------------------------------------

TEST(SpdxTagValueValidate, HandWrittenDocumentIsValid) {
  auto report = validate_sbom(fixture("spdx-2.3-app.spdx"), "app.spdx");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->format, "SPDX 2.3 tag-value");
  EXPECT_EQ(violations(*report), std::vector<std::string>{});
  auto js = validate_sbom(fixture("spdx-2.3-app.spdx.json"), "app.spdx.json");
  ASSERT_TRUE(js.ok()) << js.error().to_string();
  EXPECT_EQ(js->violations.size(), 0u);
  if (std::filesystem::exists(testing::spdx_schema())) {
    EXPECT_EQ(testing::schema_violations(as_json(fixture("spdx-2.3-app.spdx")), testing::spdx_schema()),
              std::vector<std::string>{});
  }
}

TEST(SpdxTagValueValidate, ViolationsCarryTheLineOfTheirTag) {
  std::string text =
      "SPDXVersion: SPDX-2.3\n"
      "DataLicense: CC0-1.0\n"
      "SPDXID: SPDXRef-DOCUMENT\n"
      "DocumentName: v\n"
      "Creator: Someone\n"
      "Created: 2024-01-01T00:00:00Z\n"
      "Colour: blue\n"
      "PackageName: a\n"
      "SPDXID: SPDXRef-a\n"
      "PackageDownloadLocation: not a url\n"
      "FilesAnalyzed: maybe\n"
      "PackageChecksum: SHA1: abc\n"
      "ExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1\n"
      "ExternalRef: SECURITY cpe23Type cpe:/a:x\n"
      "PackageLicenseDeclared: MIT AND LicenseRef-missing\n"
      "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"
      "Relationship: SPDXRef-a LIKES SPDXRef-ghost\n";
  auto report = validate_sbom(text, "v.spdx");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->format, "SPDX 2.3 tag-value");
  EXPECT_EQ(violations(*report),
            (std::vector<std::string>{
                "1: /: missing required property 'documentNamespace'",
                "5: /creationInfo/creators/0: creator 'Someone' must start with 'Tool: ', 'Organization: ' or "
                "'Person: '",
                "7: /: unknown tag \"Colour\": ignored",
                "10: /packages/0/downloadLocation: downloadLocation must be NONE, NOASSERTION or a URL, found 'not a "
                "url'",
                "11: /packages/0/filesAnalyzed: expected true or false",
                "12: /packages/0/checksums/0/checksumValue: checksumValue must be 40 hex digits for SHA1",
                "14: /packages/0/externalRefs/1/referenceLocator: cpe23Type locator must start with 'cpe:2.3:'",
                "15: /packages/0/licenseDeclared: LicenseRef-missing is not declared in hasExtractedLicensingInfos",
                "17: /relationships/1/relatedSpdxElement: 'SPDXRef-ghost' is not an element declared in this document",
                "17: /relationships/1/relationshipType: 'LIKES' is not a relationshipType",
            }));
}

TEST(SpdxTagValueValidate, SpdxTwoTwoRulesApplyToo) {
  auto report = validate_sbom(fixture("spdx-2.2-quirks.spdx"), "quirks.spdx");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->format, "SPDX 2.2 tag-value");
  std::vector<std::string> found = violations(*report);
  for (const char* expected :
       {"8: /creationInfo/created: '2023-13-01T00:00:00Z' is not a date-time (YYYY-MM-DDThh:mm:ssZ)",
        "9: /: unknown tag \"DocumentFlavour\": ignored",
        "12: /packages/0: missing required property 'licenseConcluded'",
        "58: /relationships/2/relatedSpdxElement: 'SPDXRef-ghost' is not an element declared in this document"})
    EXPECT_NE(std::find(found.begin(), found.end(), expected), found.end()) << expected;
}

TEST(SpdxTagValueValidate, AnnotationsAndReviewsJoinTheirElements) {
  std::string text =
      "SPDXVersion: SPDX-2.3\n"
      "DataLicense: CC0-1.0\n"
      "SPDXID: SPDXRef-DOCUMENT\n"
      "DocumentName: d\n"
      "DocumentNamespace: https://example.com/d\n"
      "Creator: Tool: t\n"
      "Created: 2024-01-01T00:00:00Z\n"
      "Annotator: Person: A\n"
      "AnnotationDate: 2024-01-01T00:00:00Z\n"
      "AnnotationType: OTHER\n"
      "SPDXREF: SPDXRef-DOCUMENT\n"
      "AnnotationComment: on the document\n"
      "PackageName: a\n"
      "SPDXID: SPDXRef-a\n"
      "PackageDownloadLocation: NONE\n"
      "FilesAnalyzed: false\n"
      "Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-a\n"
      "Annotator: Person: B\n"
      "AnnotationDate: 2024-01-02T00:00:00Z\n"
      "AnnotationType: SOMETHING\n"
      "SPDXREF: SPDXRef-a\n"
      "AnnotationComment: on a\n"
      "Annotator: Person: C\n"
      "AnnotationDate: 2024-01-03T00:00:00Z\n"
      "AnnotationType: OTHER\n"
      "SPDXREF: SPDXRef-nothing\n"
      "AnnotationComment: on nothing\n"
      "Reviewer: Person: R\n"
      "ReviewDate: 2020-01-01T00:00:00Z\n"
      "ReviewComment: fine\n";
  json doc = as_json(text);
  EXPECT_EQ(doc["annotations"], json::parse(R"([
      {"annotator": "Person: A", "annotationDate": "2024-01-01T00:00:00Z", "annotationType": "OTHER",
       "comment": "on the document"},
      {"annotator": "Person: C", "annotationDate": "2024-01-03T00:00:00Z", "annotationType": "OTHER",
       "comment": "on nothing"}])"));
  EXPECT_EQ(doc["packages"][0]["annotations"], json::parse(R"([
      {"annotator": "Person: B", "annotationDate": "2024-01-02T00:00:00Z", "annotationType": "SOMETHING",
       "comment": "on a"}])"));
  EXPECT_EQ(doc["revieweds"],
            json::parse(R"([{"reviewer": "Person: R", "reviewDate": "2020-01-01T00:00:00Z", "comment": "fine"}])"));
  auto report = validate_sbom(text, "a.spdx");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(violations(*report),
            (std::vector<std::string>{
                "20: /packages/0/annotations/0/annotationType: annotationType must be REVIEW or OTHER",
                "26: /: SPDXREF: \"SPDXRef-nothing\" is not an element declared in this document: the annotation is "
                "read as the document's",
            }));
}

}  // namespace
}  // namespace purser::formats
