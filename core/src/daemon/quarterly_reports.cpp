#include "quarterly_reports.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "staffchain/model/enums.hpp"
#include "staffchain/reports/quarterly_report.hpp"

namespace staffchain::daemon {
namespace {

constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

std::string yuan(double amount) {
  return fmt::format("{:.2f}", amount);
}

// The message that carries the workbook. E-mail attaches the file; a channel that cannot carry
// one (a robot, a webhook) sends the text alone, so the text says where to fetch the file.
plugin::Notification reportMessage(const reports::QuarterlyReport& report, const std::string& receiver,
                                   const std::string& key, QuarterlyReports::Workbook workbook) {
  const std::string label = reports::quarterLabelZh(report.quarter);
  const std::string scope =
      report.region_filter.empty() ? std::string("全部地区") : fmt::format("地区 {}", report.region_filter);
  const std::string fetch = fmt::format("staffchainctl report quarterly --quarter {}{} --out 报表.xlsx", report.quarter,
                                        report.region_filter.empty() ? "" : " --region " + report.region_filter);
  const std::string route = fmt::format("GET /api/v1/reports/quarterly?quarter={}{}", report.quarter,
                                        report.region_filter.empty() ? "" : "&region=" + report.region_filter);
  const auto& city = report.city;
  const std::string figures = fmt::format(
      "核定编制 {}，实有 {}，空编 {}，超编 {}；超职数配备 {} 名；吃空饷 {} 人 {} 个月 {} 元；问题线索本季新发现 {} "
      "条、已整改 {} 条、季末未整改 {} 条。",
      city.total.approved, city.total.occupied, city.total.vacant, city.total.excess, city.leaders_over,
      city.ghost_pay_persons, city.ghost_pay_months, yuan(city.ghost_pay_yuan), city.findings_opened,
      city.findings_resolved, city.findings_open_at_end);
  plugin::Notification n;
  n.idempotency_key = key;
  n.receiver = receiver;
  n.title = fmt::format("{}机构编制季度监控报表（{}）", label, scope);
  n.text = fmt::format(
      "{}（{} 至 {}）机构编制季度监控报表已生成，统计范围：{}。\n{}\n报表文件：{}（电子邮件见附件）。\n"
      "也可取得：{}\n或 {}\n",
      label, report.first_day, report.last_day, scope, figures, workbook.name, fetch, route);
  n.markdown = fmt::format("### {}\n{}\n\n报表文件 **{}**：电子邮件见附件，或执行 `{}` 取得。", n.title, figures,
                           workbook.name, fetch);
  n.html = fmt::format(
      "<html><body><h2>{}</h2><p>统计期间：{} 至 {}；统计范围：{}</p><p>{}</p><p>报表文件见附件：{}。也可执行 "
      "<code>{}</code> 取得。</p></body></html>",
      n.title, report.first_day, report.last_day, scope, figures, workbook.name, fetch);
  n.json = nlohmann::json{
      {"kind", "quarterly_report"},
      {"quarter", report.quarter},
      {"region", report.region_filter},
      {"file", workbook.name},
      {"fetch",
       route}}.dump();
  n.attachments.push_back({std::move(workbook.name), kXlsxType, std::move(workbook.bytes)});
  return n;
}

}  // namespace

QuarterlyReports::QuarterlyReports(Scheduler& scheduler, Evaluator& evaluator, AlertDispatcher& dispatcher,
                                   const CaseDesk& cases)
    : scheduler_(scheduler),
      evaluator_(evaluator),
      dispatcher_(dispatcher),
      cases_(cases),
      check_timer_(scheduler.timer()) {}

QuarterlyReports::~QuarterlyReports() = default;

void QuarterlyReports::configure(const config::Config& config) {
  config_ = &config;
}

void QuarterlyReports::start() {
  sendDue();
  scheduleNextCheck();
}

void QuarterlyReports::stop() {
  stopping_ = true;
  check_timer_->cancel();
}

void QuarterlyReports::scheduleNextCheck() {
  if (stopping_) return;
  const auto& zone = config_->daemon.timezone;
  const auto now = scheduler_.wallNow();
  // A minute past the next midnight there: the day a report falls due has begun.
  const auto next = zone.startOf(zone.dateAt(now).plusDays(1)) + std::chrono::minutes(1);
  const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(next - now);
  check_timer_->after(std::max(wait, std::chrono::milliseconds(0)), [this] {
    sendDue();
    scheduleNextCheck();
  });
}

Result<reports::QuarterlyReport> QuarterlyReports::figures(const reports::Quarter& quarter,
                                                           const std::string& region) const {
  if (!dispatcher_.isOpen()) return makeError("the quarterly report needs the alert history, which is not open");
  reports::QuarterlyInputs inputs;
  inputs.quarter = quarter;
  inputs.region = region;
  inputs.issuing_office = config_->reports.issuing_office;
  inputs.zone = config_->daemon.timezone;
  inputs.now = scheduler_.wallNow();
  for (const auto& [name, connector] : config_->connectors) {
    if (connector.enabled) inputs.links.push_back({name, std::string(model::toString(connector.role))});
  }
  if (cases_.isOpen()) {
    for (const auto& c : cases_.store().cases({})) {
      reports::CaseRecord record{c.doc_no, c.unit_id, c.region, c.opened_on, std::nullopt, std::nullopt, {}};
      if (c.closed_at) record.closed_on = inputs.zone.dateAt(*c.closed_at);
      for (const auto& span : c.overdue) record.overdue_spans.emplace_back(span.from, span.until);
      if (!c.overdue.empty()) record.overdue_on = c.overdue.front().from;
      inputs.cases.push_back(std::move(record));
    }
  }
  return reports::quarterlyFigures(inputs, evaluator_.engine(), dispatcher_.manager());
}

Result<QuarterlyReports::Workbook> QuarterlyReports::workbook(const reports::Quarter& quarter,
                                                              const std::string& region) const {
  auto report = figures(quarter, region);
  if (!report) return std::move(report).error();
  auto bytes = reports::quarterlyWorkbookBytes(*report, config_->daemon.state_dir / "reports");
  if (!bytes) return std::move(bytes).error();
  return Workbook{reports::quarterlyFileName(*report), std::move(bytes.value())};
}

void QuarterlyReports::sendDue() {
  if (stopping_ || config_ == nullptr) return;
  const auto& settings = config_->reports;
  if (settings.quarterly_receivers.empty()) return;
  const auto today = config_->daemon.timezone.dateAt(scheduler_.wallNow());
  const auto quarter = reports::Quarter::before(today);
  // The day of the month after the quarter: its first day is the day after the quarter's last.
  const auto due = quarter.lastDay().plusDays(settings.quarterly_on_day);
  if (today < due) return;
  std::vector<std::string> regions = settings.quarterly_regions;
  if (regions.empty()) regions.emplace_back();
  for (const auto& region : regions) {
    std::vector<std::string> receivers;
    for (const auto& receiver : settings.quarterly_receivers) {
      const auto key = fmt::format("quarterly:{}:{}:{}", quarter.text(), region.empty() ? "all" : region, receiver);
      if (written_.count(key) == 0) receivers.push_back(receiver);
    }
    if (receivers.empty()) continue;
    auto report = figures(quarter, region);
    Result<std::string> bytes = report ? reports::quarterlyWorkbookBytes(*report, config_->daemon.state_dir / "reports")
                                       : Result<std::string>(report.error());
    if (!bytes) {
      spdlog::error("quarterly report {}{}: {}", quarter.text(), region.empty() ? "" : " of " + region,
                    bytes.error().message);
      continue;
    }
    const Workbook book{reports::quarterlyFileName(*report), std::move(bytes.value())};
    for (const auto& receiver : receivers) {
      const auto key = fmt::format("quarterly:{}:{}:{}", quarter.text(), region.empty() ? "all" : region, receiver);
      auto sent = dispatcher_.send(reportMessage(*report, receiver, key, book));
      if (!sent) {
        spdlog::error("quarterly report {} to {}: {}", quarter.text(), receiver, sent.error().message);
        continue;
      }
      written_.insert(key);
      if (*sent) {
        spdlog::info("quarterly report {}{} queued for {} ({} bytes)", quarter.text(),
                     region.empty() ? "" : " of " + region, receiver, book.bytes.size());
      }
    }
  }
}

}  // namespace staffchain::daemon
