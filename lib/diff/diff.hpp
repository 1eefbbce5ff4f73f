#pragma once
// Comparing two SBOMs: which components were added, removed, upgraded or downgraded, whose licence, hash, supplier
// or introducing layer changed, and which dependency edges appeared or disappeared. The rules (identity, pairing of
// several versions, what counts as a change) are specified in docs/diff.md.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/model/package.hpp"

namespace purser::diff {

/// The property that names the image layer which introduced a package (the layer's diff_id, "sha256:<hex>").
/// Image scans set it; when both sides of a pair carry it and the values differ, that is ChangeKind::layer.
inline constexpr const char* k_layer_property = "purser:layer:diff_id";

/// What changed. The order of the enumerators is the order of the report's sections.
enum class ChangeKind : std::uint8_t {
  added,         ///< a component only the new document has
  removed,       ///< a component only the old document has
  upgraded,      ///< paired components, the new version sorts after the old (the ecosystem's version rules)
  downgraded,    ///< paired components, the new version sorts before the old
  hash,          ///< same version, a digest of the same algorithm differs (an integrity alert)
  license,       ///< declared licence differs
  supplier,      ///< supplier differs
  layer,         ///< introducing image layer (k_layer_property) differs
  edge_added,    ///< a dependency edge only the new document has
  edge_removed,  ///< a dependency edge only the old document has
};
inline constexpr std::size_t k_change_kinds = 10;

/// "added", "removed", "upgraded", "downgraded", "hash", "license", "supplier", "layer", "edge-added",
/// "edge-removed".
const char* to_string(ChangeKind kind);
/// The inverse of to_string; nullopt for anything else.
std::optional<ChangeKind> parse_change_kind(std::string_view text);
/// The kind the same change has when the documents are swapped: added ↔ removed, upgraded ↔ downgraded,
/// edge_added ↔ edge_removed; the rest are their own mirror.
ChangeKind mirror(ChangeKind kind);

/// One document's view of a component: empty `ref` when the document does not have it.
struct Side {
  std::string ref;      ///< Package::ref() in that document
  std::string name;     ///< as that document spells it
  std::string version;  ///< as that document spells it (may be empty)
  /// What the change is about, as that document states it: the licence (license, added, removed), the supplier
  /// (supplier), the differing digests as "ALG:hex" separated by spaces (hash), the layer (layer); empty otherwise.
  std::string value;
  bool operator==(const Side&) const = default;
  auto operator<=>(const Side&) const = default;
};

/// A component as the report names it.
struct Component {
  /// The identity both documents are matched on (see identity_of); "root" for the documents' roots and
  /// "ref:<ref>" for an edge end that names no component.
  std::string identity;
  std::string ecosystem;  ///< the PURL type (or the package's ecosystem); empty for the roots
  Side before;            ///< the old document's component
  Side after;             ///< the new document's component
  bool operator==(const Component&) const = default;
  auto operator<=>(const Component&) const = default;
};

/// One change. Component changes fill `component`; edge changes fill `component` (the dependent) and
/// `dependency` (what it depends on), each with the sides as paired, whichever document has the edge.
struct Change {
  ChangeKind kind = ChangeKind::added;
  Component component;
  Component dependency;  ///< edges only
  bool operator==(const Change&) const = default;
  auto operator<=>(const Change&) const = default;
};

/// The root and size of one compared document.
struct DocumentSummary {
  std::string ref;
  std::string name;
  std::string version;
  std::size_t components = 0;  ///< distinct component refs, root excluded
  std::size_t edges = 0;       ///< distinct (from, to) pairs
  bool operator==(const DocumentSummary&) const = default;
};

/// The result of diff(): both documents' summaries and every change, sorted (sort_changes).
struct DiffReport {
  DocumentSummary before;
  DocumentSummary after;
  std::vector<Change> changes;
  std::size_t unchanged = 0;  ///< paired components with no component change (edge changes aside)
  /// Number of changes of one kind.
  std::size_t count(ChangeKind kind) const;
  bool operator==(const DiffReport&) const = default;
};

/// Tuning that never changes the result.
struct DiffOptions {
  unsigned threads = 1;  ///< 2 indexes both documents at once
};

/// The identity two documents match a package on: its canonical PURL without version and without qualifiers,
/// except `arch`, `distro` and `classifier` (they name a different build or artifact, so libc6 for amd64 and for
/// i386 are two components); subpath kept. Without a valid PURL, the PURL the name and ecosystem would give
/// ("pkg:<ecosystem or generic>/<name>"), so an SPDX package without a PURL still meets its CycloneDX twin.
std::string identity_of(const model::Package& package);

/// Compares two documents. Components are grouped by identity_of (duplicate refs within one document count
/// once); within a group, components are paired: equal refs first, then versions the ecosystem calls equal, then
/// the nearest remaining versions. Paired components report upgraded/downgraded (model::compare_versions for the
/// ecosystem), hash (only at an equal version), license, supplier and layer; unpaired ones are added or removed.
/// Edges are compared through the pairing, so an upgrade of b does not make a → b look removed and re-added; the
/// edge kind (depends_on/contains) is ignored and the two roots stand for each other. Deterministic, and
/// diff(b, a) == mirror(diff(a, b)). Never fails.
DiffReport diff(const model::Document& before, const model::Document& after, const DiffOptions& options = {});

/// The report diff(after, before) would give: sides and summaries swapped, kinds mirrored, re-sorted.
DiffReport mirror(const DiffReport& report);

/// Sorts changes into report order: by kind (enumerator order), then identity, then the sides.
void sort_changes(std::vector<Change>& changes);

}  // namespace purser::diff
