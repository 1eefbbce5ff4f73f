#pragma once
// CycloneDX XML validation (validate_xml.cpp), for formats/validate.cpp only (not part of the public API).

#include <string>
#include <string_view>

#include "formats/validate.hpp"
#include "lib/util/result.hpp"

namespace purser::formats::detail {

/// Validates a CycloneDX XML document against the official XSD of its namespace (bom-1.2 … bom-1.6, embedded with
/// the spdx.SNAPSHOT.xsd they import, so nothing is read from disk or the network), then checks that every
/// dependency ref names a component or service bom-ref. Violations carry an XML path
/// ("/bom/components/component[2]/scope") and the line. ErrorCode::parse with the line when the bytes are not
/// well-formed XML; ErrorCode::unsupported for another document element or namespace, and for a document type
/// declaration (entities are never expanded or loaded).
util::Result<ValidationReport> validate_cyclonedx_xml(std::string_view bytes, const std::string& path);

}  // namespace purser::formats::detail
