#include "lib/util/hash.hpp"

#include <openssl/evp.h>

#include <stdexcept>

#include "lib/util/strings.hpp"

namespace purser::util {

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
};

static const EVP_MD* evp_of(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::sha1:
      return EVP_sha1();
    case DigestAlgorithm::sha256:
      return EVP_sha256();
    case DigestAlgorithm::sha384:
      return EVP_sha384();
    case DigestAlgorithm::sha512:
      return EVP_sha512();
  }
  return EVP_sha256();
}

Digest::Digest(DigestAlgorithm algorithm) : m_impl(std::make_unique<Impl>()) {
  m_impl->ctx = EVP_MD_CTX_new();
  if (m_impl->ctx == nullptr || EVP_DigestInit_ex(m_impl->ctx, evp_of(algorithm), nullptr) != 1)
    throw std::runtime_error("openssl digest init failed");  // programming/environment error
}

Digest::~Digest() { EVP_MD_CTX_free(m_impl->ctx); }

void Digest::update(std::string_view bytes) { EVP_DigestUpdate(m_impl->ctx, bytes.data(), bytes.size()); }

std::string Digest::finish() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(m_impl->ctx, out, &len);
  return std::string(reinterpret_cast<const char*>(out), len);
}

std::string Digest::finish_hex() { return hex_encode(finish()); }

std::string sha256_hex(std::string_view bytes) {
  Digest d(DigestAlgorithm::sha256);
  d.update(bytes);
  return d.finish_hex();
}

}  // namespace purser::util
