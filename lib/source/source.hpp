#pragma once
// Sources: where bytes come from. A source lists candidate files and reads them;
// catalogers never touch the filesystem directly (STYLE 7).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::source {

/// A regular file inside a source; `path` is relative to the source root, '/'-separated.
struct FileEntry {
  std::string path;
  std::uint64_t size = 0;
  bool operator<(const FileEntry& other) const { return path < other.path; }
};

/// Decides whether a relative path is worth keeping while walking.
using PathFilter = std::function<bool(std::string_view relative_path)>;

/// Something that can be inventoried.
class Source {
 public:
  virtual ~Source() = default;
  /// The target as the user should see it, e.g. "dir:examples/app".
  virtual std::string target() const = 0;
  /// A short name for the root component (directory base name, image name).
  virtual std::string name() const = 0;
  /// Files for which `want` returns true, sorted by path; diagnostics for unreadable dirs.
  virtual std::vector<FileEntry> files(const PathFilter& want, std::vector<util::Diagnostic>& diagnostics) = 0;
  /// Reads one file by relative path (no "..", no absolute paths). ErrorCode::io on failure
  /// or when the file is larger than `max_bytes`.
  virtual util::Result<std::string> read(std::string_view relative_path, std::uint64_t max_bytes) const = 0;
};

/// Options for opening a directory source.
struct DirectoryOptions {
  std::vector<std::string> excludes;  ///< globs matched against relative paths (dirs and files)
  unsigned threads = 1;               ///< walker threads
};

/// Opens "dir:PATH" or a bare existing directory path.
/// Errors: ErrorCode::usage for an unknown scheme, ErrorCode::io when PATH is not a readable directory.
util::Result<std::unique_ptr<Source>> open_source(std::string_view target, const DirectoryOptions& options);

/// Joins a relative path onto the directory of `from` and normalises "." and "..";
/// returns empty when the result would leave the source root.
std::string join_relative(std::string_view from, std::string_view relative);

}  // namespace purser::source
