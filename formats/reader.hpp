#pragma once
// SBOM readers: CycloneDX JSON and XML, SPDX JSON (and tag-value) into the same model `scan` produces.

#include <string>
#include <string_view>

#include "lib/model/package.hpp"
#include "lib/util/result.hpp"

namespace purser::formats {

/// Which format a document was read as.
enum class SbomFormat { cyclonedx_json, spdx_json, spdx_tag_value, cyclonedx_xml };

/// A document read from bytes, with what the reader saw.
struct ReadSbom {
  SbomFormat format = SbomFormat::cyclonedx_json;
  std::string spec_version;  ///< "1.6", "2.3", ... as the document states it (empty when it states none)
  model::Document document;  ///< diagnostics (located, never fatal) in document.diagnostics
};

/// Detects CycloneDX JSON (bomFormat) or SPDX JSON (spdxVersion) and reads it into the model: the root
/// (CycloneDX metadata.component / SPDX DESCRIBES target), packages with name, version, PURL, ecosystem
/// (from the PURL type), licence expression, hashes, supplier, download location, properties; edges
/// (dependsOn, DEPENDS_ON/CONTAINS and their inverses); metadata timestamp and authors. Real-world quirks
/// (missing versions, null arrays, duplicate refs, nested components, edges to undeclared ids) become
/// diagnostics with `path` and a JSON pointer. ErrorCode::parse with line for bytes that are not JSON;
/// ErrorCode::unsupported for JSON that is neither format.
///
/// The result is normalized (Document::normalize). How fields map:
/// - Identity: valid PURLs are canonicalised (model::Purl), so refs match what a scan produces; an invalid PURL is
///   kept as written, with a diagnostic. Components or packages with the same ref are merged into one package
///   (first one's fields win, hashes/locations/properties united) with a diagnostic; one equal to the root merges
///   into the root. Without a name the PURL's namespace/name is used; without either the entry is skipped.
/// - Root: CycloneDX metadata.component; without one, an application named "unknown". SPDX: the one described
///   package; several described packages get an application root named after the document that contains each of
///   them; none gets that root alone (and a diagnostic). The root may be unreachable from nothing: the reader adds
///   no edges the document does not state, so top-level components nothing depends on are orphans.
/// - CycloneDX group joins the name with '/' as a PURL joins namespace and name ("@types" + "node" →
///   "@types/node"). Nested components are flattened, each with a contains edge from its parent. dependsOn →
///   depends_on (refs resolve by bom-ref, then by PURL); edges to services are dropped silently. scope "excluded"
///   → dev, as does the taxonomy property cdx:npm:package:development = "true" (npm sbom's dev mark). Several
///   licences → joined with AND (the list's meaning is unspecified; AND never grants more), free-text names among
///   them becoming LicenseRef-<name>; 1.6 "declared" acknowledgements win over "concluded".
///   Component types the model lacks → library plus property purser:cyclonedx:type; a CPE without a PURL →
///   property purser:cpe; externalReferences "distribution" → download_url.
/// - SPDX licence: licenseDeclared, else licenseConcluded; NOASSERTION/NONE → empty. Supplier and creators drop
///   their "Organization: "/"Person: " prefix and e-mail; "Tool: name-version" → metadata tool_name/tool_version.
///   PACKAGE-MANAGER (2.2: PACKAGE_MANAGER) purl → PURL; cpe23Type/cpe22Type without a purl → purser:cpe.
///   DEPENDS_ON, HAS_PREREQUISITE, STATIC_LINK, DYNAMIC_LINK and *DEPENDENCY_OF/PREREQUISITE_FOR (inverse) →
///   depends_on; CONTAINS/CONTAINED_BY (inverse) → contains; DEV_/TEST_DEPENDENCY_OF make the dependency dev and
///   OPTIONAL_DEPENDENCY_OF optional unless a plain dependency relationship also needs it. Files and snippets are
///   not packages; relationships to them, to DocumentRef- ids, NONE and NOASSERTION are dropped silently.
/// - Metadata: timestamp from CycloneDX metadata.timestamp / SPDX creationInfo.created (RFC 3339, any offset) as
///   epoch seconds, 0 when absent or invalid; authors from CycloneDX metadata.authors (name, else e-mail) / SPDX
///   "Person:"/"Organization:" creators; tool_name/tool_version from the first tool; source_target from the purser
///   property (CycloneDX) or the document name (SPDX).
/// - Fields the purser writers carry as properties (purser:scope, purser:found-by, purser:location,
///   purser:download-url, purser:hash; SPDX: a comment of "name=value" lines with at least one "purser:…" name,
///   and "found in: …" sourceInfo) are read back, so write → read → write reproduces the same bytes.
///
/// Reading streams: only the members used are materialised, one component at a time, so memory is the input plus
/// the resulting model (a 130 MB, 50,000-component CycloneDX document: about 1 s, 320 MB peak with the input).
/// Nesting deeper than 512 levels is ErrorCode::parse. `path` only labels locations.
///
/// SPDX tag-value (the first line that is neither blank nor a '#' comment starts with "SPDXVersion:") goes through
/// the same SPDX mapping, so a document reads to the same model in either serialisation. Its diagnostics name the
/// tag and the line it was read from ("PackageVersion: missing for ..."); unknown tags, tags outside their section,
/// repeated single-valued tags and malformed values are diagnostics too; a <text> never closed is ErrorCode::parse.
///
/// CycloneDX XML 1.2-1.6 (the first byte after an optional UTF-8 byte order mark and whitespace is '<'; the spec
/// version is the namespace http://cyclonedx.org/schema/bom/1.X) maps exactly as CycloneDX JSON does, through the
/// same code. Its diagnostics carry the line and an XML path ("bom.xml:42: /bom/components/component[3]/purl:
/// invalid purl: ..."; an element with same-named siblings has its 1-based position, attributes are "@name").
/// Malformed XML is ErrorCode::parse with the line ("invalid xml: start-end tags mismatch"), an XML document that
/// is not a CycloneDX bom ErrorCode::unsupported. Entities declared in a DTD are never expanded and nothing is
/// loaded from outside the input; the DOM costs about three times the input.
util::Result<ReadSbom> read_sbom(std::string_view bytes, const std::string& path);

}  // namespace purser::formats
