// AlertSettings: what the alert manager takes from the configuration (routes, receivers, delivery).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "staffchain/alerts/route_settings.hpp"
#include "staffchain/model/records.hpp"
#include "staffchain/model/time_zone.hpp"

namespace staffchain::alerts {

// default: every alert with its summary, unit, person (masked), date and id.
// compact: one short line per alert, for channels read on a phone.
enum class MessageTemplate : std::uint8_t { full, compact };

std::string_view toString(MessageTemplate value) noexcept;
// "default" and "full" name the full template; "compact" the short one.
std::optional<MessageTemplate> parseMessageTemplate(std::string_view text) noexcept;

// How one receiver (a notifier instance) takes messages. The sizes and rates come from the
// notifier plugin (maxMessageBytes, messagesPerMinute); the template from its table.
struct ReceiverProfile {
  std::string name;
  std::size_t max_message_bytes = 4096;
  std::size_t messages_per_minute = 0;  // 0: no limit
  MessageTemplate message_template = MessageTemplate::full;
};

struct DeliveryPolicy {
  std::chrono::milliseconds initial_backoff{std::chrono::seconds(10)};
  std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
  // A message handed out and never reported (a crash mid-send) is handed out again after this.
  std::chrono::milliseconds lease{std::chrono::minutes(5)};
  // LINK-003 is raised for a receiver after this many failures in a row, or once it has been
  // failing this long, whichever comes first; it resolves on the next delivery.
  std::int64_t link_after_failures = 3;
  std::chrono::milliseconds link_after{std::chrono::minutes(15)};
};

struct AlertSettings {
  Route route;
  std::map<std::string, ReceiverProfile> receivers;          // by name; messages to others wait in the outbox
  std::map<std::string, model::SourceRole> connector_roles;  // what route `role` matches on
  DeliveryPolicy delivery;
  // Times in messages are shown in this zone, with its offset ([daemon] timezone).
  model::TimeZone zone;
  std::string ack_command = "staffchainctl ack";  // shown under each message, followed by an id
  // The longest silence an operator may set ([alerts] max_silence).
  std::chrono::milliseconds max_silence{std::chrono::days(90)};
};

}  // namespace staffchain::alerts
