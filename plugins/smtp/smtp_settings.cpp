#include "smtp_settings.hpp"

#include <algorithm>

namespace staffchain::smtp {

bool isMailAddress(std::string_view address) {
  const auto at = address.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size() || address.size() > 254) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  return std::none_of(address.begin(), address.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '(' ||
           c == ')' || c == '[' || c == ']' || c == '\\';
  });
}

namespace {

std::vector<std::string> readAddresses(plugin::ConfigReader& config, std::string_view key, bool& fatal) {
  auto list = config.stringArray(key);
  if (!list) return {};
  for (const auto& address : *list) {
    if (!isMailAddress(address)) {
      config.fail(key, "\"" + address + "\" is not an e-mail address (write only local@domain, no display name)");
      fatal = true;
    }
  }
  return *list;
}

}  // namespace

std::optional<SmtpSettings> readSmtpSettings(plugin::ConfigReader& config) {
  SmtpSettings settings;
  bool fatal = false;

  if (auto url = config.requiredString("url")) {
    if (url->rfind("smtp://", 0) != 0 && url->rfind("smtps://", 0) != 0) {
      config.fail("url", "expected an smtp:// or smtps:// URL");
      fatal = true;
    } else {
      settings.url = *url;
    }
  } else {
    fatal = true;
  }
  if (config.has("starttls")) {
    auto mode = config.choice("starttls", {"required", "optional", "off"});
    if (!mode)
      fatal = true;
    else
      settings.starttls = *mode == "off"        ? StartTls::off
                          : *mode == "optional" ? StartTls::optional
                                                : StartTls::required;
  }
  settings.username = config.string("username", "");
  settings.password_reference = config.secret("password");
  if (config.has("password") && !settings.password_reference) fatal = true;
  if (settings.password_reference && settings.username.empty()) {
    config.fail("password", "a password needs a username");
    fatal = true;
  }
  const bool plaintext = settings.url.rfind("smtp://", 0) == 0 && settings.starttls != StartTls::required;
  if (settings.password_reference && plaintext) {
    config.fail("password", "would be sent without TLS: use smtps:// or starttls = \"required\"");
    fatal = true;
  }

  if (auto from = config.requiredString("from")) {
    if (!isMailAddress(*from)) {
      config.fail("from", "\"" + *from + "\" is not an e-mail address (put a display name in from_name)");
      fatal = true;
    } else {
      settings.from = *from;
    }
  } else {
    fatal = true;
  }
  if (auto name = config.string("from_name")) {
    if (name->find_first_of("\r\n") != std::string::npos) {
      config.fail("from_name", "cannot contain a line break");
      fatal = true;
    } else {
      settings.from_name = *name;
    }
  }
  if (!config.has("to")) {
    config.missing("to");
    fatal = true;
  }
  settings.to = readAddresses(config, "to", fatal);
  if (config.has("to") && settings.to.empty() && !fatal) {
    config.fail("to", "needs at least one address");
    fatal = true;
  }
  settings.cc = readAddresses(config, "cc", fatal);
  if (auto domain = config.string("message_id_domain")) {
    if (domain->empty() || !isMailAddress("x@" + *domain)) {
      config.fail("message_id_domain", "\"" + *domain + "\" is not a domain name");
      fatal = true;
    } else {
      settings.message_id_domain = *domain;
    }
  }
  if (settings.message_id_domain.empty() && !settings.from.empty()) {
    settings.message_id_domain = settings.from.substr(settings.from.find('@') + 1);
  }
  settings.connection = plugin::HttpConnection::read(config, plugin::HttpKeys::notifier, std::chrono::seconds(30),
                                                     std::chrono::seconds(10));

  if (fatal) return std::nullopt;
  return settings;
}

}  // namespace staffchain::smtp
