#pragma once
// Container images as a source: a docker-archive (legacy manifest.json and the OCI layout Docker 25+ writes), an
// OCI image layout directory or an OCI layout tar. Layers are streamed once, in parallel, never extracted to disk;
// every blob's digest is checked while it streams. Only files the caller asks for (`ImageOptions::capture`) are kept
// in memory, with every version each layer wrote, so catalogers can see both the squashed filesystem (the Source
// interface) and each file's history (which layer introduced or changed what).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/source/image_ref.hpp"
#include "lib/source/source.hpp"
#include "lib/util/result.hpp"

namespace purser::source {

/// Limits against hostile archives. A breach of max_captured_total, max_entries, max_path_depth or max_expanded fails
/// the open with ErrorCode::unsupported naming the layer; max_captured_file only skips that file (a diagnostic).
struct ImageLimits {
  std::uint64_t max_captured_file = 64ull * 1024 * 1024;  ///< a captured file larger than this is not kept (diagnostic)
  std::uint64_t max_captured_total = 512ull * 1024 * 1024;  ///< all captured bytes, every layer and version
  std::uint64_t max_entries = 5'000'000;                    ///< tar entries over all layers
  std::uint64_t max_path_depth = 256;                       ///< path components
  std::uint64_t max_expanded = 64ull * 1024 * 1024 * 1024;  ///< uncompressed bytes over all layers (bomb guard)
};

/// How to open an image.
struct ImageOptions {
  std::string image;     ///< pick one image by name or tag when the archive holds several ("NAME:TAG")
  std::string platform;  ///< "os/arch[/variant]" under an index; empty = the only one, else linux/amd64
  PathFilter capture;    ///< which (normalised, relative) paths to keep the bytes of; empty = none. Called from
                         ///< several threads at once when threads > 1.
  /// Which files to condense rather than capture (a file `capture` keeps is not condensed); empty = none. The
  /// condensed bytes stand in for the file in history() and condensed(); called from several threads at once.
  CondenseChooser condense;
  unsigned threads = 1;  ///< layers streamed at once
  /// The client for registry: targets (null: an anonymous HTTPS client). Shared by the layer threads.
  std::shared_ptr<registry::Client> registry;
  ImageLimits limits;
};

/// One version of a captured path as one layer left it.
struct FileVersion {
  std::size_t layer = 0;   ///< index into ImageInfo::layers
  bool deleted = false;    ///< removed in this layer: a whiteout, an opaque directory, or replaced by a non-file
  bool captured = true;    ///< false when the file was present but not kept (over ImageLimits::max_captured_file)
  bool condensed = false;  ///< `bytes` are what ImageOptions::condense chose made of the file, not the file
  std::string bytes;       ///< contents when captured
};

/// An opened image. The Source interface is the squashed view: files() lists the regular files (hard links included)
/// that exist in the final image (captured or not); read() returns captured files only (others: ErrorCode::io
/// "cannot read PATH: not captured"), following symbolic links inside the image (at most 40 hops; a loop or a link
/// that climbs above the root is an ErrorCode::io error). Entry paths are normalised: leading "/" and "./" dropped;
/// an entry naming ".." is skipped with a diagnostic, never followed.
class ImageSource : public Source {
 public:
  /// The image's identity, platform and layers.
  virtual const ImageInfo& info() const = 0;
  /// Index of the layer that last wrote `path` in the squashed view; SIZE_MAX when the path is absent.
  virtual std::size_t layer_of(std::string_view path) const = 0;
  /// Every version of a captured path, bottom layer first (including deletions); empty when never captured.
  virtual std::vector<FileVersion> history(std::string_view path) const = 0;
  /// Every captured path that existed in any layer, sorted (squashed ones and ones later deleted).
  virtual std::vector<std::string> captured_paths() const = 0;
  /// Problems that did not fail the open (a captured file over the size limit, an entry whose path leaves the root,
  /// a hard link to a missing target), each naming the layer.
  virtual const std::vector<util::Diagnostic>& diagnostics() const = 0;
};

/// Opens an image target (docker-archive:, oci-dir:, oci-archive:, or a bare path to such a tar or directory).
/// Errors: ErrorCode::io (missing/unreadable), ErrorCode::parse (malformed manifest, config, index or layer, a missing
/// blob; with the member or layer digest and offset), ErrorCode::usage (several images and no `image`; no matching
/// platform, listing what is there; a bare path that is not an image), ErrorCode::verify (a blob whose bytes or size
/// do not match its descriptor, naming the layer), ErrorCode::unsupported (a hard ImageLimits breach).
util::Result<std::unique_ptr<ImageSource>> open_image(std::string_view target, const ImageOptions& options);

/// True when a bare path looks like an image: a tar holding manifest.json or oci-layout, or a directory holding
/// oci-layout.
bool looks_like_image(std::string_view path);

}  // namespace purser::source
