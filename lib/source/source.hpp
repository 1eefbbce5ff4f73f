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
  std::uint32_t mode = 0;  ///< permission bits (0755...); 0 when unknown
  bool executable() const { return (mode & 0111) != 0; }
  bool operator<(const FileEntry& other) const { return path < other.path; }
};

/// Decides whether a relative path is worth keeping while walking.
using PathFilter = std::function<bool(std::string_view relative_path)>;

/// One file's bytes, front to back, in chunks (a file inside a layer that is streaming, or a file on disk).
class ByteStream {
 public:
  virtual ~ByteStream() = default;
  /// Up to `max` bytes into `buffer`; 0 at the end of the file. An error when the underlying read fails (a truncated
  /// layer, an I/O error): the caller must pass it on.
  virtual util::Result<std::size_t> read(char* buffer, std::size_t max) = 0;
};

/// A ByteStream over bytes already in memory.
class MemoryStream final : public ByteStream {
 public:
  explicit MemoryStream(std::string_view bytes) : m_rest(bytes) {}
  util::Result<std::size_t> read(char* buffer, std::size_t max) override;

 private:
  std::string_view m_rest;
};

/// Condenses a large file (a jar, an executable) in one forward pass into the few bytes a cataloger needs (manifests,
/// embedded build information), so an image's big files never have to be held whole. Returns the condensed bytes,
/// empty when the file holds nothing of interest; an error only when `in` fails. Must be thread-safe: image layers
/// stream in parallel. The condensed form is private to the cataloger whose parse function reads it.
using CondenseFn = util::Result<std::string> (*)(ByteStream& in, const FileEntry& file);

/// Chooses the condenser for a file of an image (nullptr: none); see ImageOptions::condense.
using CondenseChooser = std::function<CondenseFn(const FileEntry& file)>;

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
  /// The file condensed by `condense`. A directory streams it from disk; an image returns what the condenser produced
  /// while the layer streamed (or condenses a captured file's bytes). ErrorCode::io when the file cannot be read or an
  /// image neither condensed nor captured it; the condenser's own error otherwise.
  virtual util::Result<std::string> condensed(std::string_view relative_path, CondenseFn condense) const = 0;
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
