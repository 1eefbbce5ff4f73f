// go-mod cataloger: directives, replace/exclude/indirect, go.sum hashes, errors with
// lines, hostile input, and a check against the real go.mod files in the shared bench.

#include "lib/catalog/go/go_mod.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "lib/util/strings.hpp"
#include "tests/catalog/cataloger_tester.hpp"

using namespace purser;
using catalog::go::parse_go_mod;
using catalog::testing::CatalogTester;

namespace {

const std::string k_root = "example.com/acme/Service";

CatalogTester fixture_module() {
  CatalogTester t(&parse_go_mod);
  t.from_fixture("go/module/go.mod").with_fixture_file("go/module/go.sum");
  return t;
}

}  // namespace

TEST(GoMod, FixturePackages) {
  auto t = fixture_module();
  t.expect_packages({k_root, "github.com/BurntSushi/toml@v1.3.2", "github.com/acme-forks/logrus@v1.9.3-acme.1",
                     "golang.org/x/sys@v0.0.0-20230921153126-3b3e9a4d5ab3",
                     "github.com/docker/docker@v24.0.7+incompatible", "gopkg.in/yaml.v3@v3.0.1",
                     "github.com/pkg/errors"})
      .expect_diagnostics({"go/module/go.mod:20: required version is excluded: github.com/old/broken@v1.0.0"});
}

TEST(GoMod, PurlsKeepCaseAndEncodeVersions) {
  auto t = fixture_module();
  t.expect_purls({"pkg:golang/example.com/acme/Service", "pkg:golang/github.com/BurntSushi/toml@v1.3.2",
                  "pkg:golang/github.com/acme-forks/logrus@v1.9.3-acme.1",
                  "pkg:golang/golang.org/x/sys@v0.0.0-20230921153126-3b3e9a4d5ab3",
                  "pkg:golang/github.com/docker/docker@v24.0.7%2Bincompatible", "pkg:golang/gopkg.in/yaml.v3@v3.0.1",
                  "pkg:golang/github.com/pkg/errors"});
}

TEST(GoMod, MainModuleIsRootNeedingEveryRequire) {
  auto t = fixture_module();
  t.expect_roots({k_root}).expect_edges({{k_root, "github.com/BurntSushi/toml@v1.3.2"},
                                         {k_root, "github.com/acme-forks/logrus@v1.9.3-acme.1"},
                                         {k_root, "golang.org/x/sys@v0.0.0-20230921153126-3b3e9a4d5ab3"},
                                         {k_root, "github.com/docker/docker@v24.0.7+incompatible"},
                                         {k_root, "gopkg.in/yaml.v3@v3.0.1"},
                                         {k_root, "github.com/pkg/errors"}});
  auto root = t.package(k_root);
  EXPECT_EQ(root.type, model::ComponentType::application);
  EXPECT_EQ(root.ecosystem, "golang");
  EXPECT_EQ(root.property("purser:golang:go-version"), "1.22.4");
  EXPECT_EQ(root.property("purser:golang:toolchain"), "go1.22.6");
  ASSERT_EQ(root.locations.size(), 1u);
  EXPECT_EQ(root.locations[0].line, 2u);
}

TEST(GoMod, IndirectProperty) {
  auto t = fixture_module();
  EXPECT_EQ(t.package("golang.org/x/sys@v0.0.0-20230921153126-3b3e9a4d5ab3").property("purser:golang:indirect"),
            "true");
  // "// indirect; comment" is indirect too (the go command's rule).
  EXPECT_EQ(t.package("github.com/docker/docker@v24.0.7+incompatible").property("purser:golang:indirect"), "true");
  EXPECT_EQ(t.package("github.com/BurntSushi/toml@v1.3.2").property("purser:golang:indirect"), "");
}

TEST(GoMod, ReplaceReportsTheReplacement) {
  auto t = fixture_module();
  auto fork = t.package("github.com/acme-forks/logrus@v1.9.3-acme.1");
  EXPECT_EQ(fork.property("purser:golang:replaces"), "github.com/sirupsen/logrus@v1.9.3");
  // go.sum is keyed by the replacement, so the fork's hash is used, not the original's.
  ASSERT_EQ(fork.hashes.size(), 1u);
  EXPECT_EQ(fork.hashes[0].value, "c1610d5ee4c61045675b66c51daf4eef455d517dcebdb494f5d1934ff7756a09");
  auto local = t.package("github.com/pkg/errors");
  EXPECT_EQ(local.version, "");
  EXPECT_EQ(local.property("purser:golang:replaced-by"), "../errors-fork");
  EXPECT_TRUE(local.hashes.empty());
}

TEST(GoMod, GoSumHashes) {
  auto t = fixture_module();
  auto toml = t.package("github.com/BurntSushi/toml@v1.3.2");
  ASSERT_EQ(toml.hashes.size(), 1u);
  EXPECT_EQ(toml.hashes[0].algorithm, "SHA-256");
  EXPECT_EQ(toml.hashes[0].value, "74cb2f6f3b2d90def96b6ee258a69c3d27d246ebc862ebb6d3d63ff8758ff678");
  EXPECT_EQ(toml.property("purser:golang:h1"), "h1:dMsvbzstkN75a27iWKacPSfSRuvIYuu209Y/+HWP9ng=");
  // Only a /go.mod line: that hashes the go.mod file alone, not the module.
  EXPECT_TRUE(t.package("golang.org/x/sys@v0.0.0-20230921153126-3b3e9a4d5ab3").hashes.empty());
  ASSERT_EQ(toml.locations.size(), 1u);
  EXPECT_EQ(toml.locations[0], (util::Location{"go/module/go.mod", 11}));
}

TEST(GoMod, QuotedAndRawStrings) {
  auto t = fixture_module();
  EXPECT_EQ(t.package("gopkg.in/yaml.v3@v3.0.1").purl, "pkg:golang/gopkg.in/yaml.v3@v3.0.1");
  CatalogTester q(&parse_go_mod);
  q.from_string("module \"example.com/q\\x2dx\"\nrequire `example.com/dep` \"v1.0.0\"\n", "go.mod")
      .expect_packages({"example.com/q-x", "example.com/dep@v1.0.0"})
      .expect_no_diagnostics();
}

TEST(GoMod, MissingGoSumIsFine) {
  CatalogTester t(&parse_go_mod);
  t.from_string("module example.com/m\n\ngo 1.21\n\nrequire example.com/a v1.2.3\n", "svc/go.mod")
      .expect_packages({"example.com/m", "example.com/a@v1.2.3"})
      .expect_no_diagnostics();
  EXPECT_TRUE(t.package("example.com/a@v1.2.3").hashes.empty());
}

TEST(GoMod, GoSumBesideGoModInSubdirectory) {
  CatalogTester t(&parse_go_mod);
  t.from_string("module example.com/m\nrequire example.com/a v1.2.3\n", "svc/go.mod")
      .with_file("svc/go.sum", "garbage line\nexample.com/a v1.2.3 h1:dMsvbzstkN75a27iWKacPSfSRuvIYuu209Y/+HWP9ng=\n")
      .with_file("go.sum", "example.com/a v1.2.3 h1:wWENXuTGEEVnW2bFHa9O70VdUX3OvbSU9dGTT/d1agk=\n");
  auto a = t.package("example.com/a@v1.2.3");
  ASSERT_EQ(a.hashes.size(), 1u);
  EXPECT_EQ(a.hashes[0].value, "74cb2f6f3b2d90def96b6ee258a69c3d27d246ebc862ebb6d3d63ff8758ff678");
}

TEST(GoMod, VersionSpecificReplaceWinsAndOthersDoNotApply) {
  CatalogTester t(&parse_go_mod);
  t.from_string(
       "module m.example/x\n"
       "require (\n\tex.com/a v1.0.0\n\tex.com/b v2.0.0+incompatible\n)\n"
       "replace ex.com/a => ex.com/a-all v1.5.0\n"
       "replace ex.com/a v1.0.0 => ex.com/a-one v1.0.1\n"
       "replace ex.com/b v1.0.0 => ex.com/b-old v1.0.0\n"
       "replace ex.com/unused => ./unused\n",
       "go.mod")
      .expect_packages({"m.example/x", "ex.com/a-one@v1.0.1", "ex.com/b@v2.0.0+incompatible"})
      .expect_no_diagnostics();
}

TEST(GoMod, SingleSegmentPathHasNoNamespace) {
  CatalogTester t(&parse_go_mod);
  t.from_string("module tool\nrequire rsc.io v1.0.0\n", "go.mod")
      .expect_purls({"pkg:golang/tool", "pkg:golang/rsc.io@v1.0.0"});
}

TEST(GoMod, NewerDirectivesAreAccepted) {
  CatalogTester t(&parse_go_mod);
  t.from_string(
       "module example.com/m // Deprecated: use example.com/m2\n"
       "go 1.25\n"
       "godebug (\n\tpanicnil=1\n\tasynctimerchan=0\n)\n"
       "tool (\n\texample.com/gen/cmd/gen\n)\n"
       "ignore ./node_modules\n"
       "retract (\n\tv1.0.0 // bad\n\t[v1.1.0, v1.1.9]\n)\n",
       "go.mod")
      .expect_packages({"example.com/m"})
      .expect_no_diagnostics();
}

TEST(GoMod, UnknownDirectiveWarnsAndContinues) {
  CatalogTester t(&parse_go_mod);
  t.from_string("module example.com/m\nfrobnicate all the things\nrequire example.com/a v1.0.0\n", "go.mod")
      .expect_packages({"example.com/m", "example.com/a@v1.0.0"})
      .expect_diagnostics({"go.mod:2: unknown directive: frobnicate"});
  EXPECT_EQ(t.result().diagnostics[0].severity, util::Severity::warning);
}

TEST(GoMod, SyntaxErrorsAreLocated) {
  CatalogTester t(&parse_go_mod);
  t.from_string(
       "module example.com/m\n"                    // 1
       "require example.com/a\n"                   // 2
       "require \"example.com/b v1.0.0\n"          // 3
       "require example.com/c 1.0.0\n"             // 4
       ")\n"                                       // 5
       "replace example.com/d => example.com/e\n"  // 6
       "require example.com/ok v1.0.0\n"           // 7
       "require `raw\n"                            // 8
       "module example.com/again\n"                // 9
       "require \"a\\qb\" v1.0.0\n"                // 10
       "require (\n"                               // 11
       "\texample.com/f v1.0.0\n",                 // 12
       "go.mod")
      .expect_packages({"example.com/m", "example.com/ok@v1.0.0", "example.com/f@v1.0.0"})
      .expect_diagnostics({
          "go.mod:3: invalid go.mod: unterminated quoted string",
          "go.mod:8: invalid go.mod: unterminated raw string",
          "go.mod:10: invalid go.mod: bad escape in quoted string",
          "go.mod:2: invalid require: expected module path and version",
          "go.mod:4: invalid require: bad version 1.0.0",
          "go.mod:5: invalid go.mod: unexpected )",
          "go.mod:6: invalid replace: replacement without version must be a directory path (./ or ../)",
          "go.mod:9: invalid module: repeated module directive",
          "go.mod:11: invalid go.mod: unterminated require block",
      });
}

TEST(GoMod, MissingModuleDirective) {
  CatalogTester t(&parse_go_mod);
  t.from_string("go 1.21\nrequire example.com/a v1.0.0\n", "go.mod")
      .expect_packages({"example.com/a@v1.0.0"})
      .expect_roots({"example.com/a@v1.0.0"})
      .expect_diagnostics({"go.mod: invalid go.mod: missing module directive"});
}

TEST(GoMod, BinaryJunkIsRejected) {
  std::string junk(
      "\x7f"
      "ELF\x02\x01\x01\0\0\0\0\0",
      12);
  CatalogTester t(&parse_go_mod);
  t.from_string(junk, "go.mod").expect_packages({}).expect_diagnostics({"go.mod: invalid go.mod: not a text file"});
}

TEST(GoMod, HostileInputDoesNotCrash) {
  // A 4 MiB identifier, thousands of parentheses, control bytes after the text probe.
  std::string long_line = "module example.com/m\nrequire " + std::string(4u << 20, 'a') + " v1.0.0\n";
  CatalogTester a(&parse_go_mod);
  EXPECT_EQ(a.from_string(long_line, "go.mod").result().entries.size(), 2u);

  std::string parens = "module example.com/m\nrequire " + std::string(100000, '(') + std::string(100000, ')') + "\n";
  CatalogTester b(&parse_go_mod);
  EXPECT_FALSE(b.from_string(parens, "go.mod").result().diagnostics.empty());

  std::string noisy = "module example.com/m\n" + std::string(8000, '\n');
  for (int i = 0; i < 5000; ++i) noisy += "\x01\x02\n";
  CatalogTester c(&parse_go_mod);
  EXPECT_LE(c.from_string(noisy, "go.mod").result().diagnostics.size(), 51u);
}

// Every go.mod in the shared bench: each require (minus excluded ones) appears with its
// exact version (or as its replacement), no diagnostics, nothing hung off the root but
// the main module.
TEST(GoMod, RealWorldBench) {
  namespace fs = std::filesystem;
  fs::path base = catalog::testing::shared_lockfiles();
  if (!fs::exists(base)) GTEST_SKIP() << "no shared bench at " << base;
  const auto& slurp = catalog::testing::read_bytes;
  std::size_t files = 0, requires_seen = 0, hashed = 0;
  for (const auto& de : fs::recursive_directory_iterator(base)) {
    if (!de.is_regular_file() || de.path().filename() != "go.mod") continue;
    ++files;
    std::string rel = fs::relative(de.path(), base).generic_string();
    std::string bytes = slurp(de.path());
    catalog::testing::MapResolver resolver;
    if (fs::exists(de.path().parent_path() / "go.sum"))
      resolver.files[fs::path(rel).parent_path().generic_string() + "/go.sum"] =
          slurp(de.path().parent_path() / "go.sum");
    auto result = parse_go_mod(bytes, rel, resolver);
    for (const auto& d : result.diagnostics) ADD_FAILURE() << d.to_string();

    // An independent, naive reading of the directives this check needs.
    std::set<std::string> expected, excluded, replaced;
    std::string block;
    std::istringstream lines(bytes);
    for (std::string line; std::getline(lines, line);) {
      if (auto c = line.find("//"); c != std::string::npos) line.resize(c);
      std::istringstream words(line);
      std::vector<std::string> w;
      for (std::string x; words >> x;) w.push_back(x);
      if (w.empty()) continue;
      if (w.size() == 2 && w[1] == "(") {
        block = w[0];
        continue;
      }
      if (w[0] == ")") {
        block.clear();
        continue;
      }
      std::string verb = block.empty() ? w[0] : block;
      std::size_t at = block.empty() ? 1 : 0;
      if (w.size() < at + 2) continue;
      if (verb == "require") expected.insert(w[at] + "@" + w[at + 1]);
      if (verb == "exclude") excluded.insert(w[at] + "@" + w[at + 1]);
      if (verb == "replace") replaced.insert(w[at]);
    }
    std::map<std::string, const catalog::Entry*> by_label;
    std::set<std::string> replaced_keys;
    for (const auto& e : result.entries) {
      by_label[CatalogTester::label(e.package)] = &e;
      if (auto r = e.package.property("purser:golang:replaces"); !r.empty()) replaced_keys.insert(r);
      if (!e.package.hashes.empty()) ++hashed;
    }
    for (const auto& req : expected) {
      if (excluded.count(req)) continue;
      ++requires_seen;
      std::string path = req.substr(0, req.find('@'));
      bool found = by_label.count(req) > 0 || (replaced.count(path) > 0 && replaced_keys.count(req) > 0);
      EXPECT_TRUE(found) << rel << ": missing " << req;
    }
    std::size_t roots = 0;
    for (const auto& e : result.entries) roots += e.root ? 1 : 0;
    EXPECT_EQ(roots, 1u) << rel;

    model::Document doc;
    doc.root.name = "bench";
    doc.root.ecosystem = "directory";
    std::vector<catalog::ParseResult> results{result};
    catalog::assemble(doc, std::move(results));
    EXPECT_TRUE(doc.orphans().empty());
    for (const auto& r : doc.relationships) {
      if (r.from != doc.root.ref()) continue;
      EXPECT_EQ(r.to, result.entries.front().package.ref()) << rel << ": orphan " << r.to;
    }
  }
  EXPECT_GT(files, 0u);
  std::cout << "[ go-mod bench ] " << files << " go.mod files, " << requires_seen << " requires, " << hashed
            << " with go.sum hashes\n";
}
