#include "signing/dsse.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/util/strings.hpp"
#include "tests/signing/signing_test_support.hpp"

namespace purser::signing {
namespace {

using testing::expect_golden;
using testing::fixture;
using testing::test_private_key;
using testing::test_public_key;
using util::ErrorCode;

const std::string k_type = "application/vnd.in-toto+json";

Envelope signed_by(const std::vector<PrivateKey>& keys, std::string payload = "{\"hello\":\"world\"}") {
  auto envelope = sign_envelope(k_type, std::move(payload), keys);
  EXPECT_TRUE(envelope.ok()) << envelope.error().to_string();
  return envelope.ok() ? *envelope : Envelope{};
}

std::string parse_error(std::string_view json) {
  auto envelope = parse_envelope(json, "e.json");
  if (envelope.ok()) return "parsed";
  EXPECT_EQ(envelope.error().code, ErrorCode::parse) << envelope.error().to_string();
  return envelope.error().to_string();
}

// protocol.md "Test Vectors": type "http://example.com/HelloWorld" (29 bytes), body "hello world" (11 bytes).
TEST(Pae, SpecExample) {
  EXPECT_EQ(pae("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

TEST(Pae, EmptyAndBinaryAndLengthsWithoutLeadingZeros) {
  EXPECT_EQ(pae("", ""), "DSSEv1 0  0 ");
  std::string body("a\0b", 3);
  EXPECT_EQ(pae("t", body), std::string("DSSEv1 1 t 3 a\0b", 16));
  EXPECT_EQ(pae(std::string(10, 'x'), std::string(100, 'y')),
            "DSSEv1 10 " + std::string(10, 'x') + " 100 " + std::string(100, 'y'));
  // Multi-byte UTF-8 counts bytes, not characters.
  EXPECT_EQ(pae("\xc3\xa9", ""), "DSSEv1 2 \xc3\xa9 0 ");
}

TEST(Dsse, ToJsonShape) {
  Envelope e{"t/\"x\"", "hi", {{"k1", std::string("\x00\x01", 2)}, {"", "\xff"}}};
  EXPECT_EQ(to_json(e),
            "{\"payloadType\":\"t/\\\"x\\\"\",\"payload\":\"aGk=\",\"signatures\":[{\"keyid\":\"k1\",\"sig\":\"AAE=\"},"
            "{\"keyid\":\"\",\"sig\":\"/w==\"}]}");
  Envelope none{"t", "", {}};
  EXPECT_EQ(to_json(none), "{\"payloadType\":\"t\",\"payload\":\"\",\"signatures\":[]}");
}

// Ed25519 is deterministic (RFC 8032), so an envelope signed with the committed test key is a golden file.
TEST(Dsse, GoldenEd25519Envelope) {
  Envelope e =
      signed_by({test_private_key("test-only-ed25519.key")}, "{\"_type\":\"https://in-toto.io/Statement/v1\"}");
  ASSERT_EQ(e.signatures.size(), 1u);
  EXPECT_EQ(e.signatures[0].keyid, "eb785f353b26a7fc64e13468f3edf710dc85f6284207a10052e37929d884f325");
  expect_golden("hello.dsse.golden.json", to_json(e));
  auto back = parse_envelope(fixture("hello.dsse.golden.json"), "hello.dsse.golden.json");
  ASSERT_TRUE(back.ok()) << back.error().to_string();
  EXPECT_EQ(verify_envelope(*back, {test_public_key("test-only-ed25519.pub")}).distinct_keys, 1u);
}

TEST(Dsse, SignParseVerifyEveryKeyType) {
  for (const char* name :
       {"test-only-ed25519.key", "test-only-ecdsa-p256.key", "test-only-ecdsa-p384.key", "test-only-rsa-2048.key"}) {
    PrivateKey key = test_private_key(name);
    Envelope e = signed_by({key});
    auto parsed = parse_envelope(to_json(e), "e.json");
    ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
    EXPECT_EQ(parsed->payload, e.payload);
    EXPECT_EQ(parsed->payload_type, k_type);
    EnvelopeCheck check = verify_envelope(*parsed, {key.public_key()});
    ASSERT_EQ(check.signatures.size(), 1u);
    EXPECT_TRUE(check.signatures[0].verified) << name << ": " << check.signatures[0].reason;
    EXPECT_EQ(check.signatures[0].trusted_keyid, key.public_key().keyid());
    EXPECT_EQ(check.distinct_keys, 1u);
  }
}

TEST(Dsse, SignNeedsAKeyAndUtf8Type) {
  auto none = sign_envelope(k_type, "x", {});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::usage);
  EXPECT_EQ(none.error().to_string(), "cannot sign: no signing key");
  auto bad = sign_envelope("\xff", "x", {test_private_key("test-only-ed25519.key")});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().to_string(), "cannot sign: payload type is not valid UTF-8");
}

// protocol.md: "Either standard or URL-safe base64 encodings are allowed ... verifiers MUST accept either."
TEST(Dsse, AcceptsUrlSafeAndUnpaddedBase64) {
  auto e = parse_envelope(R"({"payload":"-_8","payloadType":"t","signatures":[{"sig":"-_-_"}]})", "e");
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(e->payload, "\xfb\xff");
  EXPECT_EQ(e->signatures[0].sig, "\xfb\xff\xbf");
  EXPECT_EQ(e->signatures[0].keyid, "");
  auto std_padded = parse_envelope(R"({"payload":"+/8=","payloadType":"t","signatures":[]})", "e");
  ASSERT_TRUE(std_padded.ok());
  EXPECT_EQ(std_padded->payload, "\xfb\xff");
}

TEST(Dsse, ParsesEscapesUnknownMembersNullKeyidAndWhitespace) {
  auto e = parse_envelope(
      "\n { \"x-extra\": {\"a\": [1, 2.5e3, -0, true, false, null]},\n"
      "   \"payloadType\": \"application\\/vnd.in-toto+json \\u00e9\\ud83d\\ude00\",\n"
      "   \"payload\": \"aGVsbG8\\/\",\n"
      "   \"signatures\": [ {\"keyid\": null, \"sig\": \"AAAA\", \"extra\": 1}, {\"sig\": \"\", \"keyid\": \"k\"} ] "
      "}\n",
      "e");
  ASSERT_TRUE(e.ok()) << e.error().to_string();
  EXPECT_EQ(e->payload_type, "application/vnd.in-toto+json \xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(e->payload, "hello?");
  ASSERT_EQ(e->signatures.size(), 2u);
  EXPECT_EQ(e->signatures[0].keyid, "");
  EXPECT_EQ(e->signatures[0].sig, std::string(3, '\0'));
  EXPECT_EQ(e->signatures[1].keyid, "k");
  EXPECT_EQ(e->signatures[1].sig, "");
}

// The JSON grammar itself is tested with the scanner (tests/util/json_scan_test.cpp); these check that its errors
// reach the envelope reader's caller with the path and offset, in members it reads and in members it skips.
TEST(Dsse, MalformedEnvelopes) {
  EXPECT_EQ(parse_error(""), "e.json@0: invalid json: unexpected end of input, expected an object");
  EXPECT_EQ(parse_error("   "), "e.json@3: invalid json: unexpected end of input, expected an object");
  EXPECT_EQ(parse_error("[]"), "e.json@0: envelope: expected an object, got an array");
  EXPECT_EQ(parse_error("\"x\""), "e.json@0: envelope: expected an object, got a string");
  EXPECT_EQ(parse_error("{"),
            "e.json@1: invalid json: unexpected end of input, expected a string (member name) or '}'");
  EXPECT_EQ(parse_error("{\"payload\""), "e.json@10: invalid json: unexpected end of input, expected ':'");
  EXPECT_EQ(parse_error("{\"payload\":\"aGk="), "e.json@11: invalid json: unterminated string");
  EXPECT_EQ(parse_error("{\"payload\":\"aGk=\""),
            "e.json@17: invalid json: unexpected end of input, expected ',' or '}'");
  EXPECT_EQ(parse_error("{\"payload\":\"aGk=\" \"x\""),
            "e.json@18: invalid json: unexpected '\"', expected ',' or '}'");
  EXPECT_EQ(parse_error("{\"payloadType\":\"\\q\"}"), "e.json@16: invalid json: invalid escape 'q' in string");
  EXPECT_EQ(parse_error("{\"a\":[1,]}"), "e.json@8: invalid json: unexpected ']', expected a value");
  // Signed documents must be valid UTF-8 everywhere, in skipped members too: two parsers must not disagree.
  EXPECT_EQ(parse_error("{\"a\":\"\xff\"}"), "e.json@6: invalid json: invalid UTF-8 in string");
  EXPECT_EQ(parse_error("{\"payloadType\":\"\xed\xa0\x80\"}"), "e.json@16: invalid json: invalid UTF-8 in string");
  EXPECT_EQ(parse_error("{\"a\":1,\"a\":2}"), "e.json@7: invalid json: duplicate member \"a\"");
  EXPECT_EQ(parse_error(R"({"payload":"","payloadType":"t","signatures":[]} x)"),
            "e.json@49: invalid json: unexpected 'x', expected end of input");
  EXPECT_EQ(parse_error(R"({"payload":"","payloadType":"t","signatures":[]}{})"),
            "e.json@48: invalid json: unexpected '{', expected end of input");
}

TEST(Dsse, StructurallyWrongEnvelopes) {
  EXPECT_EQ(parse_error("{}"), "e.json@0: envelope: missing payload");
  EXPECT_EQ(parse_error(R"({"payload":""})"), "e.json@0: envelope: missing payloadType");
  EXPECT_EQ(parse_error(R"({"payload":"","payloadType":"t"})"), "e.json@0: envelope: missing signatures");
  EXPECT_EQ(parse_error(R"({"payload":1})"), "e.json@11: envelope: payload: expected a base64 string, got a number");
  EXPECT_EQ(parse_error(R"({"payload":"a"})"), "e.json@11: envelope: payload: invalid base64");
  EXPECT_EQ(parse_error(R"({"payload":"aGk=="})"), "e.json@11: envelope: payload: invalid base64");
  EXPECT_EQ(parse_error(R"({"payload":"aG k="})"), "e.json@11: envelope: payload: invalid base64");
  EXPECT_EQ(parse_error(R"({"payload":"a=Gk"})"), "e.json@11: envelope: payload: invalid base64");
  EXPECT_EQ(parse_error(R"({"payloadType":null})"), "e.json@15: envelope: payloadType: expected a string, got null");
  EXPECT_EQ(parse_error(R"({"signatures":{}})"), "e.json@14: envelope: signatures: expected an array, got an object");
  EXPECT_EQ(parse_error(R"({"signatures":["x"]})"),
            "e.json@15: envelope: signatures[0]: expected an object, got a string");
  EXPECT_EQ(parse_error(R"({"signatures":[{"sig":"AA=="},{"keyid":"k"}]})"),
            "e.json@30: envelope: signatures[1]: missing sig");
  EXPECT_EQ(parse_error(R"({"signatures":[{"sig":"AA==","keyid":7}]})"),
            "e.json@37: envelope: signatures[0]: keyid: expected a string, got a number");
  EXPECT_EQ(parse_error(R"({"signatures":[{"sig":"@@@@"}]})"),
            "e.json@22: envelope: signatures[0]: sig: invalid base64");
  EXPECT_EQ(parse_error(R"({"signatures":[{"sig":"AA==","sig":"AA=="}]})"),
            "e.json@29: invalid json: duplicate member \"sig\"");
  EXPECT_EQ(parse_error(R"({"payload":"","payload":""})"), "e.json@14: invalid json: duplicate member \"payload\"");
}

TEST(Dsse, ErrorLocationIsTheLineForMultiLineInput) {
  EXPECT_EQ(parse_error("{\n  \"payload\": \"aGk=\",\n  \"payloadType\": 5\n}\n"),
            "e.json:3: envelope: payloadType: expected a string, got a number");
  EXPECT_EQ(parse_error("{\n  \"payload\": \"aGk=\"\n  \"payloadType\": 5\n}\n"),
            "e.json:3: invalid json: unexpected '\"', expected ',' or '}'");
}

// The limit is on the document's nesting: the envelope object is level 1, so the 512th '[' (at 5 + 511) is too deep.
TEST(Dsse, HostileNestingIsBounded) {
  std::string deep = "{\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  EXPECT_EQ(parse_error(deep), "e.json@516: invalid json: nesting deeper than 512 levels");
  std::string ok = "{\"x\":" + std::string(511, '[') + std::string(511, ']') +
                   ",\"payload\":\"\",\"payloadType\":\"t\",\"signatures\":[]}";
  EXPECT_TRUE(parse_envelope(ok, "e").ok());
}

TEST(Dsse, TruncatedAtEveryByteNeverParses) {
  std::string json = to_json(signed_by({test_private_key("test-only-ecdsa-p256.key")}));
  for (std::size_t n = 0; n < json.size(); ++n) EXPECT_FALSE(parse_envelope(json.substr(0, n), "e").ok()) << n;
  EXPECT_TRUE(parse_envelope(json, "e").ok());
}

// ---- verify_envelope ----

class DsseVerify : public ::testing::Test {
 protected:
  PrivateKey m_ed = test_private_key("test-only-ed25519.key");
  PrivateKey m_ec = test_private_key("test-only-ecdsa-p256.key");
  PublicKey m_ed_pub = test_public_key("test-only-ed25519.pub");
  PublicKey m_ec_pub = test_public_key("test-only-ecdsa-p256.pub");
};

TEST_F(DsseVerify, Verifies) {
  EnvelopeCheck check = verify_envelope(signed_by({m_ed}), {m_ec_pub, m_ed_pub});
  ASSERT_EQ(check.signatures.size(), 1u);
  EXPECT_TRUE(check.signatures[0].verified);
  EXPECT_EQ(check.signatures[0].keyid, m_ed_pub.keyid());
  EXPECT_EQ(check.signatures[0].trusted_keyid, m_ed_pub.keyid());
  EXPECT_EQ(check.signatures[0].reason, "");
  EXPECT_EQ(check.distinct_keys, 1u);
}

TEST_F(DsseVerify, TamperedPayloadByte) {
  Envelope e = signed_by({m_ed, m_ec});
  e.payload[3] ^= 1;
  EnvelopeCheck check = verify_envelope(e, {m_ed_pub, m_ec_pub});
  EXPECT_EQ(check.distinct_keys, 0u);
  for (const auto& s : check.signatures) {
    EXPECT_FALSE(s.verified);
    EXPECT_EQ(s.reason, "signature does not verify");
  }
}

TEST_F(DsseVerify, TamperedPayloadTypeByte) {
  Envelope e = signed_by({m_ed});
  e.payload_type[0] = 'A';
  EnvelopeCheck check = verify_envelope(e, {m_ed_pub});
  EXPECT_EQ(check.distinct_keys, 0u);
  EXPECT_EQ(check.signatures[0].reason, "signature does not verify");
}

TEST_F(DsseVerify, TamperedSignatureByte) {
  for (const PrivateKey& key : {m_ed, m_ec}) {
    Envelope e = signed_by({key});
    e.signatures[0].sig[e.signatures[0].sig.size() / 2] ^= 0x10;
    EnvelopeCheck check = verify_envelope(e, {m_ed_pub, m_ec_pub});
    EXPECT_EQ(check.distinct_keys, 0u);
    EXPECT_EQ(check.signatures[0].reason, "signature does not verify");
  }
}

// The keyid is an unauthenticated hint, but a changed one must not make verification fall back to other keys.
TEST_F(DsseVerify, TamperedKeyidByte) {
  Envelope e = signed_by({m_ed});
  e.signatures[0].keyid[0] = e.signatures[0].keyid[0] == 'e' ? 'f' : 'e';
  EnvelopeCheck check = verify_envelope(e, {m_ed_pub});
  EXPECT_EQ(check.distinct_keys, 0u);
  EXPECT_FALSE(check.signatures[0].verified);
  EXPECT_EQ(check.signatures[0].reason,
            "no trusted key has keyid fb785f353b26a7fc64e13468f3edf710dc85f6284207a10052e37929d884f325");
}

TEST_F(DsseVerify, EmptyKeyidTriesEveryKey) {
  Envelope e = signed_by({m_ec});
  e.signatures[0].keyid.clear();
  EnvelopeCheck check = verify_envelope(e, {m_ed_pub, m_ec_pub});
  EXPECT_TRUE(check.signatures[0].verified);
  EXPECT_EQ(check.signatures[0].trusted_keyid, m_ec_pub.keyid());
  EXPECT_EQ(check.distinct_keys, 1u);
  EnvelopeCheck wrong = verify_envelope(e, {m_ed_pub});
  EXPECT_EQ(wrong.signatures[0].reason, "signature does not verify with any trusted key");
}

TEST_F(DsseVerify, WrongKey) {
  EnvelopeCheck check = verify_envelope(signed_by({m_ed}), {m_ec_pub});
  EXPECT_EQ(check.distinct_keys, 0u);
  EXPECT_EQ(check.signatures[0].reason, "no trusted key has keyid " + m_ed_pub.keyid());
  EnvelopeCheck none = verify_envelope(signed_by({m_ed}), {});
  EXPECT_EQ(none.signatures[0].reason, "no trusted key has keyid " + m_ed_pub.keyid());
  Envelope anonymous = signed_by({m_ed});
  anonymous.signatures[0].keyid.clear();
  EXPECT_EQ(verify_envelope(anonymous, {}).signatures[0].reason, "no trusted keys");
}

// An Ed25519 signature presented under the ECDSA key's keyid: the keyid selects the key, the algorithm fails.
TEST_F(DsseVerify, WrongAlgorithm) {
  Envelope e = signed_by({m_ed});
  e.signatures[0].keyid = m_ec_pub.keyid();
  EnvelopeCheck check = verify_envelope(e, {m_ed_pub, m_ec_pub});
  EXPECT_EQ(check.distinct_keys, 0u);
  EXPECT_EQ(check.signatures[0].reason, "signature does not verify");
}

TEST_F(DsseVerify, ThresholdCountsDistinctTrustedKeys) {
  Envelope both = signed_by({m_ed, m_ec});
  EXPECT_EQ(verify_envelope(both, {m_ed_pub, m_ec_pub}).distinct_keys, 2u);
  EXPECT_EQ(verify_envelope(both, {m_ed_pub}).distinct_keys, 1u);
  // The same key twice in the envelope, or twice in the trust list, still counts once.
  Envelope twice = signed_by({m_ed, m_ed});
  EnvelopeCheck check = verify_envelope(twice, {m_ed_pub, m_ed_pub});
  EXPECT_EQ(check.signatures.size(), 2u);
  EXPECT_TRUE(check.signatures[0].verified && check.signatures[1].verified);
  EXPECT_EQ(check.distinct_keys, 1u);
  // A signature copied under an empty keyid is still the same key.
  Envelope copied = signed_by({m_ed});
  copied.signatures.push_back({"", copied.signatures[0].sig});
  EXPECT_EQ(verify_envelope(copied, {m_ed_pub, m_ec_pub}).distinct_keys, 1u);
  Envelope none{k_type, "x", {}};
  EXPECT_EQ(verify_envelope(none, {m_ed_pub}).distinct_keys, 0u);
}

}  // namespace
}  // namespace purser::signing
