#pragma once
// The generic driver: walks a source, runs matching catalogers in parallel, merges
// packages by PURL, resolves requirements into edges and ties everything to the root.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/catalog/cataloger.hpp"
#include "lib/model/package.hpp"
#include "lib/source/source.hpp"

namespace purser::catalog {

class Assembler;

struct ScanOptions {
  unsigned threads = 1;
  /// Paths to leave out (may be empty): image scans pass --exclude here; directory sources apply it while walking.
  source::PathFilter exclude;
  /// The root component; empty name = named after the source, as a directory (an application).
  model::Package root;
  /// Called after the last artifact and before Assembler::finish (image scans add earlier layers' packages here).
  std::function<void(Assembler&, const model::Document& so_far, const std::vector<const Cataloger*>& active)>
      before_finish;
  std::vector<std::string> select;  ///< cataloger ids or ecosystems to run; empty = all
  std::uint64_t max_file_bytes = k_max_file_bytes;
  /// Called from worker threads with (files done, files total); may be empty.
  std::function<void(std::size_t, std::size_t)> progress;
};

/// The registry entries `select` names (ids or ecosystems; empty = all), in registry order.
/// ErrorCode::usage for a name no cataloger has.
util::Result<std::vector<const Cataloger*>> select_catalogers(const std::vector<std::string>& select);

/// True when one of the cataloger's path globs matches `path`.
bool cataloger_matches(const Cataloger& c, std::string_view path);

/// True when the cataloger wants this file: a glob matches and, for executables_only catalogers, it is executable.
bool cataloger_matches(const Cataloger& c, const source::FileEntry& file);

/// True when `c` matches only executables and another active cataloger names this file by its own globs (an
/// executable jar is the jar cataloger's, not the binary cataloger's).
bool claimed_by_other(const std::vector<const Cataloger*>& active, const Cataloger& c, const source::FileEntry& file);

/// The condenser of the first active cataloger that wants `file`, if it has one (see Cataloger::condense).
source::CondenseFn choose_condenser(const std::vector<const Cataloger*>& active, const source::FileEntry& file);

/// True when the cataloger carries `tag` ("os", "installed", ...).
bool has_tag(const Cataloger& c, std::string_view tag);

/// Scans `source` into a normalised document (metadata left for the caller to fill).
/// Per-file problems become diagnostics; only a bad `select` fails (ErrorCode::usage).
util::Result<model::Document> scan(source::Source& source, const ScanOptions& options);

/// Merges parse results, one artifact at a time, into a document: packages by PURL,
/// edges through provides/needs within each artifact, the artifact's roots attached to
/// doc.root, and (in finish) whatever is still unreachable attached to doc.root.
/// Results are consumed as they arrive so a scan never holds every artifact at once.
class Assembler {
 public:
  /// `doc.root` must be set; `doc` must outlive the assembler.
  explicit Assembler(model::Document& doc);
  /// Adds one artifact's result (diagnostics included).
  void add(ParseResult result);
  /// Normalises the document and attaches orphans; call once, after the last add().
  void finish();

 private:
  static constexpr std::uint32_t k_root = UINT32_MAX;  // the document root in m_edges
  model::Document& m_doc;
  std::unordered_map<std::string, std::uint32_t> m_index;  // ref -> position in m_doc.packages
  std::unordered_set<std::uint64_t> m_edges;               // (from << 32 | to) package positions
  struct LinkScope {                                       // ParseResult::link_scope, resolved in finish()
    std::unordered_map<std::string, std::uint32_t> provided;
    std::vector<std::pair<std::uint32_t, std::vector<std::string>>> needs;  // (from, key then fallbacks)
    std::vector<std::uint32_t> members;
  };
  std::map<std::string, LinkScope> m_scopes;
  std::unordered_set<std::uint32_t> m_scope_unknown;  // packages only installed-package catalogers have seen so far
  std::string m_root_ref;
};

/// Convenience: an Assembler fed with `results` in order, then finished.
void assemble(model::Document& doc, std::vector<ParseResult> results);

}  // namespace purser::catalog
