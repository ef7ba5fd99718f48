// The admin API's routes for the management loop around the chain (DOMAIN.md §7): the
// pre-check, the vacancy pool and the reduction tasks, answered from the live engine as of today in the configured
// zone, and the quarterly report (the engine and the alert history, as a workbook).
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <tuple>

#include "admin_api.hpp"
#include "staffchain/chain/precheck_json.hpp"
#include "staffchain/chain/tenure.hpp"
#include "staffchain/documents/tenure_pdf.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/reports/quarterly_figures.hpp"
#include "staffchain/reports/tenure_report.hpp"

namespace staffchain::daemon {

namespace {

using api::Access;
using api::ApiRequest;
using api::ApiResponse;
using nlohmann::json;

// The "unit" parameter of a listing: a credit code, or nothing. An error answer when it is not one.
std::optional<ApiResponse> readUnitParameter(const ApiRequest& request, std::optional<model::UnitId>& unit) {
  const auto text = queryValue(request, "unit");
  if (text.empty()) return std::nullopt;
  auto checked = model::checkCreditCode(text);
  if (!checked) return ApiResponse::error(400, fmt::format("unit: {}", checked.reason));
  unit = *checked.value;
  return std::nullopt;
}

// The "on" parameter of a listing: a date, today when not given.
std::optional<ApiResponse> readDayParameter(const ApiRequest& request, model::Date& on) {
  const auto text = queryValue(request, "on");
  if (text.empty()) return std::nullopt;
  const auto date = model::parseDate(text);
  if (!date) return ApiResponse::error(400, fmt::format("on \"{}\" is not a date (YYYY-MM-DD)", text));
  on = *date;
  return std::nullopt;
}

// A required date parameter.
std::optional<ApiResponse> readRequiredDate(const ApiRequest& request, const char* key, model::Date& into) {
  const auto text = queryValue(request, key);
  if (text.empty()) return ApiResponse::error(400, fmt::format("{} is required (YYYY-MM-DD)", key));
  const auto date = model::parseDate(text);
  if (!date) return ApiResponse::error(400, fmt::format("{} \"{}\" is not a date (YYYY-MM-DD)", key, text));
  into = *date;
  return std::nullopt;
}

alerts::TimePoint startOf(model::Date day) {
  return alerts::TimePoint{std::chrono::sys_days{std::chrono::days{day.days}}.time_since_epoch()};
}

// One document of the report, rendered into a file of its own and read back: the writers write
// files (beside their target, renamed over it), the API answers bytes.
Result<std::string> renderedBytes(const reports::TenureReport& report, const std::string& format) {
  static std::atomic<unsigned> counter{0};
  const auto path =
      std::filesystem::temp_directory_path() / fmt::format("staffchain-tenure-{}-{}.{}", ::getpid(), counter++, format);
  auto written =
      format == "pdf" ? documents::renderTenurePdf(report, path) : reports::writeTenureWorkbook(report, path);
  if (!written) return std::move(written).error();
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const bool read = !in.bad();
  in.close();
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (!read) return makeError(fmt::format("cannot read back the tenure report {}", path.string()));
  return bytes;
}

}  // namespace

// Every violation of the unit that was open on a day of the period, from the alert spans the
// ledger keeps: a span covers, inside the period, the days from its violation's start (`since`)
// to the day before it resolved, or to the period's end (today, if sooner) while still open.
api::ApiResponse AdminApi::tenureReport(const ApiRequest& request) const {
  std::optional<model::UnitId> unit;
  if (auto refused = readUnitParameter(request, unit)) return std::move(*refused);
  if (!unit) return ApiResponse::error(400, "unit is required: the unit whose leader's tenure is audited");
  model::Date from;
  model::Date to;
  if (auto refused = readRequiredDate(request, "from", from)) return std::move(*refused);
  if (auto refused = readRequiredDate(request, "to", to)) return std::move(*refused);
  if (to < from) {
    return ApiResponse::error(400,
                              fmt::format("to {} is before from {}", model::formatDate(to), model::formatDate(from)));
  }
  std::string format = queryValue(request, "format");
  if (format.empty()) format = "json";
  if (format != "json" && format != "xlsx" && format != "pdf") {
    return ApiResponse::error(400, fmt::format("format \"{}\" is not one of: json, xlsx, pdf", format));
  }
  const auto& zone = config_->daemon.timezone;
  const auto now = parts_.scheduler.wallNow();
  const model::Date today = parts_.evaluator.today();
  auto& manager = parts_.dispatcher.manager();
  // Every span not resolved before the period began (a day early for the zone's offset): one
  // that opened after the period may still name a violation that began within it.
  auto spans = manager.spans(startOf(from) - std::chrono::hours(48), now + std::chrono::hours(24));
  if (!spans) return ApiResponse::error(500, fmt::format("cannot read the alert spans: {}", spans.error().message));

  reports::TenureReport report;
  report.unit_id = unit->str();
  report.from = model::formatDate(from);
  report.to = model::formatDate(to);
  report.generated_at = zone.display(now);
  chain::VacancyFilter named;
  named.unit = unit;
  if (const auto rows = parts_.evaluator.engine().vacancies(today, named); !rows.empty()) {
    report.unit_name = rows.front().unit_name;
  }
  // The alerts' spans as the tenure audit of a folder gives its own (chain::TenureSpan): the
  // finding as the alert last saw it, and its days in the period.
  std::vector<chain::TenureSpan> listed;
  for (const auto& span : spans.value()) {
    if (span.unit_id != report.unit_id) continue;
    const model::Date first = std::max(span.since, from);
    // The day it resolved, or none (a flag beside a date rather than an optional: g++ 12 at -O3
    // takes the optional's value for uninitialised below, -Wmaybe-uninitialized).
    const bool was_resolved = span.resolved_at.has_value();
    const model::Date resolved = was_resolved ? zone.dateAt(*span.resolved_at) : model::Date{};
    const model::Date open_until = was_resolved ? resolved.plusDays(-1) : std::min(today, to);
    const model::Date last = std::min(open_until, to);
    if (last < first) continue;  // open on no day of the period
    chain::Finding finding;
    finding.fingerprint = span.alert_id;  // an alert's id is its finding's fingerprint
    finding.rule = span.rule;
    finding.severity = span.severity;
    finding.unit_id = *unit;
    finding.since = span.since;
    if (const auto alert = manager.alert(span.alert_id)) {
      if (auto person = model::checkCitizenId(alert->person_id)) finding.person_id = *person.value;
      finding.summary_zh = alert->summary_zh;
      finding.summary_en = alert->summary_en;
      finding.evidence = alert->evidence;
    }
    listed.push_back(chain::TenureSpan{std::move(finding), first, last, !was_resolved || resolved > to});
  }
  std::sort(listed.begin(), listed.end(), [](const chain::TenureSpan& a, const chain::TenureSpan& b) {
    return std::tie(a.first, a.finding.rule, a.finding.fingerprint) <
           std::tie(b.first, b.finding.rule, b.finding.fingerprint);
  });
  const bool mask_ids = !readWrite(request);
  for (const auto& span : listed) report.rows.push_back(reports::tenureRowOf(span, mask_ids));
  spdlog::info("tenure report by {}: {} {} to {} as {}, {} violation(s)", request.caller, report.unit_id, report.from,
               report.to, format, report.rows.size());
  if (format == "json") {
    json body = chain::tenureAuditJson(listed, chain::TenurePeriod{from, to, unit});
    // The rule's title too, as the documents print it.
    for (std::size_t i = 0; i < listed.size(); ++i) body["spans"][i]["rule_title"] = report.rows[i].rule_title_zh;
    body["unit_name"] = report.unit_name;
    body["count"] = listed.size();
    body["timezone"] = zone.name();
    body["generated_at"] = zone.rfc3339(now);
    return personalDataAnswer(request, std::move(body));
  }
  auto bytes = renderedBytes(report, format);
  if (!bytes) return ApiResponse::error(500, bytes.error().message);
  ApiResponse answer;
  answer.status = 200;
  answer.content_type =
      format == "pdf" ? "application/pdf" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  answer.body = std::move(bytes).value();
  return answer;
}

void AdminApi::registerLoopRoutes() {
  server_->route("POST", "/api/v1/precheck", Access::read, [this](const ApiRequest& request) {
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    auto parsed = chain::precheckRequestFromJson(body, parts_.evaluator.today());
    if (!parsed) return ApiResponse::error(400, parsed.error().message);
    const chain::PrecheckRequest& asked = parsed.value();
    const chain::PrecheckAnswer answer = parts_.evaluator.engine().precheck(asked);
    std::string codes;
    for (const auto& reason : answer.reasons) {
      codes += (codes.empty() ? "" : ", ") + reason.code + (reason.rule.empty() ? "" : " " + reason.rule);
    }
    // Who asked what, and the answer: a pre-check is an act of the office, kept in the log.
    spdlog::info("precheck by {}: {} x{} at {} ({}){}{}{} on {}: {}{}", request.caller, chain::toString(asked.kind),
                 asked.count, asked.unit.view(), answer.type ? model::toString(*answer.type) : "type not given",
                 asked.approval_id.empty() ? "" : " citing ", asked.approval_id,
                 asked.person ? " for " + model::maskCitizenId(asked.person->view()) : "", model::formatDate(asked.on),
                 answer.allowed ? "allowed" : "refused: ", codes);
    ++prechecks_[{std::string(chain::toString(asked.kind)), answer.allowed ? "allowed" : "refused"}];
    return personalDataAnswer(request, chain::precheckAnswerJson(asked, answer));
  });

  server_->route("GET", "/api/v1/vacancies", Access::read, [this](const ApiRequest& request) {
    chain::VacancyFilter filter;
    filter.region = queryValue(request, "region");
    if (const auto type = queryValue(request, "type"); !type.empty()) {
      filter.type = model::parseEstabType(type);
      if (!filter.type) {
        return ApiResponse::error(400, fmt::format("type \"{}\" is not an establishment type (admin, political_legal, "
                                                   "institution, service, veteran_cadre)",
                                                   type));
      }
    }
    if (auto refused = readUnitParameter(request, filter.unit)) return std::move(*refused);
    if (const auto recoverable = queryValue(request, "recoverable"); !recoverable.empty()) {
      if (recoverable != "true" && recoverable != "false") {
        return ApiResponse::error(400, "recoverable must be true or false");
      }
      filter.recoverable = recoverable == "true";
    }
    model::Date on = parts_.evaluator.today();
    if (auto refused = readDayParameter(request, on)) return std::move(*refused);
    std::size_t offset = 0;
    std::size_t limit = 0;  // 0: every row
    if (auto refused = readWholeNumber(request, "offset", 0, 999'999'999, offset)) return std::move(*refused);
    if (auto refused = readWholeNumber(request, "limit", 1, 999'999'999, limit)) return std::move(*refused);
    json pool = chain::vacancyPoolJson(parts_.evaluator.engine().vacancies(on, filter), on, offset, limit);
    pool["timezone"] = config_->daemon.timezone.name();
    pool["pool_after_days"] = config_->rules.pool_after_days;
    return ApiResponse::json(200, pool.dump());
  });

  server_->route("GET", "/api/v1/reports/tenure", Access::read,
                 [this](const ApiRequest& request) { return tenureReport(request); });

  server_->route("GET", "/api/v1/reductions", Access::read, [this](const ApiRequest& request) {
    chain::ReductionFilter filter;
    filter.region = queryValue(request, "region");
    if (auto refused = readUnitParameter(request, filter.unit)) return std::move(*refused);
    if (const auto state = queryValue(request, "state"); !state.empty()) {
      filter.state = chain::parseReductionState(state);
      if (!filter.state) {
        return ApiResponse::error(
            400, fmt::format("state \"{}\" is not one of: on_track, done, overdue, no_baseline", state));
      }
    }
    model::Date on = parts_.evaluator.today();
    if (auto refused = readDayParameter(request, on)) return std::move(*refused);
    json list = chain::reductionListJson(parts_.evaluator.engine().reductions(on, filter), on);
    list["timezone"] = config_->daemon.timezone.name();
    return ApiResponse::json(200, list.dump());
  });

  // The quarterly monitoring workbook (季度监控), as the file itself.
  server_->route("GET", "/api/v1/reports/quarterly", Access::read, [this](const ApiRequest& request) {
    const auto text = queryValue(request, "quarter");
    if (text.empty()) return ApiResponse::error(400, "quarter is required, written as 2026Q4");
    auto quarter = reports::parseQuarter(text);
    if (!quarter) return ApiResponse::error(400, quarter.error().message);
    const auto region = queryValue(request, "region");
    if (!region.empty() && (region.size() != 6 || region.find_first_not_of("0123456789") != std::string::npos)) {
      return ApiResponse::error(400, fmt::format("region \"{}\" is not a region code (6 digits, GB/T 2260)", region));
    }
    // Only a quarter that has not begun is the caller's mistake; anything else is the daemon's.
    if (quarter->firstDay() > parts_.evaluator.today()) {
      return ApiResponse::error(
          400, fmt::format("quarter {} has not begun: today is {} in {}", quarter->text(),
                           model::formatDate(parts_.evaluator.today()), config_->daemon.timezone.name()));
    }
    auto workbook = parts_.reports.workbook(*quarter, region);
    if (!workbook) {
      spdlog::error("quarterly report {} for {}: {}", quarter->text(), request.caller, workbook.error().message);
      return ApiResponse::error(500, "cannot write the quarterly report (see the daemon's log)");
    }
    spdlog::info("quarterly report {}{} fetched by {} ({} bytes)", quarter->text(),
                 region.empty() ? "" : " of " + region, request.caller, workbook->bytes.size());
    ApiResponse answer;
    answer.content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    answer.body = std::move(workbook->bytes);
    answer.attachment_name = std::move(workbook->name);
    return answer;
  });
}

void AdminApi::loopMetrics(api::PrometheusWriter& out) const {
  for (const auto& [key, count] : prechecks_) {
    out.counter("staffchain_prechecks_total", "Pre-checks answered, by kind and answer.",
                {{"kind", key.first}, {"answer", key.second}}, static_cast<double>(count));
  }
}

}  // namespace staffchain::daemon
