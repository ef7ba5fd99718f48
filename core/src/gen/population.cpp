// The headcount at the start of the movement window: one person per post (a few posts
// vacant), hired years before, and the leaders among them.
#include <algorithm>

#include "chain_steps.hpp"

namespace staffchain::gen::detail {

void populate(World& world) {
  Rng rng = world.rng.fork(1);
  const Date start = world.window_start;
  const Date as_of = world.spec.as_of;
  for (std::uint32_t s = 0; s < world.seats.size(); ++s) {
    const Seat& seat = world.seats[s];
    const GenUnit& unit = world.units[seat.unit];
    if (!unit.quiet && rng.chance(0.04)) continue;  // vacant when the window opens
    const bool male = rng.chance(unit.kind == model::UnitKind::organ ? 0.58 : 0.45);
    const int retire_age = male ? 60 : 55;
    // Nobody is past retirement age at the start; in quiet units nobody reaches it by as_of.
    const int oldest = unit.quiet ? retire_age - 2 - world.spec.history_years : retire_age - 1;
    const int age = rng.between(23, std::max(24, oldest));
    Date birth = addYears(start, -age).plusDays(-rng.between(0, 364));
    if (unit.quiet && statutoryRetirement(birth, male).days <= as_of.days + 365)
      birth = addYears(as_of, -(retire_age - 2));
    const auto ymd = birth.ymd();
    if (static_cast<unsigned>(ymd.month()) == 2 && static_cast<unsigned>(ymd.day()) == 29) birth = birth.plusDays(-1);
    const auto region = static_cast<std::uint8_t>(rng.chance(0.85) ? unit.region : rng.below(15));
    const std::uint32_t person = world.addPerson(region, birth, male);
    const int entry_age = rng.between(21, std::min(age, 30));
    Date entered = addYears(birth, entry_age).plusDays(rng.between(0, 300));
    entered = std::min(entered, start.plusDays(-60));
    world.people[person].salary =
        3800 + rng.between(0, 900) + (age - entry_age) * 55 + (seat.type == EstabType::service ? -300 : 0);
    startTenure(world, person, seat.unit, s, seat.type, entered, -1, true);
  }
  // Leaders: most posts are held when the window opens; quiet units hold all of theirs.
  for (std::uint32_t p = 0; p < world.posts.size(); ++p) {
    LeaderPost& post = world.posts[p];
    const GenUnit& unit = world.units[post.unit];
    if (!unit.quiet && rng.chance(0.1)) continue;
    for (std::uint32_t attempt = 0; attempt < 3 * unit.seat_count; ++attempt) {
      const std::uint32_t s = unit.first_seat + rng.below(unit.seat_count);
      if (world.seats[s].tenure == kNone) continue;
      const std::uint32_t person = world.tenures[world.seats[s].tenure].person;
      if (world.people[person].post != kNone || world.ageOn(person, start) < 30) continue;
      post.holder = person;
      world.people[person].post = p;
      break;
    }
  }
}

}  // namespace staffchain::gen::detail
