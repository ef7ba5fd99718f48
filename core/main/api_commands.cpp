// staffchainctl's day-to-day commands: thin clients of the daemon's HTTP API, with tables for
// people and --json for scripts.
#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "api_client.hpp"
#include "commands.hpp"
#include "staffchain/daemon/progress_text.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin_host/curl_http_client.hpp"

namespace staffchain::ctl {
namespace {

using nlohmann::json;

std::string readToken(const std::string& file) {
  std::ifstream in(file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

}  // namespace

// The client helpers of api_client.hpp, shared with alert_commands.cpp.
Result<ApiClient> clientFrom(std::vector<std::string>& args) {
  ApiClient client;
  if (const char* api = std::getenv("STAFFCHAIN_API")) client.base = api;
  if (const char* token = std::getenv("STAFFCHAIN_API_TOKEN")) client.token = token;
  std::vector<std::string> rest;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--api" && i + 1 < args.size()) {
      client.base = args[++i];
    } else if (args[i] == "--token-file" && i + 1 < args.size()) {
      client.token = readToken(args[++i]);
      if (client.token.empty()) return makeError(fmt::format("--token-file {}: no token in the file", args[i]));
    } else if (args[i] == "--json") {
      client.as_json = true;
    } else {
      rest.push_back(args[i]);
    }
  }
  while (!client.base.empty() && client.base.back() == '/') client.base.pop_back();
  args = std::move(rest);
  return client;
}

namespace {

// The request every call makes: the daemon's URL, the token, a body for anything but GET.
Result<plugin::HttpResponse> send(const ApiClient& client, const std::string& method, const std::string& path,
                                  const json& body) {
  plugin_host::CurlHttpClient http;
  plugin::HttpRequest request;
  request.method = method;
  request.url = client.base + path;
  request.timeout = std::chrono::seconds(30);
  if (!client.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + client.token);
  if (method != "GET") {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = body.is_null() ? "{}" : body.dump();
  }
  auto response = http.send(request, nullptr);
  if (!response)
    return makeError(fmt::format("cannot reach the daemon at {}: {}", client.base, response.error().message));
  return response;
}

// An answer of 400 or more, as the error the command prints.
Error refusal(const std::string& method, const std::string& path, const plugin::HttpResponse& response) {
  json parsed = json::parse(response.body, nullptr, false);
  std::string message = parsed.is_object() && parsed.contains("error") && parsed["error"].is_object()
                            ? parsed["error"].value("message", "")
                            : response.body;
  // A refused reload lists its errors, one per line, as check-config would.
  if (parsed.is_object() && parsed["error"].is_object()) {
    for (const auto& line : parsed["error"].value("errors", json::array())) {
      if (line.is_string()) message += "\n  " + line.get<std::string>();
    }
  }
  if (response.status == 401) message += " (set STAFFCHAIN_API_TOKEN or --token-file)";
  return Error{fmt::format("{} {}: HTTP {}: {}", method, path, response.status, message)};
}

}  // namespace

Result<json> call(const ApiClient& client, const std::string& method, const std::string& path, const json& body) {
  auto response = send(client, method, path, body);
  if (!response) return std::move(response).error();
  if (response->status >= 400) return refusal(method, path, *response);
  json parsed = json::parse(response->body, nullptr, false);
  if (parsed.is_discarded()) return makeError(fmt::format("{} {}: the daemon did not answer JSON", method, path));
  return parsed;
}

Result<void> download(const ApiClient& client, const std::string& path, const std::string& content_type,
                      const std::filesystem::path& out) {
  plugin_host::CurlHttpClient http;
  plugin::HttpRequest request;
  request.url = client.base + path;
  request.timeout = std::chrono::seconds(120);
  if (!client.token.empty()) request.headers.emplace_back("Authorization", "Bearer " + client.token);
  std::filesystem::path partial = out;
  partial += ".partial";
  std::ofstream file(partial, std::ios::binary | std::ios::trunc);
  if (!file) return makeError(fmt::format("cannot write {}: {}", out.string(), std::strerror(errno)));
  auto response = http.receive(request, [&file](std::string_view chunk) {
    file.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    return static_cast<bool>(file);
  });
  file.close();
  const bool written = !file.fail();
  auto failed = [&](std::string message) -> Result<void> {
    std::error_code ignored;
    std::filesystem::remove(partial, ignored);
    return makeError(std::move(message));
  };
  if (!response) {
    return failed(fmt::format("cannot reach the daemon at {}: {}", client.base, response.error().message));
  }
  if (response->status >= 400) return failed(refusal("GET", path, *response).message);
  if (const auto type = response->header("content-type"); !type || type->rfind(content_type, 0) != 0) {
    return failed(fmt::format("GET {}: the daemon answered {} where {} was expected", path,
                              type.value_or("no content type"), content_type));
  }
  if (!written) return failed(fmt::format("cannot write {}: {}", out.string(), std::strerror(errno)));
  std::error_code renamed;
  std::filesystem::rename(partial, out, renamed);
  if (renamed) return failed(fmt::format("cannot write {}: {}", out.string(), renamed.message()));
  return {};
}

std::string query(const std::map<std::string, std::string>& params) {
  // Values are percent-encoded: a unit name or a reason may hold spaces, '&' or Chinese text.
  auto encode = [](const std::string& value) {
    std::string out;
    for (const char c : value) {
      const auto byte = static_cast<unsigned char>(c);
      if ((byte >= 'A' && byte <= 'Z') || (byte >= 'a' && byte <= 'z') || (byte >= '0' && byte <= '9') || c == '-' ||
          c == '_' || c == '.' || c == '~') {
        out += c;
      } else {
        out += fmt::format("%{:02X}", byte);
      }
    }
    return out;
  };
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + key + "=" + encode(value);
  }
  return out;
}

std::string shownTime(const json& value, const std::string& none) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty()) return none;
  const auto& text = value.get_ref<const std::string&>();
  // YYYY-MM-DDTHH:MM:SS, then a fraction perhaps, then Z or ±HH:MM.
  if (text.size() < 20 || text[10] != 'T' || text[13] != ':') return text;
  std::size_t zone = 19;
  if (zone < text.size() && text[zone] == '.') {
    while (zone < text.size() && text[zone] != 'Z' && text[zone] != '+' && text[zone] != '-') ++zone;
  }
  const std::string offset = text.substr(zone);
  return fmt::format("{} {} {}", text.substr(0, 10), text.substr(11, 5), offset == "Z" ? "+00:00" : offset);
}

int fail(const std::string& command, const Error& error) {
  fmt::print(stderr, "staffchainctl {}: {}\n", command, error.message);
  return 1;
}

namespace {

// A connector's "progress" object (a resync under way) as one column: "41% 8.4k rec/s ETA 2m10s".
std::string progressColumn(const json& connector) {
  const auto progress = connector.find("progress");
  if (progress == connector.end() || !progress->is_object()) return "\u2014";
  daemon::ProgressFigures figures;
  figures.records_read = progress->value("records_read", std::uint64_t{0});
  figures.records_per_second = progress->value("records_per_second", 0.0);
  if (const auto remaining = progress->find("remaining"); remaining != progress->end() && remaining->is_number()) {
    figures.remaining = remaining->get<std::uint64_t>();
  }
  if (const auto eta = progress->find("eta_seconds"); eta != progress->end() && eta->is_number()) {
    figures.eta = std::chrono::seconds(eta->get<std::int64_t>());
  }
  return daemon::progressCell(figures);
}

int printConnectors(const ApiClient& client, const json& answer) {
  if (client.as_json) {
    fmt::print("{}\n", answer.dump(2));
    return 0;
  }
  fmt::print("{:<20} {:<8} {:<8} {:<9} {:<23} {:>10} {:>9} {:<26} {}\n", "CONNECTOR", "ROLE", "PLUGIN", "STATE",
             "LAST SUCCESS", "RECORDS", "FAILURES", "PROGRESS", "LAST ERROR");
  for (const auto& c : answer.value("connectors", json::array())) {
    fmt::print("{:<20} {:<8} {:<8} {:<9} {:<23} {:>10} {:>9} {:<26} {}\n", c.value("name", ""), c.value("role", ""),
               c.value("plugin", ""), c.value("state", ""), shownTime(c.value("last_success", json()), "never"),
               c.value("records", 0), c.value("failures", 0), progressColumn(c), c.value("last_error", ""));
  }
  return 0;
}

json connectorNamed(const json& answer, const std::string& name) {
  for (const auto& c : answer.value("connectors", json::array())) {
    if (c.value("name", "") == name) return c;
  }
  return json::object();
}

// Polls the connector until the resync's pulls are done: a pull later than the request has
// ended, no restart is pending and no run of batches is under way. Prints the progress as it
// moves and the outcome; exit 0 when the last pull succeeded, 1 when it failed.
int followResync(const ApiClient& client, const std::string& name, std::uint64_t attempts_before) {
  std::string last_line;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    auto answer = call(client, "GET", "/api/v1/connectors");
    if (!answer) return fail("connectors", answer.error());
    const json c = connectorNamed(answer.value(), name);
    if (c.empty()) return fail("connectors", makeError(fmt::format("connector {} is no longer running", name)));
    const bool running = c.value("state", "") == "syncing" || c.value("restart_pending", false) ||
                         (c.contains("progress") && c["progress"].is_object()) ||
                         c.value("attempts", std::uint64_t{0}) <= attempts_before;
    if (running) {
      const std::string line = fmt::format("connector {}: resync {}", name, progressColumn(c));
      if (line != last_line) fmt::print("{}\n", line);
      last_line = line;
      std::fflush(stdout);
      continue;
    }
    if (c.value("state", "") == "failing") {
      fmt::print("connector {}: resync failed: {}\n", name, c.value("last_error", ""));
      return 1;
    }
    fmt::print("connector {}: resync done; the ledger holds {} of its records\n", name, c.value("records", 0));
    return 0;
  }
}

}  // namespace

int runApiCommand(const std::string& command, std::vector<std::string> args) {
  auto client_or = clientFrom(args);
  if (!client_or) return fail(command, client_or.error());
  const ApiClient& client = client_or.value();
  auto option = [&](const std::string& name) -> std::string {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == name) return args[i + 1];
    }
    return "";
  };

  if (command == "status") {
    // Where the state is, and on PostgreSQL who holds the lease: a standby answers this alone.
    auto store = call(client, "GET", "/api/v1/store");
    if (!store) return fail(command, store.error());
    const auto storeLine = [](const json& s) {
      if (s.value("backend", "") != "postgresql") return std::string("store: the SQLite file (one daemon)");
      std::string standbys;
      for (const auto& member : s.value("members", json::array())) {
        if (member.value("role", "") != "standby") continue;
        standbys += fmt::format("{}{} (seen {})", standbys.empty() ? "" : ", ", member.value("instance", ""),
                                shownTime(member.value("seen_at", json())));
      }
      return fmt::format("store: PostgreSQL; active: {} (term {}, lease until {}); standby: {}; this daemon: {} ({})",
                         s.value("holder", "none"), s.value("holder_term", 0), shownTime(s.value("expires_at", json())),
                         standbys.empty() ? "none" : standbys, s.value("instance", ""), s.value("role", ""));
    };
    if (store->value("role", "") == "standby") {
      if (client.as_json) {
        fmt::print("{}\n", json{{"store", store.value()}}.dump(2));
      } else {
        fmt::print("{}\n", storeLine(store.value()));
      }
      return 0;
    }
    auto connectors = call(client, "GET", "/api/v1/connectors");
    if (!connectors) return fail(command, connectors.error());
    auto findings = call(client, "GET", "/api/v1/findings");
    if (!findings) return fail(command, findings.error());
    auto alerts = call(client, "GET", "/api/v1/alerts?resolved=false");
    if (!alerts) return fail(command, alerts.error());
    if (client.as_json) {
      fmt::print("{}\n", json{{"store", store.value()},
                              {"connectors", connectors->value("connectors", json::array())},
                              {"open_findings", findings->value("count", 0)},
                              {"open_alerts", alerts->value("count", 0)}}
                             .dump(2));
      return 0;
    }
    fmt::print("{}\n\n", storeLine(store.value()));
    printConnectors(client, connectors.value());
    std::map<std::string, int> by_severity;
    for (const auto& f : findings->value("findings", json::array())) by_severity[f.value("severity", "")]++;
    fmt::print("\nopen findings: {} (critical {}, major {}, minor {}); open alerts: {}\n", findings->value("count", 0),
               by_severity["critical"], by_severity["major"], by_severity["minor"], alerts->value("count", 0));
    return 0;
  }
  if (command == "notices") {
    auto answer =
        call(client, "GET",
             "/api/v1/notices" +
                 query({{"state", option("--state")}, {"unit", option("--unit")}, {"system", option("--system")}}));
    if (!answer) return fail(command, answer.error());
    if (client.as_json) {
      fmt::print("{}\n", answer->dump(2));
      return 0;
    }
    fmt::print("{:<17} {:<13} {:<8} {:<14} {:<10} {:<18} {:<18} {:<10} {:<23} {}\n", "ID", "ACTION", "SYSTEM", "SINK",
               "STATE", "UNIT", "PERSON", "DEADLINE", "DELIVERED", "ANSWER / LAST ERROR");
    for (const auto& n : answer->value("notices", json::array())) {
      const std::string person = n.value("person_id", "");
      const std::string error = n.value("last_error", "");
      fmt::print("{:<17} {:<13} {:<8} {:<14} {:<10} {:<18} {:<18} {:<10} {:<23} {}\n", n.value("id", ""),
                 n.value("action", ""), n.value("system", ""), n.value("sink", ""), n.value("state", ""),
                 n.value("unit_id", ""), person.empty() ? "" : model::maskCitizenId(person), n.value("deadline", ""),
                 shownTime(n.value("delivered_at", json())), error.empty() ? n.value("answer", "") : error);
    }
    fmt::print("{} notices\n", answer->value("count", 0));
    return 0;
  }
  if (command == "connectors") {
    if (args.empty()) {
      auto answer = call(client, "GET", "/api/v1/connectors");
      if (!answer) return fail(command, answer.error());
      return printConnectors(client, answer.value());
    }
    const bool wait = std::erase(args, std::string("--wait")) > 0;
    const bool with_file = args[0] == "accept" || args[0] == "reingest";
    if (wait && args[0] != "resync") {
      fmt::print(stderr, "staffchainctl connectors: --wait goes with resync only\n");
      return 64;
    }
    if (args.size() < 2 || (with_file && args.size() < 3)) {
      fmt::print(
          stderr,
          "usage: staffchainctl connectors [pause|resume|resync|reset-cursor NAME | accept|reingest NAME FILE]\n");
      return 64;
    }
    auto answer = call(client, "POST", "/api/v1/connectors/" + args[1] + "/" + args[0],
                       with_file ? json{{"file", args[2]}} : json{});
    if (!answer) return fail(command, answer.error());
    if (with_file) {
      fmt::print("connector {}: {}\n", args[1], answer->value("message", std::string("done")));
    } else if (args[0] == "resync") {
      if (!wait) {
        fmt::print(
            "connector {}: resync started; `staffchainctl connectors resync {} --wait` or `staffchainctl "
            "status` follows it\n",
            args[1], args[1]);
        return 0;
      }
      return followResync(client, args[1], answer->value("attempts", std::uint64_t{0}));
    } else {
      fmt::print("connector {}: {} done\n", args[1], args[0]);
    }
    return 0;
  }
  if (command == "reload") {
    auto answer = call(client, "POST", "/api/v1/reload");
    if (!answer) return fail(command, answer.error());
    fmt::print("configuration reloaded\n");
    return 0;
  }
  fmt::print(stderr, "staffchainctl: unknown command \"{}\"\n", command);
  return 64;
}

}  // namespace staffchain::ctl
