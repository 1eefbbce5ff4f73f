#pragma once
// Attestations stored next to images in a registry (docs/specs/attestation-storage.md): written as OCI 1.1
// referrers or under cosign's "sha256-<hex>.att" tag, read from those and from BuildKit's attestation manifests.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lib/registry/client.hpp"
#include "lib/registry/reference.hpp"
#include "lib/util/result.hpp"

namespace purser::registry {

/// Media type of a DSSE envelope layer (cosign tag layers, purser's referrer layer).
inline constexpr const char* k_dsse_envelope_media_type = "application/vnd.dsse.envelope.v1+json";
/// artifactType of purser's referrer manifests; also BuildKit's media type of an unsigned statement layer.
inline constexpr const char* k_intoto_artifact_type = "application/vnd.in-toto+json";
/// Largest attestation blob read (spec §2.4).
inline constexpr std::uint64_t k_max_attachment_bytes = 64u << 20;

/// How an attestation reached the registry / was found there.
enum class AttachmentKind { referrer, cosign_tag, buildkit };

/// One attestation found for a subject.
struct Attachment {
  AttachmentKind kind = AttachmentKind::referrer;
  /// Human text: "referrer sha256:…", "tag sha256-<hex>.att layer 2", "buildkit attestation manifest sha256:…".
  std::string where;
  /// The layer's media type: the DSSE envelope type, or application/vnd.in-toto+json for BuildKit's bare statement.
  std::string media_type;
  /// From the annotations (in-toto.io/predicate-type, cosign's "predicateType"); "" when absent. Not trusted.
  std::string predicate_type;
  /// The envelope (BuildKit: the unsigned statement), verified against its digest.
  std::string bytes;
};

/// What attach_envelope stored.
struct AttachResult {
  AttachmentKind kind = AttachmentKind::referrer;
  /// Digest of the referrer manifest, or of the cosign tag's manifest after the append.
  std::string manifest_digest;
  /// The cosign tag ("sha256-<hex>.att") when that path was used; "" for a referrer.
  std::string tag;
};

/// The cosign attestation tag of a manifest digest: "sha256:<hex>" → "sha256-<hex>.att".
std::string cosign_attestation_tag(const std::string& digest);

/// Attaches a DSSE envelope to the image manifest `subject` (registry, repository and digest; size and media type
/// come from head_manifest): as an OCI 1.1 referrer when client.referrers() answers, else appended under cosign's
/// "sha256-<hex>.att" tag (an identical layer is not added twice). Errors: ErrorCode::usage when `subject` has no
/// digest; ErrorCode::io "attach to REF: the image manifest does not exist"; ErrorCode::parse when the existing
/// .att manifest is not a JSON image manifest; client errors otherwise.
util::Result<AttachResult> attach_envelope(Client& client, const Reference& subject, std::string_view envelope,
                                           const std::string& predicate_type);

/// Every attestation attached to `subject` (repository + manifest digest): DSSE layers of its referrers, of the
/// cosign .att tag (404 = none), and — when `index_digest` names the index the user's tag resolved to — BuildKit's
/// attestation manifests for that digest in the index. In that order. Nothing attached = empty list. A listed
/// manifest or blob that is broken (not JSON, a layer over k_max_attachment_bytes, a missing or mismatching blob)
/// is an error naming the manifest and layer ("attestation manifest X: layer N: why"), never a silent skip.
util::Result<std::vector<Attachment>> find_attachments(Client& client, const Reference& subject,
                                                       const std::string& index_digest = "");

}  // namespace purser::registry
