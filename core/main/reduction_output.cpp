#include "reduction_output.hpp"

#include <fmt/format.h>

#include "table_cell.hpp"

namespace staffchain::ctl {

using nlohmann::json;

namespace {

std::string approvedOnIssue(const json& row) {
  const json& value = row["approved_on_issue"];
  return value.is_number() ? std::to_string(value.get<int>()) : "-";
}

}  // namespace

void printReductions(const json& list, const std::string& format) {
  const json rows = list.value("reductions", json::array());
  if (format == "jsonl") {
    for (const auto& row : rows) fmt::print("{}\n", row.dump(-1, ' ', false, json::error_handler_t::replace));
    return;
  }
  if (format == "csv") {
    fmt::print(
        "task_id,doc_no,region,unit_id,unit_name,estab_type,issued_on,due_on,posts_to_recover,recovered,remaining,"
        "approved_on_issue,approved_now,excess_on_issue,excess_now,excess_absorbed,state,days_overdue,finding\n");
    for (const auto& r : rows) {
      fmt::print("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", csvCell(r.value("task_id", "")),
                 csvCell(r.value("doc_no", "")), r.value("region", ""), r.value("unit_id", ""),
                 csvCell(r.value("unit_name", "")), r.value("estab_type", ""), r.value("issued_on", ""),
                 r.value("due_on", ""), r.value("posts_to_recover", 0), r.value("recovered", 0),
                 r.value("remaining", 0), approvedOnIssue(r) == "-" ? "" : approvedOnIssue(r),
                 r.value("approved_now", 0), r.value("excess_on_issue", 0), r.value("excess_now", 0),
                 r.value("excess_absorbed", 0), r.value("state", ""), r.value("days_overdue", 0),
                 r.value("finding", ""));
    }
    return;
  }
  fmt::print(
      "reduction tasks (控编减编) as of {}: recovered = approved on the issue date - approved now (at most the posts "
      "set)\n\n",
      list.value("as_of", ""));
  fmt::print("{}  {}  {:<15} {:<10} {:>5} {:>9} {:>8} {:>8}  {}\n", paddedCell("TASK", 16), paddedCell("UNIT", 24),
             "TYPE", "DUE", "POSTS", "RECOVERED", "APPROVED", "ABSORBED", "STATE");
  for (const auto& r : rows) {
    std::string state = fmt::format("{} {}", r.value("state", ""), r.value("state_zh", ""));
    if (r.value("days_overdue", 0) > 0) state += fmt::format(" ({} days)", r.value("days_overdue", 0));
    fmt::print("{}  {}  {:<15} {:<10} {:>5} {:>9} {:>8} {:>8}  {}\n", paddedCell(r.value("task_id", ""), 16),
               paddedCell(r.value("unit_name", ""), 24), r.value("estab_type", ""), r.value("due_on", ""),
               r.value("posts_to_recover", 0), r.value("recovered", 0),
               fmt::format("{}->{}", approvedOnIssue(r), r.value("approved_now", 0)), r.value("excess_absorbed", 0),
               state);
  }
  const json t = list.value("total", json::object());
  fmt::print("\n{} tasks: {} posts set, {} recovered, {} excess staff absorbed; {} done, {} on track, {} overdue",
             t.value("tasks", 0), t.value("posts_to_recover", 0), t.value("recovered", 0),
             t.value("excess_absorbed", 0), t.value("done", 0), t.value("on_track", 0), t.value("overdue", 0));
  if (t.value("no_baseline", 0) > 0) {
    fmt::print(", {} without approved posts on their issue date (not judged)", t.value("no_baseline", 0));
  }
  fmt::print("\n");
}

}  // namespace staffchain::ctl
