// NoticeStore: propagation's view of the notice outbox in the ledger file: due notices, their
// delivery outcomes, tracking states and each notice's history, on propagation's clock. It
// decides when and why a notice changes (retries, deadlines, which stored notice a planned one
// is); the tables and every statement on them are the ledger's (ledger/notice_outbox.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/ledger/ledger.hpp"
#include "staffchain/ledger/notice_outbox.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::propagation {

using SystemClock = std::chrono::system_clock;

// The outbox's records, as the ledger that owns the tables keeps them.
using ledger::kNoticeStates;
using ledger::NoticeEvent;
using ledger::NoticeFilter;
using ledger::StoredNotice;

class NoticeStore {
 public:
  using Clock = std::function<SystemClock::time_point()>;

  // Opens the ledger file the notices were written to (the ledger creates and migrates it).
  static Result<std::unique_ptr<NoticeStore>> open(const store::Location& ledger_path, Clock clock = {});
  ~NoticeStore();
  NoticeStore(const NoticeStore&) = delete;
  NoticeStore& operator=(const NoticeStore&) = delete;

  Result<std::vector<StoredNotice>> list(const NoticeFilter& filter);
  // The persons any notice is about.
  Result<std::set<std::string, std::less<>>> personsWithNotices();
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
  NoticeStore(std::unique_ptr<ledger::NoticeOutbox> outbox, Clock clock);
  [[nodiscard]] SystemClock::time_point now() const;

  std::unique_ptr<ledger::NoticeOutbox> outbox_;
  Clock clock_;
};

}  // namespace staffchain::propagation
