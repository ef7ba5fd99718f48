// staffchainctl audit on a folder of exports: formats, masking, bad rows, exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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
  EXPECT_THAT(twice, HasSubstr("are the same file in different case"));
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

}  // namespace
}  // namespace staffchain::testing
