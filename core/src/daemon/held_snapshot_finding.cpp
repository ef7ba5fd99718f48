#include "staffchain/daemon/held_snapshot_finding.hpp"

#include <fmt/format.h>

namespace staffchain::daemon {
namespace {

std::string unitsText(const ledger::HeldSnapshot& held) {
  std::string text;
  for (const auto& [unit, count] : held.units) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} (-{})", unit, count);
  }
  return text;
}

model::Date dateOf(const std::string& utc) {
  // "2026-05-01T08:00:00Z": the date part; the finding's `since` needs no finer grain.
  return model::parseDate(std::string_view(utc).substr(0, 10)).value_or(model::Date{});
}

}  // namespace

std::string heldSnapshotReason(const ledger::HeldSnapshot& held) {
  const auto file = plugin::recordTypeFile(held.type);
  std::string text =
      fmt::format("{} held, not applied: it would remove {} of the {} {} records connector {} holds, leaving {}",
                  held.name, held.removed, held.stored, file, held.connector, held.after);
  if (!held.units.empty()) text += fmt::format("; most removed at {}", unitsText(held));
  text += fmt::format(
      ". A broken or partial export is more likely than a mass exit: check it, drop a corrected file, "
      "or apply this one with `staffchainctl connectors accept {} {}`",
      held.connector, held.name);
  return text;
}

chain::Finding heldSnapshotFinding(const ledger::HeldSnapshot& held) {
  chain::Finding finding;
  finding.rule = kHeldSnapshotRule;
  finding.severity = chain::Severity::critical;
  finding.since = dateOf(held.held_at);
  const auto file = plugin::recordTypeFile(held.type);
  finding.summary_zh =
      fmt::format("{} 报送的 {} 将删除 {} 条{}记录中的 {} 条（剩 {} 条），疑为导出不完整，已暂缓应用，请核实",
                  held.connector, held.name, held.stored, file, held.removed, held.after);
  finding.summary_en = heldSnapshotReason(held);
  chain::EvidenceItem item;
  item.source = held.connector;
  item.record_type = "held_snapshot";
  item.record_id = held.name;
  item.fields = {{"file", held.name},
                 {"record_type", std::string(file)},
                 {"stored", std::to_string(held.stored)},
                 {"after", std::to_string(held.after)},
                 {"removed", std::to_string(held.removed)},
                 {"largest_units", unitsText(held)},
                 {"held_at", held.held_at}};
  finding.evidence.push_back(std::move(item));
  finding.fingerprint = chain::makeFingerprint(kHeldSnapshotRule, {held.connector, file, held.name});
  return finding;
}

}  // namespace staffchain::daemon
