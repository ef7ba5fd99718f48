// Notifier: a plugin that delivers one rendered message to a department's channel.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "staffchain/plugin/host_context.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::plugin {

// A file that goes with a message (the quarterly workbook). A channel that carries files (e-mail)
// attaches it; the others send the message alone, and such a message says where to fetch the file.
struct Attachment {
  std::string name;          // the file name the receiver sees, UTF-8 ("2026年第四季度….xlsx")
  std::string content_type;  // "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
  std::string bytes;         // the file's content, binary
};

// One message, rendered by the host in every form a channel may want; citizen ids in the
// human-readable forms are already masked. A long message arrives split into parts, each
// within the channel's maxMessageBytes() and with its own idempotency key.
struct Notification {
  std::string idempotency_key;          // stable across retries; receivers that support it dedupe on it
  std::string receiver;                 // the notifier instance name from the configuration
  std::string title;                    // short, for subjects and titles
  std::string markdown;                 // body for chat robots
  std::string text;                     // plain-text body
  std::string html;                     // HTML body (e-mail)
  std::string json;                     // a structured JSON document of the same message
  std::string severity;                 // the most severe finding in it: critical, major, minor (or empty)
  std::vector<std::string> alert_ids;   // the alerts it is about, for acknowledgement
  std::size_t part = 1;                 // this part's number, 1-based
  std::size_t parts = 1;                // how many parts the message was split into
  std::vector<Attachment> attachments;  // files that go with it; never split across parts
};

struct DeliveryReceipt {
  std::string detail;  // what the receiver answered, for the delivery history
};

class Notifier {
 public:
  virtual ~Notifier() = default;
  // Failures are results; not noexcept for the same reason as SourceConnector::pull.
  virtual Result<DeliveryReceipt> send(const Notification& message, const CancelToken& cancel) = 0;
  // The largest body the channel takes (bytes of the form it sends: markdown for robots);
  // longer messages are split by the host.
  [[nodiscard]] virtual std::size_t maxMessageBytes() const noexcept { return 64 * 1024; }
  // How many messages the channel accepts per minute (WeCom and DingTalk robots: 20); 0 for
  // no limit. The host's outbox paces deliveries to it.
  [[nodiscard]] virtual std::size_t messagesPerMinute() const noexcept { return 0; }
};

}  // namespace staffchain::plugin
