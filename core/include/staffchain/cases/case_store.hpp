// CaseStore: the rectification cases, kept in the ledger file (tables prefixed `case_`,
// versioned in `case_schema`) and in memory (an office has hundreds of cases, not millions).
// Every change is committed before the call returns; a failed call leaves file and object as
// they were. Time is always passed in.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "staffchain/cases/case.hpp"
#include "staffchain/chain/case_suspension.hpp"
#include "staffchain/chain/finding.hpp"
#include "staffchain/plugin/result.hpp"
#include "staffchain/store/database.hpp"

namespace staffchain::cases {

// Who acts, and why: every transition is recorded with it.
struct Actor {
  std::string by;      // the person; required
  std::string caller;  // the API token's name; empty when not through the API
  std::string comment;
};

struct OpenRequest {
  std::string unit_id;
  std::string unit_name;
  std::string region;
  // Open findings of the unit to bundle, as the last evaluation had them; at least one.
  std::vector<chain::Finding> findings;
  std::optional<model::Date> deadline;  // default: today + rectify_within_days
  model::Date today;                    // in the daemon's zone: the numbering year and the issue date
  Actor actor;
  bool automatic = false;
};

enum class CaseAction : std::uint8_t { submit, verify, reopen };
std::string_view toString(CaseAction action) noexcept;
std::optional<CaseAction> parseCaseAction(std::string_view text) noexcept;

// An answer to a person's request: the case as it now is, or why not. `status` follows HTTP:
// 400 a bad request, 404 no such case, 409 not in this state, 500 the store failed.
struct CaseAnswer {
  std::optional<Case> value;
  int status = 200;
  std::string reason;

  static CaseAnswer refused(int status, std::string reason) {
    return CaseAnswer{std::nullopt, status, std::move(reason)};
  }
};

struct CaseFilter {
  std::optional<CaseState> state;
  std::string unit_id;
  std::string region;  // a code ending in "00" covers its subregions, as in routes
};

// What one evaluation changed, for the log.
struct CaseChanges {
  std::vector<std::string>
      lines;  // "呼编督〔2026〕3号: rectifying -> overdue (deadline 2026-07-01 passed, 2 findings open)"
  bool suspensions_changed = false;  // the engine must be told (CaseStore::suspensions)
};

class CaseStore {
 public:
  // The ledger's file, or the PostgreSQL database the location names (its tables created there).
  static Result<std::unique_ptr<CaseStore>> open(const store::Location& ledger, CaseSettings settings);
  ~CaseStore();
  CaseStore(const CaseStore&) = delete;
  CaseStore& operator=(const CaseStore&) = delete;

  void reconfigure(CaseSettings settings);
  [[nodiscard]] const CaseSettings& settings() const noexcept;

  // A new case in state issued, numbered next in its year. Refused (400/409) when a finding is
  // not of the unit, when one is already in another case not yet verified, when there is none,
  // or when the deadline is not after today.
  CaseAnswer openCase(const OpenRequest& request, TimePoint now);
  // submit (issued, rectifying, overdue → submitted; refused while overdue with findings open),
  // verify (submitted → verified; refused while any finding is open), reopen (submitted or
  // verified → rectifying; a comment is required).
  CaseAnswer act(std::int64_t number, CaseAction action, const Actor& actor, TimePoint now);

  // An evaluation as of `today`: `open` holds the fingerprints of every finding open now. Marks
  // each case's findings open or resolved, and moves states the daemon moves: issued →
  // rectifying once a finding resolved; issued, rectifying, submitted → overdue after the
  // deadline with a finding open; overdue → rectifying once every finding resolved.
  Result<CaseChanges> observe(const std::unordered_set<std::string>& open, model::Date today, TimePoint now);

  [[nodiscard]] std::vector<Case> cases(const CaseFilter& filter) const;
  // Whether any case is not yet verified: only such cases follow their findings.
  [[nodiscard]] bool anyOpen() const noexcept;
  [[nodiscard]] std::optional<Case> find(std::int64_t number) const;
  // The case not yet verified that holds the finding, if any.
  [[nodiscard]] std::optional<std::int64_t> caseHolding(const std::string& alert_id) const;
  // Every span a case was overdue, for the engine (CHAIN-016, the pre-check).
  [[nodiscard]] std::vector<chain::CaseSuspension> suspensions() const;
  // CASE-001 for every case overdue now: routed like a rule to the unit's receivers.
  [[nodiscard]] std::vector<chain::Finding> overdueFindings() const;

 private:
  class State;
  explicit CaseStore(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace staffchain::cases
