#include "staffchain/model/canonical_folder.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <variant>
#include <vector>

namespace staffchain::model {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards, so parallel runs never share files.
class CanonicalFolderTest : public testing::Test {
 protected:
  void SetUp() override {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(testing::TempDir()) /
           (std::string("staffchain_folder_") + info->name() + "_" + std::to_string(std::random_device{}()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& file, const std::string& text) const {
    std::ofstream out(dir_ / file, std::ios::binary);
    out << text;
  }

  fs::path dir_;
};

// The reader maps files and gives back the pages already parsed every so many rows: a file of
// many such stretches reads whole, each row with its own line number, into a RecordSink too.
TEST_F(CanonicalFolderTest, ReadsALargeFileWholeThroughASink) {
  constexpr int kRows = 200'000;
  {
    std::ofstream out(dir_ / "payroll.csv", std::ios::binary);
    out << "person_id,unit_id,month,funding,gross\n";
    for (int i = 0; i < kRows; ++i) {
      const int month = i % 2400;  // 1900-01 .. 2099-12, over and over
      out << "150702198001011239,11150700MB12345678," << 1900 + month / 12 << '-' << (month % 12 < 9 ? "0" : "")
          << month % 12 + 1 << ",full," << i << ".50\n";
    }
  }
  struct Counting final : RecordSink {
    void expect(RecordType /*type*/, std::size_t rows_at_most) override { expected = rows_at_most; }
    void add(Record&& record) override { rows.push_back(std::get<PayrollMonth>(std::move(record))); }
    void quarantine(QuarantineEntry&& entry) override { bad.push_back(std::move(entry)); }
    std::size_t expected = 0;
    std::vector<PayrollMonth> rows;
    std::vector<QuarantineEntry> bad;
  } sink;
  const auto read = readCanonicalFolder(dir_, "audit", sink);
  ASSERT_TRUE(read) << read.error().message;
  EXPECT_TRUE(sink.bad.empty());
  EXPECT_EQ(sink.expected, 0U);  // this sink did not ask for counts
  ASSERT_EQ(sink.rows.size(), static_cast<std::size_t>(kRows));
  for (int i = 0; i < kRows; i += 997) {
    const auto& row = sink.rows[static_cast<std::size_t>(i)];
    EXPECT_EQ(row.origin.row, static_cast<std::uint32_t>(i + 2));
    EXPECT_EQ(row.gross_fen, std::int64_t{i} * 100 + 50);
    EXPECT_EQ(row.month, Month::fromYm(1900 + i % 2400 / 12, static_cast<unsigned>(i % 12 + 1)));
  }
  EXPECT_EQ(sink.rows.back().gross_fen, std::int64_t{kRows - 1} * 100 + 50);

  const auto loaded = loadCanonicalFolder(dir_, "audit");
  ASSERT_TRUE(loaded) << loaded.error().message;
  ASSERT_EQ(loaded->payroll.size(), sink.rows.size());
  EXPECT_EQ(recordKey(Record{loaded->payroll.back()}), recordKey(Record{sink.rows.back()}));
}

TEST_F(CanonicalFolderTest, LoadsGoodRowsAndQuarantinesBadOnes) {
  write("units.csv",
        "unit_id,name,region,parent_id,kind,funding\n"
        "11150700MB12345678,市编办,150700,,机关,全额拨款\n"
        "12150700MB0000011H,\"市医院, 东院\",150702,11150700MB12345678,公益二类,差额\n"
        "11150700MB12345670,坏单位,150700,,机关,全额\n");
  write("roster.csv",
        "\xEF\xBB\xBFperson_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\r\n"
        "150702198001011239,张三,11150700MB12345678,行政编制,2020-07-01,,,\r\n"
        "150702198001011230,李四,11150700MB12345678,编制,2020-07-01,,,\r\n"
        "150702198506120027,\"王\"五,11150700MB12345678,行政编制,2020-07-01,,,\r\n"
        "150702800101123,赵六,11150700MB12345678,行政编制,2019-01-01,,county,chief\r\n");
  // A short row that is not the last one is quarantined; a short last row refuses the file
  // (ACutFileIsRefusedWhole below).
  write("payroll.csv",
        "person_id,unit_id,month,funding,gross,remark\n"
        "150702198001011239,11150700MB12345678,2024-08,full,8500.00\n"
        "150702198001011239,11150700MB12345678,2024-07,full,8500.00,\n");
  std::vector<std::string> notes;
  const auto loaded = loadCanonicalFolder(dir_, "audit", &notes);
  ASSERT_TRUE(loaded) << loaded.error().message;
  const Dataset& data = *loaded;

  EXPECT_EQ(data.sources, std::vector<std::string>{"audit"});
  ASSERT_EQ(data.units.size(), 2U);
  EXPECT_EQ(data.units[1].name, "市医院, 东院");
  EXPECT_EQ(data.units[1].origin.row, 3U);
  EXPECT_EQ(data.units[1].origin.source, 0U);
  ASSERT_EQ(data.roster.size(), 2U);
  EXPECT_EQ(data.roster[1].person_id.view(), "150702198001011239");  // upgraded legacy id
  EXPECT_EQ(data.roster[1].origin.row, 5U);
  ASSERT_EQ(data.payroll.size(), 1U);
  EXPECT_EQ(data.payroll[0].gross_fen, 850000);
  EXPECT_TRUE(data.quotas.empty());
  EXPECT_TRUE(data.movements.empty());
  EXPECT_EQ(notes, std::vector<std::string>{"payroll.csv: ignored column remark"});

  ASSERT_EQ(data.quarantine.size(), 5U);
  const auto& bad_unit = data.quarantine[0];
  EXPECT_EQ(bad_unit.source, "audit");
  EXPECT_EQ(bad_unit.type, RecordType::unit);
  EXPECT_EQ(bad_unit.origin, "units.csv:4");
  EXPECT_EQ(bad_unit.field, "unit_id");
  EXPECT_EQ(bad_unit.value, "11150700MB12345670");
  // One row with two problems: one entry each.
  EXPECT_EQ(data.quarantine[1].origin, "roster.csv:3");
  EXPECT_EQ(data.quarantine[1].field, "person_id");
  EXPECT_EQ(data.quarantine[1].reason, "citizen id check digit is 0, expected 9");
  EXPECT_EQ(data.quarantine[2].origin, "roster.csv:3");
  EXPECT_EQ(data.quarantine[2].field, "estab_type");
  EXPECT_EQ(data.quarantine[2].value, "编制");
  // A malformed CSV row: the whole record, no field.
  EXPECT_EQ(data.quarantine[3].origin, "roster.csv:4");
  EXPECT_EQ(data.quarantine[3].type, RecordType::roster);
  EXPECT_EQ(data.quarantine[3].field, "");
  EXPECT_EQ(data.quarantine[3].reason, "text after the closing quote of field 2");
  EXPECT_EQ(data.quarantine[4].origin, "payroll.csv:2");
  EXPECT_EQ(data.quarantine[4].reason, "has 5 fields, expected 6 (as in the header)");
}

TEST_F(CanonicalFolderTest, EmptyFolderIsAnEmptyDataset) {
  const auto loaded = loadCanonicalFolder(dir_, "audit");
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->units.empty());
  EXPECT_TRUE(loaded->quarantine.empty());
}

TEST_F(CanonicalFolderTest, ZeroByteFileHoldsNoRecords) {
  write("deaths.csv", "");
  write("quotas.csv", "unit_id,estab_type,approved,effective_from,doc_no\n");
  std::vector<std::string> notes;
  const auto loaded = loadCanonicalFolder(dir_, "audit", &notes);
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(loaded->deaths.empty());
  EXPECT_TRUE(loaded->quotas.empty());
  EXPECT_EQ(notes, std::vector<std::string>{"deaths.csv: empty file, no records"});
}

TEST_F(CanonicalFolderTest, MissingRequiredColumnNamesFileAndColumn) {
  write("deaths.csv", "person_id,source\n150702198001011239,民政局\n");
  const auto loaded = loadCanonicalFolder(dir_, "audit");
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find("deaths.csv: missing required column died_on"), std::string::npos)
      << loaded.error().message;
}

TEST_F(CanonicalFolderTest, MissingOrNonFolderPathIsAnError) {
  const auto missing = loadCanonicalFolder(dir_ / "nope", "audit");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("nope"), std::string::npos);
  EXPECT_NE(missing.error().message.find("does not exist"), std::string::npos);

  write("units.csv", "unit_id\n");
  const auto file = loadCanonicalFolder(dir_ / "units.csv", "audit");
  ASSERT_FALSE(file);
  EXPECT_NE(file.error().message.find("not a directory"), std::string::npos);
}

}  // namespace
}  // namespace staffchain::model
