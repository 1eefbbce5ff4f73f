#include "lib/catalog/java/archive.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <utility>
#include <vector>

#include "lib/model/purl.hpp"
#include "lib/util/hash.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::java {

namespace {

using util::ErrorCode;

// ---------------------------------------------------------------------------------------------------------------
// The condensed form (private to this file; nothing stores it beyond one scan). A sequence of records
//
//   TAG ' ' ARCHIVE ' ' NAME-LENGTH ' ' DATA-LENGTH '\n' NAME DATA
//
// with decimal numbers and ARCHIVE the id of an archive (0 = the file itself, nested ones numbered as met):
//   A  archive ARCHIVE is a readable zip; NAME = its entry path in the parent, DATA = the parent's id ("" for 0)
//   M  the main-section attributes of ARCHIVE's META-INF/MANIFEST.MF we use, unfolded as "Name: value\n" lines
//   P  a pom.properties of ARCHIVE; NAME = its entry path, DATA = its bytes
//   H  ARCHIVE's digests; DATA = "SHA1HEX SHA256HEX" (only when the archive was read to its end)
//   E  a problem; NAME = the entry chain ("BOOT-INF/lib/x.jar:META-INF/MANIFEST.MF", "" = the file), DATA = message
// ---------------------------------------------------------------------------------------------------------------

constexpr std::size_t k_chunk = 64 * 1024;
constexpr std::size_t k_max_problems = 64;
constexpr std::size_t k_max_launch_script = 1024 * 1024;

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

// libarchive's reason, lower-cased (house style for messages). The zip reader fails without one when it needs more
// bytes than the archive has.
std::string reason(archive* a) {
  const char* text = archive_error_string(a);
  return text ? util::to_lower(text) : "unexpected end of data";
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// The nested archive kinds of the JAR, WAR (WEB-INF/lib), EAR and Jenkins plugin (jpi/hpi) layouts.
bool is_nested_archive(std::string_view name) {
  std::string lower = util::to_lower(name);
  for (std::string_view ext : {".jar", ".war", ".ear", ".jpi", ".hpi"})
    if (lower.size() > ext.size() && ends_with(lower, ext)) return true;
  return false;
}

bool is_manifest(std::string_view name) { return util::to_lower(name) == "meta-inf/manifest.mf"; }

// Maven's archiver writes META-INF/maven/GROUP/ARTIFACT/pom.properties.
bool is_pom_properties(std::string_view name) {
  return starts_with(name, "META-INF/maven/") && ends_with(name, "/pom.properties");
}

// JAR File Specification, "Manifest Specification": lines end in CRLF, LF or CR; a line starting with one space
// continues the previous one; the main section ends at the first empty line. Returns (name, value) pairs in order.
std::vector<std::pair<std::string, std::string>> parse_manifest_main(std::string_view text) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = 0;
  bool open = false;  // the last attribute may still be continued
  while (i < text.size()) {
    std::size_t end = text.find_first_of("\r\n", i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(i, end - i);
    i = end;
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n' && (i == end || text[i - 1] == '\r')) ++i;
    if (line.empty()) break;
    if (line[0] == ' ') {
      if (open) out.back().second.append(line.substr(1));
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      open = false;
      continue;
    }
    std::string_view value = line.substr(colon + 1);
    if (!value.empty() && value[0] == ' ') value.remove_prefix(1);
    out.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    open = true;
  }
  return out;
}

// The manifest attributes that name a component; everything else (Export-Package lists...) is dropped.
bool is_wanted_attribute(std::string_view name) {
  std::string lower = util::to_lower(name);
  for (std::string_view w : {"implementation-title", "implementation-version", "implementation-vendor",
                             "implementation-vendor-id", "bundle-symbolicname", "bundle-version", "bundle-vendor",
                             "bundle-license", "automatic-module-name", "specification-version"})
    if (lower == w) return true;
  return false;
}

std::optional<std::uint32_t> hex4(std::string_view s) {
  std::uint32_t cp = 0;
  for (char h : s) {
    int v = h >= '0' && h <= '9'   ? h - '0'
            : h >= 'a' && h <= 'f' ? h - 'a' + 10
            : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                   : -1;
    if (v < 0) return std::nullopt;
    cp = cp * 16 + static_cast<std::uint32_t>(v);
  }
  return cp;
}

// java.util.Properties#load: '#'/'!' comments, key ends at an unescaped '=', ':' or white space, a line ending in an
// odd number of backslashes continues, backslash escapes (\t \n \r \f \uXXXX, others stand for themselves).
std::map<std::string, std::string> parse_properties(std::string_view text) {
  std::map<std::string, std::string> out;
  std::vector<std::string> logical;
  std::string current;
  bool continuing = false;
  for (auto raw : util::split(text, '\n')) {
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::size_t start = 0;
    while (start < raw.size() && (raw[start] == ' ' || raw[start] == '\t' || raw[start] == '\f')) ++start;
    std::string_view line = raw.substr(start);
    if (!continuing && (line.empty() || line[0] == '#' || line[0] == '!')) continue;
    std::size_t slashes = 0;
    while (slashes < line.size() && line[line.size() - 1 - slashes] == '\\') ++slashes;
    bool continues = slashes % 2 == 1;
    current.append(continues ? line.substr(0, line.size() - 1) : line);
    continuing = continues;
    if (!continuing) {
      logical.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) logical.push_back(std::move(current));
  auto unescape = [](std::string_view s) {
    std::string r;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\' || i + 1 == s.size()) {
        r += s[i];
        continue;
      }
      char c = s[++i];
      if (c == 't')
        r += '\t';
      else if (c == 'n')
        r += '\n';
      else if (c == 'r')
        r += '\r';
      else if (c == 'f')
        r += '\f';
      else if (c == 'u' && i + 4 < s.size() && hex4(s.substr(i + 1, 4))) {
        util::append_utf8(r, *hex4(s.substr(i + 1, 4)));
        i += 4;
      } else {
        r += c;
      }
    }
    return r;
  };
  for (const auto& line : logical) {
    std::size_t k = 0;
    while (k < line.size()) {
      char c = line[k];
      if (c == '\\') {
        k += 2;
        continue;
      }
      if (c == '=' || c == ':' || c == ' ' || c == '\t' || c == '\f') break;
      ++k;
    }
    std::string key = unescape(std::string_view(line).substr(0, std::min(k, line.size())));
    std::size_t v = std::min(k, line.size());
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t' || line[v] == '\f')) ++v;
    if (v < line.size() && (line[v] == '=' || line[v] == ':')) ++v;
    while (v < line.size() && (line[v] == ' ' || line[v] == '\t' || line[v] == '\f')) ++v;
    out.insert_or_assign(std::move(key), unescape(std::string_view(line).substr(v)));  // the last one wins
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Condensing.
// ---------------------------------------------------------------------------------------------------------------

class Condenser;

// Where an archive reader's bytes come from (the ByteStream, or the parent archive's current entry); hashes them as
// they pass so every archive's digest costs no second read.
class Feed {
 public:
  explicit Feed(Condenser& c) : m_condenser(c) {}
  virtual ~Feed() = default;
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // Next block: > 0 bytes, 0 at the end, -1 when the source failed or a limit stopped the read.
  la_ssize_t next(const void** data) {
    const char* block = m_buffer.data();
    la_ssize_t n = fill(&block);
    *data = block;
    if (n > 0) {
      hash(std::string_view(block, static_cast<std::size_t>(n)));
      m_total += static_cast<std::uint64_t>(n);
    }
    return n;
  }
  static la_ssize_t read_cb(archive* a, void* self, const void** data) {
    auto* feed = static_cast<Feed*>(self);
    la_ssize_t n = feed->next(data);
    if (n < 0) archive_set_error(a, EIO, "%s", "source failed");
    return n;
  }
  std::string digests() { return m_sha1.finish_hex() + " " + m_sha256.finish_hex(); }
  std::uint64_t total() const { return m_total; }
  // The source itself failed (the ByteStream, or the parent archive): the level that owns the source reports it.
  bool source_failed = false;
  std::string source_error;

 protected:
  // Fills m_buffer (or points `block` elsewhere) with the next bytes for the reader.
  virtual la_ssize_t fill(const char** block) = 0;
  // Bytes of the archive the reader never sees (a launch script before the zip) still count for its digests.
  void hash(std::string_view bytes) {
    m_sha1.update(bytes);
    m_sha256.update(bytes);
  }
  Condenser& m_condenser;
  std::vector<char> m_buffer = std::vector<char>(k_chunk);

 private:
  util::Digest m_sha1{util::DigestAlgorithm::sha1};
  util::Digest m_sha256{util::DigestAlgorithm::sha256};
  std::uint64_t m_total = 0;
};

class Condenser {
 public:
  explicit Condenser(std::uint64_t file_size) : m_file_size(file_size) {}

  std::string out;
  std::optional<util::Error> stream_error;
  bool stopped = false;  // a limit abandoned the zip: no more reading, no more problems

  void record(char tag, int archive_id, std::string_view name, std::string_view data) {
    out += tag;
    out += ' ';
    out += std::to_string(archive_id);
    out += ' ';
    out += std::to_string(name.size());
    out += ' ';
    out += std::to_string(data.size());
    out += '\n';
    out.append(name);
    out.append(data);
  }

  void problem(std::string_view where, std::string message) {
    if (stopped) return;
    if (m_problems == k_max_problems) message = "too many problems: more than " + std::to_string(k_max_problems);
    if (m_problems++ > k_max_problems) return;
    record('E', 0, util::printable(where, 400), message);
  }

  // A limit that abandons the whole file.
  void stop(std::string_view where, std::string message) {
    problem(where, std::move(message));
    stopped = true;
  }

  // Counts decompressed bytes; false (and stops) when the budget is spent.
  bool charge(std::size_t n, std::string_view where) {
    m_inflated += n;
    std::uint64_t budget = k_inflate_floor + k_inflate_ratio * std::max(m_file_size, consumed);
    if (m_inflated <= budget) return true;
    stop(where, "decompression limit: more than " + std::to_string(budget) + " bytes");
    return false;
  }

  void walk(archive* a, Feed& feed, int id, const std::string& chain, int depth);

  std::uint64_t consumed = 0;  // bytes of the outer file read so far (for the budget)

 private:
  bool keep(archive* a, Feed& feed, char tag, int id, const std::string& name, const std::string& where);
  bool skip(archive* a, archive_entry* entry, Feed& feed, const std::string& where);
  bool nested(archive* a, Feed& feed, int id, const std::string& name, const std::string& where, int depth);
  bool data_failed(archive* a, Feed& feed, const std::string& where) {
    if (!feed.source_failed && !stopped) problem(where, "malformed zip: " + reason(a));
    return false;
  }

  std::uint64_t m_file_size;
  std::uint64_t m_inflated = 0;
  std::size_t m_problems = 0;
  std::size_t m_nested = 0;
  int m_next_id = 1;
  bool m_condensed_full = false;
};

class StreamFeed final : public Feed {
 public:
  StreamFeed(Condenser& c, source::ByteStream& in) : Feed(c), m_in(in) {}

 protected:
  la_ssize_t fill(const char** block) override {
    if (m_probing) return probe(block);
    if (m_pending_at < m_pending.size()) {
      *block = m_pending.data() + m_pending_at;
      auto n = static_cast<la_ssize_t>(m_pending.size() - m_pending_at);
      m_pending_at = m_pending.size();
      return n;
    }
    return read(m_buffer.data(), m_buffer.size());
  }

 private:
  la_ssize_t read(char* into, std::size_t max) {
    if (m_condenser.stream_error) return -1;
    auto n = m_in.read(into, max);
    if (!n) {
      m_condenser.stream_error = n.error();
      source_failed = true;
      return -1;
    }
    m_condenser.consumed += *n;
    return static_cast<la_ssize_t>(*n);
  }

  // A Spring Boot "fully executable" jar starts with a shell launch script ("#!/bin/bash"); zip readers find the
  // archive by its signatures, so the script is hashed and skipped up to the first local file header.
  la_ssize_t probe(const char** block) {
    m_probing = false;
    const std::string_view signature("PK\x03\x04", 4);
    std::size_t found = std::string::npos;
    for (;;) {
      if (m_pending.size() >= 2 && m_pending.compare(0, 2, "#!") != 0) break;
      if (m_pending.size() >= 2) {
        found = m_pending.find(signature, m_scanned);
        if (found != std::string::npos || m_pending.size() > k_max_launch_script) break;
        m_scanned = m_pending.size() < 3 ? 0 : m_pending.size() - 3;
      }
      la_ssize_t n = read(m_buffer.data(), m_buffer.size());
      if (n < 0) return n;
      if (n == 0) break;
      m_pending.append(m_buffer.data(), static_cast<std::size_t>(n));
    }
    if (found != std::string::npos) {
      hash(std::string_view(m_pending).substr(0, found));
      m_pending_at = found;
    }
    return fill(block);
  }

  source::ByteStream& m_in;
  bool m_probing = true;
  std::string m_pending;  // the first bytes, read ahead to look for a launch script
  std::size_t m_pending_at = 0;
  std::size_t m_scanned = 0;
};

// The data of the parent archive's current entry (a nested jar), decompressed by the parent's reader.
class EntryFeed final : public Feed {
 public:
  EntryFeed(Condenser& c, archive* parent, Feed& parent_feed, std::string where)
      : Feed(c), m_parent(parent), m_parent_feed(parent_feed), m_where(std::move(where)) {}

 protected:
  la_ssize_t fill(const char** /*block*/) override {
    if (source_failed || m_condenser.stopped) return -1;
    la_ssize_t n = archive_read_data(m_parent, m_buffer.data(), m_buffer.size());
    if (n < 0) {
      source_failed = true;
      // The parent reports it, unless its own source failed first.
      if (!m_parent_feed.source_failed) source_error = reason(m_parent);
      return -1;
    }
    if (n > 0 && !m_condenser.charge(static_cast<std::size_t>(n), m_where)) return -1;
    return n;
  }

 private:
  archive* m_parent;
  Feed& m_parent_feed;
  std::string m_where;
};

ArchivePtr new_zip_reader() {
  ArchivePtr a(archive_read_new(), archive_read_free);
  // The streamable reader follows local file headers front to back and never seeks to the central directory.
  archive_read_support_format_zip_streamable(a.get());
  return a;
}

std::string open_failure(archive* a, const Feed& feed) {
  if (feed.total() == 0) return "malformed zip: empty file";
  // The format bidder found no zip signature at the start.
  const char* why = archive_error_string(a);
  if (why && std::string_view(why) == "Unrecognized archive format") return "malformed zip: not a zip file";
  return "malformed zip: " + reason(a);
}

void Condenser::walk(archive* a, Feed& feed, int id, const std::string& chain, int depth) {
  archive_entry* entry = nullptr;
  while (!stopped && !feed.source_failed) {
    int r = archive_read_next_header(a, &entry);
    if (r == ARCHIVE_EOF) return;
    if (r < ARCHIVE_WARN) {
      if (!feed.source_failed && !stopped) problem(chain, "malformed zip: " + reason(a));
      return;
    }
    // Jar writers flag UTF-8 names (APPNOTE 4.4.4 bit 11); without a UTF-8 locale only the UTF-8 form exists.
    const char* raw = archive_entry_pathname(entry);
    if (!raw) raw = archive_entry_pathname_utf8(entry);
    std::string name = raw ? raw : "";
    std::string where = chain.empty() ? name : chain + ":" + name;
    bool ok = true;
    if (archive_entry_filetype(entry) != AE_IFREG || archive_entry_is_encrypted(entry)) {
      ok = skip(a, entry, feed, where);
    } else if (is_manifest(name)) {
      ok = keep(a, feed, 'M', id, name, where);
    } else if (is_pom_properties(name)) {
      ok = keep(a, feed, 'P', id, name, where);
    } else if (is_nested_archive(name)) {
      if (depth + 1 > k_max_nesting) {
        problem(where, "nesting too deep: more than " + std::to_string(k_max_nesting) + " levels");
        ok = skip(a, entry, feed, where);
      } else if (++m_nested > k_max_nested_archives) {
        if (m_nested == k_max_nested_archives + 1)
          problem(where, "too many nested archives: more than " + std::to_string(k_max_nested_archives));
        ok = skip(a, entry, feed, where);
      } else {
        ok = nested(a, feed, id, name, where, depth + 1);
      }
    } else {
      ok = skip(a, entry, feed, where);
    }
    if (!ok) return;
  }
}

// Skips an entry's data. An entry whose size the local header states is skipped without decompressing; one whose
// size only its data descriptor states (bit 3) must be decompressed to find its end, against the budget.
bool Condenser::skip(archive* a, archive_entry* entry, Feed& feed, const std::string& where) {
  if (archive_entry_size_is_set(entry) || archive_entry_filetype(entry) != AE_IFREG) {
    if (archive_read_data_skip(a) < ARCHIVE_WARN) return data_failed(a, feed, where);
    return true;
  }
  std::vector<char> buffer(k_chunk);
  for (;;) {
    la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    if (n == 0) return true;
    if (n < 0) return data_failed(a, feed, where);
    if (!charge(static_cast<std::size_t>(n), where)) return false;
  }
}

bool Condenser::keep(archive* a, Feed& feed, char tag, int id, const std::string& name, const std::string& where) {
  std::string data;
  std::vector<char> buffer(16 * 1024);
  for (;;) {
    la_ssize_t n = archive_read_data(a, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) return data_failed(a, feed, where);
    if (!charge(static_cast<std::size_t>(n), where)) return false;
    if (data.size() + static_cast<std::size_t>(n) > k_max_kept_entry_bytes) {
      problem(where, "file too large: more than " + std::to_string(k_max_kept_entry_bytes) + " bytes");
      // The rest of the entry, decompressed against the budget.
      for (;;) {
        la_ssize_t m = archive_read_data(a, buffer.data(), buffer.size());
        if (m == 0) return true;
        if (m < 0) return data_failed(a, feed, where);
        if (!charge(static_cast<std::size_t>(m), where)) return false;
      }
    }
    data.append(buffer.data(), static_cast<std::size_t>(n));
  }
  if (tag == 'M') {
    std::string reduced;
    for (const auto& [key, value] : parse_manifest_main(data))
      if (is_wanted_attribute(key)) reduced += key + ": " + value + "\n";
    data = std::move(reduced);
  }
  if (out.size() + data.size() + name.size() > k_max_condensed_bytes) {
    if (!m_condensed_full)
      problem(where, "too much metadata: more than " + std::to_string(k_max_condensed_bytes) + " bytes kept");
    m_condensed_full = true;
    return true;
  }
  record(tag, id, tag == 'M' ? std::string_view() : std::string_view(name), data);
  return true;
}

bool Condenser::nested(archive* a, Feed& feed, int id, const std::string& name, const std::string& where, int depth) {
  EntryFeed child(*this, a, feed, where);
  int child_id = -1;
  {
    ArchivePtr na = new_zip_reader();
    if (archive_read_open(na.get(), &child, nullptr, Feed::read_cb, nullptr) != ARCHIVE_OK) {
      if (!child.source_failed && !stopped) problem(where, open_failure(na.get(), child));
    } else {
      child_id = m_next_id++;
      record('A', child_id, name, std::to_string(id));
      walk(na.get(), child, child_id, where, depth);
    }
  }
  // The rest of the nested archive (its central directory) still counts for its digests.
  const void* data = nullptr;
  while (!child.source_failed && !stopped && child.next(&data) > 0) {
  }
  if (stopped) return false;
  if (child.source_failed) {
    if (!feed.source_failed) problem(where, "malformed zip: " + child.source_error);
    return false;
  }
  if (child_id >= 0) record('H', child_id, "", child.digests());
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing the condensed form.
// ---------------------------------------------------------------------------------------------------------------

struct Archive {
  int parent = -1;
  std::string chain;     // entry path from the file ("BOOT-INF/lib/x.jar:lib/y.jar"); "" for the file itself
  std::string location;  // the file's path, then the chain: "app.jar:BOOT-INF/lib/x.jar"
  std::string file;      // the archive's own file name: "x.jar"
  std::vector<std::pair<std::string, std::string>> manifest;
  std::vector<std::pair<std::string, std::string>> poms;  // (entry path, bytes)
  int main_entry = -1;  // index into ParseResult::entries of the archive's own package
};

std::string attribute(const std::vector<std::pair<std::string, std::string>>& attrs, std::string_view name) {
  for (const auto& [k, v] : attrs)
    if (util::to_lower(k) == util::to_lower(name)) return std::string(util::trim(v));
  return {};
}

// OSGi headers carry parameters after ';' ("org.example.foo;singleton:=true").
std::string osgi_value(std::string_view header) {
  return std::string(util::trim(header.substr(0, std::min(header.find(';'), header.size()))));
}

std::string base_name(std::string_view path) {
  std::size_t slash = path.find_last_of('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// "commons-lang3-3.12.0.jar" -> ("commons-lang3", "3.12.0"): the version starts at the first '-' followed by a digit
// (Maven's default finalName is ARTIFACT-VERSION).
std::pair<std::string, std::string> split_file_name(std::string_view file) {
  std::string base(file);
  std::size_t dot = base.find_last_of('.');
  if (dot != std::string::npos && dot > 0) base.resize(dot);
  for (std::size_t i = 0; i + 1 < base.size(); ++i)
    if (base[i] == '-' && base[i + 1] >= '0' && base[i + 1] <= '9' && i > 0)
      return {base.substr(0, i), base.substr(i + 1)};
  return {base, ""};
}

bool has_space(std::string_view s) { return s.find_first_of(" \t") != std::string_view::npos; }

std::string maven_purl(const std::string& group, const std::string& artifact, const std::string& version) {
  // purl-spec PURL-TYPES "maven": the namespace (groupId) is required, so no groupId means no purl.
  if (group.empty() || artifact.empty()) return {};
  model::Purl p;
  p.type = "maven";
  p.namespace_ = group;
  p.name = artifact;
  p.version = version;
  return p.to_string();
}

Entry make_entry(const std::string& group, const std::string& artifact, const std::string& version,
                 const std::string& location) {
  Entry e;
  e.package.name = artifact;
  e.package.version = version;
  e.package.ecosystem = "java";
  e.package.purl = maven_purl(group, artifact, version);
  e.package.locations.push_back({location});
  if (!group.empty()) e.package.add_property("purser:java:group-id", group);
  return e;
}

// Does a pom's artifactId name this archive (its file name, or one of the MANIFEST's names)?
bool names_archive(const std::string& group, const std::string& artifact, const Archive& ar) {
  if (split_file_name(ar.file).first == artifact) return true;
  for (std::string_view key : {"Implementation-Title", "Bundle-SymbolicName", "Automatic-Module-Name"}) {
    std::string v = osgi_value(attribute(ar.manifest, key));
    if (!v.empty() && (v == artifact || v == group + "." + artifact)) return true;
  }
  return false;
}

// The archive's own package when no pom.properties names it: from the MANIFEST, then the file name.
std::optional<Entry> manifest_entry(const Archive& ar) {
  auto [file_name, file_version] = split_file_name(ar.file);
  std::string version = attribute(ar.manifest, "Implementation-Version");
  if (version.empty()) version = osgi_value(attribute(ar.manifest, "Bundle-Version"));
  if (version.empty()) version = attribute(ar.manifest, "Specification-Version");
  std::string title = attribute(ar.manifest, "Implementation-Title");
  std::string name;
  // A file named ARTIFACT-VERSION whose version the MANIFEST confirms is a Maven finalName: its name is the
  // artifactId, which the MANIFEST's titles usually are not.
  if (!file_name.empty() && !file_version.empty() && file_version == version) name = file_name;
  if (name.empty() && !title.empty() && !has_space(title)) name = title;
  if (name.empty()) name = osgi_value(attribute(ar.manifest, "Bundle-SymbolicName"));
  if (name.empty()) name = attribute(ar.manifest, "Automatic-Module-Name");
  if (name.empty()) name = file_name;
  if (name.empty()) name = title;
  if (name.empty()) return std::nullopt;
  if (version.empty() && name == file_name) version = file_version;
  // maven-archiver's default implementation entries write the groupId as Implementation-Vendor-Id.
  return make_entry(attribute(ar.manifest, "Implementation-Vendor-Id"), name, version, ar.location);
}

// Bundle-License (OSGi core, 3.2.1.5): licenses separated by ',', each "name;attributes".
std::string bundle_license(const std::vector<std::pair<std::string, std::string>>& manifest) {
  std::string header = attribute(manifest, "Bundle-License");
  if (header.empty() || header == "<<EXTERNAL>>") return {};
  std::vector<std::string> names;
  for (auto part : util::split(header, ',')) {
    std::string n = osgi_value(part);
    if (!n.empty()) names.push_back(n);
  }
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " AND ") + n;
  return names.size() == 1 ? names[0] : out;
}

// A whole string of decimal digits (at most 9).
bool parse_decimal(std::string_view s, std::size_t& value) {
  if (s.empty() || s.size() > 9) return false;
  value = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return true;
}

// Decimal digits ending at `end`, consumed with it.
bool read_number(std::string_view& s, char end, std::size_t& value) {
  std::size_t i = 0;
  value = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 12)
    value = value * 10 + static_cast<std::size_t>(s[i++] - '0');
  if (i == 0 || i >= s.size() || s[i] != end) return false;
  s.remove_prefix(i + 1);
  return true;
}

}  // namespace

util::Result<std::string> condense_java_archive(source::ByteStream& in, const source::FileEntry& file) {
  Condenser c(file.size);
  try {
    StreamFeed feed(c, in);
    {
      ArchivePtr a = new_zip_reader();
      if (archive_read_open(a.get(), &feed, nullptr, Feed::read_cb, nullptr) != ARCHIVE_OK) {
        if (!feed.source_failed) c.problem("", open_failure(a.get(), feed));
      } else {
        c.record('A', 0, "", "");
        c.walk(a.get(), feed, 0, "", 0);
      }
    }
    // Whatever the zip reader left (the central directory, bytes after a malformed spot) still counts for the
    // digests, read raw.
    const void* data = nullptr;
    while (!c.stream_error && feed.next(&data) > 0) {
    }
    if (c.stream_error) return *c.stream_error;
    c.record('H', 0, "", feed.digests());
  } catch (const std::bad_alloc&) {
    if (c.stream_error) return *c.stream_error;
    Condenser failed(file.size);
    failed.problem("", "java archive: out of memory");
    return std::move(failed.out);
  }
  return std::move(c.out);
}

ParseResult parse_java_archive(std::string_view condensed, const std::string& path, const FileResolver& /*resolver*/) {
  ParseResult out;
  std::map<int, Archive> archives;
  std::vector<std::pair<std::string, std::string>> problems;  // (entry chain, message)
  std::map<int, std::string> hashes;
  std::string_view rest = condensed;
  bool malformed = false;
  while (!rest.empty() && !malformed) {
    std::size_t id = 0, name_len = 0, data_len = 0, parent = 0;
    char tag = rest[0];
    if (rest.size() < 2 || rest[1] != ' ') break;
    rest.remove_prefix(2);
    if (!read_number(rest, ' ', id) || !read_number(rest, ' ', name_len) || !read_number(rest, '\n', data_len) ||
        name_len > rest.size() || data_len > rest.size() - name_len) {
      malformed = true;
      break;
    }
    std::string name(rest.substr(0, name_len));
    std::string data(rest.substr(name_len, data_len));
    rest.remove_prefix(name_len + data_len);
    const int aid = static_cast<int>(id);
    auto known = archives.find(aid);
    switch (tag) {
      case 'A': {
        Archive ar;
        if (data.empty() && aid == 0) {
          ar.location = path;
          ar.file = base_name(path);
        } else {
          if (!parse_decimal(data, parent)) {
            malformed = true;
            break;
          }
          auto up = archives.find(static_cast<int>(parent));
          if (up == archives.end() || aid <= up->first) {
            malformed = true;
            break;
          }
          ar.parent = up->first;
          ar.chain = up->second.chain.empty() ? name : up->second.chain + ":" + name;
          ar.location = path + ":" + ar.chain;
          ar.file = base_name(name);
        }
        archives[aid] = std::move(ar);
        break;
      }
      case 'M':
        if (known != archives.end()) known->second.manifest = parse_manifest_main(data);
        break;
      case 'P':
        if (known != archives.end()) known->second.poms.emplace_back(name, data);
        break;
      case 'H':
        hashes[aid] = data;
        break;
      case 'E':
        problems.emplace_back(name, data);
        break;
      default:
        malformed = true;
        break;
    }
  }
  for (const auto& [where, message] : problems)
    out.diagnostics.push_back(
        {util::Severity::warning, where.empty() ? message : message + " at entry " + where, {path}});
  if (malformed || !rest.empty())
    out.diagnostics.push_back({util::Severity::warning, "java archive: malformed condensed data", {path}});

  // std::map orders by id: a parent (numbered first) is always handled before its nested archives.
  for (auto& [aid, ar] : archives) {
    std::vector<Entry> poms;
    int main_pom = -1;
    for (const auto& [entry_path, bytes] : ar.poms) {
      auto props = parse_properties(bytes);
      std::string group = props["groupId"], artifact = props["artifactId"], version = props["version"];
      if (artifact.empty()) {
        out.diagnostics.push_back(
            {util::Severity::warning,
             "pom.properties: no artifactId at entry " + (ar.chain.empty() ? entry_path : ar.chain + ":" + entry_path),
             {path}});
        continue;
      }
      if (main_pom < 0 && names_archive(group, artifact, ar)) main_pom = static_cast<int>(poms.size());
      poms.push_back(make_entry(group, artifact, version, ar.location));
    }
    if (main_pom < 0 && poms.size() == 1) main_pom = 0;
    std::optional<Entry> main;
    if (main_pom >= 0) {
      main = std::move(poms[static_cast<std::size_t>(main_pom)]);
      poms.erase(poms.begin() + main_pom);
    } else {
      main = manifest_entry(ar);
    }
    if (!main) continue;
    auto h = hashes.find(aid);
    if (h != hashes.end()) {
      auto space = h->second.find(' ');
      if (space != std::string::npos) {
        main->package.hashes.push_back({"SHA-1", h->second.substr(0, space)});
        main->package.hashes.push_back({"SHA-256", h->second.substr(space + 1)});
      }
    }
    main->package.license = bundle_license(ar.manifest);
    std::string vendor = attribute(ar.manifest, "Implementation-Vendor");
    if (vendor.empty()) vendor = attribute(ar.manifest, "Bundle-Vendor");
    main->package.supplier = vendor;
    // Keys name the archive by location: the parent's own package requires each nested archive's own package, and
    // the packages shaded into an archive (its other pom.properties).
    main->provides.push_back("java-archive:" + ar.location);
    for (std::size_t i = 0; i < poms.size(); ++i) {
      std::string key = "java-archive:" + ar.location + "#" + std::to_string(i);
      poms[i].provides.push_back(key);
      main->needs.push_back({key});
    }
    if (ar.parent >= 0) {
      auto parent = archives.find(ar.parent);
      if (parent != archives.end() && parent->second.main_entry >= 0)
        out.entries[static_cast<std::size_t>(parent->second.main_entry)].needs.push_back(
            {"java-archive:" + ar.location});
    }
    ar.main_entry = static_cast<int>(out.entries.size());
    out.entries.push_back(std::move(*main));
    for (auto& e : poms) out.entries.push_back(std::move(e));
  }
  return out;
}

const Cataloger& archive_cataloger() {
  static const Cataloger c{
      "java-archive",
      "java",
      {"installed", "image"},
      {"**/*.jar", "**/*.war", "**/*.ear", "**/*.jpi", "**/*.hpi"},
      "Java archives (jar/war/ear/jpi/hpi): META-INF/maven/**/pom.properties, MANIFEST.MF, nested jars",
      &parse_java_archive,
      {},
      &condense_java_archive,
  };
  return c;
}

}  // namespace purser::catalog::java
