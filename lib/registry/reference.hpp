#pragma once
// Image references as registries name them: "HOST[:PORT]/REPO[:TAG][@ALGO:HEX]", with Docker Hub's
// defaults (docs/specs/registry-client.md §References).

#include <string>
#include <string_view>

#include "lib/util/result.hpp"

namespace purser::registry {

/// A parsed image reference. `registry` is "host[:port]" (Docker Hub is "registry-1.docker.io"), `repository`
/// the path ("library/alpine"), `tag` empty only when a digest is given, `digest` "sha256:<hex>" or empty.
struct Reference {
  std::string registry, repository, tag, digest;
  /// Canonical "registry/repository[:tag][@digest]" with the parts present.
  std::string to_string() const;
  bool operator==(const Reference&) const = default;
};

/// Parses a reference. Docker Hub rules: a first path component without '.' or ':' that is not "localhost" is a
/// repository path on registry-1.docker.io; "docker.io" and "index.docker.io" name that registry too; a one-part
/// repository there gets "library/". No tag and no digest means tag "latest". Digests are "sha256:" + 64 hex or
/// "sha512:" + 128 hex (lower case). Errors: ErrorCode::usage, "image reference \"TEXT\": why".
util::Result<Reference> parse_reference(std::string_view text);

/// True when `digest` is "sha256:" + 64 or "sha512:" + 128 lower-case hex digits.
bool is_valid_digest(std::string_view digest);

}  // namespace purser::registry
