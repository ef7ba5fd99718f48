#include "staffchain/chain/tenure.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <type_traits>
#include <variant>

#include "staffchain/chain/finding_json.hpp"

namespace staffchain::chain {
namespace {

using model::Date;

// The finding of one fingerprint while it is open in the sweep.
struct Running {
  Finding finding;
  Date first;
};

bool concerns(const Finding& finding, const TenurePeriod& period) {
  if (finding.rule == "DATA-001") return false;
  return !period.unit || (!finding.unit_id.empty() && finding.unit_id == *period.unit);
}

// The days evaluated: the day before every change date inside the period (the last day the
// records before it were in force), each month's turn among them, and the period's last day.
std::vector<Date> evaluationDays(std::vector<Date> change_dates, const TenurePeriod& period) {
  for (auto month = model::Month::of(period.from).plus(1); month.firstDay() <= period.to; month = month.plus(1)) {
    change_dates.push_back(month.firstDay());
  }
  std::vector<Date> days;
  days.reserve(change_dates.size() + 1);
  for (const auto d : change_dates) {
    if (d > period.from && d <= period.to) days.push_back(d.plusDays(-1));
  }
  days.push_back(period.to);
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

}  // namespace

void addChangeDates(const model::Record& record, std::vector<Date>& dates) {
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, model::Quota>) {
          dates.push_back(r.effective_from);
        } else if constexpr (std::is_same_v<T, model::Approval>) {
          dates.push_back(r.issued_on);
          dates.push_back(r.valid_until.plusDays(1));
        } else if constexpr (std::is_same_v<T, model::RosterEntry>) {
          dates.push_back(r.entered_on);
        } else if constexpr (std::is_same_v<T, model::Movement>) {
          dates.push_back(r.effective_on);
        } else if constexpr (std::is_same_v<T, model::Death>) {
          dates.push_back(r.died_on);
        } else if constexpr (std::is_same_v<T, model::ReductionTask>) {
          dates.push_back(r.issued_on);
          dates.push_back(r.due_on.plusDays(1));
        } else if constexpr (std::is_same_v<T, model::PayrollMonth>) {
          dates.push_back(r.month.firstDay());
        }
        // Units and leader quotas carry no date: they count from the beginning of time.
      },
      record);
}

std::vector<Date> changeDatesOf(const model::Dataset& dataset) {
  std::vector<Date> dates;
  auto all = [&](const auto& rows) {
    for (const auto& row : rows) addChangeDates(model::Record{row}, dates);
  };
  all(dataset.quotas);
  all(dataset.approvals);
  all(dataset.roster);
  all(dataset.movements);
  all(dataset.deaths);
  all(dataset.reductions);
  // Payroll rows add only the first days of months, which the audit evaluates anyway.
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  return dates;
}

std::vector<TenureSpan> tenureAudit(ChainEngine& engine, std::vector<Date> change_dates, const TenurePeriod& period) {
  std::vector<TenureSpan> spans;
  if (period.to < period.from) return spans;
  std::map<std::string, Running> open;  // by fingerprint
  // The last evaluated day; the day before the period for the first evaluation.
  Date previous = period.from.plusDays(-1);
  auto close = [&](Running&& running, Date last) {
    spans.push_back(TenureSpan{std::move(running.finding), running.first, last, false});
  };
  for (const auto day : evaluationDays(std::move(change_dates), period)) {
    engine.evaluateAllInPlace(day);
    std::set<std::string> seen;
    for (const auto* finding : engine.findingsInPlace()) {
      if (!concerns(*finding, period)) continue;
      seen.insert(finding->fingerprint);
      auto it = open.find(finding->fingerprint);
      // Seen at the last evaluation too, but begun again since: the old run ended there.
      if (it != open.end() && finding->since > previous) {
        close(std::move(it->second), previous);
        open.erase(it);
        it = open.end();
      }
      if (it == open.end()) {
        // Begun after the last evaluation: since says when, unless it names a day already
        // judged without it (the evidence that made it arrived later than the day it names).
        const Date first = finding->since >= previous ? finding->since : previous.plusDays(1);
        open.emplace(finding->fingerprint, Running{*finding, std::max(first, period.from)});
      } else {
        it->second.finding = *finding;
      }
    }
    for (auto it = open.begin(); it != open.end();) {
      if (seen.contains(it->first)) {
        ++it;
        continue;
      }
      close(std::move(it->second), previous);
      it = open.erase(it);
    }
    previous = day;
  }
  for (auto& [fingerprint, running] : open) {
    spans.push_back(TenureSpan{std::move(running.finding), running.first, period.to, true});
  }
  std::sort(spans.begin(), spans.end(), [](const TenureSpan& a, const TenureSpan& b) {
    return std::tie(a.finding.rule, a.finding.unit_id, a.finding.person_id, a.first, a.finding.fingerprint) <
           std::tie(b.finding.rule, b.finding.unit_id, b.finding.person_id, b.first, b.finding.fingerprint);
  });
  return spans;
}

nlohmann::json tenureSpanJson(const TenureSpan& span) {
  auto json = findingJson(span.finding);
  json["first"] = model::formatDate(span.first);
  json["last"] = model::formatDate(span.last);
  json["open_at_end"] = span.open_at_end;
  return json;
}

nlohmann::json tenureAuditJson(const std::vector<TenureSpan>& spans, const TenurePeriod& period) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& span : spans) list.push_back(tenureSpanJson(span));
  return {{"from", model::formatDate(period.from)},
          {"to", model::formatDate(period.to)},
          {"unit_id", period.unit ? nlohmann::json(period.unit->str()) : nlohmann::json(nullptr)},
          {"spans", std::move(list)}};
}

}  // namespace staffchain::chain
