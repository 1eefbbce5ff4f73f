#pragma once
// The generic driver: walks a source, runs matching catalogers in parallel, merges
// packages by PURL, resolves requirements into edges and ties everything to the root.

#include <cstdint>
#include <string>
#include <vector>

#include "lib/catalog/cataloger.hpp"
#include "lib/model/package.hpp"
#include "lib/source/source.hpp"

namespace purser::catalog {

struct ScanOptions {
  unsigned threads = 1;
  std::vector<std::string> select;  ///< cataloger ids or ecosystems to run; empty = all
  std::uint64_t max_file_bytes = k_max_file_bytes;
  /// Called from worker threads with (files done, files total); may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// Scans `source` into a normalised document (metadata left for the caller to fill).
/// Per-file problems become diagnostics; only a bad `select` fails (ErrorCode::usage).
util::Result<model::Document> scan(source::Source& source, const ScanOptions& options);

/// Merges parse results of several artifacts into `doc` (packages by PURL, edges
/// through provides/requires within each artifact, roots attached to doc.root,
/// orphans attached to doc.root). Exposed for tests and for image scans.
void assemble(model::Document& doc, std::vector<ParseResult> results);

}  // namespace purser::catalog
