// The clean chain of DOMAIN.md §2, step by step: a hire (hr/org), its roster entry (estab)
// within days and its first pay (finance) the month after; an exit, its roster removal within
// days and the end of pay. Injections reuse these steps and leave one out or bend one.
#pragma once

#include "world.hpp"

namespace staffchain::gen::detail {

// Opens a tenure: on the roster from `roster_from`, paid from the month after. Unless it is
// historic (from before the window), the roster_add and pay_start movements are recorded.
std::uint32_t startTenure(World& world, std::uint32_t person, std::uint32_t unit, std::uint32_t seat, EstabType type,
                          Date roster_from, std::int32_t approval, bool historic, bool paid = true);

// A hire or transfer in effective on `effective_on`, recorded within days, then its tenure.
// Returns the tenure. `seat` may be kNone for a person outside the unit's posts.
std::uint32_t recordHire(World& world, MovementKind kind, std::uint32_t person, std::uint32_t unit, std::uint32_t seat,
                         EstabType type, Date effective_on, std::int32_t approval, std::uint32_t from_unit = kNone,
                         bool add_to_roster = true);

struct ExitOptions {
  bool remove_from_roster = true;
  bool stop_pay = true;           // false: pay runs on to the end of the payroll window (ghost pay)
  bool keep_paying_month = true;  // pay the exit month when the roster still covers it
  Date removal_not_before{0};
};

// Ends the person's current tenure: leader post given up, the exit, its roster removal within
// days and the pay stop. Returns the roster removal date (kNever when not removed).
Date recordExit(World& world, std::uint32_t person, MovementKind kind, Date exit_on, const ExitOptions& options = {});

// Hires record civil-service posts through the organisation department now and then.
SourceRole hireSource(World& world, EstabType type);
Purpose hirePurpose(World& world, EstabType type);

}  // namespace staffchain::gen::detail
