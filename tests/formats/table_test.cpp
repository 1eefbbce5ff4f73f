#include <gtest/gtest.h>

#include "formats/writers.hpp"
#include "tests/formats/writer_test_support.hpp"

namespace purser::formats {
namespace {

using testing::empty_document;
using testing::expect_golden;
using testing::sample_document;

TEST(Table, SampleMatchesGolden) { expect_golden("sample.table.txt", write_table(sample_document(), false)); }

TEST(Table, EmptyDocumentGolden) { expect_golden("empty.table.txt", write_table(empty_document(), false)); }

TEST(Table, ColourOnlyBoldsTheHeader) {
  std::string plain = write_table(sample_document(), false);
  std::string coloured = write_table(sample_document(), true);
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);
  std::string header = plain.substr(0, plain.find('\n'));
  EXPECT_EQ(coloured.substr(0, coloured.find('\n')), "\x1b[1m" + header + "\x1b[0m");
  EXPECT_EQ(coloured.substr(coloured.find('\n')), plain.substr(plain.find('\n')));
}

TEST(Table, TotalsAndSingulars) {
  model::Document doc = empty_document();
  doc.packages = {testing::make("npm", "", "only", "1.0.0")};
  doc.relationships = {{doc.root.ref(), doc.packages[0].ref(), model::RelationshipKind::depends_on}};
  doc.diagnostics = {{util::Severity::error, "bad", {"x", 1}}};
  std::string out = write_table(doc, false);
  EXPECT_EQ(out,
            "NAME  VERSION  TYPE  SCOPE     FOUND IN\n"
            "only  1.0.0    npm   required  -\n"
            "1 package, 1 relationship, 1 problem\n");
}

TEST(Table, HostileNamesCannotReachTheTerminal) {
  model::Document doc = empty_document();
  doc.packages = {testing::odd_package()};
  std::string out = write_table(doc, true);
  // Only the header's own bold/reset sequences remain.
  EXPECT_EQ(out.find('\x1b', out.find("\x1b[0m") + 1), std::string::npos) << out;
  EXPECT_NE(out.find("we\"ird\\name\\x1b[31m na\xc3\xafve"), std::string::npos) << out;
  EXPECT_NE(out.find("1.0.0\\x0a"), std::string::npos) << out;
}

TEST(Table, AlignsByCodePoints) {
  model::Document doc = empty_document();
  doc.packages = {testing::make("npm", "", "na\xc3\xafve", "1.0.0"), testing::make("npm", "", "plain", "22.0.0")};
  doc.normalize();
  std::string out = write_table(doc, false);
  EXPECT_EQ(out,
            "NAME   VERSION  TYPE  SCOPE     FOUND IN\n"
            "na\xc3\xafve  1.0.0    npm   required  -\n"
            "plain  22.0.0   npm   required  -\n"
            "2 packages, 0 relationships, 0 problems\n");
}

TEST(Table, LongCellsAreCut) {
  model::Document doc = empty_document();
  doc.packages = {testing::make("npm", "", "", "1.0.0")};
  doc.packages[0].name = "\xc3\xa9" + std::string(100, 'a');
  std::string out = write_table(doc, false);
  std::string row = out.substr(out.find('\n') + 1);
  EXPECT_EQ(row.substr(0, row.find(' ')), "\xc3\xa9" + std::string(78, 'a') + "\xe2\x80\xa6");
}

TEST(Table, RealWorldScansHaveOneRowPerPackage) {
  auto docs = testing::real_world_documents();
  if (docs.empty()) GTEST_SKIP() << "no shared lockfiles under " << PURSER_SHARED_DIR;
  for (const auto& [name, doc] : docs) {
    std::string out = write_table(doc, false);
    EXPECT_EQ(static_cast<std::size_t>(std::count(out.begin(), out.end(), '\n')), doc.packages.size() + 2) << name;
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace purser::formats
