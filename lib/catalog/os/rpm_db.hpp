#pragma once
// Cataloger rpm-db: installed RPM packages from the rpm database, in any of rpm's three formats: SQLite
// (rpmdb.sqlite, rpm >= 4.16, the default of Fedora 33+ and RHEL 9), NDB (Packages.db, openSUSE and SLES 15+) and
// the Berkeley DB hash file (Packages, RHEL/CentOS <= 8, Amazon Linux 2, older SUSE). Each reader hands the same
// (record number, header blob) records to one shared header parser and edge resolver.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/catalog/cataloger.hpp"

namespace purser::catalog::os {

/// One package record of an rpm database: the record number (SQLite and Berkeley DB hnum, NDB pkgidx) and the RPM
/// header blob. `blob` points into the reader's buffer (SQLite's row, the caller's bytes, or an overflow chain
/// assembled for the call) and is valid only during the visitor call.
struct RpmDbRecord {
  std::int64_t hnum = 0;
  std::string_view blob;
  std::string problem;  ///< why the blob could not be read (blob is then empty); empty when it was
};

/// Called once per record, in hnum order.
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
/// A column that holds another SQLite type than a blob is a record with problem "the blob column does not hold a
/// blob".
util::Status read_rpmdb_sqlite(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit);

/// Visits every record of the bytes of a Berkeley DB hash file as rpm writes var/lib/rpm/Packages: the metadata page
/// in either byte order, page size 512..65536, keys 4-byte record numbers in the metadata's byte order (key 0, rpm's
/// own bookkeeping record, is skipped), values header blobs stored inline or on a chain of overflow pages. Records
/// are collected first, then visited in hnum order, one assembled blob at a time. A record whose blob cannot be
/// assembled (overflow page out of range or of the wrong type, a chain that loops, shares a page with another
/// record, or is shorter or longer than declared, a declared length over k_rpmdb_max_blob_bytes or the file size, a
/// duplicate key) is visited with `problem` set. ErrorCode::parse with "invalid rpm database: why" and `path` for
/// a file that cannot be walked at all: not a Berkeley DB file, another access method than hash, an encrypted file,
/// a bad page size, a file shorter than its last page, a malformed hash page, too many records; nothing is visited
/// then. Time and memory are linear in the file size.
util::Status read_rpmdb_bdb(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit);

/// Visits every record of the bytes of an NDB Packages.db (rpm's lib/backend/ndb/rpmpkg.c layout): a little-endian
/// 'RpmP' header (version 0, generation, slot page count), 4096-byte slot pages of {'Slot', pkgidx, block offset,
/// block count} entries, and per package a blob framed by a 'BlbS' head {pkgidx, timestamp, length} and a 'BlbE'
/// tail {adler32, length}, in 16-byte blocks. Records are visited in pkgidx order with hnum = pkgidx. A slot whose
/// blob lies outside the file or over the slot pages or another blob, or whose frame does not check (magic, pkgidx,
/// length against the block count, tail length, adler32), is visited with `problem` set. ErrorCode::parse with
/// "invalid rpm database: why" and `path` for a file that cannot be walked: not an NDB file, another version, slot
/// pages past the end of the file or without the 'Slot' magic, too many records; nothing is visited then.
util::Status read_rpmdb_ndb(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit);

/// Registry entry for rpm-db.
const Cataloger& rpm_db_cataloger();

/// Parses an rpm database; see ParseFn. Each package is {name, [epoch:]version-release}, PURL
/// pkg:rpm/<distro id>/<name>@<version>-<release>?arch=&epoch=&distro=&upstream=<source rpm>, supplier VENDOR,
/// license LICENSE, owned files from BASENAMES/DIRNAMES/DIRINDEXES. Requires resolve within the database to the
/// package that provides the name (or owns the file, for "/bin/sh"-style requires); rpmlib(...) requires are
/// skipped. The format is chosen by the file's magic (SQLite, NDB 'RpmP', Berkeley DB), not its name. A malformed
/// or unreadable record is a warning naming its hnum (pkgidx for NDB); the other packages are still reported.
ParseResult parse_rpm_db(std::string_view bytes, const std::string& path, const FileResolver& resolver);

}  // namespace purser::catalog::os
