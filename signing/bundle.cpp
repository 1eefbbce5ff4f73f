#include "signing/bundle.hpp"

#include <array>

#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"
#include "signing/dsse_detail.hpp"

namespace purser::signing {

namespace json = util::json;

namespace {

using util::ErrorCode;
using util::make_error;

// sigstore/protobuf-specs sigstore_bundle.proto: Bundle.media_type. v0.1 and v0.2 used the "+json;version="
// form; v0.3 introduced ".v0.3+json" and verifiers also accept the older spelling of 0.3.
constexpr std::array<std::string_view, 4> k_bundle_media_types = {
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    k_bundle_v03_media_type,
};

bool known_media_type(std::string_view media_type) {
  for (std::string_view known : k_bundle_media_types)
    if (media_type == known) return true;
  return false;
}

// What one top-level JSON object of an attestation file turned out to be.
struct ObjectRead {
  bool is_bundle = false;
  Envelope envelope;  // the object itself, or the bundle's dsseEnvelope
  std::string media_type;
  std::string key_hint;
};

// verificationMaterial (sigstore_bundle.proto VerificationMaterial): only publicKey.hint matters offline; the
// certificate forms, tlogEntries and timestampVerificationData are skipped.
std::optional<util::Error> read_verification_material(json::Scanner& s, const std::string& path, std::string& hint) {
  const std::string what = "bundle: verificationMaterial";
  if (s.peek() != '{') return detail::not_a(s, what, "an object", path);
  json::ObjectReader members(s);
  std::string key;
  while (members.next(key)) {
    if (key == "publicKey") {
      if (s.peek() != '{') return detail::not_a(s, what + ".publicKey", "an object", path);
      json::ObjectReader inner(s);
      std::string inner_key;
      while (inner.next(inner_key)) {
        if (inner_key == "hint") {
          if (auto e = detail::read_string_member(s, what + ".publicKey", "hint", path, hint)) return e;
        } else if (!s.skip_value()) {
          break;
        }
      }
      if (s.failed()) break;
    } else if (!s.skip_value()) {
      break;
    }
  }
  if (s.failed()) return json::syntax_error(s, path);
  return std::nullopt;
}

// One object: a DSSE envelope (envelope.md) or a Sigstore bundle, told apart by their members in one pass so
// the (large) payload is read only once.
std::optional<util::Error> read_object(json::Scanner& s, const std::string& path, ObjectRead& out) {
  if (s.peek() != '{') return detail::not_a(s, "attestation", "an object", path);
  detail::EnvelopeMembers envelope_seen;
  envelope_seen.start = s.pos();
  Envelope top_level;  // members of a bare envelope; unused when the object turns out to be a bundle
  bool has_media_type = false, has_dsse = false, has_message_signature = false, has_material = false;
  std::size_t media_type_at = 0;
  json::ObjectReader members(s);
  std::string key;
  while (members.next(key)) {
    if (key == "mediaType") {
      has_media_type = true;
      media_type_at = s.pos();
      if (auto e = detail::read_string_member(s, "bundle", "mediaType", path, out.media_type)) return e;
    } else if (key == "verificationMaterial") {
      has_material = true;
      if (auto e = read_verification_material(s, path, out.key_hint)) return e;
    } else if (key == "dsseEnvelope") {
      has_dsse = true;
      if (auto e = detail::read_envelope(s, "bundle: dsseEnvelope", path, out.envelope)) return e;
    } else if (key == "messageSignature") {
      has_message_signature = true;
      if (!s.skip_value()) break;
    } else {
      bool handled = false;
      if (auto e = detail::read_envelope_member(s, key, "envelope", path, top_level, envelope_seen, handled)) return e;
      if (!handled && !s.skip_value()) break;
    }
  }
  if (s.failed()) return json::syntax_error(s, path);
  out.is_bundle = has_media_type || has_dsse || has_message_signature || has_material;
  if (!out.is_bundle) {
    out.envelope = std::move(top_level);
    return detail::check_envelope_members(s, "envelope", path, envelope_seen);
  }

  auto here = [&](std::size_t at) { return json::location_of(s.text(), at, path); };
  if (!has_media_type) return make_error(ErrorCode::parse, "bundle: missing mediaType", here(envelope_seen.start));
  if (!known_media_type(out.media_type))
    return make_error(ErrorCode::unsupported,
                      "bundle: unsupported media type \"" + util::printable(out.media_type) + "\"",
                      here(media_type_at));
  if (has_message_signature && !has_dsse)
    return make_error(ErrorCode::unsupported,
                      "bundle: holds a messageSignature, not a DSSE envelope: purser verifies attestations only",
                      here(envelope_seen.start));
  if (!has_dsse) return make_error(ErrorCode::parse, "bundle: missing dsseEnvelope", here(envelope_seen.start));
  return std::nullopt;
}

}  // namespace

// sigstore_bundle.proto Bundle, in proto3 JSON (lowerCamelCase names, bytes as standard base64 with padding):
// envelope.proto Envelope {payload, payloadType, signatures[{sig, keyid}]}.
util::Result<std::string> to_bundle_json(const Envelope& envelope, std::string_view public_key_hint) {
  if (envelope.signatures.size() != 1)
    return make_error(ErrorCode::usage, "bundle: a bundle carries exactly one signature; the envelope has " +
                                            std::to_string(envelope.signatures.size()));
  const DsseSignature& signature = envelope.signatures.front();
  std::string out;
  out.reserve(envelope.payload.size() / 3 * 4 + envelope.payload_type.size() + 512);
  out += "{\"mediaType\":";
  json::append_string(out, k_bundle_v03_media_type);
  out += ",\"verificationMaterial\":{\"publicKey\":{\"hint\":";
  json::append_string(out, public_key_hint);
  out += "},\"tlogEntries\":[],\"timestampVerificationData\":{}},\"dsseEnvelope\":{\"payload\":\"";
  util::append_base64(out, envelope.payload);
  out += "\",\"payloadType\":";
  json::append_string(out, envelope.payload_type);
  out += ",\"signatures\":[{\"sig\":\"";
  util::append_base64(out, signature.sig);
  out += '"';
  if (!signature.keyid.empty()) {
    out += ",\"keyid\":";
    json::append_string(out, signature.keyid);
  }
  out += "}]}}";
  return out;
}

util::Result<AttestationFile> read_attestations(std::string_view bytes, const std::string& path) {
  json::Scanner s(bytes);
  if (s.at_end()) return make_error(ErrorCode::parse, "no attestation: the file is empty", {path});
  AttestationFile file;
  bool saw_bundle = false;
  for (std::size_t count = 0;; ++count) {
    if (count > 0) {
      if (s.at_end()) break;
      if (s.peek() != '{') {
        s.fail_unexpected("end of input or another JSON object");
        return json::syntax_error(s, path);
      }
    }
    ObjectRead object;
    if (auto e = read_object(s, path, object)) return *e;
    if (object.is_bundle && !saw_bundle) {
      saw_bundle = true;
      file.bundle_media_type = object.media_type;
      file.key_hint = object.key_hint;
    }
    file.format = object.is_bundle ? AttestationFormat::bundle : AttestationFormat::envelope;
    file.envelopes.push_back(std::move(object.envelope));
  }
  // One object is an envelope or a bundle; several, one per line, are JSON lines (.intoto.jsonl), which may hold
  // envelopes or bundles.
  if (file.envelopes.size() > 1) file.format = AttestationFormat::jsonl;
  return file;
}

}  // namespace purser::signing
