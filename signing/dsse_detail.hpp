#pragma once
// Internal to purser_signing: reading a DSSE envelope object where it sits inside a larger document (a
// Sigstore bundle's dsseEnvelope, one line of .intoto.jsonl).

#include <optional>
#include <string>

#include "lib/util/json_scan.hpp"
#include "lib/util/result.hpp"
#include "signing/dsse.hpp"

namespace purser::signing::detail {

/// Which required envelope members were seen, and where the object started (for "missing" messages).
struct EnvelopeMembers {
  std::size_t start = 0;
  bool payload = false;
  bool payload_type = false;
  bool signatures = false;
};

/// When `key` names an envelope member (payload, payloadType, signatures), reads its value into `out`, marks it
/// in `seen` and sets `handled`; otherwise consumes nothing. Errors as for read_envelope.
std::optional<util::Error> read_envelope_member(util::json::Scanner& scanner, const std::string& key,
                                                const std::string& what, const std::string& path, Envelope& out,
                                                EnvelopeMembers& seen, bool& handled);

/// ErrorCode::parse naming the first required member missing from `seen`; nullopt when all are there.
std::optional<util::Error> check_envelope_members(const util::json::Scanner& scanner, const std::string& what,
                                                  const std::string& path, const EnvelopeMembers& seen);

/// ErrorCode::parse "WHAT: expected EXPECTED, got KIND" at the scanner's position when a value starts there, else
/// the syntax error.
util::Error not_a(util::json::Scanner& scanner, const std::string& what, std::string_view expected,
                  const std::string& path);

/// Reads a string member value into `value`; a non-string is ErrorCode::parse "WHAT: FIELD: expected a string".
std::optional<util::Error> read_string_member(util::json::Scanner& scanner, const std::string& what,
                                              const std::string& field, const std::string& path, std::string& value);

/// Reads the envelope object at the scanner's position into `out`; nullopt on success. `what` prefixes
/// structural messages ("envelope", "bundle: dsseEnvelope"). Every failure is ErrorCode::parse naming `path`.
std::optional<util::Error> read_envelope(util::json::Scanner& scanner, const std::string& what, const std::string& path,
                                         Envelope& out);

}  // namespace purser::signing::detail
