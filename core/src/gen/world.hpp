// World: everything the generator builds in memory before writing it: units, posts, people,
// their tenures and movements, and the truth of what was injected. Rows are compact indexes;
// text is produced only when the files are written.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "names.hpp"
#include "rng.hpp"
#include "staffchain/gen/world_spec.hpp"
#include "staffchain/model/calendar.hpp"
#include "staffchain/model/identifiers.hpp"
#include "staffchain/model/records.hpp"

namespace staffchain::gen::detail {

using model::Date;
using model::EstabType;
using model::LeaderLevel;
using model::LeaderRank;
using model::Month;
using model::MovementKind;
using model::SourceRole;

inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
inline constexpr Date kNever{std::numeric_limits<std::int32_t>::max()};
inline constexpr Month kNoMonth{std::numeric_limits<std::int32_t>::max()};

struct GenUnit {
  std::string name;
  std::array<char, 18> code{};
  std::uint8_t region = 0;
  std::uint32_t parent = kNone;
  model::UnitKind kind = model::UnitKind::organ;
  model::Funding funding = model::Funding::full;
  bool political_legal = false;
  // Quiet units have no clean turnover at all: injections there are fully scripted.
  bool quiet = false;
  bool injected = false;      // hosts (or partners) one injection already
  Date freeze_from = kNever;  // no clean approval may be issued on or after this date
  std::uint32_t first_seat = 0;
  std::uint32_t seat_count = 0;
  std::uint32_t first_post = 0;
  std::uint32_t post_count = 0;
};

struct QuotaRow {
  std::uint32_t unit = 0;
  EstabType type = EstabType::admin;
  std::int32_t approved = 0;
  Date effective_from;
  std::int32_t doc_year = 0;
  std::int32_t doc_no = 0;
};

struct LeaderQuotaRow {
  std::uint32_t unit = 0;
  LeaderLevel level = LeaderLevel::county;
  LeaderRank rank = LeaderRank::chief;
  std::int32_t approved = 0;
};

// One establishment post a unit fills one person at a time.
struct Seat {
  std::uint32_t unit = 0;
  EstabType type = EstabType::admin;
  std::uint32_t tenure = kNone;  // the tenure holding it now
};

// One leadership post (a row of leader_quotas.csv expands into `approved` posts).
struct LeaderPost {
  std::uint32_t unit = 0;
  LeaderLevel level = LeaderLevel::county;
  LeaderRank rank = LeaderRank::chief;
  std::uint32_t holder = kNone;  // person
};

struct Person {
  std::array<char, 18> id{};
  NameParts name;
  bool male = true;
  Date birth;
  Date retire_on;                // statutory age reached
  std::uint32_t tenure = kNone;  // current tenure, kNone when gone
  std::uint32_t post = kNone;    // leadership post held
  Date busy_until{0};            // seconded until
  Date exit_on = kNever;         // the scheduled natural exit, kNever when none
  std::uint32_t exit_token = 0;  // invalidates a scheduled natural exit
  std::int32_t salary = 0;       // monthly gross, yuan
  // A leadership held beyond the unit's posts (CHAIN-007), shown on the roster.
  LeaderLevel extra_level = LeaderLevel::none;
  LeaderRank extra_rank = LeaderRank::none;
};

// A person's time in one unit: on its roster over [roster_from, roster_until), paid by it over
// [pay_first, pay_last].
struct Tenure {
  std::uint32_t person = 0;
  std::uint32_t unit = 0;
  std::uint32_t seat = kNone;
  EstabType type = EstabType::admin;
  Date roster_from;
  Date roster_until = kNever;
  std::int32_t approval = -1;
  Month pay_first = kNoMonth;
  Month pay_last = kNoMonth;
  bool historic = false;  // began before the movement window
};

enum class Purpose : std::uint8_t { exam, open_recruit, transfer, veteran, talent, supplement };

struct ApprovalRow {
  std::uint32_t unit = 0;
  EstabType type = EstabType::admin;
  std::int32_t slots = 1;
  Date issued_on;
  Date valid_until;
  Purpose purpose = Purpose::open_recruit;
};

struct MovementRow {
  Date effective_on;
  Date recorded_on;
  std::uint32_t person = 0;
  std::uint32_t unit = 0;
  std::uint32_t from_unit = kNone;
  std::int32_t approval = -1;  // -1: none; >= 0 approval index; <= -2: unknown id number (-2 - n)
  MovementKind kind = MovementKind::hire;
  SourceRole source = SourceRole::hr;
  LeaderLevel level = LeaderLevel::none;
  LeaderRank rank = LeaderRank::none;
  std::uint32_t order = 0;  // creation order: the tie-break that keeps sorting deterministic
};

// A run of monthly pay of one person by one unit (clipped to the payroll window on writing).
struct PayStream {
  std::uint32_t person = 0;
  std::uint32_t unit = 0;
  Month first;
  Month last;
  std::int32_t salary = 0;
};

struct DeathRow {
  std::uint32_t person = 0;
  Date died_on;
  std::uint8_t reporter = 0;
};

// A reduction task (控编减编): posts of one unit and type to recover by a date.
struct ReductionRow {
  std::uint32_t unit = 0;
  EstabType type = EstabType::admin;
  std::int32_t posts = 1;
  Date issued_on;
  Date due_on;
  std::int32_t doc_no = 0;
};

struct TruthLine {
  InjectedRule rule = InjectedRule::chain001;
  std::string unit_id;
  std::string person_id;
};

// Rows written verbatim at the end of a file: the deliberately malformed ones of DATA-001.
struct RawRows {
  std::vector<std::string> units, approvals, movements, payroll, deaths;
};

class World {
 public:
  explicit World(const WorldSpec& spec);

  const WorldSpec& spec;
  Rng rng;
  Date window_start;    // first day of the movement window
  Month payroll_first;  // first month of payroll.csv
  Month payroll_last;   // as_of's month
  // The year establishments were last fixed (an institutional reform): four years before the
  // window opens, 2019 for the default as_of. Every date of the world follows as_of, none is
  // fixed in a calendar year, so that any as_of from 2005 to 2100 gives a consistent world.
  int reform_year;

  std::vector<GenUnit> units;
  std::vector<QuotaRow> quotas;
  std::vector<LeaderQuotaRow> leader_quotas;
  std::vector<Seat> seats;
  std::vector<LeaderPost> posts;
  std::vector<Person> people;
  std::vector<Tenure> tenures;
  std::vector<ApprovalRow> approvals;
  std::vector<MovementRow> movements;
  std::vector<PayStream> extra_pay;  // pay that belongs to no tenure (injected)
  std::vector<DeathRow> deaths;
  std::vector<ReductionRow> reductions;
  std::vector<TruthLine> truth;
  RawRows raw;
  GenerateStats stats;
  // Planned injections: quiet host units per rule, and the ghost-pay exits (unit, date).
  std::array<std::vector<std::uint32_t>, kInjectedRuleCount> hosts;
  std::vector<std::pair<std::uint32_t, Date>> ghost_exits;
  std::vector<std::uint32_t> partners;  // second quiet units of CHAIN-009/010, by host order

  // A new person born on `birth` in region `region` with a fresh valid citizen id.
  std::uint32_t addPerson(std::uint8_t region, Date birth, bool male);
  // Gives a person another birth date (and so another id), keeping the rest.
  void rebirth(std::uint32_t person, Date birth);
  std::string makeCitizenId(std::uint8_t region, Date birth, bool male);

  void addMovement(MovementKind kind, SourceRole source, std::uint32_t person, std::uint32_t unit, Date effective_on,
                   Date recorded_on, std::int32_t approval = -1, std::uint32_t from_unit = kNone,
                   LeaderLevel level = LeaderLevel::none, LeaderRank rank = LeaderRank::none);
  std::int32_t addApproval(std::uint32_t unit, EstabType type, Date issued_on, Date valid_until, Purpose purpose,
                           std::int32_t slots = 1);
  void addTruth(InjectedRule rule, std::uint32_t unit, std::uint32_t person);

  // The unit's quota of a type on a date (latest effective_from <= date), 0 when none.
  [[nodiscard]] std::int32_t approvedOn(std::uint32_t unit, EstabType type, Date date) const;
  [[nodiscard]] std::string_view unitCode(std::uint32_t unit) const {
    return {units[unit].code.data(), units[unit].code.size()};
  }
  [[nodiscard]] std::string_view personId(std::uint32_t person) const {
    return {people[person].id.data(), people[person].id.size()};
  }
  [[nodiscard]] std::string personName(std::uint32_t person) const;
  [[nodiscard]] int ageOn(std::uint32_t person, Date date) const;

 private:
  Date birth_base_;                         // first birth day id_sequence_ counts
  std::vector<std::uint16_t> id_sequence_;  // next sequence per (region, birth day, sex)
  std::uint32_t movement_order_ = 0;
};

// Retirement at the statutory age of DOMAIN.md §3: 60 for men, 55 for women.
Date statutoryRetirement(Date birth, bool male);
Date addYears(Date date, int years);
Date lastDayOf(Month month);
Month monthOf(Date date);

// The phases, in order.
void buildUnits(World& world);
void planInjections(World& world);
void populate(World& world);
void simulate(World& world);
void injectScripted(World& world);
void setReductionTasks(World& world);
Result<void> writeWorld(World& world);

}  // namespace staffchain::gen::detail
