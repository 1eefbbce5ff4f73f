// Fuzz target for image resolution: the input is split at the first NUL into index.json and manifest.json of an
// OCI layout directory (written to a per-process temp dir), plus one blob named by the digest of the remainder.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "lib/source/image_ref.hpp"
#include "lib/util/hash.hpp"

namespace {

const std::string& layout_dir() {
  static const std::string dir = [] {
    std::string d =
        std::filesystem::temp_directory_path().string() + "/purser-image-fuzz-" + std::to_string(::getpid());
    std::filesystem::create_directories(d + "/blobs/sha256");
    return d;
  }();
  return dir;
}

void put(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto nul = bytes.find('\0');
  std::string_view index = bytes.substr(0, nul);
  std::string_view manifest = nul == std::string_view::npos ? std::string_view() : bytes.substr(nul + 1);
  const std::string& dir = layout_dir();
  std::filesystem::remove_all(dir + "/blobs/sha256");
  std::filesystem::create_directories(dir + "/blobs/sha256");
  put(dir + "/index.json", index);
  put(dir + "/manifest.json", manifest.empty() ? std::string_view("[]") : manifest);
  put(dir + "/blobs/sha256/" + purser::util::sha256_hex(manifest), manifest);
  (void)purser::source::resolve_image("oci-dir:" + dir);
  return 0;
}
