#pragma once
// The identity of a container image stored locally: a docker-archive (what `docker save` writes, legacy
// manifest.json and the OCI layout Docker 25+ adds), an OCI image layout directory or an OCI layout tar.
// Enough to name the image as an attestation subject; layer reading is the image source's job.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/registry/reference.hpp"
#include "lib/util/result.hpp"

namespace purser::registry {
class Client;
}

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

/// True when `target` uses an image scheme: docker-archive:, oci-dir:, oci-archive:, registry:.
bool is_image_target(std::string_view target);

/// Resolves an image target. `image` picks one image when the archive or layout holds several (matched
/// against names and tags); empty picks the only one. Verifies the manifest blob's digest. Errors:
/// ErrorCode::io (missing file), ErrorCode::parse (malformed index/manifest, with the member path),
/// ErrorCode::usage (several images and no `image`, listing them), ErrorCode::verify (a blob whose bytes
/// do not match its digest).
/// A registry:HOST/REPO[:TAG|@DIGEST] target is fetched with `client` (null: an anonymous HTTPS client); its errors
/// (authentication, network, ErrorCode::verify for a manifest that does not match its digest) are passed on.
util::Result<ImageRef> resolve_image(std::string_view target, std::string_view image = {},
                                     std::shared_ptr<registry::Client> client = nullptr);

/// One filesystem layer, bottom first.
struct ImageLayer {
  std::string digest;          ///< "sha256:<hex>" of the blob as stored (compressed), verified while streaming
  std::string diff_id;         ///< "sha256:<hex>" of the uncompressed tar, from the image config's rootfs.diff_ids
  std::string media_type;      ///< as the manifest states it (legacy docker-archive:
                               ///< "application/vnd.docker.image.rootfs.diff.tar")
  std::uint64_t size = 0;      ///< blob size in bytes (legacy docker-archive: the archive member's size)
  bool size_declared = false;  ///< the manifest states `size` (a legacy docker-archive does not)
  std::string created_by;      ///< the config history entry that made this layer, when recorded
  std::string member;          ///< where the blob is: its path inside the archive or under the layout directory
};

/// What the image is, beyond its reference.
struct ImageInfo {
  ImageRef ref;                 ///< name, tags, manifest or index digest (ImageRef::digest), config digest
  std::string manifest_digest;  ///< digest of the platform manifest (differs from ref.digest under an index; empty
                                ///< for a legacy docker-archive, which stores no manifest blob)
  std::string os, architecture, variant;  ///< from the config
  std::vector<ImageLayer> layers;
};

/// An image resolved down to one platform manifest: what the image source streams.
struct ImageManifest {
  ImageInfo info;
  std::string path;                 ///< the archive file or layout directory on disk
  bool directory = false;           ///< an OCI layout directory (else a tar archive)
  bool compressed_archive = false;  ///< the outer tar itself is compressed (no cheap seeking between members)
  std::shared_ptr<registry::Client> registry;  ///< set for a registry: target: layers are fetched with it
  registry::Reference repository;              ///< the registry reference as given
};

/// Resolves `target` like resolve_image, then picks the platform under an image index or manifest list (`platform`
/// "os/arch[/variant]"; empty = the only platform present, else linux/amd64), verifies the manifest and config blobs
/// and lists the layers. Errors: as resolve_image; ErrorCode::usage when no platform matches or the default is
/// ambiguous (listing the platforms present); ErrorCode::parse when a layer blob is missing (naming the layer).
util::Result<ImageManifest> resolve_image_manifest(std::string_view target, std::string_view image,
                                                   std::string_view platform,
                                                   std::shared_ptr<registry::Client> client = nullptr);

}  // namespace purser::source
