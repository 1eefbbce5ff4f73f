// CycloneDX XML: writer goldens checked against the official XSDs, reader quirks and errors, validation, and round
// trips between the two syntaxes.

#include <gtest/gtest.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "formats/reader.hpp"
#include "formats/validate.hpp"
#include "formats/writers.hpp"
#include "tests/formats/writer_test_support.hpp"

namespace purser::formats {
namespace {

using testing::empty_document;
using testing::expect_golden;
using testing::read_file;
using testing::sample_document;

const CycloneDxVersion k_versions[] = {CycloneDxVersion::v1_4, CycloneDxVersion::v1_5, CycloneDxVersion::v1_6};

std::string fixture(const std::string& name) {
  return read_file(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "sboms" / name);
}
std::string golden(const std::string& name) {
  return read_file(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "golden" / name);
}

void silence(void*, xmlErrorPtr) {}

// Validates with libxml2 directly against the XSD files in schemas/ (independent of formats/validate_xml.cpp, which
// uses the embedded copies, so a writer bug and a validator bug cannot hide each other). Returns "line: message"
// per violation, or the reason the document or schema could not be read.
std::vector<std::string> xsd_violations(const std::string& xml, const char* version) {
  std::vector<std::string> out;
  std::string schema_path = std::string(PURSER_SOURCE_DIR) + "/schemas/cyclonedx/bom-" + version + ".SNAPSHOT.xsd";
  xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(schema_path.c_str());
  xmlSchemaSetParserStructuredErrors(parser, silence, nullptr);
  xmlSchemaPtr schema = xmlSchemaParse(parser);
  xmlSchemaFreeParserCtxt(parser);
  if (schema == nullptr) return {"cannot load " + schema_path};
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), nullptr, nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) {
    xmlSchemaFree(schema);
    return {"not well-formed"};
  }
  xmlSchemaValidCtxtPtr valid = xmlSchemaNewValidCtxt(schema);
  xmlSchemaSetValidStructuredErrors(
      valid,
      [](void* data, xmlErrorPtr e) {
        static_cast<std::vector<std::string>*>(data)->push_back(std::to_string(e->line) + ": " + e->message);
      },
      &out);
  if (xmlSchemaValidateDoc(valid, doc) != 0 && out.empty()) out.push_back("invalid");
  xmlSchemaFreeValidCtxt(valid);
  xmlFreeDoc(doc);
  xmlSchemaFree(schema);
  return out;
}

// One line per fact, only the fields that are set (the same shape as reader_test.cpp's, so the quirk expectations
// read alike).
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

std::string describe(const model::Document& doc, bool with_metadata = true) {
  std::string out;
  const model::Metadata& md = doc.metadata;
  if (with_metadata) {
    out += "meta tool=" + md.tool_name + " version=" + md.tool_version + " time=" + std::to_string(md.timestamp);
    if (!md.source_target.empty()) out += " target=" + md.source_target;
    for (const auto& a : md.authors) out += " author=" + a;
    out += "\n";
  }
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

std::string read_error(std::string_view bytes, util::ErrorCode code) {
  auto r = read_sbom(bytes, "bom.xml");
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().code, code);
  return r.error().to_string();
}

// "path:line: pointer: message" per violation, as `purser validate` shows them.
std::vector<std::string> violations(const std::string& xml) {
  auto r = validate_sbom(xml, "bom.xml");
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  if (!r.ok()) return {"<error>"};
  std::vector<std::string> out;
  for (const auto& v : r->violations) out.push_back(std::to_string(v.line) + ": " + v.pointer + ": " + v.message);
  return out;
}

std::string validate_error(const std::string& xml, util::ErrorCode code) {
  auto r = validate_sbom(xml, "bom.xml");
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "<ok>";
  EXPECT_EQ(r.error().code, code);
  return r.error().to_string();
}

std::string attribute_of(const std::string& xml, const std::string& name) {
  std::smatch m;
  if (!std::regex_search(xml, m, std::regex(" " + name + "=\"([^\"]*)\""))) return {};
  return m[1];
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

std::string version_name(const ::testing::TestParamInfo<CycloneDxVersion>& info) {
  std::string s = to_string(info.param);
  return "v" + s.substr(0, 1) + "_" + s.substr(2);
}

// The model facts both syntaxes carry, for round-trip comparisons: identities, versions, PURLs, licences, hashes,
// suppliers, scopes, properties, locations and edges.
void expect_same_content(const model::Document& a, const model::Document& b) { EXPECT_EQ(describe(a), describe(b)); }

}  // namespace

// --- writer ------------------------------------------------------------------------------------------------------

class CycloneDxXmlGolden : public ::testing::TestWithParam<CycloneDxVersion> {};

TEST_P(CycloneDxXmlGolden, SampleMatchesGoldenAndSchema) {
  std::string out = write_cyclonedx_xml(sample_document(), GetParam());
  expect_golden(std::string("sample.cdx-") + to_string(GetParam()) + ".xml", out);
  EXPECT_EQ(xsd_violations(out, to_string(GetParam())), std::vector<std::string>{});
  auto report = validate_sbom(out, "sample.xml");
  ASSERT_TRUE(report.ok()) << report.error().to_string();
  EXPECT_EQ(report->format, std::string("CycloneDX ") + to_string(GetParam()) + " XML");
  EXPECT_TRUE(report->ok());
}

TEST_P(CycloneDxXmlGolden, GoldenFileIsValid) {
  std::string name = std::string("sample.cdx-") + to_string(GetParam()) + ".xml";
  std::string bytes = golden(name);
  EXPECT_EQ(xsd_violations(bytes, to_string(GetParam())), std::vector<std::string>{});
  EXPECT_EQ(violations(bytes), std::vector<std::string>{});
}

TEST_P(CycloneDxXmlGolden, EmptyDocumentIsValid) {
  std::string out = write_cyclonedx_xml(empty_document(), GetParam());
  EXPECT_EQ(out.find("\n  <components>"), std::string::npos);  // only the tool's, under metadata/tools
  EXPECT_NE(out.find("<dependency ref=\"generic:empty\"/>"), std::string::npos);
  EXPECT_EQ(xsd_violations(out, to_string(GetParam())), std::vector<std::string>{});
}

// The same BOM in both syntaxes: one serial number, one timestamp.
TEST_P(CycloneDxXmlGolden, SerialNumberIsTheJsonDocumentsSerial) {
  model::Document doc = sample_document();
  std::string xml = write_cyclonedx_xml(doc, GetParam());
  std::string json = write_cyclonedx_json(doc, GetParam());
  std::string serial = attribute_of(xml, "serialNumber");
  EXPECT_TRUE(std::regex_match(serial, std::regex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                                  "[0-9a-f]{12}")))
      << serial;
  EXPECT_NE(json.find("\"serialNumber\": \"" + serial + "\""), std::string::npos);
  doc.packages[0].version = "20.11.6";
  EXPECT_NE(attribute_of(write_cyclonedx_xml(doc, GetParam()), "serialNumber"), serial);
}

TEST_P(CycloneDxXmlGolden, OddCharactersAreEscapedOrReplacedAndValid) {
  model::Document doc = sample_document();
  model::Package odd = testing::odd_package();
  doc.packages.push_back(odd);
  doc.relationships.push_back({doc.root.ref(), odd.ref(), model::RelationshipKind::depends_on});
  doc.root.supplier = "Carriage\rReturn";
  doc.normalize();
  std::string out = write_cyclonedx_xml(doc, GetParam());
  EXPECT_EQ(xsd_violations(out, to_string(GetParam())), std::vector<std::string>{});
  EXPECT_EQ(out.find('\x1b'), std::string::npos);
  EXPECT_EQ(out.find('\x01'), std::string::npos);
  EXPECT_NE(out.find("<name>we\"ird\\name\xef\xbf\xbd[31m na\xc3\xafve \xef\xbf\xbd/tab\there</name>"),
            std::string::npos);
  EXPECT_NE(out.find("<property name=\"purser:generic:note\">&lt;/script&gt;&amp;&lt;&gt;\xef\xbf\xbd</property>"),
            std::string::npos);
  EXPECT_NE(out.find("<name>Carriage&#13;Return</name>"), std::string::npos);
  // Attributes keep tabs and line feeds through attribute-value normalisation.
  EXPECT_NE(
      out.find(
          "bom-ref=\"generic:we&quot;ird\\name\xef\xbf\xbd[31m na\xc3\xafve \xef\xbf\xbd/tab&#9;here@1.0.0&#10;\""),
      std::string::npos);

  ReadSbom back = read_ok(out, "odd.xml");
  auto it = std::find_if(back.document.packages.begin(), back.document.packages.end(),
                         [](const model::Package& p) { return p.version == "1.0.0\n"; });
  ASSERT_NE(it, back.document.packages.end());
  EXPECT_EQ(it->name, "we\"ird\\name\xef\xbf\xbd[31m na\xc3\xafve \xef\xbf\xbd/tab\there");
  EXPECT_EQ(it->license, "Line\nBreak \"quoted\"");
  EXPECT_EQ(it->property("purser:generic:note"), "</script>&<>\xef\xbf\xbd");
  EXPECT_EQ(back.document.root.supplier, "Carriage\rReturn");
  EXPECT_EQ(back.document.relationships.size(), doc.relationships.size());
}

INSTANTIATE_TEST_SUITE_P(Versions, CycloneDxXmlGolden, ::testing::ValuesIn(k_versions), version_name);

// STYLE 15: every golden XML file is valid, by the XSD files and by `purser validate`.
TEST(CycloneDxXml, EveryGoldenFileValidates) {
  std::size_t checked = 0;
  for (const auto& e :
       std::filesystem::directory_iterator(std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "golden")) {
    std::string name = e.path().filename().string();
    if (e.path().extension() != ".xml") continue;
    SCOPED_TRACE(name);
    std::smatch m;
    ASSERT_TRUE(std::regex_search(name, m, std::regex("cdx-(1\\.[0-9])\\.xml$")));
    std::string bytes = read_file(e.path());
    EXPECT_EQ(xsd_violations(bytes, m[1].str().c_str()), std::vector<std::string>{});
    EXPECT_EQ(violations(bytes), std::vector<std::string>{});
    ++checked;
  }
  EXPECT_GE(checked, 4u);
}

TEST(CycloneDxXml, EmptyDocumentGolden) { expect_golden("empty.cdx-1.6.xml", write_cyclonedx_xml(empty_document())); }

TEST(CycloneDxXml, StreamedBytesEqualTheString) {
  model::Document doc = sample_document();
  std::string streamed;
  std::size_t chunks = 0;
  write_cyclonedx_xml(doc, CycloneDxVersion::v1_5, [&](std::string_view bytes) {
    streamed.append(bytes);
    ++chunks;
  });
  EXPECT_EQ(streamed, write_cyclonedx_xml(doc, CycloneDxVersion::v1_5));
  EXPECT_GE(chunks, 2u);
}

TEST(CycloneDxXml, TimestampBeforeYearOneIsClampedForXsdDateTime) {
  model::Document doc = empty_document();
  doc.metadata.timestamp = INT64_MIN;
  std::string out = write_cyclonedx_xml(doc);
  EXPECT_NE(out.find("<timestamp>0001-01-01T00:00:00Z</timestamp>"), std::string::npos);
  EXPECT_EQ(xsd_violations(out, "1.6"), std::vector<std::string>{});
}

// The XSD check above would pass vacuously if it never rejected anything: each mutation must be caught, by the
// schema and by `purser validate`.
TEST(CycloneDxXml, SchemaCheckIsLive) {
  const std::pair<std::string, std::string> breakers[] = {
      {"<scope>excluded</scope>", "<scope>dev</scope>"},
      {"<hash alg=\"SHA-256\">2b0f", "<hash alg=\"SHA-256\">xyz2b0f"},
      {"<license>\n          <id>MIT</id>", "<license>\n          <id>Not-A-Licence</id>"},
      {"serialNumber=\"urn:uuid:", "serialNumber=\"urn:uuid:x"},
      {"<name>node</name>", "<colour>red</colour><name>node</name>"},
  };
  for (CycloneDxVersion version : k_versions) {
    const char* v = to_string(version);
    const std::string good = write_cyclonedx_xml(sample_document(), version);
    ASSERT_EQ(xsd_violations(good, v), std::vector<std::string>{}) << v;
    for (std::size_t i = 0; i < std::size(breakers); ++i) {
      std::string bad = replace(good, breakers[i].first, breakers[i].second);
      EXPECT_FALSE(xsd_violations(bad, v).empty()) << v << " breaker " << i;
      EXPECT_FALSE(violations(bad).empty()) << v << " breaker " << i;
    }
  }
}

TEST(CycloneDxXml, LegacyToolsIn14AndOccurrencesFrom15) {
  std::string v14 = write_cyclonedx_xml(sample_document(), CycloneDxVersion::v1_4);
  EXPECT_NE(v14.find("<tools>\n      <tool>\n        <name>purser</name>"), std::string::npos);
  EXPECT_EQ(v14.find("<occurrences>"), std::string::npos);
  EXPECT_NE(v14.find("<property name=\"purser:location\">go.mod:5</property>"), std::string::npos);
  std::string v15 = write_cyclonedx_xml(sample_document(), CycloneDxVersion::v1_5);
  EXPECT_NE(v15.find("<location>go.mod:5</location>"), std::string::npos);
  std::string v16 = write_cyclonedx_xml(sample_document(), CycloneDxVersion::v1_6);
  EXPECT_NE(v16.find("<location>go.mod</location>\n            <line>5</line>"), std::string::npos);
}

// --- round trips -------------------------------------------------------------------------------------------------

// Write → read → write gives the same bytes, in every version.
TEST(CycloneDxXmlRoundTrip, RewritingWhatWasReadIsByteIdentical) {
  model::Document doc = sample_document();
  doc.diagnostics.clear();
  doc.metadata.authors = {"Jane Doe", "Build Team"};
  doc.root.supplier = "Example Corp";
  for (CycloneDxVersion v : k_versions) {
    SCOPED_TRACE(to_string(v));
    std::string first = write_cyclonedx_xml(doc, v);
    ReadSbom r = read_ok(first, "a.xml");
    EXPECT_EQ(r.format, SbomFormat::cyclonedx_xml);
    EXPECT_EQ(r.spec_version, to_string(v));
    // Requests is unpinned in the sample: the only finding, on the line of its component element.
    std::size_t at = first.find("<component type=\"library\" bom-ref=\"pkg:pypi/requests\">");
    std::string line = std::to_string(1 + std::count(first.begin(), first.begin() + static_cast<long>(at), '\n'));
    EXPECT_EQ(
        diagnostics(r.document),
        std::vector<std::string>{"a.xml:" + line + ": /bom/components/component[7]/version: missing for \"Requests\""});
    r.document.diagnostics.clear();
    EXPECT_EQ(write_cyclonedx_xml(r.document, v), first);
    EXPECT_EQ(r.document.metadata.authors, doc.metadata.authors);
    EXPECT_EQ(r.document.metadata.source_target, "dir:examples/app");
  }
}

// JSON → model → XML → model: nothing the model holds is lost on the way through XML, and the XML reader sees
// what the JSON reader saw.
TEST(CycloneDxXmlRoundTrip, JsonToXmlKeepsEverything) {
  for (CycloneDxVersion v : k_versions) {
    SCOPED_TRACE(to_string(v));
    std::string name = std::string("sample.cdx-") + to_string(v) + ".json";
    ReadSbom from_json = read_ok(golden(name), name);
    ReadSbom from_xml = read_ok(write_cyclonedx_xml(from_json.document, v), "x.xml");
    expect_same_content(from_json.document, from_xml.document);
    EXPECT_EQ(from_json.spec_version, from_xml.spec_version);
    // and back: the JSON written from either reading is the same document
    from_xml.document.diagnostics.clear();
    from_json.document.diagnostics.clear();
    EXPECT_EQ(write_cyclonedx_json(from_xml.document, v), write_cyclonedx_json(from_json.document, v));
  }
}

TEST(CycloneDxXmlRoundTrip, ReadsEveryGoldenFile) {
  for (const char* name : {"sample.cdx-1.4.xml", "sample.cdx-1.5.xml", "sample.cdx-1.6.xml", "empty.cdx-1.6.xml"}) {
    SCOPED_TRACE(name);
    ReadSbom r = read_ok(golden(name), name);
    bool empty = std::string(name).rfind("empty", 0) == 0;
    EXPECT_EQ(r.document.packages.size(), empty ? 0u : 7u);
    EXPECT_EQ(r.document.root.name, empty ? "empty" : "demo-app");
    EXPECT_EQ(r.document.metadata.timestamp, 1704164645);
  }
}

// --- reader: quirks ----------------------------------------------------------------------------------------------

// The XML twin of cdx-1.6-quirks.json reads to the same model, with the same findings located by XML path.
TEST(CycloneDxXmlReader, Quirks) {
  ReadSbom r = read_ok(fixture("cdx-1.6-quirks.xml"), "quirks.xml");
  EXPECT_EQ(r.format, SbomFormat::cyclonedx_xml);
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
                "quirks.xml:39: /bom/components/component[1]/hashes/hash[2]: expected an alg attribute and content: "
                "ignored",
                "quirks.xml:44: /bom/components/component[1]/licenses/license[3]: expected a license id, name or "
                "expression: ignored",
                "quirks.xml:78: /bom/components/component[3]/version: missing for \"left-pad\"",
                "quirks.xml:81: /bom/components/component[4]/name: missing: named \"requests\" after its purl",
                "quirks.xml:84: /bom/components/component[5]/name: missing, and no valid purl: component skipped",
                "quirks.xml:85: /bom/components/component[6]/@bom-ref: duplicate \"noversion\": the first, at "
                "/bom/components/component[3], wins",
                "quirks.xml:92: /bom/components/component[7]/purl: invalid purl: missing pkg: scheme",
                "quirks.xml:102: /bom/components/component[8]/properties/property[4]: expected a name attribute: "
                "ignored",
                "quirks.xml:109: /bom/components/component[10]: duplicate of /bom/components/component[4] "
                "(\"pkg:pypi/requests@2.31.0\"): merged",
                "quirks.xml:132: /bom/dependencies/dependency[1]/dependency[6]: undeclared ref \"ghost\": edge "
                "dropped",
                "quirks.xml:137: /bom/dependencies/dependency[3]/@ref: undeclared ref \"phantom\": its edges are "
                "dropped",
                "quirks.xml:142: /bom/dependencies/dependency[4]/dependency[2]/@ref: missing: ignored",
                "quirks.xml:145: /bom/dependencies/dependency[5]/@ref: missing: entry ignored",
            }));
}

// Both syntaxes of the same hand-written document read to the same model.
TEST(CycloneDxXmlReader, QuirksAgreeWithTheJsonReader) {
  ReadSbom xml = read_ok(fixture("cdx-1.6-quirks.xml"), "quirks.xml");
  ReadSbom json = read_ok(fixture("cdx-1.6-quirks.json"), "quirks.json");
  EXPECT_EQ(describe(xml.document), describe(json.document));
  // The XML twin adds a malformed hash, licence and property, and has no non-object component to report.
  EXPECT_EQ(xml.document.diagnostics.size(), json.document.diagnostics.size() + 3 - 1);
}

TEST(CycloneDxXmlReader, PrefixedNamespaceLegacyToolsAndSplitText) {
  ReadSbom r = read_ok(fixture("cdx-1.2-legacy.xml"), "legacy.xml");
  EXPECT_EQ(r.spec_version, "1.2");
  EXPECT_EQ(describe(r.document),
            "meta tool=cyclonedx-gomod version=1.4.0 time=1583020799 author=Build Bot\n"
            "root generic:unknown name=unknown type=application\n"
            "pkg generic:z<lib>@1.3 name=z<lib> version=1.3 license=Zlib AND (MIT OR Apache-2.0) AND MIT\n"
            "pkg pkg:golang/github.com/pkg/errors@v0.9.1 name=github.com/pkg/errors version=v0.9.1 "
            "ecosystem=golang license=BSD 2-Clause hash=SHA-1:da39a3ee5e6b4b0d3255bfef95601890afd80709\n");
  EXPECT_EQ(diagnostics(r.document),
            std::vector<std::string>{
                "legacy.xml:19: /bom/components/component[1]/hashes/hash[2]: expected an alg attribute and content: "
                "ignored"});
}

TEST(CycloneDxXmlReader, NamespaceVersionsAndDetection) {
  // A byte order mark and leading whitespace still make it XML; the namespace gives the version.
  for (const char* v : {"1.2", "1.3", "1.4", "1.5", "1.6"}) {
    std::string bytes = std::string("\xEF\xBB\xBF \n<bom xmlns=\"http://cyclonedx.org/schema/bom/") + v +
                        "\"><metadata><component type=\"application\"><name>a</name></component></metadata></bom>";
    ReadSbom r = read_ok(bytes, "v.xml");
    EXPECT_EQ(r.spec_version, v);
    EXPECT_EQ(r.document.root.name, "a");
    EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
  }
  ReadSbom later = read_ok("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.7\"/>", "v.xml");
  EXPECT_EQ(later.spec_version, "1.7");
  EXPECT_EQ(diagnostics(later.document),
            std::vector<std::string>{"v.xml:1: /bom/@xmlns: unsupported version \"1.7\": read as 1.6"});
  ReadSbom bare = read_ok(
      "<bom>\n<components><component><name>x</name><version>1</version></component>"
      "</components></bom>",
      "v.xml");
  EXPECT_EQ(bare.spec_version, "");
  EXPECT_EQ(bare.document.packages.size(), 1u);
  EXPECT_EQ(diagnostics(bare.document), std::vector<std::string>{"v.xml:1: /bom/@xmlns: missing: read as 1.6"});
}

TEST(CycloneDxXmlReader, MetadataTimestampAndOccurrences) {
  ReadSbom r = read_ok(R"(<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
  <metadata>
    <timestamp>yesterday</timestamp>
    <properties><property name="purser:source-target">dir:x</property></properties>
  </metadata>
  <components>
    <component type="library">
      <name>a</name><version>1</version>
      <evidence><occurrences>
        <occurrence><location>a.txt</location><line>12</line></occurrence>
        <occurrence><location>b.bin</location><offset>0</offset></occurrence>
        <occurrence><location>c</location><line>-1</line></occurrence>
        <occurrence><location>d:7</location></occurrence>
      </occurrences></evidence>
    </component>
  </components>
</bom>)",
                       "m.xml");
  EXPECT_EQ(r.document.metadata.source_target, "dir:x");
  EXPECT_EQ(r.document.metadata.timestamp, 0);
  ASSERT_EQ(r.document.packages.size(), 1u);
  util::Location at_offset{"b.bin", 0, 0};
  EXPECT_EQ(r.document.packages[0].locations,
            (std::vector<util::Location>{{"a.txt", 12}, at_offset, {"c", 0}, {"d", 7}}));
  EXPECT_EQ(diagnostics(r.document),
            std::vector<std::string>{"m.xml:3: /bom/metadata/timestamp: invalid date-time \"yesterday\": ignored"});
}

TEST(CycloneDxXmlReader, NestedDependenciesStateTheirOwnEdges) {
  ReadSbom r = read_ok(R"(<bom xmlns="http://cyclonedx.org/schema/bom/1.4">
  <metadata><component type="application" bom-ref="r"><name>r</name></component></metadata>
  <components>
    <component type="library" bom-ref="a"><name>a</name><version>1</version></component>
    <component type="library" bom-ref="b"><name>b</name><version>1</version></component>
  </components>
  <dependencies>
    <dependency ref="r"><dependency ref="a"><dependency ref="b"/></dependency></dependency>
  </dependencies>
</bom>)",
                       "d.xml");
  EXPECT_EQ(describe(r.document, false),
            "root generic:r name=r type=application\n"
            "pkg generic:a@1 name=a version=1\n"
            "pkg generic:b@1 name=b version=1\n"
            "edge generic:a@1 -> generic:b@1\n"
            "edge generic:r -> generic:a@1\n");
  EXPECT_EQ(diagnostics(r.document), std::vector<std::string>{});
}

// A DTD is noted and never used: its entities are not expanded, and nothing is fetched.
TEST(CycloneDxXmlReader, DocumentTypeDeclarationsAreIgnored) {
  std::string bytes = R"(<?xml version="1.0"?>
<!DOCTYPE bom [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY x SYSTEM "file:///etc/passwd">
]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.6">
  <components>
    <component type="library"><name>&c;</name><version>&x;</version></component>
  </components>
</bom>)";
  ReadSbom r = read_ok(bytes, "dtd.xml");
  ASSERT_EQ(r.document.packages.size(), 1u);
  EXPECT_EQ(r.document.packages[0].name, "&c;");
  EXPECT_EQ(r.document.packages[0].version, "&x;");
  EXPECT_EQ(diagnostics(r.document),
            std::vector<std::string>{"dtd.xml:2: document type declaration ignored: its entities are not expanded"});
}

// --- reader: errors ----------------------------------------------------------------------------------------------

TEST(CycloneDxXmlReaderErrors, MalformedXmlReportsTheLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n <components>\n  <component type=\"library\"",
       "bom.xml:3: invalid xml: error parsing start element tag"},
      {"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n</bom>",
       "bom.xml:3: invalid xml: start-end tags mismatch"},
      {"<bom a=\"1>\n</bom>", "bom.xml:1: invalid xml: error parsing element attribute"},
      {"<bom>\n<!-- open", "bom.xml:2: invalid xml: error parsing comment"},
      {"<bom>\n<![CDATA[x", "bom.xml:2: invalid xml: error parsing CDATA section"},
      {"  <", "bom.xml:1: invalid xml: could not determine tag type"},
      {"<bom/>\n<bom/>", "bom.xml:2: invalid xml: more than one document element"},
      {"<?xml version=\"1.0\"?>\n<!-- nothing else -->\n", "bom.xml:3: invalid xml: no document element found"},
  };
  for (const auto& [bytes, message] : cases) EXPECT_EQ(read_error(bytes, util::ErrorCode::parse), message) << bytes;
}

TEST(CycloneDxXmlReaderErrors, TruncatedDocument) {
  std::string full = write_cyclonedx_xml(sample_document());
  std::string cut = full.substr(0, full.find("<hashes>") + 8);
  // Reported at the end of the input: line 50, where the cut is.
  ASSERT_EQ(std::count(cut.begin(), cut.end(), '\n'), 49);
  EXPECT_EQ(read_error(cut, util::ErrorCode::parse), "bom.xml:50: invalid xml: start-end tags mismatch");
}

TEST(CycloneDxXmlReaderErrors, TooDeep) {
  std::string bytes = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<x>";
  for (int i = 0; i < 600; ++i) bytes += "<a>";
  for (int i = 0; i < 600; ++i) bytes += "</a>";
  bytes += "</x></bom>";
  EXPECT_EQ(read_error(bytes, util::ErrorCode::parse), "bom.xml:2: invalid xml: nesting deeper than 512 levels");
}

TEST(CycloneDxXmlReaderErrors, XmlThatIsNotCycloneDx) {
  EXPECT_EQ(read_error("<project>\n</project>", util::ErrorCode::unsupported),
            "bom.xml:1: not a CycloneDX XML document: the document element is <project>");
  EXPECT_EQ(read_error("<bom xmlns=\"urn:other\"/>", util::ErrorCode::unsupported),
            "bom.xml:1: not a CycloneDX XML document: namespace is \"urn:other\"");
}

// --- validation --------------------------------------------------------------------------------------------------

TEST(CycloneDxXmlValidate, LegacyVersionsValidate) {
  for (const char* v : {"1.2", "1.3"}) {
    std::string bytes = std::string("<bom xmlns=\"http://cyclonedx.org/schema/bom/") + v +
                        "\" version=\"1\">\n<components>\n<component type=\"library\" bom-ref=\"a\">"
                        "<name>a</name><version>1</version></component>\n</components>\n"
                        "<dependencies><dependency ref=\"a\"/></dependencies></bom>";
    auto r = validate_sbom(bytes, "bom.xml");
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    EXPECT_EQ(r->format, std::string("CycloneDX ") + v + " XML");
    EXPECT_TRUE(r->ok()) << r->violations[0].message;
  }
}

TEST(CycloneDxXmlValidate, ViolationsHavePathsAndLines) {
  std::string good = write_cyclonedx_xml(sample_document());
  std::string bad = replace(good, "<scope>excluded</scope>", "<scope>dev</scope>");
  bad = replace(bad, "<dependency ref=\"pkg:npm/jest@29.7.0\"/>", "<dependency ref=\"pkg:npm/ghost@1\"/>");
  bad = replace(bad, "<name>serde</name>", "<colour>red</colour><name>serde</name>");
  // serde is the second component, jest the fifth and the root's fourth dependency (sorted by ref).
  EXPECT_EQ(violations(bad),
            (std::vector<std::string>{
                "47: /bom/components/component[2]/colour: this element is not expected. Expected is one of ( "
                "supplier, manufacturer, authors, author, publisher, group, name )",
                "139: /bom/components/component[5]/scope: [facet 'enumeration'] the value 'dev' is not an element "
                "of the set {'required', 'optional', 'excluded'}",
                "205: /bom/dependencies/dependency[1]/dependency[4]/@ref: ref 'pkg:npm/ghost@1' does not name a "
                "component or service bom-ref",
            }));
}

TEST(CycloneDxXmlValidate, LinesPast65535) {
  std::string bytes = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">" + std::string(70000, '\n') +
                      "<components><component type=\"gizmo\"><name>a</name></component></components></bom>";
  EXPECT_EQ(violations(bytes),
            (std::vector<std::string>{
                "70001: /bom/components/component/@type: [facet 'enumeration'] the value 'gizmo' is not an element "
                "of the set {'application', 'framework', 'library', 'container', 'platform', 'operating-system', "
                "'device', 'device-driver', 'firmware', 'file', 'machine-learning-model', 'data', "
                "'cryptographic-asset'}",
            }));
}

TEST(CycloneDxXmlValidate, Errors) {
  EXPECT_EQ(validate_error("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">\n<components>\n</bom>",
                           util::ErrorCode::parse),
            "bom.xml:3: invalid xml: opening and ending tag mismatch: components line 2 and bom");
  EXPECT_EQ(validate_error("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.1\"/>", util::ErrorCode::unsupported),
            "bom.xml: unsupported CycloneDX version 1.1: supported are 1.2, 1.3, 1.4, 1.5, 1.6");
  EXPECT_EQ(validate_error("<project/>", util::ErrorCode::unsupported), "bom.xml: not a CycloneDX XML document");
  EXPECT_EQ(validate_error("<bom xmlns=\"urn:x\"/>", util::ErrorCode::unsupported),
            "bom.xml: not a CycloneDX XML document: namespace is 'urn:x'");
  EXPECT_EQ(
      validate_error("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">&undefined;</bom>", util::ErrorCode::parse),
      "bom.xml:1: invalid xml: entity 'undefined' not defined");
}

// No entity is ever expanded or loaded: a document type declaration is refused before libxml2 sees it, and schema
// hints in the document are not followed.
TEST(CycloneDxXmlValidate, HostileDocuments) {
  EXPECT_EQ(validate_error("<?xml version=\"1.0\"?>\n<!-- x -->\n<!DOCTYPE bom [<!ENTITY x SYSTEM "
                           "\"file:///etc/passwd\">]>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">&x;</bom>",
                           util::ErrorCode::unsupported),
            "bom.xml:3: document type declaration: refused (entities are never expanded or loaded)");
  std::string hinted = replace(write_cyclonedx_xml(empty_document()), "version=\"1\">",
                               "version=\"1\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                               "xsi:schemaLocation=\"http://cyclonedx.org/schema/bom/1.6 http://127.0.0.1:9/x.xsd\">");
  EXPECT_EQ(violations(hinted), std::vector<std::string>{});
}

}  // namespace purser::formats
