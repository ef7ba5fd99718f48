#include "staffchain/propagation/notice_planner.hpp"

#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "staffchain/model/enums.hpp"
#include "staffchain/model/fnv1a.hpp"
#include "staffchain/plugin/sink.hpp"

namespace staffchain::propagation {
namespace {

using model::MovementKind;
using model::SourceRole;

constexpr std::array<std::string_view, 5> kActionNames = {"roster_add", "pay_start", "roster_remove", "pay_stop",
                                                          "leader_posts"};

std::string optionalUnit(const std::optional<model::UnitId>& unit) {
  return unit ? unit->str() : std::string();
}

}  // namespace

std::string_view toString(NoticeAction action) noexcept {
  return kActionNames[static_cast<std::size_t>(action)];
}

std::optional<NoticeAction> parseNoticeAction(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kActionNames.size(); ++i) {
    if (kActionNames[i] == text) return static_cast<NoticeAction>(i);
  }
  return std::nullopt;
}

std::string noticeKey(std::string_view person_id, std::string_view unit_id, NoticeAction action, model::Date stay,
                      std::string_view sink) {
  const std::string stay_text = model::formatDate(stay);
  model::Fnv1aParts hash;
  for (const std::string_view part : {person_id, unit_id, toString(action), std::string_view(stay_text), sink}) {
    hash.add(part);
  }
  return hash.hex();
}

NoticePlanner::NoticePlanner(PropagationSettings settings, std::vector<SinkTarget> sinks)
    : settings_(std::move(settings)), sinks_(std::move(sinks)) {}

std::vector<ledger::OutboxNotice> NoticePlanner::plan(const std::vector<model::Record>& records, model::Date today,
                                                      const std::string& issued_at) const {
  std::vector<ledger::OutboxNotice> out;
  if (empty()) return out;
  const model::Date oldest = today.plusDays(-settings_.max_age_days);
  const auto on = [this](PropagationRule rule) { return settings_.rules.count(rule) > 0; };
  // Where each key is in `out`, and whether a roster row made it: a movement of the same key
  // replaces that one, since it names the movement the target can look up.
  std::unordered_map<std::string, std::pair<std::size_t, bool>> planned;
  const auto keep = [&](std::vector<ledger::OutboxNotice>& made, bool from_roster_row) {
    for (auto& notice : made) {
      auto [it, fresh] = planned.try_emplace(notice.id, out.size(), from_roster_row);
      if (fresh) {
        out.push_back(std::move(notice));
      } else if (it->second.second && !from_roster_row) {
        out[it->second.first] = std::move(notice);
        it->second.second = false;
      }
    }
    made.clear();
  };
  std::vector<ledger::OutboxNotice> made;
  for (const auto& record : records) {
    if (const auto* movement = std::get_if<model::Movement>(&record)) {
      if (movement->effective_on < oldest) continue;
      const auto kind = movement->kind;
      const auto effective = movement->effective_on;
      if (model::isHire(kind) && on(PropagationRule::hire_to_estab)) {
        add(*movement, NoticeAction::roster_add, SourceRole::estab,
            effective.plusDays(settings_.roster_after_hire_days), "", issued_at, made);
      }
      if (kind == MovementKind::roster_add && on(PropagationRule::roster_to_finance)) {
        add(*movement, NoticeAction::pay_start, SourceRole::finance,
            effective.plusDays(settings_.pay_after_roster_days), "", issued_at, made);
      }
      if (model::isExit(kind) && on(PropagationRule::exit_to_estab)) {
        add(*movement, NoticeAction::roster_remove, SourceRole::estab,
            effective.plusDays(settings_.roster_after_exit_days), "", issued_at, made);
      }
      if (model::isExit(kind) && on(PropagationRule::exit_to_finance)) {
        // Pay for the exit month (and the grace months) is allowed; the next month is not.
        const model::Month stop_from = model::Month::of(effective).plus(settings_.payroll_grace_months + 1);
        add(*movement, NoticeAction::pay_stop, SourceRole::finance, stop_from.firstDay(), model::formatMonth(stop_from),
            issued_at, made);
      }
      if (kind == MovementKind::appoint_leader && on(PropagationRule::leader_to_estab)) {
        add(*movement, NoticeAction::leader_posts, SourceRole::estab, effective.plusDays(settings_.leader_posts_days),
            "", issued_at, made);
      }
      keep(made, false);
    } else if (const auto* entry = std::get_if<model::RosterEntry>(&record)) {
      // A roster snapshot row is a roster entry as much as a roster_add movement is.
      if (entry->entered_on < oldest || !on(PropagationRule::roster_to_finance)) continue;
      model::Movement as_movement;
      as_movement.movement_id = fmt::format("roster:{}:{}:{}", entry->person_id.str(), entry->unit_id.str(),
                                            model::formatDate(entry->entered_on));
      as_movement.source = SourceRole::estab;
      as_movement.kind = MovementKind::roster_add;
      as_movement.person_id = entry->person_id;
      as_movement.name = entry->name;
      as_movement.unit_id = entry->unit_id;
      as_movement.effective_on = entry->entered_on;
      as_movement.approval_id = entry->approval_id;
      as_movement.leader_level = entry->leader_level;
      as_movement.leader_rank = entry->leader_rank;
      add(as_movement, NoticeAction::pay_start, SourceRole::finance,
          entry->entered_on.plusDays(settings_.pay_after_roster_days), "", issued_at, made);
      keep(made, true);
    }
  }
  return out;
}

void NoticePlanner::add(const model::Movement& movement, NoticeAction action, model::SourceRole target,
                        model::Date deadline, const std::string& pay_stop_from, const std::string& issued_at,
                        std::vector<ledger::OutboxNotice>& out) const {
  if (movement.source == target) return;  // the target recorded it itself: nothing to tell it
  for (const auto& sink : sinks_) {
    if (sink.role != target) continue;
    ledger::OutboxNotice notice;
    notice.id = noticeKey(movement.person_id.str(), movement.unit_id.str(), action, movement.effective_on, sink.name);
    notice.sink = sink.name;
    notice.action = std::string(toString(action));
    notice.target_system = std::string(model::toString(target));
    notice.person_id = movement.person_id.str();
    notice.unit_id = movement.unit_id.str();
    notice.deadline = model::formatDate(deadline);
    notice.dry_run = sink.dry_run;
    const std::array<std::pair<std::string_view, std::string>, plugin::kNoticeColumns.size()> values{{
        {"notice_id", notice.id},
        {"action", notice.action},
        {"target_system", notice.target_system},
        {"movement_id", movement.movement_id},
        {"movement_kind", std::string(model::toString(movement.kind))},
        {"movement_source", std::string(model::toString(movement.source))},
        {"person_id", notice.person_id},
        {"name", movement.name},
        {"unit_id", notice.unit_id},
        {"from_unit_id", optionalUnit(movement.from_unit_id)},
        {"effective_on", model::formatDate(movement.effective_on)},
        {"approval_id", movement.approval_id},
        {"leader_level", std::string(model::toString(movement.leader_level))},
        {"leader_rank", std::string(model::toString(movement.leader_rank))},
        {"deadline", notice.deadline},
        {"pay_stop_from", pay_stop_from},
        {"issued_at", issued_at},
        {"dry_run", sink.dry_run ? "true" : "false"},
    }};
    // Kept in column order: a JSON array of pairs, not an object, so the order survives.
    nlohmann::json fields = nlohmann::json::array();
    for (std::size_t i = 0; i < values.size(); ++i) {
      fields.push_back(nlohmann::json::array({std::string(values[i].first), values[i].second}));
    }
    notice.fields_json = fields.dump();
    out.push_back(std::move(notice));
  }
}

}  // namespace staffchain::propagation
