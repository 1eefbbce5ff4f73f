// Reader of rpm's Berkeley DB Packages file: the hash access method's on-disk layout as Berkeley DB documents it in
// dbinc/db_page.h (DBMETA/HMETA metadata page, PAGE header, hash items HKEYDATA and HOFFPAGE, overflow pages) and
// as rpm uses it (lib/backend/db3.c: key = the header instance number as a native 32-bit integer, value = the
// header blob; record 0 holds rpm's next instance number).

#include <algorithm>
#include <string>
#include <vector>

#include "lib/catalog/os/rpm_db.hpp"

namespace purser::catalog::os {

namespace {

using util::ErrorCode;
using util::make_error;

util::Error bad(const std::string& path, std::string why) {
  return make_error(ErrorCode::parse, "invalid rpm database: " + std::move(why), {path});
}

// DBMETA: magic at 12, page size at 20, encryption algorithm at 24, page type at 25, meta flags at 26, last page
// number at 32. The magic tells the access method and, read in either byte order, the creator's byte order.
constexpr std::uint32_t k_hash_magic = 0x061561;
constexpr std::uint32_t k_btree_magic = 0x053162;
constexpr std::uint32_t k_queue_magic = 0x042253;
constexpr std::uint32_t k_heap_magic = 0x074582;
constexpr std::size_t k_meta_size = 512;           // HMETA fills the first 512 bytes of page 0
constexpr unsigned char k_metaflag_chksum = 0x01;  // DBMETA_CHKSUM: every page carries a checksum

// Page types (db_page.h "Page types").
constexpr unsigned char k_page_hash_unsorted = 2;
constexpr unsigned char k_page_overflow = 7;
constexpr unsigned char k_page_hash_meta = 8;
constexpr unsigned char k_page_hash = 13;

// PAGE: lsn (8), pgno (4), prev_pgno (4), next_pgno at 16, entries at 20 (overflow: reference count), hf_offset at
// 22 (overflow: bytes on the page), level, type at 25; the index array (hash) or the data (overflow) follows at 26,
// or at 32 when pages carry a checksum (PG_CHKSUM: 2 unused bytes and a 4-byte checksum).
constexpr std::size_t k_page_overhead = 26;
constexpr std::size_t k_page_overhead_chksum = 32;

// Hash item types: the first byte of each item (db_page.h H_KEYDATA ... H_OFFDUP). HOFFPAGE is {type, 3 unused,
// pgno, tlen}.
constexpr unsigned char k_item_keydata = 1;
constexpr unsigned char k_item_offpage = 3;
constexpr std::size_t k_offpage_size = 12;

// Where one record's header blob is: inline on the hash page, or the first overflow page and the total length.
struct Item {
  std::uint32_t hnum = 0;
  std::string_view inline_blob;
  std::uint32_t pgno = 0;
  std::uint64_t tlen = 0;
  bool offpage = false;
  std::string problem;
};

class HashFile {
 public:
  HashFile(std::string_view bytes, bool big_endian) : m_bytes(bytes), m_big(big_endian) {}

  std::uint32_t u32(std::size_t at) const {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(byte(at + (m_big ? 3 - i : i))) << (8 * i);
    return v;
  }
  std::uint16_t u16(std::size_t at) const {
    return static_cast<std::uint16_t>(m_big ? byte(at) << 8 | byte(at + 1) : byte(at) | byte(at + 1) << 8);
  }
  unsigned byte(std::size_t at) const { return static_cast<unsigned char>(m_bytes[at]); }

  std::size_t page_size = 0;
  std::size_t overhead = k_page_overhead;
  std::uint32_t last_pgno = 0;

  std::size_t page_at(std::uint32_t pgno) const { return static_cast<std::size_t>(pgno) * page_size; }
  std::string_view bytes() const { return m_bytes; }

 private:
  std::string_view m_bytes;
  bool m_big;
};

std::string access_method(std::uint32_t magic) {
  if (magic == k_btree_magic) return "btree";
  if (magic == k_queue_magic) return "queue";
  return "heap";
}

std::uint32_t magic_in(std::string_view b, bool big) {
  auto u = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[12 + i])); };
  return big ? u(0) << 24 | u(1) << 16 | u(2) << 8 | u(3) : u(3) << 24 | u(2) << 16 | u(1) << 8 | u(0);
}

// Reads the metadata page: byte order, access method, page size, checksum layout, last page.
util::Result<HashFile> open_meta(std::string_view bytes, const std::string& path) {
  if (bytes.size() < 16) return bad(path, "not a berkeley db file");
  bool big = false;
  std::uint32_t magic = 0;
  for (bool b : {false, true}) {
    std::uint32_t m = magic_in(bytes, b);
    if (m == k_hash_magic || m == k_btree_magic || m == k_queue_magic || m == k_heap_magic) {
      big = b;
      magic = m;
      break;
    }
  }
  if (magic == 0) return bad(path, "not a berkeley db file");
  if (magic != k_hash_magic)
    return bad(path, "a berkeley db " + access_method(magic) + " database, not hash (rpm's Packages is a hash file)");
  if (bytes.size() < k_meta_size)
    return bad(path, "truncated: the metadata page needs 512 bytes, the file has " + std::to_string(bytes.size()));
  HashFile f(bytes, big);
  if (f.byte(25) != k_page_hash_meta)
    return bad(path, "the metadata page has type " + std::to_string(f.byte(25)) + ", not hash metadata (8)");
  if (f.byte(24) != 0) return bad(path, "the berkeley db file is encrypted");
  std::uint32_t page_size = f.u32(20);
  if (page_size < 512 || page_size > 65536 || (page_size & (page_size - 1)) != 0)
    return bad(path, "bad page size " + std::to_string(page_size) + " (a power of two from 512 to 65536)");
  f.page_size = page_size;
  if (f.byte(26) & k_metaflag_chksum) f.overhead = k_page_overhead_chksum;
  std::uint64_t pages = bytes.size() / page_size;
  f.last_pgno = f.u32(32);
  if (f.last_pgno >= pages)
    return bad(path, "truncated: the last page is " + std::to_string(f.last_pgno) + " but the file holds " +
                         std::to_string(pages) + " pages of " + std::to_string(page_size) + " bytes");
  return f;
}

// Collects the (key, value) pairs of one hash page. Items are stored from the end of the page downwards, so item i
// spans [index[i], index[i - 1]) (page end for i = 0); keys and values alternate.
util::Status read_hash_page(const HashFile& f, std::uint32_t pgno, const std::string& path, std::vector<Item>& out) {
  std::size_t base = f.page_at(pgno);
  std::string where = "page " + std::to_string(pgno) + ": ";
  std::size_t entries = f.u16(base + 20);
  if (entries % 2 != 0) return bad(path, where + "odd item count " + std::to_string(entries) + " on a hash page");
  std::size_t data_start = f.overhead + 2 * entries;
  if (data_start > f.page_size) return bad(path, where + std::to_string(entries) + " items do not fit the page");
  auto item = [&](std::size_t i, std::size_t& off, std::size_t& end) -> util::Status {
    off = f.u16(base + f.overhead + 2 * i);
    end = i == 0 ? f.page_size : f.u16(base + f.overhead + 2 * (i - 1));
    if (off < data_start || off >= end || end > f.page_size)
      return bad(path, where + "item " + std::to_string(i) + " at offset " + std::to_string(off) + " is out of place");
    return util::Ok{};
  };
  for (std::size_t i = 0; i < entries; i += 2) {
    std::size_t koff = 0, kend = 0, doff = 0, dend = 0;
    if (auto s = item(i, koff, kend); !s.ok()) return s;
    if (auto s = item(i + 1, doff, dend); !s.ok()) return s;
    if (f.byte(base + koff) != k_item_keydata || kend - koff != 5)
      return bad(path, where + "item " + std::to_string(i) + " is not a 4-byte record number key");
    Item it;
    it.hnum = f.u32(base + koff + 1);
    unsigned type = f.byte(base + doff);
    if (type == k_item_keydata) {
      it.inline_blob = f.bytes().substr(base + doff + 1, dend - doff - 1);
    } else if (type == k_item_offpage) {
      if (dend - doff < k_offpage_size)
        return bad(path, where + "off-page item " + std::to_string(i + 1) + " is only " + std::to_string(dend - doff) +
                             " bytes");
      it.offpage = true;
      it.pgno = f.u32(base + doff + 4);
      it.tlen = f.u32(base + doff + 8);
    } else {
      it.problem = "value item of type " + std::to_string(type) + " is not a header blob (rpm stores no duplicates)";
    }
    if (it.hnum == 0) continue;  // rpm's own record: the next instance number
    if (out.size() == k_rpmdb_max_records)
      return bad(path, "more than " + std::to_string(k_rpmdb_max_records) + " packages");
    out.push_back(std::move(it));
  }
  return util::Ok{};
}

// Follows an overflow chain into `buf`. `used` marks the pages of every chain read so far: in a sound file each
// overflow page belongs to one chain, so a page seen twice is a loop or a shared page, and the total work stays
// linear in the file size.
std::string assemble(const HashFile& f, const Item& it, std::vector<bool>& used, std::string& buf) {
  buf.clear();
  std::uint64_t capacity = static_cast<std::uint64_t>(f.last_pgno) * (f.page_size - f.overhead);
  if (it.tlen > k_rpmdb_max_blob_bytes || it.tlen > capacity)
    return "declared blob length " + std::to_string(it.tlen) + " is more than the file can hold";
  buf.reserve(static_cast<std::size_t>(it.tlen));
  std::uint32_t pgno = it.pgno;
  for (;;) {
    if (pgno == 0 || pgno > f.last_pgno)
      return "overflow page " + std::to_string(pgno) + " is outside the file (pages 1 to " +
             std::to_string(f.last_pgno) + ")";
    if (used[pgno]) return "overflow page " + std::to_string(pgno) + " is reached twice (a loop or a shared chain)";
    used[pgno] = true;
    std::size_t base = f.page_at(pgno);
    if (f.byte(base + 25) != k_page_overflow)
      return "page " + std::to_string(pgno) + " is not an overflow page (type " + std::to_string(f.byte(base + 25)) +
             ")";
    std::size_t len = f.u16(base + 22);
    if (f.overhead + len > f.page_size)
      return "overflow page " + std::to_string(pgno) + " claims " + std::to_string(len) + " bytes, past its end";
    if (buf.size() + len > it.tlen)
      return "the overflow chain holds more than the declared " + std::to_string(it.tlen) + " bytes";
    buf.append(f.bytes().substr(base + f.overhead, len));
    pgno = f.u32(base + 16);
    if (pgno == 0) break;
  }
  if (buf.size() != it.tlen)
    return "the overflow chain ends after " + std::to_string(buf.size()) + " of " + std::to_string(it.tlen) + " bytes";
  return {};
}

}  // namespace

util::Status read_rpmdb_bdb(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit) {
  auto file = open_meta(bytes, path);
  if (!file.ok()) return file.error();
  const HashFile& f = *file;

  // Every hash page, in file order, rather than the bucket directory (HMETA spares): the pages are typed, freed
  // pages are P_INVALID, so this finds the same records without trusting the directory of a damaged file.
  std::vector<Item> items;
  for (std::uint32_t pgno = 1; pgno <= f.last_pgno; ++pgno) {
    unsigned type = f.byte(f.page_at(pgno) + 25);
    if (type != k_page_hash && type != k_page_hash_unsorted) continue;
    if (auto s = read_hash_page(f, pgno, path, items); !s.ok()) return s;
  }
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.hnum < b.hnum; });

  std::vector<bool> used(static_cast<std::size_t>(f.last_pgno) + 1, false);
  std::string buf;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const Item& it = items[i];
    RpmDbRecord r;
    r.hnum = it.hnum;
    if (i > 0 && items[i - 1].hnum == it.hnum) {
      r.problem = "the key is stored twice; the first value is used";
    } else if (!it.problem.empty()) {
      r.problem = it.problem;
    } else if (!it.offpage) {
      r.blob = it.inline_blob;
    } else {
      r.problem = assemble(f, it, used, buf);
      if (r.problem.empty()) r.blob = buf;
    }
    visit(r);
  }
  return util::Ok{};
}

}  // namespace purser::catalog::os
