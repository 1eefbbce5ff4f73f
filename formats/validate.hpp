#pragma once
// SBOM validation: CycloneDX JSON against the vendored official JSON schemas (valijson), CycloneDX XML against the
// vendored official XSDs (libxml2), SPDX 2.3 against the specification's rules implemented here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::formats {

/// One problem found in a document.
struct Violation {
  std::string pointer;  ///< JSON pointer to the offending value ("" = document); XML: an element path
  std::string message;  ///< lowercase, what is wrong
  /// tag-value documents: the line of the tag concerned, or of its section; XML: the line of the element (0 = JSON)
  std::uint64_t line = 0;
};

struct ValidationReport {
  std::string format;                 ///< "CycloneDX 1.6", "CycloneDX 1.6 XML", "SPDX 2.3"
  std::vector<Violation> violations;  ///< empty when valid
  bool ok() const { return violations.empty(); }
};

/// Detects the format and validates. ErrorCode::parse (with line) when the bytes are not
/// JSON; ErrorCode::unsupported when the format or spec version is not one we validate.
/// `path` is used for error locations only.
///
/// SPDX tag-value (detected as formats::read_sbom does) is converted to its JSON equivalent and checked by the same
/// SPDX rules; violations keep the JSON pointer and add the line of the tag concerned, and lines the tag-value
/// parser ignored (unknown or misplaced tags, malformed values) are violations too (pointer ""). Its format reads
/// "SPDX 2.3 tag-value". ErrorCode::parse with the line for a <text> never closed.
///
/// CycloneDX XML 1.2-1.6 (detected as formats::read_sbom does) is validated against the official XSD of its namespace,
/// embedded with the spdx.SNAPSHOT.xsd it imports, and every dependency ref must name a component or service
/// bom-ref. Violations carry an element path ("/bom/components/component[2]/scope", "@type" for an attribute) and the
/// line; messages are libxml2's, without the namespace. Its format reads "CycloneDX 1.6 XML". Nothing is ever loaded
/// from outside the input: ErrorCode::unsupported for a document type declaration (entities are never expanded),
/// ErrorCode::parse with the line for XML that is not well-formed.
util::Result<ValidationReport> validate_sbom(std::string_view bytes, const std::string& path);

}  // namespace purser::formats
