// Incremental evaluation agrees with full evaluation: a seeded random dataset is loaded half
// at a time and the rest applied one record at a time.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <random>
#include <stdexcept>

#include "chain_test_support.hpp"
#include "random_dataset.hpp"

namespace staffchain::chain::testing {
namespace {

void addTo(model::Dataset& data, const model::Record& record) {
  model::appendRecord(data, model::Record{record});
}

// Applies a delta to a map of open findings, as an alert manager would.
void applyDelta(std::map<std::string, Finding>& open, const FindingDelta& delta) {
  for (const auto& fp : delta.resolved) ASSERT_EQ(open.erase(fp), 1U) << "resolved but never open: " << fp;
  for (const auto& f : delta.changed) open[f.fingerprint] = f;
}

std::vector<Finding> sorted(const std::map<std::string, Finding>& open) {
  std::vector<Finding> out;
  for (const auto& [fp, f] : open) out.push_back(f);
  std::sort(out.begin(), out.end(), findingLess);
  return out;
}

TEST(ChainEquivalence, IncrementalAgreesWithFullEvaluation) {
  auto generated = Generator(20240630).make(2000, 16);
  std::shuffle(generated.records.begin(), generated.records.end(), std::mt19937(11));
  const auto asOf = day(2024, 6, 30);
  const auto half = generated.records.size() / 2;

  model::Dataset all;
  model::Dataset first;
  for (std::size_t i = 0; i < generated.records.size(); ++i) {
    addTo(all, generated.records[i]);
    if (i < half) addTo(first, generated.records[i]);
  }
  for (std::size_t i = 0; i < generated.quarantine.size(); ++i) {
    all.quarantine.push_back(generated.quarantine[i]);
    if (i < generated.quarantine.size() / 2) first.quarantine.push_back(generated.quarantine[i]);
  }

  ChainEngine engine{RuleParams{}};
  engine.load(first);
  std::map<std::string, Finding> open;
  for (const auto& f : engine.evaluateAll(asOf)) open[f.fingerprint] = f;
  for (std::size_t i = half; i < generated.records.size(); ++i) {
    engine.apply(generated.records[i]);
    applyDelta(open, engine.evaluateTouched(asOf));
  }
  for (std::size_t i = generated.quarantine.size() / 2; i < generated.quarantine.size(); ++i) {
    engine.addQuarantine(generated.quarantine[i]);
    applyDelta(open, engine.evaluateTouched(asOf));
  }

  const auto full = evaluate(all, asOf);
  std::map<std::string, std::size_t> perRule;
  for (const auto& f : full) ++perRule[f.rule];
  for (const auto& rule : {"CHAIN-001", "CHAIN-002", "CHAIN-003", "CHAIN-004", "CHAIN-005", "CHAIN-006", "CHAIN-007",
                           "CHAIN-009", "CHAIN-010", "CHAIN-011", "CHAIN-012", "CHAIN-013", "CHAIN-015", "CHAIN-016",
                           "CHAIN-017", "CHAIN-018", "DATA-001"}) {
    EXPECT_GT(perRule[rule], 0U) << rule << " never fired: the generated mix does not exercise it";
  }
  const auto incremental = engine.findings();
  ASSERT_EQ(incremental.size(), full.size());
  EXPECT_EQ(incremental, full);
  EXPECT_EQ(sorted(open), full) << "the deltas, applied in turn, must give the same set";

  // Take a tenth of the records away again, one at a time.
  std::mt19937 rng(5);
  model::Dataset remaining;
  for (std::size_t i = 0; i < generated.records.size(); ++i) {
    const auto& record = generated.records[i];
    if (rng() % 10 == 0) {
      engine.remove(model::recordTypeOf(record), model::recordKey(record));
      applyDelta(open, engine.evaluateTouched(asOf));
    } else {
      addTo(remaining, record);
    }
  }
  engine.removeQuarantine("roster_csv", "file.csv:3");
  applyDelta(open, engine.evaluateTouched(asOf));
  for (const auto& q : generated.quarantine) {
    if (!(q.source == "roster_csv" && q.origin == "file.csv:3")) remaining.quarantine.push_back(q);
  }
  const auto afterRemoval = evaluate(remaining, asOf);
  EXPECT_EQ(engine.findings(), afterRemoval);
  EXPECT_EQ(sorted(open), afterRemoval);

  // A new as-of date re-evaluates everything and still reports only the difference.
  const auto later = day(2024, 9, 30);
  applyDelta(open, engine.evaluateTouched(later));
  EXPECT_EQ(sorted(open), evaluate(remaining, later));
}

// Records applied in batches of one to eight, as a connector's batch brings them, with a whole
// evaluation to compare against every hundredth batch: a scope whose members' stays changed is
// counted again from those stays (evaluateUnitTypeStays) or judged whole, and either way the
// findings are those of a whole evaluation.
TEST(ChainEquivalence, BatchesAgreeWithFullEvaluationWhetherScopesAreRecountedOrJudgedWhole) {
  for (const unsigned seed : {20240630U, 99U}) {
    auto generated = Generator(seed).make(1500, 16);
    std::shuffle(generated.records.begin(), generated.records.end(), std::mt19937(seed));
    const auto asOf = day(2024, 6, 30);
    const auto half = generated.records.size() / 2;
    model::Dataset applied;
    for (std::size_t i = 0; i < half; ++i) addTo(applied, generated.records[i]);
    ChainEngine engine{RuleParams{}};
    engine.load(applied);
    std::map<std::string, Finding> open;
    for (const auto& f : engine.evaluateAll(asOf)) open[f.fingerprint] = f;
    std::mt19937 rng(seed + 1);
    std::size_t recounted = 0;
    std::size_t batches = 0;
    for (std::size_t i = half; i < generated.records.size();) {
      const std::size_t size = 1 + rng() % 8;
      for (std::size_t end = std::min(i + size, generated.records.size()); i < end; ++i) {
        engine.apply(generated.records[i]);
        addTo(applied, generated.records[i]);
      }
      applyDelta(open, engine.evaluateTouched(asOf));
      recounted += engine.unitTypeScopesRecounted();
      if (++batches % 100 == 0 || i == generated.records.size()) {
        const auto full = evaluate(applied, asOf);
        ASSERT_EQ(engine.findings(), full) << "seed " << seed << ", after " << i << " records";
        ASSERT_EQ(sorted(open), full) << "seed " << seed << ", after " << i << " records";
      }
    }
    // Both paths taken: the recount is not a path the test never reaches.
    EXPECT_GT(recounted, 20U) << "seed " << seed;
    std::printf("seed %u: %zu batches, %zu scopes recounted\n", seed, batches, recounted);
  }
}

// An engine loaded to be evaluated once and never changed (the audit's) keeps neither the
// persons' links nor the movement ids: it finds what any engine finds on the same records, on
// every day asked, and refuses a change instead of answering wrongly after it.
TEST(ChainEquivalence, AnEngineNeverChangedFindsTheSameAndRefusesAChange) {
  const auto generated = Generator(20240701).make(2000, 16);
  model::Dataset all;
  for (const auto& record : generated.records) addTo(all, record);
  all.quarantine = generated.quarantine;

  ChainEngine changing{RuleParams{}};
  changing.load(all);
  ChainEngine audit{RuleParams{}};
  audit.keepForChanges(false);
  audit.neverChanged();
  audit.load(all);
  for (const auto asOf : {day(2024, 6, 30), day(2023, 1, 31), day(2024, 12, 31)}) {
    const auto expected = changing.evaluateAll(asOf);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(audit.evaluateAll(asOf), expected) << model::formatDate(asOf);
  }
  const auto& someone = generated.records.front();
  EXPECT_THROW(audit.apply(someone), std::logic_error);
  EXPECT_THROW(audit.addQuarantine(generated.quarantine.front()), std::logic_error);
  // A new load starts over, and a change before its first evaluation is taken.
  audit.load(all);
  EXPECT_NO_THROW(audit.apply(someone));
  EXPECT_EQ(audit.evaluateAll(day(2024, 6, 30)), changing.evaluateAll(day(2024, 6, 30)));
}

}  // namespace
}  // namespace staffchain::chain::testing
