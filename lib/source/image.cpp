// Container images as a source: layers streamed through libarchive, never extracted, and squashed in memory.
// Formats: OCI image-spec layer.md (changesets, whiteouts ".wh.NAME", opaque ".wh..wh..opq"), descriptor.md (digests
// are verified over the bytes as stored, sizes checked), image-layout.md (blobs/<alg>/<hex>); docker save's legacy
// layout (manifest.json, <id>/layer.tar whose sha256 is the config's rootfs.diff_ids entry).

#include "lib/source/image.hpp"

#include "lib/registry/client.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "lib/util/hash.hpp"
#include "lib/util/parallel.hpp"

namespace purser::source {

namespace {

using util::ErrorCode;
using util::make_error;

constexpr std::size_t k_read_block = 1u << 20;
constexpr int k_max_symlink_hops = 40;

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

enum class Kind : std::uint8_t { regular, directory, symlink, hardlink, other };

// Paths and link targets of one layer live in large blocks, so an entry costs no allocation of its own and the
// views stay valid for the life of the image.
class Arena {
 public:
  std::string_view store(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > k_block / 8) {
      m_large.push_back(std::make_unique<char[]>(s.size()));
      std::memcpy(m_large.back().get(), s.data(), s.size());
      return {m_large.back().get(), s.size()};
    }
    if (m_blocks.empty() || m_used + s.size() > k_block) {
      m_blocks.push_back(std::make_unique<char[]>(k_block));
      m_used = 0;
    }
    char* p = m_blocks.back().get() + m_used;
    std::memcpy(p, s.data(), s.size());
    m_used += s.size();
    return {p, s.size()};
  }

 private:
  static constexpr std::size_t k_block = 256 * 1024;
  std::vector<std::unique_ptr<char[]>> m_blocks;
  std::vector<std::unique_ptr<char[]>> m_large;
  std::size_t m_used = 0;
};

struct LayerEntry {
  std::string_view path;
  std::string_view link;  // symlink target as stored, or the normalised hard link target
  std::uint64_t size = 0;
  std::uint32_t mode = 0;
  Kind kind = Kind::other;
  bool wanted = false;     // options.capture(path), or a condenser chosen
  bool captured = false;   // bytes are in LayerResult::captured
  bool condensed = false;  // ... and they are a condenser's output
};

struct HardLink {
  std::string_view path, target;
  bool wanted = false;
};

// What streaming one blob found.
struct LayerResult {
  Arena arena;
  std::vector<LayerEntry> entries;          // sorted by path, the last of duplicates kept
  std::vector<std::string_view> whiteouts;  // paths this layer deletes from lower layers
  std::vector<std::string_view> opaque;     // directories whose lower contents this layer hides
  std::vector<HardLink> hardlinks;          // tar order: a target always precedes its links
  std::map<std::string_view, std::string> captured;
  std::map<std::string, std::string, std::less<>> link_bytes;  // uncaptured targets of captured hard links
  std::vector<util::Diagnostic> diagnostics;
  std::uint64_t blob_size = 0;
};

// Where a blob's bytes come from: a file in a layout directory or a member of the outer tar.
class BlobReader {
 public:
  virtual ~BlobReader() = default;
  /// Next chunk; 0 at the end, -1 on failure (why in m_error).
  virtual la_ssize_t next(const void** data) = 0;
  std::string m_error;
};

class FileReader : public BlobReader {
 public:
  explicit FileReader(int fd) : m_fd(fd), m_buffer(k_read_block) {}
  ~FileReader() override { ::close(m_fd); }
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;
  la_ssize_t next(const void** data) override {
    for (;;) {
      ssize_t n = ::read(m_fd, m_buffer.data(), m_buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        m_error = std::string("cannot read blob: ") + std::strerror(errno);
        return -1;
      }
      *data = m_buffer.data();
      return n;
    }
  }

 private:
  int m_fd;
  std::vector<char> m_buffer;
};

// A layer blob streamed from a registry (the client verifies size and digest too).
class RegistryReader : public BlobReader {
 public:
  explicit RegistryReader(std::unique_ptr<registry::BlobStream> stream)
      : m_stream(std::move(stream)), m_buffer(k_read_block) {}
  la_ssize_t next(const void** data) override {
    auto n = m_stream->read(m_buffer.data(), m_buffer.size());
    if (!n.ok()) {
      m_error = n.error().message;
      m_code = n.error().code;
      return -1;
    }
    *data = m_buffer.data();
    return static_cast<la_ssize_t>(*n);
  }
  util::ErrorCode m_code = util::ErrorCode::io;

 private:
  std::unique_ptr<registry::BlobStream> m_stream;
  std::vector<char> m_buffer;
};

// A member of the outer tar, read block by block without copying (archive_read_data_block).
class MemberReader : public BlobReader {
 public:
  explicit MemberReader(archive* outer) : m_outer(outer) {}
  la_ssize_t next(const void** data) override {
    std::size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(m_outer, data, &size, &offset);
    if (r == ARCHIVE_EOF) return 0;
    if (r != ARCHIVE_OK) {
      const char* why = archive_error_string(m_outer);
      m_error = std::string("cannot read archive member: ") + (why ? why : "unknown error");
      return -1;
    }
    if (static_cast<std::uint64_t>(offset) != m_position) {
      m_error = "cannot read archive member: sparse members are not blobs";
      return -1;
    }
    m_position += size;
    return static_cast<la_ssize_t>(size);
  }

 private:
  archive* m_outer;
  std::uint64_t m_position = 0;
};

ArchivePtr new_outer_reader() {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  return a;
}

std::string_view strip_dot_slash(std::string_view name) {
  while (name.size() >= 2 && name[0] == '.' && name[1] == '/') name.remove_prefix(2);
  return name;
}

// Advances `outer` to the regular member `member`; false when the archive ends first.
bool seek_member(archive* outer, const std::string& member) {
  archive_entry* entry = nullptr;
  for (;;) {
    int r = archive_read_next_header(outer, &entry);
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return false;
    const char* name = archive_entry_pathname(entry);
    if (name && archive_entry_filetype(entry) == AE_IFREG && strip_dot_slash(name) == member) return true;
  }
}

enum class Normal { ok, climbs, empty };

// "./a//b/./c/" → "a/b/c"; leading '/' stripped (layer.md: paths are relative to the root). A ".." component is
// refused, never resolved: an entry that names its way out of the root is skipped. `depth` = component count.
Normal normalise(std::string_view in, std::string& scratch, std::string_view& out, std::size_t& depth) {
  while (!in.empty() && in.front() == '/') in.remove_prefix(1);
  while (in.size() >= 2 && in[0] == '.' && in[1] == '/') {
    in.remove_prefix(2);
    while (!in.empty() && in.front() == '/') in.remove_prefix(1);
  }
  while (!in.empty() && in.back() == '/') in.remove_suffix(1);
  bool clean = true;
  depth = 0;
  for (std::size_t start = 0; start <= in.size() && !in.empty();) {
    std::size_t end = in.find('/', start);
    if (end == std::string_view::npos) end = in.size();
    std::string_view part = in.substr(start, end - start);
    if (part == "..") return Normal::climbs;
    if (part.empty() || part == ".")
      clean = false;
    else
      ++depth;
    start = end + 1;
  }
  if (clean) {
    out = in;
    return in.empty() || in == "." ? Normal::empty : Normal::ok;
  }
  scratch.clear();
  for (std::size_t start = 0; start <= in.size();) {
    std::size_t end = in.find('/', start);
    if (end == std::string_view::npos) end = in.size();
    std::string_view part = in.substr(start, end - start);
    if (!part.empty() && part != ".") {
      if (!scratch.empty()) scratch += '/';
      scratch.append(part);
    }
    start = end + 1;
  }
  out = scratch;
  return scratch.empty() ? Normal::empty : Normal::ok;
}

// Limits shared by every layer of one open (ImageLimits); the first hard breach stops the other workers.
struct Budget {
  explicit Budget(const ImageLimits& l) : limits(l) {}
  const ImageLimits& limits;
  std::atomic<std::uint64_t> entries{0}, expanded{0}, captured{0};
  std::atomic<bool> stop{false};
};

// The raw blob bytes pass through here on their way into libarchive: digest and size of the bytes as stored.
struct HashingStream {
  explicit HashingStream(BlobReader& r) : reader(r) {}
  BlobReader& reader;
  util::Digest digest{util::DigestAlgorithm::sha256};
  std::uint64_t bytes = 0;
  bool failed = false;
  la_ssize_t next(const void** data) {
    la_ssize_t n = reader.next(data);
    if (n < 0) {
      failed = true;
      return n;
    }
    if (n > 0) {
      digest.update(std::string_view(static_cast<const char*>(*data), static_cast<std::size_t>(n)));
      bytes += static_cast<std::uint64_t>(n);
    }
    return n;
  }
  static la_ssize_t read_cb(archive* a, void* self, const void** data) {
    auto* s = static_cast<HashingStream*>(self);
    la_ssize_t n = s->next(data);
    if (n < 0) archive_set_error(a, EIO, "%s", s->reader.m_error.c_str());
    return n;
  }
};

ArchivePtr new_layer_reader() {
  ArchivePtr a(archive_read_new(), archive_read_free);
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  archive_read_support_format_empty(a.get());
  // Built-in decompressors only: never the external-program filters archive_read_support_filter_all adds.
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_xz(a.get());
  archive_read_support_filter_bzip2(a.get());
  return a;
}

std::string lowercase_first(std::string s) {
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') s[0] = static_cast<char>(s[0] - 'A' + 'a');
  return s;
}

const std::string k_cancelled = "cancelled";

// The data of the current tar entry, for a condenser. A failure is kept for the layer streamer to report.
class EntryStream final : public ByteStream {
 public:
  EntryStream(archive* a, std::uint64_t size) : m_archive(a), m_left(size) {}
  util::Result<std::size_t> read(char* buffer, std::size_t max) override {
    if (failure) return *failure;
    if (m_left == 0) return std::size_t{0};
    la_ssize_t n = archive_read_data(m_archive, buffer, static_cast<std::size_t>(std::min<std::uint64_t>(max, m_left)));
    if (n <= 0) {
      truncated = n == 0;
      failure = make_error(ErrorCode::parse, truncated ? "entry is truncated" : "malformed entry");
      return *failure;
    }
    m_left -= static_cast<std::uint64_t>(n);
    return static_cast<std::size_t>(n);
  }
  std::optional<util::Error> failure;
  bool truncated = false;

 private:
  archive* m_archive;
  std::uint64_t m_left;
};

// Streams one layer blob: records every entry, captures the wanted files, checks digest, size and limits.
class LayerStreamer {
 public:
  LayerStreamer(std::size_t index, const ImageLayer& layer, const std::string& location, const ImageOptions& options,
                Budget& budget)
      : m_layer(layer),
        m_location(location),
        m_options(options),
        m_budget(budget),
        m_name("layer " + std::to_string(index) + " (" + layer.digest + ")") {}

  util::Status run(BlobReader& reader, LayerResult& out) {
    HashingStream stream(reader);
    ArchivePtr a = new_layer_reader();
    std::optional<util::Error> failure;
    if (archive_read_open(a.get(), &stream, nullptr, HashingStream::read_cb, nullptr) != ARCHIVE_OK)
      failure = malformed(a.get());
    else
      failure = walk(a.get(), out);
    if (failure && (failure->code != ErrorCode::parse)) return *failure;
    // The rest of the blob (after the end-of-archive blocks, or after a malformed spot) still counts for the
    // digest; it is read raw, never inflated.
    const void* data = nullptr;
    while (!stream.failed && stream.next(&data) > 0) {
    }
    if (stream.failed) return error(ErrorCode::io, reader.m_error);
    out.blob_size = stream.bytes;
    if (m_layer.size_declared && stream.bytes != m_layer.size)
      return error(ErrorCode::verify, "blob has " + std::to_string(stream.bytes) + " bytes, manifest says " +
                                          std::to_string(m_layer.size));
    std::string actual = "sha256:" + stream.digest.finish_hex();
    if (actual != m_layer.digest) return error(ErrorCode::verify, "blob does not match its digest (" + actual + ")");
    if (failure) return *failure;
    finish(out);
    return util::Ok{};
  }

  // Second pass over a blob already verified, for hard link targets a first pass did not keep.
  util::Status capture_targets(BlobReader& reader, const std::set<std::string, std::less<>>& targets,
                               LayerResult& out) {
    HashingStream stream(reader);
    ArchivePtr a = new_layer_reader();
    if (archive_read_open(a.get(), &stream, nullptr, HashingStream::read_cb, nullptr) != ARCHIVE_OK)
      return malformed(a.get());
    archive_entry* entry = nullptr;
    std::string scratch;
    for (;;) {
      int r = archive_read_next_header(a.get(), &entry);
      if (r == ARCHIVE_EOF) return util::Ok{};
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return malformed(a.get());
      const char* raw = archive_entry_pathname(entry);
      std::string_view path;
      std::size_t depth = 0;
      if (!raw || archive_entry_filetype(entry) != AE_IFREG || archive_entry_hardlink(entry) ||
          normalise(raw, scratch, path, depth) != Normal::ok || !targets.count(path))
        continue;
      auto size = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
      if (size > m_budget.limits.max_captured_file) continue;
      std::string bytes;
      if (auto st = read_data(a.get(), size, path, bytes); !st.ok()) return st;
      out.link_bytes[std::string(path)] = std::move(bytes);
    }
  }

 private:
  util::Error error(ErrorCode code, const std::string& why) const {
    return make_error(code, m_name + ": " + why, {m_location});
  }
  util::Error malformed(archive* a) const {
    const char* why = archive_error_string(a);
    return error(ErrorCode::parse, "malformed layer: " + lowercase_first(why ? why : "unknown error") + " at byte " +
                                       std::to_string(archive_filter_bytes(a, 0)) + " of the tar stream");
  }
  util::Error limit(const std::string& why) const {
    m_budget.stop = true;
    return error(ErrorCode::unsupported, why);
  }
  void warn(std::string message) {
    m_diagnostics->push_back(util::Diagnostic{util::Severity::warning, m_name + ": " + message, {m_location}});
  }

  util::Status read_data(archive* a, std::uint64_t size, std::string_view path, std::string& bytes) {
    bytes.resize(size);
    std::size_t got = 0;
    while (got < size) {
      la_ssize_t n = archive_read_data(a, bytes.data() + got, size - got);
      if (n < 0) return malformed(a);
      if (n == 0) return error(ErrorCode::parse, "malformed layer: " + std::string(path) + " is truncated");
      got += static_cast<std::size_t>(n);
    }
    return util::Ok{};
  }

  std::optional<util::Error> walk(archive* a, LayerResult& out) {
    m_diagnostics = &out.diagnostics;
    const ImageLimits& limits = m_budget.limits;
    archive_entry* entry = nullptr;
    std::string scratch, scratch_link, joined;
    FileEntry scratch_entry;
    std::uint64_t seen = 0;
    for (;;) {
      if (m_budget.stop) return make_error(ErrorCode::internal, k_cancelled);
      int r = archive_read_next_header(a, &entry);
      if (r == ARCHIVE_EOF) return std::nullopt;
      if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return malformed(a);
      // Decompression-bomb guard: count inflated bytes as they pass, and refuse an entry whose declared size
      // would cross the limit before inflating (and discarding) its data.
      auto position = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(a, 0), 0));
      std::uint64_t expanded = (m_budget.expanded += position - seen);
      seen = position;
      auto size = static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0));
      if (expanded + size > limits.max_expanded)
        return limit("expands beyond the limit of " + std::to_string(limits.max_expanded) + " bytes");
      if (++m_budget.entries > limits.max_entries)
        return limit("more than " + std::to_string(limits.max_entries) + " entries");
      const char* raw = archive_entry_pathname(entry);
      if (!raw) {
        warn("entry without a usable name skipped");
        continue;
      }
      std::string_view path;
      std::size_t depth = 0;
      Normal n = normalise(raw, scratch, path, depth);
      if (n == Normal::climbs) {
        warn("entry " + std::string(raw) + " skipped: its path leaves the image root");
        continue;
      }
      if (n == Normal::empty) continue;  // the root directory itself
      if (depth > limits.max_path_depth)
        return limit("entry " + std::string(path.substr(0, 64)) + "...: path has " + std::to_string(depth) +
                     " components, more than the limit of " + std::to_string(limits.max_path_depth));

      auto slash = path.rfind('/');
      std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
      std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
      if (base.size() >= 4 && base.compare(0, 4, ".wh.") == 0) {
        if (base == ".wh..wh..opq") {
          out.opaque.push_back(out.arena.store(dir));
        } else if (base.size() >= 8 && base.compare(0, 8, ".wh..wh.") == 0) {
          // Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): no meaning in an image (layer.md).
        } else {
          joined.assign(dir);
          if (!joined.empty()) joined += '/';
          joined.append(base.substr(4));
          out.whiteouts.push_back(out.arena.store(joined));
        }
        continue;
      }

      LayerEntry e;
      e.size = size;
      e.mode = static_cast<std::uint32_t>(archive_entry_perm(entry)) & 07777;
      if (const char* target = archive_entry_hardlink(entry)) {
        std::string_view link;
        std::size_t link_depth = 0;
        if (normalise(target, scratch_link, link, link_depth) != Normal::ok) {
          warn("hard link " + std::string(path) + " skipped: its target " + target + " leaves the image root");
          continue;
        }
        e.kind = Kind::hardlink;
        e.size = 0;
        e.link = out.arena.store(link);
      } else {
        switch (archive_entry_filetype(entry)) {
          case AE_IFREG:
            e.kind = Kind::regular;
            break;
          case AE_IFDIR:
            e.kind = Kind::directory;
            break;
          case AE_IFLNK: {
            e.kind = Kind::symlink;
            const char* symlink = archive_entry_symlink(entry);
            e.link = out.arena.store(symlink ? symlink : "");
            break;
          }
          default:
            e.kind = Kind::other;
            break;
        }
      }
      e.path = out.arena.store(path);
      if ((e.kind == Kind::regular || e.kind == Kind::hardlink) && m_options.capture && m_options.capture(e.path))
        e.wanted = true;
      CondenseFn condense = nullptr;
      if ((e.kind == Kind::regular || e.kind == Kind::hardlink) && !e.wanted && m_options.condense) {
        scratch_entry.path.assign(e.path);
        scratch_entry.size = size;
        scratch_entry.mode = e.mode;
        condense = m_options.condense(scratch_entry);
        e.wanted = condense != nullptr;  // a hard link takes its target's condensed bytes (apply)
      }
      if (e.kind == Kind::hardlink) {
        out.hardlinks.push_back({e.path, e.link, e.wanted});
        // A wanted link to a file this layer may hold without having captured it: checked once sorted (finish).
        if (e.wanted && !out.captured.count(e.link)) m_link_checks.push_back(e.link);
      } else if (e.kind == Kind::regular && condense) {
        EntryStream in(a, size);
        auto c = condense(in, scratch_entry);
        if (in.failure)
          return in.truncated ? error(ErrorCode::parse, "malformed layer: " + std::string(e.path) + " is truncated")
                              : malformed(a);
        if (!c.ok()) {
          warn(std::string(e.path) + ": " + c.error().message);
          e.wanted = false;
        } else {
          if ((m_budget.captured += c->size()) > limits.max_captured_total)
            return limit("captured files exceed the limit of " + std::to_string(limits.max_captured_total) +
                         " bytes at " + std::string(e.path));
          out.captured[e.path] = std::move(*c);
          e.captured = e.condensed = true;
        }
      } else if (e.kind == Kind::regular && e.wanted) {
        if (size > limits.max_captured_file) {
          warn(std::string(e.path) + ": " + std::to_string(size) + " bytes, over the capture limit of " +
               std::to_string(limits.max_captured_file) + ": not captured");
        } else {
          if ((m_budget.captured += size) > limits.max_captured_total)
            return limit("captured files exceed the limit of " + std::to_string(limits.max_captured_total) +
                         " bytes at " + std::string(e.path));
          std::string bytes;
          if (auto st = read_data(a, size, e.path, bytes); !st.ok()) return st.error();
          out.captured[e.path] = std::move(bytes);
          e.captured = true;
        }
      }
      out.entries.push_back(e);
    }
  }

  void finish(LayerResult& out) {
    // Later duplicates win, as when a tar is extracted in order.
    std::stable_sort(out.entries.begin(), out.entries.end(),
                     [](const LayerEntry& x, const LayerEntry& y) { return x.path < y.path; });
    std::size_t w = 0;
    for (std::size_t i = 0; i < out.entries.size(); ++i) {
      if (i + 1 < out.entries.size() && out.entries[i + 1].path == out.entries[i].path) continue;
      out.entries[w++] = out.entries[i];
    }
    out.entries.resize(w);
    for (auto target : m_link_checks) {
      auto it = std::lower_bound(out.entries.begin(), out.entries.end(), target,
                                 [](const LayerEntry& x, std::string_view p) { return x.path < p; });
      if (it != out.entries.end() && it->path == target && it->kind == Kind::regular && !it->captured)
        m_missing_targets.emplace(target);
    }
  }

 public:
  std::set<std::string, std::less<>> m_missing_targets;

 private:
  const ImageLayer& m_layer;
  const std::string& m_location;
  const ImageOptions& m_options;
  Budget& m_budget;
  std::string m_name;
  std::vector<util::Diagnostic>* m_diagnostics = nullptr;
  std::vector<std::string_view> m_link_checks;  // targets of wanted hard links, not captured when the link was read
};

struct Node {
  std::string_view path;
  std::string_view link;
  std::uint64_t size = 0;
  std::uint32_t layer = 0;
  std::uint32_t mode = 0;
  Kind kind = Kind::other;
  bool dead = false;
};

struct Record {
  std::string path;
  std::vector<FileVersion> versions;
};

class ImageSourceImpl : public ImageSource {
 public:
  ImageSourceImpl(std::string target, ImageInfo info) : m_target(std::move(target)), m_info(std::move(info)) {}

  std::string target() const override { return m_target; }
  std::string name() const override { return m_info.ref.name; }
  const ImageInfo& info() const override { return m_info; }
  const std::vector<util::Diagnostic>& diagnostics() const override { return m_diagnostics; }

  std::vector<FileEntry> files(const PathFilter& want, std::vector<util::Diagnostic>&) override {
    std::vector<FileEntry> out;
    for (const auto& n : m_state)
      if (n.kind == Kind::regular && (!want || want(n.path))) out.push_back({std::string(n.path), n.size, n.mode});
    return out;
  }

  util::Result<std::string> read(std::string_view relative_path, std::uint64_t max_bytes) const override {
    auto node = resolve(relative_path);
    if (!node.ok()) return node.error();
    const Node* n = *node;
    std::string shown(relative_path);
    if (!n) return make_error(ErrorCode::io, "cannot read " + shown + ": no such file in the image", {m_target});
    if (n->kind != Kind::regular)
      return make_error(ErrorCode::io, "cannot read " + shown + ": not a regular file", {m_target});
    auto it = m_record_index.find(n->path);
    if (it == m_record_index.end() || m_records[it->second].versions.empty() ||
        m_records[it->second].versions.back().deleted || !m_records[it->second].versions.back().captured)
      return make_error(ErrorCode::io, "cannot read " + shown + ": not captured", {m_target});
    if (m_records[it->second].versions.back().condensed)
      return make_error(ErrorCode::io, "cannot read " + shown + ": only its condensed form was kept", {m_target});
    const std::string& bytes = m_records[it->second].versions.back().bytes;
    if (bytes.size() > max_bytes)
      return make_error(ErrorCode::io,
                        "cannot read " + shown + ": " + std::to_string(bytes.size()) + " bytes, over the limit of " +
                            std::to_string(max_bytes),
                        {m_target});
    return bytes;
  }

  util::Result<std::string> condensed(std::string_view relative_path, CondenseFn condense) const override {
    auto node = resolve(relative_path);
    if (!node.ok()) return node.error();
    const Node* n = *node;
    std::string shown(relative_path);
    if (!n || n->kind != Kind::regular)
      return make_error(ErrorCode::io, "cannot read " + shown + ": no such file in the image", {m_target});
    const FileVersion* v = latest(n->path);
    if (!v || v->deleted || !v->captured)
      return make_error(ErrorCode::io, "cannot read " + shown + ": not captured", {m_target});
    if (v->condensed) return v->bytes;
    MemoryStream in(v->bytes);
    return condense(in, FileEntry{std::string(n->path), n->size, n->mode});
  }

  std::size_t layer_of(std::string_view path) const override {
    const Node* n = find(path);
    return n ? n->layer : SIZE_MAX;
  }

  std::vector<FileVersion> history(std::string_view path) const override {
    auto it = m_record_index.find(path);
    return it == m_record_index.end() ? std::vector<FileVersion>() : m_records[it->second].versions;
  }

  std::vector<std::string> captured_paths() const override {
    std::vector<std::string> out;
    for (const auto& [path, index] : m_record_index)
      if (!m_records[index].versions.empty()) out.push_back(path);
    return out;
  }

  // Applies one layer on top of the squashed view (layer.md "Applying Changesets").
  void apply(std::uint32_t layer, LayerResult& r, bool last_use, const std::string& name) {
    // 1. Whiteouts and opaque directories hide what lower layers put there.
    for (auto dir : r.opaque) kill_prefix(dir.empty() ? std::string() : std::string(dir) + "/", layer);
    for (auto path : r.whiteouts) {
      if (Node* n = find_mutable(path)) kill(*n, layer);
      kill_prefix(std::string(path) + "/", layer);
    }
    // 2. Merge this layer's entries (both sides sorted).
    std::vector<Node> next;
    next.reserve(m_state.size() + r.entries.size());
    std::vector<std::string_view> replaced_dirs;
    std::string prefix;
    std::size_t i = 0;
    for (const auto& e : r.entries) {
      while (i < m_state.size() && (m_state[i].dead || m_state[i].path < e.path)) {
        if (!m_state[i].dead) next.push_back(m_state[i]);
        ++i;
      }
      const Node* old = i < m_state.size() && m_state[i].path == e.path ? &m_state[i] : nullptr;
      if (old) ++i;
      // A file or link replacing a directory (stated, or implied by lower entries under it) hides its contents.
      if (e.kind != Kind::directory && (old ? old->kind == Kind::directory : has_children(i, e.path, prefix)))
        replaced_dirs.push_back(e.path);
      next.push_back(Node{e.path, e.link, e.size, layer, e.mode, e.kind, false});
      if (e.kind == Kind::regular && e.wanted) {
        FileVersion v;
        v.layer = layer;
        v.captured = e.captured;
        v.condensed = e.condensed;
        if (e.captured) {
          auto c = r.captured.find(e.path);
          v.bytes = last_use ? std::move(c->second) : c->second;
        }
        record(e.path).versions.push_back(std::move(v));
      } else if (e.kind != Kind::hardlink) {
        note_deleted(e.path, layer);
      }
    }
    for (; i < m_state.size(); ++i)
      if (!m_state[i].dead) next.push_back(m_state[i]);
    m_state = std::move(next);
    // 3. A directory replaced by a file or link loses what was under it.
    for (auto dir : replaced_dirs) kill_prefix(std::string(dir) + "/", layer);
    // 4. Hard links become regular files once their target is known, in tar order (targets come first).
    for (const auto& link : r.hardlinks) {
      Node* n = find_mutable(link.path);
      if (!n || n->layer != layer || n->kind != Kind::hardlink || n->link != link.target) continue;
      const Node* target = find(link.target);
      if (target && target->kind == Kind::symlink) {  // a hard link to a symbolic link is that link again
        n->kind = Kind::symlink;
        n->link = target->link;
        note_deleted(link.path, layer);
        continue;
      }
      if (!target || target->kind != Kind::regular) {
        m_diagnostics.push_back(util::Diagnostic{util::Severity::warning,
                                                 name + ": hard link " + std::string(link.path) + " skipped: target " +
                                                     std::string(link.target) + " is not a file in the image",
                                                 {m_target}});
        n->dead = true;
        note_deleted(link.path, layer);
        continue;
      }
      n->kind = Kind::regular;
      n->size = target->size;
      n->mode = target->mode;
      if (!link.wanted) continue;
      FileVersion v;
      v.layer = layer;
      if (const FileVersion* t = latest(link.target); t && !t->deleted && t->captured && t->layer == target->layer) {
        v.bytes = t->bytes;
        v.captured = true;
        v.condensed = t->condensed;
      } else if (auto b = r.link_bytes.find(link.target); b != r.link_bytes.end()) {
        v.bytes = b->second;
        v.captured = true;
      } else {
        v.captured = false;
        m_diagnostics.push_back(util::Diagnostic{
            util::Severity::warning,
            name + ": hard link " + std::string(link.path) + ": target " + std::string(link.target) + " not captured",
            {m_target}});
      }
      record(link.path).versions.push_back(std::move(v));
    }
    std::erase_if(m_state, [](const Node& n) { return n.dead; });
  }

  void add_diagnostics(std::vector<util::Diagnostic>& d) {
    for (auto& x : d) m_diagnostics.push_back(std::move(x));
  }
  void keep(std::shared_ptr<LayerResult> r) { m_layers.push_back(std::move(r)); }

 private:
  const Node* find(std::string_view path) const {
    auto it = std::lower_bound(m_state.begin(), m_state.end(), path,
                               [](const Node& n, std::string_view p) { return n.path < p; });
    return it != m_state.end() && it->path == path && !it->dead ? &*it : nullptr;
  }
  Node* find_mutable(std::string_view path) { return const_cast<Node*>(find(path)); }
  // Whether live nodes at or after `from` lie under `path` ("path/...").
  bool has_children(std::size_t from, std::string_view path, std::string& prefix) const {
    if (from >= m_state.size()) return false;
    prefix.assign(path);
    prefix += '/';
    auto it = std::lower_bound(m_state.begin() + static_cast<std::ptrdiff_t>(from), m_state.end(),
                               std::string_view(prefix), [](const Node& n, std::string_view p) { return n.path < p; });
    for (; it != m_state.end() && it->path.substr(0, prefix.size()) == prefix; ++it)
      if (!it->dead) return true;
    return false;
  }

  Record& record(std::string_view path) {
    auto it = m_record_index.find(path);
    if (it != m_record_index.end()) return m_records[it->second];
    m_records.push_back(Record{std::string(path), {}});
    m_record_index.emplace(std::string(path), m_records.size() - 1);
    return m_records.back();
  }
  const FileVersion* latest(std::string_view path) const {
    auto it = m_record_index.find(path);
    if (it == m_record_index.end() || m_records[it->second].versions.empty()) return nullptr;
    return &m_records[it->second].versions.back();
  }
  void note_deleted(std::string_view path, std::uint32_t layer) {
    auto it = m_record_index.find(path);
    if (it == m_record_index.end()) return;
    auto& versions = m_records[it->second].versions;
    if (versions.empty() || versions.back().deleted) return;
    FileVersion v;
    v.layer = layer;
    v.deleted = true;
    v.captured = false;
    versions.push_back(std::move(v));
  }
  void kill(Node& n, std::uint32_t layer) {
    if (n.dead) return;
    n.dead = true;
    note_deleted(n.path, layer);
  }
  // Everything whose path starts with `prefix` ("dir/", or "" for the whole tree).
  void kill_prefix(const std::string& prefix, std::uint32_t layer) {
    auto it = std::lower_bound(m_state.begin(), m_state.end(), std::string_view(prefix),
                               [](const Node& n, std::string_view p) { return n.path < p; });
    for (; it != m_state.end() && it->path.substr(0, prefix.size()) == prefix; ++it) kill(*it, layer);
  }

  // Follows symbolic links inside the squashed view (at most k_max_symlink_hops); never leaves the root.
  util::Result<const Node*> resolve(std::string_view path) const {
    std::string shown(path);
    auto fail = [&](const std::string& why) {
      return make_error(ErrorCode::io, "cannot read " + shown + ": " + why, {m_target});
    };
    std::deque<std::string> pending;
    auto push_parts = [&](std::string_view s) {
      std::vector<std::string> parts;
      for (std::size_t start = 0; start <= s.size();) {
        std::size_t end = s.find('/', start);
        if (end == std::string_view::npos) end = s.size();
        if (end > start) parts.emplace_back(s.substr(start, end - start));
        start = end + 1;
      }
      for (auto it = parts.rbegin(); it != parts.rend(); ++it) pending.push_front(std::move(*it));
    };
    if (path.empty() || path.front() == '/') return fail("not a relative path");
    push_parts(path);
    for (const auto& p : pending)
      if (p == "..") return fail("not a relative path");
    std::string current;
    int hops = 0;
    while (!pending.empty()) {
      std::string part = std::move(pending.front());
      pending.pop_front();
      if (part == ".") continue;
      if (part == "..") {
        auto slash = current.rfind('/');
        current.resize(slash == std::string::npos ? 0 : slash);
        continue;
      }
      std::string candidate = current.empty() ? part : current + "/" + part;
      const Node* n = find(candidate);
      if (n && n->kind == Kind::symlink) {
        if (++hops > k_max_symlink_hops) return fail("too many levels of symbolic links");
        std::string_view target = n->link;
        if (!target.empty() && target.front() == '/') {
          current.clear();
        } else {
          // ".." above the root would leave the image: refuse rather than clamp.
          int level = current.empty() ? 0 : static_cast<int>(std::count(current.begin(), current.end(), '/')) + 1;
          for (std::size_t start = 0; start <= target.size();) {
            std::size_t end = target.find('/', start);
            if (end == std::string_view::npos) end = target.size();
            std::string_view t = target.substr(start, end - start);
            if (t == "..")
              --level;
            else if (!t.empty() && t != ".")
              ++level;
            if (level < 0)
              return fail("symbolic link " + candidate + " escapes the image root (-> " + std::string(target) + ")");
            start = end + 1;
          }
        }
        push_parts(target);
        continue;
      }
      current = std::move(candidate);
    }
    return find(current);
  }

  std::string m_target;
  ImageInfo m_info;
  std::vector<Node> m_state;  // the squashed view, sorted by path
  std::vector<Record> m_records;
  std::map<std::string, std::size_t, std::less<>> m_record_index;
  std::vector<util::Diagnostic> m_diagnostics;
  std::vector<std::shared_ptr<LayerResult>> m_layers;  // own the paths m_state points at
};

bool tar_has_image_metadata(const std::string& path) {
  ArchivePtr a = new_outer_reader();
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) return false;
  archive_entry* entry = nullptr;
  for (int i = 0; i < 100000; ++i) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return false;
    const char* name = archive_entry_pathname(entry);
    if (!name) continue;
    std::string_view n = strip_dot_slash(name);
    if (n == "manifest.json" || n == "oci-layout" || n == "index.json") return true;
  }
  return false;
}

}  // namespace

bool looks_like_image(std::string_view path) {
  std::string p(path);
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) return std::filesystem::is_regular_file(p + "/oci-layout", ec);
  if (!std::filesystem::is_regular_file(p, ec)) return false;
  return tar_has_image_metadata(p);
}

util::Result<std::unique_ptr<ImageSource>> open_image(std::string_view target, const ImageOptions& options) {
  std::string resolved(target);
  if (!is_image_target(target)) {
    std::error_code ec;
    if (!looks_like_image(target))
      return make_error(ErrorCode::usage, "not an image: " + std::string(target) +
                                              " (expected docker-archive:FILE, oci-dir:DIR or oci-archive:FILE)");
    resolved =
        (std::filesystem::is_directory(std::string(target), ec) ? "oci-dir:" : "docker-archive:") + std::string(target);
  }
  auto manifest = resolve_image_manifest(resolved, options.image, options.platform, options.registry);
  if (!manifest.ok()) return manifest.error();
  const ImageManifest& m = *manifest;
  const auto& layers = m.info.layers;

  // One job per distinct blob: identical layers (empty ones are common) are streamed once.
  std::vector<std::size_t> job_of(layers.size());
  std::vector<std::size_t> first_layer;
  std::map<std::string, std::size_t> job_by_member;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    auto [it, fresh] = job_by_member.emplace(layers[i].member, first_layer.size());
    if (fresh) first_layer.push_back(i);
    job_of[i] = it->second;
  }
  std::vector<std::shared_ptr<LayerResult>> results(first_layer.size());
  std::vector<std::optional<util::Error>> errors(first_layer.size());
  Budget budget(options.limits);

  auto open_reader = [&](std::size_t job, ArchivePtr& outer) -> util::Result<std::unique_ptr<BlobReader>> {
    const ImageLayer& layer = layers[first_layer[job]];
    std::string where = "layer " + std::to_string(first_layer[job]) + " (" + layer.digest + ")";
    if (m.registry) {
      auto blob = m.registry->open_blob(m.repository, layer.digest, layer.size_declared ? layer.size : 0);
      if (!blob.ok()) {
        util::Error e = blob.error();
        e.message = where + ": " + e.message;
        return e;
      }
      return std::unique_ptr<BlobReader>(std::make_unique<RegistryReader>(std::move(*blob)));
    }
    if (m.directory) {
      std::string file = m.path + "/" + layer.member;
      int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return make_error(ErrorCode::io, where + ": cannot open blob: " + std::strerror(errno), {file});
      ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      return std::unique_ptr<BlobReader>(std::make_unique<FileReader>(fd));
    }
    outer = new_outer_reader();
    if (archive_read_open_filename(outer.get(), m.path.c_str(), k_read_block) != ARCHIVE_OK ||
        !seek_member(outer.get(), layer.member))
      return make_error(ErrorCode::parse, where + ": blob is missing: " + layer.member, {m.path});
    return std::unique_ptr<BlobReader>(std::make_unique<MemberReader>(outer.get()));
  };
  auto stream = [&](std::size_t job, BlobReader& reader) {
    std::size_t index = first_layer[job];
    auto result = std::make_shared<LayerResult>();
    LayerStreamer streamer(index, layers[index], m.path, options, budget);
    auto st = streamer.run(reader, *result);
    if (!st.ok()) {
      errors[job] = st.error();
      return std::shared_ptr<LayerStreamer>();
    }
    results[job] = std::move(result);
    return std::make_shared<LayerStreamer>(std::move(streamer));
  };
  auto second_pass = [&](std::size_t job, LayerStreamer& streamer) {
    if (streamer.m_missing_targets.empty() || errors[job]) return;
    ArchivePtr outer(nullptr, archive_read_free);
    auto reader = open_reader(job, outer);
    if (!reader.ok()) {
      errors[job] = reader.error();
      return;
    }
    auto st = streamer.capture_targets(**reader, streamer.m_missing_targets, *results[job]);
    if (!st.ok()) errors[job] = st.error();
  };

  if (m.compressed_archive) {
    // A compressed outer tar cannot skip between members cheaply: one pass, blobs in archive order.
    ArchivePtr outer = new_outer_reader();
    if (archive_read_open_filename(outer.get(), m.path.c_str(), k_read_block) != ARCHIVE_OK)
      return make_error(ErrorCode::io, "cannot read image archive: " + std::string(archive_error_string(outer.get())),
                        {m.path});
    std::vector<bool> done(first_layer.size());
    std::vector<std::shared_ptr<LayerStreamer>> streamers(first_layer.size());
    archive_entry* entry = nullptr;
    while (archive_read_next_header(outer.get(), &entry) == ARCHIVE_OK) {
      const char* name = archive_entry_pathname(entry);
      if (!name || archive_entry_filetype(entry) != AE_IFREG) continue;
      auto it = job_by_member.find(std::string(strip_dot_slash(name)));
      if (it == job_by_member.end() || done[it->second]) continue;
      done[it->second] = true;
      MemberReader reader(outer.get());
      streamers[it->second] = stream(it->second, reader);
      if (errors[it->second]) break;
    }
    for (std::size_t j = 0; j < first_layer.size(); ++j) {
      if (!done[j] && !errors[j])
        errors[j] = make_error(ErrorCode::parse,
                               "layer " + std::to_string(first_layer[j]) + " (" + layers[first_layer[j]].digest +
                                   "): blob is missing: " + layers[first_layer[j]].member,
                               {m.path});
      if (streamers[j]) second_pass(j, *streamers[j]);
    }
  } else {
    util::parallel_for(first_layer.size(), std::max(1u, options.threads), [&](std::size_t job) {
      if (budget.stop) {
        errors[job] = make_error(ErrorCode::internal, k_cancelled);
        return;
      }
      ArchivePtr outer(nullptr, archive_read_free);
      auto reader = open_reader(job, outer);
      if (!reader.ok()) {
        errors[job] = reader.error();
        budget.stop = true;
        return;
      }
      auto streamer = stream(job, **reader);
      if (!streamer) {
        if (errors[job]->message != k_cancelled) budget.stop = true;
        return;
      }
      reader->reset();
      outer.reset();
      second_pass(job, *streamer);
    });
  }
  // The lowest layer's real failure wins; "cancelled" only means another layer failed first.
  for (const auto& e : errors)
    if (e && e->message != k_cancelled) return *e;
  for (const auto& e : errors)
    if (e) return *e;

  ImageInfo info = m.info;
  for (std::size_t i = 0; i < layers.size(); ++i)
    if (!info.layers[i].size_declared) info.layers[i].size = results[job_of[i]]->blob_size;
  auto source = std::make_unique<ImageSourceImpl>(std::string(target), std::move(info));
  std::vector<std::size_t> uses(first_layer.size());
  for (auto j : job_of) ++uses[j];
  for (std::size_t j = 0; j < results.size(); ++j) source->add_diagnostics(results[j]->diagnostics);
  for (std::size_t i = 0; i < layers.size(); ++i) {
    std::size_t j = job_of[i];
    bool last = --uses[j] == 0;
    source->apply(static_cast<std::uint32_t>(i), *results[j], last,
                  "layer " + std::to_string(i) + " (" + layers[i].digest + ")");
    if (last) {
      // Only the arena is still referenced by the squashed view.
      results[j]->entries = {};
      results[j]->hardlinks = {};
      results[j]->captured = {};
      results[j]->link_bytes = {};
    }
  }
  for (auto& r : results) source->keep(std::move(r));
  return std::unique_ptr<ImageSource>(std::move(source));
}

}  // namespace purser::source
