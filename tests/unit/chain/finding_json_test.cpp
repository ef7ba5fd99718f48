// A finding as JSON: the form the API and `audit --format jsonl` both print.
#include "staffchain/chain/finding_json.hpp"

#include <gtest/gtest.h>

#include "chain_test_support.hpp"

namespace staffchain::chain::testing {
namespace {

TEST(FindingJson, CarriesEveryFieldAndTheEvidenceInFull) {
  Finding finding;
  finding.rule = "CHAIN-004";
  finding.severity = Severity::critical;
  finding.unit_id = unitId(1);
  finding.person_id = person(1);
  finding.since = day(2026, 5, 1);
  finding.summary_zh = "无编发薪";
  finding.summary_en = "paid without a post";
  finding.fingerprint = "0bf74c39f1021e33";
  finding.evidence = {{"finance_csv", "payroll", "key", {{"month", "2026-05"}, {"gross", "8500"}}}};
  const nlohmann::json json = findingJson(finding);
  EXPECT_EQ(
      json.dump(),
      nlohmann::json({{"fingerprint", "0bf74c39f1021e33"},
                      {"rule", "CHAIN-004"},
                      {"severity", "critical"},
                      {"unit_id", unitId(1).str()},
                      {"person_id", person(1).str()},
                      {"since", "2026-05-01"},
                      {"summary", "无编发薪"},
                      {"summary_en", "paid without a post"},
                      {"evidence", nlohmann::json::array({{{"source", "finance_csv"},
                                                           {"record_type", "payroll"},
                                                           {"record_id", "key"},
                                                           {"fields", {{"month", "2026-05"}, {"gross", "8500"}}}}})}})
          .dump());
  // A finding about a unit alone has an empty person, not a missing one.
  finding.person_id = {};
  EXPECT_EQ(findingJson(finding).at("person_id"), "");
  EXPECT_TRUE(evidenceJson({}).is_array());
}

}  // namespace
}  // namespace staffchain::chain::testing
