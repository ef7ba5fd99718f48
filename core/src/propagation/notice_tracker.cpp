#include "staffchain/propagation/notice_tracker.hpp"

#include <fmt/format.h>

#include <map>
#include <set>
#include <unordered_map>

#include "staffchain/model/enums.hpp"
#include "staffchain/propagation/notice_planner.hpp"

namespace staffchain::propagation {
namespace {

using model::MovementKind;
using model::SourceRole;

// How a record answers a notice, or nullopt when it does not. Every answer comes from the
// notice's target system, concerns the notice's person and unit, and is dated on or after the
// notice's `effective_on` (the hire, the roster entry, the exit): an older record of the same
// person belongs to an earlier stay, and a record of another unit to another link of the chain
// (the unit the person left paying them is no pay_start at the unit they joined). Pay is judged
// by month, as finance pays: the month of the date counts. A notice without a readable date is
// answered by nothing: the tracker cannot tell which stay a record belongs to.
std::optional<std::string> answers(const StoredNotice& notice, NoticeAction action, const model::Record& record) {
  const auto asked = model::parseDate(notice.field("effective_on"));
  if (!asked) return std::nullopt;
  const model::Month asked_month = model::Month::of(*asked);
  if (const auto* movement = std::get_if<model::Movement>(&record)) {
    if (movement->person_id.str() != notice.person_id || movement->unit_id.str() != notice.unit_id) {
      return std::nullopt;
    }
    if (model::toString(movement->source) != notice.target_system) return std::nullopt;
    const auto kind = movement->kind;
    const auto on = movement->effective_on;
    const bool match =
        (action == NoticeAction::roster_add && kind == MovementKind::roster_add && on >= *asked) ||
        (action == NoticeAction::roster_remove && kind == MovementKind::roster_remove && on >= *asked) ||
        (action == NoticeAction::pay_start && kind == MovementKind::pay_start && model::Month::of(on) >= asked_month) ||
        (action == NoticeAction::pay_stop && kind == MovementKind::pay_stop && model::Month::of(on) >= asked_month);
    if (!match) return std::nullopt;
    return fmt::format("{} {} recorded by {} effective {}", model::toString(kind), movement->movement_id,
                       model::toString(movement->source), model::formatDate(on));
  }
  if (const auto* entry = std::get_if<model::RosterEntry>(&record)) {
    if (entry->person_id.str() != notice.person_id || entry->unit_id.str() != notice.unit_id) return std::nullopt;
    if (action == NoticeAction::roster_add && entry->entered_on >= *asked) {
      return fmt::format("on the roster of {} since {}", notice.unit_id, model::formatDate(entry->entered_on));
    }
    // A roster row does not say since when a leader holds the post (its date is the stay's):
    // the level and rank must be the ones appointed, where the appointment names them.
    const auto appointed = [&](std::string_view column, std::string_view held) {
      const std::string wanted = notice.field(column);
      return wanted.empty() || wanted == held;
    };
    if (action == NoticeAction::leader_posts && entry->leader_level != model::LeaderLevel::none &&
        appointed("leader_level", model::toString(entry->leader_level)) &&
        appointed("leader_rank", model::toString(entry->leader_rank))) {
      return fmt::format("on the roster of {} as {} {} leader", notice.unit_id, model::toString(entry->leader_level),
                         model::toString(entry->leader_rank));
    }
    return std::nullopt;
  }
  if (const auto* pay = std::get_if<model::PayrollMonth>(&record)) {
    if (action != NoticeAction::pay_start || pay->person_id.str() != notice.person_id ||
        pay->unit_id.str() != notice.unit_id || pay->month < asked_month) {
      return std::nullopt;
    }
    return fmt::format("paid by {} for {}", pay->unit_id.str(), model::formatMonth(pay->month));
  }
  return std::nullopt;
}

Result<std::size_t> completeMatching(NoticeStore& store, const std::vector<model::Record>& records,
                                     std::vector<StoredNotice>& open) {
  std::unordered_multimap<std::string, std::size_t> by_person;
  for (std::size_t i = 0; i < open.size(); ++i) by_person.emplace(open[i].person_id, i);
  std::set<std::size_t> done;
  for (const auto& record : records) {
    const std::string person = std::visit(
        [](const auto& r) -> std::string {
          if constexpr (requires { r.person_id; }) {
            return r.person_id.str();
          } else {
            return {};
          }
        },
        record);
    if (person.empty()) continue;
    const auto [begin, end] = by_person.equal_range(person);
    for (auto it = begin; it != end; ++it) {
      if (done.count(it->second) > 0) continue;
      const StoredNotice& notice = open[it->second];
      const auto action = parseNoticeAction(notice.action);
      if (!action) continue;
      if (auto how = answers(notice, *action, record)) {
        if (auto completed = store.complete(notice.id, *how); !completed) return std::move(completed).error();
        done.insert(it->second);
      }
    }
  }
  // Leave only what is still open, for the caller's further checks.
  std::vector<StoredNotice> still;
  for (std::size_t i = 0; i < open.size(); ++i) {
    if (done.count(i) == 0) still.push_back(std::move(open[i]));
  }
  open = std::move(still);
  return done.size();
}

}  // namespace

Result<std::size_t> NoticeTracker::observe(const std::vector<model::Record>& records) {
  auto open = store_.open();
  if (!open) return std::move(open).error();
  if (open->empty()) return std::size_t{0};
  return completeMatching(store_, records, open.value());
}

Result<std::size_t> NoticeTracker::observeAll(const model::Dataset& dataset) {
  auto open = store_.open();
  if (!open) return std::move(open).error();
  if (open->empty()) return std::size_t{0};
  std::vector<model::Record> records;
  records.reserve(dataset.movements.size() + dataset.roster.size() + dataset.payroll.size());
  for (const auto& m : dataset.movements) records.emplace_back(m);
  for (const auto& r : dataset.roster) records.emplace_back(r);
  for (const auto& p : dataset.payroll) records.emplace_back(p);
  auto completed = completeMatching(store_, records, open.value());
  if (!completed) return completed;
  std::size_t count = completed.value();

  // What only the whole shows: a unit whose roster estab reports without the person, and a
  // month finance has paid the unit for without that unit paying the person (pay from the unit
  // the person moved to is not the old unit's).
  std::set<std::string> roster_units;
  std::set<std::pair<std::string, std::string>> on_roster;  // unit, person
  for (const auto& r : dataset.roster) {
    roster_units.insert(r.unit_id.str());
    on_roster.emplace(r.unit_id.str(), r.person_id.str());
  }
  std::map<std::string, model::Month> unit_last_paid;
  std::map<std::pair<std::string, std::string>, model::Month> person_last_paid;  // unit, person
  for (const auto& p : dataset.payroll) {
    auto [u, u_new] = unit_last_paid.try_emplace(p.unit_id.str(), p.month);
    if (!u_new && u->second < p.month) u->second = p.month;
    auto [q, q_new] = person_last_paid.try_emplace({p.unit_id.str(), p.person_id.str()}, p.month);
    if (!q_new && q->second < p.month) q->second = p.month;
  }
  for (const auto& notice : open.value()) {
    std::optional<std::string> how;
    if (notice.action == "roster_remove" && roster_units.count(notice.unit_id) > 0 &&
        on_roster.count({notice.unit_id, notice.person_id}) == 0) {
      how = fmt::format("no longer on the roster of {}", notice.unit_id);
    } else if (notice.action == "pay_stop") {
      const auto stop_from = model::parseMonth(notice.field("pay_stop_from"));
      const auto unit = unit_last_paid.find(notice.unit_id);
      const auto person = person_last_paid.find({notice.unit_id, notice.person_id});
      if (stop_from && unit != unit_last_paid.end() && unit->second >= *stop_from &&
          (person == person_last_paid.end() || person->second < *stop_from)) {
        how = fmt::format("payroll of {} for {} no longer pays the person", notice.unit_id,
                          model::formatMonth(unit->second));
      }
    }
    if (!how) continue;
    if (auto done = store_.complete(notice.id, *how); !done) return std::move(done).error();
    ++count;
  }
  return count;
}

}  // namespace staffchain::propagation
