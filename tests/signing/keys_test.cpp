#include "signing/keys.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"
#include "tests/signing/signing_test_support.hpp"

namespace purser::signing {
namespace {

using testing::fixture;
using testing::test_private_key;
using testing::test_public_key;
using util::ErrorCode;

constexpr const char* k_passphrase = "correct-horse";

std::string pem_body_der(const std::string& pem) {
  std::string body;
  for (std::string_view line : util::split(pem, '\n'))
    if (!line.empty() && line.find("-----") == std::string_view::npos) body += line;
  std::string der;
  EXPECT_TRUE(util::base64_decode(body, der));
  return der;
}

std::string hex_bytes(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  return out;
}

TEST(KeyType, NamesRoundTrip) {
  for (KeyType type : {KeyType::ecdsa_p256, KeyType::ed25519, KeyType::rsa_4096})
    EXPECT_EQ(parse_key_type(to_string(type)), type);
  EXPECT_STREQ(to_string(KeyType::ecdsa_p256), "ecdsa-p256");
  EXPECT_STREQ(to_string(KeyType::ed25519), "ed25519");
  EXPECT_STREQ(to_string(KeyType::rsa_4096), "rsa-4096");
  EXPECT_EQ(parse_key_type("ECDSA-P256"), std::nullopt);
  EXPECT_EQ(parse_key_type("rsa"), std::nullopt);
  EXPECT_EQ(parse_key_type(""), std::nullopt);
}

TEST(Keys, GenerateSignVerifyEcdsaAndEd25519) {
  for (KeyType type : {KeyType::ecdsa_p256, KeyType::ed25519}) {
    auto key = PrivateKey::generate(type);
    ASSERT_TRUE(key.ok()) << key.error().to_string();
    PublicKey pub = key->public_key();
    EXPECT_EQ(pub.algorithm(), to_string(type));
    auto sig = key->sign("message");
    ASSERT_TRUE(sig.ok());
    EXPECT_TRUE(pub.verify("message", *sig));
    EXPECT_FALSE(pub.verify("messagE", *sig));
  }
}

TEST(Keys, GenerateRsa4096) {
  auto key = PrivateKey::generate(KeyType::rsa_4096);
  ASSERT_TRUE(key.ok());
  PublicKey pub = key->public_key();
  EXPECT_EQ(pub.algorithm(), "rsa-4096");
  auto sig = key->sign("message");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(sig->size(), 512u);
  EXPECT_TRUE(pub.verify("message", *sig));
}

TEST(Keys, GeneratedKeysDiffer) {
  auto a = PrivateKey::generate(KeyType::ecdsa_p256);
  auto b = PrivateKey::generate(KeyType::ecdsa_p256);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_key().keyid(), b->public_key().keyid());
}

// keyid = lower-case hex SHA-256 of the SPKI DER; the expected value was computed independently with
// `openssl pkey -pubin -in test-only-ed25519.pub -outform DER | sha256sum`.
TEST(Keys, KeyidIsSha256OfSpkiDer) {
  PublicKey pub = test_public_key("test-only-ed25519.pub");
  EXPECT_EQ(pub.keyid(), "eb785f353b26a7fc64e13468f3edf710dc85f6284207a10052e37929d884f325");
  EXPECT_EQ(pub.der(), pem_body_der(fixture("test-only-ed25519.pub")));
  EXPECT_EQ(pub.keyid(), util::sha256_hex(pub.der()));
  EXPECT_EQ(test_private_key("test-only-ed25519.key").public_key().keyid(), pub.keyid());
}

TEST(Keys, PublicPemIsSpkiAndRoundTrips) {
  PublicKey pub = test_public_key("test-only-ecdsa-p256.pub");
  EXPECT_EQ(pub.to_pem(), fixture("test-only-ecdsa-p256.pub"));
  auto again = PublicKey::from_pem(pub.to_pem(), "x.pub");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->keyid(), pub.keyid());
  EXPECT_EQ(pub.algorithm(), "ecdsa-p256");
}

// Every private-key shape `openssl genpkey` / `openssl pkey` / `openssl ec` writes for one P-256 key
// imports to the same key.
TEST(Keys, ImportsEveryPrivateKeyShape) {
  const std::string want = test_public_key("test-only-ecdsa-p256.pub").keyid();
  EXPECT_EQ(test_private_key("test-only-ecdsa-p256.key").public_key().keyid(), want);
  EXPECT_EQ(test_private_key("test-only-ecdsa-p256.sec1.key").public_key().keyid(), want);
  EXPECT_EQ(test_private_key("test-only-ecdsa-p256.enc.key", k_passphrase).public_key().keyid(), want);
  EXPECT_EQ(test_private_key("test-only-ecdsa-p256.sec1.enc.key", k_passphrase).public_key().keyid(), want);
  EXPECT_EQ(test_private_key("test-only-ecparam-p256.key").public_key().algorithm(), "ecdsa-p256");
}

TEST(Keys, ImportsRsaPkcs1AndPkcs8) {
  PrivateKey pkcs8 = test_private_key("test-only-rsa-2048.key");
  PrivateKey pkcs1 = test_private_key("test-only-rsa-2048.pkcs1.key");
  PublicKey pub = test_public_key("test-only-rsa-2048.pkcs1.pub");
  EXPECT_EQ(pub.algorithm(), "rsa-2048");
  EXPECT_EQ(pkcs8.public_key().keyid(), pub.keyid());
  EXPECT_EQ(pkcs1.public_key().keyid(), pub.keyid());
  // PKCS#1 v1.5 is deterministic: both imports sign identically.
  auto a = pkcs8.sign("abc");
  auto b = pkcs1.sign("abc");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 256u);
  EXPECT_TRUE(pub.verify("abc", *a));
  EXPECT_TRUE(pub.to_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
}

TEST(Keys, P384SignsWithSha384) {
  PrivateKey key = test_private_key("test-only-ecdsa-p384.key");
  PublicKey pub = key.public_key();
  EXPECT_EQ(pub.algorithm(), "ecdsa-p384");
  auto sig = key.sign("abc");
  ASSERT_TRUE(sig.ok());
  EXPECT_TRUE(pub.verify("abc", *sig));
  EXPECT_EQ(static_cast<unsigned char>((*sig)[0]), 0x30);  // DER SEQUENCE
}

// The public half of an unencrypted private key PEM is accepted as a public key.
TEST(Keys, PublicKeyFromPrivatePem) {
  auto pub = PublicKey::from_pem(fixture("test-only-ed25519.key"), "k.key");
  ASSERT_TRUE(pub.ok());
  EXPECT_EQ(pub->keyid(), test_public_key("test-only-ed25519.pub").keyid());
  EXPECT_EQ(pub->to_pem(), fixture("test-only-ed25519.pub"));
}

// ECDSA signatures are ASN.1 DER SEQUENCE { r INTEGER, s INTEGER }, as cosign writes them.
TEST(Keys, EcdsaSignatureIsDer) {
  PrivateKey key = test_private_key("test-only-ecdsa-p256.key");
  auto sig = key.sign("payload");
  ASSERT_TRUE(sig.ok());
  ASSERT_GE(sig->size(), 8u);
  EXPECT_LE(sig->size(), 72u);
  EXPECT_EQ(static_cast<unsigned char>((*sig)[0]), 0x30);
  EXPECT_EQ(static_cast<unsigned char>((*sig)[1]), sig->size() - 2);
  EXPECT_EQ((*sig)[2], 0x02);
}

// RFC 8032 §7.1 TEST 1: the secret key, its public key and the signature of the empty message.
TEST(Keys, Ed25519Rfc8032KnownAnswer) {
  const std::string pkcs8_prefix = hex_bytes("302e020100300506032b657004220420");
  const std::string seed = hex_bytes("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  std::string pem =
      "-----BEGIN PRIVATE KEY-----\n" + util::base64_encode(pkcs8_prefix + seed) + "\n-----END PRIVATE KEY-----\n";
  auto key = PrivateKey::from_pem(pem, "", "rfc8032.key");
  ASSERT_TRUE(key.ok()) << key.error().to_string();
  std::string der = key->public_key().der();
  EXPECT_EQ(util::hex_encode(der.substr(der.size() - 32)),
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = key->sign("");
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(util::hex_encode(*sig),
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0"
            "595bbe24655141438e7a100b");
}

// verify_parts is verify over the concatenation, for every scheme (streamed or joined).
TEST(Keys, VerifyPartsIsVerifyOfTheConcatenation) {
  for (const char* name :
       {"test-only-ed25519.key", "test-only-ecdsa-p256.key", "test-only-ecdsa-p384.key", "test-only-rsa-2048.key"}) {
    PrivateKey key = test_private_key(name);
    auto sig = key.sign("DSSEv1 1 t 5 hello");
    ASSERT_TRUE(sig.ok());
    PublicKey pub = key.public_key();
    EXPECT_TRUE(pub.verify_parts({"DSSEv1 1 t 5 ", "hello"}, *sig)) << name;
    EXPECT_TRUE(pub.verify_parts({"DSSEv1 1 t 5 hello"}, *sig)) << name;
    EXPECT_TRUE(pub.verify_parts({"", "DSSEv1 1 t", " 5 hel", "lo", ""}, *sig)) << name;
    EXPECT_FALSE(pub.verify_parts({"DSSEv1 1 t 5 ", "hellO"}, *sig)) << name;
    EXPECT_FALSE(pub.verify_parts({"DSSEv1 1 t 5 hello", "x"}, *sig)) << name;
    EXPECT_FALSE(pub.verify_parts({}, *sig)) << name;
  }
}

TEST(Keys, VerifyNeverThrowsOnGarbage) {
  std::vector<PublicKey> keys = {test_public_key("test-only-ed25519.pub"), test_public_key("test-only-ecdsa-p256.pub"),
                                 test_public_key("test-only-rsa-2048.pkcs1.pub"),
                                 test_private_key("test-only-ecdsa-p384.key").public_key()};
  std::vector<std::string> garbage = {"",
                                      std::string(1, '\0'),
                                      "0",
                                      std::string(64, 'x'),
                                      std::string(72, '\x30'),
                                      std::string(100000, '\xff'),
                                      "\x30\x06\x02\x01\x01\x02\x01\x01"};
  for (const PublicKey& key : keys)
    for (const std::string& sig : garbage) EXPECT_FALSE(key.verify("message", sig)) << key.algorithm();
  PublicKey empty;
  EXPECT_FALSE(empty.verify("message", "sig"));
  EXPECT_EQ(empty.keyid(), "");
  EXPECT_EQ(empty.der(), "");
  EXPECT_EQ(empty.to_pem(), "");
}

// A signature by one algorithm never verifies under a key of another, even over the same message.
TEST(Keys, WrongAlgorithmDoesNotVerify) {
  PrivateKey ed = test_private_key("test-only-ed25519.key");
  PrivateKey ec = test_private_key("test-only-ecdsa-p256.key");
  PrivateKey rsa = test_private_key("test-only-rsa-2048.key");
  PrivateKey p384 = test_private_key("test-only-ecdsa-p384.key");
  std::vector<PrivateKey> keys = {ed, ec, rsa, p384};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    auto sig = keys[i].sign("message");
    ASSERT_TRUE(sig.ok());
    for (std::size_t j = 0; j < keys.size(); ++j)
      EXPECT_EQ(keys[j].public_key().verify("message", *sig), i == j) << i << " " << j;
  }
}

TEST(Keys, UnencryptedExportIsPkcs8) {
  PrivateKey key = test_private_key("test-only-ecdsa-p256.sec1.key");
  std::string pem = key.to_pem("");
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----\n")) << pem;
  EXPECT_FALSE(PrivateKey::is_encrypted_pem(pem));
  auto again = PrivateKey::from_pem(pem, "", "k");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->public_key().keyid(), key.public_key().keyid());
}

// RFC 8018 object identifiers, DER-encoded, to find in the EncryptedPrivateKeyInfo.
TEST(Keys, EncryptedExportIsPbes2Pbkdf2Sha256Aes256Cbc) {
  auto key = PrivateKey::generate(KeyType::ed25519);
  ASSERT_TRUE(key.ok());
  std::string pem = key->to_pem("s3cret passphrase");
  ASSERT_TRUE(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n")) << pem;
  EXPECT_TRUE(PrivateKey::is_encrypted_pem(pem));
  std::string der = pem_body_der(pem);
  EXPECT_NE(der.find(hex_bytes("06092a864886f70d01050d")), std::string::npos) << "PBES2";
  EXPECT_NE(der.find(hex_bytes("06092a864886f70d01050c")), std::string::npos) << "PBKDF2";
  EXPECT_NE(der.find(hex_bytes("06082a864886f70d0209")), std::string::npos) << "hmacWithSHA256";
  EXPECT_NE(der.find(hex_bytes("060960864801650304012a")), std::string::npos) << "aes256-CBC";
  EXPECT_NE(der.find(hex_bytes("02030927c0")), std::string::npos) << "600000 iterations";

  auto back = PrivateKey::from_pem(pem, "s3cret passphrase", "new.key");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(back->public_key().keyid(), key->public_key().keyid());
  // Fresh salt and IV each time.
  EXPECT_NE(key->to_pem("s3cret passphrase"), pem);
}

TEST(Keys, WrongPassphraseIsUsageNamingThePath) {
  auto key = PrivateKey::from_pem(fixture("test-only-ecdsa-p256.enc.key"), "wrong-horse", "keys/release.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::usage);
  EXPECT_EQ(key.error().to_string(), "keys/release.key: cannot decrypt private key: wrong passphrase");

  auto legacy = PrivateKey::from_pem(fixture("test-only-ecdsa-p256.sec1.enc.key"), "wrong-horse", "legacy.key");
  ASSERT_FALSE(legacy.ok());
  EXPECT_EQ(legacy.error().code, ErrorCode::usage);
  EXPECT_EQ(legacy.error().to_string(), "legacy.key: cannot decrypt private key: wrong passphrase");
}

TEST(Keys, MissingPassphraseIsUsage) {
  auto key = PrivateKey::from_pem(fixture("test-only-ecdsa-p256.enc.key"), "", "release.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::usage);
  EXPECT_EQ(key.error().to_string(), "release.key: cannot decrypt private key: no passphrase given");
  auto legacy = PrivateKey::from_pem(fixture("test-only-ecdsa-p256.sec1.enc.key"), "", "legacy.key");
  ASSERT_FALSE(legacy.ok());
  EXPECT_EQ(legacy.error().code, ErrorCode::usage);
  EXPECT_EQ(legacy.error().to_string(), "legacy.key: cannot decrypt private key: no passphrase given");
}

TEST(Keys, IsEncryptedPem) {
  EXPECT_TRUE(PrivateKey::is_encrypted_pem(fixture("test-only-ecdsa-p256.enc.key")));
  EXPECT_TRUE(PrivateKey::is_encrypted_pem(fixture("test-only-ecdsa-p256.sec1.enc.key")));
  EXPECT_FALSE(PrivateKey::is_encrypted_pem(fixture("test-only-ecdsa-p256.key")));
  EXPECT_FALSE(PrivateKey::is_encrypted_pem(fixture("test-only-ecdsa-p256.sec1.key")));
  EXPECT_FALSE(PrivateKey::is_encrypted_pem(fixture("test-only-ecdsa-p256.pub")));
  EXPECT_FALSE(PrivateKey::is_encrypted_pem(""));
}

// A passphrase given for an unencrypted key is not needed and does no harm.
TEST(Keys, PassphraseIgnoredForPlainKey) {
  auto key = PrivateKey::from_pem(fixture("test-only-ed25519.key"), "unused", "k");
  ASSERT_TRUE(key.ok());
}

// No error message, whatever goes wrong, ever carries the passphrase.
TEST(Keys, PassphraseNeverInMessages) {
  const std::string secret = "Tr0ub4dor&3-unique-passphrase";
  std::vector<std::string> inputs = {
      fixture("test-only-ecdsa-p256.enc.key"),
      fixture("test-only-ecdsa-p256.sec1.enc.key"),
      fixture("test-only-ecdsa-p256.pub"),
      "garbage",
      "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
      fixture("test-only-rsa-1024.key"),
      fixture("test-only-ed448.key")};
  for (const std::string& pem : inputs) {
    auto key = PrivateKey::from_pem(pem, secret, "k.key");
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.error().to_string().find(secret), std::string::npos) << key.error().to_string();
    EXPECT_EQ(key.error().to_string().find("Tr0ub"), std::string::npos);
  }
}

TEST(Keys, EncryptedPemWithTamperedBody) {
  std::string pem = fixture("test-only-ecdsa-p256.enc.key");
  std::size_t at = pem.find('\n') + 40;
  pem[at] = pem[at] == 'A' ? 'B' : 'A';
  auto key = PrivateKey::from_pem(pem, k_passphrase, "t.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::usage);
  EXPECT_EQ(key.error().to_string(), "t.key: cannot decrypt private key: wrong passphrase");
}

// SEC1 keeps the public point beside the private scalar; a changed scalar must not load (it would sign what
// its own public key never verifies). Found by fuzzing an encrypted key with one ciphertext bit flipped.
TEST(Keys, RefusesPrivateKeyWhosePublicHalfDoesNotMatch) {
  std::string der = pem_body_der(fixture("test-only-ecdsa-p256.sec1.key"));
  ASSERT_EQ(der.substr(5, 2), hex_bytes("0420"));  // SEQUENCE { INTEGER 1, OCTET STRING (32) privateKey, ...
  der[7 + 31] ^= 1;
  std::string pem = "-----BEGIN EC PRIVATE KEY-----\n" + util::base64_encode(der) + "\n-----END EC PRIVATE KEY-----\n";
  auto key = PrivateKey::from_pem(pem, "", "bad.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::parse);
  EXPECT_EQ(key.error().to_string(), "bad.key: invalid private key: its public half does not match the private key");
}

TEST(Keys, RefusesExcessivePbkdf2Iterations) {
  // PBES2 params copied from the fixture's shape with the iteration count raised to 2^31-1 (RFC 8018 A.2).
  std::string der = pem_body_der(fixture("test-only-ecdsa-p256.enc.key"));
  std::size_t at = der.find(hex_bytes("020203e8"));  // INTEGER 1000
  ASSERT_NE(at, std::string::npos);
  // Same length is not possible for a larger integer; rebuild with a 4-byte integer, fixing the lengths.
  std::string bigger = der.substr(0, at) + hex_bytes("02047fffffff") + der.substr(at + 4);
  // Lengths of the enclosing SEQUENCEs grow by 2; they are all short-form in this small key except the outer one.
  // Offsets below follow `openssl asn1parse` of the fixture.
  ASSERT_EQ(static_cast<unsigned char>(bigger[1]), 0x81);
  bigger[2] = static_cast<char>(static_cast<unsigned char>(bigger[2]) + 2);    // EncryptedPrivateKeyInfo
  bigger[4] = static_cast<char>(static_cast<unsigned char>(bigger[4]) + 2);    // AlgorithmIdentifier
  bigger[17] = static_cast<char>(static_cast<unsigned char>(bigger[17]) + 2);  // PBES2-params
  bigger[19] = static_cast<char>(static_cast<unsigned char>(bigger[19]) + 2);  // keyDerivationFunc
  bigger[32] = static_cast<char>(static_cast<unsigned char>(bigger[32]) + 2);  // PBKDF2-params
  std::string pem = "-----BEGIN ENCRYPTED PRIVATE KEY-----\n" + util::base64_encode(bigger) +
                    "\n-----END ENCRYPTED PRIVATE KEY-----\n";
  auto key = PrivateKey::from_pem(pem, k_passphrase, "slow.key");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error().code, ErrorCode::unsupported);
  EXPECT_EQ(key.error().to_string(),
            "slow.key: encrypted private key asks for 2147483647 PBKDF2 iterations: more than 10000000 refused");
}

TEST(Keys, RefusesUnsupportedKeys) {
  auto rsa = PrivateKey::from_pem(fixture("test-only-rsa-1024.key"), "", "old.key");
  ASSERT_FALSE(rsa.ok());
  EXPECT_EQ(rsa.error().code, ErrorCode::unsupported);
  EXPECT_EQ(rsa.error().to_string(), "old.key: unsupported key: rsa-1024 (rsa keys need at least 2048 bits)");

  auto k1 = PrivateKey::from_pem(fixture("test-only-secp256k1.key"), "", "k1.key");
  ASSERT_FALSE(k1.ok());
  EXPECT_EQ(k1.error().code, ErrorCode::unsupported);
  EXPECT_EQ(k1.error().to_string(),
            "k1.key: unsupported key type ecdsa-secp256k1: use ecdsa-p256, ecdsa-p384, ed25519 or rsa");

  auto ed448 = PublicKey::from_pem(fixture("test-only-ed448.key"), "ed448.key");
  ASSERT_FALSE(ed448.ok());
  EXPECT_EQ(ed448.error().to_string(),
            "ed448.key: unsupported key type ed448: use ecdsa-p256, ecdsa-p384, ed25519 or rsa");
}

TEST(Keys, RefusesOtherPemBlocks) {
  struct Case {
    std::string pem;
    ErrorCode code;
    std::string message;
  };
  const std::vector<Case> private_cases = {
      {"", ErrorCode::parse, "k: not a PEM private key (no -----BEGIN line)"},
      {"just some text\n", ErrorCode::parse, "k: not a PEM private key (no -----BEGIN line)"},
      {fixture("test-only-ecdsa-p256.pub"), ErrorCode::parse, "k: a public key, not a private key"},
      {"-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n",
       ErrorCode::unsupported,
       "k: openssh private keys are not supported: convert with `ssh-keygen -p -m PKCS8 -f KEY`"},
      {"-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\neyJrZGYiOnt9fQ==\n-----END ENCRYPTED SIGSTORE PRIVATE "
       "KEY-----\n",
       ErrorCode::unsupported,
       "k: cosign-encrypted private keys are not supported: use a PKCS#8 key (purser keygen, openssl genpkey)"},
      {"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", ErrorCode::unsupported,
       "k: certificates are not supported: extract the key with `openssl x509 -pubkey -noout`"},
      {"-----BEGIN PRIVATE KEY-----\nnot base64 at all!\n-----END PRIVATE KEY-----\n", ErrorCode::parse,
       "k: invalid private key: cannot decode the \"PRIVATE KEY\" PEM block"},
      {"-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n", ErrorCode::parse,
       "k: unsupported PEM block \"X509 CRL\""},
  };
  for (const Case& c : private_cases) {
    auto key = PrivateKey::from_pem(c.pem, "", "k");
    ASSERT_FALSE(key.ok()) << c.message;
    EXPECT_EQ(key.error().code, c.code) << c.message;
    EXPECT_EQ(key.error().to_string(), c.message);
  }
  const std::vector<Case> public_cases = {
      {"", ErrorCode::parse, "k: not a PEM public key (no -----BEGIN line)"},
      {fixture("test-only-ecdsa-p256.enc.key"), ErrorCode::parse,
       "k: an encrypted private key, not a public key: give the .pub file"},
      {fixture("test-only-ecdsa-p256.sec1.enc.key"), ErrorCode::parse,
       "k: an encrypted private key, not a public key: give the .pub file"},
      {"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", ErrorCode::parse,
       "k: invalid public key: cannot decode the \"PUBLIC KEY\" PEM block"},
      {"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", ErrorCode::unsupported,
       "k: certificates are not supported: extract the key with `openssl x509 -pubkey -noout`"},
      // A legacy encryption header where none belongs: decoding must fail, never prompt on the terminal.
      {"-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n"
       "MCowBQYDK2VwAyEA+E15rb9r1Sxj/qzS9WVGP3w1kYNNifHqNETqjpFwkIA=\n-----END PUBLIC KEY-----\n",
       ErrorCode::parse, "k: invalid public key: cannot decode the \"PUBLIC KEY\" PEM block"},
  };
  for (const Case& c : public_cases) {
    auto key = PublicKey::from_pem(c.pem, "k");
    ASSERT_FALSE(key.ok()) << c.message;
    EXPECT_EQ(key.error().code, c.code) << c.message;
    EXPECT_EQ(key.error().to_string(), c.message);
  }
}

TEST(Keys, TruncatedPem) {
  std::string pem = fixture("test-only-ecdsa-p256.pub");
  auto cut = PublicKey::from_pem(pem.substr(0, pem.size() / 2), "half.pub");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.error().to_string(), "half.pub: not a PEM public key (no -----BEGIN line)");
  std::string key = fixture("test-only-ecdsa-p256.key");
  auto cut_key = PrivateKey::from_pem(key.substr(0, key.size() - 30), "", "half.key");
  ASSERT_FALSE(cut_key.ok());
  EXPECT_EQ(cut_key.error().to_string(), "half.key: not a PEM private key (no -----BEGIN line)");
}

}  // namespace
}  // namespace purser::signing
