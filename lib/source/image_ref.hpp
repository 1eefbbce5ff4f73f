#pragma once
// The identity of a container image stored locally: a docker-archive (what `docker save` writes, legacy
// manifest.json and the OCI layout Docker 25+ adds), an OCI image layout directory or an OCI layout tar.
// Enough to name the image as an attestation subject; layer reading is the image source's job.

#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"

namespace purser::source {

/// What an image target resolves to.
struct ImageRef {
  std::string target;  ///< as given: "oci-dir:build/img"
  std::string name;    ///< the image name ("registry.example/app:1.2"), or the archive base name
  std::vector<std::string> tags;
  std::string digest;         ///< "sha256:<hex>" of the manifest or index the image name points at
  std::string media_type;     ///< media type of that manifest or index
  std::string config_digest;  ///< "sha256:<hex>" of the image config, when known
  /// True when `digest` is the config digest (image ID) because a legacy docker-archive stores no
  /// manifest blob: there is no registry manifest digest to name.
  bool digest_is_image_id = false;
};

/// True when `target` uses an image scheme: docker-archive:, oci-dir:, oci-archive:.
bool is_image_target(std::string_view target);

/// Resolves an image target. `image` picks one image when the archive or layout holds several (matched
/// against names and tags); empty picks the only one. Verifies the manifest blob's digest. Errors:
/// ErrorCode::io (missing file), ErrorCode::parse (malformed index/manifest, with the member path),
/// ErrorCode::usage (several images and no `image`, listing them), ErrorCode::verify (a blob whose bytes
/// do not match its digest).
util::Result<ImageRef> resolve_image(std::string_view target, std::string_view image = {});

}  // namespace purser::source
