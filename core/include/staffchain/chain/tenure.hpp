// The tenure audit (领导干部任期机构编制专项审计, DOMAIN.md §7): for a period (a leader's
// tenure) and optionally one unit, every violation that existed on any day of the period, with
// the days of the period it covered.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/chain/finding.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

struct TenurePeriod {
  model::Date from;                   // first day, inclusive
  model::Date to;                     // last day, inclusive
  std::optional<model::UnitId> unit;  // only findings naming this unit, when given
};

// One unbroken stretch of one violation inside the period. A violation that ended and began
// again inside the period is two spans.
struct TenureSpan {
  // As last seen inside the span (its evidence as of `last`); `since` is when the violation
  // began, which may lie before the period.
  Finding finding;
  model::Date first;         // first day of the period it covered
  model::Date last;          // last day of the period it covered (the period's end when still open)
  bool open_at_end = false;  // still open on the period's last day

  friend bool operator==(const TenureSpan&, const TenureSpan&) = default;
};

// The days on which `record` may change what the rules find: the first day it is in force
// (an effective date, a roster entry, an issue date, a death) and the day after a date it
// stops counting (an approval's validity, a reduction task's due date). Payroll months change
// findings on the first day of a month, and every first day of a month is a change date of
// its own (see tenureAudit), so a payroll row adds none.
void addChangeDates(const model::Record& record, std::vector<model::Date>& dates);
std::vector<model::Date> changeDatesOf(const model::Dataset& dataset);

// Evaluates `engine` (holding every record, also those after the period) as of the day before
// each change date inside the period and as of the period's last day: between two change
// dates the records in force are the same, and a finding can begin there by time alone (a
// deadline passing, an age reached: its `since` says when) but not end. A finding seen at one
// evaluation and gone at the next therefore ended on the day of the first. The first day of
// every month is a change date too: pay is judged by month, and CHAIN-013 holds while the
// person was paid in the month or the one before, so it can end at a month's turn by time.
// DATA-001 (a quarantined row) has no date to place in a period and is left out.
//
// A span's first day is its finding's `since` when that is not before the last evaluation
// that did not see it (a deadline's finding is seen from the day after the deadline, and its
// `since` is the deadline), else the day after that evaluation; never before the period.
// Leaves the engine evaluated as of the period's last day. Spans sorted by rule, unit, person,
// first day and fingerprint.
std::vector<TenureSpan> tenureAudit(ChainEngine& engine, std::vector<model::Date> change_dates,
                                    const TenurePeriod& period);

// The finding's JSON (findingJson) with "first", "last" and "open_at_end".
nlohmann::json tenureSpanJson(const TenureSpan& span);
// {"from", "to", "unit_id" (or null), "spans": [...]}.
nlohmann::json tenureAuditJson(const std::vector<TenureSpan>& spans, const TenurePeriod& period);

}  // namespace staffchain::chain
