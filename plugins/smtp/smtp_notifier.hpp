// SmtpNotifier: one alert e-mail per message, through libcurl's SMTP client.
#pragma once

#include <string>

#include "smtp_settings.hpp"
#include "staffchain/plugin/notifier.hpp"
#include "staffchain/plugin/result.hpp"

namespace staffchain::smtp {

class SmtpNotifier final : public plugin::Notifier {
 public:
  SmtpNotifier(SmtpSettings settings, std::string password, plugin::HostContext& host);

  Result<plugin::DeliveryReceipt> send(const plugin::Notification& message, const plugin::CancelToken& cancel) override;
  // Mail has no practical size limit for alerts; the host's default applies.

  // The message text for `message`, dated `date`.
  [[nodiscard]] std::string render(const plugin::Notification& message,
                                   std::chrono::system_clock::time_point date) const;

 private:
  SmtpSettings settings_;
  std::string password_;
  plugin::HostContext& host_;
};

}  // namespace staffchain::smtp
