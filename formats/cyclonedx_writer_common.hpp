#pragma once
// Shared by the CycloneDX JSON and XML writers in this folder only (not part of the public API): every decision
// about what a component carries is made here once, so the two syntaxes always say the same thing; the writers
// only spell it. Generic: no ecosystem knowledge (STYLE 9).

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "formats/writer_common.hpp"
#include "formats/writers.hpp"
#include "lib/model/package.hpp"

namespace purser::formats::detail {

/// definitions/licenseChoice spelling of a licence text: one SPDX id → a license id; a valid expression whose ids
/// are all known → an expression; anything else is free text → a license name (the id is an enum of the SPDX list,
/// so unknown ids must not go there).
struct CdxLicenseChoice {
  enum class Kind : std::uint8_t { id, expression, name } kind = Kind::name;
  std::string value;
};
CdxLicenseChoice cdx_license_choice(const std::string& text);

/// What the writers derive from a document before writing it, computed once and shared by both passes of a writer.
struct CdxContext {
  CdxContext(const model::Document& d, CycloneDxVersion v);
  const model::Document& doc;
  CycloneDxVersion version;
  IndexedPackages pk;                                               ///< [0] = root
  std::vector<std::uint32_t> group_len;                             ///< per pk.all entry (group_length)
  std::unordered_map<std::string_view, CdxLicenseChoice> licenses;  ///< by declared text
  /// definitions/dependency, CSR: the dependsOn of pk.all[i] are pk.refs[dep_to[dep_begin[i] .. dep_begin[i+1])],
  /// sorted by ref and unique; both depends_on and contains edges, only between packages of the document.
  std::vector<std::uint32_t> dep_begin;
  std::vector<std::uint32_t> dep_to;
};

/// A component's content beyond its identity, as both writers emit it. Reused per component (no allocations once
/// warm); views and pointers into the document and into `extra`.
struct CdxComponentView {
  const char* scope = "required";                  ///< scope enum: required / optional / excluded
  std::vector<const model::Hash*> hashes;          ///< those the hash-alg / hash-content definitions accept
  const CdxLicenseChoice* license = nullptr;       ///< null: no licence
  bool distribution = false;                       ///< download_url as an externalReference of type distribution
  bool occurrences = false;                        ///< locations as evidence.occurrences (1.5+)
  std::vector<const model::Property*> properties;  ///< sorted and unique, the package's own and `extra`
  std::vector<model::Property> extra;              ///< what has no place in CycloneDX, as purser:* properties
};

/// Fills `out` for ctx.pk.all[i] (i > 0): dev scope is "excluded" plus purser:scope=dev; hashes the schema would
/// refuse become purser:hash, a download URL that is not an absolute IRI purser:download-url, locations in 1.4
/// (no evidence.occurrences yet) purser:location, found_by purser:found-by.
void cdx_component_view(const CdxContext& ctx, std::size_t i, CdxComponentView& out);

/// The serialNumber of the document at ctx.version: "urn:uuid:" + a UUID derived from the JSON serialisation with
/// the serial number and timestamp written empty (cyclonedx_json.cpp). Both syntaxes of one BOM carry the same
/// serial; any content change yields a new one. `json_size` receives that serialisation's length.
std::string cdx_serial_number(const CdxContext& ctx, std::uint64_t* json_size = nullptr);

}  // namespace purser::formats::detail
