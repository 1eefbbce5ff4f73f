// open_image: images assembled at test time (STYLE 19) with libarchive's writer — OCI layouts (directory and tar),
// docker save archives (legacy and 25+), gzip/zstd/uncompressed layers, indexes, whiteouts and hostile layers.

#include "lib/source/image.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lib/util/hash.hpp"
#include "tests/source/image_builder.hpp"

namespace fs = std::filesystem;
using purser::source::FileVersion;
using purser::source::ImageOptions;
using purser::source::ImageSource;
using purser::source::looks_like_image;
using purser::source::open_image;
using purser::testing::digest_of;
using purser::testing::Filter;
using purser::testing::ImageBuilder;
using purser::testing::Layer;
using purser::testing::make_tar;
using purser::testing::media_type;
using purser::testing::TarEntry;
using purser::util::ErrorCode;
using purser::util::sha256_hex;

namespace {

ImageOptions capture_all() {
  ImageOptions o;
  o.capture = [](std::string_view) { return true; };
  return o;
}

std::vector<std::string> paths(ImageSource& image) {
  std::vector<purser::util::Diagnostic> diagnostics;
  std::vector<std::string> out;
  for (const auto& f : image.files([](std::string_view) { return true; }, diagnostics)) out.push_back(f.path);
  return out;
}

std::vector<std::string> messages(const ImageSource& image) {
  std::vector<std::string> out;
  for (const auto& d : image.diagnostics()) out.push_back(d.message);
  return out;
}

class ImageTest : public ::testing::Test, public ImageBuilder {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-img-XXXXXX";
    tmp = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(tmp); }

  std::unique_ptr<ImageSource> open(const std::string& target, const ImageOptions& options = capture_all()) {
    auto image = open_image(target, options);
    EXPECT_TRUE(image.ok()) << image.error().to_string();
    return image.ok() ? std::move(*image) : nullptr;
  }
  std::string read(const ImageSource& image, const std::string& path) {
    auto bytes = image.read(path, 1 << 20);
    return bytes.ok() ? *bytes : "error: " + bytes.error().message;
  }
  purser::util::Error fail(const std::string& target, const ImageOptions& options = capture_all()) {
    auto image = open_image(target, options);
    EXPECT_FALSE(image.ok());
    return image.ok() ? purser::util::Error{} : image.error();
  }
};

const std::vector<Layer> k_two_layers = {
    {{{"etc", 'd', ""}, {"etc/os-release", 'f', "ID=debian\n"}, {"usr/bin/tool", 'f', "binary"}},
     Filter::gzip,
     "ADD rootfs"},
    {{{"./var/lib/dpkg/status", 'f', "Package: a\n"}, {"/etc/os-release", 'f', "ID=debian\nVERSION_ID=12\n"}},
     Filter::gzip,
     "RUN apt-get install a"},
};

TEST_F(ImageTest, OciDirectoryWithGzipLayers) {
  std::string dir = oci_dir("oci", k_two_layers);
  auto image = open("oci-dir:" + dir);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->name(), "app:1.0");
  EXPECT_EQ(image->target(), "oci-dir:" + dir);
  EXPECT_EQ(paths(*image), (std::vector<std::string>{"etc/os-release", "usr/bin/tool", "var/lib/dpkg/status"}));
  EXPECT_EQ(read(*image, "etc/os-release"), "ID=debian\nVERSION_ID=12\n");
  EXPECT_EQ(image->layer_of("etc/os-release"), 1u);
  EXPECT_EQ(image->layer_of("usr/bin/tool"), 0u);
  EXPECT_EQ(image->layer_of("etc"), 0u);
  EXPECT_EQ(image->layer_of("nope"), SIZE_MAX);
  const auto& info = image->info();
  EXPECT_EQ(info.os, "linux");
  EXPECT_EQ(info.architecture, "amd64");
  ASSERT_EQ(info.layers.size(), 2u);
  EXPECT_EQ(info.layers[0].diff_id, digest_of(make_tar(k_two_layers[0].entries)));
  EXPECT_EQ(info.layers[0].digest, digest_of(make_tar(k_two_layers[0].entries, Filter::gzip)));
  EXPECT_EQ(info.layers[1].created_by, "RUN apt-get install a");
  EXPECT_EQ(info.layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(info.manifest_digest, info.ref.digest);
  auto history = image->history("etc/os-release");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].layer, 0u);
  EXPECT_EQ(history[0].bytes, "ID=debian\n");
  EXPECT_EQ(history[1].bytes, "ID=debian\nVERSION_ID=12\n");
  EXPECT_EQ(image->captured_paths(),
            (std::vector<std::string>{"etc/os-release", "usr/bin/tool", "var/lib/dpkg/status"}));
  EXPECT_TRUE(image->diagnostics().empty());
}

TEST_F(ImageTest, OnlyWantedFilesAreCaptured) {
  std::string dir = oci_dir("oci", k_two_layers);
  ImageOptions options;
  options.capture = [](std::string_view p) { return p == "var/lib/dpkg/status"; };
  auto image = open("oci-dir:" + dir, options);
  ASSERT_TRUE(image);
  EXPECT_EQ(read(*image, "var/lib/dpkg/status"), "Package: a\n");
  EXPECT_EQ(read(*image, "etc/os-release"), "error: cannot read etc/os-release: not captured");
  EXPECT_EQ(read(*image, "etc/missing"), "error: cannot read etc/missing: no such file in the image");
  EXPECT_EQ(image->captured_paths(), std::vector<std::string>{"var/lib/dpkg/status"});
  std::vector<purser::util::Diagnostic> diagnostics;
  auto files = image->files([](std::string_view p) { return p.rfind("etc/", 0) == 0; }, diagnostics);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].path, "etc/os-release");
  EXPECT_EQ(files[0].size, 24u);
}

TEST_F(ImageTest, OciArchiveWithZstdAndUncompressedLayers) {
  std::vector<Layer> layers = k_two_layers;
  layers[0].filter = Filter::zstd;
  layers[1].filter = Filter::none;
  oci_dir("oci", layers);
  std::string archive = tar("oci", "app.tar");
  auto image = open("oci-archive:" + archive);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->name(), "app:1.0");
  EXPECT_EQ(read(*image, "usr/bin/tool"), "binary");
  EXPECT_EQ(read(*image, "etc/os-release"), "ID=debian\nVERSION_ID=12\n");
  EXPECT_EQ(image->info().layers[0].media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
  // The same archive, bare: detected by its oci-layout member.
  EXPECT_TRUE(looks_like_image(archive));
  auto bare = open(archive);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->target(), archive);
  EXPECT_EQ(read(*bare, "usr/bin/tool"), "binary");
}

TEST_F(ImageTest, CompressedOuterArchiveIsReadInOnePass) {
  oci_dir("oci", k_two_layers);
  std::string archive = tar("oci", "app.tar.gz", "-czf");
  ImageOptions options = capture_all();
  options.threads = 4;
  auto image = open("oci-archive:" + archive, options);
  ASSERT_TRUE(image);
  EXPECT_EQ(paths(*image), (std::vector<std::string>{"etc/os-release", "usr/bin/tool", "var/lib/dpkg/status"}));
  EXPECT_EQ(read(*image, "var/lib/dpkg/status"), "Package: a\n");
}

TEST_F(ImageTest, LegacyDockerArchive) {
  std::string archive = legacy_archive("legacy", k_two_layers, R"("app:1.0","app:latest")");
  auto image = open("docker-archive:" + archive);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->name(), "app:1.0");
  EXPECT_TRUE(image->info().ref.digest_is_image_id);
  EXPECT_EQ(image->info().manifest_digest, "");
  EXPECT_EQ(image->info().layers[1].digest, digest_of(make_tar(k_two_layers[1].entries)));
  EXPECT_EQ(image->info().layers[1].media_type, "application/vnd.docker.image.rootfs.diff.tar");
  EXPECT_EQ(read(*image, "etc/os-release"), "ID=debian\nVERSION_ID=12\n");
  EXPECT_EQ(image->layer_of("var/lib/dpkg/status"), 1u);
  EXPECT_TRUE(looks_like_image(archive));
  auto bare = open(archive);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->name(), "app:1.0");
}

TEST_F(ImageTest, LegacyLayerMembersMayBeSymbolicLinks) {
  std::string archive = legacy_archive("skopeo", k_two_layers, R"("docker.io/bench/app:latest")", true);
  auto image = open("docker-archive:" + archive);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->name(), "docker.io/bench/app:latest");
  EXPECT_EQ(image->info().layers[0].member, image->info().layers[0].digest.substr(7) + ".tar");
  EXPECT_EQ(read(*image, "etc/os-release"), "ID=debian\nVERSION_ID=12\n");
}

TEST_F(ImageTest, LegacyLayerNotMatchingItsDiffIdFails) {
  std::string archive = legacy_archive("legacy", k_two_layers, R"("app:1.0")");
  // Rewrite layer 1 with other bytes, keeping the config (and so the diff_id) as it was.
  std::string id = sha256_hex("layer1");
  std::string tampered = make_tar({{"etc/os-release", 'f', "ID=evil\n"}});
  write("legacy/" + id + "/layer.tar", tampered);
  archive = tar("legacy", "legacy2.tar");
  auto error = fail("docker-archive:" + archive);
  EXPECT_EQ(error.code, ErrorCode::verify);
  EXPECT_EQ(error.message, "layer 1 (" + digest_of(make_tar(k_two_layers[1].entries)) +
                               "): blob does not match its digest (" + digest_of(tampered) + ")");
  EXPECT_EQ(error.location.path, archive);
}

TEST_F(ImageTest, Docker25ArchiveWithIndexJson) {
  std::vector<Layer> layers = k_two_layers;
  for (auto& l : layers) l.filter = Filter::none;
  auto m = manifest("d25", layers);
  index("d25", m.descriptor, "1.0");
  write("d25/manifest.json", R"([{"Config":"blobs/sha256/)" + m.config.substr(7) +
                                 R"(","RepoTags":["app:1.0"],"Layers":["blobs/sha256/)" + m.layers[0].substr(7) +
                                 R"(","blobs/sha256/)" + m.layers[1].substr(7) + R"("]}])");
  ImageOptions options = capture_all();
  options.threads = 2;
  auto image = open("docker-archive:" + tar("d25", "d25.tar"), options);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->name(), "app:1.0");
  EXPECT_EQ(image->info().ref.digest, m.digest);
  EXPECT_EQ(image->info().layers[0].digest, image->info().layers[0].diff_id);
  EXPECT_EQ(read(*image, "var/lib/dpkg/status"), "Package: a\n");
}

TEST_F(ImageTest, SeveralImagesArePickedByTag) {
  auto a = manifest("multi", k_two_layers);
  auto b = manifest("multi", {{{{"b", 'f', "image b"}}, Filter::gzip, ""}});
  auto named = [](const Manifest& m, const std::string& name) {
    return m.descriptor.substr(0, m.descriptor.size() - 1) + R"(,"annotations":{"io.containerd.image.name":")" + name +
           "\"}}";
  };
  write("multi/oci-layout", "{}");
  write("multi/index.json", R"({"manifests":[)" + named(a, "app:a") + "," + named(b, "app:b") + "]}");
  auto error = fail("oci-dir:" + tmp + "/multi");
  EXPECT_EQ(error.code, ErrorCode::usage);
  EXPECT_EQ(error.message, "several images in oci-dir:" + tmp + "/multi: name one of them (app:a, app:b)");
  ImageOptions options = capture_all();
  options.image = "app:b";
  auto image = open("oci-dir:" + tmp + "/multi", options);
  ASSERT_TRUE(image);
  EXPECT_EQ(image->name(), "app:b");
  EXPECT_EQ(read(*image, "b"), "image b");
}

class PlatformTest : public ImageTest {
 protected:
  // An index blob naming one manifest per platform, as docker buildx and containerd write them.
  std::string layout(const std::vector<std::pair<std::string, std::string>>& platforms) {
    std::string descriptors;
    for (const auto& [arch, variant] : platforms) {
      auto m = manifest("multi", {{{{"arch", 'f', arch + variant}}, Filter::gzip, ""}}, arch, variant);
      descriptors += (descriptors.empty() ? "" : ",") + m.descriptor;
    }
    std::string list = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" +
                       descriptors + "]}";
    digest = blob("multi", list);
    index("multi", R"({"mediaType":"application/vnd.oci.image.index.v1+json","digest":")" + digest + R"(","size":)" +
                       std::to_string(list.size()) + "}");
    return "oci-dir:" + tmp + "/multi";
  }
  std::string digest;  // of the index blob
};

TEST_F(PlatformTest, SeveralPlatformsWithoutAmd64NeedAChoice) {
  std::string target = layout({{"arm64", "v8"}, {"arm", "v7"}});
  auto error = fail(target);
  EXPECT_EQ(error.code, ErrorCode::usage);
  EXPECT_EQ(error.message,
            "several platforms in index " + digest + ": choose one of them (linux/arm64/v8, linux/arm/v7)");
  ImageOptions options = capture_all();
  options.platform = "linux/arm/v7";
  auto arm = open(target, options);
  ASSERT_TRUE(arm);
  EXPECT_EQ(read(*arm, "arch"), "armv7");
  EXPECT_EQ(arm->info().variant, "v7");
  EXPECT_NE(arm->info().manifest_digest, arm->info().ref.digest);
  options.platform = "linux/arm64";  // no variant: any variant matches
  auto arm64 = open(target, options);
  ASSERT_TRUE(arm64);
  EXPECT_EQ(read(*arm64, "arch"), "arm64v8");
  options.platform = "linux/s390x";
  auto missing = fail(target, options);
  EXPECT_EQ(missing.code, ErrorCode::usage);
  EXPECT_EQ(missing.message,
            "no image for platform linux/s390x in index " + digest + " (found: linux/arm64/v8, linux/arm/v7)");
}

TEST_F(PlatformTest, LinuxAmd64IsTheDefault) {
  std::string target = layout({{"arm64", "v8"}, {"amd64", ""}});
  auto image = open(target);
  ASSERT_TRUE(image);
  EXPECT_EQ(read(*image, "arch"), "amd64");
  EXPECT_EQ(image->info().architecture, "amd64");
}

TEST_F(PlatformTest, IndexJsonListingPlatformsDirectly) {
  auto arm = manifest("flat", {{{{"arch", 'f', "arm64"}}, Filter::gzip, ""}}, "arm64", "v8");
  auto amd = manifest("flat", {{{{"arch", 'f', "amd64"}}, Filter::gzip, ""}}, "amd64");
  write("flat/oci-layout", "{}");
  write("flat/index.json", R"({"manifests":[)" + arm.descriptor + "," + amd.descriptor + "]}");
  auto image = open("oci-dir:" + tmp + "/flat");
  ASSERT_TRUE(image);
  EXPECT_EQ(read(*image, "arch"), "amd64");
  EXPECT_EQ(image->info().ref.digest, amd.digest);
  ImageOptions options = capture_all();
  options.platform = "linux/arm64/v8";
  auto picked = open("oci-dir:" + tmp + "/flat", options);
  ASSERT_TRUE(picked);
  EXPECT_EQ(read(*picked, "arch"), "arm64");
}

TEST_F(PlatformTest, ThePlatformMustMatchASinglePlatformImage) {
  std::string dir = oci_dir("oci", k_two_layers);
  ImageOptions options = capture_all();
  options.platform = "linux/arm64";
  auto error = fail("oci-dir:" + dir, options);
  EXPECT_EQ(error.code, ErrorCode::usage);
  EXPECT_EQ(error.message, "no image for platform linux/arm64 in oci-dir:" + dir + " (found: linux/amd64)");
}

// Four layers: whiteouts, an opaque directory, a deleted tree, a directory replaced by a file.
const std::vector<Layer> k_whiteout_layers = {
    {{{"etc/a", 'f', "a0"},
      {"etc/b", 'f', "b0"},
      {"usr/lib/x/one", 'f', "one"},
      {"usr/lib/x/two", 'f', "two"},
      {"usr/lib/y", 'f', "y"},
      {"var/keep", 'f', "keep"},
      {"opt/tree/leaf", 'f', "leaf"}},
     Filter::gzip,
     "base"},
    {{{"etc/.wh.a", 'f', ""},
      {"usr/lib/x/.wh..wh..opq", 'f', ""},
      {"usr/lib/x/three", 'f', "three"},
      {"etc/b", 'f', "b1"}},
     Filter::zstd,
     "remove a"},
    {{{"etc/a", 'f', "a2"}, {"usr/.wh.lib", 'f', ""}, {"usr/lib-other", 'f', "other"}}, Filter::none, "restore a"},
    {{{"opt/tree", 'f', "now a file"}, {"etc/b", 'l', "a"}}, Filter::gzip, "replace"},
};

TEST_F(ImageTest, WhiteoutsAndOpaqueDirectoriesAcrossLayers) {
  std::string dir = oci_dir("oci", k_whiteout_layers);
  ImageOptions options = capture_all();
  options.threads = 3;
  auto image = open("oci-dir:" + dir, options);
  ASSERT_TRUE(image);
  EXPECT_EQ(paths(*image), (std::vector<std::string>{"etc/a", "opt/tree", "usr/lib-other", "var/keep"}));
  EXPECT_EQ(read(*image, "etc/a"), "a2");
  EXPECT_EQ(read(*image, "etc/b"), "a2");  // a symlink now, followed inside the image
  EXPECT_EQ(image->layer_of("etc/a"), 2u);
  EXPECT_EQ(image->layer_of("etc/b"), 3u);
  EXPECT_EQ(image->layer_of("usr/lib/x/three"), SIZE_MAX);
  EXPECT_EQ(image->layer_of("opt/tree/leaf"), SIZE_MAX);
  EXPECT_EQ(image->layer_of("var/keep"), 0u);

  auto summary = [&](const std::string& path) {
    std::string out;
    for (const FileVersion& v : image->history(path))
      out += std::to_string(v.layer) + (v.deleted ? ":deleted " : ":" + v.bytes + " ");
    return out;
  };
  EXPECT_EQ(summary("etc/a"), "0:a0 1:deleted 2:a2 ");
  EXPECT_EQ(summary("etc/b"), "0:b0 1:b1 3:deleted ");
  EXPECT_EQ(summary("usr/lib/x/one"), "0:one 1:deleted ");
  EXPECT_EQ(summary("usr/lib/x/three"), "1:three 2:deleted ");
  EXPECT_EQ(summary("usr/lib/y"), "0:y 2:deleted ");
  EXPECT_EQ(summary("opt/tree/leaf"), "0:leaf 3:deleted ");
  EXPECT_EQ(summary("opt/tree"), "3:now a file ");
  EXPECT_EQ(summary("never"), "");
  EXPECT_EQ(image->captured_paths(),
            (std::vector<std::string>{"etc/a", "etc/b", "opt/tree", "opt/tree/leaf", "usr/lib-other", "usr/lib/x/one",
                                      "usr/lib/x/three", "usr/lib/x/two", "usr/lib/y", "var/keep"}));
}

TEST_F(ImageTest, ParallelAndSerialStreamingAgree) {
  std::string dir = oci_dir("oci", k_whiteout_layers);
  ImageOptions serial = capture_all();
  ImageOptions parallel = capture_all();
  parallel.threads = 8;
  auto a = open("oci-dir:" + dir, serial);
  auto b = open("oci-dir:" + dir, parallel);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(paths(*a), paths(*b));
  EXPECT_EQ(a->captured_paths(), b->captured_paths());
}

TEST_F(ImageTest, RepeatedLayerBlobsAreStreamedOnceAndAppliedTwice) {
  Layer base{{{"f", 'f', "one"}}, Filter::gzip, ""};
  Layer wipe{{{".wh.f", 'f', ""}}, Filter::gzip, ""};
  std::string dir = oci_dir("oci", {base, wipe, base});
  auto image = open("oci-dir:" + dir);
  ASSERT_TRUE(image);
  auto history = image->history("f");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].layer, 2u);
  EXPECT_EQ(history[2].bytes, "one");
  EXPECT_EQ(image->layer_of("f"), 2u);
}

TEST_F(ImageTest, TamperedLayerNamesTheLayer) {
  std::string dir = oci_dir("oci", k_two_layers);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  std::string digest = m->info().layers[1].digest;
  std::string bytes = make_tar(k_two_layers[1].entries, Filter::gzip);
  bytes[bytes.size() - 5] ^= 1;  // the gzip trailer: same size, other bytes
  std::ofstream(blob_file("oci", digest), std::ios::binary | std::ios::trunc) << bytes;
  auto error = fail("oci-dir:" + dir);
  EXPECT_EQ(error.code, ErrorCode::verify);
  EXPECT_EQ(error.to_string(),
            dir + ": layer 1 (" + digest + "): blob does not match its digest (" + digest_of(bytes) + ")");
}

TEST_F(ImageTest, LayerOfTheWrongSize) {
  std::string dir = oci_dir("oci", k_two_layers);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  std::string digest = m->info().layers[0].digest;
  std::string bytes = make_tar(k_two_layers[0].entries, Filter::gzip);
  std::ofstream(blob_file("oci", digest), std::ios::binary | std::ios::trunc) << bytes << "tail";
  auto error = fail("oci-dir:" + dir);
  EXPECT_EQ(error.code, ErrorCode::verify);
  EXPECT_EQ(error.message, "layer 0 (" + digest + "): blob has " + std::to_string(bytes.size() + 4) +
                               " bytes, manifest says " + std::to_string(bytes.size()));
}

TEST_F(ImageTest, TamperedConfigFails) {
  std::string dir = oci_dir("oci", k_two_layers);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  std::string config = m->info().ref.config_digest;
  std::ofstream(blob_file("oci", config), std::ios::app) << " ";
  auto error = fail("oci-dir:" + dir);
  EXPECT_EQ(error.code, ErrorCode::verify);
  EXPECT_EQ(error.message.substr(0, error.message.find(" does not")),
            "manifest " + m->info().manifest_digest + ": config: blob " + config);
}

TEST_F(ImageTest, ManifestPointingAtAMissingBlob) {
  std::string dir = oci_dir("oci", k_two_layers);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  std::string digest = m->info().layers[1].digest;
  fs::remove(blob_file("oci", digest));
  auto error = fail("oci-dir:" + dir);
  EXPECT_EQ(error.code, ErrorCode::parse);
  EXPECT_EQ(error.to_string(), dir + ": layer 1 (" + digest + "): blob is missing: blobs/sha256/" + digest.substr(7));
  // The same in an archive.
  auto archived = fail("oci-archive:" + tar("oci", "gone.tar"));
  EXPECT_EQ(archived.message, "layer 1 (" + digest + "): blob is missing: blobs/sha256/" + digest.substr(7));
}

TEST_F(ImageTest, TruncatedLayer) {
  // Truncated after the manifest was written: the size check catches it.
  std::string dir = oci_dir("oci", k_two_layers);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  std::string digest = m->info().layers[0].digest;
  std::string bytes = make_tar(k_two_layers[0].entries, Filter::gzip);
  std::ofstream(blob_file("oci", digest), std::ios::binary | std::ios::trunc) << bytes.substr(0, 40);
  auto error = fail("oci-dir:" + dir);
  EXPECT_EQ(error.code, ErrorCode::verify);
  EXPECT_EQ(error.message,
            "layer 0 (" + digest + "): blob has 40 bytes, manifest says " + std::to_string(bytes.size()));

  // A manifest written for the truncated blob: the tar itself is malformed.
  std::string full = make_tar({{"big", 'f', std::string(5000, 'x')}});
  Layer cut{{}, Filter::none, ""};
  std::string cut_dir = oci_dir("cut", {cut});
  auto c = open("oci-dir:" + cut_dir);
  ASSERT_TRUE(c);
  // Rebuild by hand: an uncompressed layer of the first 2048 bytes of `full`.
  std::string truncated = full.substr(0, 2048);
  std::string layer = blob("cut", truncated);
  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string config_digest = blob("cut", config);
  std::string manifest_bytes =
      R"({"schemaVersion":2,"config":{"digest":")" + config_digest + R"(","size":)" + std::to_string(config.size()) +
      R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + layer + R"(","size":2048}]})";
  std::string manifest_digest = blob("cut", manifest_bytes);
  write("cut/index.json", R"({"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                              manifest_digest + "\"}]}");
  auto malformed = fail("oci-dir:" + cut_dir);
  EXPECT_EQ(malformed.code, ErrorCode::parse);
  EXPECT_EQ(malformed.message,
            "layer 0 (" + layer + "): malformed layer: truncated tar archive at byte 2048 of the tar stream");
}

TEST_F(ImageTest, PathTraversalNamesAreSkipped) {
  std::string dir = oci_dir("oci", {{{{"../x", 'f', "out"},
                                      {"a/../../y", 'f', "out"},
                                      {"/abs/file", 'f', "abs"},
                                      {"./ok//./fine", 'f', "ok"},
                                      {"link", 'h', "../../etc/passwd"}},
                                     Filter::gzip,
                                     ""}});
  auto image = open("oci-dir:" + dir);
  ASSERT_TRUE(image);
  EXPECT_EQ(paths(*image), (std::vector<std::string>{"abs/file", "ok/fine"}));
  EXPECT_EQ(read(*image, "abs/file"), "abs");
  std::string layer = "layer 0 (" + image->info().layers[0].digest + "): ";
  EXPECT_EQ(messages(*image), (std::vector<std::string>{
                                  layer + "entry ../x skipped: its path leaves the image root",
                                  layer + "entry a/../../y skipped: its path leaves the image root",
                                  layer + "hard link link skipped: its target ../../etc/passwd leaves the image root",
                              }));
  EXPECT_EQ(image->diagnostics()[0].location.path, dir);
  EXPECT_EQ(read(*image, "../x"), "error: cannot read ../x: not a relative path");
  EXPECT_EQ(read(*image, "/abs/file"), "error: cannot read /abs/file: not a relative path");
}

TEST_F(ImageTest, SymlinksAreResolvedInsideTheImageOnly) {
  std::string dir = oci_dir("oci", {{{{"usr/lib", 'd', ""},
                                      {"usr/lib/os-release", 'f', "ID=test\n"},
                                      {"lib", 'l', "usr/lib"},
                                      {"etc/os-release", 'l', "../usr/lib/os-release"},
                                      {"etc/abs", 'l', "/lib/os-release"},
                                      {"loop1", 'l', "loop2"},
                                      {"loop2", 'l', "./loop1"},
                                      {"etc/escape", 'l', "../../../etc/passwd"},
                                      {"deep/dotdot", 'l', "../../x"}},
                                     Filter::gzip,
                                     ""}});
  auto image = open("oci-dir:" + dir);
  ASSERT_TRUE(image);
  EXPECT_EQ(paths(*image), std::vector<std::string>{"usr/lib/os-release"});
  EXPECT_EQ(read(*image, "etc/os-release"), "ID=test\n");
  EXPECT_EQ(read(*image, "etc/abs"), "ID=test\n");
  EXPECT_EQ(read(*image, "lib/os-release"), "ID=test\n");
  EXPECT_EQ(read(*image, "loop1"), "error: cannot read loop1: too many levels of symbolic links");
  EXPECT_EQ(read(*image, "etc/escape"),
            "error: cannot read etc/escape: symbolic link etc/escape escapes the image root (-> ../../../etc/passwd)");
  EXPECT_EQ(read(*image, "deep/dotdot"),
            "error: cannot read deep/dotdot: symbolic link deep/dotdot escapes the image root (-> ../../x)");
  EXPECT_EQ(read(*image, "lib"), "error: cannot read lib: not a regular file");
}

TEST_F(ImageTest, HardLinks) {
  std::string dir = oci_dir("oci", {{{{"bin/real", 'f', "elf"},
                                      {"bin/alias", 'h', "bin/real"},
                                      {"meta/real", 'f', "metadata"},
                                      {"meta/alias", 'h', "./meta/real"},
                                      {"bin/dangling", 'h', "bin/missing"},
                                      {"meta/sym", 'l', "real"},
                                      {"meta/hsym", 'h', "meta/sym"}},
                                     Filter::gzip,
                                     ""}});
  ImageOptions options;
  // bin/alias is wanted but its target is not: the layer is read a second time for it.
  options.capture = [](std::string_view p) { return p == "bin/alias" || p.rfind("meta/", 0) == 0; };
  auto image = open("oci-dir:" + dir, options);
  ASSERT_TRUE(image);
  EXPECT_EQ(paths(*image), (std::vector<std::string>{"bin/alias", "bin/real", "meta/alias", "meta/real"}));
  EXPECT_EQ(read(*image, "bin/alias"), "elf");
  EXPECT_EQ(read(*image, "bin/real"), "error: cannot read bin/real: not captured");
  EXPECT_EQ(read(*image, "meta/alias"), "metadata");
  EXPECT_EQ(read(*image, "meta/hsym"), "metadata");  // a hard link to a symbolic link is that link
  std::vector<purser::util::Diagnostic> diagnostics;
  auto files = image->files([](std::string_view p) { return p == "bin/alias"; }, diagnostics);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].size, 3u);
  EXPECT_EQ(messages(*image), std::vector<std::string>{"layer 0 (" + image->info().layers[0].digest +
                                                       "): hard link bin/dangling skipped: target bin/missing is not "
                                                       "a file in the image"});
}

TEST_F(ImageTest, DecompressionBomb) {
  std::string dir = oci_dir("oci", {{{{"zeros", 'f', std::string(4 << 20, '\0')}}, Filter::gzip, ""}});
  ImageOptions options;
  options.limits.max_expanded = 1 << 20;
  auto error = fail("oci-dir:" + dir, options);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  EXPECT_EQ(error.code, ErrorCode::unsupported);
  EXPECT_EQ(error.message, "layer 0 (" + m->info().layers[0].digest + "): expands beyond the limit of 1048576 bytes");
}

TEST_F(ImageTest, VeryDeepTree) {
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "d/";
  std::string dir = oci_dir("oci", {{{{deep + "f", 'f', "x"}}, Filter::gzip, ""}});
  ImageOptions options;
  options.limits.max_path_depth = 32;
  auto error = fail("oci-dir:" + dir, options);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  EXPECT_EQ(error.code, ErrorCode::unsupported);
  EXPECT_EQ(error.message, "layer 0 (" + m->info().layers[0].digest + "): entry " + deep.substr(0, 64) +
                               "...: path has 41 components, more than the limit of 32");
}

TEST_F(ImageTest, TooManyEntries) {
  std::string dir = oci_dir("oci", {{{{"a", 'f', ""}, {"b", 'f', ""}}, Filter::gzip, ""},
                                    {{{"c", 'f', ""}, {"d", 'f', ""}}, Filter::gzip, ""}});
  ImageOptions options;
  options.limits.max_entries = 3;
  auto error = fail("oci-dir:" + dir, options);
  auto m = open("oci-dir:" + dir);
  ASSERT_TRUE(m);
  EXPECT_EQ(error.code, ErrorCode::unsupported);
  EXPECT_EQ(error.message, "layer 1 (" + m->info().layers[1].digest + "): more than 3 entries");
}

TEST_F(ImageTest, CaptureLimits) {
  std::string dir =
      oci_dir("oci", {{{{"small", 'f', "tiny"}, {"large", 'f', std::string(100, 'L')}}, Filter::gzip, ""}});
  ImageOptions options = capture_all();
  options.limits.max_captured_file = 50;
  auto image = open("oci-dir:" + dir, options);
  ASSERT_TRUE(image);
  EXPECT_EQ(read(*image, "small"), "tiny");
  EXPECT_EQ(read(*image, "large"), "error: cannot read large: not captured");
  EXPECT_EQ(messages(*image), std::vector<std::string>{"layer 0 (" + image->info().layers[0].digest +
                                                       "): large: 100 bytes, over the capture limit of 50: not "
                                                       "captured"});
  auto history = image->history("large");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_FALSE(history[0].captured);
  EXPECT_FALSE(history[0].deleted);
  auto small_read = image->read("small", 2);
  ASSERT_FALSE(small_read.ok());
  EXPECT_EQ(small_read.error().message, "cannot read small: 4 bytes, over the limit of 2");

  options.limits.max_captured_file = 1000;
  options.limits.max_captured_total = 50;
  auto error = fail("oci-dir:" + dir, options);
  EXPECT_EQ(error.code, ErrorCode::unsupported);
  EXPECT_EQ(error.message,
            "layer 0 (" + image->info().layers[0].digest + "): captured files exceed the limit of 50 bytes at large");
}

TEST_F(ImageTest, NotAnImage) {
  write("plain/file", "x");
  EXPECT_FALSE(looks_like_image(tmp + "/plain"));
  EXPECT_FALSE(looks_like_image(tmp + "/plain/file"));
  EXPECT_FALSE(looks_like_image(tmp + "/nope"));
  auto error = fail(tmp + "/plain");
  EXPECT_EQ(error.code, ErrorCode::usage);
  EXPECT_EQ(error.message,
            "not an image: " + tmp + "/plain (expected docker-archive:FILE, oci-dir:DIR or oci-archive:FILE)");
  std::string dir = oci_dir("oci", k_two_layers);
  EXPECT_TRUE(looks_like_image(dir));
  auto bare = open(dir);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->target(), dir);
}

}  // namespace
