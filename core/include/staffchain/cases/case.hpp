// Rectification cases (整改, DOMAIN.md §7): a unit's open findings bundled under a document
// number with a deadline, followed from the inspection notice to the office's verification.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "staffchain/chain/finding.hpp"
#include "staffchain/model/calendar.hpp"

namespace staffchain::plugin {
class ConfigReader;
}

namespace staffchain::cases {

using TimePoint = std::chrono::system_clock::time_point;

// issued → rectifying → submitted → verified (closed), or overdue when the deadline passes with a
// finding still open. Only `verified` is closed.
enum class CaseState : std::uint8_t { issued, rectifying, submitted, verified, overdue };

std::string_view toString(CaseState state) noexcept;
std::optional<CaseState> parseCaseState(std::string_view text) noexcept;
// 已下发, 整改中, 已报送整改报告, 已核验销号, 逾期未整改
std::string_view caseStateZh(CaseState state) noexcept;

// One finding as it stood when the case was opened (what the notice shows), and whether it is
// still open as of the last evaluation.
struct CaseFinding {
  std::string alert_id;  // the finding's fingerprint
  std::string rule;
  chain::Severity severity = chain::Severity::major;
  std::string person_id;  // full; masked wherever it is shown to someone not entitled
  model::Date since;
  std::string summary_zh;
  std::string summary_en;
  std::vector<chain::EvidenceItem> evidence;
  bool open = true;
  std::optional<model::Date> resolved_on;  // the evaluation day it was first seen resolved
};

// One step of a case: who did what, when, why. The daemon's own steps are by "staffchaind".
struct CaseEvent {
  TimePoint at{};
  std::string action;  // open, progress, submit, verify, reopen, overdue, resolved
  std::string from_state;
  std::string to_state;
  std::string by;      // the person (or staffchaind)
  std::string caller;  // the API token's name it came through; empty when not through the API
  std::string comment;
};

// The days a case was overdue (the unit suspended): [from, until), until empty while it still is.
struct OverdueSpan {
  model::Date from;
  std::optional<model::Date> until;
};

struct Case {
  std::int64_t number = 0;  // 1, 2, 3 ... for the life of the ledger: what commands name
  std::string doc_no;       // 呼编督〔2026〕12号
  int year = 0;             // the numbering year (of opened_on)
  std::int64_t seq = 0;     // the number within the year, without gaps
  std::string unit_id;
  std::string unit_name;
  std::string region;
  model::Date opened_on;
  model::Date deadline;
  CaseState state = CaseState::issued;
  TimePoint opened_at{};
  std::optional<TimePoint> closed_at;
  bool automatic = false;  // opened by the daemon (auto_case_after_days), not by a person
  std::vector<CaseFinding> findings;
  std::vector<CaseEvent> history;
  std::vector<OverdueSpan> overdue;

  [[nodiscard]] bool closed() const noexcept { return state == CaseState::verified; }
  [[nodiscard]] std::size_t openFindings() const noexcept;
};

// [cases]: how documents are numbered and worded, the default deadline, automatic cases.
struct CaseSettings {
  // {year} and {n} are replaced; {n} is required (the number within the year).
  std::string doc_no_pattern = "呼编督〔{year}〕{n}号";
  std::int32_t rectify_within_days = 30;
  // Open a case by itself for a unit's critical findings open this many days; 0: never.
  std::int32_t auto_case_after_days = 0;
  std::string issuing_office = "呼伦贝尔市委机构编制委员会办公室";
  std::string reply_instructions =
      "请于整改期限届满前，将整改情况书面报告（加盖单位公章）报送本办，并通过机构编制实名制管理系统同步更新相关数据。";
  std::string contact;
  // Units whose notices show citizen ids in full; every other notice masks them.
  std::vector<std::string> show_citizen_ids_to;

  friend bool operator==(const CaseSettings&, const CaseSettings&) = default;
};

// Reads a [cases] table; problems go to the reader's errors, located.
void readCaseSettings(plugin::ConfigReader& reader, CaseSettings& settings);

// The pattern with {year} and {n} filled in.
std::string formatDocNo(std::string_view pattern, int year, std::int64_t seq);

}  // namespace staffchain::cases
