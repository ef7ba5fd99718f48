#include "chain_steps.hpp"

#include <algorithm>

namespace staffchain::gen::detail {

SourceRole hireSource(World& world, EstabType type) {
  const bool cadre = type == EstabType::admin || type == EstabType::political_legal;
  return cadre && world.rng.chance(0.3) ? SourceRole::org : SourceRole::hr;
}

Purpose hirePurpose(World& world, EstabType type) {
  const double draw = world.rng.unit();
  if (draw < 0.05) return Purpose::veteran;
  if (draw < 0.10) return Purpose::talent;
  const bool cadre = type == EstabType::admin || type == EstabType::political_legal;
  return cadre ? Purpose::exam : Purpose::open_recruit;
}

std::uint32_t startTenure(World& world, std::uint32_t person, std::uint32_t unit, std::uint32_t seat, EstabType type,
                          Date roster_from, std::int32_t approval, bool historic, bool paid) {
  Tenure tenure;
  tenure.person = person;
  tenure.unit = unit;
  tenure.seat = seat;
  tenure.type = type;
  tenure.roster_from = roster_from;
  tenure.approval = approval;
  tenure.historic = historic;
  // Pay starts with the first month wholly on the roster, never before the roster entry.
  tenure.pay_first = paid ? monthOf(roster_from).plus(1) : kNoMonth;
  const auto index = static_cast<std::uint32_t>(world.tenures.size());
  world.tenures.push_back(tenure);
  if (seat != kNone) world.seats[seat].tenure = index;
  world.people[person].tenure = index;
  if (!historic) {
    world.addMovement(MovementKind::roster_add, SourceRole::estab, person, unit, roster_from, roster_from, approval);
  }
  if (!historic && paid) {
    const Date pay_start = tenure.pay_first.firstDay();
    world.addMovement(MovementKind::pay_start, SourceRole::finance, person, unit, pay_start, pay_start);
  }
  return index;
}

std::uint32_t recordHire(World& world, MovementKind kind, std::uint32_t person, std::uint32_t unit, std::uint32_t seat,
                         EstabType type, Date effective_on, std::int32_t approval, std::uint32_t from_unit,
                         bool add_to_roster) {
  Rng& rng = world.rng;
  const SourceRole source =
      kind == MovementKind::transfer_in && (type == EstabType::admin || type == EstabType::political_legal)
          ? SourceRole::org
          : hireSource(world, type);
  const Date recorded = effective_on.plusDays(rng.between(0, 3));
  world.addMovement(kind, source, person, unit, effective_on, recorded, approval, from_unit);
  if (!add_to_roster) {
    Tenure tenure;
    tenure.person = person;
    tenure.unit = unit;
    tenure.seat = seat;
    tenure.type = type;
    tenure.roster_from = kNever;
    tenure.approval = approval;
    world.tenures.push_back(tenure);
    world.people[person].tenure = static_cast<std::uint32_t>(world.tenures.size() - 1);
    return world.people[person].tenure;
  }
  // Every step comes after the one before it was recorded.
  const Date roster_from = recorded.plusDays(rng.between(1, 15));
  return startTenure(world, person, unit, seat, type, roster_from, approval, false);
}

Date recordExit(World& world, std::uint32_t person, MovementKind kind, Date exit_on, const ExitOptions& options) {
  Rng& rng = world.rng;
  Person& p = world.people[person];
  Tenure& tenure = world.tenures[p.tenure];
  const std::uint32_t unit = tenure.unit;

  if (p.post != kNone) {
    LeaderPost& post = world.posts[p.post];
    world.addMovement(MovementKind::remove_leader, SourceRole::org, person, unit, exit_on,
                      exit_on.plusDays(rng.between(0, 3)), -1, kNone, post.level, post.rank);
    post.holder = kNone;
    p.post = kNone;
  }
  const bool cadre = tenure.type == EstabType::admin || tenure.type == EstabType::political_legal;
  const SourceRole source = kind == MovementKind::transfer_out && cadre ? SourceRole::org : SourceRole::hr;
  // Retirements are prepared in advance; other exits are recorded after the fact.
  const Date recorded =
      kind == MovementKind::retire ? exit_on.plusDays(-rng.between(5, 20)) : exit_on.plusDays(rng.between(0, 3));
  world.addMovement(kind, source, person, unit, exit_on, recorded);
  if (kind == MovementKind::death) {
    world.deaths.push_back(DeathRow{person, exit_on, static_cast<std::uint8_t>(rng.below(3))});
  }
  if (tenure.historic) {
    // The entry predates the window: its roster and pay records open the person's history,
    // so that the removal below closes something.
    world.addMovement(MovementKind::roster_add, SourceRole::estab, person, unit, tenure.roster_from,
                      tenure.roster_from);
    const Date pay_start = tenure.pay_first.firstDay();
    world.addMovement(MovementKind::pay_start, SourceRole::finance, person, unit, pay_start, pay_start);
    tenure.historic = false;
  }
  Date removal = kNever;
  if (options.remove_from_roster) {
    removal = std::max({exit_on, recorded, options.removal_not_before}).plusDays(rng.between(1, 8));
    world.addMovement(MovementKind::roster_remove, SourceRole::estab, person, unit, removal, removal);
    tenure.roster_until = removal;
  }
  const Month exit_month = monthOf(exit_on);
  // Someone who leaves before the first pay day is never paid: finance starts no pay for a
  // person already gone (a pay_start after the exit would be pay without a roster entry).
  if (tenure.pay_first != kNoMonth && tenure.pay_first.firstDay() >= exit_on) {
    const Date pay_start = tenure.pay_first.firstDay();
    for (auto it = world.movements.rbegin(); it != world.movements.rend(); ++it) {
      if (it->kind == MovementKind::pay_start && it->person == person && it->unit == unit &&
          it->effective_on == pay_start) {
        world.movements.erase(std::next(it).base());
        break;
      }
    }
    tenure.pay_first = kNoMonth;
    tenure.pay_last = kNoMonth;
  } else if (options.stop_pay) {
    // Only months wholly on the roster are paid, and none after the exit month.
    Month last = options.keep_paying_month ? exit_month : exit_month.plus(-1);
    if (removal != kNever) last = std::min(last, monthOf(removal).plus(-1));
    tenure.pay_last = last;
    const Date stop = (removal == kNever ? exit_on : removal).plusDays(rng.between(0, 5));
    world.addMovement(MovementKind::pay_stop, SourceRole::finance, person, unit, stop, stop);
  } else {
    tenure.pay_last = world.payroll_last;
  }
  if (tenure.seat != kNone) world.seats[tenure.seat].tenure = kNone;
  p.tenure = kNone;
  p.exit_on = exit_on;
  ++p.exit_token;
  return removal;
}

}  // namespace staffchain::gen::detail
