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
#include <set>

#include "lib/registry/client.hpp"
#include "lib/source/source.hpp"
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
  /// Remote files' errors are the registry's (auth, network): passed on as they are, not as "missing".
  virtual bool remote() const { return false; }
  /// Tells a remote store that `digest` names a manifest or index (fetched from /manifests/, not /blobs/).
  virtual void note_manifest(const std::string&) const {}
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

// An image in a registry (OCI distribution spec): "blobs/sha256/<hex>" is fetched from the manifests endpoint for
// digests noted as manifests, from the blobs endpoint otherwise. The top manifest, fetched to resolve the tag, is kept.
class RegistryFiles : public MetadataFiles {
 public:
  RegistryFiles(std::shared_ptr<registry::Client> client, registry::Reference repo)
      : m_client(std::move(client)), m_repo(std::move(repo)) {}
  util::Result<std::string> get(const std::string& path) const override {
    std::string digest = path.rfind("blobs/sha256/", 0) == 0 ? "sha256:" + path.substr(13) : std::string();
    if (digest.empty()) return make_error(ErrorCode::io, "no such file in a registry: " + path);
    if (auto it = m_cached.find(digest); it != m_cached.end()) return it->second;
    if (m_manifests.count(digest)) {
      registry::Reference ref = m_repo;
      ref.tag.clear();
      ref.digest = digest;
      auto m = m_client->get_manifest(ref);
      if (!m.ok()) return m.error();
      return std::move(m->bytes);
    }
    return m_client->get_blob(m_repo, digest, k_max_metadata_file);
  }
  bool has(const std::string&) const override { return true; }
  bool remote() const override { return true; }
  void note_manifest(const std::string& digest) const override { m_manifests.insert(digest); }
  void cache(const std::string& digest, std::string bytes) { m_cached[digest] = std::move(bytes); }

 private:
  std::shared_ptr<registry::Client> m_client;
  registry::Reference m_repo;
  mutable std::set<std::string> m_manifests;
  std::map<std::string, std::string> m_cached;
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
      files->m_compressed = archive_filter_count(a.get()) > 1;
      std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      while (name.rfind("./", 0) == 0) name.erase(0, 2);
      // skopeo and Docker 25+ write "<id>/layer.tar" as a symbolic link to the blob.
      if (archive_entry_filetype(entry) == AE_IFLNK && archive_entry_symlink(entry)) {
        std::string target = join_relative(name, archive_entry_symlink(entry));
        if (!target.empty()) files->m_links[name] = target;
        continue;
      }
      if (archive_entry_filetype(entry) != AE_IFREG) continue;
      auto size = static_cast<std::uint64_t>(archive_entry_size(entry));
      files->m_members[name] = size;
      if (size > k_max_metadata_file || total + size > k_max_metadata_total) continue;  // layers: not needed here
      // Manifests, indexes and configs are JSON; layer blobs (tar, gzip, zstd) never start with '{' or '['.
      // Peeking at the first block keeps small layers out of memory.
      const void* block = nullptr;
      std::size_t block_size = 0;
      la_int64_t offset = 0;
      std::string bytes;
      bool first = true;
      for (;;) {
        int d = archive_read_data_block(a.get(), &block, &block_size, &offset);
        if (d == ARCHIVE_EOF) break;
        if (d != ARCHIVE_OK || static_cast<std::uint64_t>(offset) != bytes.size())
          return make_error(ErrorCode::parse, "truncated archive member: " + name, {path});
        if (first && block_size > 0) {
          first = false;
          std::string_view head(static_cast<const char*>(block), block_size);
          auto at = head.find_first_not_of(" \t\r\n");
          if (at != std::string_view::npos && head[at] != '{' && head[at] != '[') break;
          bytes.reserve(size);
        }
        bytes.append(static_cast<const char*>(block), block_size);
      }
      if (bytes.size() != size) continue;
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
  bool has_member(const std::string& path) const { return m_members.count(path) != 0; }
  /// The regular member a name leads to through symbolic link members (a few hops at most); else the name.
  std::string resolve_member(const std::string& path) const {
    std::string out = path;
    for (int hops = 0; hops < 8; ++hops) {
      auto it = m_links.find(out);
      if (it == m_links.end()) break;
      out = it->second;
    }
    return out;
  }
  std::uint64_t member_size(const std::string& path) const {
    auto it = m_members.find(path);
    return it == m_members.end() ? 0 : it->second;
  }
  bool compressed() const { return m_compressed; }

 private:
  std::map<std::string, std::string> m_files;
  std::map<std::string, std::uint64_t> m_members;
  std::map<std::string, std::string> m_links;
  bool m_compressed = false;
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
  if (!bytes.ok() && files.remote()) {
    util::Error e = bytes.error();
    e.message = where + ": " + e.message;
    return e;
  }
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
  std::string platform;  // "os/arch[/variant]" from the index descriptor, when it states one
  bool legacy = false;
  std::string config_member;               // legacy: where the config is
  std::vector<std::string> legacy_layers;  // legacy: layer members, bottom first
};

bool matches(const Candidate& c, std::string_view want) {
  if (want.empty()) return true;
  if (c.name == want) return true;
  for (const auto& t : c.tags)
    if (t == want) return true;
  return false;
}

std::string platform_of(const json& p) {
  if (!p.is_object()) return {};
  std::string os = str(p, "os"), arch = str(p, "architecture"), variant = str(p, "variant");
  if (os.empty() && arch.empty()) return {};
  return os + "/" + arch + (variant.empty() ? "" : "/" + variant);
}

// "linux/arm64" matches "linux/arm64/v8": a request without a variant accepts any.
bool platform_matches(std::string_view have, std::string_view want) {
  if (have == want) return true;
  return have.size() > want.size() && have.compare(0, want.size(), want) == 0 && have[want.size()] == '/' &&
         std::count(want.begin(), want.end(), '/') == 1;
}

// Picks one platform (image-spec image-index.md "platform"): the requested one, else the only one, else
// linux/amd64. Entries for "unknown/unknown" are attestation manifests (buildx), never images.
util::Result<std::size_t> pick_platform(const std::vector<std::string>& platforms, std::string_view want,
                                        const std::string& where) {
  std::vector<std::size_t> usable;
  for (std::size_t i = 0; i < platforms.size(); ++i)
    if (platforms[i] != "unknown/unknown") usable.push_back(i);
  std::string listed;
  for (auto i : usable) listed += (listed.empty() ? "" : ", ") + (platforms[i].empty() ? "?" : platforms[i]);
  if (!want.empty()) {
    for (auto i : usable)
      if (platform_matches(platforms[i], want)) return i;
    return make_error(ErrorCode::usage,
                      "no image for platform " + std::string(want) + " in " + where + " (found: " + listed + ")");
  }
  if (usable.size() == 1) return usable.front();
  for (auto i : usable)
    if (platforms[i] == "linux/amd64") return i;
  return make_error(ErrorCode::usage, "several platforms in " + where + ": choose one of them (" +
                                          (listed.empty() ? "none" : listed) + ")");
}

// An opened archive or layout with its candidate images.
struct Layout {
  std::string target, path, base;
  std::unique_ptr<MetadataFiles> files;
  const TarFiles* tar = nullptr;
  std::shared_ptr<registry::Client> client;  // a registry: target
  registry::Reference repo;                  // its repository (and tag or digest as given)
  std::vector<Candidate> candidates;

  util::Error located(util::Error e) const {
    if (e.location.path.empty()) e.location.path = path;
    return e;
  }
};

// registry:HOST/REPO[:TAG|@DIGEST]: one candidate, the manifest or index the reference names (fetched once, kept).
util::Result<Layout> open_registry(std::string_view target, std::shared_ptr<registry::Client> client) {
  std::string text(target.substr(9));
  auto ref = registry::parse_reference(text);
  if (!ref.ok()) return ref.error();
  if (!client) {
    auto made = registry::Client::create({});
    if (!made.ok()) return made.error();
    client = std::move(*made);
  }
  auto manifest = client->get_manifest(*ref);
  if (!manifest.ok()) return manifest.error();
  Layout out;
  out.target = std::string(target);
  out.path = ref->to_string();
  out.client = client;
  out.repo = *ref;
  auto files = std::make_unique<RegistryFiles>(client, *ref);
  files->cache(manifest->digest, manifest->bytes);
  Candidate c;
  registry::Reference named = *ref;
  named.digest.clear();
  c.name = named.tag.empty() ? ref->to_string() : named.to_string();
  if (!named.tag.empty()) c.tags.push_back(c.name);
  c.digest = manifest->digest;
  c.media_type = manifest->media_type;
  if (auto j = parse_json(manifest->bytes, "manifest " + c.digest); j.ok() && j->is_object())
    if (auto cfg = j->find("config"); cfg != j->end() && cfg->is_object()) c.config_digest = str(*cfg, "digest");
  out.candidates.push_back(std::move(c));
  out.files = std::move(files);
  out.base = out.path;
  return out;
}

util::Result<Layout> open_layout(std::string_view target, std::shared_ptr<registry::Client> client) {
  if (target.rfind("registry:", 0) == 0) return open_registry(target, std::move(client));
  auto colon = target.find(':');
  std::string scheme(target.substr(0, colon));
  std::string path(colon == std::string_view::npos ? std::string_view() : target.substr(colon + 1));
  if (!is_image_target(target) || path.empty())
    return make_error(ErrorCode::usage, "not an image target: " + std::string(target) +
                                            " (expected docker-archive:FILE, oci-dir:DIR or oci-archive:FILE)");
  Layout out;
  out.target = std::string(target);
  out.path = path;
  if (scheme == "oci-dir") {
    std::error_code ec;
    if (!std::filesystem::is_directory(path, ec))
      return make_error(ErrorCode::io, "cannot read image layout: not a directory", {path});
    out.files = std::make_unique<DirFiles>(path);
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return make_error(ErrorCode::io, "cannot read image archive: no such file", {path});
    auto tar = TarFiles::open(path);
    if (!tar.ok()) return tar.error();
    out.tar = tar->get();
    out.files = std::move(*tar);
  }
  out.base = std::filesystem::path(path).filename().string();
  const MetadataFiles& files = *out.files;
  const std::string& base = out.base;

  std::vector<Candidate> candidates;
  // Docker's manifest.json gives RepoTags; in Docker 25+ archives it sits beside an OCI index.json.
  std::map<std::string, std::vector<std::string>> tags_by_config;
  if (files.has("manifest.json")) {
    auto bytes = files.get("manifest.json");
    if (!bytes.ok()) return out.located(bytes.error());
    auto j = parse_json(*bytes, "manifest.json");
    if (!j.ok()) return out.located(j.error());
    if (!j->is_array()) return out.located(make_error(ErrorCode::parse, "manifest.json: expected an array"));
    for (std::size_t i = 0; i < j->size(); ++i) {
      const json& m = (*j)[i];
      if (!m.is_object())
        return out.located(
            make_error(ErrorCode::parse, "manifest.json: /" + std::to_string(i) + ": expected an object"));
      std::string config = str(m, "Config");
      // Older docker save names the config "<hex>.json"; 25+ names it "blobs/sha256/<hex>".
      std::string hex = config;
      if (hex.rfind("blobs/sha256/", 0) == 0) hex.erase(0, 13);
      if (hex.size() > 5 && hex.compare(hex.size() - 5, 5, ".json") == 0) hex.resize(hex.size() - 5);
      std::string config_digest = "sha256:" + hex;
      if (blob_path(config_digest).empty())
        return out.located(make_error(
            ErrorCode::parse, "manifest.json: /" + std::to_string(i) + "/Config: not a sha256 blob name: " + config));
      Candidate c;
      c.legacy = true;
      c.config_digest = config_digest;
      c.digest = config_digest;
      if (auto it = m.find("RepoTags"); it != m.end() && it->is_array())
        for (const auto& t : *it)
          if (t.is_string()) c.tags.push_back(t.get<std::string>());
      if (auto it = m.find("Layers"); it != m.end() && it->is_array())
        for (const auto& l : *it) c.legacy_layers.push_back(l.is_string() ? l.get<std::string>() : std::string());
      c.name = c.tags.empty() ? base : c.tags.front();
      // The config bytes must match the image ID they are named by.
      std::string config_path = files.has(config) ? config : blob_path(config_digest);
      c.config_member = config_path;
      auto cfg = files.get(config_path);
      if (!cfg.ok())
        return out.located(make_error(ErrorCode::parse, "manifest.json: config " + config + " is missing"));
      std::string actual = "sha256:" + util::sha256_hex(*cfg);
      if (actual != config_digest)
        return out.located(make_error(
            ErrorCode::verify, "manifest.json: config " + config + " does not match its digest (" + actual + ")"));
      tags_by_config[config_digest] = c.tags;
      candidates.push_back(std::move(c));
    }
  }

  if (files.has("index.json")) {
    auto bytes = files.get("index.json");
    if (!bytes.ok()) return out.located(bytes.error());
    auto j = parse_json(*bytes, "index.json");
    if (!j.ok()) return out.located(j.error());
    auto manifests = j->find("manifests");
    if (!j->is_object() || manifests == j->end() || !manifests->is_array())
      return out.located(make_error(ErrorCode::parse, "index.json: /manifests: expected an array"));
    std::vector<Candidate> oci;
    for (std::size_t i = 0; i < manifests->size(); ++i) {
      const json& d = (*manifests)[i];
      std::string where = "index.json: /manifests/" + std::to_string(i);
      if (!d.is_object()) return out.located(make_error(ErrorCode::parse, where + ": expected an object"));
      Candidate c;
      c.digest = str(d, "digest");
      c.media_type = str(d, "mediaType");
      if (auto p = d.find("platform"); p != d.end()) c.platform = platform_of(*p);
      files.note_manifest(c.digest);
      auto blob = verified_blob(files, c.digest, where);
      if (!blob.ok()) return out.located(blob.error());
      if (auto size = d.find("size");
          size != d.end() && size->is_number_unsigned() && size->get<std::uint64_t>() != blob->size())
        return out.located(make_error(ErrorCode::verify, where + ": blob " + c.digest + " has " +
                                                             std::to_string(blob->size()) + " bytes, descriptor says " +
                                                             std::to_string(size->get<std::uint64_t>())));
      auto manifest = parse_json(*blob, where + ": " + c.digest);
      if (!manifest.ok()) return out.located(manifest.error());
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
    return out.located(make_error(ErrorCode::parse, "no image found: neither index.json nor manifest.json lists one"));
  out.candidates = std::move(candidates);
  return out;
}

// Picks one candidate by name; several entries of one image for different platforms (an index.json that lists
// platform manifests directly) are told apart by `platform`.
util::Result<const Candidate*> pick_candidate(const Layout& layout, std::string_view image, std::string_view platform) {
  std::vector<const Candidate*> picked;
  for (const auto& c : layout.candidates)
    if (matches(c, image)) picked.push_back(&c);
  bool by_platform = picked.size() > 1;
  for (const auto* c : picked)
    if (c->legacy || c->platform.empty() || c->name != picked.front()->name) by_platform = false;
  if (by_platform) {
    std::vector<std::string> platforms;
    for (const auto* c : picked) platforms.push_back(c->platform);
    auto i = pick_platform(platforms, platform, "index.json");
    if (!i.ok()) return layout.located(i.error());
    return picked[*i];
  }
  if (picked.size() != 1) {
    std::string names;
    for (const auto& c : layout.candidates) names += (names.empty() ? "" : ", ") + c.name;
    if (picked.empty())
      return layout.located(
          make_error(ErrorCode::usage, "no image named " + std::string(image) + " (found: " + names + ")"));
    return layout.located(
        make_error(ErrorCode::usage, "several images in " + layout.target + ": name one of them (" + names + ")"));
  }
  return picked.front();
}

bool is_index(const json& j, const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json" ||
         (media_type.empty() && j.is_object() && j.contains("manifests") && !j.contains("layers"));
}

// Fills os/arch/variant, diff_ids and created_by from an image config (image-spec config.md: rootfs.diff_ids,
// history[].empty_layer).
util::Status read_config(const std::string& bytes, const std::string& where, ImageInfo& info,
                         std::vector<std::string>& diff_ids) {
  auto j = parse_json(bytes, where);
  if (!j.ok()) return j.error();
  if (!j->is_object()) return make_error(ErrorCode::parse, where + ": expected an object");
  info.os = str(*j, "os");
  info.architecture = str(*j, "architecture");
  info.variant = str(*j, "variant");
  if (auto rootfs = j->find("rootfs"); rootfs != j->end() && rootfs->is_object())
    if (auto ids = rootfs->find("diff_ids"); ids != rootfs->end() && ids->is_array())
      for (const auto& id : *ids) diff_ids.push_back(id.is_string() ? id.get<std::string>() : std::string());
  return util::Ok{};
}

void assign_history(const std::string& bytes, ImageInfo& info) {
  json j = json::parse(bytes, nullptr, false);
  if (!j.is_object()) return;
  auto history = j.find("history");
  if (history == j.end() || !history->is_array()) return;
  std::size_t layer = 0;
  for (const auto& h : *history) {
    if (!h.is_object()) continue;
    if (auto e = h.find("empty_layer"); e != h.end() && e->is_boolean() && e->get<bool>()) continue;
    if (layer >= info.layers.size()) break;
    info.layers[layer++].created_by = str(h, "created_by");
  }
}

ImageRef to_ref(const Layout& layout, const Candidate& c) {
  ImageRef out;
  out.target = layout.target;
  out.name = c.name;
  out.tags = c.tags;
  out.digest = c.digest;
  out.media_type = c.media_type;
  out.config_digest = c.config_digest;
  out.digest_is_image_id = c.legacy;
  return out;
}

bool blob_present(const Layout& layout, const std::string& member) {
  if (layout.client) return true;  // a missing blob shows when it is fetched
  if (layout.tar) return layout.tar->has_member(member);
  std::error_code ec;
  return std::filesystem::is_regular_file(layout.path + "/" + member, ec);
}

}  // namespace

bool is_image_target(std::string_view target) {
  return target.rfind("docker-archive:", 0) == 0 || target.rfind("oci-dir:", 0) == 0 ||
         target.rfind("oci-archive:", 0) == 0 || target.rfind("registry:", 0) == 0;
}

util::Result<ImageRef> resolve_image(std::string_view target, std::string_view image,
                                     std::shared_ptr<registry::Client> client) {
  auto layout = open_layout(target, std::move(client));
  if (!layout.ok()) return layout.error();
  auto c = pick_candidate(*layout, image, {});
  if (!c.ok()) return c.error();
  return to_ref(*layout, **c);
}

util::Result<ImageManifest> resolve_image_manifest(std::string_view target, std::string_view image,
                                                   std::string_view platform,
                                                   std::shared_ptr<registry::Client> client) {
  auto opened = open_layout(target, std::move(client));
  if (!opened.ok()) return opened.error();
  const Layout& layout = *opened;
  auto picked = pick_candidate(layout, image, platform);
  if (!picked.ok()) return picked.error();
  const Candidate& c = **picked;
  const MetadataFiles& files = *layout.files;
  ImageManifest out;
  out.path = layout.path;
  out.directory = layout.tar == nullptr && !layout.client;
  out.registry = layout.client;
  out.repository = layout.repo;
  out.compressed_archive = layout.tar && layout.tar->compressed();
  ImageInfo& info = out.info;
  info.ref = to_ref(layout, c);
  std::string config_bytes;
  std::vector<std::string> diff_ids;

  if (c.legacy) {
    // docker save's legacy layout: Layers name uncompressed tars whose sha256 is the config's diff_id.
    auto cfg = files.get(c.config_member);
    if (!cfg.ok()) return layout.located(cfg.error());
    config_bytes = std::move(*cfg);
    auto st = read_config(config_bytes, "config " + c.config_digest, info, diff_ids);
    if (!st.ok()) return layout.located(st.error());
    if (diff_ids.size() != c.legacy_layers.size())
      return layout.located(make_error(ErrorCode::parse, "manifest.json: " + std::to_string(c.legacy_layers.size()) +
                                                             " layers but the config lists " +
                                                             std::to_string(diff_ids.size()) + " diff_ids"));
    for (std::size_t i = 0; i < c.legacy_layers.size(); ++i) {
      ImageLayer layer;
      layer.member = c.legacy_layers[i];
      while (layer.member.rfind("./", 0) == 0) layer.member.erase(0, 2);
      if (layout.tar) layer.member = layout.tar->resolve_member(layer.member);
      layer.digest = diff_ids[i];
      layer.diff_id = diff_ids[i];
      layer.media_type = "application/vnd.docker.image.rootfs.diff.tar";
      if (layout.tar) layer.size = layout.tar->member_size(layer.member);
      info.layers.push_back(std::move(layer));
    }
  } else {
    // Walk down through image indexes / manifest lists to one platform's manifest (bounded nesting).
    std::string digest = c.digest, media_type = c.media_type, where = "manifest " + c.digest;
    json manifest;
    for (int depth = 0;; ++depth) {
      files.note_manifest(digest);
      auto blob = verified_blob(files, digest, where);
      if (!blob.ok()) return layout.located(blob.error());
      auto j = parse_json(*blob, where);
      if (!j.ok()) return layout.located(j.error());
      if (media_type.empty()) media_type = str(*j, "mediaType");
      if (!is_index(*j, media_type)) {
        manifest = std::move(*j);
        break;
      }
      if (depth >= 4) return layout.located(make_error(ErrorCode::parse, where + ": indexes nested too deeply"));
      auto list = j->find("manifests");
      if (list == j->end() || !list->is_array())
        return layout.located(make_error(ErrorCode::parse, where + ": /manifests: expected an array"));
      // Only platforms whose manifest is present: docker save keeps just the platforms it has pulled.
      std::vector<std::string> platforms;
      std::vector<const json*> descriptors;
      for (const auto& d : *list) {
        if (!d.is_object()) continue;
        std::string member = blob_path(str(d, "digest"));
        if (member.empty() || !blob_present(layout, member)) continue;
        auto p = d.find("platform");
        platforms.push_back(p == d.end() ? std::string() : platform_of(*p));
        descriptors.push_back(&d);
      }
      auto i = pick_platform(platforms, platform, "index " + digest);
      if (!i.ok()) return layout.located(i.error());
      digest = str(*descriptors[*i], "digest");
      media_type = str(*descriptors[*i], "mediaType");
      where = "manifest " + digest;
    }
    info.manifest_digest = digest;
    auto config = manifest.find("config");
    if (config == manifest.end() || !config->is_object())
      return layout.located(make_error(ErrorCode::parse, where + ": /config: expected an object"));
    info.ref.config_digest = str(*config, "digest");
    auto cfg = verified_blob(files, info.ref.config_digest, where + ": config");
    if (!cfg.ok()) return layout.located(cfg.error());
    if (auto size = config->find("size");
        size != config->end() && size->is_number_unsigned() && size->get<std::uint64_t>() != cfg->size())
      return layout.located(make_error(ErrorCode::verify, where + ": config " + info.ref.config_digest + " has " +
                                                              std::to_string(cfg->size()) + " bytes, manifest says " +
                                                              std::to_string(size->get<std::uint64_t>())));
    config_bytes = std::move(*cfg);
    auto st = read_config(config_bytes, "config " + info.ref.config_digest, info, diff_ids);
    if (!st.ok()) return layout.located(st.error());
    auto layers = manifest.find("layers");
    if (layers == manifest.end() || !layers->is_array())
      return layout.located(make_error(ErrorCode::parse, where + ": /layers: expected an array"));
    for (std::size_t i = 0; i < layers->size(); ++i) {
      const json& d = (*layers)[i];
      std::string at = where + ": /layers/" + std::to_string(i);
      if (!d.is_object()) return layout.located(make_error(ErrorCode::parse, at + ": expected an object"));
      ImageLayer layer;
      layer.digest = str(d, "digest");
      layer.media_type = str(d, "mediaType");
      layer.member = blob_path(layer.digest);
      if (layer.member.empty())
        return layout.located(make_error(ErrorCode::parse, at + ": unsupported digest: " + layer.digest));
      if (auto size = d.find("size"); size != d.end() && size->is_number_unsigned()) {
        layer.size = size->get<std::uint64_t>();
        layer.size_declared = true;
      }
      if (i < diff_ids.size()) layer.diff_id = diff_ids[i];
      info.layers.push_back(std::move(layer));
    }
  }
  for (std::size_t i = 0; i < info.layers.size(); ++i)
    if (!blob_present(layout, info.layers[i].member))
      return layout.located(make_error(ErrorCode::parse, "layer " + std::to_string(i) + " (" + info.layers[i].digest +
                                                             "): blob is missing: " + info.layers[i].member));
  assign_history(config_bytes, info);
  if (!platform.empty()) {
    std::string have = info.os + "/" + info.architecture + (info.variant.empty() ? "" : "/" + info.variant);
    if (!platform_matches(have, platform))
      return layout.located(make_error(ErrorCode::usage, "no image for platform " + std::string(platform) + " in " +
                                                             layout.target + " (found: " + have + ")"));
  }
  return out;
}

}  // namespace purser::source
