#include "lib/catalog/binary/executable.hpp"

// Go build information (Go's debug/buildinfo and cmd/go/internal/modload, Go 1.18+): a 32-byte header at a 16-byte
// aligned offset of the .go.buildinfo section (ELF; __go_buildinfo in Mach-O; .data in PE): the 14-byte magic
// "\xff Go buildinf:", one byte pointer size, one byte flags. Flag 0x2: the two strings follow inline, each as a
// uvarint length and bytes: the toolchain version, then the module information wrapped in two 16-byte sentinels.
// Before Go 1.18 (flag 0x2 clear) the header holds pointers to Go string headers instead, which needs the segment
// map: not read here, and reported.
//
// cargo-auditable (its README and the auditable-serde format): the .dep-v0 section (ELF, Mach-O, PE alike) holds a
// zlib stream of the JSON {"packages":[{"name":...,"version":...,"source":...,"kind":...,"dependencies":[...],
// "root":...}]}. Section headers sit at the end of an ELF file, after the data they describe, so a forward pass
// cannot look the section up by name; instead every zlib header (CMF 0x78 and a valid FLG) is tried, and a stream
// whose first inflated bytes are {"packages":[ is taken. Those 13 bytes after a zlib header are specific enough that
// code or data does not produce them by chance.

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "lib/util/strings.hpp"

namespace purser::catalog::binary {

namespace {

constexpr std::string_view k_go_magic("\xff Go buildinf:", 14);
constexpr std::size_t k_go_header = 32;
constexpr std::string_view k_audit_prefix = R"({"packages":[)";
constexpr std::size_t k_chunk = 256 * 1024;
// Bytes kept unexamined at the end of the buffer so a candidate near a read boundary is tried with enough input.
constexpr std::size_t k_lookahead = 4096;

bool is_executable_format(std::string_view head) {
  if (head.size() >= 4 && head.substr(0, 4) == std::string_view("\x7f"
                                                                "ELF",
                                                                4))
    return true;
  if (head.size() >= 2 && head.substr(0, 2) == "MZ") return true;
  if (head.size() < 4) return false;
  static constexpr std::array<std::string_view, 5> macho = {
      std::string_view("\xfe\xed\xfa\xce", 4), std::string_view("\xfe\xed\xfa\xcf", 4),
      std::string_view("\xce\xfa\xed\xfe", 4), std::string_view("\xcf\xfa\xed\xfe", 4),
      std::string_view("\xca\xfe\xba\xbe", 4)};
  return std::find(macho.begin(), macho.end(), head.substr(0, 4)) != macho.end();
}

enum class Varint { ok, incomplete, invalid };
Varint read_uvarint(std::string_view s, std::size_t& pos, std::uint64_t& value) {
  value = 0;
  for (unsigned shift = 0, i = 0; i < 10; ++i, shift += 7) {
    if (pos >= s.size()) return Varint::incomplete;
    auto b = static_cast<unsigned char>(s[pos++]);
    value |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return Varint::ok;
  }
  return Varint::invalid;
}

std::string go_problem(const std::string& why) { return "go!\t" + why + "\n"; }

// Decodes the Go build information whose header starts `buf`; `incomplete` when more bytes are needed.
std::string decode_go(std::string_view buf, std::uint64_t offset, bool& incomplete) {
  incomplete = false;
  if (buf.size() < k_go_header) return incomplete = true, std::string();
  auto ptr_size = static_cast<unsigned char>(buf[14]);
  auto flags = static_cast<unsigned char>(buf[15]);
  if (ptr_size != 4 && ptr_size != 8)
    return go_problem("invalid go build information: pointer size " + std::to_string(ptr_size) + " at offset " +
                      std::to_string(offset));
  if (!(flags & 0x2)) return go_problem("go build information in the pre-go 1.18 format is not read");
  std::size_t pos = k_go_header;
  std::string_view strings[2];
  for (auto& s : strings) {
    std::uint64_t len = 0;
    Varint v = read_uvarint(buf, pos, len);
    if (v == Varint::invalid) return go_problem("invalid go build information: malformed string length");
    if (v == Varint::incomplete) return incomplete = true, std::string();
    if (len > k_max_go_info)
      return go_problem("invalid go build information: a string of " + std::to_string(len) +
                        " bytes, over the limit of " + std::to_string(k_max_go_info));
    if (buf.size() - pos < len) return incomplete = true, std::string();
    s = buf.substr(pos, len);
    pos += len;
  }
  std::string_view version = strings[0], info = strings[1];
  // The sentinels around the module information (cmd/go/internal/modload.ModInfoData).
  if (info.size() >= 33 && info[info.size() - 17] == '\n') info = info.substr(16, info.size() - 32);
  if (version.empty() || version.find('\n') != std::string_view::npos || !util::looks_like_text(info))
    return go_problem("invalid go build information: not text");
  std::string out = "go\t";
  out.append(version);
  out += '\n';
  out.append(info);
  if (!info.empty() && info.back() != '\n') out += '\n';
  return out;
}

// A zlib inflater reused for every candidate of one file.
class Inflater {
 public:
  Inflater() { m_ok = inflateInit(&m_z) == Z_OK; }
  ~Inflater() {
    if (m_ok) inflateEnd(&m_z);
  }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  // Whether the zlib stream at `in` starts with the cargo-auditable JSON prefix.
  bool starts_audit_json(std::string_view in) {
    if (!m_ok || inflateReset(&m_z) != Z_OK) return false;
    char out[k_audit_prefix.size()];
    m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    m_z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), k_lookahead));
    m_z.next_out = reinterpret_cast<Bytef*>(out);
    m_z.avail_out = sizeof out;
    while (m_z.avail_out > 0) {
      int rc = inflate(&m_z, Z_SYNC_FLUSH);
      if (rc != Z_OK) break;
    }
    std::size_t got = sizeof out - m_z.avail_out;
    return got == sizeof out && std::string_view(out, got) == k_audit_prefix;
  }

  // Starts inflating a whole stream (after starts_audit_json said yes).
  bool begin() { return m_ok && inflateReset(&m_z) == Z_OK; }
  // Feeds `in`; appends to `out`. Returns 1 at the end of the stream, 0 when more input is needed, -1 on an error
  // (message in `why`).
  int feed(std::string_view in, std::string& out, std::string& why) {
    m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    m_z.avail_in = static_cast<uInt>(in.size());
    char buffer[64 * 1024];
    for (;;) {
      m_z.next_out = reinterpret_cast<Bytef*>(buffer);
      m_z.avail_out = sizeof buffer;
      int rc = inflate(&m_z, Z_NO_FLUSH);
      out.append(buffer, sizeof buffer - m_z.avail_out);
      if (out.size() > k_max_audit_json) {
        why = "inflates to more than " + std::to_string(k_max_audit_json) + " bytes";
        return -1;
      }
      if (rc == Z_STREAM_END) return 1;
      if (rc == Z_BUF_ERROR || (rc == Z_OK && m_z.avail_in == 0 && m_z.avail_out != 0)) return 0;
      if (rc != Z_OK) {
        why = m_z.msg ? m_z.msg : "corrupt zlib stream";
        return -1;
      }
    }
  }

 private:
  z_stream m_z{};
  bool m_ok = false;
};

bool zlib_header(unsigned char cmf, unsigned char flg) {
  return cmf == 0x78 && ((cmf << 8) | flg) % 31 == 0 && !(flg & 0x20);
}

}  // namespace

util::Result<std::string> condense_executable(source::ByteStream& in, const source::FileEntry&) {
  std::string buf;
  std::uint64_t base = 0;  // file offset of buf[0]
  enum class Mode { scan, go, audit } mode = Mode::scan;
  Inflater inflater;
  std::string json, why;
  bool first = true;
  std::unique_ptr<char[]> chunk(new char[k_chunk]);
  for (;;) {
    auto n = in.read(chunk.get(), k_chunk);
    if (!n.ok()) return n.error();
    const bool at_end = *n == 0;
    if (mode == Mode::audit) {
      int rc = inflater.feed(std::string_view(chunk.get(), *n), json, why);
      if (rc == 1) return "cargo-auditable\n" + json;
      if (rc < 0) return "cargo-auditable!\tinvalid cargo-auditable data: " + why + "\n";
      if (at_end) return std::string("cargo-auditable!\tinvalid cargo-auditable data: truncated\n");
      continue;
    }
    buf.append(chunk.get(), *n);
    if (first) {
      if (buf.size() < 4 && !at_end) continue;
      if (!is_executable_format(buf)) return std::string();
      first = false;
    }
    if (mode == Mode::go) {
      bool incomplete = false;
      std::string out = decode_go(buf, base, incomplete);
      if (!incomplete) return out;
      if (at_end) return go_problem("invalid go build information: truncated at offset " + std::to_string(base));
      continue;
    }
    // Examine every offset up to `limit`, leaving a lookahead for candidates near the end of what has been read.
    std::size_t limit = at_end ? buf.size() : (buf.size() > k_lookahead ? buf.size() - k_lookahead : 0);
    std::size_t go_at = std::string::npos, audit_at = std::string::npos;
    for (std::size_t at = buf.find(k_go_magic); at != std::string::npos && at < limit;
         at = buf.find(k_go_magic, at + 1))
      if ((base + at) % 16 == 0) {
        go_at = at;
        break;
      }
    const std::size_t audit_limit = std::min(limit, go_at);
    for (const char* p = static_cast<const char*>(std::memchr(buf.data(), 0x78, audit_limit)); p;) {
      auto at = static_cast<std::size_t>(p - buf.data());
      if (at + 1 < buf.size() && zlib_header(0x78, static_cast<unsigned char>(buf[at + 1])) &&
          inflater.starts_audit_json(std::string_view(buf).substr(at))) {
        audit_at = at;
        break;
      }
      if (at + 1 >= audit_limit) break;
      p = static_cast<const char*>(std::memchr(p + 1, 0x78, audit_limit - at - 1));
    }
    if (audit_at != std::string::npos) {
      if (!inflater.begin()) return std::string("cargo-auditable!\tinvalid cargo-auditable data: zlib failed\n");
      int rc = inflater.feed(std::string_view(buf).substr(audit_at), json, why);
      if (rc == 1) return "cargo-auditable\n" + json;
      if (rc < 0) return "cargo-auditable!\tinvalid cargo-auditable data: " + why + "\n";
      if (at_end) return std::string("cargo-auditable!\tinvalid cargo-auditable data: truncated\n");
      mode = Mode::audit;
      buf.clear();
      continue;
    }
    if (go_at != std::string::npos) {
      buf.erase(0, go_at);
      base += go_at;
      mode = Mode::go;
      bool incomplete = false;
      std::string out = decode_go(buf, base, incomplete);
      if (!incomplete) return out;
      if (at_end) return go_problem("invalid go build information: truncated at offset " + std::to_string(base));
      continue;
    }
    if (at_end) return std::string();
    buf.erase(0, limit);
    base += limit;
  }
}

}  // namespace purser::catalog::binary
