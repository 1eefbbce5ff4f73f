#include "lib/util/strings.hpp"

#include <string>
#include <vector>

#include <gtest/gtest.h>

using namespace purser::util;

TEST(Strings, Trim) {
  EXPECT_EQ(trim("  a b \t\r\n"), "a b");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim(" \t "), "");
  EXPECT_EQ(trim("x"), "x");
}

TEST(Strings, SplitKeepsEmptyFields) {
  EXPECT_EQ(split("a,b,,c", ','), (std::vector<std::string_view>{"a", "b", "", "c"}));
  EXPECT_EQ(split("", ','), (std::vector<std::string_view>{""}));
  EXPECT_EQ(split(",", ','), (std::vector<std::string_view>{"", ""}));
  EXPECT_EQ(split("abc", ','), (std::vector<std::string_view>{"abc"}));
}

TEST(Strings, ToLowerAsciiOnly) {
  EXPECT_EQ(to_lower("MiXeD-1.0"), "mixed-1.0");
  EXPECT_EQ(to_lower("\xc3\x89"), "\xc3\x89");  // non-ASCII untouched
}

TEST(Strings, HexEncode) {
  EXPECT_EQ(hex_encode(std::string("\x00\xff\x10", 3)), "00ff10");
  EXPECT_EQ(hex_encode(""), "");
}

TEST(Strings, Base64RoundTrip) {
  // RFC 4648 §10 test vectors.
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    std::string out;
    ASSERT_TRUE(base64_decode(encoded, out)) << encoded;
    EXPECT_EQ(out, plain);
  }
}

TEST(Strings, Base64DecodeVariants) {
  std::string out;
  ASSERT_TRUE(base64_decode("Zm9vYg", out));  // padding optional
  EXPECT_EQ(out, "foob");
  ASSERT_TRUE(base64_decode("-_8", out));  // URL-safe alphabet
  EXPECT_EQ(out, "\xfb\xff");
  ASSERT_TRUE(base64_decode("+/8=", out));
  EXPECT_EQ(out, "\xfb\xff");
  EXPECT_FALSE(base64_decode("Zm9v!", out));
  EXPECT_FALSE(base64_decode("Z", out));      // one leftover character cannot encode a byte
  EXPECT_FALSE(base64_decode("Zm=9v", out));  // padding in the middle
  EXPECT_FALSE(base64_decode("Zm 9v", out));
}

// RFC 4648 §3.2: padding, when present, completes the last quantum; it is never longer and never partial.
TEST(Strings, Base64DecodeRejectsWrongPadding) {
  std::string out = "stale";
  EXPECT_FALSE(base64_decode("aGk==", out));  // one '=' too many
  EXPECT_EQ(out, "");
  EXPECT_FALSE(base64_decode("Zm9vYg=", out));  // padded but not a multiple of 4
  EXPECT_FALSE(base64_decode("Zg===", out));
  EXPECT_FALSE(base64_decode("====", out));
  EXPECT_FALSE(base64_decode("=", out));
  ASSERT_TRUE(base64_decode("Zm9vYg==", out));
  EXPECT_EQ(out, "foob");
}

TEST(Strings, Base64LongInputAndAppend) {
  std::string bytes;
  for (int i = 0; i < 10000; ++i) bytes.push_back(static_cast<char>(i * 7));  // longer than one decode chunk
  std::string encoded = "prefix:";
  append_base64(encoded, bytes);
  ASSERT_EQ(encoded.substr(0, 7), "prefix:");
  EXPECT_EQ(encoded.substr(7), base64_encode(bytes));
  std::string out;
  ASSERT_TRUE(base64_decode(encoded.substr(7), out));
  EXPECT_EQ(out, bytes);
  std::string bad = encoded.substr(7);
  bad[5000] = '*';
  EXPECT_FALSE(base64_decode(bad, out));
  EXPECT_EQ(out, "");
}

TEST(Strings, LineOfOffset) {
  std::string_view t = "a\nbc\n\nd";
  EXPECT_EQ(line_of_offset(t, 0), 1u);
  EXPECT_EQ(line_of_offset(t, 1), 1u);  // the '\n' itself is on line 1
  EXPECT_EQ(line_of_offset(t, 2), 2u);
  EXPECT_EQ(line_of_offset(t, 5), 3u);
  EXPECT_EQ(line_of_offset(t, 6), 4u);
  EXPECT_EQ(line_of_offset(t, 1000), 4u);  // clamped
  EXPECT_EQ(line_of_offset("", 0), 1u);
}

TEST(Strings, LooksLikeText) {
  EXPECT_TRUE(looks_like_text("name = \"x\"\n\tversion = 1\r\n"));
  EXPECT_TRUE(looks_like_text(""));
  EXPECT_TRUE(looks_like_text("caf\xc3\xa9"));
  EXPECT_FALSE(looks_like_text(std::string("ab\0cd", 5)));
  EXPECT_FALSE(looks_like_text("\x01\x02\x03\x04hello"));
  // Only the probe window is examined.
  std::string late_nul = std::string(100, 'a') + std::string(1, '\0');
  EXPECT_TRUE(looks_like_text(late_nul, 50));
  EXPECT_FALSE(looks_like_text(late_nul, 200));
}

TEST(Strings, Printable) {
  EXPECT_EQ(printable("plain"), "plain");
  EXPECT_EQ(printable("a\nb\x7f\xc3"), "a\\x0ab\\x7f\\xc3");
  EXPECT_EQ(printable("abcdef", 3), "abc...");
  EXPECT_EQ(printable("abc", 3), "abc");
  EXPECT_EQ(printable(""), "");
}

TEST(Strings, AppendUtf8EncodesEveryLength) {
  std::string out;
  purser::util::append_utf8(out, 0x41);
  purser::util::append_utf8(out, 0xE9);
  purser::util::append_utf8(out, 0x20AC);
  purser::util::append_utf8(out, 0x1F600);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(Strings, TerminalCellEscapesControlsAndCutsLongValues) {
  EXPECT_EQ(purser::util::terminal_cell("", 10), "-");
  EXPECT_EQ(purser::util::terminal_cell("abc", 3), "abc");
  EXPECT_EQ(purser::util::terminal_cell("a\x1b[31mb\x7f", 20), "a\\x1b[31mb\\x7f");
  EXPECT_EQ(purser::util::terminal_cell("abcdef", 3), "ab\xe2\x80\xa6");  // the ellipsis counts: 3 columns
  EXPECT_EQ(purser::util::terminal_cell("\xc3\xa9\xc3\xa9\xc3\xa9", 2),
            "\xc3\xa9\xe2\x80\xa6");  // cut on code points
  EXPECT_EQ(purser::util::display_width("\xc3\xa9t\xc3\xa9"), 3u);
}
