// The clean world: the headcount at the start of the window, then three years of exits,
// refills (hires and transfers), leader appointments and secondments, day by day.
#include <algorithm>
#include <queue>

#include "chain_steps.hpp"

namespace staffchain::gen::detail {
namespace {

// Yearly rates of the exits that are not retirements (DOMAIN.md §6: 5-8% turnover in all,
// retirements and transfers included).
constexpr double kResignYoung = 0.022;
constexpr double kResignOlder = 0.009;
constexpr double kDeath = 0.0025;
constexpr double kDeathOlder = 0.005;
constexpr double kDismiss = 0.0008;
constexpr double kTransferShare = 0.2;    // of refills: a transfer from another unit of the city
constexpr double kExternalShare = 0.05;   // of refills: a transfer in from outside the city
constexpr double kSecondmentRate = 0.01;  // secondments per person and year
// A clean death is only in the data once the whole exit chain is through.
constexpr std::int32_t kDeathSettleDays = 20;

enum class EventType : std::uint8_t { exit, refill, fill, leader_fill, secondment, ghost_exit };

struct Event {
  Date date;
  EventType type;
  std::uint32_t a;
  std::uint32_t b;
  std::uint32_t order;
  friend bool operator>(const Event& x, const Event& y) {
    return x.date != y.date ? x.date > y.date : x.order > y.order;
  }
};

class Simulation {
 public:
  explicit Simulation(World& world) : w_(world), rng_(world.rng.fork(2)) {
    for (std::uint32_t u = 0; u < w_.units.size(); ++u) {
      if (!w_.units[u].quiet && w_.units[u].seat_count > 0) {
        active_units_.push_back(u);
        region_units_[w_.units[u].region].push_back(u);
      }
    }
  }

  void run() {
    scheduleStart();
    while (!queue_.empty()) {
      const Event event = queue_.top();
      queue_.pop();
      if (event.date > w_.spec.as_of) break;
      handle(event);
    }
  }

 private:
  void push(Date date, EventType type, std::uint32_t a, std::uint32_t b = 0) {
    queue_.push(Event{date, type, a, b, order_++});
  }

  void scheduleStart() {
    for (std::uint32_t s = 0; s < w_.seats.size(); ++s) {
      const Seat& seat = w_.seats[s];
      if (w_.units[seat.unit].quiet) continue;
      if (seat.tenure == kNone) {
        push(w_.window_start, EventType::refill, s);
      } else {
        scheduleNaturalExit(w_.tenures[seat.tenure].person, w_.window_start);
      }
    }
    for (std::uint32_t p = 0; p < w_.posts.size(); ++p) {
      if (w_.posts[p].holder == kNone && !w_.units[w_.posts[p].unit].quiet) {
        push(w_.window_start.plusDays(rng_.between(10, 200)), EventType::leader_fill, p);
      }
    }
    const auto span = w_.spec.as_of.days - w_.window_start.days;
    const auto count = static_cast<std::uint32_t>(static_cast<double>(w_.spec.persons) * kSecondmentRate *
                                                  static_cast<double>(w_.spec.history_years));
    for (std::uint32_t i = 0; i < count && !active_units_.empty(); ++i) {
      push(w_.window_start.plusDays(rng_.between(30, span)), EventType::secondment, i);
    }
    for (std::uint32_t g = 0; g < w_.ghost_exits.size(); ++g) {
      push(w_.ghost_exits[g].second, EventType::ghost_exit, g);
    }
  }

  // Retirement at the statutory age, or earlier a resignation, death or dismissal.
  void scheduleNaturalExit(std::uint32_t person, Date from) {
    Person& p = w_.people[person];
    const Date end = w_.spec.as_of;
    Date exit_on = p.retire_on;
    MovementKind kind = MovementKind::retire;
    const double years = static_cast<double>(end.days - from.days) / 365.25;
    const bool young = w_.ageOn(person, from) < 35;
    const double resign = young ? kResignYoung : kResignOlder;
    const double death = w_.ageOn(person, from) >= 50 ? kDeathOlder : kDeath;
    const double total = resign + death + kDismiss;
    if (years > 0 && rng_.chance(std::min(0.9, total * years))) {
      const Date when = from.plusDays(rng_.between(1, std::max(1, end.days - from.days)));
      const double pick = rng_.unit() * total;
      const MovementKind hazard = pick < resign           ? MovementKind::resign
                                  : pick < resign + death ? MovementKind::death
                                                          : MovementKind::dismiss;
      const bool settles = hazard != MovementKind::death || when.days <= end.days - kDeathSettleDays;
      if (when < exit_on && settles) {
        exit_on = when;
        kind = hazard;
      }
    }
    if (exit_on > end || exit_on <= from) return;
    p.exit_on = exit_on;
    push(exit_on, EventType::exit, person, (p.exit_token << 4) | static_cast<std::uint32_t>(kind));
  }

  void handle(const Event& e) {
    switch (e.type) {
      case EventType::exit:
        onExit(e.a, e.b, e.date);
        break;
      case EventType::refill:
        onRefill(e.a, e.date);
        break;
      case EventType::fill:
        onFill(e.a, static_cast<std::int32_t>(e.b), e.date);
        break;
      case EventType::leader_fill:
        onLeaderFill(e.a, e.date);
        break;
      case EventType::secondment:
        onSecondment(e.date);
        break;
      case EventType::ghost_exit:
        onGhostExit(e.a, e.date);
        break;
    }
  }

  void onExit(std::uint32_t person, std::uint32_t payload, Date date) {
    Person& p = w_.people[person];
    if ((payload >> 4) != p.exit_token || p.tenure == kNone) return;
    const auto kind = static_cast<MovementKind>(payload & 0xF);
    const std::uint32_t seat = w_.tenures[p.tenure].seat;
    const std::uint32_t post = p.post;
    const Date removal = recordExit(w_, person, kind, date);
    if (seat != kNone) push(removal, EventType::refill, seat);
    // A successor is appointed from the unit's staff within months.
    if (post != kNone) push(date.plusDays(rng_.between(30, 150)), EventType::leader_fill, post);
  }

  void onRefill(std::uint32_t seat_index, Date vacant_since) {
    const Seat& seat = w_.seats[seat_index];
    const GenUnit& unit = w_.units[seat.unit];
    const Date issued = vacant_since.plusDays(rng_.between(20, 120));
    if (unit.quiet || issued > w_.spec.as_of || issued >= unit.freeze_from) return;
    const std::int32_t approval =
        w_.addApproval(seat.unit, seat.type, issued, issued.plusDays(180), hirePurpose(w_, seat.type));
    push(issued.plusDays(rng_.between(15, 90)), EventType::fill, seat_index, static_cast<std::uint32_t>(approval));
  }

  void onFill(std::uint32_t seat_index, std::int32_t approval, Date date) {
    const Seat seat = w_.seats[seat_index];
    if (seat.tenure != kNone) return;
    const double draw = rng_.unit();
    if (draw < kTransferShare && transferIn(seat_index, approval, date)) return;
    const bool external = draw >= kTransferShare && draw < kTransferShare + kExternalShare;
    const GenUnit& unit = w_.units[seat.unit];
    const int age = external ? rng_.between(28, 45) : rng_.between(22, 32);
    const bool male = rng_.chance(0.5);
    const Date birth = birthFor(date, age);
    const auto region = static_cast<std::uint8_t>(rng_.chance(0.8) ? unit.region : rng_.below(15));
    const std::uint32_t person = w_.addPerson(region, birth, male);
    w_.people[person].salary = 3600 + rng_.between(0, 900) + (age - 22) * 60;
    const MovementKind kind = external ? MovementKind::transfer_in : MovementKind::hire;
    const std::uint32_t tenure = recordHire(w_, kind, person, seat.unit, seat_index, seat.type, date, approval);
    scheduleNaturalExit(person, w_.tenures[tenure].roster_from);
  }

  Date birthFor(Date date, int age) {
    Date birth = addYears(date, -age).plusDays(-rng_.between(0, 364));
    const auto ymd = birth.ymd();
    if (static_cast<unsigned>(ymd.month()) == 2 && static_cast<unsigned>(ymd.day()) == 29) birth = birth.plusDays(-1);
    return birth;
  }

  bool eligible(std::uint32_t person, Date date, std::int32_t min_service, std::int32_t free_after) const {
    const Person& p = w_.people[person];
    if (p.tenure == kNone || p.post != kNone || p.busy_until >= date) return false;
    if (p.exit_on != kNever && p.exit_on.days <= date.days + free_after) return false;
    if (p.retire_on.days <= date.days + free_after) return false;
    const Tenure& t = w_.tenures[p.tenure];
    return t.roster_from.days <= date.days - min_service && t.pay_first.firstDay() < date;
  }

  // A person of the same type from another unit of the city moves here, leaving a vacancy.
  bool transferIn(std::uint32_t seat_index, std::int32_t approval, Date date) {
    const Seat seat = w_.seats[seat_index];
    const auto& same_region = region_units_[w_.units[seat.unit].region];
    for (int attempt = 0; attempt < 12; ++attempt) {
      const auto& pool = rng_.chance(0.7) && same_region.size() > 1 ? same_region : active_units_;
      const std::uint32_t from = pool[rng_.below(static_cast<std::uint32_t>(pool.size()))];
      const GenUnit& origin = w_.units[from];
      if (from == seat.unit || origin.quiet) continue;
      const std::uint32_t other = origin.first_seat + rng_.below(origin.seat_count);
      if (w_.seats[other].type != seat.type || w_.seats[other].tenure == kNone) continue;
      const std::uint32_t person = w_.tenures[w_.seats[other].tenure].person;
      if (!eligible(person, date, 365, 120)) continue;
      Person& p = w_.people[person];
      const Date planned_exit = p.exit_on;
      const std::uint32_t token = p.exit_token;
      // Leaves the old roster before joining the new one: one roster, one payer at a time.
      const Date removal = recordExit(w_, person, MovementKind::transfer_out, date);
      p.exit_on = planned_exit;
      p.exit_token = token;
      push(removal, EventType::refill, other);
      const bool cadre = seat.type == EstabType::admin || seat.type == EstabType::political_legal;
      const Date recorded = date.plusDays(rng_.between(0, 3));
      w_.addMovement(MovementKind::transfer_in, cadre ? SourceRole::org : SourceRole::hr, person, seat.unit, date,
                     recorded, approval, from);
      startTenure(w_, person, seat.unit, seat_index, seat.type,
                  std::max(removal, recorded).plusDays(rng_.between(1, 8)), approval, false);
      return true;
    }
    return false;
  }

  void onLeaderFill(std::uint32_t post_index, Date date) {
    LeaderPost& post = w_.posts[post_index];
    const GenUnit& unit = w_.units[post.unit];
    if (post.holder != kNone || unit.quiet) return;
    for (int attempt = 0; attempt < 15; ++attempt) {
      const std::uint32_t s = unit.first_seat + rng_.below(unit.seat_count);
      if (w_.seats[s].tenure == kNone) continue;
      const std::uint32_t person = w_.tenures[w_.seats[s].tenure].person;
      if (!eligible(person, date, 180, 365) || w_.ageOn(person, date) < 30) continue;
      w_.addMovement(MovementKind::appoint_leader, SourceRole::org, person, post.unit, date,
                     date.plusDays(rng_.between(0, 3)), -1, kNone, post.level, post.rank);
      post.holder = person;
      w_.people[person].post = post_index;
      return;
    }
  }

  void onSecondment(Date date) {
    for (int attempt = 0; attempt < 10; ++attempt) {
      const std::uint32_t u = active_units_[rng_.below(static_cast<std::uint32_t>(active_units_.size()))];
      const GenUnit& unit = w_.units[u];
      const std::uint32_t s = unit.first_seat + rng_.below(unit.seat_count);
      if (w_.seats[s].tenure == kNone) continue;
      const std::uint32_t person = w_.tenures[w_.seats[s].tenure].person;
      if (!eligible(person, date, 180, 210)) continue;
      std::uint32_t host = active_units_[rng_.below(static_cast<std::uint32_t>(active_units_.size()))];
      if (host == u) continue;
      w_.addMovement(MovementKind::second_out, SourceRole::hr, person, u, date, date.plusDays(rng_.between(0, 3)), -1,
                     host);
      const Date back = date.plusDays(rng_.between(30, 170));
      w_.addMovement(MovementKind::second_return, SourceRole::hr, person, u, back, back.plusDays(rng_.between(0, 3)),
                     -1, host);
      w_.people[person].busy_until = back.plusDays(10);
      return;
    }
  }

  // CHAIN-006: someone leaves a unit and finance never stops the pay.
  void onGhostExit(std::uint32_t ghost, Date date) {
    const std::uint32_t u = w_.ghost_exits[ghost].first;
    const GenUnit& unit = w_.units[u];
    const std::uint32_t start = rng_.below(unit.seat_count);
    for (std::uint32_t i = 0; i < unit.seat_count; ++i) {
      const std::uint32_t s = unit.first_seat + (start + i) % unit.seat_count;
      if (w_.seats[s].tenure == kNone) continue;
      const std::uint32_t person = w_.tenures[w_.seats[s].tenure].person;
      if (!eligible(person, date, 120, 0)) continue;
      const double pick = rng_.unit();
      MovementKind kind = pick < 0.45   ? MovementKind::resign
                          : pick < 0.65 ? MovementKind::transfer_out
                          : pick < 0.75 ? MovementKind::dismiss
                                        : MovementKind::retire;
      if (kind == MovementKind::retire && w_.ageOn(person, date) < 50) kind = MovementKind::resign;
      ExitOptions options;
      options.stop_pay = false;
      recordExit(w_, person, kind, date, options);
      // The vacancy stays open: the unit is frozen from this date on.
      w_.addTruth(InjectedRule::chain006, u, person);
      ++w_.stats.injected[static_cast<std::size_t>(InjectedRule::chain006)];
      return;
    }
  }

  World& w_;
  Rng rng_;
  std::priority_queue<Event, std::vector<Event>, std::greater<>> queue_;
  std::uint32_t order_ = 0;
  std::vector<std::uint32_t> active_units_;
  std::array<std::vector<std::uint32_t>, 15> region_units_;
};

}  // namespace

void simulate(World& world) {
  Simulation(world).run();
}

}  // namespace staffchain::gen::detail
