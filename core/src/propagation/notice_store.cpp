#include "staffchain/propagation/notice_store.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "staffchain/propagation/notice_planner.hpp"

namespace staffchain::propagation {

Result<std::unique_ptr<NoticeStore>> NoticeStore::open(const store::Location& ledger_path, Clock clock) {
  auto outbox = ledger::NoticeOutbox::open(ledger_path);
  if (!outbox) return std::move(outbox).error();
  return std::unique_ptr<NoticeStore>(new NoticeStore(std::move(outbox.value()), std::move(clock)));
}

NoticeStore::NoticeStore(std::unique_ptr<ledger::NoticeOutbox> outbox, Clock clock)
    : outbox_(std::move(outbox)), clock_(std::move(clock)) {}
NoticeStore::~NoticeStore() = default;

SystemClock::time_point NoticeStore::now() const {
  return clock_ ? clock_() : SystemClock::now();
}

Result<std::vector<StoredNotice>> NoticeStore::list(const NoticeFilter& filter) {
  return outbox_->list(filter);
}

Result<std::set<std::string, std::less<>>> NoticeStore::personsWithNotices() {
  return outbox_->personsWithNotices();
}

Result<std::optional<StoredNotice>> NoticeStore::find(const std::string& id) {
  return outbox_->find(id);
}

Result<std::vector<StoredNotice>> NoticeStore::due(std::size_t limit) {
  return outbox_->due(now(), limit);
}

Result<std::optional<SystemClock::time_point>> NoticeStore::nextAttempt() {
  return outbox_->nextAttempt();
}

Result<std::vector<StoredNotice>> NoticeStore::open() {
  return outbox_->waiting();
}

Result<void> NoticeStore::delivered(const std::string& id, const std::string& answer, bool duplicate) {
  return outbox_->delivered(id, answer, duplicate, now());
}

Result<void> NoticeStore::failed(const std::string& id, const std::string& error, std::chrono::milliseconds retry_in) {
  const auto at = now();
  return outbox_->failed(id, error, at + retry_in, at);
}

Result<void> NoticeStore::dryRun(const std::string& id, const std::string& description) {
  return outbox_->dryRun(id, description, now());
}

Result<void> NoticeStore::complete(const std::string& id, const std::string& how) {
  return outbox_->complete(id, how, now());
}

Result<std::size_t> NoticeStore::markOverdue(model::Date today) {
  auto late = outbox_->pastDeadline(today);
  if (!late) return std::move(late).error();
  for (const auto& [id, deadline] : late.value()) {
    auto marked = outbox_->overdue(id, fmt::format("deadline {} passed without the expected record", deadline), now());
    if (!marked) return std::move(marked).error();
  }
  return late->size();
}

Result<std::size_t> NoticeStore::adoptStoredIds(std::vector<ledger::OutboxNotice>& planned) {
  std::size_t adopted = 0;
  for (auto& notice : planned) {
    const auto action = parseNoticeAction(notice.action);
    if (!action) continue;
    auto alike = outbox_->alike(notice);
    if (!alike) return std::move(alike).error();
    // The key is recomputed from what each stored notice carries, so a notice of any earlier
    // version is recognised by what it is about, not by how its id was made.
    std::optional<std::string> stored_id;
    for (auto& stored : alike.value()) {
      const auto stay = model::parseDate(stored.field("effective_on"));
      if (stay && noticeKey(notice.person_id, notice.unit_id, *action, *stay, notice.sink) == notice.id) {
        stored_id = std::move(stored.id);
        break;
      }
    }
    if (!stored_id || *stored_id == notice.id) continue;
    notice.id = *stored_id;
    auto fields = nlohmann::json::parse(notice.fields_json, nullptr, false);
    if (fields.is_array()) {
      for (auto& pair : fields) {
        if (pair.is_array() && pair.size() == 2 && pair[0] == "notice_id") pair[1] = notice.id;
      }
      notice.fields_json = fields.dump();
    }
    ++adopted;
  }
  return adopted;
}

Result<std::vector<NoticeEvent>> NoticeStore::history(const std::string& id) {
  return outbox_->history(id);
}

Result<std::map<std::string, std::size_t>> NoticeStore::countByState() {
  return outbox_->countByState();
}

}  // namespace staffchain::propagation
