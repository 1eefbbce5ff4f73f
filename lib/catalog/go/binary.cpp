#include "lib/catalog/go/binary.hpp"

// Build information layout (Go's debug/buildinfo and cmd/go/internal/modload, Go 1.18+):
//   a 32-byte header at a 16-byte aligned offset of the .go.buildinfo section (ELF; __go_buildinfo in Mach-O; .data
//   in PE): the 14-byte magic "\xff Go buildinf:", one byte pointer size, one byte flags; flag 0x2 means the two
//   strings follow inline: uvarint length + toolchain version, uvarint length + module information. The module
//   information is wrapped in two 16-byte sentinels. Before Go 1.18 (flag 0x2 clear) the header holds two pointers to
//   Go string headers instead, which needs the segment map: not read here, and reported.
// Module information lines (runtime/debug.BuildInfo.String): "path\tP", "mod\tPATH\tVERSION\tSUM",
// "dep\tPATH\tVERSION\tSUM", "=>\tPATH\tVERSION\tSUM" (replaces the line before), "build\tKEY=VALUE".

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>

#include "lib/catalog/go/go_common.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::go {

namespace {

using util::Severity;

constexpr std::string_view k_magic("\xff Go buildinf:", 14);
constexpr std::size_t k_header = 32;
constexpr std::size_t k_chunk = 256 * 1024;
constexpr std::uint64_t k_max_info = 4ull * 1024 * 1024;

// ELF, Mach-O (32/64-bit, either byte order, universal), PE ("MZ").
bool is_executable_format(std::string_view head) {
  if (head.size() >= 4 && (head.substr(0, 4) == "\x7f"
                                                "ELF"))
    return true;
  if (head.size() >= 2 && head.substr(0, 2) == "MZ") return true;
  if (head.size() < 4) return false;
  static constexpr std::array<std::string_view, 5> macho = {
      std::string_view("\xfe\xed\xfa\xce", 4), std::string_view("\xfe\xed\xfa\xcf", 4),
      std::string_view("\xce\xfa\xed\xfe", 4), std::string_view("\xcf\xfa\xed\xfe", 4),
      std::string_view("\xca\xfe\xba\xbe", 4)};
  return std::find(macho.begin(), macho.end(), head.substr(0, 4)) != macho.end();
}

// Reads an unsigned LEB128 varint at `pos`; false when incomplete or longer than 10 bytes.
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

std::string problem(const std::string& why) { return "!\t" + why + "\n"; }

// Decodes the two inline strings after the header at `start`; `incomplete` when more bytes are needed.
std::string decode_inline(std::string_view buf, std::size_t start, bool& incomplete) {
  incomplete = false;
  std::size_t pos = start + k_header;
  std::string_view strings[2];
  for (auto& s : strings) {
    std::uint64_t len = 0;
    Varint v = read_uvarint(buf, pos, len);
    if (v == Varint::invalid) return problem("invalid go build information: malformed string length");
    if (v == Varint::incomplete) return incomplete = true, std::string();
    if (len > k_max_info)
      return problem("invalid go build information: a string of " + std::to_string(len) + " bytes, over the limit of " +
                     std::to_string(k_max_info));
    if (buf.size() - pos < len) return incomplete = true, std::string();
    s = buf.substr(pos, len);
    pos += len;
  }
  std::string_view version = strings[0], info = strings[1];
  // The sentinels around the module information (cmd/go/internal/modload.ModInfoData).
  if (info.size() >= 33 && info[info.size() - 17] == '\n') info = info.substr(16, info.size() - 32);
  if (version.empty() || version.find('\n') != std::string_view::npos || !util::looks_like_text(info))
    return problem("invalid go build information: not text");
  std::string out = "go\t";
  out.append(version);
  out += '\n';
  out.append(info);
  if (!info.empty() && info.back() != '\n') out += '\n';
  return out;
}

}  // namespace

util::Result<std::string> condense_go_binary(source::ByteStream& in, const source::FileEntry&) {
  std::string buf;
  std::uint64_t base = 0;  // file offset of buf[0]
  std::size_t scan_from = 0;
  std::size_t found = std::string::npos;
  bool first = true;
  std::unique_ptr<char[]> chunk(new char[k_chunk]);
  for (;;) {
    auto n = in.read(chunk.get(), k_chunk);
    if (!n.ok()) return n.error();
    buf.append(chunk.get(), *n);
    const bool at_end = *n == 0;
    if (first) {
      if (buf.size() < 4 && !at_end) continue;
      if (!is_executable_format(buf)) return std::string();
      first = false;
    }
    if (found == std::string::npos) {
      for (std::size_t at = buf.find(k_magic, scan_from); at != std::string::npos; at = buf.find(k_magic, at + 1))
        if ((base + at) % 16 == 0) {
          found = at;
          break;
        }
      if (found == std::string::npos) {
        if (at_end) return std::string();
        // Keep the tail a magic could start in.
        std::size_t keep = std::min(buf.size(), k_magic.size() - 1);
        base += buf.size() - keep;
        buf.erase(0, buf.size() - keep);
        scan_from = 0;
        continue;
      }
      buf.erase(0, found);
      base += found;
      found = 0;
    }
    if (buf.size() >= k_header) {
      auto flags = static_cast<unsigned char>(buf[15]);
      auto ptr_size = static_cast<unsigned char>(buf[14]);
      if (ptr_size != 4 && ptr_size != 8)
        return problem("invalid go build information: pointer size " + std::to_string(ptr_size) + " at offset " +
                       std::to_string(base));
      if (!(flags & 0x2)) return problem("go build information in the pre-go 1.18 format is not read");
      bool incomplete = false;
      std::string out = decode_inline(buf, 0, incomplete);
      if (!incomplete) return out;
    }
    if (at_end) return problem("invalid go build information: truncated at offset " + std::to_string(base));
    if (buf.size() > k_max_info + k_header + 20)
      return problem("invalid go build information: longer than " + std::to_string(k_max_info) + " bytes");
  }
}

namespace {

struct Module {
  std::string path, version, sum;
  std::string replaced_from;  // "path@version" of the module a "=>" line replaced
  std::string replaced_by;    // a local directory replacing it
  std::size_t line = 0;
};

// Applies a "=>" line to the module it follows.
void replace(Module& m, std::string_view path, std::string_view version, std::string_view sum) {
  if (version.empty()) {  // a directory on the builder's machine: the original module's identity stays
    m.replaced_by = std::string(path);
    m.sum.clear();
    return;
  }
  m.replaced_from = m.path + "@" + m.version;
  m.path = std::string(path);
  m.version = std::string(version);
  m.sum = std::string(sum);
}

bool keep_build_setting(std::string_view key) {
  static constexpr std::array<std::string_view, 14> keys = {
      "GOOS",      "GOARCH", "GOARM",     "GOAMD64", "GO386",        "CGO_ENABLED", "-buildmode",
      "-compiler", "-tags",  "-trimpath", "vcs",     "vcs.revision", "vcs.time",    "vcs.modified"};
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// "go1.21.5", "go1.21.5 X:boringcrypto" → "1.21.5"; "devel go1.22-abc" → "" (no release).
std::string stdlib_version(std::string_view toolchain) {
  auto space = toolchain.find(' ');
  std::string_view first = toolchain.substr(0, space);
  if (first.substr(0, 2) != "go" || first.size() < 3) return {};
  return std::string(first.substr(2));
}

Entry module_entry(const Module& m, const std::string& path) {
  Entry e;
  e.package = make_go_package(m.path, m.version == "(devel)" ? std::string() : m.version);
  if (!m.sum.empty()) add_h1_hash(e.package, m.sum);
  if (!m.replaced_from.empty()) e.package.add_property("purser:golang:replaces", m.replaced_from);
  if (!m.replaced_by.empty()) e.package.add_property("purser:golang:replaced-by", m.replaced_by);
  e.package.locations.push_back({path});
  e.provides.push_back("module:" + m.path);
  return e;
}

}  // namespace

ParseResult parse_go_binary(std::string_view condensed, const std::string& path, const FileResolver&) {
  ParseResult out;
  if (condensed.empty()) return out;
  std::string toolchain, main_package;
  std::vector<std::pair<std::string, std::string>> settings;
  std::optional<Module> main;
  std::vector<Module> deps;
  Module* last = nullptr;
  std::size_t line_no = 0;
  for (std::string_view line : util::split(condensed, '\n')) {
    ++line_no;
    if (line.empty()) continue;
    auto fields = util::split(line, '\t');
    std::string_view kind = fields[0];
    if (kind == "!") {
      out.diagnostics.push_back({Severity::warning, std::string(fields.size() > 1 ? fields[1] : "invalid"), {path}});
      return out;
    }
    auto field = [&](std::size_t i) { return i < fields.size() ? fields[i] : std::string_view(); };
    if (kind == "go") {
      toolchain = std::string(field(1));
    } else if (kind == "path") {
      main_package = std::string(field(1));
    } else if (kind == "mod" || kind == "dep") {
      Module m{std::string(field(1)), std::string(field(2)), std::string(field(3)), {}, {}, line_no};
      if (m.path.empty()) {
        out.diagnostics.push_back(
            {Severity::warning,
             "invalid go build information: module line " + std::to_string(line_no - 1) + " without a path",
             {path}});
        last = nullptr;
        continue;
      }
      if (kind == "mod") {
        main = std::move(m);
        last = &*main;
      } else {
        deps.push_back(std::move(m));
        last = &deps.back();
      }
    } else if (kind == "=>") {
      if (last) replace(*last, field(1), field(2), field(3));
      last = nullptr;
    } else if (kind == "build") {
      std::string_view kv = field(1);
      auto eq = kv.find('=');
      if (eq != std::string_view::npos && keep_build_setting(kv.substr(0, eq)))
        settings.emplace_back(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
    }
    // Unknown line kinds from newer toolchains are skipped.
  }

  std::vector<Requirement> needs;
  for (const auto& d : deps) {
    out.entries.push_back(module_entry(d, path));
    needs.push_back({"module:" + d.path});
  }
  std::string stdlib = stdlib_version(toolchain);
  if (!toolchain.empty()) {
    Entry e;
    e.package = make_go_package("stdlib", stdlib);
    e.package.locations.push_back({path});
    e.package.add_property("purser:golang:toolchain", toolchain);
    e.provides.push_back("stdlib");
    out.entries.push_back(std::move(e));
    needs.push_back({"stdlib"});
  }
  if (main) {
    Entry e = module_entry(*main, path);
    e.package.type = model::ComponentType::application;
    if (!toolchain.empty()) e.package.add_property("purser:golang:toolchain", toolchain);
    if (!main_package.empty()) e.package.add_property("purser:golang:main-package", main_package);
    for (const auto& [k, v] : settings) e.package.add_property("purser:golang:build:" + k, v);
    e.needs = std::move(needs);
    e.root = true;
    out.entries.push_back(std::move(e));
  }
  return out;
}

const Cataloger& go_binary_cataloger() {
  static const Cataloger c{"go-binary",
                           "go",
                           {"installed", "image", "binary"},
                           {"**"},
                           "Go executables' embedded build information (main module, dependencies, toolchain)",
                           parse_go_binary,
                           {},
                           condense_go_binary,
                           true};
  return c;
}

}  // namespace purser::catalog::go
