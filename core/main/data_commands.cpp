// staffchainctl findings and quarantine: what the chain found open today, and the rows the
// connectors refused, with file, row, field and reason — through the daemon's API.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "api_client.hpp"
#include "commands.hpp"
#include "table_cell.hpp"

namespace staffchain::ctl {
namespace {

using nlohmann::json;

// Options of the form --name VALUE; an unknown option or a missing value is a usage error.
Result<std::map<std::string, std::string>> options(const std::vector<std::string>& args,
                                                   std::initializer_list<const char*> known) {
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    bool matched = false;
    for (const char* name : known) {
      if (args[i] != name) continue;
      if (i + 1 >= args.size()) return makeError(fmt::format("{} needs a value", name));
      out[std::string(name).substr(2)] = args[++i];
      matched = true;
    }
    if (!matched) return makeError(fmt::format("unexpected argument \"{}\"", args[i]));
  }
  return out;
}

int findings(const ApiClient& client, const std::vector<std::string>& args) {
  auto chosen = options(args, {"--rule", "--unit", "--region", "--severity", "--person"});
  if (!chosen) {
    fmt::print(stderr,
               "staffchainctl findings: {}\nusage: staffchainctl findings [--rule R] [--unit U] [--region C] "
               "[--severity critical|major|minor] [--person ID]\n",
               chosen.error().message);
    return 64;
  }
  auto answer = call(client, "GET", "/api/v1/findings" + query(chosen.value()));
  if (!answer) return fail("findings", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  fmt::print("{:<9} {:<8} {:<18} {:<7} {:<18} {:<10} {}\n", "RULE", "SEVERITY", "UNIT", "REGION", "PERSON", "SINCE",
             "SUMMARY");
  for (const auto& f : answer->value("findings", json::array())) {
    fmt::print("{:<9} {:<8} {:<18} {:<7} {:<18} {:<10} {}\n", f.value("rule", ""), f.value("severity", ""),
               f.value("unit_id", ""), f.value("region", ""), f.value("person_id", ""), f.value("since", ""),
               f.value("summary", ""));
  }
  fmt::print("\n{} open findings as of {} ({})\n", answer->value("count", 0), answer->value("as_of", ""),
             answer->value("timezone", ""));
  return 0;
}

int quarantine(const ApiClient& client, const std::vector<std::string>& args) {
  auto chosen = options(args, {"--connector", "--limit"});
  if (!chosen) {
    fmt::print(stderr, "staffchainctl quarantine: {}\nusage: staffchainctl quarantine [--connector NAME] [--limit N]\n",
               chosen.error().message);
    return 64;
  }
  auto answer = call(client, "GET", "/api/v1/quarantine" + query(chosen.value()));
  if (!answer) return fail("quarantine", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
    return 0;
  }
  fmt::print("{:<16} {:<24} {:<14} {:<22} {:<5} {}\n", "CONNECTOR", "ROW", "FIELD", "VALUE", "SEEN", "REASON");
  for (const auto& q : answer->value("quarantine", json::array())) {
    fmt::print("{:<16} {:<24} {:<14} {:<22} {:<5} {}\n", cell(q.value("connector", ""), 16),
               cell(q.value("row", ""), 24), cell(q.value("field", ""), 14), cell(q.value("value", ""), 22),
               q.value("times_seen", 0), q.value("reason", ""));
  }
  fmt::print("\n{} refused rows (most recently seen first); each is logged once, when first seen\n",
             answer->value("count", 0));
  return 0;
}

}  // namespace

int runDataCommand(const std::string& command, std::vector<std::string> args) {
  auto client = clientFrom(args);
  if (!client) return fail(command, client.error());
  if (command == "findings") return findings(client.value(), args);
  return quarantine(client.value(), args);
}

}  // namespace staffchain::ctl
