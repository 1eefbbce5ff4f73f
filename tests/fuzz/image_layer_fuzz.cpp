// Fuzz target for image layers and manifests: the input is written into an OCI layout directory (per-process temp
// dir) and opened with open_image under small limits, then every file, history and link is read back. An input
// starting with '{' is the image manifest (pointing at a fixed one-file layer and config); anything else is the
// layer blob itself, named by its own digest so that streaming, whiteouts and links are exercised.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "lib/source/image.hpp"
#include "lib/util/hash.hpp"

namespace {

// Removed when the process exits.
struct TempDir {
  TempDir()
      : path(std::filesystem::temp_directory_path().string() + "/purser-image-layer-fuzz-" +
             std::to_string(::getpid())) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string path;
};

const std::string& layout_dir() {
  static const TempDir dir;
  return dir.path;
}

void put(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string blob(const std::string& dir, std::string_view bytes) {
  std::string hex = purser::util::sha256_hex(bytes);
  put(dir + "/blobs/sha256/" + hex, bytes);
  return "sha256:" + hex;
}

// An empty tar: just the two zero blocks that end an archive.
const std::string k_empty_tar(1024, '\0');

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string& dir = layout_dir();
  std::filesystem::remove_all(dir + "/blobs");
  std::filesystem::create_directories(dir + "/blobs/sha256");
  put(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string config_digest = blob(dir, config);
  std::string manifest;
  if (!bytes.empty() && bytes.front() == '{') {
    blob(dir, k_empty_tar);
    manifest = std::string(bytes);
  } else {
    std::string layer = blob(dir, bytes);
    manifest = R"({"schemaVersion":2,"config":{"digest":")" + config_digest + R"(","size":)" +
               std::to_string(config.size()) +
               R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + layer +
               R"(","size":)" + std::to_string(bytes.size()) + "},{\"digest\":\"" + layer + "\"}]}";
  }
  std::string manifest_digest = blob(dir, manifest);
  put(dir + "/index.json", R"({"manifests":[{"digest":")" + manifest_digest + "\"}]}");

  purser::source::ImageOptions options;
  options.capture = [](std::string_view) { return true; };
  options.limits.max_captured_file = 1 << 16;
  options.limits.max_captured_total = 1 << 20;
  options.limits.max_entries = 10000;
  options.limits.max_path_depth = 64;
  options.limits.max_expanded = 16 << 20;
  auto image = purser::source::open_image("oci-dir:" + dir, options);
  if (!image.ok()) return 0;
  auto& source = **image;
  std::vector<purser::util::Diagnostic> diagnostics;
  for (const auto& f : source.files(nullptr, diagnostics)) (void)source.read(f.path, 1 << 16);
  for (const auto& p : source.captured_paths()) {
    (void)source.history(p);
    (void)source.layer_of(p);
    (void)source.read(p, 1 << 16);
  }
  return 0;
}
