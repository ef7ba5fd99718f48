#include "ledger_samples.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>

#include "staffchain/model/enums.hpp"

namespace staffchain::ledger::testing {
namespace {

using namespace model;

std::string optionalText(const std::optional<UnitId>& id) {
  return id ? id->str() : "<none>";
}
std::string optionalText(const std::optional<Date>& date) {
  return date ? formatDate(*date) : "<none>";
}

}  // namespace

PersonId personId(std::size_t n) {
  return PersonId::fromValid(fmt::format("1507021980{:07}X", n));
}
UnitId unitId(std::size_t n) {
  return UnitId::fromValid(fmt::format("12150700{:09}Y", n));
}

std::vector<Record> oneOfEachType() {
  std::vector<Record> out;
  std::uint32_t row = 2;
  out.emplace_back(
      Unit{unitId(1), "海拉尔区教育局", "150702", std::nullopt, UnitKind::organ, Funding::full, {0, row++}});
  out.emplace_back(Unit{
      unitId(2), "海拉尔区第一中学", "150702", unitId(1), UnitKind::public_welfare_1, Funding::partial, {0, row++}});
  out.emplace_back(Quota{unitId(1), EstabType::admin, 12, Date::fromYmd(2020, 1, 1), "呼编发〔2020〕3号", {0, row++}});
  out.emplace_back(LeaderQuota{unitId(1), LeaderLevel::county, LeaderRank::deputy, 3, {0, row++}});
  out.emplace_back(Approval{"YB-2023-0042",
                            unitId(2),
                            EstabType::institution,
                            2,
                            Date::fromYmd(2023, 3, 1),
                            Date::fromYmd(2023, 9, 1),
                            "公开招聘教师",
                            {0, row++}});
  out.emplace_back(RosterEntry{personId(1),
                               "张三",
                               unitId(1),
                               EstabType::admin,
                               Date::fromYmd(2015, 7, 1),
                               "",
                               LeaderLevel::county,
                               LeaderRank::chief,
                               {0, row++}});
  out.emplace_back(RosterEntry{personId(2),
                               "李四",
                               unitId(2),
                               EstabType::institution,
                               Date::fromYmd(2023, 4, 15),
                               "YB-2023-0042",
                               LeaderLevel::none,
                               LeaderRank::none,
                               {0, row++}});
  out.emplace_back(Movement{"HR-2023-0001",
                            SourceRole::hr,
                            MovementKind::hire,
                            personId(2),
                            "李四",
                            unitId(2),
                            std::nullopt,
                            Date::fromYmd(2023, 4, 1),
                            Date::fromYmd(2023, 4, 3),
                            "YB-2023-0042",
                            LeaderLevel::none,
                            LeaderRank::none,
                            {0, row++}});
  out.emplace_back(Movement{"ORG-2022-0107",
                            SourceRole::org,
                            MovementKind::transfer_in,
                            personId(1),
                            "张三",
                            unitId(1),
                            unitId(2),
                            Date::fromYmd(2022, 11, 20),
                            std::nullopt,
                            "",
                            LeaderLevel::county,
                            LeaderRank::chief,
                            {0, row++}});
  out.emplace_back(PayrollMonth{personId(1), unitId(1), Month::fromYm(2023, 5), Funding::full, 812345, {0, row++}});
  out.emplace_back(Death{personId(3), Date::fromYmd(2023, 2, 14), "海拉尔区民政局", {0, row++}});
  return out;
}

std::vector<Record> payrollRecords(std::size_t count) {
  std::vector<Record> out;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.emplace_back(PayrollMonth{personId(i / 12),
                                  unitId(i / 12 / 40),
                                  Month::fromYm(2023, static_cast<unsigned>(i % 12) + 1),
                                  Funding::full,
                                  static_cast<std::int64_t>(600000 + (i % 977) * 100),
                                  {0, static_cast<std::uint32_t>(i + 2)}});
  }
  return out;
}

std::vector<Record> mixedRecords(std::size_t count) {
  std::vector<Record> out = payrollRecords(count * 60 / 100);
  const std::size_t roster = count * 25 / 100;
  const std::size_t movements = count - out.size() - roster;
  for (std::size_t i = 0; i < roster; ++i) {
    out.emplace_back(RosterEntry{personId(i),
                                 fmt::format("职工{}", i),
                                 unitId(i / 40),
                                 EstabType::institution,
                                 Date::fromYmd(2010, 1, 1).plusDays(static_cast<std::int32_t>(i % 4000)),
                                 "",
                                 LeaderLevel::none,
                                 LeaderRank::none,
                                 {0, static_cast<std::uint32_t>(i + 2)}});
  }
  for (std::size_t i = 0; i < movements; ++i) {
    out.emplace_back(Movement{fmt::format("HR-{:08}", i),
                              SourceRole::hr,
                              MovementKind::hire,
                              personId(i),
                              fmt::format("职工{}", i),
                              unitId(i / 40),
                              std::nullopt,
                              Date::fromYmd(2020, 1, 1).plusDays(static_cast<std::int32_t>(i % 1000)),
                              std::nullopt,
                              fmt::format("YB-{:06}", i / 3),
                              LeaderLevel::none,
                              LeaderRank::none,
                              {0, static_cast<std::uint32_t>(i + 2)}});
  }
  return out;
}

std::string describe(const Record& record) {
  return std::visit(
      [](const auto& r) -> std::string {
        using T = std::decay_t<decltype(r)>;
        const auto origin = fmt::format("source {} row {}", r.origin.source, r.origin.row);
        if constexpr (std::is_same_v<T, Unit>) {
          return fmt::format("unit {} {} {} {} {} {} {}", r.unit_id.str(), r.name, r.region, optionalText(r.parent_id),
                             toString(r.kind), toString(r.funding), origin);
        } else if constexpr (std::is_same_v<T, Quota>) {
          return fmt::format("quota {} {} {} {} {} {}", r.unit_id.str(), toString(r.estab_type), r.approved,
                             formatDate(r.effective_from), r.doc_no, origin);
        } else if constexpr (std::is_same_v<T, LeaderQuota>) {
          return fmt::format("leader_quota {} {} {} {} {}", r.unit_id.str(), toString(r.level), toString(r.rank),
                             r.approved, origin);
        } else if constexpr (std::is_same_v<T, Approval>) {
          return fmt::format("approval {} {} {} {} {} {} {} {}", r.approval_id, r.unit_id.str(), toString(r.estab_type),
                             r.slots, formatDate(r.issued_on), formatDate(r.valid_until), r.purpose, origin);
        } else if constexpr (std::is_same_v<T, RosterEntry>) {
          return fmt::format("roster {} {} {} {} {} '{}' '{}' '{}' {}", r.person_id.str(), r.name, r.unit_id.str(),
                             toString(r.estab_type), formatDate(r.entered_on), r.approval_id, toString(r.leader_level),
                             toString(r.leader_rank), origin);
        } else if constexpr (std::is_same_v<T, Movement>) {
          return fmt::format("movement {} {} {} {} {} {} {} {} {} '{}' '{}' '{}' {}", r.movement_id, toString(r.source),
                             toString(r.kind), r.person_id.str(), r.name, r.unit_id.str(), optionalText(r.from_unit_id),
                             formatDate(r.effective_on), optionalText(r.recorded_on), r.approval_id,
                             toString(r.leader_level), toString(r.leader_rank), origin);
        } else if constexpr (std::is_same_v<T, PayrollMonth>) {
          return fmt::format("payroll {} {} {} {} {} {}", r.person_id.str(), r.unit_id.str(), formatMonth(r.month),
                             toString(r.funding), r.gross_fen, origin);
        } else {
          return fmt::format("death {} {} {} {}", r.person_id.str(), formatDate(r.died_on), r.source, origin);
        }
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
