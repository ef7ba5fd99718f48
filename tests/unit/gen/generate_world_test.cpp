#include <map>
#include <set>

#include "gen_test_support.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin/csv_reader.hpp"

namespace staffchain::gen::testing {
namespace {

TEST(GenerateWorld, SameSeedSameBytesOtherSeedOtherBytes) {
  const auto a = generate("det_a", 2000, 7);
  const auto b = generate("det_b", 2000, 7);
  const auto c = generate("det_c", 2000, 8);
  for (const char* file : kFiles) {
    const std::string bytes = readFile(a.spec.out_dir / file);
    EXPECT_FALSE(bytes.empty()) << file;
    EXPECT_EQ(bytes, readFile(b.spec.out_dir / file)) << file;
  }
  EXPECT_NE(readFile(a.spec.out_dir / "roster.csv"), readFile(c.spec.out_dir / "roster.csv"));
  EXPECT_NE(readFile(a.spec.out_dir / "movements.csv"), readFile(c.spec.out_dir / "movements.csv"));
}

TEST(GenerateWorld, EveryFileHasTheCanonicalColumns) {
  const auto world = generate("columns", 3000, 3);
  const std::map<std::string, std::vector<std::string>> expected{
      {"units.csv", {"unit_id", "name", "region", "parent_id", "kind", "funding"}},
      {"quotas.csv", {"unit_id", "estab_type", "approved", "effective_from", "doc_no"}},
      {"leader_quotas.csv", {"unit_id", "level", "rank", "approved"}},
      {"approvals.csv", {"approval_id", "unit_id", "estab_type", "slots", "issued_on", "valid_until", "purpose"}},
      {"roster.csv",
       {"person_id", "name", "unit_id", "estab_type", "entered_on", "approval_id", "leader_level", "leader_rank"}},
      {"movements.csv",
       {"movement_id", "source", "kind", "person_id", "name", "unit_id", "from_unit_id", "effective_on", "recorded_on",
        "approval_id", "leader_level", "leader_rank"}},
      {"payroll.csv", {"person_id", "unit_id", "month", "funding", "gross"}},
      {"deaths.csv", {"person_id", "died_on", "source"}},
  };
  for (const auto& [file, columns] : expected) {
    auto reader = plugin::CsvReader::open(world.spec.out_dir / file);
    ASSERT_TRUE(reader.ok()) << file;
    ASSERT_EQ(std::vector<std::string>(reader->header().begin(), reader->header().end()), columns) << file;
    plugin::CsvRow row;
    std::size_t rows = 0;
    while (reader->next(row)) {
      EXPECT_EQ(row.fields.size(), columns.size()) << file << ":" << row.line;
      ++rows;
    }
    EXPECT_TRUE(reader->problems().empty()) << file;
    EXPECT_GT(rows, 0U) << file;
  }
}

// The only invalid identifiers are the ones DATA-001 put there, and the loader quarantines
// exactly one row per DATA-001 truth line.
TEST(GenerateWorld, IdentifiersValidExceptInjectedDataErrors) {
  const auto world = generate("ids", 4000, 11);
  std::size_t data_errors = 0;
  std::size_t bad_id_rows = 0;
  for (const auto& t : world.truth) {
    if (t.rule != "DATA-001") continue;
    ++data_errors;
    if (t.unit_id.empty() && t.person_id.empty()) ++bad_id_rows;
  }
  std::size_t invalid = 0;
  std::size_t checked = 0;
  auto check = [&](const char* file, const std::vector<std::string>& person_cols,
                   const std::vector<std::string>& unit_cols) {
    auto reader = plugin::CsvReader::open(world.spec.out_dir / file);
    ASSERT_TRUE(reader.ok());
    std::map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < reader->header().size(); ++i) at[reader->header()[i]] = i;
    plugin::CsvRow row;
    while (reader->next(row)) {
      for (const auto& col : person_cols) {
        const auto v = row.fields[at[col]];
        if (v.empty()) continue;
        ++checked;
        invalid += !model::checkCitizenId(v);
      }
      for (const auto& col : unit_cols) {
        const auto v = row.fields[at[col]];
        if (v.empty()) continue;
        ++checked;
        invalid += !model::checkCreditCode(v);
      }
    }
  };
  check("units.csv", {}, {"unit_id", "parent_id"});
  check("quotas.csv", {}, {"unit_id"});
  check("roster.csv", {"person_id"}, {"unit_id"});
  check("movements.csv", {"person_id"}, {"unit_id", "from_unit_id"});
  check("payroll.csv", {"person_id"}, {"unit_id"});
  check("deaths.csv", {"person_id"}, {});
  EXPECT_GT(checked, 10000U);
  EXPECT_EQ(invalid, bad_id_rows);

  auto loaded = model::loadCanonicalFolder(world.spec.out_dir, "gen");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  std::set<std::string> quarantined;
  for (const auto& q : loaded->quarantine) quarantined.insert(q.origin);
  EXPECT_EQ(quarantined.size(), data_errors);
}

TEST(GenerateWorld, ScaleFollowsDomain) {
  const auto world = generate("scale", 20000, 5);
  const double units = static_cast<double>(world.stats.units);
  EXPECT_NEAR(units, 20000.0 / 35.0, 20000.0 / 35.0 * 0.1);
  auto reader = plugin::CsvReader::open(world.spec.out_dir / "movements.csv");
  ASSERT_TRUE(reader.ok());
  std::size_t exits = 0;
  plugin::CsvRow row;
  while (reader->next(row)) {
    const auto kind = row.fields[2];
    exits += kind == "retire" || kind == "resign" || kind == "dismiss" || kind == "death" || kind == "transfer_out";
  }
  const double yearly = static_cast<double>(exits) / 3.0 / 20000.0;
  EXPECT_GE(yearly, 0.05);
  EXPECT_LE(yearly, 0.08);
  EXPECT_GT(world.stats.persons, 20000U);
}

TEST(GenerateWorld, EveryRuleAppearsInTruthAtFiveThousand) {
  const auto world = generate("rules", 5000, 1);
  std::set<std::string> rules;
  for (const auto& t : world.truth) rules.insert(t.rule);
  for (std::size_t i = 0; i < kInjectedRuleCount; ++i) {
    const auto id = std::string(ruleId(static_cast<InjectedRule>(i)));
    EXPECT_TRUE(rules.contains(id)) << id;
    EXPECT_EQ(world.stats.injected[i], world.stats.requested[i]) << id;
  }
  for (const auto& t : world.truth) {
    const bool unit_level = t.rule == "CHAIN-007" || t.rule == "CHAIN-012" || t.rule == "CHAIN-016";
    if (unit_level) {
      EXPECT_TRUE(t.person_id.empty()) << t.rule;
    }
    if (t.rule.starts_with("CHAIN") && !unit_level) {
      EXPECT_FALSE(t.person_id.empty()) << t.rule;
    }
    if (t.rule.starts_with("CHAIN")) {
      EXPECT_FALSE(t.unit_id.empty()) << t.rule;
    }
  }
}

TEST(GenerateWorld, RatesRespected) {
  const auto world = generate("rates", 30000, 9);
  std::map<std::string, std::size_t> lines;
  for (const auto& t : world.truth) ++lines[t.rule];
  // Ghost pay near 1.3% of people (CHAIN-016's cases add a few).
  EXPECT_NEAR(static_cast<double>(lines["CHAIN-006"]), 0.013 * 30000, 0.013 * 30000 * 0.1);
  for (std::size_t i = 0; i < kInjectedRuleCount; ++i) {
    EXPECT_EQ(world.stats.requested[i], static_cast<std::size_t>(i == 5 ? 390 : 6))
        << ruleId(static_cast<InjectedRule>(i));
    EXPECT_EQ(world.stats.injected[i], world.stats.requested[i]) << ruleId(static_cast<InjectedRule>(i));
  }
  const auto clean = generate("rates_none", 3000, 9, ViolationRates::none());
  EXPECT_TRUE(clean.truth.empty());
}

}  // namespace
}  // namespace staffchain::gen::testing
