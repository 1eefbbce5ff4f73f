#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "lib/source/source.hpp"

namespace fs = std::filesystem;
using purser::source::DirectoryOptions;
using purser::source::FileEntry;
using purser::source::join_relative;
using purser::source::open_source;

namespace {

class TempTree : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-dir-XXXXXX";
    root = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(root); }
  void write(const std::string& rel, const std::string& bytes = "x") {
    fs::path p = fs::path(root) / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << bytes;
  }
  std::vector<std::string> walk(DirectoryOptions options = {}) {
    auto src = open_source("dir:" + root, options);
    EXPECT_TRUE(src.ok());
    std::vector<purser::util::Diagnostic> diags;
    std::vector<std::string> out;
    for (const auto& f : (*src)->files([](std::string_view) { return true; }, diags)) out.push_back(f.path);
    EXPECT_TRUE(diags.empty());
    return out;
  }
  std::string root;
};

TEST_F(TempTree, ListsFilesSortedAndSkipsGit) {
  write("b/package-lock.json");
  write("a.txt");
  write(".git/config");
  write("c/d/e/go.mod");
  EXPECT_EQ(walk(), (std::vector<std::string>{"a.txt", "b/package-lock.json", "c/d/e/go.mod"}));
}

TEST_F(TempTree, ParallelWalkMatchesSerial) {
  for (int i = 0; i < 50; ++i) write("d" + std::to_string(i % 7) + "/s" + std::to_string(i) + "/f.txt");
  DirectoryOptions one{{}, 1}, two{{}, 2};
  EXPECT_EQ(walk(one), walk(two));
  EXPECT_EQ(walk(two).size(), 50u);
}

TEST_F(TempTree, ExcludeGlobsPruneDirectoriesAndFiles) {
  write("keep/go.mod");
  write("vendor/x/go.mod");
  write("testdata/go.mod");
  write("src/testdata/deep/go.mod");
  write("skip.lock");
  DirectoryOptions options;
  options.excludes = {"vendor", "**/testdata/**", "./src/testdata/", "*.lock"};
  EXPECT_EQ(walk(options), (std::vector<std::string>{"keep/go.mod"}));
}

TEST_F(TempTree, DoesNotFollowSymlinks) {
  write("real/go.mod");
  fs::create_directory_symlink(root + "/real", root + "/link");
  fs::create_symlink(root + "/real/go.mod", root + "/go.mod");
  EXPECT_EQ(walk(), (std::vector<std::string>{"real/go.mod"}));
}

TEST_F(TempTree, ReadsRelativePathsOnly) {
  write("a/b.txt", "hello");
  auto src = open_source(root, {});
  ASSERT_TRUE(src.ok());
  auto ok = (*src)->read("a/b.txt", 100);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(*ok, "hello");
  auto escape = (*src)->read("../etc/passwd", 100);
  ASSERT_FALSE(escape.ok());
  EXPECT_EQ(escape.error().to_string(), "../etc/passwd: cannot read: path leaves the source root");
  auto big = (*src)->read("a/b.txt", 3);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().to_string(), "a/b.txt: file too large: 5 bytes exceeds the limit of 3");
  auto missing = (*src)->read("nope.txt", 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().to_string(), "nope.txt: cannot read: No such file or directory");
}

TEST_F(TempTree, TargetsAndNames) {
  auto bare = open_source(root, {});
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)->target(), "dir:" + root);
  EXPECT_EQ((*bare)->name(), fs::path(root).filename().string());
  auto scheme = open_source("registry:example.com/x", {});
  ASSERT_FALSE(scheme.ok());
  EXPECT_EQ(scheme.error().message,
            "unsupported target scheme: registry (supported: dir:PATH or an existing directory)");
  auto missing = open_source("dir:" + root + "/nope", {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().to_string(), root + "/nope: cannot open target: No such file or directory");
  write("file.txt");
  auto file = open_source(root + "/file.txt", {});
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.error().message, "cannot open target: not a directory");
}

TEST(JoinRelative, NormalisesAndRefusesEscapes) {
  EXPECT_EQ(join_relative("a/b/req.txt", "other.txt"), "a/b/other.txt");
  EXPECT_EQ(join_relative("a/b/req.txt", "../c/x.txt"), "a/c/x.txt");
  EXPECT_EQ(join_relative("req.txt", "./x/./y.txt"), "x/y.txt");
  EXPECT_EQ(join_relative("a/req.txt", "../../x.txt"), "");
  EXPECT_EQ(join_relative("a/req.txt", "/etc/passwd"), "");
}

}  // namespace
