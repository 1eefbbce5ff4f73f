// go-binary cataloger: build information found while streaming (any chunking, any alignment), the module lines
// turned into packages and edges, damaged and old-format blobs reported, a real Go binary checked against
// `go version -m`, and an image whose binary changes between layers.

#include "lib/catalog/go/binary.hpp"

#include "lib/catalog/binary/executable.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "lib/catalog/image_scan.hpp"
#include "lib/catalog/scan.hpp"
#include "lib/source/image.hpp"
#include "lib/util/strings.hpp"
#include "tests/catalog/chunk_stream.hpp"
#include "tests/source/image_builder.hpp"

using namespace purser;
using catalog::binary::condense_executable;
using catalog::go::parse_go_binary;

namespace {

namespace fs = std::filesystem;
using catalog::testing::ChunkStream;

const catalog::NullResolver resolver;

std::string uvarint(std::uint64_t v) {
  std::string out;
  do {
    unsigned char b = v & 0x7f;
    v >>= 7;
    if (v) b |= 0x80;
    out += static_cast<char>(b);
  } while (v);
  return out;
}

// The build information blob as the Go 1.18+ linker lays it out (header, inline strings, sentinels).
std::string blob(const std::string& version, const std::string& modinfo, unsigned char flags = 2,
                 unsigned char ptr_size = 8) {
  std::string h("\xff Go buildinf:", 14);
  h += static_cast<char>(ptr_size);
  h += static_cast<char>(flags);
  h.resize(32, '\0');
  std::string info = std::string(16, '0') + modinfo + std::string(16, '1');
  return h + uvarint(version.size()) + version + uvarint(info.size()) + info;
}

// An ELF-looking file with BLOB at offset AT (which the caller keeps 16-aligned or not, on purpose).
std::string elf_with(const std::string& b, std::size_t at, std::size_t trailing = 100) {
  std::string out =
      "\x7f"
      "ELF";
  out.resize(at, '\x90');
  out += b;
  out.append(trailing, '\0');
  return out;
}

std::string condense(const std::string& bytes, std::size_t step = SIZE_MAX) {
  ChunkStream in(bytes, step);
  auto r = condense_executable(in, source::FileEntry{"app", bytes.size(), 0755});
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : std::string();
}

const std::string k_modinfo =
    "path\texample.com/app/cmd/server\n"
    "mod\texample.com/app\tv1.4.0\th1:n0DOIXGpfsk+9RZZWDyTyI6YbhaSFgCILB/KuT0DXHU=\n"
    "dep\tgithub.com/acme/log\tv1.2.0\th1:5bzV8gqzvq1v2n+dUrjpfDx6iSiLqc8cFGT9t1TN5mQ=\n"
    "dep\tgolang.org/x/text\tv0.14.0\th1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=\n"
    "=>\tgithub.com/acme-forks/text\tv0.14.1-acme\th1:ab0DOIXGpfsk+9RZZWDyTyI6YbhaSFgCILB/KuT0DXH=\n"
    "dep\texample.com/internal/util\tv0.0.0-00010101000000-000000000000\t\n"
    "=>\t../util\t\t\n"
    "build\t-buildmode=exe\n"
    "build\t-ldflags=-X main.token=s3cr3t\n"
    "build\tCGO_ENABLED=0\n"
    "build\tGOARCH=amd64\n"
    "build\tGOOS=linux\n"
    "build\tvcs.revision=0123456789abcdef\n";

const std::string k_condensed = "go\tgo1.21.5\n" + k_modinfo;

std::map<std::string, const model::Package*> by_name(const catalog::ParseResult& r) {
  std::map<std::string, const model::Package*> out;
  for (const auto& e : r.entries) out[e.package.name] = &e.package;
  return out;
}

}  // namespace

TEST(GoBinary, CondensesInlineBuildInformation) {
  EXPECT_EQ(condense(elf_with(blob("go1.21.5", k_modinfo), 4096)), k_condensed);
}

TEST(GoBinary, AnyChunkingFindsTheSameBlob) {
  // The 32-byte header straddles the condenser's 256 KiB read boundary; served one byte and 7 bytes at a time too.
  std::string file = elf_with(blob("go1.21.5", k_modinfo), 256 * 1024 - 16);
  EXPECT_EQ(condense(file), k_condensed);
  EXPECT_EQ(condense(file, 1), k_condensed);
  EXPECT_EQ(condense(file, 7), k_condensed);
}

TEST(GoBinary, MisalignedMagicIsNotBuildInformation) {
  // The toolchain itself carries the magic as a string constant: only a 16-byte aligned one is the real header.
  std::string decoy = blob("go1.0-decoy", "mod\tdecoy\tv0.0.1\t\n");
  std::string file = elf_with(decoy, 4100, 0);
  file.resize(8192, '\0');
  file += blob("go1.21.5", k_modinfo);
  EXPECT_EQ(condense(file), k_condensed);
}

TEST(GoBinary, OtherFilesCondenseToNothing) {
  EXPECT_EQ(condense("#!/bin/sh\necho \xff Go buildinf:\n"), "");
  EXPECT_EQ(condense(elf_with("", 64, 100000)), "");  // an ELF without Go build information
  EXPECT_EQ(condense(""), "");
  EXPECT_EQ(condense("\x7f"), "");
}

TEST(GoBinary, MachOAndPeAreRead) {
  std::string b = blob("go1.21.5", k_modinfo);
  std::string macho("\xcf\xfa\xed\xfe", 4), pe = "MZ";
  macho.resize(4096, '\0');
  pe.resize(4096, '\0');
  EXPECT_EQ(condense(macho + b), k_condensed);
  EXPECT_EQ(condense(pe + b), k_condensed);
}

TEST(GoBinary, DamagedAndOldFormatsAreReported) {
  EXPECT_EQ(condense(elf_with(blob("go1.16", "", 0), 4096)),
            "go!\tgo build information in the pre-go 1.18 format is not read\n");
  EXPECT_EQ(condense(elf_with(blob("go1.21.5", k_modinfo, 2, 3), 4096)),
            "go!\tinvalid go build information: pointer size 3 at offset 4096\n");
  std::string cut = elf_with(blob("go1.21.5", k_modinfo), 4096, 0);
  cut.resize(cut.size() - 40);
  EXPECT_EQ(condense(cut), "go!\tinvalid go build information: truncated at offset 4096\n");
  std::string huge("\xff Go buildinf:\x08\x02", 16);
  huge.resize(32, '\0');
  huge += uvarint(8) + "go1.21.5" + uvarint(1ull << 40);
  EXPECT_EQ(condense(elf_with(huge, 4096)),
            "go!\tinvalid go build information: a string of 1099511627776 bytes, over the limit of 4194304\n");
  std::string endless = huge.substr(0, 32) + std::string(11, '\xff');
  EXPECT_EQ(condense(elf_with(endless, 4096)), "go!\tinvalid go build information: malformed string length\n");

  auto r =
      parse_go_binary("go!\tgo build information in the pre-go 1.18 format is not read\n", "usr/bin/old", resolver);
  EXPECT_TRUE(r.entries.empty());
  ASSERT_EQ(r.diagnostics.size(), 1u);
  EXPECT_EQ(r.diagnostics[0].to_string(), "usr/bin/old: go build information in the pre-go 1.18 format is not read");
}

TEST(GoBinary, StreamFailurePropagates) {
  ChunkStream in(elf_with(blob("go1.21.5", k_modinfo), 600000), 4096, 300000,
                 util::make_error(util::ErrorCode::parse, "layer is truncated"));
  auto r = condense_executable(in, source::FileEntry{"app", 0, 0755});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "layer is truncated");
}

TEST(GoBinary, ModulesBecomePackagesWithEdgesAndSettings) {
  auto r = parse_go_binary(k_condensed, "srv/app", resolver);
  EXPECT_TRUE(r.diagnostics.empty());
  auto pkgs = by_name(r);
  ASSERT_EQ(pkgs.size(), 5u);
  const model::Package& app = *pkgs.at("example.com/app");
  EXPECT_EQ(app.purl, "pkg:golang/example.com/app@v1.4.0");
  EXPECT_EQ(app.type, model::ComponentType::application);
  EXPECT_EQ(app.property("purser:golang:toolchain"), "go1.21.5");
  EXPECT_EQ(app.property("purser:golang:main-package"), "example.com/app/cmd/server");
  EXPECT_EQ(app.property("purser:golang:build:GOOS"), "linux");
  EXPECT_EQ(app.property("purser:golang:build:vcs.revision"), "0123456789abcdef");
  EXPECT_EQ(app.property("purser:golang:build:-buildmode"), "exe");
  EXPECT_EQ(app.property("purser:golang:build:-ldflags"), "");  // may carry secrets: never copied
  const model::Package& log = *pkgs.at("github.com/acme/log");
  EXPECT_EQ(log.purl, "pkg:golang/github.com/acme/log@v1.2.0");
  ASSERT_EQ(log.hashes.size(), 1u);
  EXPECT_EQ(log.hashes[0].algorithm, "SHA-256");
  EXPECT_EQ(log.property("purser:golang:h1"), "h1:5bzV8gqzvq1v2n+dUrjpfDx6iSiLqc8cFGT9t1TN5mQ=");
  // Replaced by another module: reported as what was built in.
  const model::Package& text = *pkgs.at("github.com/acme-forks/text");
  EXPECT_EQ(text.version, "v0.14.1-acme");
  EXPECT_EQ(text.property("purser:golang:replaces"), "golang.org/x/text@v0.14.0");
  // Replaced by a directory: its own identity stays, without a hash.
  const model::Package& util = *pkgs.at("example.com/internal/util");
  EXPECT_EQ(util.property("purser:golang:replaced-by"), "../util");
  EXPECT_TRUE(util.hashes.empty());
  EXPECT_EQ(pkgs.at("stdlib")->purl, "pkg:golang/stdlib@1.21.5");
  // The main module needs every dependency and the standard library.
  for (const auto& e : r.entries) {
    if (e.package.name != "example.com/app") continue;
    std::set<std::string> needs;
    for (const auto& n : e.needs) needs.insert(n.key);
    EXPECT_EQ(needs, (std::set<std::string>{"module:github.com/acme/log", "module:github.com/acme-forks/text",
                                            "module:example.com/internal/util", "stdlib"}));
    EXPECT_TRUE(e.root);
  }
}

TEST(GoBinary, DevelMainModuleAndDevelToolchainHaveNoVersion) {
  auto r = parse_go_binary("go\tdevel go1.22-abcdef Tue Jan 2\nmod\texample.com/tool\t(devel)\t\n", "tool", resolver);
  auto pkgs = by_name(r);
  EXPECT_EQ(pkgs.at("example.com/tool")->purl, "pkg:golang/example.com/tool");
  EXPECT_EQ(pkgs.at("stdlib")->version, "");
  EXPECT_EQ(pkgs.at("stdlib")->property("purser:golang:toolchain"), "devel go1.22-abcdef Tue Jan 2");
  auto boring = parse_go_binary("go\tgo1.20.4 X:boringcrypto\n", "b", resolver);
  EXPECT_EQ(by_name(boring).at("stdlib")->version, "1.20.4");
}

// A real binary from the Debian Go toolchain, against `go version -m`: module proxy, go.sum and build all local.
class GoToolchain : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::system("go version >/dev/null 2>&1") != 0) GTEST_SKIP() << "go is not installed (make deps installs it)";
    char tmpl[] = "/tmp/purser-gobin-XXXXXX";
    m_root = ::mkdtemp(tmpl);
    write("z/example.com/greet@v1.2.3/go.mod", "module example.com/greet\n\ngo 1.19\n");
    write("z/example.com/greet@v1.2.3/greet.go", "package greet\n\nfunc Hello() string { return \"hello\" }\n");
    write("proxy/example.com/greet/@v/list", "v1.2.3\n");
    write("proxy/example.com/greet/@v/v1.2.3.info", R"({"Version":"v1.2.3","Time":"2024-01-01T00:00:00Z"})");
    write("proxy/example.com/greet/@v/v1.2.3.mod", "module example.com/greet\n\ngo 1.19\n");
    write("hello/go.mod", "module example.com/hello\n\ngo 1.19\n\nrequire example.com/greet v1.2.3\n");
    write(
        "hello/main.go",
        "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/greet\"\n)\n\nfunc main() { fmt.Println(greet.Hello()) "
        "}\n");
    std::string env = "cd " + m_root + "/hello && HOME=" + m_root + " GOPATH=" + m_root + "/gopath GOCACHE=" + m_root +
                      "/cache GOPROXY=file://" + m_root + "/proxy GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local ";
    std::string zip =
        "cd " + m_root + "/z && zip -q -D -r " + m_root + "/proxy/example.com/greet/@v/v1.2.3.zip example.com";
    ASSERT_EQ(std::system(zip.c_str()), 0);
    ASSERT_EQ(std::system((env + "go build -o bin/hello . >" + m_root + "/build.log 2>&1").c_str()), 0)
        << slurp(m_root + "/build.log");
    ASSERT_EQ(std::system((env + "go version -m bin/hello >" + m_root + "/version.txt").c_str()), 0);
  }
  void TearDown() override {
    if (!m_root.empty()) fs::remove_all(m_root);
  }
  void write(const std::string& rel, const std::string& bytes) {
    fs::create_directories(fs::path(m_root + "/" + rel).parent_path());
    std::ofstream(m_root + "/" + rel) << bytes;
  }
  static std::string slurp(const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string m_root;
};

TEST_F(GoToolchain, RealBinaryMatchesGoVersionM) {
  // `go version -m` prints "FILE: goX.Y.Z" then "\tKIND\tFIELDS..." lines: each mod/dep must be a package.
  std::string expected = slurp(m_root + "/version.txt");
  auto src = source::open_source("dir:" + m_root + "/hello/bin", {});
  ASSERT_TRUE(src.ok());
  catalog::ScanOptions options;
  options.select = {"go-binary"};
  auto doc = catalog::scan(**src, options);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  EXPECT_TRUE(doc->diagnostics.empty());
  std::map<std::string, const model::Package*> found;
  for (const auto& p : doc->packages) found[p.name] = &p;
  std::size_t modules = 0;
  for (auto line : util::split(expected, '\n')) {
    auto f = util::split(util::trim(line), '\t');
    if (f.size() >= 3 && (f[0] == "mod" || f[0] == "dep")) {
      ++modules;
      ASSERT_TRUE(found.count(std::string(f[1]))) << line;
      const model::Package& p = *found.at(std::string(f[1]));
      EXPECT_EQ(p.version, f[2] == "(devel)" ? "" : std::string(f[2]));
      if (f.size() >= 4 && !f[3].empty()) {
        EXPECT_EQ(p.property("purser:golang:h1"), std::string(f[3]));
      }
    }
    if (line.find(": go") != std::string_view::npos) {
      EXPECT_EQ("go" + found.at("stdlib")->version, std::string(line.substr(line.find(": ") + 2)));
    }
  }
  EXPECT_EQ(modules, 2u);
  EXPECT_EQ(found.size(), 3u);  // the two modules and stdlib
}

TEST_F(GoToolchain, ImageBinaryIsCondensedWhileStreamingAndTrackedAcrossLayers) {
  // Layer 0 ships the real binary; layer 1 replaces it with one whose dependency was upgraded.
  std::string real = slurp(m_root + "/hello/bin/hello");
  std::string upgraded =
      elf_with(blob("go1.19.8",
                    "path\texample.com/hello\nmod\texample.com/hello\t(devel)\t\n"
                    "dep\texample.com/greet\tv1.3.0\th1:WkiiIOTuFidvNwLYh0FoCYbjFtqj1X7RM2ehbtAG2cM=\n"),
               4096);
  purser::testing::ImageBuilder images;
  images.tmp = m_root;
  std::string dir = images.oci_dir(
      "img", {{{{"usr/local/bin/hello", 'x', real}, {"etc/motd", 'f', "hi"}}, purser::testing::Filter::gzip, "add"},
              {{{"usr/local/bin/hello", 'x', upgraded}}, purser::testing::Filter::zstd, "up"}});
  source::ImageOptions io;
  io.capture = *catalog::capture_filter({"go-binary"});
  io.condense = *catalog::condense_chooser({"go-binary"});
  io.threads = 2;
  auto image = source::open_image("oci-dir:" + dir, io);
  ASSERT_TRUE(image.ok()) << image.error().message;
  auto history = (*image)->history("usr/local/bin/hello");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_TRUE(history[0].condensed);
  EXPECT_LT(history[0].bytes.size(), 2048u);  // the build information, not the 1.8 MB binary
  EXPECT_EQ(history[0].bytes.substr(0, 12), "go\tgo1.19.8\n");
  EXPECT_TRUE((*image)->history("etc/motd").empty());  // neither captured nor condensed: not executable
  ASSERT_FALSE((*image)->read("usr/local/bin/hello", 1 << 30).ok());

  catalog::ScanOptions options;
  options.select = {"go-binary"};
  auto doc = catalog::scan_image(**image, options, catalog::ImageScope::all_layers);
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  const auto& layers = (*image)->info().layers;
  std::map<std::string, const model::Package*> found;
  for (const auto& p : doc->packages) found[p.ref()] = &p;
  ASSERT_TRUE(found.count("pkg:golang/example.com/greet@v1.3.0"));
  ASSERT_TRUE(found.count("pkg:golang/example.com/greet@v1.2.3"));
  const auto& now = *found.at("pkg:golang/example.com/greet@v1.3.0");
  EXPECT_EQ(now.property(catalog::k_layer_introduced), layers[0].diff_id);
  EXPECT_EQ(now.property(catalog::k_layer_changed), layers[1].diff_id);
  const auto& before = *found.at("pkg:golang/example.com/greet@v1.2.3");
  EXPECT_EQ(before.property(catalog::k_layer_introduced), layers[0].diff_id);
  EXPECT_EQ(before.property(catalog::k_layer_removed), layers[1].diff_id);
}
