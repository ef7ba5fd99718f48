// Config: the daemon's validated configuration (one TOML file plus an optional conf.d/).
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "staffchain/alerts/operator_limits.hpp"
#include "staffchain/alerts/route_settings.hpp"
#include "staffchain/api/api_settings.hpp"
#include "staffchain/cases/case.hpp"
#include "staffchain/chain/rule_params.hpp"
#include "staffchain/logging/logging.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/model/time_zone.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/descriptor.hpp"
#include "staffchain/propagation/propagation_settings.hpp"
#include "staffchain/reports/report_settings.hpp"

namespace staffchain::config {

using plugin::Duration;

// [daemon] store: everything the daemon keeps (ledger, alerts, outboxes, notices, cases) in a
// PostgreSQL database instead of the ledger file in state_dir.
struct StoreSettings {
  std::string url;                      // "postgresql://user@host:port/database", never with a password
  std::string password;                 // a secret reference ("${ENV}", "@file:/path"), resolved at start; empty: none
  std::string sslmode = "verify-full";  // libpq's: disable, require, verify-ca, verify-full
  std::string sslrootcert;              // the CA bundle verify-ca and verify-full check the server against
  Duration connect_timeout{std::chrono::seconds(10)};
  // Active/standby: daemons on one store take turns by a lease (store/lease.hpp). This one's
  // name (default: the host's name) and how soon a standby takes over from an active one that
  // died or lost the store.
  std::string instance;
  Duration failover_after{std::chrono::seconds(30)};

  friend bool operator==(const StoreSettings&, const StoreSettings&) = default;
};

struct DaemonSettings {
  std::filesystem::path state_dir;                  // the ledger and plugin state live here
  std::optional<StoreSettings> store;               // none: the ledger file in state_dir
  std::optional<std::filesystem::path> plugin_dir;  // default: see plugin_host::defaultPluginDirectory
  logging::LogSettings log;
  Duration plugin_call_timeout{std::chrono::minutes(2)};  // default for connectors without `timeout`
  Duration shutdown_grace{std::chrono::seconds(10)};
  Duration evaluate_interval{std::chrono::minutes(1)};
  // Alerts wait until every enabled connector has finished its first sync and no run of
  // batches is half-way (a world half synced accuses falsely), but at most this long.
  Duration first_sync_grace{std::chrono::hours(2)};
  // `--once` waits for its messages to go out as long as the receivers' rate limits need (and a
  // minute for retries), at most this long; what is still queued then is listed and it exits 3.
  Duration once_wait{std::chrono::minutes(15)};
  // The zone of the people the daemon serves: "today" for evaluation and notices is the date
  // there, and every time shown (messages, CLI, API) is written there with its offset.
  model::TimeZone timezone;
};

// One [connectors.<name>] or [notifiers.<name>] table. `table` points into Config::documents.
struct PluginInstanceSettings {
  std::string name;
  std::string plugin;
  std::string key_path;  // "connectors.payroll"
  const toml::table* table = nullptr;
  std::string fingerprint;  // the table re-serialised: equal fingerprints mean an unchanged instance
};

struct ConnectorSettings : PluginInstanceSettings {
  model::SourceRole role = model::SourceRole::estab;
  Duration interval{std::chrono::minutes(5)};
  Duration timeout{std::chrono::minutes(2)};
  Duration max_staleness{std::chrono::hours(24)};
  bool enabled = true;
  // Mass-removal protection of full snapshots (ledger::RemovalGuard): a snapshot that would
  // remove more than this share of a record type's stored rows, and more than this many, is
  // held until an operator accepts it.
  double max_removal_ratio = 0.2;
  std::size_t max_removal_rows = 50;
};

struct NotifierSettings : PluginInstanceSettings {
  std::string message_template = "default";  // "default" (every alert in full) or "compact"
};

// One [sinks.<name>] table: where notices for one department's system go (DOMAIN.md §2).
struct SinkSettings : PluginInstanceSettings {
  model::SourceRole role = model::SourceRole::estab;  // the system the notices are for
  bool dry_run = false;  // log what would be sent, send nothing: for bringing a department on
  bool enabled = true;
  Duration timeout{std::chrono::seconds(30)};
};

// The tables of the areas that act on them ([api], [propagation], [route], [alerts], [reports]) are those
// areas' own types, read by their own readers; what spans tables (a route naming notifiers) is
// checked here, once the whole file and conf.d/ are read.
struct Config {
  std::filesystem::path source;                         // absolute path of the main file
  std::vector<std::shared_ptr<toml::table>> documents;  // keep alive: settings point into them
  DaemonSettings daemon;
  api::ApiSettings api;
  chain::RuleParams rules;  // [rules], defaults of DOMAIN.md §3
  std::map<std::string, ConnectorSettings> connectors;
  std::map<std::string, NotifierSettings> notifiers;
  std::map<std::string, SinkSettings> sinks;
  propagation::PropagationSettings propagation;
  alerts::Route route;
  alerts::OperatorLimits alerts;
  cases::CaseSettings cases;        // [cases]: rectification cases and their notices
  reports::ReportSettings reports;  // [reports]: the quarterly report's receivers and day
};

// Validates a plugin's own keys; implemented by the plugin host. Returns false (with an error
// added to the reader) when no such plugin of that kind is available.
class PluginValidator {
 public:
  virtual ~PluginValidator() = default;
  virtual bool validate(const std::string& plugin, plugin::PluginKind kind, plugin::ConfigReader& reader) = 0;
  // The same for a [sinks.*] table: false when no loaded plugin of any kind offers a sink.
  virtual bool validateSink(const std::string& plugin, plugin::ConfigReader& reader) = 0;
};

struct LoadOutcome {
  std::optional<Config> config;
  std::vector<std::string> errors;  // "file:line:column: key.path: reason", one per problem
  // [daemon] plugin_dir as read, even when other parts of the file are wrong, so that the
  // plugins' own checks can still run and every error be listed at once.
  std::optional<std::filesystem::path> plugin_dir;
};

// Reads `path` and `<dir of path>/conf.d/*.toml` (in name order). With a validator, each
// connector's and notifier's own keys are checked by its plugin; without one, only the host's.
LoadOutcome loadConfig(const std::filesystem::path& path, PluginValidator* validator);

// The host keys of a connector's and a notifier's table; everything else belongs to the plugin.
inline constexpr std::string_view kConnectorHostKeys[] = {"plugin",  "role",          "interval",
                                                          "timeout", "max_staleness", "enabled"};
inline constexpr std::string_view kNotifierHostKeys[] = {"plugin", "template"};
inline constexpr std::string_view kSinkHostKeys[] = {"plugin", "role", "dry_run", "enabled", "timeout"};

}  // namespace staffchain::config
