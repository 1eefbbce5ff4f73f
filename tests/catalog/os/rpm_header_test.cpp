#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "lib/catalog/os/rpm_header.hpp"

namespace purser::catalog::os {
namespace {

void put32(std::string& s, std::uint32_t v) {
  s += static_cast<char>(v >> 24);
  s += static_cast<char>(v >> 16);
  s += static_cast<char>(v >> 8);
  s += static_cast<char>(v);
}

// Builds a header blob the way rpm lays it out: index entries, then the data store.
class HeaderBuilder {
 public:
  HeaderBuilder& string(std::uint32_t tag, const std::string& v) { return add(tag, 6, v + '\0', 1); }
  HeaderBuilder& strings(std::uint32_t tag, const std::vector<std::string>& v) {
    std::string bytes;
    for (const auto& s : v) bytes += s + '\0';
    return add(tag, 8, bytes, static_cast<std::uint32_t>(v.size()));
  }
  HeaderBuilder& int32s(std::uint32_t tag, const std::vector<std::uint32_t>& v) {
    while (m_data.size() % 4 != 0) m_data += '\0';  // rpm aligns int32 data
    std::string bytes;
    for (auto x : v) put32(bytes, x);
    return add(tag, 4, bytes, static_cast<std::uint32_t>(v.size()));
  }
  /// A raw index entry, for hostile headers.
  HeaderBuilder& raw(std::uint32_t tag, std::uint32_t type, std::uint32_t offset, std::uint32_t count) {
    m_index.push_back({tag, type, offset, count});
    return *this;
  }
  std::string build(bool with_magic = false) const {
    std::string out;
    if (with_magic) out += std::string("\x8e\xad\xe8\x01\0\0\0\0", 8);
    put32(out, static_cast<std::uint32_t>(m_index.size()));
    put32(out, static_cast<std::uint32_t>(m_data.size()));
    for (const auto& e : m_index)
      for (auto v : e) put32(out, v);
    return out + m_data;
  }

 private:
  HeaderBuilder& add(std::uint32_t tag, std::uint32_t type, const std::string& bytes, std::uint32_t count) {
    m_index.push_back({tag, type, static_cast<std::uint32_t>(m_data.size()), count});
    m_data += bytes;
    return *this;
  }
  std::vector<std::array<std::uint32_t, 4>> m_index;
  std::string m_data;
};

HeaderBuilder bash_header() {
  HeaderBuilder b;
  b.string(1000, "bash")
      .string(1001, "5.2.26")
      .string(1002, "3.fc40")
      .int32s(1003, {1})
      .string(1011, "Fedora Project")
      .string(1014, "GPL-3.0-or-later")
      .string(1022, "x86_64")
      .string(1044, "bash-5.2.26-3.fc40.src.rpm")
      .strings(1047, {"/bin/bash", "bash", "bash(x86-64)"})
      .strings(1049, {"filesystem", "libc.so.6()(64bit)", "rtld(GNU_HASH)"})
      .int32s(1116, {0, 0, 1})
      .strings(1117, {"bash", "sh", "bash"})
      .strings(1118, {"/usr/bin/", "/usr/share/doc/"})
      .string(5000, "ignored tag");
  return b;
}

TEST(RpmHeader, ReadsPackageTags) {
  auto h = parse_rpm_header(bash_header().build());
  ASSERT_TRUE(h.ok()) << h.error().to_string();
  EXPECT_EQ(h->name, "bash");
  EXPECT_EQ(h->version, "5.2.26");
  EXPECT_EQ(h->release, "3.fc40");
  EXPECT_EQ(h->epoch, 1u);
  EXPECT_EQ(h->vendor, "Fedora Project");
  EXPECT_EQ(h->license, "GPL-3.0-or-later");
  EXPECT_EQ(h->arch, "x86_64");
  EXPECT_EQ(h->source_rpm, "bash-5.2.26-3.fc40.src.rpm");
  EXPECT_EQ(h->provide_names, (std::vector<std::string>{"/bin/bash", "bash", "bash(x86-64)"}));
  EXPECT_EQ(h->require_names, (std::vector<std::string>{"filesystem", "libc.so.6()(64bit)", "rtld(GNU_HASH)"}));
  EXPECT_EQ(h->files(), (std::vector<std::string>{"usr/bin/bash", "usr/bin/sh", "usr/share/doc/bash"}));
}

TEST(RpmHeader, SkipsFileMagicAndRegionTags) {
  HeaderBuilder b = bash_header();
  b.raw(63, 7, 0xfffffff0, 16);  // HEADERIMMUTABLE points past the data store; never read
  auto h = parse_rpm_header(b.build(true));
  ASSERT_TRUE(h.ok()) << h.error().to_string();
  EXPECT_EQ(h->name, "bash");
  EXPECT_FALSE(parse_rpm_header(HeaderBuilder().string(1000, "x").build()).value().epoch.has_value());
}

TEST(RpmHeader, FilesSkipBadDirIndexes) {
  HeaderBuilder b;
  b.int32s(1116, {0, 7}).strings(1117, {"a", "b"}).strings(1118, {"/etc/"});
  EXPECT_EQ(parse_rpm_header(b.build()).value().files(), (std::vector<std::string>{"etc/a"}));
}

std::string error_of(const std::string& blob) {
  auto h = parse_rpm_header(blob);
  if (h.ok()) return "ok";
  EXPECT_EQ(h.error().code, util::ErrorCode::parse);
  return "@" + std::to_string(h.error().location.offset) + ": " + h.error().message;
}

TEST(RpmHeader, HostileHeaders) {
  EXPECT_EQ(error_of(""), "@0: invalid rpm header: truncated: no entry count and data length");
  std::string zero;
  put32(zero, 0);
  put32(zero, 0);
  EXPECT_EQ(error_of(zero), "@0: invalid rpm header: entry count 0 outside 1..65535");
  std::string huge;
  put32(huge, 1);
  put32(huge, 0x7fffffff);
  EXPECT_EQ(error_of(huge), "@4: invalid rpm header: data length 2147483647 exceeds 268435456");

  std::string full = bash_header().build();
  EXPECT_EQ(error_of(full.substr(0, full.size() - 1)),
            "@" + std::to_string(full.size() - 1) + ": invalid rpm header: truncated: 14 entries and " +
                std::to_string(full.size() - 8 - 14 * 16) + " data bytes need " + std::to_string(full.size()) +
                " bytes, have " + std::to_string(full.size() - 1));

  HeaderBuilder offset;
  offset.string(1001, "1").raw(1000, 6, 100, 1);
  EXPECT_EQ(error_of(offset.build()), "@32: invalid rpm header: tag 1000: offset 100 outside the 2-byte data store");

  HeaderBuilder unterminated;
  unterminated.raw(1000, 6, 0, 1).raw(5000, 7, 0, 1);
  std::string blob = unterminated.build();
  blob[4 + 3] = 3;  // data length 3
  blob += "abc";    // no NUL
  EXPECT_EQ(error_of(blob), "@8: invalid rpm header: tag 1000: string 0 runs past the end of the data store");

  HeaderBuilder many;
  many.strings(1117, {"a", "b"});
  std::string m = many.build();
  m[8 + 15] = 3;  // claims three strings, holds two
  EXPECT_EQ(error_of(m), "@8: invalid rpm header: tag 1117: string 2 runs past the end of the data store");

  HeaderBuilder ints;
  ints.int32s(1116, {1, 2});
  std::string i = ints.build();
  i[8 + 15] = 3;  // three int32 in eight bytes
  EXPECT_EQ(error_of(i), "@8: invalid rpm header: tag 1116: 3 int32 values run past the end of the data store");

  HeaderBuilder type;
  type.string(1000, "x").raw(1000, 42, 0, 1);
  EXPECT_EQ(error_of(type.build()), "@28: invalid rpm header: tag 1000: unknown type 42");

  HeaderBuilder wrong;
  wrong.int32s(1000, {5});
  EXPECT_EQ(error_of(wrong.build()), "@8: invalid rpm header: tag 1000: type 4 is not a string");
  HeaderBuilder wrong_int;
  wrong_int.string(1003, "1");
  EXPECT_EQ(error_of(wrong_int.build()), "@8: invalid rpm header: tag 1003: type 6 is not int32");

  HeaderBuilder count;
  count.string(1000, "x").raw(1117, 8, 0, 0);
  EXPECT_EQ(error_of(count.build()), "@36: invalid rpm header: tag 1117: count 0 out of range");
}

}  // namespace
}  // namespace purser::catalog::os
