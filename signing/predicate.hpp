#pragma once
// Predicate types purser knows by name, and the shape check that refuses a mislabelled predicate.

#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::signing {

/// A predicate type purser knows: the short name used on the command line and its URI.
struct PredicateKind {
  std::string_view name;  ///< "cyclonedx", "spdx", "slsa-provenance", "openvex"
  std::string_view uri;   ///< "https://cyclonedx.org/bom", "https://spdx.dev/Document",
                          ///< "https://slsa.dev/provenance/v1", "https://openvex.dev/ns/v0.2.0"
};
/// Every known kind, in a stable order.
const std::vector<PredicateKind>& predicate_kinds();

/// A short name → its URI; an absolute URI passes through unchanged. ErrorCode::usage otherwise.
util::Result<std::string> predicate_type_uri(std::string_view name_or_uri);

/// Checks that `predicate_json` is a JSON object shaped like `predicate_type` (CycloneDX: bomFormat
/// "CycloneDX"; SPDX: spdxVersion "SPDX-2.x"; SLSA v1: buildDefinition.buildType and
/// runDetails.builder.id; OpenVEX: @context under https://openvex.dev/ns). Unknown URIs only need an
/// object. ErrorCode::parse for bad JSON, ErrorCode::usage naming both types for a mismatch
/// ("predicate is an SPDX document, not cyclonedx").
util::Status check_predicate(std::string_view predicate_type, std::string_view predicate_json, const std::string& path);

}  // namespace purser::signing
