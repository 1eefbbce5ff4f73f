// Reader of rpm's NDB Packages.db, the layout of rpm's lib/backend/ndb/rpmpkg.c: a 32-byte header in the first slot
// page, 4096-byte slot pages of 16-byte slots, and blobs in 16-byte blocks, each framed by a head and a tail. All
// integers are little-endian.

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

constexpr std::uint32_t fourcc(const char (&s)[5]) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(s[0])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(s[3])) << 24;
}

// Header: magic 'RpmP', version (0), generation, slot page count, next pkgidx; it occupies the first two slots.
constexpr std::uint32_t k_header_magic = fourcc("RpmP");
constexpr std::size_t k_header_size = 32;
// Slot: magic 'Slot', pkgidx, block offset (0 = free slot), block count.
constexpr std::uint32_t k_slot_magic = fourcc("Slot");
constexpr std::size_t k_slot_size = 16;
constexpr std::size_t k_slot_page_size = 4096;
constexpr std::uint64_t k_block_size = 16;
// Blob head: magic 'BlbS', pkgidx, timestamp, length; tail: adler32 of head, blob and padding, length, 'BlbE'.
constexpr std::uint32_t k_head_magic = fourcc("BlbS");
constexpr std::uint32_t k_tail_magic = fourcc("BlbE");
constexpr std::uint64_t k_head_size = 16;
constexpr std::uint64_t k_tail_size = 12;

std::uint32_t le32(std::string_view b, std::uint64_t at) {
  auto u = [&](std::uint64_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(b[at + i])); };
  return u(0) | u(1) << 8 | u(2) << 16 | u(3) << 24;
}

// RFC 1950 section 8.2.
std::uint32_t adler32(std::string_view b) {
  constexpr std::uint32_t mod = 65521;
  std::uint32_t s1 = 1, s2 = 0;
  std::size_t at = 0;
  while (at < b.size()) {
    std::size_t n = std::min<std::size_t>(b.size() - at, 5552);  // no overflow before the reduction
    for (std::size_t i = 0; i < n; ++i) {
      s1 += static_cast<unsigned char>(b[at + i]);
      s2 += s1;
    }
    s1 %= mod;
    s2 %= mod;
    at += n;
  }
  return s2 << 16 | s1;
}

struct Slot {
  std::uint32_t slotno = 0;
  std::uint32_t pkgidx = 0;
  std::uint64_t blkoff = 0;
  std::uint64_t blkcnt = 0;
  std::string problem;
};

// Checks a blob's frame; on success `blob` is the header blob inside it.
std::string read_blob(std::string_view bytes, const Slot& s, std::string_view& blob) {
  std::uint64_t off = s.blkoff * k_block_size;
  std::uint64_t end = off + s.blkcnt * k_block_size;
  std::string at = "blob at block " + std::to_string(s.blkoff);
  if (le32(bytes, off) != k_head_magic) return at + " has no 'BlbS' magic";
  if (std::uint32_t owner = le32(bytes, off + 4); owner != s.pkgidx)
    return at + " belongs to pkgidx " + std::to_string(owner);
  std::uint64_t len = le32(bytes, off + 12);
  std::uint64_t need = (k_head_size + len + k_tail_size + k_block_size - 1) / k_block_size;
  if (need != s.blkcnt)
    return at + ": length " + std::to_string(len) + " does not fit its " + std::to_string(s.blkcnt) + " blocks";
  std::uint64_t tail = end - k_tail_size;
  if (le32(bytes, tail + 8) != k_tail_magic) return at + " has no 'BlbE' tail";
  if (le32(bytes, tail + 4) != len)
    return at + ": the tail's length " + std::to_string(le32(bytes, tail + 4)) + " differs from the head's " +
           std::to_string(len);
  if (le32(bytes, tail) != adler32(bytes.substr(off, tail - off))) return at + " fails its adler32 checksum";
  blob = bytes.substr(off + k_head_size, len);
  return {};
}

}  // namespace

util::Status read_rpmdb_ndb(std::string_view bytes, const std::string& path, const RpmDbVisitor& visit) {
  if (bytes.size() < 4 || le32(bytes, 0) != k_header_magic) return bad(path, "not an ndb database");
  if (bytes.size() < k_header_size)
    return bad(path, "truncated: the ndb header needs 32 bytes, the file has " + std::to_string(bytes.size()));
  if (std::uint32_t version = le32(bytes, 4); version != 0)
    return bad(path, "ndb version " + std::to_string(version) + " is not read (only version 0)");
  std::uint64_t slot_pages = le32(bytes, 12);
  if (slot_pages == 0) return bad(path, "the ndb header declares no slot pages");
  if (slot_pages * k_slot_page_size > bytes.size())
    return bad(path, "truncated: " + std::to_string(slot_pages) + " slot pages need " +
                         std::to_string(slot_pages * k_slot_page_size) + " bytes, the file has " +
                         std::to_string(bytes.size()));
  std::uint64_t file_blocks = bytes.size() / k_block_size;
  std::uint64_t first_data_block = slot_pages * k_slot_page_size / k_block_size;

  std::vector<Slot> slots;
  std::uint64_t slot_count = slot_pages * k_slot_page_size / k_slot_size;
  for (std::uint64_t n = k_header_size / k_slot_size; n < slot_count; ++n) {
    std::uint64_t at = n * k_slot_size;
    if (le32(bytes, at) != k_slot_magic) return bad(path, "slot " + std::to_string(n) + " has no 'Slot' magic");
    Slot s;
    s.slotno = static_cast<std::uint32_t>(n);
    s.pkgidx = le32(bytes, at + 4);
    s.blkoff = le32(bytes, at + 8);
    s.blkcnt = le32(bytes, at + 12);
    if (s.blkoff == 0) continue;  // a free slot
    if (slots.size() == k_rpmdb_max_records)
      return bad(path, "more than " + std::to_string(k_rpmdb_max_records) + " packages");
    std::string blocks = "blocks " + std::to_string(s.blkoff) + " to " + std::to_string(s.blkoff + s.blkcnt);
    if (s.pkgidx == 0)
      s.problem = "slot " + std::to_string(n) + " holds a blob for pkgidx 0";
    else if (s.blkoff < first_data_block)
      s.problem = "slot " + std::to_string(n) + ": the blob's " + blocks + " lie in the slot pages";
    else if (s.blkoff + s.blkcnt > file_blocks)
      s.problem = "slot " + std::to_string(n) + ": the blob's " + blocks + " lie outside the file (" +
                  std::to_string(file_blocks) + " blocks)";
    else if (s.blkcnt * k_block_size < k_head_size + k_tail_size)
      s.problem = "slot " + std::to_string(n) + ": " + std::to_string(s.blkcnt) + " blocks cannot hold a blob";
    slots.push_back(std::move(s));
  }

  // rpm keeps blobs disjoint; a blob overlapping an earlier one (by block offset) is refused, which also keeps the
  // checksumming work within the file size.
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) { return a.blkoff < b.blkoff; });
  std::uint64_t end = first_data_block;
  std::uint32_t end_owner = 0;
  for (auto& s : slots) {
    if (!s.problem.empty()) continue;
    if (s.blkoff < end) {
      s.problem =
          "slot " + std::to_string(s.slotno) + ": the blob overlaps pkgidx " + std::to_string(end_owner) + "'s blob";
      continue;
    }
    end = s.blkoff + s.blkcnt;
    end_owner = s.pkgidx;
  }
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
    return a.pkgidx != b.pkgidx ? a.pkgidx < b.pkgidx : a.slotno < b.slotno;
  });
  for (std::size_t i = 0; i < slots.size(); ++i) {
    const Slot& s = slots[i];
    RpmDbRecord r;
    r.hnum = s.pkgidx;
    if (i > 0 && slots[i - 1].pkgidx == s.pkgidx)
      r.problem =
          "slot " + std::to_string(s.slotno) + " repeats the pkgidx of slot " + std::to_string(slots[i - 1].slotno);
    else if (!s.problem.empty())
      r.problem = s.problem;
    else
      r.problem = read_blob(bytes, s, r.blob);
    visit(r);
  }
  return util::Ok{};
}

}  // namespace purser::catalog::os
