// The generator's truth against the chain engine: on a generated world, evaluated at the
// spec's as_of, the engine finds exactly the lines of truth.jsonl (recall and precision 100%),
// compared as a multiset of (rule, unit_id, person_id).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/chain/rule_params.hpp"
#include "staffchain/gen/generate_world.hpp"
#include "staffchain/model/canonical_folder.hpp"

namespace staffchain::gen {
namespace {

using Triple = std::tuple<std::string, std::string, std::string>;
using Tally = std::map<Triple, int>;

class TruthTest : public ::testing::TestWithParam<std::uint64_t> {
 protected:
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

Tally readTruth(const std::filesystem::path& file) {
  Tally out;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto json = nlohmann::json::parse(line);
    ++out[{json.at("rule").get<std::string>(), json.at("unit_id").get<std::string>(),
           json.at("person_id").get<std::string>()}];
  }
  return out;
}

// Lines of `a` beyond their count in `b`, one per line, "rule unit person (xN)".
std::string surplus(const Tally& a, const Tally& b) {
  std::ostringstream text;
  for (const auto& [key, count] : a) {
    const auto it = b.find(key);
    const int other = it == b.end() ? 0 : it->second;
    if (count <= other) continue;
    const auto& [rule, unit, person] = key;
    text << "  " << rule << " unit=" << (unit.empty() ? "-" : unit) << " person=" << (person.empty() ? "-" : person);
    if (count - other > 1) text << " (x" << count - other << ")";
    text << "\n";
  }
  return text.str();
}

// Streams a folder's records into an engine, as `staffchainctl audit` does.
struct EngineSink final : model::RecordSink {
  explicit EngineSink(chain::ChainEngine& e) : engine(e) {}
  void expect(model::RecordType /*type*/, std::size_t /*rows*/) override {}
  void add(model::Record&& record) override { engine.apply(std::move(record)); }
  void quarantine(model::QuarantineEntry&& entry) override { engine.addQuarantine(std::move(entry)); }
  chain::ChainEngine& engine;
};

int lines(const Tally& tally) {
  return std::accumulate(tally.begin(), tally.end(), 0, [](int n, const auto& entry) { return n + entry.second; });
}

// Lines of `a` also in `b` (as a multiset).
int common(const Tally& a, const Tally& b) {
  int n = 0;
  for (const auto& [key, count] : a) {
    const auto it = b.find(key);
    if (it != b.end()) n += std::min(count, it->second);
  }
  return n;
}

TEST_P(TruthTest, EngineFindsExactlyTheInjectedViolations) {
  WorldSpec spec;
  spec.persons = 2'000;
  spec.seed = GetParam();
  spec.out_dir = std::filesystem::temp_directory_path() /
                 ("staffchain_truth_test_" + std::to_string(spec.seed) + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(spec.out_dir);
  dir_ = spec.out_dir;
  auto stats = generateWorld(spec);
  ASSERT_TRUE(stats.ok()) << stats.error().message;

  const Tally truth = readTruth(spec.out_dir / "truth.jsonl");
  ASSERT_EQ(static_cast<std::size_t>(lines(truth)), stats->truth_lines);
  // Every injectable rule has a positive default rate, so each shows at least once.
  std::map<std::string, int> rules;
  for (const auto& [key, count] : truth) rules[std::get<0>(key)] += count;
  EXPECT_EQ(rules.size(), kInjectedRuleCount);

  auto dataset = model::loadCanonicalFolder(spec.out_dir, "audit");
  ASSERT_TRUE(dataset.ok()) << dataset.error().message;
  chain::ChainEngine engine{chain::RuleParams{}};
  engine.load(std::move(*dataset));
  Tally found;
  for (const auto& finding : engine.evaluateAll(spec.as_of)) {
    ++found[{finding.rule, finding.unit_id.empty() ? std::string() : finding.unit_id.str(),
             finding.person_id.empty() ? std::string() : finding.person_id.str()}];
  }

  // The audit's own path: records streamed from the folder into a reset engine, never held as a
  // Dataset. It must judge exactly as loading the Dataset does.
  chain::ChainEngine streamed{chain::RuleParams{}};
  streamed.reset({"audit"});
  EngineSink sink(streamed);
  const auto read = model::readCanonicalFolder(spec.out_dir, "audit", sink);
  ASSERT_TRUE(read.ok()) << read.error().message;
  EXPECT_TRUE(streamed.evaluateAll(spec.as_of) == engine.findings()) << "seed " << spec.seed;

  const auto missed = surplus(truth, found);
  const auto extra = surplus(found, truth);
  EXPECT_TRUE(missed.empty()) << "seed " << spec.seed << ": truth lines the engine did not find:\n" << missed;
  EXPECT_TRUE(extra.empty()) << "seed " << spec.seed << ": findings not in the truth:\n" << extra;
}

INSTANTIATE_TEST_SUITE_P(Seeds, TruthTest, ::testing::Values(1U, 7U, 42U));

// The reduction tasks of a world: met ones (done), ones not yet due (on track) and the overdue
// ones the truth lists as CHAIN-018, each with a baseline to be judged against.
TEST(TruthReductions, MetNotYetDueAndOverdueTasks) {
  WorldSpec spec;
  spec.persons = 5'000;
  spec.seed = 3;
  spec.out_dir = std::filesystem::temp_directory_path() / ("staffchain_reductions_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(spec.out_dir);
  auto stats = generateWorld(spec);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  const Tally truth = readTruth(spec.out_dir / "truth.jsonl");
  auto dataset = model::loadCanonicalFolder(spec.out_dir, "audit");
  std::filesystem::remove_all(spec.out_dir);
  ASSERT_TRUE(dataset.ok()) << dataset.error().message;
  EXPECT_EQ(dataset->reductions.size(), stats->reductions);
  chain::ChainEngine engine{chain::RuleParams{}};
  engine.load(std::move(*dataset));
  engine.evaluateAllInPlace(spec.as_of);
  std::map<chain::ReductionState, int> states;
  std::set<std::string> overdue_units;
  for (const auto& task : engine.reductions(spec.as_of)) {
    ++states[task.state];
    if (task.state == chain::ReductionState::overdue) {
      overdue_units.insert(task.task.unit_id.str());
      EXPECT_FALSE(task.finding.empty()) << task.task.task_id;
      EXPECT_LT(task.recovered, task.task.posts_to_recover) << task.task.task_id;
    }
  }
  int truth_lines = 0;
  std::set<std::string> truth_units;
  for (const auto& [key, count] : truth) {
    if (std::get<0>(key) != "CHAIN-018") continue;
    truth_lines += count;
    truth_units.insert(std::get<1>(key));
  }
  EXPECT_GE(states[chain::ReductionState::done], 1);
  EXPECT_GE(states[chain::ReductionState::on_track], 1);
  EXPECT_EQ(states[chain::ReductionState::overdue], truth_lines);
  EXPECT_EQ(states[chain::ReductionState::no_baseline], 0);
  EXPECT_EQ(overdue_units, truth_units);
  // Partial recoveries are among the overdue ones: some task recovered posts and is still late.
  bool partial = false;
  for (const auto& task : engine.reductions(spec.as_of)) {
    partial = partial || (task.state == chain::ReductionState::overdue && task.recovered > 0);
  }
  EXPECT_TRUE(partial);
}

// "AsOf20050331": a test name from an as-of date.
std::string asOfName(const ::testing::TestParamInfo<const char*>& param) {
  std::string name(param.param);
  std::erase(name, '-');
  return "AsOf" + name;
}

// Any evaluation date the generator accepts (2005..2100) gives a world whose audit, on that date
// and through the path `staffchainctl audit` takes, finds exactly truth.jsonl: every date of the
// world (quotas, documents, births, pay rises) follows the as-of date, none is fixed in a year.
class TruthAsOfTest : public ::testing::TestWithParam<const char*> {
 protected:
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
};

TEST_P(TruthAsOfTest, AuditFindsExactlyTheTruthOnAnyAsOfDate) {
  WorldSpec spec;
  spec.persons = 3'000;
  spec.seed = 11;
  spec.as_of = *model::parseDate(GetParam());
  spec.out_dir = std::filesystem::temp_directory_path() /
                 ("staffchain_truth_as_of_test_" + std::string(GetParam()) + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(spec.out_dir);
  dir_ = spec.out_dir;
  auto stats = generateWorld(spec);
  ASSERT_TRUE(stats.ok()) << stats.error().message;
  const Tally truth = readTruth(spec.out_dir / "truth.jsonl");
  ASSERT_EQ(static_cast<std::size_t>(lines(truth)), stats->truth_lines);
  for (std::size_t i = 0; i < kInjectedRuleCount; ++i) {
    EXPECT_EQ(stats->injected[i], stats->requested[i]) << GetParam() << " " << ruleId(static_cast<InjectedRule>(i));
  }

  chain::ChainEngine engine{chain::RuleParams{}};
  engine.reset({"audit"});
  EngineSink sink(engine);
  const auto read = model::readCanonicalFolder(spec.out_dir, "audit", sink);
  ASSERT_TRUE(read.ok()) << read.error().message;
  engine.evaluateAllInPlace(spec.as_of);
  Tally found;
  for (const auto* finding : engine.findingsInPlace()) {
    ++found[{finding->rule, finding->unit_id.empty() ? std::string() : finding->unit_id.str(),
             finding->person_id.empty() ? std::string() : finding->person_id.str()}];
  }

  const int hits = common(truth, found);
  const double recall = truth.empty() ? 1.0 : static_cast<double>(hits) / lines(truth);
  const double precision = found.empty() ? 1.0 : static_cast<double>(hits) / lines(found);
  RecordProperty("recall", std::to_string(recall));
  RecordProperty("precision", std::to_string(precision));
  std::map<std::string, int> extra_per_rule;
  for (const auto& [key, count] : found) {
    const auto it = truth.find(key);
    const int over = count - (it == truth.end() ? 0 : it->second);
    if (over > 0) extra_per_rule[std::get<0>(key)] += over;
  }
  std::ostringstream per_rule;
  for (const auto& [rule, count] : extra_per_rule) per_rule << " " << rule << "=" << count;
  EXPECT_EQ(recall, 1.0) << "as of " << GetParam() << ": recall " << recall << " (" << hits << " of " << lines(truth)
                         << " truth lines found); missed:\n"
                         << surplus(truth, found);
  EXPECT_EQ(precision, 1.0) << "as of " << GetParam() << ": precision " << precision << " (" << hits << " of "
                            << lines(found) << " findings in the truth); extra per rule:" << per_rule.str();
}

INSTANTIATE_TEST_SUITE_P(AsOfDates, TruthAsOfTest,
                         ::testing::Values("2005-03-31", "2018-06-30", "2026-06-30", "2099-12-31"), asOfName);

}  // namespace
}  // namespace staffchain::gen
