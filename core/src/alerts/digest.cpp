#include "staffchain/alerts/digest.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "staffchain/chain/rule_catalog.hpp"
#include "staffchain/model/fnv1a.hpp"
#include "staffchain/model/html_text.hpp"
#include "staffchain/model/identifiers.hpp"

namespace staffchain::alerts {
namespace {

using Json = nlohmann::json;

// Reserved in every part's title for the widest part marker, so that numbering the parts
// after packing never pushes one over the limit.
constexpr std::string_view kWidestPartMark = "（第 999/999 部分）";

std::string_view severityZh(chain::Severity severity) {
  return chain::chineseLabel(severity);
}

// Cuts at a UTF-8 character boundary, so a truncated Chinese line stays valid text.
std::string truncateUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr std::string_view kEllipsis = "…";
  if (max_bytes < kEllipsis.size()) return {};
  std::size_t cut = max_bytes - kEllipsis.size();
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;
  return std::string(text.substr(0, cut)) + std::string(kEllipsis);
}

// The first `max_chars` characters of a one-line summary, for the compact template: enough for
// a phone reader to know what the alert is about.
std::string shortSummary(std::string_view text, std::size_t max_chars) {
  std::size_t at = 0;
  std::size_t chars = 0;
  while (at < text.size() && chars < max_chars) {
    ++at;
    while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0U) == 0x80U) ++at;
    ++chars;
  }
  if (at >= text.size()) return std::string(text);
  return std::string(text.substr(0, at)) + "…";
}

constexpr std::size_t kCompactSummaryChars = 40;

enum class Section : std::uint8_t { opened, expired, escalated, still, resolved, notes };

std::string_view sectionHeading(Section section) {
  switch (section) {
    case Section::opened:
      return "新增告警";
    case Section::expired:
      return "静默已到期、仍在告警";
    case Section::escalated:
      return "超过时限未确认";
    case Section::still:
      return "仍未解决";
    case Section::resolved:
      return "已解决";
    case Section::notes:
      return "说明";
  }
  return "";
}

// The e-mail's HTML: a table per alert section (one row per alert), a list for the notes.
constexpr std::string_view kTableHead =
    "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\" style=\"border-collapse:collapse\">"
    "<tr><th>规则</th><th>级别</th><th>单位</th><th>人员</th><th>摘要</th><th>始于</th><th>告警 ID</th></tr>";
constexpr int kTableColumns = 7;

std::string sectionOpenHtml(Section section) {
  return fmt::format("<h4>{}</h4>{}", sectionHeading(section), section == Section::notes ? "<ul>" : kTableHead);
}

std::string_view sectionCloseHtml(Section section) {
  return section == Section::notes ? "</ul>" : "</table>";
}

struct Line {
  Section section = Section::notes;
  std::string markdown;
  std::string text;
  std::string html;
  Json item;  // null for notes
  std::string alert_id;
};

std::string personShown(const Alert& alert) {
  return alert.person_id.empty() ? std::string() : model::maskCitizenId(alert.person_id);
}

Line alertLine(const Alert& alert, Section section, const Digest& digest, const ReceiverProfile& profile,
               const AlertSettings& settings) {
  Line line;
  line.section = section;
  line.alert_id = alert.id;
  const std::string unit = alert.unit_id.empty() ? std::string("—") : alert.unit_id;
  const std::string person = personShown(alert);
  std::string extra;
  if (alert.rule.starts_with("LINK-") && !alert.sources.empty()) {
    auto held = digest.held_by_connector.find(alert.sources.front());
    if (held != digest.held_by_connector.end() && held->second > 0) {
      extra = fmt::format("（暂缓依赖此数据源的 {} 项告警）", held->second);
    }
  }
  if (alert.state == AlertState::acknowledged) {
    extra += fmt::format("（已确认：{}）", alert.acknowledged_by);
  }
  if (section == Section::expired && !alert.silence_expiry_note.empty()) {
    extra += "（" + alert.silence_expiry_note + "）";
  }
  const std::string summary = model::maskCitizenIds(alert.summary_zh);
  const std::string since = model::formatDate(alert.since);
  const bool compact = profile.message_template == MessageTemplate::compact;
  const std::string brief = shortSummary(summary, kCompactSummaryChars);
  // One table row for the e-mail, whatever the template: the columns a department reads.
  const auto row = [&](std::string_view rule_cell, std::string_view summary_cell) {
    return fmt::format(
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
        rule_cell, severityZh(alert.severity), model::escapeHtml(unit),
        model::escapeHtml(person.empty() ? "—" : person), summary_cell, since, model::escapeHtml(alert.id));
  };
  if (section == Section::resolved) {
    const std::string when = alert.resolved_at ? settings.zone.display(*alert.resolved_at) : "";
    line.markdown = fmt::format("- ~~{}~~ 单位 {} 告警 `{}` 已解决 {}", alert.rule, unit, alert.id, when);
    line.text = fmt::format("- {} 单位 {} 告警 {} 已解决 {}", alert.rule, unit, alert.id, when);
    line.html =
        row("<s>" + model::escapeHtml(alert.rule) + "</s>",
            fmt::format("已解决 {}<br>{}", model::escapeHtml(when), model::escapeHtml(compact ? brief : summary)));
  } else if (compact) {
    line.markdown = fmt::format("- **{}** {} 单位 {}：{} `{}`{}", alert.rule, severityZh(alert.severity), unit, brief,
                                alert.id, extra);
    line.text =
        fmt::format("- {} {} 单位 {}：{} {}{}", alert.rule, severityZh(alert.severity), unit, brief, alert.id, extra);
    line.html = row("<b>" + model::escapeHtml(alert.rule) + "</b>", model::escapeHtml(brief + extra));
  } else {
    const std::string who = person.empty() ? std::string() : fmt::format(" · 人员 {}", person);
    line.markdown = fmt::format("- **{}** {} · 单位 {}{} · 始于 {}{}\n  {}\n  告警 `{}`，确认：`{} {}`", alert.rule,
                                severityZh(alert.severity), unit, who, since, extra, summary, alert.id,
                                settings.ack_command, alert.id);
    line.text =
        fmt::format("- {} {} 单位 {}{} 始于 {}{}\n  {}\n  告警 {}，确认：{} {}", alert.rule, severityZh(alert.severity),
                    unit, who, since, extra, summary, alert.id, settings.ack_command, alert.id);
    line.html = row(
        "<b>" + model::escapeHtml(alert.rule) + "</b>",
        extra.empty() ? model::escapeHtml(summary) : model::escapeHtml(summary) + "<br>" + model::escapeHtml(extra));
  }
  line.markdown = model::maskCitizenIds(line.markdown);
  line.text = model::maskCitizenIds(line.text);
  line.html = model::maskCitizenIds(line.html);
  line.item = Json{{"id", alert.id},
                   {"section", std::string(sectionHeading(section))},
                   {"state", std::string(toString(alert.state))},
                   {"rule", alert.rule},
                   {"severity", std::string(chain::toString(alert.severity))},
                   {"unit_id", alert.unit_id},
                   {"person_id", person},
                   {"region", alert.region},
                   {"since", model::formatDate(alert.since)},
                   {"summary", summary},
                   {"summary_en", model::maskCitizenIds(alert.summary_en)},
                   {"acknowledged_by", alert.acknowledged_by}};
  return line;
}

Line noteLine(std::string text) {
  Line line;
  line.section = Section::notes;
  line.markdown = "- " + text;
  line.text = "- " + text;
  line.html = "<li>" + model::escapeHtml(text) + "</li>";
  return line;
}

bool bySeverity(const Alert* a, const Alert* b) {
  if (a->severity != b->severity) return a->severity < b->severity;
  if (a->rule != b->rule) return a->rule < b->rule;
  return a->id < b->id;
}

std::vector<const Alert*> sorted(std::vector<const Alert*> alerts) {
  std::sort(alerts.begin(), alerts.end(), bySeverity);
  return alerts;
}

std::string title(const Digest& digest) {
  std::optional<chain::Severity> worst;
  for (const auto* list : {&digest.opened, &digest.silence_expired, &digest.still_firing}) {
    for (const Alert* alert : *list) {
      if (!worst || alert->severity < *worst) worst = alert->severity;
    }
  }
  std::string labels;
  for (const auto& [label, value] : digest.labels) {
    if (value.empty()) continue;
    if (!labels.empty()) labels += " · ";
    labels += value;
    if (label == "region") {
      const auto name = model::regionName(value);
      if (!name.empty()) labels += " " + std::string(name);
    }
  }
  if (labels.empty()) labels = "全部";
  const std::string level = worst ? fmt::format("【{}】", severityZh(*worst)) : std::string("【已解决】");
  switch (digest.kind) {
    case DigestKind::escalation:
      return fmt::format("【升级】{}{}：{} 项超过时限未确认，已解决 {} 项", level, labels, digest.opened.size(),
                         digest.resolved.size());
    case DigestKind::repeat:
      return fmt::format("{}{}：{} 项仍未解决", level, labels, digest.still_firing.size());
    case DigestKind::update:
      break;
  }
  std::string out =
      fmt::format("{}{}：新增 {} 项，已解决 {} 项", level, labels, digest.opened.size(), digest.resolved.size());
  if (!digest.silence_expired.empty()) out += fmt::format("，静默到期 {} 项", digest.silence_expired.size());
  return out;
}

struct Part {
  std::vector<const Line*> lines;
};

std::string assembleMarkdown(const std::string& heading, const std::vector<const Line*>& lines,
                             const std::string& footer) {
  std::string out = "### " + heading + "\n";
  std::optional<Section> current;
  for (const Line* line : lines) {
    if (!current || *current != line->section) {
      out += fmt::format("\n**{}**\n", sectionHeading(line->section));
      current = line->section;
    }
    out += line->markdown + "\n";
  }
  return out + "\n" + footer + "\n";
}

std::string assembleText(const std::string& heading, const std::vector<const Line*>& lines, const std::string& footer) {
  std::string out = heading + "\n";
  std::optional<Section> current;
  for (const Line* line : lines) {
    if (!current || *current != line->section) {
      out += fmt::format("\n{}：\n", sectionHeading(line->section));
      current = line->section;
    }
    out += line->text + "\n";
  }
  return out + "\n" + footer + "\n";
}

std::string assembleHtml(const std::string& heading, const std::vector<const Line*>& lines, const std::string& footer) {
  std::string out = "<h3>" + model::escapeHtml(heading) + "</h3>";
  std::optional<Section> current;
  for (const Line* line : lines) {
    if (!current || *current != line->section) {
      if (current) out += sectionCloseHtml(*current);
      out += sectionOpenHtml(line->section);
      current = line->section;
    }
    out += line->html;
  }
  if (current) out += sectionCloseHtml(*current);
  return out + "<p>" + model::escapeHtml(footer) + "</p>";
}

// The sizes a part's three bodies would have, kept as lines are added (mirrors assemble*).
class PartSize {
 public:
  PartSize(const std::string& heading, const std::string& footer)
      : markdown_(assembleMarkdown(heading, {}, footer).size()),
        text_(assembleText(heading, {}, footer).size()),
        html_(assembleHtml(heading, {}, footer).size()) {}

  [[nodiscard]] PartSize with(const Line& line) const {
    PartSize next = *this;
    if (!next.has_section_ || next.section_ != line.section) {
      const std::string_view heading = sectionHeading(line.section);
      next.markdown_ += heading.size() + 6;  // "\n**" and "**\n"
      next.text_ += heading.size() + 5;      // "\n", "：" (3 bytes), "\n"
      next.html_ += sectionOpenHtml(line.section).size() + sectionCloseHtml(line.section).size();
      next.section_ = line.section;
      next.has_section_ = true;
    }
    next.markdown_ += line.markdown.size() + 1;
    next.text_ += line.text.size() + 1;
    next.html_ += line.html.size();
    return next;
  }
  [[nodiscard]] bool within(std::size_t max_bytes) const noexcept {
    return markdown_ <= max_bytes && text_ <= max_bytes && html_ <= max_bytes;
  }
  [[nodiscard]] std::size_t largest() const noexcept { return std::max({markdown_, text_, html_}); }

 private:
  std::size_t markdown_;
  std::size_t text_;
  std::size_t html_;
  // A flag beside a plain value rather than std::optional: g++ 12 at -O3 reports the copied
  // optional as maybe-uninitialized.
  Section section_{};
  bool has_section_ = false;
};

}  // namespace

std::vector<plugin::Notification> renderDigest(const Digest& digest, const ReceiverProfile& profile,
                                               const AlertSettings& settings) {
  std::vector<Line> lines;
  const Section open_section = digest.kind == DigestKind::escalation ? Section::escalated : Section::opened;
  for (const Alert* alert : sorted(digest.opened))
    lines.push_back(alertLine(*alert, open_section, digest, profile, settings));
  for (const Alert* alert : sorted(digest.silence_expired)) {
    lines.push_back(alertLine(*alert, Section::expired, digest, profile, settings));
  }
  if (digest.kind == DigestKind::repeat) {
    for (const Alert* alert : sorted(digest.still_firing)) {
      lines.push_back(alertLine(*alert, Section::still, digest, profile, settings));
    }
  }
  for (const Alert* alert : sorted(digest.resolved)) {
    lines.push_back(alertLine(*alert, Section::resolved, digest, profile, settings));
  }
  if (digest.kind != DigestKind::repeat && !digest.still_firing.empty()) {
    const auto acked = std::count_if(digest.still_firing.begin(), digest.still_firing.end(),
                                     [](const Alert* a) { return a->state == AlertState::acknowledged; });
    lines.push_back(
        noteLine(fmt::format("另有 {} 项此前已通报、仍在告警（其中 {} 项已确认）", digest.still_firing.size(), acked)));
  }
  if (digest.silenced > 0) lines.push_back(noteLine(fmt::format("{} 项告警在静默中，未列出", digest.silenced)));
  for (const auto& [connector, count] : digest.inhibited) {
    lines.push_back(noteLine(
        fmt::format("数据源 {} 中断或未按时同步，暂缓依赖其数据的 {} 项告警，恢复后再行通报", connector, count)));
  }

  const std::string base_title = model::maskCitizenIds(title(digest));
  const std::string footer =
      fmt::format("{} · 确认告警：{} <告警ID>", settings.zone.display(digest.at), settings.ack_command);
  const std::string reserved_heading = base_title + std::string(kWidestPartMark);

  // Greedy packing, line by line; a line too long for an empty part is shortened to fit.
  const PartSize empty_part(reserved_heading, footer);
  std::vector<Part> parts(1);
  PartSize current = empty_part;
  std::vector<Line> shortened;
  shortened.reserve(lines.size());  // no reallocation: parts point into it
  for (const Line& line : lines) {
    if (PartSize next = current.with(line); next.within(profile.max_message_bytes)) {
      parts.back().lines.push_back(&line);
      current = next;
      continue;
    }
    if (!parts.back().lines.empty()) {
      parts.emplace_back();
      current = empty_part;
    }
    if (PartSize next = current.with(line); next.within(profile.max_message_bytes)) {
      parts.back().lines.push_back(&line);
      current = next;
      continue;
    }
    Line cut = line;
    const std::size_t overhead = empty_part.largest() + 64;  // a section heading and list markup
    const std::size_t room = profile.max_message_bytes > overhead ? profile.max_message_bytes - overhead : 16;
    cut.markdown = truncateUtf8(line.markdown, room);
    cut.text = truncateUtf8(line.text, room);
    const std::string cut_text = model::escapeHtml(truncateUtf8(line.text, room / 2));
    cut.html = line.section == Section::notes
                   ? "<li>" + cut_text + "</li>"
                   : fmt::format("<tr><td colspan=\"{}\">{}</td></tr>", kTableColumns, cut_text);
    shortened.push_back(std::move(cut));
    parts.back().lines.push_back(&shortened.back());
    current = current.with(shortened.back());
  }

  std::string content = digest.group_key;
  for (const Line& line : lines) content += "\n" + line.markdown;
  const std::uint64_t content_hash = model::fnv1a(content);
  const std::uint64_t group_hash = model::fnv1a(digest.group_key);

  std::vector<std::string> all_ids;
  for (const Line& line : lines) {
    if (!line.alert_id.empty()) all_ids.push_back(line.alert_id);
  }
  std::string severity;
  if (!digest.opened.empty() || !digest.silence_expired.empty() || !digest.still_firing.empty()) {
    std::optional<chain::Severity> worst;
    for (const auto* list : {&digest.opened, &digest.silence_expired, &digest.still_firing}) {
      for (const Alert* alert : *list) {
        if (!worst || alert->severity < *worst) worst = alert->severity;
      }
    }
    severity = std::string(chain::toString(*worst));
  }

  std::vector<plugin::Notification> out;
  Json labels = Json::object();
  for (const auto& [label, value] : digest.labels) labels[label] = value;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    plugin::Notification n;
    n.receiver = digest.receiver;
    n.part = i + 1;
    n.parts = parts.size();
    n.severity = severity;
    n.title = parts.size() > 1 ? fmt::format("{}（第 {}/{} 部分）", base_title, n.part, n.parts) : base_title;
    n.markdown = assembleMarkdown(n.title, parts[i].lines, footer);
    n.text = assembleText(n.title, parts[i].lines, footer);
    n.html = assembleHtml(n.title, parts[i].lines, footer);
    n.idempotency_key = fmt::format("{}:{:016x}:{}:{:016x}:{}/{}", digest.receiver, group_hash, digest.sequence,
                                    content_hash, n.part, n.parts);
    Json items = Json::array();
    for (const Line* line : parts[i].lines) {
      if (line->alert_id.empty()) continue;
      n.alert_ids.push_back(line->alert_id);
      items.push_back(line->item);
    }
    Json inhibited = Json::object();
    for (const auto& [connector, count] : digest.inhibited) inhibited[connector] = count;
    n.json = Json{{"receiver", digest.receiver},
                  {"kind", digest.kind == DigestKind::update   ? "update"
                           : digest.kind == DigestKind::repeat ? "repeat"
                                                               : "escalation"},
                  {"group", labels},
                  {"group_key", digest.group_key},
                  {"title", n.title},
                  {"at", settings.zone.display(digest.at)},
                  {"part", n.part},
                  {"parts", n.parts},
                  {"alerts", items},
                  {"alert_ids_in_message", all_ids},
                  {"silenced", digest.silenced},
                  {"inhibited", inhibited},
                  {"acknowledge", settings.ack_command + " <id>"},
                  {"idempotency_key", n.idempotency_key}}
                 .dump();
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace staffchain::alerts
