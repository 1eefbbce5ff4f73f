// Fuzz target for public key import (cosign fuzzes its key import too, STYLE 18).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "signing/keys.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto key = purser::signing::PublicKey::from_pem(text, "fuzz.pub");
  if (!key.ok()) return 0;
  auto again = purser::signing::PublicKey::from_pem(key->to_pem(), "again.pub");
  if (!again.ok() || again->keyid() != key->keyid()) std::abort();
  (void)key->verify(text, text);
  (void)key->algorithm();
  return 0;
}
