#include <gtest/gtest.h>

#include "lib/catalog/os/os_release.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace purser::catalog::os {
namespace {

using testing::CatalogTester;
using testing::MapResolver;

const char* k_bookworm =
    "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
    "NAME=\"Debian GNU/Linux\"\n"
    "VERSION_ID=\"12\"\n"
    "VERSION=\"12 (bookworm)\"\n"
    "VERSION_CODENAME=bookworm\n"
    "ID=debian\n"
    "HOME_URL=\"https://www.debian.org/\"\n";

TEST(OsRelease, ParsesFields) {
  Distro d = parse_os_release(k_bookworm, "etc/os-release");
  EXPECT_EQ(d.id, "debian");
  EXPECT_EQ(d.version_id, "12");
  EXPECT_EQ(d.version_codename, "bookworm");
  EXPECT_EQ(d.name, "Debian GNU/Linux");
  EXPECT_EQ(d.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(d.line, 6u);
  EXPECT_EQ(distro_qualifier(d), "debian-12");
}

TEST(OsRelease, QuotesEscapesAndComments) {
  std::vector<util::Diagnostic> diags;
  Distro d = parse_os_release(
      "# a comment\n"
      "\n"
      "  ID='Ubuntu'\n"
      "ID_LIKE=\"debian \\\"quoted\\\" \\$HOME \\\\ \\n\"\n"
      "NAME=Plain\\ Name # trailing comment\n"
      "PRETTY_NAME='single \\ kept'\n"
      "VERSION_ID=22.04\r\n",
      "etc/os-release", &diags);
  EXPECT_TRUE(diags.empty());
  EXPECT_EQ(d.id, "ubuntu");
  EXPECT_EQ(d.id_like, "debian \"quoted\" $HOME \\ \\n");
  EXPECT_EQ(d.name, "Plain Name");
  EXPECT_EQ(d.pretty_name, "single \\ kept");
  EXPECT_EQ(d.version_id, "22.04");
}

TEST(OsRelease, MalformedLinesAreLocatedWarnings) {
  std::vector<util::Diagnostic> diags;
  Distro d = parse_os_release("ID=alpine\nno equals here\nBAD-KEY=1\nNAME=\"open\nVERSION_ID=3.19.1\n",
                              "etc/os-release", &diags);
  EXPECT_EQ(d.id, "alpine");
  EXPECT_EQ(d.version_id, "3.19.1");
  std::vector<std::string> seen;
  for (const auto& x : diags) seen.push_back(x.to_string());
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "etc/os-release:2: invalid os-release: line without '=': 'no equals here'",
                      "etc/os-release:3: invalid os-release: bad variable name 'BAD-KEY'",
                      "etc/os-release:4: invalid os-release: unterminated double quote in NAME",
                  }));
}

TEST(OsRelease, CodenameWhenNoVersionId) {
  Distro d = parse_os_release("ID=debian\nVERSION_CODENAME=trixie\n", "x");
  EXPECT_EQ(distro_qualifier(d), "debian-trixie");
  EXPECT_EQ(distro_qualifier(Distro{}), "");
}

TEST(OsRelease, ReadDistroPrefersEtcThenUsrLib) {
  MapResolver r;
  r.files["usr/lib/os-release"] = "ID=debian\nVERSION_ID=11\n";
  auto d = read_distro(r, "var/lib/dpkg/status");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->version_id, "11");
  EXPECT_EQ(d->path, "usr/lib/os-release");
  r.files["etc/os-release"] = "ID=debian\nVERSION_ID=12\n";
  d = read_distro(r, "var/lib/dpkg/status");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->version_id, "12");
  // From a deeper or shallower file the root is the same.
  EXPECT_EQ(read_distro(r, "var/lib/dpkg/status.d/libc6")->version_id, "12");
  EXPECT_EQ(read_distro(r, "lib/apk/db/installed")->version_id, "12");
}

TEST(OsRelease, FallbackFiles) {
  MapResolver r;
  EXPECT_FALSE(read_distro(r, "var/lib/dpkg/status").has_value());
  r.files["etc/debian_version"] = "12.5\n";
  auto d = read_distro(r, "var/lib/dpkg/status");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(distro_qualifier(*d), "debian-12");

  MapResolver sid;
  sid.files["etc/debian_version"] = "trixie/sid\n";
  EXPECT_EQ(distro_qualifier(*read_distro(sid, "var/lib/dpkg/status")), "debian-trixie");

  MapResolver alpine;
  alpine.files["etc/alpine-release"] = "3.18.4\n";
  EXPECT_EQ(distro_qualifier(*read_distro(alpine, "lib/apk/db/installed")), "alpine-3.18.4");

  MapResolver centos;
  centos.files["etc/redhat-release"] = "CentOS Linux release 7.9.2009 (Core)\n";
  EXPECT_EQ(distro_qualifier(*read_distro(centos, "var/lib/rpm/Packages")), "centos-7.9.2009");

  MapResolver amazon;
  amazon.files["etc/system-release"] = "Amazon Linux release 2 (Karoo)\n";
  EXPECT_EQ(distro_qualifier(*read_distro(amazon, "var/lib/rpm/Packages")), "amzn-2");

  // os-release without an ID falls through to the fallbacks.
  MapResolver no_id;
  no_id.files["etc/os-release"] = "NAME=whatever\n";
  no_id.files["etc/alpine-release"] = "3.20.0\n";
  EXPECT_EQ(read_distro(no_id, "lib/apk/db/installed")->id, "alpine");
}

TEST(OsRelease, StripEmail) {
  EXPECT_EQ(strip_email("Debian OpenSSL Team <pkg-openssl-devel@example.org>"), "Debian OpenSSL Team");
  EXPECT_EQ(strip_email("  Just A Name "), "Just A Name");
  EXPECT_EQ(strip_email("<only@example.org>"), "<only@example.org>");
}

TEST(OsReleaseCataloger, OperatingSystemComponent) {
  CatalogTester t(&parse_os_release_file);
  t.from_string(k_bookworm, "etc/os-release").expect_packages({"debian@12"}).expect_no_diagnostics();
  auto p = t.package("debian@12");
  EXPECT_EQ(p.type, model::ComponentType::operating_system);
  EXPECT_EQ(p.ecosystem, "os");
  EXPECT_EQ(p.purl, "");
  EXPECT_EQ(p.ref(), "os:debian@12");
  EXPECT_EQ(p.property("purser:os:pretty-name"), "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(p.property("purser:os:codename"), "bookworm");
  EXPECT_EQ(p.locations, (std::vector<util::Location>{{"etc/os-release", 6}}));
}

TEST(OsReleaseCataloger, UsrLibYieldsNothingWhenEtcDiffers) {
  CatalogTester differs(&parse_os_release_file);
  differs.from_string("ID=debian\nVERSION_ID=11\n", "usr/lib/os-release")
      .with_file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
      .expect_packages({});
  // etc/os-release is usually a symlink to usr/lib/os-release: the same content gives the same component.
  CatalogTester same(&parse_os_release_file);
  same.from_string("ID=debian\nVERSION_ID=12\n", "usr/lib/os-release")
      .with_file("etc/os-release", "ID=debian\nVERSION_ID=12\n")
      .expect_packages({"debian@12"});
  CatalogTester alone(&parse_os_release_file);
  alone.from_string("ID=debian\nVERSION_ID=12\n", "usr/lib/os-release").expect_packages({"debian@12"});
}

TEST(OsReleaseCataloger, NoIdIsAWarning) {
  CatalogTester t(&parse_os_release_file);
  t.from_string("NAME=x\ngarbage\x01\n", "etc/os-release")
      .expect_packages({})
      .expect_diagnostics({"etc/os-release:2: invalid os-release: line without '=': 'garbage\\x01'",
                           "etc/os-release: invalid os-release: no ID"});
}

}  // namespace
}  // namespace purser::catalog::os
