#pragma once
// DSSE envelopes (secure-systems-lab/dsse, envelope.md and protocol.md v1.0).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/result.hpp"
#include "signing/keys.hpp"

namespace purser::signing {

/// One DSSE signature. `sig` holds raw bytes (base64 only in JSON).
struct DsseSignature {
  std::string keyid;  ///< unauthenticated hint; may be empty
  std::string sig;
};

/// A DSSE envelope. `payload` holds raw bytes (base64 only in JSON).
struct Envelope {
  std::string payload_type;
  std::string payload;
  std::vector<DsseSignature> signatures;
};

/// The pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body,
/// lengths as ASCII decimal without leading zeros.
std::string pae(std::string_view payload_type, std::string_view payload);

/// Signs PAE(payload_type, payload) with every key, in order; keyid = PublicKey::keyid().
util::Result<Envelope> sign_envelope(std::string payload_type, std::string payload,
                                     const std::vector<PrivateKey>& keys);

/// Compact JSON {"payloadType","payload","signatures":[{"keyid","sig"}]} without a final newline.
std::string to_json(const Envelope& envelope);

/// Parses envelope JSON. ErrorCode::parse with the offset or line and `path` on malformed JSON (including a
/// repeated member name or nesting deeper than 512), a missing or mistyped member, or invalid base64. Members
/// DSSE does not define are ignored. Reads a 67 MB envelope in about one pass (no DOM).
util::Result<Envelope> parse_envelope(std::string_view json, const std::string& path);

/// The outcome for one signature in an envelope.
struct SignatureCheck {
  std::string keyid;          ///< as written in the envelope
  bool verified = false;      ///< a trusted key verified it
  std::string trusted_keyid;  ///< keyid of the trusted key that verified it
  std::string reason;         ///< why not, lowercase ("no trusted key has keyid ab12…", "signature does not verify")
};

/// The outcome for all signatures: how many distinct trusted keys signed.
struct EnvelopeCheck {
  std::vector<SignatureCheck> signatures;
  std::size_t distinct_keys = 0;  ///< distinct trusted keys with at least one verified signature
};

/// Verifies every signature against `trusted` over PAE(payload_type, payload). A signature with a
/// non-empty keyid is tried only against the trusted key with that keyid (so an altered keyid
/// fails); one without a keyid is tried against every trusted key.
EnvelopeCheck verify_envelope(const Envelope& envelope, const std::vector<PublicKey>& trusted);

}  // namespace purser::signing
