// staffchainctl: the operator's command-line tool. Subcommands live beside it.
#include <fmt/format.h>

#include <string>
#include <vector>

#include "commands.hpp"
#include "staffchain/config/config.hpp"
#include "staffchain/plugin/build_info.hpp"
#include "staffchain/plugin/support/text_encoding.hpp"
#include "staffchain/plugin_host/config_check.hpp"
#include "staffchain/plugin_host/plugin_catalog.hpp"

namespace {

constexpr const char* kUsage = R"(usage: staffchainctl COMMAND [ARGS]

Commands:
  check-config FILE
        validate a configuration (and conf.d/ beside it) without starting anything; every
        error is listed as file:line:column: key.path: reason. Exit 0 valid, 1 invalid.
  audit DIR [--as-of YYYY-MM-DD] [--format table|jsonl|csv] [--vacancies | --reductions] [--config FILE]
        read a folder in the canonical exchange format, evaluate every chain rule once and
        print the findings (with --vacancies: the vacancy pool instead; with --reductions: the
        reduction tasks). Exit 0 when it ran, 2 when the folder cannot be read.
  audit DIR --from YYYY-MM-DD --to YYYY-MM-DD [--unit CODE] [--format table|jsonl|csv] [--config FILE]
        the tenure audit (任期审计): every violation that existed on any day of the period
        (of one unit with --unit), with the first and last day of the period it covered.
  gen --persons N --seed S --out DIR [--as-of DATE] [--payroll-months M] [...]
        write a synthetic staffing world with injected violations and truth.jsonl
        (`staffchainctl gen --help` lists every option).
  store copy --from sqlite:PATH --to postgresql://USER@HOST:PORT/DATABASE [--sslmode M] [--sslrootcert FILE]
        move an installation's state (the ledger file) into an empty PostgreSQL database, the
        password from $STAFFCHAIN_STORE_PASSWORD; every table is compared after, by count and
        checksum. Stop the daemon first. Exit 0 copied and equal, 1 refused or unequal.

Day-to-day, through the running daemon's API (--api URL, default http://127.0.0.1:9464 or
$STAFFCHAIN_API; the token from --token-file FILE or $STAFFCHAIN_API_TOKEN; --json for scripts):
  status                                   link health of every connector, open findings and alerts
  findings [--rule R] [--unit U] [--region C] [--severity S] [--person ID]
                                           the findings open today (in [daemon] timezone)
  quarantine [--connector NAME] [--limit N]  the rows connectors refused: file, row, field, value, reason
  alerts [--state S] [--unit U] [--region C] [--rule R]   with each alert's last acknowledgement comment
  alerts show ID                           one alert: its evidence and its acknowledgement history
  notices [--state S] [--unit U] [--system R]  propagation notices (pending, delivered, completed, overdue, dry_run)
  ack ID [--by NAME] [--comment TEXT]      acknowledge an alert (the id is in every message); each one is kept
  silence list [--ended] | expire ID
  silence add [--alert ID] [--rule R] [--unit U] [--region C] [--severity S] --duration 2h --reason TEXT
              --by NAME [--dry-run]        a silence of everything is refused; --dry-run counts what it would hold
  connectors [pause|resume|resync|reset-cursor NAME | accept|reingest NAME FILE]
                                           resync starts a pull from the beginning and returns;
                                           `connectors resync NAME --wait` follows it to its end
  reload                                   reload the daemon's configuration
  precheck KIND --unit CODE [--type T] [--count N] [--on DATE] [--approval ID] [--level L --rank R]
           [--brings-post] [--person ID]   would a hire, transfer_in, appoint_leader or approval break
                                           the chain? every reason, and what would make it pass
                                           (exit 0 allowed, 1 refused)
  vacancies [--region C] [--type T] [--unit U] [--recoverable] [--on DATE] [--format table|jsonl|csv]
                                           the vacancy pool: approved, occupied, reserved, vacant per unit
  reductions [--region C] [--unit U] [--state on_track|done|overdue|no_baseline] [--on DATE]
             [--format table|jsonl|csv]    the reduction tasks: posts set, recovered, excess absorbed, due, state
  cases [--state S] [--unit U] [--region C] [--format table|jsonl|csv]
                                           rectification cases (整改): number, unit, deadline, state
  cases show N                             one case: its findings, overdue spans and history
  cases open --unit U [--findings ID,...] [--deadline DATE] --by NAME [--comment TEXT]
                                           bundle a unit's open findings into a case with a document
                                           number and a deadline (default [cases] rectify_within_days)
  cases submit|verify|reopen N --by NAME [--comment TEXT]
                                           the unit's report in; the office verifies (refused while a
                                           finding is open) or reopens (a comment says why)
  cases notice N --out FILE.pdf|FILE.html  the inspection notice (督查通知书) of a case
  report quarterly --quarter 2026Q4 [--region C] --out FILE.xlsx
                                           the quarterly monitoring workbook (季度监控) of that quarter
  report tenure --unit U --from DATE --to DATE --out FILE.xlsx|FILE.pdf
                                           the tenure audit (任期审计) from the alerts: every violation of
                                           the unit open on a day of the period, with its days in it

  --help, --version
)";

int checkConfig(const std::vector<std::string>& args) {
  std::string file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (file.empty() && args[i].rfind("--", 0) != 0) {
      file = args[i];
    } else {
      fmt::print(stderr, "staffchainctl check-config: unexpected argument \"{}\"\n", args[i]);
      return 64;
    }
  }
  if (file.empty()) {
    fmt::print(stderr, "usage: staffchainctl check-config FILE\n");
    return 64;
  }
  std::optional<staffchain::plugin_host::PluginCatalog> catalog;
  // The daemon's own validation, secrets included: "valid" means the daemon starts with it.
  auto outcome = staffchain::plugin_host::loadCheckedConfig(file, catalog);
  if (catalog) {
    for (const auto& refusal : catalog->refusals()) fmt::print(stderr, "warning: plugin refused: {}\n", refusal.reason);
    if (const auto skipped = catalog->skippedNote(); !skipped.empty()) fmt::print(stderr, "note: {}\n", skipped);
  }
  if (!outcome.config) {
    for (const auto& error : outcome.errors) fmt::print("{}\n", error);
    fmt::print(stderr, "{}: {} error(s)\n", file, outcome.errors.size());
    return 1;
  }
  const auto& full = outcome;
  const auto dir = catalog->directory();
  fmt::print("{}: valid ({} connectors, {} notifiers, {} sinks, plugins from {})\n", file,
             full.config->connectors.size(), full.config->notifiers.size(), full.config->sinks.size(), dir.string());
  return 0;
}

}  // namespace

namespace {

int run(int argc, char** argv) {
  if (argc < 2) {
    fmt::print(stderr, "{}", kUsage);
    return 64;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "--help" || command == "-h" || command == "help") {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (command == "--version") {
    fmt::print("staffchainctl {} ({})\n", STAFFCHAIN_VERSION_STRING, STAFFCHAIN_BUILD_TAG);
    return 0;
  }
  if (command == "check-config") return checkConfig(args);
  if (command == "audit") return staffchain::ctl::runAudit(args);
  if (command == "gen") return staffchain::ctl::runGen(args);
  if (command == "store") return staffchain::ctl::runStoreCommand(args);
  for (const char* api_command : {"status", "notices", "connectors", "reload"}) {
    if (command == api_command) return staffchain::ctl::runApiCommand(command, args);
  }
  for (const char* data_command : {"findings", "quarantine"}) {
    if (command == data_command) return staffchain::ctl::runDataCommand(command, args);
  }
  for (const char* loop_command : {"precheck", "vacancies", "reductions"}) {
    if (command == loop_command) return staffchain::ctl::runLoopCommand(command, args);
  }
  if (command == "cases") return staffchain::ctl::runCaseCommand(args);
  if (command == "report") return staffchain::ctl::runReportCommand(args);
  for (const char* alert_command : {"alerts", "ack", "silence"}) {
    if (command == alert_command) return staffchain::ctl::runAlertCommand(command, args);
  }
  fmt::print(stderr, "staffchainctl: unknown command \"{}\"\n\n{}", command, kUsage);
  return 64;
}

}  // namespace

// Nothing escapes as an abort: whatever a command could not handle is named, with exit 2.
int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  try {
    return run(argc, argv);
  } catch (const std::exception& error) {
    fmt::print(stderr, "staffchainctl {}: failed: {}\n", command, staffchain::plugin::toValidUtf8(error.what()));
  } catch (...) {
    fmt::print(stderr, "staffchainctl {}: failed with an unknown error\n", command);
  }
  return 2;
}
