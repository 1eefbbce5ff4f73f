#include "signing/intoto.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "signing/dsse.hpp"
#include "tests/signing/signing_test_support.hpp"

namespace purser::signing {
namespace {

using testing::expect_golden;
using testing::test_private_key;
using testing::test_public_key;
using util::ErrorCode;

const std::string k_sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";  // "hello"
const std::string k_sha512 =
    "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3ade"
    "f46f"
    "73bcdec043";

std::vector<Subject> one_subject() { return {{"hello.txt", {{"sha512", k_sha512}, {"sha256", k_sha256}}}}; }

std::string verify_error(std::string_view json) {
  auto statement = parse_statement(json, "s.json");
  if (statement.ok()) return "parsed";
  EXPECT_EQ(statement.error().code, ErrorCode::verify) << statement.error().to_string();
  return statement.error().to_string();
}

std::string parse_error(std::string_view json) {
  auto statement = parse_statement(json, "s.json");
  if (statement.ok()) return "parsed";
  EXPECT_EQ(statement.error().code, ErrorCode::parse) << statement.error().to_string();
  return statement.error().to_string();
}

// A valid statement with one member's JSON replaced.
std::string statement_with(const std::string& member, const std::string& value) {
  std::string type = "\"https://in-toto.io/Statement/v1\"";
  std::string subject = "[{\"name\":\"a\",\"digest\":{\"sha256\":\"" + k_sha256 + "\"}}]";
  std::string predicate_type = "\"https://cyclonedx.org/bom\"";
  std::string predicate = "{}";
  if (member == "_type") type = value;
  if (member == "subject") subject = value;
  if (member == "predicateType") predicate_type = value;
  if (member == "predicate") predicate = value;
  return "{\"_type\":" + type + ",\"subject\":" + subject + ",\"predicateType\":" + predicate_type +
         ",\"predicate\":" + predicate + "}";
}

TEST(Statement, MakeEmbedsPredicateVerbatimAndSortsDigests) {
  const std::string predicate = "{ \"bomFormat\" : \"CycloneDX\",\n  \"n\": 1.50, \"s\": \"\\u00e9\" }";
  auto json = make_statement(one_subject(), "https://cyclonedx.org/bom", "\n  " + predicate + "\n\n");
  ASSERT_TRUE(json.ok()) << json.error().to_string();
  EXPECT_EQ(*json,
            "{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"name\":\"hello.txt\",\"digest\":{"
            "\"sha256\":\"" +
                k_sha256 + "\",\"sha512\":\"" + k_sha512 +
                "\"}}],\"predicateType\":\"https://cyclonedx.org/bom\",\"predicate\":" + predicate + "}");
  auto parsed = parse_statement(*json, "s");
  ASSERT_TRUE(parsed.ok()) << parsed.error().to_string();
  EXPECT_EQ(parsed->type, k_statement_v1);
  EXPECT_EQ(parsed->predicate_type, "https://cyclonedx.org/bom");
  EXPECT_EQ(parsed->predicate_json, predicate);
  ASSERT_EQ(parsed->subjects.size(), 1u);
  EXPECT_EQ(parsed->subjects[0].name, "hello.txt");
  std::vector<std::pair<std::string, std::string>> want = {{"sha256", k_sha256}, {"sha512", k_sha512}};
  EXPECT_EQ(parsed->subjects[0].digests, want);
}

TEST(Statement, MakeEscapesNamesAndOmitsEmptyName) {
  auto json = make_statement({{"we\"ird\\name\n", {{"sha256", k_sha256}}}, {"", {{"sha1", std::string(40, 'a')}}}},
                             "https://example.com/p", "{}");
  ASSERT_TRUE(json.ok());
  EXPECT_NE(json->find(R"("name":"we\"ird\\name\n")"), std::string::npos) << *json;
  EXPECT_NE(json->find(R"({"digest":{"sha1":")"), std::string::npos) << *json;
  auto parsed = parse_statement(*json, "s");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->subjects[0].name, "we\"ird\\name\n");
  EXPECT_EQ(parsed->subjects[1].name, "");
}

TEST(Statement, MakeRefusesBadInput) {
  auto no_subjects = make_statement({}, "https://x.dev/p", "{}");
  EXPECT_EQ(no_subjects.error().code, ErrorCode::usage);
  EXPECT_EQ(no_subjects.error().to_string(), "statement: no subjects");
  auto no_digest = make_statement({{"a", {}}}, "https://x.dev/p", "{}");
  EXPECT_EQ(no_digest.error().code, ErrorCode::usage);
  EXPECT_EQ(no_digest.error().to_string(), "statement: subject[0]: no digests");
  EXPECT_EQ(make_statement({{"a", {{"sha256", "ABC"}}}}, "https://x.dev/p", "{}").error().to_string(),
            "statement: subject[0].digest.sha256: not lower-case hex");
  EXPECT_EQ(make_statement({{"a", {{"sha256", "abc"}}}}, "https://x.dev/p", "{}").error().to_string(),
            "statement: subject[0].digest.sha256: expected 64 hex digits, got 3");
  EXPECT_EQ(make_statement({{"a", {{"sha256", k_sha256}, {"sha256", k_sha256}}}}, "https://x.dev/p", "{}")
                .error()
                .to_string(),
            "statement: subject[0].digest.sha256: given twice");
  EXPECT_EQ(make_statement(one_subject(), "", "{}").error().to_string(), "statement: empty predicate type");

  auto array = make_statement(one_subject(), "https://x.dev/p", "[1]");
  EXPECT_EQ(array.error().code, ErrorCode::parse);
  EXPECT_EQ(array.error().to_string(), "predicate: expected a JSON object, got an array");
  auto bad = make_statement(one_subject(), "https://x.dev/p", "{\"a\":}");
  EXPECT_EQ(bad.error().code, ErrorCode::parse);
  EXPECT_EQ(bad.error().to_string(), "predicate: invalid json: unexpected '}', expected a value");
  EXPECT_EQ(bad.error().location.offset, 5u);
  EXPECT_EQ(make_statement(one_subject(), "https://x.dev/p", "{} {}").error().to_string(),
            "predicate: invalid json: unexpected '{', expected end of input");
  EXPECT_EQ(make_statement(one_subject(), "https://x.dev/p", "").error().to_string(),
            "predicate: invalid json: unexpected end of input, expected a JSON object");
  EXPECT_EQ(make_statement(one_subject(), "https://x.dev/p", "{\"a\":\"\xff\"}").error().to_string(),
            "predicate: invalid json: invalid UTF-8 in string");
}

// The signed statement is a golden file: the test-only Ed25519 key signs deterministically.
TEST(Statement, GoldenSignedStatement) {
  auto json = make_statement(one_subject(), "https://cyclonedx.org/bom",
                             R"({"bomFormat":"CycloneDX","specVersion":"1.6","version":1})");
  ASSERT_TRUE(json.ok());
  auto envelope = sign_envelope(std::string(k_intoto_payload_type), *json, {test_private_key("test-only-ed25519.key")});
  ASSERT_TRUE(envelope.ok());
  expect_golden("statement.dsse.golden.json", to_json(*envelope));
}

TEST(Statement, ParsesOptionalAndExtraFields) {
  auto s = parse_statement(
      "{\"predicateType\":\"https://x.dev/p\",\"extra\":[1,{\"a\":null}],\"subject\":[{\"uri\":\"pkg:npm/a@1\","
      "\"digest\":{\"gitCommit\":\"abc123\",\"sha256\":\"" +
          k_sha256 + "\"},\"annotations\":{\"k\":\"v\"}}],\"_type\":\"https://in-toto.io/Statement/v1\"}",
      "s");
  ASSERT_TRUE(s.ok()) << s.error().to_string();
  EXPECT_EQ(s->predicate_json, "");
  EXPECT_EQ(s->subjects[0].name, "");
  ASSERT_EQ(s->subjects[0].digests.size(), 2u);
  EXPECT_EQ(s->subjects[0].digests[0].first, "gitCommit");
  auto null_predicate = parse_statement(statement_with("predicate", "null"), "s");
  ASSERT_TRUE(null_predicate.ok());
  EXPECT_EQ(null_predicate->predicate_json, "");
  auto nested = parse_statement(statement_with("predicate", "{\"a\": [ {\"b\": \"}\"} ] }"), "s");
  ASSERT_TRUE(nested.ok());
  EXPECT_EQ(nested->predicate_json, "{\"a\": [ {\"b\": \"}\"} ] }");
}

TEST(Statement, StructuralErrorsNameTheField) {
  EXPECT_EQ(verify_error("[]"), "s.json@0: statement: expected an object, got an array");
  EXPECT_EQ(verify_error("{}"), "s.json@0: statement: missing _type");
  EXPECT_EQ(verify_error(R"({"_type":"https://in-toto.io/Statement/v1"})"), "s.json@0: statement: missing subject");
  EXPECT_EQ(verify_error(statement_with("_type", "\"https://in-toto.io/Statement/v0.1\"")),
            "s.json@9: statement: _type: expected \"https://in-toto.io/Statement/v1\", got "
            "\"https://in-toto.io/Statement/v0.1\"");
  EXPECT_EQ(verify_error(statement_with("_type", "1")), "s.json@9: statement: _type: expected a string, got a number");
  EXPECT_EQ(verify_error(statement_with("subject", "{}")),
            "s.json@53: statement: subject: expected an array, got an object");
  EXPECT_EQ(verify_error(statement_with("subject", "[]")), "s.json@53: statement: subject: empty");
  EXPECT_EQ(verify_error(statement_with("subject", "[\"a\"]")),
            "s.json@54: statement: subject[0]: expected an object, got a string");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"name\":\"a\"}]")),
            "s.json@54: statement: subject[0]: missing digest");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"name\":1,\"digest\":{}}]")),
            "s.json@62: statement: subject[0].name: expected a string, got a number");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"digest\":{}}]")),
            "s.json@64: statement: subject[0].digest: empty");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"digest\":[]}]")),
            "s.json@64: statement: subject[0].digest: expected an object, got an array");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"digest\":{\"sha256\":5}}]")),
            "s.json@74: statement: subject[0].digest.sha256: expected a string, got a number");
  std::string upper = k_sha256;
  upper[0] = 'C';
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"digest\":{\"sha256\":\"" + upper + "\"}}]")),
            "s.json@74: statement: subject[0].digest.sha256: not lower-case hex");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"digest\":{\"sha256\":\"" + k_sha256.substr(1) + "\"}}]")),
            "s.json@74: statement: subject[0].digest.sha256: expected 64 hex digits, got 63");
  EXPECT_EQ(verify_error(statement_with("subject",
                                        "[{\"digest\":{\"sha256\":\"" + k_sha256 + "\"}},{\"digest\":{\"x\":\"\"}}]")),
            "s.json@158: statement: subject[1].digest.x: not lower-case hex");
  EXPECT_EQ(verify_error(statement_with("subject", "[{\"digest\":{\"\":\"ab\"}}]")),
            "s.json@65: statement: subject[0].digest: empty algorithm name");
  EXPECT_EQ(verify_error(statement_with("predicateType", "\"\"")), "s.json@171: statement: predicateType: empty");
  EXPECT_EQ(verify_error(statement_with("predicateType", "null")),
            "s.json@171: statement: predicateType: expected a string, got null");
  EXPECT_EQ(verify_error(statement_with("predicate", "[]")),
            "s.json@211: statement: predicate: expected an object, got an array");
  EXPECT_EQ(verify_error("{\"_type\":\"https://in-toto.io/Statement/v1\",\"subject\":[{\"digest\":{\"sha1\":\"" +
                         std::string(40, 'a') + "\"}}]}"),
            "s.json@0: statement: missing predicateType");
}

TEST(Statement, SyntaxErrorsAreParseErrors) {
  EXPECT_EQ(parse_error(""), "s.json@0: invalid json: unexpected end of input, expected an object");
  EXPECT_EQ(parse_error("{\"_type\""), "s.json@8: invalid json: unexpected end of input, expected ':'");
  std::string s = statement_with("predicate", "{\"a\":[1,2}");
  EXPECT_EQ(parse_error(s), "s.json@220: invalid json: unexpected '}', expected ',' or ']'");
  EXPECT_EQ(parse_error(statement_with("predicate", "{}") + "x"),
            "s.json@214: invalid json: unexpected 'x', expected end of input");
  const std::string digest = "\"sha256\":\"" + k_sha256 + "\"";
  EXPECT_EQ(parse_error(statement_with("subject", "[{\"digest\":{" + digest + "," + digest + "}}]")),
            "s.json@141: invalid json: duplicate member \"sha256\"");
  EXPECT_EQ(
      parse_error("{\"_type\":\"https://in-toto.io/Statement/v1\",\"_type\":\"https://in-toto.io/Statement/v1\"}"),
      "s.json@43: invalid json: duplicate member \"_type\"");
  std::string deep_object =
      statement_with("predicate", "{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}");
  // Levels count from the statement object: statement, predicate and 510 arrays are the 512 allowed.
  EXPECT_EQ(parse_error(deep_object), "s.json@726: invalid json: nesting deeper than 512 levels");
}

TEST(Statement, TruncatedAtEveryByteNeverParses) {
  std::string json = *make_statement(one_subject(), "https://x.dev/p", "{\"a\":[1,\"two\",{\"b\":null}]}");
  for (std::size_t n = 0; n < json.size(); ++n) EXPECT_FALSE(parse_statement(json.substr(0, n), "s").ok()) << n;
}

// Tamper tests at the statement layer: a byte of the subject digest or predicate type changed inside a signed
// envelope breaks the signature; the same change in an unsigned statement is visible to the caller.
TEST(Statement, TamperedSubjectDigestOrPredicateTypeBreaksTheSignature) {
  std::string json = *make_statement(one_subject(), "https://cyclonedx.org/bom", "{\"bomFormat\":\"CycloneDX\"}");
  PrivateKey key = test_private_key("test-only-ed25519.key");
  PublicKey pub = test_public_key("test-only-ed25519.pub");
  for (const std::string& target : {k_sha256.substr(0, 8), std::string("cyclonedx.org")}) {
    Envelope e = *sign_envelope(std::string(k_intoto_payload_type), json, {key});
    std::size_t at = e.payload.find(target);
    ASSERT_NE(at, std::string::npos);
    e.payload[at + 1] = e.payload[at + 1] == 'c' ? 'd' : 'c';
    EXPECT_EQ(verify_envelope(e, {pub}).distinct_keys, 0u) << target;
    auto parsed = parse_statement(e.payload, "s");
    ASSERT_TRUE(parsed.ok());
    EXPECT_TRUE(parsed->subjects[0].digests[0].second != k_sha256 ||
                parsed->predicate_type != "https://cyclonedx.org/bom");
  }
}

}  // namespace
}  // namespace purser::signing
