#pragma once
// Streaming digests through OpenSSL's EVP interface.

#include <memory>
#include <string>
#include <string_view>

namespace purser::util {

enum class DigestAlgorithm { sha1, sha256, sha384, sha512 };

/// Incremental digest; feed bytes with update(), read the hex digest with finish_hex().
class Digest {
 public:
  explicit Digest(DigestAlgorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void update(std::string_view bytes);
  /// Raw digest bytes; the object must not be updated afterwards.
  std::string finish();
  /// Lower-case hex digest.
  std::string finish_hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// One-shot lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

}  // namespace purser::util
