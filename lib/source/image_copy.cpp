#include "lib/source/image_copy.hpp"

// OCI image layout (image-spec layout.md) and Docker 25's `docker save` format (the same layout plus manifest.json);
// Docker image manifest v2 schema 2 for legacy archives, which store only a config and uncompressed layer tars.

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "lib/registry/client.hpp"
#include "lib/source/image.hpp"
#include "lib/source/image_ref.hpp"
#include "lib/util/file.hpp"

namespace purser::source {

namespace {

using json = nlohmann::json;
using util::ErrorCode;
using util::make_error;
namespace fs = std::filesystem;

constexpr std::size_t k_block = 1u << 20;
constexpr std::uint64_t k_max_small_blob = 8u << 20;
constexpr const char* k_docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr const char* k_docker_config = "application/vnd.docker.container.image.v1+json";
constexpr const char* k_docker_layer = "application/vnd.docker.image.rootfs.diff.tar";
constexpr const char* k_oci_manifest = "application/vnd.oci.image.manifest.v1+json";

// One member of a local image store, read front to back: a file under a layout directory or a member of a tar.
class LocalBlob {
 public:
  static util::Result<std::unique_ptr<LocalBlob>> open(const ImageManifest& m, const std::string& member) {
    auto out = std::unique_ptr<LocalBlob>(new LocalBlob());
    out->m_where = m.path + (m.directory ? "/" : ":") + member;
    if (m.directory) {
      out->m_fd = ::open((m.path + "/" + member).c_str(), O_RDONLY | O_CLOEXEC);
      if (out->m_fd < 0)
        return make_error(ErrorCode::io, std::string("cannot open blob: ") + std::strerror(errno), {out->m_where});
      out->m_size = static_cast<std::uint64_t>(::lseek(out->m_fd, 0, SEEK_END));
      ::lseek(out->m_fd, 0, SEEK_SET);
      return out;
    }
    out->m_tar = archive_read_new();
    archive_read_support_format_tar(out->m_tar);
    archive_read_support_format_gnutar(out->m_tar);
    archive_read_support_filter_gzip(out->m_tar);
    archive_read_support_filter_zstd(out->m_tar);
    if (archive_read_open_filename(out->m_tar, m.path.c_str(), k_block) != ARCHIVE_OK)
      return make_error(ErrorCode::io, "cannot read image archive", {m.path});
    archive_entry* entry = nullptr;
    for (;;) {
      int r = archive_read_next_header(out->m_tar, &entry);
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return make_error(ErrorCode::parse, "blob is missing", {out->m_where});
      const char* name = archive_entry_pathname(entry);
      std::string_view n = name ? name : "";
      while (n.size() >= 2 && n.substr(0, 2) == "./") n.remove_prefix(2);
      if (archive_entry_filetype(entry) == AE_IFREG && n == member) break;
    }
    out->m_size = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
    return out;
  }
  ~LocalBlob() {
    if (m_fd >= 0) ::close(m_fd);
    if (m_tar) archive_read_free(m_tar);
  }
  LocalBlob(const LocalBlob&) = delete;
  LocalBlob& operator=(const LocalBlob&) = delete;

  std::uint64_t size() const { return m_size; }
  util::Result<std::size_t> read(char* buffer, std::size_t max) {
    if (m_fd >= 0) {
      for (;;) {
        ssize_t n = ::read(m_fd, buffer, max);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR)
          return make_error(ErrorCode::io, std::string("cannot read blob: ") + std::strerror(errno), {m_where});
      }
    }
    la_ssize_t n = archive_read_data(m_tar, buffer, max);
    if (n < 0) return make_error(ErrorCode::parse, "cannot read blob: truncated archive", {m_where});
    return static_cast<std::size_t>(n);
  }
  util::Result<std::string> read_all(std::uint64_t max_bytes) {
    if (m_size > max_bytes) return make_error(ErrorCode::io, "blob is larger than expected", {m_where});
    std::string out(m_size, '\0');
    std::size_t got = 0;
    while (got < out.size()) {
      auto n = read(out.data() + got, out.size() - got);
      if (!n.ok()) return n.error();
      if (*n == 0) return make_error(ErrorCode::parse, "blob is truncated", {m_where});
      got += *n;
    }
    return out;
  }

 private:
  LocalBlob() = default;
  int m_fd = -1;
  archive* m_tar = nullptr;
  std::uint64_t m_size = 0;
  std::string m_where;
};

std::string member_of(const std::string& digest) {
  return digest.rfind("sha256:", 0) == 0 ? "blobs/sha256/" + digest.substr(7) : std::string();
}

util::Status push_member(registry::Client& client, const registry::Reference& repo, const ImageManifest& m,
                         const std::string& member, const std::string& digest, CopyResult& out) {
  auto blob = LocalBlob::open(m, member);
  if (!blob.ok()) return blob.error();
  LocalBlob& b = **blob;
  auto st =
      client.push_blob(repo, digest, b.size(), [&](char* buffer, std::size_t max) { return b.read(buffer, max); });
  if (!st.ok()) return st;
  ++out.blobs;
  out.bytes += b.size();
  return util::Ok{};
}

// Writes `bytes` to `path` (a new file).
util::Status write_new(const std::string& path, std::string_view bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return make_error(ErrorCode::io, std::string("cannot write: ") + std::strerror(errno), {path});
  return util::Ok{};
}

}  // namespace

util::Result<CopyResult> push_image(std::string_view target, std::string_view image, std::string_view platform,
                                    const std::shared_ptr<registry::Client>& client,
                                    const registry::Reference& destination) {
  std::string resolved(target);
  if (!is_image_target(target)) {
    if (!looks_like_image(target))
      return make_error(ErrorCode::usage, "not an image: " + std::string(target) +
                                              " (expected docker-archive:FILE, oci-dir:DIR or oci-archive:FILE)");
    std::error_code ec;
    resolved = (fs::is_directory(std::string(target), ec) ? "oci-dir:" : "docker-archive:") + std::string(target);
  }
  if (resolved.rfind("registry:", 0) == 0)
    return make_error(ErrorCode::usage, "push copies a local image: " + resolved + " is already in a registry");
  auto manifest = resolve_image_manifest(resolved, image, platform);
  if (!manifest.ok()) return manifest.error();
  const ImageManifest& m = *manifest;
  const ImageInfo& info = m.info;
  registry::Reference repo = destination;
  CopyResult out;

  // Config and layers first: a registry accepts a manifest only when the blobs it names are there.
  bool legacy = info.manifest_digest.empty();
  std::string config_member = legacy ? info.ref.config_digest.substr(7) + ".json" : member_of(info.ref.config_digest);
  if (legacy) {
    // Older `docker save` names the config "<hex>.json"; Docker 25 keeps it under blobs/.
    auto probe = LocalBlob::open(m, config_member);
    if (!probe.ok()) config_member = member_of(info.ref.config_digest);
  }
  auto config = LocalBlob::open(m, config_member);
  if (!config.ok()) return config.error();
  auto config_bytes = (*config)->read_all(k_max_small_blob);
  if (!config_bytes.ok()) return config_bytes.error();
  if (auto st = push_member(*client, repo, m, config_member, info.ref.config_digest, out); !st.ok()) return st.error();
  for (const auto& layer : info.layers)
    if (auto st = push_member(*client, repo, m, layer.member, layer.digest, out); !st.ok()) return st.error();

  std::string media_type, bytes;
  if (legacy) {
    json layers = json::array();
    for (const auto& layer : info.layers)
      layers.push_back({{"mediaType", k_docker_layer}, {"size", layer.size}, {"digest", layer.digest}});
    json doc = {{"schemaVersion", 2},
                {"mediaType", k_docker_manifest},
                {"config",
                 {{"mediaType", k_docker_config}, {"size", config_bytes->size()}, {"digest", info.ref.config_digest}}},
                {"layers", layers}};
    bytes = doc.dump();
    media_type = k_docker_manifest;
  } else {
    auto blob = LocalBlob::open(m, member_of(info.manifest_digest));
    if (!blob.ok()) return blob.error();
    auto read = (*blob)->read_all(k_max_small_blob);
    if (!read.ok()) return read.error();
    bytes = std::move(*read);
    auto j = json::parse(bytes, nullptr, false);
    media_type = j.is_object() && j.contains("mediaType") && j["mediaType"].is_string()
                     ? j["mediaType"].get<std::string>()
                     : std::string(k_oci_manifest);
  }
  auto digest = client->put_manifest(destination, media_type, bytes);
  if (!digest.ok()) return digest.error();
  out.manifest_digest = *digest;
  out.media_type = media_type;
  return out;
}

util::Result<CopyResult> pull_image(const std::shared_ptr<registry::Client>& client, const registry::Reference& source,
                                    std::string_view platform, std::string_view output) {
  bool to_dir = output.rfind("oci-dir:", 0) == 0;
  bool to_archive = output.rfind("docker-archive:", 0) == 0;
  if (!to_dir && !to_archive)
    return make_error(ErrorCode::usage, "pull writes oci-dir:DIR or docker-archive:FILE, not " + std::string(output));
  std::string path(output.substr(output.find(':') + 1));
  if (path.empty()) return make_error(ErrorCode::usage, "pull: empty output path");
  std::error_code ec;
  if (fs::exists(path, ec) && !(to_dir && fs::is_directory(path, ec) && fs::is_empty(path, ec)))
    return make_error(ErrorCode::usage, "pull: output exists: " + path);

  auto resolved = resolve_image_manifest("registry:" + source.to_string(), {}, platform, client);
  if (!resolved.ok()) return resolved.error();
  const ImageInfo& info = resolved->info;
  registry::Reference at = source;
  at.tag.clear();
  at.digest = info.manifest_digest;
  auto manifest = client->get_manifest(at);
  if (!manifest.ok()) return manifest.error();
  auto config = client->get_blob(source, info.ref.config_digest, k_max_small_blob);
  if (!config.ok()) return config.error();

  CopyResult out;
  out.manifest_digest = manifest->digest;
  out.media_type = manifest->media_type;
  // Everything goes to a temporary sibling first; the output appears whole or not at all.
  std::string tmp = path + ".purser-tmp-" + std::to_string(::getpid());
  fs::remove_all(tmp, ec);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code e;
      if (!dir.empty()) fs::remove_all(dir, e);
    }
  } cleanup{tmp};
  fs::create_directories(tmp + "/blobs/sha256", ec);
  if (ec) return make_error(ErrorCode::io, "cannot create: " + ec.message(), {tmp});
  auto put = [&](const std::string& digest, std::string_view bytes) {
    return write_new(tmp + "/" + member_of(digest), bytes);
  };
  if (auto st = put(manifest->digest, manifest->bytes); !st.ok()) return st.error();
  if (auto st = put(info.ref.config_digest, *config); !st.ok()) return st.error();
  ++out.blobs;
  out.bytes += config->size();
  std::vector<char> buffer(k_block);
  for (const auto& layer : info.layers) {
    std::string file = tmp + "/" + member_of(layer.digest);
    if (fs::exists(file, ec)) continue;  // a layer listed twice
    auto blob = client->open_blob(source, layer.digest, layer.size_declared ? layer.size : 0);
    if (!blob.ok()) return blob.error();
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    for (;;) {
      auto n = (*blob)->read(buffer.data(), buffer.size());
      if (!n.ok()) return n.error();
      if (*n == 0) break;
      f.write(buffer.data(), static_cast<std::streamsize>(*n));
      out.bytes += *n;
    }
    f.close();
    if (!f) return make_error(ErrorCode::io, std::string("cannot write: ") + std::strerror(errno), {file});
    ++out.blobs;
  }
  registry::Reference named = source;
  named.digest.clear();
  std::string ref_name = named.tag.empty() ? source.to_string() : named.to_string();
  json index = {{"schemaVersion", 2},
                {"mediaType", "application/vnd.oci.image.index.v1+json"},
                {"manifests",
                 {{{"mediaType", manifest->media_type},
                   {"digest", manifest->digest},
                   {"size", manifest->bytes.size()},
                   {"annotations", {{"org.opencontainers.image.ref.name", ref_name}}}}}}};
  if (auto st = write_new(tmp + "/index.json", index.dump()); !st.ok()) return st.error();
  if (auto st = write_new(tmp + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})"); !st.ok()) return st.error();

  if (to_dir) {
    if (fs::exists(path, ec)) fs::remove(path, ec);  // the empty directory the caller allowed
    fs::rename(tmp, path, ec);
    if (ec) return make_error(ErrorCode::io, "cannot write: " + ec.message(), {path});
    cleanup.dir.clear();
    return out;
  }
  // docker-archive: the layout plus manifest.json, as Docker 25's `docker save` writes them.
  json layers = json::array();
  for (const auto& layer : info.layers) layers.push_back(member_of(layer.digest));
  std::string repo_tag = named.tag.empty() ? std::string() : named.registry + "/" + named.repository + ":" + named.tag;
  json docker = json::array({{{"Config", member_of(info.ref.config_digest)},
                              {"RepoTags", repo_tag.empty() ? json::array() : json::array({repo_tag})},
                              {"Layers", layers}}});
  if (auto st = write_new(tmp + "/manifest.json", docker.dump()); !st.ok()) return st.error();
  std::string tar_tmp = path + ".purser-tmp-" + std::to_string(::getpid()) + ".tar";
  archive* w = archive_write_new();
  archive_write_set_format_pax_restricted(w);
  bool ok = archive_write_open_filename(w, tar_tmp.c_str()) == ARCHIVE_OK;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(tmp, ec))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (!ok) break;
    std::string rel = fs::relative(file, tmp).string();
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, rel.c_str());
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_entry_set_size(entry, static_cast<la_int64_t>(fs::file_size(file, ec)));
    ok = archive_write_header(w, entry) == ARCHIVE_OK;
    archive_entry_free(entry);
    std::ifstream in(file, std::ios::binary);
    while (ok && in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (in.gcount() > 0) ok = archive_write_data(w, buffer.data(), static_cast<std::size_t>(in.gcount())) >= 0;
    }
  }
  ok = archive_write_close(w) == ARCHIVE_OK && ok;
  archive_write_free(w);
  if (ok) fs::rename(tar_tmp, path, ec);
  if (!ok || ec) {
    fs::remove(tar_tmp, ec);
    return make_error(ErrorCode::io, "cannot write image archive", {path});
  }
  return out;
}

}  // namespace purser::source
