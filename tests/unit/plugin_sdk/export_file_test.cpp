// The one reader of department exports (decode, header, limits, files cut short), on bytes as
// real exports have them.
#include "staffchain/plugin/support/export_file.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <iconv.h>

#include <string>
#include <vector>

namespace staffchain::plugin {
namespace {

using ::testing::HasSubstr;

std::string toGb18030(const std::string& utf8) {
  auto converted = convertText(utf8, "GB18030", "UTF-8");
  EXPECT_FALSE(converted.failed_at.has_value());
  return converted.text;
}

struct Read {
  std::vector<std::vector<std::string>> rows;
  std::vector<ExportProblem> problems;
};

Read readAll(ExportFile& file) {
  Read out;
  ExportRow row;
  while (file.next(row)) out.rows.emplace_back(row.fields.begin(), row.fields.end());
  out.problems = file.takeProblems();
  return out;
}

Result<ExportFile> open(std::string bytes, ExportOptions options = {}) {
  return ExportFile::fromBytes(std::move(bytes), "roster.csv", options);
}

TEST(ExportFile, Gb18030IsDetectedAndReadAsUtf8) {
  auto file = open(toGb18030("单位代码,名称\n11150700MB12345678,呼伦贝尔市机构编制委员会办公室\n"));
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_STREQ(file->encoding(), "GB18030");
  EXPECT_EQ(file->header()[0], "单位代码");
  const auto read = readAll(*file);
  ASSERT_EQ(read.rows.size(), 1U);
  EXPECT_EQ(read.rows[0][1], "呼伦贝尔市机构编制委员会办公室");
  EXPECT_TRUE(read.problems.empty());
}

TEST(ExportFile, BomCrlfPaddedHeaderAndNoFinalLineEndAreNormal) {
  auto file = open("\xEF\xBB\xBF person_id ,Name\r\n1,张三\r\n2,李四");
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_EQ(file->column("PERSON_ID"), 0U);
  EXPECT_EQ(file->column("name"), 1U);
  const auto read = readAll(*file);
  EXPECT_EQ(read.rows.size(), 2U);
  EXPECT_FALSE(file->truncation());
}

TEST(ExportFile, AnUndecodableByteLosesOnlyItsRow) {
  std::string bytes = "person_id,name\n1,张三\n2,李\xff四\n3,王五\n";
  auto file = open(bytes);
  ASSERT_TRUE(file) << file.error().message;
  EXPECT_STREQ(file->encoding(), "UTF-8");
  const auto read = readAll(*file);
  ASSERT_EQ(read.rows.size(), 2U);
  EXPECT_EQ(read.rows[1][1], "王五");
  ASSERT_EQ(read.problems.size(), 1U);
  EXPECT_EQ(read.problems[0].line, 3U);
  EXPECT_THAT(read.problems[0].reason, HasSubstr("not valid UTF-8"));
  EXPECT_TRUE(isValidUtf8(read.problems[0].value));
}

TEST(ExportFile, AnUndecodableHeaderRefusesTheFile) {
  auto file = open("\xff\xfe\xfd,\xfc\n1,2\n");
  ASSERT_FALSE(file);
  EXPECT_THAT(file.error().message, HasSubstr("roster.csv"));
  EXPECT_THAT(file.error().message, HasSubstr("header row cannot be decoded"));
}

TEST(ExportFile, AColumnNamedTwiceRefusesTheFileButUnnamedColumnsDoNot) {
  auto twice = open("person_id,name,Person_ID\n1,a,2\n");
  ASSERT_FALSE(twice);
  EXPECT_THAT(twice.error().message, HasSubstr("person_id more than once"));
  auto unnamed = open("person_id,name,,\n1,a,,\n");
  EXPECT_TRUE(unnamed) << unnamed.error().message;
}

TEST(ExportFile, RequiredColumnsAreNamedWhenMissing) {
  auto file = open("personid,name\n1,a\n");
  ASSERT_TRUE(file);
  const std::vector<std::string> required{"person_id", "unit_id", "name"};
  auto checked = file->requireColumns(required, "a roster file needs them");
  ASSERT_FALSE(checked);
  EXPECT_THAT(checked.error().message,
              HasSubstr("roster.csv: the header lacks the required columns person_id, unit_id"));
  EXPECT_THAT(checked.error().message, HasSubstr("it has personid, name"));
}

TEST(ExportFile, ALastRowCutShortIsATruncation) {
  auto file = open("a,b,c\n1,2,3\n4,5");
  ASSERT_TRUE(file);
  const auto read = readAll(*file);
  EXPECT_EQ(read.rows.size(), 1U);
  ASSERT_TRUE(file->truncation());
  EXPECT_EQ(file->truncation()->line, 3U);
  EXPECT_THAT(file->truncation()->reason, HasSubstr("cut short"));
}

TEST(ExportFile, AShortRowInTheMiddleIsARowProblemOnly) {
  auto file = open("a,b,c\n1,2\n4,5,6\n");
  ASSERT_TRUE(file);
  const auto read = readAll(*file);
  EXPECT_EQ(read.rows.size(), 1U);
  EXPECT_EQ(read.problems.size(), 1U);
  EXPECT_FALSE(file->truncation());
}

TEST(ExportFile, EndingInsideAQuotedFieldIsATruncation) {
  auto file = open("a,b\n1,2\n3,\"unfinished text");
  ASSERT_TRUE(file);
  readAll(*file);
  ASSERT_TRUE(file->truncation());
  EXPECT_THAT(file->truncation()->reason, HasSubstr("quoted field 2"));
}

TEST(ExportFile, AHeaderOnlyFileHasNoRowsAndIsWhole) {
  auto file = open("a,b\n");
  ASSERT_TRUE(file);
  EXPECT_TRUE(readAll(*file).rows.empty());
  EXPECT_FALSE(file->truncation());
}

TEST(ExportFile, AHugeLineIsRefusedWithAShortExcerpt) {
  std::string bytes = "a,b\n1,";
  bytes.append(3U << 20U, '9');  // 3 MiB in one line
  bytes += "\n2,ok\n";
  auto file = open(bytes);
  ASSERT_TRUE(file);
  const auto read = readAll(*file);
  ASSERT_EQ(read.rows.size(), 1U);
  ASSERT_EQ(read.problems.size(), 1U);
  EXPECT_EQ(read.problems[0].line, 2U);
  EXPECT_THAT(read.problems[0].reason, HasSubstr("over the limit of 1048576 bytes"));
  EXPECT_LE(read.problems[0].value.size(), kExcerptBytes + 32);
  EXPECT_THAT(read.problems[0].value, HasSubstr("(3145730 bytes)"));
}

TEST(ExportFile, AHugeFieldIsRefusedWithItsColumnName) {
  std::string bytes = "a,note\n1,";
  bytes.append(100'000, 'x');
  bytes += "\n";
  auto file = open(bytes);
  ASSERT_TRUE(file);
  const auto read = readAll(*file);
  EXPECT_TRUE(read.rows.empty());
  ASSERT_EQ(read.problems.size(), 1U);
  EXPECT_EQ(read.problems[0].field, "note");
  EXPECT_THAT(read.problems[0].reason, HasSubstr("100000 bytes long"));
}

TEST(ExportFile, SurveyCountsWithoutMovingAndSeekResumes) {
  auto file = open("a,b\n1,2\n3\n5,6\n7,8\n");
  ASSERT_TRUE(file);
  const auto survey = file->survey();
  EXPECT_EQ(survey.rows, 3U);
  EXPECT_EQ(survey.problems, 1U);
  EXPECT_FALSE(survey.truncation);
  ExportRow row;
  ASSERT_TRUE(file->next(row));
  EXPECT_EQ(row.fields[0], "1");
  const auto offset = file->offset();
  const auto line = file->line();
  auto again = open("a,b\n1,2\n3\n5,6\n7,8\n");
  ASSERT_TRUE(again);
  again->seek(offset, line);
  ASSERT_TRUE(again->next(row));
  EXPECT_EQ(row.fields[0], "5");
  EXPECT_EQ(row.line, 4U);
}

TEST(TextEncoding, ExcerptsAreValidUtf8AndCutOnACharacterBoundary) {
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "编";  // 3 bytes each
  const auto cut = excerpt(long_text);
  EXPECT_TRUE(isValidUtf8(cut));
  EXPECT_THAT(cut, HasSubstr("(300 bytes)"));
  EXPECT_LE(cut.size(), kExcerptBytes + 20);
  EXPECT_EQ(excerpt("short"), "short");
  EXPECT_EQ(toValidUtf8("a\xff"
                        "b"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_FALSE(isValidUtf8("\xC0\xAF"));      // an overlong '/'
  EXPECT_FALSE(isValidUtf8("\xED\xA0\x80"));  // a surrogate
}

}  // namespace
}  // namespace staffchain::plugin
