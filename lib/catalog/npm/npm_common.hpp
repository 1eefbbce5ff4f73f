#pragma once
// Helpers shared by the npm, yarn and pnpm catalogers.

#include <optional>
#include <string>
#include <string_view>

#include "lib/model/package.hpp"

namespace purser::catalog::npm {

/// A package with name, version, ecosystem "npm" and its PURL
/// (pkg:npm/%40scope/name@version; the scope is the namespace).
model::Package make_npm_package(std::string_view name, std::string_view version);

/// Converts a Subresource Integrity string ("sha512-<base64>", possibly several
/// space-separated) into hashes with CycloneDX algorithm names and hex values.
/// Returns nothing for unknown algorithms or bad base64.
std::vector<model::Hash> parse_integrity(std::string_view sri);

/// Splits "name@range" / "@scope/name@range" at the version separator
/// (the first '@' after position 0). Returns {spec, ""} when there is none.
std::pair<std::string_view, std::string_view> split_name_spec(std::string_view spec);

}  // namespace purser::catalog::npm
