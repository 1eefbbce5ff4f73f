#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "lib/catalog/os/rpm_db.hpp"
#include "lib/catalog/scan.hpp"
#include "tests/catalog/cataloger_tester.hpp"
#include "tests/catalog/os/rpm_db_writers.hpp"

namespace purser::catalog::os {
namespace {

namespace fs = std::filesystem;
using testing::CatalogTester;
using testing::read_bytes;

const char* k_path = "var/lib/rpm/rpmdb.sqlite";

// ---------------------------------------------------------------------------------------------------------------
// Databases made by the real tool: Debian's rpm package (rpmbuild + rpm --justdb), built once per test run.

std::string run(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = ::pclose(p);
  if (rc != 0) out = "FAILED(" + std::to_string(rc) + "): " + command + "\n" + out;
  return out;
}

bool have_rpm_tools() { return run("command -v rpm >/dev/null 2>&1 && command -v rpmbuild >/dev/null 2>&1") == ""; }
bool have_db_load() { return run("command -v db5.3_load >/dev/null 2>&1") == ""; }

std::string hex(std::string_view bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

// db_dump's "bytevalue" text format (db5.3_dump(1)): a header, then key and value lines of hex bytes, each led by a
// space. Keys are 4-byte record numbers in the byte order of the metadata, as rpm writes them; record 0 is rpm's.
std::string db_dump_text(const test_writers::Records& records, std::uint32_t page_size, bool big) {
  std::string out = "VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=" + std::to_string(page_size) +
                    "\ndb_lorder=" + (big ? "4321" : "1234") + "\nHEADER=END\n";
  auto key = [&](std::uint32_t n) {
    std::string k(4, '\0');
    test_writers::put32(k, 0, n, big);
    return k;
  };
  out += " " + hex(key(0)) + "\n " + hex(key(static_cast<std::uint32_t>(records.size() + 1))) + "\n";
  for (const auto& [idx, blob] : records) out += " " + hex(key(idx)) + "\n " + hex(blob) + "\n";
  return out + "DATA=END\n";
}

void write_file(const fs::path& p, const std::string& bytes) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

// alpha requires a file (/bin/beta-sh, owned by beta), a virtual name (gamma, provided by gamma-impl) and a name
// nothing provides; beta requires alpha's explicit Provides; gamma-impl requires nothing but rpmlib features.
const char* k_alpha_spec = R"(Name: alpha
Version: 1.0
Release: 1
Epoch: 2
Summary: a
License: MIT
Vendor: Purser Test <test@example.org>
BuildArch: noarch
Provides: alpha-api
Requires: /bin/beta-sh
Requires: gamma >= 1
Requires: not-installed

%description
a

%install
mkdir -p %{buildroot}/usr/share/alpha/doc
echo a > %{buildroot}/usr/share/alpha/a.txt
echo b > %{buildroot}/usr/share/alpha/doc/b.txt

%files
/usr/share/alpha/a.txt
/usr/share/alpha/doc/b.txt
)";

const char* k_beta_spec = R"(Name: beta
Version: 2.5
Release: 3.el9
Summary: b
License: GPL-2.0-only
BuildArch: noarch
Requires: alpha-api

%description
b

%install
mkdir -p %{buildroot}/bin
echo b > %{buildroot}/bin/beta-sh

%files
/bin/beta-sh
)";

const char* k_gamma_spec = R"(Name: gamma-impl
Version: 0.1
Release: 1
Summary: g
License: Apache-2.0
BuildArch: noarch
Provides: gamma = 1.5

%description
g

%files
)";

class RpmDbReal : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_rpm_tools()) return;
    char tmpl[] = "/tmp/purser-rpmdb-XXXXXX";
    s_root = ::mkdtemp(tmpl);
    fs::path top = fs::path(s_root) / "top";
    write_file(top / "SPECS/alpha.spec", k_alpha_spec);
    write_file(top / "SPECS/beta.spec", k_beta_spec);
    write_file(top / "SPECS/gamma.spec", k_gamma_spec);
    fs::create_directories(fs::path(s_root) / "tmp");
    std::string defs = " --define '_topdir " + top.string() + "' --define '_tmppath " + s_root + "/tmp'";
    for (const char* spec : {"alpha", "beta", "gamma"})
      s_log += run("rpmbuild -bb --quiet" + defs + " " + (top / "SPECS").string() + "/" + spec + ".spec 2>&1");
    std::string db = s_root + "/db";
    std::string dbdefs = " --dbpath " + db + " --define '_db_backend sqlite'";
    s_log += run("rpm --initdb" + dbdefs + " 2>&1");
    s_log += run("rpm -i --justdb --nodeps --ignoreos --ignorearch --noscripts" + dbdefs + " " + top.string() +
                 "/RPMS/noarch/*.rpm 2>&1");
    s_bytes = read_bytes(db + "/rpmdb.sqlite");
    s_qa = run("rpm -qa" + dbdefs + " --qf '%{NAME}@%{EVR}\\n' 2>&1");
    s_files = run("rpm -qa" + dbdefs + " --qf '[%{FILENAMES}\\n]' 2>&1");

    // The same header blobs in the other two formats.
    auto read = read_rpmdb_sqlite(s_bytes, k_path, [&](const RpmDbRecord& r) {
      s_records.emplace_back(static_cast<std::uint32_t>(r.hnum), std::string(r.blob));
    });
    if (!read.ok()) s_log += read.error().to_string();
    s_ndb = test_writers::write_ndb(s_records);
    s_hand_bdb = test_writers::write_bdb(s_records);
    write_file(fs::path(s_root) / "hand/Packages", s_hand_bdb);
    s_hand_bdb_qa = rpm_qa_bdb(s_root + "/hand");
    if (!have_db_load()) return;
    for (bool big : {false, true}) {
      std::string dir = s_root + (big ? "/bdb-be" : "/bdb-le");
      write_file(fs::path(dir) / "dump.txt", db_dump_text(s_records, big ? 512 : 4096, big));
      s_log += run("db5.3_load -f " + dir + "/dump.txt " + dir + "/Packages 2>&1");
      (big ? s_bdb_be : s_bdb_le) = read_bytes(dir + "/Packages");
      (big ? s_bdb_be_qa : s_bdb_le_qa) = rpm_qa_bdb(dir);
    }
    // With page checksums (DB_CHKSUM), which rpm's bdb_ro does not read but Berkeley DB allows.
    std::string dir = s_root + "/bdb-ck";
    write_file(fs::path(dir) / "dump.txt", db_dump_text(s_records, 1024, false));
    s_log += run("db5.3_load -c chksum=1 -f " + dir + "/dump.txt " + dir + "/Packages 2>&1");
    s_bdb_ck = read_bytes(dir + "/Packages");
    // The same records as a btree, which rpm never uses for Packages.
    s_log += run("db5.3_load -t btree -f " + dir + "/dump.txt " + dir + "/Btree 2>&1");
    s_bdb_btree = read_bytes(dir + "/Btree");
  }
  // rpm's read-only Berkeley DB backend lists the packages of the Packages file in `dir` (it warns that the index
  // files are missing: only Packages is written).
  static std::string rpm_qa_bdb(const std::string& dir) {
    return run("rpm --dbpath " + dir + " --define '_db_backend bdb_ro' -qa --qf '%{NAME}@%{EVR}\\n' 2>/dev/null");
  }
  static void TearDownTestSuite() {
    if (!s_root.empty()) fs::remove_all(s_root);
  }
  void SetUp() override {
    if (!have_rpm_tools()) GTEST_SKIP() << "rpm and rpmbuild are not installed (Debian package rpm)";
    ASSERT_FALSE(s_bytes.empty()) << s_log;
  }
  static CatalogTester tester() {
    CatalogTester t(&parse_rpm_db);
    t.from_string(s_bytes, k_path).with_file("etc/os-release", "ID=fedora\nVERSION_ID=40\n");
    return t;
  }
  static std::set<std::string> lines(const std::string& text) {
    std::set<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
      auto nl = text.find('\n', at);
      if (nl == std::string::npos) nl = text.size();
      std::string line = text.substr(at, nl - at);
      if (!line.empty() && !line.starts_with("rpm: ")) out.insert(line);  // Debian's "use Alien" notice
      at = nl + 1;
    }
    return out;
  }
  static inline std::string s_root, s_log, s_bytes, s_qa, s_files;
  static inline test_writers::Records s_records;
  static inline std::string s_ndb, s_hand_bdb, s_hand_bdb_qa, s_bdb_le, s_bdb_le_qa, s_bdb_be, s_bdb_be_qa, s_bdb_ck,
      s_bdb_btree;
};

// Everything a parse reports, one line per package, for comparing the formats: the same record numbers give the
// same resolution keys, so equal summaries mean the same packages, purls, fields, owned files and edges.
std::vector<std::string> summary(const ParseResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.entries) {
    const auto& p = e.package;
    std::string line = p.name + "@" + p.version + " " + p.purl + " license=" + p.license + " supplier=" + p.supplier;
    for (const auto& prop : p.properties) line += " " + prop.name + "=" + prop.value;
    for (const auto& l : p.locations) line += " at=" + l.to_string();
    for (const auto& k : e.provides) line += " provides=" + k;
    for (const auto& n : e.needs) line += " needs=" + n.key;
    for (const auto& f : e.owned_files) line += " file=" + f;
    out.push_back(line);
  }
  for (const auto& d : r.diagnostics) out.push_back("diagnostic: " + d.to_string());
  return out;
}

ParseResult parse_as(const std::string& bytes, const std::string& path) {
  CatalogTester t(&parse_rpm_db);
  t.from_string(bytes, path).with_file("etc/os-release", "ID=fedora\nVERSION_ID=40\n");
  return t.result();
}

TEST_F(RpmDbReal, NdbParsesLikeSqlite) {
  ASSERT_EQ(s_records.size(), 3u);
  auto want = summary(parse_as(s_bytes, k_path));
  ASSERT_EQ(want.size(), 3u);
  EXPECT_EQ(summary(parse_as(s_ndb, k_path)), want);
  CatalogTester t(&parse_rpm_db);
  t.from_string(s_ndb, "usr/lib/sysimage/rpm/Packages.db")
      .expect_packages({"alpha@2:1.0-1", "beta@2.5-3.el9", "gamma-impl@0.1-1"})
      .expect_edges({{"alpha@2:1.0-1", "beta@2.5-3.el9"},
                     {"alpha@2:1.0-1", "gamma-impl@0.1-1"},
                     {"beta@2.5-3.el9", "alpha@2:1.0-1"}})
      .expect_no_diagnostics();
}

TEST_F(RpmDbReal, HandWrittenBerkeleyDbIsReadByRpmAndLikeSqlite) {
  // rpm's own bdb_ro backend accepting the test writer's file is what makes the hostile variants credible.
  EXPECT_EQ(lines(s_hand_bdb_qa), lines(s_qa)) << s_log;
  EXPECT_EQ(summary(parse_as(s_hand_bdb, k_path)), summary(parse_as(s_bytes, k_path)));
}

TEST_F(RpmDbReal, BerkeleyDbMadeByDbLoadParsesLikeSqlite) {
  if (!have_db_load()) GTEST_SKIP() << "db5.3_load is not installed (Debian package db5.3-util)";
  ASSERT_FALSE(s_bdb_le.empty()) << s_log;
  ASSERT_FALSE(s_bdb_be.empty()) << s_log;
  // Genuine rpm Berkeley DB files: rpm itself lists the same packages from them.
  EXPECT_EQ(lines(s_bdb_le_qa), lines(s_qa)) << s_log;
  EXPECT_EQ(lines(s_bdb_be_qa), lines(s_qa)) << s_log;
  // Little-endian with 4096-byte pages (x86 rpm's layout) and big-endian with 512-byte pages (s390x, long chains).
  EXPECT_EQ(s_bdb_le.substr(12, 4), std::string("\x61\x15\x06\x00", 4));
  EXPECT_EQ(s_bdb_be.substr(12, 4), std::string("\x00\x06\x15\x61", 4));
  auto want = summary(parse_as(s_bytes, k_path));
  EXPECT_EQ(summary(parse_as(s_bdb_le, k_path)), want);
  EXPECT_EQ(summary(parse_as(s_bdb_be, k_path)), want);
  ASSERT_GT(s_bdb_ck.size(), 26u) << s_log;
  EXPECT_EQ(s_bdb_ck[26], 0x01);  // DBMETA_CHKSUM
  EXPECT_EQ(summary(parse_as(s_bdb_ck, k_path)), want);
  EXPECT_EQ(summary(parse_as(s_bdb_btree, "var/lib/rpm/Packages")),
            (std::vector<std::string>{"diagnostic: var/lib/rpm/Packages: invalid rpm database: a berkeley db btree "
                                      "database, not hash (rpm's Packages is a hash file)"}));
  std::vector<std::int64_t> seen;
  ASSERT_TRUE(read_rpmdb_bdb(s_bdb_be, k_path, [&](const RpmDbRecord& r) { seen.push_back(r.hnum); }).ok());
  EXPECT_EQ(seen, (std::vector<std::int64_t>{1, 2, 3}));
}

TEST_F(RpmDbReal, PackagesMatchRpmQa) {
  auto t = tester();
  std::set<std::string> expected = lines(s_qa);
  EXPECT_EQ(expected, (std::set<std::string>{"alpha@2:1.0-1", "beta@2.5-3.el9", "gamma-impl@0.1-1"}));
  t.expect_packages(expected).expect_no_diagnostics();
}

TEST_F(RpmDbReal, WrittenInWalMode) {
  // rpm keeps its sqlite database in WAL mode: file format versions 2/2, which the in-memory reader must handle.
  ASSERT_GT(s_bytes.size(), 20u);
  EXPECT_EQ(s_bytes[18], 2);
  EXPECT_EQ(s_bytes[19], 2);
}

TEST_F(RpmDbReal, PurlsAndFields) {
  auto t = tester();
  t.expect_purls({
      "pkg:rpm/fedora/alpha@1.0-1?arch=noarch&distro=fedora-40&epoch=2&upstream=alpha-1.0-1.src.rpm",
      "pkg:rpm/fedora/beta@2.5-3.el9?arch=noarch&distro=fedora-40&upstream=beta-2.5-3.el9.src.rpm",
      "pkg:rpm/fedora/gamma-impl@0.1-1?arch=noarch&distro=fedora-40&upstream=gamma-impl-0.1-1.src.rpm",
  });
  auto alpha = t.package("alpha@2:1.0-1");
  EXPECT_EQ(alpha.ecosystem, "rpm");
  EXPECT_EQ(alpha.license, "MIT");
  EXPECT_EQ(alpha.supplier, "Purser Test");
  EXPECT_EQ(alpha.property("purser:rpm:source-rpm"), "alpha-1.0-1.src.rpm");
  EXPECT_EQ(alpha.locations, (std::vector<util::Location>{{k_path}}));
  auto beta = t.package("beta@2.5-3.el9");
  EXPECT_EQ(beta.license, "GPL-2.0-only");
  EXPECT_EQ(beta.supplier, "");
}

TEST_F(RpmDbReal, OwnedFilesMatchRpmQl) {
  auto t = tester();
  std::set<std::string> ours;
  for (const auto& e : t.result().entries)
    for (const auto& f : e.owned_files) ours.insert("/" + f);
  EXPECT_EQ(ours, lines(s_files));
  EXPECT_EQ(ours, (std::set<std::string>{"/bin/beta-sh", "/usr/share/alpha/a.txt", "/usr/share/alpha/doc/b.txt"}));
}

TEST_F(RpmDbReal, EdgesThroughProvidesAndFiles) {
  tester().expect_edges({
      {"alpha@2:1.0-1", "beta@2.5-3.el9"},    // Requires: /bin/beta-sh, a file beta owns
      {"alpha@2:1.0-1", "gamma-impl@0.1-1"},  // Requires: gamma, which gamma-impl provides
      {"beta@2.5-3.el9", "alpha@2:1.0-1"},    // Requires: alpha-api
  });
}

TEST_F(RpmDbReal, WithoutDistroTheNamespaceIsLeftOut) {
  CatalogTester t(&parse_rpm_db);
  t.from_string(s_bytes, k_path);
  EXPECT_EQ(t.package("gamma-impl@0.1-1").purl,
            "pkg:rpm/gamma-impl@0.1-1?arch=noarch&upstream=gamma-impl-0.1-1.src.rpm");
}

TEST_F(RpmDbReal, TruncatedDatabaseIsOneError) {
  CatalogTester t(&parse_rpm_db);
  t.from_string(s_bytes.substr(0, 8192), k_path);
  ASSERT_EQ(t.result().diagnostics.size(), 1u);
  EXPECT_EQ(t.result().diagnostics[0].severity, util::Severity::error);
  EXPECT_TRUE(t.result().entries.empty());
}

// ---------------------------------------------------------------------------------------------------------------
// Hand-made databases (SQLite library + header blobs laid out as rpm does), for hostile input: these run without
// the rpm tool.

void put32(std::string& s, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>(v >> shift);
}

// A header blob: {tag, type, value} entries, strings (type 6) and string arrays (type 8, '\0'-separated).
std::string header(const std::vector<std::tuple<std::uint32_t, std::uint32_t, std::string, std::uint32_t>>& tags) {
  std::string index, data;
  for (const auto& [tag, type, value, count] : tags) {
    put32(index, tag);
    put32(index, type);
    put32(index, static_cast<std::uint32_t>(data.size()));
    put32(index, count);
    data += value;
  }
  std::string out;
  put32(out, static_cast<std::uint32_t>(tags.size()));
  put32(out, static_cast<std::uint32_t>(data.size()));
  return out + index + data;
}

std::string package(const std::string& name, const std::string& provides, const std::string& requires_) {
  return header({{1000, 6, name + '\0', 1},
                 {1001, 6, std::string("1.0") + '\0', 1},
                 {1002, 6, std::string("1") + '\0', 1},
                 {1022, 6, std::string("x86_64") + '\0', 1},
                 {1047, 8, provides + '\0', 1},
                 {1049, 8, requires_ + '\0', 1}});
}

struct Row {
  std::int64_t hnum;
  std::string blob;
  bool as_text = false;
};

class RpmDbHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/purser-rpmdb-XXXXXX";
    m_root = ::mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(m_root); }

  // Runs `schema`, inserts `rows` into Packages, returns the file's bytes.
  std::string make_db(const std::string& schema, const std::vector<Row>& rows) {
    std::string file = m_root + "/db" + std::to_string(m_count++) + ".sqlite";
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, schema.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
    EXPECT_EQ(sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr), SQLITE_OK);
    for (const auto& r : rows) {
      sqlite3_stmt* st = nullptr;
      EXPECT_EQ(sqlite3_prepare_v2(db, "INSERT INTO Packages VALUES (?, ?)", -1, &st, nullptr), SQLITE_OK);
      sqlite3_bind_int64(st, 1, r.hnum);
      if (r.as_text)
        sqlite3_bind_text(st, 2, r.blob.data(), static_cast<int>(r.blob.size()), SQLITE_TRANSIENT);
      else
        sqlite3_bind_blob(st, 2, r.blob.data(), static_cast<int>(r.blob.size()), SQLITE_TRANSIENT);
      EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
      sqlite3_finalize(st);
    }
    EXPECT_EQ(sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    return read_bytes(file);
  }
  std::string make_packages(const std::vector<Row>& rows) {
    return make_db("CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);", rows);
  }
  std::string m_root;
  int m_count = 0;
};

TEST_F(RpmDbHostile, HandMadeDatabaseResolvesEdges) {
  // Not in WAL mode: read in place, without the copy.
  std::string bytes = make_packages({{1, package("bash", "/bin/sh", "libc.so.6()(64bit)")},
                                     {2, package("glibc", "libc.so.6()(64bit)", "rpmlib(PayloadIsZstd)")},
                                     {3, package("coreutils", "coreutils", "/bin/sh")}});
  ASSERT_EQ(bytes[18], 1);
  CatalogTester t(&parse_rpm_db);
  t.from_string(bytes, "usr/lib/sysimage/rpm/rpmdb.sqlite")
      .expect_packages({"bash@1.0-1", "glibc@1.0-1", "coreutils@1.0-1"})
      .expect_edges({{"bash@1.0-1", "glibc@1.0-1"}, {"coreutils@1.0-1", "bash@1.0-1"}})
      .expect_no_diagnostics();
}

TEST_F(RpmDbHostile, HandMadeWalDatabase) {
  // What rpm leaves behind: journal_mode=WAL, checkpointed on close (format versions 2/2).
  std::string bytes = make_db(
      "PRAGMA journal_mode=WAL; CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);",
      {{1, package("bash", "/bin/sh", "")}});
  ASSERT_EQ(bytes[18], 2);
  CatalogTester t(&parse_rpm_db);
  t.from_string(bytes, k_path).expect_packages({"bash@1.0-1"}).expect_no_diagnostics();
}

TEST_F(RpmDbHostile, NotAnSqliteFile) {
  CatalogTester t(&parse_rpm_db);
  t.from_string("hello, world\n", k_path)
      .expect_diagnostics({"var/lib/rpm/rpmdb.sqlite: invalid rpm database: not an sqlite, ndb or berkeley db file"});
  EXPECT_EQ(t.result().diagnostics[0].severity, util::Severity::error);
}

TEST_F(RpmDbHostile, FormatIsChosenByMagicNotName) {
  // An NDB or Berkeley DB file under any of the globbed names goes to its own reader.
  CatalogTester ndb(&parse_rpm_db);
  ndb.from_string(std::string("RpmP\0\0\0\0", 8), k_path)
      .expect_diagnostics(
          {"var/lib/rpm/rpmdb.sqlite: invalid rpm database: truncated: the ndb header needs 32 bytes, the file has 8"});
  std::string bdb(4096, '\0');
  bdb[12] = 0x61;
  bdb[13] = 0x15;
  bdb[14] = 0x06;
  CatalogTester b(&parse_rpm_db);
  b.from_string(bdb, "var/lib/rpm/Packages")
      .expect_diagnostics({"var/lib/rpm/Packages: invalid rpm database: the metadata page has type 0, not hash "
                           "metadata (8)"});
}

TEST_F(RpmDbHostile, MissingPackagesTable) {
  CatalogTester t(&parse_rpm_db);
  t.from_string(make_db("CREATE TABLE Other (x);", {}), k_path)
      .expect_diagnostics({"var/lib/rpm/rpmdb.sqlite: invalid rpm database: no such table: Packages"});
}

TEST_F(RpmDbHostile, PackagesAsAViewIsRefused) {
  CatalogTester t(&parse_rpm_db);
  t.from_string(make_db("CREATE TABLE T (hnum, blob); CREATE VIEW Packages AS SELECT * FROM T;", {}), k_path)
      .expect_diagnostics({"var/lib/rpm/rpmdb.sqlite: invalid rpm database: access to view \"Packages\" prohibited"});
}

TEST_F(RpmDbHostile, MalformedBlobsNameTheirHnum) {
  std::string count_past_end;
  put32(count_past_end, 1);
  put32(count_past_end, 4);
  for (std::uint32_t v : {1000u, 6u, 0u, 1u}) put32(count_past_end, v);
  count_past_end += "abcd";  // no NUL: the string runs past the end
  std::string bytes = make_packages({{1, package("ok", "ok", "")},
                                     {7, "\x01\x02"},
                                     {8, count_past_end},
                                     {9, "text, not a blob", true},
                                     {10, header({{1001, 6, std::string("1") + '\0', 1}})}});
  CatalogTester t(&parse_rpm_db);
  t.from_string(bytes, k_path)
      .expect_packages({"ok@1.0-1"})
      .expect_diagnostics({
          "var/lib/rpm/rpmdb.sqlite: invalid rpm database: Packages hnum 7: invalid rpm header: truncated: no entry "
          "count and data length (blob offset 2)",
          "var/lib/rpm/rpmdb.sqlite: invalid rpm database: Packages hnum 8: invalid rpm header: tag 1000: string 0 "
          "runs past the end of the data store (blob offset 8)",
          "var/lib/rpm/rpmdb.sqlite: invalid rpm database: Packages hnum 9: the blob column does not hold a blob",
          "var/lib/rpm/rpmdb.sqlite: invalid rpm database: Packages hnum 10: header has no NAME",
      });
  EXPECT_EQ(t.result().diagnostics[0].severity, util::Severity::warning);
}

TEST_F(RpmDbHostile, DiagnosticsAreCapped) {
  std::vector<Row> rows;
  for (int i = 1; i <= 30; ++i) rows.push_back({i, "x"});
  CatalogTester t(&parse_rpm_db);
  t.from_string(make_packages(rows), k_path);
  ASSERT_EQ(t.result().diagnostics.size(), 21u);
  EXPECT_EQ(t.result().diagnostics.back().to_string(),
            "var/lib/rpm/rpmdb.sqlite: invalid rpm database: too many problems; the rest are not reported");
}

TEST_F(RpmDbHostile, TooManyRowsIsAnError) {
  std::vector<Row> rows;
  for (std::size_t i = 1; i <= k_rpmdb_max_records + 1; ++i) rows.push_back({static_cast<std::int64_t>(i), ""});
  std::size_t visited = 0;
  auto read = read_rpmdb_sqlite(make_packages(rows), k_path, [&](const RpmDbRecord&) { ++visited; });
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().to_string(), "var/lib/rpm/rpmdb.sqlite: invalid rpm database: more than 200000 packages");
  EXPECT_EQ(visited, k_rpmdb_max_records);
}

TEST(RpmDb, GlobsCoverBothDatabaseLocations) {
  const auto& c = rpm_db_cataloger();
  EXPECT_EQ(c.id, "rpm-db");
  EXPECT_EQ(c.ecosystem, "rpm");
  // usr/lib/sysimage/rpm/Packages: SUSE moved the Berkeley DB there before switching to NDB.
  for (const char* p : {"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/Packages",
                        "var/lib/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages.db", "usr/lib/sysimage/rpm/Packages"})
    EXPECT_TRUE(cataloger_matches(c, p)) << p;
  EXPECT_FALSE(cataloger_matches(c, "var/lib/rpm/rpmdb.sqlite-wal"));
  EXPECT_FALSE(cataloger_matches(c, "var/lib/rpm/Name"));
}

TEST_F(RpmDbHostile, CorruptPagesAreOneError) {
  std::string bytes = make_packages({{1, package("ok", "ok", "")}});
  for (std::size_t i = 4096; i < bytes.size(); ++i) bytes[i] = static_cast<char>(0xa5);
  CatalogTester t(&parse_rpm_db);
  t.from_string(bytes, k_path);
  ASSERT_EQ(t.result().diagnostics.size(), 1u);
  EXPECT_EQ(t.result().diagnostics[0].to_string(),
            "var/lib/rpm/rpmdb.sqlite: invalid rpm database: reading Packages: database disk image is malformed");
}

TEST_F(RpmDbHostile, ReadRecordsInHnumOrder) {
  std::vector<std::pair<std::int64_t, std::string>> seen;
  auto read = read_rpmdb_sqlite(make_packages({{5, "b"}, {2, "a"}}), k_path,
                                [&](const RpmDbRecord& r) { seen.emplace_back(r.hnum, std::string(r.blob)); });
  ASSERT_TRUE(read.ok()) << read.error().to_string();
  EXPECT_EQ(seen, (std::vector<std::pair<std::int64_t, std::string>>{{2, "a"}, {5, "b"}}));
  auto bad = read_rpmdb_sqlite("SQLite format 3", k_path, [](const RpmDbRecord&) {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().to_string(), "var/lib/rpm/rpmdb.sqlite: invalid rpm database: not an sqlite database");
}

}  // namespace
}  // namespace purser::catalog::os
