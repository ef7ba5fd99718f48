// The pre-check on hand-made worlds: each reason fires where it should and its nearest
// non-case does not; every reason that applies is given, not the first only; and what would
// make a refused request pass is offered.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "chain_test_support.hpp"
#include "staffchain/chain/chain_engine.hpp"

namespace staffchain::chain {
namespace {

using namespace testing;
using model::EstabType;
using model::MovementKind;
using model::UnitKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

std::vector<std::string> codes(const PrecheckAnswer& answer) {
  std::vector<std::string> out;
  for (const auto& reason : answer.reasons) out.push_back(reason.code + (reason.rule.empty() ? "" : ":" + reason.rule));
  return out;
}

class PrecheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A bureau of 3 admin posts with 2 on the roster, and a neighbour in the same region with 4
    // vacant; an approval of 1 slot for the bureau, open.
    data_.units = {unit(1, "海拉尔区财政局", UnitKind::organ), unit(2, "海拉尔区审计局", UnitKind::organ),
                   unit(3, "海拉尔区第一中学", UnitKind::public_welfare_1)};
    data_.quotas = {quota(unitId(1), EstabType::admin, 3, day(2020, 1, 1)),
                    quota(unitId(2), EstabType::admin, 4, day(2020, 1, 1)),
                    quota(unitId(3), EstabType::institution, 10, day(2020, 1, 1))};
    data_.roster = {roster(person(1), unitId(1), EstabType::admin, day(2021, 1, 1)),
                    roster(person(2), unitId(1), EstabType::admin, day(2021, 1, 1))};
    data_.approvals = {approval("HB-2026-001", unitId(1), EstabType::admin, 1, day(2026, 3, 1), day(2026, 12, 31))};
  }

  PrecheckAnswer check(PrecheckRequest request) {
    ChainEngine engine({});
    engine.load(data_);
    engine.evaluateAll(day(2026, 6, 30));
    return engine.precheck(request);
  }

  static PrecheckRequest hire(std::string approval_id = "HB-2026-001", int count = 1) {
    PrecheckRequest request;
    request.kind = PrecheckKind::hire;
    request.unit = unitId(1);
    request.approval_id = std::move(approval_id);
    request.count = count;
    request.on = day(2026, 7, 1);
    return request;
  }

  model::Dataset data_;
};

TEST_F(PrecheckTest, AHireWithAValidApprovalAndAVacancyIsAllowed) {
  const auto answer = check(hire());
  EXPECT_TRUE(answer.allowed);
  EXPECT_THAT(answer.reasons, IsEmpty());
  ASSERT_TRUE(answer.posts);
  EXPECT_EQ(answer.posts->approved, 3);
  EXPECT_EQ(answer.posts->occupied, 2);
  EXPECT_EQ(answer.posts->reserved, 1);  // its own approval's slot
  EXPECT_EQ(answer.type, EstabType::admin);
}

TEST_F(PrecheckTest, EveryReasonIsGivenNotTheFirstOnly) {
  data_.roster.push_back(roster(person(3), unitId(1), EstabType::admin, day(2022, 1, 1)));  // full now
  auto request = hire("HB-2099-404");
  request.type = EstabType::admin;
  const auto answer = check(request);
  EXPECT_FALSE(answer.allowed);
  EXPECT_THAT(codes(answer), ElementsAre("approval_invalid:CHAIN-001", "no_vacancy:CHAIN-002"));
  EXPECT_THAT(answer.reasons[0].message_en, HasSubstr("approval HB-2099-404 is unknown"));
  EXPECT_THAT(answer.reasons[1].message_zh, HasSubstr("无空编"));
  // What would make it pass: the unit's open approval, and the neighbour's vacancies.
  ASSERT_EQ(answer.suggestions.size(), 2U);
  EXPECT_EQ(answer.suggestions[0].kind, "open_approval");
  EXPECT_EQ(answer.suggestions[0].approval_id, "HB-2026-001");
  EXPECT_EQ(answer.suggestions[1].kind, "vacancy_elsewhere");
  EXPECT_EQ(answer.suggestions[1].unit, unitId(2));
  EXPECT_EQ(answer.suggestions[1].available, 4);
}

TEST_F(PrecheckTest, TheTenUnitsWithTheMostVacantPostsNetOfReservationsAreSuggested) {
  data_.roster.push_back(roster(person(3), unitId(1), EstabType::admin, day(2022, 1, 1)));  // full now
  // Fourteen more bureaus with 1..14 admin posts, none filled; the one with 14 has 12 of them
  // promised to an open approval, so it offers 2, and the neighbour (unit 2) offers 4.
  for (int n = 1; n <= 14; ++n) {
    data_.units.push_back(unit(10 + n, fmt::format("海拉尔区第{}局", n), UnitKind::organ));
    data_.quotas.push_back(quota(unitId(10 + n), EstabType::admin, n, day(2020, 1, 1)));
  }
  data_.approvals.push_back(
      approval("HB-2026-014", unitId(24), EstabType::admin, 12, day(2026, 3, 1), day(2026, 12, 31)));
  auto request = hire("");
  request.type = EstabType::admin;
  const auto answer = check(request);
  std::vector<std::pair<std::int32_t, model::UnitId>> offered;
  for (const auto& s : answer.suggestions) {
    if (s.kind == "vacancy_elsewhere") offered.emplace_back(s.available, s.unit);
  }
  // 13, 12, ..., 5 from bureaus 13 down to 5, then 4 from unit 2 and bureau 4 (by id: unit 2 first).
  ASSERT_EQ(offered.size(), 10U);
  EXPECT_EQ(offered.front(), std::make_pair(13, unitId(23)));
  EXPECT_EQ(offered[8], std::make_pair(5, unitId(15)));
  EXPECT_EQ(offered[9], std::make_pair(4, unitId(2)));
  for (const auto& [vacant, id] : offered) EXPECT_NE(id, unitId(24)) << "its posts are promised";
}

TEST_F(PrecheckTest, SuggestionsFollowChangesBeforeAndAfterTheyAreEvaluated) {
  data_.roster.push_back(roster(person(3), unitId(1), EstabType::admin, day(2022, 1, 1)));  // full now
  ChainEngine engine({});
  engine.load(data_);
  engine.evaluateAll(day(2026, 6, 30));
  auto request = hire("");
  request.type = EstabType::admin;
  const auto offered = [&] {
    std::int32_t available = -1;
    for (const auto& s : engine.precheck(request).suggestions) {
      if (s.kind == "vacancy_elsewhere" && s.unit == unitId(2)) available = s.available;
    }
    return available;
  };
  EXPECT_EQ(offered(), 4);
  // The neighbour's establishment raised: seen at once, and still after the evaluation.
  engine.apply(model::Record{quota(unitId(2), EstabType::admin, 6, day(2026, 6, 1))});
  EXPECT_EQ(offered(), 6);
  engine.evaluateAll(day(2026, 6, 30));
  EXPECT_EQ(offered(), 6);
  // One person joins it (people count once evaluated: the engine links them to their posts then);
  // then five more, and it is full and no longer offered.
  engine.apply(model::Record{roster(person(7), unitId(2), EstabType::admin, day(2026, 6, 2))});
  (void)engine.evaluateTouched(day(2026, 6, 30));
  EXPECT_EQ(offered(), 5);
  for (int p = 8; p <= 12; ++p)
    engine.apply(model::Record{roster(person(p), unitId(2), EstabType::admin, day(2026, 6, 2))});
  (void)engine.evaluateTouched(day(2026, 6, 30));
  EXPECT_EQ(offered(), -1);
}

TEST_F(PrecheckTest, ApprovalsAreReadAsTheRuleReadsThem) {
  auto none = hire("");
  none.type = EstabType::admin;
  // Without an approval of its own, the one vacancy is the open approval's.
  EXPECT_THAT(codes(check(none)), ElementsAre("approval_missing:CHAIN-001", "vacancy_reserved"));
  auto early = hire();
  early.on = day(2026, 2, 28);
  EXPECT_THAT(check(early).reasons.at(0).message_en, HasSubstr("issued only on 2026-03-01"));
  auto late = hire();
  late.on = day(2027, 1, 1);
  EXPECT_THAT(check(late).reasons.at(0).message_en, HasSubstr("expired 2026-12-31"));
  auto other_type = hire();
  other_type.type = EstabType::political_legal;
  EXPECT_THAT(check(other_type).reasons.at(0).message_en, HasSubstr("is for admin posts, not political_legal"));
  data_.approvals.push_back(
      approval("HB-2026-002", unitId(2), EstabType::admin, 1, day(2026, 1, 1), day(2026, 12, 31)));
  auto elsewhere = hire("HB-2026-002");
  elsewhere.type = EstabType::admin;
  EXPECT_THAT(check(elsewhere).reasons.at(0).message_en, HasSubstr("is for 海拉尔区审计局"));
}

TEST_F(PrecheckTest, AnApprovalsSlotsTakenByEarlierHiresAreUsed) {
  data_.quotas[0].approved = 5;
  data_.movements = {move("M1", MovementKind::hire, person(7), unitId(1), day(2026, 4, 1), "HB-2026-001")};
  const auto answer = check(hire());
  EXPECT_THAT(codes(answer), ElementsAre("approval_slots_used:CHAIN-001"));
  EXPECT_THAT(answer.reasons[0].message_en, HasSubstr("0 of its 1 slot(s) left"));
  // A use dated after the day asked about has not taken its slot yet.
  data_.movements[0].effective_on = day(2026, 8, 1);
  EXPECT_TRUE(check(hire()).allowed);
}

TEST_F(PrecheckTest, AVacancyPromisedToAnotherApprovalIsReserved) {
  data_.approvals.push_back(
      approval("HB-2026-009", unitId(1), EstabType::admin, 1, day(2026, 5, 1), day(2026, 12, 31)));
  // One vacancy, two open approvals of one slot: the hire citing the first takes its own slot,
  // but the second promises the same post.
  const auto answer = check(hire());
  EXPECT_THAT(codes(answer), ElementsAre("vacancy_reserved"));
  EXPECT_EQ(answer.posts->reserved, 2);
  EXPECT_EQ(answer.posts->vacant(), -1);
  data_.quotas[0].approved = 4;  // the nearest non-case: room for both
  EXPECT_TRUE(check(hire()).allowed);
}

TEST_F(PrecheckTest, ATransferThatBringsItsPostNeedsNoVacancy) {
  data_.roster.push_back(roster(person(3), unitId(1), EstabType::admin, day(2022, 1, 1)));
  auto transfer = hire();
  transfer.kind = PrecheckKind::transfer_in;
  const auto refused = check(transfer);
  EXPECT_THAT(codes(refused), ElementsAre("no_vacancy:CHAIN-008"));
  EXPECT_EQ(refused.suggestions.at(0).kind, "bring_post");
  transfer.brings_post = true;
  EXPECT_TRUE(check(transfer).allowed);
}

TEST_F(PrecheckTest, APlanOfSeveralNeedsThatManyVacanciesAndSlots) {
  data_.quotas[0].approved = 10;
  data_.approvals[0].slots = 3;
  EXPECT_TRUE(check(hire("HB-2026-001", 3)).allowed);
  EXPECT_THAT(codes(check(hire("HB-2026-001", 4))), ElementsAre("approval_slots_used:CHAIN-001"));
  data_.quotas[0].approved = 4;
  EXPECT_THAT(codes(check(hire("HB-2026-001", 3))), ElementsAre("no_vacancy:CHAIN-002"));
}

TEST_F(PrecheckTest, ATypeThatDoesNotFitTheUnitKindIsRefused) {
  PrecheckRequest request = hire("");
  request.unit = unitId(3);
  request.type = EstabType::admin;
  const auto answer = check(request);
  EXPECT_THAT(codes(answer), ::testing::Contains("type_unfit:CHAIN-011"));
  request.type = EstabType::institution;
  EXPECT_THAT(codes(check(request)), ::testing::Not(::testing::Contains("type_unfit:CHAIN-011")));
}

TEST_F(PrecheckTest, ASuspendedUnitIsNamedWithTheFindingThatSuspendsIt) {
  // Pay without a roster entry since 2026-01 (CHAIN-004, critical): suspended 30 days after.
  data_.payroll = {pay(person(9), unitId(1), model::Month::fromYm(2026, 1))};
  PrecheckRequest request;
  request.kind = PrecheckKind::approval;
  request.unit = unitId(1);
  request.type = EstabType::admin;
  request.on = day(2026, 7, 1);
  data_.quotas[0].approved = 5;
  const auto answer = check(request);
  EXPECT_THAT(codes(answer), ElementsAre("unit_suspended:CHAIN-016"));
  const auto& facts = answer.reasons[0].facts;
  EXPECT_THAT(facts, ::testing::Contains(std::pair<std::string, std::string>{"rule", "CHAIN-004"}));
  EXPECT_THAT(facts, ::testing::Contains(std::pair<std::string, std::string>{"suspended_from", "2026-01-31"}));
  request.on = day(2026, 1, 30);  // before the suspension began
  EXPECT_TRUE(check(request).allowed);
  // For a hire the office refuses it too, though no rule would fire afterwards.
  PrecheckRequest hiring = hire();
  EXPECT_THAT(codes(check(hiring)), ElementsAre("unit_suspended"));
}

TEST_F(PrecheckTest, LeadershipPostsFullNameTheirHoldersMasked) {
  model::LeaderQuota posts;
  posts.unit_id = unitId(1);
  posts.level = model::LeaderLevel::county;
  posts.rank = model::LeaderRank::deputy;
  posts.approved = 1;
  data_.leader_quotas = {posts};
  data_.roster[0].leader_level = model::LeaderLevel::county;
  data_.roster[0].leader_rank = model::LeaderRank::deputy;
  PrecheckRequest request;
  request.kind = PrecheckKind::appoint_leader;
  request.unit = unitId(1);
  request.level = model::LeaderLevel::county;
  request.rank = model::LeaderRank::deputy;
  request.on = day(2026, 7, 1);
  const auto answer = check(request);
  EXPECT_THAT(codes(answer), ElementsAre("leader_posts_full:CHAIN-007"));
  EXPECT_THAT(answer.reasons[0].message_en, HasSubstr("1 held"));
  EXPECT_THAT(answer.reasons[0].message_en, HasSubstr(model::maskCitizenId(person(1).view())));
  EXPECT_THAT(answer.reasons[0].message_en, ::testing::Not(HasSubstr(person(1).str())));
  request.person = person(1);  // the holder appointed again: not one more
  EXPECT_TRUE(check(request).allowed);
}

TEST_F(PrecheckTest, APersonPastRetirementAgeOrOnAnotherRosterIsRefused) {
  auto request = hire();
  request.person = person(20, day(1960, 1, 15));  // 60 on 2020-01-15
  EXPECT_THAT(codes(check(request)), ElementsAre("past_retirement_age:CHAIN-013"));
  data_.roster.push_back(roster(person(21), unitId(2), EstabType::admin, day(2023, 1, 1)));
  request.person = person(21);
  EXPECT_THAT(codes(check(request)), ElementsAre("on_other_roster"));
  request.kind = PrecheckKind::transfer_in;  // leaving a roster is what a transfer does
  EXPECT_TRUE(check(request).allowed);
}

TEST_F(PrecheckTest, AnUnknownUnitIsRefusedByName) {
  auto request = hire();
  request.unit = unitId(99);
  const auto answer = check(request);
  EXPECT_THAT(codes(answer), ElementsAre("unit_unknown"));
  EXPECT_THAT(answer.reasons[0].message_en, HasSubstr(unitId(99).str()));
}

}  // namespace
}  // namespace staffchain::chain
