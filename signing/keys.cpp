#include "signing/keys.hpp"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <array>
#include <cstring>

#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"

namespace purser::signing {

namespace {

using util::ErrorCode;
using util::make_error;

// PBKDF2-HMAC-SHA256 iterations for keys we encrypt: OWASP's 2023 figure for this PRF. Decrypting costs
// ~0.2 s once per `attest`, which is the point.
constexpr int k_pbkdf2_iterations = 600000;
constexpr int k_pbkdf2_salt_bytes = 16;
// Refuse to run PBKDF2 longer than this when importing (a hostile key file could ask for 2^31 rounds).
constexpr long k_max_pbkdf2_iterations = 10000000;
// RSA below this size is refused on import (NIST SP 800-131A).
constexpr int k_min_rsa_bits = 2048;

std::shared_ptr<evp_pkey_st> own(EVP_PKEY* key) { return std::shared_ptr<evp_pkey_st>(key, EVP_PKEY_free); }

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

// One "-----BEGIN LABEL-----" ... "-----END LABEL-----" block (RFC 7468 §2).
struct PemBlock {
  std::string label;
  std::string_view text;  // from BEGIN through the END line
};

// The first PEM block whose label is not "EC PARAMETERS" (`openssl ecparam -genkey` writes one before the key).
std::optional<PemBlock> first_key_block(std::string_view pem) {
  static constexpr std::string_view k_begin = "-----BEGIN ";
  std::size_t from = 0;
  for (;;) {
    std::size_t begin = pem.find(k_begin, from);
    if (begin == std::string_view::npos) return std::nullopt;
    std::size_t label_start = begin + k_begin.size();
    std::size_t label_end = pem.find("-----", label_start);
    if (label_end == std::string_view::npos) return std::nullopt;
    std::string label(pem.substr(label_start, label_end - label_start));
    if (label.find('\n') != std::string::npos) return std::nullopt;
    std::string end_marker = "-----END " + label + "-----";
    std::size_t end = pem.find(end_marker, label_end);
    if (end == std::string_view::npos) return std::nullopt;
    end += end_marker.size();
    if (label != "EC PARAMETERS") return PemBlock{label, pem.substr(begin, end - begin)};
    from = end;
  }
}

bool is_private_label(std::string_view label) {
  return label == "PRIVATE KEY" || label == "ENCRYPTED PRIVATE KEY" || label == "EC PRIVATE KEY" ||
         label == "RSA PRIVATE KEY";
}

bool block_is_encrypted(const PemBlock& block) {
  // PKCS#8 EncryptedPrivateKeyInfo, or the legacy OpenSSL header encryption (RFC 1421 §4.6.1.1).
  return block.label == "ENCRYPTED PRIVATE KEY" ||
         (is_private_label(block.label) && block.text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos);
}

// Passphrase source for OpenSSL's decoders. It never prompts: OpenSSL reads the terminal only when no callback
// is set, so one is always set, and it refuses when there is no passphrase.
struct PassphraseRequest {
  std::string_view passphrase;
  bool asked = false;
  bool too_long = false;
};

int passphrase_callback(char* buf, int size, int, void* user) {
  auto* request = static_cast<PassphraseRequest*>(user);
  request->asked = true;
  if (request->passphrase.empty()) return -1;
  if (size < 0 || request->passphrase.size() > static_cast<std::size_t>(size)) {
    request->too_long = true;
    return -1;
  }
  std::memcpy(buf, request->passphrase.data(), request->passphrase.size());
  return static_cast<int>(request->passphrase.size());
}

// Decodes one PEM block. `selection` is EVP_PKEY_KEYPAIR or EVP_PKEY_PUBLIC_KEY.
EVP_PKEY* decode_pem(std::string_view block, int selection, PassphraseRequest& request) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* ctx = OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, nullptr, selection, nullptr, nullptr);
  if (ctx == nullptr) return nullptr;
  OSSL_DECODER_CTX_set_pem_password_cb(ctx, passphrase_callback, &request);
  const auto* data = reinterpret_cast<const unsigned char*>(block.data());
  std::size_t len = block.size();
  if (OSSL_DECODER_from_data(ctx, &data, &len) != 1) {
    EVP_PKEY_free(key);
    key = nullptr;
  }
  OSSL_DECODER_CTX_free(ctx);
  ERR_clear_error();
  return key;
}

// The PBKDF2 iteration count of a PKCS#8 EncryptedPrivateKeyInfo using PBES2 (RFC 8018 §6.2, A.2, A.4);
// 0 when it is not PBES2/PBKDF2 or cannot be read (OpenSSL then decides).
long pbes2_iterations(std::string_view block) {
  BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (!bio) return 0;
  PassphraseRequest refuse;  // a Proc-Type header here would otherwise make OpenSSL prompt
  X509_SIG* sig = PEM_read_bio_PKCS8(bio.get(), nullptr, passphrase_callback, &refuse);
  ERR_clear_error();
  if (sig == nullptr) return 0;
  long iterations = 0;
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig, &alg, nullptr);
  if (OBJ_obj2nid(alg->algorithm) == NID_pbes2 && alg->parameter != nullptr &&
      alg->parameter->type == V_ASN1_SEQUENCE) {
    auto* pbe2 = static_cast<PBE2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBE2PARAM), alg->parameter));
    if (pbe2 != nullptr) {
      if (OBJ_obj2nid(pbe2->keyfunc->algorithm) == NID_id_pbkdf2 && pbe2->keyfunc->parameter != nullptr &&
          pbe2->keyfunc->parameter->type == V_ASN1_SEQUENCE) {
        auto* kdf =
            static_cast<PBKDF2PARAM*>(ASN1_TYPE_unpack_sequence(ASN1_ITEM_rptr(PBKDF2PARAM), pbe2->keyfunc->parameter));
        if (kdf != nullptr) {
          iterations = ASN1_INTEGER_get(kdf->iter);
          if (iterations < 0) iterations = k_max_pbkdf2_iterations + 1;  // does not fit a long
          PBKDF2PARAM_free(kdf);
        }
      }
      PBE2PARAM_free(pbe2);
    }
  }
  X509_SIG_free(sig);
  ERR_clear_error();
  return iterations;
}

std::string group_name(const EVP_PKEY* key) {
  std::array<char, 80> name{};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name.data(), name.size(), &len) != 1) return "";
  return std::string(name.data(), len);
}

std::string algorithm_of(const EVP_PKEY* key) {
  if (key == nullptr) return "";
  if (EVP_PKEY_is_a(key, "ED25519")) return "ed25519";
  if (EVP_PKEY_is_a(key, "EC")) {
    std::string group = group_name(key);
    if (group == "prime256v1" || group == "P-256") return "ecdsa-p256";
    if (group == "secp384r1" || group == "P-384") return "ecdsa-p384";
    return "ecdsa-" + group;
  }
  if (EVP_PKEY_is_a(key, "RSA")) return "rsa-" + std::to_string(EVP_PKEY_get_bits(key));
  const char* type = EVP_PKEY_get0_type_name(key);
  return util::to_lower(type != nullptr ? type : "unknown");
}

// The digest of each signature scheme (keys.hpp); nullptr for Ed25519, which hashes internally (RFC 8032).
const char* digest_of(const EVP_PKEY* key) {
  std::string algorithm = algorithm_of(key);
  if (algorithm == "ed25519") return nullptr;
  if (algorithm == "ecdsa-p384") return "SHA384";
  return "SHA256";
}

// Supported: ECDSA P-256/P-384, Ed25519, RSA >= 2048 bits. ErrorCode::unsupported names what was found.
util::Status check_supported(const EVP_PKEY* key, const std::string& path) {
  std::string algorithm = algorithm_of(key);
  if (algorithm == "ed25519" || algorithm == "ecdsa-p256" || algorithm == "ecdsa-p384") return util::Ok{};
  if (EVP_PKEY_is_a(key, "RSA")) {
    if (EVP_PKEY_get_bits(key) >= k_min_rsa_bits) return util::Ok{};
    return make_error(
        ErrorCode::unsupported,
        "unsupported key: " + algorithm + " (rsa keys need at least " + std::to_string(k_min_rsa_bits) + " bits)",
        {path});
  }
  return make_error(ErrorCode::unsupported,
                    "unsupported key type " + algorithm + ": use ecdsa-p256, ecdsa-p384, ed25519 or rsa", {path});
}

// A private key whose stored public half does not belong to it (a corrupt file, or a decryption that happened to
// pass the padding check) would sign what its own .pub never verifies; OpenSSL's pairwise check catches it.
bool pairwise_consistent(EVP_PKEY* key) {
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  bool ok = ctx != nullptr && EVP_PKEY_pairwise_check(ctx) == 1;
  EVP_PKEY_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

std::string der_of(const EVP_PKEY* key) {
  if (key == nullptr) return "";
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(const_cast<EVP_PKEY*>(key), &der);
  if (len <= 0) {
    ERR_clear_error();
    return "";
  }
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

util::Error unsupported_label(const std::string& label, const std::string& path) {
  if (label == "OPENSSH PRIVATE KEY")
    return make_error(ErrorCode::unsupported,
                      "openssh private keys are not supported: convert with `ssh-keygen -p -m PKCS8 -f KEY`", {path});
  if (label == "ENCRYPTED SIGSTORE PRIVATE KEY" || label == "ENCRYPTED COSIGN PRIVATE KEY")
    return make_error(ErrorCode::unsupported,
                      "cosign-encrypted private keys are not supported: use a PKCS#8 key (purser keygen, openssl "
                      "genpkey)",
                      {path});
  if (label == "CERTIFICATE")
    return make_error(ErrorCode::unsupported,
                      "certificates are not supported: extract the key with `openssl x509 -pubkey -noout`", {path});
  return make_error(ErrorCode::parse, "unsupported PEM block \"" + util::printable(label) + "\"", {path});
}

}  // namespace

const char* to_string(KeyType type) {
  switch (type) {
    case KeyType::ecdsa_p256:
      return "ecdsa-p256";
    case KeyType::ed25519:
      return "ed25519";
    case KeyType::rsa_4096:
      return "rsa-4096";
  }
  return "ecdsa-p256";
}

std::optional<KeyType> parse_key_type(std::string_view text) {
  for (KeyType type : {KeyType::ecdsa_p256, KeyType::ed25519, KeyType::rsa_4096})
    if (text == to_string(type)) return type;
  return std::nullopt;
}

// ---- PublicKey ----

util::Result<PublicKey> PublicKey::from_pem(std::string_view pem, const std::string& path) {
  std::optional<PemBlock> block = first_key_block(pem);
  if (!block) return make_error(ErrorCode::parse, "not a PEM public key (no -----BEGIN line)", {path});
  const bool is_public = block->label == "PUBLIC KEY" || block->label == "RSA PUBLIC KEY";
  if (!is_public && !is_private_label(block->label)) return unsupported_label(block->label, path);
  if (block_is_encrypted(*block))
    return make_error(ErrorCode::parse, "an encrypted private key, not a public key: give the .pub file", {path});
  PassphraseRequest no_passphrase;
  EVP_PKEY* decoded = decode_pem(block->text, is_public ? EVP_PKEY_PUBLIC_KEY : EVP_PKEY_KEYPAIR, no_passphrase);
  if (decoded == nullptr)
    return make_error(ErrorCode::parse, "invalid public key: cannot decode the \"" + block->label + "\" PEM block",
                      {path});
  auto owned = own(decoded);
  if (auto ok = check_supported(decoded, path); !ok) return ok.error();
  // Keep only the public half, whatever was read.
  std::string der = der_of(decoded);
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  ERR_clear_error();
  if (pub == nullptr) return make_error(ErrorCode::internal, "cannot extract the public key", {path});
  PublicKey out;
  out.m_key = own(pub);
  return out;
}

std::string PublicKey::to_pem() const {
  if (!m_key) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), m_key.get()) != 1) {
    ERR_clear_error();
    return "";
  }
  return bio_contents(bio.get());
}

std::string PublicKey::der() const { return der_of(m_key.get()); }

std::string PublicKey::keyid() const {
  if (!m_key) return "";
  return util::sha256_hex(der());
}

std::string PublicKey::algorithm() const { return algorithm_of(m_key.get()); }

bool PublicKey::verify(std::string_view message, std::string_view signature) const {
  return verify_parts({message}, signature);
}

bool PublicKey::verify_parts(std::initializer_list<std::string_view> parts, std::string_view signature) const {
  if (!m_key) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return false;
  const char* digest = digest_of(m_key.get());
  const auto* sig = reinterpret_cast<const unsigned char*>(signature.data());
  bool ok = EVP_DigestVerifyInit_ex(ctx, nullptr, digest, nullptr, nullptr, m_key.get(), nullptr) == 1;
  if (ok && digest == nullptr) {
    // Ed25519 is one-shot (RFC 8032 §5.1.7 hashes the message twice): it needs the whole message.
    std::string joined;
    std::string_view message;
    if (parts.size() == 1) {
      message = *parts.begin();
    } else {
      for (std::string_view part : parts) joined += part;
      message = joined;
    }
    ok = EVP_DigestVerify(ctx, sig, signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
  } else if (ok) {
    for (std::string_view part : parts) ok = ok && EVP_DigestVerifyUpdate(ctx, part.data(), part.size()) == 1;
    ok = ok && EVP_DigestVerifyFinal(ctx, sig, signature.size()) == 1;
  }
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

// ---- PrivateKey ----

util::Result<PrivateKey> PrivateKey::generate(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::ecdsa_p256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::ed25519:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::rsa_4096:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(4096));
      break;
  }
  ERR_clear_error();
  if (key == nullptr)
    return make_error(ErrorCode::internal, std::string("cannot generate ") + to_string(type) + " key: openssl failed");
  PrivateKey out;
  out.m_key = own(key);
  return out;
}

util::Result<PrivateKey> PrivateKey::from_pem(std::string_view pem, std::string_view passphrase,
                                              const std::string& path) {
  std::optional<PemBlock> block = first_key_block(pem);
  if (!block) return make_error(ErrorCode::parse, "not a PEM private key (no -----BEGIN line)", {path});
  if (block->label == "PUBLIC KEY" || block->label == "RSA PUBLIC KEY")
    return make_error(ErrorCode::parse, "a public key, not a private key", {path});
  if (!is_private_label(block->label)) return unsupported_label(block->label, path);
  const bool encrypted = block_is_encrypted(*block);
  if (encrypted && block->label == "ENCRYPTED PRIVATE KEY") {
    long iterations = pbes2_iterations(block->text);
    if (iterations > k_max_pbkdf2_iterations)
      return make_error(ErrorCode::unsupported,
                        "encrypted private key asks for " + std::to_string(iterations) +
                            " PBKDF2 iterations: more than " + std::to_string(k_max_pbkdf2_iterations) + " refused",
                        {path});
  }
  if (encrypted && passphrase.empty())
    return make_error(ErrorCode::usage, "cannot decrypt private key: no passphrase given", {path});
  PassphraseRequest request{encrypted ? passphrase : std::string_view()};
  EVP_PKEY* decoded = decode_pem(block->text, EVP_PKEY_KEYPAIR, request);
  if (decoded == nullptr) {
    if (request.too_long)
      return make_error(ErrorCode::usage, "cannot decrypt private key: passphrase longer than openssl accepts", {path});
    if (encrypted) return make_error(ErrorCode::usage, "cannot decrypt private key: wrong passphrase", {path});
    return make_error(ErrorCode::parse, "invalid private key: cannot decode the \"" + block->label + "\" PEM block",
                      {path});
  }
  auto owned = own(decoded);
  if (auto ok = check_supported(decoded, path); !ok) return ok.error();
  if (!pairwise_consistent(decoded))
    return make_error(ErrorCode::parse, "invalid private key: its public half does not match the private key", {path});
  PrivateKey out;
  out.m_key = std::move(owned);
  return out;
}

bool PrivateKey::is_encrypted_pem(std::string_view pem) {
  std::optional<PemBlock> block = first_key_block(pem);
  return block && block_is_encrypted(*block);
}

std::string PrivateKey::to_pem(std::string_view passphrase) const {
  if (!m_key) return "";
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return "";
  bool ok = false;
  if (passphrase.empty()) {
    // OpenSSL 3 writes PKCS#8 PrivateKeyInfo ("PRIVATE KEY") here.
    ok = PEM_write_bio_PrivateKey(bio.get(), m_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  } else {
    // PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018 §6.2): PBKDF2 with HMAC-SHA256 (OpenSSL 3's
    // default PRF for PBES2) and AES-256-CBC.
    PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(m_key.get());
    std::array<unsigned char, k_pbkdf2_salt_bytes> salt{};
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
    if (info != nullptr && cipher != nullptr && RAND_bytes(salt.data(), static_cast<int>(salt.size())) == 1) {
      X509_SIG* sealed =
          PKCS8_encrypt_ex(-1, cipher, passphrase.data(), static_cast<int>(passphrase.size()), salt.data(),
                           static_cast<int>(salt.size()), k_pbkdf2_iterations, info, nullptr, nullptr);
      if (sealed != nullptr) {
        ok = PEM_write_bio_PKCS8(bio.get(), sealed) == 1;
        X509_SIG_free(sealed);
      }
    }
    EVP_CIPHER_free(cipher);
    PKCS8_PRIV_KEY_INFO_free(info);
  }
  ERR_clear_error();
  return ok ? bio_contents(bio.get()) : std::string();
}

PublicKey PrivateKey::public_key() const {
  PublicKey out;
  std::string der = der_of(m_key.get());
  if (der.empty()) return out;
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  ERR_clear_error();
  if (pub != nullptr) out.m_key = own(pub);
  return out;
}

util::Result<std::string> PrivateKey::sign(std::string_view message) const {
  if (!m_key) return make_error(ErrorCode::internal, "cannot sign: no key");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string signature;
  std::size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  bool ok = ctx != nullptr &&
            EVP_DigestSignInit_ex(ctx, nullptr, digest_of(m_key.get()), nullptr, nullptr, m_key.get(), nullptr) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len, data, message.size()) == 1;
  if (ok) {
    signature.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &len, data, message.size()) == 1;
    signature.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  ERR_clear_error();
  if (!ok) return make_error(ErrorCode::internal, "cannot sign: openssl failed (" + algorithm_of(m_key.get()) + ")");
  return signature;
}

}  // namespace purser::signing
