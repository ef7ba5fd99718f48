// staffchainctl alerts, alerts show, ack and silence: the operator's side of the alert manager,
// through the daemon's HTTP API. Tables show citizen ids masked; --json gives the API's answer.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "api_client.hpp"
#include "commands.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::ctl {
namespace {

using nlohmann::json;

constexpr const char* kSilenceUsage =
    "usage: staffchainctl silence list [--ended]\n"
    "       staffchainctl silence add [--alert ID] [--rule R] [--unit U] [--region C] [--severity S] (each may be\n"
    "                                 repeated) --duration 2h --reason TEXT --by NAME [--dry-run]\n"
    "       staffchainctl silence expire ID\n";

// The value after `name` in `args`, or "".
std::string option(const std::vector<std::string>& args, const std::string& name) {
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return "";
}

// A string field of an answer, with citizen ids masked (tables never show them whole).
std::string shown(const json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return model::maskCitizenIds(it->get<std::string>());
}

// "孙科员: 已联系单位" from the last acknowledgement of an alert, or "".
std::string lastComment(const json& alert) {
  const auto history = alert.find("acknowledgements");
  if (history == alert.end() || !history->is_array() || history->empty()) return "";
  const json& last = history->back();
  const std::string comment = shown(last, "comment");
  return shown(last, "by") + (comment.empty() ? "" : ": " + comment);
}

int listAlerts(const ApiClient& client, const std::vector<std::string>& args) {
  auto answer = call(client, "GET",
                     "/api/v1/alerts" + query({{"state", option(args, "--state")},
                                               {"unit", option(args, "--unit")},
                                               {"region", option(args, "--region")},
                                               {"rule", option(args, "--rule")}}));
  if (!answer) return fail("alerts", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  fmt::print("{:<17} {:<9} {:<8} {:<12} {:<18} {:<18} {:<10} {:<28} {}\n", "ID", "RULE", "SEVERITY", "STATE", "UNIT",
             "PERSON", "SINCE", "LAST COMMENT", "SUMMARY");
  for (const auto& a : answer->value("alerts", json::array())) {
    const std::string person = a.value("person_id", "");
    fmt::print("{:<17} {:<9} {:<8} {:<12} {:<18} {:<18} {:<10} {:<28} {}\n", a.value("id", ""), a.value("rule", ""),
               a.value("severity", ""), a.value("state", ""), a.value("unit_id", ""),
               person.empty() ? "" : model::maskCitizenId(person), a.value("since", ""), lastComment(a),
               shown(a, "summary"));
  }
  fmt::print("{} alerts\n", answer->value("count", 0));
  return 0;
}

std::string joined(const json& list) {
  std::string out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (item.is_string()) out += (out.empty() ? "" : ", ") + model::maskCitizenIds(item.get<std::string>());
  }
  return out;
}

// The alert, the evidence it rests on and its acknowledgement history.
int showAlert(const ApiClient& client, const std::string& id) {
  auto answer = call(client, "GET", "/api/v1/alerts/" + id);
  if (!answer) return fail("alerts show", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  const json& a = answer.value();
  const auto line = [](std::string_view label, const std::string& value) {
    if (!value.empty()) fmt::print("{:<13}{}\n", label, value);
  };
  fmt::print("alert {}: {} {} {}\n", a.value("id", ""), a.value("rule", ""), a.value("severity", ""),
             a.value("state", ""));
  line("summary", shown(a, "summary"));
  line("", shown(a, "summary_en"));
  line("unit", shown(a, "unit_id"));
  line("person", shown(a, "person_id"));
  line("region", shown(a, "region"));
  line("since", shown(a, "since"));
  line("sources", joined(a.value("sources", json::array())));
  line("first seen", shownTime(a.value("first_seen", json())));
  line("resolved at", shownTime(a.value("resolved_at", json())));
  line("escalated at", shownTime(a.value("escalated_at", json())));
  line("silenced by", shown(a, "silenced_by"));
  line("held back by", joined(a.value("held_back_by", json::array())));

  const json evidence = a.value("evidence", json::array());
  fmt::print("\nevidence ({}):\n", evidence.size());
  for (const auto& item : evidence) {
    std::string fields;
    const json named = item.value("fields", json::object());  // kept: items() refers into it
    for (const auto& [key, value] : named.items()) {
      fields += fmt::format("{}{}={}", fields.empty() ? "" : " ", key,
                            model::maskCitizenIds(value.is_string() ? value.get<std::string>() : value.dump()));
    }
    fmt::print("  {} {} {}{}{}\n", shown(item, "source"), shown(item, "record_type"), shown(item, "record_id"),
               fields.empty() ? "" : "  ", fields);
  }
  const json history = a.value("acknowledgements", json::array());
  fmt::print("\nhistory ({}):\n", history.size());
  if (history.empty())
    fmt::print("  not acknowledged (staffchainctl ack {} --by NAME --comment TEXT)\n", a.value("id", ""));
  for (const auto& entry : history) {
    const std::string caller = shown(entry, "caller");
    const std::string comment = shown(entry, "comment");
    fmt::print("  {}  acknowledged by {}{}{}\n", shownTime(entry.value("at", json())), shown(entry, "by"),
               caller.empty() ? "" : fmt::format(" (token {})", caller), comment.empty() ? "" : ": " + comment);
  }
  return 0;
}

int acknowledge(const ApiClient& client, const std::vector<std::string>& args) {
  if (args.empty() || args[0].rfind("--", 0) == 0) {
    fmt::print(stderr, "usage: staffchainctl ack ID [--by NAME] [--comment TEXT]\n");
    return 64;
  }
  for (std::size_t i = 1; i < args.size(); i += 2) {
    if ((args[i] != "--by" && args[i] != "--comment") || i + 1 >= args.size()) {
      fmt::print(stderr,
                 "staffchainctl ack: unexpected argument \"{}\"\nusage: staffchainctl ack ID [--by NAME] "
                 "[--comment TEXT]\n",
                 args[i]);
      return 64;
    }
  }
  // Without --by the daemon records the token's name as the person too.
  json body{{"comment", option(args, "--comment")}};
  if (const auto by = option(args, "--by"); !by.empty()) body["by"] = by;
  auto answer = call(client, "POST", "/api/v1/alerts/" + args[0] + "/ack", body);
  if (!answer) return fail("ack", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  const json history = answer->value("acknowledgements", json::array());
  const json last = history.empty() ? json::object() : history.back();
  const std::string caller = shown(last, "caller");
  fmt::print("{} acknowledged by {}{} ({} acknowledgement{} so far)\n", args[0], shown(*answer, "acknowledged_by"),
             caller.empty() ? "" : fmt::format(" through token {}", caller), history.size(),
             history.size() == 1 ? "" : "s");
  return 0;
}

int listSilences(const ApiClient& client, const std::vector<std::string>& args) {
  const bool ended = std::find(args.begin(), args.end(), "--ended") != args.end();
  auto answer = call(client, "GET", std::string("/api/v1/silences") + (ended ? "?ended=true" : ""));
  if (!answer) return fail("silence", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  fmt::print("{:<9} {:<23} {:<23} {:<24} {}\n", "ID", "EXPIRES", "ENDED", "AUTHOR (TOKEN)", "REASON / MATCH");
  for (const auto& s : answer->value("silences", json::array())) {
    const std::string token = shown(s, "created_by");
    fmt::print("{:<9} {:<23} {:<23} {:<24} {} / {}\n", shown(s, "id"), shownTime(s.value("expires_at", json())),
               shownTime(s.value("ended_at", json())), shown(s, "author") + (token.empty() ? "" : " (" + token + ")"),
               shown(s, "reason"), model::maskCitizenIds(s.value("match", json::object()).dump()));
  }
  return 0;
}

int addSilence(const ApiClient& client, const std::vector<std::string>& args) {
  static const std::map<std::string, std::string> kLists = {{"--alert", "alert_ids"},
                                                            {"--rule", "rules"},
                                                            {"--unit", "units"},
                                                            {"--region", "regions"},
                                                            {"--severity", "severities"}};
  static const std::set<std::string> kValues = {"--duration", "--reason", "--by", "--author"};
  json match = json::object();
  json body = json::object();
  bool dry_run = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "--dry-run") {
      dry_run = true;
      continue;
    }
    const bool list = kLists.count(flag) > 0;
    if (!list && kValues.count(flag) == 0) {
      fmt::print(stderr, "staffchainctl silence add: unexpected argument \"{}\"\n{}", flag, kSilenceUsage);
      return 64;
    }
    if (i + 1 >= args.size()) {
      fmt::print(stderr, "staffchainctl silence add: {} needs a value\n{}", flag, kSilenceUsage);
      return 64;
    }
    const std::string& value = args[++i];
    if (list) {
      match[kLists.at(flag)].push_back(value);
    } else if (flag == "--by" || flag == "--author") {
      body["author"] = value;
    } else {
      body[flag.substr(2)] = value;  // duration, reason
    }
  }
  body["match"] = match;
  if (dry_run) body["dry_run"] = true;
  auto answer = call(client, "POST", "/api/v1/silences", body);
  if (!answer) return fail("silence add", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  if (dry_run) {
    const json ids = answer->value("alert_ids", json::array());
    const auto holds = answer->value("open_alerts", std::size_t{0});
    fmt::print("dry run: this silence would hold {} open alert{} until {}; nothing was created\n", holds,
               holds == 1 ? "" : "s", shownTime(answer->value("expires_at", json())));
    for (const auto& id : ids) fmt::print("  {}\n", id.is_string() ? id.get<std::string>() : id.dump());
    if (holds > ids.size()) fmt::print("  … and {} more\n", holds - ids.size());
    return 0;
  }
  fmt::print("silence {} by {} until {}\n", shown(*answer, "id"), shown(*answer, "author"),
             shownTime(answer->value("expires_at", json())));
  return 0;
}

}  // namespace

int runAlertCommand(const std::string& command, std::vector<std::string> args) {
  auto client_or = clientFrom(args);
  if (!client_or) return fail(command, client_or.error());
  const ApiClient& client = client_or.value();
  if (command == "alerts") {
    if (!args.empty() && args[0] == "show") {
      if (args.size() != 2 || args[1].rfind("--", 0) == 0) {
        fmt::print(stderr, "usage: staffchainctl alerts show ID\n");
        return 64;
      }
      return showAlert(client, args[1]);
    }
    return listAlerts(client, args);
  }
  if (command == "ack") return acknowledge(client, args);
  if (command == "silence") {
    const std::string action = args.empty() ? "list" : args[0];
    if (action == "list") return listSilences(client, args);
    if (action == "add") return addSilence(client, args);
    if (action == "expire" && args.size() == 2) {
      auto answer = call(client, "POST", "/api/v1/silences/" + args[1] + "/expire");
      if (!answer) return fail("silence expire", answer.error());
      fmt::print("{} expired\n", args[1]);
      return 0;
    }
    fmt::print(stderr, "{}", kSilenceUsage);
    return 64;
  }
  fmt::print(stderr, "staffchainctl: unknown command \"{}\"\n", command);
  return 64;
}

}  // namespace staffchain::ctl
