#include "staffchain/config/config.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <sstream>
#include <system_error>

#include "staffchain/alerts/silence_check.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/plugin_host/trusted_path.hpp"

namespace staffchain::config {
namespace {

using plugin::ConfigReader;
using plugin_host::checkTrustedPath;
using plugin_host::Links;
using plugin_host::TrustedKind;

std::shared_ptr<toml::table> parseFile(const std::filesystem::path& path, std::vector<std::string>& errors) {
  // The configuration names the plugins, receivers and sinks the daemon trusts: a file that
  // someone else could write would let them redirect alerts and notices.
  if (auto trusted = checkTrustedPath(path, TrustedKind::file, "the configuration is read", Links::follow); !trusted) {
    errors.push_back(std::move(trusted).error().message);
    return nullptr;
  }
  try {
    return std::make_shared<toml::table>(toml::parse_file(path.string()));
  } catch (const toml::parse_error& error) {
    const auto& where = error.source();
    errors.push_back(
        fmt::format("{}:{}:{}: {}", path.string(), where.begin.line, where.begin.column, error.description()));
  } catch (const std::exception& error) {
    errors.push_back(fmt::format("{}: cannot read: {}", path.string(), error.what()));
  }
  return nullptr;
}

std::string fingerprintOf(const toml::table& table) {
  std::ostringstream out;
  out << toml::toml_formatter(table, toml::toml_formatter::default_flags & ~toml::format_flags::indentation);
  return out.str();
}

// Where the system's CA bundle is on Debian, for a server verified without a CA of its own.
constexpr std::string_view kSystemCaBundle = "/etc/ssl/certs/ca-certificates.crt";

// [daemon] store and its store_* keys. A URL is postgresql://user@host[:port]/database: its
// password is given apart, by reference, and its TLS by the keys, so the URL may be logged.
void readStore(ConfigReader& reader, DaemonSettings& daemon) {
  constexpr std::array kDetails{"store_password",        "store_sslmode", "store_sslrootcert",
                                "store_connect_timeout", "instance",      "failover_after"};
  const bool any_detail =
      std::any_of(kDetails.begin(), kDetails.end(), [&](const char* key) { return reader.has(key); });
  auto url = reader.string("store");
  if (!url) {
    if (any_detail && !reader.has("store")) {
      reader.fail("store",
                  "the store_* keys describe a PostgreSQL store, but no store = \"postgresql://...\" names it");
    }
    for (const auto* key : {"store_password", "store_sslmode", "store_sslrootcert", "store_connect_timeout"}) {
      (void)reader.string(key);  // read, so that they are not reported as unknown as well
    }
    return;
  }
  StoreSettings store;
  const std::string_view text = *url;
  std::string_view rest;
  for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (text.substr(0, scheme.size()) == scheme) rest = text.substr(scheme.size());
  }
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  const auto at = authority.rfind('@');
  if (rest.empty() || slash == std::string_view::npos || slash + 1 >= rest.size()) {
    reader.fail("store", fmt::format("expected postgresql://user@host[:port]/database, got \"{}\"", text));
  } else if (at != std::string_view::npos && authority.substr(0, at).find(':') != std::string_view::npos) {
    // Never echoed: the value holds a password.
    reader.fail("store",
                "the URL carries a password: give it by reference in store_password "
                "(\"${ENV_VAR}\" or \"@file:/absolute/path\"), never inline");
  } else if (rest.find('?') != std::string_view::npos) {
    reader.fail("store", "the URL has parameters: give TLS as store_sslmode and store_sslrootcert");
  } else {
    store.url = *url;
  }
  if (auto password = reader.secret("store_password")) store.password = *password;
  store.sslmode =
      reader.choice("store_sslmode", {"disable", "require", "verify-ca", "verify-full"}).value_or(store.sslmode);
  if (auto ca = reader.filePath("store_sslrootcert")) {
    store.sslrootcert = ca->string();
  } else if (store.sslmode == "verify-ca" || store.sslmode == "verify-full") {
    store.sslrootcert = kSystemCaBundle;
  }
  store.connect_timeout = reader.duration("store_connect_timeout", store.connect_timeout);
  if (auto instance = reader.string("instance")) {
    if (instance->empty() || instance->size() > 64 || !std::all_of(instance->begin(), instance->end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
        })) {
      reader.fail("instance", "expected a name of letters, digits, '-', '_' and '.' (at most 64)");
    } else {
      store.instance = *instance;
    }
  }
  if (store.instance.empty()) {
    std::array<char, 256> host{};
    store.instance = ::gethostname(host.data(), host.size() - 1) == 0 ? std::string(host.data()) : "staffchaind";
  }
  store.failover_after = reader.duration("failover_after", store.failover_after);
  if (store.failover_after < std::chrono::seconds(1)) reader.fail("failover_after", "expected at least 1s");
  if (!store.url.empty()) daemon.store = std::move(store);
}

void readDaemon(ConfigReader& reader, DaemonSettings& daemon) {
  if (auto dir = reader.filePath("state_dir")) daemon.state_dir = *dir;
  readStore(reader, daemon);
  if (auto dir = reader.filePath("plugin_dir")) daemon.plugin_dir = *dir;
  if (auto level = reader.choice("log_level", {"trace", "debug", "info", "warn", "error", "critical", "off"})) {
    daemon.log.level = *logging::parseLevel(*level);
  }
  if (auto target = reader.choice("log_target", {"auto", "journal", "stderr"})) {
    daemon.log.target = *logging::parseTarget(*target);
  }
  daemon.plugin_call_timeout = reader.duration("plugin_call_timeout", daemon.plugin_call_timeout);
  daemon.shutdown_grace = reader.duration("shutdown_grace", daemon.shutdown_grace);
  daemon.evaluate_interval = reader.duration("evaluate_interval", daemon.evaluate_interval);
  daemon.first_sync_grace = reader.duration("first_sync_grace", daemon.first_sync_grace);
  daemon.once_wait = reader.duration("once_wait", true).value_or(daemon.once_wait);
  if (auto zone_name = reader.string("timezone")) {
    if (auto zone = model::TimeZone::load(*zone_name)) {
      daemon.timezone = std::move(zone).value();
    } else {
      reader.fail("timezone", zone.error().message);
    }
  }
  reader.finish();
}

// [rules] disabled may name any rule an alert can carry, as a route or a silence may.
bool isRuleId(const std::string& id) {
  const auto& known = alerts::knownRuleIds();
  return std::binary_search(known.begin(), known.end(), id);
}

// Names become metric labels, file names and API paths: keep them plain.
bool isInstanceName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

template <typename Settings>
bool readInstanceHead(ConfigReader& reader, const std::string& name, Settings& settings) {
  settings.name = name;
  settings.key_path = reader.path();
  settings.table = &reader.table();
  settings.fingerprint = fingerprintOf(reader.table());
  auto plugin_name = reader.requiredString("plugin");
  if (!plugin_name) return false;
  if (plugin_name->empty()) {
    reader.fail("plugin", "is empty (expected the name of a plugin, e.g. \"csv\")");
    return false;
  }
  settings.plugin = *plugin_name;
  return true;
}

void readConnector(ConfigReader& reader, const std::string& name, ConnectorSettings& connector,
                   PluginValidator* validator) {
  const bool head = readInstanceHead(reader, name, connector);
  if (auto role = reader.requiredString("role")) {
    if (auto parsed = model::parseSourceRole(*role)) {
      connector.role = *parsed;
    } else {
      reader.fail("role", fmt::format("\"{}\" is not one of: estab, org, hr, finance", *role));
    }
  }
  connector.interval = reader.duration("interval", connector.interval);
  connector.timeout = reader.duration("timeout", connector.timeout);
  connector.max_staleness = reader.duration("max_staleness", connector.max_staleness);
  connector.enabled = reader.boolean("enabled", connector.enabled);
  connector.max_removal_ratio = reader.number("max_removal_ratio", 0.0, 1.0).value_or(connector.max_removal_ratio);
  connector.max_removal_rows = static_cast<std::size_t>(
      reader.integer("max_removal_rows", 0, 100'000'000, static_cast<std::int64_t>(connector.max_removal_rows)));
  if (connector.max_staleness < connector.interval) {
    reader.fail("max_staleness", "must be at least the connector's interval, or every sync would be stale");
  }
  if (head && validator != nullptr) {
    if (!validator->validate(connector.plugin, plugin::PluginKind::source, reader)) return;
  } else {
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());
  }
  reader.finish();
}

void readNotifier(ConfigReader& reader, const std::string& name, NotifierSettings& notifier,
                  PluginValidator* validator) {
  const bool head = readInstanceHead(reader, name, notifier);
  notifier.message_template = reader.choice("template", {"default", "full", "compact"}).value_or("default");
  if (head && validator != nullptr) {
    if (!validator->validate(notifier.plugin, plugin::PluginKind::notifier, reader)) return;
  } else {
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());
  }
  reader.finish();
}

void readSink(ConfigReader& reader, const std::string& name, SinkSettings& sink, PluginValidator* validator) {
  const bool head = readInstanceHead(reader, name, sink);
  if (auto role = reader.requiredString("role")) {
    if (auto parsed = model::parseSourceRole(*role)) {
      sink.role = *parsed;
    } else {
      reader.fail("role", fmt::format("\"{}\" is not one of: estab, org, hr, finance", *role));
    }
  }
  sink.dry_run = reader.boolean("dry_run", sink.dry_run);
  sink.enabled = reader.boolean("enabled", sink.enabled);
  sink.timeout = reader.duration("timeout", sink.timeout);
  if (head && validator != nullptr) {
    if (!validator->validateSink(sink.plugin, reader)) return;
  } else {
    for (const auto& [key, node] : reader.table()) reader.accept(key.str());
  }
  reader.finish();
}

template <typename Settings, typename ReadFn>
void readInstances(ConfigReader& parent, std::string_view section, std::map<std::string, Settings>& out, ReadFn read) {
  const toml::table* table = parent.subtable(section);
  if (table == nullptr) return;
  for (const auto& [key, node] : *table) {
    const std::string name(key.str());
    const std::string path = std::string(section) + "." + name;
    if (!isInstanceName(name)) {
      parent.errors().push_back(ConfigReader::location(node) + path +
                                ": names use letters, digits, '_' and '-' (at most 64)");
      continue;
    }
    const auto* instance = node.as_table();
    if (instance == nullptr) {
      parent.errors().push_back(ConfigReader::location(node) + path + ": expected a table");
      continue;
    }
    if (out.count(name) > 0) {
      std::string first = ConfigReader::location(*out[name].table);
      first.resize(first.size() - 2);  // drop the ": " that ends a location prefix
      parent.errors().push_back(ConfigReader::location(node) + path + ": defined twice (first at " + first + ")");
      continue;
    }
    ConfigReader reader(*instance, path, parent.errors());
    read(reader, name, out[name]);
  }
}

void checkReceivers(const alerts::Route& route, const std::string& path,
                    const std::map<std::string, NotifierSettings>& notifiers, const toml::table& table,
                    std::vector<std::string>& errors) {
  auto check = [&](const std::vector<std::string>& names, std::string_view key) {
    for (const auto& name : names) {
      if (notifiers.count(name) == 0) {
        const toml::node* node = table.get(key);
        errors.push_back(ConfigReader::location(node != nullptr ? *node : static_cast<const toml::node&>(table)) +
                         path + "." + std::string(key) + ": no notifier named \"" + name + "\"");
      }
    }
  };
  check(route.receivers, "receivers");
  check(route.escalate_to, "escalate_to");
  const auto* children = table.get_as<toml::array>("routes");
  if (children == nullptr) return;
  for (std::size_t i = 0; i < route.routes.size() && i < children->size(); ++i) {
    const toml::node* child = children->get(i);
    const toml::table* child_table = child != nullptr ? child->as_table() : nullptr;
    if (child_table != nullptr) {
      checkReceivers(route.routes[i], fmt::format("{}.routes[{}]", path, i), notifiers, *child_table, errors);
    }
  }
}

// Each quarterly receiver must be a notifier of the file (or of conf.d/), as route receivers are.
void checkReportReceivers(const reports::ReportSettings& settings,
                          const std::map<std::string, NotifierSettings>& notifiers, const toml::table& table,
                          std::vector<std::string>& errors) {
  for (const auto& name : settings.quarterly_receivers) {
    if (notifiers.count(name) > 0) continue;
    const toml::node* node = table.get("quarterly_receivers");
    errors.push_back(ConfigReader::location(node != nullptr ? *node : static_cast<const toml::node&>(table)) +
                     "reports.quarterly_receivers: no notifier named \"" + name + "\"");
  }
}

}  // namespace

LoadOutcome loadConfig(const std::filesystem::path& path, PluginValidator* validator) {
  LoadOutcome outcome;
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec).lexically_normal();
  auto main = parseFile(absolute, outcome.errors);
  if (!main) return outcome;

  Config config;
  config.source = absolute;
  config.documents.push_back(main);
  config.daemon.state_dir = absolute.parent_path() / "state";

  ConfigReader top(*main, "", outcome.errors);
  if (const toml::table* daemon = top.subtable("daemon")) {
    ConfigReader reader = top.child(*daemon, "daemon");
    readDaemon(reader, config.daemon);
  }
  if (const toml::table* api_table = top.subtable("api")) {
    ConfigReader reader = top.child(*api_table, "api");
    api::readApiSettings(reader, config.api);
  }
  if (const toml::table* console = top.subtable("console")) {
    ConfigReader reader = top.child(*console, "console");
    api::readConsoleSettings(reader, config.api.console);
  }
  if (const toml::table* rules = top.subtable("rules")) {
    ConfigReader reader = top.child(*rules, "rules");
    chain::readRuleParams(reader, config.rules, isRuleId);
  }
  auto read_connector = [&](ConfigReader& reader, const std::string& name, ConnectorSettings& settings) {
    readConnector(reader, name, settings, validator);
  };
  auto read_notifier = [&](ConfigReader& reader, const std::string& name, NotifierSettings& settings) {
    readNotifier(reader, name, settings, validator);
  };
  auto read_sink = [&](ConfigReader& reader, const std::string& name, SinkSettings& settings) {
    readSink(reader, name, settings, validator);
  };
  readInstances(top, "connectors", config.connectors, read_connector);
  readInstances(top, "notifiers", config.notifiers, read_notifier);
  readInstances(top, "sinks", config.sinks, read_sink);
  {
    // Read even when absent: its deadlines follow [rules].
    static const toml::table kEmpty;
    const toml::table* propagation_table = top.subtable("propagation");
    ConfigReader reader = propagation_table != nullptr ? top.child(*propagation_table, "propagation")
                                                       : ConfigReader(kEmpty, "propagation", outcome.errors);
    propagation::readPropagationSettings(reader, config.rules, config.propagation);
  }
  const toml::table* route_table = top.subtable("route");
  if (route_table != nullptr) {
    ConfigReader reader = top.child(*route_table, "route");
    alerts::readRoute(reader, config.route);
  }
  if (const toml::table* alerts_table = top.subtable("alerts")) {
    ConfigReader reader = top.child(*alerts_table, "alerts");
    alerts::readOperatorLimits(reader, config.alerts);
  }
  if (const toml::table* cases_table = top.subtable("cases")) {
    ConfigReader reader = top.child(*cases_table, "cases");
    cases::readCaseSettings(reader, config.cases);
  }
  const toml::table* reports_table = top.subtable("reports");
  if (reports_table != nullptr) {
    ConfigReader reader = top.child(*reports_table, "reports");
    reports::readReportSettings(reader, config.reports);
  }
  top.finish();

  // conf.d/*.toml adds connectors, notifiers and sinks, so that each department's connection can
  // be dropped in (and removed) as a file of its own.
  const auto conf_d = absolute.parent_path() / "conf.d";
  if (std::filesystem::is_directory(conf_d, ec)) {
    // Whoever can add a file here can add a connector or a receiver: the folder is checked too.
    if (auto trusted = checkTrustedPath(conf_d, TrustedKind::directory, "the configuration is read", Links::follow);
        !trusted) {
      outcome.errors.push_back(std::move(trusted).error().message);
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(conf_d, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".toml") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
      auto document = parseFile(file, outcome.errors);
      if (!document) continue;
      config.documents.push_back(document);
      ConfigReader reader(*document, "", outcome.errors);
      readInstances(reader, "connectors", config.connectors, read_connector);
      readInstances(reader, "notifiers", config.notifiers, read_notifier);
      readInstances(reader, "sinks", config.sinks, read_sink);
      reader.finish();
    }
  }

  if (route_table != nullptr) checkReceivers(config.route, "route", config.notifiers, *route_table, outcome.errors);
  if (reports_table != nullptr) {
    checkReportReceivers(config.reports, config.notifiers, *reports_table, outcome.errors);
  }
  outcome.plugin_dir = config.daemon.plugin_dir;
  if (outcome.errors.empty()) outcome.config = std::move(config);
  return outcome;
}

}  // namespace staffchain::config
