// AlertStore: reads and writes the alert tables; the manager keeps the working set in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alert_group.hpp"
#include "alert_schema.hpp"
#include "staffchain/alerts/alert.hpp"
#include "staffchain/plugin/notifier.hpp"

namespace staffchain::alerts::detail {

// A pending outbox row, with what the pacing needs.
struct PendingMessage {
  OutboxMessage message;
  std::optional<TimePoint> leased_until;
};

class AlertStore {
 public:
  // The ledger's file, or the PostgreSQL database the location names (its tables created there).
  static Result<std::unique_ptr<AlertStore>> open(const store::Location& ledger);

  Result<void> begin();
  Result<void> commit();
  void rollback();

  Result<std::map<std::string, Alert>> loadAlerts();
  Result<void> saveAlert(const Alert& alert);  // the alert row; its history is appended apart
  // The alert's `seq`th acknowledgement (1-based).
  Result<void> appendAcknowledgement(const std::string& alert_id, std::size_t seq, const Acknowledgement& entry);

  // Every span open at some time in [from, to): opened before `to`, not resolved before `from`;
  // by alert id and opening.
  Result<std::vector<AlertSpan>> spans(TimePoint from, TimePoint to);
  Result<std::vector<SpanMinute>> spanMinutes(TimePoint from);

  Result<std::map<std::string, AlertGroup>> loadGroups();
  Result<void> saveGroup(const AlertGroup& group);   // the group row only
  Result<void> deleteGroup(const std::string& key);  // and its members
  Result<void> saveMember(const std::string& group_key, const GroupMember& member);
  Result<void> deleteMember(const std::string& group_key, const std::string& alert_id);

  Result<std::map<std::string, Silence>> loadSilences();
  Result<std::string> insertSilence(const Silence& silence);  // returns the new id
  Result<void> saveSilence(const Silence& silence);

  Result<std::map<std::string, ReceiverHealth>> loadReceivers();
  Result<void> saveReceiver(const ReceiverHealth& health);

  // False when a message with that idempotency key is already there.
  Result<bool> insertOutbox(const plugin::Notification& notification, const std::string& group_key, TimePoint now);
  Result<std::vector<PendingMessage>> pendingMessages();
  Result<std::optional<OutboxMessage>> outboxMessage(std::int64_t id, bool pending_only);
  Result<std::vector<OutboxMessage>> outbox(bool include_delivered);
  Result<void> leaseMessage(std::int64_t id, TimePoint until, TimePoint now);
  Result<void> markDelivered(std::int64_t id, const std::string& receipt, TimePoint now);
  Result<void> markFailed(std::int64_t id, const std::string& error);
  Result<std::size_t> attemptsSince(const std::string& receiver, TimePoint since);
  Result<void> pruneAttempts(TimePoint before);
  Result<void> releaseLeases();

 private:
  explicit AlertStore(std::unique_ptr<Database> connection) : db_(std::move(connection)) {}
  std::unique_ptr<Database> db_;
};

}  // namespace staffchain::alerts::detail
