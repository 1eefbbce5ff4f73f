#include "lib/util/json_scan.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/util/strings.hpp"

namespace purser::util::json {
namespace {

// "ok" when `text` is one valid JSON value (whitespace around it allowed), else "@OFFSET: REASON".
std::string skip_result(std::string_view text, Options options = {}) {
  Scanner s(text, options);
  if (s.skip_value() && !s.at_end()) s.fail_unexpected("end of input");
  if (!s.failed()) return "ok";
  return "@" + std::to_string(s.error_offset()) + ": " + s.error_reason();
}

// Writes the events of scan() as one line: "{@0 k:a@1 s:x@5 }" and so on.
class Recorder : public Events {
 public:
  std::string out;
  std::vector<bool> skips;  ///< answers to skip_next(), in order; false once used up

  bool skip_next() override {
    if (m_next >= skips.size()) return false;
    return skips[m_next++];
  }
  void start_object(std::size_t at) override { out += "{@" + std::to_string(at) + " "; }
  void end_object() override { out += "} "; }
  void start_array(std::size_t at) override { out += "[@" + std::to_string(at) + " "; }
  void end_array() override { out += "] "; }
  void key(std::string_view name, std::size_t at) override {
    out += "k:" + std::string(name) + "@" + std::to_string(at) + " ";
  }
  void string(std::string_view value, std::size_t at) override {
    out += "s:" + std::string(value) + "@" + std::to_string(at) + " ";
  }
  void number(std::string_view text, std::size_t at) override {
    out += "n:" + std::string(text) + "@" + std::to_string(at) + " ";
  }
  void boolean(bool value, std::size_t at) override {
    out += std::string(value ? "true" : "false") + "@" + std::to_string(at) + " ";
  }
  void null(std::size_t at) override { out += "null@" + std::to_string(at) + " "; }

 private:
  std::size_t m_next = 0;
};

// The events of `text`, or "@OFFSET: REASON" after them on error.
std::string scan_result(std::string_view text, Options options = {}, std::vector<bool> skips = {}) {
  Scanner s(text, options);
  Recorder r;
  r.skips = std::move(skips);
  if (!scan(s, r)) r.out += "@" + std::to_string(s.error_offset()) + ": " + s.error_reason();
  return r.out;
}

// --- strings -------------------------------------------------------------------------------------------------------

TEST(JsonScanner, StringWithoutEscapesIsAViewIntoTheInput) {
  const std::string text = R"(  "plain text that is longer than one word")";
  Scanner s(text);
  std::string_view out;
  std::string buffer = "untouched";
  ASSERT_TRUE(s.read_string(out, buffer));
  EXPECT_EQ(out, "plain text that is longer than one word");
  EXPECT_EQ(out.data(), text.data() + 3);
  EXPECT_EQ(buffer, "untouched");
  EXPECT_EQ(s.pos(), text.size());
  EXPECT_TRUE(s.at_end());
}

TEST(JsonScanner, EscapesAreDecodedIntoTheBuffer) {
  Scanner s(R"("caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t end")");
  std::string_view out;
  std::string buffer;
  ASSERT_TRUE(s.read_string(out, buffer));
  EXPECT_EQ(out, "caf\xc3\xa9 \xf0\x9f\x98\x80 \"q\" \\ / \b\f\n\r\t end");
  EXPECT_EQ(out.data(), buffer.data());
}

// Each special byte at each position of an 8-byte word, so both the word-at-a-time and the byte loop see it.
TEST(JsonScanner, SpecialBytesAtEveryPositionOfAWord) {
  for (std::size_t i = 0; i < 17; ++i) {
    const std::string pad(i, 'a');
    std::string_view out;
    std::string buffer;
    const std::string q_text = "\"" + pad + "\\\"" + pad + "\"";
    Scanner q(q_text);
    ASSERT_TRUE(q.read_string(out, buffer)) << i;
    EXPECT_EQ(out, pad + "\"" + pad);

    const std::string utf8_text = "\"" + pad + "\xc3\xa9" + pad + "\"";
    Scanner u(utf8_text);
    ASSERT_TRUE(u.read_string(out, buffer)) << i;
    EXPECT_EQ(out, pad + "\xc3\xa9" + pad);

    EXPECT_EQ(skip_result("\"" + pad + "\x1f" + pad + "\""),
              "@" + std::to_string(i + 1) + ": unescaped control character in string");
    EXPECT_EQ(skip_result("\"" + pad + "\xff" + pad + "\""), "@" + std::to_string(i + 1) + ": invalid UTF-8 in string");
    EXPECT_EQ(skip_result("\"" + pad), "@0: unterminated string");
  }
}

TEST(JsonScanner, StringErrors) {
  EXPECT_EQ(skip_result("\"x\ty\""), "@2: unescaped control character in string");
  EXPECT_EQ(skip_result("\"\x01\""), "@1: unescaped control character in string");
  EXPECT_EQ(skip_result(R"("a\qb")"), "@2: invalid escape 'q' in string");
  EXPECT_EQ(skip_result("\"\\\x01\""), "@1: invalid escape '\\x01' in string");
  EXPECT_EQ(skip_result(R"("\u12G4")"), "@1: invalid \\u escape in string");
  EXPECT_EQ(skip_result(R"("\u12")"), "@1: invalid \\u escape in string");
  EXPECT_EQ(skip_result(R"(["\ud800"])"), "@2: unpaired surrogate in \\u escape");
  EXPECT_EQ(skip_result(R"(["\ud800\u0041"])"), "@2: unpaired surrogate in \\u escape");
  EXPECT_EQ(skip_result(R"(["\udc00"])"), "@2: unpaired surrogate in \\u escape");
  EXPECT_EQ(skip_result(R"(["x\ud83d\ude00"])"), "ok");
  EXPECT_EQ(skip_result("\"open"), "@0: unterminated string");
  EXPECT_EQ(skip_result("\"open\\"), "@0: unterminated string");
  EXPECT_EQ(skip_result("[1, \"open]"), "@4: unterminated string");
}

// RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF, no truncated sequences.
TEST(JsonScanner, InvalidUtf8InStrings) {
  for (const char* bad : {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\xe0\x80\x80", "\xf4\x90\x80\x80", "\x80",
                          "\xf0\x80\x80\x80", "\xf5\x80\x80\x80"}) {
    EXPECT_EQ(skip_result("[\"" + std::string(bad) + "\"]"), "@2: invalid UTF-8 in string") << printable(bad);
    EXPECT_FALSE(is_valid_utf8(bad)) << printable(bad);
  }
  for (const char* good : {"\xc2\x80", "\xdf\xbf", "\xe0\xa0\x80", "\xed\x9f\xbf", "\xef\xbf\xbf", "\xf0\x90\x80\x80",
                           "\xf4\x8f\xbf\xbf"}) {
    EXPECT_EQ(skip_result("[\"" + std::string(good) + "\"]"), "ok") << printable(good);
    EXPECT_TRUE(is_valid_utf8(good)) << printable(good);
  }
}

TEST(JsonScanner, Utf8IsKeptAsIsWhenNotValidated) {
  const Options lenient{.validate_utf8 = false};
  const std::string text = "\"a\xff\xc0\xaf long enough to pass a word \xed\xa0\x80\"";
  Scanner s(text, lenient);
  std::string_view out;
  std::string buffer;
  ASSERT_TRUE(s.read_string(out, buffer));
  EXPECT_EQ(out, text.substr(1, text.size() - 2));
  EXPECT_EQ(skip_result("[\"\xff\"]", lenient), "ok");
  // Control characters and bad escapes are errors either way.
  EXPECT_EQ(skip_result("[\"\xff\x01\"]", lenient), "@3: unescaped control character in string");
  EXPECT_EQ(skip_result(R"(["\ud800"])", lenient), "@2: unpaired surrogate in \\u escape");
  // Outside strings a high byte is no JSON.
  EXPECT_EQ(skip_result("[\xff]", lenient), "@1: unexpected '\\xff', expected a value");
}

// --- numbers, literals, structure ----------------------------------------------------------------------------------

TEST(JsonScanner, Numbers) {
  for (const char* ok : {"0", "-0", "12", "-12.5", "1e9", "1E+9", "1.5e-300", "1e400", "0.0"}) {
    Scanner s(ok);
    std::string_view text;
    ASSERT_TRUE(s.read_number(text)) << ok;
    EXPECT_EQ(text, ok);
  }
  EXPECT_EQ(skip_result("-"), "@0: invalid number");
  EXPECT_EQ(skip_result("[1.]"), "@1: invalid number");
  EXPECT_EQ(skip_result("[1e]"), "@1: invalid number");
  EXPECT_EQ(skip_result("[1e+]"), "@1: invalid number");
  EXPECT_EQ(skip_result("[-x]"), "@1: invalid number");
  EXPECT_EQ(skip_result("[.5]"), "@1: unexpected '.', expected a value");
  EXPECT_EQ(skip_result("[+1]"), "@1: unexpected '+', expected a value");
  EXPECT_EQ(skip_result("[01]"), "@2: unexpected '1', expected ',' or ']'");
  Scanner s("x");
  std::string_view text;
  EXPECT_FALSE(s.read_number(text));
  EXPECT_EQ(s.error_reason(), "unexpected 'x', expected a number");
}

TEST(JsonScanner, Literals) {
  Scanner s(" true false null");
  bool value = false;
  ASSERT_TRUE(s.read_bool(value));
  EXPECT_TRUE(value);
  ASSERT_TRUE(s.read_bool(value));
  EXPECT_FALSE(value);
  ASSERT_TRUE(s.read_null());
  EXPECT_TRUE(s.at_end());
  EXPECT_EQ(skip_result("[tru]"), "@1: invalid literal");
  EXPECT_EQ(skip_result("nul"), "@0: invalid literal");
  EXPECT_EQ(skip_result("[False]"), "@1: unexpected 'F', expected a value");
  Scanner t("nope");
  EXPECT_FALSE(t.read_bool(value));
  EXPECT_EQ(t.error_reason(), "unexpected 'n', expected true or false");
  Scanner u("true");
  EXPECT_FALSE(u.read_null());
  EXPECT_EQ(u.error_reason(), "unexpected 't', expected null");
}

TEST(JsonScanner, StructureErrors) {
  EXPECT_EQ(skip_result(""), "@0: unexpected end of input, expected a value");
  EXPECT_EQ(skip_result(" \n "), "@3: unexpected end of input, expected a value");
  EXPECT_EQ(skip_result("{"), "@1: unexpected end of input, expected a string (member name) or '}'");
  EXPECT_EQ(skip_result("{,}"), "@1: unexpected ',', expected a string (member name) or '}'");
  EXPECT_EQ(skip_result(R"({"a")"), "@4: unexpected end of input, expected ':'");
  EXPECT_EQ(skip_result(R"({"a" 1})"), "@5: unexpected '1', expected ':'");
  EXPECT_EQ(skip_result(R"({"a":1,})"), "@7: unexpected '}', expected a string (member name)");
  EXPECT_EQ(skip_result(R"({"a":1 "b":2})"), "@7: unexpected '\"', expected ',' or '}'");
  EXPECT_EQ(skip_result(R"({"a":1)"), "@6: unexpected end of input, expected ',' or '}'");
  EXPECT_EQ(skip_result("[1,]"), "@3: unexpected ']', expected a value");
  EXPECT_EQ(skip_result("[1,,2]"), "@3: unexpected ',', expected a value");
  EXPECT_EQ(skip_result("[1 2]"), "@3: unexpected '2', expected ',' or ']'");
  EXPECT_EQ(skip_result("['x']"), "@1: unexpected ''', expected a value");
  EXPECT_EQ(skip_result("[}"), "@1: unexpected '}', expected a value");
  EXPECT_EQ(skip_result("{} x"), "@3: unexpected 'x', expected end of input");
  EXPECT_EQ(skip_result("{}{}"), "@2: unexpected '{', expected end of input");
  EXPECT_EQ(skip_result("\xEF\xBB\xBF{}"), "@0: unexpected '\\xef', expected a value");
  EXPECT_EQ(skip_result(" {\"a\" : [ 1 , {} , [ ] , \"\" , true , null ] } "), "ok");
}

TEST(JsonScanner, TheFirstErrorWins) {
  Scanner s("[1,]");
  EXPECT_FALSE(s.skip_value());
  EXPECT_FALSE(s.fail(0, "later"));
  EXPECT_FALSE(s.skip_value());
  std::string_view out;
  std::string buffer;
  EXPECT_FALSE(s.read_string(out, buffer));
  EXPECT_EQ(s.error_offset(), 3u);
  EXPECT_EQ(s.error_reason(), "unexpected ']', expected a value");
}

TEST(JsonScanner, SkipValueGivesItsExtent) {
  const std::string text = R"({"predicate": {"a": [1, "x\"y"]} , "b": 2})";
  Scanner s(text);
  ObjectReader members(s);
  std::string key;
  ASSERT_TRUE(members.next(key));
  EXPECT_EQ(key, "predicate");
  std::string_view extent;
  ASSERT_TRUE(s.skip_value(extent));
  EXPECT_EQ(extent, R"({"a": [1, "x\"y"]})");
  EXPECT_EQ(extent.data(), text.data() + 14);
  ASSERT_TRUE(members.next(key));
  EXPECT_EQ(key, "b");
  ASSERT_TRUE(s.skip_value(extent));
  EXPECT_EQ(extent, "2");
  EXPECT_FALSE(members.next(key));
  EXPECT_FALSE(s.failed());
  EXPECT_TRUE(s.at_end());
}

TEST(JsonScanner, PeekKind) {
  const std::pair<const char*, Kind> cases[] = {
      {" {", Kind::object}, {"[", Kind::array},      {"\"", Kind::string},     {"-", Kind::number},
      {"7", Kind::number},  {"true", Kind::boolean}, {"false", Kind::boolean}, {"null", Kind::null},
      {"", Kind::end},      {"  ", Kind::end},       {"tru", Kind::invalid},   {"nul", Kind::invalid},
      {"x", Kind::invalid}, {"}", Kind::invalid},
  };
  for (const auto& [text, kind] : cases) {
    Scanner s(text);
    EXPECT_EQ(s.peek_kind(), kind) << text;
    EXPECT_FALSE(s.failed());
  }
  EXPECT_STREQ(describe(Kind::object), "an object");
  EXPECT_STREQ(describe(Kind::array), "an array");
  EXPECT_STREQ(describe(Kind::string), "a string");
  EXPECT_STREQ(describe(Kind::number), "a number");
  EXPECT_STREQ(describe(Kind::boolean), "a boolean");
  EXPECT_STREQ(describe(Kind::null), "null");
  EXPECT_STREQ(describe(Kind::end), "nothing");
  EXPECT_STREQ(describe(Kind::invalid), "not a value");
  EXPECT_TRUE(starts_value(Kind::null));
  EXPECT_FALSE(starts_value(Kind::end));
  EXPECT_FALSE(starts_value(Kind::invalid));
}

TEST(JsonScanner, ByteOrderMark) {
  Scanner s("\xEF\xBB\xBF{}");
  EXPECT_TRUE(s.skip_byte_order_mark());
  EXPECT_TRUE(s.skip_value());
  Scanner t("\xEF\xBB{}");
  EXPECT_FALSE(t.skip_byte_order_mark());
  EXPECT_EQ(t.pos(), 0u);
}

// --- readers -------------------------------------------------------------------------------------------------------

TEST(JsonReaders, WalkAnObjectAndAnArray) {
  Scanner s(R"({"name": "x", "list": [1, [], {}], "empty": {}})");
  ObjectReader members(s);
  std::string key;
  std::vector<std::string> seen;
  while (members.next(key)) {
    seen.push_back(key + "@" + std::to_string(members.key_offset()));
    if (key == "list") {
      ArrayReader elements(s);
      int count = 0;
      while (elements.next()) {
        ++count;
        ASSERT_TRUE(s.skip_value());
      }
      EXPECT_EQ(count, 3);
    } else if (key == "empty") {
      ObjectReader inner(s);
      std::string inner_key;
      EXPECT_FALSE(inner.next(inner_key));
    } else {
      ASSERT_TRUE(s.skip_value());
    }
  }
  EXPECT_FALSE(s.failed()) << s.error_reason();
  EXPECT_EQ(seen, (std::vector<std::string>{"name@1", "list@14", "empty@35"}));
  EXPECT_EQ(s.depth(), 0u);
  EXPECT_TRUE(s.at_end());
}

TEST(JsonReaders, DuplicateMembersAreRejected) {
  for (const char* text : {R"({"a":1,"a":2})", R"({"a":1,"\u0061":2})"}) {
    Scanner s(text);
    ObjectReader members(s);
    std::string key;
    while (members.next(key)) s.skip_value();
    ASSERT_TRUE(s.failed()) << text;
    EXPECT_EQ(s.error_offset(), 7u);
    EXPECT_EQ(s.error_reason(), "duplicate member \"a\"");
  }
  Scanner s(R"({"\n":1,"\n":2})");
  ObjectReader members(s);
  std::string key;
  while (members.next(key)) s.skip_value();
  EXPECT_EQ(s.error_reason(), "duplicate member \"\\x0a\"");
}

TEST(JsonReaders, WrongContainer) {
  Scanner s("[1]");
  ObjectReader members(s);
  std::string key;
  EXPECT_FALSE(members.next(key));
  EXPECT_EQ(s.error_reason(), "unexpected '[', expected '{'");
  Scanner t("{}");
  ArrayReader elements(t);
  EXPECT_FALSE(elements.next());
  EXPECT_EQ(t.error_reason(), "unexpected '{', expected '['");
}

// The limit is on the document's nesting: levels the caller has open count when a value is skipped.
TEST(JsonReaders, NestingIsBoundedAcrossReadersAndSkips) {
  const Options three{.max_depth = 3};
  EXPECT_EQ(skip_result("[[[1]]]", three), "ok");
  EXPECT_EQ(skip_result("[[[[1]]]]", three), "@3: nesting deeper than 3 levels");
  EXPECT_EQ(skip_result("[[[{}]]]", three), "@3: nesting deeper than 3 levels");
  Scanner s(R"({"a": [[1]], "b": [[[1]]]})", three);
  ObjectReader members(s);
  std::string key;
  ASSERT_TRUE(members.next(key));
  EXPECT_TRUE(s.skip_value());
  ASSERT_TRUE(members.next(key));
  EXPECT_FALSE(s.skip_value());
  EXPECT_EQ(s.error_offset(), 20u);
  EXPECT_EQ(s.error_reason(), "nesting deeper than 3 levels");

  Scanner r("[[[[]]]]", three);
  ArrayReader a(r);
  ASSERT_TRUE(a.next());
  ArrayReader b(r);
  ASSERT_TRUE(b.next());
  ArrayReader c(r);
  ASSERT_TRUE(c.next());
  EXPECT_EQ(r.depth(), 3u);
  EXPECT_FALSE(r.begin_array());
  EXPECT_EQ(r.error_offset(), 3u);
}

TEST(JsonReaders, HostileNestingCostsNoStack) {
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  EXPECT_EQ(skip_result(deep), "@512: nesting deeper than 512 levels");
  EXPECT_EQ(skip_result(std::string(512, '[') + std::string(512, ']')), "ok");
  const std::string events = scan_result(deep);
  EXPECT_TRUE(events.ends_with("[@511 @512: nesting deeper than 512 levels")) << events.substr(events.size() - 60);
}

// --- events --------------------------------------------------------------------------------------------------------

TEST(JsonEvents, DeliversEveryValueWithItsOffset) {
  EXPECT_EQ(scan_result(R"({"a": "x", "b": [1, true, false, null], "c": {}, "d": []})"),
            "{@0 k:a@1 s:x@6 k:b@11 [@16 n:1@17 true@20 false@26 null@33 ] k:c@40 {@45 } k:d@49 [@54 ] } ");
  EXPECT_EQ(scan_result(" 42 "), "n:42@1 ");
  EXPECT_EQ(scan_result(R"("caf\u00e9")"), "s:caf\xc3\xa9@0 ");
  EXPECT_EQ(scan_result(R"({"k\"ey": "v\/"})"), "{@0 k:k\"ey@1 s:v/@10 } ");
}

TEST(JsonEvents, SkippedValuesDeliverNothingButAreValidated) {
  // Asked before each value: the document, "a"'s value, "b"'s value, then each element of b.
  EXPECT_EQ(scan_result(R"({"a": {"x": [1, 2]}, "b": [3, {"y": 4}, 5]})", {}, {false, true, false, false, true}),
            "{@0 k:a@1 k:b@21 [@26 n:3@27 n:5@40 ] } ");
  EXPECT_EQ(scan_result(R"({"a": [1,,2], "b": 1})", {}, {false, true}),
            "{@0 k:a@1 @9: unexpected ',', expected a value");
  EXPECT_EQ(scan_result(R"([1, 2])", {}, {true}), "");
}

TEST(JsonEvents, ErrorsStopTheEvents) {
  EXPECT_EQ(scan_result(R"({"a": 1} {})"), "{@0 k:a@1 n:1@6 } @9: unexpected '{', expected end of input");
  EXPECT_EQ(scan_result(R"({"a": 1,})"), "{@0 k:a@1 n:1@6 @8: unexpected '}', expected a string (member name)");
  EXPECT_EQ(scan_result(R"({"a" 1})"), "{@0 @5: unexpected '1', expected ':'");
  EXPECT_EQ(scan_result("[1 2]"), "[@0 n:1@1 @3: unexpected '2', expected ',' or ']'");
  EXPECT_EQ(scan_result("[1,"), "[@0 n:1@1 @3: unexpected end of input, expected a value");
  EXPECT_EQ(scan_result(""), "@0: unexpected end of input, expected a value");
  EXPECT_EQ(scan_result("[tru]"), "[@0 @1: invalid literal");
  EXPECT_EQ(scan_result("[nul]"), "[@0 @1: invalid literal");
  EXPECT_EQ(scan_result("[-]"), "[@0 @1: invalid number");
  EXPECT_EQ(scan_result("[x]"), "[@0 @1: unexpected 'x', expected a value");
  EXPECT_EQ(scan_result("[\"\xff\"]"), "[@0 @2: invalid UTF-8 in string");
  EXPECT_EQ(scan_result("[\"\xff\"]", {.validate_utf8 = false}), "[@0 s:\xff@1 ] ");
}

TEST(JsonEvents, NestingCountsSkippedLevels) {
  const Options two{.max_depth = 2};
  EXPECT_EQ(scan_result("[[1]]", two), "[@0 [@1 n:1@2 ] ] ");
  EXPECT_EQ(scan_result("[[[1]]]", two), "[@0 [@1 @2: nesting deeper than 2 levels");
  EXPECT_EQ(scan_result("[[[1]]]", two, {false, true}), "[@0 @2: nesting deeper than 2 levels");
}

// --- helpers -------------------------------------------------------------------------------------------------------

TEST(JsonHelpers, LocationIsALineForMultiLineText) {
  EXPECT_EQ(location_of("{\n\"a\": x}", 7, "f.json").to_string(), "f.json:2");
  EXPECT_EQ(location_of("{\"a\": x}\n", 6, "f.json").to_string(), "f.json@6");
  Scanner s("{\"a\": x}");
  EXPECT_FALSE(s.skip_value());
  Error e = syntax_error(s, "f.json");
  EXPECT_EQ(e.code, ErrorCode::parse);
  EXPECT_EQ(e.to_string(), "f.json@6: invalid json: unexpected 'x', expected a value");
}

TEST(JsonHelpers, AppendStringEscapesAndRoundTrips) {
  std::string out = "x=";
  append_string(out, std::string("a\"b\\c\b\f\n\r\t\x01\x7f/\xc3\xa9\xff"));
  EXPECT_EQ(out, "x=\"a\\\"b\\\\c\\b\\f\\n\\r\\t\\u0001\x7f/\xc3\xa9\\ufffd\"");
  const std::string value = "tab\there \"quoted\" caf\xc3\xa9 \xf0\x9f\x98\x80";
  std::string literal;
  append_string(literal, value);
  Scanner s(literal);
  std::string_view back;
  std::string buffer;
  ASSERT_TRUE(s.read_string(back, buffer));
  EXPECT_EQ(back, value);
}

// nlohmann's verdict; nullopt when it stopped at a number out of a double's range, which RFC 8259 §9 lets parsers
// refuse (purser keeps numbers as text), since it then never looked at the rest.
std::optional<bool> other_parser_accepts(const std::string& text) {
  try {
    const nlohmann::json document = nlohmann::json::parse(text);
    return !document.is_discarded();
  } catch (const nlohmann::json::parse_error&) {
    return false;
  } catch (const nlohmann::json::out_of_range& e) {
    if (e.id == 406) return std::nullopt;  // "number overflow parsing"
    throw;
  }
}

// Differential check against nlohmann's validating parser on mutations of a few documents: both must accept exactly
// the same texts (no byte order mark, nesting within the limit), and scan() must agree with skip_value().
TEST(JsonScanner, AgreesWithAnotherParserOnMutations) {
  const std::vector<std::string> seeds = {
      R"({"a": [1, -2.5e3, true, false, null], "s": "caf\u00e9 \ud83d\ude00 \"q\"", "o": {"x": {}}})",
      "[\"\xc3\xa9\", 0, {\"k\": [[], [{}]]}, \"\\n\\t\\/\"]",
      R"({"payload": "aGVsbG8=", "payloadType": "t", "signatures": [{"sig": "AA==", "keyid": ""}]})",
  };
  const std::string alphabet = std::string("{}[]\",:\\/-+.eE0123456789 \n\ttrufalsn\xc3\xa9\xff\x01");
  std::uint64_t state = 0x9E3779B97F4A7C15ULL;
  auto next = [&](std::uint64_t bound) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::size_t>(state % bound);
  };
  ASSERT_EQ(other_parser_accepts("[1e400]"), std::nullopt);  // out of a double's range: the one known difference
  ASSERT_EQ(skip_result("[1e400]"), "ok");
  std::size_t accepted = 0, rejected = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[next(seeds.size())];
    const std::size_t edits = 1 + next(3);
    for (std::size_t e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = next(text.size());
      switch (next(3)) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(at, 1, alphabet[next(alphabet.size())]);
          break;
        default:
          text[at] = alphabet[next(alphabet.size())];
      }
    }
    const bool ours = skip_result(text) == "ok";
    const std::optional<bool> theirs = other_parser_accepts(text);
    if (theirs) {
      ASSERT_EQ(ours, *theirs) << printable(text, 400) << " -> " << skip_result(text);
    }
    Scanner s(text);
    Recorder r;
    ASSERT_EQ(scan(s, r), ours) << printable(text, 400);
    if (!ours) {
      EXPECT_EQ("@" + std::to_string(s.error_offset()) + ": " + s.error_reason(), skip_result(text));
    }
    (ours ? accepted : rejected) += 1;
  }
  EXPECT_GT(accepted, 1000u);
  EXPECT_GT(rejected, 1000u);
}

}  // namespace
}  // namespace purser::util::json
