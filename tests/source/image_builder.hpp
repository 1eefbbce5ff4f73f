#pragma once
// Test images assembled at test time (STYLE 19) with libarchive's writer: layer tarballs, OCI layout directories
// (tar them for oci-archive) and `docker save` archives. Shared by the source tests and the CLI tests.

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "lib/util/hash.hpp"

namespace purser::testing {

/// Compression of one layer blob.
enum class Filter { none, gzip, zstd };

/// One member of a tarball.
struct TarEntry {
  std::string name;
  char type = 'f';   // 'f' file, 'x' executable file, 'd' directory, 'l' symlink, 'h' hard link
  std::string data;  // contents, or the link target
};

namespace detail {
inline la_ssize_t append_cb(archive*, void* out, const void* data, size_t size) {
  static_cast<std::string*>(out)->append(static_cast<const char*>(data), size);
  return static_cast<la_ssize_t>(size);
}
}  // namespace detail

/// A pax tarball of ENTRIES (fixed mtime, so the bytes are deterministic), optionally compressed.
inline std::string make_tar(const std::vector<TarEntry>& entries, Filter filter = Filter::none) {
  std::string out;
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  if (filter == Filter::gzip) archive_write_add_filter_gzip(a);
  if (filter == Filter::zstd) archive_write_add_filter_zstd(a);
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(a, &out, nullptr, detail::append_cb, nullptr);
  for (const auto& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_mtime(entry, 1700000000, 0);
    if (e.type == 'd') {
      archive_entry_set_filetype(entry, AE_IFDIR);
      archive_entry_set_perm(entry, 0755);
    } else if (e.type == 'l') {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_symlink(entry, e.data.c_str());
      archive_entry_set_perm(entry, 0777);
    } else if (e.type == 'h') {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_hardlink(entry, e.data.c_str());
      archive_entry_set_size(entry, 0);
    } else {
      archive_entry_set_filetype(entry, AE_IFREG);
      archive_entry_set_perm(entry, e.type == 'x' ? 0755 : 0644);
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    }
    EXPECT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if ((e.type == 'f' || e.type == 'x') && !e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

/// One image layer: its entries, blob compression and history line.
struct Layer {
  std::vector<TarEntry> entries;
  Filter filter = Filter::gzip;
  std::string created_by;
};

/// The OCI layer media type for FILTER.
inline std::string media_type(Filter f) {
  return f == Filter::gzip   ? "application/vnd.oci.image.layer.v1.tar+gzip"
         : f == Filter::zstd ? "application/vnd.oci.image.layer.v1.tar+zstd"
                             : "application/vnd.oci.image.layer.v1.tar";
}

/// "sha256:<hex>" of BYTES.
inline std::string digest_of(const std::string& bytes) { return "sha256:" + util::sha256_hex(bytes); }

/// Writes images under the directory `tmp` (set it before use); every DIR argument is relative to it.
class ImageBuilder {
 public:
  /// Config, layer and manifest blobs of one image, as written by manifest().
  struct Manifest {
    std::string digest, bytes, config, descriptor;
    std::vector<std::string> layers;  // blob digests
  };

  /// Writes BYTES to tmp/REL, creating parent directories.
  void write(const std::string& rel, const std::string& bytes) {
    std::filesystem::path p = std::filesystem::path(tmp) / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
  }
  /// Stores BYTES as a content-addressed blob of the layout in DIR; returns its digest.
  std::string blob(const std::string& dir, const std::string& bytes) {
    write(dir + "/blobs/sha256/" + util::sha256_hex(bytes), bytes);
    return digest_of(bytes);
  }
  /// The absolute path of blob DIGEST in DIR.
  std::string blob_file(const std::string& dir, const std::string& digest) const {
    return tmp + "/" + dir + "/blobs/sha256/" + digest.substr(7);
  }
  /// An image config for LAYERS (diff_ids of the uncompressed tarballs, one history line per layer).
  static std::string config_json(const std::vector<Layer>& layers, const std::string& arch,
                                 const std::string& variant = "") {
    std::string diff_ids, history;
    for (const auto& l : layers) {
      diff_ids += (diff_ids.empty() ? "\"" : ",\"") + digest_of(make_tar(l.entries)) + "\"";
      history += (history.empty() ? "" : ",") + std::string(R"({"created_by":")") + l.created_by + "\"}";
    }
    return R"({"architecture":")" + arch + R"(","os":"linux")" +
           (variant.empty() ? "" : R"(,"variant":")" + variant + "\"") + R"(,"rootfs":{"type":"layers","diff_ids":[)" +
           diff_ids + R"(]},"history":[{"created_by":"empty","empty_layer":true},)" + history + "]}";
  }
  /// Config, layer and manifest blobs of one image in DIR.
  Manifest manifest(const std::string& dir, const std::vector<Layer>& layers, const std::string& arch = "amd64",
                    const std::string& variant = "") {
    Manifest m;
    std::string config = config_json(layers, arch, variant);
    m.config = blob(dir, config);
    std::string descriptors;
    for (const auto& l : layers) {
      std::string bytes = make_tar(l.entries, l.filter);
      m.layers.push_back(blob(dir, bytes));
      descriptors += (descriptors.empty() ? "" : ",") + std::string(R"({"mediaType":")") + media_type(l.filter) +
                     R"(","digest":")" + m.layers.back() + R"(","size":)" + std::to_string(bytes.size()) + "}";
    }
    m.bytes =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        m.config + R"(","size":)" + std::to_string(config.size()) + R"(},"layers":[)" + descriptors + "]}";
    m.digest = blob(dir, m.bytes);
    m.descriptor = R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + m.digest +
                   R"(","size":)" + std::to_string(m.bytes.size()) + R"(,"platform":{"architecture":")" + arch +
                   R"(","os":"linux")" + (variant.empty() ? "" : R"(,"variant":")" + variant + "\"") + "}}";
    return m;
  }
  /// Writes oci-layout and an index.json listing DESCRIPTORS, the last one annotated with ref name NAME.
  void index(const std::string& dir, const std::string& descriptors, const std::string& name = "app:1.0") {
    write(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    write(dir + "/index.json", R"({"schemaVersion":2,"manifests":[)" + descriptors.substr(0, descriptors.size() - 1) +
                                   R"(,"annotations":{"org.opencontainers.image.ref.name":")" + name + "\"}}]}");
  }
  /// An OCI layout directory holding one single-platform image; returns its absolute path.
  std::string oci_dir(const std::string& dir, const std::vector<Layer>& layers, const std::string& name = "app:1.0") {
    auto m = manifest(dir, layers);
    index(dir, m.descriptor, name);
    return tmp + "/" + dir;
  }
  /// Tars the contents of DIR into tmp/NAME with tar(1) FLAGS (an oci-archive from an OCI layout directory).
  std::string tar(const std::string& dir, const std::string& name, const std::string& flags = "-cf") {
    std::string out = tmp + "/" + name;
    std::string cmd = "tar -C " + tmp + "/" + dir + " " + flags + " " + out + " .";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return out;
  }
  /// What `docker save` wrote before Docker 25: <id>/layer.tar (uncompressed), <config hex>.json, manifest.json.
  /// With `links`, each <id>/layer.tar is a symbolic link to <diff_id hex>.tar, as skopeo writes them.
  /// TAGS is the JSON list body of RepoTags; returns the path of tmp/DIR.tar.
  std::string legacy_archive(const std::string& dir, const std::vector<Layer>& layers, const std::string& tags,
                             bool links = false) {
    std::string config = config_json(layers, "amd64");
    std::string hex = util::sha256_hex(config);
    write(dir + "/" + hex + ".json", config);
    std::string members;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      std::string id = util::sha256_hex("layer" + std::to_string(i));
      std::string bytes = make_tar(layers[i].entries);
      if (links) {
        write(dir + "/" + util::sha256_hex(bytes) + ".tar", bytes);
        std::filesystem::create_directories(tmp + "/" + dir + "/" + id);
        std::filesystem::create_symlink("../" + util::sha256_hex(bytes) + ".tar",
                                        tmp + "/" + dir + "/" + id + "/layer.tar");
      } else {
        write(dir + "/" + id + "/layer.tar", bytes);
      }
      members += (members.empty() ? "\"" : ",\"") + id + "/layer.tar\"";
    }
    write(dir + "/manifest.json",
          R"([{"Config":")" + hex + R"(.json","RepoTags":[)" + tags + R"(],"Layers":[)" + members + "]}]");
    return tar(dir, dir + ".tar");
  }

  /// The directory every path above is relative to.
  std::string tmp;
};

}  // namespace purser::testing
