#include "staffchain/chain/finding.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <tuple>

#include "staffchain/model/fnv1a.hpp"

namespace staffchain::chain {

std::string_view toString(Severity severity) noexcept {
  switch (severity) {
    case Severity::critical:
      return "critical";
    case Severity::major:
      return "major";
    case Severity::minor:
      return "minor";
  }
  return "unknown";
}

std::optional<Severity> parseSeverity(std::string_view text) noexcept {
  for (const auto severity : {Severity::critical, Severity::major, Severity::minor}) {
    if (toString(severity) == text) return severity;
  }
  return std::nullopt;
}

std::string makeFingerprint(std::string_view rule, std::initializer_list<std::string_view> subject) {
  model::Fnv1aParts hash;
  hash.add(rule);
  for (const auto part : subject) hash.add(part);
  return hash.hex();
}

bool findingLess(const Finding& a, const Finding& b) noexcept {
  return std::tie(a.rule, a.unit_id, a.person_id, a.since, a.fingerprint) <
         std::tie(b.rule, b.unit_id, b.person_id, b.since, b.fingerprint);
}

Finding deliveryFailureFinding(const DeliveryFailure& failure) {
  Finding finding;
  finding.rule = "LINK-003";
  finding.severity = Severity::major;
  finding.since = failure.since;
  finding.summary_zh = fmt::format("{} {} 连续投递失败 {} 次，最近错误：{}", failure.what_zh, failure.name,
                                   failure.failures, failure.last_error);
  finding.summary_en = fmt::format("{} {} failed {} deliveries in a row: {}", failure.what_en, failure.name,
                                   failure.failures, failure.last_error);
  EvidenceItem item;
  item.source = failure.name;
  item.record_type = "link";
  item.record_id = failure.name;
  item.fields = {{"consecutive_failures", std::to_string(failure.failures)},
                 {"failing_since", failure.failing_since},
                 {"last_error", failure.last_error}};
  finding.evidence.push_back(std::move(item));
  finding.fingerprint = failure.fingerprint;
  return finding;
}

}  // namespace staffchain::chain
