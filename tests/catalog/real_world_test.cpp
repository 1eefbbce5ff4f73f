// Scans the real-world lockfiles in ../shared/bench/lockfiles (read in place, never
// copied) through the whole driver: no diagnostics, no orphans, every cataloger used.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "lib/catalog/scan.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace fs = std::filesystem;
using namespace purser;

namespace {

std::string lockfiles_dir() { return catalog::testing::shared_lockfiles().string(); }

TEST(RealWorld, SharedLockfilesScanCleanly) {
  if (!fs::is_directory(lockfiles_dir())) GTEST_SKIP() << "no ../shared/bench/lockfiles on this machine";
  auto src = source::open_source(lockfiles_dir(), {{}, 2});
  ASSERT_TRUE(src.ok());
  catalog::ScanOptions options;
  options.threads = 2;
  auto doc = catalog::scan(**src, options);
  ASSERT_TRUE(doc.ok());
  // The corpus itself is imperfect in exactly these places, and saying so is right:
  // trivy's Cargo.lock was edited by hand (requires ammonia 2.0.0, locks 1.9.0) and
  // in-toto's requirements-dev.txt includes files the extract did not copy.
  std::vector<std::string> diagnostics;
  for (const auto& d : doc->diagnostics) diagnostics.push_back(d.to_string());
  EXPECT_EQ(diagnostics, (std::vector<std::string>{
                             "mixed/trivy-integration-fixtures/trivy-ci-test/Cargo.lock:170: unresolved dependency: "
                             "ammonia 2.0.0 (registry+https://github.com/rust-lang/crates.io-index) of normal 0.1.0",
                             "python/in-toto/requirements-dev.txt:6: cannot include requirements-lint.txt: cannot "
                             "read: No such file or directory",
                             "python/in-toto/requirements-dev.txt:7: cannot include requirements-docs.txt: cannot "
                             "read: No such file or directory",
                         }));
  EXPECT_TRUE(doc->orphans().empty());

  std::map<std::string, std::size_t> by_cataloger;
  for (const auto& p : doc->packages) {
    EXPECT_FALSE(p.purl.empty()) << p.name;
    EXPECT_FALSE(p.locations.empty()) << p.purl;
    for (const auto& id : {std::string(p.found_by)}) by_cataloger[id.substr(0, id.find(','))]++;
  }
  for (const auto& c : catalog::registry()) {
    // Installed-package catalogers read root filesystems and images (tests/catalog/os, python, npm), not lockfiles.
    if (catalog::has_tag(c, "installed")) continue;
    EXPECT_GT(by_cataloger[std::string(c.id)], 0u) << "cataloger found nothing: " << c.id;
  }
  // The corpus holds thousands of pinned packages; a collapse here means a parser broke.
  EXPECT_GT(doc->packages.size(), 5000u);
}

}  // namespace
