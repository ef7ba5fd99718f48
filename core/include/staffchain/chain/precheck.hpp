// Pre-check (事前预审, DOMAIN.md §7): would a hire, a transfer in, a leadership appointment or an
// approval about to be issued break the chain? Judged on the live engine with the same reading
// of vacancies, approvals, suspension and leadership posts as the rules that would judge it
// after the fact; every reason that applies, and what would make it pass.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "staffchain/model/calendar.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::chain {

enum class PrecheckKind : std::uint8_t { hire, transfer_in, appoint_leader, approval };

std::string_view toString(PrecheckKind kind) noexcept;
std::optional<PrecheckKind> parsePrecheckKind(std::string_view text) noexcept;

struct PrecheckRequest {
  PrecheckKind kind = PrecheckKind::hire;
  model::UnitId unit;
  // The posts' type: for a hire or transfer citing an approval of the unit, the approval's when
  // left out; required otherwise (not for a leadership appointment).
  std::optional<model::EstabType> type;
  std::int32_t count = 1;   // people in the plan, or slots of the approval to be issued
  model::Date on;           // the day it would take effect (a hire's effective date, an approval's issue date)
  std::string approval_id;  // the approval a hire or transfer cites
  model::LeaderLevel level = model::LeaderLevel::none;  // appoint_leader
  model::LeaderRank rank = model::LeaderRank::none;
  bool brings_post = false;  // a transfer in that brings its post (出一进一): the quota rises with it
  std::optional<model::PersonId> person;
};

// Why a request is refused. `rule` is the finding the chain engine would raise if it went ahead
// anyway (CHAIN-001, 002, 007, 008, 011, 013, 016), or empty for what the office's own practice
// refuses without a rule behind it (a vacancy promised to open approvals, a unit suspended for a
// hire, a person on another unit's roster).
struct PrecheckReason {
  std::string code;  // no_vacancy, vacancy_reserved, approval_invalid, unit_suspended, ...
  std::string rule;
  std::string message_en;
  std::string message_zh;
  // The figures behind it, by name: approved, occupied, reserved, vacant, a finding's id ...
  std::vector<std::pair<std::string, std::string>> facts;
};

// What would make a refused request pass.
struct PrecheckSuggestion {
  std::string kind;  // open_approval, vacancy_elsewhere, bring_post
  model::UnitId unit;
  std::string unit_name;
  std::optional<model::EstabType> type;
  std::string approval_id;     // open_approval: the approval with free slots
  std::int32_t available = 0;  // free slots, or vacant posts net of reservations
  std::string message_en;
  std::string message_zh;
};

// The posts of one unit and type on a day, as a pre-check and the vacancy pool read them:
// vacancy net of reservations = approved − occupied − reserved.
struct PostFigures {
  std::int32_t approved = 0;
  std::int32_t occupied = 0;
  std::int32_t reserved = 0;  // free slots of valid approvals not yet used
  [[nodiscard]] std::int32_t vacant() const noexcept { return approved - occupied - reserved; }
};

struct PrecheckAnswer {
  bool allowed = true;
  std::string unit_name;                // as units.csv names it, or the unit's id
  std::vector<PrecheckReason> reasons;  // every one that applies, in a fixed order
  std::vector<PrecheckSuggestion> suggestions;
  std::optional<PostFigures> posts;      // of the unit and type asked about, on the day
  std::optional<model::EstabType> type;  // the type judged (given, or the cited approval's)
};

}  // namespace staffchain::chain
