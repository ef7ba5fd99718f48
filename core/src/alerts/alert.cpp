#include "staffchain/alerts/alert.hpp"

#include <algorithm>

#include "staffchain/alerts/alert_settings.hpp"
#include "staffchain/alerts/routing.hpp"

namespace staffchain::alerts {

std::string_view toString(AlertState state) noexcept {
  switch (state) {
    case AlertState::firing:
      return "firing";
    case AlertState::acknowledged:
      return "acknowledged";
    case AlertState::resolved:
      return "resolved";
  }
  return "firing";
}

std::optional<AlertState> parseAlertState(std::string_view text) noexcept {
  if (text == "firing") return AlertState::firing;
  if (text == "acknowledged") return AlertState::acknowledged;
  if (text == "resolved") return AlertState::resolved;
  return std::nullopt;
}

std::string_view toString(MessageTemplate value) noexcept {
  return value == MessageTemplate::compact ? "compact" : "default";
}

std::optional<MessageTemplate> parseMessageTemplate(std::string_view text) noexcept {
  if (text == "default" || text == "full") return MessageTemplate::full;
  if (text == "compact") return MessageTemplate::compact;
  return std::nullopt;
}

bool silenceMatches(const SilenceMatch& match, const Alert& alert) {
  if (match.empty()) return false;  // a silence of everything is refused when created
  const bool id_ok = match.alert_ids.empty() ||
                     std::find(match.alert_ids.begin(), match.alert_ids.end(), alert.id) != match.alert_ids.end();
  return id_ok && patternListMatches(match.rules, alert.rule) && patternListMatches(match.units, alert.unit_id) &&
         regionListMatches(match.regions, alert.region) &&
         patternListMatches(match.severities, chain::toString(alert.severity));
}

}  // namespace staffchain::alerts
