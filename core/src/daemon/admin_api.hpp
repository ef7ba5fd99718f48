// The admin API, one of the daemon's parts: the HTTP server with its tokens (resolved from their
// secret references, replaced on reload) and its routes — health, readiness, metrics, findings,
// quarantine, notices, alerts, acknowledgements, silences, connectors and reload — each answered
// from the part that holds the facts. It owns the server; the daemon only wires it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alert_dispatcher.hpp"
#include "case_desk.hpp"
#include "connector_scheduler.hpp"
#include "evaluator.hpp"
#include "leadership.hpp"
#include "notice_propagator.hpp"
#include "quarterly_reports.hpp"
#include "staffchain/api/api_server.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/daemon/scheduler.hpp"
#include "staffchain/ledger/ledger.hpp"

namespace boost::asio {
class io_context;
}

namespace staffchain::daemon {

// A query parameter's value; empty when it is absent.
std::string queryValue(const api::ApiRequest& request, const char* key);
// A whole-number query parameter from `min` to `max` (a page's offset or size) into `into`;
// absent or empty leaves `into` as it is. A 400 answer naming the parameter when it is not one.
std::optional<api::ApiResponse> readWholeNumber(const api::ApiRequest& request, const char* key, std::size_t min,
                                                std::size_t max, std::size_t& into);

class AdminApi {
 public:
  // What the routes answer from. Each must outlive the API.
  struct Parts {
    Scheduler& scheduler;
    ledger::Ledger& ledger;
    ConnectorScheduler& connectors;
    Evaluator& evaluator;
    NoticePropagator& propagator;
    AlertDispatcher& dispatcher;
    CaseDesk& cases;
    QuarterlyReports& reports;
    // Reloads the configuration file; false when it was refused, its errors in the vector.
    std::function<bool(std::vector<std::string>* refused_for)> reload;
    // Active/standby on a PostgreSQL store; null on the SQLite file (one daemon, always active).
    const Leadership* leadership;
  };

  AdminApi(boost::asio::io_context& io, Parts parts);
  ~AdminApi();
  AdminApi(const AdminApi&) = delete;
  AdminApi& operator=(const AdminApi&) = delete;
  AdminApi(AdminApi&&) = delete;
  AdminApi& operator=(AdminApi&&) = delete;

  // The configuration in force; it must outlive its use here (the daemon keeps old ones). After
  // start(), a reload's tokens replace the running ones unless one cannot be resolved (each such
  // error logged; the running tokens stay).
  void configure(const config::Config& config);
  // Resolves the tokens, registers the routes and listens on [api] listen. False, logged, when a
  // token cannot be resolved or the address cannot be bound. Does nothing when the API is off.
  bool start();
  void stop();
  [[nodiscard]] bool running() const noexcept { return server_ != nullptr; }
  // The server, for tests that dispatch requests without a socket (start() first).
  [[nodiscard]] api::ApiServer& server() { return *server_; }

  // The tokens of `config`, resolved; every one that cannot be is an error and left out.
  static std::vector<api::ApiToken> resolveTokens(const config::Config& config, std::vector<std::string>& errors);
  // The console's files: [console] files, else share/staffchain/ui beside the binary's folder, else the installed ones.
  static std::filesystem::path consoleFiles(const api::ConsoleSettings& settings);

 private:
  void registerRoutes();
  // The pre-check, the vacancy pool, the reduction tasks, the tenure and quarterly reports (loop_routes.cpp).
  void registerLoopRoutes();
  // Rectification cases and their notices (case_routes.cpp).
  void registerCaseRoutes();
  // What the console's pages read that no other route gives: the overview (console_routes.cpp).
  void registerConsoleRoutes();
  // GET /api/v1/reports/tenure, from the alert spans of the ledger (loop_routes.cpp).
  [[nodiscard]] api::ApiResponse tenureReport(const api::ApiRequest& request) const;
  // Every open finding the API lists: the chain's, the links', the sinks', the overdue cases' and
  // the held snapshots'. The chain's come without their notices' history: see withNotices().
  void forEachOpenFinding(const std::function<void(const chain::Finding&)>& visit) const;
  // The finding as the API shows it: with the history of the notices it is about (CHAIN-003/005/006/017).
  [[nodiscard]] chain::Finding withNotices(const chain::Finding& finding) const;
  // Whether the caller's token is read-write: it alone sees citizen ids in full.
  [[nodiscard]] bool readWrite(const api::ApiRequest& request) const;
  void loopMetrics(api::PrometheusWriter& out) const;
  // `body` as JSON, with every citizen id masked unless the caller's token is read-write.
  [[nodiscard]] api::ApiResponse personalDataAnswer(const api::ApiRequest& request, nlohmann::json body) const;
  [[nodiscard]] std::string metricsText() const;
  api::ApiResponse connectorAction(const std::string& name, const std::string& action, const std::string& body,
                                   const std::string& caller);
  api::ApiResponse pluginAction(const std::string& name, const std::string& action, const std::string& body,
                                const std::string& caller);

  boost::asio::io_context& io_;
  Parts parts_;
  const config::Config* config_ = nullptr;
  std::unique_ptr<api::ApiServer> server_;
  std::map<std::pair<std::string, std::string>, std::uint64_t> prechecks_;  // (kind, answer) -> count
};

}  // namespace staffchain::daemon
