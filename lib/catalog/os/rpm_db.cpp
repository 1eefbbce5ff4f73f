#include "lib/catalog/os/rpm_db.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "lib/catalog/capped_diagnostics.hpp"
#include "lib/catalog/os/os_release.hpp"
#include "lib/catalog/os/rpm_header.hpp"
#include "lib/model/purl.hpp"
#include "lib/util/strings.hpp"

namespace purser::catalog::os {

namespace {

using util::ErrorCode;
using util::make_error;

constexpr std::size_t k_max_diagnostics = 20;
// Progress-handler calls (one per k_progress_ops virtual machine instructions) before a query is abandoned: reading
// every row of a real database takes a few thousand.
constexpr int k_progress_ops = 1000;
constexpr std::uint64_t k_max_progress_calls = 200000;

util::Error bad(const std::string& path, std::string why) {
  return make_error(ErrorCode::parse, "invalid rpm database: " + std::move(why), {path});
}

// SQLite file format (sqlite.org/fileformat2.html) 1.3: the 16-byte magic; bytes 18 and 19 are the file format
// write and read versions, 2 meaning WAL.
constexpr std::string_view k_sqlite_magic{"SQLite format 3\0", 16};

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

int on_progress(void* counter) {
  auto* n = static_cast<std::uint64_t*>(counter);
  return ++*n > k_max_progress_calls ? 1 : 0;
}

// The SQLite library's own message, already lower-case ("file is not a database", "no such table: Packages").
std::string sqlite_why(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

// rpm's NDB format (lib/backend/ndb/rpmpkg.c): the Packages.db file starts with the little-endian magic 'RpmP'.
bool looks_like_ndb(std::string_view b) { return b.size() >= 4 && b.substr(0, 4) == "RpmP"; }

// Berkeley DB (db_page.h, DBMETA): every access method's metadata page carries its magic at byte 12, in the
// creator's byte order: hash 0x061561, btree 0x053162, queue 0x042253, heap 0x074582. All are routed to the
// Berkeley DB reader, which reads hash and names the others.
bool looks_like_bdb(std::string_view b) {
  if (b.size() < 16) return false;
  auto u = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[i])); };
  std::uint32_t le = u(12) | u(13) << 8 | u(14) << 16 | u(15) << 24;
  std::uint32_t be = u(15) | u(14) << 8 | u(13) << 16 | u(12) << 24;
  for (std::uint32_t magic : {0x061561u, 0x053162u, 0x042253u, 0x074582u})
    if (le == magic || be == magic) return true;
  return false;
}

struct Pkg {
  std::int64_t hnum = 0;
  RpmHeader h;
  std::vector<std::string> files;  ///< without the leading '/'
  std::string key;                 ///< the resolution key: unique per record
};

std::string evr(const RpmHeader& h) {
  std::string v = h.version + "-" + h.release;
  return h.epoch ? std::to_string(*h.epoch) + ":" + v : v;
}

// purl-spec, types/rpm-definition.json: namespace = the vendor, lower-cased (the os-release ID, as for deb and apk;
// left out when no distribution is known, as in the spec's "pkg:rpm/centerim@4.22.10-1" example); version =
// "version-release"; qualifiers arch and epoch (when the header has one), distro as for deb, and upstream = the
// source rpm file name (SOURCERPM).
std::string make_purl(const RpmHeader& h, const std::optional<Distro>& distro) {
  model::Purl purl;
  purl.type = "rpm";
  if (distro && !distro->id.empty()) purl.namespace_ = util::to_lower(distro->id);
  purl.name = h.name;
  purl.version = h.version + "-" + h.release;
  if (!h.arch.empty()) purl.qualifiers["arch"] = h.arch;
  if (h.epoch) purl.qualifiers["epoch"] = std::to_string(*h.epoch);
  if (distro) {
    if (auto q = distro_qualifier(*distro); !q.empty()) purl.qualifiers["distro"] = q;
  }
  if (!h.source_rpm.empty()) purl.qualifiers["upstream"] = h.source_rpm;
  return purl.to_string();
}

Entry make_entry(Pkg& p, const std::string& path, const std::optional<Distro>& distro) {
  Entry e;
  auto& pkg = e.package;
  pkg.name = p.h.name;
  pkg.version = evr(p.h);
  pkg.ecosystem = "rpm";
  pkg.purl = make_purl(p.h, distro);
  pkg.license = p.h.license;
  pkg.supplier = strip_email(p.h.vendor);
  pkg.locations.push_back({path});
  if (!p.h.source_rpm.empty()) pkg.add_property("purser:rpm:source-rpm", p.h.source_rpm);
  e.provides.push_back(p.key);
  e.owned_files = std::move(p.files);
  return e;
}

// Requirements rpm satisfies itself or that name no package: rpmlib(...) features of rpm itself, and rich (boolean)
// dependencies "(a or b)" (rpm 4.13), which are not resolved here.
bool skipped_requirement(const std::string& name) {
  return name.empty() || name.starts_with("rpmlib(") || name.front() == '(';
}

// The package satisfying `req` for `from`, as rpm's dependency check would find it: a package whose PROVIDENAME (or
// NAME) matches, else, for a path, the package that owns the file. A requirement `from` satisfies itself draws no
// edge. Among several providers the one of `from`'s architecture (or noarch) wins, then database order. Versions
// are not compared: rpm installed them consistently.
const Pkg* choose(const std::string& req, const Pkg& from,
                  const std::unordered_map<std::string, std::vector<const Pkg*>>& by_provide,
                  const std::unordered_map<std::string, const Pkg*>& by_file) {
  const std::vector<const Pkg*>* list = nullptr;
  if (auto it = by_provide.find(req); it != by_provide.end()) list = &it->second;
  if (list == nullptr) {
    if (req.front() != '/') return nullptr;
    auto it = by_file.find(req.substr(1));
    return it == by_file.end() || it->second == &from ? nullptr : it->second;
  }
  if (std::find(list->begin(), list->end(), &from) != list->end()) return nullptr;
  for (const Pkg* c : *list)
    if (c->h.arch == from.h.arch || c->h.arch == "noarch") return c;
  return list->front();
}

enum class Format { sqlite, ndb, bdb };

// Which of rpm's three database formats the bytes are, by magic.
util::Result<Format> detect_format(std::string_view bytes, const std::string& path) {
  if (bytes.substr(0, k_sqlite_magic.size()) == k_sqlite_magic) return Format::sqlite;
  if (looks_like_ndb(bytes)) return Format::ndb;
  if (looks_like_bdb(bytes)) return Format::bdb;
  return bad(path, "not an sqlite, ndb or berkeley db file");
}

util::Status read_records(Format format, std::string_view bytes, const std::string& path, const RpmDbVisitor& visit) {
  switch (format) {
    case Format::ndb:
      return read_rpmdb_ndb(bytes, path, visit);
    case Format::bdb:
      return read_rpmdb_bdb(bytes, path, visit);
    case Format::sqlite:
      break;
  }
  return read_rpmdb_sqlite(bytes, path, visit);
}

void parse_impl(std::string_view bytes, const std::string& path, const FileResolver& resolver, ParseResult& out) {
  auto format = detect_format(bytes, path);
  if (!format.ok()) {
    out.diagnostics.push_back({util::Severity::error, format.error().message, format.error().location});
    return;
  }
  // Warnings name the record as the format does: the hnum of the Packages table or hash file, NDB's pkgidx.
  std::string label = *format == Format::ndb ? "Packages.db pkgidx " : "Packages hnum ";
  CappedDiagnostics diags(out, path, "invalid rpm database", k_max_diagnostics);
  std::vector<Pkg> pkgs;
  // Each header is parsed as its row is read: only the parsed fields are kept, never the blobs.
  auto read = read_records(*format, bytes, path, [&](const RpmDbRecord& r) {
    std::string where = label + std::to_string(r.hnum) + ": ";
    if (!r.problem.empty()) {
      diags.warn(where + r.problem);
      return;
    }
    auto h = parse_rpm_header(r.blob);
    if (!h.ok()) {
      std::string why = h.error().message;
      if (h.error().location.offset != UINT64_MAX)
        why += " (blob offset " + std::to_string(h.error().location.offset) + ")";
      diags.warn(where + why);
      return;
    }
    if (h->name.empty() || h->version.empty()) {
      diags.warn(where + "header has no " + (h->name.empty() ? "NAME" : "VERSION"));
      return;
    }
    Pkg p;
    p.hnum = r.hnum;
    p.files = h->files();
    p.h = std::move(*h);
    p.key = "rpm:" + std::to_string(r.hnum);
    pkgs.push_back(std::move(p));
  });
  if (!read.ok()) out.diagnostics.push_back({util::Severity::error, read.error().message, read.error().location});
  if (pkgs.empty()) return;

  std::optional<Distro> distro = read_distro(resolver, path);
  std::unordered_map<std::string, std::vector<const Pkg*>> by_provide;
  std::unordered_map<std::string, const Pkg*> by_file;
  for (const auto& p : pkgs) {
    auto add = [&](const std::string& name) {
      auto& list = by_provide[name];
      if (list.empty() || list.back() != &p) list.push_back(&p);
    };
    add(p.h.name);
    for (const auto& v : p.h.provide_names) add(v);
    for (const auto& f : p.files) by_file.emplace(f, &p);
  }
  for (auto& p : pkgs) {
    std::vector<std::string> needs;
    std::unordered_set<std::string> seen;
    for (const auto& req : p.h.require_names) {
      if (skipped_requirement(req)) continue;
      const Pkg* c = choose(req, p, by_provide, by_file);
      if (c != nullptr && seen.insert(c->key).second) needs.push_back(c->key);
    }
    Entry e = make_entry(p, path, distro);
    for (auto& n : needs) e.needs.push_back({std::move(n)});
    out.entries.push_back(std::move(e));
  }
}

}  // namespace

util::Status read_rpmdb_sqlite(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit) {
  if (bytes.size() < 100 || bytes.substr(0, k_sqlite_magic.size()) != k_sqlite_magic)
    return bad(path, "not an sqlite database");
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK) return bad(path, "cannot open an in-memory database: " + sqlite_why(raw));

  // Hostile files: no triggers or views run, schema functions must be innocuous, no write to the shadow tables,
  // strings and blobs stay under rpm's own header limit.
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
  sqlite3_limit(raw, SQLITE_LIMIT_LENGTH, static_cast<int>(k_rpmdb_max_blob_bytes));
  sqlite3_limit(raw, SQLITE_LIMIT_ATTACHED, 0);
  std::uint64_t progress = 0;
  sqlite3_progress_handler(raw, k_progress_ops, &on_progress, &progress);

  // The memdb VFS has no shared memory for a WAL index, so a WAL-mode file (rpm sets journal_mode=WAL) is opened
  // as a rollback-journal one: a copy with the format version bytes set to 1 (legacy). Otherwise SQLite reads the
  // caller's bytes in place; SQLITE_DESERIALIZE_READONLY guarantees it never writes to them.
  unsigned char* data = reinterpret_cast<unsigned char*>(const_cast<char*>(bytes.data()));
  unsigned flags = SQLITE_DESERIALIZE_READONLY;
  if (bytes[18] != 1 || bytes[19] != 1) {
    data = static_cast<unsigned char*>(sqlite3_malloc64(bytes.size()));
    if (data == nullptr) return bad(path, "out of memory");
    std::memcpy(data, bytes.data(), bytes.size());
    data[18] = 1;
    data[19] = 1;
    flags |= SQLITE_DESERIALIZE_FREEONCLOSE;
  }
  auto size = static_cast<sqlite3_int64>(bytes.size());
  rc = sqlite3_deserialize(raw, "main", data, size, size, flags);
  if (rc != SQLITE_OK) return bad(path, "cannot open: " + sqlite_why(raw));

  sqlite3_stmt* raw_stmt = nullptr;
  rc = sqlite3_prepare_v2(raw, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &raw_stmt, nullptr);
  std::unique_ptr<sqlite3_stmt, StmtFinalizer> stmt(raw_stmt);
  if (rc != SQLITE_OK) return bad(path, sqlite_why(raw));

  std::size_t rows = 0;
  while ((rc = sqlite3_step(raw_stmt)) == SQLITE_ROW) {
    if (rows++ == k_rpmdb_max_records)
      return bad(path, "more than " + std::to_string(k_rpmdb_max_records) + " packages");
    RpmDbRecord r;
    r.hnum = sqlite3_column_int64(raw_stmt, 0);
    if (sqlite3_column_type(raw_stmt, 1) != SQLITE_BLOB) {
      r.problem = "the blob column does not hold a blob";
    } else {
      const void* blob = sqlite3_column_blob(raw_stmt, 1);
      int n = sqlite3_column_bytes(raw_stmt, 1);
      if (blob != nullptr && n > 0)
        r.blob = std::string_view(static_cast<const char*>(blob), static_cast<std::size_t>(n));
    }
    visit(r);
  }
  if (rc != SQLITE_DONE) {
    if (rc == SQLITE_INTERRUPT) return bad(path, "reading Packages takes too long");
    return bad(path, "reading Packages: " + sqlite_why(raw));
  }
  return util::Ok{};
}

ParseResult parse_rpm_db(std::string_view bytes, const std::string& path, const FileResolver& resolver) {
  ParseResult out;
  try {
    parse_impl(bytes, path, resolver, out);
  } catch (const std::exception& e) {
    out.diagnostics.push_back({util::Severity::error, std::string("invalid rpm database: ") + e.what(), {path}});
  }
  return out;
}

const Cataloger& rpm_db_cataloger() {
  static const Cataloger c{
      "rpm-db",
      "rpm",
      {"installed", "os"},
      {"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite", "var/lib/rpm/Packages.db",
       "usr/lib/sysimage/rpm/Packages.db", "var/lib/rpm/Packages", "usr/lib/sysimage/rpm/Packages"},
      "installed RPM packages (rpmdb.sqlite, ndb Packages.db, berkeley db Packages) with their "
      "files and requires/provides edges",
      &parse_rpm_db,
      {"etc/os-release", "usr/lib/os-release", "etc/redhat-release", "etc/system-release"}};
  return c;
}

}  // namespace purser::catalog::os
