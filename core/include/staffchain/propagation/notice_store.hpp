// NoticeStore: the notice outbox in the ledger file: due notices, their delivery outcomes,
// tracking states, and each notice's history.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::propagation {

using SystemClock = std::chrono::system_clock;

// States a notice moves through: pending -> delivered -> completed; overdue once its deadline
// passes without the expected record; dry_run when its sink only logs.
inline constexpr std::string_view kNoticeStates[] = {"pending", "delivered", "completed", "overdue", "dry_run"};

struct NoticeEvent {
  std::string at;      // UTC
  std::string event;   // written, delivered, duplicate, failed, dry_run, completed, overdue
  std::string detail;  // what the target answered, the error, or how it completed
};

struct StoredNotice {
  std::string id;
  std::string sink;
  std::string action;
  std::string target_system;
  std::string person_id;
  std::string unit_id;
  std::string deadline;
  std::string state;
  std::string created_at;
  std::string delivered_at;  // empty until delivered
  std::string completed_at;
  std::int64_t attempts = 0;
  std::string next_attempt_at;
  std::string last_error;
  std::string receipt;
  std::vector<std::pair<std::string, std::string>> fields;  // the canonical notice columns

  [[nodiscard]] std::string field(std::string_view name) const;
};

struct NoticeFilter {
  std::string state;   // empty: any
  std::string unit;    // unit credit code
  std::string system;  // target system: estab, org, hr, finance
  std::string person;
  std::size_t limit = 1000;
};

class NoticeStore {
 public:
  using Clock = std::function<SystemClock::time_point()>;

  // Opens the ledger file the notices were written to (the ledger creates their tables).
  static Result<std::unique_ptr<NoticeStore>> open(const std::filesystem::path& ledger_path, Clock clock = {});
  ~NoticeStore();
  NoticeStore(const NoticeStore&) = delete;
  NoticeStore& operator=(const NoticeStore&) = delete;

  Result<std::vector<StoredNotice>> list(const NoticeFilter& filter);
  Result<std::optional<StoredNotice>> find(const std::string& id);
  // Not yet delivered, not completed, and due for an attempt now, oldest first.
  Result<std::vector<StoredNotice>> due(std::size_t limit);
  // When the earliest undelivered notice is next due; nullopt when none waits.
  Result<std::optional<SystemClock::time_point>> nextAttempt();
  // Pending, delivered or overdue: waiting for the expected record.
  Result<std::vector<StoredNotice>> open();

  Result<void> delivered(const std::string& id, const std::string& answer, bool duplicate);
  Result<void> failed(const std::string& id, const std::string& error, std::chrono::milliseconds retry_in);
  Result<void> dryRun(const std::string& id, const std::string& description);
  Result<void> complete(const std::string& id, const std::string& how);
  // Pending and delivered notices whose deadline is before `today` become overdue.
  Result<std::size_t> markOverdue(model::Date today);

  // Gives each planned notice the id of a stored notice of the same key (sink, action, person,
  // unit and stay, see noticeKey) when one is stored under another id: written by an older
  // staffchain, whose ids hashed the movement id, or made by a different record of the same
  // stay. The ledger then leaves it as it is, so an upgrade or a second source of one fact
  // sends nothing twice. Returns how many took a stored id.
  Result<std::size_t> adoptStoredIds(std::vector<ledger::OutboxNotice>& planned);

  Result<std::vector<NoticeEvent>> history(const std::string& id);
  Result<std::map<std::string, std::size_t>> countByState();

 private:
  class Connection;
  explicit NoticeStore(std::unique_ptr<Connection> connection);
  Result<void> transition(const std::string& id, const std::string& sql, std::vector<std::string> binds,
                          const std::string& event, const std::string& detail, std::string_view what);
  std::unique_ptr<Connection> connection_;
};

}  // namespace staffchain::propagation
