// The csv source, loaded as the daemon loads it, on real files in a real drop folder.
#include <xlsxwriter.h>

#include "csv_source_fixture.hpp"

namespace staffchain::plugin_host {
namespace {

using ::testing::HasSubstr;

constexpr const char* kDeaths = "person_id,died_on,source\n11010519491231002X,2024-03-01,民政局\n";

TEST_F(CsvSourceTest, ReadsACanonicalFileAndArchivesItAfterTheCommit) {
  dir_.write("inbox/deaths.csv", kDeaths);
  auto source = create("");
  ASSERT_TRUE(source);
  auto batch = pullAndCommit(*source);
  ASSERT_EQ(batch.records.size(), 1U);
  EXPECT_EQ(batch.records[0].type, plugin::RecordType::death);
  EXPECT_EQ(batch.records[0].origin, "deaths.csv:2");
  EXPECT_EQ(*batch.records[0].field("source"), "民政局");
  EXPECT_FALSE(batch.cursor.empty());
  EXPECT_FALSE(fs::exists(dir_.path() / "inbox" / "deaths.csv"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path() / "inbox" / "archive"), fs::directory_iterator()), 1);
}

// An office's own export of its reduction tasks (控编减编), its columns renamed by the mapping:
// read like any canonical file, and a snapshot by default (a task left out was withdrawn).
TEST_F(CsvSourceTest, ReductionTasksAreASnapshotReadThroughTheMapping) {
  dir_.write("inbox/减编任务.csv",
             "任务编号,单位代码,编制类型,核减数,下达日期,完成期限,文号\n"
             "JB2025-01,111507000101584181,行政编制,2,2025-01-15,2025-12-31,呼编发〔2025〕9号\n");
  auto source = create(R"([files.reductions]
pattern = "减编任务*.csv"
mapping = { fields = { task_id = "任务编号", unit_id = "单位代码", estab_type = "编制类型", posts_to_recover = "核减数", issued_on = "下达日期", due_on = "完成期限", doc_no = "文号" } }
)");
  ASSERT_TRUE(source);
  auto batch = pullAndCommit(*source);
  ASSERT_EQ(batch.records.size(), 1U);
  EXPECT_EQ(batch.records[0].type, plugin::RecordType::reduction);
  EXPECT_EQ(*batch.records[0].field("task_id"), "JB2025-01");
  EXPECT_EQ(*batch.records[0].field("posts_to_recover"), "2");
  EXPECT_EQ(batch.full_snapshot_of, std::vector<plugin::RecordType>{plugin::RecordType::reduction});
}

// The same reduction tasks handed over as a spreadsheet: its first sheet is read through the same
// mapping, the dates typed as date cells read as dates.
TEST_F(CsvSourceTest, SpreadsheetExportsAreReadThroughTheMappingLikeTheirCsv) {
  const auto path = dir_.path() / "inbox" / "减编任务-2025.xlsx";
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "减编任务");
  lxw_format* date = workbook_add_format(workbook);
  format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
  const char* header[] = {"任务编号", "单位代码", "编制类型", "核减数", "下达日期", "完成期限", "文号"};
  for (lxw_col_t c = 0; c < 7; ++c) worksheet_write_string(sheet, 0, c, header[c], nullptr);
  worksheet_write_string(sheet, 1, 0, "JB2025-01", nullptr);
  worksheet_write_string(sheet, 1, 1, "111507000101584181", nullptr);
  worksheet_write_string(sheet, 1, 2, "行政编制", nullptr);
  worksheet_write_number(sheet, 1, 3, 2, nullptr);
  lxw_datetime issued{2025, 1, 15, 0, 0, 0};
  lxw_datetime due{2025, 12, 31, 0, 0, 0};
  worksheet_write_datetime(sheet, 1, 4, &issued, date);
  worksheet_write_datetime(sheet, 1, 5, &due, date);
  worksheet_write_string(sheet, 1, 6, "呼编发〔2025〕9号", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  auto source = create(R"([files.reductions]
pattern = "减编任务*.xlsx"
mapping = { fields = { task_id = "任务编号", unit_id = "单位代码", estab_type = "编制类型", posts_to_recover = "核减数", issued_on = "下达日期", due_on = "完成期限", doc_no = "文号" } }
)");
  ASSERT_TRUE(source);
  auto batch = pullAndCommit(*source);
  ASSERT_EQ(batch.records.size(), 1U);
  EXPECT_EQ(batch.records[0].type, plugin::RecordType::reduction);
  EXPECT_EQ(*batch.records[0].field("task_id"), "JB2025-01");
  EXPECT_EQ(*batch.records[0].field("posts_to_recover"), "2");
  EXPECT_EQ(*batch.records[0].field("issued_on"), "2025-01-15");
  EXPECT_EQ(*batch.records[0].field("due_on"), "2025-12-31");
  EXPECT_EQ(batch.records[0].origin, "减编任务-2025.xlsx:2") << "the sheet's row";
}

TEST_F(CsvSourceTest, Gb18030ExportsAreConverted) {
  dir_.write("inbox/deaths.csv", toGb18030(kDeaths));
  auto source = create("");
  ASSERT_TRUE(source);
  auto batch = pullAndCommit(*source);
  ASSERT_EQ(batch.records.size(), 1U);
  EXPECT_EQ(*batch.records[0].field("source"), "民政局");
}

TEST_F(CsvSourceTest, HalfWrittenFilesAreNotRead) {
  dir_.write("inbox/.deaths.csv.part", kDeaths);  // still being written under a temporary name
  auto source = create("");
  ASSERT_TRUE(source);
  EXPECT_TRUE(pullAndCommit(*source).records.empty());
  fs::rename(dir_.path() / "inbox" / ".deaths.csv.part", dir_.path() / "inbox" / "deaths.csv");
  EXPECT_EQ(pullAndCommit(*source).records.size(), 1U);
}

TEST_F(CsvSourceTest, WithDoneMarkersAFileWaitsForItsMarker) {
  dir_.write("inbox/deaths.csv", kDeaths);
  auto source = create("completion = \"done_marker\"\n");
  ASSERT_TRUE(source);
  EXPECT_TRUE(pullAndCommit(*source).records.empty());
  dir_.write("inbox/deaths.csv.done", "");
  EXPECT_EQ(pullAndCommit(*source).records.size(), 1U);
  EXPECT_FALSE(fs::exists(dir_.path() / "inbox" / "deaths.csv.done"));
}

TEST_F(CsvSourceTest, FilesWaitingBehindTheFirstAreCountedAsRemainingRowsFromTheirSize) {
  const auto deaths = [](int rows) {
    std::string text = "person_id,died_on,source\n";
    for (int i = 0; i < rows; ++i) text += fmt::format("11010519491231002X,2024-03-0{},mzj\n", 1 + i % 9);
    return text;
  };
  const auto first_file = dir_.write("inbox/deaths-1.csv", deaths(4));
  const auto second_file = dir_.write("inbox/deaths-2.csv", deaths(8));
  // Oldest first: make the order certain whatever the clock's resolution.
  fs::last_write_time(second_file, fs::last_write_time(first_file) + 1s);
  auto source = create("");
  ASSERT_TRUE(source);
  auto first = pullAndCommit(*source);
  ASSERT_EQ(first.records.size(), 4U);
  EXPECT_TRUE(first.more);
  ASSERT_TRUE(first.remaining.has_value());
  // An estimate from bytes (the header weighs in): within a row of the 8 really waiting.
  EXPECT_NEAR(static_cast<double>(*first.remaining), 8.0, 1.0);
  auto second = pullAndCommit(*source, first.cursor);
  EXPECT_EQ(second.records.size(), 8U);
  EXPECT_FALSE(second.more);
  EXPECT_FALSE(second.remaining.has_value());
}

TEST_F(CsvSourceTest, TheSameExportIsNeverIngestedTwice) {
  auto source = create("");
  ASSERT_TRUE(source);
  dir_.write("inbox/deaths.csv", kDeaths);
  auto first = pullAndCommit(*source);
  EXPECT_EQ(first.records.size(), 1U);
  dir_.write("inbox/deaths-again.csv", kDeaths);  // the same bytes under another name
  auto second = pullAndCommit(*source, first.cursor);
  EXPECT_TRUE(second.records.empty());
  EXPECT_THAT(log_.str(), HasSubstr("was ingested before"));
  EXPECT_FALSE(fs::exists(dir_.path() / "inbox" / "deaths-again.csv"));
}

TEST_F(CsvSourceTest, MappingRenamesChineseColumnsMapsValuesAndDates) {
  dir_.write("inbox/YDXX_202405.csv",
             "编号,来源,类型,身份证号,姓名,单位代码,生效日期\n"
             "M-1,人社局,退休,11010519491231002X,张三,91350100M000100Y43,2024年5月7日\n"
             "M-2,人社局,退休,440524188001010014,李四,91350100M000100Y43,5/7/2024\n");
  auto source = create(R"(
[files.movements]
pattern = "YDXX_*.csv"
[files.movements.mapping]
fields = { movement_id = "编号", source = "来源", kind = "类型", person_id = "身份证号", name = "姓名", unit_id = "单位代码", effective_on = "生效日期" }
values = { source = { "人社局" = "hr" } }
dates = { effective_on = "%Y年%m月%d日" }
)");
  ASSERT_TRUE(source);
  auto batch = pullAndCommit(*source);
  ASSERT_EQ(batch.records.size(), 1U);
  const auto& record = batch.records[0];
  EXPECT_EQ(record.type, plugin::RecordType::movement);
  EXPECT_EQ(*record.field("movement_id"), "M-1");
  EXPECT_EQ(*record.field("source"), "hr");
  EXPECT_EQ(*record.field("kind"), "退休");  // the host's validation knows the Chinese labels
  EXPECT_EQ(*record.field("effective_on"), "2024-05-07");
  ASSERT_EQ(batch.rejected.size(), 1U);
  EXPECT_EQ(batch.rejected[0].origin, "YDXX_202405.csv:3");
  EXPECT_EQ(batch.rejected[0].field, "effective_on");
}

TEST_F(CsvSourceTest, MalformedRowsAndBadValuesAreQuarantinedAndTheRestLands) {
  dir_.write("inbox/deaths.csv",
             "person_id,died_on,source\n"
             "11010519491231002X,2024-03-01,a\n"
             "\"unterminated,2024-03-01,b\n"
             "440524188001010015,2024-03-01,c\n"
             "440524188001010014,2024-03-02,d\n");
  auto source = create("");
  ASSERT_TRUE(source);
  auto batch = pullSource(*source, "", 5s);
  ASSERT_TRUE(batch.ok());
  auto ledger = ledger::SqlLedger::open(dir_.path() / "ledger.db");
  ASSERT_TRUE(ledger.ok());
  auto ingested = ingest::ingestBatch(*ledger.value(), "hr_csv", batch.value());
  ASSERT_TRUE(ingested.ok()) << ingested.error().message;
  EXPECT_EQ(ingested->stats.inserted, 2U);
  std::vector<std::string> problems;
  for (const auto& entry : ingested->quarantine)
    problems.push_back(entry.origin + " " + entry.field + " " + entry.reason);
  EXPECT_THAT(problems, ::testing::UnorderedElementsAre(HasSubstr("deaths.csv:3  unterminated"),
                                                        HasSubstr("deaths.csv:4 person_id citizen id check digit")));
}

TEST_F(CsvSourceTest, AFileThatCannotBeReadGoesToRejectedWithItsReason) {
  dir_.write("inbox/salaries.csv", "a,b\n1,2\n");
  auto source = create("");
  ASSERT_TRUE(source);
  auto batch = pullAndCommit(*source);
  ASSERT_EQ(batch.rejected.size(), 1U);
  EXPECT_THAT(batch.rejected[0].reason, HasSubstr("does not start with a canonical file name"));
  bool found_reason = false;
  for (const auto& entry : fs::directory_iterator(dir_.path() / "inbox" / "rejected")) {
    if (entry.path().string().ends_with(".reason.txt")) {
      found_reason = true;
      std::ifstream in(entry.path());
      std::string text((std::istreambuf_iterator<char>(in)), {});
      EXPECT_THAT(text, HasSubstr("canonical file name"));
    }
  }
  EXPECT_TRUE(found_reason);
}

TEST_F(CsvSourceTest, AMissingFolderIsAFailureNotAnEmptyPull) {
  fs::remove_all(dir_.path() / "inbox");
  auto source = create("");
  ASSERT_TRUE(source);
  auto batch = pullSource(*source, "", 5s);
  ASSERT_FALSE(batch.ok());
  EXPECT_THAT(batch.error().message, HasSubstr("does not exist"));
}

TEST_F(CsvSourceTest, UnknownFileKindsAndMappingColumnsAreConfigurationErrors) {
  document_ = std::make_shared<toml::table>(
      toml::parse("plugin = \"csv\"\nrole = \"hr\"\nfolder = \"x\"\n[files.salaries]\npattern = \"GZ*.csv\"\n"
                  "[files.payroll.mapping]\nfields = { persn_id = \"sfzh\" }\n",
                  std::string_view("c.toml")));
  std::vector<std::string> errors;
  plugin::ConfigReader reader(*document_, "connectors.hr_csv", errors);
  for (auto key : config::kConnectorHostKeys) reader.accept(key);
  ASSERT_TRUE(catalog_->validate("csv", plugin::PluginKind::source, reader));
  reader.finish();
  EXPECT_THAT(errors,
              ::testing::UnorderedElementsAre(
                  HasSubstr("c.toml:4:1: connectors.hr_csv.files.salaries: not a canonical file"),
                  HasSubstr("c.toml:7:12: connectors.hr_csv.files.payroll.mapping.fields.persn_id: not a column "
                            "of payroll.csv")));
}

}  // namespace
}  // namespace staffchain::plugin_host
