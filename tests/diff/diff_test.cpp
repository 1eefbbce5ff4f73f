// The diff engine: identity, pairing of several versions, each change kind, edges through the pairing, the mirror
// property, and the three renderers (golden files from the hand-written fixtures/diff pair).

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "formats/reader.hpp"
#include "lib/diff/diff.hpp"
#include "lib/diff/render.hpp"
#include "tests/diff/diff_test_support.hpp"

namespace purser::diff {
namespace {

using testing::bare;
using testing::doc;
using testing::pkg;

std::string side_text(const Side& s) {
  if (s.ref.empty()) return "-";
  std::string name = s.name.empty() ? s.ref : s.name;
  return s.version.empty() ? name : name + "@" + s.version;
}

// One line per change: "kind identity old new [old value | new value]" (edges: "... -> identity old new").
std::vector<std::string> lines(const DiffReport& r) {
  std::vector<std::string> out;
  for (const auto& c : r.changes) {
    std::string l = std::string(to_string(c.kind)) + " " + c.component.identity + " " + side_text(c.component.before) +
                    " " + side_text(c.component.after);
    if (!c.component.before.value.empty() || !c.component.after.value.empty())
      l += " [" + c.component.before.value + " | " + c.component.after.value + "]";
    if (c.kind == ChangeKind::edge_added || c.kind == ChangeKind::edge_removed)
      l += " -> " + c.dependency.identity + " " + side_text(c.dependency.before) + " " + side_text(c.dependency.after);
    out.push_back(l);
  }
  return out;
}

std::vector<std::string> component_lines(const DiffReport& r) {
  auto all = lines(r);
  all.erase(std::remove_if(all.begin(), all.end(), [](const std::string& l) { return l.rfind("edge-", 0) == 0; }),
            all.end());
  return all;
}

using Lines = std::vector<std::string>;

// ---- identity

TEST(Identity, DropsVersionAndQualifiersThatDoNotNameAnotherArtifact) {
  EXPECT_EQ(identity_of(pkg("pkg:npm/%40types/node@20.1.0")), "pkg:npm/%40types/node");
  EXPECT_EQ(identity_of(pkg("pkg:cargo/serde@1.0.0?vcs_url=git%2Bhttps://github.com/serde-rs/serde")),
            "pkg:cargo/serde");
  EXPECT_EQ(identity_of(pkg("pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12&epoch=1")),
            "pkg:deb/debian/libc6?arch=amd64&distro=debian-12");
  EXPECT_EQ(identity_of(pkg("pkg:maven/org.example/lib@1.0?classifier=sources&type=jar")),
            "pkg:maven/org.example/lib?classifier=sources");
  EXPECT_EQ(identity_of(pkg("pkg:golang/github.com/a/b@v1.0.0#sub/dir")), "pkg:golang/github.com/a/b#sub/dir");
  EXPECT_EQ(identity_of(pkg("pkg:pypi/Django_Rest@3.0")), "pkg:pypi/django-rest");
}

TEST(Identity, WithoutAPurlUsesTheOneTheNameAndEcosystemWouldGive) {
  EXPECT_EQ(identity_of(bare("npm", "@types/node", "20.1.0")), identity_of(pkg("pkg:npm/%40types/node@20.1.0")));
  EXPECT_EQ(identity_of(bare("pypi", "Django_Rest", "1")), "pkg:pypi/django-rest");
  EXPECT_EQ(identity_of(bare("", "zlib", "1.3")), "pkg:generic/zlib");
  model::Package broken = bare("npm", "left-pad", "1.0.0");
  broken.purl = "not a purl";
  EXPECT_EQ(identity_of(broken), "pkg:npm/left-pad");
}

// ---- component changes

TEST(Diff, AddedRemovedAndUnchanged) {
  auto a = doc("1", {pkg("pkg:npm/a@1.0.0", "MIT"), pkg("pkg:npm/b@1.0.0")});
  auto b = doc("1", {pkg("pkg:npm/a@1.0.0", "MIT"), pkg("pkg:npm/c@2.0.0", "ISC")});
  DiffReport r = diff(a, b);
  EXPECT_EQ(lines(r), (Lines{"added pkg:npm/c - c@2.0.0 [ | ISC]", "removed pkg:npm/b b@1.0.0 -",
                             "edge-added root app@1 app@1 -> pkg:npm/c - c@2.0.0",
                             "edge-removed root app@1 app@1 -> pkg:npm/b b@1.0.0 -"}));
  EXPECT_EQ(r.unchanged, 1u);
  EXPECT_EQ(r.before.components, 2u);
  EXPECT_EQ(r.before.edges, 2u);
  EXPECT_EQ(r.count(ChangeKind::added), 1u);
  EXPECT_EQ(r.count(ChangeKind::hash), 0u);
}

TEST(Diff, IdenticalDocumentsHaveNoChanges) {
  auto a = doc("1", {pkg("pkg:npm/a@1.0.0", "MIT"), pkg("pkg:pypi/b@1.0")}, {{"pkg:npm/a@1.0.0", "pkg:pypi/b@1.0"}});
  DiffReport r = diff(a, a);
  EXPECT_TRUE(r.changes.empty());
  EXPECT_EQ(r.unchanged, 2u);
}

TEST(Diff, VersionOrderFollowsEachEcosystem) {
  // Every pair below sorts the other way as plain strings.
  auto a = doc("1", {pkg("pkg:npm/a@1.9.0"), pkg("pkg:pypi/b@1.0rc1"), pkg("pkg:deb/debian/c@1.0~rc1"),
                     pkg("pkg:rpm/fedora/d@1.0-9"), pkg("pkg:maven/org.x/e@1.9"),
                     pkg("pkg:golang/golang.org/x/net@v0.0.0-20220722155237-a158d28d115b"), pkg("pkg:gem/f@1.0.0"),
                     pkg("pkg:cargo/g@0.10.0")});
  auto b = doc("1", {pkg("pkg:npm/a@1.10.0"), pkg("pkg:pypi/b@1.0"), pkg("pkg:deb/debian/c@1.0"),
                     pkg("pkg:rpm/fedora/d@1.0-10"), pkg("pkg:maven/org.x/e@1.10.0"),
                     pkg("pkg:golang/golang.org/x/net@v0.17.0"), pkg("pkg:gem/f@1.0.0.pre"), pkg("pkg:cargo/g@0.9.1")});
  EXPECT_EQ(component_lines(diff(a, b)),
            (Lines{"upgraded pkg:deb/debian/c debian/c@1.0~rc1 debian/c@1.0",
                   "upgraded pkg:golang/golang.org/x/net golang.org/x/net@v0.0.0-20220722155237-a158d28d115b "
                   "golang.org/x/net@v0.17.0",
                   "upgraded pkg:maven/org.x/e org.x/e@1.9 org.x/e@1.10.0", "upgraded pkg:npm/a a@1.9.0 a@1.10.0",
                   "upgraded pkg:pypi/b b@1.0rc1 b@1.0", "upgraded pkg:rpm/fedora/d fedora/d@1.0-9 fedora/d@1.0-10",
                   "downgraded pkg:cargo/g g@0.10.0 g@0.9.1", "downgraded pkg:gem/f f@1.0.0 f@1.0.0.pre"}));
}

TEST(Diff, VersionsTheEcosystemCallsEqualAreNotAChange) {
  auto a = doc("1", {pkg("pkg:pypi/a@1.0"), pkg("pkg:maven/org.x/b@1.0")});
  auto b = doc("1", {pkg("pkg:pypi/a@1.0.0"), pkg("pkg:maven/org.x/b@1.0.ga")});
  DiffReport r = diff(a, b);
  EXPECT_EQ(component_lines(r), Lines{});
  EXPECT_EQ(r.unchanged, 2u);
}

TEST(Diff, SameVersionDifferentHashIsAnIntegrityAlert) {
  model::Package a1 = pkg("pkg:cargo/serde@1.0.195");
  a1.hashes = {{"SHA-256", "aaaa"}, {"SHA-512", "ffff"}};
  model::Package b1 = pkg("pkg:cargo/serde@1.0.195");
  b1.hashes = {{"SHA256", "BBBB"}, {"SHA-512", "FFFF"}};  // SPDX spelling, upper-case hex: SHA-512 agrees
  DiffReport r = diff(doc("1", {a1}), doc("1", {b1}));
  EXPECT_EQ(component_lines(r), Lines{"hash pkg:cargo/serde serde@1.0.195 serde@1.0.195 [SHA-256:aaaa | SHA256:bbbb]"});
  EXPECT_EQ(r.unchanged, 0u);
}

TEST(Diff, HashesAreOnlyComparedAtTheSameVersionAndForSharedAlgorithms) {
  model::Package a1 = pkg("pkg:npm/a@1.0.0"), a2 = pkg("pkg:npm/b@1.0.0"), a3 = pkg("pkg:npm/c@1.0.0");
  model::Package b1 = pkg("pkg:npm/a@1.0.1"), b2 = pkg("pkg:npm/b@1.0.0"), b3 = pkg("pkg:npm/c@1.0.0");
  a1.hashes = {{"SHA-256", "aaaa"}};
  b1.hashes = {{"SHA-256", "bbbb"}};  // new version, new bytes: expected
  a2.hashes = {{"SHA-256", "aaaa"}};
  b2.hashes = {{"SHA-512", "bbbb"}};  // nothing to compare
  a3.hashes = {{"SHA-1", "aaaa"}, {"SHA-1", "cccc"}};
  b3.hashes = {{"SHA-1", "cccc"}};  // one value in common
  EXPECT_EQ(component_lines(diff(doc("1", {a1, a2, a3}), doc("1", {b1, b2, b3}))),
            Lines{"upgraded pkg:npm/a a@1.0.0 a@1.0.1"});
}

TEST(Diff, LicenseSupplierAndLayer) {
  model::Package a1 = pkg("pkg:npm/a@1.0.0", "mit"), a2 = pkg("pkg:npm/b@1.0.0", "MIT"),
                 a3 = pkg("pkg:npm/c@1.0.0", "MIT");
  model::Package b1 = pkg("pkg:npm/a@1.0.0", "MIT"), b2 = pkg("pkg:npm/b@1.0.0", "MIT OR Apache-2.0"),
                 b3 = pkg("pkg:npm/c@1.0.0", "");
  a1.supplier = "Acme";
  b1.supplier = " Acme ";  // whitespace is not a change
  a2.supplier = "Acme";
  b2.supplier = "Acme Corp";
  a3.add_property(k_layer_property, "sha256:01");
  b3.add_property(k_layer_property, "sha256:02");
  a1.add_property(k_layer_property, "sha256:01");  // b1 has none: a directory scan is no layer change
  EXPECT_EQ(
      component_lines(diff(doc("1", {a1, a2, a3}), doc("1", {b1, b2, b3}))),
      (Lines{"license pkg:npm/b b@1.0.0 b@1.0.0 [MIT | MIT OR Apache-2.0]",
             "license pkg:npm/c c@1.0.0 c@1.0.0 [MIT | ]", "supplier pkg:npm/b b@1.0.0 b@1.0.0 [Acme | Acme Corp]",
             "layer pkg:npm/c c@1.0.0 c@1.0.0 [sha256:01 | sha256:02]"}));
}

// ---- several versions of one package

TEST(Pairing, EqualVersionsFirstThenTheNearest) {
  auto a = doc("1", {pkg("pkg:npm/debug@2.6.9"), pkg("pkg:npm/debug@4.3.4"), pkg("pkg:npm/minimist@0.0.8"),
                     pkg("pkg:npm/minimist@1.2.5")});
  auto b = doc("1", {pkg("pkg:npm/debug@2.6.9"), pkg("pkg:npm/debug@4.3.5"), pkg("pkg:npm/minimist@1.2.8")});
  EXPECT_EQ(component_lines(diff(a, b)),
            (Lines{"removed pkg:npm/minimist minimist@0.0.8 -", "upgraded pkg:npm/debug debug@4.3.4 debug@4.3.5",
                   "upgraded pkg:npm/minimist minimist@1.2.5 minimist@1.2.8"}));
}

TEST(Pairing, NearestMeansTheMostSharedLeadingSegments) {
  // 1.1.0 sits between 1.0.0 and 3.0.0; it shares the major version with 1.0.0.
  auto a = doc("1", {pkg("pkg:npm/x@1.0.0"), pkg("pkg:npm/x@3.0.0")});
  auto b = doc("1", {pkg("pkg:npm/x@1.1.0")});
  EXPECT_EQ(component_lines(diff(a, b)), (Lines{"removed pkg:npm/x x@3.0.0 -", "upgraded pkg:npm/x x@1.0.0 x@1.1.0"}));
  // A tie goes to the higher pair.
  auto c = doc("1", {pkg("pkg:npm/y@1.0.0"), pkg("pkg:npm/y@3.0.0")});
  auto d = doc("1", {pkg("pkg:npm/y@2.0.0")});
  EXPECT_EQ(component_lines(diff(c, d)),
            (Lines{"removed pkg:npm/y y@1.0.0 -", "downgraded pkg:npm/y y@3.0.0 y@2.0.0"}));
}

TEST(Pairing, EqualRefsWinOverEqualVersions) {
  // The same crate from crates.io and from git at one version: each pairs with its own source.
  model::Package registry_a = pkg("pkg:cargo/serde@1.0.0"),
                 git_a = pkg("pkg:cargo/serde@1.0.0?vcs_url=git%2Bhttps://x");
  model::Package registry_b = registry_a, git_b = git_a;
  registry_a.hashes = {{"SHA-256", "aa"}};
  registry_b.hashes = {{"SHA-256", "aa"}};
  git_a.hashes = {{"SHA-256", "01"}};
  git_b.hashes = {{"SHA-256", "01"}};
  DiffReport r = diff(doc("1", {registry_a, git_a}), doc("1", {git_b, registry_b}));
  EXPECT_EQ(component_lines(r), Lines{});
  EXPECT_EQ(r.unchanged, 2u);
}

TEST(Pairing, ArchAndDistroQualifiersMakeDifferentComponents) {
  auto a = doc("1", {pkg("pkg:deb/debian/libc6@2.36-9?arch=amd64"), pkg("pkg:deb/debian/libc6@2.36-9?arch=i386")});
  auto b = doc("1", {pkg("pkg:deb/debian/libc6@2.36-10?arch=amd64")});
  EXPECT_EQ(component_lines(diff(a, b)),
            (Lines{"removed pkg:deb/debian/libc6?arch=i386 debian/libc6@2.36-9 -",
                   "upgraded pkg:deb/debian/libc6?arch=amd64 debian/libc6@2.36-9 debian/libc6@2.36-10"}));
}

TEST(Pairing, PackagesWithoutPurlMeetTheirPurlTwins) {
  auto a = doc("1", {bare("npm", "@types/node", "20.1.0"), bare("", "zlib", "1.3")});
  auto b = doc("1", {pkg("pkg:npm/%40types/node@20.2.0"), bare("", "zlib", "1.3.1")});
  EXPECT_EQ(component_lines(diff(a, b)),
            (Lines{"upgraded pkg:generic/zlib zlib@1.3 zlib@1.3.1",
                   "upgraded pkg:npm/%40types/node @types/node@20.1.0 @types/node@20.2.0"}));
}

TEST(Pairing, ThousandsOfVersionsOfOneNameStayFastAndSymmetric) {
  std::vector<model::Package> a, b;
  for (int i = 0; i < 3000; ++i) {
    a.push_back(pkg("pkg:npm/many@1." + std::to_string(i * 2) + ".0"));
    b.push_back(pkg("pkg:npm/many@1." + std::to_string(i * 3 + 1) + ".0"));
  }
  auto da = doc("1", a), db = doc("1", b);
  auto start = std::chrono::steady_clock::now();
  DiffReport r = diff(da, db);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(diff(db, da), mirror(r));
}

// ---- edges

TEST(Edges, AnUpgradeDoesNotLookLikeEdgesRemovedAndAdded) {
  auto a = doc("1.0.0", {pkg("pkg:npm/express@4.18.2"), pkg("pkg:npm/qs@6.11.0")},
               {{"pkg:npm/express@4.18.2", "pkg:npm/qs@6.11.0"}});
  auto b = doc("2.0.0", {pkg("pkg:npm/express@4.19.0"), pkg("pkg:npm/qs@6.12.0")},
               {{"pkg:npm/express@4.19.0", "pkg:npm/qs@6.12.0"}});
  EXPECT_EQ(lines(diff(a, b)), (Lines{"upgraded pkg:npm/express express@4.18.2 express@4.19.0",
                                      "upgraded pkg:npm/qs qs@6.11.0 qs@6.12.0"}));
}

TEST(Edges, NewAndLostEdgesBetweenPairedComponentsAndTheKindIsIgnored) {
  auto a = doc("1", {pkg("pkg:npm/a@1.0.0"), pkg("pkg:npm/b@1.0.0"), pkg("pkg:npm/c@1.0.0")},
               {{"pkg:npm/a@1.0.0", "pkg:npm/b@1.0.0"}});
  auto b = doc("1", {pkg("pkg:npm/a@1.0.0"), pkg("pkg:npm/b@1.0.0"), pkg("pkg:npm/c@1.0.1")},
               {{"pkg:npm/a@1.0.0", "pkg:npm/c@1.0.1"}});
  for (auto& r : b.relationships)
    if (r.from == b.root.ref()) r.kind = model::RelationshipKind::contains;
  EXPECT_EQ(lines(diff(a, b)), (Lines{"upgraded pkg:npm/c c@1.0.0 c@1.0.1",
                                      "edge-added pkg:npm/a a@1.0.0 a@1.0.0 -> pkg:npm/c c@1.0.0 c@1.0.1",
                                      "edge-removed pkg:npm/a a@1.0.0 a@1.0.0 -> pkg:npm/b b@1.0.0 b@1.0.0"}));
}

TEST(Edges, EdgesToUndeclaredRefsCompareByRef) {
  auto a = doc("1", {pkg("pkg:npm/a@1.0.0")}, {{"pkg:npm/a@1.0.0", "ghost"}, {"pkg:npm/a@1.0.0", "gone"}});
  auto b = doc("1", {pkg("pkg:npm/a@1.0.0")}, {{"pkg:npm/a@1.0.0", "ghost"}});
  EXPECT_EQ(lines(diff(a, b)), Lines{"edge-removed pkg:npm/a a@1.0.0 a@1.0.0 -> ref:gone gone -"});
}

// ---- symmetry and determinism

// Random documents over a small pool of names, versions, licences, hashes and suppliers, with duplicates and
// edges, so pairing meets several versions of one name and every change kind occurs.
model::Document random_document(std::mt19937& rng) {
  static const char* k_names[] = {"pkg:npm/a",        "pkg:npm/b",         "pkg:pypi/c",
                                  "pkg:deb/debian/d", "pkg:maven/org.x/e", "pkg:golang/github.com/x/f",
                                  "pkg:gem/g",        "pkg:rpm/fedora/h"};
  static const char* k_versions[] = {"1.0", "1.0.0", "1.2", "1.10", "2.0", "2.0.1", "0.9~rc1", "1.0-1", "v1.0.0"};
  static const char* k_licenses[] = {"", "MIT", "mit", "Apache-2.0", "GPL-2.0-only OR MIT"};
  auto pick = [&](auto& arr) { return arr[std::uniform_int_distribution<std::size_t>(0, std::size(arr) - 1)(rng)]; };
  std::vector<model::Package> packages;
  int n = std::uniform_int_distribution<int>(0, 12)(rng);
  for (int i = 0; i < n; ++i) {
    std::string purl = std::string(pick(k_names)) + "@" + pick(k_versions);
    if (std::uniform_int_distribution<int>(0, 5)(rng) == 0) purl += "?arch=i386";
    model::Package p = pkg(purl, pick(k_licenses));
    if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) p.hashes = {{"SHA-256", pick(k_versions)}};
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) p.supplier = pick(k_licenses);
    if (std::uniform_int_distribution<int>(0, 3)(rng) == 0) p.add_property(k_layer_property, pick(k_versions));
    packages.push_back(std::move(p));
  }
  std::vector<std::pair<std::string, std::string>> edges;
  for (std::size_t i = 0; i < packages.size(); ++i)
    for (std::size_t j = 0; j < packages.size(); ++j)
      if (std::uniform_int_distribution<int>(0, 4)(rng) == 0) edges.emplace_back(packages[i].ref(), packages[j].ref());
  return doc(pick(k_versions), packages, edges, std::uniform_int_distribution<int>(0, 1)(rng) == 0);
}

TEST(Symmetry, BToAIsTheMirrorOfAToBForRandomDocuments) {
  std::mt19937 rng(20240301);
  std::size_t changes = 0;
  for (int i = 0; i < 2000; ++i) {
    model::Document a = random_document(rng), b = random_document(rng);
    DiffReport ab = diff(a, b), ba = diff(b, a);
    ASSERT_EQ(ba, mirror(ab)) << "iteration " << i;
    ASSERT_EQ(mirror(ba), ab) << "iteration " << i;
    ASSERT_TRUE(diff(a, a).changes.empty()) << "iteration " << i;
    changes += ab.changes.size();
  }
  EXPECT_GT(changes, 10000u);  // the generator really produces changes
}

TEST(Symmetry, EveryKindOccursInTheRandomDocuments) {
  std::mt19937 rng(7);
  std::vector<std::size_t> seen(k_change_kinds, 0);
  for (int i = 0; i < 500; ++i) {
    DiffReport r = diff(random_document(rng), random_document(rng));
    for (const auto& c : r.changes) ++seen[static_cast<std::size_t>(c.kind)];
  }
  for (std::size_t k = 0; k < k_change_kinds; ++k) EXPECT_GT(seen[k], 0u) << to_string(static_cast<ChangeKind>(k));
}

TEST(Symmetry, PackageOrderAndThreadsDoNotMatter) {
  // Refs unique, as every reader and scan leaves them (with duplicates the first occurrence wins).
  auto unique = [](model::Document d) {
    std::set<std::string> seen;
    d.packages.erase(std::remove_if(d.packages.begin(), d.packages.end(),
                                    [&](const model::Package& p) { return !seen.insert(p.ref()).second; }),
                     d.packages.end());
    return d;
  };
  std::mt19937 rng(99);
  for (int i = 0; i < 300; ++i) {
    model::Document a = unique(random_document(rng)), b = unique(random_document(rng));
    DiffReport expected = diff(a, b);
    std::shuffle(a.packages.begin(), a.packages.end(), rng);
    std::shuffle(b.relationships.begin(), b.relationships.end(), rng);
    ASSERT_EQ(diff(a, b, DiffOptions{2}), expected) << "iteration " << i;
  }
}

TEST(Kinds, NamesRoundTripAndMirror) {
  for (std::size_t k = 0; k < k_change_kinds; ++k) {
    auto kind = static_cast<ChangeKind>(k);
    EXPECT_EQ(parse_change_kind(to_string(kind)), kind);
    EXPECT_EQ(mirror(mirror(kind)), kind);
  }
  EXPECT_EQ(mirror(ChangeKind::added), ChangeKind::removed);
  EXPECT_EQ(mirror(ChangeKind::upgraded), ChangeKind::downgraded);
  EXPECT_EQ(mirror(ChangeKind::edge_added), ChangeKind::edge_removed);
  EXPECT_EQ(mirror(ChangeKind::hash), ChangeKind::hash);
  EXPECT_FALSE(parse_change_kind("edges").has_value());
}

// ---- renderers

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// Compares with fixtures/golden/<name>; UPDATE_GOLDEN=1 rewrites it instead (STYLE 15).
void expect_golden(const std::string& name, const std::string& actual) {
  std::filesystem::path path = std::filesystem::path(PURSER_SOURCE_DIR) / "fixtures" / "golden" / name;
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(std::filesystem::exists(path)) << path << " is missing; run with UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(slurp(path), actual) << "output differs from " << path << "; review and run with UPDATE_GOLDEN=1";
}

model::Document read_fixture(const std::string& name) {
  std::string rel = "fixtures/diff/" + name;
  auto read = formats::read_sbom(slurp(std::filesystem::path(PURSER_SOURCE_DIR) / rel), rel);
  EXPECT_TRUE(read.ok()) << rel;
  return read.ok() ? std::move(read->document) : model::Document();
}

struct Shop {
  DiffReport report;
  RenderOptions options;
};

Shop shop_diff() {
  Shop s;
  s.report = diff(read_fixture("shop-1.0.cdx.json"), read_fixture("shop-1.1.spdx.json"));
  s.options.before_label = "shop-1.0.cdx.json";
  s.options.after_label = "shop-1.1.spdx.json";
  return s;
}

TEST(Fixture, CycloneDxAgainstSpdxFindsEveryPlantedChange) {
  Shop s = shop_diff();
  EXPECT_EQ(lines(s.report),
            (Lines{
                "added pkg:npm/body-parser - body-parser@1.20.2 [ | MIT]",
                "added pkg:npm/supports-color - supports-color@7.2.0 [ | MIT]",
                "removed pkg:deb/debian/libc6?arch=i386&distro=debian-12 libc6@2.36-9 -",
                "removed pkg:npm/left-pad left-pad@1.3.0 - [WTFPL | ]",
                "removed pkg:npm/minimist minimist@0.0.8 - [MIT | ]",
                "upgraded pkg:deb/debian/libc6?arch=amd64&distro=debian-12 libc6@2.36-9 libc6@2.36-9+deb12u3",
                "upgraded pkg:deb/debian/openssl?arch=amd64&distro=debian-12 openssl@3.0.11-1~deb12u1 "
                "openssl@3.0.11-1~deb12u2",
                "upgraded pkg:generic/zlib zlib@1.3 zlib@1.3.1",
                "upgraded pkg:golang/golang.org/x/net golang.org/x/net@v0.0.0-20220722155237-a158d28d115b "
                "golang.org/x/net@v0.17.0",
                "upgraded pkg:maven/org.apache.commons/commons-text org.apache.commons/commons-text@1.9 "
                "org.apache.commons/commons-text@1.10.0",
                "upgraded pkg:npm/debug debug@4.3.4 debug@4.3.5",
                "upgraded pkg:npm/lodash lodash@4.17.20 lodash@4.17.21",
                "upgraded pkg:npm/minimist minimist@1.2.5 minimist@1.2.8",
                "downgraded pkg:pypi/urllib3 urllib3@2.0.7 urllib3@1.26.18",
                "hash pkg:cargo/serde serde@1.0.195 serde@1.0.195 "
                "[SHA-256:63261df402c67811e9ac6def069e4786148c4563f4b50fd4bf30aa370d626b02 | "
                "SHA-256:0000000000000000000000000000000000000000000000000000000000000bad]",
                "license pkg:npm/chalk chalk@4.1.2 chalk@4.1.2 [MIT | MIT OR Apache-2.0]",
                "supplier pkg:deb/debian/openssl?arch=amd64&distro=debian-12 openssl@3.0.11-1~deb12u1 "
                "openssl@3.0.11-1~deb12u2 [Debian OpenSSL Team | Debian Security Team]",
                "layer pkg:deb/debian/openssl?arch=amd64&distro=debian-12 openssl@3.0.11-1~deb12u1 "
                "openssl@3.0.11-1~deb12u2 "
                "[sha256:aaaa000000000000000000000000000000000000000000000000000000000001 | "
                "sha256:bbbb000000000000000000000000000000000000000000000000000000000002]",
                "edge-added pkg:npm/chalk chalk@4.1.2 chalk@4.1.2 -> pkg:npm/supports-color - supports-color@7.2.0",
                "edge-added pkg:npm/express express@4.18.2 express@4.18.2 -> pkg:npm/body-parser - body-parser@1.20.2",
                "edge-removed root shop@1.0.0 shop@1.1.0 -> pkg:deb/debian/libc6?arch=i386&distro=debian-12 "
                "libc6@2.36-9 -",
                "edge-removed root shop@1.0.0 shop@1.1.0 -> pkg:npm/left-pad left-pad@1.3.0 -",
                "edge-removed root shop@1.0.0 shop@1.1.0 -> pkg:npm/minimist minimist@0.0.8 -",
            }));
  EXPECT_EQ(s.report.unchanged, 4u);  // express, qs, debug 2.6.9, requests
}

TEST(Render, TableGolden) {
  Shop s = shop_diff();
  expect_golden("diff.table.txt", render_table(s.report, s.options));
}

TEST(Render, JsonGolden) {
  Shop s = shop_diff();
  std::string json = render_json(s.report, s.options);
  expect_golden("diff.json", json);
  auto parsed = nlohmann::json::parse(json);
  EXPECT_EQ(parsed["schema"], "purser-diff/1");
  EXPECT_EQ(parsed["summary"]["upgraded"], 8);
  EXPECT_EQ(parsed["summary"]["unchanged"], 4);
  EXPECT_EQ(parsed["changes"].size(), s.report.changes.size());
  EXPECT_TRUE(parsed["changes"][0]["old"].is_null());
}

TEST(Render, MarkdownGolden) {
  Shop s = shop_diff();
  expect_golden("diff.md", render_markdown(s.report, s.options));
}

TEST(Render, NoDifferences) {
  auto a = doc("1", {pkg("pkg:npm/a@1.0.0")});
  RenderOptions o{"a.json", "b.json", false};
  DiffReport r = diff(a, a);
  EXPECT_EQ(render_table(r, o),
            "old: a.json  app 1 (1 component, 1 edge)\nnew: b.json  app 1 (1 component, 1 edge)\n\n"
            "no differences (1 component unchanged)\n");
  EXPECT_EQ(render_markdown(r, o),
            "## SBOM diff\n\n**Old:** a\\.json \xe2\x80\x94 app 1 (1 component, 1 edge)  \n"
            "**New:** b\\.json \xe2\x80\x94 app 1 (1 component, 1 edge)  \n\nNo differences: 1 component unchanged.\n");
}

TEST(Render, TableColoursOnlyTheChangeColumn) {
  auto a = doc("1", {pkg("pkg:npm/a@1.0.0")});
  auto b = doc("1", {pkg("pkg:npm/a@2.0.0")});
  std::string t = render_table(diff(a, b), RenderOptions{"a", "b", true});
  EXPECT_NE(t.find("\033[36mupgraded\033[0m  npm"), std::string::npos) << t;
  EXPECT_EQ(render_table(diff(a, b), RenderOptions{"a", "b", false}).find('\033'), std::string::npos);
}

TEST(Render, HostileNamesAreEscaped) {
  model::Package evil = bare("npm", "x\x1b[31m|[link](http://evil)<img>", "1.0\n");
  evil.license = "MIT | <b>";
  DiffReport r = diff(doc("1", {}), doc("1", {evil}, {}, false));
  RenderOptions o{"a", "b", false};
  std::string table = render_table(r, o);
  EXPECT_EQ(table.find('\x1b'), std::string::npos);
  EXPECT_NE(table.find("x\\x1b[31m|[link](http://evil)<img>"), std::string::npos) << table;
  std::string md = render_markdown(r, o);
  EXPECT_NE(
      md.find("| x\\\\x1b\\[31m\\|\\[link\\]\\(http\\:\\/\\/evil\\)\\<img\\> (npm) | 1\\.0\\\\x0a | MIT \\| \\<b\\> |"),
      std::string::npos)
      << md;
  auto json = nlohmann::json::parse(render_json(r, o));
  EXPECT_EQ(json["changes"][0]["new"]["name"], "x\x1b[31m|[link](http://evil)<img>");
}

}  // namespace
}  // namespace purser::diff
