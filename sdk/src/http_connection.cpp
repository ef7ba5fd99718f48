#include "staffchain/plugin/support/http_connection.hpp"

namespace staffchain::plugin {

HttpConnection HttpConnection::read(ConfigReader& config, HttpKeys keys, Duration default_timeout,
                                    Duration default_connect_timeout) {
  HttpConnection connection;
  if (keys == HttpKeys::notifier) {
    connection.timeout = config.duration("timeout", default_timeout);
    connection.connect_timeout = config.duration("connect_timeout", default_connect_timeout);
    connection.verify_tls = config.boolean("verify_tls", true);
    if (auto ca = config.filePath("ca_file")) connection.ca_file = ca->string();
    return connection;
  }
  // The tls table is read, and finished, before the timeouts: an operator's list of errors keeps
  // the order it had when each plugin read these keys itself.
  if (const toml::table* table = config.subtable("tls")) {
    ConfigReader tls = config.child(*table, "tls");
    connection.verify_tls = tls.boolean("verify", true);
    if (auto ca = tls.filePath("ca_file")) connection.ca_file = ca->string();
    tls.finish();
  }
  connection.timeout = config.duration("request_timeout", default_timeout);
  connection.connect_timeout = config.duration("connect_timeout", default_connect_timeout);
  return connection;
}

void HttpConnection::applyTo(HttpRequest& request) const {
  request.timeout = timeout;
  request.connect_timeout = connect_timeout;
  request.verify_tls = verify_tls;
  request.ca_file = ca_file;
}

}  // namespace staffchain::plugin
