#include "lib/catalog/yaml_subset.hpp"

#include "tests/catalog/cataloger_tester.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace purser {
namespace {

using catalog::yaml::Document;
using catalog::yaml::Kind;
using catalog::yaml::Ref;

// Compact rendering: {k: v}, [a, b], "scalar", ~ for null; ' after a quoted scalar.
std::string dump(const Ref& r) {
  switch (r.kind()) {
    case Kind::null:
      return "~";
    case Kind::scalar: {
      std::string out = "\"";
      for (char c : r.scalar()) out += c == '\n' ? std::string("\\n") : std::string(1, c);
      return out + "\"" + (r.node().quoted ? "'" : "");
    }
    case Kind::sequence: {
      std::string out = "[";
      for (std::size_t i = 0; i < r.size(); ++i) out += (i ? ", " : "") + dump(r.item(i));
      return out + "]";
    }
    case Kind::mapping: {
      std::string out = "{";
      for (std::size_t i = 0; i < r.size(); ++i) out += (i ? ", " : "") + dump(r.key(i)) + ": " + dump(r.value(i));
      return out + "}";
    }
  }
  return "?";
}

std::string parse(std::string_view s) {
  auto doc = Document::parse(s);
  if (!doc.ok()) return "error " + std::to_string(doc.error().location.line) + ": " + doc.error().message;
  std::string out;
  for (const auto& root : doc->documents()) out += (out.empty() ? "" : " --- ") + dump(root);
  return out;
}

std::string error_of(std::string_view s) {
  auto doc = Document::parse(s);
  return doc.ok() ? "ok" : std::to_string(doc.error().location.line) + ": " + doc.error().message;
}

TEST(YamlSubset, BlockMappingsAndSequences) {
  EXPECT_EQ(parse("a: 1\nb:\n  c: x y\n  d:\n    - p\n    - q\ne:\n- r\n- s: t\n  u: v\nf:\n"),
            R"j({"a": "1", "b": {"c": "x y", "d": ["p", "q"]}, "e": ["r", {"s": "t", "u": "v"}], "f": ~})j");
  EXPECT_EQ(parse("- - a\n  - b\n-\n  - c\n- \n"), R"j([["a", "b"], ["c"], ~])j");
  EXPECT_EQ(parse("plain"), R"j("plain")j");
}

TEST(YamlSubset, LockfileKeys) {
  EXPECT_EQ(parse("'@babel/core@7.0.0(supports-color@8.1.1)':\n  dev: true\n"
                  "/react-dom@18.2.0(react@18.2.0):\n  x: https://r.example/a.tgz#abc\n"
                  "\"@scope/n@npm:^1.0\": 1\n.: {}\nk: a#b # comment\n"),
            R"j({"@babel/core@7.0.0(supports-color@8.1.1)"': {"dev": "true"}, )j"
            R"j("/react-dom@18.2.0(react@18.2.0)": {"x": "https://r.example/a.tgz#abc"}, )j"
            R"j("@scope/n@npm:^1.0"': "1", ".": {}, "k": "a#b"})j");
}

TEST(YamlSubset, Flow) {
  EXPECT_EQ(parse("r: {integrity: sha512-x==, tarball: 'https://a/b'}\ncpu: [x64, arm64]\ne: []\n"
                  "n: {a: [1, {b: c}], 'q': \"d\", k}\nj: {\"a\":\"b\"}\nm: [a: b, c]\n"),
            R"j({"r": {"integrity": "sha512-x==", "tarball": "https://a/b"'}, "cpu": ["x64", "arm64"], "e": [], )j"
            R"j("n": {"a": ["1", {"b": "c"}], "q"': "d"', "k": ~}, "j": {"a"': "b"'}, "m": [{"a": "b"}, "c"]})j");
  // Flow collections may span lines.
  EXPECT_EQ(parse("a: [x,\n  y, # c\n  z]\nb: 1\n"), R"j({"a": ["x", "y", "z"], "b": "1"})j");
}

TEST(YamlSubset, QuotedScalars) {
  EXPECT_EQ(parse(R"j(a: 'it''s'
b: "t\tab \"q\" \\ \u00e9 \x41 \U0001F600 \ud83d\ude00 \/"
c: "x
  y

  z"
d: "join\
  ed"
e: 'null'
f: null
g: ~
)j"),
            "{\"a\": \"it's\"', \"b\": \"t\tab \"q\" \\ \xC3\xA9 A \xF0\x9F\x98\x80 \xF0\x9F\x98\x80 /\"', "
            "\"c\": \"x y\\nz\"', \"d\": \"joined\"', \"e\": \"null\"', \"f\": ~, \"g\": ~}");
}

TEST(YamlSubset, PlainMultiLine) {
  EXPECT_EQ(parse("a: one\n  two\n\n  three\nb: x\n"), R"j({"a": "one two\nthree", "b": "x"})j");
  EXPECT_EQ(parse("- a\n  b\n- c\n"), R"j(["a b", "c"])j");
}

TEST(YamlSubset, BlockScalars) {
  // pnpm writes `deprecated: |-` for multi-line messages.
  EXPECT_EQ(parse("p:\n  deprecated: |-\n    You should\n\n    (really)\n      indented\n  next: 1\n"),
            R"j({"p": {"deprecated": "You should\n\n(really)\n  indented"', "next": "1"}})j");
  EXPECT_EQ(parse("a: |\n  x\n  y\n\nb: >\n  f1\n  f2\n\n  f3\n   more\n  f4\nc: |+\n  k\n\n"),
            R"j({"a": "x\ny\n"', "b": "f1 f2\nf3\n more\nf4\n"', "c": "k\n\n"'})j");
  EXPECT_EQ(parse("a: |2\n    two\n  one\nb: >-\n\nc: |\n"), R"j({"a": "  two\none\n"', "b": ""', "c": ""'})j");
  EXPECT_EQ(parse("- |\n  item\n- x\n"), R"j(["item\n"', "x"])j");
}

TEST(YamlSubset, ExplicitKeys) {
  EXPECT_EQ(parse("? [x, y]\n: {}\n? a\nb: c\n?\n  - k\n:\n  v\n"),
            R"j({["x", "y"]: {}, "a": ~, "b": "c", ["k"]: "v"})j");
}

TEST(YamlSubset, CommentsMarkersBomCrlf) {
  EXPECT_EQ(parse("\xEF\xBB\xBF# head\r\n---\r\na: 1 # c\r\n\r\n  # indented comment\r\nb: 'x'\r\n...\r\n"),
            R"j({"a": "1", "b": "x"'})j");
  EXPECT_EQ(parse("%YAML 1.2\n--- \nk: v\n"), R"j({"k": "v"})j");
  EXPECT_EQ(parse("--- {a: b}\n"), R"j({"a": "b"})j");
}

TEST(YamlSubset, MultipleDocuments) {
  // pnpm 11+ writes an "env" document before the project lockfile.
  EXPECT_EQ(parse("---\nlockfileVersion: '9.0'\nimporters: {}\n\n---\nlockfileVersion: '9.0'\npackages: {}\n"),
            R"j({"lockfileVersion": "9.0"', "importers": {}} --- {"lockfileVersion": "9.0"', "packages": {}})j");
  EXPECT_EQ(parse("a: 1\n...\n---\n- b\n---\n"), R"j({"a": "1"} --- ["b"] --- ~)j");
}

TEST(YamlSubset, EmptyStream) {
  auto doc = Document::parse("");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->root().is_null());
  EXPECT_EQ(doc->root().line(), 0u);
  EXPECT_EQ(parse("# only a comment\n\n"), "~");
}

TEST(YamlSubset, LinesAndLookup) {
  auto doc = Document::parse("a: 1\n\nmap:\n  # c\n  k: {x: y}\n  seq:\n    - one\n    - two\n");
  ASSERT_TRUE(doc.ok());
  Ref root = doc->root();
  EXPECT_EQ(root.line(), 1u);
  EXPECT_EQ(root.get("a").scalar(), "1");
  EXPECT_EQ(root.get("a").line(), 1u);
  Ref map = root.get("map");
  EXPECT_EQ(map.line(), 5u);
  EXPECT_EQ(map.key(0).line(), 5u);
  EXPECT_EQ(map.get("k").get("x").scalar(), "y");
  EXPECT_EQ(map.get("seq").item(1).line(), 8u);
  EXPECT_FALSE(root.get("missing").defined());
  EXPECT_EQ(root.get("missing").get("x").scalar(), "");
  EXPECT_EQ(root.get("missing").size(), 0u);
}

TEST(YamlSubset, ScalarsAreViewsIntoTheInput) {
  std::string text = "key: value\n'q': 'x'\n";
  auto doc = Document::parse(text);
  ASSERT_TRUE(doc.ok());
  auto v = doc->root().get("key").scalar();
  EXPECT_TRUE(v.data() >= text.data() && v.data() < text.data() + text.size());
  auto q = doc->root().get("q").scalar();
  EXPECT_TRUE(q.data() >= text.data() && q.data() < text.data() + text.size());
}

TEST(YamlSubset, UnsupportedIsLocated) {
  EXPECT_EQ(error_of("a: 1\nb: &anchor 2\n"), "2: anchors and aliases are not supported");
  EXPECT_EQ(error_of("a: 1\nb: *anchor\n"), "2: anchors and aliases are not supported");
  EXPECT_EQ(error_of("a: !!str 1\n"), "1: tags are not supported");
}

TEST(YamlSubset, MalformedIsLocated) {
  EXPECT_EQ(error_of("a: 1\nb: [x, y\n"), "2: unclosed flow sequence");
  EXPECT_EQ(error_of("a: {x: y\n\nb: 1\n"), "3: expected ',' or '}' in a flow mapping opened on line 1");
  EXPECT_EQ(error_of("a: {x: y"), "1: unclosed flow mapping");
  EXPECT_EQ(error_of("a: 'x\n"), "1: unclosed single-quoted scalar");
  EXPECT_EQ(error_of("a:\n  b: \"x\ny: z\n"), "2: unclosed double-quoted scalar");
  EXPECT_EQ(error_of("a: \"\\q\"\n"), "1: invalid escape in a double-quoted scalar");
  EXPECT_EQ(error_of("a: 1\n\tb: 2\n"), "2: tab character in indentation");
  EXPECT_EQ(error_of("a:\n  b: 1\n    c: 2\n"), "3: mapping values are not allowed in a multi-line plain scalar");
  EXPECT_EQ(error_of("a:\n  b: {}\n    c: 2\n"), "3: bad indentation of a mapping entry");
  EXPECT_EQ(error_of("a: b: c\n"), "1: mapping values are not allowed on the line of another key");
  EXPECT_EQ(error_of("a: 1\nb\n"), "2: expected ':' after a mapping key");
  EXPECT_EQ(error_of("a: 1\n- b\n"), "2: expected a mapping key, found a sequence item");
  EXPECT_EQ(error_of("- a\nb: 1\n"), "2: bad indentation: content after the end of the document");
  EXPECT_EQ(error_of("a: 'x' y\n"), "1: unexpected characters after a value");
  EXPECT_EQ(error_of("a: [b, ]c]\n"), "1: unexpected characters after a value");
  EXPECT_EQ(error_of("a: ['b' c]\n"), "1: expected ',' or ']' in a flow sequence opened on line 1");
  EXPECT_EQ(error_of("a: [,]\n"), "1: unexpected ','");
}

TEST(YamlSubset, LimitsHold) {
  EXPECT_EQ(error_of("a: " + std::string(100000, '[')), "1: nesting too deep");
  std::string block;
  for (int i = 0; i < 5000; ++i) block += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
  EXPECT_EQ(error_of(block), "65: nesting too deep");
  std::string seqs;
  for (int i = 0; i < 200; ++i) seqs += "- ";
  EXPECT_EQ(error_of(seqs + "x\n"), "1: nesting too deep");
  catalog::yaml::Limits tight;
  tight.max_depth = 2;
  EXPECT_FALSE(Document::parse("a: {b: [c]}\n", tight).ok());
  EXPECT_TRUE(Document::parse("a: {b: c}\n", tight).ok());
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every pnpm lockfile in the shared bench parses, and its top-level `packages:` has as many
// entries as there are two-space-indented keys under it.
TEST(YamlSubset, RealPnpmLockfiles) {
  namespace fs = std::filesystem;
  fs::path base = purser::catalog::testing::shared_lockfiles();
  if (!fs::exists(base)) GTEST_SKIP() << "no shared bench at " << base;
  std::size_t files = 0;
  for (const auto& de : fs::recursive_directory_iterator(base)) {
    if (!de.is_regular_file() || de.path().filename() != "pnpm-lock.yaml") continue;
    ++files;
    std::string bytes = slurp(de.path());
    auto doc = Document::parse(bytes);
    ASSERT_TRUE(doc.ok()) << de.path() << ":" << doc.error().location.line << ": " << doc.error().message;
    std::size_t expected = 0;
    std::istringstream lines(bytes);
    bool in_packages = false;
    for (std::string line; std::getline(lines, line);) {
      if (!line.empty() && line[0] != ' ') in_packages = line.rfind("packages:", 0) == 0;
      if (in_packages && line.size() > 2 && line.rfind("  ", 0) == 0 && line[2] != ' ' && line[2] != '#') ++expected;
    }
    EXPECT_EQ(doc->root().get("packages").size(), expected) << de.path();
  }
  EXPECT_GE(files, 1u);
}

}  // namespace
}  // namespace purser
