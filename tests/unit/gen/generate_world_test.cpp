#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "gen_test_support.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin/support/csv_reader.hpp"

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
    const bool unit_level =
        t.rule == "CHAIN-007" || t.rule == "CHAIN-012" || t.rule == "CHAIN-016" || t.rule == "CHAIN-018";
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

// Citizen ids are numbered per birth day over the decades before as_of: a world late in the
// century, whose staff are born after 2020, still gives each person an id of their own (ids that
// collide show as one id with two names, and in the audit as one person paid twice).
TEST(GenerateWorld, CitizenIdsOnePersonEachLateInTheCentury) {
  const auto world = generate("ids_2099", 30000, 9, ViolationRates::defaults(), *model::parseDate("2099-12-31"));
  std::map<std::string, std::set<std::string>> names;
  for (const char* file : {"roster.csv", "movements.csv"}) {
    auto reader = plugin::CsvReader::open(world.spec.out_dir / file);
    ASSERT_TRUE(reader.ok()) << file;
    const std::size_t id_at = file == std::string_view("roster.csv") ? 0 : 3;
    plugin::CsvRow row;
    while (reader->next(row)) names[std::string(row.fields[id_at])].insert(std::string(row.fields[id_at + 1]));
  }
  std::size_t shared = 0;
  for (const auto& [id, used] : names) shared += used.size() > 1 ? 1U : 0U;
  EXPECT_EQ(shared, 0U);
  EXPECT_GT(names.size(), 30000U);
}

// "AsOf20050331": a test name from an as-of date.
std::string asOfName(const ::testing::TestParamInfo<const char*>& param) {
  std::string name(param.param);
  std::erase(name, '-');
  return "AsOf" + name;
}

// Every date of a world follows its as-of date, whatever year that is (2005..2100): nothing
// after it, the operations (approvals, movements, pay, deaths) inside the history before it,
// quotas fixed some years before the history, documents numbered in the year they bear, people
// adults on every record and each citizen id one person's.
class GenerateWorldAsOf : public ::testing::TestWithParam<const char*> {};

// Counts the rows that break each expectation and keeps the first of them as an example, so that
// a broken world fails with one line per expectation rather than one per row.
class Breaches {
 public:
  void check(bool ok, const std::string& what, const std::string& example) {
    if (ok) return;
    auto& [count, first] = seen_[what];
    if (count++ == 0) first = example;
  }
  [[nodiscard]] std::string report() const {
    std::string text;
    for (const auto& [what, entry] : seen_)
      text += fmt::format("  {}: {} rows, e.g. {}\n", what, entry.first, entry.second);
    return text;
  }

 private:
  std::map<std::string, std::pair<std::size_t, std::string>> seen_;
};

TEST_P(GenerateWorldAsOf, DatesFollowTheAsOfDate) {
  const model::Date as_of = *model::parseDate(GetParam());
  const auto world = generate(std::string("as_of_") + GetParam(), 3000, 13, ViolationRates::defaults(), as_of);
  auto loaded = model::loadCanonicalFolder(world.spec.out_dir, "gen");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  const model::Dataset& data = *loaded;
  const int year = static_cast<int>(as_of.ymd().year());
  const int history = world.spec.history_years;
  auto yearOf = [](model::Date d) { return static_cast<int>(d.ymd().year()); };
  auto text = [](model::Date d) { return model::formatDate(d); };
  // Operations may reach a year before the history (an approval that expired before its use).
  const model::Date operations_from = model::Date::fromYmd(year - history - 1, 1, 1);
  const model::Date quotas_from = model::Date::fromYmd(year - history - 12, 1, 1);
  Breaches breaches;
  // A person's birth, from the citizen id: an adult of working age on any date on record.
  auto adultOn = [&](const model::PersonId& person, model::Date on, const char* what) {
    const int age = yearOf(on) - yearOf(model::birthDateOf(person));
    breaches.check(age >= 18 && age <= 80, fmt::format("{}: person aged 18..80", what),
                   fmt::format("{} aged {} on {}", person.str(), age, text(on)));
  };
  std::map<std::string, std::string> names;
  auto oneName = [&](const model::PersonId& person, const std::string& name) {
    const auto [it, fresh] = names.emplace(person.str(), name);
    breaches.check(fresh || it->second == name, "one name per citizen id",
                   fmt::format("{}: {} and {}", person.str(), it->second, name));
  };

  std::set<std::pair<std::string, model::EstabType>> quota_types;
  for (const auto& q : data.quotas) {
    const std::string row = fmt::format("{} {} {}", q.unit_id.str(), text(q.effective_from), q.doc_no);
    breaches.check(q.effective_from <= as_of, "quota effective by as_of", row);
    breaches.check(q.effective_from >= quotas_from, "quota fixed at most 12 years before the history", row);
    breaches.check(q.doc_no.find(fmt::format("〔{}〕", yearOf(q.effective_from))) != std::string::npos,
                   "quota document of its year", row);
    quota_types.insert({q.unit_id.str(), q.estab_type});
  }
  for (const auto& a : data.approvals) {
    const std::string row = fmt::format("{} {}", a.approval_id, text(a.issued_on));
    breaches.check(a.issued_on >= operations_from && a.issued_on <= as_of, "approval issued in the history", row);
    breaches.check(a.approval_id.substr(8, 4) == std::to_string(yearOf(a.issued_on)), "approval id of its year", row);
  }
  for (const auto& r : data.roster) {
    breaches.check(r.entered_on <= as_of, "roster entry by as_of", r.person_id.str() + " " + text(r.entered_on));
    adultOn(r.person_id, r.entered_on, "roster");
    oneName(r.person_id, r.name);
    breaches.check(quota_types.contains({r.unit_id.str(), r.estab_type}),
                   "a quota for every unit and type on the roster", r.unit_id.str());
  }
  for (const auto& m : data.movements) {
    const std::string row = fmt::format("{} {} {}", m.movement_id, model::toString(m.kind), text(m.effective_on));
    breaches.check(m.effective_on <= as_of && (!m.recorded_on || *m.recorded_on <= as_of), "movement by as_of", row);
    adultOn(m.person_id, m.effective_on, "movement");
    oneName(m.person_id, m.name);
    // Leavers who joined before the history get their roster entry and first pay dated back.
    if (m.kind == model::MovementKind::roster_add || m.kind == model::MovementKind::pay_start) continue;
    breaches.check(m.effective_on >= operations_from, "movement in the history", row);
  }
  const model::Month last = model::Month::of(as_of);
  for (const auto& p : data.payroll) {
    const std::string row = fmt::format("{} {} {}", p.person_id.str(), model::formatMonth(p.month), p.gross_fen);
    breaches.check(p.month <= last && p.month > last.plus(-world.spec.payroll_months), "pay in the payroll window",
                   row);
    breaches.check(p.gross_fen > 0, "positive pay", row);
    adultOn(p.person_id, p.month.firstDay(), "payroll");
  }
  for (const auto& d : data.deaths) {
    breaches.check(d.died_on >= operations_from && d.died_on <= as_of, "death in the history",
                   d.person_id.str() + " " + text(d.died_on));
  }
  EXPECT_EQ(breaches.report(), "") << "as of " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(AsOfDates, GenerateWorldAsOf,
                         ::testing::Values("2005-03-31", "2018-06-30", "2026-06-30", "2099-12-31"), asOfName);

}  // namespace
}  // namespace staffchain::gen::testing
