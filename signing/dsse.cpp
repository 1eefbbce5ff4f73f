#include "signing/dsse.hpp"

#include <set>

#include "lib/util/json_scan.hpp"
#include "lib/util/strings.hpp"
#include "signing/dsse_detail.hpp"

namespace purser::signing {

namespace json = util::json;
using util::ErrorCode;
using util::make_error;

// protocol.md "Signature Definition": PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body.
namespace {

// PAE without its body: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP.
std::string pae_prefix(std::string_view payload_type, std::size_t payload_size) {
  std::string out = "DSSEv1 ";
  out += std::to_string(payload_type.size());
  out += ' ';
  out += payload_type;
  out += ' ';
  out += std::to_string(payload_size);
  out += ' ';
  return out;
}

}  // namespace

std::string pae(std::string_view payload_type, std::string_view payload) {
  std::string out = pae_prefix(payload_type, payload.size());
  out.reserve(out.size() + payload.size());
  out += payload;
  return out;
}

util::Result<Envelope> sign_envelope(std::string payload_type, std::string payload,
                                     const std::vector<PrivateKey>& keys) {
  if (keys.empty()) return make_error(ErrorCode::usage, "cannot sign: no signing key");
  // protocol.md: PAYLOAD_TYPE is a string, signed as UTF8(PAYLOAD_TYPE); JSON cannot carry anything else.
  if (!json::is_valid_utf8(payload_type))
    return make_error(ErrorCode::usage, "cannot sign: payload type is not valid UTF-8");
  Envelope envelope;
  {
    const std::string message = pae(payload_type, payload);
    for (const PrivateKey& key : keys) {
      PURSER_TRY_ASSIGN(sig, key.sign(message));
      envelope.signatures.push_back({key.public_key().keyid(), std::move(sig)});
    }
  }
  envelope.payload_type = std::move(payload_type);
  envelope.payload = std::move(payload);
  return envelope;
}

// envelope.md: {"payload": b64, "payloadType": str, "signatures": [{"keyid": str, "sig": b64}]}; we write the
// members in the order of dsse.hpp, standard base64 with padding.
std::string to_json(const Envelope& envelope) {
  std::string out;
  out.reserve(64 + envelope.payload_type.size() + envelope.payload.size() / 3 * 4 + 4 +
              envelope.signatures.size() * 200);
  out += "{\"payloadType\":";
  json::append_string(out, envelope.payload_type);
  out += ",\"payload\":\"";
  util::append_base64(out, envelope.payload);
  out += "\",\"signatures\":[";
  bool first = true;
  for (const DsseSignature& s : envelope.signatures) {
    if (!first) out += ',';
    first = false;
    out += "{\"keyid\":";
    json::append_string(out, s.keyid);
    out += ",\"sig\":\"";
    util::append_base64(out, s.sig);
    out += "\"}";
  }
  out += "]}";
  return out;
}

namespace detail {

util::Error not_a(json::Scanner& s, const std::string& what, std::string_view expected, const std::string& path) {
  const json::Kind kind = s.peek_kind();
  if (!json::starts_value(kind)) {
    s.fail_unexpected(expected);
    return json::syntax_error(s, path);
  }
  return make_error(ErrorCode::parse, what + ": expected " + std::string(expected) + ", got " + json::describe(kind),
                    json::location_of(s.text(), s.pos(), path));
}

std::optional<util::Error> read_string_member(json::Scanner& s, const std::string& what, const std::string& field,
                                              const std::string& path, std::string& value) {
  if (s.peek() != '"') return not_a(s, what + ": " + field, "a string", path);
  std::string_view view;
  std::string buffer;
  if (!s.read_string(view, buffer)) return json::syntax_error(s, path);
  value.assign(view);
  return std::nullopt;
}

namespace {

// A string member holding base64 (protocol.md: standard or URL-safe, verifiers accept either). The string is
// decoded straight from the input when it has no JSON escapes, so a 67 MB payload is not copied first.
std::optional<util::Error> read_base64_member(json::Scanner& s, const std::string& what, const std::string& field,
                                              const std::string& path, std::string& value) {
  if (s.peek() != '"') return not_a(s, what + ": " + field, "a base64 string", path);
  const std::size_t at = s.pos();
  std::string_view view;
  std::string buffer;
  if (!s.read_string(view, buffer)) return json::syntax_error(s, path);
  if (!util::base64_decode(view, value))
    return make_error(ErrorCode::parse, what + ": " + field + ": invalid base64",
                      json::location_of(s.text(), at, path));
  return std::nullopt;
}

std::optional<util::Error> read_signature(json::Scanner& s, const std::string& what, const std::string& path,
                                          DsseSignature& out) {
  if (s.peek() != '{') return not_a(s, what, "an object", path);
  const std::size_t start = s.pos();
  bool has_sig = false;
  json::ObjectReader members(s);
  std::string key;
  while (members.next(key)) {
    if (key == "sig") {
      if (auto e = read_base64_member(s, what, "sig", path, out.sig)) return e;
      has_sig = true;
    } else if (key == "keyid" && s.peek() != 'n') {  // null is proto3 JSON's "unset"
      if (auto e = read_string_member(s, what, "keyid", path, out.keyid)) return e;
    } else if (!s.skip_value()) {
      break;
    }
  }
  if (s.failed()) return json::syntax_error(s, path);
  if (!has_sig) return make_error(ErrorCode::parse, what + ": missing sig", json::location_of(s.text(), start, path));
  return std::nullopt;
}

}  // namespace

std::optional<util::Error> read_envelope_member(json::Scanner& s, const std::string& key, const std::string& what,
                                                const std::string& path, Envelope& out, EnvelopeMembers& seen,
                                                bool& handled) {
  handled = true;
  if (key == "payloadType") {
    seen.payload_type = true;
    return read_string_member(s, what, "payloadType", path, out.payload_type);
  }
  if (key == "payload") {
    seen.payload = true;
    return read_base64_member(s, what, "payload", path, out.payload);
  }
  if (key == "signatures") {
    seen.signatures = true;
    if (s.peek() != '[') return not_a(s, what + ": signatures", "an array", path);
    json::ArrayReader elements(s);
    while (elements.next()) {
      DsseSignature signature;
      if (auto e =
              read_signature(s, what + ": signatures[" + std::to_string(out.signatures.size()) + "]", path, signature))
        return e;
      out.signatures.push_back(std::move(signature));
    }
    if (s.failed()) return json::syntax_error(s, path);
    return std::nullopt;
  }
  handled = false;
  return std::nullopt;
}

std::optional<util::Error> check_envelope_members(const json::Scanner& s, const std::string& what,
                                                  const std::string& path, const EnvelopeMembers& seen) {
  const char* missing = !seen.payload        ? "payload"
                        : !seen.payload_type ? "payloadType"
                        : !seen.signatures   ? "signatures"
                                             : nullptr;
  if (missing == nullptr) return std::nullopt;
  return make_error(ErrorCode::parse, what + ": missing " + missing, json::location_of(s.text(), seen.start, path));
}

std::optional<util::Error> read_envelope(json::Scanner& s, const std::string& what, const std::string& path,
                                         Envelope& out) {
  if (s.peek() != '{') return not_a(s, what, "an object", path);
  EnvelopeMembers seen;
  seen.start = s.pos();
  json::ObjectReader members(s);
  std::string key;
  while (members.next(key)) {
    bool handled = false;
    if (auto e = read_envelope_member(s, key, what, path, out, seen, handled)) return e;
    if (!handled && !s.skip_value()) break;
  }
  if (s.failed()) return json::syntax_error(s, path);
  return check_envelope_members(s, what, path, seen);
}

}  // namespace detail

util::Result<Envelope> parse_envelope(std::string_view json, const std::string& path) {
  json::Scanner s(json);
  Envelope envelope;
  if (auto e = detail::read_envelope(s, "envelope", path, envelope)) return *e;
  if (!s.at_end()) {
    s.fail_unexpected("end of input");
    return json::syntax_error(s, path);
  }
  return envelope;
}

// protocol.md "Multi-signature Verification": keyid only narrows the keys tried; the count is of distinct
// trusted keys that verified a signature.
EnvelopeCheck verify_envelope(const Envelope& envelope, const std::vector<PublicKey>& trusted) {
  EnvelopeCheck check;
  std::vector<std::string> trusted_ids;
  trusted_ids.reserve(trusted.size());
  for (const PublicKey& key : trusted) trusted_ids.push_back(key.keyid());
  // The PAE as two parts, so ECDSA and RSA keys hash the payload where it lies (keys.hpp verify_parts).
  const std::string prefix = pae_prefix(envelope.payload_type, envelope.payload.size());
  std::set<std::string> accepted;
  for (const DsseSignature& signature : envelope.signatures) {
    SignatureCheck result;
    result.keyid = signature.keyid;
    bool candidate = false;
    for (std::size_t i = 0; i < trusted.size() && !result.verified; ++i) {
      if (!signature.keyid.empty() && signature.keyid != trusted_ids[i]) continue;
      candidate = true;
      if (trusted[i].verify_parts({prefix, envelope.payload}, signature.sig)) {
        result.verified = true;
        result.trusted_keyid = trusted_ids[i];
      }
    }
    if (!result.verified) {
      if (!candidate && !signature.keyid.empty())
        result.reason = "no trusted key has keyid " + util::printable(signature.keyid);
      else if (!candidate)
        result.reason = "no trusted keys";
      else if (signature.keyid.empty())
        result.reason = "signature does not verify with any trusted key";
      else
        result.reason = "signature does not verify";
    } else {
      accepted.insert(result.trusted_keyid);
    }
    check.signatures.push_back(std::move(result));
  }
  check.distinct_keys = accepted.size();
  return check;
}

}  // namespace purser::signing
