#pragma once
// SBOM writers. They see the generic model only (STYLE 9): no ecosystem switches.

#include <string>

#include "lib/model/package.hpp"

namespace purser::formats {

enum class CycloneDxVersion { v1_4, v1_5, v1_6 };

/// "1.4" / "1.5" / "1.6".
const char* to_string(CycloneDxVersion version);

/// CycloneDX JSON of `doc` at the given spec version. Deterministic: the timestamp is
/// doc.metadata.timestamp and serialNumber is a UUID derived from the content.
/// Output is pretty-printed with two-space indentation and a final newline.
std::string write_cyclonedx_json(const model::Document& doc, CycloneDxVersion version = CycloneDxVersion::v1_6);

/// SPDX 2.3 JSON of `doc`. Deterministic like the CycloneDX writer (documentNamespace
/// derived from the content). No "$schema" member (the 2.3 schema forbids it).
std::string write_spdx_json(const model::Document& doc);

/// Human summary: one aligned row per package (name, version, type, scope, found in)
/// and a totals line; ANSI colour when `color`.
std::string write_table(const model::Document& doc, bool color);

}  // namespace purser::formats
