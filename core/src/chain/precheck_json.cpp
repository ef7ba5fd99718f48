#include "staffchain/chain/precheck_json.hpp"

#include <fmt/format.h>

#include <set>

#include "staffchain/model/enums.hpp"

namespace staffchain::chain {

namespace {

using nlohmann::json;

// A string field, or nullopt when absent or null; an error when of another type.
Result<std::optional<std::string>> text(const json& body, const char* key) {
  const auto it = body.find(key);
  if (it == body.end() || it->is_null()) return std::optional<std::string>{};
  if (!it->is_string()) return makeError(fmt::format("{} must be a string", key));
  return std::optional<std::string>{it->get<std::string>()};
}

}  // namespace

Result<PrecheckRequest> precheckRequestFromJson(const json& body, model::Date today) {
  if (!body.is_object()) return makeError("the body must be a JSON object");
  for (const auto& [key, value] : body.items()) {
    static const std::set<std::string> kKnown = {"kind",     "unit",  "type", "count",       "on",
                                                 "approval", "level", "rank", "brings_post", "person"};
    if (!kKnown.contains(key)) {
      return makeError(fmt::format(
          "{} is not a pre-check field (kind, unit, type, count, on, approval, level, rank, brings_post, person)",
          key));
    }
  }
  PrecheckRequest request;
  request.on = today;
  auto kind = text(body, "kind");
  if (!kind) return kind.error();
  if (!kind.value()) return makeError("kind is required: hire, transfer_in, appoint_leader or approval");
  const auto parsed_kind = parsePrecheckKind(**kind);
  if (!parsed_kind) {
    return makeError(fmt::format("kind \"{}\" is not one of hire, transfer_in, appoint_leader, approval", **kind));
  }
  request.kind = *parsed_kind;
  auto unit = text(body, "unit");
  if (!unit) return unit.error();
  if (!unit.value()) return makeError("unit is required: the unit's unified social credit code");
  auto checked_unit = model::checkCreditCode(**unit);
  if (!checked_unit) return makeError(fmt::format("unit: {}", checked_unit.reason));
  request.unit = *checked_unit.value;
  auto type = text(body, "type");
  if (!type) return type.error();
  if (type.value() && !type.value()->empty()) {
    request.type = model::parseEstabType(**type);
    if (!request.type) {
      return makeError(fmt::format(
          "type \"{}\" is not an establishment type (admin, political_legal, institution, service, veteran_cadre)",
          **type));
    }
  }
  if (const auto it = body.find("count"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 10'000) {
      return makeError("count must be a whole number from 1 to 10000");
    }
    request.count = static_cast<std::int32_t>(it->get<std::int64_t>());
  }
  auto on = text(body, "on");
  if (!on) return on.error();
  if (on.value()) {
    const auto date = model::parseDate(**on);
    if (!date) return makeError(fmt::format("on \"{}\" is not a date (YYYY-MM-DD)", **on));
    request.on = *date;
  }
  auto approval = text(body, "approval");
  if (!approval) return approval.error();
  request.approval_id = approval.value().value_or("");
  auto level = text(body, "level");
  if (!level) return level.error();
  auto rank = text(body, "rank");
  if (!rank) return rank.error();
  if (request.kind == PrecheckKind::appoint_leader) {
    const auto parsed_level = level.value() ? model::parseLeaderLevel(**level) : std::nullopt;
    const auto parsed_rank = rank.value() ? model::parseLeaderRank(**rank) : std::nullopt;
    if (!parsed_level || *parsed_level == model::LeaderLevel::none) {
      return makeError("level is required for appoint_leader: county or township");
    }
    if (!parsed_rank || *parsed_rank == model::LeaderRank::none) {
      return makeError("rank is required for appoint_leader: chief or deputy");
    }
    request.level = *parsed_level;
    request.rank = *parsed_rank;
  }
  if (const auto it = body.find("brings_post"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return makeError("brings_post must be true or false");
    request.brings_post = it->get<bool>();
  }
  auto person = text(body, "person");
  if (!person) return person.error();
  if (person.value() && !person.value()->empty()) {
    auto checked = model::checkCitizenId(**person);
    if (!checked) return makeError(fmt::format("person: {}", checked.reason));
    request.person = *checked.value;
  }
  return request;
}

json precheckAnswerJson(const PrecheckRequest& request, const PrecheckAnswer& answer) {
  json reasons = json::array();
  for (const auto& reason : answer.reasons) {
    json facts = json::object();
    for (const auto& [key, value] : reason.facts) facts[key] = value;
    reasons.push_back({{"code", reason.code},
                       {"rule", reason.rule},
                       {"message", reason.message_zh},
                       {"message_en", reason.message_en},
                       {"facts", facts}});
  }
  json suggestions = json::array();
  for (const auto& s : answer.suggestions) {
    suggestions.push_back({{"kind", s.kind},
                           {"unit_id", s.unit.str()},
                           {"unit_name", s.unit_name},
                           {"estab_type", s.type ? json(model::toString(*s.type)) : json(nullptr)},
                           {"approval_id", s.approval_id},
                           {"available", s.available},
                           {"message", s.message_zh},
                           {"message_en", s.message_en}});
  }
  json posts = nullptr;
  if (answer.posts) {
    posts = {{"approved", answer.posts->approved},
             {"occupied", answer.posts->occupied},
             {"reserved", answer.posts->reserved},
             {"vacant", answer.posts->vacant()}};
  }
  json out = {{"allowed", answer.allowed},
              {"kind", toString(request.kind)},
              {"unit_id", request.unit.str()},
              {"unit_name", answer.unit_name},
              {"estab_type", answer.type ? json(model::toString(*answer.type)) : json(nullptr)},
              {"on", model::formatDate(request.on)},
              {"count", request.count},
              {"posts", posts},
              {"reasons", reasons},
              {"suggestions", suggestions}};
  if (request.kind == PrecheckKind::appoint_leader) {
    out["level"] = model::toString(request.level);
    out["rank"] = model::toString(request.rank);
  }
  if (!request.approval_id.empty()) out["approval"] = request.approval_id;
  if (request.person) out["person"] = request.person->str();
  return out;
}

}  // namespace staffchain::chain
