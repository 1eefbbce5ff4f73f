#pragma once
// SBOM readers: CycloneDX JSON and SPDX JSON into the same model `scan` produces.

#include <string>
#include <string_view>

#include "lib/model/package.hpp"
#include "lib/util/result.hpp"

namespace purser::formats {

/// Which format a document was read as.
enum class SbomFormat { cyclonedx_json, spdx_json };

/// A document read from bytes, with what the reader saw.
struct ReadSbom {
  SbomFormat format = SbomFormat::cyclonedx_json;
  std::string spec_version;  ///< "1.6", "2.3", ...
  model::Document document;  ///< diagnostics (located, never fatal) in document.diagnostics
};

/// Detects CycloneDX JSON (bomFormat) or SPDX JSON (spdxVersion) and reads it into the model: the root
/// (CycloneDX metadata.component / SPDX DESCRIBES target), packages with name, version, PURL, ecosystem
/// (from the PURL type), licence expression, hashes, supplier, download location, properties; edges
/// (dependsOn, DEPENDS_ON/CONTAINS and their inverses); metadata timestamp and authors. Real-world quirks
/// (missing versions, null arrays, duplicate refs, nested components, edges to undeclared ids) become
/// diagnostics with `path` and a JSON pointer. ErrorCode::parse with line for bytes that are not JSON;
/// ErrorCode::unsupported for JSON that is neither format.
util::Result<ReadSbom> read_sbom(std::string_view bytes, const std::string& path);

}  // namespace purser::formats
