// staffchainctl store copy: an installation's state from its SQLite file into PostgreSQL. Each
// part opens the target first (its tables created, as the daemon would at its first start);
// the target must hold nothing yet; every row is copied in one transaction; then every table is
// read back on both sides and compared by count and checksum.
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "commands.hpp"
#include "staffchain/alerts/alert_manager.hpp"
#include "staffchain/cases/case_store.hpp"
#include "staffchain/ledger/sql_ledger.hpp"
#include "staffchain/store/table_copy.hpp"

namespace staffchain::ctl {
namespace {

constexpr const char* kUsage =
    "usage: staffchainctl store copy --from sqlite:PATH --to postgresql://USER@HOST:PORT/DATABASE\n"
    "                                [--sslmode disable|require|verify-ca|verify-full] [--sslrootcert FILE]\n"
    "       the password from $STAFFCHAIN_STORE_PASSWORD; stop the daemon first\n";

int refuse(const std::string& why) {
  fmt::print(stderr, "staffchainctl store copy: {}\n", why);
  return 1;
}

// Creates (or migrates) every part's tables in the store, as the daemon's start would.
Result<void> openParts(const store::Location& where) {
  auto ledger = ledger::SqlLedger::open(where);
  if (!ledger) return std::move(ledger).error();
  auto alerts = alerts::AlertManager::open(where, alerts::AlertSettings{});
  if (!alerts) return std::move(alerts).error();
  auto cases = cases::CaseStore::open(where, cases::CaseSettings{});
  if (!cases) return std::move(cases).error();
  return {};
}

}  // namespace

int runStoreCommand(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "copy") {
    fmt::print(stderr, "{}", kUsage);
    return 64;
  }
  std::string from;
  store::PostgresTarget target;
  target.sslmode = "verify-full";
  for (std::size_t i = 1; i < args.size(); ++i) {
    const auto value = [&]() -> std::string { return i + 1 < args.size() ? args[++i] : std::string(); };
    if (args[i] == "--from") {
      from = value();
    } else if (args[i] == "--to") {
      target.url = value();
    } else if (args[i] == "--sslmode") {
      target.sslmode = value();
    } else if (args[i] == "--sslrootcert") {
      target.sslrootcert = value();
    } else {
      fmt::print(stderr, "staffchainctl store copy: unknown option \"{}\"\n{}", args[i], kUsage);
      return 64;
    }
  }
  if (from.rfind("sqlite:", 0) != 0 || target.url.rfind("postgres", 0) != 0) {
    fmt::print(stderr, "{}", kUsage);
    return 64;
  }
  if ((target.sslmode == "verify-ca" || target.sslmode == "verify-full") && target.sslrootcert.empty()) {
    target.sslrootcert = "/etc/ssl/certs/ca-certificates.crt";
  }
  if (const char* password = std::getenv("STAFFCHAIN_STORE_PASSWORD"); password != nullptr) target.password = password;
  const std::filesystem::path file = from.substr(7);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) return refuse(fmt::format("{}: no such ledger file", file.string()));

  // Both sides brought to this staffchain's schema: the file (the daemon stopped) and the target.
  const store::Location source(file);
  const store::Location destination(file, target);
  if (auto opened = openParts(source); !opened) return refuse(opened.error().message);
  if (auto opened = openParts(destination); !opened) return refuse(opened.error().message);

  auto from_db = store::Database::open(source, {.label = "ledger", .create = false});
  if (!from_db) return refuse(from_db.error().message);
  auto to_db = store::Database::open(destination, {.label = "store", .create = false});
  if (!to_db) return refuse(to_db.error().message);
  auto tables = store::storeTables(**from_db);
  if (!tables) return refuse(tables.error().message);
  for (const auto& table : *tables) {
    auto held = store::tableChecksum(**to_db, table);
    if (!held) return refuse(held.error().message);
    if (held->first > 0) {
      return refuse(fmt::format("{}: table {} holds {} rows already; copy only into a store that holds nothing",
                                (*to_db)->pathText(), table, held->first));
    }
  }
  fmt::print("copying {} tables from {} to {}\n", tables->size(), file.string(), (*to_db)->pathText());
  auto copied = store::copyTables(**from_db, **to_db, *tables, [](const std::string& table, std::int64_t rows) {
    fmt::print("  {}: {} rows\n", table, rows);
  });
  if (!copied) return refuse(copied.error().message);
  bool same = true;
  fmt::print("\n{:<24} {:>12} {:>12}  {:<16}  {:<16}\n", "TABLE", "SOURCE ROWS", "TARGET ROWS", "SOURCE CHECKSUM",
             "TARGET CHECKSUM");
  for (const auto& table : *copied) {
    fmt::print("{:<24} {:>12} {:>12}  {:<16}  {:<16}{}\n", table.table, table.source_rows, table.target_rows,
               table.source_checksum, table.target_checksum, table.same() ? "" : "  DIFFERENT");
    same = same && table.same();
  }
  if (!same) return refuse("the copy differs from the source (above); do not start the daemon on it");
  fmt::print("\nevery table copied and equal. Set [daemon] store = \"{}\" and start the daemon.\n",
             (*to_db)->pathText());
  return 0;
}

}  // namespace staffchain::ctl
