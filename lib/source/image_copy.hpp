#pragma once
// Copying one image between a local store (OCI layout directory, OCI archive, docker-archive) and a registry: what
// `purser push` and `purser pull` do. Blobs stream through; nothing is held whole but manifests and configs.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lib/registry/reference.hpp"
#include "lib/util/result.hpp"

namespace purser::registry {
class Client;
}

namespace purser::source {

/// What a copy moved.
struct CopyResult {
  std::string manifest_digest;  ///< "sha256:<hex>" of the manifest now at the destination
  std::string media_type;       ///< its media type
  std::uint64_t blobs = 0;      ///< config and layer blobs copied (blobs already present are counted)
  std::uint64_t bytes = 0;      ///< their sizes, summed
};

/// Pushes one platform's image from a local image target (docker-archive:, oci-dir:, oci-archive: or a bare path;
/// `image` and `platform` pick as for scanning) to `destination` (its tag, or its digest when it has one): config
/// and layer blobs first (skipped when the registry has them), then the manifest as stored. A legacy docker-archive,
/// which stores no manifest, gets a Docker v2 manifest of its uncompressed layers. Errors: as open_image for the
/// source; the registry's (ErrorCode::io for transfers and authentication, ErrorCode::verify for digests).
util::Result<CopyResult> push_image(std::string_view target, std::string_view image, std::string_view platform,
                                    const std::shared_ptr<registry::Client>& client,
                                    const registry::Reference& destination);

/// Pulls one platform's image from `source` (under an index: `platform`, else the only one, else linux/amd64) into
/// an image target: "oci-dir:DIR" (an OCI image layout; DIR must not exist or be empty) or "docker-archive:FILE" (what
/// `docker save` writes since Docker 25: OCI layout plus manifest.json, loadable by `docker load`). Every blob is
/// verified as it streams; the output appears only once complete (written to a temporary sibling and renamed), so a
/// failure leaves nothing behind. Errors: ErrorCode::usage for another output scheme or a non-empty DIR; the
/// registry's; ErrorCode::io for local writes.
util::Result<CopyResult> pull_image(const std::shared_ptr<registry::Client>& client, const registry::Reference& source,
                                    std::string_view platform, std::string_view output);

}  // namespace purser::source
