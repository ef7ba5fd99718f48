// Builders for the propagation tests: movements and a planner with one sink per system.
#pragma once

#include <string>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/propagation/notice_planner.hpp"

namespace staffchain::propagation::testing {

inline constexpr const char* kPerson = "11010519491231002X";
inline constexpr const char* kUnit = "91350100M000100Y43";
// Another unit: the one a transferred person left.
inline constexpr const char* kOtherUnit = "12150700MB0000011H";

inline model::Date date(const char* text) {
  return *model::parseDate(text);
}

inline model::Movement movement(const std::string& id, model::MovementKind kind, model::SourceRole source,
                                const char* effective) {
  model::Movement m;
  m.movement_id = id;
  m.kind = kind;
  m.source = source;
  m.person_id = model::checkCitizenId(kPerson).value.value();
  m.name = "张三";
  m.unit_id = model::checkCreditCode(kUnit).value.value();
  m.effective_on = date(effective);
  return m;
}

inline model::Movement movementAt(const char* unit, const std::string& id, model::MovementKind kind,
                                  model::SourceRole source, const char* effective) {
  auto m = movement(id, kind, source, effective);
  m.unit_id = model::checkCreditCode(unit).value.value();
  return m;
}

inline model::RosterEntry rosterEntry(const char* unit, const char* entered) {
  model::RosterEntry entry;
  entry.person_id = model::checkCitizenId(kPerson).value.value();
  entry.name = "张三";
  entry.unit_id = model::checkCreditCode(unit).value.value();
  entry.entered_on = date(entered);
  return entry;
}

inline model::PayrollMonth paid(const char* unit, const char* month, const char* person = kPerson) {
  model::PayrollMonth pay;
  pay.person_id = model::checkCitizenId(person).value.value();
  pay.unit_id = model::checkCreditCode(unit).value.value();
  pay.month = *model::parseMonth(month);
  return pay;
}

inline NoticePlanner planner(PropagationSettings settings = {}, bool estab_dry_run = false) {
  return NoticePlanner(std::move(settings), {{"estab_csv", model::SourceRole::estab, estab_dry_run},
                                             {"finance_pg", model::SourceRole::finance, false}});
}

}  // namespace staffchain::propagation::testing
