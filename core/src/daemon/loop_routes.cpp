// The admin API's routes for the management loop around the chain (DOMAIN.md §7): the
// pre-check, the vacancy pool and the reduction tasks, answered from the live engine as of today in the configured
// zone, and the quarterly report (the engine and the alert history, as a workbook).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "admin_api.hpp"
#include "staffchain/chain/precheck_json.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/reports/quarterly_figures.hpp"

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

}  // namespace

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
    json pool = chain::vacancyPoolJson(parts_.evaluator.engine().vacancies(on, filter), on);
    pool["timezone"] = config_->daemon.timezone.name();
    pool["pool_after_days"] = config_->rules.pool_after_days;
    return ApiResponse::json(200, pool.dump());
  });

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
