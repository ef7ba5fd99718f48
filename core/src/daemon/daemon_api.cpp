// The daemon's HTTP API: health, readiness, metrics, findings, connectors and reload.
#include <algorithm>
#include <future>

#include <nlohmann/json.hpp>

#include "staffchain/api/prometheus_writer.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin_host/guard.hpp"
#include "staffchain/plugin_host/plugin_instance.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "daemon_runtime.hpp"
#include "staffchain/daemon/held_snapshot_finding.hpp"

namespace staffchain::daemon {
namespace {

using api::Access;
using api::ApiRequest;
using api::ApiResponse;
using nlohmann::json;

double secondsSinceEpoch(Clock::time_point at) {
  return std::chrono::duration<double>(at.time_since_epoch()).count();
}

std::string isoTime(Clock::time_point at) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at);
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", fmt::gmtime(Clock::to_time_t(seconds)));
}

std::string isoTime(std::optional<Clock::time_point> at) {
  return at ? isoTime(*at) : std::string();
}

json findingJson(const chain::Finding& finding) {
  json evidence = json::array();
  for (const auto& item : finding.evidence) {
    json fields = json::object();
    for (const auto& [key, value] : item.fields) fields[key] = value;
    evidence.push_back({{"source", item.source}, {"record_type", item.record_type}, {"record_id", item.record_id},
                        {"fields", fields}});
  }
  return {{"fingerprint", finding.fingerprint},
          {"rule", finding.rule},
          {"severity", chain::toString(finding.severity)},
          {"unit_id", finding.unit_id.empty() ? "" : finding.unit_id.str()},
          {"person_id", finding.person_id.empty() ? "" : finding.person_id.str()},
          {"since", model::formatDate(finding.since)},
          {"summary", finding.summary_zh},
          {"summary_en", finding.summary_en},
          {"evidence", evidence}};
}

bool queryMatches(const ApiRequest& request, std::string_view key, std::string_view value) {
  auto it = request.query.find(std::string(key));
  return it == request.query.end() || it->second.empty() || it->second == value;
}

json alertJson(const alerts::Alert& alert) {
  return {{"id", alert.id},
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
          {"first_seen", isoTime(alert.first_seen)},
          {"resolved_at", isoTime(alert.resolved_at)},
          {"acknowledged_by", alert.acknowledged_by},
          {"acknowledge_comment", alert.acknowledge_comment},
          {"acknowledged_at", isoTime(alert.acknowledged_at)},
          {"escalated_at", isoTime(alert.escalated_at)},
          {"silenced_by", alert.silenced_by},
          {"held_back_by", alert.inhibited_by}};
}

json silenceJson(const alerts::Silence& silence) {
  return {{"id", silence.id},
          {"match",
           {{"alert_ids", silence.match.alert_ids},
            {"rules", silence.match.rules},
            {"units", silence.match.units},
            {"regions", silence.match.regions},
            {"severities", silence.match.severities}}},
          {"reason", silence.reason},
          {"author", silence.author},
          {"created_at", isoTime(silence.created_at)},
          {"expires_at", isoTime(silence.expires_at)},
          {"ended_at", isoTime(silence.ended_at)},
          {"end_reason", silence.end_reason}};
}

// A run of batches under way: what it has read, how fast, and what is left when the source says.
json progressJson(const SyncProgress& progress, Clock::time_point started_at) {
  const ProgressFigures figures = progress.figures();
  const auto fraction = progress.fractionDone();
  return {{"kind", progress.kind()},
          {"started_at", isoTime(started_at)},
          {"elapsed_seconds", progress.elapsedSeconds()},
          {"batches", progress.batches()},
          {"records_read", figures.records_read},
          {"records_per_second", figures.records_per_second},
          {"remaining", figures.remaining ? json(*figures.remaining) : json(nullptr)},
          {"fraction_done", fraction ? json(*fraction) : json(nullptr)},
          {"eta_seconds", figures.eta ? json(figures.eta->count()) : json(nullptr)}};
}

std::vector<std::string> stringList(const json& body, const char* key) {
  std::vector<std::string> out;
  if (!body.contains(key)) return out;
  for (const auto& item : body[key]) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
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

ApiResponse personalDataAnswer(const config::Config& config, const ApiRequest& request, json body) {
  const bool read_write = std::any_of(config.api.tokens.begin(), config.api.tokens.end(), [&](const auto& token) {
    return token.name == request.caller && token.read_write;
  });
  if (!read_write) maskCitizenIdsIn(body);
  return ApiResponse::json(200, body.dump());
}

}  // namespace

std::vector<api::ApiToken> Daemon::resolveApiTokens(std::vector<std::string>& errors) const {
  std::vector<api::ApiToken> tokens;
  for (const auto& token : config_->api.tokens) {
    auto secret = plugin_host::resolveSecretReference(token.secret_ref);
    if (!secret) {
      errors.push_back(fmt::format("api token \"{}\": {}", token.name, secret.error().message));
      continue;
    }
    if (secret->size() < 16) {
      errors.push_back(fmt::format("api token \"{}\": shorter than 16 characters; use a long random token", token.name));
      continue;
    }
    tokens.push_back(api::ApiToken{token.name, std::move(secret.value()), token.read_write ? Access::write : Access::read});
  }
  return tokens;
}

bool Daemon::startApi() {
  if (!config_->api.enabled || options_.once) return true;
  std::vector<std::string> errors;
  auto tokens = resolveApiTokens(errors);
  for (const auto& error : errors) spdlog::error("{}", error);
  if (!errors.empty()) return false;
  if (tokens.empty()) spdlog::warn("api: no token is configured; only /healthz and /readyz will answer");
  api_ = std::make_unique<api::ApiServer>(io_, std::move(tokens), spdlog::default_logger());
  registerRoutes();
  if (auto listening = api_->listen(config_->api.listen); !listening) {
    spdlog::critical("{}", listening.error().message);
    return false;
  }
  spdlog::info("api listening on {} (port {})", config_->api.listen, api_->port());
  return true;
}

void Daemon::registerRoutes() {
  api_->route("GET", "/healthz", Access::none, [](const ApiRequest&) {
    return ApiResponse::json(200, R"({"status":"ok"})");
  });
  api_->route("GET", "/readyz", Access::none, [this](const ApiRequest&) {
    const json waiting = connectorsNotSettled();
    return ApiResponse::json(waiting.empty() ? 200 : 503, json{{"ready", waiting.empty()}, {"waiting_for", waiting}}.dump());
  });
  api_->route("GET", "/metrics", Access::read, [this](const ApiRequest&) {
    return ApiResponse{200, "text/plain; version=0.0.4; charset=utf-8", metricsText()};
  });
  api_->route("GET", "/api/v1/findings", Access::read, [this](const ApiRequest& request) {
    json out = json::array();
    auto emit = [&](const chain::Finding& finding) {
      const std::string unit = finding.unit_id.empty() ? "" : finding.unit_id.str();
      const std::string person = finding.person_id.empty() ? "" : finding.person_id.str();
      if (queryMatches(request, "rule", finding.rule) && queryMatches(request, "unit", unit) &&
          queryMatches(request, "person", person) &&
          queryMatches(request, "severity", chain::toString(finding.severity))) {
        out.push_back(findingJson(finding));
      }
    };
    for (const auto& finding : withNoticeEvidence(engine_->findings())) emit(finding);
    for (const auto& finding : health_.findings(Clock::now())) emit(finding);
    for (const auto& finding : sink_health_.findings(config_->propagation.failures_before_alert)) emit(finding);
    if (auto held = ledger_->heldSnapshots(true); held) {
      for (const auto& snapshot : held.value()) emit(heldSnapshotFinding(snapshot));
    }
    return personalDataAnswer(*config_, request, json{{"findings", out}, {"count", out.size()}});
  });
  api_->route("GET", "/api/v1/notices", Access::read, [this](const ApiRequest& request) {
    propagation::NoticeFilter filter;
    auto query = [&](const char* key) {
      auto it = request.query.find(key);
      return it == request.query.end() ? std::string() : it->second;
    };
    filter.state = query("state");
    if (!filter.state.empty() &&
        std::find(std::begin(propagation::kNoticeStates), std::end(propagation::kNoticeStates), filter.state) ==
            std::end(propagation::kNoticeStates)) {
      return ApiResponse::error(400, "state must be pending, delivered, completed, overdue or dry_run");
    }
    filter.unit = query("unit");
    filter.system = query("system");
    filter.person = query("person");
    const json out = noticesJson(filter);
    return personalDataAnswer(*config_, request, json{{"notices", out}, {"count", out.size()}});
  });
  api_->route("GET", "/api/v1/alerts", Access::read, [this](const ApiRequest& request) {
    alerts::AlertFilter filter;
    auto query = [&](const char* key) {
      auto it = request.query.find(key);
      return it == request.query.end() ? std::string() : it->second;
    };
    if (const auto state = query("state"); !state.empty()) {
      filter.state = alerts::parseAlertState(state);
      if (!filter.state) return ApiResponse::error(400, "state must be firing, acknowledged or resolved");
    }
    filter.unit_id = query("unit");
    filter.region = query("region");
    filter.rule = query("rule");
    filter.include_resolved = query("resolved") != "false";
    json out = json::array();
    for (const auto& alert : alerts_->alerts(filter)) out.push_back(alertJson(alert));
    return personalDataAnswer(*config_, request, json{{"alerts", out}, {"count", out.size()}});
  });
  api_->route("POST", "/api/v1/alerts/{id}/ack", Access::write, [this](const ApiRequest& request) {
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object()) return ApiResponse::error(400, "the body must be a JSON object");
    const std::string comment = body.value("comment", std::string());
    const std::string who = body.value("by", request.caller);
    if (auto done = alerts_->acknowledge(request.params.at("id"), who, comment, Clock::now()); !done) {
      return ApiResponse::error(404, done.error().message);
    }
    flushAlerts();
    auto alert = alerts_->alert(request.params.at("id"));
    return ApiResponse::json(200, alert ? alertJson(*alert).dump() : "{}");
  });
  api_->route("GET", "/api/v1/silences", Access::read, [this](const ApiRequest& request) {
    auto it = request.query.find("ended");
    json out = json::array();
    for (const auto& silence : alerts_->silences(it != request.query.end() && it->second == "true")) {
      out.push_back(silenceJson(silence));
    }
    return personalDataAnswer(*config_, request, json{{"silences", out}});
  });
  api_->route("POST", "/api/v1/silences", Access::write, [this](const ApiRequest& request) {
    const json body = json::parse(request.body.empty() ? "{}" : request.body, nullptr, false);
    if (!body.is_object() || !body.contains("match") || !body["match"].is_object()) {
      return ApiResponse::error(400, "expected {\"match\": {...}, \"reason\": \"...\", \"duration\": \"2h\"}");
    }
    alerts::SilenceMatch match;
    match.alert_ids = stringList(body["match"], "alert_ids");
    match.rules = stringList(body["match"], "rules");
    match.units = stringList(body["match"], "units");
    match.regions = stringList(body["match"], "regions");
    match.severities = stringList(body["match"], "severities");
    const auto duration = plugin::parseDuration(body.value("duration", std::string()));
    if (!duration) return ApiResponse::error(400, "duration must be given, e.g. \"2h\" or \"3d\"");
    const auto now = Clock::now();
    auto silence = alerts_->createSilence(match, body.value("reason", std::string()),
                                          body.value("author", request.caller).empty() ? request.caller
                                                                                       : body.value("author", request.caller),
                                          now + *duration, now);
    if (!silence) return ApiResponse::error(400, silence.error().message);
    return ApiResponse::json(201, silenceJson(silence.value()).dump());
  });
  api_->route("POST", "/api/v1/silences/{id}/expire", Access::write, [this](const ApiRequest& request) {
    if (auto done = alerts_->expireSilence(request.params.at("id"), request.caller, Clock::now()); !done) {
      return ApiResponse::error(404, done.error().message);
    }
    flushAlerts();
    return ApiResponse::json(200, json{{"expired", request.params.at("id")}}.dump());
  });
  api_->route("GET", "/api/v1/connectors", Access::read, [this](const ApiRequest& request) {
    return personalDataAnswer(*config_, request, connectorsJson());
  });
  api_->route("POST", "/api/v1/connectors/{name}/{action}", Access::write, [this](const ApiRequest& request) {
    return connectorAction(request.params.at("name"), request.params.at("action"), request.body, request.caller);
  });
  api_->route("POST", "/api/v1/reload", Access::write, [this](const ApiRequest& request) {
    spdlog::info("reload requested through the api by {}", request.caller);
    const bool applied = reload();
    return applied ? ApiResponse::json(200, R"({"reloaded":true})")
                   : ApiResponse::error(422, "the new configuration is invalid; the running one stays (see the log)");
  });
}

nlohmann::json Daemon::connectorsJson() const {
  json out = json::array();
  for (const auto& [name, health] : health_.connectors()) {
    auto runtime = connectors_.find(name);
    const bool paused = paused_.count(name) > 0;
    const std::string state = paused                          ? "paused"
                              : health.failing_since          ? "failing"
                              : runtime != connectors_.end() && runtime->second->in_flight ? "syncing"
                                                                                            : "idle";
    out.push_back({{"name", name},
                   {"role", model::toString(health.role)},
                   {"plugin", runtime != connectors_.end() ? runtime->second->settings.plugin : ""},
                   {"state", state},
                   {"synced_once", runtime != connectors_.end() && runtime->second->synced_once},
                   {"last_attempt", isoTime(health.last_attempt)},
                   {"last_success", isoTime(health.last_success)},
                   {"last_error", health.last_error},
                   {"consecutive_failures", health.consecutive_failures},
                   {"attempts", health.attempts},
                   {"failures", health.failures},
                   {"records_last_sync", health.records_last_sync},
                   {"records_total", health.records_total},
                   {"quarantined_total", health.quarantined_total},
                   {"last_sync_seconds", health.last_sync_seconds},
                   {"progress", runtime != connectors_.end() && runtime->second->progress
                                    ? progressJson(*runtime->second->progress, runtime->second->progress_started_at)
                                    : json(nullptr)}});
  }
  return json{{"connectors", out}};
}

api::ApiResponse Daemon::pluginAction(ConnectorRuntime& runtime, const std::string& action, const std::string& body,
                                      const std::string& caller) {
  const json request = json::parse(body.empty() ? "{}" : body, nullptr, false);
  if (!request.is_object() || !request.contains("file") || !request["file"].is_string()) {
    return ApiResponse::error(400, fmt::format("{} needs a JSON body {{\"file\": \"NAME\"}}", action));
  }
  const std::string file = request["file"].get<std::string>();
  if (!runtime.instance) return ApiResponse::error(409, "the connector's plugin is not running");
  auto promise = std::make_shared<std::promise<Result<std::string>>>();
  auto answer = promise->get_future();
  const std::string name = runtime.settings.name;
  const bool queued = runtime.instance->worker().submit([instance = runtime.instance.get(), promise, action, file, name] {
    promise->set_value(plugin_host::guardCall(fmt::format("connector {} {}", name, action),
                                              [&] { return instance->object().act(action, file); }));
  });
  if (!queued) return ApiResponse::error(503, "the connector is stopping");
  // The plugin's worker may be inside a pull: wait for it a little, never for long on the loop.
  if (answer.wait_for(std::chrono::seconds(10)) != std::future_status::ready) {
    return ApiResponse::json(202, json{{"connector", name}, {"action", action}, {"file", file}, {"done", false},
                                       {"message", "the connector is busy with a pull; the action runs after it"}}
                                      .dump());
  }
  auto done = answer.get();
  if (!done) return ApiResponse::error(422, done.error().message);
  spdlog::info("connector {}: {} {} by {}: {}", name, action, file, caller, done.value());
  scheduleSync(name, milliseconds(0));
  return ApiResponse::json(
      200, json{{"connector", name}, {"action", action}, {"file", file}, {"done", true}, {"message", done.value()}}.dump());
}

api::ApiResponse Daemon::connectorAction(const std::string& name, const std::string& action, const std::string& body,
                                         const std::string& caller) {
  auto it = connectors_.find(name);
  if (it == connectors_.end()) return ApiResponse::error(404, fmt::format("no running connector named \"{}\"", name));
  spdlog::info("connector {}: {} requested through the api by {}", name, action, caller);
  if (action == "pause") {
    paused_.insert(name);
    it->second->timer->cancel();
  } else if (action == "resume") {
    paused_.erase(name);
    scheduleSync(name, milliseconds(0));
  } else if (action == "resync" || action == "reset-cursor") {
    // Forget the position: the next pull starts from the beginning (records stay; the
    // ledger's idempotence makes the re-read change only what really changed).
    if (auto reset = ledger_->resetCursor(name); !reset) {
      return ApiResponse::error(500, fmt::format("cannot reset the cursor of {}: {}", name, reset.error().message));
    }
    it->second->progress.reset();  // the run starts over, and so does its count
    if (action == "resync") {
      paused_.erase(name);
      scheduleSync(name, milliseconds(0));
    }
  } else if (action == "accept" || action == "reingest") {
    return pluginAction(*it->second, action, body, caller);
  } else {
    return ApiResponse::error(
        404, fmt::format("unknown connector action \"{}\" (pause, resume, resync, reset-cursor, accept, reingest)", action));
  }
  return ApiResponse::json(200, json{{"connector", name}, {"action", action}, {"done", true}}.dump());
}

std::string Daemon::metricsText() const {
  api::PrometheusWriter out;
  for (const auto& [name, health] : health_.connectors()) {
    const api::Labels labels{{"connector", name}, {"role", std::string(model::toString(health.role))}};
    out.counter("staffchain_connector_records_ingested_total", "Records received from a source and committed.",
                labels, static_cast<double>(health.records_total));
    out.counter("staffchain_connector_records_quarantined_total", "Records refused by validation (DATA-001).",
                labels, static_cast<double>(health.quarantined_total));
    out.counter("staffchain_connector_syncs_total", "Sync attempts.", labels, static_cast<double>(health.attempts));
    out.counter("staffchain_connector_sync_failures_total", "Sync attempts that failed.", labels,
                static_cast<double>(health.failures));
    out.gauge("staffchain_connector_last_sync_duration_seconds", "How long the last successful sync took.", labels,
              health.last_sync_seconds);
    out.gauge("staffchain_connector_last_success_timestamp_seconds", "When the last sync succeeded (0: never).",
              labels, health.last_success ? secondsSinceEpoch(*health.last_success) : 0);
    out.gauge("staffchain_connector_up", "1 when the connector's last sync succeeded.", labels,
              health.failing_since ? 0 : 1);
    const auto runtime = connectors_.find(name);
    const SyncProgress* progress =
        runtime != connectors_.end() && runtime->second->progress ? &*runtime->second->progress : nullptr;
    out.gauge("staffchain_connector_sync_in_progress", "1 while the connector pulls a run of batches (a resync).",
              labels, progress != nullptr ? 1 : 0);
    if (progress != nullptr) {
      out.gauge("staffchain_connector_sync_records_read", "Records read so far in the run under way.", labels,
                static_cast<double>(progress->recordsRead()));
      out.gauge("staffchain_connector_sync_records_per_second", "Records read per second in the run under way.", labels,
                progress->recordsPerSecond());
      if (const auto remaining = progress->remaining()) {
        out.gauge("staffchain_connector_sync_remaining_records",
                  "Records the source still holds for the run under way, as it last said.", labels,
                  static_cast<double>(*remaining));
      }
    }
  }
  std::map<std::pair<std::string, std::string>, std::size_t> findings;
  for (const auto& finding : engine_->findings()) {
    findings[{finding.rule, std::string(chain::toString(finding.severity))}]++;
  }
  for (const auto& finding : health_.findings(Clock::now())) {
    findings[{finding.rule, std::string(chain::toString(finding.severity))}]++;
  }
  for (const auto& [key, count] : findings) {
    out.gauge("staffchain_findings_open", "Open findings by rule and severity.",
              {{"rule", key.first}, {"severity", key.second}}, static_cast<double>(count));
  }
  out.gauge("staffchain_notifiers", "Notifier instances running.", {}, static_cast<double>(notifiers_.size()));
  if (alerts_) {
    if (auto counts = alerts_->counts()) {
      for (const char* state : {"firing", "acknowledged", "resolved"}) {
        auto it = counts->by_state.find(state);
        out.gauge("staffchain_alerts", "Alerts by state.", {{"state", state}},
                  static_cast<double>(it == counts->by_state.end() ? 0 : it->second));
      }
      out.gauge("staffchain_alerts_silenced", "Open alerts held by a silence.", {}, static_cast<double>(counts->silenced));
      out.gauge("staffchain_alerts_held_back", "Open alerts held back because a source they rest on is down.", {},
                static_cast<double>(counts->inhibited));
      for (const auto& [receiver, health] : counts->receivers) {
        const auto pending = counts->outbox_pending.find(receiver);
        out.gauge("staffchain_outbox_pending", "Messages written and not yet delivered, per receiver.",
                  {{"receiver", receiver}},
                  static_cast<double>(pending == counts->outbox_pending.end() ? 0 : pending->second));
        out.counter("staffchain_notifications_delivered_total", "Messages delivered.", {{"receiver", receiver}},
                    static_cast<double>(health.delivered_total));
        out.counter("staffchain_notification_failures_total", "Delivery attempts that failed.",
                    {{"receiver", receiver}}, static_cast<double>(health.failures_total));
      }
    }
  }
  noticeMetrics(out);
  return out.text();
}

}  // namespace staffchain::daemon
