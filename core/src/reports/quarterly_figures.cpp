// The quarterly report's figures from the daemon's own facts. What each number counts:
//
// - Posts (汇总, 单位编制): the engine's vacancy pool on the day the report is as of (the
//   quarter's last day, or today while it runs): approved, occupied (people on the roster), vacant
//   = approved − occupied where positive, excess (超编) = occupied − approved where positive. A
//   vacancy here is not net of open approvals: the report says how posts are used, not what the
//   pre-check may still give.
// - Findings (问题线索): the alert spans, one per time an alert was open. Opened = spans whose
//   opened_at falls in the quarter; resolved = spans whose resolved_at falls in it; open at end =
//   spans open at the quarter's last instant. A finding that resolved and reopened in the quarter
//   has one span per opening: it counts once as opened for each opening and once as resolved for
//   each resolution, and once at most as open at the end (its spans never overlap).
// - Leaders over posts: the CHAIN-007 alerts open at the quarter's end, each over by the leaders
//   its evidence names beyond the approved number its leader quota item carries.
// - Ghost pay (吃空饷): the CHAIN-006/009/014 alerts open at the quarter's end. Months and yuan are
//   read from the payroll the engine holds for the person (the finding's evidence lists at most a
//   year of months), up to the quarter's last month: for CHAIN-006 the exited unit's months from
//   the first one paid after the exit; for CHAIN-014 every unit's months from the first one paid
//   after the death; for CHAIN-009 the months both units paid, counted at the unit that began
//   paying later (the one the finding names). A person counts once per unit.
// - Links (数据链路): a connector is down while its LINK-001 (failing) or LINK-002 (silent) alert
//   is open; both are kept by the alert history with the connector in the alert id. Availability
//   = 1 − down time / the quarter's time up to now. Outages are the merged down spans touching the
//   quarter. The alert opens at the evaluation after the failure, so a down span starts up to one
//   evaluation interval late.
// - Cases (整改): the records passed in; overdue = past their deadline and not closed at the end.
#include "staffchain/reports/quarterly_figures.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <map>
#include <set>

#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::reports {
namespace {

using TimePoint = std::chrono::system_clock::time_point;
using model::Date;
using model::Month;

bool isDigit(char c) {
  return c >= '0' && c <= '9';
}

std::string ruleTitleZh(const std::string& rule) {
  const auto info = chain::findAnyRule(rule);
  return info ? std::string(info->title_zh) : rule;
}

bool isGhostPay(const std::string& rule) {
  return rule == "CHAIN-006" || rule == "CHAIN-009" || rule == "CHAIN-014";
}

bool isLinkDown(const std::string& rule) {
  return rule == "LINK-001" || rule == "LINK-002";
}

std::string fieldOf(const chain::EvidenceItem& item, std::string_view key) {
  for (const auto& [name, value] : item.fields) {
    if (name == key) return value;
  }
  return {};
}

// "2天3小时", "5小时20分", "40分钟": how an office reads an outage.
std::string durationZh(std::chrono::seconds length) {
  using std::chrono::duration_cast;
  const auto days = duration_cast<std::chrono::days>(length);
  const auto hours = duration_cast<std::chrono::hours>(length - days);
  const auto minutes = duration_cast<std::chrono::minutes>(length - days - hours);
  if (days.count() > 0) return fmt::format("{}天{}小时", days.count(), hours.count());
  if (hours.count() > 0) return fmt::format("{}小时{}分", hours.count(), minutes.count());
  return fmt::format("{}分钟", std::max<std::int64_t>(minutes.count(), length.count() > 0 ? 1 : 0));
}

struct GhostPay {
  std::int64_t months = 0;
  std::int64_t fen = 0;
};

// The months and pay a ghost-pay finding stands for, from the person's payroll in the engine.
GhostPay ghostPayOf(const alerts::Alert& alert, const chain::ChainEngine& engine, Month last_month) {
  GhostPay out;
  std::optional<Month> first;
  std::set<std::string> units;
  for (const auto& item : alert.evidence) {
    if (item.record_type != "payroll") continue;
    const auto month = model::parseMonth(fieldOf(item, "month"));
    if (month && (!first || *month < *first)) first = *month;
    units.insert(fieldOf(item, "unit_id"));
  }
  if (!first || alert.person_id.empty()) return out;
  std::vector<model::PayrollMonth> pay;
  for (auto& record : engine.recordsOf(model::PersonId::fromValid(alert.person_id))) {
    if (auto* row = std::get_if<model::PayrollMonth>(&record)) {
      if (row->month >= *first && row->month <= last_month) pay.push_back(std::move(*row));
    }
  }
  if (alert.rule == "CHAIN-009") {
    // The months the named unit paid while another unit of the finding paid too.
    std::set<Month> others;
    for (const auto& row : pay) {
      if (row.unit_id.str() != alert.unit_id && units.count(row.unit_id.str()) > 0) others.insert(row.month);
    }
    for (const auto& row : pay) {
      if (row.unit_id.str() == alert.unit_id && others.count(row.month) > 0) {
        ++out.months;
        out.fen += row.gross_fen;
      }
    }
    return out;
  }
  std::set<Month> months;
  for (const auto& row : pay) {
    if (alert.rule == "CHAIN-006" && row.unit_id.str() != alert.unit_id) continue;
    months.insert(row.month);
    out.fen += row.gross_fen;
  }
  out.months = static_cast<std::int64_t>(months.size());
  return out;
}

// Leaders over the approved number, as the CHAIN-007 finding's evidence shows them: the leader
// quota item (its approved number) and one item per leader holding such a post.
std::int64_t leadersOver(const alerts::Alert& alert) {
  std::int64_t approved = 0;
  std::int64_t holding = 0;
  for (const auto& item : alert.evidence) {
    if (item.record_type == "leader_quotas") {
      approved = std::strtoll(fieldOf(item, "approved").c_str(), nullptr, 10);
    } else if (item.record_type == "roster" || item.record_type == "movements") {
      ++holding;
    }
  }
  return std::max<std::int64_t>(holding - approved, 0);
}

struct Interval {
  TimePoint from;
  TimePoint to;
};

std::vector<Interval> merged(std::vector<Interval> spans) {
  std::sort(spans.begin(), spans.end(), [](const Interval& a, const Interval& b) { return a.from < b.from; });
  std::vector<Interval> out;
  for (const auto& span : spans) {
    if (!out.empty() && span.from <= out.back().to) {
      out.back().to = std::max(out.back().to, span.to);
    } else {
      out.push_back(span);
    }
  }
  return out;
}

RegionSummary& regionRow(std::map<std::string, RegionSummary>& rows, const std::string& region) {
  auto [it, inserted] = rows.try_emplace(region);
  if (inserted) {
    it->second.region = region;
    it->second.region_name = std::string(model::regionName(region));
    // A city's own code (150700) holds the city-level units (市本级), not the whole city: the
    // city row below the regions is the whole city, and the two must not read alike.
    if (!it->second.region_name.empty() && region.size() == 6 && region.compare(4, 2, "00") == 0) {
      it->second.region_name += "本级";
    }
    if (it->second.region_name.empty()) it->second.region_name = region.empty() ? "未知地区" : region;
  }
  return it->second;
}

void addPosts(TypePosts& into, const TypePosts& posts) {
  into.approved += posts.approved;
  into.occupied += posts.occupied;
  into.vacant += posts.vacant;
  into.excess += posts.excess;
}

}  // namespace

Date Quarter::firstDay() const noexcept {
  return Date::fromYmd(year, (number - 1) * 3 + 1, 1);
}

Date Quarter::lastDay() const noexcept {
  const Month next = Month::fromYm(year, (number - 1) * 3 + 1).plus(3);
  return next.firstDay().plusDays(-1);
}

std::string Quarter::text() const {
  return fmt::format("{:04}Q{}", year, number);
}

Quarter Quarter::of(Date day) noexcept {
  const Month month = Month::of(day);
  return Quarter{month.year(), (month.month() - 1) / 3 + 1};
}

Quarter Quarter::before(Date day) noexcept {
  const Quarter current = of(day);
  return current.number == 1 ? Quarter{current.year - 1, 4} : Quarter{current.year, current.number - 1};
}

Result<Quarter> parseQuarter(std::string_view text) {
  const bool shaped = text.size() == 6 && isDigit(text[0]) && isDigit(text[1]) && isDigit(text[2]) &&
                      isDigit(text[3]) && (text[4] == 'Q' || text[4] == 'q') && text[5] >= '1' && text[5] <= '4';
  if (!shaped || text[0] == '0') {
    return makeError(
        fmt::format("quarter \"{}\" is not a quarter: write the year and the quarter 1 to 4 as in 2026Q4", text));
  }
  Quarter quarter;
  quarter.year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  quarter.number = static_cast<unsigned>(text[5] - '0');
  return quarter;
}

Result<QuarterlyReport> quarterlyFigures(const QuarterlyInputs& inputs, const chain::ChainEngine& engine,
                                         const alerts::AlertManager& alerts) {
  const Quarter& quarter = inputs.quarter;
  const Date today = inputs.zone.dateAt(inputs.now);
  if (quarter.firstDay() > today) {
    return makeError(fmt::format("quarter {} has not begun: today is {} in {}", quarter.text(),
                                 model::formatDate(today), inputs.zone.name()));
  }
  if (!inputs.region.empty() &&
      (inputs.region.size() != 6 || !std::all_of(inputs.region.begin(), inputs.region.end(), isDigit))) {
    return makeError(fmt::format("region \"{}\" is not a region code (6 digits, GB/T 2260)", inputs.region));
  }
  const bool over = quarter.lastDay() < today;
  const Date as_of = over ? quarter.lastDay() : today;
  const TimePoint begin = inputs.zone.startOf(quarter.firstDay());
  const TimePoint end = inputs.zone.startOf(quarter.lastDay().plusDays(1));
  // Up to now only: a running quarter's rest has not happened.
  const TimePoint until = std::min(end, inputs.now);
  auto inScope = [&](const std::string& region) { return inputs.region.empty() || region == inputs.region; };

  QuarterlyReport report;
  report.quarter = quarter.text();
  report.first_day = model::formatDate(quarter.firstDay());
  report.last_day = model::formatDate(quarter.lastDay());
  report.region_filter = inputs.region;
  report.issuing_office = inputs.issuing_office;
  report.generated_at = inputs.zone.rfc3339(inputs.now);

  std::map<std::string, RegionSummary> regions;
  // A region asked for has its row even when nothing in it is known: zeros, not an empty sheet.
  if (!inputs.region.empty()) regionRow(regions, inputs.region);
  std::map<std::string, std::string> unit_names;

  // ---- posts, per unit and type, on the day the report is as of
  chain::VacancyFilter filter;
  filter.region = inputs.region;
  std::map<std::string, std::size_t> unit_rows;  // unit id -> index in report.units
  for (const auto& row : engine.vacancies(as_of, filter)) {
    const std::string unit = row.unit.str();
    unit_names[unit] = row.unit_name;
    TypePosts posts;
    posts.estab_type = std::string(model::toString(row.type));
    posts.approved = row.posts.approved;
    posts.occupied = row.posts.occupied;
    posts.vacant = std::max(posts.approved - posts.occupied, std::int64_t{0});
    posts.excess = std::max(posts.occupied - posts.approved, std::int64_t{0});
    auto [it, inserted] = unit_rows.try_emplace(unit, report.units.size());
    if (inserted) {
      report.units.push_back(UnitPostsRow{row.region, unit, row.unit_name, {}, 0});
      regionRow(regions, row.region).units++;
    }
    report.units[it->second].types.push_back(posts);
    addPosts(regionRow(regions, row.region).total, posts);
  }

  // ---- findings per rule, ghost pay and leaders over posts from the alert history
  auto spans = alerts.spans(begin, until);
  if (!spans) return std::move(spans).error();
  std::map<std::string, RuleCountRow> rules;
  std::map<std::string, GhostPayRow> ghost_pay;                // unit id -> row
  std::map<std::string, std::set<std::string>> ghost_persons;  // unit id -> persons
  std::map<std::string, std::vector<Interval>> link_down;      // connector -> down spans
  std::map<std::string, std::string> link_roles;
  RegionSummary city;
  const Month last_month = Month::of(as_of);
  for (const auto& span : spans.value()) {
    if (isLinkDown(span.rule)) {
      // The link alerts' id is "LINK-00N|<connector>" (link_health.cpp): one per rule and connector.
      const auto bar = span.alert_id.find('|');
      if (bar != std::string::npos) {
        const std::string connector = span.alert_id.substr(bar + 1);
        link_down[connector].push_back(Interval{span.opened_at, span.resolved_at.value_or(until)});
        if (!link_roles.count(connector)) {
          if (const auto alert = alerts.alert(span.alert_id); alert && !alert->evidence.empty()) {
            link_roles[connector] = fieldOf(alert->evidence.front(), "role");
          }
        }
      }
    }
    if (!inScope(span.region)) continue;
    const bool opened = span.opened_at >= begin && span.opened_at < until;
    const bool resolved = span.resolved_at && *span.resolved_at >= begin && *span.resolved_at < until;
    const bool open_at_end = span.opened_at < until && (!span.resolved_at || *span.resolved_at >= until);
    auto& rule = rules[span.rule];
    rule.rule = span.rule;
    rule.title_zh = ruleTitleZh(span.rule);
    auto count = [&](RegionSummary& r) {
      r.findings_opened += opened ? 1 : 0;
      r.findings_resolved += resolved ? 1 : 0;
      r.findings_open_at_end += open_at_end ? 1 : 0;
    };
    rule.opened += opened ? 1 : 0;
    rule.resolved += resolved ? 1 : 0;
    rule.open_at_end += open_at_end ? 1 : 0;
    count(city);
    // Link and data findings concern no region: they count for the city alone.
    if (!span.region.empty()) count(regionRow(regions, span.region));
    if (!open_at_end) continue;
    if (span.rule == "CHAIN-007") {
      if (const auto alert = alerts.alert(span.alert_id)) {
        const auto over_by = leadersOver(*alert);
        regionRow(regions, span.region).leaders_over += over_by;
        if (const auto row = unit_rows.find(span.unit_id); row != unit_rows.end()) {
          report.units[row->second].leaders_over += over_by;
        }
      }
    } else if (isGhostPay(span.rule)) {
      const auto alert = alerts.alert(span.alert_id);
      if (!alert) continue;
      const GhostPay pay = ghostPayOf(*alert, engine, last_month);
      if (pay.months == 0) continue;  // a death still on the roster, not paid: no pay to count
      auto& row = ghost_pay[span.unit_id];
      row.region = span.region;
      row.unit_id = span.unit_id;
      row.unit_name = unit_names.count(span.unit_id) ? unit_names[span.unit_id] : span.unit_id;
      row.months += pay.months;
      row.yuan += static_cast<double>(pay.fen) / 100.0;
      ghost_persons[span.unit_id].insert(alert->person_id);
      row.persons = static_cast<std::int64_t>(ghost_persons[span.unit_id].size());
    }
  }
  for (const auto& [unit, row] : ghost_pay) {
    auto& region = regionRow(regions, row.region);
    region.ghost_pay_persons += row.persons;
    region.ghost_pay_months += row.months;
    region.ghost_pay_yuan += row.yuan;
    report.ghost_pay.push_back(row);
  }
  for (auto& [id, row] : rules) report.rules.push_back(std::move(row));

  // ---- reduction tasks on the day
  chain::ReductionFilter tasks;
  tasks.region = inputs.region;
  for (const auto& task : engine.reductions(as_of, tasks)) {
    ReductionRow row;
    row.task_id = task.task.task_id;
    row.doc_no = task.task.doc_no;
    row.unit_id = task.task.unit_id.str();
    row.unit_name = task.unit_name;
    row.estab_type = std::string(model::toString(task.task.estab_type));
    row.due_on = model::formatDate(task.task.due_on);
    row.state_zh = std::string(chain::chineseLabel(task.state));
    row.posts_to_recover = task.task.posts_to_recover;
    row.recovered = task.recovered;
    row.excess_absorbed = task.excess_absorbed;
    report.reductions.push_back(std::move(row));
  }

  // ---- rectification cases
  const Date first = quarter.firstDay();
  for (const auto& record : inputs.cases) {
    if (!inScope(record.region)) continue;
    const bool opened = record.opened_on >= first && record.opened_on <= as_of;
    const bool closed = record.closed_on && *record.closed_on >= first && *record.closed_on <= as_of;
    const bool open_at_end = record.opened_on <= as_of && (!record.closed_on || *record.closed_on > as_of);
    bool overdue = false;
    if (record.overdue_spans.empty()) {
      overdue = open_at_end && record.overdue_on && *record.overdue_on <= as_of;
    } else {
      for (const auto& [span_from, span_until] : record.overdue_spans) {
        if (span_from <= as_of && (!span_until || *span_until > first)) overdue = true;
      }
    }
    auto count = [&](RegionSummary& r) {
      r.cases_opened += opened ? 1 : 0;
      r.cases_closed += closed ? 1 : 0;
      r.cases_overdue += overdue ? 1 : 0;
    };
    count(regionRow(regions, record.region));
    report.cases.opened += opened ? 1 : 0;
    report.cases.closed += closed ? 1 : 0;
    report.cases.overdue += overdue ? 1 : 0;
    report.cases.open_at_end += open_at_end ? 1 : 0;
  }

  // ---- source links: every configured one, and any other that was down in the quarter
  std::map<std::string, std::string> subjects;
  for (const auto& link : inputs.links) subjects[link.connector] = link.role;
  for (const auto& [connector, down] : link_down) subjects.try_emplace(connector, link_roles[connector]);
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(until - begin);
  for (const auto& [connector, role] : subjects) {
    LinkAvailabilityRow row;
    row.connector = connector;
    row.role = role;
    std::chrono::seconds down_total{0};
    std::chrono::seconds longest{0};
    for (const auto& span : merged(link_down[connector])) {
      const auto from = std::max(span.from, begin);
      const auto to = std::min(span.to, until);
      if (to <= from) continue;
      const auto length = std::chrono::duration_cast<std::chrono::seconds>(to - from);
      down_total += length;
      longest = std::max(longest, length);
      ++row.outages;
    }
    row.availability = elapsed.count() > 0
                           ? 1.0 - static_cast<double>(down_total.count()) / static_cast<double>(elapsed.count())
                           : 1.0;
    row.longest_outage = row.outages > 0 ? durationZh(longest) : "";
    report.links.push_back(std::move(row));
  }

  // ---- the regions and the city row: the city adds every region up, its findings aside
  for (auto& [code, row] : regions) {
    if (!inputs.region.empty() && code != inputs.region) continue;
    city.units += row.units;
    addPosts(city.total, row.total);
    city.leaders_over += row.leaders_over;
    city.ghost_pay_persons += row.ghost_pay_persons;
    city.ghost_pay_months += row.ghost_pay_months;
    city.ghost_pay_yuan += row.ghost_pay_yuan;
    city.cases_opened += row.cases_opened;
    city.cases_closed += row.cases_closed;
    city.cases_overdue += row.cases_overdue;
    report.regions.push_back(row);
  }
  // The city's own code when every region is one of its banners and districts (150702 -> 150700).
  if (inputs.region.empty() && !report.regions.empty()) {
    const std::string prefix = report.regions.front().region.substr(0, 4);
    const bool one_city = std::all_of(report.regions.begin(), report.regions.end(), [&](const RegionSummary& r) {
      return r.region.size() == 6 && r.region.compare(0, 4, prefix) == 0;
    });
    if (one_city) city.region = prefix + "00";
  }
  city.region_name = inputs.region.empty() ? "全市" : "合计";
  report.city = city;
  return report;
}

}  // namespace staffchain::reports
