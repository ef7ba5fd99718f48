// The notice outbox's tables (notices and their history), owned by the ledger: their schema is
// among the ledger's migrations, and their SQL is all in one file (ledger/notice_outbox.cpp).
//
// The ledger writes a batch's notices in the batch's own transaction (LedgerBatch::notices), so
// that a crash never keeps a movement without its notices. Everything after that goes through
// NoticeOutbox: delivery outcomes, tracking states and history, on a connection of its own
// (propagation::NoticeStore holds one; it decides when and why, the outbox stores it).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::store {
class Database;
}

namespace staffchain::ledger {

// States a notice moves through: pending -> delivered -> completed; overdue once its deadline
// passes without the expected record; dry_run when its sink only logs.
inline constexpr std::string_view kNoticeStates[] = {"pending", "delivered", "completed", "overdue", "dry_run"};

// Times in these structures are UTC, "2026-05-01T08:00:00Z" (model::formatUtcTime), as the API
// shows them; the tables keep them to the millisecond (sqlite/stored_time.hpp).
struct NoticeEvent {
  std::string at;
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
  std::string deadline;  // YYYY-MM-DD
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

class NoticeOutbox {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Opens the ledger file the notices were written to; the ledger creates and migrates it.
  static Result<std::unique_ptr<NoticeOutbox>> open(const store::Location& ledger);
  ~NoticeOutbox();
  NoticeOutbox(const NoticeOutbox&) = delete;
  NoticeOutbox& operator=(const NoticeOutbox&) = delete;
  NoticeOutbox(NoticeOutbox&&) = delete;
  NoticeOutbox& operator=(NoticeOutbox&&) = delete;

  // Oldest first, at most filter.limit.
  Result<std::vector<StoredNotice>> list(const NoticeFilter& filter);
  // The persons any notice is about (read from the person index alone).
  Result<std::set<std::string, std::less<>>> personsWithNotices();
  Result<std::optional<StoredNotice>> find(const std::string& id);
  // Not yet delivered, not completed, and due for an attempt at `now`, earliest due first.
  Result<std::vector<StoredNotice>> due(TimePoint now, std::size_t limit);
  // When the earliest undelivered notice is next due; nullopt when none waits.
  Result<std::optional<TimePoint>> nextAttempt();
  // Pending, delivered or overdue: waiting for the expected record, oldest first.
  Result<std::vector<StoredNotice>> waiting();
  // Pending or delivered, with a deadline before `today`: (id, deadline).
  Result<std::vector<std::pair<std::string, std::string>>> pastDeadline(model::Date today);
  // The stored notices through the same sink of the same action for the same person at the same
  // unit as `planned`, oldest first: their ids and fields only.
  Result<std::vector<StoredNotice>> alike(const OutboxNotice& planned);

  // Each changes one notice and adds the event to its history at `at`, in one transaction; a
  // notice of that id in a state that does not allow the change is an error that says so.
  // A delivery (or, with `duplicate`, the target already had it) ends the attempts.
  Result<void> delivered(const std::string& id, const std::string& answer, bool duplicate, TimePoint at);
  Result<void> failed(const std::string& id, const std::string& error, TimePoint next_attempt, TimePoint at);
  Result<void> dryRun(const std::string& id, const std::string& description, TimePoint at);
  Result<void> complete(const std::string& id, const std::string& how, TimePoint at);
  Result<void> overdue(const std::string& id, const std::string& why, TimePoint at);

  // Oldest first.
  Result<std::vector<NoticeEvent>> history(const std::string& id);
  // Every state of kNoticeStates, with 0 for those no notice is in.
  Result<std::map<std::string, std::size_t>> countByState();

 private:
  explicit NoticeOutbox(std::unique_ptr<store::Database> db);
  Result<void> transition(const std::string& id, const std::string& sql, const std::vector<std::string>& binds,
                          TimePoint at, std::string_view event, const std::string& detail, std::string_view what);
  template <typename Row>
  Result<void> query(const std::string& sql, const std::vector<std::string>& binds, std::string_view what, Row row);
  Result<std::vector<StoredNotice>> notices(const std::string& sql, const std::vector<std::string>& binds,
                                            std::string_view what);

  std::unique_ptr<store::Database> db_;
};

}  // namespace staffchain::ledger
