// The pre-check says beforehand what the chain engine judges afterwards. On a generated world of
// 20,000 people, every hire and transfer in is pre-checked the day before it happens against
// the world as it stood then, then applied; the rules the pre-check refuses it for among those
// that judge a movement itself (CHAIN-001 approval, CHAIN-002 and CHAIN-008 vacancy) are
// exactly the findings the movement raises, and a movement it allows raises none of them.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "scratch_dir.hpp"
#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/gen/generate_world.hpp"
#include "staffchain/model/canonical_folder.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain {
namespace {

const std::set<std::string> kMovementRules = {"CHAIN-001", "CHAIN-002", "CHAIN-008"};

TEST(PrecheckEquivalence, EveryHireAndTransferOfAGeneratedWorldIsJudgedAsTheEngineLaterJudgesIt) {
  staffchain::testing::ScratchDir dir;
  gen::WorldSpec spec;
  spec.persons = 20'000;
  spec.seed = 19;
  spec.out_dir = dir.path();
  // Enough approval and vacancy breaches that every reason is met many times.
  spec.rates[gen::InjectedRule::chain001] = 0.002;
  spec.rates[gen::InjectedRule::chain002] = 0.002;
  spec.rates[gen::InjectedRule::chain008] = 0.002;
  ASSERT_TRUE(gen::generateWorld(spec).ok());
  auto loaded = model::loadCanonicalFolder(dir.path(), "gen");
  ASSERT_TRUE(loaded.ok()) << loaded.error().message;
  model::Dataset world = std::move(loaded.value());

  // The world without its hires and transfers in; they come one by one, in the order the rule
  // consumes approval slots in.
  std::vector<model::Movement> arrivals;
  std::erase_if(world.movements, [&](model::Movement& m) {
    if (!model::isHire(m.kind)) return false;
    arrivals.push_back(std::move(m));
    return true;
  });
  std::sort(arrivals.begin(), arrivals.end(), [](const auto& a, const auto& b) {
    return a.effective_on != b.effective_on ? a.effective_on < b.effective_on : a.movement_id < b.movement_id;
  });
  ASSERT_GT(arrivals.size(), 1000U);

  // Findings about a movement are dated by it and do not depend on the evaluation date, so one
  // fixed date (the world's end) lets each step be judged incrementally.
  ChainEngine engine({});
  engine.load(std::move(world));
  engine.evaluateAll(spec.as_of);

  std::map<std::string, std::size_t> refused_for;
  std::size_t allowed = 0;
  std::size_t mismatches = 0;
  for (const auto& m : arrivals) {
    PrecheckRequest request;
    request.kind = m.kind == model::MovementKind::hire ? PrecheckKind::hire : PrecheckKind::transfer_in;
    request.unit = m.unit_id;
    request.approval_id = m.approval_id;
    request.on = m.effective_on;
    request.person = m.person_id;
    const PrecheckAnswer answer = engine.precheck(request);
    std::set<std::string> predicted;
    for (const auto& reason : answer.reasons) {
      if (kMovementRules.contains(reason.rule)) predicted.insert(reason.rule);
    }

    engine.apply(model::Record{m});
    engine.evaluateTouched(spec.as_of);
    std::set<std::string> raised;
    for (const auto* finding : engine.findingsInPlace()) {
      if (kMovementRules.contains(finding->rule) && finding->person_id == m.person_id &&
          finding->unit_id == m.unit_id && finding->since == m.effective_on) {
        raised.insert(finding->rule);
      }
    }
    if (predicted != raised && ++mismatches <= 10) {
      ADD_FAILURE() << m.movement_id << " (" << model::toString(m.kind) << " on " << model::formatDate(m.effective_on)
                    << ", approval \"" << m.approval_id << "\"): pre-check said " << ::testing::PrintToString(predicted)
                    << ", the engine raised " << ::testing::PrintToString(raised);
    }
    for (const auto& rule : predicted) ++refused_for[rule];
    if (predicted.empty()) ++allowed;
  }
  std::printf("%zu arrivals, %zu allowed, refused for CHAIN-001 %zu, CHAIN-002 %zu, CHAIN-008 %zu\n", arrivals.size(),
              allowed, refused_for["CHAIN-001"], refused_for["CHAIN-002"], refused_for["CHAIN-008"]);
  EXPECT_EQ(mismatches, 0U);
  // Not a vacuous agreement: most are allowed, and each refusal is met.
  EXPECT_GT(allowed, arrivals.size() / 2);
  for (const auto& rule : kMovementRules) EXPECT_GE(refused_for[rule], 5U) << rule;
}

}  // namespace
}  // namespace staffchain::chain
