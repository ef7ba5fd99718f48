// API settings: the [api] table (where the daemon's HTTP API listens, who may use it) and its reader.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
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

// The web console ([console]): its pages under /ui/ on the API's listener, and the sessions a
// person signs in to with an API token (a cookie in place of the bearer header).
struct ConsoleSettings {
  bool enabled = true;  // served whenever the API is, unless [console] enabled = false
  // The console's files; empty: share/staffchain/ui beside the binary's folder, else the installed one.
  std::filesystem::path files;
  std::chrono::milliseconds session_idle = std::chrono::minutes(30);  // a session unused this long ends
  std::chrono::milliseconds session_max = std::chrono::hours(12);     // and every session ends this long after sign-in
  // The cookie carries Secure: set it when a TLS proxy fronts [api] listen (the browser then
  // sends the cookie over https only).
  bool secure_cookie = false;
  // Failed sign-ins one address may make in a minute; more are answered 429 until the minute passes.
  std::size_t sign_in_limit = 5;
  std::size_t max_sessions = 1000;  // sessions held at once; a sign-in beyond them is refused
};

struct ApiSettings {
  bool enabled = false;                   // on when the file has an [api] table (and it does not say enabled = false)
  std::string listen = "127.0.0.1:9464";  // loopback unless an operator opens it
  std::vector<ApiTokenSettings> tokens;
  // Connections served at once; one more is answered 503 with Retry-After (api::ApiServer).
  std::size_t max_connections = 256;
  ConsoleSettings console;  // the [console] table
};

// Reads an [api] table into `api` (its presence turns the API on unless it says enabled =
// false); problems are added to the reader's errors, located. Token secrets are only checked
// to be references here: they are resolved when the daemon starts or reloads.
void readApiSettings(plugin::ConfigReader& reader, ApiSettings& api);
// Reads a [console] table into `console`, problems added to the reader's errors.
void readConsoleSettings(plugin::ConfigReader& reader, ConsoleSettings& console);

}  // namespace staffchain::api
