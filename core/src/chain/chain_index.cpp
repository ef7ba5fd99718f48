#include "chain_index.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "parallel.hpp"
#include "presence.hpp"
#include "staffchain/model/enums.hpp"

namespace staffchain::chain::detail {
namespace {

using model::Movement;
using model::PersonId;
using model::UnitId;

// The movements that open or close a roster stay (see presenceIn).
bool changesRoster(model::MovementKind kind) {
  return kind == model::MovementKind::roster_add || kind == model::MovementKind::roster_remove;
}

bool movementBefore(const Movement& a, const Movement& b) {
  if (a.effective_on != b.effective_on) return a.effective_on < b.effective_on;
  return a.movement_id < b.movement_id;
}

template <typename T, typename Same>
void replaceOrInsert(std::vector<T>& items, const T& item, Same same) {
  for (auto& existing : items) {
    if (same(existing)) {
      existing = item;
      return;
    }
  }
  items.push_back(item);
}

// Keeps `items` sorted by `less` with one item per key: an item equal under `less` to a held
// one replaces it. Rows mostly arrive in order, so the end is tried first.
template <typename T, typename Less>
void insertSorted(std::vector<T>& items, T item, Less less) {
  if (items.empty() || less(items.back(), item)) {
    items.push_back(std::move(item));
    return;
  }
  auto at = std::lower_bound(items.begin(), items.end(), item, less);
  if (at != items.end() && !less(item, *at)) {
    *at = std::move(item);
  } else {
    items.insert(at, std::move(item));
  }
}

// Calls `add` for what is only in `after` and `drop` for what is only in `before` (both sorted).
template <typename T, typename Add, typename Drop>
void diffSorted(const std::vector<T>& before, const std::vector<T>& after, Add add, Drop drop) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size() || (i < before.size() && before[i] < after[j])) {
      drop(before[i++]);
    } else if (i == before.size() || after[j] < before[i]) {
      add(after[j++]);
    } else {
      ++i;
      ++j;
    }
  }
}

// Room for one more item: one at a time up to 16, then a quarter more. A person holds a
// handful of movements (most three or five), and at a million persons doubling left a third of
// the movements' memory unused.
template <typename T>
void roomForOneMore(std::vector<T>& items) {
  constexpr std::size_t kOneByOne = 16;
  if (items.size() < items.capacity()) return;
  items.reserve(items.size() < kOneByOne ? items.size() + 1 : items.size() + items.size() / 4);
}

const PersonId& idOf(const PersonId& id) noexcept {
  return id;
}
const PersonId& idOf(const ScopeMember& member) noexcept {
  return member.id();
}

// Adds or replaces the entry of its person in a list sorted by id.
template <typename Entry>
void putSorted(std::vector<Entry>& list, Entry entry) {
  auto at = std::lower_bound(list.begin(), list.end(), idOf(entry),
                             [](const Entry& e, const PersonId& id) { return idOf(e) < id; });
  if (at != list.end() && sameId(idOf(*at), idOf(entry))) {
    *at = std::move(entry);
  } else {
    list.insert(at, std::move(entry));
  }
}

// Takes the person out of a list sorted by id (and the list out of `lists` once empty).
template <typename Lists, typename Key>
void eraseSorted(Lists& lists, const Key& key, const PersonId& id) {
  auto found = lists.find(key);
  if (found == lists.end()) return;
  auto& list = found->second;
  using Entry = typename std::decay_t<decltype(list)>::value_type;
  auto at =
      std::lower_bound(list.begin(), list.end(), id, [](const Entry& e, const PersonId& i) { return idOf(e) < i; });
  if (at != list.end() && sameId(idOf(*at), id)) list.erase(at);
  if (list.empty()) lists.erase(found);
}

}  // namespace

PayRow PayRow::of(const model::PayrollMonth& pay) {
  if (pay.gross_fen < 0 || pay.gross_fen >= (std::int64_t{1} << kGrossBits)) {
    throw std::out_of_range(fmt::format("payroll of {} for {}: gross {} fen is outside 0 to 2^{}", pay.person_id.view(),
                                        model::formatMonth(pay.month), pay.gross_fen, kGrossBits));
  }
  if (pay.origin.source >= (1U << kSourceBits)) {
    throw std::out_of_range(fmt::format("payroll of {} for {}: source #{} is beyond the {} an engine holds",
                                        pay.person_id.view(), model::formatMonth(pay.month), pay.origin.source,
                                        1U << kSourceBits));
  }
  static_assert(model::kFundingCount <= 4, "a funding takes two bits");
  PayRow row;
  row.month = pay.month;
  // Masked to their widths (checked above), which the compiler then knows they fit.
  row.gross_fen = static_cast<std::uint64_t>(pay.gross_fen) & ((std::uint64_t{1} << kGrossBits) - 1);
  row.source = pay.origin.source & ((1U << kSourceBits) - 1);
  row.funding_code = static_cast<std::uint64_t>(pay.funding) & 3U;
  return row;
}

model::PayrollMonth ChainIndex::payRecord(const PersonId& person, const PayRow& row) const {
  return model::PayrollMonth{person,        payUnit(row), row.month,
                             row.funding(), row.gross(),  model::Origin{static_cast<std::uint32_t>(row.source), 0}};
}

std::uint32_t ChainIndex::internUnit(const UnitId& unit) {
  // Payroll files list a unit's rows together: most rows name the unit of the row before.
  if (last_interned_ != PlaceIndex::kNone && sameId(interned_units_[last_interned_], unit)) return last_interned_;
  const auto hash = IdHash::raw(unit);
  auto place = unit_places_.find(hash, [&](std::uint32_t p) { return sameId(interned_units_[p], unit); });
  if (place == PlaceIndex::kNone) {
    place = static_cast<std::uint32_t>(interned_units_.size());
    interned_units_.push_back(unit);
    unit_places_.insert(hash, place);
  }
  last_interned_ = place;
  return place;
}

const model::RosterEntry* PersonRecords::rosterIn(const UnitId& unit) const noexcept {
  for (const auto& entry : roster) {
    if (sameId(entry.unit_id, unit)) return &entry;
  }
  return nullptr;
}

void ChainIndex::clear() {
  *this = ChainIndex{};
}

void ChainIndex::refuseIfReadOnly() const {
  if (read_only_) {
    throw std::logic_error("the engine's index was linked to be read only (an audit's): it takes no change");
  }
}

std::string ChainIndex::sourceName(std::uint32_t index) const {
  if (index < sources_.size()) return sources_[index];
  return "source#" + std::to_string(index);
}

void ChainIndex::reserveFor(const model::Dataset& dataset) {
  units_.reserve(dataset.units.size());
  // A quarter more than loaded for the changes to come: growing past a table's size
  // rehashes all of it at once, paid by whichever change crosses the line.
  auto withRoom = [](std::size_t n) { return n + n / 4; };
  approvals_.reserve(withRoom(dataset.approvals.size()));
  movement_owners_.reserve(withRoom(dataset.movements.size()));
  // Most persons have a roster row; the rest (gone before the snapshot) have movements.
  persons_.reserve(withRoom(dataset.roster.size() + dataset.movements.size() / 8));
}

std::uint32_t ChainIndex::personPlace(const PersonId& id, Touched& touched) {
  touched.addPerson(id);
  // The person placed after the last one, or the last one again (a person's rows together).
  if (const auto* next = persons_.at(last_place_ + 1); next != nullptr && sameId(next->first, id)) return ++last_place_;
  if (const auto* same = persons_.at(last_place_); same != nullptr && sameId(same->first, id)) return last_place_;
  auto place = persons_.placeOf(id);
  if (place == Persons::kNone) place = persons_.add(id);
  last_place_ = place;
  return place;
}

PersonRecords& ChainIndex::personSlot(const PersonId& id, Touched& touched) {
  return persons_.at(personPlace(id, touched))->second;
}

std::uint32_t ChainIndex::movementOwner(std::uint64_t hash, const std::string& id) const {
  return movement_owners_.find(hash, [&](std::uint32_t place) {
    const auto* node = persons_.at(place);
    return node != nullptr && std::any_of(node->second.movements.begin(), node->second.movements.end(),
                                          [&](const Movement& m) { return m.movement_id == id; });
  });
}

void ChainIndex::forgetMovementOwner(std::uint64_t hash, const std::string& id, Touched& touched) {
  const auto place = movementOwner(hash, id);
  if (place == PlaceIndex::kNone) return;
  movement_owners_.erase(hash, [&](std::uint32_t p) { return p == place; });
  const PersonId owner = persons_.at(place)->first;
  dropMovement(owner, id, touched);
}

void ChainIndex::noteStays(const PersonId& id, Touched& touched) const {
  if (touched.all_persons) return;
  auto [kept, first] = touched.stays_before.try_emplace(id);
  if (!first) return;
  auto& stays = kept->second;
  auto& cites = touched.cites_before[id];  // a person new to the index had none of either
  const auto* records = persons_.find(id);
  if (records == nullptr) return;
  for (const auto& p : presenceOf(*this, records->second)) stays.push_back(StayBefore{p.unit, p.type, p.from, p.until});
  for (const auto& m : records->second.movements) {
    if (model::isHire(m.kind) && !m.approval_id.empty())
      cites.push_back(CiteBefore{m.approval_id, m.effective_on, m.movement_id});
  }
}

void ChainIndex::touchUnit(const UnitId& unit, Touched& touched) const {
  touched.index_changed = true;
  for (std::uint8_t t = 0; t < model::kEstabTypeCount; ++t) touched.addScope(ScopeKey{unit, t});
  touched.addScope(ScopeKey{unit, kUnknownType});
  for (auto level : {model::LeaderLevel::county, model::LeaderLevel::township}) {
    for (auto rank : {model::LeaderRank::chief, model::LeaderRank::deputy}) {
      touched.addLeader(LeaderKey{unit, level, rank});
    }
  }
  touched.addSuspension(unit);
  // Person findings show the unit's name: touchPersonsNaming() finds them when the batch is
  // judged (a unit's row changes seldom, a person's often: no reverse index is kept for it).
  if (!touched.all_persons) touched.units_named.insert(unit);
  // A hire citing this unit's approval for another unit names this unit too.
  if (auto ids = approvals_by_unit_.find(unit); ids != approvals_by_unit_.end()) {
    for (const auto& [id, held] : ids->second) {
      if (auto citers = approval_citers_.find(id); citers != approval_citers_.end()) {
        touched.addPersons(citers->second.begin(), citers->second.end());
      }
    }
  }
}

void ChainIndex::putApproval(const model::Approval& approval, Touched& touched) {
  touched.index_changed = true;
  eraseApproval(approval.approval_id, touched);
  const auto& held = approvals_[approval.approval_id] = approval;
  approvals_by_unit_[approval.unit_id].insert_or_assign(approval.approval_id, &held);
  touched.addScope(ScopeKey{approval.unit_id, static_cast<std::uint8_t>(approval.estab_type)});
  touched.addSuspension(approval.unit_id);
  if (auto it = approval_citers_.find(approval.approval_id); it != approval_citers_.end()) {
    touched.addPersons(it->second.begin(), it->second.end());
  }
}

void ChainIndex::eraseApproval(const std::string& id, Touched& touched) {
  auto it = approvals_.find(id);
  if (it == approvals_.end()) return;
  const auto& old = it->second;
  touched.index_changed = true;
  touched.addScope(ScopeKey{old.unit_id, static_cast<std::uint8_t>(old.estab_type)});
  touched.addSuspension(old.unit_id);
  if (auto byUnit = approvals_by_unit_.find(old.unit_id); byUnit != approvals_by_unit_.end()) {
    byUnit->second.erase(id);
    if (byUnit->second.empty()) approvals_by_unit_.erase(byUnit);
  }
  if (auto citers = approval_citers_.find(id); citers != approval_citers_.end()) {
    touched.addPersons(citers->second.begin(), citers->second.end());
  }
  approvals_.erase(it);
}

void ChainIndex::eraseMovement(const std::string& id, Touched& touched) {
  forgetMovementOwner(TextHash{}(id), id, touched);
}

void ChainIndex::dropMovement(const PersonId& owner, const std::string& id, Touched& touched) {
  noteStays(owner, touched);
  auto& person = personSlot(owner, touched);
  std::erase_if(person.movements, [&](const Movement& m) {
    if (m.movement_id != id) return false;
    if (changesRoster(m.kind)) touched.addRosterChange(owner);
    return true;
  });
}

void ChainIndex::put(model::Record record, Touched& touched) {
  refuseIfReadOnly();
  std::visit(
      [&](auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, model::Unit>) {
          const auto id = r.unit_id;
          forgetRegionOf(id);
          units_by_region_[r.region].push_back(id);
          units_[id] = std::move(r);
          touchUnit(id, touched);
        } else if constexpr (std::is_same_v<T, model::Quota>) {
          const ScopeKey key{r.unit_id, static_cast<std::uint8_t>(r.estab_type)};
          // A unit's first quota of a type may change the type of stays only its roster_adds
          // tell (onlyTypeOf): the persons naming the unit are judged again.
          if (!quotas_.contains(key)) touchUnit(r.unit_id, touched);
          touched.index_changed = true;
          auto& list = quotas_[key];
          replaceOrInsert(list, r, [&](const model::Quota& q) { return q.effective_from == r.effective_from; });
          std::sort(list.begin(), list.end(),
                    [](const model::Quota& a, const model::Quota& b) { return a.effective_from < b.effective_from; });
          touched.addScope(key);
        } else if constexpr (std::is_same_v<T, model::LeaderQuota>) {
          const LeaderKey key{r.unit_id, r.level, r.rank};
          leader_quotas_[key] = r;
          touched.addLeader(key);
        } else if constexpr (std::is_same_v<T, model::Approval>) {
          putApproval(r, touched);
        } else if constexpr (std::is_same_v<T, model::RosterEntry>) {
          noteStays(r.person_id, touched);
          auto& person = personSlot(r.person_id, touched);
          touched.addRosterChange(r.person_id);
          insertSorted(person.roster, std::move(r),
                       [](const model::RosterEntry& a, const model::RosterEntry& b) { return a.unit_id < b.unit_id; });
        } else if constexpr (std::is_same_v<T, model::Movement>) {
          // A known id replaces the movement it names, whoever held it.
          const auto hash = TextHash{}(r.movement_id);
          forgetMovementOwner(hash, r.movement_id, touched);
          noteStays(r.person_id, touched);
          const auto place = personPlace(r.person_id, touched);
          movement_owners_.insert(hash, place);
          auto& person = persons_.at(place)->second;
          if (changesRoster(r.kind)) touched.addRosterChange(r.person_id);
          roomForOneMore(person.movements);
          auto at = std::upper_bound(person.movements.begin(), person.movements.end(), r, movementBefore);
          person.movements.insert(at, std::move(r));
        } else if constexpr (std::is_same_v<T, model::PayrollMonth>) {
          // Refused (beyond what its bits hold) before anything is put.
          auto row = PayRow::of(r);
          row.unit = internUnit(r.unit_id);
          auto& person = personSlot(r.person_id, touched);
          if (person.payroll.capacity() == 0) person.payroll.reserve(payroll_hint_);
          insertSorted(person.payroll, row, [&](const PayRow& a, const PayRow& b) {
            return a.month != b.month ? a.month < b.month : payUnit(a) < payUnit(b);
          });
        } else if constexpr (std::is_same_v<T, model::Death>) {
          auto& person = personSlot(r.person_id, touched);
          person.extraHeld().death = std::make_unique<model::Death>(std::move(r));
        } else {
          static_assert(std::is_same_v<T, model::ReductionTask>);
          forgetReduction(r.task_id);
          touched.addReduction(r.task_id);
          reductions_by_unit_[r.unit_id].push_back(r.task_id);
          auto id = r.task_id;
          reductions_.insert_or_assign(std::move(id), std::move(r));
        }
      },
      record);
}

void ChainIndex::forgetReduction(std::string_view id) {
  auto it = reductions_.find(id);
  if (it == reductions_.end()) return;
  if (auto of_unit = reductions_by_unit_.find(it->second.unit_id); of_unit != reductions_by_unit_.end()) {
    std::erase(of_unit->second, id);
    if (of_unit->second.empty()) reductions_by_unit_.erase(of_unit);
  }
  reductions_.erase(it);
}

const std::vector<std::string>* ChainIndex::reductionsOfUnit(const UnitId& unit) const {
  auto it = reductions_by_unit_.find(unit);
  return it == reductions_by_unit_.end() ? nullptr : &it->second;
}

void ChainIndex::forgetRegionOf(const UnitId& id) {
  auto unit = units_.find(id);
  if (unit == units_.end()) return;
  auto region = units_by_region_.find(unit->second.region);
  if (region == units_by_region_.end()) return;
  std::erase_if(region->second, [&](const UnitId& other) { return sameId(other, id); });
  if (region->second.empty()) units_by_region_.erase(region);
}

void ChainIndex::erase(model::RecordType type, std::string_view key, Touched& touched) {
  refuseIfReadOnly();
  using model::RecordType;
  const std::string keyText(key);
  auto keyOf = [](const auto& r) { return model::recordKey(model::Record{r}); };
  switch (type) {
    case RecordType::unit: {
      if (key.size() < 18) return;
      const auto id = UnitId::fromValid(key.substr(0, 18));
      forgetRegionOf(id);
      if (units_.erase(id) > 0) touchUnit(id, touched);
      return;
    }
    case RecordType::quota: {
      if (key.size() < 18) return;
      const auto unit = UnitId::fromValid(key.substr(0, 18));
      for (std::uint8_t t = 0; t < model::kEstabTypeCount; ++t) {
        const ScopeKey scope{unit, t};
        auto it = quotas_.find(scope);
        if (it == quotas_.end()) continue;
        const auto removed = std::erase_if(it->second, [&](const model::Quota& q) { return keyOf(q) == keyText; });
        if (removed > 0) {
          touched.addScope(scope);
          touched.index_changed = true;
        }
        if (it->second.empty()) {
          quotas_.erase(it);
          touchUnit(unit, touched);  // its last quota of the type gone: as above
        }
      }
      return;
    }
    case RecordType::leader_quota: {
      for (auto it = leader_quotas_.begin(); it != leader_quotas_.end(); ++it) {
        if (keyOf(it->second) == keyText) {
          touched.addLeader(it->first);
          leader_quotas_.erase(it);
          return;
        }
      }
      return;
    }
    case RecordType::approval:
      eraseApproval(keyText, touched);
      return;
    case RecordType::movement:
      eraseMovement(keyText, touched);
      return;
    case RecordType::reduction:
      touched.addReduction(key);
      forgetReduction(key);
      return;
    case RecordType::roster:
    case RecordType::payroll:
    case RecordType::death: {
      // Their keys start with the person id.
      if (key.size() < 18) return;
      auto* it = persons_.find(PersonId::fromValid(key.substr(0, 18)));
      if (it == nullptr) return;
      auto& person = it->second;
      std::size_t removed = 0;
      if (type == RecordType::roster) {
        noteStays(it->first, touched);
        removed = std::erase_if(person.roster, [&](const auto& r) { return keyOf(r) == keyText; });
      } else if (type == RecordType::payroll) {
        removed =
            std::erase_if(person.payroll, [&](const PayRow& r) { return keyOf(payRecord(it->first, r)) == keyText; });
      } else {
        if (person.death() != nullptr && keyOf(*person.death()) == keyText) {
          person.extra->death.reset();
          removed = 1;
        }
      }
      if (removed > 0) touched.addPerson(it->first);
      if (removed > 0 && type == RecordType::roster) touched.addRosterChange(it->first);
      return;
    }
  }
}

void ChainIndex::addQuarantine(model::QuarantineEntry entry, Touched& touched) {
  refuseIfReadOnly();
  QuarantineKey key{entry.source, entry.origin};
  auto& list = quarantine_[key];
  // The same complaint about the same field arriving again is the same entry.
  for (auto& existing : list) {
    if (existing.field == entry.field && existing.reason == entry.reason && existing.type == entry.type) {
      existing = std::move(entry);
      touched.quarantine.insert(std::move(key));
      return;
    }
  }
  list.push_back(std::move(entry));
  touched.quarantine.insert(std::move(key));
}

void ChainIndex::eraseQuarantine(const QuarantineKey& key, Touched& touched) {
  refuseIfReadOnly();
  if (quarantine_.erase(key) > 0) touched.quarantine.insert(key);
}

void ChainIndex::relink(const PersonId& id, Touched& touched) {
  refuseIfReadOnly();
  auto* it = persons_.find(id);
  PersonLinks before;
  PersonLinks after;
  if (it != nullptr) {
    if (it->second.extra) before = it->second.extra->links;
    if (!it->second.empty()) after = computeLinks(*this, it->second);
  }
  // A change that leaves the person's stays as they were leaves every scope's occupancy as
  // it was: only the person's own hires there (and the hires sharing their approvals' slots)
  // need judging again, not the whole scope.
  // A change of their stays changes the occupancy of the scopes they were or are in: those
  // are counted again (stay_scopes).
  const bool stays_changed = before.presence != after.presence || touched.roster_changed.contains(id);
  auto touchScope = [&](const ScopeKey& scope) {
    if (stays_changed) {
      if (!touched.all_persons) touched.stay_scopes[scope].insert(id);
    } else {
      touched.scope_persons[scope].insert(id);
    }
  };
  for (const auto& scope : before.scopes) touchScope(scope);
  for (const auto& scope : after.scopes) touchScope(scope);
  auto cite = [&](const std::string& approval_id) {
    if (const auto* a = approval(approval_id); a != nullptr) {
      touched.cited[ScopeKey{a->unit_id, static_cast<std::uint8_t>(a->estab_type)}].insert(approval_id);
    }
  };
  for (const auto& a : before.approvals) cite(a);
  for (const auto& a : after.approvals) cite(a);
  for (const auto& leader : before.leaders) touched.addLeader(leader);
  for (const auto& leader : after.leaders) touched.addLeader(leader);

  diffSorted(
      before.scopes, after.scopes, [&](const ScopeKey& k) { putSorted(scope_members_[k], ScopeMember{it}); },
      [&](const ScopeKey& k) { eraseSorted(scope_members_, k, id); });
  diffSorted(
      before.leaders, after.leaders, [&](const LeaderKey& k) { putSorted(leader_members_[k], ScopeMember{it}); },
      [&](const LeaderKey& k) { eraseSorted(leader_members_, k, id); });
  diffSorted(
      before.approvals, after.approvals, [&](const std::string& k) { putSorted(approval_citers_[k], id); },
      [&](const std::string& k) { eraseSorted(approval_citers_, k, id); });

  if (it == nullptr) return;
  if (it->second.empty()) {
    persons_.erase(id);
  } else {
    it->second.extraHeld().links = std::move(after);
  }
}

void ChainIndex::touchPersonsNaming(Touched& touched) const {
  if (touched.all_persons || touched.units_named.empty()) return;
  const auto& units = touched.units_named;
  persons_.forEach([&](const PersonNode& node) {
    const auto& [id, person] = node;
    bool names = false;
    for (const auto& entry : person.roster) names = names || units.contains(entry.unit_id);
    for (const auto& m : person.movements) {
      names = names || units.contains(m.unit_id) || (m.from_unit_id && units.contains(*m.from_unit_id));
    }
    // A person's rows are mostly paid by one unit: one lookup per run of the same interned id.
    auto last = PlaceIndex::kNone;
    for (const auto& row : person.payroll) {
      if (names) break;
      if (row.unit == last) continue;
      last = row.unit;
      names = units.contains(payUnit(row));
    }
    if (names) touched.persons.insert(id);
  });
}

void ChainIndex::trimPayroll() {
  persons_.forEach([](PersonNode& node) {
    auto& payroll = node.second.payroll;
    if (payroll.capacity() > payroll.size()) payroll.shrink_to_fit();
  });
}

namespace {

// The links of every person to one kind of key, as (key, person) references, and the reverse
// index filled from them (ChainIndex::linkAll).
template <typename Key, typename Hash>
class LinkRefs {
 public:
  void add(const std::vector<Key>& keys, std::uint32_t node) {
    for (const auto& key : keys) refs_.push_back(Ref{Hash{}(key), key, node});
  }

  // Puts each person into the list of each key they link to (insert(list, node)); each list is
  // sized once, filled and sorted by id by one thread, the lists on every core.
  template <typename Index, typename Node, typename Insert>
  void fill(Index& index, const std::vector<Node*>& nodes, std::size_t threads, Insert insert) {
    // Sorted by hash first: comparing the hashes is quicker than comparing the keys.
    std::sort(refs_.begin(), refs_.end(), [](const Ref& a, const Ref& b) {
      if (a.hash != b.hash) return a.hash < b.hash;
      if (const auto order = a.key <=> b.key; order != 0) return order < 0;
      return a.node < b.node;
    });
    struct Group {
      std::size_t begin;
      std::size_t end;
      typename Index::mapped_type* list;
    };
    std::vector<Group> groups;
    for (std::size_t at = 0; at < refs_.size();) {
      std::size_t end = at + 1;
      while (end < refs_.size() && refs_[end].hash == refs_[at].hash && refs_[end].key == refs_[at].key) ++end;
      auto& list = index[refs_[at].key];
      list.reserve(end - at);
      groups.push_back(Group{at, end, &list});
      at = end;
    }
    parallelFor(groups.size(), threads, [&](std::size_t g) {
      auto& list = *groups[g].list;
      for (std::size_t r = groups[g].begin; r < groups[g].end; ++r) insert(list, *nodes[refs_[r].node]);
      std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return idOf(a) < idOf(b); });
    });
    refs_ = {};
  }

 private:
  struct Ref {
    std::uint64_t hash;
    Key key;
    std::uint32_t node;
  };
  std::vector<Ref> refs_;
};

}  // namespace

void ChainIndex::linkAll(bool for_changes) {
  refuseIfReadOnly();
  // Persons in the order they were first put, which is the order their records lie in memory.
  std::vector<PersonNode*> nodes;
  nodes.reserve(persons_.size());
  persons_.forEach([&](PersonNode& node) { nodes.push_back(&node); });
  std::erase_if(nodes, [&](PersonNode* node) {
    if (!node->second.empty()) return false;
    const PersonId id = node->first;
    persons_.erase(id);
    return true;
  });
  if (!for_changes) {
    // Read only from here on: nothing asks who holds a movement id any more.
    movement_owners_ = PlaceIndex{};
    read_only_ = true;
  }
  // The reverse indexes: each link as (key, person), sorted by key, so that each key's list is
  // found once and sized once; the lists are then filled and sorted on every core, each by one
  // thread. A link's key is copied into its reference: the persons' links are computed a block
  // at a time and, in an index read only, not kept, so that a province's links are never all
  // held at once beside their references.
  const auto threads = evaluationThreads();
  LinkRefs<ScopeKey, ScopeKeyHash> scope_refs;
  LinkRefs<LeaderKey, LeaderKeyHash> leader_refs;
  LinkRefs<std::string, TextHash> approval_refs;
  constexpr std::size_t kBlock = std::size_t{1} << 16;
  std::vector<PersonLinks> block;
  for (std::size_t first = 0; first < nodes.size(); first += kBlock) {
    // A person's links read the index and nothing of another person's: computed on every core.
    block.assign(std::min(kBlock, nodes.size() - first), PersonLinks{});
    parallelFor(block.size(), threads, [&](std::size_t k) {
      auto& person = nodes[first + k]->second;
      // Rows put one by one (not through a load with a payroll hint) grew by doubling.
      if (person.payroll.capacity() > person.payroll.size()) person.payroll.shrink_to_fit();
      block[k] = computeLinks(*this, person);
    });
    for (std::size_t k = 0; k < block.size(); ++k) {
      const auto node = static_cast<std::uint32_t>(first + k);
      auto& links = block[k];
      scope_refs.add(links.scopes, node);
      leader_refs.add(links.leaders, node);
      approval_refs.add(links.approvals, node);
      auto& person = nodes[node]->second;
      if (for_changes) {
        person.extraHeld().links = std::move(links);
      } else if (person.extra) {
        person.extra->links = PersonLinks{};
      }
    }
  }
  block = {};
  scope_refs.fill(scope_members_, nodes, threads, [](MemberList& list, PersonNode& node) { list.emplace_back(&node); });
  leader_refs.fill(leader_members_, nodes, threads,
                   [](MemberList& list, PersonNode& node) { list.emplace_back(&node); });
  approval_refs.fill(approval_citers_, nodes, threads,
                     [](CiterList& list, PersonNode& node) { list.push_back(node.first); });
}

const model::Unit* ChainIndex::unit(const UnitId& id) const {
  auto it = units_.find(id);
  return it == units_.end() ? nullptr : &it->second;
}

const model::Approval* ChainIndex::approval(const std::string& id) const {
  auto it = approvals_.find(id);
  return it == approvals_.end() ? nullptr : &it->second;
}

const std::vector<model::Quota>* ChainIndex::quotas(const ScopeKey& key) const {
  auto it = quotas_.find(key);
  return it == quotas_.end() ? nullptr : &it->second;
}

const model::Quota* ChainIndex::quotaOn(const ScopeKey& key, model::Date date) const {
  const auto* list = quotas(key);
  return list == nullptr ? nullptr : quotaIn(*list, date);
}

std::uint8_t ChainIndex::onlyTypeOf(const UnitId& unit) const {
  std::uint8_t only = kUnknownType;
  for (std::uint8_t t = 0; t < model::kEstabTypeCount; ++t) {
    if (!quotas_.contains(ScopeKey{unit, t})) continue;
    if (only != kUnknownType) return kUnknownType;
    only = t;
  }
  return only;
}

const model::Quota* ChainIndex::quotaIn(const std::vector<model::Quota>& list, model::Date date) {
  auto it = std::upper_bound(list.begin(), list.end(), date,
                             [](model::Date d, const model::Quota& q) { return d < q.effective_from; });
  if (it == list.begin()) return nullptr;
  return &*std::prev(it);
}

const model::LeaderQuota* ChainIndex::leaderQuota(const LeaderKey& key) const {
  auto it = leader_quotas_.find(key);
  return it == leader_quotas_.end() ? nullptr : &it->second;
}

const PersonRecords* ChainIndex::person(const PersonId& id) const {
  const auto* node = persons_.find(id);
  return node == nullptr ? nullptr : &node->second;
}

const MemberList* ChainIndex::members(const ScopeKey& key) const {
  auto it = scope_members_.find(key);
  return it == scope_members_.end() ? nullptr : &it->second;
}

const MemberList* ChainIndex::leaderMembers(const LeaderKey& key) const {
  auto it = leader_members_.find(key);
  return it == leader_members_.end() ? nullptr : &it->second;
}

const ChainIndex::UnitApprovals* ChainIndex::approvalsOfUnit(const UnitId& unit) const {
  auto it = approvals_by_unit_.find(unit);
  return it == approvals_by_unit_.end() ? nullptr : &it->second;
}

const CiterList* ChainIndex::citers(const std::string& approval) const {
  auto it = approval_citers_.find(approval);
  return it == approval_citers_.end() ? nullptr : &it->second;
}

std::vector<PersonId> ChainIndex::allPersons() const {
  std::vector<PersonId> out;
  out.reserve(persons_.size());
  persons_.forEach([&](const PersonNode& node) { out.push_back(node.first); });
  return out;
}

std::vector<ScopeKey> ChainIndex::allScopes() const {
  std::set<ScopeKey> keys;
  for (const auto& [key, members] : scope_members_) keys.insert(key);
  for (const auto& [key, list] : quotas_) keys.insert(key);
  for (const auto& [id, approval] : approvals_) {
    keys.insert(ScopeKey{approval.unit_id, static_cast<std::uint8_t>(approval.estab_type)});
  }
  return {keys.begin(), keys.end()};
}

std::vector<LeaderKey> ChainIndex::allLeaderKeys() const {
  std::set<LeaderKey> keys;
  for (const auto& [key, members] : leader_members_) keys.insert(key);
  for (const auto& [key, quota] : leader_quotas_) keys.insert(key);
  return {keys.begin(), keys.end()};
}

std::vector<UnitId> ChainIndex::allApprovalUnits() const {
  std::vector<UnitId> out;
  out.reserve(approvals_by_unit_.size());
  for (const auto& [unit, ids] : approvals_by_unit_) out.push_back(unit);
  return out;
}

}  // namespace staffchain::chain::detail
