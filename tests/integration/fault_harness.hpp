// The fault-injection suite's view of a running daemon: its configuration, its API, its ledger
// as a comparable digest, what a webhook receiver and a notice sink were sent, and the small
// steps the cases share (drop files, generated payroll, waiting until the daemon is quiet).
#pragma once

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "alert_log.hpp"
#include "peer.hpp"
#include "peer_wiremock.hpp"
#include "process.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/fnv1a.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::testing {

inline constexpr const char* kFaultApiToken = "fault-suite-token-0123456789";

// One daemon's configuration: a scratch folder holding it, its state and drop folders.
struct FaultDaemonConfig {
  FaultDaemonConfig(std::filesystem::path folder, std::uint16_t port, std::string hook = {})
      : dir(std::move(folder)), api_port(port), hook_url(std::move(hook)) {}

  std::filesystem::path dir;
  std::uint16_t api_port = 0;
  std::string hook_url;  // empty: no notifier
  std::string hook_timeout = "10s";
  std::string evaluate_interval = "1s";
  std::string extra;         // further [connectors.*] tables, written as given
  bool notice_sink = false;  // propagation on, notices to a csv sink in dir/outbound
  std::string daemon_extra;  // further [daemon] keys (a store), written as given
  // Two daemons of one folder (active and standby) each have a file of their own.
  std::string file_name = "staffchain.toml";

  // The TOML text; `csv_connectors` maps connector name -> role, each reading dir/inbox/<name>.
  [[nodiscard]] std::string text(const std::map<std::string, std::string>& csv_connectors) const {
    std::string out = fmt::format(
        "[daemon]\nstate_dir = \"state\"\nplugin_dir = \"{}\"\nevaluate_interval = \"{}\"\nshutdown_grace = "
        "\"2s\"\n{}\n"
        "[api]\nlisten = \"127.0.0.1:{}\"\n[[api.tokens]]\nname = \"fault-suite\"\ntoken = \"@file:{}\"\n"
        "access = \"read-write\"\n\n",
        binary("plugins").string(), evaluate_interval, daemon_extra, api_port, (dir / "api.token").string());
    for (const auto& [name, role] : csv_connectors) {
      std::filesystem::create_directories(dir / "inbox" / name);
      out += fmt::format(
          "[connectors.{}]\nplugin = \"csv\"\nrole = \"{}\"\nfolder = \"inbox/{}\"\ninterval = \"1s\"\n"
          "max_staleness = \"1d\"\n\n",
          name, role, name);
    }
    out += extra;
    if (notice_sink) {
      std::filesystem::create_directories(dir / "outbound");
      // Only columns that do not depend on when the notice was written (issued_at does).
      out += fmt::format(
          "[propagation]\ncheck_interval = \"1s\"\nretry_initial = \"1s\"\n\n"
          "[sinks.estab_outbox]\nplugin = \"csv\"\nrole = \"estab\"\nfolder = \"{}\"\nline_end = \"lf\"\n"
          "[sinks.estab_outbox.mapping]\nfields = {{ notice_id = \"notice_id\", action = \"action\", "
          "target_system = \"target_system\", movement_id = \"movement_id\", person_id = \"person_id\", "
          "unit_id = \"unit_id\", effective_on = \"effective_on\", deadline = \"deadline\" }}\n\n",
          (dir / "outbound").string());
    }
    if (!hook_url.empty()) {
      out += fmt::format(
          "[notifiers.dept]\nplugin = \"webhook\"\nurl = \"{}\"\ntimeout = \"{}\"\n\n"
          "[route]\nreceivers = [\"dept\"]\ngroup_by = [\"rule\"]\ngroup_wait = \"1s\"\ngroup_interval = \"1s\"\n",
          hook_url, hook_timeout);
    }
    return out;
  }

  // Writes the token and the configuration; returns the configuration file.
  [[nodiscard]] std::filesystem::path write(const std::map<std::string, std::string>& csv_connectors) const {
    std::ofstream(dir / "api.token") << kFaultApiToken;
    // A secret file is read by its owner only (0644 is refused).
    std::filesystem::permissions(dir / "api.token", std::filesystem::perms(0600));
    const auto file = dir / file_name;
    std::ofstream(file) << text(csv_connectors);
    return file;
  }

  [[nodiscard]] std::string base() const { return fmt::format("http://127.0.0.1:{}", api_port); }
};

// GET on the daemon's API with the suite's token; the body parsed, or null when it did not answer.
inline nlohmann::json apiGet(const FaultDaemonConfig& config, const std::string& path) {
  auto answer = httpRequest("GET", config.base() + path, "", {std::string("Authorization: Bearer ") + kFaultApiToken},
                            std::chrono::seconds(5));
  if (!answer || answer->status != 200) return nullptr;
  return nlohmann::json::parse(answer->body, nullptr, false);
}

inline std::string apiMetrics(const FaultDaemonConfig& config) {
  auto answer = httpRequest("GET", config.base() + "/metrics", "",
                            {std::string("Authorization: Bearer ") + kFaultApiToken}, std::chrono::seconds(5));
  return answer && answer->status == 200 ? answer->body : std::string();
}

// A connector's state as the API reports it (idle, syncing, failing, paused); empty when absent.
inline std::string connectorState(const FaultDaemonConfig& config, const std::string& name) {
  const auto body = apiGet(config, "/api/v1/connectors");
  if (!body.is_object()) return {};
  for (const auto& connector : body.value("connectors", nlohmann::json::array())) {
    if (connector.value("name", std::string()) == name) return connector.value("state", std::string());
  }
  return {};
}

// The open findings' fingerprints by rule: what the engine and link health hold now.
inline std::map<std::string, std::set<std::string>> openFindings(const FaultDaemonConfig& config) {
  std::map<std::string, std::set<std::string>> out;
  const auto body = apiGet(config, "/api/v1/findings");
  if (!body.is_object()) return out;
  for (const auto& finding : body.value("findings", nlohmann::json::array())) {
    out[finding.value("rule", std::string())].insert(finding.value("fingerprint", std::string()));
  }
  return out;
}

// The ids of the alerts the daemon holds open (firing or acknowledged).
inline std::set<std::string> openAlertIds(const FaultDaemonConfig& config) {
  std::set<std::string> out;
  const auto body = apiGet(config, "/api/v1/alerts?resolved=false");
  if (!body.is_object()) return out;
  for (const auto& alert : body.value("alerts", nlohmann::json::array())) {
    if (alert.value("state", std::string()) != "resolved") out.insert(alert.value("id", std::string()));
  }
  return out;
}

// A ledger reduced to what must not depend on how often the daemon was interrupted: per
// record table the count and a hash of (connector, key, content hash, version) in key order;
// the movement history's length (append-only: a duplicate would show); the quarantine's
// distinct entries without their sighting counts.
struct LedgerDigest {
  std::map<std::string, std::string> tables;
  std::string error;

  bool operator==(const LedgerDigest& other) const { return tables == other.tables && error == other.error; }
  [[nodiscard]] std::int64_t count(const std::string& table) const {
    auto it = tables.find(table);
    return it == tables.end() ? -1 : std::stoll(it->second.substr(0, it->second.find(' ')));
  }
};

inline std::ostream& operator<<(std::ostream& out, const LedgerDigest& digest) {
  for (const auto& [table, value] : digest.tables) out << table << "=" << value << " ";
  return out << digest.error;
}

// Every row of `sql` on the store, each column's text ("<null>" for NULL) passed to `cell`; an
// error's text, or empty.
template <typename Cell, typename Row>
std::string eachStoredRow(const store::Location& where, const std::string& sql, Cell cell, Row row_done) {
  auto db = store::Database::open(where, {.label = "test", .create = false});
  if (!db) return db.error().message;
  auto statement = (*db)->prepare(sql, "a test's query");
  if (!statement) return statement.error().message;
  auto read = (*db)->eachRow(*statement, "a test's query", [&](const store::Statement& row) {
    for (int column = 0; column < row.columnCount(); ++column) {
      cell(column, row.columnIsNull(column) ? std::string("<null>") : row.text(column));
    }
    row_done();
  });
  return read ? std::string() : read.error().message;
}

// The digest of a ledger in either backend: the same rows read the same, text for text.
inline LedgerDigest ledgerDigest(const store::Location& where) {
  LedgerDigest digest;
  const auto summarise = [&](const std::string& name, const std::string& sql) {
    model::Fnv1aParts hash;  // over every column of every row
    std::int64_t rows = 0;
    const auto error = eachStoredRow(
        where, sql, [&](int, const std::string& value) { hash.add(value); }, [&] { ++rows; });
    if (!error.empty()) digest.error += fmt::format("{}: {}; ", name, error);
    digest.tables[name] = fmt::format("{} {}", rows, hash.hex());
  };
  for (const char* table :
       {"units", "quotas", "leader_quotas", "approvals", "roster", "movements", "payroll", "deaths"}) {
    summarise(table, fmt::format("SELECT connector, record_key, content_hash, version FROM {} ORDER BY connector, "
                                 "record_key",
                                 table));
  }
  summarise("movement_history", "SELECT connector, record_key, change, movement_id FROM movement_history ORDER BY seq");
  summarise("quarantine",
            "SELECT connector, source, record_type, origin, field, value, reason FROM quarantine ORDER BY 1, 2, 3, 4, "
            "5, 6, 7");
  return digest;
}

// The notices a csv sink wrote: file name -> content (part files, still being written, left out).
inline std::map<std::string, std::string> sinkNotices(const std::filesystem::path& folder) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.empty() && name[0] != '.') out[name] = readFile(entry.path());
  }
  return out;
}

// One message the receiver got: its idempotency key, body, and the alerts it lists (id -> state).
struct HookMessage {
  std::string key;
  std::string body;
  std::map<std::string, std::string> alerts;
};

// Every request to `path` in the order the receiver got them.
inline std::vector<HookMessage> hookMessages(WireMockPeer& hook, const std::string& path) {
  std::vector<HookMessage> out;
  auto found = hook.findRequests(nlohmann::json{{"method", "POST"}, {"url", path}});
  if (!found) return out;
  std::vector<nlohmann::json> requests(found->begin(), found->end());
  std::stable_sort(requests.begin(), requests.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
    return a.value("loggedDate", std::int64_t{0}) < b.value("loggedDate", std::int64_t{0});
  });
  for (const auto& request : requests) {
    HookMessage message;
    const nlohmann::json headers = request.value("headers", nlohmann::json::object());
    for (const auto& [name, value] : headers.items()) {
      if (name == "Idempotency-Key" || name == "idempotency-key") message.key = value.get<std::string>();
    }
    message.body = request.value("body", std::string());
    const auto document = nlohmann::json::parse(message.body, nullptr, false);
    if (document.is_object()) {
      for (const auto& alert : document.value("alerts", nlohmann::json::array())) {
        message.alerts[alert.value("id", std::string())] = alert.value("state", std::string());
      }
    }
    out.push_back(std::move(message));
  }
  return out;
}

// What a receiver that dedupes by Idempotency-Key ends up believing: the messages once each
// (first arrival order), and per alert the state of the last message that named it.
struct ReceiverView {
  std::vector<HookMessage> distinct;
  std::map<std::string, std::string> last_state;
  std::vector<std::string> conflicts;  // keys that came with two different bodies
  [[nodiscard]] std::set<std::string> open() const {
    std::set<std::string> ids;
    for (const auto& [id, state] : last_state) {
      if (state != "resolved") ids.insert(id);
    }
    return ids;
  }
};

inline ReceiverView receiverView(const std::vector<HookMessage>& received) {
  ReceiverView view;
  std::map<std::string, std::string> body_of;
  for (const auto& message : received) {
    auto [it, fresh] = body_of.emplace(message.key, message.body);
    if (!fresh) {
      if (it->second != message.body) view.conflicts.push_back(message.key);
      continue;
    }
    view.distinct.push_back(message);
    for (const auto& [id, state] : message.alerts) view.last_state[id] = state;
  }
  return view;
}

inline constexpr const char* kUnit = "91350100M000100Y43";

// A valid citizen id for person number `n` (born on one of 10,000 days from 1970, in Hailar).
inline std::string personId(std::size_t n) {
  const model::Date born = model::Date::fromYmd(1970, 1, 1).plusDays(static_cast<std::int32_t>(n % 10'000));
  const std::string date = model::formatDate(born);
  const std::string first17 =
      fmt::format("150702{}{}{}{:03}", date.substr(0, 4), date.substr(5, 2), date.substr(8, 2), (n / 10'000) % 1000);
  return first17 + model::citizenIdCheckChar(first17);
}

// Payroll rows [first, first + rows) for distinct (person, month) pairs of one unit, no header.
inline std::string payrollRows(std::size_t first, std::size_t rows) {
  std::string out;
  for (std::size_t i = first; i < first + rows; ++i) {
    out += fmt::format("{},{},2025-{:02},full,8500.00\n", personId(i / 12), kUnit, 1 + i % 12);
  }
  return out;
}

inline constexpr const char* kPayrollHeader = "person_id,unit_id,month,funding,gross\n";

// Puts a file into a drop folder the way an export job must: written aside, renamed into place.
inline void dropFile(const std::filesystem::path& folder, const std::string& name, const std::string& content) {
  std::filesystem::create_directories(folder);
  std::ofstream(folder / ("." + name + ".part"), std::ios::binary) << content;
  std::filesystem::rename(folder / ("." + name + ".part"), folder / name);
}

inline std::size_t csvFilesIn(const std::filesystem::path& folder) {
  std::size_t count = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".csv" && entry.path().filename().string()[0] != '.') {
      ++count;
    }
  }
  return count;
}

inline std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t count = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++count;
  return count;
}

// The lines of `text` that contain `what`.
inline std::vector<std::string> linesWith(const std::string& text, const std::string& what) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.find(what) != std::string::npos) out.push_back(line);
  }
  return out;
}

// Whether the daemon's log shows an evaluation after the last batch that brought records: the
// findings then include everything ingested. (Findings that read the same twice in a row do not
// say so: the evaluation after a sync waits a second to take in the syncs that land with it.)
inline bool evaluatedAfterLastBatch(const std::string& log) {
  std::size_t line_no = 0;
  std::size_t last_batch = 0;
  std::size_t last_evaluation = 0;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    ++line_no;
    if (line.find("evaluation as of") != std::string::npos) last_evaluation = line_no;
    const auto connector = line.find(" connector ");
    const auto records = line.find(" records (");
    if (connector == std::string::npos || records == std::string::npos || records < connector) continue;
    const auto count_at = line.rfind(' ', records - 1);
    if (count_at != std::string::npos && line.compare(count_at, records - count_at, " 0") != 0) last_batch = line_no;
  }
  return last_evaluation > last_batch;
}

// How many rows of `table` the ledger holds (read-only, beside a running daemon); -1 on error.
inline std::int64_t ledgerRows(const std::filesystem::path& db_path, const std::string& table) {
  return ledgerDigest(db_path).count(table);
}

// The ids of the notices in the ledger's outbox, and which of them ended answered by their
// target before they were ever sent (state completed, never delivered).
struct NoticeOutbox {
  std::set<std::string> written;
  std::set<std::string> answered_unsent;
  std::string error;
};

inline NoticeOutbox noticeOutbox(const store::Location& where) {
  NoticeOutbox out;
  std::vector<std::string> row;
  out.error = eachStoredRow(
      where, "SELECT id, CASE WHEN state = 'completed' AND delivered_at IS NULL THEN 1 ELSE 0 END FROM notices",
      [&](int, const std::string& value) { row.push_back(value); },
      [&] {
        out.written.insert(row[0]);
        if (row[1] == "1") out.answered_unsent.insert(row[0]);
        row.clear();
      });
  return out;
}

inline std::string integrityCheck(const std::filesystem::path& db_path) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &statement, nullptr) == SQLITE_OK) {
      while (sqlite3_step(statement) == SQLITE_ROW) {
        out += reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
      }
    }
    sqlite3_finalize(statement);
  } else {
    out = "cannot open";
  }
  sqlite3_close(db);
  return out;
}

inline bool outboxEmpty(const FaultDaemonConfig& config) {
  const std::string metrics = apiMetrics(config);
  if (metrics.empty()) return false;
  std::istringstream in(metrics);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("staffchain_outbox_pending{", 0) == 0 && line.substr(line.rfind(' ') + 1) != "0") return false;
    // Notices still waiting for their sink (a retry after a restart) are not settled either.
    if (line.rfind("staffchain_notices{state=\"pending\"", 0) == 0 && line.substr(line.rfind(' ') + 1) != "0") {
      return false;
    }
  }
  return true;
}

// Waits until the daemon has consumed every drop file, its outbox and notice outbox are empty and the receiver's
// journal has not grown for three seconds (grouping windows are one second long).
inline bool waitSettled(const FaultDaemonConfig& config, const std::vector<std::filesystem::path>& inboxes,
                        WireMockPeer* hook, const std::string& hook_path, std::chrono::milliseconds limit) {
  std::size_t last_count = static_cast<std::size_t>(-1);
  int quiet_polls = 0;
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    bool busy = !outboxEmpty(config);
    for (const auto& inbox : inboxes) busy = busy || csvFilesIn(inbox) > 0;
    std::size_t count = hook != nullptr ? hookMessages(*hook, hook_path).size() : 0;
    if (config.notice_sink) count += 100'000 * sinkNotices(config.dir / "outbound").size();
    if (busy || count != last_count) {
      quiet_polls = 0;
      last_count = count;
      continue;
    }
    if (++quiet_polls >= 6) return true;
  }
  return false;
}

// The daemon on a configuration, its output into `log`.
inline ChildProcess startDaemon(const std::filesystem::path& config_file, const std::filesystem::path& log) {
  return ChildProcess({binary("staffchaind").string(), "--config", config_file.string()}, log);
}

inline bool waitReady(const FaultDaemonConfig& config, ChildProcess& daemon) {
  return waitFor(
             [&] {
               auto answer = httpRequest("GET", config.base() + "/healthz", "", {}, std::chrono::seconds(1));
               return answer.ok() && answer->status == 200;
             },
             std::chrono::seconds(60)) &&
         daemon.output().find("staffchaind started") != std::string::npos;
}

inline void stopDaemon(ChildProcess& daemon) {
  daemon.signal(SIGTERM);
  EXPECT_EQ(daemon.wait(std::chrono::seconds(30)), 0) << daemon.output();
}

}  // namespace staffchain::testing
