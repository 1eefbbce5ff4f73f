// Interop (issue 4, "How it will be checked"): what purser signs is verified by independent
// implementations, and what they sign is verified by purser.
//  - the openssl command line (tests/interop/openssl_dsse.sh): the DSSE PAE built with printf and
//    cat, ECDSA and RSA checked by `openssl dgst -sha256 -verify`, Ed25519 by
//    `openssl pkeyutl -verify -rawin`; keyids recomputed from `openssl pkey -outform DER`;
//  - Python securesystemslib 0.26 from Debian (tests/interop/sslib_dsse.py): the PAE built in
//    Python, key import and signature verification by securesystemslib;
//  - sigstore-js (tests/interop/sigstore_bundle.js): @sigstore/verify checks Sigstore bundles
//    v0.3 with a trusted public key and no log or timestamps; @sigstore/bundle writes them.
// Every verifier is also handed tampered copies and must reject them, which proves it checks.
// The tools are installed by `make deps`; when one is missing the test fails and says so.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "signing/bundle.hpp"
#include "signing/dsse.hpp"
#include "signing/intoto.hpp"
#include "signing/keys.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using purser::signing::AttestationFormat;
using purser::signing::Envelope;
using purser::signing::EnvelopeCheck;
using purser::signing::KeyType;
using purser::signing::PrivateKey;
using purser::signing::PublicKey;
using purser::signing::Subject;

namespace {

const std::string k_interop_dir = std::string(PURSER_SOURCE_DIR) + "/tests/interop";
// Debian's interpreter: python3-securesystemslib is installed for it, not for a pyenv python3 on PATH.
const std::string k_python = "/usr/bin/python3";
const std::string k_payload_type(purser::signing::k_intoto_payload_type);

struct CommandResult {
  int code = -1;
  std::string out;  ///< stdout and stderr together
};

CommandResult run(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen(("(" + command + ") 2>&1 </dev/null").c_str(), "r");
  if (p == nullptr) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Single-quoted for the shell.
std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The tools, or why they are missing (empty when present). CI runs `make test`, which runs `make deps`.
std::string missing_openssl() {
  if (run("openssl version").code == 0) return "";
  return "the openssl command line is missing: `make deps` installs it (Debian package openssl)";
}
std::string missing_securesystemslib() {
  CommandResult r = run(k_python + " -c 'import securesystemslib, cryptography, nacl'");
  if (r.code == 0) return "";
  return k_python +
         " cannot import securesystemslib: `make deps` installs it (Debian packages "
         "python3-securesystemslib python3-cryptography python3-nacl)\n" +
         r.out;
}
std::string missing_sigstore_js() {
  CommandResult r = run("node --version");
  if (r.code != 0) return "node is missing: install Node.js 20 or later, then run `make deps`\n" + r.out;
  for (const char* package : {"verify", "bundle", "core"}) {
    if (!fs::exists(k_interop_dir + "/node_modules/@sigstore/" + package + "/package.json"))
      return "@sigstore/" + std::string(package) + " is not installed in " + k_interop_dir +
             "/node_modules: `make deps` installs it (npm ci --prefix tests/interop)";
  }
  return "";
}

// "ok FILE" / "rejected FILE: WHY" lines, as the interop scripts print them: FILE → "ok" or "rejected: WHY".
std::map<std::string, std::string> verdicts(const std::string& out) {
  std::map<std::string, std::string> v;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("ok ", 0) == 0) {
      v[line.substr(3)] = "ok";
    } else if (line.rfind("rejected ", 0) == 0) {
      auto colon = line.find(": ", 9);
      v[line.substr(9, colon - 9)] = colon == std::string::npos ? "rejected" : "rejected: " + line.substr(colon + 2);
    }
  }
  return v;
}

// Changes the base64 character at `i` to another one of the alphabet, so the text still decodes
// but to different bytes (one bit or more of the decoded data flips).
std::string flip_b64(std::string text, size_t i) {
  text.at(i) = text.at(i) == 'A' ? 'B' : 'A';
  return text;
}

// The tampered copies every verifier must reject, made on the JSON (not through purser).
struct Tamper {
  const char* name;
  void (*apply)(json& envelope);
};
const std::vector<Tamper> k_envelope_tampers = {
    {"payload", [](json& e) { e["payload"] = flip_b64(e["payload"].get<std::string>(), 40); }},
    {"payload-type", [](json& e) { e["payloadType"] = "application/vnd.in-toto+jsoN"; }},
    {"signature",
     [](json& e) { e["signatures"][0]["sig"] = flip_b64(e["signatures"][0]["sig"].get<std::string>(), 12); }},
};

std::string statement_json() {
  // The predicate has non-ASCII text: PAE lengths count bytes, not characters.
  auto statement = purser::signing::make_statement(
      {Subject{"purser-1.0.tar.gz", {{"sha256", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"}}}},
      "https://cyclonedx.org/bom",
      R"({"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"zlib","version":"1.3.1",)"
      R"("supplier":{"name":"Bäcker & Söhne"}}]})");
  EXPECT_TRUE(statement.ok()) << statement.error().to_string();
  return statement.ok() ? *statement : "";
}

// The keyid as the openssl command line computes it: hex SHA-256 of the SPKI DER.
std::string openssl_keyid(const std::string& pub_path) {
  CommandResult r = run("openssl pkey -pubin -in " + q(pub_path) + " -outform DER | openssl dgst -sha256 -r");
  EXPECT_EQ(r.code, 0) << r.out;
  return r.out.substr(0, 64);
}

// Where a signing key comes from: purser generates it, or `openssl genpkey` writes a PEM that purser imports.
enum class Origin { purser, openssl };

struct KeyCase {
  const char* name;
  Origin origin;
  KeyType type;            ///< the algorithm; `openssl genpkey` makes RSA keys of 2048 bits
  const char* passphrase;  ///< openssl only: the PKCS#8 file is encrypted when non-empty
};

void PrintTo(const KeyCase& c, std::ostream* os) { *os << c.name; }

struct TestKey {
  PrivateKey key;
  std::string pub_path;  ///< SPKI PEM, written by purser or by `openssl pkey -pubout`
};

class Interop : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-interop-XXXXXX";
    m_dir = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(m_dir); }

  std::string path(const std::string& rel) const { return m_dir + "/" + rel; }

  // Makes the key `c` under `prefix`; false after reporting a failure.
  bool make_key(const KeyCase& c, const std::string& prefix, TestKey& out) {
    out.pub_path = path(prefix + ".pub.pem");
    if (c.origin == Origin::purser) {
      auto key = PrivateKey::generate(c.type);
      if (!key.ok()) {
        ADD_FAILURE() << key.error().to_string();
        return false;
      }
      out.key = *key;
      spit(out.pub_path, out.key.public_key().to_pem());
      return true;
    }
    std::string algorithm = c.type == KeyType::ecdsa_p256 ? "-algorithm EC -pkeyopt ec_paramgen_curve:P-256"
                            : c.type == KeyType::ed25519  ? "-algorithm ED25519"
                                                          : "-algorithm RSA -pkeyopt rsa_keygen_bits:2048";
    std::string passphrase = c.passphrase;
    std::string cipher = passphrase.empty() ? "" : " -aes-256-cbc -pass " + q("pass:" + passphrase);
    std::string passin = passphrase.empty() ? "" : " -passin " + q("pass:" + passphrase);
    std::string key_path = path(prefix + ".key.pem");
    CommandResult gen = run("openssl genpkey " + algorithm + cipher + " -out " + q(key_path) + " && openssl pkey -in " +
                            q(key_path) + passin + " -pubout -out " + q(out.pub_path));
    if (gen.code != 0) {
      ADD_FAILURE() << "openssl genpkey: " << gen.out;
      return false;
    }
    auto key = PrivateKey::from_pem(slurp(key_path), passphrase, key_path);
    if (!key.ok()) {
      ADD_FAILURE() << key.error().to_string();
      return false;
    }
    out.key = *key;
    return true;
  }

  // Lays out what `openssl_dsse.sh verify` reads, from envelope JSON parsed here (not by purser).
  void write_openssl_case(const std::string& dir, const json& envelope, size_t index, const std::string& pub_path) {
    spit(dir + "/pub.pem", slurp(pub_path));
    spit(dir + "/type.txt", envelope["payloadType"].get<std::string>());
    spit(dir + "/payload.b64", envelope["payload"].get<std::string>());
    spit(dir + "/sig.b64", envelope["signatures"][index]["sig"].get<std::string>());
  }

  std::string m_dir;
};

std::string key_case_name(const ::testing::TestParamInfo<KeyCase>& param_info) { return param_info.param.name; }

// ---- purser signs, independent tools verify ----

class PurserSigned : public Interop, public ::testing::WithParamInterface<KeyCase> {
 protected:
  void SetUp() override {
    Interop::SetUp();
    ASSERT_TRUE(make_key(GetParam(), "signer", m_key));
    auto envelope = purser::signing::sign_envelope(k_payload_type, statement_json(), {m_key.key});
    ASSERT_TRUE(envelope.ok()) << envelope.error().to_string();
    m_envelope = *envelope;
    m_envelope_json = purser::signing::to_json(m_envelope);
  }

  // The envelope and its tampered copies as files: name → path ("genuine" is the untouched one).
  std::vector<std::pair<std::string, std::string>> envelope_files() {
    std::vector<std::pair<std::string, std::string>> files = {{"genuine", path("envelope.json")}};
    spit(files[0].second, m_envelope_json);
    for (const auto& t : k_envelope_tampers) {
      json e = json::parse(m_envelope_json);
      t.apply(e);
      files.emplace_back(t.name, path(std::string("envelope-") + t.name + ".json"));
      spit(files.back().second, e.dump());
    }
    return files;
  }

  // Each check hands the genuine envelope (or bundle) and tampered copies to one verifier.
  void check_with_openssl();
  void check_with_securesystemslib();
  void check_with_sigstore_js();

  TestKey m_key;
  Envelope m_envelope;
  std::string m_envelope_json;
};

void PurserSigned::check_with_openssl() {
  if (auto why = missing_openssl(); !why.empty()) FAIL() << why;
  std::string cases;
  std::vector<std::pair<std::string, std::string>> dirs;
  for (const auto& [name, file] : envelope_files()) {
    std::string dir = path("openssl-" + name);
    write_openssl_case(dir, json::parse(slurp(file)), 0, m_key.pub_path);
    dirs.emplace_back(name, dir);
    cases += " " + q(dir);
  }
  CommandResult r = run("sh " + q(k_interop_dir + "/openssl_dsse.sh") + " verify" + cases);
  ASSERT_EQ(r.code, 0) << r.out;
  auto v = verdicts(r.out);
  for (const auto& [name, dir] : dirs) {
    if (name == "genuine")
      EXPECT_EQ(v[dir], "ok") << r.out;
    else
      EXPECT_EQ(v[dir].rfind("rejected", 0), 0u) << name << " was accepted:\n" << r.out;
  }
  // keyid = hex SHA-256 of the SPKI DER, recomputed by openssl from the public key file.
  EXPECT_EQ(json::parse(m_envelope_json)["signatures"][0]["keyid"], openssl_keyid(m_key.pub_path));
}

void PurserSigned::check_with_securesystemslib() {
  if (auto why = missing_securesystemslib(); !why.empty()) FAIL() << why;
  std::string args;
  auto files = envelope_files();
  for (const auto& [name, file] : files) args += " " + q(m_key.pub_path) + " " + q(file);
  CommandResult r = run(k_python + " " + q(k_interop_dir + "/sslib_dsse.py") + " verify" + args);
  ASSERT_EQ(r.code, 0) << r.out;
  auto v = verdicts(r.out);
  for (const auto& [name, file] : files) {
    if (name == "genuine")
      EXPECT_EQ(v[file], "ok") << r.out;
    else
      EXPECT_EQ(v[file], "rejected: signature 0 does not verify") << name << ":\n" << r.out;
  }
}

void PurserSigned::check_with_sigstore_js() {
  if (auto why = missing_sigstore_js(); !why.empty()) FAIL() << why;
  std::string hint = m_key.key.public_key().keyid();
  auto bundle = purser::signing::to_bundle_json(m_envelope, hint);
  ASSERT_TRUE(bundle.ok()) << bundle.error().to_string();

  std::vector<std::pair<std::string, std::string>> files = {{"genuine", path("bundle.json")}};
  spit(files[0].second, *bundle);
  for (const auto& t : k_envelope_tampers) {
    json b = json::parse(*bundle);
    t.apply(b["dsseEnvelope"]);
    files.emplace_back(t.name, path(std::string("bundle-") + t.name + ".json"));
    spit(files.back().second, b.dump());
  }
  json wrong_hint = json::parse(*bundle);
  std::string other_hint = hint;
  other_hint.at(0) = hint.at(0) == 'a' ? 'b' : 'a';
  wrong_hint["verificationMaterial"]["publicKey"]["hint"] = other_hint;
  files.emplace_back("hint", path("bundle-hint.json"));
  spit(files.back().second, wrong_hint.dump());

  std::string args;
  for (const auto& [name, file] : files) args += " " + q(m_key.pub_path) + " " + q(file);
  CommandResult r = run("node " + q(k_interop_dir + "/sigstore_bundle.js") + " verify" + args);
  ASSERT_EQ(r.code, 0) << r.out;
  auto v = verdicts(r.out);
  for (const auto& [name, file] : files) {
    if (name == "genuine")
      EXPECT_EQ(v[file], "ok") << r.out;
    else if (name == "hint")
      EXPECT_EQ(v[file], "rejected: PUBLIC_KEY_ERROR: key not found: " + other_hint) << r.out;
    else
      EXPECT_EQ(v[file], "rejected: SIGNATURE_ERROR: signature verification failed") << name << ":\n" << r.out;
  }
}

// One process per key (RSA generation is the slow part), three verifiers each.
TEST_P(PurserSigned, IndependentVerifiersAcceptItAndRejectTamperedCopies) {
  {
    SCOPED_TRACE("openssl command line");
    check_with_openssl();
  }
  {
    SCOPED_TRACE("securesystemslib");
    check_with_securesystemslib();
  }
  {
    SCOPED_TRACE("@sigstore/verify");
    check_with_sigstore_js();
  }
}

const KeyCase k_signing_keys[] = {
    {"purser_ecdsa_p256", Origin::purser, KeyType::ecdsa_p256, ""},
    {"purser_ed25519", Origin::purser, KeyType::ed25519, ""},
    {"purser_rsa_4096", Origin::purser, KeyType::rsa_4096, ""},
    {"openssl_ecdsa_p256", Origin::openssl, KeyType::ecdsa_p256, ""},
    {"openssl_ecdsa_p256_encrypted", Origin::openssl, KeyType::ecdsa_p256, "interop passphrase"},
    {"openssl_ed25519", Origin::openssl, KeyType::ed25519, ""},
    {"openssl_rsa_2048", Origin::openssl, KeyType::rsa_4096, ""},
};

INSTANTIATE_TEST_SUITE_P(Keys, PurserSigned, ::testing::ValuesIn(k_signing_keys), key_case_name);

TEST_F(Interop, OpensslVerifiesEverySignatureOfAMultiSignedEnvelope) {
  if (auto why = missing_openssl(); !why.empty()) FAIL() << why;
  std::vector<TestKey> keys(3);
  ASSERT_TRUE(make_key({"a", Origin::purser, KeyType::ecdsa_p256, ""}, "a", keys[0]));
  ASSERT_TRUE(make_key({"b", Origin::purser, KeyType::ed25519, ""}, "b", keys[1]));
  ASSERT_TRUE(make_key({"c", Origin::openssl, KeyType::rsa_4096, ""}, "c", keys[2]));
  auto envelope =
      purser::signing::sign_envelope(k_payload_type, statement_json(), {keys[0].key, keys[1].key, keys[2].key});
  ASSERT_TRUE(envelope.ok()) << envelope.error().to_string();
  json e = json::parse(purser::signing::to_json(*envelope));
  ASSERT_EQ(e["signatures"].size(), 3u);

  // Signature i with key i verifies; signature i with key i+1 does not.
  std::string cases;
  for (size_t i = 0; i < 3; ++i) {
    write_openssl_case(path("own-" + std::to_string(i)), e, i, keys[i].pub_path);
    write_openssl_case(path("other-" + std::to_string(i)), e, i, keys[(i + 1) % 3].pub_path);
    cases += " " + q(path("own-" + std::to_string(i))) + " " + q(path("other-" + std::to_string(i)));
    EXPECT_EQ(e["signatures"][i]["keyid"], openssl_keyid(keys[i].pub_path)) << i;
  }
  CommandResult r = run("sh " + q(k_interop_dir + "/openssl_dsse.sh") + " verify" + cases);
  ASSERT_EQ(r.code, 0) << r.out;
  auto v = verdicts(r.out);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(v[path("own-" + std::to_string(i))], "ok") << r.out;
    EXPECT_EQ(v[path("other-" + std::to_string(i))].rfind("rejected", 0), 0u) << r.out;
  }
}

TEST_F(Interop, OpensslReadsKeyFilesPurserWrites) {
  if (auto why = missing_openssl(); !why.empty()) FAIL() << why;
  for (KeyType type : {KeyType::ecdsa_p256, KeyType::ed25519}) {
    SCOPED_TRACE(purser::signing::to_string(type));
    auto key = PrivateKey::generate(type);
    ASSERT_TRUE(key.ok()) << key.error().to_string();
    std::string pub = key->public_key().to_pem();
    spit(path("plain.key"), key->to_pem(""));
    spit(path("key.pub"), pub);

    CommandResult plain = run("openssl pkey -in " + q(path("plain.key")) + " -pubout");
    EXPECT_EQ(plain.code, 0) << plain.out;
    EXPECT_EQ(plain.out, pub);
    CommandResult spki = run("openssl pkey -pubin -in " + q(path("key.pub")) + " -pubout");
    EXPECT_EQ(spki.out, pub);
    EXPECT_EQ(key->public_key().keyid(), openssl_keyid(path("key.pub")));

    // Encrypted PKCS#8 (PBKDF2 with many rounds, so one key type is enough).
    if (type != KeyType::ecdsa_p256) continue;
    spit(path("encrypted.key"), key->to_pem("interop passphrase"));
    CommandResult encrypted =
        run("openssl pkey -in " + q(path("encrypted.key")) + " -passin " + q("pass:interop passphrase") + " -pubout");
    EXPECT_EQ(encrypted.code, 0) << encrypted.out;
    EXPECT_EQ(encrypted.out, pub);
    CommandResult wrong = run("openssl pkey -in " + q(path("encrypted.key")) + " -passin pass:wrong -pubout");
    EXPECT_NE(wrong.code, 0) << wrong.out;
  }
}

// ---- independent tools sign, purser verifies ----

// A statement as another tool writes it: its own spacing and key order.
const std::string k_foreign_statement =
    "{\n  \"_type\": \"https://in-toto.io/Statement/v1\",\n  \"predicateType\": \"https://slsa.dev/provenance/v1\",\n"
    "  \"subject\": [{\"name\": \"app.tar.gz\", \"digest\": {\"sha256\": "
    "\"0d7c14b4a8ce7c1c04c1b1c9d53dec7b4e38d1c25e5bd0d64b2a0c6d0c9a4e2f\"}}],\n"
    "  \"predicate\": {\"buildDefinition\": {\"buildType\": \"https://example.test/make\", "
    "\"externalParameters\": {\"note\": \"Größe\"}}, \"runDetails\": {\"builder\": {\"id\": "
    "\"https://example.test/ci\"}}}\n"
    "}\n";

// Verifies `envelope` with the public key file `pub_path` through purser.
EnvelopeCheck purser_check(const Envelope& envelope, const std::string& pub_path) {
  auto key = PublicKey::from_pem(slurp(pub_path), pub_path);
  EXPECT_TRUE(key.ok()) << key.error().to_string();
  if (!key.ok()) return {};
  return purser::signing::verify_envelope(envelope, {*key});
}

// "verified" for an envelope with one signature that `pub_path` verifies, else the reasons.
std::string purser_verdict(const Envelope& envelope, const std::string& pub_path) {
  EnvelopeCheck check = purser_check(envelope, pub_path);
  if (check.distinct_keys == 1 && check.signatures.size() == 1) return "verified";
  std::string reasons;
  for (const auto& s : check.signatures) reasons += (reasons.empty() ? "" : "; ") + s.reason;
  return reasons;
}

class OpensslSigned : public Interop, public ::testing::WithParamInterface<KeyCase> {};

TEST_P(OpensslSigned, PurserVerifiesTheEnvelope) {
  if (auto why = missing_openssl(); !why.empty()) FAIL() << why;
  TestKey key;
  ASSERT_TRUE(make_key(GetParam(), "signer", key));
  spit(path("type.txt"), k_payload_type);
  spit(path("statement.json"), k_foreign_statement);
  fs::create_directories(path("out"));
  CommandResult r = run("sh " + q(k_interop_dir + "/openssl_dsse.sh") + " sign " + q(path("signer.key.pem")) + " " +
                        q(path("type.txt")) + " " + q(path("statement.json")) + " " + q(path("out")));
  ASSERT_EQ(r.code, 0) << r.out;

  // The PAE openssl signed, built with printf and cat, is byte for byte purser's.
  EXPECT_EQ(purser::signing::pae(k_payload_type, k_foreign_statement), slurp(path("out/pae.bin")));
  if (GetParam().type == KeyType::ed25519) {
    // Ed25519 is deterministic: purser's signature over the same PAE is openssl's.
    auto sig = key.key.sign(slurp(path("out/pae.bin")));
    ASSERT_TRUE(sig.ok()) << sig.error().to_string();
    EXPECT_EQ(*sig, slurp(path("out/sig.bin")));
  }

  // Envelopes as other tools write them: cosign leaves keyid empty; others set the SPKI hash.
  std::string payload_b64 = trim(slurp(path("out/payload.b64")));
  std::string sig_b64 = trim(slurp(path("out/sig.b64")));
  for (const std::string& keyid : {std::string(), openssl_keyid(key.pub_path)}) {
    SCOPED_TRACE("keyid \"" + keyid + "\"");
    json e = {{"payloadType", k_payload_type},
              {"payload", payload_b64},
              {"signatures", json::array({{{"keyid", keyid}, {"sig", sig_b64}}})}};
    auto envelope = purser::signing::parse_envelope(e.dump(2), "openssl.json");
    ASSERT_TRUE(envelope.ok()) << envelope.error().to_string();
    EXPECT_EQ(envelope->payload, k_foreign_statement);
    EXPECT_EQ(purser_verdict(*envelope, key.pub_path), "verified");
    auto statement = purser::signing::parse_statement(envelope->payload, "openssl.json");
    ASSERT_TRUE(statement.ok()) << statement.error().to_string();
    EXPECT_EQ(statement->predicate_type, "https://slsa.dev/provenance/v1");

    for (const auto& t : k_envelope_tampers) {
      json tampered = e;
      t.apply(tampered);
      auto bad = purser::signing::parse_envelope(tampered.dump(), "tampered.json");
      ASSERT_TRUE(bad.ok()) << bad.error().to_string();
      EXPECT_EQ(purser_verdict(*bad, key.pub_path),
                keyid.empty() ? "signature does not verify with any trusted key" : "signature does not verify")
          << t.name;
    }
  }
}

const KeyCase k_openssl_keys[] = {
    {"ecdsa_p256", Origin::openssl, KeyType::ecdsa_p256, ""},
    {"ed25519", Origin::openssl, KeyType::ed25519, ""},
    {"rsa_2048", Origin::openssl, KeyType::rsa_4096, ""},
};

INSTANTIATE_TEST_SUITE_P(Keys, OpensslSigned, ::testing::ValuesIn(k_openssl_keys), key_case_name);

TEST_F(Interop, PurserVerifiesSecuresystemslibEnvelopes) {
  if (auto why = missing_securesystemslib(); !why.empty()) FAIL() << why;
  spit(path("statement.json"), k_foreign_statement);
  CommandResult r = run(k_python + " " + q(k_interop_dir + "/sslib_dsse.py") + " sign " + q(m_dir) + " " +
                        q(k_payload_type) + " " + q(path("statement.json")));
  ASSERT_EQ(r.code, 0) << r.out;
  for (const char* name : {"ecdsa-p256", "ed25519", "rsa"}) {
    SCOPED_TRACE(name);
    std::string pub_path = path(std::string("sslib-") + name + ".pub.pem");
    std::string bytes = slurp(path(std::string("sslib-") + name + ".nokeyid.envelope.json"));
    auto envelope = purser::signing::parse_envelope(bytes, "sslib.json");
    ASSERT_TRUE(envelope.ok()) << envelope.error().to_string();
    EXPECT_EQ(envelope->payload, k_foreign_statement);
    EXPECT_EQ(purser_verdict(*envelope, pub_path), "verified");

    for (const auto& t : k_envelope_tampers) {
      json tampered = json::parse(bytes);
      t.apply(tampered);
      auto bad = purser::signing::parse_envelope(tampered.dump(), "tampered.json");
      ASSERT_TRUE(bad.ok()) << bad.error().to_string();
      EXPECT_EQ(purser_verdict(*bad, pub_path), "signature does not verify with any trusted key") << t.name;
    }

    // securesystemslib's keyid is a hash of its own key metadata, not of the SPKI DER. purser
    // uses a keyid to pick the trusted key (DSSE protocol.md allows filtering by keyid), so the
    // same signature under that keyid is not matched to the key: the user is told which keyid.
    std::string native = slurp(path(std::string("sslib-") + name + ".envelope.json"));
    auto foreign = purser::signing::parse_envelope(native, "sslib.json");
    ASSERT_TRUE(foreign.ok()) << foreign.error().to_string();
    ASSERT_EQ(foreign->signatures.size(), 1u);
    std::string keyid = foreign->signatures[0].keyid;
    ASSERT_EQ(keyid.size(), 64u);
    EXPECT_EQ(foreign->signatures[0].sig, envelope->signatures[0].sig);
    EXPECT_EQ(purser_verdict(*foreign, pub_path), "no trusted key has keyid " + keyid);
  }
}

TEST_F(Interop, PurserVerifiesSigstoreJsBundles) {
  if (auto why = missing_openssl(); !why.empty()) FAIL() << why;
  if (auto why = missing_sigstore_js(); !why.empty()) FAIL() << why;
  spit(path("statement.json"), k_foreign_statement);
  std::vector<std::pair<std::string, TestKey>> keys;
  std::string args;
  for (const KeyCase& c : k_openssl_keys) {
    keys.emplace_back(c.name, TestKey{});
    ASSERT_TRUE(make_key(c, c.name, keys.back().second));
    args += " " + q(path(std::string(c.name) + ".key.pem")) + " " + q(k_payload_type) + " " +
            q(path("statement.json")) + " " + q(path(std::string(c.name) + ".bundle.json"));
  }
  CommandResult r = run("node " + q(k_interop_dir + "/sigstore_bundle.js") + " sign" + args);
  ASSERT_EQ(r.code, 0) << r.out;

  for (const auto& [name, key] : keys) {
    SCOPED_TRACE(name);
    std::string bytes = slurp(path(name + ".bundle.json"));
    auto file = purser::signing::read_attestations(bytes, name + ".bundle.json");
    ASSERT_TRUE(file.ok()) << file.error().to_string();
    EXPECT_EQ(file->format, AttestationFormat::bundle);
    EXPECT_EQ(file->bundle_media_type, purser::signing::k_bundle_v03_media_type);
    EXPECT_EQ(file->key_hint, key.key.public_key().keyid());
    ASSERT_EQ(file->envelopes.size(), 1u);
    EXPECT_EQ(file->envelopes[0].payload, k_foreign_statement);
    EXPECT_EQ(purser_verdict(file->envelopes[0], key.pub_path), "verified");

    for (const auto& t : k_envelope_tampers) {
      json tampered = json::parse(bytes);
      t.apply(tampered["dsseEnvelope"]);
      auto bad = purser::signing::read_attestations(tampered.dump(), "tampered.json");
      ASSERT_TRUE(bad.ok()) << bad.error().to_string();
      ASSERT_EQ(bad->envelopes.size(), 1u);
      EXPECT_EQ(purser_verdict(bad->envelopes[0], key.pub_path), "signature does not verify") << t.name;
    }
  }
}

}  // namespace
