#pragma once
// Cataloger rpm-db: installed RPM packages from the rpm database. The SQLite form (rpmdb.sqlite, rpm >= 4.16, the
// default of Fedora 33+, RHEL 9, openSUSE) is read; the NDB form (Packages.db) and the Berkeley DB hash form
// (Packages) are recognised and reported as unsupported.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::os {

/// One row of the rpm database's Packages table: the record number and the RPM header blob. `blob` points into
/// SQLite's row buffer and is valid only during the visitor call.
struct RpmDbRecord {
  std::int64_t hnum = 0;
  std::string_view blob;
  bool is_blob = true;  ///< false when the column holds another SQLite type (blob is then empty)
};

/// Called once per row, in hnum order.
using RpmDbVisitor = std::function<void(const RpmDbRecord&)>;

/// Limits applied to a database: rpm's own limits, with room to spare (a full distribution has a few thousand
/// packages).
inline constexpr std::size_t k_rpmdb_max_records = 200000;
inline constexpr std::uint64_t k_rpmdb_max_blob_bytes = 256ull * 1024 * 1024;

/// Visits every (hnum, blob) row of Packages of the bytes of an rpmdb.sqlite file, one at a time (no row is kept).
/// The bytes are opened as a read-only in-memory database (sqlite3_deserialize); the filesystem is never touched,
/// triggers, views and untrusted schema functions are off, and time is bounded. A database left in WAL mode is read
/// from a copy marked rollback-journal (the -wal file is not consulted). ErrorCode::parse with "invalid rpm
/// database: why" and `path` otherwise: not an SQLite file, no Packages table, a corrupt file, too many rows, too
/// long; rows visited before such an error stay visited.
util::Status read_rpmdb_sqlite(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit);

/// Registry entry for rpm-db.
const Cataloger& rpm_db_cataloger();

/// Parses an rpm database; see ParseFn. Each package is {name, [epoch:]version-release}, PURL
/// pkg:rpm/<distro id>/<name>@<version>-<release>?arch=&epoch=&distro=&upstream=<source rpm>, supplier VENDOR,
/// license LICENSE, owned files from BASENAMES/DIRNAMES/DIRINDEXES. Requires resolve within the database to the
/// package that provides the name (or owns the file, for "/bin/sh"-style requires); rpmlib(...) requires are
/// skipped. A malformed header is a warning naming its hnum; the other packages are still reported.
ParseResult parse_rpm_db(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::os
