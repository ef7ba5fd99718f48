// Reduction tasks (控编减编): set last, in ordinary units, with a random stream of their own so
// that the rest of the world is the same with or without them. A task recovers posts by lowering
// the unit's approved establishment of its main type by no more than its spare posts (approved
// minus posts), so that nobody is ever over the lowered quota: the only finding a task can imply
// is its own CHAIN-018. Three kinds:
//   - met: issued 120-400 days before as_of, every post recovered 10-100 days later (due before
//     or after as_of): no finding;
//   - not yet due: issued 10-150 days before as_of, due 30-300 days after it, nothing recovered
//     yet: no finding;
//   - overdue (the injected CHAIN-018): due 10-150 days before as_of, with the spare posts
//     recovered but one post short (even cases) or nothing recovered (odd cases): CHAIN-018 (unit).
#include <algorithm>

#include "world.hpp"

namespace staffchain::gen::detail {
namespace {

class TaskSetter {
 public:
  explicit TaskSetter(World& world) : w_(world), rng_(world.rng.fork(5)), as_of_(world.spec.as_of) {}

  void run() {
    const std::size_t overdue = w_.stats.requested[static_cast<std::size_t>(InjectedRule::chain018)];
    const std::size_t clean = std::max<std::size_t>(2, overdue);
    for (std::size_t k = 0; k < clean; ++k) {
      met();
      notYetDue();
    }
    for (std::size_t k = 0; k < overdue; ++k) {
      if (this->overdue(k)) ++w_.stats.injected[static_cast<std::size_t>(InjectedRule::chain018)];
    }
  }

 private:
  Date between(Date lo, Date hi) { return hi <= lo ? lo : Date{rng_.between(lo.days, hi.days)}; }

  // An ordinary unit with no task yet (no injection there, nothing frozen) with at least
  // `min_spare` spare posts of its main type on `day`.
  std::uint32_t unit(std::int32_t min_spare = 0, Date day = {}) {
    for (int attempt = 0; attempt < 400; ++attempt) {
      const auto u = rng_.below(static_cast<std::uint32_t>(w_.units.size()));
      const GenUnit& unit = w_.units[u];
      if (unit.quiet || unit.injected || unit.freeze_from != kNever || unit.seat_count == 0) continue;
      if (std::find(taken_.begin(), taken_.end(), u) != taken_.end()) continue;
      if (min_spare > 0 && spare(u, mainType(u), day) < min_spare) continue;
      taken_.push_back(u);
      return u;
    }
    return kNone;
  }
  EstabType mainType(std::uint32_t u) const { return w_.seats[w_.units[u].first_seat].type; }
  // Approved posts of the type beyond the unit's seats on `day`: what may be taken away without
  // leaving anyone over the quota (each person fills a seat).
  std::int32_t spare(std::uint32_t u, EstabType type, Date day) const {
    const GenUnit& unit = w_.units[u];
    std::int32_t seats = 0;
    for (std::uint32_t s = unit.first_seat; s < unit.first_seat + unit.seat_count; ++s)
      seats += w_.seats[s].type == type;
    return w_.approvedOn(u, type, day) - seats;
  }
  void lower(std::uint32_t u, EstabType type, std::int32_t by, Date on) {
    w_.quotas.push_back(QuotaRow{u, type, w_.approvedOn(u, type, on) - by, on, static_cast<int>(on.ymd().year()),
                                 rng_.between(1, 150)});
  }
  void add(std::uint32_t u, EstabType type, std::int32_t posts, Date issued, Date due) {
    w_.reductions.push_back(ReductionRow{u, type, posts, issued, due, rng_.between(1, 200)});
  }

  void met() {
    const Date issued = between(as_of_.plusDays(-400), as_of_.plusDays(-120));
    const std::uint32_t u = unit(1, issued);
    if (u == kNone) return;  // no unit with posts to recover without leaving someone over the quota
    const EstabType type = mainType(u);
    const std::int32_t posts = spare(u, type, issued);
    lower(u, type, posts, issued.plusDays(rng_.between(10, 100)));
    add(u, type, posts, issued, issued.plusDays(rng_.between(180, 365)));
  }

  void notYetDue() {
    const std::uint32_t u = unit();
    if (u == kNone) return;
    const Date issued = between(as_of_.plusDays(-150), as_of_.plusDays(-10));
    add(u, mainType(u), rng_.between(1, 3), issued, as_of_.plusDays(rng_.between(30, 300)));
  }

  bool overdue(std::size_t k) {
    const Date due = between(as_of_.plusDays(-150), as_of_.plusDays(-10));
    const Date issued = due.plusDays(-rng_.between(180, 365));
    const bool partly = k % 2 == 0;
    const std::uint32_t u = unit(partly ? 1 : 0, issued);
    if (u == kNone) return false;
    const EstabType type = mainType(u);
    std::int32_t posts = rng_.between(1, 3);
    if (partly) {
      const std::int32_t recovered = spare(u, type, issued);
      lower(u, type, recovered, between(issued.plusDays(10), due));
      posts = recovered + 1;
    }
    add(u, type, posts, issued, due);
    w_.addTruth(InjectedRule::chain018, u, kNone);
    return true;
  }

  World& w_;
  Rng rng_;
  Date as_of_;
  std::vector<std::uint32_t> taken_;
};

}  // namespace

void setReductionTasks(World& world) {
  TaskSetter(world).run();
}

}  // namespace staffchain::gen::detail
