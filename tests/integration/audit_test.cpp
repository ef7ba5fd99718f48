// staffchainctl audit on a folder of exports: formats, masking, bad rows, exit codes.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "process.hpp"
#include "scratch_dir.hpp"

namespace staffchain::testing {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

// One organ with one admin post, a person on its roster, a second person paid by it with no
// roster entry anywhere (CHAIN-004), and a payroll row with a bad citizen id (DATA-001).
void writeExports(const ScratchDir& dir) {
  dir.write("exports/units.csv",
            "unit_id,name,region,parent_id,kind,funding\n11150702MB0000000D,海拉尔区财政局,150702,,organ,full\n");
  dir.write("exports/quotas.csv",
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
  auto [code, out] = runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of",
                               "2026-06-30"},
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
  auto [code, out] = runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "nope").string()},
                              dir.path() / "out.log");
  EXPECT_EQ(code, 2);
  EXPECT_THAT(out, HasSubstr("nope"));
}

TEST(Audit, RuleParametersComeFromTheConfiguration) {
  ScratchDir dir;
  writeExports(dir);
  dir.write("staffchain.toml", "[rules]\ndisabled = [\"CHAIN-004\"]\n");
  auto [code, out] = runToEnd({binary("staffchainctl").string(), "audit", (dir.path() / "exports").string(), "--as-of",
                               "2026-06-30", "--format", "jsonl", "--config", (dir.path() / "staffchain.toml").string()},
                              dir.path() / "out.log");
  ASSERT_EQ(code, 0) << out;
  EXPECT_THAT(out, ::testing::Not(HasSubstr("CHAIN-004")));
  EXPECT_THAT(out, HasSubstr("DATA-001"));
}

}  // namespace
}  // namespace staffchain::testing
