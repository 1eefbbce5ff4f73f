// Fuzz target for private key import with a fixed passphrase (encrypted seeds use it), then sign and verify.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signing/keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)purser::signing::PrivateKey::is_encrypted_pem(text);
  auto key = purser::signing::PrivateKey::from_pem(text, "fuzz-passphrase", "fuzz.key");
  if (!key.ok()) return 0;
  auto sig = key->sign("message");
  if (!sig.ok() || !key->public_key().verify("message", *sig)) std::abort();
  auto again = purser::signing::PrivateKey::from_pem(key->to_pem(""), "", "again.key");
  if (!again.ok() || again->public_key().keyid() != key->public_key().keyid()) std::abort();
  return 0;
}
