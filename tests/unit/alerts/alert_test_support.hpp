// Helpers shared by the alert tests: findings, a scripted clock, a scratch store. The tests that
// open their store through ScratchDir are built twice: once on an SQLite file, and once with
// STAFFCHAIN_TEST_ON_POSTGRES on a fresh PostgreSQL database each (the conformance of the alert
// store on both backends).
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "staffchain/alerts/alert_manager.hpp"
#include "staffchain/chain/finding.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/store/database.hpp"
#ifdef STAFFCHAIN_TEST_ON_POSTGRES
#include "shared_postgres.hpp"
#endif

namespace staffchain::alerts::testing {

inline TimePoint at(int minutes) {
  // 2024-05-06 00:00 UTC (08:00 in Beijing), a Monday morning.
  return TimePoint(std::chrono::sys_days(std::chrono::year{2024} / 5 / 6)) + std::chrono::minutes(minutes);
}

inline chain::Finding finding(const std::string& rule, chain::Severity severity, const std::string& unit,
                              const std::string& person, const std::string& source = "payroll") {
  chain::Finding f;
  f.rule = rule;
  f.severity = severity;
  if (!unit.empty()) f.unit_id = model::UnitId::fromValid(unit);
  if (!person.empty()) f.person_id = model::PersonId::fromValid(person);
  f.since = model::Date::fromYmd(2024, 3, 1);
  f.summary_zh = "人员 " + person + " 在 " + unit + " 违规";
  f.summary_en = "person " + person + " at " + unit;
  chain::EvidenceItem item;
  item.source = source;
  item.record_type = "payroll";
  item.record_id = person;
  f.evidence.push_back(item);
  f.fingerprint = chain::makeFingerprint(rule, {unit, person});
  return f;
}

// A person id that passes for a citizen id in masking (18 digits).
inline std::string person(int n) {
  return "1507021980" + std::to_string(10000000 + n).substr(0, 8);
}
// A valid unit credit code (its check character computed) in that region.
inline std::string unit(int n, const std::string& region = "150702") {
  const std::string first17 = "12" + region + "MB" + std::to_string(10000000 + n).substr(1, 7);
  return first17 + model::creditCodeCheckChar(first17);
}

inline RegionLookup regions() {
  return [](const std::string& unit_id) { return unit_id.substr(2, 6); };
}

class ScratchDir {
 public:
  ScratchDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            (std::string("staffchain-alerts-") + info->test_suite_name() + "-" + info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  // The store the test's alert manager keeps its tables in.
  [[nodiscard]] store::Location ledger() { return another("ledger"); }
  // Another store of this test, by name: a second file here, or a second database.
  [[nodiscard]] store::Location another(const std::string& name) {
    store::Location where(path_ / (name + ".db"));
#ifdef STAFFCHAIN_TEST_ON_POSTGRES
    auto& database = databases_[name];
    if (database.url.empty()) {
      if (auto* server = staffchain::testing::sharedPostgres())
        database = staffchain::testing::freshDatabase(*server, "alerts");
    }
    where.postgres = database;
#endif
    return where;
  }
  // The scratch folder itself, for what is a file whatever the store.
  [[nodiscard]] const std::filesystem::path& path() const {
    return path_;
  }

 private:
  std::filesystem::path path_;
#ifdef STAFFCHAIN_TEST_ON_POSTGRES
  std::map<std::string, store::PostgresTarget> databases_;
#endif
};

inline AlertSettings settingsFor(std::vector<std::string> receivers) {
  AlertSettings settings;
  settings.route.receivers = {receivers.front()};
  settings.route.group_by = {"rule", "region"};
  settings.route.group_wait = std::chrono::seconds(30);
  settings.route.group_interval = std::chrono::minutes(5);
  settings.route.repeat_interval = std::chrono::hours(24);
  for (const auto& name : receivers) {
    ReceiverProfile profile;
    profile.name = name;
    profile.max_message_bytes = 64 * 1024;
    settings.receivers[name] = profile;
  }
  settings.connector_roles = {{"payroll", model::SourceRole::finance}, {"roster", model::SourceRole::estab}};
  return settings;
}

// A department's channel: takes what the outbox hands out, or fails while it is down.
struct FakeReceiver {
  bool down = false;
  std::map<std::string, int> received;  // idempotency key -> times delivered
  std::vector<plugin::Notification> messages;

  int deliver(AlertManager& manager, TimePoint now) {
    auto due = manager.dueMessages(now, 1000);
    EXPECT_TRUE(due.ok()) << (due.ok() ? "" : due.error().message);
    if (!due.ok()) return 0;
    int sent = 0;
    for (const auto& message : *due) {
      if (down) {
        EXPECT_TRUE(manager.failed(message.id, "HTTP 503 from the robot", now).ok());
        continue;
      }
      received[message.notification.idempotency_key]++;
      messages.push_back(message.notification);
      EXPECT_TRUE(manager.delivered(message.id, "{\"errcode\":0}", now).ok());
      ++sent;
    }
    return sent;
  }

  [[nodiscard]] std::vector<plugin::Notification> to(const std::string& receiver) const {
    std::vector<plugin::Notification> out;
    for (const auto& m : messages) {
      if (m.receiver == receiver) out.push_back(m);
    }
    return out;
  }
};

inline SilenceRequest silenceOf(SilenceMatch match, std::string reason, std::string author,
                                std::chrono::milliseconds duration) {
  SilenceRequest request;
  request.match = std::move(match);
  request.reason = std::move(reason);
  request.author = std::move(author);
  request.duration = duration;
  return request;
}

inline Acknowledgement ackBy(std::string who, std::string comment = "", std::string caller = "") {
  return Acknowledgement{std::move(who), std::move(caller), {}, std::move(comment)};
}

inline std::unique_ptr<AlertManager> openManager(const store::Location& ledger, AlertSettings settings) {
  auto opened = AlertManager::open(ledger, std::move(settings));
  EXPECT_TRUE(opened.ok()) << (opened.ok() ? "" : opened.error().message);
  if (!opened.ok()) return nullptr;
  return std::move(opened.value());
}

}  // namespace staffchain::alerts::testing
