#include "lib/model/version.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using purser::model::compare_versions;
using purser::model::is_valid_version;
using purser::model::version_scheme;
using purser::model::VersionComparator;
using purser::model::VersionRange;
using purser::model::VersionScheme;

namespace {

// Every earlier entry sorts strictly before every later one, in both directions.
void expect_ascending(const char* ecosystem, const std::vector<std::string>& versions) {
  for (std::size_t i = 0; i < versions.size(); ++i) {
    EXPECT_EQ(compare_versions(ecosystem, versions[i], versions[i]), 0) << ecosystem << " " << versions[i];
    for (std::size_t j = i + 1; j < versions.size(); ++j) {
      EXPECT_LT(compare_versions(ecosystem, versions[i], versions[j]), 0)
          << ecosystem << ": " << versions[i] << " < " << versions[j];
      EXPECT_GT(compare_versions(ecosystem, versions[j], versions[i]), 0)
          << ecosystem << ": " << versions[j] << " > " << versions[i];
    }
  }
}

void expect_equal(const char* ecosystem, const std::vector<std::string>& versions) {
  for (const auto& a : versions)
    for (const auto& b : versions)
      EXPECT_EQ(compare_versions(ecosystem, a, b), 0) << ecosystem << ": " << a << " == " << b;
}

// compare is a total preorder on `versions`: antisymmetric and transitive.
void expect_total_order(VersionScheme scheme, const std::vector<std::string>& versions) {
  for (const auto& a : versions) {
    for (const auto& b : versions) {
      int ab = compare_versions(scheme, a, b);
      EXPECT_EQ(ab, -compare_versions(scheme, b, a)) << a << " vs " << b;
      for (const auto& c : versions) {
        int bc = compare_versions(scheme, b, c);
        int ac = compare_versions(scheme, a, c);
        if (ab <= 0 && bc <= 0) {
          EXPECT_LE(ac, 0) << a << " <= " << b << " <= " << c;
        }
      }
    }
  }
}

VersionRange range(const char* text, const char* ecosystem = "") {
  auto r = VersionRange::parse(text, ecosystem);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : VersionRange{};
}

std::string range_error(const char* text, const char* ecosystem = "npm") {
  auto r = VersionRange::parse(text, ecosystem);
  EXPECT_FALSE(r.ok()) << text;
  if (r.ok()) return {};
  EXPECT_EQ(r.error().code, purser::util::ErrorCode::parse);
  return r.error().message;
}

}  // namespace

TEST(VersionScheme, ChosenByEcosystem) {
  EXPECT_EQ(version_scheme("npm"), VersionScheme::semver);
  EXPECT_EQ(version_scheme("cargo"), VersionScheme::semver);
  EXPECT_EQ(version_scheme("semver"), VersionScheme::semver);
  EXPECT_EQ(version_scheme(""), VersionScheme::semver);
  EXPECT_EQ(version_scheme("nuget"), VersionScheme::semver);
  EXPECT_EQ(version_scheme("PyPI"), VersionScheme::pep440);
  EXPECT_EQ(version_scheme("deb"), VersionScheme::deb);
  EXPECT_EQ(version_scheme("rpm"), VersionScheme::rpm);
  EXPECT_EQ(version_scheme("maven"), VersionScheme::maven);
  EXPECT_EQ(version_scheme("golang"), VersionScheme::golang);
  EXPECT_EQ(version_scheme("gem"), VersionScheme::gem);
  EXPECT_STREQ(to_string(VersionScheme::pep440), "pep440");
}

// semver.org 2.0.0 §11.
TEST(CompareSemver, PrecedenceExamplesFromTheSpec) {
  expect_ascending("npm", {"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2",
                           "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "2.0.0", "2.1.0", "2.1.1"});
}

TEST(CompareSemver, NumbersCompareNumerically) {
  expect_ascending("cargo", {"0.9.0", "0.10.0", "1.9.9", "1.10.0", "1.10.1", "10.0.0"});
  // Longer than any integer type.
  expect_ascending("npm", {"1.0.9", "1.0.99999999999999999999", "1.0.100000000000000000000"});
  expect_ascending("npm", {"1.0.0-2", "1.0.0-10", "1.0.0-a", "1.0.0-a.1"});
}

TEST(CompareSemver, BuildMetadataAndShortFormsAreEqual) {
  expect_equal("npm", {"1.0.0", "1.0.0+build.5", "v1.0.0", "=1.0.0", "1.0", "1", " 1.0.0 "});
  EXPECT_EQ(compare_versions("npm", "1.2.3-rc.1+a", "1.2.3-rc.1+b"), 0);
}

TEST(CompareSemver, InvalidSortsBeforeValidAndGenericallyAmongThemselves) {
  EXPECT_FALSE(is_valid_version(VersionScheme::semver, "1.2.3.4"));
  EXPECT_FALSE(is_valid_version(VersionScheme::semver, "latest"));
  EXPECT_FALSE(is_valid_version(VersionScheme::semver, "1.2.3-"));
  EXPECT_FALSE(is_valid_version(VersionScheme::semver, "1.2.3+"));
  EXPECT_FALSE(is_valid_version(VersionScheme::semver, ""));
  EXPECT_TRUE(is_valid_version(VersionScheme::semver, "1.2.3-rc.1+build"));
  // Among invalid versions letters sort before numbers, and "" reads as 0.
  expect_ascending("npm", {"latest", "", "1.2.3.4", "1.2.3.5", "0.0.0-0", "0.0.1"});
}

// Go modules reference, "Versions" and "Pseudo-versions".
TEST(CompareGo, PseudoVersionsAndIncompatible) {
  expect_ascending("golang", {"v0.0.0-20191109021931-daa7c04131f5", "v0.0.0-20200101000000-aaaaaaaaaaaa", "v0.0.1",
                              "v1.2.3-pre", "v1.2.3-pre.0.20191109021931-daa7c04131f5", "v1.2.3",
                              "v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4", "v2.0.0+incompatible", "v2.0.1"});
  expect_equal("golang", {"v2.0.0+incompatible", "v2.0.0", "v2.0", "v2"});
  EXPECT_TRUE(is_valid_version(VersionScheme::golang, "v1.2.4-0.20191109021931-daa7c04131f5"));
}

// PEP 440 "Summary of permitted suffixes and relative ordering".
TEST(ComparePep440, OrderingExampleFromThePep) {
  expect_ascending("pypi", {"1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
                            "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
                            "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1"});
}

TEST(ComparePep440, Epochs) {
  expect_ascending("pypi", {"1.0", "2013.10", "2014.04", "1!1.0", "1!1.1", "2!0.1"});
  expect_equal("pypi", {"1.0", "0!1.0"});
}

// PEP 440 "Normalization": spellings that mean the same version.
TEST(ComparePep440, NormalizedSpellingsAreEqual) {
  expect_equal("pypi", {"1.0", "1.0.0", "1", "v1.0", "V1.0.0", " 1.0 "});
  expect_equal("pypi", {"1.0a0", "1.0a", "1.0-alpha", "1.0.ALPHA.0", "1.0_a_0", "1.0alpha0"});
  expect_equal("pypi", {"1.0b2", "1.0beta2", "1.0-b-2"});
  expect_equal("pypi", {"1.0rc1", "1.0c1", "1.0pre1", "1.0preview1", "1.0-rc.1"});
  expect_equal("pypi", {"1.0.post1", "1.0-1", "1.0post1", "1.0-post-1", "1.0r1", "1.0rev1", "1.0.POST1"});
  expect_equal("pypi", {"1.0.post0", "1.0.post", "1.0-r"});
  expect_equal("pypi", {"1.0.dev0", "1.0dev", "1.0-dev-0", "1.0_dev"});
  expect_equal("pypi", {"1.0+ubuntu.1", "1.0+ubuntu-1", "1.0+UBUNTU_1"});
}

TEST(ComparePep440, LocalVersions) {
  expect_ascending("pypi", {"1.0", "1.0+a", "1.0+a.b", "1.0+a.1", "1.0+b", "1.0+0", "1.0+1", "1.0+1.a", "1.0+2"});
}

TEST(ComparePep440, InvalidVersions) {
  EXPECT_TRUE(is_valid_version(VersionScheme::pep440, "1!2.0rc1.post2.dev3+local.7"));
  for (const char* bad : {"", "1.0.", "1.0abc", "1.0+", "1.0+a..b", "!1.0", "1.0-", "latest", "1.0 rc1"})
    EXPECT_FALSE(is_valid_version(VersionScheme::pep440, bad)) << bad;
  expect_ascending("pypi", {"french toast", "1.0.x", "0.1"});
}

// Debian policy 5.6.12.
TEST(CompareDeb, TildeSortsBeforeEverythingEvenTheEnd) {
  // The policy's example: ~~, ~~a, ~, the empty part, a.
  expect_ascending("deb", {"1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a"});
}

TEST(CompareDeb, EpochUpstreamRevision) {
  expect_ascending("deb", {"1.0~rc1-1", "1.0-1", "1.0-1ubuntu1", "1.0-1+b1", "1.0-1.1", "1.0-2", "1.0-10", "1.0+dfsg-1",
                           "1.0.1-1", "2.30-1", "2.30a-1", "1:0.9-1", "2:0.1"});
  expect_equal("deb", {"1.0", "1.0-0", "0:1.0", "1.00", "0:1.0-0"});
  // Non-digit characters: letters sort before punctuation.
  expect_ascending("deb", {"1.0a", "1.0z", "1.0+", "1.0."});
}

TEST(CompareDeb, Validity) {
  EXPECT_TRUE(is_valid_version(VersionScheme::deb, "1:2.30+dfsg~rc1-1ubuntu0.1"));
  EXPECT_FALSE(is_valid_version(VersionScheme::deb, "a1.0"));
  EXPECT_FALSE(is_valid_version(VersionScheme::deb, "x:1.0"));
  EXPECT_FALSE(is_valid_version(VersionScheme::deb, "1.0-"));
  EXPECT_FALSE(is_valid_version(VersionScheme::deb, "1.0 1"));
  EXPECT_FALSE(is_valid_version(VersionScheme::deb, ""));
}

// rpmvercmp, with '~' (pre-release) and '^' (post-release snapshot).
TEST(CompareRpm, TildeAndCaret) {
  expect_ascending("rpm", {"1.0~rc1~git1", "1.0~rc1", "1.0~rc1^git1", "1.0~rc2", "1.0", "1.0^", "1.0^git1",
                           "1.0^git1^a", "1.0a", "1.0.1"});
}

TEST(CompareRpm, SegmentsAndSeparators) {
  expect_ascending("rpm", {"2a", "2.0", "2.0.1", "2.0.1a", "2.1"});
  expect_ascending("rpm", {"5.5p1", "5.5p2", "5.5p10"});
  expect_ascending("rpm", {"10xyz", "10.1xyz"});
  expect_ascending("rpm", {"xyz10", "xyz10.1"});
  // Numeric segments are newer than alphabetic ones.
  expect_ascending("rpm", {"1.a", "1.1"});
  expect_equal("rpm", {"1.0", "1_0", "1..0", "1.00", "0:1.0", "1.0."});
}

TEST(CompareRpm, EpochAndRelease) {
  expect_ascending("rpm", {"1.0-1", "1.0-1.el8", "1.0-2", "1.0-10", "1.1-1", "1:0.1-1"});
  expect_ascending("rpm", {"1.0", "1.0-1"});
}

// POM reference, "Version Order Specification", its "End Result Examples" and trimming examples.
TEST(CompareMaven, EndResultExamples) {
  expect_ascending("maven", {"1", "1.1"});
  expect_ascending("maven", {"1-snapshot", "1", "1-sp"});
  expect_ascending("maven", {"1-foo2", "1-foo10"});
  expect_ascending("maven", {"1.foo", "1-1", "1.1"});
  expect_equal("maven", {"1.foo", "1-foo"});
  expect_equal("maven", {"1.ga", "1-ga", "1-0", "1_0", "1.0", "1", "1.", "1-", "1_", "1.final", "1.0.0"});
  expect_ascending("maven", {"1-ga", "1-sp"});
  expect_ascending("maven", {"1-ga.1", "1-sp.1"});
  expect_ascending("maven", {"1-sp-1", "1-ga-1"});
  expect_equal("maven", {"1-a1", "1-alpha-1"});
  expect_equal("maven", {"1.0-alpha1", "1.0-ALPHA1"});
  expect_ascending("maven", {"1.K", "1.7"});
  expect_ascending("maven", {"5.aardvark", "5.zebra"});
  expect_ascending("maven", {"1.b", "1.\xCE\xB1"});  // Greek alpha after 'b'
  expect_equal("maven", {"1.0.0-foo.0.0", "1-foo"});
  expect_equal("maven", {"1.0.0-0.0.0", "1"});
}

TEST(CompareMaven, QualifierOrder) {
  expect_ascending("maven", {"1-alpha", "1-a1", "1-beta", "1-b1", "1-milestone", "1-m1", "1-rc", "1-snapshot", "1",
                             "1-sp", "1-abc", "1-xyz"});
  expect_equal("maven", {"1-rc", "1-cr", "1.RC"});
  expect_equal("maven", {"1", "1-final", "1-ga", "1-release", "1-RELEASE"});
  expect_ascending("maven", {"1.0-SNAPSHOT", "1.0", "1.0.1"});
  // Unknown qualifiers sort after the release (guava's "-jre" flavours).
  expect_ascending("maven", {"23.5", "23.5-android", "23.5-jre", "23.6"});
}

// RubyGems Gem::Version: letters make a pre-release, which sorts before the release.
TEST(CompareGem, PrereleasesAndSegments) {
  expect_ascending("gem", {"0.9", "1.0.a", "1.0.a9", "1.0.a10", "1.0.b", "1.0.b1", "1.0.b2", "1.0.0-rc1", "1.0.0.rc1",
                           "1.0", "1.0.1", "1.9", "1.10"});
  expect_equal("gem", {"1", "1.0", "1.0.0", " 1.0 "});
  expect_equal("gem", {"1.a", "1.0.a", "1.0.a.0"});
  expect_equal("gem", {"1.0-rc1", "1.0.pre.rc1"});
  EXPECT_TRUE(is_valid_version(VersionScheme::gem, "1.0.0-rc1.x-y"));
  EXPECT_FALSE(is_valid_version(VersionScheme::gem, "a1.0"));
  EXPECT_FALSE(is_valid_version(VersionScheme::gem, "1..0"));
  EXPECT_FALSE(is_valid_version(VersionScheme::gem, "1.0-"));
  expect_ascending("gem", {"junk", "0"});
}

TEST(CompareVersions, TotalOrderOnOddInputs) {
  std::vector<std::string> odd = {"",      "0",     "1",      "1.0",    "1.0.0", "1.0a",   "1.0-1", "1.0~1",
                                  "1.0^1", "1:1.0", "v1",     "1.0+x",  "x",     "1.0.x",  "1..0",  "-",
                                  "~",     "^",     "1.0-rc", "1.0.rc", "1_0",   "1.0.0-", "00",    "1.0-sp"};
  for (auto s : {VersionScheme::semver, VersionScheme::pep440, VersionScheme::deb, VersionScheme::rpm,
                 VersionScheme::maven, VersionScheme::golang, VersionScheme::gem})
    expect_total_order(s, odd);
}

// Found by fuzzing: rpm and dpkg took a NUL byte inside the string for its end, which broke antisymmetry.
TEST(CompareVersions, NulInsideAVersionIsNotTheEnd) {
  std::string with_nul(
      "1.0\0"
      "2",
      5);
  for (auto s : {VersionScheme::rpm, VersionScheme::deb}) {
    EXPECT_GT(compare_versions(s, with_nul, "1.0"), 0) << to_string(s);
    EXPECT_LT(compare_versions(s, "1.0", with_nul), 0) << to_string(s);
  }
  EXPECT_EQ(compare_versions(VersionScheme::rpm, with_nul, "1.0.2"), 0);  // NUL separates like '.'
}

// Maven's order is not transitive on some odd strings; those must still sort and round-trip.
TEST(CompareMaven, IntransitiveCornerStillSortsDeterministically) {
  EXPECT_LT(compare_versions("maven", "0.0.0-beta1", "0"), 0);
  EXPECT_LT(compare_versions("maven", "0", "x"), 0);
  EXPECT_LT(compare_versions("maven", "x", "0.0.0-beta1"), 0);
  for (const char* text : {"vers:maven/x|0|0.0.0-beta1", "vers:maven/0.0.0-beta1|0|x"}) {
    auto r = VersionRange::parse(text);
    ASSERT_TRUE(r.ok()) << text;
    auto again = VersionRange::parse(r->to_string());
    ASSERT_TRUE(again.ok()) << r->to_string();
    EXPECT_EQ(again->to_string(), r->to_string());
  }
}

// ---- ranges ----

TEST(VersRange, SpecExamples) {
  auto a = range("vers:npm/1.2.3|>=2.0.0|<5.0.0");
  EXPECT_TRUE(a.is_vers());
  EXPECT_EQ(a.ecosystem(), "npm");
  EXPECT_TRUE(a.contains("1.2.3"));
  EXPECT_FALSE(a.contains("1.2.4"));
  EXPECT_TRUE(a.contains("2.0.0"));
  EXPECT_TRUE(a.contains("4.9.9"));
  EXPECT_FALSE(a.contains("5.0.0"));
  EXPECT_FALSE(a.contains("1.9.9"));

  auto b = range("vers:pypi/0.0.0|0.0.1|0.0.2|0.0.3|1.0|2.0pre1");
  EXPECT_TRUE(b.contains("1.0.0"));   // PEP 440 equality
  EXPECT_TRUE(b.contains("2.0rc1"));  // "pre" spells "rc"
  EXPECT_FALSE(b.contains("0.0.4"));

  auto c = range("vers:gem/>=2.2.0|!= 2.2.1|<2.3.0");
  EXPECT_TRUE(c.contains("2.2.0"));
  EXPECT_FALSE(c.contains("2.2.1"));
  EXPECT_TRUE(c.contains("2.2.2"));
  EXPECT_FALSE(c.contains("2.3.0"));
  EXPECT_FALSE(c.contains("2.1.9"));

  auto d = range("vers:maven/>=1.0.0-beta1|<=1.7.5|>=7.0.0-M1|<=7.0.7|>=7.1.0|<=7.1.2|>=8.0.0-M1|<=8.0.1");
  for (const char* in : {"1.0.0-beta1", "1.0.0", "1.7.5", "7.0.0-M1", "7.0.0", "7.1.1", "8.0.1"})
    EXPECT_TRUE(d.contains(in)) << in;
  for (const char* out : {"0.9", "1.0.0-alpha1", "2.0", "7.0.8", "7.1.3", "8.0.2"})
    EXPECT_FALSE(d.contains(out)) << out;
}

TEST(VersRange, BoundsAreInclusiveOrExclusiveAsWritten) {
  auto r = range("vers:npm/>1.0.0|<=2.0.0");
  EXPECT_FALSE(r.contains("1.0.0"));
  EXPECT_TRUE(r.contains("1.0.1"));
  EXPECT_TRUE(r.contains("2.0.0"));
  EXPECT_FALSE(r.contains("2.0.1"));
  // Pre-releases of the upper bound are below it.
  EXPECT_TRUE(r.contains("2.0.0-rc.1"));
  auto open_low = range("vers:npm/<1.0.0");
  EXPECT_TRUE(open_low.contains("0.0.1"));
  EXPECT_FALSE(open_low.contains("1.0.0"));
  auto open_high = range("vers:npm/>=3.0.0");
  EXPECT_TRUE(open_high.contains("3.0.0"));
  EXPECT_TRUE(open_high.contains("99.0.0"));
  EXPECT_FALSE(open_high.contains("2.99.99"));
  // A gap between two intervals.
  auto gap = range("vers:npm/<1.0.0|>=2.0.0");
  EXPECT_TRUE(gap.contains("0.5.0"));
  EXPECT_FALSE(gap.contains("1.5.0"));
  EXPECT_TRUE(gap.contains("2.0.0"));
}

TEST(VersRange, StarAllNoneAndExclusionsOnly) {
  EXPECT_TRUE(range("vers:npm/*").contains("0.0.1"));
  EXPECT_TRUE(range("vers:all/*").contains("anything"));
  EXPECT_FALSE(range("vers:none/*").contains("1.0.0"));
  auto ne = range("vers:npm/!=1.0.0");
  EXPECT_FALSE(ne.contains("1.0.0"));
  EXPECT_TRUE(ne.contains("1.0.1"));
  auto eqs = range("vers:npm/1.0.0|!=2.0.0");
  EXPECT_TRUE(eqs.contains("1.0.0"));
  EXPECT_FALSE(eqs.contains("3.0.0"));
}

TEST(VersRange, SchemesCompareTheirOwnWay) {
  auto deb = range("vers:deb/>=1:1.0|<1:2.0-1");
  EXPECT_TRUE(deb.contains("1:2.0~rc1-1"));
  EXPECT_FALSE(deb.contains("1.5"));  // epoch 0
  auto rpm = range("vers:rpm/<1.0");
  EXPECT_TRUE(rpm.contains("1.0~beta"));
  EXPECT_FALSE(rpm.contains("1.0^git1"));
  // The ecosystem argument does not override the vers scheme.
  auto pypi = VersionRange::parse("vers:pypi/==1.0", "npm");
  ASSERT_FALSE(pypi.ok());
  auto pypi2 = VersionRange::parse("vers:pypi/1.0", "npm");
  ASSERT_TRUE(pypi2.ok());
  EXPECT_TRUE(pypi2->contains("1.0.0"));
  EXPECT_EQ(pypi2->ecosystem(), "pypi");
}

TEST(VersRange, TooManyConstraints) {
  std::string text = "vers:npm/";
  for (int i = 0; i < 1001; ++i) text += "|" + std::to_string(i) + ".0.0";
  auto r = VersionRange::parse(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "invalid version range: more than 1000 constraints at offset " + std::to_string(text.rfind('|') + 1));
}

TEST(VersRange, CanonicalText) {
  EXPECT_EQ(range("vers:npm/<2.0.0|>=1.0.0").to_string(), "vers:npm/>=1.0.0|<2.0.0");
  EXPECT_EQ(range(" vers:npm/ >= 1.0.0 | < 2.0.0 ").to_string(), "vers:npm/>=1.0.0|<2.0.0");
  EXPECT_EQ(range("vers:npm/||1.0.0||").to_string(), "vers:npm/1.0.0");
  EXPECT_EQ(range("vers:generic/1.0%7Cx").to_string(), "vers:generic/1.0%7Cx");
  EXPECT_TRUE(range("vers:generic/1.0%7Cx").contains("1.0|x"));
  EXPECT_EQ(range("vers:generic/a%20b|c%09d|%3E1").to_string(), "vers:generic/a%20b|c%09d|%3E1");
  EXPECT_EQ(range("vers:all/*").to_string(), "vers:all/*");
  auto r = range("vers:npm/!=1.0.0|<0.5.0");
  ASSERT_EQ(r.alternatives().size(), 1u);
  EXPECT_EQ(r.alternatives()[0][0].op, VersionComparator::lt);
  EXPECT_EQ(r.alternatives()[0][1].op, VersionComparator::ne);
}

TEST(VersRange, Errors) {
  EXPECT_EQ(range_error("vers:npm/"), "invalid version range: no constraints after 'vers:npm/' at offset 9");
  EXPECT_EQ(range_error("vers:npm/||"), "invalid version range: no constraints after 'vers:npm/' at offset 9");
  EXPECT_EQ(range_error("vers:npm"), "invalid version range: missing '/' after the versioning scheme at offset 8");
  EXPECT_EQ(range_error("vers:/1.0"), "invalid version range: empty versioning scheme at offset 5");
  EXPECT_EQ(range_error("vers:NPM/1.0"), "invalid version range: the versioning scheme must be lowercase at offset 5");
  EXPECT_EQ(range_error("VERS:npm/1.0"), "invalid version range: the 'vers' scheme must be lowercase at offset 0");
  EXPECT_EQ(range_error("vers:n?m/1.0"), "invalid version range: unexpected '?' in the versioning scheme at offset 6");
  EXPECT_EQ(range_error("vers:npm/>="), "invalid version range: expected a version after '>=' at offset 11");
  EXPECT_EQ(range_error("vers:npm/1.0.0|*"), "invalid version range: '*' must be the only constraint at offset 15");
  EXPECT_EQ(range_error("vers:npm/1.0.0|1.0.0"),
            "invalid version range: version '1.0.0' appears more than once at offset 15");
  EXPECT_EQ(range_error("vers:pypi/1.0|>=1.0.0"),
            "invalid version range: version '1.0.0' appears more than once at offset 14");
  EXPECT_EQ(range_error("vers:npm/<1.0.0|<2.0.0"),
            "invalid version range: '<2.0.0' cannot follow '<1.0.0' (lower and upper bounds must alternate) at "
            "offset 16");
  EXPECT_EQ(range_error("vers:npm/>=2.0.0|>1.0.0"),
            "invalid version range: '>=2.0.0' cannot follow '>1.0.0' (lower and upper bounds must alternate) at "
            "offset 9");
  EXPECT_EQ(range_error("vers:npm/1.0.0|<2.0.0"), "invalid version range: '<2.0.0' cannot follow '1.0.0' at offset 15");
  EXPECT_EQ(range_error("vers:npm/%zz"), "invalid version range: bad percent-escape in version at offset 9");
  EXPECT_EQ(range_error("vers:npm/1.0%4"), "invalid version range: bad percent-escape in version at offset 12");
  EXPECT_EQ(range_error("vers:all/1.0"), "invalid version range: vers:all takes only '*' at offset 9");
  EXPECT_EQ(range_error("vers:npm/>=1.*"),
            "invalid version range: unexpected '*' in version (percent-encode it) at offset 13");
  EXPECT_EQ(range_error("vers:npm/>=1|=<2"),
            "invalid version range: unexpected '<' in version (percent-encode it) at offset 14");
}

TEST(ShorthandRange, Comparators) {
  auto lt = range("<4.17.21", "npm");
  EXPECT_FALSE(lt.is_vers());
  EXPECT_TRUE(lt.contains("4.17.20"));
  EXPECT_TRUE(lt.contains("4.17.21-rc.1"));
  EXPECT_FALSE(lt.contains("4.17.21"));
  EXPECT_FALSE(lt.contains("5.0.0"));

  for (const char* text : {">=1.0, <2.0", ">=1.0 <2.0", ">= 1.0 , < 2.0", "  >=1.0,<2.0  "}) {
    auto r = range(text, "pypi");
    EXPECT_TRUE(r.contains("1.0")) << text;
    EXPECT_TRUE(r.contains("1.0.0")) << text;
    EXPECT_TRUE(r.contains("1.99")) << text;
    EXPECT_FALSE(r.contains("2.0")) << text;
    EXPECT_FALSE(r.contains("0.9")) << text;
    EXPECT_EQ(r.to_string(), ">=1.0, <2.0") << text;
  }
  auto le_gt = range(">1.0, <=1.5", "pypi");
  EXPECT_FALSE(le_gt.contains("1.0"));
  EXPECT_TRUE(le_gt.contains("1.5.0"));
  EXPECT_FALSE(le_gt.contains("1.5.post1"));

  auto eq = range("==1.0", "pypi");
  EXPECT_TRUE(eq.contains("1.0.0"));
  EXPECT_FALSE(eq.contains("1.0.1"));
  EXPECT_TRUE(range("=1.2.3", "npm").contains("1.2.3"));
  EXPECT_TRUE(range("1.2.3", "npm").contains("v1.2.3"));
  auto ne = range("!=1.5, >=1.0", "pypi");
  EXPECT_FALSE(ne.contains("1.5"));
  EXPECT_TRUE(ne.contains("1.6"));
}

TEST(ShorthandRange, AlternativesAndStar) {
  auto r = range("<1.0 || >=2.0, <3.0 || 5.0", "npm");
  EXPECT_EQ(r.alternatives().size(), 3u);
  EXPECT_TRUE(r.contains("0.1.0"));
  EXPECT_FALSE(r.contains("1.0.0"));
  EXPECT_TRUE(r.contains("2.5.0"));
  EXPECT_FALSE(r.contains("3.0.0"));
  EXPECT_TRUE(r.contains("5.0.0"));
  EXPECT_EQ(r.to_string(), "<1.0 || >=2.0, <3.0 || =5.0");
  auto all = range("*");
  EXPECT_TRUE(all.contains("0"));
  EXPECT_TRUE(all.contains(""));
  EXPECT_EQ(all.to_string(), "*");
}

TEST(ShorthandRange, EcosystemDecidesTheComparison) {
  EXPECT_TRUE(range("<1.0", "deb").contains("1.0~rc1"));
  EXPECT_TRUE(range("<1.0", "npm").contains("1.0.0-rc.1"));
  EXPECT_FALSE(range("<1.0", "npm").contains("1.0.0+build"));
  EXPECT_TRUE(range("<2.0.0", "maven").contains("2.0.0-SNAPSHOT"));
  EXPECT_TRUE(range("<1.0", "gem").contains("1.0.b1"));
  EXPECT_TRUE(range(">=v1.2.4-0.20191109021931-daa7c04131f5", "golang").contains("v1.2.4"));
}

TEST(ShorthandRange, Errors) {
  EXPECT_EQ(range_error(""), "invalid version range: empty range at offset 0");
  EXPECT_EQ(range_error("   "), "invalid version range: empty range at offset 3");
  EXPECT_EQ(range_error(">="), "invalid version range: expected a version after '>=' at offset 2");
  EXPECT_EQ(range_error("< "), "invalid version range: expected a version after '<' at offset 2");
  EXPECT_EQ(range_error("^1.2.3"), "invalid version range: '^' ranges are not supported (use >= and <) at offset 0");
  EXPECT_EQ(range_error("~=1.0"), "invalid version range: '~' ranges are not supported (use >= and <) at offset 0");
  EXPECT_EQ(range_error(">=1.0,"), "invalid version range: expected a constraint after ',' at offset 6");
  EXPECT_EQ(range_error(">=1.0,,<2"), "invalid version range: expected a constraint after ',' at offset 6");
  EXPECT_EQ(range_error(",1.0"), "invalid version range: expected a version at offset 0");
  EXPECT_EQ(range_error("<1 | >2"),
            "invalid version range: single '|' (alternatives are separated by '||') at offset 3");
  EXPECT_EQ(range_error("1.0 || "), "invalid version range: empty alternative at offset 6");
  EXPECT_EQ(range_error("|| 1.0"), "invalid version range: empty alternative at offset 0");
  EXPECT_EQ(range_error("* || 1.0"), "invalid version range: '*' must be the only constraint at offset 0");
  EXPECT_EQ(range_error(">=1.0 *"), "invalid version range: '*' must be the only constraint at offset 6");
  EXPECT_EQ(range_error(">=1.0<2.0"), "invalid version range: unexpected '<' in version at offset 5");
  EXPECT_EQ(range_error("1.0.*"), "invalid version range: unexpected '*' in version at offset 4");
  EXPECT_EQ(range_error("1.0 - 2.0"), "invalid version range: expected a version, found '-' at offset 4");
  EXPECT_EQ(range_error("> = 1"), "invalid version range: expected a version, found '=' at offset 2");
  auto r = VersionRange::parse(">=", "npm");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().location.offset, 2u);
  EXPECT_EQ(r.error().to_string(), "invalid version range: expected a version after '>=' at offset 2");
}
