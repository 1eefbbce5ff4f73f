// rust-binary cataloger: cargo-auditable data found in a forward pass (decoy zlib headers, any chunking), turned into
// crates with their graph; damaged data reported; an ELF executable compiled and given a .dep-v0 section by binutils
// at test time (cargo-auditable itself is not packaged in Debian 12; objcopy places the section as the linker would).

#include "lib/catalog/rust/auditable.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lib/catalog/binary/executable.hpp"
#include "lib/catalog/scan.hpp"
#include "tests/catalog/chunk_stream.hpp"

using namespace purser;
using catalog::binary::condense_executable;
using catalog::rust::parse_rust_binary;

namespace {

namespace fs = std::filesystem;
using catalog::testing::ChunkStream;

const catalog::NullResolver resolver;

const std::string k_json =
    R"({"packages":[{"name":"rg","version":"14.1.0","source":"local","dependencies":[1,2],"root":true},)"
    R"({"name":"regex","version":"1.10.2","source":"crates.io","dependencies":[3]},)"
    R"({"name":"grep-cli","version":"0.1.10","source":"git"},)"
    R"({"name":"memchr","version":"2.7.1","source":"crates.io"},)"
    R"({"name":"cc","version":"1.0.83","source":"crates.io","kind":"build"}]})";

std::string deflate(const std::string& text, int level = 7) {
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string out(size, '\0');
  EXPECT_EQ(compress2(reinterpret_cast<Bytef*>(out.data()), &size, reinterpret_cast<const Bytef*>(text.data()),
                      static_cast<uLong>(text.size()), level),
            Z_OK);
  out.resize(size);
  return out;
}

std::string condense(const std::string& bytes, std::size_t step = SIZE_MAX) {
  ChunkStream in(bytes, step);
  auto r = condense_executable(in, source::FileEntry{"app", bytes.size(), 0755});
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : std::string();
}

// An ELF-looking file: decoy zlib headers (a real zlib stream of other JSON, and 0x78 0x9c before junk), then the
// audit data at `at`.
std::string elf_with_audit(const std::string& json, std::size_t at, int level = 7) {
  std::string out =
      "\x7f"
      "ELF";
  out += deflate(R"({"other":[1,2,3]})");
  out += "\x78\x9c\x01\x02\x03\x04 not deflate";
  out.resize(at, '\x78');
  out += deflate(json, level);
  out.append(300, '\0');
  return out;
}

std::map<std::string, const catalog::Entry*> by_name(const catalog::ParseResult& r) {
  std::map<std::string, const catalog::Entry*> out;
  for (const auto& e : r.entries) out[e.package.name] = &e;
  return out;
}

}  // namespace

TEST(RustBinary, FindsTheAuditDataAmongDecoysAtAnyChunking) {
  const std::string expected = "cargo-auditable\n" + k_json;
  for (int level : {1, 6, 9}) EXPECT_EQ(condense(elf_with_audit(k_json, 5000, level)), expected) << level;
  // Straddling the 256 KiB read boundary and the lookahead; one byte and 13 bytes at a time.
  std::string file = elf_with_audit(k_json, 256 * 1024 - 3);
  EXPECT_EQ(condense(file), expected);
  EXPECT_EQ(condense(file, 1), expected);
  EXPECT_EQ(condense(file, 13), expected);
}

TEST(RustBinary, CratesAndTheirGraph) {
  auto r = parse_rust_binary("cargo-auditable\n" + k_json, "usr/bin/rg", resolver);
  EXPECT_TRUE(r.diagnostics.empty());
  auto e = by_name(r);
  ASSERT_EQ(e.size(), 5u);
  const auto& rg = *e.at("rg");
  EXPECT_TRUE(rg.root);
  EXPECT_EQ(rg.package.type, model::ComponentType::application);
  EXPECT_EQ(rg.package.purl, "pkg:cargo/rg@14.1.0");
  EXPECT_EQ(rg.package.property("purser:cargo:source"), "local");
  std::set<std::string> needs;
  for (const auto& n : rg.needs) needs.insert(n.key);
  EXPECT_EQ(needs, (std::set<std::string>{"index:1", "index:2"}));
  EXPECT_EQ(e.at("regex")->package.download_url, "https://crates.io/api/v1/crates/regex/1.10.2/download");
  EXPECT_EQ(e.at("regex")->provides, std::vector<std::string>{"index:1"});
  EXPECT_EQ(e.at("grep-cli")->package.property("purser:cargo:source"), "git");
  EXPECT_EQ(e.at("cc")->package.property("purser:cargo:kind"), "build");
  EXPECT_EQ(e.at("memchr")->package.property("purser:cargo:kind"), "");
  EXPECT_TRUE(parse_rust_binary("go\tgo1.21.5\n", "x", resolver).entries.empty());  // another language's record
}

TEST(RustBinary, DamagedDataIsReported) {
  std::string cut = elf_with_audit(k_json, 5000);
  cut.resize(cut.size() - 330);  // ends inside the zlib stream
  EXPECT_EQ(condense(cut), "cargo-auditable!\tinvalid cargo-auditable data: truncated\n");
  std::string bomb = R"({"packages":[)" + std::string(20 * 1024 * 1024, ' ');
  EXPECT_EQ(condense(elf_with_audit(bomb, 5000, 9)),
            "cargo-auditable!\tinvalid cargo-auditable data: inflates to more than 16777216 bytes\n");
  auto damaged = parse_rust_binary("cargo-auditable!\tinvalid cargo-auditable data: truncated\n", "app", resolver);
  ASSERT_EQ(damaged.diagnostics.size(), 1u);
  EXPECT_EQ(damaged.diagnostics[0].to_string(), "app: invalid cargo-auditable data: truncated");

  auto text = [](const std::string& json) {
    auto r = parse_rust_binary("cargo-auditable\n" + json, "app", resolver);
    std::string all;
    for (const auto& d : r.diagnostics) all += d.to_string() + "\n";
    return all;
  };
  EXPECT_EQ(text(R"({"packages":[)"), "app: invalid cargo-auditable data: not JSON\n");
  EXPECT_EQ(text(R"({"packages":{}})"), "app: invalid cargo-auditable data: no packages list\n");
  EXPECT_EQ(text(R"({"packages":[{"version":"1"},{"name":"a","version":"1","dependencies":[7,-1,"x"]}]})"),
            "app: invalid cargo-auditable data: package 0 has no name or version\n"
            "app: invalid cargo-auditable data: a names dependency 7, not a package index\n"
            "app: invalid cargo-auditable data: a names dependency -1, not a package index\n"
            "app: invalid cargo-auditable data: a names dependency \"x\", not a package index\n");
}

TEST(RustBinary, StreamFailurePropagatesEvenInsideTheData) {
  std::string file = elf_with_audit(k_json, 5000);
  for (std::size_t fail_at : {std::size_t{100}, std::size_t{5010}}) {
    ChunkStream in(file, 7, fail_at);
    auto r = condense_executable(in, source::FileEntry{"app", file.size(), 0755});
    ASSERT_FALSE(r.ok()) << fail_at;
    EXPECT_EQ(r.error().message, "read failed");
  }
}

TEST(RustBinary, CompiledExecutableWithDepSectionScansFromADirectory) {
  if (std::system("command -v cc >/dev/null 2>&1 && command -v objcopy >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "cc and objcopy (build-essential) are needed";
  char tmpl[] = "/tmp/purser-rustbin-XXXXXX";
  std::string root = ::mkdtemp(tmpl);
  std::ofstream(root + "/main.c") << "int main(void) { return 0; }\n";
  std::ofstream(root + "/dep-v0", std::ios::binary) << deflate(k_json);
  fs::create_directories(root + "/rootfs/usr/bin");
  std::string cmd = "cd " + root + " && cc -O2 -o app main.c && objcopy --add-section .dep-v0=dep-v0 " +
                    "--set-section-flags .dep-v0=alloc,readonly,data app rootfs/usr/bin/rg && " +
                    "readelf -S rootfs/usr/bin/rg | grep -q '.dep-v0' && cp app rootfs/usr/bin/plain";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto src = source::open_source("dir:" + root + "/rootfs", {});
  ASSERT_TRUE(src.ok());
  catalog::ScanOptions options;
  options.select = {"rust-binary", "go-binary"};
  auto doc = catalog::scan(**src, options);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_TRUE(doc->diagnostics.empty());
  std::set<std::string> purls;
  for (const auto& p : doc->packages) {
    purls.insert(p.purl);
    EXPECT_EQ(p.locations.at(0).path, "usr/bin/rg");
    EXPECT_EQ(p.found_by, "rust-binary");
  }
  EXPECT_EQ(purls, (std::set<std::string>{"pkg:cargo/rg@14.1.0", "pkg:cargo/regex@1.10.2", "pkg:cargo/grep-cli@0.1.10",
                                          "pkg:cargo/memchr@2.7.1", "pkg:cargo/cc@1.0.83"}));
  std::size_t edges = 0;
  for (const auto& r : doc->relationships)
    if (r.from == "pkg:cargo/rg@14.1.0" || r.from == "pkg:cargo/regex@1.10.2") ++edges;
  EXPECT_EQ(edges, 3u);
  fs::remove_all(root);
}
