// Builders for chain engine tests: valid ids and records with sensible defaults.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "staffchain/chain/chain_engine.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::chain::testing {

using model::Date;
using model::Month;

inline Date day(int y, unsigned m, unsigned d) {
  return Date::fromYmd(y, m, d);
}

// A valid citizen id: region 150702, the birth date, a sequence number whose parity is the sex.
inline model::PersonId person(int seq, Date born = day(1985, 5, 1), model::Sex sex = model::Sex::male) {
  const auto ymd = born.ymd();
  int s = (seq % 500) * 2 + (sex == model::Sex::male ? 1 : 0);
  auto first17 = fmt::format("150702{:04}{:02}{:02}{:03}", static_cast<int>(ymd.year()),
                             static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), s % 1000);
  return model::PersonId::fromValid(first17 + model::citizenIdCheckChar(first17));
}

// A valid unified social credit code of an institution-registered unit.
inline model::UnitId unitId(int seq) {
  auto first17 = fmt::format("12150700MB{:07}", seq);
  return model::UnitId::fromValid(first17 + model::creditCodeCheckChar(first17));
}

inline model::Unit unit(int seq, std::string name, model::UnitKind kind) {
  model::Unit u;
  u.unit_id = unitId(seq);
  u.name = std::move(name);
  u.region = "150702";
  u.kind = kind;
  return u;
}

inline model::Quota quota(const model::UnitId& u, model::EstabType type, int approved, Date from) {
  model::Quota q;
  q.unit_id = u;
  q.estab_type = type;
  q.approved = approved;
  q.effective_from = from;
  q.doc_no = "呼编发〔2020〕1号";
  return q;
}

inline model::Approval approval(std::string id, const model::UnitId& u, model::EstabType type, int slots, Date issued,
                                Date until) {
  model::Approval a;
  a.approval_id = std::move(id);
  a.unit_id = u;
  a.estab_type = type;
  a.slots = slots;
  a.issued_on = issued;
  a.valid_until = until;
  return a;
}

inline model::ReductionTask reduction(std::string id, const model::UnitId& u, model::EstabType type, int posts,
                                      Date issued, Date due) {
  model::ReductionTask t;
  t.task_id = std::move(id);
  t.unit_id = u;
  t.estab_type = type;
  t.posts_to_recover = posts;
  t.issued_on = issued;
  t.due_on = due;
  t.doc_no = "呼编发〔2024〕7号";
  return t;
}

inline model::RosterEntry roster(const model::PersonId& p, const model::UnitId& u, model::EstabType type,
                                 Date entered) {
  model::RosterEntry r;
  r.person_id = p;
  r.name = "张三";
  r.unit_id = u;
  r.estab_type = type;
  r.entered_on = entered;
  return r;
}

inline model::Movement move(std::string id, model::MovementKind kind, const model::PersonId& p, const model::UnitId& u,
                            Date on, std::string approval_id = {}) {
  model::Movement m;
  m.movement_id = std::move(id);
  m.kind = kind;
  m.person_id = p;
  m.unit_id = u;
  m.effective_on = on;
  m.approval_id = std::move(approval_id);
  m.source = model::isHire(kind) || model::isExit(kind) ? model::SourceRole::hr : model::SourceRole::estab;
  return m;
}

inline model::PayrollMonth pay(const model::PersonId& p, const model::UnitId& u, Month month) {
  model::PayrollMonth row;
  row.person_id = p;
  row.unit_id = u;
  row.month = month;
  row.gross_fen = 612300;
  return row;
}

inline std::vector<Finding> ofRule(const std::vector<Finding>& findings, std::string_view rule) {
  std::vector<Finding> out;
  std::copy_if(findings.begin(), findings.end(), std::back_inserter(out),
               [&](const Finding& f) { return f.rule == rule; });
  return out;
}

inline std::vector<Finding> evaluate(const model::Dataset& dataset, Date as_of, RuleParams params = {}) {
  ChainEngine engine(std::move(params));
  engine.load(dataset);
  return engine.evaluateAll(as_of);
}

}  // namespace staffchain::chain::testing
