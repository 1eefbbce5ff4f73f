#pragma once
// SBOM writers. They see the generic model only (STYLE 9): no ecosystem switches.

#include <functional>
#include <string>
#include <string_view>

#include "lib/model/package.hpp"

namespace purser::formats {

/// Receives a writer's output in order, in chunks of up to about 64 KiB. The streaming writers never hold the
/// whole document: they serialise it twice, once to derive the content-based id and once into the sink.
using ByteSink = std::function<void(std::string_view)>;

enum class CycloneDxVersion { v1_4, v1_5, v1_6 };

/// "1.4" / "1.5" / "1.6".
const char* to_string(CycloneDxVersion version);

/// CycloneDX JSON of `doc` at the given spec version. Deterministic: the timestamp is
/// doc.metadata.timestamp and serialNumber is a UUID derived from the content.
/// Output is pretty-printed with two-space indentation and a final newline.
std::string write_cyclonedx_json(const model::Document& doc, CycloneDxVersion version = CycloneDxVersion::v1_6);
/// The same bytes as write_cyclonedx_json, streamed into `sink`.
void write_cyclonedx_json(const model::Document& doc, CycloneDxVersion version, const ByteSink& sink);

/// SPDX 2.3 JSON of `doc`. Deterministic like the CycloneDX writer (documentNamespace
/// derived from the content). No "$schema" member (the 2.3 schema forbids it).
std::string write_spdx_json(const model::Document& doc);
/// The same bytes as write_spdx_json, streamed into `sink`.
void write_spdx_json(const model::Document& doc, const ByteSink& sink);

/// Human summary: one aligned row per package (name, version, type, scope, found in)
/// and a totals line; ANSI colour when `color`.
std::string write_table(const model::Document& doc, bool color);

}  // namespace purser::formats
