// The admin API's routes for rectification cases (整改): list, show, open, submit, verify,
// reopen, and the inspection notice of a case as PDF or HTML.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <random>

#include "admin_api.hpp"
#include "body_fields.hpp"
#include "case_desk.hpp"
#include "staffchain/cases/case_json.hpp"
#include "staffchain/cases/case_notice.hpp"
#include "staffchain/documents/inspection_notice.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::daemon {

namespace {

using api::Access;
using api::ApiRequest;
using api::ApiResponse;
using nlohmann::json;

std::optional<std::int64_t> caseNumber(const std::string& text) {
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number <= 0) return std::nullopt;
  return number;
}

ApiResponse answerOf(const cases::CaseAnswer& answer, const model::TimeZone& zone) {
  if (!answer.value) return ApiResponse::error(static_cast<unsigned>(answer.status), answer.reason);
  return ApiResponse::json(static_cast<unsigned>(answer.status), cases::caseJson(*answer.value, zone, true).dump());
}

// The PDF is drawn into a private file of the state folder, read back and removed: cairo writes
// to a file, and a notice holds personal data that must not sit in a shared temporary folder.
Result<std::string> noticePdf(const documents::InspectionNotice& notice, const std::filesystem::path& state_dir) {
  std::random_device random;
  const auto path = state_dir / fmt::format(".notice-{:08x}.pdf", random());
  auto rendered = documents::renderNoticePdf(notice, path);
  std::string bytes;
  if (rendered) {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
    if (!in.good() && !in.eof()) rendered = Error{fmt::format("cannot read back {}", path.string())};
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
  if (!rendered) return std::move(rendered).error();
  return bytes;
}

}  // namespace

void AdminApi::registerCaseRoutes() {
  const auto zone = [this]() -> const model::TimeZone& { return config_->daemon.timezone; };

  server_->route("GET", "/api/v1/cases", Access::read, [this, zone](const ApiRequest& request) {
    cases::CaseFilter filter;
    if (const auto state = queryValue(request, "state"); !state.empty()) {
      filter.state = cases::parseCaseState(state);
      if (!filter.state) {
        return ApiResponse::error(
            400, fmt::format("state \"{}\" is not one of: issued, rectifying, submitted, verified, overdue", state));
      }
    }
    filter.unit_id = queryValue(request, "unit");
    filter.region = queryValue(request, "region");
    json out = json::array();
    for (const auto& c : parts_.cases.store().cases(filter)) out.push_back(cases::caseJson(c, zone(), false));
    return personalDataAnswer(request, json{{"cases", out}, {"count", out.size()}});
  });

  server_->route("GET", "/api/v1/cases/{number}", Access::read, [this, zone](const ApiRequest& request) {
    const auto number = caseNumber(request.params.at("number"));
    if (!number) return ApiResponse::error(400, "a case is named by its number (1, 2, ...)");
    const auto found = parts_.cases.store().find(*number);
    if (!found) return ApiResponse::error(404, fmt::format("there is no case {}", *number));
    return personalDataAnswer(request, cases::caseJson(*found, zone(), true));
  });

  server_->route("POST", "/api/v1/cases", Access::write, [this, zone](const ApiRequest& request) {
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object()) return ApiResponse::error(400, "the body must be a JSON object");
    BodyFields fields(body);
    const std::string unit = fields.text("unit");
    const std::vector<std::string> findings = fields.texts("findings");
    const std::string deadline_text = fields.text("deadline");
    const std::string by = fields.text("by", request.caller);
    const std::string comment = fields.text("comment");
    if (auto refused = fields.refusal()) return *refused;
    for (const auto& [key, value] : body.items()) {
      if (key != "unit" && key != "findings" && key != "deadline" && key != "by" && key != "comment") {
        return ApiResponse::error(400, fmt::format("{} is not a field of a case; use unit, findings, deadline, by, "
                                                   "comment",
                                                   key));
      }
    }
    if (unit.empty()) return ApiResponse::error(400, "unit: the unit's credit code is required");
    if (auto checked = model::checkCreditCode(unit); !checked) {
      return ApiResponse::error(400, fmt::format("unit: {}", checked.reason));
    }
    std::optional<model::Date> deadline;
    if (!deadline_text.empty()) {
      deadline = model::parseDate(deadline_text);
      if (!deadline)
        return ApiResponse::error(400, fmt::format("deadline \"{}\" is not a date (YYYY-MM-DD)", deadline_text));
    }
    const auto answer = parts_.cases.openCase(unit, findings, deadline, cases::Actor{by, request.caller, comment},
                                              parts_.evaluator.today(), parts_.scheduler.wallNow());
    // The unit's findings now belong to a case: the alerts follow at the next evaluation.
    if (answer.value) parts_.evaluator.soon();
    return answerOf(answer, zone());
  });

  server_->route("POST", "/api/v1/cases/{number}/{action}", Access::write, [this, zone](const ApiRequest& request) {
    const auto number = caseNumber(request.params.at("number"));
    if (!number) return ApiResponse::error(400, "a case is named by its number (1, 2, ...)");
    const auto action = cases::parseCaseAction(request.params.at("action"));
    if (!action) {
      return ApiResponse::error(404, fmt::format("{} is not something done to a case; use submit, verify or reopen",
                                                 request.params.at("action")));
    }
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object()) return ApiResponse::error(400, "the body must be a JSON object");
    BodyFields fields(body);
    const std::string by = fields.text("by", request.caller);
    const std::string comment = fields.text("comment");
    if (auto refused = fields.refusal()) return *refused;
    const auto answer =
        parts_.cases.act(*number, *action, cases::Actor{by, request.caller, comment}, parts_.scheduler.wallNow());
    if (answer.value) parts_.evaluator.soon();
    return answerOf(answer, zone());
  });

  server_->route("GET", "/api/v1/cases/{number}/notice", Access::read, [this](const ApiRequest& request) {
    const auto number = caseNumber(request.params.at("number"));
    if (!number) return ApiResponse::error(400, "a case is named by its number (1, 2, ...)");
    const auto found = parts_.cases.store().find(*number);
    if (!found) return ApiResponse::error(404, fmt::format("there is no case {}", *number));
    const std::string format = queryValue(request, "format").empty() ? "pdf" : queryValue(request, "format");
    if (format != "pdf" && format != "html") return ApiResponse::error(400, "format must be pdf or html");
    const auto notice = cases::noticeOf(*found, config_->cases);
    spdlog::info("inspection notice of case {} ({}) as {} for {}", *number, found->doc_no, format, request.caller);
    ApiResponse response;
    if (format == "html") {
      response.content_type = "text/html; charset=utf-8";
      response.body = documents::renderNoticeHtml(notice);
      return response;
    }
    auto pdf = noticePdf(notice, config_->daemon.state_dir);
    if (!pdf) {
      spdlog::error("inspection notice of case {}: {}", *number, pdf.error().message);
      return ApiResponse::error(500, fmt::format("the notice could not be drawn: {}", pdf.error().message));
    }
    response.content_type = "application/pdf";
    response.body = std::move(pdf.value());
    return response;
  });
}

}  // namespace staffchain::daemon
