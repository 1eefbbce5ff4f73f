#pragma once
// Signing keys held by OpenSSL: generation, PEM import/export, keyids, sign and verify.
// The signing library signs bytes; it never sees SBOM types (STYLE 1).

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "lib/util/result.hpp"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace purser::signing {

/// Key algorithms purser generates. Imported keys may also be ECDSA P-384 or RSA of other sizes.
enum class KeyType { ecdsa_p256, ed25519, rsa_4096 };
/// "ecdsa-p256" / "ed25519" / "rsa-4096".
const char* to_string(KeyType type);
/// Parses the spellings of to_string(); nullopt when unknown.
std::optional<KeyType> parse_key_type(std::string_view text);

/// A public key. Signature schemes by key type: ECDSA with SHA-256 (P-256) or SHA-384 (P-384),
/// signatures ASN.1 DER as cosign writes them; Ed25519 (pure); RSA PKCS#1 v1.5 with SHA-256.
class PublicKey {
 public:
  /// Imports a PEM public key: SPKI ("PUBLIC KEY", what openssl and cosign write) or PKCS#1
  /// ("RSA PUBLIC KEY"). A private key PEM that is not encrypted is accepted too (its public half).
  /// ErrorCode::parse naming `path` when the bytes are not a key; ErrorCode::unsupported for a key purser does not
  /// sign with (RSA under 2048 bits, curves other than P-256/P-384, Ed448, ...) or an OpenSSH, cosign-encrypted
  /// or certificate PEM.
  static util::Result<PublicKey> from_pem(std::string_view pem, const std::string& path);
  /// SPKI PEM.
  std::string to_pem() const;
  /// SPKI DER bytes.
  std::string der() const;
  /// Lower-case hex SHA-256 of der(): the DSSE keyid and bundle key hint purser writes.
  std::string keyid() const;
  /// "ecdsa-p256", "ecdsa-p384", "ed25519", "rsa-2048", "rsa-4096", ...
  std::string algorithm() const;
  /// True when `signature` is a valid signature of `message` by this key (never throws).
  bool verify(std::string_view message, std::string_view signature) const;
  /// As verify(), for the message made of `parts` one after another. ECDSA and RSA hash the parts where they
  /// lie, so verify_envelope need not copy a large payload into the PAE; Ed25519 (one-shot) joins them first.
  bool verify_parts(std::initializer_list<std::string_view> parts, std::string_view signature) const;

 private:
  std::shared_ptr<evp_pkey_st> m_key;
  friend class PrivateKey;
};

/// A private key.
class PrivateKey {
 public:
  /// Generates a fresh key. ErrorCode::internal if OpenSSL fails.
  static util::Result<PrivateKey> generate(KeyType type);
  /// Imports a PEM private key: PKCS#8 ("PRIVATE KEY", "ENCRYPTED PRIVATE KEY"), SEC1
  /// ("EC PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY"), as `openssl genpkey` writes them.
  /// An encrypted key needs `passphrase`; a wrong or missing passphrase is ErrorCode::usage
  /// ("PATH: cannot decrypt private key: wrong passphrase"). The passphrase never appears in errors, and OpenSSL is
  /// never left to prompt on the terminal. Unsupported keys as for PublicKey::from_pem; ErrorCode::unsupported too
  /// for a PBKDF2 iteration count above 10 million (a file could otherwise stall us for hours).
  static util::Result<PrivateKey> from_pem(std::string_view pem, std::string_view passphrase, const std::string& path);
  /// True when the PEM holds an encrypted private key (the caller should ask for a passphrase).
  static bool is_encrypted_pem(std::string_view pem);
  /// PKCS#8 PEM; encrypted (PBES2: PBKDF2-HMAC-SHA256 + AES-256-CBC, what `openssl pkcs8 -topk8` writes, with
  /// 600000 iterations and a random 16-byte salt) when `passphrase` is non-empty.
  std::string to_pem(std::string_view passphrase) const;
  PublicKey public_key() const;
  /// Signs `message` with the scheme of public_key(). ErrorCode::internal if OpenSSL fails.
  util::Result<std::string> sign(std::string_view message) const;

 private:
  std::shared_ptr<evp_pkey_st> m_key;
};

}  // namespace purser::signing
