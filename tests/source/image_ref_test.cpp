// resolve_image: OCI layouts (directory and tar) and docker save archives, legacy and 25+, built at test
// time from small JSON blobs (STYLE 19).

#include "lib/source/image_ref.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lib/util/hash.hpp"

namespace fs = std::filesystem;
using purser::source::is_image_target;
using purser::source::resolve_image;
using purser::util::ErrorCode;
using purser::util::sha256_hex;

namespace {

class ImageRefTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-image-XXXXXX";
    tmp = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(tmp); }

  void write(const std::string& rel, const std::string& bytes) {
    fs::path p = fs::path(tmp) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }
  // Adds a blob under DIR/blobs/sha256 and returns "sha256:<hex>".
  std::string blob(const std::string& dir, const std::string& bytes) {
    std::string hex = sha256_hex(bytes);
    write(dir + "/blobs/sha256/" + hex, bytes);
    return "sha256:" + hex;
  }
  // A minimal image: config + manifest blobs in DIR; returns {manifest digest, config digest, manifest bytes}.
  struct Image {
    std::string manifest, config, manifest_bytes;
  };
  Image image(const std::string& dir, const std::string& arch = "amd64") {
    Image im;
    im.config =
        blob(dir, R"({"architecture":")" + arch + R"(","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})");
    im.manifest_bytes =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        im.config + R"(","size":1},"layers":[]})";
    im.manifest = blob(dir, im.manifest_bytes);
    return im;
  }
  static std::string descriptor(const Image& im, const std::string& annotations = "") {
    return R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + im.manifest + R"(","size":)" +
           std::to_string(im.manifest_bytes.size()) + (annotations.empty() ? "" : R"(,"annotations":)" + annotations) +
           "}";
  }
  void index(const std::string& dir, const std::string& descriptors) {
    write(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    write(dir + "/index.json", R"({"schemaVersion":2,"manifests":[)" + descriptors + "]}");
  }
  std::string tar(const std::string& dir, const std::string& name) {
    std::string out = tmp + "/" + name;
    std::string cmd = "tar -C " + tmp + "/" + dir + " -cf " + out + " .";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return out;
  }
  std::string tmp;
};

TEST_F(ImageRefTest, RecognisesImageSchemes) {
  EXPECT_TRUE(is_image_target("docker-archive:img.tar"));
  EXPECT_TRUE(is_image_target("oci-dir:build/img"));
  EXPECT_TRUE(is_image_target("oci-archive:img.tar"));
  EXPECT_FALSE(is_image_target("dir:."));
  EXPECT_FALSE(is_image_target("img.tar"));
}

TEST_F(ImageRefTest, OciDirectoryWithTagAnnotation) {
  auto im = image("layout");
  index("layout", descriptor(im, R"({"org.opencontainers.image.ref.name":"1.0"})"));
  auto ref = resolve_image("oci-dir:" + tmp + "/layout");
  ASSERT_TRUE(ref.ok()) << ref.error().to_string();
  EXPECT_EQ(ref->name, "layout:1.0");
  EXPECT_EQ(ref->digest, im.manifest);
  EXPECT_EQ(ref->config_digest, im.config);
  EXPECT_EQ(ref->media_type, "application/vnd.oci.image.manifest.v1+json");
  EXPECT_FALSE(ref->digest_is_image_id);
}

TEST_F(ImageRefTest, OciArchiveMatchesItsDirectory) {
  auto im = image("layout");
  index("layout", descriptor(im, R"({"io.containerd.image.name":"registry.example/app:2.1"})"));
  auto ref = resolve_image("oci-archive:" + tar("layout", "app.tar"));
  ASSERT_TRUE(ref.ok()) << ref.error().to_string();
  EXPECT_EQ(ref->name, "registry.example/app:2.1");
  EXPECT_EQ(ref->digest, im.manifest);
}

TEST_F(ImageRefTest, LegacyDockerArchiveNamesTheImageId) {
  std::string config = R"({"architecture":"amd64","os":"linux"})";
  std::string hex = sha256_hex(config);
  write("legacy/" + hex + ".json", config);
  write("legacy/manifest.json",
        R"([{"Config":")" + hex + R"(.json","RepoTags":["app:1.0","app:latest"],"Layers":[]}])");
  auto ref = resolve_image("docker-archive:" + tar("legacy", "legacy.tar"));
  ASSERT_TRUE(ref.ok()) << ref.error().to_string();
  EXPECT_EQ(ref->name, "app:1.0");
  EXPECT_EQ(ref->digest, "sha256:" + hex);
  EXPECT_TRUE(ref->digest_is_image_id);
  EXPECT_EQ(ref->tags, (std::vector<std::string>{"app:1.0", "app:latest"}));
}

TEST_F(ImageRefTest, Docker25ArchivePrefersTheManifestDigest) {
  auto im = image("d25");
  index(
      "d25",
      descriptor(
          im, R"({"io.containerd.image.name":"docker.io/library/app:1.0","org.opencontainers.image.ref.name":"1.0"})"));
  write("d25/manifest.json",
        R"([{"Config":"blobs/sha256/)" + im.config.substr(7) + R"(","RepoTags":["app:1.0"],"Layers":[]}])");
  auto ref = resolve_image("docker-archive:" + tar("d25", "d25.tar"));
  ASSERT_TRUE(ref.ok()) << ref.error().to_string();
  EXPECT_EQ(ref->digest, im.manifest);
  EXPECT_EQ(ref->name, "docker.io/library/app:1.0");
  EXPECT_FALSE(ref->digest_is_image_id);
  EXPECT_EQ(ref->tags, (std::vector<std::string>{"docker.io/library/app:1.0", "1.0", "app:1.0"}));
}

TEST_F(ImageRefTest, SeveralImagesNeedAName) {
  auto a = image("multi", "amd64");
  auto b = image("multi", "arm64");
  index("multi", descriptor(a, R"({"io.containerd.image.name":"app:a"})") + "," +
                     descriptor(b, R"({"io.containerd.image.name":"app:b"})"));
  auto none = resolve_image("oci-dir:" + tmp + "/multi");
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::usage);
  EXPECT_EQ(none.error().message, "several images in oci-dir:" + tmp + "/multi: name one of them (app:a, app:b)");
  auto picked = resolve_image("oci-dir:" + tmp + "/multi", "app:b");
  ASSERT_TRUE(picked.ok());
  EXPECT_EQ(picked->digest, b.manifest);
  auto missing = resolve_image("oci-dir:" + tmp + "/multi", "app:c");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no image named app:c (found: app:a, app:b)");
}

TEST_F(ImageRefTest, TamperedManifestBlobFails) {
  auto im = image("bad");
  index("bad", descriptor(im));
  write("bad/blobs/sha256/" + im.manifest.substr(7), im.manifest_bytes + " ");
  auto ref = resolve_image("oci-dir:" + tmp + "/bad");
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().code, ErrorCode::verify);
  EXPECT_EQ(ref.error().message, "index.json: /manifests/0: blob " + im.manifest +
                                     " does not match its digest (sha256:" + sha256_hex(im.manifest_bytes + " ") + ")");
  EXPECT_EQ(ref.error().location.path, tmp + "/bad");
}

TEST_F(ImageRefTest, MissingBlobAndBadJson) {
  auto im = image("gone");
  index("gone", descriptor(im));
  fs::remove(tmp + "/gone/blobs/sha256/" + im.manifest.substr(7));
  auto gone = resolve_image("oci-dir:" + tmp + "/gone");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().message, "index.json: /manifests/0: blob " + im.manifest + " is missing");

  write("junk/index.json", "{\"manifests\": [");
  auto junk = resolve_image("oci-dir:" + tmp + "/junk");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().code, ErrorCode::parse);
  EXPECT_EQ(junk.error().message, "index.json: not valid JSON");

  write("empty/oci-layout", "{}");
  auto empty = resolve_image("oci-dir:" + tmp + "/empty");
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().message, "no image found: neither index.json nor manifest.json lists one");
}

TEST_F(ImageRefTest, DigestsCannotEscapeTheLayout) {
  write("escape/index.json", R"({"manifests":[{"digest":"sha256:../../../../etc/passwd","size":1}]})");
  auto ref = resolve_image("oci-dir:" + tmp + "/escape");
  ASSERT_FALSE(ref.ok());
  EXPECT_EQ(ref.error().message, "index.json: /manifests/0: unsupported digest: sha256:../../../../etc/passwd");
}

TEST_F(ImageRefTest, MissingInputsAreIoErrors) {
  auto dir = resolve_image("oci-dir:" + tmp + "/nope");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code, ErrorCode::io);
  EXPECT_EQ(dir.error().to_string(), tmp + "/nope: cannot read image layout: not a directory");
  auto file = resolve_image("docker-archive:" + tmp + "/nope.tar");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().to_string(), tmp + "/nope.tar: cannot read image archive: no such file");
  write("notatar", "hello, this is not a tar archive at all, just text that goes on for a while............");
  auto junk = resolve_image("docker-archive:" + tmp + "/notatar");
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.error().code, ErrorCode::parse);
  auto scheme = resolve_image("dir:" + tmp);
  ASSERT_FALSE(scheme.ok());
  EXPECT_EQ(scheme.error().code, ErrorCode::usage);
}

}  // namespace
