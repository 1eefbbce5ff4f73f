#include "signing/bundle.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "signing/intoto.hpp"
#include "tests/signing/signing_test_support.hpp"

namespace purser::signing {
namespace {

using testing::expect_golden;
using testing::fixture;
using testing::test_private_key;
using testing::test_public_key;
using util::ErrorCode;

std::string read_error(std::string_view bytes, ErrorCode code = ErrorCode::parse) {
  auto file = read_attestations(bytes, "a.json");
  if (file.ok()) return "parsed";
  EXPECT_EQ(file.error().code, code) << file.error().to_string();
  return file.error().to_string();
}

Envelope small_envelope() { return Envelope{"application/vnd.in-toto+json", "{}", {{"kid", "\x01\x02"}}}; }

const std::string k_dsse = R"({"payload":"e30=","payloadType":"t","signatures":[{"sig":"AQI=","keyid":"kid"}]})";

std::string bundle_with(const std::string& media_type, const std::string& material = R"({"publicKey":{"hint":"h"}})") {
  return "{\"mediaType\":\"" + media_type + "\",\"verificationMaterial\":" + material + ",\"dsseEnvelope\":" + k_dsse +
         "}";
}

TEST(Bundle, JsonShape) {
  auto json = to_bundle_json(small_envelope(), "abc");
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(
      *json,
      "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",\"verificationMaterial\":{\"publicKey\":{"
      "\"hint\":\"abc\"},\"tlogEntries\":[],\"timestampVerificationData\":{}},\"dsseEnvelope\":{\"payload\":\"e30=\","
      "\"payloadType\":\"application/vnd.in-toto+json\",\"signatures\":[{\"sig\":\"AQI=\",\"keyid\":\"kid\"}]}}");
  Envelope anonymous = small_envelope();
  anonymous.signatures[0].keyid.clear();
  EXPECT_NE(to_bundle_json(anonymous, "h")->find("[{\"sig\":\"AQI=\"}]"), std::string::npos);
}

// Field names and nesting per sigstore/protobuf-specs sigstore_bundle.proto in proto3 JSON.
TEST(Bundle, ProtoJsonFieldNames) {
  PrivateKey key = test_private_key("test-only-ecdsa-p256.key");
  auto envelope = sign_envelope("application/vnd.in-toto+json", "{\"a\":1}", {key});
  auto json = to_bundle_json(*envelope, key.public_key().keyid());
  ASSERT_TRUE(json.ok());
  auto doc = nlohmann::json::parse(*json);
  EXPECT_EQ(doc["mediaType"], k_bundle_v03_media_type);
  EXPECT_EQ(doc["verificationMaterial"]["publicKey"]["hint"], key.public_key().keyid());
  EXPECT_TRUE(doc["verificationMaterial"]["tlogEntries"].is_array());
  EXPECT_TRUE(doc["verificationMaterial"]["timestampVerificationData"].is_object());
  EXPECT_EQ(doc["dsseEnvelope"]["payload"], "eyJhIjoxfQ==");
  EXPECT_EQ(doc["dsseEnvelope"]["payloadType"], "application/vnd.in-toto+json");
  EXPECT_EQ(doc["dsseEnvelope"]["signatures"].size(), 1u);
  EXPECT_EQ(doc.size(), 3u);
}

TEST(Bundle, CarriesExactlyOneSignature) {
  Envelope none = small_envelope();
  none.signatures.clear();
  auto zero = to_bundle_json(none, "h");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.error().code, ErrorCode::usage);
  EXPECT_EQ(zero.error().to_string(), "bundle: a bundle carries exactly one signature; the envelope has 0");
  Envelope two = small_envelope();
  two.signatures.push_back(two.signatures[0]);
  EXPECT_EQ(to_bundle_json(two, "h").error().to_string(),
            "bundle: a bundle carries exactly one signature; the envelope has 2");
}

TEST(Bundle, GoldenEd25519Bundle) {
  PrivateKey key = test_private_key("test-only-ed25519.key");
  auto statement =
      make_statement({{"hello.txt", {{"sha256", "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"}}}},
                     "https://cyclonedx.org/bom", R"({"bomFormat":"CycloneDX","specVersion":"1.6"})");
  auto envelope = sign_envelope(std::string(k_intoto_payload_type), *statement, {key});
  auto json = to_bundle_json(*envelope, key.public_key().keyid());
  ASSERT_TRUE(json.ok());
  expect_golden("statement.bundle.golden.json", *json);

  auto file = read_attestations(fixture("statement.bundle.golden.json"), "b.json");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->format, AttestationFormat::bundle);
  EXPECT_EQ(file->bundle_media_type, k_bundle_v03_media_type);
  EXPECT_EQ(file->key_hint, "eb785f353b26a7fc64e13468f3edf710dc85f6284207a10052e37929d884f325");
  ASSERT_EQ(file->envelopes.size(), 1u);
  EXPECT_EQ(file->envelopes[0].payload, *statement);
  EXPECT_EQ(verify_envelope(file->envelopes[0], {test_public_key("test-only-ed25519.pub")}).distinct_keys, 1u);
}

TEST(Attestations, ReadsAnEnvelope) {
  auto file = read_attestations("\n" + k_dsse + "\n", "e.json");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->format, AttestationFormat::envelope);
  ASSERT_EQ(file->envelopes.size(), 1u);
  EXPECT_EQ(file->envelopes[0].payload, "{}");
  EXPECT_EQ(file->envelopes[0].signatures[0].keyid, "kid");
  EXPECT_EQ(file->key_hint, "");
  EXPECT_EQ(file->bundle_media_type, "");
}

TEST(Attestations, ReadsEveryBundleVersion) {
  for (const std::string& media_type :
       {std::string("application/vnd.dev.sigstore.bundle+json;version=0.1"),
        std::string("application/vnd.dev.sigstore.bundle+json;version=0.2"),
        std::string("application/vnd.dev.sigstore.bundle+json;version=0.3"), std::string(k_bundle_v03_media_type)}) {
    auto file = read_attestations(bundle_with(media_type), "b.json");
    ASSERT_TRUE(file.ok()) << media_type << ": " << file.error().to_string();
    EXPECT_EQ(file->format, AttestationFormat::bundle);
    EXPECT_EQ(file->bundle_media_type, media_type);
    EXPECT_EQ(file->key_hint, "h");
    EXPECT_EQ(file->envelopes[0].payload_type, "t");
  }
}

// Keyless bundles carry certificates and log entries purser does not use offline; they still parse.
TEST(Attestations, ReadsBundleWithCertificateAndLogEntries) {
  const std::string material =
      R"({"x509CertificateChain":{"certificates":[{"rawBytes":"MIIB"}]},"tlogEntries":[{"logIndex":"7",)"
      R"("kindVersion":{"kind":"dsse","version":"0.0.1"},"inclusionPromise":{"signedEntryTimestamp":"AA=="}}],)"
      R"("timestampVerificationData":{"rfc3161Timestamps":[]}})";
  auto file = read_attestations(bundle_with(std::string(k_bundle_v03_media_type), material), "b.json");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->key_hint, "");
  EXPECT_EQ(file->format, AttestationFormat::bundle);
}

// Envelope members beside a bundle's own are not mixed into the bundle's envelope.
TEST(Attestations, BundleIgnoresTopLevelEnvelopeMembers) {
  std::string bundle = bundle_with(std::string(k_bundle_v03_media_type));
  bundle.insert(1, R"("signatures":[{"sig":"AAAA"},{"sig":"AAAA"}],"payload":"eA==",)");
  auto file = read_attestations(bundle, "b.json");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  ASSERT_EQ(file->envelopes.size(), 1u);
  EXPECT_EQ(file->envelopes[0].signatures.size(), 1u);
  EXPECT_EQ(file->envelopes[0].payload, "{}");
}

TEST(Attestations, ReadsJsonLines) {
  Envelope a = *sign_envelope("t", "one", {test_private_key("test-only-ed25519.key")});
  Envelope b = *sign_envelope("t", "two", {test_private_key("test-only-ecdsa-p256.key")});
  std::string lines = to_json(a) + "\n" + to_json(b) + "\n\n" + *to_bundle_json(a, "hint-a") + "\n";
  auto file = read_attestations(lines, "x.intoto.jsonl");
  ASSERT_TRUE(file.ok()) << file.error().to_string();
  EXPECT_EQ(file->format, AttestationFormat::jsonl);
  ASSERT_EQ(file->envelopes.size(), 3u);
  EXPECT_EQ(file->envelopes[0].payload, "one");
  EXPECT_EQ(file->envelopes[1].payload, "two");
  EXPECT_EQ(file->envelopes[2].payload, "one");
  EXPECT_EQ(file->key_hint, "hint-a");
  EXPECT_EQ(file->bundle_media_type, k_bundle_v03_media_type);
  expect_golden(
      "two.intoto.golden.jsonl",
      to_json(a) + "\n" + to_json(*sign_envelope("t", "two", {test_private_key("test-only-ed25519.key")})) + "\n");
  auto golden = read_attestations(fixture("two.intoto.golden.jsonl"), "two.intoto.jsonl");
  ASSERT_TRUE(golden.ok());
  EXPECT_EQ(golden->envelopes.size(), 2u);
}

TEST(Attestations, JsonLinesErrorsNameTheLine) {
  std::string lines = k_dsse + "\n" + k_dsse + "\n{\"payload\":\"!\"}\n";
  EXPECT_EQ(read_error(lines), "a.json:3: envelope: payload: invalid base64");
  EXPECT_EQ(read_error(k_dsse + "\n" + k_dsse + "\n[1]\n"),
            "a.json:3: invalid json: unexpected '[', expected end of input or another JSON object");
  EXPECT_EQ(read_error(k_dsse + "\n{\"payload\":\n"),
            "a.json:3: invalid json: unexpected end of input, expected a base64 string");
}

TEST(Attestations, RefusesWhatIsNotADsseAttestation) {
  EXPECT_EQ(read_error(""), "a.json: no attestation: the file is empty");
  EXPECT_EQ(read_error(" \n\t"), "a.json: no attestation: the file is empty");
  EXPECT_EQ(read_error("[]"), "a.json@0: attestation: expected an object, got an array");
  EXPECT_EQ(read_error("nope"), "a.json@0: invalid json: unexpected 'n', expected an object");
  EXPECT_EQ(read_error("{}"), "a.json@0: envelope: missing payload");
  EXPECT_EQ(read_error(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","messageSignature":{}})",
                       ErrorCode::unsupported),
            "a.json@0: bundle: holds a messageSignature, not a DSSE envelope: purser verifies attestations only");
  EXPECT_EQ(read_error(bundle_with("application/vnd.dev.sigstore.bundle.v0.4+json"), ErrorCode::unsupported),
            "a.json@13: bundle: unsupported media type \"application/vnd.dev.sigstore.bundle.v0.4+json\"");
  EXPECT_EQ(read_error(R"({"dsseEnvelope":)" + k_dsse + "}"), "a.json@0: bundle: missing mediaType");
  EXPECT_EQ(read_error(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"})"),
            "a.json@0: bundle: missing dsseEnvelope");
  EXPECT_EQ(read_error(R"({"mediaType":5})"), "a.json@13: bundle: mediaType: expected a string, got a number");
  EXPECT_EQ(read_error(R"({"mediaType":"x","dsseEnvelope":{"payload":"e30="}})"),
            "a.json@32: bundle: dsseEnvelope: missing payloadType");
  EXPECT_EQ(read_error(R"({"verificationMaterial":[]})"),
            "a.json@24: bundle: verificationMaterial: expected an object, got an array");
  EXPECT_EQ(read_error(R"({"verificationMaterial":{"publicKey":{"hint":1}}})"),
            "a.json@45: bundle: verificationMaterial.publicKey: hint: expected a string, got a number");
  EXPECT_EQ(read_error(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","dsseEnvelope":[]})"),
            "a.json@76: bundle: dsseEnvelope: expected an object, got an array");
}

TEST(Attestations, TruncatedBundleNeverParses) {
  std::string json = *to_bundle_json(small_envelope(), "h");
  for (std::size_t n = 0; n < json.size(); ++n) EXPECT_FALSE(read_attestations(json.substr(0, n), "b").ok()) << n;
  EXPECT_TRUE(read_attestations(json, "b").ok());
}

}  // namespace
}  // namespace purser::signing
