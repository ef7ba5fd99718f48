#include "staffchain/daemon/link_health.hpp"

#include <fmt/format.h>

#include "staffchain/model/enums.hpp"

namespace staffchain::daemon {
namespace {

chain::Finding linkFinding(const model::TimeZone& zone, const ConnectorHealth& health, const char* rule,
                           Clock::time_point since, std::string summary_zh, std::string summary_en) {
  auto isoTime = [&](Clock::time_point at) { return zone.rfc3339(at); };
  chain::Finding finding;
  finding.rule = rule;
  finding.severity = chain::Severity::major;
  finding.since = zone.dateAt(since);
  finding.summary_zh = std::move(summary_zh);
  finding.summary_en = std::move(summary_en);
  chain::EvidenceItem item;
  item.source = health.connector;
  item.record_type = "link";
  item.record_id = health.connector;
  item.fields = {{"role", std::string(model::toString(health.role))},
                 {"last_attempt", health.last_attempt ? isoTime(*health.last_attempt) : ""},
                 {"last_success", health.last_success ? isoTime(*health.last_success) : ""},
                 {"consecutive_failures", std::to_string(health.consecutive_failures)},
                 {"last_error", health.last_error}};
  finding.evidence.push_back(std::move(item));
  // One finding per rule and connector, whatever the dates: alerts downstream dedupe on it.
  finding.fingerprint = fmt::format("{}|{}", rule, health.connector);
  return finding;
}

}  // namespace

void LinkHealth::track(const std::string& connector, model::SourceRole role, std::chrono::milliseconds max_staleness,
                       Clock::time_point now) {
  auto [it, inserted] = connectors_.try_emplace(connector);
  ConnectorHealth& health = it->second;
  if (inserted) {
    health.connector = connector;
    health.registered_at = now;
  }
  health.role = role;
  health.max_staleness = max_staleness;
}

void LinkHealth::forget(const std::string& connector) {
  connectors_.erase(connector);
}

void LinkHealth::recordSuccess(const std::string& connector, Clock::time_point at, std::uint64_t records,
                               std::uint64_t quarantined, double seconds) {
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return;
  ConnectorHealth& health = it->second;
  health.attempts++;
  health.last_attempt = at;
  health.last_success = at;
  health.failing_since.reset();
  health.consecutive_failures = 0;
  health.last_error.clear();
  health.records_last_sync = records;
  health.records_total += records;
  health.quarantined_total += quarantined;
  health.last_sync_seconds = seconds;
}

void LinkHealth::recordFailure(const std::string& connector, Clock::time_point at, std::string error) {
  auto it = connectors_.find(connector);
  if (it == connectors_.end()) return;
  ConnectorHealth& health = it->second;
  health.attempts++;
  health.failures++;
  health.consecutive_failures++;
  health.last_attempt = at;
  if (!health.failing_since) health.failing_since = at;
  health.last_error = std::move(error);
}

std::vector<chain::Finding> LinkHealth::findings(Clock::time_point now) const {
  std::vector<chain::Finding> out;
  for (const auto& [name, health] : connectors_) {
    const std::string role(model::chineseLabel(health.role));
    if (health.failing_since) {
      out.push_back(linkFinding(
          zone_, health, "LINK-001", *health.failing_since,
          fmt::format("数据源 {}（{}）连接失败：{}", name, role, health.last_error),
          fmt::format("source {} ({}) is failing: {}", name, model::toString(health.role), health.last_error)));
    }
    const Clock::time_point reference = health.last_success.value_or(health.registered_at);
    if (now - reference > health.max_staleness) {
      const auto deadline = reference + health.max_staleness;
      const std::string last = health.last_success ? zone_.display(*health.last_success) : std::string("never");
      out.push_back(linkFinding(
          zone_, health, "LINK-002", deadline,
          fmt::format("数据源 {}（{}）超过时限未同步，最近一次成功：{}", name, role, last),
          fmt::format("source {} ({}) silent: no successful sync since {}", name, model::toString(health.role), last)));
    }
  }
  return out;
}

}  // namespace staffchain::daemon
