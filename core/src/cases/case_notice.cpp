#include "staffchain/cases/case_notice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/model/enums.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::cases {

namespace {

using Pair = std::pair<std::string_view, std::string_view>;

// What a clerk calls each kind of record the evidence cites.
constexpr std::array kRecordNames{
    Pair{"units", "单位信息"},          Pair{"quotas", "核定编制"},   Pair{"leader_quotas", "领导职数"},
    Pair{"approvals", "用编核准"},      Pair{"roster", "实名制名册"}, Pair{"movements", "人员变动记录"},
    Pair{"payroll", "工资发放记录"},    Pair{"deaths", "死亡登记"},   Pair{"reductions", "控编减编任务"},
    Pair{"finding", "关联问题"},        Pair{"case", "整改通知"},     Pair{"notice", "协同通知"},
    Pair{"quarantine", "不合规数据行"}, Pair{"derived", "核算结果"},
};

// The fields evidence carries, in the words of a notice; others are shown as they are named.
constexpr std::array kFieldNames{
    Pair{"person_id", "身份证号"},
    Pair{"name", "姓名"},
    Pair{"unit_id", "单位代码"},
    Pair{"estab_type", "编制类型"},
    Pair{"kind", "类别"},
    Pair{"effective_from", "生效日期"},
    Pair{"entered_on", "上编日期"},
    Pair{"month", "发放月份"},
    Pair{"gross", "应发金额（元）"},
    Pair{"approval_id", "核准编号"},
    Pair{"issued_on", "下达日期"},
    Pair{"valid_until", "有效期至"},
    Pair{"slots", "核准名额"},
    Pair{"approved", "核定数"},
    Pair{"died_on", "死亡日期"},
    Pair{"movement_id", "变动编号"},
    Pair{"level", "职务层次"},
    Pair{"rank", "正副职"},
    Pair{"funding", "经费形式"},
    Pair{"task_id", "任务编号"},
    Pair{"posts_to_recover", "应收回编制"},
    Pair{"due_on", "完成期限"},
    Pair{"rule", "规则"},
    Pair{"since", "发生日期"},
    Pair{"suspended_from", "暂停受理起始"},
    Pair{"deadline", "整改期限"},
    Pair{"case", "案卷号"},
    Pair{"summary", "摘要"},
    Pair{"effective_on", "生效日期"},
    Pair{"recorded_on", "登记日期"},
    Pair{"source", "来源部门"},
    Pair{"doc_no", "文号"},
    Pair{"date", "日期"},
    Pair{"on", "日期"},
    Pair{"on_roster", "在编人数"},
    Pair{"occupied", "在编人数"},
    Pair{"vacant", "空编数"},
    Pair{"reserved", "已核准未使用"},
    Pair{"approved_now", "现核定数"},
    Pair{"approved_on_issue", "下达时核定数"},
    Pair{"recovered", "已收回编制"},
    Pair{"remaining", "尚需收回"},
    Pair{"born_on", "出生日期"},
    Pair{"age_months", "年龄（月）"},
    Pair{"reached_on", "到龄日期"},
    Pair{"months", "月数"},
    Pair{"count", "人数"},
    Pair{"held", "实配数"},
    Pair{"first", "起始"},
    Pair{"last", "截至"},
    Pair{"days", "天数"},
    Pair{"as_of", "核查日期"},
};

// A code value as a clerk reads it: hire → 录用, admin → 行政编制; other values as they are.
std::string valueOf(std::string_view key, const std::string& value) {
  std::string_view label;
  if (key == "estab_type") {
    if (auto v = model::parseEstabType(value)) label = model::chineseLabel(*v);
  } else if (key == "kind") {
    if (auto v = model::parseMovementKind(value)) label = model::chineseLabel(*v);
  } else if (key == "level") {
    if (auto v = model::parseLeaderLevel(value)) label = model::chineseLabel(*v);
  } else if (key == "rank") {
    if (auto v = model::parseLeaderRank(value)) label = model::chineseLabel(*v);
  } else if (key == "funding") {
    if (auto v = model::parseFunding(value)) label = model::chineseLabel(*v);
  } else if (key == "source") {
    if (auto v = model::parseSourceRole(value)) label = model::chineseLabel(*v);
  }
  return label.empty() ? value : std::string(label);
}

std::string_view lookup(std::string_view key, const auto& table) {
  const auto it = std::find_if(table.begin(), table.end(), [&](const Pair& p) { return p.first == key; });
  return it == table.end() ? key : it->second;
}

}  // namespace

documents::InspectionNotice noticeOf(const Case& c, const CaseSettings& settings) {
  const bool full_ids = std::find(settings.show_citizen_ids_to.begin(), settings.show_citizen_ids_to.end(),
                                  c.unit_id) != settings.show_citizen_ids_to.end();
  auto shown = [&](const std::string& value) { return full_ids ? value : model::maskCitizenIds(value); };
  documents::InspectionNotice notice;
  notice.issuing_office = settings.issuing_office;
  notice.doc_no = c.doc_no;
  notice.unit_name = c.unit_name.empty() ? c.unit_id : c.unit_name;
  notice.unit_id = c.unit_id;
  notice.issued_on = model::formatDate(c.opened_on);
  notice.deadline = model::formatDate(c.deadline);
  notice.reply_instructions = settings.reply_instructions;
  notice.contact = settings.contact;
  for (const auto& f : c.findings) {
    documents::NoticeFinding out;
    out.rule = f.rule;
    const auto rule = chain::findRule(f.rule);
    out.rule_title_zh = rule ? std::string(rule->title_zh) : f.rule;
    out.severity_zh = chain::chineseLabel(f.severity);
    out.since = model::formatDate(f.since);
    out.summary_zh = shown(f.summary_zh);  // summaries are masked already; a unit entitled still sees them so
    for (const auto& item : f.evidence) {
      std::string facts;
      for (const auto& [key, value] : item.fields) {
        if (value.empty()) continue;
        facts +=
            fmt::format("{}{}：{}", facts.empty() ? "" : "；", lookup(key, kFieldNames), shown(valueOf(key, value)));
      }
      const std::string label = item.source == "engine" || item.source == "cases"
                                    ? std::string(lookup(item.record_type, kRecordNames))
                                    : fmt::format("{}（{}）", lookup(item.record_type, kRecordNames), item.source);
      out.evidence.push_back(documents::NoticeEvidence{label, facts.empty() ? shown(item.record_id) : facts});
    }
    notice.findings.push_back(std::move(out));
  }
  return notice;
}

}  // namespace staffchain::cases
