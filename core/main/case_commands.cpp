// staffchainctl cases: rectification cases (整改) through the daemon's API — list, show, open,
// submit, verify, reopen, and the inspection notice of a case written to a PDF or HTML file.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "api_client.hpp"
#include "commands.hpp"
#include "table_cell.hpp"

namespace staffchain::ctl {
namespace {

using nlohmann::json;

constexpr const char* kUsage =
    "usage: staffchainctl cases [--state issued|rectifying|submitted|verified|overdue] [--unit CODE] [--region C]\n"
    "                           [--format table|jsonl|csv]\n"
    "       staffchainctl cases show N\n"
    "       staffchainctl cases open --unit CODE [--findings ID,ID,...] [--deadline YYYY-MM-DD] --by NAME\n"
    "                                [--comment TEXT]\n"
    "       staffchainctl cases submit|verify|reopen N --by NAME [--comment TEXT]\n"
    "       staffchainctl cases notice N --out FILE.pdf|FILE.html\n";

int usage(const std::string& problem) {
  fmt::print(stderr, "staffchainctl cases: {}\n{}", problem, kUsage);
  return 64;
}

// --key value pairs into `into`; false (with the usage printed) on anything else.
bool options(const std::vector<std::string>& args, std::size_t from, const std::vector<std::string>& allowed,
             std::map<std::string, std::string>& into, int& code) {
  for (std::size_t i = from; i < args.size(); ++i) {
    if (std::find(allowed.begin(), allowed.end(), args[i]) == allowed.end()) {
      code = usage(fmt::format("unexpected argument \"{}\"", args[i]));
      return false;
    }
    if (i + 1 >= args.size()) {
      code = usage(args[i] + " needs a value");
      return false;
    }
    into[args[i].substr(2)] = args[i + 1];
    ++i;
  }
  return true;
}

bool isNumber(const std::string& text) {
  return !text.empty() && text.size() < 12 && text.find_first_not_of("0123456789") == std::string::npos;
}

void printCase(const json& c) {
  fmt::print("{}  case {}  {}\n", c.value("doc_no", ""), c.value("number", 0), c.value("state_zh", ""));
  fmt::print("  unit:      {} {} (region {})\n", c.value("unit_id", ""), c.value("unit_name", ""),
             c.value("region", ""));
  fmt::print("  issued:    {}    deadline: {}    state: {}{}\n", c.value("opened_on", ""), c.value("deadline", ""),
             c.value("state", ""), c.value("automatic", false) ? "    (opened automatically)" : "");
  for (const auto& span : c.value("overdue", json::array())) {
    const std::string until = span.value("until", "");
    fmt::print("  suspended: from {} {}\n", span.value("from", ""), until.empty() ? "(still)" : "until " + until);
  }
  const json findings = c.value("findings", json::array());
  fmt::print("\nfindings ({} of {} still open):\n", c.value("findings_open", 0), findings.size());
  for (const auto& f : findings) {
    const std::string resolved = f.value("resolved_on", "");
    fmt::print("  [{}] {} {} since {} — {}\n      {}\n", f.value("open", false) ? "open" : "resolved " + resolved,
               f.value("rule", ""), f.value("alert_id", ""), f.value("since", ""), f.value("severity", ""),
               f.value("summary", ""));
  }
  fmt::print("\nhistory:\n");
  for (const auto& e : c.value("history", json::array())) {
    const std::string from = e.value("from", "");
    const std::string comment = e.value("comment", "");
    fmt::print("  {}  {:<9} {}{}  by {}{}\n", shownTime(e["at"]), e.value("action", ""),
               from.empty() ? "" : from + " -> ", e.value("to", ""), e.value("by", ""),
               comment.empty() ? "" : ": " + comment);
  }
}

void printList(const json& answer, const std::string& format) {
  const json rows = answer.value("cases", json::array());
  if (format == "jsonl") {
    for (const auto& row : rows) fmt::print("{}\n", row.dump(-1, ' ', false, json::error_handler_t::replace));
    return;
  }
  if (format == "csv") {
    fmt::print("number,doc_no,region,unit_id,unit_name,opened_on,deadline,state,findings_total,findings_open\n");
    for (const auto& r : rows) {
      fmt::print("{},{},{},{},{},{},{},{},{},{}\n", r.value("number", 0), csvCell(r.value("doc_no", "")),
                 r.value("region", ""), r.value("unit_id", ""), csvCell(r.value("unit_name", "")),
                 r.value("opened_on", ""), r.value("deadline", ""), r.value("state", ""), r.value("findings_total", 0),
                 r.value("findings_open", 0));
    }
    return;
  }
  fmt::print("{:>4}  {}  {}  {:<10} {:<10} {:>9}  {}\n", "N", paddedCell("DOC NO", 20), paddedCell("UNIT", 24),
             "ISSUED", "DEADLINE", "OPEN/ALL", "STATE");
  for (const auto& r : rows) {
    fmt::print("{:>4}  {}  {}  {:<10} {:<10} {:>9}  {} {}\n", r.value("number", 0),
               paddedCell(r.value("doc_no", ""), 20), paddedCell(r.value("unit_name", ""), 24),
               r.value("opened_on", ""), r.value("deadline", ""),
               fmt::format("{}/{}", r.value("findings_open", 0), r.value("findings_total", 0)), r.value("state", ""),
               r.value("state_zh", ""));
  }
  fmt::print("\n{} case(s)\n", rows.size());
}

int listCases(const ApiClient& client, const std::vector<std::string>& args) {
  std::map<std::string, std::string> params;
  int code = 0;
  if (!options(args, 0, {"--state", "--unit", "--region", "--format"}, params, code)) return code;
  std::string format = client.as_json ? "jsonl" : "table";
  if (auto it = params.find("format"); it != params.end()) {
    format = it->second;
    params.erase(it);
    if (format != "table" && format != "jsonl" && format != "csv") {
      return usage(fmt::format("--format \"{}\" is not one of: table, jsonl, csv", format));
    }
  }
  auto answer = call(client, "GET", "/api/v1/cases" + query(params));
  if (!answer) return fail("cases", answer.error());
  printList(answer.value(), format);
  return 0;
}

int showOrPrint(const ApiClient& client, const Result<json>& answer) {
  if (!answer) return fail("cases", answer.error());
  if (client.as_json) {
    fmt::print("{}\n", answer->dump(2));
  } else {
    printCase(answer.value());
  }
  return 0;
}

}  // namespace

int runCaseCommand(std::vector<std::string> args) {
  auto client = clientFrom(args);
  if (!client) return fail("cases", client.error());
  if (!args.empty() && (args[0] == "--help" || args[0] == "help")) {
    fmt::print("{}", kUsage);
    return 0;
  }
  if (args.empty() || args[0].rfind("--", 0) == 0) return listCases(client.value(), args);
  const std::string action = args[0];
  if (action == "open") {
    std::map<std::string, std::string> given;
    int code = 0;
    if (!options(args, 1, {"--unit", "--findings", "--deadline", "--by", "--comment"}, given, code)) return code;
    if (!given.contains("unit")) return usage("open needs --unit");
    if (!given.contains("by")) return usage("open needs --by: the person who opens the case is recorded");
    json body{{"unit", given["unit"]}, {"by", given["by"]}};
    if (given.contains("comment")) body["comment"] = given["comment"];
    if (given.contains("deadline")) body["deadline"] = given["deadline"];
    if (given.contains("findings")) {
      json ids = json::array();
      std::string rest = given["findings"];
      for (std::size_t comma; !rest.empty(); rest = comma == std::string::npos ? "" : rest.substr(comma + 1)) {
        comma = rest.find(',');
        const std::string id = rest.substr(0, comma);
        if (!id.empty()) ids.push_back(id);
      }
      body["findings"] = ids;
    }
    return showOrPrint(client.value(), call(client.value(), "POST", "/api/v1/cases", body));
  }
  if (args.size() < 2 || !isNumber(args[1])) return usage(fmt::format("{} needs a case number", action));
  const std::string number = args[1];
  if (action == "show") {
    if (args.size() > 2) return usage(fmt::format("unexpected argument \"{}\"", args[2]));
    return showOrPrint(client.value(), call(client.value(), "GET", "/api/v1/cases/" + number));
  }
  if (action == "submit" || action == "verify" || action == "reopen") {
    std::map<std::string, std::string> given;
    int code = 0;
    if (!options(args, 2, {"--by", "--comment"}, given, code)) return code;
    if (!given.contains("by")) return usage(action + " needs --by: who acts is recorded");
    json body{{"by", given["by"]}, {"comment", given.contains("comment") ? given["comment"] : ""}};
    return showOrPrint(client.value(),
                       call(client.value(), "POST", fmt::format("/api/v1/cases/{}/{}", number, action), body));
  }
  if (action == "notice") {
    std::map<std::string, std::string> given;
    int code = 0;
    if (!options(args, 2, {"--out"}, given, code)) return code;
    if (!given.contains("out")) return usage("notice needs --out FILE.pdf or FILE.html");
    const std::string out = given["out"];
    const bool html = out.size() > 5 && out.substr(out.size() - 5) == ".html";
    const bool pdf = out.size() > 4 && out.substr(out.size() - 4) == ".pdf";
    if (!html && !pdf) return usage(fmt::format("--out \"{}\": the file's name ends in .pdf or .html", out));
    auto written =
        download(client.value(), fmt::format("/api/v1/cases/{}/notice?format={}", number, html ? "html" : "pdf"),
                 html ? "text/html" : "application/pdf", out);
    if (!written) return fail("cases", written.error());
    fmt::print("notice of case {} written to {}\n", number, out);
    return 0;
  }
  return usage(fmt::format("\"{}\" is not a cases command", action));
}

}  // namespace staffchain::ctl
