// Attestation storage (docs/specs/attestation-storage.md): the cosign tag path against a real registry (Debian's
// docker-registry, distribution 2.8, which has no referrers API), checked independently with skopeo; the referrer
// path, BuildKit attestation manifests and hostile manifests against tests/registry/mini_registry.py, an in-memory
// registry with the OCI 1.1 referrers API.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <thread>

#include "lib/registry/attachments.hpp"
#include "lib/registry/client.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"
#include "tests/registry/registry_server.hpp"

using nlohmann::json;
using purser::registry::attach_envelope;
using purser::registry::AttachmentKind;
using purser::registry::Client;
using purser::registry::ClientOptions;
using purser::registry::cosign_attestation_tag;
using purser::registry::find_attachments;
using purser::registry::parse_reference;
using purser::registry::Reference;
using purser::util::ErrorCode;
namespace rt = purser::registry::testing;

namespace {

constexpr const char* kSpdx = "https://spdx.dev/Document";
constexpr const char* kSlsa = "https://slsa.dev/provenance/v1";
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";

using rt::digest_of;
using rt::reader;

// A DSSE-shaped envelope; these tests never verify signatures, only storage.
std::string envelope(const std::string& note) {
  return R"({"payloadType":"application/vnd.in-toto+json","payload":")" + purser::util::base64_encode(note) +
         R"(","signatures":[{"keyid":"k","sig":"c2ln"}]})";
}

void push(Client& client, const Reference& repo, const std::string& bytes) {
  auto pushed = client.push_blob(repo, digest_of(bytes), bytes.size(), reader(bytes));
  ASSERT_TRUE(pushed.ok()) << pushed.error().message;
}

std::string descriptor(const char* media_type, const std::string& bytes) {
  return std::string(R"({"mediaType":")") + media_type + R"(","digest":")" + digest_of(bytes) + R"(","size":)" +
         std::to_string(bytes.size()) + "}";
}

// Pushes a one-layer image under `ref`'s tag; returns `ref` with the manifest digest set and the tag cleared.
Reference push_image(Client& client, const Reference& ref, const std::string& salt) {
  std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]},"salt":")" + salt + "\"}";
  std::string layer = "layer of " + salt;
  push(client, ref, config);
  push(client, ref, layer);
  std::string manifest = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciManifest + R"(","config":)" +
                         descriptor("application/vnd.oci.image.config.v1+json", config) + R"(,"layers":[)" +
                         descriptor("application/vnd.oci.image.layer.v1.tar", layer) + "]}";
  auto put = client.put_manifest(ref, kOciManifest, manifest);
  EXPECT_TRUE(put.ok()) << put.error().message;
  Reference subject = ref;
  subject.tag.clear();
  subject.digest = put.ok() ? *put : "";
  return subject;
}

std::unique_ptr<Client> make_client(const std::string& host) {
  ClientOptions options;
  options.insecure_hosts = {host};
  options.initial_backoff = std::chrono::milliseconds(5);
  options.max_attempts = 2;
  auto client = Client::create(std::move(options));
  EXPECT_TRUE(client.ok()) << client.error().message;
  return std::move(client).value();
}

json manifest_json(Client& client, const Reference& ref) {
  auto manifest = client.get_manifest(ref);
  EXPECT_TRUE(manifest.ok()) << manifest.error().message;
  return manifest.ok() ? json::parse(manifest->bytes) : json();
}

using RealRegistry = rt::RegistryServer;

// tests/registry/mini_registry.py: in memory, with the referrers API.
struct MiniRegistry : rt::PythonServer {
  void start() { PythonServer::start("mini_registry.py"); }
};

class CosignTagStorage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server().start(false); }
  static void TearDownTestSuite() { server().stop(); }
  static RealRegistry& server() {
    static RealRegistry s;
    return s;
  }
  void SetUp() override {
    if (!server().skip_reason.empty()) GTEST_SKIP() << server().skip_reason;
    ASSERT_TRUE(server().process && server().process->running()) << "registry did not start";
    client = make_client(server().host);
  }
  Reference repo(const std::string& name) {
    auto ref = parse_reference(server().host + "/" + name + ":latest");
    EXPECT_TRUE(ref.ok());
    return *ref;
  }
  std::unique_ptr<Client> client;
};

TEST_F(CosignTagStorage, AppendsInOrderWithoutDuplicates) {
  Reference subject = push_image(*client, repo("purser/att"), "att");
  std::string sbom = envelope("sbom statement"), provenance = envelope("provenance statement");
  std::string tag = "sha256-" + subject.digest.substr(7) + ".att";
  EXPECT_EQ(cosign_attestation_tag(subject.digest), tag);

  auto first = attach_envelope(*client, subject, sbom, kSpdx);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->kind, AttachmentKind::cosign_tag);
  EXPECT_EQ(first->tag, tag);
  auto second = attach_envelope(*client, subject, provenance, kSlsa);
  ASSERT_TRUE(second.ok()) << second.error().message;
  EXPECT_NE(second->manifest_digest, first->manifest_digest);
  auto again = attach_envelope(*client, subject, sbom, kSpdx);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->manifest_digest, second->manifest_digest);

  Reference tag_ref = repo("purser/att");
  tag_ref.tag = tag;
  auto stored = client->get_manifest(tag_ref);
  ASSERT_TRUE(stored.ok()) << stored.error().message;
  EXPECT_EQ(stored->digest, second->manifest_digest);
  json manifest = json::parse(stored->bytes);
  EXPECT_EQ(manifest["mediaType"], kOciManifest);
  EXPECT_EQ(manifest["config"]["mediaType"], "application/vnd.oci.image.config.v1+json");
  ASSERT_EQ(manifest["layers"].size(), 2u);
  EXPECT_EQ(manifest["layers"][0], json::parse(R"({"mediaType":"application/vnd.dsse.envelope.v1+json","digest":")" +
                                               digest_of(sbom) + R"(","size":)" + std::to_string(sbom.size()) +
                                               R"(,"annotations":{"predicateType":"https://spdx.dev/Document"}})"));
  EXPECT_EQ(manifest["layers"][1]["digest"], digest_of(provenance));
  EXPECT_EQ(manifest["layers"][1]["annotations"]["predicateType"], kSlsa);
  auto config = client->get_blob(subject, manifest["config"]["digest"].get<std::string>(), 4096);
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(json::parse(*config)["rootfs"]["diff_ids"], json::array({digest_of(sbom), digest_of(provenance)}));

  auto found = find_attachments(*client, subject);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].kind, AttachmentKind::cosign_tag);
  EXPECT_EQ((*found)[0].where, "tag " + tag + " layer 1");
  EXPECT_EQ((*found)[0].media_type, "application/vnd.dsse.envelope.v1+json");
  EXPECT_EQ((*found)[0].predicate_type, kSpdx);
  EXPECT_EQ((*found)[0].bytes, sbom);
  EXPECT_EQ((*found)[1].where, "tag " + tag + " layer 2");
  EXPECT_EQ((*found)[1].predicate_type, kSlsa);
  EXPECT_EQ((*found)[1].bytes, provenance);
}

TEST_F(CosignTagStorage, SkopeoSeesTheSameTagManifest) {
  if (!rt::on_path("skopeo")) GTEST_SKIP() << "skopeo is not installed (Debian package skopeo)";
  Reference subject = push_image(*client, repo("purser/skopeo"), "skopeo");
  auto attached = attach_envelope(*client, subject, envelope("for skopeo"), kSpdx);
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  std::string out = rt::make_temp_dir();
  std::string command = "skopeo inspect --raw --tls-verify=false docker://" + server().host +
                        "/purser/skopeo:" + attached->tag + " > " + out + "/raw.json 2> " + out + "/err.txt";
  ASSERT_EQ(std::system(command.c_str()), 0) << rt::read_text(out + "/err.txt");
  std::string raw = rt::read_text(out + "/raw.json");
  EXPECT_EQ(digest_of(raw), attached->manifest_digest);
  json manifest = json::parse(raw);
  ASSERT_EQ(manifest["layers"].size(), 1u);
  EXPECT_EQ(manifest["layers"][0]["mediaType"], "application/vnd.dsse.envelope.v1+json");
  EXPECT_EQ(manifest["layers"][0]["annotations"]["predicateType"], kSpdx);
  std::filesystem::remove_all(out);
}

TEST_F(CosignTagStorage, NothingAttachedIsEmpty) {
  Reference subject = push_image(*client, repo("purser/bare"), "bare");
  auto found = find_attachments(*client, subject);
  ASSERT_TRUE(found.ok()) << found.error().message;
  EXPECT_TRUE(found->empty());
}

TEST_F(CosignTagStorage, SubjectMustBeAnExistingManifestDigest) {
  Reference by_tag = repo("purser/bare");
  auto no_digest = attach_envelope(*client, by_tag, envelope("x"), kSpdx);
  ASSERT_FALSE(no_digest.ok());
  EXPECT_EQ(no_digest.error().code, ErrorCode::usage);
  EXPECT_EQ(no_digest.error().message,
            "attach to " + server().host + "/purser/bare:latest: the subject needs a manifest digest");

  Reference missing = by_tag;
  missing.tag.clear();
  missing.digest = digest_of("no such manifest");
  auto absent = attach_envelope(*client, missing, envelope("x"), kSpdx);
  ASSERT_FALSE(absent.ok());
  EXPECT_EQ(absent.error().message, "attach to " + missing.to_string() + ": the image manifest does not exist");
}

class ReferrerStorage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server().start(); }
  static void TearDownTestSuite() { server().stop(); }
  static MiniRegistry& server() {
    static MiniRegistry s;
    return s;
  }
  void SetUp() override {
    if (!server().skip_reason.empty()) GTEST_SKIP() << server().skip_reason;
    ASSERT_TRUE(std::filesystem::exists(server().dir + "/port")) << "mini registry did not start";
    client = make_client(server().host);
  }
  Reference repo(const std::string& name, const std::string& tag = "latest") {
    auto ref = parse_reference(server().host + "/" + name + ":" + tag);
    EXPECT_TRUE(ref.ok());
    return *ref;
  }
  Reference by_digest(const Reference& repo, const std::string& digest) {
    Reference ref = repo;
    ref.tag.clear();
    ref.digest = digest;
    return ref;
  }
  std::unique_ptr<Client> client;
};

TEST_F(ReferrerStorage, AttachesAsReferrerAndFindsIt) {
  Reference subject = push_image(*client, repo("purser/ref"), "ref");
  auto head = client->head_manifest(subject);
  ASSERT_TRUE(head.ok() && head->has_value());
  std::string sbom = envelope("referrer statement");
  auto attached = attach_envelope(*client, subject, sbom, kSpdx);
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  EXPECT_EQ(attached->kind, AttachmentKind::referrer);
  EXPECT_EQ(attached->tag, "");

  json manifest = manifest_json(*client, by_digest(subject, attached->manifest_digest));
  EXPECT_EQ(manifest, json::parse(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                                  R"("artifactType":"application/vnd.in-toto+json","config":{"mediaType":)"
                                  R"("application/vnd.oci.empty.v1+json","digest":"sha256:44136fa355b3678a1146ad16f7)"
                                  R"(e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},"layers":[{"mediaType":)"
                                  R"("application/vnd.dsse.envelope.v1+json","digest":")" +
                                  digest_of(sbom) + R"(","size":)" + std::to_string(sbom.size()) +
                                  R"(,"annotations":{"in-toto.io/predicate-type":"https://spdx.dev/Document"}}],)"
                                  R"("subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                                  subject.digest + R"(","size":)" + std::to_string((*head)->size) +
                                  R"(},"annotations":{"in-toto.io/predicate-type":"https://spdx.dev/Document"}})"));
  auto empty = client->get_blob(subject, "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", 10);
  ASSERT_TRUE(empty.ok()) << empty.error().message;
  EXPECT_EQ(*empty, "{}");

  // The same envelope again is the same manifest: the referrers list does not grow.
  auto again = attach_envelope(*client, subject, sbom, kSpdx);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->manifest_digest, attached->manifest_digest);
  auto index = client->referrers(subject, subject.digest);
  ASSERT_TRUE(index.ok() && index->has_value());
  json listed = json::parse(**index)["manifests"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["artifactType"], "application/vnd.in-toto+json");
  EXPECT_EQ(listed[0]["digest"], attached->manifest_digest);

  // A referrer without DSSE layers (a plain SBOM file artifact) contributes nothing.
  std::string sbom_file = R"({"spdxVersion":"SPDX-2.3"})";
  push(*client, subject, sbom_file);
  push(*client, subject, "{}");
  std::string other = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciManifest +
                      R"(","artifactType":"application/spdx+json","config":)" +
                      descriptor("application/vnd.oci.empty.v1+json", "{}") + R"(,"layers":[)" +
                      descriptor("application/spdx+json", sbom_file) + R"(],"subject":{"mediaType":")" + kOciManifest +
                      R"(","digest":")" + subject.digest + R"(","size":)" + std::to_string((*head)->size) + "}}";
  ASSERT_TRUE(client->put_manifest(by_digest(subject, digest_of(other)), kOciManifest, other).ok());

  auto found = find_attachments(*client, subject);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].kind, AttachmentKind::referrer);
  EXPECT_EQ((*found)[0].where, "referrer " + attached->manifest_digest);
  EXPECT_EQ((*found)[0].predicate_type, kSpdx);
  EXPECT_EQ((*found)[0].bytes, sbom);
}

TEST_F(ReferrerStorage, CosignTagIsReadEvenWhereReferrersExist) {
  Reference subject = push_image(*client, repo("purser/both"), "both");
  std::string by_cosign = envelope("written by cosign");
  push(*client, subject, by_cosign);
  std::string config = R"({"architecture":"","os":"","config":{},"rootfs":{"type":"layers","diff_ids":[]}})";
  push(*client, subject, config);
  std::string manifest = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciManifest + R"(","config":)" +
                         descriptor("application/vnd.oci.image.config.v1+json", config) +
                         R"(,"layers":[{"mediaType":"application/vnd.dsse.envelope.v1+json","digest":")" +
                         digest_of(by_cosign) + R"(","size":)" + std::to_string(by_cosign.size()) +
                         R"(,"annotations":{"predicateType":"https://slsa.dev/provenance/v1"}}]})";
  ASSERT_TRUE(
      client->put_manifest(repo("purser/both", cosign_attestation_tag(subject.digest)), kOciManifest, manifest).ok());
  ASSERT_TRUE(attach_envelope(*client, subject, envelope("written by purser"), kSpdx).ok());
  auto found = find_attachments(*client, subject);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].kind, AttachmentKind::referrer);
  EXPECT_EQ((*found)[1].kind, AttachmentKind::cosign_tag);
  EXPECT_EQ((*found)[1].predicate_type, kSlsa);
  EXPECT_EQ((*found)[1].bytes, by_cosign);
}

TEST_F(ReferrerStorage, BuildKitAttestationManifestInTheIndex) {
  Reference image_ref = repo("purser/bk", "amd64");
  Reference subject = push_image(*client, image_ref, "buildkit");
  Reference other_image = push_image(*client, repo("purser/bk", "arm64"), "buildkit-arm");
  auto head = client->head_manifest(subject);
  ASSERT_TRUE(head.ok() && head->has_value());

  // An attestation manifest per BuildKit's layout: an image config and one unsigned statement layer.
  auto attestation_for = [&](const Reference& image, const std::string& note) {
    std::string statement =
        R"({"_type":"https://in-toto.io/Statement/v0.1","predicateType":"https://spdx.dev/Document",)"
        R"("subject":[{"name":"x","digest":{"sha256":")" +
        image.digest.substr(7) + R"("}}],"predicate":{"note":")" + note + "\"}}";
    std::string config =
        R"({"architecture":"unknown","os":"unknown","config":{},"rootfs":{"type":"layers","diff_ids":[")" +
        digest_of(statement) + "\"]}}";
    push(*client, image, statement);
    push(*client, image, config);
    std::string manifest = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciManifest + R"(","config":)" +
                           descriptor("application/vnd.oci.image.config.v1+json", config) +
                           R"(,"layers":[{"mediaType":"application/vnd.in-toto+json","digest":")" +
                           digest_of(statement) + R"(","size":)" + std::to_string(statement.size()) +
                           R"(,"annotations":{"in-toto.io/predicate-type":"https://spdx.dev/Document"}}]})";
    auto put = client->put_manifest(by_digest(image, digest_of(manifest)), kOciManifest, manifest);
    EXPECT_TRUE(put.ok());
    return std::make_pair(manifest, statement);
  };
  auto [mine, my_statement] = attestation_for(subject, "amd64");
  auto [theirs, their_statement] = attestation_for(other_image, "arm64");
  auto platform_entry = [&](const Reference& image, const std::string& arch) {
    return std::string(R"({"mediaType":")") + kOciManifest + R"(","digest":")" + image.digest + R"(","size":)" +
           std::to_string((*head)->size) + R"(,"platform":{"architecture":")" + arch + R"(","os":"linux"}})";
  };
  auto attestation_entry = [&](const std::string& manifest, const Reference& image) {
    return std::string(R"({"mediaType":")") + kOciManifest + R"(","digest":")" + digest_of(manifest) + R"(","size":)" +
           std::to_string(manifest.size()) +
           R"(,"platform":{"architecture":"unknown","os":"unknown"},"annotations":{)"
           R"("vnd.docker.reference.digest":")" +
           image.digest + R"(","vnd.docker.reference.type":"attestation-manifest"}})";
  };
  std::string index = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciIndex + R"(","manifests":[)" +
                      platform_entry(subject, "amd64") + "," + platform_entry(other_image, "arm64") + "," +
                      attestation_entry(mine, subject) + "," + attestation_entry(theirs, other_image) + "]}";
  auto index_digest = client->put_manifest(repo("purser/bk", "multi"), kOciIndex, index);
  ASSERT_TRUE(index_digest.ok()) << index_digest.error().message;

  auto without_index = find_attachments(*client, subject);
  ASSERT_TRUE(without_index.ok()) << without_index.error().message;
  EXPECT_TRUE(without_index->empty());

  auto found = find_attachments(*client, subject, *index_digest);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].kind, AttachmentKind::buildkit);
  EXPECT_EQ((*found)[0].where, "buildkit attestation manifest " + digest_of(mine));
  EXPECT_EQ((*found)[0].media_type, "application/vnd.in-toto+json");
  EXPECT_EQ((*found)[0].predicate_type, kSpdx);
  EXPECT_EQ((*found)[0].bytes, my_statement);
}

// Plants `manifest` under the subject's .att tag and returns find_attachments' error.
class HostileAttTag : public ReferrerStorage {
 protected:
  std::string error_of(const std::string& name, const std::string& manifest, Reference* subject_out = nullptr) {
    Reference subject = push_image(*client, repo(name), name);
    if (subject_out != nullptr) *subject_out = subject;
    auto put = client->put_manifest(repo(name, cosign_attestation_tag(subject.digest)), kOciManifest, manifest);
    EXPECT_TRUE(put.ok()) << put.error().message;
    auto found = find_attachments(*client, subject);
    EXPECT_FALSE(found.ok());
    return found.ok() ? std::string("no error") : found.error().message;
  }
};

TEST_F(HostileAttTag, NotJson) {
  Reference subject;
  std::string message = error_of("purser/notjson", "this is not json", &subject);
  EXPECT_EQ(message, "attestation manifest " + cosign_attestation_tag(subject.digest) + ": not a JSON image manifest");
}

TEST_F(HostileAttTag, LayerOverTheSizeLimit) {
  std::string huge_digest = digest_of("never fetched");
  Reference subject;
  std::string message = error_of("purser/huge",
                                 std::string(R"({"schemaVersion":2,"layers":[{"mediaType":)"
                                             R"("application/vnd.dsse.envelope.v1+json","digest":")") +
                                     huge_digest + R"(","size":67108865}]})",
                                 &subject);
  EXPECT_EQ(message, "attestation manifest " + cosign_attestation_tag(subject.digest) + ": layer 1: blob " +
                         huge_digest + " is larger than 67108864 bytes");
}

TEST_F(HostileAttTag, MissingBlob) {
  std::string missing = digest_of("never pushed");
  Reference subject;
  std::string message = error_of("purser/missing",
                                 std::string(R"({"schemaVersion":2,"layers":[{"mediaType":)"
                                             R"("application/vnd.dsse.envelope.v1+json","digest":")") +
                                     missing + R"(","size":12}]})",
                                 &subject);
  EXPECT_EQ(message, "attestation manifest " + cosign_attestation_tag(subject.digest) + ": layer 1: blob " + missing +
                         ": GET http://" + server().host + "/v2/purser/missing/blobs/" + missing +
                         ": http status 404 (BLOB_UNKNOWN: blob unknown to registry)");
}

TEST_F(HostileAttTag, DeclaredSizeDisagreesWithTheBlob) {
  std::string blob = envelope("sized");
  Reference subject = push_image(*client, repo("purser/size"), "size");
  push(*client, subject, blob);
  std::string manifest = std::string(R"({"schemaVersion":2,"layers":[{"mediaType":)"
                                     R"("application/vnd.dsse.envelope.v1+json","digest":")") +
                         digest_of(blob) + R"(","size":3}]})";
  ASSERT_TRUE(
      client->put_manifest(repo("purser/size", cosign_attestation_tag(subject.digest)), kOciManifest, manifest).ok());
  auto found = find_attachments(*client, subject);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::verify);
  EXPECT_EQ(found.error().message, "attestation manifest " + cosign_attestation_tag(subject.digest) +
                                       ": layer 1: blob " + digest_of(blob) + " has " + std::to_string(blob.size()) +
                                       " bytes, not the declared 3");
}

TEST_F(HostileAttTag, ReferrerThatIsNotJson) {
  Reference subject = push_image(*client, repo("purser/badref"), "badref");
  // A JSON manifest with a subject, so the registry lists it, but whose layers field is not an array.
  std::string bad = std::string(R"({"schemaVersion":2,"layers":"nope","subject":{"mediaType":")") + kOciManifest +
                    R"(","digest":")" + subject.digest + R"(","size":1}})";
  ASSERT_TRUE(client->put_manifest(by_digest(subject, digest_of(bad)), kOciManifest, bad).ok());
  auto found = find_attachments(*client, subject);
  ASSERT_FALSE(found.ok());
  EXPECT_EQ(found.error().code, ErrorCode::parse);
  EXPECT_EQ(found.error().message, "attestation manifest " + digest_of(bad) + ": not a JSON image manifest");
}

}  // namespace

// Appending under the cosign tag (mini registry repositories under "noreferrers/" have no referrers API).
class CosignTagAppend : public ReferrerStorage {};

TEST_F(CosignTagAppend, KeepsLayersOtherToolsWrote) {
  Reference subject = push_image(*client, repo("noreferrers/foreign"), "foreign");
  std::string theirs = envelope("written by cosign");
  push(*client, subject, theirs);
  std::string foreign_layer = R"({"mediaType":"application/vnd.dsse.envelope.v1+json","digest":")" + digest_of(theirs) +
                              R"(","size":)" + std::to_string(theirs.size()) +
                              R"(,"annotations":{"dev.cosignproject.cosign/signature":"","predicateType":)"
                              R"("https://cyclonedx.org/bom"}})";
  std::string manifest = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciManifest + R"(","config":)" +
                         descriptor("application/vnd.oci.image.config.v1+json", "{}") + R"(,"layers":[)" +
                         foreign_layer + R"(],"annotations":{"org.example":"kept"}})";
  std::string tag = cosign_attestation_tag(subject.digest);
  ASSERT_TRUE(client->put_manifest(repo("noreferrers/foreign", tag), kOciManifest, manifest).ok());

  std::string ours = envelope("written by purser");
  auto attached = attach_envelope(*client, subject, ours, kSpdx);
  ASSERT_TRUE(attached.ok()) << attached.error().message;
  EXPECT_EQ(attached->kind, AttachmentKind::cosign_tag);
  json stored = manifest_json(*client, repo("noreferrers/foreign", tag));
  ASSERT_EQ(stored["layers"].size(), 2u);
  EXPECT_EQ(stored["layers"][0], json::parse(foreign_layer));
  EXPECT_EQ(stored["layers"][1]["digest"], digest_of(ours));
  EXPECT_EQ(stored["annotations"], json::parse(R"({"org.example":"kept"})"));

  auto found = find_attachments(*client, subject);
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].predicate_type, "https://cyclonedx.org/bom");
  EXPECT_EQ((*found)[0].bytes, theirs);
  EXPECT_EQ((*found)[1].predicate_type, kSpdx);
}

TEST_F(CosignTagAppend, RefusesToOverwriteATagThatIsNotAManifest) {
  Reference subject = push_image(*client, repo("noreferrers/garbage"), "garbage");
  std::string tag = cosign_attestation_tag(subject.digest);
  ASSERT_TRUE(client->put_manifest(repo("noreferrers/garbage", tag), kOciManifest, "garbage").ok());
  auto attached = attach_envelope(*client, subject, envelope("x"), kSpdx);
  ASSERT_FALSE(attached.ok());
  EXPECT_EQ(attached.error().code, ErrorCode::parse);
  EXPECT_EQ(attached.error().message,
            "attach to " + subject.to_string() + ": existing attestation tag " + tag + ": not a JSON image manifest");
  auto still = client->get_manifest(repo("noreferrers/garbage", tag));
  ASSERT_TRUE(still.ok()) << still.error().message;
  EXPECT_EQ(still->bytes, "garbage");
}

TEST_F(CosignTagAppend, AFailingReferrersApiIsAnErrorNotAFallback) {
  Reference subject = push_image(*client, repo("brokenreferrers/app"), "broken");
  auto attached = attach_envelope(*client, subject, envelope("x"), kSpdx);
  ASSERT_FALSE(attached.ok());
  EXPECT_EQ(attached.error().message, "referrers of " + server().host + "/brokenreferrers/app@" + subject.digest +
                                          ": GET http://" + server().host + "/v2/brokenreferrers/app/referrers/" +
                                          subject.digest +
                                          ": http status 500 (UNKNOWN: referrers index unavailable), gave up after 2 "
                                          "attempts");
  auto tag = client->head_manifest(repo("brokenreferrers/app", cosign_attestation_tag(subject.digest)));
  ASSERT_TRUE(tag.ok()) << tag.error().message;
  EXPECT_FALSE(tag->has_value());
}

TEST_F(CosignTagStorage, AnIndexIsNotASubject) {
  Reference subject = push_image(*client, repo("purser/indexed"), "indexed");
  auto head = client->head_manifest(subject);
  ASSERT_TRUE(head.ok() && head->has_value());
  std::string index = std::string(R"({"schemaVersion":2,"mediaType":")") + kOciIndex +
                      R"(","manifests":[{"mediaType":")" + kOciManifest + R"(","digest":")" + subject.digest +
                      R"(","size":)" + std::to_string((*head)->size) +
                      R"(,"platform":{"architecture":"amd64","os":"linux"}}]})";
  auto index_digest = client->put_manifest(repo("purser/indexed"), kOciIndex, index);
  ASSERT_TRUE(index_digest.ok()) << index_digest.error().message;
  Reference index_ref = subject;
  index_ref.digest = *index_digest;
  auto attached = attach_envelope(*client, index_ref, envelope("x"), kSpdx);
  ASSERT_FALSE(attached.ok());
  EXPECT_EQ(attached.error().code, ErrorCode::usage);
  EXPECT_EQ(attached.error().message,
            "attach to " + index_ref.to_string() + ": the subject is an image index, not an image manifest");
}
