// rust-cargo-lock cataloger: lock versions 1-4, sources, checksums, dependency
// resolution, workspace roots from Cargo.toml, bad input, and the shared bench.

#include "lib/catalog/rust/cargo_lock.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "tests/catalog/cataloger_tester.hpp"

using namespace purser;
using catalog::rust::parse_cargo_lock;
using catalog::testing::CatalogTester;

namespace {

const std::string k_cio = "registry+https://github.com/rust-lang/crates.io-index";

}  // namespace

TEST(CargoLock, V1MetadataChecksumsAndFullDependencyStrings) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/v1/Cargo.lock")
      .expect_packages({"hello-cli@0.3.0", "cfg-if@0.1.10", "itoa@0.4.8", "log@0.4.8", "texty@0.1.0"})
      .expect_edges({{"hello-cli@0.3.0", "itoa@0.4.8"},
                     {"hello-cli@0.3.0", "log@0.4.8"},
                     {"hello-cli@0.3.0", "texty@0.1.0"},
                     {"log@0.4.8", "cfg-if@0.1.10"}})
      // Without a Cargo.toml every source-less package counts as a root.
      .expect_roots({"hello-cli@0.3.0", "texty@0.1.0"})
      .expect_no_diagnostics();
  auto cfg = t.package("cfg-if@0.1.10");
  ASSERT_EQ(cfg.hashes.size(), 1u);
  EXPECT_EQ(cfg.hashes[0],
            (model::Hash{"SHA-256", "dc7807809dc3bc7378e06e83b93e7e45c84d3355e9b124f2f5cabe8e5e895382"}));
  EXPECT_TRUE(t.package("log@0.4.8").hashes.empty());  // "<none>"
  EXPECT_EQ(cfg.purl, "pkg:cargo/cfg-if@0.1.10");
  EXPECT_EQ(cfg.ecosystem, "cargo");
  EXPECT_EQ(cfg.download_url, "https://crates.io/api/v1/crates/cfg-if/0.1.10/download");
  EXPECT_EQ(cfg.property("purser:cargo:source"), "");
  auto app = t.package("hello-cli@0.3.0");
  EXPECT_EQ(app.type, model::ComponentType::application);
  EXPECT_EQ(app.download_url, "");
  ASSERT_EQ(app.locations.size(), 1u);
  EXPECT_EQ(app.locations[0], (util::Location{"rust/v1/Cargo.lock", 1}));
}

TEST(CargoLock, V1RootTable) {
  // Cargo before workspaces wrote the root package as [root].
  CatalogTester t(&parse_cargo_lock);
  t.from_string("[root]\nname = \"old\"\nversion = \"0.1.0\"\ndependencies = [\n \"libc 0.2.1 (" + k_cio +
                    ")\",\n]\n\n[[package]]\nname = \"libc\"\nversion = \"0.2.1\"\nsource = \"" + k_cio + "\"\n",
                "Cargo.lock")
      .expect_packages({"old@0.1.0", "libc@0.2.1"})
      .expect_roots({"old@0.1.0"})
      .expect_edges({{"old@0.1.0", "libc@0.2.1"}})
      .expect_no_diagnostics();
}

TEST(CargoLock, V3TwoVersionsGitSourceAndBareNames) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/v3/Cargo.lock")
      .expect_packages({"bitflags@1.3.2", "bitflags@2.4.1", "tinyparse@0.2.0", "viewer@1.0.0"})
      .expect_edges({{"viewer@1.0.0", "bitflags@2.4.1"},
                     {"viewer@1.0.0", "tinyparse@0.2.0"},
                     {"tinyparse@0.2.0", "bitflags@1.3.2"}})
      .expect_roots({"viewer@1.0.0"})
      .expect_no_diagnostics();
  auto git = t.package("tinyparse@0.2.0");
  EXPECT_EQ(git.property("purser:cargo:source"),
            "git+https://github.com/acme/tinyparse?branch=feature/fast#0f3c2a9d41be7a6c1e5d2b8f9a7c3e1d5b6a4f20");
  EXPECT_EQ(git.download_url, "");
  EXPECT_TRUE(git.hashes.empty());
  EXPECT_EQ(git.type, model::ComponentType::library);
  // Checksums are reported lower-case whatever the lock's spelling.
  EXPECT_EQ(t.package("bitflags@2.4.1").hashes[0].value,
            "a865c38c5a122b19a61fdb8671f43f55a28a19c68fc68d00f4eff1cfd62be64b");
}

TEST(CargoLock, V4SourcesAndFullyQualifiedDependencies) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/v4/Cargo.lock")
      .expect_packages({"memchr@2.7.4", "scanner@0.9.0", "widget@0.5.0-beta.1+build.7", "zstd-lite@0.1.0"})
      .expect_roots({"scanner@0.9.0"})
      .expect_no_diagnostics();
  const auto& entries = t.result().entries;
  ASSERT_EQ(entries.size(), 5u);
  // The same name and version from crates.io (sparse index) and from git: two entries.
  EXPECT_EQ(entries[0].package.download_url, "https://crates.io/api/v1/crates/memchr/2.7.4/download");
  EXPECT_EQ(entries[0].package.hashes.size(), 1u);
  EXPECT_EQ(entries[1].package.property("purser:cargo:source"),
            "git+https://github.com/acme/memchr?tag=v2.7.4#9a1c0e6f2b3d4a5e6f708192a3b4c5d6e7f80912");
  // ... and two components: the git one carries a vcs_url qualifier (purl spec).
  EXPECT_EQ(entries[0].package.purl, "pkg:cargo/memchr@2.7.4");
  EXPECT_EQ(
      entries[1].package.purl,
      "pkg:cargo/memchr@2.7.4?vcs_url=git%2Bhttps://github.com/acme/memchr%409a1c0e6f2b3d4a5e6f708192a3b4c5d6e7f80912");
  // scanner needs the git memchr, widget the crates.io one: the keys tell them apart.
  ASSERT_EQ(entries[2].needs.size(), 2u);
  EXPECT_EQ(entries[2].needs[0].key,
            "memchr 2.7.4 (git+https://github.com/acme/memchr?tag=v2.7.4#9a1c0e6f2b3d4a5e6f708192a3b4c5d6e7f80912)");
  EXPECT_NE(std::find(entries[1].provides.begin(), entries[1].provides.end(), entries[2].needs[0].key),
            entries[1].provides.end());
  EXPECT_EQ(std::find(entries[0].provides.begin(), entries[0].provides.end(), entries[2].needs[0].key),
            entries[0].provides.end());
  EXPECT_EQ(std::find(entries[0].provides.begin(), entries[0].provides.end(), "memchr"), entries[0].provides.end());

  auto widget = t.package("widget@0.5.0-beta.1+build.7");
  EXPECT_EQ(
      widget.purl,
      "pkg:cargo/widget@0.5.0-beta.1%2Bbuild.7?repository_url=https://gitea.acme.example/api/packages/acme/cargo");
  EXPECT_EQ(widget.property("purser:cargo:source"), "registry+https://gitea.acme.example/api/packages/acme/cargo");
  EXPECT_EQ(widget.download_url, "");  // not crates.io
  ASSERT_EQ(widget.hashes.size(), 1u);
  // v4 percent-encodes query values; the reported source is decoded.
  EXPECT_EQ(t.package("zstd-lite@0.1.0").property("purser:cargo:source"),
            "git+https://github.com/acme/zstd-lite?branch=feat/no-std#23293b97f9ddb77242e98f0c6d7be1ef95e275b4");
  EXPECT_EQ(t.edges(),
            (std::set<std::pair<std::string, std::string>>{{"scanner@0.9.0", "memchr@2.7.4"},
                                                           {"scanner@0.9.0", "widget@0.5.0-beta.1+build.7"},
                                                           {"widget@0.5.0-beta.1+build.7", "memchr@2.7.4"},
                                                           {"widget@0.5.0-beta.1+build.7", "zstd-lite@0.1.0"}}));
}

TEST(CargoLock, WorkspaceMembersFromCargoToml) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/workspace/Cargo.lock")
      .with_fixture_file("rust/workspace/Cargo.toml")
      .with_fixture_file("rust/workspace/crates/core/Cargo.toml")
      .with_fixture_file("rust/workspace/crates/cli/Cargo.toml")
      .expect_packages({"acme-app@0.4.0", "acme-cli@0.4.0", "acme-core@0.4.0", "itoa@1.0.9", "log@0.4.20"})
      .expect_roots({"acme-app@0.4.0", "acme-cli@0.4.0", "acme-core@0.4.0"})
      .expect_edges({{"acme-app@0.4.0", "acme-core@0.4.0"},
                     {"acme-app@0.4.0", "log@0.4.20"},
                     {"acme-cli@0.4.0", "acme-core@0.4.0"},
                     {"acme-core@0.4.0", "itoa@1.0.9"}})
      .expect_no_diagnostics();
  // A path dependency outside the workspace is a plain library.
  EXPECT_EQ(t.package("log@0.4.20").type, model::ComponentType::library);
  EXPECT_EQ(t.package("acme-cli@0.4.0").type, model::ComponentType::application);
}

TEST(CargoLock, GlobMembersFallBackToEveryLocalPackage) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/workspace/Cargo.lock")
      .with_file("rust/workspace/Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n")
      .expect_roots({"acme-app@0.4.0", "acme-cli@0.4.0", "acme-core@0.4.0", "log@0.4.20"})
      .expect_no_diagnostics();
}

TEST(CargoLock, BrokenCargoTomlWarnsAndFallsBack) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/workspace/Cargo.lock")
      .with_file("rust/workspace/Cargo.toml", "[package]\nname = \"acme-app\"\nversion = \n")
      .expect_roots({"acme-app@0.4.0", "acme-cli@0.4.0", "acme-core@0.4.0", "log@0.4.20"});
  ASSERT_EQ(t.result().diagnostics.size(), 1u);
  EXPECT_EQ(t.result().diagnostics[0].location, (util::Location{"rust/workspace/Cargo.toml", 3}));
  EXPECT_EQ(t.result().diagnostics[0].message.rfind("invalid toml: ", 0), 0u);
}

TEST(CargoLock, SinglePackageManifestMarksOnlyThePackage) {
  CatalogTester t(&parse_cargo_lock);
  t.from_fixture("rust/workspace/Cargo.lock")
      .with_file("rust/workspace/Cargo.toml", "[package]\nname = \"acme-app\"\nversion = \"0.4.0\"\n")
      .expect_no_diagnostics();
  std::set<std::string> roots;
  for (const auto& e : t.result().entries)
    if (e.root) roots.insert(CatalogTester::label(e.package));
  EXPECT_EQ(roots, (std::set<std::string>{"acme-app@0.4.0"}));
  // acme-cli is then source-less but not a member: a library (the assembler's safety net
  // hangs it off the document root, since nothing needs it).
  EXPECT_EQ(t.package("acme-cli@0.4.0").type, model::ComponentType::library);
}

TEST(CargoLock, UnresolvedDependencyWarns) {
  CatalogTester t(&parse_cargo_lock);
  t.from_string(
       "version = 3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"ghost\", \"b 9.9.9\"]\n",
       "Cargo.lock")
      .expect_packages({"a@1.0.0"})
      .expect_diagnostics({"Cargo.lock:3: unresolved dependency: ghost of a 1.0.0",
                           "Cargo.lock:3: unresolved dependency: b 9.9.9 of a 1.0.0"});
}

TEST(CargoLock, TomlErrorIsLocated) {
  CatalogTester t(&parse_cargo_lock);
  t.from_string("version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0\ndependencies = []\n", "x/Cargo.lock")
      .expect_packages({});
  ASSERT_EQ(t.result().diagnostics.size(), 1u);
  const auto& d = t.result().diagnostics[0];
  EXPECT_EQ(d.severity, util::Severity::error);
  EXPECT_EQ(d.location, (util::Location{"x/Cargo.lock", 5}));
  EXPECT_EQ(d.to_string().rfind("x/Cargo.lock:5: invalid toml: ", 0), 0u) << d.to_string();
}

TEST(CargoLock, WrongShapesAreReported) {
  CatalogTester a(&parse_cargo_lock);
  a.from_string("package = \"nope\"\n", "Cargo.lock")
      .expect_packages({})
      .expect_diagnostics({"Cargo.lock:1: invalid Cargo.lock: package is not an array of tables"});
  CatalogTester b(&parse_cargo_lock);
  b.from_string("[tool]\nname = 1\n", "Cargo.lock")
      .expect_diagnostics({"Cargo.lock: invalid Cargo.lock: no [[package]] entries"});
  CatalogTester c(&parse_cargo_lock);
  c.from_string(
       "version = 9\n[[package]]\nname = \"a\"\n[[package]]\nname = \"b\"\nversion = \"1.0.0\"\nchecksum = \"zz\"\n",
       "Cargo.lock")
      .expect_packages({"b@1.0.0"})
      .expect_diagnostics({"Cargo.lock:1: unsupported Cargo.lock version: 9",
                           "Cargo.lock:2: invalid Cargo.lock: package without name or version",
                           "Cargo.lock:4: invalid checksum for b 1.0.0: not SHA-256 hex"});
  CatalogTester d(&parse_cargo_lock);
  d.from_string("", "Cargo.lock").expect_packages({}).expect_no_diagnostics();
}

TEST(CargoLock, BinaryJunkIsRejected) {
  std::string junk("PK\x03\x04\0\0\x08\0\x08\0", 10);
  CatalogTester t(&parse_cargo_lock);
  t.from_string(junk, "Cargo.lock")
      .expect_packages({})
      .expect_diagnostics({"Cargo.lock: invalid Cargo.lock: not a text file"});
}

TEST(CargoLock, HostileInputDoesNotCrash) {
  std::string deep = "x = " + std::string(100000, '[') + "\n";
  CatalogTester a(&parse_cargo_lock);
  EXPECT_EQ(a.from_string(deep, "Cargo.lock").result().diagnostics.size(), 1u);
  std::string deep_tables = "x = " + std::string(50000, '{') + "\n";
  for (int i = 0; i < 20000; ++i) deep_tables += "a = {";
  CatalogTester b(&parse_cargo_lock);
  EXPECT_EQ(b.from_string(deep_tables, "Cargo.lock").result().diagnostics.size(), 1u);
  std::string long_name = "[[package]]\nname = \"" + std::string(4u << 20, 'n') + "\"\nversion = \"1.0.0\"\n";
  CatalogTester c(&parse_cargo_lock);
  EXPECT_EQ(c.from_string(long_name, "Cargo.lock").result().entries.size(), 1u);
  std::string bad_utf8 = "[[package]]\nname = \"\xff\xfe\"\nversion = \"1\"\n";
  CatalogTester d(&parse_cargo_lock);
  EXPECT_EQ(d.from_string(bad_utf8, "Cargo.lock").result().entries.size(), 0u);
}

// Every Cargo.lock in the shared bench: each [[package]] appears with its exact version,
// no diagnostics, and after assembly nothing but the roots hangs off the document root.
// trivy's test lock was edited by hand: "normal" requires ammonia 2.0.0 (and [metadata]
// has its checksum) but the only [[package]] is ammonia 1.9.0. The warning is the right
// answer; ammonia 1.9.0 and what only it needs are then orphans.
const std::map<std::string, std::vector<std::string>> k_known_problems = {
    {"mixed/trivy-integration-fixtures/trivy-ci-test/Cargo.lock",
     {"mixed/trivy-integration-fixtures/trivy-ci-test/Cargo.lock:170: unresolved dependency: ammonia 2.0.0 "
      "(registry+https://github.com/rust-lang/crates.io-index) of normal 0.1.0"}}};

TEST(CargoLock, RealWorldBench) {
  namespace fs = std::filesystem;
  fs::path base = catalog::testing::shared_lockfiles();
  if (!fs::exists(base)) GTEST_SKIP() << "no shared bench at " << base;
  const auto& slurp = catalog::testing::read_bytes;
  std::size_t files = 0, packages = 0, roots_total = 0, edges_total = 0;
  for (const auto& de : fs::recursive_directory_iterator(base)) {
    if (!de.is_regular_file() || de.path().filename() != "Cargo.lock") continue;
    ++files;
    std::string rel = fs::relative(de.path(), base).generic_string();
    std::string bytes = slurp(de.path());
    // Every Cargo.toml under the lock's directory, readable through the resolver.
    catalog::testing::MapResolver resolver;
    for (const auto& m : fs::recursive_directory_iterator(de.path().parent_path()))
      if (m.is_regular_file() && m.path().filename() == "Cargo.toml")
        resolver.files[fs::relative(m.path(), base).generic_string()] = slurp(m.path());
    auto result = parse_cargo_lock(bytes, rel, resolver);
    std::vector<std::string> diags;
    for (const auto& d : result.diagnostics) diags.push_back(d.to_string());
    auto known = k_known_problems.find(rel);
    EXPECT_EQ(diags, known == k_known_problems.end() ? std::vector<std::string>{} : known->second);

    // An independent, naive reading: name/version pairs of each [[package]] (and [root]).
    std::multiset<std::string> expected, seen;
    std::istringstream lines(bytes);
    std::string name;
    bool in_pkg = false;
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("[", 0) == 0) in_pkg = line == "[[package]]" || line == "[root]";
      if (!in_pkg) continue;
      if (line.rfind("name = \"", 0) == 0) name = line.substr(8, line.size() - 9);
      if (line.rfind("version = \"", 0) == 0) expected.insert(name + "@" + line.substr(11, line.size() - 12));
    }
    std::set<std::string> root_refs;
    for (const auto& e : result.entries) {
      seen.insert(CatalogTester::label(e.package));
      if (e.root) root_refs.insert(e.package.ref());
    }
    EXPECT_EQ(seen, expected) << rel;
    EXPECT_FALSE(root_refs.empty()) << rel;
    packages += seen.size();
    roots_total += root_refs.size();

    model::Document doc;
    doc.root.name = "bench";
    doc.root.ecosystem = "directory";
    std::vector<catalog::ParseResult> results{result};
    catalog::assemble(doc, std::move(results));
    EXPECT_TRUE(doc.orphans().empty());
    for (const auto& r : doc.relationships) {
      if (r.from != doc.root.ref()) {
        ++edges_total;
        continue;
      }
      EXPECT_TRUE(known != k_known_problems.end() || root_refs.count(r.to) > 0) << rel << ": orphan " << r.to;
    }
  }
  EXPECT_GT(files, 0u);
  std::cout << "[ cargo-lock bench ] " << files << " Cargo.lock files, " << packages << " packages, " << roots_total
            << " roots, " << edges_total << " edges\n";
}

TEST(CargoLockFuzzRegressions, FloatVersionIsAWarningNotUndefinedBehaviour) {
  purser::catalog::testing::CatalogTester t(&purser::catalog::rust::parse_cargo_lock);
  t.from_string("version = 444444444444444444444444.3\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
                "Cargo.lock");
  EXPECT_EQ(t.result().entries.size(), 1u);
  ASSERT_FALSE(t.result().diagnostics.empty());
}
