#pragma once
// The cataloger contract (STYLE 6-8): a parser takes bytes and a location and returns
// packages with what each provides and requires; a shared resolver draws the edges.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/model/package.hpp"
#include "lib/source/source.hpp"
#include "lib/util/result.hpp"

namespace purser::catalog {

/// A dependency as the artifact states it: a key that some entry in the same artifact
/// provides (npm: the node_modules install path; Cargo: "name version"; poetry: the name).
struct Requirement {
  std::string key;
  bool optional = false;  ///< an unresolved optional requirement is not worth a diagnostic
  /// Keys tried in order when `key` is not provided (Node's lookup up the node_modules chain).
  std::vector<std::string> fallbacks = {};
};

/// One package found by a parser, plus its resolution keys.
struct Entry {
  model::Package package;             ///< name, version, purl, hashes, scope, license, locations...
  std::vector<std::string> provides;  ///< keys other entries' requirements may name
  std::vector<Requirement> needs;     ///< keys this entry depends on (requirements)
  bool root = false;                  ///< a project/workspace root of this artifact
  /// Source-relative paths the package manager records as installed by this package (dpkg info/*.list, apk R:,
  /// Python RECORD), '/'-separated without a leading '/'. A language package found in a file an OS package owns is
  /// the OS package's, and is not reported a second time.
  std::vector<std::string> owned_files = {};
  /// False when the parser cannot tell dev from runtime (an installed package.json): when another artifact finds the
  /// same package, its scope wins. The scan driver sets this for catalogers tagged "installed".
  bool scope_known = true;
  /// Only lends its `provides` to the artifact's requirements: the package (already in the document, matched by ref)
  /// gets nothing merged, no edge from the root, and its own needs are ignored. Image scans use it so a package a
  /// lower layer had keeps its edges to packages that are still there.
  bool reference_only = false;
};

/// What a parser returns: never throws, reports problems as located diagnostics.
struct ParseResult {
  std::vector<Entry> entries;
  std::vector<util::Diagnostic> diagnostics;
  /// Empty: provides/needs resolve within this artifact only (a lockfile). Otherwise they resolve across every
  /// artifact of the scan with the same link scope (installed packages: one METADATA or package.json per package,
  /// e.g. "python:usr/lib/python3/dist-packages" or "npm-installed"), once all artifacts are in.
  std::string link_scope = {};
};

/// Gives parsers access to related files of the same source (go.sum beside go.mod,
/// `-r other.txt` includes) without touching the filesystem themselves.
class FileResolver {
 public:
  virtual ~FileResolver() = default;
  /// Reads `relative` resolved against the directory of `from` (both source-relative).
  /// ErrorCode::io when missing, outside the source root, or too large.
  virtual util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const = 0;
};

/// A resolver with no files; handy for tests and fuzzing.
class NullResolver final : public FileResolver {
 public:
  util::Result<std::string> read_relative(std::string_view from, std::string_view relative) const override;
};

/// The parse function: bytes of one file, its source-relative path (for locations and
/// diagnostics), and a resolver for sibling files.
using ParseFn = ParseResult (*)(std::string_view bytes, const std::string& path, const FileResolver& resolver);

/// A registry entry.
struct Cataloger {
  std::string_view id;                  ///< "<ecosystem>-<artifact>", e.g. "npm-package-lock"
  std::string_view ecosystem;           ///< "npm", "python", "go", "rust"
  std::vector<std::string_view> tags;   ///< "source", "lockfile", "manifest", "installed", "image"
  std::vector<std::string_view> globs;  ///< path globs, see util::glob_match
  std::string_view description;
  ParseFn parse = nullptr;
  /// Files the parser reads through the FileResolver but that are not artifacts of their own (dpkg info/*.list,
  /// etc/os-release, Python RECORD): image sources capture them too.
  std::vector<std::string_view> aux_globs = {};
  /// Set for catalogers of big files (jars, executables): `parse` then receives the file condensed by this function
  /// rather than its bytes, and image sources condense such files while their layer streams instead of keeping them.
  source::CondenseFn condense = nullptr;
  /// Only files with an execute permission bit match (compiled binaries found anywhere in a filesystem).
  bool executables_only = false;
};

/// Every cataloger, in registry order (lib/catalog/registry.cpp).
const std::vector<Cataloger>& registry();

/// Shared parser limits: a file larger than this is refused with a diagnostic.
inline constexpr std::uint64_t k_max_file_bytes = 512ull * 1024 * 1024;

}  // namespace purser::catalog
