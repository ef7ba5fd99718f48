// The smtp notifier's configuration, read and checked from its TOML table.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/support/http_connection.hpp"

namespace staffchain::smtp {

enum class StartTls { required, optional, off };

struct SmtpSettings {
  std::string url;                         // smtp://host:port or smtps://host:port
  StartTls starttls = StartTls::required;  // smtp:// only; smtps:// is TLS from the start
  std::string username;
  std::optional<std::string> password_reference;  // a secret reference
  std::string from;
  std::string from_name;
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string message_id_domain;      // default: the domain of `from`
  plugin::HttpConnection connection;  // timeout, connect_timeout, verify_tls, ca_file: as the HTTP notifiers
};

// Reads every key, reporting each problem into `config`; nullopt when one is fatal.
std::optional<SmtpSettings> readSmtpSettings(plugin::ConfigReader& config);

// A bare address "local@domain" with nothing that could break a header or an SMTP command.
bool isMailAddress(std::string_view address);

}  // namespace staffchain::smtp
