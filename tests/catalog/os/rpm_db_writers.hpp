#pragma once
// Test-only writers of rpm's NDB (Packages.db) and Berkeley DB hash (Packages) files from header blobs.
//
// The NDB writer is written from the format description (rpm's lib/backend/ndb/rpmpkg.c layout: header, slot pages,
// framed blobs) because no Debian tool can produce an NDB file: Debian's rpm is built without the ndb backend.
// The Berkeley DB writer is written from Berkeley DB's documented page layout (dbinc/db_page.h) so hostile variants
// can be made without db5.3_load; rpm_db_test.cpp checks that real rpm (bdb_ro) reads its output, and also builds
// the same database with db5.3_load.

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace purser::catalog::os::test_writers {

/// (record number, header blob) pairs, as read_rpmdb_sqlite visits them.
using Records = std::vector<std::pair<std::uint32_t, std::string>>;

inline void put32(std::string& s, std::size_t at, std::uint32_t v, bool big = false) {
  for (int i = 0; i < 4; ++i) s[at + i] = static_cast<char>(v >> (8 * (big ? 3 - i : i)));
}
inline void put16(std::string& s, std::size_t at, std::uint32_t v, bool big = false) {
  s[at + (big ? 1 : 0)] = static_cast<char>(v);
  s[at + (big ? 0 : 1)] = static_cast<char>(v >> 8);
}
inline std::uint32_t get32(std::string_view s, std::size_t at, bool big = false) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])) << (8 * (big ? 3 - i : i));
  return v;
}

// RFC 1950 section 8.2, written plainly for the tests.
inline std::uint32_t adler32(std::string_view b) {
  std::uint64_t s1 = 1, s2 = 0;
  for (unsigned char c : b) {
    s1 = (s1 + c) % 65521;
    s2 = (s2 + s1) % 65521;
  }
  return static_cast<std::uint32_t>(s2 << 16 | s1);
}

/// NDB: one 4096-byte slot page (the 32-byte header 'RpmP', version 0, generation, 1 slot page, next pkgidx; then
/// 254 slots 'Slot' pkgidx blkoff blkcnt), blobs from block 256 (byte 4096) on in record order, each framed as
/// head {'BlbS', pkgidx, timestamp, length}, blob, zero padding to 16 bytes, tail {adler32, length, 'BlbE'}.
/// Record i's slot is at byte 32 + 16 * i.
inline std::string write_ndb(const Records& records) {
  std::string f(4096, '\0');
  std::uint32_t next = 1;
  for (const auto& [idx, blob] : records) next = std::max(next, idx + 1);
  f.replace(0, 4, "RpmP");
  put32(f, 8, 1);  // generation
  put32(f, 12, 1);
  put32(f, 16, next);
  for (std::size_t at = 32; at < 4096; at += 16) f.replace(at, 4, "Slot");
  std::size_t slot = 32;
  for (const auto& [idx, blob] : records) {
    std::size_t blocks = (16 + blob.size() + 12 + 15) / 16;
    std::size_t off = f.size();
    put32(f, slot + 4, idx);
    put32(f, slot + 8, static_cast<std::uint32_t>(off / 16));
    put32(f, slot + 12, static_cast<std::uint32_t>(blocks));
    slot += 16;
    std::string b(blocks * 16, '\0');
    b.replace(0, 4, "BlbS");
    put32(b, 4, idx);
    put32(b, 8, 1700000000);
    put32(b, 12, static_cast<std::uint32_t>(blob.size()));
    b.replace(16, blob.size(), blob);
    std::size_t tail = b.size() - 12;
    put32(b, tail, adler32(std::string_view(b).substr(0, tail)));
    put32(b, tail + 4, static_cast<std::uint32_t>(blob.size()));
    b.replace(tail + 8, 4, "BlbE");
    f += b;
  }
  return f;
}

/// Berkeley DB hash file: page 0 the hash metadata (magic 0x061561, version 9, one bucket on page 1), page 1 a
/// hash page (type 13) holding rpm's record 0 and every record as key/value items, then each value's overflow
/// chain (type 7) in record order: a value of n bytes takes ceil(n / (page_size - 26)) pages. Values shorter than
/// `inline_below` are stored on the hash page instead (H_KEYDATA). Keys and metadata in the chosen byte order.
/// `checksum` lays pages out as DB_CHKSUM does (metadata flag 0x01; contents from byte 32, checksum left zero).
inline std::string write_bdb(const Records& records, std::uint32_t page_size = 512, bool big = false,
                             std::size_t inline_below = 0, bool checksum = false) {
  const std::size_t hdr = checksum ? 32 : 26;
  const std::size_t chunk = page_size - hdr;
  std::vector<std::string> pages(2, std::string(page_size, '\0'));
  std::vector<std::string> items;  // key, value, key, value ...
  auto key = [&](std::uint32_t n) {
    std::string k(5, '\x01');
    put32(k, 1, n, big);
    return k;
  };
  items.push_back(key(0));
  std::string next(5, '\x01');
  put32(next, 1, static_cast<std::uint32_t>(records.size() + 1), big);
  items.push_back(next);
  for (const auto& [idx, blob] : records) {
    items.push_back(key(idx));
    if (blob.size() < inline_below) {
      items.push_back('\x01' + blob);
      continue;
    }
    std::string off(12, '\0');
    off[0] = 3;
    put32(off, 4, static_cast<std::uint32_t>(pages.size()), big);
    put32(off, 8, static_cast<std::uint32_t>(blob.size()), big);
    items.push_back(off);
    std::size_t n = blob.empty() ? 1 : (blob.size() + chunk - 1) / chunk;
    for (std::size_t i = 0; i < n; ++i) {
      std::string p(page_size, '\0');
      auto pgno = static_cast<std::uint32_t>(pages.size());
      std::string part = blob.substr(i * chunk, chunk);
      put32(p, 8, pgno, big);
      put32(p, 12, i == 0 ? 0 : pgno - 1, big);
      put32(p, 16, i + 1 == n ? 0 : pgno + 1, big);
      put16(p, 20, 1, big);
      put16(p, 22, static_cast<std::uint32_t>(part.size()), big);
      p[25] = 7;
      p.replace(hdr, part.size(), part);
      pages.push_back(p);
    }
  }
  std::string& h = pages[1];
  put32(h, 8, 1, big);
  std::size_t top = page_size;
  for (std::size_t i = 0; i < items.size(); ++i) {
    top -= items[i].size();
    h.replace(top, items[i].size(), items[i]);
    put16(h, hdr + 2 * i, static_cast<std::uint32_t>(top), big);
  }
  put16(h, 20, static_cast<std::uint32_t>(items.size()), big);
  put16(h, 22, static_cast<std::uint32_t>(top), big);
  h[25] = 13;
  std::string& m = pages[0];
  put32(m, 12, 0x061561, big);
  put32(m, 16, 9, big);  // hash version of Berkeley DB 4.6 to 5.3
  put32(m, 20, page_size, big);
  m[25] = 8;
  if (checksum) m[26] = 0x01;
  put32(m, 32, static_cast<std::uint32_t>(pages.size() - 1), big);
  put32(m, 72, 0, big);                                               // max_bucket
  put32(m, 76, 1, big);                                               // high_mask
  put32(m, 80, 0, big);                                               // low_mask
  put32(m, 84, 0, big);                                               // fill factor
  put32(m, 88, static_cast<std::uint32_t>(records.size() + 1), big);  // nelem
  put32(m, 96, 1, big);                                               // spares[0]: bucket 0 is page 0 + 1
  std::string out;
  for (const auto& p : pages) out += p;
  return out;
}

}  // namespace purser::catalog::os::test_writers
