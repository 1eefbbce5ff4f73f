#include <gtest/gtest.h>

#include <algorithm>

#include "lib/catalog/os/dpkg.hpp"
#include "tests/catalog/cataloger_tester.hpp"

namespace purser::catalog::os {
namespace {

using testing::CatalogTester;

const char* k_status = "var/lib/dpkg/status";
const char* k_os_release = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";

// A small, hand-written status database: the shapes bookworm uses, not a copy of one.
const char* k_db =
    "Package: base-files\n"                                     // 1
    "Essential: yes\n"                                          // 2
    "Status: install ok installed\n"                            // 3
    "Priority: required\n"                                      // 4
    "Installed-Size: 340\n"                                     // 5
    "Maintainer: Santiago Vila <sanvila@example.org>\n"         // 6
    "Architecture: amd64\n"                                     // 7
    "Multi-Arch: foreign\n"                                     // 8
    "Version: 12.4+deb12u5\n"                                   // 9
    "Description: Debian base system miscellaneous files\n"     // 10
    " This package contains the basic filesystem hierarchy.\n"  // 11
    "\n"                                                        // 12
    "Package: libc6\n"                                          // 13
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: glibc\n"
    "Version: 2.36-9+deb12u7\n"
    "Maintainer: GNU Libc Maintainers <libc@example.org>\n"
    "Depends: libgcc-s1\n"
    "\n"                // 21
    "Package: libc6\n"  // 22
    "Status: install ok installed\n"
    "Architecture: i386\n"
    "Multi-Arch: same\n"
    "Source: glibc\n"
    "Version: 2.36-9+deb12u7\n"
    "Depends: libgcc-s1\n"
    "\n"                    // 29
    "Package: libgcc-s1\n"  // 30
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Multi-Arch: same\n"
    "Source: gcc-12 (12.2.0-14)\n"
    "Version: 12.2.0-14\n"
    "\n"                    // 36
    "Package: libgcc-s1\n"  // 37
    "Status: install ok installed\n"
    "Architecture: i386\n"
    "Multi-Arch: same\n"
    "Source: gcc-12 (12.2.0-14)\n"
    "Version: 12.2.0-14\n"
    "\n"                  // 43
    "Package: libssl3\n"  // 44
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Source: openssl\n"
    "Version: 3.0.15-1~deb12u1\n"
    "Depends: libc6 (>= 2.34)\n"
    "\n"                  // 50
    "Package: openssl\n"  // 51
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 3.0.15-1~deb12u1\n"
    "Depends: libc6 (>= 2.34), libssl3 (>= 3.0.9)\n"
    "\n"               // 56
    "Package: mawk\n"  // 57
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 1.3.4.20200120-3.1\n"
    "Provides: awk (= 1.3.4)\n"
    "Pre-Depends: libc6 (>= 2.34)\n"
    "\n"               // 63
    "Package: dpkg\n"  // 64
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 1.21.22\n"
    "Pre-Depends: libc6 (>= 2.34), tar (>= 1.28-1)\n"
    "Depends: awk\n"
    "\n"              // 70
    "Package: tar\n"  // 71
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 1.34+dfsg-1.2+deb12u1\n"
    "\n"                   // 75
    "Package: libattr1\n"  // 76
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Source: attr (1:2.5.1-4)\n"
    "Version: 1:2.5.1-4+b1\n"
    "\n"                    // 81
    "Package: bsd-mailx\n"  // 82
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 8.1.2-0.20220412cvs-1\n"
    "Depends: default-mta | mail-transport-agent, python3:any, libc6:i386\n"
    "\n"                             // 87
    "Package: exim4-daemon-light\n"  // 88
    "Status: install ok unpacked\n"
    "Architecture: amd64\n"
    "Version: 4.96-15+deb12u6\n"
    "Provides: mail-transport-agent\n"
    "\n"                  // 93
    "Package: python3\n"  // 94
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Multi-Arch: allowed\n"
    "Version: 3.11.2-1+b1\n"
    "\n"  // 99
    "Package: nano\n"
    "Status: deinstall ok config-files\n"
    "Architecture: amd64\n"
    "Version: 7.2-1\n"
    "\n"
    "Package: vim-tiny\n"
    "Status: purge ok not-installed\n"
    "Architecture: amd64\n"
    "\n"
    "Package: curl\n"
    "Status: install reinstreq half-installed\n"
    "Architecture: amd64\n"
    "Version: 7.88.1-10+deb12u8\n";

CatalogTester status_db() {
  CatalogTester t(&parse_dpkg_status);
  t.from_string(k_db, k_status).with_file("etc/os-release", k_os_release);
  return t;
}

const Entry* entry(const ParseResult& r, const std::string& name, const std::string& arch) {
  for (const auto& e : r.entries)
    if (e.package.name == name && e.package.purl.find("arch=" + arch) != std::string::npos) return &e;
  return nullptr;
}

TEST(Dpkg, InstalledStateFiltering) {
  status_db()
      .expect_packages({"base-files@12.4+deb12u5", "libc6@2.36-9+deb12u7", "libgcc-s1@12.2.0-14",
                        "libssl3@3.0.15-1~deb12u1", "openssl@3.0.15-1~deb12u1", "mawk@1.3.4.20200120-3.1",
                        "dpkg@1.21.22", "tar@1.34+dfsg-1.2+deb12u1", "libattr1@1:2.5.1-4+b1",
                        "bsd-mailx@8.1.2-0.20220412cvs-1", "exim4-daemon-light@4.96-15+deb12u6", "python3@3.11.2-1+b1"})
      .expect_no_diagnostics();
  auto t = status_db();
  EXPECT_EQ(t.package("exim4-daemon-light@4.96-15+deb12u6").property("purser:dpkg:status"), "unpacked");
  EXPECT_EQ(t.package("dpkg@1.21.22").property("purser:dpkg:status"), "");
}

TEST(Dpkg, MultiArchSamePackageTwice) {
  auto t = status_db();
  const auto& r = t.result();
  EXPECT_EQ(std::count_if(r.entries.begin(), r.entries.end(), [](const Entry& e) { return e.package.name == "libc6"; }),
            2);
  const Entry* amd64 = entry(r, "libc6", "amd64");
  const Entry* i386 = entry(r, "libc6", "i386");
  ASSERT_TRUE(amd64 && i386);
  EXPECT_EQ(amd64->package.purl, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc");
  EXPECT_EQ(i386->package.purl, "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=i386&distro=debian-12&upstream=glibc");
  // Each libc6 depends on the libgcc-s1 of its own architecture.
  EXPECT_EQ(amd64->needs.size(), 1u);
  EXPECT_EQ(amd64->needs[0].key, "dpkg:libgcc-s1:amd64");
  EXPECT_EQ(i386->needs[0].key, "dpkg:libgcc-s1:i386");
  EXPECT_EQ(amd64->package.locations, (std::vector<util::Location>{{k_status, 13}}));
  EXPECT_EQ(i386->package.locations, (std::vector<util::Location>{{k_status, 22}}));
}

TEST(Dpkg, PurlsCarryDistroUpstreamAndEpoch) {
  auto t = status_db();
  EXPECT_EQ(t.package("openssl@3.0.15-1~deb12u1").purl,
            "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl");
  EXPECT_EQ(t.package("libssl3@3.0.15-1~deb12u1").purl,
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl");
  // The epoch stays in the version (purl-spec deb); the source version differs (binNMU) so upstream carries it.
  EXPECT_EQ(t.package("libattr1@1:2.5.1-4+b1").purl,
            "pkg:deb/debian/libattr1@1:2.5.1-4%2Bb1?arch=amd64&distro=debian-12&upstream=attr%401:2.5.1-4");
  // "Source: gcc-12 (12.2.0-14)" with the same version: just the name.
  EXPECT_NE(t.package("libgcc-s1@12.2.0-14").purl.find("&upstream=gcc-12"), std::string::npos);
}

TEST(Dpkg, PackageFields) {
  auto t = status_db();
  auto p = t.package("base-files@12.4+deb12u5");
  EXPECT_EQ(p.supplier, "Santiago Vila");
  EXPECT_EQ(p.ecosystem, "deb");
  EXPECT_EQ(p.property("purser:dpkg:installed-size"), "340");
  EXPECT_EQ(p.property("purser:dpkg:description"), "Debian base system miscellaneous files");
  EXPECT_EQ(p.property("purser:dpkg:multi-arch"), "foreign");
  EXPECT_EQ(p.locations, (std::vector<util::Location>{{k_status, 1}}));
  EXPECT_EQ(t.package("libgcc-s1@12.2.0-14").property("purser:dpkg:source"), "gcc-12 (12.2.0-14)");
}

TEST(Dpkg, EdgesThroughVirtualProvidesAlternativesAndPreDepends) {
  auto edges = status_db().edges();
  auto has = [&](const std::string& from, const std::string& to) { return edges.count({from, to}) == 1; };
  EXPECT_TRUE(has("openssl@3.0.15-1~deb12u1", "libssl3@3.0.15-1~deb12u1"));
  EXPECT_TRUE(has("openssl@3.0.15-1~deb12u1", "libc6@2.36-9+deb12u7"));
  // Pre-Depends count as dependencies.
  EXPECT_TRUE(has("dpkg@1.21.22", "tar@1.34+dfsg-1.2+deb12u1"));
  EXPECT_TRUE(has("mawk@1.3.4.20200120-3.1", "libc6@2.36-9+deb12u7"));
  // "awk" is virtual: mawk provides it.
  EXPECT_TRUE(has("dpkg@1.21.22", "mawk@1.3.4.20200120-3.1"));
  // default-mta is not installed; the second alternative resolves through Provides.
  EXPECT_TRUE(has("bsd-mailx@8.1.2-0.20220412cvs-1", "exim4-daemon-light@4.96-15+deb12u6"));
  EXPECT_TRUE(has("bsd-mailx@8.1.2-0.20220412cvs-1", "python3@3.11.2-1+b1"));

  auto t = status_db();
  const Entry* mailx = entry(t.result(), "bsd-mailx", "amd64");
  ASSERT_NE(mailx, nullptr);
  std::vector<std::string> keys;
  for (const auto& n : mailx->needs) keys.push_back(n.key);
  // An explicit ":i386" picks that architecture.
  EXPECT_EQ(keys, (std::vector<std::string>{"dpkg:exim4-daemon-light:amd64", "dpkg:python3:amd64", "dpkg:libc6:i386"}));
}

TEST(Dpkg, UnsatisfiedDependenciesAreDropped) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string(
       "Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1\nDepends: missing | also-missing\n",
       k_status)
      .expect_packages({"a@1"})
      .expect_edges({})
      .expect_no_diagnostics();
  EXPECT_TRUE(t.result().entries[0].needs.empty());
}

TEST(Dpkg, WithoutDistroNamespaceDebianNoDistroQualifier) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string("Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n", k_status)
      .expect_purls({"pkg:deb/debian/a@1.0?arch=all&upstream=a"})
      .expect_no_diagnostics();
  CatalogTester ubuntu(&parse_dpkg_status);
  ubuntu.from_string("Package: a\nStatus: install ok installed\nArchitecture: all\nVersion: 1.0\n", k_status)
      .with_file("usr/lib/os-release", "ID=ubuntu\nVERSION_ID=\"24.04\"\n")
      .expect_purls({"pkg:deb/ubuntu/a@1.0?arch=all&distro=ubuntu-24.04&upstream=a"});
}

TEST(Dpkg, OwnedFilesFromInfoList) {
  auto t = status_db();
  t.with_file("var/lib/dpkg/info/tar.list", "/.\n/bin\n/bin/tar\n/usr/share/doc/tar\n\n")
      .with_file("var/lib/dpkg/info/libc6:amd64.list", "/.\n/usr/lib/x86_64-linux-gnu/libc.so.6\n")
      .with_file("var/lib/dpkg/info/libc6:i386.list", "/.\n/usr/lib/i386-linux-gnu/libc.so.6\n");
  const auto& r = t.result();
  EXPECT_EQ(entry(r, "tar", "amd64")->owned_files, (std::vector<std::string>{"bin", "bin/tar", "usr/share/doc/tar"}));
  EXPECT_EQ(entry(r, "libc6", "amd64")->owned_files, (std::vector<std::string>{"usr/lib/x86_64-linux-gnu/libc.so.6"}));
  EXPECT_EQ(entry(r, "libc6", "i386")->owned_files, (std::vector<std::string>{"usr/lib/i386-linux-gnu/libc.so.6"}));
  EXPECT_TRUE(entry(r, "openssl", "amd64")->owned_files.empty());
}

TEST(Dpkg, DistrolessStatusD) {
  const std::string path = "var/lib/dpkg/status.d/libssl3";
  CatalogTester t(&parse_dpkg_status);
  t.from_string(
       "Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n"
       "Depends: libc6 (>= 2.34) | libc6-alt, awk\nProvides: libssl\n",
       path)
      .with_file("etc/os-release", k_os_release)
      .with_file("var/lib/dpkg/status.d/libssl3.md5sums",
                 "0123456789abcdef0123456789abcdef  usr/lib/x86_64-linux-gnu/libssl.so.3\n"
                 "fedcba9876543210fedcba9876543210  usr/share/doc/libssl3/changelog.gz\n")
      .expect_purls({"pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl"})
      .expect_no_diagnostics();
  const auto& r = t.result();
  EXPECT_EQ(r.link_scope, "dpkg:var/lib/dpkg/status.d");
  ASSERT_EQ(r.entries.size(), 1u);
  const auto& e = r.entries[0];
  EXPECT_EQ(e.provides, (std::vector<std::string>{"dpkg:libssl3:amd64", "dpkg:libssl3", "dpkg-virtual:libssl"}));
  ASSERT_EQ(e.needs.size(), 2u);
  EXPECT_EQ(e.needs[0].key, "dpkg:libc6:amd64");
  EXPECT_EQ(e.needs[0].fallbacks,
            (std::vector<std::string>{"dpkg:libc6:all", "dpkg:libc6", "dpkg-virtual:libc6", "dpkg:libc6-alt:amd64",
                                      "dpkg:libc6-alt:all", "dpkg:libc6-alt", "dpkg-virtual:libc6-alt"}));
  EXPECT_EQ(e.needs[1].key, "dpkg:awk:amd64");
  EXPECT_EQ(e.owned_files,
            (std::vector<std::string>{"usr/lib/x86_64-linux-gnu/libssl.so.3", "usr/share/doc/libssl3/changelog.gz"}));
}

TEST(Dpkg, StatusDMd5sumsYieldNothing) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string("0123456789abcdef0123456789abcdef  usr/bin/x\n", "var/lib/dpkg/status.d/x.md5sums")
      .expect_packages({})
      .expect_no_diagnostics();
}

TEST(Dpkg, StatusDSeveralStanzasInOneFile) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string(
       "Package: a\nVersion: 1\nArchitecture: all\n\nPackage: b\nVersion: 2\nArchitecture: all\n"
       "Status: deinstall ok config-files\n",
       "var/lib/dpkg/status.d/base")
      .expect_packages({"a@1"})
      .expect_no_diagnostics();
}

TEST(Dpkg, MalformedInputGivesLocatedDiagnostics) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string(
       " continuation first\n"           // 1
       "Package: ok\n"                   // 2
       "Status: install ok installed\n"  // 3
       "Version: 1\n"                    // 4
       "Architecture: all\n"             // 5
       "this line has no colon\n"        // 6
       "\n"                              // 7
       "Version: 2\n"                    // 8
       "Status: install ok installed\n"  // 9
       "\n"                              // 10
       "Package: nostatus\n"             // 11
       "Version: 1\n"                    // 12
       "\n"                              // 13
       "Package: badstatus\n"            // 14
       "Status: installed\n"             // 15
       "\n"                              // 16
       "Package: noversion\n"            // 17
       "Status: install ok installed\n"  // 18
       "\n"                              // 19
       "\xff\xfe garbage\x01\n"          // 20
       ": empty name\n"                  // 21
       "Package: truncated\n"            // 22
       "Status: install ok installed\n"  // 23
       "Version: 3",                     // 24, no final newline
       k_status)
      .expect_packages({"ok@1", "truncated@3"})
      .expect_diagnostics({
          "var/lib/dpkg/status:1: invalid dpkg status: continuation line without a field",
          "var/lib/dpkg/status:6: invalid dpkg status: line without a field name: 'this line has no colon'",
          "var/lib/dpkg/status:20: invalid dpkg status: line without a field name: '\\xff\\xfe garbage\\x01'",
          "var/lib/dpkg/status:21: invalid dpkg status: line without a field name: ': empty name'",
          "var/lib/dpkg/status:8: invalid dpkg status: stanza without a Package field",
          "var/lib/dpkg/status:11: invalid dpkg status: package 'nostatus' has no Status field",
          "var/lib/dpkg/status:14: invalid dpkg status: package 'badstatus' has a malformed Status 'installed'",
          "var/lib/dpkg/status:17: invalid dpkg status: package 'noversion' has no Version field",
      });
}

TEST(Dpkg, BinaryInputIsOneError) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string(std::string("\x7f"
                            "ELF\0\0\0\x01",
                            8),
                k_status)
      .expect_packages({})
      .expect_diagnostics({"var/lib/dpkg/status: invalid dpkg status: not a text file"});
}

TEST(Dpkg, DiagnosticsAreCapped) {
  std::string junk;
  for (int i = 0; i < 50; ++i) junk += "junk\n";
  CatalogTester t(&parse_dpkg_status);
  t.from_string(junk, k_status);
  const auto& d = t.result().diagnostics;
  ASSERT_EQ(d.size(), 21u);
  EXPECT_EQ(d.back().to_string(),
            "var/lib/dpkg/status: invalid dpkg status: too many problems; the rest are not reported");
}

TEST(Dpkg, ParseRelations) {
  auto r = parse_deb_relations(
      "libc6 (>= 2.34), default-mta | mail-transport-agent,python3:any (>= 3.11~),\n foo [amd64] <!nocheck>,");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0][0].name, "libc6");
  EXPECT_EQ(r[0][0].version, "2.34");
  ASSERT_EQ(r[1].size(), 2u);
  EXPECT_EQ(r[1][1].name, "mail-transport-agent");
  EXPECT_EQ(r[2][0].name, "python3");
  EXPECT_EQ(r[2][0].arch, "any");
  EXPECT_EQ(r[2][0].version, "3.11~");
  EXPECT_EQ(r[3][0].name, "foo");
  EXPECT_EQ(r[3][0].arch, "");
}

TEST(Dpkg, Registration) {
  const auto& c = dpkg_status_cataloger();
  EXPECT_EQ(c.id, "dpkg-status");
  EXPECT_EQ(c.tags, (std::vector<std::string_view>{"installed", "os"}));
  EXPECT_NE(std::find(c.aux_globs.begin(), c.aux_globs.end(), "var/lib/dpkg/info/*.list"), c.aux_globs.end());
}

}  // namespace
}  // namespace purser::catalog::os

namespace purser::catalog::os {
namespace {

TEST(DpkgLicense, Dep5CopyrightMapsToSpdx) {
  EXPECT_EQ(debian_copyright_license("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
                                     "Upstream-Name: tar\n\n"
                                     "Files: *\nCopyright: 1990 Someone\nLicense: GPL-3+\n\n"
                                     "Files: lib/*\nLicense: LGPL-2.1\n\n"
                                     "Files: debian/*\nLicense: GPL-3+\n\n"
                                     "Files: x/*\nLicense: Expat\n\n"
                                     "Files: y/*\nLicense: bsd-3-clause\n\n"
                                     "Files: z/*\nLicense: GPL-2+ or Artistic\n\n"
                                     "Files: w/*\nLicense: public-domain\n\n"
                                     "License: GPL-3+\n On Debian systems, see /usr/share/common-licenses/GPL-3.\n"),
            "GPL-3.0-or-later AND LGPL-2.1-only AND MIT AND BSD-3-Clause");
  EXPECT_EQ(debian_copyright_license("This is the Debian prepackaged version of foo.\nLicense: GPL-2\n"), "");
  EXPECT_EQ(debian_copyright_license("Format: x\nLicense: GPL-9+\n"), "");
}

using testing::CatalogTester;

TEST(DpkgLicense, ReadFromUsrShareDoc) {
  CatalogTester t(&parse_dpkg_status);
  t.from_string(
       "Package: tar\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.34\n\n"
       "Package: ../../etc\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1\n",
       "var/lib/dpkg/status")
      .with_file("usr/share/doc/tar/copyright", "Format: https://example.org/dep5\n\nFiles: *\nLicense: GPL-3+\n")
      .with_file("etc/copyright", "Format: x\nLicense: MIT\n");
  EXPECT_EQ(t.package("tar@1.34").license, "GPL-3.0-or-later");
  // A name that is not a Debian package name never becomes part of a path.
  EXPECT_EQ(t.package("../../etc@1").license, "");
}

}  // namespace
}  // namespace purser::catalog::os
