#include "ledger_samples.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

#include "staffchain/model/enums.hpp"
#include "staffchain/model/record_columns.hpp"

namespace staffchain::ledger::testing {
namespace {

using namespace model;

template <typename Member>
std::string textOf(const Member& member) {
  if constexpr (kIsOptional<Member>) {
    return member ? textOf(*member) : std::string("<none>");
  } else if constexpr (std::is_same_v<Member, std::string>) {
    return member;
  } else if constexpr (std::is_same_v<Member, PersonId> || std::is_same_v<Member, UnitId>) {
    return member.str();
  } else if constexpr (std::is_enum_v<Member>) {
    return std::string(toString(member));
  } else if constexpr (std::is_same_v<Member, Date>) {
    return formatDate(member);
  } else if constexpr (std::is_same_v<Member, Month>) {
    return formatMonth(member);
  } else {
    return std::to_string(member);
  }
}

}  // namespace

PersonId personId(std::size_t n) {
  return PersonId::fromValid(fmt::format("1507021980{:07}X", n));
}
UnitId unitId(std::size_t n) {
  return UnitId::fromValid(fmt::format("12150700{:09}Y", n));
}

// Records are spelt with designated initializers, and a member added to a record (a new column)
// is left empty here rather than breaking every sample: g++ would warn that it is not named.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

std::vector<Record> oneOfEachType() {
  std::vector<Record> out;
  std::uint32_t row = 2;
  out.emplace_back(Unit{.unit_id = unitId(1),
                        .name = "海拉尔区教育局",
                        .region = "150702",
                        .parent_id = std::nullopt,
                        .kind = UnitKind::organ,
                        .funding = Funding::full,
                        .origin = {0, row++}});
  out.emplace_back(Unit{.unit_id = unitId(2),
                        .name = "海拉尔区第一中学",
                        .region = "150702",
                        .parent_id = unitId(1),
                        .kind = UnitKind::public_welfare_1,
                        .funding = Funding::partial,
                        .origin = {0, row++}});
  out.emplace_back(Quota{.unit_id = unitId(1),
                         .estab_type = EstabType::admin,
                         .approved = 12,
                         .effective_from = Date::fromYmd(2020, 1, 1),
                         .doc_no = "呼编发〔2020〕3号",
                         .origin = {0, row++}});
  out.emplace_back(LeaderQuota{.unit_id = unitId(1),
                               .level = LeaderLevel::county,
                               .rank = LeaderRank::deputy,
                               .approved = 3,
                               .origin = {0, row++}});
  out.emplace_back(Approval{.approval_id = "YB-2023-0042",
                            .unit_id = unitId(2),
                            .estab_type = EstabType::institution,
                            .slots = 2,
                            .issued_on = Date::fromYmd(2023, 3, 1),
                            .valid_until = Date::fromYmd(2023, 9, 1),
                            .purpose = "公开招聘教师",
                            .origin = {0, row++}});
  out.emplace_back(RosterEntry{.person_id = personId(1),
                               .name = "张三",
                               .unit_id = unitId(1),
                               .estab_type = EstabType::admin,
                               .entered_on = Date::fromYmd(2015, 7, 1),
                               .approval_id = "",
                               .leader_level = LeaderLevel::county,
                               .leader_rank = LeaderRank::chief,
                               .origin = {0, row++}});
  out.emplace_back(RosterEntry{.person_id = personId(2),
                               .name = "李四",
                               .unit_id = unitId(2),
                               .estab_type = EstabType::institution,
                               .entered_on = Date::fromYmd(2023, 4, 15),
                               .approval_id = "YB-2023-0042",
                               .leader_level = LeaderLevel::none,
                               .leader_rank = LeaderRank::none,
                               .origin = {0, row++}});
  out.emplace_back(Movement{.movement_id = "HR-2023-0001",
                            .source = SourceRole::hr,
                            .kind = MovementKind::hire,
                            .person_id = personId(2),
                            .name = "李四",
                            .unit_id = unitId(2),
                            .from_unit_id = std::nullopt,
                            .effective_on = Date::fromYmd(2023, 4, 1),
                            .recorded_on = Date::fromYmd(2023, 4, 3),
                            .approval_id = "YB-2023-0042",
                            .leader_level = LeaderLevel::none,
                            .leader_rank = LeaderRank::none,
                            .origin = {0, row++}});
  out.emplace_back(Movement{.movement_id = "ORG-2022-0107",
                            .source = SourceRole::org,
                            .kind = MovementKind::transfer_in,
                            .person_id = personId(1),
                            .name = "张三",
                            .unit_id = unitId(1),
                            .from_unit_id = unitId(2),
                            .effective_on = Date::fromYmd(2022, 11, 20),
                            .recorded_on = std::nullopt,
                            .approval_id = "",
                            .leader_level = LeaderLevel::county,
                            .leader_rank = LeaderRank::chief,
                            .origin = {0, row++}});
  out.emplace_back(PayrollMonth{.person_id = personId(1),
                                .unit_id = unitId(1),
                                .month = Month::fromYm(2023, 5),
                                .funding = Funding::full,
                                .gross_fen = 812345,
                                .origin = {0, row++}});
  out.emplace_back(Death{.person_id = personId(3),
                         .died_on = Date::fromYmd(2023, 2, 14),
                         .source = "海拉尔区民政局",
                         .origin = {0, row++}});
  return out;
}

std::vector<Record> payrollRecords(std::size_t count) {
  std::vector<Record> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.emplace_back(PayrollMonth{.person_id = personId(i / 12),
                                  .unit_id = unitId(i / 12 / 40),
                                  .month = Month::fromYm(2023, static_cast<unsigned>(i % 12) + 1),
                                  .funding = Funding::full,
                                  .gross_fen = static_cast<std::int64_t>(600000 + (i % 977) * 100),
                                  .origin = {0, static_cast<std::uint32_t>(i + 2)}});
  }
  return out;
}

std::vector<Record> mixedRecords(std::size_t count) {
  std::vector<Record> out = payrollRecords(count * 60 / 100);
  const std::size_t roster = count * 25 / 100;
  const std::size_t movements = count - out.size() - roster;
  for (std::size_t i = 0; i < roster; ++i) {
    out.emplace_back(RosterEntry{.person_id = personId(i),
                                 .name = fmt::format("职工{}", i),
                                 .unit_id = unitId(i / 40),
                                 .estab_type = EstabType::institution,
                                 .entered_on = Date::fromYmd(2010, 1, 1).plusDays(static_cast<std::int32_t>(i % 4000)),
                                 .approval_id = "",
                                 .leader_level = LeaderLevel::none,
                                 .leader_rank = LeaderRank::none,
                                 .origin = {0, static_cast<std::uint32_t>(i + 2)}});
  }
  for (std::size_t i = 0; i < movements; ++i) {
    out.emplace_back(Movement{.movement_id = fmt::format("HR-{:08}", i),
                              .source = SourceRole::hr,
                              .kind = MovementKind::hire,
                              .person_id = personId(i),
                              .name = fmt::format("职工{}", i),
                              .unit_id = unitId(i / 40),
                              .from_unit_id = std::nullopt,
                              .effective_on = Date::fromYmd(2020, 1, 1).plusDays(static_cast<std::int32_t>(i % 1000)),
                              .recorded_on = std::nullopt,
                              .approval_id = fmt::format("YB-{:06}", i / 3),
                              .leader_level = LeaderLevel::none,
                              .leader_rank = LeaderRank::none,
                              .origin = {0, static_cast<std::uint32_t>(i + 2)}});
  }
  return out;
}

#pragma GCC diagnostic pop

// Every member by its column, so that a column added to a record is compared too.
std::string describe(const Record& record) {
  return std::visit(
      [](const auto& r) {
        using R = std::decay_t<decltype(r)>;
        std::string out(plugin::recordTypeFile(kRecordTypeOf<R>));
        forEachColumn(r, [&out](auto column, const auto& member) {
          out += fmt::format(" {}='{}'", kColumnsOf<R>[column].name, textOf(member));
        });
        return out + fmt::format(" source {} row {}", r.origin.source, r.origin.row);
      },
      record);
}

std::vector<std::string> describeAll(const Dataset& dataset) {
  std::vector<std::string> out;
  const auto add = [&out](const auto& records) {
    for (const auto& r : records) out.push_back(describe(Record{r}));
  };
  add(dataset.units);
  add(dataset.quotas);
  add(dataset.leader_quotas);
  add(dataset.approvals);
  add(dataset.roster);
  add(dataset.movements);
  add(dataset.payroll);
  add(dataset.deaths);
  for (const auto& q : dataset.quarantine) {
    out.push_back(fmt::format("quarantine {} {} {} {} {} {}", q.source, plugin::recordTypeFile(q.type), q.origin,
                              q.field, q.value, q.reason));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace staffchain::ledger::testing
