// Config: the daemon's validated configuration (one TOML file plus an optional conf.d/).
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "staffchain/chain/rule_params.hpp"
#include "staffchain/logging/logging.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/model/time_zone.hpp"
#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/descriptor.hpp"

namespace staffchain::config {

using plugin::Duration;

struct DaemonSettings {
  std::filesystem::path state_dir;                  // the ledger and plugin state live here
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

// The propagation rules of DOMAIN.md §2, each on or off in [propagation] rules.
enum class PropagationRule : std::uint8_t {
  hire_to_estab,      // a hire or transfer in: estab must add the person to the roster
  roster_to_finance,  // a roster entry: finance may start pay
  exit_to_estab,      // an exit: estab must remove the person from the roster
  exit_to_finance,    // an exit: finance stops pay from the month after the grace
  leader_to_estab,    // a leader appointment: estab checks the leadership post count
};
inline constexpr std::string_view kPropagationRuleNames[] = {"hire_to_estab", "roster_to_finance", "exit_to_estab",
                                                             "exit_to_finance", "leader_to_estab"};

// [propagation]: which notices are written, their deadlines, and how delivery retries.
struct PropagationSettings {
  std::set<PropagationRule> rules{PropagationRule::hire_to_estab, PropagationRule::roster_to_finance,
                                  PropagationRule::exit_to_estab, PropagationRule::exit_to_finance,
                                  PropagationRule::leader_to_estab};
  // Deadlines; default to the [rules] values the chain findings use, so that a notice is
  // overdue exactly when its CHAIN finding opens.
  std::int32_t roster_after_hire_days = 30;
  std::int32_t pay_after_roster_days = 60;
  std::int32_t roster_after_exit_days = 15;
  std::int32_t payroll_grace_months = 0;
  std::int32_t leader_posts_days = 30;
  // A movement whose effective date is older than this when it first lands writes no notice:
  // the first sync of a system must not flood the others with years of history.
  std::int32_t max_age_days = 90;
  Duration retry_initial{std::chrono::seconds(30)};
  Duration retry_max{std::chrono::hours(1)};
  std::uint32_t failures_before_alert = 5;           // consecutive failures of a sink that raise LINK-003
  Duration check_interval{std::chrono::minutes(1)};  // deadlines and retries are looked at this often
};

// What a route matches; an empty list matches everything.
struct RouteMatch {
  std::vector<std::string> rules;       // "CHAIN-006"; a trailing '*' matches a prefix ("CHAIN-*")
  std::vector<std::string> severities;  // critical, major, minor
  std::vector<std::string> regions;     // region code; a code ending in "00" covers its subregions
  std::vector<std::string> units;       // unit credit codes
  std::vector<std::string> roles;       // estab, org, hr, finance: the source the finding rests on
};

struct Route {
  RouteMatch match;
  std::vector<std::string> receivers;  // notifier names
  bool continue_matching = false;
  std::vector<std::string> group_by{"rule", "region"};
  Duration group_wait{std::chrono::seconds(30)};
  Duration group_interval{std::chrono::minutes(5)};
  Duration repeat_interval{std::chrono::hours(24)};
  std::optional<Duration> escalate_after;
  std::vector<std::string> escalate_to;
  std::vector<Route> routes;
};

// [alerts]: limits on what operators do to alerts.
struct AlertsSettings {
  // The longest silence that may be set (at most 3650d); a longer one is refused, naming this.
  Duration max_silence{std::chrono::days(90)};
};

// [api]: the daemon's HTTP API. Every endpoint but /healthz and /readyz needs a bearer token.
struct ApiTokenSettings {
  std::string name;        // who holds it; shown in the access log
  std::string secret_ref;  // "${ENV}" or "@file:/path", resolved at start and reload
  bool read_write = false;
};

struct ApiSettings {
  bool enabled = false;                   // on when the file has an [api] table (and it does not say enabled = false)
  std::string listen = "127.0.0.1:9464";  // loopback unless an operator opens it
  std::vector<ApiTokenSettings> tokens;
  // Connections served at once; one more is answered 503 with Retry-After (api::ApiServer).
  std::size_t max_connections = 256;
};

struct Config {
  std::filesystem::path source;                         // absolute path of the main file
  std::vector<std::shared_ptr<toml::table>> documents;  // keep alive: settings point into them
  DaemonSettings daemon;
  ApiSettings api;
  chain::RuleParams rules;  // [rules], defaults of DOMAIN.md §3
  std::map<std::string, ConnectorSettings> connectors;
  std::map<std::string, NotifierSettings> notifiers;
  std::map<std::string, SinkSettings> sinks;
  PropagationSettings propagation;
  Route route;
  AlertsSettings alerts;
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
