#pragma once
// SBOM validation: CycloneDX against the vendored official JSON schemas (valijson),
// SPDX 2.3 against the specification's rules implemented here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::formats {

/// One problem found in a document.
struct Violation {
  std::string pointer;     ///< JSON pointer to the offending value ("" = document)
  std::string message;     ///< lowercase, what is wrong
  std::uint64_t line = 0;  ///< tag-value documents: the line of the tag concerned, or of its section (0 = JSON)
};

struct ValidationReport {
  std::string format;                 ///< "CycloneDX 1.6", "SPDX 2.3"
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
util::Result<ValidationReport> validate_sbom(std::string_view bytes, const std::string& path);

}  // namespace purser::formats
