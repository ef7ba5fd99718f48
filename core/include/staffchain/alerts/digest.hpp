// Digest: one group's news for one receiver, rendered (Chinese first) and split into parts.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "staffchain/alerts/alert.hpp"
#include "staffchain/alerts/alert_settings.hpp"
#include "staffchain/plugin/notifier.hpp"

namespace staffchain::alerts {

enum class DigestKind : std::uint8_t {
  update,      // new, resolved or silence-expired alerts
  repeat,      // nothing changed, still firing after repeat_interval
  escalation,  // not acknowledged within escalate_after: to the next receiver
};

struct Digest {
  DigestKind kind = DigestKind::update;
  std::string receiver;
  std::string group_key;
  std::int64_t sequence = 0;                                // the group's message number: part of every idempotency key
  std::vector<std::pair<std::string, std::string>> labels;  // group_by label and value
  TimePoint at{};
  std::vector<const Alert*> opened;           // new to this receiver
  std::vector<const Alert*> silence_expired;  // a silence ran out while they still fire
  std::vector<const Alert*> still_firing;     // listed in repeats, counted otherwise
  std::vector<const Alert*> resolved;
  std::size_t silenced = 0;                      // members held back by a silence
  std::map<std::string, std::size_t> inhibited;  // held back, per down or stale connector
  // For LINK alerts listed: how many alerts their connector holds back now.
  std::map<std::string, std::size_t> held_by_connector;
};

// The parts of one digest, each within profile.max_message_bytes (markdown and text) and cut
// only between lines; citizen ids masked in every human-readable form. Idempotency keys are
// receiver + group + sequence + content hash + part.
std::vector<plugin::Notification> renderDigest(const Digest& digest, const ReceiverProfile& profile,
                                               const AlertSettings& settings);

}  // namespace staffchain::alerts
