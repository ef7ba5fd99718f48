// staffchainctl audit on a folder of exports: formats, masking, bad rows, exit codes.
#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "process.hpp"
#include "scratch_dir.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// One organ with one admin post, a person on its roster, a second person paid by it with no
// roster entry anywhere (CHAIN-004), and a payroll row with a bad citizen id (DATA-001).
void writeExports(const ScratchDir& dir) {
  dir.write("exports/units.csv",
            "unit_id,name,region,parent_id,kind,funding\n11150702MB0000000D,海拉尔区财政局,150702,,organ,full\n");
  dir.write(
      "exports/quotas.csv",
      "unit_id,estab_type,approved,effective_from,doc_no\n11150702MB0000000D,admin,1,2020-01-01,海区编发〔2020〕1号\n");
  dir.write("exports/roster.csv",
            "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n"
            "11010519491231002X,张三,11150702MB0000000D,行政编制,2020-03-01,,,\n");
  dir.write("exports/payroll.csv",
            "person_id,unit_id,month,funding,gross\n"
            "11010519491231002X,11150702MB0000000D,2026-05,full,8500\n"
            "440524188001010014,11150702MB0000000D,2026-05,full,8500\n"
            "440524188001010015,11150702MB0000000D,2026-05,full,8500\n");
}

std::string gb18030(const std::string& utf8) {
  auto converted = plugin::convertText(utf8, "GB18030", "UTF-8");
  return converted.text;
}

// Every line of the output is JSON (and so valid UTF-8); returns the objects.
std::vector<nlohmann::json> jsonLines(const std::string& out) {
  std::vector<nlohmann::json> objects;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    EXPECT_TRUE(plugin::isValidUtf8(line)) << line;
    auto object = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(object.is_discarded()) << line;
    if (!object.is_discarded()) objects.push_back(std::move(object));
  }
  return objects;
}

std::pair<int, std::string> audit(const ScratchDir& dir, const std::string& format) {
  return runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of",
                   "2026-06-30", "--format", format},
                  dir.path() / ("out-" + format + ".log"));
}

TEST(Audit, RealExportsInGb18030WithBomCrlfAndFullWidthIdsAreRead) {
  ScratchDir dir;
  writeExports(dir);
  dir.write("exports/units.csv", gb18030("unit_id,name,region,parent_id,kind,funding\r\n"
                                         "11150702MB0000000D,海拉尔区财政局,150702,,机关,全额拨款\r\n"));
  dir.write("exports/roster.csv",
            "\xEF\xBB\xBFperson_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank,备注\r\n"
            "１１０１０５１９４９１２３１００２Ｘ,张三,11150702MB0000000D,行政编制,2020-03-01,,,,\r\n");
  auto [code, out] = audit(dir, "jsonl");
  ASSERT_EQ(code, 0) << out;
  const auto objects = jsonLines(out);
  ASSERT_FALSE(objects.empty()) << out;
  // The full-width id is read as the payroll's ASCII one: the person is on the roster (so not
  // paid without one, CHAIN-004), past retirement age there (CHAIN-013), and the row is no DATA-001.
  std::set<std::string> rules_of_person;
  for (const auto& object : objects) {
    if (object["person_id"] == "11010519491231002X") rules_of_person.insert(object["rule"].get<std::string>());
    EXPECT_THAT(object.dump(), ::testing::Not(HasSubstr("roster.csv:2"))) << object.dump();
  }
  EXPECT_EQ(rules_of_person, std::set<std::string>{"CHAIN-013"}) << out;
  auto [table_code, table] = audit(dir, "table");
  ASSERT_EQ(table_code, 0) << table;
  EXPECT_THAT(table, HasSubstr("海拉尔区财政局"));
}

TEST(Audit, AnUndecodableByteQuarantinesItsRowAndEveryFormatStaysValidUtf8) {
  ScratchDir dir;
  writeExports(dir);
  dir.write("exports/roster.csv",
            "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n"
            "11010519491231002X,张三,11150702MB0000000D,行政编制,2020-03-01,,,\n"
            "440524188001010014,李\xff四,11150702MB0000000D,行政编制,2020-03-01,,,\n");
  for (const std::string format : {"jsonl", "csv", "table"}) {
    SCOPED_TRACE(format);
    auto [code, out] = audit(dir, format);
    ASSERT_EQ(code, 0) << out;
    EXPECT_TRUE(plugin::isValidUtf8(out));
    EXPECT_THAT(out, HasSubstr("DATA-001"));
  }
  auto [code, out] = audit(dir, "jsonl");
  bool found = false;
  for (const auto& object : jsonLines(out)) {
    if (object["rule"] == "DATA-001" && object.dump().find("roster.csv:3") != std::string::npos) {
      found = true;
      EXPECT_THAT(object.dump(), HasSubstr("not valid UTF-8"));
    }
  }
  EXPECT_TRUE(found) << out;
}

TEST(Audit, AFileCutShortOrWithAColumnTwiceIsRefusedNamingFileLineAndReason) {
  ScratchDir dir;
  writeExports(dir);
  dir.write("exports/roster.csv",
            "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n"
            "11010519491231002X,张三,11150702MB0000000D,行政编制,2020-03-01,,,\n"
            "440524188001010014,李四,11150702MB00");
  auto [code, out] = audit(dir, "jsonl");
  EXPECT_EQ(code, 2) << out;
  EXPECT_THAT(out, HasSubstr("roster.csv:3"));
  EXPECT_THAT(out, HasSubstr("cut short"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("terminate called")));

  dir.write("exports/roster.csv",
            "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,person_id\n"
            "11010519491231002X,张三,11150702MB0000000D,行政编制,2020-03-01,,,\n");
  auto [twice_code, twice] = audit(dir, "jsonl");
  EXPECT_EQ(twice_code, 2) << twice;
  EXPECT_THAT(twice, HasSubstr("roster.csv: the header names column person_id more than once"));
}

TEST(Audit, AHugeLineIsQuarantinedWithAShortExcerpt) {
  ScratchDir dir;
  writeExports(dir);
  std::string payroll = "person_id,unit_id,month,funding,gross\n11010519491231002X,11150702MB0000000D,2026-05,full,";
  payroll.append(5U << 20U, '7');  // a 5 MiB line
  payroll += "\n11010519491231002X,11150702MB0000000D,2026-04,full,8500\n";
  dir.write("exports/payroll.csv", payroll);
  auto [code, out] = audit(dir, "jsonl");
  ASSERT_EQ(code, 0) << out.substr(0, 2000);
  EXPECT_LT(out.size(), 20'000U);
  EXPECT_THAT(out, HasSubstr("payroll.csv:2"));
  EXPECT_THAT(out, HasSubstr("over the limit of"));
}

TEST(Audit, FileNamesAreMatchedWithoutRegardToCase) {
  ScratchDir dir;
  writeExports(dir);
  fs::rename(dir.path() / "exports" / "payroll.csv", dir.path() / "exports" / "PAYROLL.CSV");
  auto [code, out] = audit(dir, "jsonl");
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("CHAIN-004"));  // the payroll was read
  dir.write("exports/payroll.csv", "person_id,unit_id,month,funding,gross\n");
  auto [twice_code, twice] = audit(dir, "jsonl");
  EXPECT_EQ(twice_code, 2) << twice;
  EXPECT_THAT(twice, HasSubstr("hold the same kind of records"));
}

// A department hands over spreadsheets instead of text: the same records as .xlsx, written by a
// spreadsheet library other than the one the tests use elsewhere (openpyxl), the ids as text
// and the dates as real date cells, give the same findings as the CSV folder.
TEST(Audit, SpreadsheetExportsGiveTheSameFindingsAsTheirCsv) {
  ScratchDir dir;
  writeExports(dir);
  auto [csv_code, from_csv] = audit(dir, "jsonl");
  ASSERT_EQ(csv_code, 0) << from_csv;
  const char* kToXlsx = R"(
import csv, datetime, sys, openpyxl
for name in sys.argv[1:]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "导出数据"
    with open(name + ".csv", encoding="utf-8") as f:
        for i, row in enumerate(csv.reader(f)):
            cells = []
            for value in row:
                try:
                    cells.append(datetime.datetime.strptime(value, "%Y-%m-%d") if i > 0 else value)
                except ValueError:
                    cells.append(value)
            sheet.append(cells)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime.datetime):
                cell.number_format = "yyyy\"年\"m\"月\"d\"日\""
    book.save(name + ".xlsx")
)";
  const auto exports = dir.path() / "exports";
  auto [py_code, py_out] = runToEnd({"/usr/bin/python3", "-c", kToXlsx, (exports / "roster").string(),
                                     (exports / "payroll").string(), (exports / "quotas").string()},
                                    dir.path() / "xlsx.log");
  ASSERT_EQ(py_code, 0) << py_out;
  for (const char* name : {"roster.csv", "payroll.csv", "quotas.csv"}) fs::remove(exports / name);
  auto [xlsx_code, from_xlsx] = audit(dir, "jsonl");
  ASSERT_EQ(xlsx_code, 0) << from_xlsx;
  // The same findings; a quarantined row is named by its file and row, the sheet's row being the
  // CSV's line (the header is row 1 in both).
  auto withoutQuarantine = [](const std::string& out) {
    std::vector<nlohmann::json> kept;
    std::vector<std::string> origins;
    for (auto& object : jsonLines(out)) {
      if (object["rule"] == "DATA-001") {
        origins.push_back(object["evidence"][0]["record_id"]);
      } else {
        kept.push_back(std::move(object));
      }
    }
    return std::pair{kept, origins};
  };
  const auto [csv_findings, csv_rows] = withoutQuarantine(from_csv);
  const auto [xlsx_findings, xlsx_rows] = withoutQuarantine(from_xlsx);
  EXPECT_EQ(xlsx_findings, csv_findings);
  EXPECT_EQ(csv_rows, std::vector<std::string>{"payroll.csv:4"});
  EXPECT_EQ(xlsx_rows, std::vector<std::string>{"payroll.xlsx:4"});
  EXPECT_THAT(from_xlsx, HasSubstr("CHAIN-004"));
  EXPECT_THAT(from_xlsx, HasSubstr("\"entered_on\":\"2020-03-01\"")) << "a date cell read as its date";
}

TEST(Audit, JsonlHasOneObjectPerFindingWithFullIds) {
  ScratchDir dir;
  writeExports(dir);
  auto [code, out] = runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of",
                               "2026-06-30", "--format", "jsonl"},
                              dir.path() / "out.log");
  ASSERT_EQ(code, 0) << out;
  std::map<std::string, nlohmann::json> by_rule;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '{') continue;
    auto object = nlohmann::json::parse(line);
    for (const char* key : {"rule", "severity", "unit_id", "person_id", "since", "summary", "evidence"}) {
      EXPECT_TRUE(object.contains(key)) << key << " missing in " << line;
    }
    by_rule[object["rule"].get<std::string>()] = object;
  }
  ASSERT_EQ(by_rule.count("CHAIN-004"), 1U) << out;
  EXPECT_EQ(by_rule["CHAIN-004"]["person_id"], "440524188001010014");
  EXPECT_EQ(by_rule["CHAIN-004"]["severity"], "critical");
  ASSERT_EQ(by_rule.count("DATA-001"), 1U) << out;
  EXPECT_THAT(by_rule["DATA-001"].dump(), HasSubstr("payroll.csv:4"));
}

TEST(Audit, TableGroupsByUnitMasksIdsAndCountsPerRule) {
  ScratchDir dir;
  writeExports(dir);
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of", "2026-06-30"},
               dir.path() / "out.log");
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("海拉尔区财政局"));
  EXPECT_THAT(out, HasSubstr("440524********0014"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("440524188001010014")));
  EXPECT_THAT(out, HasSubstr("per rule:"));
  EXPECT_THAT(out, ::testing::ContainsRegex("CHAIN-004 +1"));
}

TEST(Audit, CsvFormatHasAHeaderAndLeavesNoFileBehind) {
  ScratchDir dir;
  writeExports(dir);
  auto before = std::distance(fs::recursive_directory_iterator(dir.path()), fs::recursive_directory_iterator());
  auto [code, out] = runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of",
                               "2026-06-30", "--format", "csv"},
                              dir.path() / "../" / (dir.path().filename().string() + ".log"));
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("rule,severity,unit_id,person_id,since,summary,fingerprint\n"));
  auto after = std::distance(fs::recursive_directory_iterator(dir.path()), fs::recursive_directory_iterator());
  EXPECT_EQ(before, after);
  fs::remove(dir.path() / "../" / (dir.path().filename().string() + ".log"));
}

TEST(Audit, MissingFolderExitsTwo) {
  ScratchDir dir;
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "nope").string()}, dir.path() / "out.log");
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("nope"));
}

TEST(Audit, RuleParametersComeFromTheConfiguration) {
  ScratchDir dir;
  writeExports(dir);
  dir.write("staffchain.toml", "[rules]\ndisabled = [\"CHAIN-004\"]\n");
  auto [code, out] =
      runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of", "2026-06-30",
                "--format", "jsonl", "--config", (dir.path() / "staffchain.toml").string()},
               dir.path() / "out.log");
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, ::testing::Not(HasSubstr("CHAIN-004")));
  EXPECT_THAT(out, HasSubstr("DATA-001"));
}

// Two organs over 2023 and 2024, for the tenure audit of the first one over the first half of
// 2024 (DOMAIN.md §7): one violation before the period (a third person on two admin posts in
// the spring of 2023), one begun before it (a secondment with no return in time, from
// 2023-07-03 until the return of 2024-03-15), one begun and ended inside it (a third person
// again, February and March), one outliving it (a resignation of 2024-05-10 never taken off the
// roster: overdue from 2024-05-25); and the second organ over its one post in March and April.
void writeTenureExports(const ScratchDir& dir) {
  dir.write("exports/units.csv",
            "unit_id,name,region,parent_id,kind,funding\n"
            "11150702MB0000000D,海拉尔区财政局,150702,,organ,full\n"
            "11150702MB0000001G,海拉尔区审计局,150702,,organ,full\n");
  dir.write("exports/quotas.csv",
            "unit_id,estab_type,approved,effective_from,doc_no\n"
            "11150702MB0000000D,admin,2,2020-01-01,海区编发〔2020〕1号\n"
            "11150702MB0000001G,admin,1,2020-01-01,海区编发〔2020〕2号\n");
  dir.write("exports/roster.csv",
            "person_id,name,unit_id,estab_type,entered_on,approval_id,leader_level,leader_rank\n"
            "150702198505010010,张一,11150702MB0000000D,admin,2015-01-01,,,\n"
            "150702198505010037,张二,11150702MB0000000D,admin,2015-01-01,,,\n"
            "150702198505010117,张六,11150702MB0000001G,admin,2016-01-01,,,\n");
  const std::string header =
      "movement_id,source,kind,person_id,name,unit_id,from_unit_id,effective_on,recorded_on,approval_id,leader_level,"
      "leader_rank\n";
  auto movement = [](const std::string& id, const std::string& source, const std::string& kind,
                     const std::string& person, const std::string& unit, const std::string& on) {
    return id + "," + source + "," + kind + "," + person + ",," + unit + ",," + on + "," + on + ",,,\n";
  };
  const std::string a = "11150702MB0000000D";
  const std::string b = "11150702MB0000001G";
  dir.write("exports/movements.csv",
            header + movement("RA-3", "estab", "roster_add", "150702198505010053", a, "2023-03-01") +
                movement("RR-3", "estab", "roster_remove", "150702198505010053", a, "2023-06-01") +
                movement("SO-1", "hr", "second_out", "150702198505010010", a, "2023-01-01") +
                movement("SR-1", "hr", "second_return", "150702198505010010", a, "2024-03-15") +
                movement("RA-4", "estab", "roster_add", "15070219850501007X", a, "2024-02-01") +
                movement("RR-4", "estab", "roster_remove", "15070219850501007X", a, "2024-04-01") +
                movement("RS-2", "hr", "resign", "150702198505010037", a, "2024-05-10") +
                movement("RA-5", "estab", "roster_add", "150702198505010096", b, "2024-03-01") +
                movement("RR-5", "estab", "roster_remove", "150702198505010096", b, "2024-05-01"));
  std::string payroll = "person_id,unit_id,month,funding,gross\n";
  auto paid = [&](const std::string& person, const std::string& unit, int from, int to) {
    for (int m = from; m <= to; ++m) {  // months as year * 12 + month - 1
      payroll += fmt::format("{},{},{}-{:02},full,8500\n", person, unit, m / 12, m % 12 + 1);
    }
  };
  paid("150702198505010010", a, 2023 * 12, 2024 * 12 + 5);
  paid("150702198505010037", a, 2023 * 12, 2024 * 12 + 4);
  paid("150702198505010053", a, 2023 * 12 + 2, 2023 * 12 + 4);
  paid("15070219850501007X", a, 2024 * 12 + 1, 2024 * 12 + 2);
  paid("150702198505010096", b, 2024 * 12 + 2, 2024 * 12 + 3);
  paid("150702198505010117", b, 2023 * 12, 2024 * 12 + 5);
  dir.write("exports/payroll.csv", payroll);
}

std::pair<int, std::string> tenure(const ScratchDir& dir, std::vector<std::string> extra) {
  std::vector<std::string> argv{binary("staffchainctl").string(),
                                "audit",
                                (dir.path() / "exports").string(),
                                "--from",
                                "2024-01-01",
                                "--to",
                                "2024-06-30"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return runToEnd(argv, dir.path() / "tenure.log");
}

TEST(Audit, APeriodListsEveryViolationOfItsDaysWithTheSpanInsideIt) {
  ScratchDir dir;
  writeTenureExports(dir);
  auto [code, out] = tenure(dir, {"--unit", "11150702MB0000000D", "--format", "jsonl"});
  ASSERT_EQ(code, 0) << out;
  std::map<std::string, nlohmann::json> by_rule;
  for (auto& line : jsonLines(out)) by_rule[line.at("rule").get<std::string>()] = line;
  ASSERT_EQ(by_rule.size(), 3U) << out;
  ASSERT_TRUE(by_rule.contains("CHAIN-015")) << out;
  EXPECT_EQ(by_rule["CHAIN-015"]["since"], "2023-07-03");
  EXPECT_EQ(by_rule["CHAIN-015"]["first"], "2024-01-01");
  EXPECT_EQ(by_rule["CHAIN-015"]["last"], "2024-03-14");
  EXPECT_EQ(by_rule["CHAIN-015"]["open_at_end"], false);
  ASSERT_TRUE(by_rule.contains("CHAIN-012")) << out;
  EXPECT_EQ(by_rule["CHAIN-012"]["first"], "2024-02-01");
  EXPECT_EQ(by_rule["CHAIN-012"]["last"], "2024-03-31");
  EXPECT_EQ(by_rule["CHAIN-012"]["open_at_end"], false);
  ASSERT_TRUE(by_rule.contains("CHAIN-005")) << out;
  EXPECT_EQ(by_rule["CHAIN-005"]["first"], "2024-05-25");
  EXPECT_EQ(by_rule["CHAIN-005"]["last"], "2024-06-30");
  EXPECT_EQ(by_rule["CHAIN-005"]["open_at_end"], true);
  EXPECT_EQ(by_rule["CHAIN-005"]["person_id"], "150702198505010037");
  for (const auto& [rule, line] : by_rule) EXPECT_EQ(line["unit_id"], "11150702MB0000000D");

  // The run of excess of 2023 lies outside the period: a period that holds it reports it.
  auto [code2023, out2023] =
      runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--from", "2023-04-01",
                "--to", "2023-06-30", "--unit", "11150702MB0000000D", "--format", "csv"},
               dir.path() / "tenure-2023.log");
  ASSERT_EQ(code2023, 0) << out2023;
  EXPECT_THAT(out2023, HasSubstr("rule,severity,unit_id,person_id,since,first,last,open_at_end,summary,fingerprint\n"));
  EXPECT_THAT(out2023, HasSubstr("CHAIN-012,major,11150702MB0000000D,,2023-03-01,2023-04-01,2023-05-31,false,"));
  EXPECT_THAT(out2023, ::testing::Not(HasSubstr("CHAIN-015")));
}

TEST(Audit, APeriodsTableNamesEachUnitAndMasksIds) {
  ScratchDir dir;
  writeTenureExports(dir);
  auto [code, out] = tenure(dir, {});
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, HasSubstr("2024-01-01 ~ 2024-06-30: 4 violations in 2 units, 1 still open at 2024-06-30"));
  EXPECT_THAT(out, HasSubstr("海拉尔区财政局"));
  EXPECT_THAT(out, HasSubstr("海拉尔区审计局"));
  EXPECT_THAT(out, ::testing::ContainsRegex("CHAIN-012 +major +2024-02-01 ~ 2024-03-31"));
  EXPECT_THAT(out, ::testing::ContainsRegex("CHAIN-012 +major +2024-03-01 ~ 2024-04-30"));
  EXPECT_THAT(out, ::testing::ContainsRegex("CHAIN-005 +major +150702\\*+0037 +2024-05-25 ~ open"));
  EXPECT_THAT(out, ::testing::Not(HasSubstr("150702198505010037")));
}

TEST(Audit, APeriodNeedsBothEndsInOrderAndNoOneDayOption) {
  ScratchDir dir;
  writeTenureExports(dir);
  const auto folder = (dir.path() / "exports").string();
  const auto ctl = binary("staffchainctl").string();
  auto [half, half_out] = runToEnd({ctl, "audit", folder, "--from", "2024-01-01"}, dir.path() / "half.log");
  EXPECT_EQ(half, 64);
  EXPECT_THAT(half_out, HasSubstr("both --from and --to"));
  auto [reversed, reversed_out] =
      runToEnd({ctl, "audit", folder, "--from", "2024-06-30", "--to", "2024-01-01"}, dir.path() / "reversed.log");
  EXPECT_EQ(reversed, 64);
  EXPECT_THAT(reversed_out, HasSubstr("before --from"));
  auto [mixed, mixed_out] =
      runToEnd({ctl, "audit", folder, "--from", "2024-01-01", "--to", "2024-06-30", "--as-of", "2024-06-30"},
               dir.path() / "mixed.log");
  EXPECT_EQ(mixed, 64);
  auto [bad_unit, bad_unit_out] =
      runToEnd({ctl, "audit", folder, "--from", "2024-01-01", "--to", "2024-06-30", "--unit", "11150702MB0000000A"},
               dir.path() / "bad-unit.log");
  EXPECT_EQ(bad_unit, 64);
  EXPECT_THAT(bad_unit_out, HasSubstr("11150702MB0000000A"));
}

}  // namespace
}  // namespace staffchain::testing
