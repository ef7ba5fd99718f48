// HttpConnection: how a plugin reaches its remote server (timeouts and TLS), read from its table
// in one place so that every HTTP plugin spells, defaults and checks these keys alike.
#pragma once

#include <string>

#include "staffchain/plugin/config_reader.hpp"
#include "staffchain/plugin/http_client.hpp"

namespace staffchain::plugin {

// Where a table keeps the connection keys. Two spellings are in use, and both stay: operators'
// files already hold them.
enum class HttpKeys {
  // A notifier's table: `timeout`, `connect_timeout`, `verify_tls`, `ca_file`.
  notifier,
  // A connector's or a sink's table, where `timeout` is the host's own key (its bound on one pull
  // or delivery): `tls = { verify, ca_file }`, then `request_timeout` and `connect_timeout`.
  connector,
};

struct HttpConnection {
  Duration timeout{30'000};  // the whole exchange: `timeout`, or a connector's `request_timeout`
  Duration connect_timeout{10'000};
  bool verify_tls = true;
  std::string ca_file;  // a PEM bundle; empty: the system's authorities

  // Reads the keys `keys` names, in that order, reporting each problem into `config`; a key that
  // is absent or wrong keeps its default. The two timeouts' defaults are the plugin's own, since
  // a chat robot answers in seconds where a mail server or an API page may take longer.
  static HttpConnection read(ConfigReader& config, HttpKeys keys, Duration default_timeout,
                             Duration default_connect_timeout);

  // Sets the request's timeouts and TLS settings, leaving the rest of it as it is.
  void applyTo(HttpRequest& request) const;
};

}  // namespace staffchain::plugin
