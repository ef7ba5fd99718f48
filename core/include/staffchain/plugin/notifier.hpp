// Notifier: a plugin that delivers one rendered message to a department's channel.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

struct Notification {
  std::string idempotency_key;  // stable across retries; receivers that support it dedupe on it
  std::string receiver;         // the notifier instance name from the configuration
  std::string title;            // short, for subjects and titles
  std::string markdown;         // body for chat robots
  std::string text;             // plain-text body
  std::string json;             // a structured JSON document of the same message
  std::vector<std::string> alert_ids;
};

struct DeliveryReceipt {
  std::string detail;  // what the receiver answered, for the delivery history
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Failures are results; not noexcept for the same reason as SourceConnector::pull.
  virtual Result<DeliveryReceipt> send(const Notification& message, const CancelToken& cancel) = 0;
  // The largest body the channel takes; longer messages are split by the host.
  [[nodiscard]] virtual std::size_t maxMessageBytes() const noexcept { return 64 * 1024; }
};

}  // namespace staffchain::plugin
