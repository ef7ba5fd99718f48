// The admin API's routes for the management loop around the chain (DOMAIN.md §7): the
// pre-check and the vacancy pool, answered from the live engine as of today in the configured
// zone.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "admin_api.hpp"
#include "staffchain/chain/precheck_json.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::daemon {

namespace {

using api::Access;
using api::ApiRequest;
using api::ApiResponse;
using nlohmann::json;

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
    if (const auto unit = queryValue(request, "unit"); !unit.empty()) {
      auto checked = model::checkCreditCode(unit);
      if (!checked) return ApiResponse::error(400, fmt::format("unit: {}", checked.reason));
      filter.unit = *checked.value;
    }
    if (const auto recoverable = queryValue(request, "recoverable"); !recoverable.empty()) {
      if (recoverable != "true" && recoverable != "false") {
        return ApiResponse::error(400, "recoverable must be true or false");
      }
      filter.recoverable = recoverable == "true";
    }
    model::Date on = parts_.evaluator.today();
    if (const auto text = queryValue(request, "on"); !text.empty()) {
      const auto date = model::parseDate(text);
      if (!date) return ApiResponse::error(400, fmt::format("on \"{}\" is not a date (YYYY-MM-DD)", text));
      on = *date;
    }
    json pool = chain::vacancyPoolJson(parts_.evaluator.engine().vacancies(on, filter), on);
    pool["timezone"] = config_->daemon.timezone.name();
    pool["pool_after_days"] = config_->rules.pool_after_days;
    return ApiResponse::json(200, pool.dump());
  });
}

void AdminApi::loopMetrics(api::PrometheusWriter& out) const {
  for (const auto& [key, count] : prechecks_) {
    out.counter("staffchain_prechecks_total", "Pre-checks answered, by kind and answer.",
                {{"kind", key.first}, {"answer", key.second}}, static_cast<double>(count));
  }
}

}  // namespace staffchain::daemon
