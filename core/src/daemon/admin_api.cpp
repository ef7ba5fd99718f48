#include "admin_api.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <future>
#include <nlohmann/json.hpp>

#include "body_fields.hpp"
#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/chain/finding_json.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin/build_info.hpp"
#include "staffchain/plugin_host/config_check.hpp"
#include "staffchain/plugin_host/guard.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

namespace staffchain::daemon {
namespace {

using api::Access;
using api::ApiRequest;
using api::ApiResponse;
using nlohmann::json;

// Times in answers: RFC 3339 in the configured zone, with its offset ("2026-12-06T09:30:05+08:00").
std::string isoTime(const model::TimeZone& zone, Clock::time_point at) {
  return zone.rfc3339(at);
}

std::string isoTime(const model::TimeZone& zone, std::optional<Clock::time_point> at) {
  return at ? zone.rfc3339(*at) : std::string();
}

// The file of a row's origin ("roster.csv:12" -> "roster.csv"); empty for origins that are not
// a file and a line (a REST page, a SQL row).
std::string fileOfOrigin(const std::string& origin) {
  const auto colon = origin.rfind(':');
  if (colon == std::string::npos || colon + 1 == origin.size() ||
      origin.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return "";
  }
  return origin.substr(0, colon);
}

bool queryMatches(const ApiRequest& request, std::string_view key, std::string_view value) {
  auto it = request.query.find(std::string(key));
  return it == request.query.end() || it->second.empty() || it->second == value;
}

// An alert with its acknowledgement history; with its evidence when one alert is asked for.
json alertJson(const model::TimeZone& zone, const alerts::Alert& alert, bool with_evidence = false) {
  json history = json::array();
  for (const auto& entry : alert.acknowledgements) {
    history.push_back(
        {{"by", entry.by}, {"caller", entry.caller}, {"at", isoTime(zone, entry.at)}, {"comment", entry.comment}});
  }
  json out = {{"id", alert.id},
              {"rule", alert.rule},
              {"severity", chain::toString(alert.severity)},
              {"state", alerts::toString(alert.state)},
              {"unit_id", alert.unit_id},
              {"person_id", alert.person_id},
              {"region", alert.region},
              {"since", model::formatDate(alert.since)},
              {"summary", alert.summary_zh},
              {"summary_en", alert.summary_en},
              {"sources", alert.sources},
              {"first_seen", isoTime(zone, alert.first_seen)},
              {"resolved_at", isoTime(zone, alert.resolved_at)},
              {"acknowledged_by", alert.acknowledged_by},
              {"acknowledge_comment", alert.acknowledge_comment},
              {"acknowledged_at", isoTime(zone, alert.acknowledged_at)},
              {"escalated_at", isoTime(zone, alert.escalated_at)},
              {"silenced_by", alert.silenced_by},
              {"held_back_by", alert.inhibited_by},
              {"acknowledgements", history}};
  if (with_evidence) out["evidence"] = chain::evidenceJson(alert.evidence);
  return out;
}

json silenceJson(const model::TimeZone& zone, const alerts::Silence& silence) {
  return {{"id", silence.id},
          {"match",
           {{"alert_ids", silence.match.alert_ids},
            {"rules", silence.match.rules},
            {"units", silence.match.units},
            {"regions", silence.match.regions},
            {"severities", silence.match.severities}}},
          {"reason", silence.reason},
          {"author", silence.author},
          {"created_by", silence.created_by},
          {"created_at", isoTime(zone, silence.created_at)},
          {"expires_at", isoTime(zone, silence.expires_at)},
          {"ended_at", isoTime(zone, silence.ended_at)},
          {"end_reason", silence.end_reason}};
}

// Full citizen ids go only to read-write tokens; a read-only token (a dashboard, another
// department's viewer) sees them masked, as the logs and messages do. Every string is masked,
// so ids inside evidence fields, record ids and free text are covered too.
void maskCitizenIdsIn(json& value) {
  if (value.is_string()) {
    value = model::maskCitizenIds(value.get_ref<const std::string&>());
  } else if (value.is_structured()) {
    for (auto& item : value) maskCitizenIdsIn(item);
  }
}

ApiResponse maskedUnlessReadWrite(const config::Config& config, const ApiRequest& request, json body) {
  const bool read_write = std::any_of(config.api.tokens.begin(), config.api.tokens.end(), [&](const auto& token) {
    return token.name == request.caller && token.read_write;
  });
  if (!read_write) maskCitizenIdsIn(body);
  return ApiResponse::json(200, body.dump());
}

}  // namespace

std::string queryValue(const api::ApiRequest& request, const char* key) {
  const auto it = request.query.find(key);
  return it == request.query.end() ? std::string() : it->second;
}

std::optional<ApiResponse> readWholeNumber(const ApiRequest& request, const char* key, std::size_t min, std::size_t max,
                                           std::size_t& into) {
  const std::string text = queryValue(request, key);
  if (text.empty()) return std::nullopt;
  if (text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos || std::stoul(text) < min ||
      std::stoul(text) > max) {
    return ApiResponse::error(400, fmt::format("{} \"{}\" must be a whole number from {} to {}", key, text, min, max));
  }
  into = std::stoul(text);
  return std::nullopt;
}

AdminApi::AdminApi(boost::asio::io_context& io, Parts parts) : io_(io), parts_(std::move(parts)) {}

AdminApi::~AdminApi() = default;

std::vector<api::ApiToken> AdminApi::resolveTokens(const config::Config& config, std::vector<std::string>& errors) {
  std::vector<api::ApiToken> tokens;
  for (const auto& token : config.api.tokens) {
    auto secret = plugin_host::resolveSecretReference(token.secret_ref);
    if (!secret) {
      errors.push_back(fmt::format("api token \"{}\": {}", token.name, secret.error().message));
      continue;
    }
    if (secret->size() < plugin_host::kMinApiTokenLength) {
      errors.push_back(
          fmt::format("api token \"{}\": shorter than 16 characters; use a long random token", token.name));
      continue;
    }
    tokens.push_back(
        api::ApiToken{token.name, std::move(secret.value()), token.read_write ? Access::write : Access::read});
  }
  return tokens;
}

void AdminApi::configure(const config::Config& config) {
  config_ = &config;
  if (!server_) return;
  std::vector<std::string> errors;
  auto tokens = resolveTokens(config, errors);
  for (const auto& error : errors) spdlog::error("reload: {}", error);
  if (errors.empty()) server_->setTokens(std::move(tokens));
  server_->setMaxConnections(config.api.max_connections);
  server_->configureConsole(config.api.console, consoleFiles(config.api.console));
}

std::filesystem::path AdminApi::consoleFiles(const api::ConsoleSettings& settings) {
  if (!settings.files.empty()) return settings.files;
  std::error_code ec;
  const auto beside = boost::dll::program_location(ec).parent_path().parent_path() / "share" / "staffchain" / "ui";
  if (!ec && std::filesystem::is_directory(beside, ec)) return beside;
  return STAFFCHAIN_DEFAULT_CONSOLE_DIR;
}

bool AdminApi::start() {
  if (!config_->api.enabled) return true;
  std::vector<std::string> errors;
  auto tokens = resolveTokens(*config_, errors);
  for (const auto& error : errors) spdlog::error("{}", error);
  if (!errors.empty()) return false;
  if (tokens.empty()) spdlog::warn("api: no token is configured; only /healthz and /readyz will answer");
  server_ = std::make_unique<api::ApiServer>(io_, std::move(tokens), spdlog::default_logger());
  server_->setMaxConnections(config_->api.max_connections);
  registerRoutes();
  registerLoopRoutes();
  registerCaseRoutes();
  registerConsoleRoutes();
  const auto files = consoleFiles(config_->api.console);
  server_->configureConsole(config_->api.console, files);
  if (auto listening = server_->listen(config_->api.listen); !listening) {
    spdlog::critical("{}", listening.error().message);
    return false;
  }
  spdlog::info("api listening on {} (port {})", config_->api.listen, server_->port());
  if (config_->api.console.enabled) {
    std::error_code ec;
    if (std::filesystem::is_regular_file(files / "index.html", ec)) {
      spdlog::info("console at /ui/ on the api's listener, its files from {}", files.string());
    } else {
      spdlog::warn("console: no index.html in {}; /ui/ answers 404 until the files are installed ([console] files)",
                   files.string());
    }
  }
  return true;
}

void AdminApi::stop() {
  if (server_) server_->stop();
}

void AdminApi::registerRoutes() {
  server_->route("GET", "/healthz", Access::none,
                 [](const ApiRequest&) { return ApiResponse::json(200, R"({"status":"ok"})"); });
  server_->route("GET", "/readyz", Access::none, [this](const ApiRequest&) {
    const json waiting = parts_.connectors.notSettled();
    json answer{{"ready", waiting.empty()}, {"waiting_for", waiting}, {"role", "active"}};
    if (parts_.leadership != nullptr) answer["term"] = parts_.leadership->term();
    return ApiResponse::json(waiting.empty() ? 200 : 503, answer.dump());
  });
  // Where the daemon keeps its state, and on PostgreSQL which daemon holds the lease.
  server_->route("GET", "/api/v1/store", Access::read, [this](const ApiRequest&) {
    if (parts_.leadership == nullptr)
      return ApiResponse::json(200, json{{"backend", "sqlite"}, {"role", "active"}}.dump());
    return ApiResponse::json(200, parts_.leadership->status(config_->daemon.timezone).dump());
  });
  server_->route("GET", "/metrics", Access::read, [this](const ApiRequest&) {
    return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", metricsText(), {}, {}};
  });
  server_->route("GET", "/api/v1/findings", Access::read, [this](const ApiRequest& request) {
    std::size_t limit = 0;  // 0: every match
    std::size_t offset = 0;
    if (auto refused = readWholeNumber(request, "limit", 1, 999'999'999, limit)) return std::move(*refused);
    if (auto refused = readWholeNumber(request, "offset", 0, 999'999'999, offset)) return std::move(*refused);
    // Each filter read once; a province's findings are compared without a copy of their ids.
    const std::string rule = queryValue(request, "rule");
    const std::string unit = queryValue(request, "unit");
    const std::string person = queryValue(request, "person");
    const std::string severity = queryValue(request, "severity");
    const std::string region = queryValue(request, "region");
    const std::string fingerprint = queryValue(request, "fingerprint");
    // The state of a finding's alert: firing, or acknowledged (none yet: not raised until the
    // next evaluation passes it to the dispatcher).
    const std::string state = queryValue(request, "state");
    if (!state.empty() && state != "firing" && state != "acknowledged") {
      return ApiResponse::error(400, "state must be firing or acknowledged (an open finding is never resolved)");
    }
    const auto& manager = parts_.dispatcher.manager();
    auto stateOf = [&](const chain::Finding& finding) -> std::string_view {
      const alerts::Alert* alert = manager.alertInPlace(finding.fingerprint);
      return alert == nullptr ? std::string_view() : alerts::toString(alert->state);
    };
    json out = json::array();
    std::size_t total = 0;
    forEachOpenFinding([&](const chain::Finding& finding) {
      if (!rule.empty() && finding.rule != rule) return;
      if (!fingerprint.empty() && finding.fingerprint != fingerprint) return;
      if (!severity.empty() && chain::toString(finding.severity) != severity) return;
      const std::string_view its_unit = finding.unit_id.view();
      if (!unit.empty() && its_unit != unit) return;
      if (!person.empty() && finding.person_id.view() != person) return;
      const std::string_view its_region = parts_.evaluator.regionView(its_unit);
      if (!region.empty() && its_region != region) return;
      if (!state.empty() && stateOf(finding) != state) return;
      // Only the page asked for is turned into JSON (a province's findings with their evidence are large).
      if (total >= offset && (limit == 0 || total < offset + limit)) {
        json item = chain::findingJson(withNotices(finding));
        item["region"] = std::string(its_region);
        item["state"] = std::string(stateOf(finding));
        out.push_back(std::move(item));
      }
      ++total;
    });
    // Findings are as of today in the configured zone: say which day and zone that is.
    return personalDataAnswer(request, json{{"findings", out},
                                            {"count", out.size()},
                                            {"total", total},
                                            {"offset", offset},
                                            {"as_of", model::formatDate(parts_.evaluator.today())},
                                            {"timezone", config_->daemon.timezone.name()}});
  });
  server_->route("GET", "/api/v1/quarantine", Access::read, [this](const ApiRequest& request) {
    // Stored in UTC; shown in the configured zone with its offset.
    auto storedTime = [&](const std::string& utc) { return config_->daemon.timezone.rfc3339FromUtc(utc); };
    std::size_t limit = 1000;
    if (auto it = request.query.find("limit"); it != request.query.end()) {
      const auto& text = it->second;
      if (text.empty() || text.size() > 7 || text.find_first_not_of("0123456789") != std::string::npos) {
        return ApiResponse::error(400, "limit must be a whole number from 1 to 1000000");
      }
      limit = std::clamp<std::size_t>(std::stoul(text), 1, 1'000'000);
    }
    auto stored = parts_.ledger.quarantine(limit);
    if (!stored) return ApiResponse::error(500, "cannot read the quarantine (see the log)");
    json out = json::array();
    for (const auto& entry : stored.value()) {
      if (!queryMatches(request, "connector", entry.connector)) continue;
      out.push_back({{"connector", entry.connector},
                     {"source", entry.entry.source},
                     {"file", fileOfOrigin(entry.entry.origin)},
                     {"record_type", plugin::recordTypeFile(entry.entry.type)},
                     {"row", entry.entry.origin},
                     {"field", entry.entry.field},
                     {"value", entry.entry.value},
                     {"reason", entry.entry.reason},
                     {"unit_id", entry.entry.unit_id},
                     {"person_id", entry.entry.person_id},
                     {"first_seen", storedTime(entry.first_seen)},
                     {"last_seen", storedTime(entry.last_seen)},
                     {"times_seen", entry.times_seen}});
    }
    return personalDataAnswer(request, json{{"quarantine", out}, {"count", out.size()}});
  });
  server_->route("GET", "/api/v1/notices", Access::read, [this](const ApiRequest& request) {
    propagation::NoticeFilter filter;
    auto query = [&](const char* key) { return queryValue(request, key); };
    filter.state = query("state");
    if (!filter.state.empty() && std::find(std::begin(propagation::kNoticeStates), std::end(propagation::kNoticeStates),
                                           filter.state) == std::end(propagation::kNoticeStates)) {
      return ApiResponse::error(400, "state must be pending, delivered, completed, overdue or dry_run");
    }
    filter.unit = query("unit");
    filter.system = query("system");
    filter.person = query("person");
    const json out = parts_.propagator.json(filter);
    return personalDataAnswer(request, json{{"notices", out}, {"count", out.size()}});
  });
  server_->route("GET", "/api/v1/alerts", Access::read, [this](const ApiRequest& request) {
    alerts::AlertFilter filter;
    auto query = [&](const char* key) { return queryValue(request, key); };
    if (const auto state = query("state"); !state.empty()) {
      filter.state = alerts::parseAlertState(state);
      if (!filter.state) return ApiResponse::error(400, "state must be firing, acknowledged or resolved");
    }
    filter.unit_id = query("unit");
    filter.region = query("region");
    filter.rule = query("rule");
    filter.include_resolved = query("resolved") != "false";
    if (const auto severity = query("severity"); !severity.empty()) {
      filter.severity = chain::parseSeverity(severity);
      if (!filter.severity) return ApiResponse::error(400, "severity must be critical, major or minor");
    }
    std::size_t limit = 0;  // 0: every match
    std::size_t offset = 0;
    if (auto refused = readWholeNumber(request, "limit", 1, 999'999'999, limit)) return std::move(*refused);
    if (auto refused = readWholeNumber(request, "offset", 0, 999'999'999, offset)) return std::move(*refused);
    const auto matched = parts_.dispatcher.manager().alertsInPlace(filter);
    json out = json::array();
    for (std::size_t i = offset; i < matched.size() && (limit == 0 || out.size() < limit); ++i) {
      out.push_back(alertJson(config_->daemon.timezone, *matched[i]));
    }
    return personalDataAnswer(
        request, json{{"alerts", out}, {"count", out.size()}, {"total", matched.size()}, {"offset", offset}});
  });
  server_->route("GET", "/api/v1/alerts/{id}", Access::read, [this](const ApiRequest& request) {
    const auto alert = parts_.dispatcher.manager().alert(request.params.at("id"));
    if (!alert) return ApiResponse::error(404, fmt::format("there is no alert {}", request.params.at("id")));
    return personalDataAnswer(request, alertJson(config_->daemon.timezone, *alert, true));
  });
  server_->route("POST", "/api/v1/alerts/{id}/ack", Access::write, [this](const ApiRequest& request) {
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object()) return ApiResponse::error(400, "the body must be a JSON object");
    BodyFields fields(body);
    const std::string comment = fields.text("comment");
    const std::string who = fields.text("by", request.caller);
    if (auto refused = fields.refusal()) return *refused;
    // The person (by) and the token it came through (the caller) are both kept.
    const alerts::Acknowledgement acknowledgement{who.empty() ? request.caller : who, request.caller, {}, comment};
    auto done =
        parts_.dispatcher.manager().acknowledge(request.params.at("id"), acknowledgement, parts_.scheduler.wallNow());
    if (!done)
      return ApiResponse::error(parts_.dispatcher.manager().alert(request.params.at("id")) ? 409 : 404,
                                done.error().message);
    parts_.dispatcher.flush();
    return ApiResponse::json(200, alertJson(config_->daemon.timezone, done.value()).dump());
  });
  server_->route("GET", "/api/v1/silences", Access::read, [this](const ApiRequest& request) {
    auto it = request.query.find("ended");
    json out = json::array();
    for (const auto& silence :
         parts_.dispatcher.manager().silences(it != request.query.end() && it->second == "true")) {
      out.push_back(silenceJson(config_->daemon.timezone, silence));
    }
    return personalDataAnswer(request, json{{"silences", out}});
  });
  server_->route("POST", "/api/v1/silences", Access::write, [this](const ApiRequest& request) {
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object() || !body.contains("match") || !body["match"].is_object()) {
      return ApiResponse::error(400, "expected {\"match\": {...}, \"reason\": \"...\", \"duration\": \"2h\"}");
    }
    // A misspelt key would otherwise drop a criterion and widen the silence.
    for (const auto& [key, value] : body["match"].items()) {
      if (key != "alert_ids" && key != "rules" && key != "units" && key != "regions" && key != "severities") {
        return ApiResponse::error(400, fmt::format("match.{} is not a match key; use alert_ids, rules, units, "
                                                   "regions or severities",
                                                   key));
      }
    }
    if (body.contains("dry_run") && !body["dry_run"].is_boolean()) {
      return ApiResponse::error(400, "dry_run must be true or false");
    }
    BodyFields fields(body);
    alerts::SilenceRequest silence_request;
    silence_request.match.alert_ids = fields.texts("match.alert_ids");
    silence_request.match.rules = fields.texts("match.rules");
    silence_request.match.units = fields.texts("match.units");
    silence_request.match.regions = fields.texts("match.regions");
    silence_request.match.severities = fields.texts("match.severities");
    const std::string duration_text = fields.text("duration");
    silence_request.reason = fields.text("reason");
    // The person is required (the alert manager refuses a silence without); the token is kept too.
    silence_request.author = fields.text("author");
    silence_request.created_by = request.caller;
    if (auto refused = fields.refusal()) return *refused;
    const auto duration = plugin::parseDuration(duration_text);
    if (!duration) {
      return ApiResponse::error(400, duration_text.empty()
                                         ? "duration must be given, e.g. \"2h\" or \"3d\""
                                         : fmt::format("duration \"{}\" is not a duration (use ms, s, m, h, d, "
                                                       "e.g. \"2h\" or \"3d\")",
                                                       duration_text));
    }
    silence_request.duration = *duration;
    const auto now = parts_.scheduler.wallNow();
    if (body.value("dry_run", false)) {
      auto preview = parts_.dispatcher.manager().previewSilence(silence_request, now);
      if (!preview) return ApiResponse::error(400, preview.error().message);
      return personalDataAnswer(request, json{{"dry_run", true},
                                              {"open_alerts", preview->open_alerts},
                                              {"alert_ids", preview->alert_ids},
                                              {"expires_at", isoTime(config_->daemon.timezone, preview->expires_at)}});
    }
    auto silence = parts_.dispatcher.manager().createSilence(silence_request, now);
    if (!silence) return ApiResponse::error(400, silence.error().message);
    return ApiResponse::json(201, silenceJson(config_->daemon.timezone, silence.value()).dump());
  });
  server_->route("POST", "/api/v1/silences/{id}/expire", Access::write, [this](const ApiRequest& request) {
    if (auto done = parts_.dispatcher.manager().expireSilence(request.params.at("id"), request.caller,
                                                              parts_.scheduler.wallNow());
        !done) {
      return ApiResponse::error(404, done.error().message);
    }
    parts_.dispatcher.flush();
    return ApiResponse::json(200, json{{"expired", request.params.at("id")}}.dump());
  });
  server_->route("GET", "/api/v1/connectors", Access::read, [this](const ApiRequest& request) {
    return personalDataAnswer(request, parts_.connectors.json(config_->daemon.timezone));
  });
  server_->route("POST", "/api/v1/connectors/{name}/{action}", Access::write, [this](const ApiRequest& request) {
    return connectorAction(request.params.at("name"), request.params.at("action"), request.body, request.caller);
  });
  server_->route("POST", "/api/v1/reload", Access::write, [this](const ApiRequest& request) {
    spdlog::info("reload requested through the api by {}", request.caller);
    std::vector<std::string> errors;
    if (parts_.reload(&errors)) return ApiResponse::json(200, R"({"reloaded":true})");
    // The same lines check-config prints, so the operator can fix the file without the log.
    json body{{"error",
               {{"status", 422},
                {"message", fmt::format("the new configuration has {} error(s); the running one stays", errors.size())},
                {"errors", errors}}}};
    return ApiResponse::json(422, body.dump());
  });
}

api::ApiResponse AdminApi::personalDataAnswer(const api::ApiRequest& request, nlohmann::json body) const {
  return maskedUnlessReadWrite(*config_, request, std::move(body));
}

bool AdminApi::readWrite(const api::ApiRequest& request) const {
  return std::any_of(config_->api.tokens.begin(), config_->api.tokens.end(),
                     [&](const auto& token) { return token.name == request.caller && token.read_write; });
}

api::ApiResponse AdminApi::pluginAction(const std::string& name, const std::string& action, const std::string& body,
                                        const std::string& caller) {
  const json request = json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!request.is_object() || !request.contains("file") || !request["file"].is_string()) {
    return ApiResponse::error(400, fmt::format("{} needs a JSON body {{\"file\": \"NAME\"}}", action));
  }
  const std::string file = request["file"].get<std::string>();
  if (!parts_.connectors.pluginRunning(name)) return ApiResponse::error(409, "the connector's plugin is not running");
  auto answer = parts_.connectors.pluginAction(name, action, file);
  if (!answer) return ApiResponse::error(503, answer.error().message);
  // The plugin's worker may be inside a pull: wait for it a little, never for long on the loop.
  if (answer->wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return ApiResponse::json(202, json{{"connector", name},
                                       {"action", action},
                                       {"file", file},
                                       {"done", false},
                                       {"message", "the connector is busy with a pull; the action runs after it"}}
                                      .dump());
  }
  auto done = answer->get();
  if (!done) return ApiResponse::error(422, done.error().message);
  spdlog::info("connector {}: {} {} by {}: {}", name, action, file, caller, done.value());
  parts_.connectors.syncNow(name);
  return ApiResponse::json(
      200,
      json{{"connector", name}, {"action", action}, {"file", file}, {"done", true}, {"message", done.value()}}.dump());
}

api::ApiResponse AdminApi::connectorAction(const std::string& name, const std::string& action, const std::string& body,
                                           const std::string& caller) {
  if (!parts_.connectors.has(name)) {
    return ApiResponse::error(404, fmt::format("no running connector named \"{}\"", name));
  }
  spdlog::info("connector {}: {} requested through the api by {}", name, action, caller);
  if (action == "pause") {
    parts_.connectors.pause(name);
  } else if (action == "resume") {
    parts_.connectors.resume(name);
  } else if (action == "resync" || action == "reset-cursor") {
    if (auto reset = parts_.connectors.restartFromBeginning(name, action == "resync"); !reset) {
      return ApiResponse::error(500, reset.error().message);
    }
    if (action == "resync") {
      const auto& health = parts_.connectors.health().connectors();
      const auto known = health.find(name);
      return ApiResponse::json(202, json{{"connector", name},
                                         {"action", action},
                                         {"started", true},
                                         {"attempts", known == health.end() ? 0 : known->second.attempts}}
                                        .dump());
    }
  } else if (action == "accept" || action == "reingest") {
    return pluginAction(name, action, body, caller);
  } else {
    return ApiResponse::error(
        404,
        fmt::format("unknown connector action \"{}\" (pause, resume, resync, reset-cursor, accept, reingest)", action));
  }
  return ApiResponse::json(200, json{{"connector", name}, {"action", action}, {"done", true}}.dump());
}

std::string AdminApi::metricsText() const {
  api::PrometheusWriter out;
  parts_.connectors.metrics(out);
  std::map<std::pair<std::string, std::string>, std::size_t> findings;
  for (const auto& finding : parts_.evaluator.engine().findings()) {
    findings[{finding.rule, std::string(chain::toString(finding.severity))}]++;
  }
  for (const auto& finding : parts_.connectors.linkFindings(parts_.scheduler.wallNow())) {
    findings[{finding.rule, std::string(chain::toString(finding.severity))}]++;
  }
  for (const auto& [key, count] : findings) {
    out.gauge("staffchain_findings_open", "Open findings by rule and severity.",
              {{"rule", key.first}, {"severity", key.second}}, static_cast<double>(count));
  }
  parts_.dispatcher.metrics(out);
  parts_.propagator.metrics(out);
  parts_.cases.metrics(out);
  if (parts_.leadership != nullptr) parts_.leadership->metrics(out);
  loopMetrics(out);
  return out.text();
}

}  // namespace staffchain::daemon
