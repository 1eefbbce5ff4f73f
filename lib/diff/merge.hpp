#pragma once
// Merging several SBOMs into one document under a new root.

#include <cstdint>
#include <string>
#include <vector>

#include "lib/model/package.hpp"
#include "lib/util/result.hpp"

namespace purser::diff {

/// The new root and document facts of a merge.
struct MergeOptions {
  std::string name = "merged";  ///< the new root's name
  std::string version;          ///< the new root's version (may be empty)
  std::int64_t timestamp = 0;   ///< metadata.timestamp of the result
  std::string tool_version;     ///< metadata.tool_version of the result
  std::string source_target;    ///< metadata.source_target of the result
  /// One label per input (a file name), used in conflict diagnostics; missing labels read "input N".
  std::vector<std::string> labels;
};

/// Combines `inputs` under a new root (an application named options.name, version options.version, no PURL):
/// - each input's root becomes a component the new root depends on;
/// - components with the same ref (PURL) become one: locations, hashes and properties united, found_by ids
///   united, the strongest scope kept (required > optional > dev), and name, version, type, licence, supplier and
///   download URL taken from the first input that states them; a later input stating a different licence,
///   supplier or download URL adds a warning diagnostic naming both values and inputs;
/// - every edge is kept; a component no edge reaches from the new root is attached (depends_on) to the root of
///   the first input that has it, so Document::orphans() is empty;
/// - metadata: the options' timestamp, tool version and source target, tool "purser", the inputs' authors
///   (first occurrence order). The inputs' own diagnostics are not carried over (the caller reports them).
/// The result is normalized. ErrorCode::usage when `inputs` is empty or the new root's ref equals a component's.
util::Result<model::Document> merge(std::vector<model::Document> inputs, const MergeOptions& options);

}  // namespace purser::diff
