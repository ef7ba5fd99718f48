// Builds the units of every region, their establishment quotas and leadership posts.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "world.hpp"

namespace staffchain::gen::detail {
namespace {

using model::UnitKind;

// GB 11714 organisation code: 8 digits and a check character.
std::string organisationCode(std::uint32_t serial) {
  static constexpr std::array<int, 8> kWeights{3, 7, 9, 10, 5, 8, 4, 2};
  const std::uint32_t body = (serial * 7919U + 1'000'003U) % 10'000'000U;
  std::string code = fmt::format("0{:07}", body);
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) sum += (code[i] - '0') * kWeights[i];
  const int check = 11 - sum % 11;
  code.push_back(check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check));
  return code;
}

struct Planned {
  const UnitTemplate* tmpl;
  std::string name;
  std::int32_t township;  // index of its township in the region, -1 if none
};

// The bodies of one region, in the order a region of that size gets them.
std::vector<Planned> planRegion(const RegionInfo& region, std::size_t count) {
  std::vector<Planned> out;
  out.reserve(count);
  const auto base = regionTemplates();
  for (std::size_t i = 0; i < base.size() && out.size() < count; ++i) {
    out.push_back({&base[i], fmt::format("{}{}", region.name, base[i].suffix), -1});
  }
  for (std::size_t t = 0; t < region.townships.size() && out.size() < count; ++t) {
    for (const UnitTemplate& tmpl : townshipTemplates()) {
      if (out.size() >= count) break;
      out.push_back(
          {&tmpl, fmt::format("{}{}{}", region.name, region.townships[t], tmpl.suffix), static_cast<std::int32_t>(t)});
    }
  }
  // 第一中学, 第二中学 and 第一小学 exist already.
  std::array<std::uint32_t, 4> next{2, 3, 1, 1};
  for (std::size_t i = 0; out.size() < count; ++i) {
    const std::size_t which = i % numberedTemplates().size();
    const UnitTemplate& tmpl = numberedTemplates()[which];
    std::string suffix(tmpl.suffix);
    suffix.replace(suffix.find("{}"), 2, chineseNumber(next[which]++));
    out.push_back({&tmpl, fmt::format("{}{}", region.name, suffix), -1});
  }
  return out;
}

model::Funding fundingOf(UnitKind kind) {
  switch (kind) {
    case UnitKind::public_welfare_2:
      return model::Funding::partial;
    case UnitKind::business:
      return model::Funding::self;
    default:
      return model::Funding::full;
  }
}

void addSeats(World& world, std::uint32_t unit, EstabType type, std::int32_t count) {
  for (std::int32_t i = 0; i < count; ++i) world.seats.push_back(Seat{unit, type, kNone});
}

void addQuota(World& world, std::uint32_t unit, EstabType type, std::int32_t seats) {
  Rng& rng = world.rng;
  const double slack_draw = rng.unit();
  const std::int32_t slack = slack_draw < 0.45 ? 0 : slack_draw < 0.8 ? 1 : 2;
  // Most establishments were last fixed in the institutional reform, the others up to three years
  // before or after it: all in years before the window opens, so every quota is in force before
  // the first movement it judges (a quota dated after a hire would leave the hire no vacancy).
  const int year = rng.chance(0.7) ? world.reform_year : rng.between(world.reform_year - 3, world.reform_year + 3);
  const Date from =
      Date::fromYmd(year, static_cast<unsigned>(rng.between(1, 12)), static_cast<unsigned>(rng.between(1, 28)));
  world.quotas.push_back(QuotaRow{unit, type, seats + slack, from, year, rng.between(1, 150)});
}

void addLeaderPosts(World& world, std::uint32_t unit, LeaderLevel level, LeaderRank rank, std::int32_t approved) {
  if (approved <= 0) return;
  world.leader_quotas.push_back(LeaderQuotaRow{unit, level, rank, approved});
  for (std::int32_t i = 0; i < approved; ++i) world.posts.push_back(LeaderPost{unit, level, rank, kNone});
}

void equip(World& world, std::uint32_t index, std::int32_t seat_total) {
  GenUnit& unit = world.units[index];
  Rng& rng = world.rng;
  unit.first_seat = static_cast<std::uint32_t>(world.seats.size());
  struct Share {
    EstabType type;
    std::int32_t seats;
  };
  std::vector<Share> shares;
  const std::int32_t service = seat_total >= 8 ? std::max(1, seat_total * rng.between(4, 10) / 100) : 0;
  if (unit.kind == UnitKind::organ) {
    if (unit.political_legal) {
      const std::int32_t admin = seat_total >= 10 ? seat_total / 8 : 0;
      shares = {{EstabType::political_legal, seat_total - admin - service}, {EstabType::admin, admin}};
    } else {
      shares = {{EstabType::admin, seat_total - service}};
    }
  } else {
    shares = {{EstabType::institution, seat_total - service}};
  }
  shares.push_back({EstabType::service, service});
  for (const Share& share : shares) {
    if (share.seats <= 0) continue;
    addSeats(world, index, share.type, share.seats);
    addQuota(world, index, share.type, share.seats);
  }
  unit.seat_count = static_cast<std::uint32_t>(world.seats.size()) - unit.first_seat;

  unit.first_post = static_cast<std::uint32_t>(world.posts.size());
  const bool county = unit.region == kCityRegion && (unit.kind == UnitKind::organ || seat_total >= 30);
  const LeaderLevel level = county ? LeaderLevel::county : LeaderLevel::township;
  const std::int32_t cap = std::max(1, seat_total / 3);
  const std::int32_t deputies = std::min(cap - 1, seat_total < 6 ? 0 : rng.between(1, seat_total >= 20 ? 3 : 2));
  addLeaderPosts(world, index, level, LeaderRank::chief, 1);
  addLeaderPosts(world, index, level, LeaderRank::deputy, deputies);
  if (county && unit.kind == UnitKind::organ && seat_total >= 20) {
    // Section chiefs of a county-level organ hold township-level posts.
    addLeaderPosts(world, index, LeaderLevel::township, LeaderRank::chief, std::min(5, seat_total / 8));
  }
  unit.post_count = static_cast<std::uint32_t>(world.posts.size()) - unit.first_post;
}

}  // namespace

void buildUnits(World& world) {
  const auto regs = regions();
  const double persons = static_cast<double>(world.spec.persons);
  const auto target = static_cast<std::size_t>(std::max(15.0, std::round(persons / 35.0)));
  double share_total = 0;
  for (const RegionInfo& r : regs) share_total += r.share;

  std::vector<double> weights;
  for (std::size_t ri = 0; ri < regs.size(); ++ri) {
    const RegionInfo& region = regs[ri];
    const auto count =
        static_cast<std::size_t>(std::max(1.0, std::round(static_cast<double>(target) * region.share / share_total)));
    const std::vector<Planned> planned = planRegion(region, count);
    const auto first = static_cast<std::uint32_t>(world.units.size());
    std::array<std::uint32_t, 8> role_unit;
    role_unit.fill(kNone);
    std::vector<std::uint32_t> township_gov(region.townships.size(), kNone);
    for (const Planned& p : planned) {
      GenUnit unit;
      unit.name = p.name;
      unit.region = static_cast<std::uint8_t>(ri);
      unit.kind = p.tmpl->kind;
      unit.funding = fundingOf(unit.kind);
      unit.political_legal = p.tmpl->political_legal;
      const char type_digit = unit.kind == UnitKind::organ ? (p.tmpl->mass_org ? '3' : '1') : '2';
      std::string code = fmt::format("1{}{}{}", type_digit, region.code,
                                     organisationCode(static_cast<std::uint32_t>(world.units.size())));
      code.push_back(model::creditCodeCheckChar(code));
      std::copy_n(code.data(), 18, unit.code.data());
      const auto index = static_cast<std::uint32_t>(world.units.size());
      if (p.tmpl->role == Parent::township && p.township >= 0) {
        township_gov[static_cast<std::size_t>(p.township)] = index;
      } else if (p.tmpl->role != Parent::none) {
        role_unit[static_cast<std::size_t>(p.tmpl->role)] = index;
      }
      world.units.push_back(std::move(unit));
      weights.push_back(p.tmpl->weight * (0.6 + 0.8 * world.rng.unit()));
    }
    // Parents are resolved once the whole region exists: a school may come before its bureau.
    for (std::size_t i = 0; i < planned.size(); ++i) {
      const Parent parent = planned[i].tmpl->parent;
      std::uint32_t parent_unit = kNone;
      if (parent == Parent::township && planned[i].township >= 0) {
        parent_unit = township_gov[static_cast<std::size_t>(planned[i].township)];
      } else if (parent != Parent::none) {
        parent_unit = role_unit[static_cast<std::size_t>(parent)];
      }
      if (parent_unit != first + i) world.units[first + i].parent = parent_unit;
    }
  }

  double weight_total = 0;
  for (const double w : weights) weight_total += w;
  const double scale = persons / weight_total;
  for (std::uint32_t i = 0; i < world.units.size(); ++i) {
    const auto seats = static_cast<std::int32_t>(std::max(3.0, std::round(weights[i] * scale)));
    equip(world, i, seats);
  }
}

}  // namespace staffchain::gen::detail
