// Client against a real registry: Debian's docker-registry (distribution 2.8) on 127.0.0.1, started per suite with
// a generated config and filesystem storage in a temp dir, once anonymous and once behind htpasswd basic auth.

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "lib/registry/client.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"
#include "tests/registry/registry_server.hpp"

using purser::registry::Client;
using purser::registry::ClientOptions;
using purser::registry::Credentials;
using purser::registry::parse_reference;
using purser::registry::Reference;
using purser::util::ErrorCode;
using purser::util::sha256_hex;
namespace rt = purser::registry::testing;

namespace {

constexpr const char* kUser = rt::kRegistryUser;
constexpr const char* kPassword = rt::kRegistryPassword;
using rt::digest_of;
using rt::reader;
using RegistryServer = rt::RegistryServer;

std::unique_ptr<Client> make_client(const std::string& host, std::optional<Credentials> credentials = {},
                                    const std::string& docker_config = "") {
  ClientOptions options;
  options.insecure_hosts = {host};
  options.credentials = std::move(credentials);
  options.docker_config = docker_config;
  options.initial_backoff = std::chrono::milliseconds(5);
  auto client = Client::create(std::move(options));
  EXPECT_TRUE(client.ok()) << client.error().message;
  return std::move(client).value();
}

// Pushes a config and one layer and a manifest naming them; returns the manifest bytes.
struct PushedImage {
  std::string config, layer, manifest, manifest_digest;
};

PushedImage push_image(Client& client, const Reference& ref, const std::string& salt) {
  PushedImage image;
  image.config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"salt":")" + salt + "\"}";
  image.layer.reserve(3u << 20);
  for (int i = 0; image.layer.size() < (3u << 20); ++i) image.layer += salt + std::to_string(i) + "\n";
  for (const std::string* blob : {&image.config, &image.layer}) {
    auto pushed = client.push_blob(ref, digest_of(*blob), blob->size(), reader(*blob));
    EXPECT_TRUE(pushed.ok()) << pushed.error().message;
  }
  image.manifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                   R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                   digest_of(image.config) + R"(","size":)" + std::to_string(image.config.size()) +
                   R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
                   digest_of(image.layer) + R"(","size":)" + std::to_string(image.layer.size()) + "}]}";
  auto put = client.put_manifest(ref, "application/vnd.oci.image.manifest.v1+json", image.manifest);
  EXPECT_TRUE(put.ok()) << put.error().message;
  image.manifest_digest = put.ok() ? *put : "";
  return image;
}

std::string read_all(purser::registry::BlobStream& stream, std::size_t chunk, purser::util::Error* error = nullptr) {
  std::string out;
  std::vector<char> buffer(chunk);
  for (;;) {
    auto n = stream.read(buffer.data(), buffer.size());
    if (!n.ok()) {
      if (error != nullptr) *error = n.error();
      return out;
    }
    if (*n == 0) return out;
    out.append(buffer.data(), *n);
  }
}

class AnonymousRegistry : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server().start(false); }
  static void TearDownTestSuite() { server().stop(); }
  static RegistryServer& server() {
    static RegistryServer s;
    return s;
  }
  void SetUp() override {
    if (!server().skip_reason.empty()) GTEST_SKIP() << server().skip_reason;
    ASSERT_TRUE(server().process && server().process->running()) << "registry did not start; see its log";
  }
};

TEST_F(AnonymousRegistry, PushThenPullManifestAndBlobs) {
  auto client = make_client(server().host);
  Reference ref = server().repo("purser/app", "v1");
  PushedImage image = push_image(*client, ref, "anon");
  EXPECT_EQ(image.manifest_digest, digest_of(image.manifest));

  auto manifest = client->get_manifest(ref);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  EXPECT_EQ(manifest->bytes, image.manifest);
  EXPECT_EQ(manifest->digest, image.manifest_digest);
  EXPECT_EQ(manifest->media_type, "application/vnd.oci.image.manifest.v1+json");

  Reference by_digest = ref;
  by_digest.tag.clear();
  by_digest.digest = image.manifest_digest;
  auto again = client->get_manifest(by_digest);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->bytes, image.manifest);

  auto config = client->get_blob(ref, digest_of(image.config), 1 << 20);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(*config, image.config);

  auto too_big = client->get_blob(ref, digest_of(image.layer), 1000);
  ASSERT_FALSE(too_big.ok());
  EXPECT_EQ(too_big.error().message, "blob " + digest_of(image.layer) + ": larger than 1000 bytes");

  auto stream = client->open_blob(ref, digest_of(image.layer), image.layer.size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  purser::util::Error error;
  EXPECT_EQ(read_all(**stream, 777, &error), image.layer);
  EXPECT_EQ(error.message, "");

  auto present = client->has_blob(ref, digest_of(image.layer));
  ASSERT_TRUE(present.ok());
  EXPECT_TRUE(*present);
  auto absent = client->has_blob(ref, digest_of("never pushed"));
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(*absent);
  // Pushing what is there already is a no-op that never calls the reader.
  auto skipped = client->push_blob(ref, digest_of(image.layer), image.layer.size(),
                                   [](char*, std::size_t) -> purser::util::Result<std::size_t> {
                                     return purser::util::make_error(ErrorCode::internal, "reader called");
                                   });
  EXPECT_TRUE(skipped.ok()) << skipped.error().message;
}

TEST_F(AnonymousRegistry, DeclaredSizeIsEnforced) {
  auto client = make_client(server().host);
  Reference ref = server().repo("purser/sizes", "v1");
  PushedImage image = push_image(*client, ref, "sizes");
  auto smaller = client->open_blob(ref, digest_of(image.layer), image.layer.size() - 1);
  ASSERT_TRUE(smaller.ok());
  purser::util::Error error;
  read_all(**smaller, 65536, &error);
  EXPECT_EQ(error.code, ErrorCode::verify);
  EXPECT_EQ(error.message, "blob " + digest_of(image.layer) + ": the registry sent more than the declared " +
                               std::to_string(image.layer.size() - 1) + " bytes");
}

TEST_F(AnonymousRegistry, ParallelStreamsShareOneClient) {
  auto client = make_client(server().host);
  Reference ref = server().repo("purser/parallel", "v1");
  PushedImage image = push_image(*client, ref, "parallel");
  std::vector<std::thread> threads;
  std::vector<std::string> got(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto stream = client->open_blob(ref, digest_of(image.layer), image.layer.size());
      if (stream.ok()) got[i] = read_all(**stream, 4096 + i);
    });
  }
  for (auto& t : threads) t.join();
  for (const std::string& g : got) EXPECT_TRUE(g == image.layer);
}

TEST_F(AnonymousRegistry, TagsHeadAndReferrers) {
  auto client = make_client(server().host);
  Reference v1 = server().repo("purser/tags", "v1");
  Reference v2 = server().repo("purser/tags", "v2");
  PushedImage image = push_image(*client, v1, "tags");
  auto put = client->put_manifest(v2, "application/vnd.oci.image.manifest.v1+json", image.manifest);
  ASSERT_TRUE(put.ok()) << put.error().message;

  auto tags = client->list_tags(v1);
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  EXPECT_EQ(*tags, (std::vector<std::string>{"v1", "v2"}));

  auto head = client->head_manifest(v2);
  ASSERT_TRUE(head.ok()) << head.error().message;
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->digest, image.manifest_digest);
  EXPECT_EQ((*head)->size, image.manifest.size());
  EXPECT_EQ((*head)->media_type, "application/vnd.oci.image.manifest.v1+json");

  auto missing = client->head_manifest(server().repo("purser/tags", "nope"));
  ASSERT_TRUE(missing.ok()) << missing.error().message;
  EXPECT_FALSE(missing->has_value());

  // distribution 2.8 predates the OCI 1.1 referrers API.
  auto referrers = client->referrers(v1, image.manifest_digest);
  ASSERT_TRUE(referrers.ok()) << referrers.error().message;
  EXPECT_FALSE(referrers->has_value());

  auto absent = client->get_manifest(server().repo("purser/tags", "nope"));
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().message, "manifest " + server().host + "/purser/tags:nope: GET http://" + server().host +
                                        "/v2/purser/tags/manifests/nope: http status 404 (MANIFEST_UNKNOWN: "
                                        "manifest unknown)");
}

TEST_F(AnonymousRegistry, ManifestDigestMismatchIsRefusedBeforeUpload) {
  auto client = make_client(server().host);
  Reference ref = server().repo("purser/mismatch");
  ref.tag.clear();
  ref.digest = digest_of("other bytes");
  auto put = client->put_manifest(ref, "application/vnd.oci.image.manifest.v1+json", "{}");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.error().code, ErrorCode::verify);
  EXPECT_EQ(put.error().message,
            "manifest " + ref.to_string() + ": content digest " + digest_of("{}") + " does not match");
}

class BasicAuthRegistry : public AnonymousRegistry {
 protected:
  static void SetUpTestSuite() { server().start(true); }
  static void TearDownTestSuite() { server().stop(); }
  static RegistryServer& server() {
    static RegistryServer s;
    return s;
  }
  void SetUp() override {
    if (!server().skip_reason.empty()) GTEST_SKIP() << server().skip_reason;
    ASSERT_TRUE(server().process && server().process->running()) << "registry did not start; see its log";
  }
};

TEST_F(BasicAuthRegistry, ExplicitCredentialsPushAndPull) {
  auto client = make_client(server().host, Credentials{kUser, kPassword, ""});
  Reference ref = server().repo("purser/private", "v1");
  PushedImage image = push_image(*client, ref, "basic");
  auto manifest = client->get_manifest(ref);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  EXPECT_EQ(manifest->bytes, image.manifest);
  auto tags = client->list_tags(ref);
  ASSERT_TRUE(tags.ok()) << tags.error().message;
  EXPECT_EQ(*tags, std::vector<std::string>{"v1"});
}

TEST_F(BasicAuthRegistry, DockerConfigAuths) {
  auto writer = make_client(server().host, Credentials{kUser, kPassword, ""});
  Reference ref = server().repo("purser/config", "v1");
  push_image(*writer, ref, "config");
  std::string dir = rt::make_temp_dir();
  std::string auth = purser::util::base64_encode(std::string(kUser) + ":" + kPassword);
  rt::write_text(dir + "/config.json", R"({"auths":{"http://)" + server().host + R"(":{"auth":")" + auth + "\"}}}");
  auto client = make_client(server().host, std::nullopt, dir + "/config.json");
  auto manifest = client->get_manifest(ref);
  EXPECT_TRUE(manifest.ok()) << manifest.error().message;
  std::filesystem::remove_all(dir);
}

TEST_F(BasicAuthRegistry, MissingCredentials) {
  auto client = make_client(server().host);
  auto manifest = client->get_manifest(server().repo("purser/private", "v1"));
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.error().message, "authentication failed for " + server().host +
                                          ": the registry asks for credentials (basic) and none are configured");
}

TEST_F(BasicAuthRegistry, WrongPasswordIsAClearErrorWithoutThePassword) {
  const std::string wrong = "wrong-password-value";
  auto client = make_client(server().host, Credentials{kUser, wrong, ""});
  auto manifest = client->get_manifest(server().repo("purser/private", "v1"));
  ASSERT_FALSE(manifest.ok());
  EXPECT_EQ(manifest.error().code, ErrorCode::io);
  EXPECT_EQ(manifest.error().message,
            "authentication failed for " + server().host + ": the registry refused the credentials (http status 401)");
  EXPECT_EQ(manifest.error().message.find(wrong), std::string::npos);
  EXPECT_EQ(manifest.error().message.find(purser::util::base64_encode(std::string(kUser) + ":" + wrong)),
            std::string::npos);
}

TEST_F(AnonymousRegistry, UploadSourceFailuresAbortThePush) {
  auto client = make_client(server().host);
  Reference ref = server().repo("purser/upload");
  std::string bytes(100000, 'u');
  auto failing = client->push_blob(ref, digest_of(bytes), bytes.size(),
                                   [](char*, std::size_t) -> purser::util::Result<std::size_t> {
                                     return purser::util::make_error(ErrorCode::io, "layer.tar: read failed");
                                   });
  ASSERT_FALSE(failing.ok());
  EXPECT_EQ(failing.error().message, "layer.tar: read failed");
  std::string half = bytes.substr(0, 50000);
  auto short_source = client->push_blob(ref, digest_of(bytes), bytes.size(), reader(half));
  ASSERT_FALSE(short_source.ok());
  EXPECT_EQ(short_source.error().message, "upload source ended after 50000 of 100000 bytes");
  // The registry refuses bytes that do not hold the digest they are pushed under.
  std::string other(100000, 'v');
  auto wrong = client->push_blob(ref, digest_of(bytes), other.size(), reader(other));
  ASSERT_FALSE(wrong.ok());
  EXPECT_TRUE(wrong.error().message.starts_with("upload of blob " + digest_of(bytes) + ": PUT http://" + server().host +
                                                "/v2/purser/upload/blobs/uploads/"))
      << wrong.error().message;
  EXPECT_TRUE(
      wrong.error().message.ends_with(": http status 400 (DIGEST_INVALID: provided digest did not match "
                                      "uploaded content)"))
      << wrong.error().message;
  auto present = client->has_blob(ref, digest_of(bytes));
  ASSERT_TRUE(present.ok());
  EXPECT_FALSE(*present);
}

// Credential helpers named by credHelpers in the Docker config, found on PATH.
TEST_F(BasicAuthRegistry, DockerConfigCredentialHelper) {
  std::string dir = rt::make_temp_dir();
  std::string helper = dir + "/docker-credential-purser-test";
  rt::write_text(helper, std::string("#!/bin/sh\nread server\necho \"$server\" > ") + dir +
                             "/asked\necho '{\"Username\":\"" + kUser + "\",\"Secret\":\"" + kPassword + "\"}'\n");
  ::chmod(helper.c_str(), 0755);
  rt::write_text(dir + "/config.json", R"({"credHelpers":{")" + server().host + R"(":"purser-test"}})");
  std::string old_path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "";
  ::setenv("PATH", (dir + ":" + old_path).c_str(), 1);
  auto client = make_client(server().host, std::nullopt, dir + "/config.json");
  auto tags = client->list_tags(server().repo("purser/none"));
  ::setenv("PATH", old_path.c_str(), 1);
  ASSERT_FALSE(tags.ok());  // authenticated, but the repository does not exist
  EXPECT_EQ(tags.error().message, "tags of " + server().host + "/purser/none: GET http://" + server().host +
                                      "/v2/purser/none/tags/list: http status 404 (NAME_UNKNOWN: repository name not "
                                      "known to registry)");
  EXPECT_EQ(rt::read_text(dir + "/asked"), server().host + "\n");
  std::filesystem::remove_all(dir);
}

class TlsRegistry : public AnonymousRegistry {
 protected:
  static void SetUpTestSuite() { server().start(false, true); }
  static void TearDownTestSuite() { server().stop(); }
  static RegistryServer& server() {
    static RegistryServer s;
    return s;
  }
  void SetUp() override {
    if (!server().skip_reason.empty()) GTEST_SKIP() << server().skip_reason;
    ASSERT_TRUE(server().process && server().process->running()) << "registry did not start; see its log";
  }
};

TEST_F(TlsRegistry, HttpsVerifiesAgainstTheGivenCa) {
  ClientOptions options;
  options.ca_file = server().dir + "/cert.pem";
  auto client = Client::create(options);
  ASSERT_TRUE(client.ok());
  Reference ref = server().repo("purser/tls", "v1");
  PushedImage image = push_image(**client, ref, "tls");
  auto manifest = (*client)->get_manifest(ref);
  ASSERT_TRUE(manifest.ok()) << manifest.error().message;
  EXPECT_EQ(manifest->bytes, image.manifest);
}

TEST_F(TlsRegistry, UntrustedCertificateIsRefused) {
  auto client = Client::create(ClientOptions{});
  ASSERT_TRUE(client.ok());
  auto tags = (*client)->list_tags(server().repo("purser/tls"));
  ASSERT_FALSE(tags.ok());
  EXPECT_EQ(tags.error().code, ErrorCode::io);
  // After the URL comes libcurl's wording of the certificate failure.
  std::string prefix = "tags of " + server().host + "/purser/tls: GET https://" + server().host +
                       "/v2/purser/tls/tags/list: SSL certificate problem: ";
  EXPECT_TRUE(tags.error().message.starts_with(prefix)) << tags.error().message;
}

// The registry killed while a blob streams: restarted on the same port and storage the stream resumes; left dead
// the stream fails with a clear error.
class KilledRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    m_server.start(false);
    if (!m_server.skip_reason.empty()) GTEST_SKIP() << m_server.skip_reason;
    ASSERT_TRUE(m_server.process && m_server.process->running()) << "registry did not start";
    ClientOptions options;
    options.insecure_hosts = {m_server.host};
    options.initial_backoff = std::chrono::milliseconds(100);
    auto client = Client::create(options);
    ASSERT_TRUE(client.ok());
    m_client = std::move(client).value();
    m_ref = m_server.repo("purser/killed");
    // Larger than what the transfer buffer (1 MiB) and the loopback socket buffers can hold at once.
    m_blob.reserve(48u << 20);
    for (int i = 0; m_blob.size() < (48u << 20); ++i) m_blob += "killed registry blob line " + std::to_string(i) + "\n";
    auto pushed = m_client->push_blob(m_ref, digest_of(m_blob), m_blob.size(), reader(m_blob));
    ASSERT_TRUE(pushed.ok()) << pushed.error().message;
  }
  void TearDown() override { m_server.stop(); }

  RegistryServer m_server;
  std::unique_ptr<Client> m_client;
  Reference m_ref;
  std::string m_blob;
};

TEST_F(KilledRegistry, StreamResumesAfterRestart) {
  auto stream = m_client->open_blob(m_ref, digest_of(m_blob), m_blob.size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  std::string got(4096, '\0');
  auto first = (*stream)->read(got.data(), got.size());
  ASSERT_TRUE(first.ok());
  got.resize(*first);
  m_server.process->stop();
  m_server.process =
      std::make_unique<rt::Process>(std::vector<std::string>{"docker-registry", "serve", m_server.dir + "/config.yml"},
                                    m_server.dir + "/registry.log");
  purser::util::Error error;
  got += read_all(**stream, 65536, &error);
  EXPECT_EQ(error.message, "");
  EXPECT_TRUE(got == m_blob) << got.size() << " of " << m_blob.size() << " bytes";
}

TEST_F(KilledRegistry, StreamFailsClearlyWhenTheRegistryStaysDown) {
  auto stream = m_client->open_blob(m_ref, digest_of(m_blob), m_blob.size());
  ASSERT_TRUE(stream.ok()) << stream.error().message;
  char first[4096];
  ASSERT_TRUE((*stream)->read(first, sizeof first).ok());
  m_server.process->stop();
  purser::util::Error error;
  std::string rest = read_all(**stream, 65536, &error);
  EXPECT_EQ(error.code, ErrorCode::io);
  std::string prefix = "blob " + digest_of(m_blob) + ": GET http://" + m_server.host + "/v2/purser/killed/blobs/" +
                       digest_of(m_blob) + ": failed to connect to 127.0.0.1 port ";
  EXPECT_TRUE(error.message.starts_with(prefix)) << error.message;
  EXPECT_TRUE(error.message.ends_with(", gave up after 5 attempts")) << error.message;
  EXPECT_LT(rest.size() + sizeof first, m_blob.size());
}

}  // namespace
