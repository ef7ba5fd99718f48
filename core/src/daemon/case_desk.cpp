#include "case_desk.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <unordered_set>

namespace staffchain::daemon {

namespace {

// What a case may bundle: the chain's findings and the data rows a unit must correct; not what
// the daemon raises about its own links, snapshots or cases.
bool bundles(const chain::Finding& finding) {
  return !finding.unit_id.empty() && (finding.rule.starts_with("CHAIN-") || finding.rule == "DATA-001");
}

}  // namespace

CaseDesk::CaseDesk(Evaluator& evaluator) : evaluator_(evaluator) {}
CaseDesk::~CaseDesk() = default;

void CaseDesk::configure(const config::Config& config) {
  config_ = &config;
  if (store_) store_->reconfigure(config.cases);
}

bool CaseDesk::open(const store::Location& ledger_path) {
  auto opened = cases::CaseStore::open(ledger_path, config_->cases);
  if (!opened) {
    spdlog::critical("cannot open the rectification cases: {}", opened.error().message);
    return false;
  }
  store_ = std::move(opened.value());
  tellEngine();
  return true;
}

void CaseDesk::tellEngine() {
  evaluator_.setCaseSuspensions(store_->suspensions());
}

void CaseDesk::follow(model::Date as_of, OpenFindings& open, WallTime now) {
  if (!store_) return;
  // Every evaluation passes here, a province's tens of thousands of findings with it: the set of
  // their fingerprints is made only when a case is there to follow them.
  if (store_->anyOpen()) {
    std::unordered_set<std::string> fingerprints;
    fingerprints.reserve(open.size());
    for (const auto* finding : open.all()) fingerprints.insert(finding->fingerprint);
    auto changes = store_->observe(fingerprints, as_of, now);
    if (!changes) {
      spdlog::error("rectification cases not updated: {}", changes.error().message);
    } else {
      for (const auto& line : changes->lines) spdlog::info("case {}", line);
      if (changes->suspensions_changed) {
        // CHAIN-016 and the pre-check read the new spans from the next evaluation on.
        tellEngine();
        evaluator_.soon();
      }
    }
  }
  if (config_->cases.auto_case_after_days > 0) autoOpen(as_of, open, now);
  for (auto& finding : store_->overdueFindings()) open.add(std::move(finding));
}

void CaseDesk::autoOpen(model::Date as_of, const OpenFindings& open, WallTime now) {
  std::map<std::string, std::vector<chain::Finding>> by_unit;
  for (const auto* found : open.all()) {
    const chain::Finding& finding = *found;
    if (!bundles(finding) || finding.severity != chain::Severity::critical) continue;
    if (finding.since.plusDays(config_->cases.auto_case_after_days) > as_of) continue;
    if (store_->caseHolding(finding.fingerprint)) continue;
    by_unit[finding.unit_id.str()].push_back(finding);
  }
  for (auto& [unit, findings] : by_unit) {
    cases::OpenRequest request;
    request.unit_id = unit;
    request.unit_name = evaluator_.unitName(unit);
    request.region = evaluator_.regionOf(unit);
    request.findings = std::move(findings);
    request.today = as_of;
    request.actor = cases::Actor{"staffchaind", "",
                                 fmt::format("opened automatically: critical findings open {} days or more "
                                             "([cases] auto_case_after_days)",
                                             config_->cases.auto_case_after_days)};
    request.automatic = true;
    const auto answer = store_->openCase(request, now);
    if (answer.value) {
      spdlog::info("case {} ({}) opened automatically for {} {}: {} critical finding(s)", answer.value->number,
                   answer.value->doc_no, unit, request.unit_name, answer.value->findings.size());
    } else {
      spdlog::error("case for {} not opened automatically: {}", unit, answer.reason);
    }
  }
}

std::vector<chain::Finding> CaseDesk::bundleable(const std::string& unit_id) const {
  std::vector<chain::Finding> out;
  for (const auto* finding : evaluator_.engine().findingsInPlace()) {
    if (finding->unit_id.view() == unit_id && bundles(*finding)) out.push_back(*finding);
  }
  return out;
}

cases::CaseAnswer CaseDesk::openCase(const std::string& unit_id, const std::vector<std::string>& finding_ids,
                                     std::optional<model::Date> deadline, const cases::Actor& actor, model::Date today,
                                     WallTime now) {
  if (!store_) return cases::CaseAnswer::refused(503, "the case store is not open");
  const auto name = evaluator_.unitName(unit_id);
  if (name.empty()) return cases::CaseAnswer::refused(404, fmt::format("unit {} is not known", unit_id));
  std::vector<chain::Finding> open = bundleable(unit_id);
  cases::OpenRequest request;
  request.unit_id = unit_id;
  request.unit_name = name;
  request.region = evaluator_.regionOf(unit_id);
  request.deadline = deadline;
  request.today = today;
  request.actor = actor;
  if (finding_ids.empty()) {
    // Every open finding of the unit that no case holds yet.
    for (auto& finding : open) {
      if (!store_->caseHolding(finding.fingerprint)) request.findings.push_back(std::move(finding));
    }
    if (request.findings.empty()) {
      return cases::CaseAnswer::refused(
          409, fmt::format("unit {} ({}) has no open finding that is not already in a case", unit_id, name));
    }
  } else {
    for (const auto& id : finding_ids) {
      auto it = std::find_if(open.begin(), open.end(), [&](const chain::Finding& f) { return f.fingerprint == id; });
      if (it == open.end()) {
        return cases::CaseAnswer::refused(
            400, fmt::format("finding {} is not an open finding of unit {} ({})", id, unit_id, name));
      }
      if (std::none_of(request.findings.begin(), request.findings.end(),
                       [&](const chain::Finding& f) { return f.fingerprint == id; })) {
        request.findings.push_back(*it);
      }
    }
  }
  auto answer = store_->openCase(request, now);
  if (answer.value) {
    spdlog::info("case {} ({}) opened by {} (through {}) for {} {}: {} finding(s), deadline {}", answer.value->number,
                 answer.value->doc_no, actor.by, actor.caller.empty() ? "no token" : actor.caller, unit_id, name,
                 answer.value->findings.size(), model::formatDate(answer.value->deadline));
  }
  return answer;
}

cases::CaseAnswer CaseDesk::act(std::int64_t number, cases::CaseAction action, const cases::Actor& actor,
                                WallTime now) {
  if (!store_) return cases::CaseAnswer::refused(503, "the case store is not open");
  auto answer = store_->act(number, action, actor, now);
  if (answer.value) {
    spdlog::info("case {} ({}) {} by {} (through {}): now {}{}{}", number, answer.value->doc_no,
                 cases::toString(action), actor.by, actor.caller.empty() ? "no token" : actor.caller,
                 cases::toString(answer.value->state), actor.comment.empty() ? "" : ": ", actor.comment);
  }
  return answer;
}

void CaseDesk::metrics(api::PrometheusWriter& out) const {
  if (!store_) return;
  std::map<std::string, std::size_t> by_state;
  for (const auto state : {cases::CaseState::issued, cases::CaseState::rectifying, cases::CaseState::submitted,
                           cases::CaseState::verified, cases::CaseState::overdue}) {
    by_state[std::string(cases::toString(state))] = 0;
  }
  for (const auto& c : store_->cases({})) ++by_state[std::string(cases::toString(c.state))];
  for (const auto& [state, count] : by_state) {
    out.gauge("staffchain_cases", "Rectification cases by state.", {{"state", state}}, static_cast<double>(count));
  }
}

}  // namespace staffchain::daemon
