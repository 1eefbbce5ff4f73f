#include "lib/catalog/os/rpm_header.hpp"

#include <utility>

namespace purser::catalog::os {

namespace {

using util::ErrorCode;
using util::make_error;

// Header data types (rpm's rpmTagType, "RPM file format": header index entry types).
enum : std::uint32_t {
  k_null = 0,
  k_char = 1,
  k_int8 = 2,
  k_int16 = 3,
  k_int32 = 4,
  k_int64 = 5,
  k_string = 6,
  k_bin = 7,
  k_string_array = 8,
  k_i18n_string = 9,
};

std::uint32_t be32(std::string_view s, std::size_t at) {
  auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}

struct Entry {
  std::uint32_t tag, type, offset, count;
  std::size_t index_at;  ///< byte offset of the index entry in the blob
};

util::Error bad(std::size_t offset, std::string why) {
  util::Location loc;
  loc.offset = offset;
  return make_error(ErrorCode::parse, "invalid rpm header: " + std::move(why), loc);
}

// Reads `count` NUL-terminated strings starting at `offset` of the data store.
util::Result<std::vector<std::string>> strings(std::string_view data, const Entry& e) {
  std::vector<std::string> out;
  std::size_t at = e.offset;
  for (std::uint32_t i = 0; i < e.count; ++i) {
    auto nul = at < data.size() ? data.find('\0', at) : std::string_view::npos;
    if (nul == std::string_view::npos)
      return bad(e.index_at, "tag " + std::to_string(e.tag) + ": string " + std::to_string(i) +
                                 " runs past the end of the data store");
    out.emplace_back(data.substr(at, nul - at));
    at = nul + 1;
  }
  return out;
}

util::Result<std::string> one_string(std::string_view data, const Entry& e) {
  if (e.type != k_string && e.type != k_i18n_string && e.type != k_string_array)
    return bad(e.index_at, "tag " + std::to_string(e.tag) + ": type " + std::to_string(e.type) + " is not a string");
  Entry first = e;
  first.count = 1;  // STRING has count 1; for the arrays the first string is the value (I18N: the C locale)
  PURSER_TRY_ASSIGN(list, strings(data, first));
  return std::move(list.front());
}

util::Result<std::vector<std::string>> string_array(std::string_view data, const Entry& e) {
  if (e.type != k_string_array && e.type != k_i18n_string && e.type != k_string)
    return bad(e.index_at,
               "tag " + std::to_string(e.tag) + ": type " + std::to_string(e.type) + " is not a string array");
  return strings(data, e);
}

util::Result<std::vector<std::uint32_t>> int32_array(std::string_view data, const Entry& e) {
  if (e.type != k_int32)
    return bad(e.index_at, "tag " + std::to_string(e.tag) + ": type " + std::to_string(e.type) + " is not int32");
  if (std::uint64_t(e.offset) + std::uint64_t(e.count) * 4 > data.size())
    return bad(e.index_at, "tag " + std::to_string(e.tag) + ": " + std::to_string(e.count) +
                               " int32 values run past the end of the data store");
  std::vector<std::uint32_t> out;
  out.reserve(e.count);
  for (std::uint32_t i = 0; i < e.count; ++i) out.push_back(be32(data, e.offset + std::size_t(i) * 4));
  return out;
}

}  // namespace

std::vector<std::string> RpmHeader::files() const {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < basenames.size() && i < dir_indexes.size(); ++i) {
    if (dir_indexes[i] >= dirnames.size()) continue;
    std::string path = dirnames[dir_indexes[i]] + basenames[i];
    std::size_t strip = 0;
    while (strip < path.size() && path[strip] == '/') ++strip;
    if (strip < path.size()) out.push_back(path.substr(strip));
  }
  return out;
}

util::Result<RpmHeader> parse_rpm_header(std::string_view blob) {
  std::size_t base = 0;
  if (blob.size() >= 8 && static_cast<unsigned char>(blob[0]) == 0x8e && static_cast<unsigned char>(blob[1]) == 0xad &&
      static_cast<unsigned char>(blob[2]) == 0xe8)
    base = 8;
  if (blob.size() < base + 8) return bad(blob.size(), "truncated: no entry count and data length");
  const std::uint32_t il = be32(blob, base);
  const std::uint32_t dl = be32(blob, base + 4);
  if (il == 0 || il > k_rpm_max_index_entries)
    return bad(base, "entry count " + std::to_string(il) + " outside 1.." + std::to_string(k_rpm_max_index_entries));
  if (dl > k_rpm_max_data_bytes)
    return bad(base + 4, "data length " + std::to_string(dl) + " exceeds " + std::to_string(k_rpm_max_data_bytes));
  const std::size_t index_at = base + 8;
  const std::size_t data_at = index_at + std::size_t(il) * 16;
  if (blob.size() < data_at + dl)
    return bad(blob.size(), "truncated: " + std::to_string(il) + " entries and " + std::to_string(dl) +
                                " data bytes need " + std::to_string(data_at + dl) + " bytes, have " +
                                std::to_string(blob.size()));
  const std::string_view data = blob.substr(data_at, dl);

  RpmHeader h;
  for (std::uint32_t i = 0; i < il; ++i) {
    const std::size_t at = index_at + std::size_t(i) * 16;
    Entry e{be32(blob, at), be32(blob, at + 4), be32(blob, at + 8), be32(blob, at + 12), at};
    if (e.type > k_i18n_string)
      return bad(at + 4, "tag " + std::to_string(e.tag) + ": unknown type " + std::to_string(e.type));
    // Region tags (HEADERIMMUTABLE and friends) point at the trailer just past the data; skip them unchecked.
    if (e.tag < 1000) continue;
    if (e.offset >= dl)
      return bad(at + 8, "tag " + std::to_string(e.tag) + ": offset " + std::to_string(e.offset) + " outside the " +
                             std::to_string(dl) + "-byte data store");
    if (e.count == 0 || e.count > dl)
      return bad(at + 12, "tag " + std::to_string(e.tag) + ": count " + std::to_string(e.count) + " out of range");
    switch (e.tag) {
      case 1000: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.name = std::move(v);
        break;
      }
      case 1001: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.version = std::move(v);
        break;
      }
      case 1002: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.release = std::move(v);
        break;
      }
      case 1003: {
        PURSER_TRY_ASSIGN(v, int32_array(data, e));
        h.epoch = v.front();
        break;
      }
      case 1011: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.vendor = std::move(v);
        break;
      }
      case 1014: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.license = std::move(v);
        break;
      }
      case 1022: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.arch = std::move(v);
        break;
      }
      case 1044: {
        PURSER_TRY_ASSIGN(v, one_string(data, e));
        h.source_rpm = std::move(v);
        break;
      }
      case 1047: {
        PURSER_TRY_ASSIGN(v, string_array(data, e));
        h.provide_names = std::move(v);
        break;
      }
      case 1049: {
        PURSER_TRY_ASSIGN(v, string_array(data, e));
        h.require_names = std::move(v);
        break;
      }
      case 1116: {
        PURSER_TRY_ASSIGN(v, int32_array(data, e));
        h.dir_indexes = std::move(v);
        break;
      }
      case 1117: {
        PURSER_TRY_ASSIGN(v, string_array(data, e));
        h.basenames = std::move(v);
        break;
      }
      case 1118: {
        PURSER_TRY_ASSIGN(v, string_array(data, e));
        h.dirnames = std::move(v);
        break;
      }
      default:
        break;
    }
  }
  return h;
}

}  // namespace purser::catalog::os
