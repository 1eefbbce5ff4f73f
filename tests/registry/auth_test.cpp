// WWW-Authenticate parsing, Docker config.json credential sources and the docker-credential-* helper protocol.

#include "lib/registry/auth.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>

#include "tests/registry/test_process.hpp"

using purser::registry::Challenge;
using purser::registry::config_host;
using purser::registry::Credentials;
using purser::registry::DockerConfig;
using purser::registry::lookup_credentials;
using purser::registry::parse_challenges;
using purser::registry::parse_docker_config;
using purser::registry::run_credential_helper;
using purser::util::ErrorCode;
namespace rt = purser::registry::testing;

namespace {

TEST(Challenges, BearerWithQuotedParameters) {
  auto got = parse_challenges(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push")");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], (Challenge{"bearer",
                                  {{"realm", "https://auth.example/token"},
                                   {"service", "registry.example"},
                                   {"scope", "repository:a/b:pull,push"}},
                                  ""}));
}

TEST(Challenges, SeveralChallengesTokensEscapesAndSpaces) {
  auto got = parse_challenges(
      R"(Newauth realm="apps", type=1,  title="Login to \"apps\"", Basic realm="simple" , Negotiate abc+/de==, )"
      R"(BEARER REALM = tok)");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 4u);
  EXPECT_EQ((*got)[0], (Challenge{"newauth", {{"realm", "apps"}, {"type", "1"}, {"title", "Login to \"apps\""}}, ""}));
  EXPECT_EQ((*got)[1], (Challenge{"basic", {{"realm", "simple"}}, ""}));
  EXPECT_EQ((*got)[2], (Challenge{"negotiate", {}, "abc+/de=="}));
  EXPECT_EQ((*got)[3], (Challenge{"bearer", {{"realm", "tok"}}, ""}));
}

TEST(Challenges, SchemeWithoutParameters) {
  auto got = parse_challenges("Basic, Bearer realm=\"r\"");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].scheme, "basic");
  EXPECT_TRUE((*got)[0].params.empty());
  EXPECT_EQ((*got)[1].params.at("realm"), "r");
}

TEST(Challenges, MalformedHeadersAreParseErrors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"(Bearer realm="unterminated)", "www-authenticate: unterminated quoted string at offset 26"},
      {"Bearer realm=\"a\", service=", "www-authenticate: expected a parameter value at offset 26"},
      {"Bearer realm=\"a\" service=\"b\"", "www-authenticate: expected ',' between parameters at offset 17"},
      {"\"quoted\"", "www-authenticate: expected an authentication scheme at offset 0"},
      {"Bearer realm=\"a\", =x", "www-authenticate: expected a parameter name at offset 18"},
      {std::string("Bearer\0realm=\"a\"", 16), "www-authenticate: expected an authentication scheme at offset 6"},
  };
  for (const auto& [header, message] : cases) {
    auto got = parse_challenges(header);
    ASSERT_FALSE(got.ok()) << header;
    EXPECT_EQ(got.error().code, ErrorCode::parse);
    EXPECT_EQ(got.error().message, message) << header;
  }
}

TEST(DockerConfigTest, ConfigHostNormalisesKeys) {
  EXPECT_EQ(config_host("https://index.docker.io/v1/"), "registry-1.docker.io");
  EXPECT_EQ(config_host("docker.io"), "registry-1.docker.io");
  EXPECT_EQ(config_host("http://LocalHost:5000/v2/"), "localhost:5000");
  EXPECT_EQ(config_host("ghcr.io"), "ghcr.io");
}

TEST(DockerConfigTest, ReadsAuthsHelpersAndStore) {
  // "dXNlcjpwYXNzOndpdGg6Y29sb25z" is base64("user:pass:with:colons").
  auto got = parse_docker_config(R"({
    "auths": {
      "https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNzOndpdGg6Y29sb25z"},
      "reg.example:5000": {"username": "u2", "password": "p2"},
      "tok.example": {"identitytoken": "refresh-me"},
      "empty.example": {}
    },
    "credsStore": "desktop",
    "credHelpers": {"gcr.io": "gcloud"}
  })",
                                 "config.json");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_EQ(got->auths.size(), 3u);
  EXPECT_EQ(got->auths.at("registry-1.docker.io").username, "user");
  EXPECT_EQ(got->auths.at("registry-1.docker.io").password, "pass:with:colons");
  EXPECT_EQ(got->auths.at("reg.example:5000").password, "p2");
  EXPECT_EQ(got->auths.at("tok.example").identity_token, "refresh-me");
  EXPECT_EQ(got->creds_store, "desktop");
  EXPECT_EQ(got->cred_helpers.at("gcr.io"), "gcloud");
}

TEST(DockerConfigTest, MalformedConfigsNeverQuoteSecrets) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "cfg.json: not valid JSON"},
      {"[]", "cfg.json: not a JSON object"},
      {R"({"auths": []})", "cfg.json: \"auths\" is not an object"},
      {R"({"auths": {"h": "x"}})", "cfg.json: auths entry \"h\" is not an object"},
      {R"({"auths": {"h": {"auth": "!!secret!!"}}})", "cfg.json: auths entry \"h\": \"auth\" is not base64"},
      // base64("nocolonsecret")
      {R"({"auths": {"h": {"auth": "bm9jb2xvbnNlY3JldA=="}}})",
       "cfg.json: auths entry \"h\": \"auth\" is not user:password"},
      {R"({"credsStore": 1})", "cfg.json: \"credsStore\" is not a string"},
      {R"({"credHelpers": {"h": 1}})", "cfg.json: credHelpers entry \"h\" is not a string"},
  };
  for (const auto& [bytes, message] : cases) {
    auto got = parse_docker_config(bytes, "cfg.json");
    ASSERT_FALSE(got.ok()) << bytes;
    EXPECT_EQ(got.error().code, ErrorCode::parse);
    EXPECT_EQ(got.error().message, message);
  }
}

// Credential helpers are found on PATH: each test puts a script directory first and restores PATH after.
class CredentialHelperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_dir = rt::make_temp_dir();
    const char* path = std::getenv("PATH");
    m_old_path = path != nullptr ? path : "";
    ::setenv("PATH", (m_dir + ":" + m_old_path).c_str(), 1);
  }
  void TearDown() override {
    ::setenv("PATH", m_old_path.c_str(), 1);
    std::filesystem::remove_all(m_dir);
  }
  // A helper that records its arguments and stdin, then runs `body`.
  void helper(const std::string& name, const std::string& body) {
    std::string path = m_dir + "/docker-credential-" + name;
    rt::write_text(path, "#!/bin/sh\necho \"$@\" > \"" + m_dir + "/" + name + ".args\"\ncat > \"" + m_dir + "/" + name +
                             ".stdin\"\n" + body + "\n");
    ::chmod(path.c_str(), 0755);
  }
  std::string m_dir;
  std::string m_old_path;
};

TEST_F(CredentialHelperTest, ReturnsUsernameAndSecret) {
  helper("good", R"(echo '{"ServerURL":"x","Username":"alice","Secret":"s3cret"}')");
  auto got = run_credential_helper("good", "reg.example:5000");
  ASSERT_TRUE(got.ok()) << got.error().message;
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->username, "alice");
  EXPECT_EQ((*got)->password, "s3cret");
  EXPECT_EQ(rt::read_text(m_dir + "/good.args"), "get\n");
  EXPECT_EQ(rt::read_text(m_dir + "/good.stdin"), "reg.example:5000\n");
}

TEST_F(CredentialHelperTest, TokenUsernameMeansIdentityToken) {
  helper("tok", R"(echo '{"Username":"<token>","Secret":"refresh"}')");
  auto got = run_credential_helper("tok", "h");
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->identity_token, "refresh");
  EXPECT_EQ((*got)->username, "");
}

TEST_F(CredentialHelperTest, NotFoundIsNoCredentials) {
  helper("miss", "echo 'credentials not found in native keychain'; exit 1");
  auto got = run_credential_helper("miss", "h");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
}

TEST_F(CredentialHelperTest, FailuresNeverQuoteOutput) {
  helper("broken", "echo 'Secret: hunter2'; exit 3");
  auto got = run_credential_helper("broken", "h");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "credential helper docker-credential-broken: exited with status 3");
  helper("garbage", "echo '{\"Secret\": hunter2'");
  got = run_credential_helper("garbage", "h");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "credential helper docker-credential-garbage: output is not a JSON object");
  got = run_credential_helper("absent-helper", "h");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message, "credential helper docker-credential-absent-helper: not found on PATH");
  got = run_credential_helper("../evil", "h");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message,
            "credential helper docker-credential-../evil: name has characters other than letters, digits, '-', '_' "
            "and '.'");
}

TEST_F(CredentialHelperTest, HelperThatIgnoresStdinDoesNotKillUs) {
  std::string path = m_dir + "/docker-credential-quick";
  rt::write_text(path, "#!/bin/sh\necho '{\"Username\":\"u\",\"Secret\":\"p\"}'\n");
  ::chmod(path.c_str(), 0755);
  auto got = run_credential_helper("quick", std::string(1 << 20, 'h'));
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ((*got)->username, "u");
}

TEST_F(CredentialHelperTest, LookupOrderHelpersThenStoreThenAuths) {
  helper("perhost", R"(echo '{"Username":"from-helper","Secret":"a"}')");
  helper("store", R"(echo '{"Username":"from-store","Secret":"b"}')");
  helper("emptystore", "echo 'credentials not found in native keychain'; exit 1");
  DockerConfig config;
  config.cred_helpers["gcr.io"] = "perhost";
  config.creds_store = "store";
  config.auths["reg.example"] = Credentials{"from-auths", "c", ""};
  auto got = lookup_credentials(config, "gcr.io");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->username, "from-helper");
  got = lookup_credentials(config, "reg.example");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->username, "from-store");
  config.creds_store = "emptystore";
  got = lookup_credentials(config, "reg.example");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->username, "from-auths");
  got = lookup_credentials(config, "other.example");
  ASSERT_TRUE(got.ok());
  EXPECT_FALSE(got->has_value());
  // Docker Hub's store key is the legacy index URL.
  got = lookup_credentials(config, "registry-1.docker.io");
  EXPECT_EQ(rt::read_text(m_dir + "/emptystore.stdin"), "https://index.docker.io/v1/\n");
}

}  // namespace
