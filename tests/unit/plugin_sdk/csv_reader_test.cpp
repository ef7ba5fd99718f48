#include "staffchain/plugin/support/csv_reader.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

namespace staffchain::plugin {
namespace {

struct ReadRow {
  std::uint32_t line;
  std::vector<std::string> fields;
};

std::vector<ReadRow> readAll(CsvReader& reader) {
  std::vector<ReadRow> rows;
  CsvRow row;
  while (reader.next(row)) rows.push_back(ReadRow{row.line, {row.fields.begin(), row.fields.end()}});
  return rows;
}

TEST(CsvReader, ReadsHeaderAndPlainRows) {
  auto reader = CsvReader::fromBuffer("a,b,c\n1,2,3\n4,,6\n", "t.csv");
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(std::vector<std::string>(reader->header().begin(), reader->header().end()),
            (std::vector<std::string>{"a", "b", "c"}));
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].line, 2U);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(rows[1].line, 3U);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"4", "", "6"}));
  EXPECT_TRUE(reader->problems().empty());
}

TEST(CsvReader, QuotedFieldsWithCommasDoubledQuotesAndNewlines) {
  auto reader = CsvReader::fromBuffer(
      "name,note\n"
      "\"张, 三\",\"he said \"\"hi\"\"\"\n"
      "\"multi\nline\",\"\"\n"
      "last,\"\"\"\"\n",
      "t.csv");
  ASSERT_TRUE(reader);
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"张, 三", "he said \"hi\""}));
  EXPECT_EQ(rows[1].line, 3U);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"multi\nline", ""}));
  EXPECT_EQ(rows[2].line, 5U);  // the embedded newline moved it down a line
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"last", "\""}));
}

TEST(CsvReader, CrlfBomAndNoFinalNewline) {
  auto reader = CsvReader::fromBuffer("\xEF\xBB\xBFid,v\r\n1,\"x\"\r\n2,y", "t.csv");
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->header()[0], "id");  // BOM stripped
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"1", "x"}));
  EXPECT_EQ(rows[1].line, 3U);
  EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"2", "y"}));
}

TEST(CsvReader, BlankAndTrailingLinesAreIgnored) {
  auto reader = CsvReader::fromBuffer("a,b\n1,2\n\n3,4\r\n\r\n", "t.csv");
  ASSERT_TRUE(reader);
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[1].line, 4U);
  EXPECT_TRUE(reader->problems().empty());
}

TEST(CsvReader, TrailingCommaIsAnEmptyLastField) {
  auto reader = CsvReader::fromBuffer("a,b\n1,", "t.csv");
  ASSERT_TRUE(reader);
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"1", ""}));
}

TEST(CsvReader, MalformedRowsAreSkippedWithTheirLine) {
  auto reader = CsvReader::fromBuffer(
      "a,b\n"
      "1,2\n"       // 2: good
      "1,2,3\n"     // 3: too many fields
      "x\"y,2\n"    // 4: stray quote
      "\"x\"y,2\n"  // 5: text after closing quote
      "5,6\n"       // 6: good
      "7\n"         // 7: too few
      "\"open,8\n"  // 8: unterminated quote
      "9,10\n",     // 9: good, found again after the unterminated quote
      "t.csv");
  ASSERT_TRUE(reader);
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].line, 2U);
  EXPECT_EQ(rows[1].line, 6U);
  EXPECT_EQ(rows[2].line, 9U);
  EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"9", "10"}));
  const auto problems = reader->problems();
  ASSERT_EQ(problems.size(), 5U);
  EXPECT_EQ(problems[0].line, 3U);
  EXPECT_EQ(problems[0].reason, "has 3 fields, expected 2 (as in the header)");
  EXPECT_EQ(problems[1].line, 4U);
  EXPECT_EQ(problems[1].reason, "stray quote in unquoted field 1");
  EXPECT_EQ(problems[2].line, 5U);
  EXPECT_EQ(problems[2].reason, "text after the closing quote of field 1");
  EXPECT_EQ(problems[3].line, 7U);
  EXPECT_EQ(problems[4].line, 8U);
  EXPECT_EQ(problems[4].reason, "unterminated quoted field 1");
}

TEST(CsvReader, EmptyInputHasNoHeader) {
  const auto reader = CsvReader::fromBuffer("", "empty.csv");
  ASSERT_FALSE(reader);
  EXPECT_EQ(reader.error().message, "empty.csv: the file is empty, expected a header row");
  EXPECT_FALSE(CsvReader::fromBuffer("\"a,b\n", "bad.csv"));
}

TEST(CsvReader, OpensAFile) {
  const auto path = std::filesystem::path(testing::TempDir()) / "staffchain_csv_reader_open.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "a,b\n1,\"two\"\n";
  }
  auto reader = CsvReader::open(path);
  ASSERT_TRUE(reader) << reader.error().message;
  EXPECT_EQ(reader->name(), "staffchain_csv_reader_open.csv");
  const auto rows = readAll(*reader);
  ASSERT_EQ(rows.size(), 1U);
  EXPECT_EQ(rows[0].fields[1], "two");
  std::filesystem::remove(path);

  const auto missing = CsvReader::open(path);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("staffchain_csv_reader_open.csv"), std::string::npos);
}

TEST(CsvReader, ManyRowsKeepTheirLineNumbers) {
  std::string data = "p,u,m\n";
  for (int i = 0; i < 10000; ++i) data += std::to_string(i) + ",\"u\"\"" + std::to_string(i) + "\",2024-01\n";
  auto reader = CsvReader::fromBuffer(data, "big.csv");
  ASSERT_TRUE(reader);
  CsvRow row;
  std::uint32_t expected_line = 2;
  while (reader->next(row)) {
    ASSERT_EQ(row.line, expected_line);
    ASSERT_EQ(row.fields[0], std::to_string(expected_line - 2));
    ASSERT_EQ(row.fields[1], "u\"" + std::to_string(expected_line - 2));
    ++expected_line;
  }
  EXPECT_EQ(expected_line, 10002U);
}

}  // namespace
}  // namespace staffchain::plugin
