// Resolving a local image archive or layout to the digest its name points at.
// OCI image layout: image-spec layout.md (oci-layout, index.json, blobs/<alg>/<hex>); docker save: the
// legacy manifest.json ([{Config, RepoTags, Layers}]) that Docker 25+ writes next to an OCI layout.

#include "lib/source/image_ref.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "lib/util/file.hpp"
#include "lib/util/hash.hpp"

namespace purser::source {

namespace {

using json = nlohmann::json;
using util::ErrorCode;
using util::make_error;

constexpr std::uint64_t k_max_metadata_file = 8u << 20;  // manifests, indexes and configs are small
constexpr std::uint64_t k_max_metadata_total = 64u << 20;

// The files of a layout or archive that identify an image: index.json, manifest.json and small blobs.
class MetadataFiles {
 public:
  virtual ~MetadataFiles() = default;
  /// The file's bytes, or an error (io when absent).
  virtual util::Result<std::string> get(const std::string& path) const = 0;
  virtual bool has(const std::string& path) const = 0;
};

class DirFiles : public MetadataFiles {
 public:
  explicit DirFiles(std::string root) : m_root(std::move(root)) {}
  util::Result<std::string> get(const std::string& path) const override {
    return util::read_file(m_root + "/" + path, k_max_metadata_file);
  }
  bool has(const std::string& path) const override {
    std::error_code ec;
    return std::filesystem::is_regular_file(m_root + "/" + path, ec);
  }

 private:
  std::string m_root;
};

class TarFiles : public MetadataFiles {
 public:
  static util::Result<std::unique_ptr<TarFiles>> open(const std::string& path) {
    std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
    archive_read_support_format_tar(a.get());
    archive_read_support_format_gnutar(a.get());
    archive_read_support_filter_gzip(a.get());
    archive_read_support_filter_zstd(a.get());
    if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
      int err = archive_errno(a.get());
      bool io = err == ENOENT || err == EACCES || err == EISDIR || err == EIO;
      return make_error(
          io ? ErrorCode::io : ErrorCode::parse,
          std::string(io ? "cannot read archive: " : "not a tar archive: ") + archive_error_string(a.get()), {path});
    }
    auto files = std::make_unique<TarFiles>();
    std::uint64_t total = 0;
    archive_entry* entry = nullptr;
    for (;;) {
      int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) break;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
        return make_error(ErrorCode::parse, std::string("malformed archive: ") + archive_error_string(a.get()), {path});
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      while (name.rfind("./", 0) == 0) name.erase(0, 2);
      auto size = static_cast<std::uint64_t>(archive_entry_size(entry));
      if (size > k_max_metadata_file || total + size > k_max_metadata_total) continue;  // layers: not needed here
      std::string bytes(size, '\0');
      la_ssize_t n = size == 0 ? 0 : archive_read_data(a.get(), bytes.data(), bytes.size());
      if (n < 0 || static_cast<std::uint64_t>(n) != size)
        return make_error(ErrorCode::parse, "truncated archive member: " + name, {path});
      total += size;
      files->m_files[name] = std::move(bytes);
    }
    return files;
  }
  util::Result<std::string> get(const std::string& path) const override {
    auto it = m_files.find(path);
    if (it == m_files.end()) return make_error(ErrorCode::io, "missing archive member: " + path);
    return it->second;
  }
  bool has(const std::string& path) const override { return m_files.count(path) != 0; }

 private:
  std::map<std::string, std::string> m_files;
};

util::Result<json> parse_json(const std::string& bytes, const std::string& where) {
  json j = json::parse(bytes, nullptr, false);
  if (j.is_discarded()) return make_error(ErrorCode::parse, where + ": not valid JSON");
  return j;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// "sha256:<64 hex>" → "blobs/sha256/<hex>"; empty for anything else (no path traversal through digests).
std::string blob_path(const std::string& digest) {
  constexpr std::string_view prefix = "sha256:";
  if (digest.size() != prefix.size() + 64 || digest.compare(0, prefix.size(), prefix) != 0) return {};
  for (std::size_t i = prefix.size(); i < digest.size(); ++i) {
    char c = digest[i];
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return {};
  }
  return "blobs/sha256/" + digest.substr(prefix.size());
}

// Reads a blob and checks its bytes against the digest (OCI image-spec descriptor.md: digests are verified).
util::Result<std::string> verified_blob(const MetadataFiles& files, const std::string& digest,
                                        const std::string& where) {
  std::string path = blob_path(digest);
  if (path.empty()) return make_error(ErrorCode::parse, where + ": unsupported digest: " + digest);
  auto bytes = files.get(path);
  if (!bytes.ok()) return make_error(ErrorCode::parse, where + ": blob " + digest + " is missing");
  std::string actual = "sha256:" + util::sha256_hex(*bytes);
  if (actual != digest)
    return make_error(ErrorCode::verify, where + ": blob " + digest + " does not match its digest (" + actual + ")");
  return bytes;
}

struct Candidate {
  std::string name;
  std::vector<std::string> tags;
  std::string digest;
  std::string media_type;
  std::string config_digest;
  bool legacy = false;
};

bool matches(const Candidate& c, std::string_view want) {
  if (want.empty()) return true;
  if (c.name == want) return true;
  for (const auto& t : c.tags)
    if (t == want) return true;
  return false;
}

}  // namespace

bool is_image_target(std::string_view target) {
  return target.rfind("docker-archive:", 0) == 0 || target.rfind("oci-dir:", 0) == 0 ||
         target.rfind("oci-archive:", 0) == 0;
}

util::Result<ImageRef> resolve_image(std::string_view target, std::string_view image) {
  auto colon = target.find(':');
  std::string scheme(target.substr(0, colon));
  std::string path(colon == std::string_view::npos ? std::string_view() : target.substr(colon + 1));
  if (!is_image_target(target) || path.empty())
    return make_error(ErrorCode::usage, "not an image target: " + std::string(target) +
                                            " (expected docker-archive:FILE, oci-dir:DIR or oci-archive:FILE)");
  std::unique_ptr<MetadataFiles> files;
  if (scheme == "oci-dir") {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec))
      return make_error(ErrorCode::io, "cannot read image layout: not a directory", {path});
    files = std::make_unique<DirFiles>(path);
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return make_error(ErrorCode::io, "cannot read image archive: no such file", {path});
    auto tar = TarFiles::open(path);
    if (!tar.ok()) return tar.error();
    files = std::move(*tar);
  }
  std::string base = std::filesystem::path(path).filename().string();
  auto located = [&](util::Error e) {
    if (e.location.path.empty()) e.location.path = path;
    return e;
  };

  std::vector<Candidate> candidates;
  // Docker's manifest.json gives RepoTags; in Docker 25+ archives it sits beside an OCI index.json.
  std::map<std::string, std::vector<std::string>> tags_by_config;
  if (files->has("manifest.json")) {
    auto bytes = files->get("manifest.json");
    if (!bytes.ok()) return located(bytes.error());
    auto j = parse_json(*bytes, "manifest.json");
    if (!j.ok()) return located(j.error());
    if (!j->is_array()) return located(make_error(ErrorCode::parse, "manifest.json: expected an array"));
    for (std::size_t i = 0; i < j->size(); ++i) {
      const json& m = (*j)[i];
      if (!m.is_object())
        return located(make_error(ErrorCode::parse, "manifest.json: /" + std::to_string(i) + ": expected an object"));
      std::string config = str(m, "Config");
      // Older docker save names the config "<hex>.json"; 25+ names it "blobs/sha256/<hex>".
      std::string hex = config;
      if (hex.rfind("blobs/sha256/", 0) == 0) hex.erase(0, 13);
      if (hex.size() > 5 && hex.compare(hex.size() - 5, 5, ".json") == 0) hex.resize(hex.size() - 5);
      std::string config_digest = "sha256:" + hex;
      if (blob_path(config_digest).empty())
        return located(make_error(
            ErrorCode::parse, "manifest.json: /" + std::to_string(i) + "/Config: not a sha256 blob name: " + config));
      Candidate c;
      c.legacy = true;
      c.config_digest = config_digest;
      c.digest = config_digest;
      if (auto it = m.find("RepoTags"); it != m.end() && it->is_array())
        for (const auto& t : *it)
          if (t.is_string()) c.tags.push_back(t.get<std::string>());
      c.name = c.tags.empty() ? base : c.tags.front();
      // The config bytes must match the image ID they are named by.
      std::string config_path = files->has(config) ? config : blob_path(config_digest);
      auto cfg = files->get(config_path);
      if (!cfg.ok()) return located(make_error(ErrorCode::parse, "manifest.json: config " + config + " is missing"));
      std::string actual = "sha256:" + util::sha256_hex(*cfg);
      if (actual != config_digest)
        return located(make_error(ErrorCode::verify,
                                  "manifest.json: config " + config + " does not match its digest (" + actual + ")"));
      tags_by_config[config_digest] = c.tags;
      candidates.push_back(std::move(c));
    }
  }

  if (files->has("index.json")) {
    auto bytes = files->get("index.json");
    if (!bytes.ok()) return located(bytes.error());
    auto j = parse_json(*bytes, "index.json");
    if (!j.ok()) return located(j.error());
    auto manifests = j->find("manifests");
    if (!j->is_object() || manifests == j->end() || !manifests->is_array())
      return located(make_error(ErrorCode::parse, "index.json: /manifests: expected an array"));
    std::vector<Candidate> oci;
    for (std::size_t i = 0; i < manifests->size(); ++i) {
      const json& d = (*manifests)[i];
      std::string where = "index.json: /manifests/" + std::to_string(i);
      if (!d.is_object()) return located(make_error(ErrorCode::parse, where + ": expected an object"));
      Candidate c;
      c.digest = str(d, "digest");
      c.media_type = str(d, "mediaType");
      auto blob = verified_blob(*files, c.digest, where);
      if (!blob.ok()) return located(blob.error());
      if (auto size = d.find("size");
          size != d.end() && size->is_number_unsigned() && size->get<std::uint64_t>() != blob->size())
        return located(make_error(ErrorCode::verify, where + ": blob " + c.digest + " has " +
                                                         std::to_string(blob->size()) + " bytes, descriptor says " +
                                                         std::to_string(size->get<std::uint64_t>())));
      auto manifest = parse_json(*blob, where + ": " + c.digest);
      if (!manifest.ok()) return located(manifest.error());
      if (c.media_type.empty()) c.media_type = str(*manifest, "mediaType");
      if (auto cfg = manifest->find("config"); cfg != manifest->end() && cfg->is_object())
        c.config_digest = str(*cfg, "digest");
      std::string full, ref;
      if (auto ann = d.find("annotations"); ann != d.end() && ann->is_object()) {
        full = str(*ann, "io.containerd.image.name");
        ref = str(*ann, "org.opencontainers.image.ref.name");
      }
      // ref.name may be a bare tag ("1.0") or a full reference; containerd's annotation is always full.
      if (!full.empty()) c.tags.push_back(full);
      if (!ref.empty() && ref != full) c.tags.push_back(ref);
      if (auto it = tags_by_config.find(c.config_digest); it != tags_by_config.end())
        for (const auto& t : it->second)
          if (std::find(c.tags.begin(), c.tags.end(), t) == c.tags.end()) c.tags.push_back(t);
      c.name = !full.empty()                                                    ? full
               : (!ref.empty() && ref.find_first_of(":/") != std::string::npos) ? ref
               : !c.tags.empty() && c.tags.back() != ref                        ? c.tags.back()
               : !ref.empty()                                                   ? base + ":" + ref
                                                                                : base;
      oci.push_back(std::move(c));
    }
    // An OCI index names manifests by digest: prefer it over the legacy image IDs.
    if (!oci.empty()) candidates = std::move(oci);
  }

  if (candidates.empty())
    return located(make_error(ErrorCode::parse, "no image found: neither index.json nor manifest.json lists one"));
  std::vector<const Candidate*> picked;
  for (const auto& c : candidates)
    if (matches(c, image)) picked.push_back(&c);
  if (picked.size() != 1) {
    std::string names;
    for (const auto& c : candidates) names += (names.empty() ? "" : ", ") + c.name;
    if (picked.empty())
      return located(make_error(ErrorCode::usage, "no image named " + std::string(image) + " (found: " + names + ")"));
    return located(make_error(ErrorCode::usage,
                              "several images in " + std::string(target) + ": name one of them (" + names + ")"));
  }
  const Candidate& c = *picked.front();
  ImageRef out;
  out.target = std::string(target);
  out.name = c.name;
  out.tags = c.tags;
  out.digest = c.digest;
  out.media_type = c.media_type;
  out.config_digest = c.config_digest;
  out.digest_is_image_id = c.legacy;
  return out;
}

}  // namespace purser::source
