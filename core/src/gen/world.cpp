#include "world.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace staffchain::gen::detail {
namespace {
constexpr std::int32_t kSeqPerSex = 500;  // digits 15-17: 000-999, the last digit's parity is the sex
// Sequence numbers are counted per birth day over the 81 years up to as_of: everyone in the
// world (the oldest staff are born about 70 years before as_of) is born inside them.
constexpr std::int32_t kBirthDays = 81 * 366;
// The first birth day counted moves with as_of, on a grid of kSeqPerSex days from 1940-01-01:
// a sequence number depends on its birth day's offset only modulo kSeqPerSex, so a world keeps
// the ids it had when the first day was 1940-01-01 for every as_of.
const Date kBirthGrid = Date::fromYmd(1940, 1, 1);

Date birthBase(Date as_of) {
  const std::int32_t wanted = addYears(as_of, -80).days - kBirthGrid.days;
  // Rounded down (towards the past) for dates before the grid's origin too.
  const std::int32_t steps = wanted >= 0 ? wanted / kSeqPerSex : -((-wanted + kSeqPerSex - 1) / kSeqPerSex);
  return kBirthGrid.plusDays(steps * kSeqPerSex);
}
}  // namespace

Date addYears(Date date, int years) {
  const auto ymd = date.ymd();
  auto day = static_cast<unsigned>(ymd.day());
  const auto month = static_cast<unsigned>(ymd.month());
  if (month == 2 && day == 29) day = 28;
  return Date::fromYmd(static_cast<int>(ymd.year()) + years, month, day);
}

Date statutoryRetirement(Date birth, bool male) {
  return addYears(birth, male ? 60 : 55);
}

Month monthOf(Date date) {
  return Month::of(date);
}

Date lastDayOf(Month month) {
  return month.plus(1).firstDay().plusDays(-1);
}

World::World(const WorldSpec& world_spec)
    : spec(world_spec),
      rng(world_spec.seed),
      window_start(addYears(world_spec.as_of, -world_spec.history_years).plusDays(1)),
      payroll_first(Month::of(world_spec.as_of).plus(1 - world_spec.payroll_months)),
      payroll_last(Month::of(world_spec.as_of)),
      reform_year(static_cast<int>(window_start.ymd().year()) - 4),
      birth_base_(birthBase(world_spec.as_of)),
      id_sequence_(static_cast<std::size_t>(regions().size()) * static_cast<std::size_t>(kBirthDays) * 2U, 0) {}

std::string World::makeCitizenId(std::uint8_t region, Date birth, bool male) {
  const std::int32_t offset = std::clamp(birth.days - birth_base_.days, 0, kBirthDays - 1);
  const std::size_t slot =
      (static_cast<std::size_t>(region) * static_cast<std::size_t>(kBirthDays) + static_cast<std::size_t>(offset)) *
          2U +
      (male ? 1U : 0U);
  const std::uint16_t n = id_sequence_[slot]++;
  // Spread the sequence numbers over 000-999 like a police station's register would.
  const auto k = static_cast<std::int32_t>((static_cast<std::uint32_t>(offset) * 37U + region * 11U + n) %
                                           static_cast<std::uint32_t>(kSeqPerSex));
  const std::int32_t seq = k * 2 + (male ? 1 : 0);
  const auto ymd = birth.ymd();
  std::string id = fmt::format("{}{:04}{:02}{:02}{:03}", regions()[region].code, static_cast<int>(ymd.year()),
                               static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), seq);
  id.push_back(model::citizenIdCheckChar(id));
  return id;
}

std::uint32_t World::addPerson(std::uint8_t region, Date birth, bool male) {
  Person person;
  person.male = male;
  person.birth = birth;
  person.retire_on = statutoryRetirement(birth, male);
  const std::string id = makeCitizenId(region, birth, male);
  std::copy_n(id.data(), 18, person.id.data());
  const double style = rng.unit();
  if (style < 0.12) {
    person.name.style = 2;
    person.name.a = static_cast<std::uint16_t>(rng.below(mongolianCount(male)));
  } else {
    person.name.style = style < 0.45 ? 0 : 1;
    person.name.a = static_cast<std::uint16_t>(rng.below(surnameCount()));
    person.name.b = static_cast<std::uint16_t>(rng.below(givenCount(male)));
    person.name.c = static_cast<std::uint16_t>(rng.below(givenCount(male)));
  }
  people.push_back(person);
  return static_cast<std::uint32_t>(people.size() - 1);
}

void World::rebirth(std::uint32_t person, Date birth) {
  Person& p = people[person];
  const auto region = static_cast<std::uint8_t>(
      std::find_if(regions().begin(), regions().end(),
                   [&](const RegionInfo& r) { return r.code == std::string_view(p.id.data(), 6); }) -
      regions().begin());
  p.birth = birth;
  p.retire_on = statutoryRetirement(birth, p.male);
  const std::string id = makeCitizenId(region, birth, p.male);
  std::copy_n(id.data(), 18, p.id.data());
}

void World::addMovement(MovementKind kind, SourceRole source, std::uint32_t person, std::uint32_t unit,
                        Date effective_on, Date recorded_on, std::int32_t approval, std::uint32_t from_unit,
                        LeaderLevel level, LeaderRank rank) {
  movements.push_back(MovementRow{effective_on, recorded_on, person, unit, from_unit, approval, kind, source, level,
                                  rank, movement_order_++});
}

std::int32_t World::addApproval(std::uint32_t unit, EstabType type, Date issued_on, Date valid_until, Purpose purpose,
                                std::int32_t slots) {
  approvals.push_back(ApprovalRow{unit, type, slots, issued_on, valid_until, purpose});
  return static_cast<std::int32_t>(approvals.size() - 1);
}

void World::addTruth(InjectedRule rule, std::uint32_t unit, std::uint32_t person) {
  truth.push_back(TruthLine{rule, unit == kNone ? std::string() : std::string(unitCode(unit)),
                            person == kNone ? std::string() : std::string(personId(person))});
}

std::int32_t World::approvedOn(std::uint32_t unit, EstabType type, Date date) const {
  std::int32_t approved = 0;
  Date latest{std::numeric_limits<std::int32_t>::min()};
  for (const QuotaRow& q : quotas) {
    if (q.unit == unit && q.type == type && q.effective_from <= date && q.effective_from >= latest) {
      latest = q.effective_from;
      approved = q.approved;
    }
  }
  return approved;
}

std::string World::personName(std::uint32_t person) const {
  const Person& p = people[person];
  if (p.name.style == 2) return std::string(mongolianName(p.male, p.name.a));
  std::string name(surname(p.name.a));
  name.append(givenChar(p.male, p.name.b));
  if (p.name.style == 1) name.append(givenChar(p.male, p.name.c));
  return name;
}

int World::ageOn(std::uint32_t person, Date date) const {
  const auto b = people[person].birth.ymd();
  const auto d = date.ymd();
  int age = static_cast<int>(d.year()) - static_cast<int>(b.year());
  if (std::chrono::month_day{d.month(), d.day()} < std::chrono::month_day{b.month(), b.day()}) --age;
  return age;
}

}  // namespace staffchain::gen::detail
