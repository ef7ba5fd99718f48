#include "staffchain/api/api_settings.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <optional>

#include "staffchain/plugin/config_reader.hpp"

namespace staffchain::api {
namespace {

using plugin::ConfigReader;

// What is wrong with an api.listen value, if anything: an IP address (IPv6 in brackets) and a
// port, as the API server binds it — a host name is not looked up.
std::optional<std::string> listenAddressProblem(const std::string& address) {
  const auto colon = address.rfind(':');
  if (colon == std::string::npos) return "expected IP:PORT, e.g. \"127.0.0.1:9464\"";
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535) {
    return fmt::format("\"{}\": the port must be a number from 0 to 65535", address);
  }
  const bool bracketed = host.size() > 2 && host.front() == '[' && host.back() == ']';
  if (bracketed) host = host.substr(1, host.size() - 2);
  in_addr v4{};
  in6_addr v6{};
  if (!bracketed && inet_pton(AF_INET, host.c_str(), &v4) == 1) return std::nullopt;
  if (bracketed && inet_pton(AF_INET6, host.c_str(), &v6) == 1) return std::nullopt;
  return fmt::format("\"{}\": the host must be an IP address (\"127.0.0.1\", \"0.0.0.0\", \"[::1]\"), not a name",
                     address);
}

}  // namespace

void readApiSettings(ConfigReader& reader, ApiSettings& api) {
  api.enabled = reader.boolean("enabled", true);
  api.listen = reader.string("listen", api.listen);
  if (auto problem = listenAddressProblem(api.listen)) reader.fail("listen", *problem);
  api.max_connections = static_cast<std::size_t>(
      reader.integer("max_connections", 1, 65536, static_cast<std::int64_t>(api.max_connections)));
  const auto tokens = reader.tableArray("tokens");
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    ConfigReader token(*tokens[i], fmt::format("{}.tokens[{}]", reader.path(), i), reader.errors());
    ApiTokenSettings settings;
    settings.name = token.requiredString("name").value_or("");
    if (!token.has("token")) token.missing("token");
    settings.secret_ref = token.secret("token").value_or("");
    settings.read_write = token.choice("access", {"read", "read-write"}).value_or("read") == "read-write";
    token.finish();
    for (const auto& other : api.tokens) {
      if (!settings.name.empty() && other.name == settings.name) token.fail("name", "names another token too");
    }
    api.tokens.push_back(std::move(settings));
  }
  reader.finish();
}

void readConsoleSettings(ConfigReader& reader, ConsoleSettings& console) {
  console.enabled = reader.boolean("enabled", true);
  if (auto files = reader.filePath("files")) console.files = *files;
  console.session_idle = reader.duration("session_idle", console.session_idle);
  console.session_max = reader.duration("session_max", console.session_max);
  if (console.session_idle > console.session_max) {
    reader.fail("session_idle", "is longer than session_max; a session ends at session_max whatever its use");
  }
  console.secure_cookie = reader.boolean("secure_cookie", console.secure_cookie);
  console.sign_in_limit = static_cast<std::size_t>(
      reader.integer("sign_in_limit", 1, 1000, static_cast<std::int64_t>(console.sign_in_limit)));
  console.max_sessions = static_cast<std::size_t>(
      reader.integer("max_sessions", 1, 100000, static_cast<std::int64_t>(console.max_sessions)));
  reader.finish();
}

}  // namespace staffchain::api
