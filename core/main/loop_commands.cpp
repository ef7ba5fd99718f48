// staffchainctl precheck, vacancies and reductions: the pre-check (事前预审), the vacancy pool
// (零空编) and the reduction tasks (控编减编) through the daemon's API, on the live engine.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "api_client.hpp"
#include "commands.hpp"
#include "reduction_output.hpp"
#include "vacancy_output.hpp"

namespace staffchain::ctl {
namespace {

using nlohmann::json;

constexpr const char* kPrecheckUsage =
    "usage: staffchainctl precheck hire|transfer_in|appoint_leader|approval --unit CODE [--type T] [--count N]\n"
    "         [--on YYYY-MM-DD] [--approval ID] [--level county|township --rank chief|deputy] [--brings-post]\n"
    "         [--person ID]\n"
    "exit 0 allowed, 1 refused, 2 the daemon could not be asked, 64 a usage error\n";

constexpr const char* kVacanciesUsage =
    "usage: staffchainctl vacancies [--region CODE] [--type T] [--unit CODE] [--recoverable] [--on YYYY-MM-DD]\n"
    "         [--format table|jsonl|csv]\n";

constexpr const char* kReductionsUsage =
    "usage: staffchainctl reductions [--region CODE] [--unit CODE] [--state on_track|done|overdue|no_baseline]\n"
    "         [--on YYYY-MM-DD] [--format table|jsonl|csv]\n";

int usage(const std::string& command, const std::string& problem, const char* text) {
  fmt::print(stderr, "staffchainctl {}: {}\n{}", command, problem, text);
  return 64;
}

void printPrecheck(const json& answer) {
  const bool allowed = answer.value("allowed", false);
  std::string what = answer.value("kind", "");
  if (answer.value("count", 1) > 1) what += fmt::format(" x{}", answer.value("count", 1));
  fmt::print("{}  {} at {} {} ({}) on {}\n", allowed ? "ALLOWED 可以办理" : "REFUSED 不予办理", what,
             answer.value("unit_id", ""), answer.value("unit_name", ""),
             answer["estab_type"].is_string() ? answer["estab_type"].get<std::string>() : "type not given",
             answer.value("on", ""));
  if (const json& posts = answer["posts"]; posts.is_object()) {
    fmt::print("  posts: {} approved, {} on the roster, {} reserved by open approvals, {} vacant\n",
               posts.value("approved", 0), posts.value("occupied", 0), posts.value("reserved", 0),
               posts.value("vacant", 0));
  }
  const json reasons = answer.value("reasons", json::array());
  if (!reasons.empty()) fmt::print("\nwhy:\n");
  for (const auto& reason : reasons) {
    const std::string rule = reason.value("rule", "");
    fmt::print("  - {}{}\n    {}\n", rule.empty() ? "" : "[" + rule + "] ", reason.value("message", ""),
               reason.value("message_en", ""));
  }
  const json suggestions = answer.value("suggestions", json::array());
  if (!suggestions.empty()) fmt::print("\nwhat would make it pass:\n");
  for (const auto& s : suggestions) {
    fmt::print("  - {}\n    {}\n", s.value("message", ""), s.value("message_en", ""));
  }
}

int precheck(const ApiClient& client, const std::vector<std::string>& args) {
  if (args.empty() || args[0].rfind("--", 0) == 0) return usage("precheck", "the kind comes first", kPrecheckUsage);
  json body{{"kind", args[0]}};
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--brings-post") {
      body["brings_post"] = true;
      continue;
    }
    static const std::map<std::string, std::string> kFields = {
        {"--unit", "unit"},   {"--type", "type"}, {"--on", "on"},        {"--approval", "approval"},
        {"--level", "level"}, {"--rank", "rank"}, {"--person", "person"}};
    if (arg == "--count") {
      if (i + 1 >= args.size()) return usage("precheck", "--count needs a value", kPrecheckUsage);
      const std::string text = args[++i];
      if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos) {
        return usage("precheck", fmt::format("--count \"{}\" is not a whole number", text), kPrecheckUsage);
      }
      body["count"] = std::stoi(text);
      continue;
    }
    const auto field = kFields.find(arg);
    if (field == kFields.end())
      return usage("precheck", fmt::format("unexpected argument \"{}\"", arg), kPrecheckUsage);
    if (i + 1 >= args.size()) return usage("precheck", arg + " needs a value", kPrecheckUsage);
    body[field->second] = args[++i];
  }
  if (!body.contains("unit")) return usage("precheck", "--unit is required", kPrecheckUsage);
  auto answer = call(client, "POST", "/api/v1/precheck", body);
  if (!answer) {
    fail("precheck", answer.error());
    return 2;
  }
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
  } else {
    printPrecheck(answer.value());
  }
  return answer->value("allowed", false) ? 0 : 1;
}

// A listing's arguments: options with a value become query parameters (--region X: region=X),
// flags set theirs to "true", and --format picks how the rows are printed.
struct Listing {
  const char* command;
  const char* usage;
  std::vector<std::string> options;  // "--region", ...
  std::vector<std::string> flags;    // "--recoverable", ...
};

int list(const ApiClient& client, const std::vector<std::string>& args, const Listing& listing,
         void (*print)(const json&, const std::string&)) {
  std::map<std::string, std::string> params;
  std::string format = client.as_json ? "jsonl" : "table";
  const auto has = [](const std::vector<std::string>& names, const std::string& arg) {
    return std::find(names.begin(), names.end(), arg) != names.end();
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (has(listing.flags, arg)) {
      params[arg.substr(2)] = "true";
      continue;
    }
    if (!has(listing.options, arg) && arg != "--format") {
      return usage(listing.command, fmt::format("unexpected argument \"{}\"", arg), listing.usage);
    }
    if (i + 1 >= args.size()) return usage(listing.command, arg + " needs a value", listing.usage);
    const std::string value = args[++i];
    if (arg == "--format") {
      if (value != "table" && value != "jsonl" && value != "csv") {
        return usage(listing.command, fmt::format("--format \"{}\" is not one of: table, jsonl, csv", value),
                     listing.usage);
      }
      format = value;
      continue;
    }
    params[arg.substr(2)] = value;
  }
  auto answer = call(client, "GET", fmt::format("/api/v1/{}{}", listing.command, query(params)));
  if (!answer) return fail(listing.command, answer.error());
  print(answer.value(), format);
  return 0;
}

}  // namespace

int runLoopCommand(const std::string& command, std::vector<std::string> args) {
  auto client = clientFrom(args);
  if (!client) return fail(command, client.error());
  if (command == "precheck") return precheck(client.value(), args);
  if (command == "reductions") {
    return list(client.value(), args, {"reductions", kReductionsUsage, {"--region", "--unit", "--state", "--on"}, {}},
                printReductions);
  }
  return list(client.value(), args,
              {"vacancies", kVacanciesUsage, {"--region", "--type", "--unit", "--on"}, {"--recoverable"}},
              printVacancies);
}

}  // namespace staffchain::ctl
