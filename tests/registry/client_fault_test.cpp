// Client against a fault-injecting server (tests/registry/fault_server.py, run with python3 from a temp dir):
// 429 with Retry-After, 500s, a truncated blob, a wrong digest, too many bytes, bearer tokens, a challenge loop,
// a cross-host redirect, and a server echoing credentials.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <thread>

#include "lib/registry/client.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"
#include "tests/registry/registry_server.hpp"

using purser::registry::BlobStream;
using purser::registry::Client;
using purser::registry::ClientOptions;
using purser::registry::Credentials;
using purser::registry::parse_reference;
using purser::registry::Reference;
using purser::util::ErrorCode;
using purser::util::sha256_hex;
namespace rt = purser::registry::testing;

namespace {

std::string fault_blob() {
  std::string blob;
  for (int i = 0; i < 100; ++i) blob += "purser fault blob ";
  return blob;
}

struct FaultServer : rt::PythonServer {
  void start() { PythonServer::start("fault_server.py"); }
  // Request log lines "METHOD PATH AUTH" whose path contains `needle`.
  std::vector<std::string> requests(const std::string& needle) const {
    std::vector<std::string> out;
    std::string log = rt::read_text(dir + "/requests.log");
    for (std::string_view line : purser::util::split(log, '\n'))
      if (line.find(needle) != std::string_view::npos) out.emplace_back(line);
    return out;
  }
};

class Faults : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server().start(); }
  static void TearDownTestSuite() { server().stop(); }
  static FaultServer& server() {
    static FaultServer s;
    return s;
  }
  void SetUp() override {
    if (!server().skip_reason.empty()) GTEST_SKIP() << server().skip_reason;
    ASSERT_TRUE(std::filesystem::exists(server().dir + "/port")) << "fault server did not start";
  }
  std::unique_ptr<Client> client(unsigned attempts = 5, std::optional<Credentials> credentials = {}) {
    ClientOptions options;
    options.insecure_hosts = {server().host, "localhost:" + server().host.substr(server().host.find(':') + 1)};
    options.max_attempts = attempts;
    options.initial_backoff = std::chrono::milliseconds(1);
    options.credentials = std::move(credentials);
    auto made = Client::create(std::move(options));
    EXPECT_TRUE(made.ok());
    return std::move(made).value();
  }
  Reference ref(const std::string& repository) {
    auto parsed = parse_reference(server().host + "/" + repository + ":latest");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    return *parsed;
  }
  static std::string blob_digest() { return "sha256:" + sha256_hex(fault_blob()); }
  static purser::util::Result<std::string> drain(BlobStream& stream) {
    std::string out;
    char buffer[100];
    for (;;) {
      auto n = stream.read(buffer, sizeof buffer);
      if (!n.ok()) return n.error();
      if (*n == 0) return out;
      out.append(buffer, *n);
    }
  }
};

TEST_F(Faults, TooManyRequestsHonoursRetryAfter) {
  auto start = std::chrono::steady_clock::now();
  auto manifest = client()->get_manifest(ref("retry429/a"));
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  EXPECT_GE(elapsed, std::chrono::milliseconds(950));
  EXPECT_EQ(server().requests("/v2/retry429/a/").size(), 2u);
}

TEST_F(Faults, ServerErrorsAreRetried) {
  auto stream = client()->open_blob(ref("flaky500/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(*bytes, fault_blob());
  EXPECT_EQ(server().requests("/v2/flaky500/a/").size(), 3u);
}

TEST_F(Faults, PersistentServerErrorsGiveUpAfterMaxAttempts) {
  auto manifest = client(3)->get_manifest(ref("down500/a"));
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.error().code, ErrorCode::io);
  EXPECT_EQ(manifest.error().message, "manifest " + server().host + "/down500/a:latest: GET http://" + server().host +
                                          "/v2/down500/a/manifests/latest: http status 500 (UNKNOWN: injected "
                                          "failure), gave up after 3 attempts");
  EXPECT_EQ(server().requests("/v2/down500/a/").size(), 3u);
}

TEST_F(Faults, RefusedConnectionGivesUpAfterMaxAttempts) {
  int port = rt::free_port();
  ClientOptions options;
  options.insecure_hosts = {"127.0.0.1:" + std::to_string(port)};
  options.max_attempts = 2;
  options.initial_backoff = std::chrono::milliseconds(1);
  auto made = Client::create(options);
  ASSERT_TRUE(made.ok());
  auto tags = (*made)->list_tags(*parse_reference("127.0.0.1:" + std::to_string(port) + "/a"));
  ASSERT_FALSE(tags.ok());
  // The reason after "failed to connect" is libcurl's own wording.
  std::string prefix = "tags of 127.0.0.1:" + std::to_string(port) +
                       "/a: GET http://127.0.0.1:" + std::to_string(port) +
                       "/v2/a/tags/list: failed to connect to 127.0.0.1 port ";
  EXPECT_TRUE(tags.error().message.starts_with(prefix)) << tags.error().message;
  EXPECT_TRUE(tags.error().message.ends_with(", gave up after 2 attempts")) << tags.error().message;
}

TEST_F(Faults, TruncatedBlobIsAnIoErrorAfterResumesFail) {
  auto stream = client(3)->open_blob(ref("truncated/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, ErrorCode::io);
  EXPECT_EQ(bytes.error().message, "blob " + blob_digest() + ": transfer from " + server().host +
                                       " failed after 900 bytes: transfer closed with 900 bytes remaining to read, "
                                       "gave up after 3 attempts");
  EXPECT_EQ(server().requests("/v2/truncated/a/").size(), 3u);
}

TEST_F(Faults, BrokenBlobTransferResumesWithRange) {
  auto stream = client()->open_blob(ref("resume/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(*bytes, fault_blob());
  EXPECT_EQ(server().requests("/v2/resume/a/").size(), 2u);
}

TEST_F(Faults, BrokenBlobTransferResumesFromAServerIgnoringRange) {
  auto stream = client()->open_blob(ref("resume200/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(*bytes, fault_blob());
}

TEST_F(Faults, WrongDigestIsAVerifyError) {
  auto stream = client()->open_blob(ref("baddigest/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, ErrorCode::verify);
  std::string served = fault_blob();
  for (std::size_t at = served.find("fault"); at != std::string::npos; at = served.find("fault", at))
    served.replace(at, 5, "FAULT");
  EXPECT_EQ(bytes.error().message,
            "blob " + blob_digest() + ": content digest sha256:" + sha256_hex(served) + " does not match");
  // get_blob verifies too; a size of 0 (unknown) still checks the digest.
  auto whole = client()->get_blob(ref("baddigest/b"), blob_digest(), 1 << 20);
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.error().code, ErrorCode::verify);
}

TEST_F(Faults, MoreBytesThanDeclaredIsAVerifyError) {
  auto stream = client()->open_blob(ref("oversize/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_FALSE(bytes.ok());
  EXPECT_EQ(bytes.error().code, ErrorCode::verify);
  EXPECT_EQ(bytes.error().message, "blob " + blob_digest() + ": the registry sent more than the declared 1800 bytes");
}

TEST_F(Faults, ManifestByWrongDigestIsAVerifyError) {
  Reference r = ref("ok/a");
  r.digest = "sha256:" + std::string(64, '0');
  auto manifest = client()->get_manifest(r);
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.error().code, ErrorCode::verify);
  EXPECT_TRUE(manifest.error().message.starts_with("manifest " + r.to_string() + ": content digest sha256:"))
      << manifest.error().message;
}

TEST_F(Faults, BearerChallengeFetchesATokenOncePerScope) {
  auto c = client(5, Credentials{"tok-user", "tok-password", ""});
  for (int i = 0; i < 2; ++i) {
    auto manifest = c->get_manifest(ref("bearer/a"));
    ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  }
  auto token_requests = server().requests("/token?");
  ASSERT_EQ(token_requests.size(), 1u);
  EXPECT_EQ(token_requests[0], "GET /token?service=fault&scope=repository%3Abearer%2Fa%3Apull Basic " +
                                   purser::util::base64_encode("tok-user:tok-password"));
  auto registry_requests = server().requests("/v2/bearer/a/");
  ASSERT_EQ(registry_requests.size(), 3u);  // anonymous 401, then twice with the token
  EXPECT_TRUE(registry_requests[0].ends_with(" -"));
  EXPECT_TRUE(registry_requests[1].ends_with(" Bearer fault-token-0123456789"));
}

TEST_F(Faults, ChallengeLoopIsAnAuthenticationFailure) {
  auto manifest = client()->get_manifest(ref("loop/a"));
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.error().message,
            "authentication failed for " + server().host + ": the registry refused the token (http status 401)");
  EXPECT_EQ(server().requests("/v2/loop/a/").size(), 2u);
}

TEST_F(Faults, CrossHostRedirectDropsAuthorization) {
  auto stream = client(5, Credentials{"redirect-user", "redirect-password", ""})
                    ->open_blob(ref("redirect/a"), blob_digest(), fault_blob().size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  auto bytes = drain(**stream);
  ASSERT_TRUE(bytes.ok()) << bytes.error().message;
  EXPECT_EQ(*bytes, fault_blob());
  auto storage = server().requests("/storage/");
  ASSERT_EQ(storage.size(), 1u);
  EXPECT_EQ(storage[0], "GET /storage/" + blob_digest() + " -");
  auto registry = server().requests("/v2/redirect/a/");
  ASSERT_EQ(registry.size(), 2u);
  EXPECT_TRUE(registry[1].ends_with(" Basic " + purser::util::base64_encode("redirect-user:redirect-password")));
}

TEST_F(Faults, CredentialsEchoedByTheServerAreScrubbed) {
  auto tags = client(5, Credentials{"echo-user", "echo-password", ""})->list_tags(ref("echo/a"));
  ASSERT_FALSE(tags.ok());
  EXPECT_EQ(tags.error().message, "tags of " + server().host + "/echo/a: GET http://" + server().host +
                                      "/v2/echo/a/tags/list: http status 403 (UNKNOWN: denied for Basic ***)");
}

TEST_F(Faults, IdentityTokenIsExchangedWithTheRefreshGrant) {
  auto manifest = client(5, Credentials{"", "", "refresh-me"})->get_manifest(ref("bearer/identity"));
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  std::string posts = rt::read_text(server().dir + "/posts.log");
  EXPECT_NE(posts.find("/token grant_type=refresh_token&client_id=purser&service=fault&scope=repository%3Abearer%2F"
                       "identity%3Apull&refresh_token=refresh-me\n"),
            std::string::npos)
      << posts;
  auto refused = client(5, Credentials{"", "", "stale-token"})->get_manifest(ref("bearer/identity2"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().message, "authentication failed for " + server().host + ": token server http://" +
                                         server().host + " answered http status 401");
}

TEST_F(Faults, ReferrersPagesAreMergedAndFilteredClientSide) {
  std::string subject = "sha256:" + std::string(64, '1');
  auto all = client()->referrers(ref("pages/r"), subject);
  ASSERT_TRUE(all.ok()) << all.error().message;
  ASSERT_TRUE(all->has_value());
  auto doc = nlohmann::json::parse(**all);
  ASSERT_EQ(doc["manifests"].size(), 3u);
  EXPECT_EQ(doc["mediaType"], "application/vnd.oci.image.index.v1+json");
  auto sboms = client()->referrers(ref("pages/r"), subject, "application/spdx+json");
  ASSERT_TRUE(sboms.ok()) << sboms.error().message;
  doc = nlohmann::json::parse(**sboms);
  ASSERT_EQ(doc["manifests"].size(), 2u);
  for (const auto& m : doc["manifests"]) EXPECT_EQ(m["artifactType"], "application/spdx+json");
  auto requests = server().requests("/v2/pages/r/referrers/");
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_EQ(requests[2], "GET /v2/pages/r/referrers/" + subject + "?artifactType=application%2Fspdx%2Bjson -");
}

TEST_F(Faults, TagPagesFollowTheLinkHeader) {
  auto tags = client()->list_tags(ref("pages/t"));
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(Faults, RedirectLoopStopsAfterTenHops) {
  auto manifest = client()->get_manifest(ref("redirectloop/a"));
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.error().message, "manifest " + server().host + "/redirectloop/a:latest: http://" + server().host +
                                          "/v2/redirectloop/a/manifests/latest?n=10: more than 10 "
                                          "redirects");
  EXPECT_EQ(server().requests("/v2/redirectloop/a/").size(), 11u);
}

TEST_F(Faults, RetryAfterAsAnHttpDate) {
  auto start = std::chrono::steady_clock::now();
  auto manifest = client()->get_manifest(ref("retrydate/a"));
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  // The date has one-second resolution and names now + 2 s: the wait is over one second.
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(1000));
  EXPECT_EQ(server().requests("/v2/retrydate/a/").size(), 2u);
}

TEST_F(Faults, HeadWithoutDigestHeaderFallsBackToGet) {
  auto head = client()->head_manifest(ref("nodigest/a"));
  ASSERT_TRUE(head.ok()) << head.error().message;
  ASSERT_TRUE(head->has_value());
  auto manifest = client()->get_manifest(ref("nodigest/b"));
  ASSERT_TRUE(manifest.ok());
  EXPECT_EQ((*head)->digest, manifest->digest);
  EXPECT_EQ((*head)->size, manifest->bytes.size());
  EXPECT_EQ((*head)->media_type, "application/vnd.oci.image.manifest.v1+json");
  auto requests = server().requests("/v2/nodigest/a/");
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_TRUE(requests[0].starts_with("HEAD "));
  EXPECT_TRUE(requests[1].starts_with("GET "));
}

TEST_F(Faults, RegistryReportingAnotherManifestDigestIsAVerifyError) {
  std::string bytes = R"({"schemaVersion":2})";
  auto put = client()->put_manifest(ref("wrongput/a"), "application/vnd.oci.image.manifest.v1+json", bytes);
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::verify);
  EXPECT_EQ(put.error().message, "manifest " + server().host +
                                     "/wrongput/a:latest: the registry stored digest sha256:" + std::string(64, '0') +
                                     ", not sha256:" + sha256_hex(bytes));
}

TEST_F(Faults, KnownBearerRealmFetchesTokensForNewScopesUpFront) {
  auto c = client();
  ASSERT_TRUE(c->get_manifest(ref("bearer/first")).ok());
  ASSERT_TRUE(c->get_manifest(ref("bearer/second")).ok());
  auto second = server().requests("/v2/bearer/second/");
  ASSERT_EQ(second.size(), 1u);  // no anonymous round trip: the token came first
  EXPECT_TRUE(second[0].ends_with(" Bearer fault-token-0123456789"));
  EXPECT_EQ(server().requests("/token?service=fault&scope=repository%3Abearer%2Fsecond%3Apull").size(), 1u);
}

}  // namespace
