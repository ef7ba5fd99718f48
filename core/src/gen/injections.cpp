// Injected violations: which units host them (planInjections, before the world is peopled)
// and the scripted cases in quiet units (injectScripted, after the clean simulation).
// README.md next to the public headers lists, per rule, what is injected and what it implies.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "chain_steps.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::gen::detail {
namespace {

using R = InjectedRule;

std::size_t idx(R rule) {
  return static_cast<std::size_t>(rule);
}

bool suits(const World& world, std::uint32_t u, R rule) {
  const GenUnit& unit = world.units[u];
  if (unit.injected || unit.seat_count < 4 || unit.seat_count > 60) return false;
  if (rule == R::chain007) return unit.post_count > 0;
  if (rule == R::chain011) return unit.kind != model::UnitKind::civil_service_managed;
  return true;
}

class Injector {
 public:
  explicit Injector(World& world) : w_(world), rng_(world.rng.fork(4)), as_of_(world.spec.as_of) {
    lo_ = std::max(w_.window_start.plusDays(60), as_of_.plusDays(-330));
    hi_ = as_of_.plusDays(-80);
    if (hi_ < lo_) hi_ = lo_;
  }

  void run() {
    for (std::size_t r = 0; r < kInjectedRuleCount; ++r) {
      const auto rule = static_cast<R>(r);
      const auto& hosts = w_.hosts[r];
      for (std::size_t k = 0; k < hosts.size(); ++k) {
        if (inject(rule, hosts[k], k)) ++w_.stats.injected[r];
      }
    }
  }

 private:
  Date between(Date lo, Date hi) { return hi <= lo ? lo : Date{rng_.between(lo.days, hi.days)}; }
  Date recent() { return between(lo_, hi_); }

  EstabType mainType(std::uint32_t u) const { return w_.seats[w_.units[u].first_seat].type; }
  std::int32_t seatsOf(std::uint32_t u, EstabType type) const {
    const GenUnit& unit = w_.units[u];
    std::int32_t n = 0;
    for (std::uint32_t s = unit.first_seat; s < unit.first_seat + unit.seat_count; ++s) n += w_.seats[s].type == type;
    return n;
  }
  // Sets the unit's quota of a type (its only row) to `approved`, in force well before the window.
  void setApproved(std::uint32_t u, EstabType type, std::int32_t approved) {
    for (QuotaRow& q : w_.quotas) {
      if (q.unit == u && q.type == type) {
        q.approved = approved;
        q.effective_from = std::min(q.effective_from, w_.window_start.plusDays(-400));
      }
    }
  }
  // A staff member who holds no leadership post (quiet units have every seat filled).
  std::uint32_t staff(std::uint32_t u) {
    const GenUnit& unit = w_.units[u];
    const std::uint32_t start = rng_.below(unit.seat_count);
    for (std::uint32_t i = 0; i < unit.seat_count; ++i) {
      const Seat& seat = w_.seats[unit.first_seat + (start + i) % unit.seat_count];
      if (seat.tenure == kNone) continue;
      const std::uint32_t person = w_.tenures[seat.tenure].person;
      if (w_.people[person].post == kNone && w_.people[person].tenure == seat.tenure) return person;
    }
    return kNone;
  }
  std::uint32_t newcomer(std::uint32_t u, Date on, int min_age, int max_age) {
    const bool male = rng_.chance(0.5);
    Date birth = addYears(on, -rng_.between(min_age, max_age)).plusDays(-rng_.between(0, 364));
    const auto ymd = birth.ymd();
    if (static_cast<unsigned>(ymd.month()) == 2 && static_cast<unsigned>(ymd.day()) == 29) birth = birth.plusDays(-1);
    const std::uint32_t person = w_.addPerson(w_.units[u].region, birth, male);
    w_.people[person].salary = 4200 + rng_.between(0, 1500);
    return person;
  }
  std::int32_t validApproval(std::uint32_t u, EstabType type, Date hire_on) {
    const Date issued = hire_on.plusDays(-rng_.between(20, 45));
    return w_.addApproval(u, type, issued, issued.plusDays(180), hirePurpose(w_, type));
  }
  std::uint32_t cleanUnit() {
    for (int attempt = 0; attempt < 200; ++attempt) {
      const auto u = rng_.below(static_cast<std::uint32_t>(w_.units.size()));
      const GenUnit& unit = w_.units[u];
      if (!unit.quiet && !unit.injected && unit.freeze_from == kNever) return u;
    }
    return kNone;
  }
  Month recentMonth(int back_max) {
    return std::max(w_.payroll_first, w_.payroll_last.plus(-rng_.between(1, back_max)));
  }

  bool inject(R rule, std::uint32_t u, std::size_t k) {
    const EstabType type = mainType(u);
    const std::int32_t base = seatsOf(u, type);
    switch (rule) {
      case R::chain001:
        return noApproval(u, type, base, k);
      case R::chain002: {
        // 超编进人: the unit is full; every other case also comes without an approval.
        setApproved(u, type, base);
        const Date on = recent();
        const bool without = k % 2 == 1;
        const std::uint32_t p = newcomer(u, on, 22, 32);
        recordHire(w_, MovementKind::hire, p, u, kNone, type, on, without ? -1 : validApproval(u, type, on));
        if (without) w_.addTruth(R::chain001, u, p);
        w_.addTruth(R::chain002, u, p);
        w_.addTruth(R::chain012, u, kNone);
        return true;
      }
      case R::chain003: {
        setApproved(u, type, base + 1);
        const Date on = between(lo_, as_of_.plusDays(-60));
        const std::uint32_t p = newcomer(u, on, 22, 32);
        recordHire(w_, MovementKind::hire, p, u, kNone, type, on, validApproval(u, type, on), kNone, false);
        w_.addTruth(R::chain003, u, p);
        return true;
      }
      case R::chain004:
        return payBeforeRoster(u, type, base, k);
      case R::chain005: {
        const std::uint32_t p = staff(u);
        if (p == kNone) return false;
        ExitOptions options;
        options.remove_from_roster = false;
        recordExit(w_, p, k % 2 == 0 ? MovementKind::resign : MovementKind::dismiss, between(lo_, as_of_.plusDays(-40)),
                   options);
        w_.addTruth(R::chain005, u, p);
        return true;
      }
      case R::chain007:
        return overLeaders(u);
      case R::chain008: {
        setApproved(u, type, base);
        const Date on = recent();
        const std::uint32_t p = newcomer(u, on, 28, 45);
        recordHire(w_, MovementKind::transfer_in, p, u, kNone, type, on, validApproval(u, type, on));
        w_.addTruth(R::chain008, u, p);
        w_.addTruth(R::chain012, u, kNone);
        return true;
      }
      case R::chain009:
      case R::chain010:
        return payElsewhere(rule, u);
      case R::chain011: {
        const EstabType wrong = w_.units[u].kind == model::UnitKind::organ ? EstabType::institution : EstabType::admin;
        // Granted in the second half of the reform year, well before the window like every quota.
        w_.quotas.push_back(QuotaRow{u, wrong, 1, Date::fromYmd(w_.reform_year, 6, 1).plusDays(rng_.between(0, 200)),
                                     w_.reform_year, rng_.between(1, 150)});
        const std::uint32_t p = newcomer(u, as_of_, 30, 45);
        const Date entered = between(addYears(w_.people[p].birth, 24), w_.window_start.plusDays(-90));
        startTenure(w_, p, u, kNone, wrong, entered, -1, true);
        w_.addTruth(R::chain011, u, p);
        return true;
      }
      case R::chain012: {
        if (base < 2) return false;
        const Date on = recent();
        w_.quotas.push_back(QuotaRow{u, type, base - 1, on, static_cast<int>(on.ymd().year()), rng_.between(1, 150)});
        w_.addTruth(R::chain012, u, kNone);
        return true;
      }
      case R::chain013: {
        const std::uint32_t p = staff(u);
        if (p == kNone) return false;
        const Date reached = as_of_.plusDays(-rng_.between(30, 300));
        Date birth = addYears(reached, w_.people[p].male ? -60 : -55);
        const auto ymd = birth.ymd();
        if (static_cast<unsigned>(ymd.month()) == 2 && static_cast<unsigned>(ymd.day()) == 29)
          birth = birth.plusDays(-1);
        w_.rebirth(p, birth);
        w_.addTruth(R::chain013, u, p);
        return true;
      }
      case R::chain014: {
        const std::uint32_t p = staff(u);
        if (p == kNone) return false;
        // Reported by the police register only: no exit was recorded, roster and pay go on.
        w_.deaths.push_back(DeathRow{p, between(as_of_.plusDays(-180), as_of_.plusDays(-45)), 0});
        w_.addTruth(R::chain014, u, p);
        return true;
      }
      case R::chain015: {
        const std::uint32_t p = staff(u);
        const std::uint32_t host = cleanUnit();
        if (p == kNone || host == kNone) return false;
        const Date on = between(std::max(w_.window_start.plusDays(30), as_of_.plusDays(-330)), as_of_.plusDays(-200));
        w_.addMovement(MovementKind::second_out, SourceRole::hr, p, u, on, on.plusDays(rng_.between(0, 3)), -1, host);
        w_.addTruth(R::chain015, u, p);
        return true;
      }
      case R::chain016:
        return approvalWhileSuspended(u, type);
      case R::chain017: {
        setApproved(u, type, base + 1);
        const Date on = between(lo_, as_of_.plusDays(-100));
        const std::uint32_t p = newcomer(u, on, 22, 32);
        const Date recorded = on.plusDays(rng_.between(0, 3));
        const std::int32_t approval = validApproval(u, type, on);
        w_.addMovement(MovementKind::hire, hireSource(w_, type), p, u, on, recorded, approval);
        startTenure(w_, p, u, kNone, type, recorded.plusDays(rng_.between(1, 15)), approval, false, false);
        w_.addTruth(R::chain017, u, p);
        return true;
      }
      case R::data001:
        return malformed(u, k);
      case R::chain006:
        return false;  // injected by the simulation in ordinary units
      case R::chain018:
        return false;  // reduction tasks are set last, in ordinary units (setReductionTasks)
    }
    return false;
  }

  // CHAIN-001 in five ways: none cited, unknown, expired, another unit's, slots used up.
  bool noApproval(std::uint32_t u, EstabType type, std::int32_t base, std::size_t k) {
    const Date on = recent();
    const std::size_t variant = k % 5;
    setApproved(u, type, base + (variant == 4 ? 2 : 1));
    std::int32_t approval = -1;
    switch (variant) {
      case 1:
        approval = -2 - static_cast<std::int32_t>(k);
        break;
      case 2: {
        const Date issued = on.plusDays(-rng_.between(200, 260));
        approval = w_.addApproval(u, type, issued, on.plusDays(-rng_.between(10, 40)), hirePurpose(w_, type));
        break;
      }
      case 3: {
        const std::uint32_t other = cleanUnit();
        if (other == kNone) return false;
        approval = validApproval(other, type, on);
        break;
      }
      case 4: {
        // The first hire uses the only slot, cleanly; the second cites it again.
        approval = w_.addApproval(u, type, on.plusDays(-70), on.plusDays(120), hirePurpose(w_, type));
        const Date first_on = on.plusDays(-rng_.between(20, 40));
        recordHire(w_, MovementKind::hire, newcomer(u, first_on, 22, 32), u, kNone, type, first_on, approval);
        break;
      }
      default:
        break;
    }
    const std::uint32_t p = newcomer(u, on, 22, 32);
    recordHire(w_, MovementKind::hire, p, u, kNone, type, on, approval);
    w_.addTruth(R::chain001, u, p);
    return true;
  }

  // CHAIN-004: pay to someone on no roster at all, or pay started before the roster entry.
  bool payBeforeRoster(std::uint32_t u, EstabType type, std::int32_t base, std::size_t k) {
    if (k % 2 == 0) {
      const std::uint32_t p = newcomer(u, as_of_, 25, 45);
      w_.extra_pay.push_back(PayStream{p, u, recentMonth(6), w_.payroll_last, w_.people[p].salary});
      w_.addTruth(R::chain004, u, p);
      return true;
    }
    setApproved(u, type, base + 1);
    // The roster entry comes mid-month; pay already ran that month (and started days before).
    const Month month = std::max(w_.payroll_first, w_.payroll_last.plus(-rng_.between(2, 8)));
    Date roster_on = month.firstDay().plusDays(rng_.between(9, 20));
    if (roster_on > as_of_.plusDays(-10)) roster_on = as_of_.plusDays(-10);
    const Date hire_on = roster_on.plusDays(-rng_.between(18, 25));
    const std::uint32_t p = newcomer(u, hire_on, 22, 32);
    const std::int32_t approval = validApproval(u, type, hire_on);
    w_.addMovement(MovementKind::hire, hireSource(w_, type), p, u, hire_on, hire_on.plusDays(1), approval);
    startTenure(w_, p, u, kNone, type, roster_on, approval, false, false);
    Tenure& tenure = w_.tenures[w_.people[p].tenure];
    tenure.pay_first = monthOf(roster_on);
    const Date pay_on = roster_on.plusDays(-rng_.between(6, 12));
    w_.addMovement(MovementKind::pay_start, SourceRole::finance, p, u, pay_on, pay_on);
    w_.addTruth(R::chain004, u, p);
    return true;
  }

  // CHAIN-007: every post of the unit's first kind is held, then one more leader is appointed.
  bool overLeaders(std::uint32_t u) {
    const GenUnit& unit = w_.units[u];
    const LeaderPost& first = w_.posts[unit.first_post];
    const LeaderLevel level = first.level;
    const LeaderRank rank = first.rank;
    const Date on = recent();
    for (std::uint32_t i = unit.first_post; i < unit.first_post + unit.post_count; ++i) {
      LeaderPost& post = w_.posts[i];
      if (post.level != level || post.rank != rank || post.holder != kNone) continue;
      const std::uint32_t p = staff(u);
      if (p == kNone) return false;
      const Date filled = on.plusDays(-rng_.between(60, 200));
      w_.addMovement(MovementKind::appoint_leader, SourceRole::org, p, u, filled, filled.plusDays(1), -1, kNone, level,
                     rank);
      post.holder = p;
      w_.people[p].post = i;
    }
    const std::uint32_t p = staff(u);
    if (p == kNone) return false;
    w_.addMovement(MovementKind::appoint_leader, SourceRole::org, p, u, on, on.plusDays(rng_.between(0, 3)), -1, kNone,
                   level, rank);
    w_.people[p].extra_level = level;
    w_.people[p].extra_rank = rank;
    w_.addTruth(R::chain007, u, kNone);
    return true;
  }

  // CHAIN-009: a second unit pays a person on the host's roster as well (so also CHAIN-010);
  // CHAIN-010: the second unit pays the person instead of the host.
  bool payElsewhere(R rule, std::uint32_t u) {
    const std::uint32_t partner = partnerOf(u);
    const std::uint32_t p = staff(u);
    if (p == kNone || partner == kNone) return false;
    const Month from = recentMonth(6);
    w_.extra_pay.push_back(PayStream{p, partner, from, w_.payroll_last, w_.people[p].salary});
    if (rule == R::chain010) w_.tenures[w_.people[p].tenure].pay_last = from.plus(-1);
    if (rule == R::chain009) w_.addTruth(R::chain009, partner, p);
    w_.addTruth(R::chain010, partner, p);
    return true;
  }
  std::uint32_t partnerOf(std::uint32_t host) const {
    for (std::size_t i = 0; i + 1 < w_.partners.size(); i += 2) {
      if (w_.partners[i] == host) return w_.partners[i + 1];
    }
    return kNone;
  }

  // CHAIN-016: ghost pay (critical) opens in the unit, and a month later it still gets an approval.
  bool approvalWhileSuspended(std::uint32_t u, EstabType type) {
    const std::uint32_t p = staff(u);
    if (p == kNone) return false;
    const Date latest_exit = as_of_.plusDays(-110);
    const Date earliest_exit = std::max(lo_, w_.payroll_first.plus(-1).firstDay());
    if (latest_exit < earliest_exit) return false;
    const Date exit_on = between(earliest_exit, latest_exit);
    ExitOptions options;
    options.stop_pay = false;
    recordExit(w_, p, MovementKind::resign, exit_on, options);
    const Month first_ghost = std::max(monthOf(exit_on).plus(1), w_.payroll_first);
    const Date issued = first_ghost.firstDay().plusDays(rng_.between(45, 60));
    if (issued > as_of_.plusDays(-5)) return false;
    w_.addApproval(u, type, issued, issued.plusDays(180), Purpose::supplement);
    w_.addTruth(R::chain006, u, p);
    w_.addTruth(R::chain016, u, kNone);
    return true;
  }

  // DATA-001: one bad row each, in a place where losing it changes nothing else.
  bool malformed(std::uint32_t u, std::size_t k) {
    const std::string unit_code(w_.unitCode(u));
    switch (k % 5) {
      case 0: {
        // Someone of working age: born 27 to 51 years before as_of (1975 to 2000 for the default).
        const Date born_from = Date::fromYmd(static_cast<int>(as_of_.ymd().year()) - 51, 3, 1);
        std::string id =
            w_.makeCitizenId(w_.units[u].region, born_from.plusDays(rng_.between(0, 9000)), rng_.chance(0.5));
        id.back() = id.back() == '1' ? '2' : '1';  // a typo in the check digit
        w_.raw.deaths.push_back(fmt::format("{},{},{}", id, model::formatDate(recent()), "民政局殡葬管理所"));
        w_.addTruth(R::data001, kNone, kNone);
        return true;
      }
      case 1: {
        const std::uint32_t p = staff(u);
        if (p == kNone) return false;
        w_.raw.payroll.push_back(fmt::format("{},{},{}-13,{},{}.00", w_.personId(p), unit_code, w_.payroll_last.year(),
                                             model::toString(w_.units[u].funding), w_.people[p].salary));
        w_.addTruth(R::data001, u, p);
        return true;
      }
      case 2: {
        std::string code = unit_code;
        code[12] = code[12] == '7' ? '8' : '7';  // one digit mistyped, check character kept
        w_.raw.units.push_back(fmt::format("{},{}{}{},{},,{},{}", code, regions()[w_.units[u].region].name,
                                           "社会事务服务中心",
                                           chineseNumber(static_cast<std::uint32_t>(k + 1)) + "分中心",
                                           regions()[w_.units[u].region].code, "public_welfare_1", "full"));
        w_.addTruth(R::data001, kNone, kNone);
        return true;
      }
      case 3: {
        const std::uint32_t p = staff(u);
        if (p == kNone) return false;
        const std::string on = model::formatDate(recent());
        w_.raw.movements.push_back(fmt::format("HRX{:08},hr,promote,{},{},{},,{},{},,,", k, w_.personId(p),
                                               w_.personName(p), unit_code, on, on));
        w_.addTruth(R::data001, u, p);
        return true;
      }
      default: {
        const Date on = recent();
        w_.raw.approvals.push_back(fmt::format("YBX{}{:06},{},temporary,1,{},{},补充人员",
                                               regions()[w_.units[u].region].code, k, unit_code, model::formatDate(on),
                                               model::formatDate(on.plusDays(180))));
        w_.addTruth(R::data001, u, kNone);
        return true;
      }
    }
  }

  World& w_;
  Rng rng_;
  Date as_of_;
  Date lo_;
  Date hi_;
};

}  // namespace

void planInjections(World& world) {
  const WorldSpec& spec = world.spec;
  for (std::size_t r = 0; r < kInjectedRuleCount; ++r) {
    const double rate = spec.rates.per_rule[r];
    world.stats.requested[r] =
        rate > 0
            ? std::max<std::size_t>(1, static_cast<std::size_t>(std::llround(rate * static_cast<double>(spec.persons))))
            : 0;
  }
  Rng rng = world.rng.fork(3);
  std::vector<std::uint32_t> order(world.units.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  for (std::size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[rng.below(static_cast<std::uint32_t>(i))]);

  std::size_t cursor = 0;
  auto take = [&](R rule) -> std::uint32_t {
    while (cursor < order.size()) {
      const std::uint32_t u = order[cursor++];
      if (suits(world, u, rule)) {
        world.units[u].quiet = true;
        world.units[u].injected = true;
        return u;
      }
    }
    return kNone;
  };
  // Round-robin over the rules, so that a shortage of units spreads over all of them.
  std::size_t most = 0;
  for (std::size_t r = 0; r < kInjectedRuleCount; ++r) {
    if (r != idx(R::chain006) && r != idx(R::chain018)) most = std::max(most, world.stats.requested[r]);
  }
  for (std::size_t k = 0; k < most; ++k) {
    for (std::size_t r = 0; r < kInjectedRuleCount; ++r) {
      if (r == idx(R::chain006) || r == idx(R::chain018) || k >= world.stats.requested[r]) continue;
      const std::uint32_t host = take(static_cast<R>(r));
      if (host == kNone) continue;
      if (r == idx(R::chain009) || r == idx(R::chain010)) {
        const std::uint32_t partner = take(static_cast<R>(r));
        if (partner == kNone) continue;
        world.partners.push_back(host);
        world.partners.push_back(partner);
      }
      world.hosts[r].push_back(host);
    }
  }
  // Ghost pay in ordinary units: the exit month lies inside the payroll window (before its
  // last month, so at least one ghost month shows), and the unit gets no approval afterwards.
  const Month lo = std::max(world.payroll_first.plus(-1), monthOf(world.window_start).plus(1));
  const Month hi = world.payroll_last.plus(-1);
  std::size_t ghosts = 0;
  while (cursor < order.size() && ghosts < world.stats.requested[idx(R::chain006)]) {
    const std::uint32_t u = order[cursor++];
    GenUnit& unit = world.units[u];
    if (unit.injected || unit.seat_count < 4) continue;
    const Month month{hi < lo ? hi.index : rng.between(lo.index, hi.index)};
    Date on = month.firstDay().plusDays(rng.between(0, 27));
    on = std::min(on, world.spec.as_of.plusDays(-20));
    unit.injected = true;
    unit.freeze_from = on;
    world.ghost_exits.emplace_back(u, on);
    ++ghosts;
  }
}

void injectScripted(World& world) {
  Injector(world).run();
}

}  // namespace staffchain::gen::detail
