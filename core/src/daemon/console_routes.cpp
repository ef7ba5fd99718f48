// The admin API's routes that the console's overview reads and no other route gives: the open
// findings counted by rule, severity and region, opened and resolved per week from the alert
// history, the source links and the backlogs — one call, counted on the server, so the page
// stays fast on a province.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>

#include "admin_api.hpp"
#include "audit_upload.hpp"
#include "staffchain/cases/case_json.hpp"
#include "staffchain/chain/finding_json.hpp"
#include "staffchain/chain/reduction_tasks.hpp"
#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/chain/vacancy_pool.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/propagation/notice_store.hpp"

namespace staffchain::daemon {
namespace {

using api::Access;
using api::ApiRequest;
using api::ApiResponse;
using nlohmann::json;

// The largest folder of exports the console's audit takes in one upload.
constexpr std::size_t kMaxAuditUpload = 256U * 1024U * 1024U;

// Weeks the overview's trend covers, this one included.
constexpr int kTrendWeeks = 12;

// The Monday of `day`'s week (1970-01-01 was a Thursday).
model::Date mondayOf(model::Date day) {
  const int weekday = ((day.days + 3) % 7 + 7) % 7;  // Monday 0 .. Sunday 6
  return day.plusDays(-weekday);
}

// ISO 8601 week label of the week that starts on `monday`: "2026-W49" (its year is its Thursday's).
std::string isoWeek(model::Date monday) {
  const model::Date thursday = monday.plusDays(3);
  const int year = static_cast<int>(thursday.ymd().year());
  const int day_of_year = thursday.days - model::Date::fromYmd(year, 1, 1).days;
  return fmt::format("{}-W{:02}", year, day_of_year / 7 + 1);
}

json unitJson(const model::Unit& unit) {
  return {{"unit_id", unit.unit_id.str()},
          {"name", unit.name},
          {"region", unit.region},
          {"region_name", std::string(model::regionName(unit.region))},
          {"parent_id", unit.parent_id ? unit.parent_id->str() : ""},
          {"kind", model::toString(unit.kind)},
          {"funding", model::toString(unit.funding)}};
}

}  // namespace

void AdminApi::forEachOpenFinding(const std::function<void(const chain::Finding&)>& visit) const {
  // In place: a province's findings with their evidence are some 60 MB, and most requests show a page of them.
  for (const auto* finding : parts_.evaluator.engine().findingsInPlace()) visit(*finding);
  for (const auto& finding : parts_.connectors.linkFindings(parts_.scheduler.wallNow())) visit(finding);
  for (const auto& finding : parts_.propagator.linkFindings()) visit(finding);
  if (parts_.cases.isOpen()) {
    for (const auto& finding : parts_.cases.store().overdueFindings()) visit(finding);
  }
  if (auto held = parts_.ledger.heldSnapshots(true); held) {
    for (const auto& snapshot : held.value()) visit(heldSnapshotFinding(snapshot));
  }
}

chain::Finding AdminApi::withNotices(const chain::Finding& finding) const {
  return std::move(parts_.propagator.withEvidence({finding}).front());
}

void AdminApi::registerConsoleRoutes() {
  // Units found by credit code or a part of the name (单位查询), paged on the server.
  server_->route("GET", "/api/v1/units", Access::read, [this](const ApiRequest& request) {
    std::size_t offset = 0;
    std::size_t limit = 50;
    if (auto refused = readWholeNumber(request, "offset", 0, 999'999'999, offset)) return std::move(*refused);
    if (auto refused = readWholeNumber(request, "limit", 1, 500, limit)) return std::move(*refused);
    std::size_t total = 0;
    json units = json::array();
    for (const auto& match : parts_.evaluator.engine().findUnits(queryValue(request, "q"), offset, limit, total)) {
      units.push_back({{"unit_id", match.unit_id.str()},
                       {"name", match.name},
                       {"region", match.region},
                       {"region_name", std::string(model::regionName(match.region))},
                       {"kind", model::toString(match.kind)}});
    }
    return ApiResponse::json(200, json{{"units", units}, {"total", total}, {"offset", offset}}.dump());
  });

  // One unit's page: establishment per type, leadership posts, roster, movements, and what the
  // daemon holds against it (findings, notices, cases, reduction tasks).
  server_->route("GET", "/api/v1/units/{unit}", Access::read, [this](const ApiRequest& request) {
    const std::string id = request.params.at("unit");
    const auto checked = model::checkCreditCode(id);
    if (!checked)
      return ApiResponse::error(400, fmt::format("\"{}\" is not a unit credit code: {}", id, checked.reason));
    const model::UnitId unit = *checked.value;
    chain::UnitPaging paging;
    if (auto refused = readWholeNumber(request, "roster_offset", 0, 999'999'999, paging.roster_offset))
      return std::move(*refused);
    if (auto refused = readWholeNumber(request, "roster_limit", 1, 1000, paging.roster_limit))
      return std::move(*refused);
    const auto& engine = parts_.evaluator.engine();
    const model::Date today = parts_.evaluator.today();
    const auto profile = engine.unitProfile(unit, today, paging);
    if (!profile) return ApiResponse::error(404, fmt::format("no unit {} in the roster's units", id));
    const auto& zone = config_->daemon.timezone;

    chain::VacancyFilter only_unit;
    only_unit.unit = unit;
    json establishment = json::array();
    for (const auto& row : engine.vacancies(today, only_unit)) {
      establishment.push_back({{"type", model::toString(row.type)},
                               {"type_name", std::string(model::chineseLabel(row.type))},
                               {"approved", row.posts.approved},
                               {"occupied", row.posts.occupied},
                               {"reserved", row.posts.reserved},
                               {"vacant", row.posts.vacant()},
                               {"vacant_since", row.vacant_since ? model::formatDate(*row.vacant_since) : ""}});
    }
    json leadership = json::array();
    for (const auto& posts : profile->leadership) {
      leadership.push_back(
          {{"level", model::toString(posts.level)},
           {"rank", model::toString(posts.rank)},
           {"label", fmt::format("{}{}", model::chineseLabel(posts.level), model::chineseLabel(posts.rank))},
           {"approved", posts.approved},
           {"held", posts.held}});
    }
    json roster = json::array();
    for (const auto& entry : profile->roster) {
      roster.push_back({{"person_id", entry.person_id.str()},
                        {"name", entry.name},
                        {"type", model::toString(entry.estab_type)},
                        {"entered_on", model::formatDate(entry.entered_on)},
                        {"approval_id", entry.approval_id},
                        {"leader_level", model::toString(entry.leader_level)},
                        {"leader_rank", model::toString(entry.leader_rank)}});
    }
    json movements = json::array();
    for (const auto& movement : profile->movements) {
      movements.push_back({{"movement_id", movement.movement_id},
                           {"kind", model::toString(movement.kind)},
                           {"source", model::toString(movement.source)},
                           {"person_id", movement.person_id.str()},
                           {"name", movement.name},
                           {"unit_id", movement.unit_id.str()},
                           {"from_unit_id", movement.from_unit_id ? movement.from_unit_id->str() : ""},
                           {"effective_on", model::formatDate(movement.effective_on)},
                           {"approval_id", movement.approval_id}});
    }
    json findings = json::array();
    forEachOpenFinding([&](const chain::Finding& finding) {
      if (finding.unit_id == unit) findings.push_back(chain::findingJson(withNotices(finding)));
    });
    propagation::NoticeFilter notice_filter;
    notice_filter.unit = id;
    notice_filter.limit = 200;
    json notices = parts_.propagator.json(notice_filter);
    json cases = json::array();
    if (parts_.cases.isOpen()) {
      cases::CaseFilter case_filter;
      case_filter.unit_id = id;
      for (const auto& c : parts_.cases.store().cases(case_filter)) cases.push_back(cases::caseJson(c, zone, false));
    }
    chain::ReductionFilter reduction_filter;
    reduction_filter.unit = unit;
    return personalDataAnswer(
        request,
        json{{"as_of", model::formatDate(today)},
             {"unit", unitJson(profile->unit)},
             {"establishment", establishment},
             {"leadership", leadership},
             {"roster", {{"total", profile->roster_total}, {"offset", paging.roster_offset}, {"persons", roster}}},
             {"movements", {{"total", profile->movements_total}, {"items", movements}}},
             {"findings", findings},
             {"notices", notices},
             {"cases", cases},
             {"reductions", chain::reductionListJson(engine.reductions(today, reduction_filter), today)}});
  });

  // An inspection team's folder, audited with the daemon's rules and forgotten (nothing enters
  // the ledger): a read token may, as it may read the findings.
  server_->route(
      "POST", "/api/v1/audit", Access::read,
      [this](const ApiRequest& request) {
        model::Date as_of = parts_.evaluator.today();
        if (const std::string text = queryValue(request, "as_of"); !text.empty()) {
          const auto parsed = model::parseDate(text);
          if (!parsed) return ApiResponse::error(400, fmt::format("as_of \"{}\" is not a date (YYYY-MM-DD)", text));
          as_of = *parsed;
        }
        std::vector<std::string> ignored;
        auto files = unpackUpload(request.content_type, request.body, ignored);
        if (!files) return ApiResponse::error(400, files.error().message);
        auto audited = auditUpload(files.value(), config_->rules, as_of);
        if (!audited) return ApiResponse::error(422, audited.error().message);
        audited.value()["ignored"] = ignored;
        spdlog::info("audit of an upload by {}: {} file(s), {} finding(s), nothing kept", request.caller, files->size(),
                     audited.value()["count"].get<std::size_t>());
        return personalDataAnswer(request, std::move(audited.value()));
      },
      kMaxAuditUpload);

  server_->route("GET", "/api/v1/overview", Access::read, [this](const ApiRequest&) {
    const auto& zone = config_->daemon.timezone;
    const model::Date today = parts_.evaluator.today();

    std::map<std::string, std::pair<chain::Severity, std::size_t>> by_rule;
    std::map<std::string, std::size_t, std::less<>> by_region;
    std::map<chain::Severity, std::size_t> by_severity{
        {chain::Severity::critical, 0}, {chain::Severity::major, 0}, {chain::Severity::minor, 0}};
    std::size_t open = 0;
    forEachOpenFinding([&](const chain::Finding& finding) {
      ++open;
      auto& rule = by_rule.try_emplace(finding.rule, finding.severity, 0).first->second;
      ++rule.second;
      ++by_severity[finding.severity];
      const std::string_view region = parts_.evaluator.regionView(finding.unit_id.view());
      auto it = by_region.find(region);
      if (it == by_region.end()) it = by_region.emplace(std::string(region), 0).first;
      ++it->second;
    });
    json rules = json::array();
    for (const auto& [rule, entry] : by_rule) {
      const auto info = chain::findAnyRule(rule);
      rules.push_back({{"rule", rule},
                       {"title", info ? std::string(info->title_zh) : ""},
                       {"title_en", info ? std::string(info->title_en) : ""},
                       {"severity", chain::toString(entry.first)},
                       {"open", entry.second}});
    }
    json regions = json::array();
    for (const auto& [region, count] : by_region) {
      regions.push_back({{"region", region}, {"name", std::string(model::regionName(region))}, {"open", count}});
    }
    json severities = json::object();
    for (const auto& [severity, count] : by_severity) severities[std::string(chain::toString(severity))] = count;

    // Opened and resolved per week, from the times alerts were open (a reopening opens anew).
    const model::Date first_monday = mondayOf(today).plusDays(-7 * (kTrendWeeks - 1));
    std::vector<std::pair<std::size_t, std::size_t>> weeks(kTrendWeeks);
    auto weekOf = [&](alerts::TimePoint at) -> std::optional<std::size_t> {
      const model::Date day = zone.dateAt(at);
      if (day < first_monday) return std::nullopt;
      const auto index = static_cast<std::size_t>((day.days - first_monday.days) / 7);
      return index < weeks.size() ? std::optional<std::size_t>(index) : std::nullopt;
    };
    auto minutes = parts_.dispatcher.manager().spanMinutes(zone.startOf(first_monday));
    if (!minutes) {
      return ApiResponse::error(500, fmt::format("cannot read the alert history: {}", minutes.error().message));
    }
    for (const auto& minute : minutes.value()) {
      if (auto week = weekOf(minute.minute)) {
        weeks[*week].first += minute.opened;
        weeks[*week].second += minute.resolved;
      }
    }
    json weekly = json::array();
    for (int i = 0; i < kTrendWeeks; ++i) {
      const model::Date monday = first_monday.plusDays(7 * i);
      weekly.push_back({{"week", isoWeek(monday)},
                        {"start", model::formatDate(monday)},
                        {"opened", weeks[static_cast<std::size_t>(i)].first},
                        {"resolved", weeks[static_cast<std::size_t>(i)].second}});
    }

    json links = json::array();
    const json connectors = parts_.connectors.json(zone);
    for (const auto& connector : connectors["connectors"]) {
      links.push_back(
          {{"connector", connector["name"]},
           {"role", connector["role"]},
           {"state", connector["state"]},
           {"last_success",
            connector["last_success"].get<std::string>().empty() ? json(nullptr) : connector["last_success"]},
           {"last_error", connector["last_error"]},
           {"records", connector["records"]}});
    }

    std::size_t outbox = 0;
    if (auto counts = parts_.dispatcher.manager().counts()) {
      for (const auto& [receiver, pending] : counts->outbox_pending) outbox += pending;
    }
    const auto notices = parts_.propagator.countByState();
    auto noticesIn = [&](const char* state) {
      const auto it = notices.find(state);
      return it == notices.end() ? std::size_t{0} : it->second;
    };

    return ApiResponse::json(200,
                             json{{"as_of", model::formatDate(today)},
                                  {"timezone", zone.name()},
                                  {"findings",
                                   {{"open", open},
                                    {"by_rule", rules},
                                    {"by_severity", severities},
                                    {"by_region", regions},
                                    {"weekly", weekly}}},
                                  {"links", links},
                                  {"backlog",
                                   {{"outbox", outbox},
                                    {"notices", noticesIn("pending") + noticesIn("delivered") + noticesIn("overdue")},
                                    {"notices_overdue", noticesIn("overdue")}}}}
                                 .dump());
  });
}

}  // namespace staffchain::daemon
