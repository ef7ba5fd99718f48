// staffchainctl's day-to-day commands: thin clients of the daemon's HTTP API, with tables for
// people and --json for scripts.
#include <cstdlib>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "staffchain/daemon/progress_text.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/plugin_host/curl_http_client.hpp"

namespace staffchain::ctl {
namespace {

using nlohmann::json;

struct ApiClient {
  std::string base = "http://127.0.0.1:9464";
  std::string token;
  bool as_json = false;
};

std::string readToken(const std::string& file) {
  std::ifstream in(file);
  std::string token;
  std::getline(in, token);
  while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
  return token;
}

// Takes the common options out of `args`: --api URL, --token-file FILE, --json.
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

Result<json> call(const ApiClient& client, const std::string& method, const std::string& path, const json& body = {}) {
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
  if (!response) return makeError(fmt::format("cannot reach the daemon at {}: {}", client.base, response.error().message));
  json parsed = json::parse(response->body, nullptr, false);
  if (response->status >= 400) {
    std::string message = parsed.is_object() && parsed.contains("error") ? parsed["error"].value("message", "")
                                                                           : response->body;
    if (response->status == 401) message += " (set STAFFCHAIN_API_TOKEN or --token-file)";
    return makeError(fmt::format("{} {}: HTTP {}: {}", method, path, response->status, message));
  }
  if (parsed.is_discarded()) return makeError(fmt::format("{} {}: the daemon did not answer JSON", method, path));
  return parsed;
}

std::string query(const std::map<std::string, std::string>& params) {
  std::string out;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    out += (out.empty() ? "?" : "&") + key + "=" + value;
  }
  return out;
}

int fail(const std::string& command, const Error& error) {
  fmt::print(stderr, "staffchainctl {}: {}\n", command, error.message);
  return 1;
}

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
  fmt::print("{:<20} {:<8} {:<8} {:<9} {:<21} {:>10} {:>9} {:<26} {}\n", "CONNECTOR", "ROLE", "PLUGIN", "STATE",
             "LAST SUCCESS", "RECORDS", "FAILURES", "PROGRESS", "LAST ERROR");
  for (const auto& c : answer.value("connectors", json::array())) {
    fmt::print("{:<20} {:<8} {:<8} {:<9} {:<21} {:>10} {:>9} {:<26} {}\n", c.value("name", ""), c.value("role", ""),
               c.value("plugin", ""), c.value("state", ""), c.value("last_success", "never"),
               c.value("records_total", 0), c.value("failures", 0), progressColumn(c), c.value("last_error", ""));
  }
  return 0;
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
    auto connectors = call(client, "GET", "/api/v1/connectors");
    if (!connectors) return fail(command, connectors.error());
    auto findings = call(client, "GET", "/api/v1/findings");
    if (!findings) return fail(command, findings.error());
    auto alerts = call(client, "GET", "/api/v1/alerts?resolved=false");
    if (!alerts) return fail(command, alerts.error());
    if (client.as_json) {
      fmt::print("{}\n", json{{"connectors", connectors->value("connectors", json::array())},
                              {"open_findings", findings->value("count", 0)},
                              {"open_alerts", alerts->value("count", 0)}}
                             .dump(2));
      return 0;
    }
    printConnectors(client, connectors.value());
    std::map<std::string, int> by_severity;
    for (const auto& f : findings->value("findings", json::array())) by_severity[f.value("severity", "")]++;
    fmt::print("\nopen findings: {} (critical {}, major {}, minor {}); open alerts: {}\n", findings->value("count", 0),
               by_severity["critical"], by_severity["major"], by_severity["minor"], alerts->value("count", 0));
    return 0;
  }
  if (command == "alerts") {
    auto answer = call(client, "GET", "/api/v1/alerts" + query({{"state", option("--state")},
                                                                 {"unit", option("--unit")},
                                                                 {"region", option("--region")},
                                                                 {"rule", option("--rule")}}));
    if (!answer) return fail(command, answer.error());
    if (client.as_json) {
      fmt::print("{}\n", answer->dump(2));
      return 0;
    }
    fmt::print("{:<17} {:<9} {:<8} {:<12} {:<18} {:<18} {:<10} {}\n", "ID", "RULE", "SEVERITY", "STATE", "UNIT",
               "PERSON", "SINCE", "SUMMARY");
    for (const auto& a : answer->value("alerts", json::array())) {
      const std::string person = a.value("person_id", "");
      fmt::print("{:<17} {:<9} {:<8} {:<12} {:<18} {:<18} {:<10} {}\n", a.value("id", ""), a.value("rule", ""),
                 a.value("severity", ""), a.value("state", ""), a.value("unit_id", ""),
                 person.empty() ? "" : model::maskCitizenId(person), a.value("since", ""),
                 model::maskCitizenIds(a.value("summary", "")));
    }
    fmt::print("{} alerts\n", answer->value("count", 0));
    return 0;
  }
  if (command == "notices") {
    auto answer = call(client, "GET", "/api/v1/notices" + query({{"state", option("--state")},
                                                                  {"unit", option("--unit")},
                                                                  {"system", option("--system")}}));
    if (!answer) return fail(command, answer.error());
    if (client.as_json) {
      fmt::print("{}\n", answer->dump(2));
      return 0;
    }
    fmt::print("{:<17} {:<13} {:<8} {:<14} {:<10} {:<18} {:<18} {:<10} {:<20} {}\n", "ID", "ACTION", "SYSTEM", "SINK",
               "STATE", "UNIT", "PERSON", "DEADLINE", "DELIVERED", "ANSWER / LAST ERROR");
    for (const auto& n : answer->value("notices", json::array())) {
      const std::string person = n.value("person_id", "");
      const std::string error = n.value("last_error", "");
      fmt::print("{:<17} {:<13} {:<8} {:<14} {:<10} {:<18} {:<18} {:<10} {:<20} {}\n", n.value("id", ""),
                 n.value("action", ""), n.value("system", ""), n.value("sink", ""), n.value("state", ""),
                 n.value("unit_id", ""), person.empty() ? "" : model::maskCitizenId(person), n.value("deadline", ""),
                 n.value("delivered_at", ""), error.empty() ? n.value("answer", "") : error);
    }
    fmt::print("{} notices\n", answer->value("count", 0));
    return 0;
  }
  if (command == "ack") {
    if (args.empty() || args[0].rfind("--", 0) == 0) {
      fmt::print(stderr, "usage: staffchainctl ack ID [--comment TEXT] [--by NAME]\n");
      return 64;
    }
    json body{{"comment", option("--comment")}};
    if (const auto by = option("--by"); !by.empty()) body["by"] = by;
    auto answer = call(client, "POST", "/api/v1/alerts/" + args[0] + "/ack", body);
    if (!answer) return fail(command, answer.error());
    if (client.as_json) {
      fmt::print("{}\n", answer->dump(2));
    } else {
      fmt::print("{} acknowledged by {}\n", args[0], answer->value("acknowledged_by", ""));
    }
    return 0;
  }
  if (command == "silence") {
    const std::string action = args.empty() ? "list" : args[0];
    if (action == "list") {
      auto answer = call(client, "GET", std::string("/api/v1/silences") + (option("--ended").empty() ? "" : "?ended=true"));
      if (!answer) return fail(command, answer.error());
      if (client.as_json) {
        fmt::print("{}\n", answer->dump(2));
        return 0;
      }
      fmt::print("{:<9} {:<21} {:<21} {:<12} {}\n", "ID", "EXPIRES", "ENDED", "AUTHOR", "REASON / MATCH");
      for (const auto& s : answer->value("silences", json::array())) {
        fmt::print("{:<9} {:<21} {:<21} {:<12} {} / {}\n", s.value("id", ""), s.value("expires_at", ""),
                   s.value("ended_at", ""), s.value("author", ""), s.value("reason", ""), s["match"].dump());
      }
      return 0;
    }
    if (action == "expire" && args.size() >= 2) {
      auto answer = call(client, "POST", "/api/v1/silences/" + args[1] + "/expire");
      if (!answer) return fail(command, answer.error());
      fmt::print("{} expired\n", args[1]);
      return 0;
    }
    if (action == "add") {
      json match = json::object();
      auto list = [&](const std::string& flag, const char* key) {
        json values = json::array();
        for (std::size_t i = 0; i + 1 < args.size(); ++i) {
          if (args[i] == flag) values.push_back(args[i + 1]);
        }
        if (!values.empty()) match[key] = values;
      };
      list("--alert", "alert_ids");
      list("--rule", "rules");
      list("--unit", "units");
      list("--region", "regions");
      list("--severity", "severities");
      // Without --author the daemon records the token's name as the author.
      json body{{"match", match}, {"reason", option("--reason")}, {"duration", option("--duration")}};
      if (const auto author = option("--author"); !author.empty()) body["author"] = author;
      auto answer = call(client, "POST", "/api/v1/silences", body);
      if (!answer) return fail(command, answer.error());
      if (client.as_json) {
        fmt::print("{}\n", answer->dump(2));
      } else {
        fmt::print("silence {} until {}\n", answer->value("id", ""), answer->value("expires_at", ""));
      }
      return 0;
    }
    fmt::print(stderr,
               "usage: staffchainctl silence list [--ended] | add [--alert ID] [--rule R] [--unit U] [--region C] "
               "[--severity S] --duration 2h --reason TEXT [--author NAME] | expire ID\n");
    return 64;
  }
  if (command == "connectors") {
    if (args.empty()) {
      auto answer = call(client, "GET", "/api/v1/connectors");
      if (!answer) return fail(command, answer.error());
      return printConnectors(client, answer.value());
    }
    const bool with_file = args[0] == "accept" || args[0] == "reingest";
    if (args.size() < 2 || (with_file && args.size() < 3)) {
      fmt::print(stderr,
                 "usage: staffchainctl connectors [pause|resume|resync|reset-cursor NAME | accept|reingest NAME FILE]\n");
      return 64;
    }
    auto answer = call(client, "POST", "/api/v1/connectors/" + args[1] + "/" + args[0],
                       with_file ? json{{"file", args[2]}} : json{});
    if (!answer) return fail(command, answer.error());
    if (with_file) {
      fmt::print("connector {}: {}\n", args[1], answer->value("message", std::string("done")));
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
