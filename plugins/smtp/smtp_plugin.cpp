// The smtp plugin's entry points: configuration check, password resolution, the descriptor.
#include <curl/curl.h>
#include <fmt/format.h>

#include <mutex>

#include "smtp_notifier.hpp"
#include "staffchain/plugin/descriptor.hpp"

namespace {

using namespace staffchain;
using namespace staffchain::plugin;

void validate(ConfigReader& config) {
  (void)smtp::readSmtpSettings(config);
}

std::unique_ptr<Notifier> create(ConfigReader& config, const CreateArgs& args) {
  auto settings = smtp::readSmtpSettings(config);
  if (!settings) return nullptr;
  std::string password;
  if (settings->password_reference) {
    auto value = args.host.resolveSecret(*settings->password_reference);
    if (!value) {
      config.fail("password", fmt::format("cannot resolve the password: {}", value.error().message));
      return nullptr;
    }
    password = std::move(value.value());
  }
  // libcurl's global set-up is reference-counted and thread-safe since 7.84; once per library is enough.
  static std::once_flag curl_ready;
  static CURLcode curl_init = CURLE_OK;
  std::call_once(curl_ready, [] { curl_init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (curl_init != CURLE_OK) {
    config.fail("url", fmt::format("libcurl could not start: {}", curl_easy_strerror(curl_init)));
    return nullptr;
  }
  return std::make_unique<smtp::SmtpNotifier>(std::move(*settings), std::move(password), args.host);
}

}  // namespace

STAFFCHAIN_NOTIFIER_PLUGIN("smtp", "e-mail over SMTP (STARTTLS or SMTPS), text and HTML parts", &validate, &create)
