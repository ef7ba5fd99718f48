// The inspection notice as one self-contained HTML page: the same wording as the PDF, set for A4
// when printed, every text escaped.
#include <fmt/format.h>

#include "notice_text.hpp"
#include "staffchain/documents/inspection_notice.hpp"
#include "staffchain/model/html_text.hpp"

namespace staffchain::documents {

namespace {

constexpr const char* kStyle = R"css(
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "第 " counter(page) " 页 共 " counter(pages) " 页"; font-size: 10.5pt; } }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "Songti SC", serif;
  font-size: 16pt; line-height: 1.75; color: #000; background: #fff; }
main { max-width: 156mm; margin: 0 auto; }
h1 { font-size: 26pt; font-weight: normal; text-align: center; letter-spacing: 0.1em; margin: 0 0 0.4em; }
.doc-no { text-align: center; margin: 0; }
hr.rule { border: none; border-top: 2px solid #c00; margin: 0.6em 0 1.2em; }
.addressee { margin: 0; }
p.body { text-indent: 2em; margin: 0; text-align: justify; }
h2 { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", sans-serif; font-size: 16pt;
  font-weight: normal; text-indent: 2em; margin: 0.6em 0 0; break-after: avoid; }
.facts { font-size: 14pt; text-indent: 2em; margin: 0; }
.evidence-title { font-size: 14pt; text-indent: 2em; margin: 0; }
ol.evidence { font-size: 14pt; margin: 0 0 0 4em; padding-left: 1.5em; }
.signature { margin-top: 2.5em; text-align: right; padding-right: 2em; break-inside: avoid; }
.signature p { margin: 0; }
.seal { color: #888; }
@media screen { main { padding: 20mm 0; } }
)css";

}  // namespace

std::string renderNoticeHtml(const InspectionNotice& notice) {
  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += fmt::format("<title>{} {}</title>\n", text::kTitle, model::escapeHtml(notice.doc_no));
  html += fmt::format("<style>{}</style>\n</head>\n<body>\n<main>\n", kStyle);
  html += fmt::format("<h1>{}</h1>\n", text::kTitle);
  html += fmt::format("<p class=\"doc-no\">{}</p>\n<hr class=\"rule\">\n", model::escapeHtml(notice.doc_no));
  html += fmt::format("<p class=\"addressee\">{}：</p>\n", model::escapeHtml(notice.unit_name));
  html += fmt::format("<p class=\"body\">{}</p>\n", model::escapeHtml(text::opening(notice)));
  for (std::size_t i = 0; i < notice.findings.size(); ++i) {
    const NoticeFinding& f = notice.findings[i];
    html += "<section class=\"finding\">\n";
    html += fmt::format("<h2>{}{}</h2>\n", text::ordinal(i), model::escapeHtml(f.rule_title_zh));
    html += fmt::format("<p class=\"facts\">{}</p>\n", model::escapeHtml(text::findingFacts(f)));
    html += fmt::format("<p class=\"body\">{}</p>\n", model::escapeHtml(f.summary_zh));
    if (!f.evidence.empty()) {
      html += "<p class=\"evidence-title\">相关证据：</p>\n<ol class=\"evidence\">\n";
      for (const NoticeEvidence& e : f.evidence) {
        html += fmt::format("<li>{}：{}</li>\n", model::escapeHtml(e.label), model::escapeHtml(e.value));
      }
      html += "</ol>\n";
    }
    html += "</section>\n";
  }
  html += fmt::format("<p class=\"body\">{}</p>\n", model::escapeHtml(text::requirement(notice)));
  if (!notice.reply_instructions.empty()) {
    html += fmt::format("<p class=\"body\">{}</p>\n", model::escapeHtml(notice.reply_instructions));
  }
  if (const std::string contact = text::contact(notice); !contact.empty()) {
    html += fmt::format("<p class=\"body\">{}</p>\n", model::escapeHtml(contact));
  }
  html += "<div class=\"signature\">\n<p class=\"seal\">（印章）</p>\n";
  html += fmt::format("<p>{}</p>\n<p>{}</p>\n</div>\n", model::escapeHtml(notice.issuing_office),
                      model::escapeHtml(chineseDate(notice.issued_on)));
  html += "</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace staffchain::documents
