// API settings: the [api] table (where the daemon's HTTP API listens, who may use it) and its reader.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace staffchain::plugin {
class ConfigReader;
}

namespace staffchain::api {

// Every endpoint but /healthz and /readyz needs a bearer token.
struct ApiTokenSettings {
  std::string name;        // who holds it; shown in the access log
  std::string secret_ref;  // "${ENV}" or "@file:/path", resolved at start and reload
  bool read_write = false;
};

struct ApiSettings {
  bool enabled = false;                   // on when the file has an [api] table (and it does not say enabled = false)
  std::string listen = "127.0.0.1:9464";  // loopback unless an operator opens it
  std::vector<ApiTokenSettings> tokens;
  // Connections served at once; one more is answered 503 with Retry-After (api::ApiServer).
  std::size_t max_connections = 256;
};

// Reads an [api] table into `api` (its presence turns the API on unless it says enabled =
// false); problems are added to the reader's errors, located. Token secrets are only checked
// to be references here: they are resolved when the daemon starts or reloads.
void readApiSettings(plugin::ConfigReader& reader, ApiSettings& api);

}  // namespace staffchain::api
