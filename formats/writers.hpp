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

/// CycloneDX XML of `doc` at the given spec version (namespace http://cyclonedx.org/schema/bom/1.X): the content
/// write_cyclonedx_json writes, element for member, in the order the XSD requires, with the same serialNumber (one
/// BOM, two syntaxes) and timestamp. Deterministic. Indented by two spaces, UTF-8, with an XML declaration and a
/// final newline. XML 1.0 cannot carry every character JSON can: invalid UTF-8 and control characters other than
/// tab, line feed and carriage return are written as U+FFFD; a timestamp before year 1 is written as
/// 0001-01-01T00:00:00Z (xs:dateTime has no year 0).
std::string write_cyclonedx_xml(const model::Document& doc, CycloneDxVersion version = CycloneDxVersion::v1_6);
/// The same bytes as write_cyclonedx_xml, streamed into `sink`.
void write_cyclonedx_xml(const model::Document& doc, CycloneDxVersion version, const ByteSink& sink);

/// SPDX 2.3 JSON of `doc`. Deterministic like the CycloneDX writer (documentNamespace
/// derived from the content). No "$schema" member (the 2.3 schema forbids it).
std::string write_spdx_json(const model::Document& doc);
/// The same bytes as write_spdx_json, streamed into `sink`.
void write_spdx_json(const model::Document& doc, const ByteSink& sink);

/// SPDX 2.3 tag-value of `doc`: the document write_spdx_json writes (same SPDXIDs, documentNamespace, licences and
/// relationships) in the tag:value serialisation, one section after another with a blank line between them.
/// Deterministic. Tag-value has no escapes: invalid UTF-8 and control characters other than tab and line feed are
/// written as U+FFFD, and "</text>" inside a value as "</ text>".
std::string write_spdx_tag_value(const model::Document& doc);
/// The same bytes as write_spdx_tag_value, streamed into `sink`.
void write_spdx_tag_value(const model::Document& doc, const ByteSink& sink);

/// Human summary: one aligned row per package (name, version, type, scope, found in)
/// and a totals line; ANSI colour when `color`.
std::string write_table(const model::Document& doc, bool color);

}  // namespace purser::formats
