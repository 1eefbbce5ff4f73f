#pragma once
// SBOM validation: CycloneDX against the vendored official JSON schemas (valijson),
// SPDX 2.3 against the specification's rules implemented here.

#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::formats {

/// One problem found in a document.
struct Violation {
  std::string pointer;  ///< JSON pointer to the offending value ("" = document)
  std::string message;  ///< lowercase, what is wrong
};

struct ValidationReport {
  std::string format;                 ///< "CycloneDX 1.6", "SPDX 2.3"
  std::vector<Violation> violations;  ///< empty when valid
  bool ok() const { return violations.empty(); }
};

/// Detects the format and validates. ErrorCode::parse (with line) when the bytes are not
/// JSON; ErrorCode::unsupported when the format or spec version is not one we validate.
/// `path` is used for error locations only.
util::Result<ValidationReport> validate_sbom(std::string_view bytes, const std::string& path);

}  // namespace purser::formats
