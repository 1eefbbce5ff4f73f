#pragma once
// Sigstore bundle v0.3 with a DSSE envelope and a public-key hint (sigstore/protobuf-specs, bundle.proto),
// and reading whatever a user hands to `verify`: an envelope, a bundle, or .intoto.jsonl lines.

#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"
#include "signing/dsse.hpp"

namespace purser::signing {

inline constexpr std::string_view k_bundle_v03_media_type = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Bundle v0.3 JSON: mediaType, verificationMaterial.publicKey.hint, empty tlogEntries and an
/// empty timestampVerificationData, dsseEnvelope. A bundle carries exactly one signature:
/// ErrorCode::usage when the envelope has another number.
util::Result<std::string> to_bundle_json(const Envelope& envelope, std::string_view public_key_hint);

/// What `verify` was handed.
enum class AttestationFormat { envelope, bundle, jsonl };

/// One or more envelopes read from a file.
struct AttestationFile {
  AttestationFormat format = AttestationFormat::envelope;
  std::vector<Envelope> envelopes;  ///< one per jsonl line; exactly one otherwise
  std::string key_hint;             ///< bundle verificationMaterial.publicKey.hint, if any
  std::string bundle_media_type;    ///< bundles only
};

/// Detects and parses a DSSE envelope, a Sigstore bundle (v0.1–v0.3 with dsseEnvelope), or JSON lines
/// of envelopes (or of bundles, as `gh attestation download` writes). ErrorCode::parse with `path` and
/// line/offset on malformed input; ErrorCode::unsupported for a bundle holding a messageSignature instead of a
/// DSSE envelope, or with an unknown media type.
util::Result<AttestationFile> read_attestations(std::string_view bytes, const std::string& path);

}  // namespace purser::signing
