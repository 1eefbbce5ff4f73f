// purser push, pull and scan against a real registry (Debian's docker-registry, distribution 2.8) on 127.0.0.1,
// started by the test: what purser pushes reads back identically through scan, pull and skopeo; what skopeo pushes
// scans the same as the local image; attestations name the registry manifest digest; failures leave nothing behind.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "lib/util/hash.hpp"
#include "tests/cli/cli_fixture.hpp"
#include "tests/registry/test_process.hpp"
#include "tests/source/image_builder.hpp"

namespace {

using nlohmann::json;
using purser::testing::ImageBuilder;
using purser::testing::Layer;
using purser_test::Cli;
namespace fs = std::filesystem;
namespace rt = purser::registry::testing;

const std::string k_status =
    "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nSource: glibc\n"
    "Version: 2.36-9+deb12u4\nDescription: c library\n\n"
    "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nMulti-Arch: same\nSource: zlib\n"
    "Version: 1:1.2.13.dfsg-1\nDepends: libc6 (>= 2.14)\nDescription: compression\n\n";

std::vector<Layer> layers() {
  return {{{{"etc/os-release", 'f', "ID=debian\nVERSION_ID=\"12\"\nPRETTY_NAME=\"Debian GNU/Linux 12\"\n"},
            {"var/lib/dpkg/status", 'f', k_status}},
           purser::testing::Filter::gzip,
           "base"},
          {{{"app/node_modules/ms/package.json", 'f', R"({"name":"ms","version":"2.1.3","license":"MIT"})"}},
           purser::testing::Filter::zstd,
           "app"}};
}

class RegistryCli : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    if (!rt::on_path("docker-registry")) GTEST_SKIP() << "docker-registry is not installed (make deps installs it)";
    images.tmp = tmp;
    int port = rt::free_port();
    host = "127.0.0.1:" + std::to_string(port);
    write("registry/config.yml",
          "version: 0.1\nlog:\n  level: error\nstorage:\n"
          "  filesystem:\n    rootdirectory: " +
              tmp + "/registry/storage\nhttp:\n  addr: " + host + "\n");
    server = std::make_unique<rt::Process>(
        std::vector<std::string>{"docker-registry", "serve", tmp + "/registry/config.yml"}, tmp + "/registry.log");
    ASSERT_TRUE(server->running() && rt::wait_for_port(port, std::chrono::seconds(20))) << slurp(tmp + "/registry.log");
    layout = images.oci_dir("oci", layers(), "app:1.0");
  }
  void TearDown() override {
    server.reset();
    Cli::TearDown();
  }
  // purser with --insecure-registry for the test registry.
  purser_test::CmdResult run(const std::string& args) { return purser("--insecure-registry " + host + " " + args); }
  // The manifest digest of the image in the OCI layout (what index.json points at).
  std::string layout_digest() const {
    auto index = json::parse(slurp(layout + "/index.json"));
    return index["manifests"][0]["digest"];
  }
  // Scans TARGET into CycloneDX JSON at tmp/NAME; asserts exit 0.
  std::string scan(const std::string& target, const std::string& name) {
    auto r = run("scan " + target + " -o cyclonedx-json=" + tmp + "/" + name);
    EXPECT_EQ(r.code, 0) << r.err;
    return tmp + "/" + name;
  }
  // Fails the test unless the two SBOMs hold the same components, versions, hashes and edges.
  void expect_same(const std::string& a, const std::string& b) {
    auto d = purser("diff " + a + " " + b + " --fail-on any");
    EXPECT_EQ(d.code, 0) << d.out << d.err;
  }
  // Flips one byte of the stored blob DIGEST inside the registry's filesystem storage.
  void corrupt_stored_blob(const std::string& digest) {
    std::string hex = digest.substr(7);
    std::string data =
        tmp + "/registry/storage/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex + "/data";
    ASSERT_TRUE(fs::exists(data)) << data;
    std::string bytes = slurp(data);
    bytes[bytes.size() / 2] ^= 0x55;
    std::ofstream(data, std::ios::binary | std::ios::trunc) << bytes;
  }

  ImageBuilder images;
  std::unique_ptr<rt::Process> server;
  std::string host, layout;
};

TEST_F(RegistryCli, PushThenScanAndPullReadTheSameImage) {
  auto push = run("push oci-dir:" + layout + " registry:" + host + "/team/app:1.0");
  ASSERT_EQ(push.code, 0) << push.err;
  EXPECT_EQ(push.out, host + "/team/app:1.0@" + layout_digest() + "\n");  // the manifest is pushed as stored

  std::string local = scan("oci-dir:" + layout, "local.json");
  std::string remote = scan("registry:" + host + "/team/app:1.0", "remote.json");
  expect_same(local, remote);
  auto doc = json::parse(slurp(remote));
  EXPECT_EQ(doc["metadata"]["component"]["version"], "1.0");
  bool manifest_digest = false;
  for (const auto& p : doc["metadata"]["component"]["properties"])
    if (p["name"] == "purser:image:manifest_digest") manifest_digest = p["value"] == layout_digest();
  EXPECT_TRUE(manifest_digest);
  // By digest too.
  expect_same(local, scan("registry:" + host + "/team/app@" + layout_digest(), "by-digest.json"));

  auto pulled = run("pull registry:" + host + "/team/app:1.0 -o oci-dir:" + tmp + "/pulled");
  ASSERT_EQ(pulled.code, 0) << pulled.err;
  EXPECT_EQ(pulled.out, host + "/team/app:1.0@" + layout_digest() + "\n");
  expect_same(local, scan("oci-dir:" + tmp + "/pulled", "pulled.json"));
  auto archive = run("pull registry:" + host + "/team/app:1.0 -o docker-archive:" + tmp + "/pulled.tar");
  ASSERT_EQ(archive.code, 0) << archive.err;
  expect_same(local, scan("docker-archive:" + tmp + "/pulled.tar", "pulled-tar.json"));
  // An independent client sees the same manifest digest.
  if (rt::on_path("skopeo")) {
    std::string cmd = "skopeo inspect --tls-verify=false docker://" + host + "/team/app:1.0 > " + tmp + "/inspect.json";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(json::parse(slurp(tmp + "/inspect.json"))["Digest"], layout_digest());
  }
}

TEST_F(RegistryCli, ImagePushedBySkopeoScansLikeTheLocalImage) {
  if (!rt::on_path("skopeo")) GTEST_SKIP() << "skopeo is not installed (make deps installs it)";
  std::string cmd = "skopeo copy -q --dest-tls-verify=false oci:" + layout + ":app:1.0 docker://" + host +
                    "/team/skopeo:2 2>" + tmp + "/skopeo.err";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(tmp + "/skopeo.err");
  expect_same(scan("oci-dir:" + layout, "local.json"), scan("registry:" + host + "/team/skopeo:2", "remote.json"));
}

TEST_F(RegistryCli, LegacyDockerArchiveGetsADockerManifest) {
  std::string archive = images.legacy_archive("legacy", layers(), R"("app:1.0")");
  auto push = run("push docker-archive:" + archive + " registry:" + host + "/team/legacy:1");
  ASSERT_EQ(push.code, 0) << push.err;
  expect_same(scan("docker-archive:" + archive, "local.json"), scan("registry:" + host + "/team/legacy:1", "r.json"));
  if (rt::on_path("skopeo")) {
    std::string cmd = "skopeo inspect --raw --tls-verify=false docker://" + host + "/team/legacy:1 > " + tmp + "/raw";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    EXPECT_EQ(json::parse(slurp(tmp + "/raw"))["mediaType"], "application/vnd.docker.distribution.manifest.v2+json");
  }
}

TEST_F(RegistryCli, AttestationSubjectIsTheRegistryManifestDigest) {
  ASSERT_EQ(run("push oci-dir:" + layout + " registry:" + host + "/team/app:1.0").code, 0);
  std::string key = std::string(PURSER_SOURCE_DIR) + "/fixtures/signing/test-only-ed25519";
  auto a = run("scan registry:" + host + "/team/app:1.0 --attest --key " + key + ".key -o cyclonedx-json=" + tmp +
               "/att.json");
  ASSERT_EQ(a.code, 0) << a.err;
  auto v = run("verify --key " + key + ".pub --type cyclonedx --artifact registry:" + host + "/team/app:1.0 " + tmp +
               "/att.json");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  // The local layout holds the same manifest: the same subject.
  EXPECT_EQ(run("verify --key " + key + ".pub --artifact oci-dir:" + layout + " " + tmp + "/att.json").code, 0);
  // Another image under another tag is not the subject.
  std::string other = images.oci_dir("other", {layers()[0]}, "other:1");
  ASSERT_EQ(run("push oci-dir:" + other + " registry:" + host + "/team/app:2.0").code, 0);
  auto wrong = run("verify --key " + key + ".pub --artifact registry:" + host + "/team/app:2.0 " + tmp + "/att.json");
  EXPECT_EQ(wrong.code, 1) << wrong.out << wrong.err;
}

TEST_F(RegistryCli, FailuresAreClearAndLeaveNothingBehind) {
  ASSERT_EQ(run("push oci-dir:" + layout + " registry:" + host + "/team/app:1.0").code, 0);
  // A tag that is not there.
  auto missing = run("pull registry:" + host + "/team/app:9.9 -o oci-dir:" + tmp + "/out");
  EXPECT_EQ(missing.code, 3) << missing.err;
  EXPECT_NE(missing.err.find("9.9"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(tmp + "/out"));
  // An output that exists and is not empty: a usage error, untouched.
  write("busy/keep.txt", "mine");
  auto busy = run("pull registry:" + host + "/team/app:1.0 -o oci-dir:" + tmp + "/busy");
  EXPECT_EQ(busy.code, 2) << busy.err;
  EXPECT_EQ(busy.err, "purser: error: pull: output exists: " + tmp + "/busy\n");
  EXPECT_EQ(slurp(tmp + "/busy/keep.txt"), "mine");
  // Plain HTTP only when asked for: without --insecure-registry purser speaks HTTPS and fails.
  auto https = purser("scan registry:" + host + "/team/app:1.0");
  EXPECT_EQ(https.code, 3) << https.err;
  // A layer whose stored bytes no longer match its digest: the scan and the pull fail, naming it, and write nothing.
  auto manifest = json::parse(slurp(layout + "/blobs/sha256/" + layout_digest().substr(7)));
  std::string layer = manifest["layers"][1]["digest"];
  corrupt_stored_blob(layer);
  auto scan_bad = run("scan registry:" + host + "/team/app:1.0 -o cyclonedx-json=" + tmp + "/bad.json");
  EXPECT_EQ(scan_bad.code, 3) << scan_bad.err;
  EXPECT_NE(scan_bad.err.find(layer), std::string::npos) << scan_bad.err;
  EXPECT_FALSE(fs::exists(tmp + "/bad.json"));
  auto pull_bad = run("pull registry:" + host + "/team/app:1.0 -o docker-archive:" + tmp + "/bad.tar");
  EXPECT_NE(pull_bad.code, 0);
  EXPECT_NE(pull_bad.err.find(layer), std::string::npos) << pull_bad.err;
  EXPECT_FALSE(fs::exists(tmp + "/bad.tar"));
  for (const auto& e : fs::directory_iterator(tmp))
    EXPECT_EQ(e.path().filename().string().find("purser-tmp"), std::string::npos) << e.path();
}

// The layer blob digests GET requests fetched so far, per the registry's access log.
std::size_t blob_fetches(const std::string& log, const std::string& digest) {
  std::size_t count = 0;
  for (std::size_t at = log.find("GET /v2/"); at != std::string::npos; at = log.find("GET /v2/", at + 1)) {
    std::size_t end = log.find(' ', at + 4);
    std::string path = log.substr(at + 4, end == std::string::npos ? std::string::npos : end - at - 4);
    if (path.find("/blobs/" + digest) != std::string::npos) ++count;
  }
  return count;
}

TEST_F(RegistryCli, AttestPushThenVerifyAndPullFromTheRegistry) {
  ASSERT_EQ(run("push oci-dir:" + layout + " registry:" + host + "/team/app:1.0").code, 0);
  std::string key = std::string(PURSER_SOURCE_DIR) + "/fixtures/signing/test-only-ed25519";
  std::string sbom = scan("registry:" + host + "/team/app:1.0", "sbom.json");
  auto a = run("attest --predicate " + sbom + " --type cyclonedx --subject registry:" + host + "/team/app:1.0 --key " +
               key + ".key --push --out " + tmp + "/att.json");
  ASSERT_EQ(a.code, 0) << a.err;
  std::string att_tag = "sha256-" + layout_digest().substr(7) + ".att";
  // docker-registry 2.8 has no referrers API: cosign's tag convention.
  EXPECT_NE(a.err.find("as tag " + att_tag), std::string::npos) << a.err;

  // An independent client sees cosign's layout, and the layer is exactly the envelope purser wrote.
  if (rt::on_path("skopeo")) {
    std::string cmd = "skopeo inspect --raw --tls-verify=false docker://" + host + "/team/app:" + att_tag + " > " +
                      tmp + "/att-manifest.json";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto m = json::parse(slurp(tmp + "/att-manifest.json"));
    ASSERT_EQ(m["layers"].size(), 1u);
    EXPECT_EQ(m["layers"][0]["mediaType"], "application/vnd.dsse.envelope.v1+json");
    EXPECT_EQ(m["layers"][0]["annotations"]["predicateType"], "https://cyclonedx.org/bom");
    std::string envelope = slurp(tmp + "/att.json");
    while (!envelope.empty() && envelope.back() == '\n') envelope.pop_back();
    EXPECT_EQ(m["layers"][0]["digest"], "sha256:" + purser::util::sha256_hex(envelope));
  }

  // A third-party verifier on what an independent client fetched: the layer blob via curl, the signature checked by
  // `openssl pkeyutl` over DSSE's PAE (DSSE protocol.md), built here from the envelope's fields.
  if (rt::on_path("curl") && rt::on_path("skopeo")) {
    auto m = json::parse(slurp(tmp + "/att-manifest.json"));
    std::string digest = m["layers"][0]["digest"];
    std::string cmd = "curl -sf http://" + host + "/v2/team/app/blobs/" + digest + " -o " + tmp + "/fetched.json";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
    auto envelope = json::parse(slurp(tmp + "/fetched.json"));
    write("payload.b64", envelope["payload"].get<std::string>());
    write("sig.b64", envelope["signatures"][0]["sig"].get<std::string>());
    ASSERT_EQ(std::system(("base64 -d " + tmp + "/payload.b64 > " + tmp + "/payload && base64 -d " + tmp +
                           "/sig.b64 > " + tmp + "/sig")
                              .c_str()),
              0);
    std::string payload = slurp(tmp + "/payload"), type = envelope["payloadType"];
    write("pae",
          "DSSEv1 " + std::to_string(type.size()) + " " + type + " " + std::to_string(payload.size()) + " " + payload);
    std::string verify = "openssl pkeyutl -verify -pubin -inkey " + key + ".pub -rawin -in " + tmp + "/pae -sigfile " +
                         tmp + "/sig > " + tmp + "/openssl.out 2>&1";
    EXPECT_EQ(std::system(verify.c_str()), 0) << slurp(tmp + "/openssl.out");
  }

  auto v = run("verify registry:" + host + "/team/app:1.0 --key " + key + ".pub --type cyclonedx");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("verified: 1 attestation(s)"), std::string::npos) << v.out;
  // Refusals: an untrusted key, a predicate type that is not there, a policy the SBOM breaks.
  std::string other_key = tmp + "/other";
  ASSERT_EQ(purser("keygen --no-password --out " + other_key).code, 0);
  EXPECT_EQ(run("verify registry:" + host + "/team/app:1.0 --key " + other_key + ".pub").code, 1);
  EXPECT_EQ(run("verify registry:" + host + "/team/app:1.0 --key " + key + ".pub --type spdx").code, 1);
  write("deny.yaml",
        "apiVersion: purser.dev/policy/v1\nname: no-ms\nrules:\n  - id: banned\n    type: denyComponents\n"
        "    components:\n      - purl: pkg:npm/ms\n        versions: \">=2.0.0\"\n");
  EXPECT_EQ(run("verify registry:" + host + "/team/app:1.0 --key " + key + ".pub --policy " + tmp + "/deny.yaml").code,
            1);

  // Verify before pull: refused pulls fetch no layer and write nothing; an accepted one pulls.
  auto manifest = json::parse(slurp(layout + "/blobs/sha256/" + layout_digest().substr(7)));
  std::string layer = manifest["layers"][0]["digest"];
  std::size_t before = blob_fetches(slurp(tmp + "/registry.log"), layer);
  auto refused = run("pull registry:" + host + "/team/app:1.0 --key " + other_key + ".pub -o oci-dir:" + tmp + "/no");
  EXPECT_EQ(refused.code, 1) << refused.err;
  EXPECT_NE(refused.err.find("not pulled"), std::string::npos) << refused.err;
  EXPECT_FALSE(fs::exists(tmp + "/no"));
  auto denied = run("pull registry:" + host + "/team/app:1.0 --key " + key + ".pub --policy " + tmp +
                    "/deny.yaml -o oci-dir:" + tmp + "/no");
  EXPECT_EQ(denied.code, 1) << denied.err;
  EXPECT_FALSE(fs::exists(tmp + "/no"));
  EXPECT_EQ(blob_fetches(slurp(tmp + "/registry.log"), layer), before);
  auto ok =
      run("pull registry:" + host + "/team/app:1.0 --key " + key + ".pub --type cyclonedx -o oci-dir:" + tmp + "/yes");
  EXPECT_EQ(ok.code, 0) << ok.out << ok.err;
  EXPECT_TRUE(fs::exists(tmp + "/yes/index.json"));
  EXPECT_GT(blob_fetches(slurp(tmp + "/registry.log"), layer), before);
}

TEST_F(RegistryCli, AttestationsForAnotherDigestOrNoneAreRefused) {
  ASSERT_EQ(run("push oci-dir:" + layout + " registry:" + host + "/team/app:1.0").code, 0);
  std::string other = images.oci_dir("other", {layers()[0]}, "other:1");
  auto pushed = run("push oci-dir:" + other + " registry:" + host + "/team/app:2.0");
  ASSERT_EQ(pushed.code, 0) << pushed.err;
  std::string other_digest = pushed.out.substr(pushed.out.find('@') + 1);
  while (!other_digest.empty() && other_digest.back() == '\n') other_digest.pop_back();
  std::string key = std::string(PURSER_SOURCE_DIR) + "/fixtures/signing/test-only-ed25519";
  // Nothing attached yet.
  auto none = run("verify registry:" + host + "/team/app:2.0 --key " + key + ".pub");
  EXPECT_EQ(none.code, 1) << none.out << none.err;
  EXPECT_NE(none.err.find("no attestations attached"), std::string::npos) << none.err;
  // An attestation about 1.0 copied under 2.0's .att tag: found, signed, but about another digest.
  std::string sbom = scan("oci-dir:" + layout, "sbom.json");
  ASSERT_EQ(run("attest --predicate " + sbom + " --type cyclonedx --subject registry:" + host + "/team/app:1.0 --key " +
                key + ".key --push --out " + tmp + "/att.json")
                .code,
            0);
  if (!rt::on_path("skopeo")) GTEST_SKIP() << "skopeo is needed to copy the attestation";
  std::string cmd = "skopeo copy -q --src-tls-verify=false --dest-tls-verify=false docker://" + host +
                    "/team/app:sha256-" + layout_digest().substr(7) + ".att docker://" + host + "/team/app:sha256-" +
                    other_digest.substr(7) + ".att 2>" + tmp + "/skopeo.err";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << slurp(tmp + "/skopeo.err");
  auto wrong = run("verify registry:" + host + "/team/app:2.0 --key " + key + ".pub");
  EXPECT_EQ(wrong.code, 1) << wrong.out << wrong.err;
  EXPECT_NE(wrong.out.find("FAIL  artifact"), std::string::npos) << wrong.out;
}

// The same registry behind htpasswd basic auth: credentials from PURSER_REGISTRY_USER/PASSWORD or a Docker config,
// never echoed.
TEST_F(RegistryCli, BasicAuthCredentialsFromTheEnvironmentOrDockerConfig) {
  if (!rt::on_path("htpasswd")) GTEST_SKIP() << "htpasswd is not installed (make deps installs apache2-utils)";
  server.reset();
  ASSERT_EQ(std::system(("htpasswd -Bbn ci-user s3cret-Pa55 > " + tmp + "/registry/htpasswd").c_str()), 0);
  int port = rt::free_port();
  host = "127.0.0.1:" + std::to_string(port);
  write("registry/config.yml",
        "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: " + tmp +
            "/registry/storage\nhttp:\n  addr: " + host +
            "\nauth:\n  htpasswd:\n    realm: purser-test\n    path: " + tmp + "/registry/htpasswd\n");
  server = std::make_unique<rt::Process>(
      std::vector<std::string>{"docker-registry", "serve", tmp + "/registry/config.yml"}, tmp + "/registry.log");
  ASSERT_TRUE(server->running() && rt::wait_for_port(port, std::chrono::seconds(20)));
  const std::string insecure = "--insecure-registry " + host + " ";
  const std::string env = "SOURCE_DATE_EPOCH=1700000000 HOME=" + tmp + " ";
  auto anonymous = purser(insecure + "push oci-dir:" + layout + " registry:" + host + "/team/app:1.0", env);
  EXPECT_EQ(anonymous.code, 3) << anonymous.err;
  auto wrong = purser(insecure + "push oci-dir:" + layout + " registry:" + host + "/team/app:1.0",
                      env + "PURSER_REGISTRY_USER=ci-user PURSER_REGISTRY_PASSWORD=not-the-Pa55word");
  EXPECT_EQ(wrong.code, 3) << wrong.err;
  EXPECT_NE(wrong.err.find("authentication failed"), std::string::npos) << wrong.err;
  EXPECT_EQ(wrong.err.find("not-the-Pa55word"), std::string::npos) << wrong.err;
  auto pushed = purser(insecure + "push oci-dir:" + layout + " registry:" + host + "/team/app:1.0",
                       env + "PURSER_REGISTRY_USER=ci-user PURSER_REGISTRY_PASSWORD=s3cret-Pa55");
  ASSERT_EQ(pushed.code, 0) << pushed.err;
  // A Docker config in $HOME/.docker: base64("ci-user:s3cret-Pa55").
  write(".docker/config.json", R"({"auths":{")" + host + R"(":{"auth":"Y2ktdXNlcjpzM2NyZXQtUGE1NQ=="}}})");
  auto scanned = purser(insecure + "scan registry:" + host + "/team/app:1.0 -o cyclonedx-json=" + tmp + "/r.json", env);
  ASSERT_EQ(scanned.code, 0) << scanned.err;
  EXPECT_EQ(scanned.err.find("s3cret"), std::string::npos);
  expect_same(scan("oci-dir:" + layout, "local.json"), tmp + "/r.json");
}

}  // namespace
