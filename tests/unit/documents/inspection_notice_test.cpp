// The inspection notice (机构编制督查通知书): a notice of three findings, one with enough evidence
// to run onto a second page, rendered to PDF and read back with poppler-utils (its text, its
// fonts, a picture of page 1); the same notice as HTML, escaped; the errors a clerk can act on.
#include "staffchain/documents/inspection_notice.hpp"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "scratch_dir.hpp"

namespace staffchain::documents {
namespace {

using staffchain::testing::ScratchDir;
using ::testing::HasSubstr;
using ::testing::Not;

// The sample the README's picture is rendered from: three findings of one unit, ids masked.
InspectionNotice sampleNotice() {
  InspectionNotice n;
  n.issuing_office = "呼伦贝尔市委机构编制委员会办公室";
  n.doc_no = "呼编督〔2026〕12号";
  n.unit_name = "海拉尔区农牧和科技局";
  n.unit_id = "150702-0031";
  n.issued_on = "2026-07-01";
  n.deadline = "2026-07-31";
  NoticeFinding ghost{.rule = "CHAIN-006",
                      .rule_title_zh = "出人后未停薪（吃空饷）",
                      .severity_zh = "严重",
                      .since = "2026-03-01",
                      .summary_zh =
                          "张某某（身份证号150702********0018）已于2026年2月调出你单位，"
                          "财政仍按月向其发放工资，至今未停发。",
                      .evidence = {}};
  ghost.evidence.push_back({"身份证号", "150702********0018"});
  ghost.evidence.push_back({"调出文号", "海人社调〔2026〕7号（2026年2月20日调往海拉尔区审计局）"});
  // A line per month paid since the transfer: what runs the notice onto a second page.
  for (int month = 3; month <= 6; ++month) {
    ghost.evidence.push_back({fmt::format("2026年{}月工资", month), "财政统发6,842.00元，账户尾号****6217"});
  }
  n.findings.push_back(ghost);
  NoticeFinding excess{.rule = "CHAIN-002",
                       .rule_title_zh = "超编进人",
                       .severity_zh = "严重",
                       .since = "2026-04-15",
                       .summary_zh = "你单位事业编制核定12名，实有在编人员14名，在超编情况下仍新进人员2名。",
                       .evidence = {}};
  excess.evidence.push_back({"核定事业编制", "12名（呼编发〔2023〕41号）"});
  excess.evidence.push_back({"超编期间新进人员", "王某某（150702********1040），2026年4月入编"});
  excess.evidence.push_back({"超编期间新进人员", "刘某某（150702********2213），2026年5月入编"});
  n.findings.push_back(excess);
  NoticeFinding leader{
      .rule = "CHAIN-007",
      .rule_title_zh = "超职数配备领导干部",
      .severity_zh = "严重",
      .since = "2026-05-10",
      .summary_zh = "你单位核定科级领导职数3名，实配4名，超职数配备1名。",
      .evidence = {{"核定领导职数", "正科级1名、副科级2名"}, {"实配领导干部", "正科级1名、副科级3名"}}};
  n.findings.push_back(leader);
  n.reply_instructions = "整改报告须写明问题原因、整改措施和结果，附工资停发凭证等材料，经主要负责人签字并加盖公章。";
  n.contact = "王某某，0470-8******";
  return n;
}

struct ToolRun {
  int status = -1;
  std::string out;
};

ToolRun run(const std::string& command) {
  ToolRun r;
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return r;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) r.out.append(buffer.data(), n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string quoted(const std::filesystem::path& p) {
  return "'" + p.string() + "'";
}

// The text without any whitespace, so a sentence pango wrapped over two lines reads as one.
std::string squeezed(const std::string& s);

// The text without the page feet, so a paragraph running over a page break reads as one.
std::string withoutFeet(const std::string& s) {
  std::istringstream in(s);
  std::string out;
  std::string line;
  while (std::getline(in, line)) {
    const std::string flat = squeezed(line);
    if (flat.rfind("第", 0) == 0 && flat.find("页共") != std::string::npos) continue;
    out += line + "\n";
  }
  return out;
}

std::string squeezed(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ' ' || c == '\n' || c == '\f' || c == '\t' || c == '\r') continue;
    if (s.compare(i, 3, "\u3000") == 0) {
      i += 2;
      continue;
    }
    out += c;
  }
  return out;
}

class InspectionNoticePdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pdf_ = scratch_.path() / "notice.pdf";
    const auto rendered = renderNoticePdf(sampleNotice(), pdf_);
    ASSERT_TRUE(rendered.ok()) << rendered.error().message;
    // STAFFCHAIN_KEEP_NOTICE=DIR keeps a copy of the sample (docs/images/inspection-notice.png is
    // its first page: pdftoppm -png -r 80 -f 1 -l 1 -singlefile).
    if (const char* keep = std::getenv("STAFFCHAIN_KEEP_NOTICE"); keep != nullptr && *keep != '\0') {
      std::filesystem::copy_file(pdf_, std::filesystem::path(keep) / "inspection-notice.pdf",
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }

  ScratchDir scratch_;
  std::filesystem::path pdf_;
};

TEST_F(InspectionNoticePdfTest, TextCarriesTheNoticeOverTwoNumberedPages) {
  const ToolRun text = run("pdftotext -layout " + quoted(pdf_) + " -");
  ASSERT_EQ(text.status, 0) << text.out;
  const std::string flat = squeezed(withoutFeet(text.out));
  const InspectionNotice notice = sampleNotice();
  EXPECT_THAT(flat, HasSubstr("机构编制督查通知书"));
  EXPECT_THAT(flat, HasSubstr(squeezed(notice.doc_no)));
  EXPECT_THAT(flat, HasSubstr(notice.unit_name + "："));
  EXPECT_THAT(flat, HasSubstr("经核查，你单位存在以下问题："));
  for (const auto& finding : notice.findings) {
    EXPECT_THAT(flat, HasSubstr(squeezed(finding.summary_zh))) << finding.rule;
    EXPECT_THAT(flat, HasSubstr(finding.rule_title_zh)) << finding.rule;
    EXPECT_THAT(flat, HasSubstr(finding.rule)) << finding.rule;
  }
  EXPECT_THAT(flat, HasSubstr("（一）出人后未停薪（吃空饷）"));
  EXPECT_THAT(flat, HasSubstr("（三）超职数配备领导干部"));
  EXPECT_THAT(flat, HasSubstr("请你单位对照上述问题认真核实、逐项整改，于2026年7月31日前完成整改"));
  EXPECT_THAT(flat, HasSubstr("自2026年3月1日起"));
  EXPECT_THAT(flat, HasSubstr("联系人及电话：王某某"));
  EXPECT_THAT(flat, HasSubstr("呼伦贝尔市委机构编制委员会办公室2026年7月1日"));
  // The foot reads "第 1 页 共 2 页"; pdftotext drops the narrow spaces between the words.
  const std::string with_feet = squeezed(text.out);
  EXPECT_THAT(with_feet, HasSubstr("第1页共2页"));
  EXPECT_THAT(with_feet, HasSubstr("第2页共2页"));
  EXPECT_THAT(with_feet, Not(HasSubstr("第3页")));
  // pdftotext separates pages with a form feed: the second page opens with the rest of the
  // evidence, and the signature closes it.
  const auto feed = text.out.find('\f');
  ASSERT_NE(feed, std::string::npos);
  EXPECT_THAT(squeezed(text.out.substr(feed)), HasSubstr("（印章）"));
}

TEST_F(InspectionNoticePdfTest, EveryFontIsEmbeddedAndOneIsCjk) {
  const ToolRun fonts = run("pdffonts " + quoted(pdf_));
  ASSERT_EQ(fonts.status, 0) << fonts.out;
  std::istringstream lines(fonts.out);
  std::string header;
  std::string line;
  std::getline(lines, header);
  const auto emb = header.find("emb");
  ASSERT_NE(emb, std::string::npos) << fonts.out;
  std::getline(lines, line);  // the dashes under the header
  int rows = 0;
  bool cjk = false;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    ++rows;
    ASSERT_GT(line.size(), emb + 3) << line;
    EXPECT_EQ(line.substr(emb, 3), "yes") << line;
    if (line.find("CJK") != std::string::npos) cjk = true;
  }
  EXPECT_GT(rows, 0) << fonts.out;
  EXPECT_TRUE(cjk) << fonts.out;
}

TEST_F(InspectionNoticePdfTest, FirstPageRendersToAPicture) {
  const auto prefix = scratch_.path() / "page";
  const ToolRun picture = run("pdftoppm -png -r 50 -f 1 -l 1 " + quoted(pdf_) + " " + quoted(prefix));
  ASSERT_EQ(picture.status, 0) << picture.out;
  std::vector<std::filesystem::path> pngs;
  for (const auto& entry : std::filesystem::directory_iterator(scratch_.path())) {
    if (entry.path().extension() == ".png") pngs.push_back(entry.path());
  }
  ASSERT_EQ(pngs.size(), 1U);
  std::ifstream png(pngs.front(), std::ios::binary);
  std::string magic(8, '\0');
  png.read(magic.data(), 8);
  EXPECT_EQ(magic, "\x89PNG\r\n\x1a\n");
  EXPECT_GT(std::filesystem::file_size(pngs.front()), 1000U);
}

// A long notice: eight findings, long summaries and evidence. Every word read back with its box
// lies inside the text area (37 mm from the top, 35 mm from the bottom, 28 mm and 26 mm from the
// sides) or is the page's foot, so no line was cut at a page's end or ran past the margin; each
// page's foot counts the pages there are.
TEST(InspectionNoticePdf, LongNoticeBreaksIntoNumberedPagesInsideTheMargins) {
  ScratchDir scratch;
  InspectionNotice notice = sampleNotice();
  notice.findings.clear();
  for (int i = 1; i <= 8; ++i) {
    NoticeFinding f{.rule = fmt::format("CHAIN-{:03d}", i),
                    .rule_title_zh = "在编不在岗",
                    .severity_zh = "较重",
                    .since = "2026-01-01",
                    .summary_zh = fmt::format("第{}项：你单位在编人员赵某某（150702********{:04d}）自2025年起长期"
                                              "不在岗，未办理任何请假或借调手续。",
                                              i, 3000 + i),
                    .evidence = {}};
    // Summaries of three to a dozen lines, so that some paragraph has to run over a page's end.
    for (int k = 0; k < i; ++k) {
      f.summary_zh +=
          "财政仍全额发放工资及各项津贴补贴，考勤记录、社保缴纳记录与实名制信息均不一致，应当立即核实纠正。";
    }
    for (int k = 1; k <= 6; ++k) {
      f.evidence.push_back(
          {fmt::format("{}月考勤", k), "全月无出勤记录，未见请假审批及借调文件，所在科室负责人签字确认"});
    }
    notice.findings.push_back(f);
  }
  const auto pdf = scratch.path() / "long.pdf";
  const auto rendered = renderNoticePdf(notice, pdf);
  ASSERT_TRUE(rendered.ok()) << rendered.error().message;

  const ToolRun boxes = run("pdftotext -bbox " + quoted(pdf) + " -");
  ASSERT_EQ(boxes.status, 0) << boxes.out;
  constexpr double kMm = 72.0 / 25.4;
  constexpr double kSlack = 0.5;
  const std::regex page_re(R"(<page width="[0-9.]+" height="[0-9.]+">)");
  const std::regex word_re(
      R"rx(<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>)rx");
  std::vector<std::string> feet;  // each page's foot, squeezed
  int body_words = 0;
  std::istringstream lines(boxes.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (std::regex_search(line, page_re)) {
      feet.emplace_back();
      continue;
    }
    std::smatch m;
    if (!std::regex_search(line, m, word_re)) continue;
    ASSERT_FALSE(feet.empty());
    const double x_min = std::stod(m[1]);
    const double y_min = std::stod(m[2]);
    const double x_max = std::stod(m[3]);
    const double y_max = std::stod(m[4]);
    if (y_min > 297.0 * kMm - 35.0 * kMm) {
      feet.back() += m[5];
      continue;
    }
    ++body_words;
    EXPECT_GE(y_min, 37.0 * kMm - 5.0) << m[5];
    EXPECT_LE(y_max, 297.0 * kMm - 35.0 * kMm + kSlack) << m[5];
    EXPECT_GE(x_min, 28.0 * kMm - kSlack) << m[5];
    EXPECT_LE(x_max, 210.0 * kMm - 26.0 * kMm + kSlack) << m[5];
  }
  EXPECT_GT(body_words, 100);
  ASSERT_GE(feet.size(), 4U);
  for (std::size_t page = 0; page < feet.size(); ++page) {
    EXPECT_EQ(feet[page], fmt::format("第{}页共{}页", page + 1, feet.size()));
  }

  const ToolRun text = run("pdftotext -layout " + quoted(pdf) + " -");
  ASSERT_EQ(text.status, 0) << text.out;
  const std::string flat = squeezed(withoutFeet(text.out));
  for (const auto& finding : notice.findings) EXPECT_THAT(flat, HasSubstr(squeezed(finding.summary_zh)));
  // Some summary ran over a page's end: whole in the text, on no single page.
  std::vector<std::string> pages;
  std::size_t from = 0;
  for (std::size_t feed = text.out.find('\f'); feed != std::string::npos; feed = text.out.find('\f', from)) {
    pages.push_back(squeezed(withoutFeet(text.out.substr(from, feed - from))));
    from = feed + 1;
  }
  bool split = false;
  for (const auto& finding : notice.findings) {
    bool on_one_page = false;
    for (const auto& page : pages)
      on_one_page = on_one_page || page.find(squeezed(finding.summary_zh)) != std::string::npos;
    split = split || !on_one_page;
  }
  EXPECT_TRUE(split);
  EXPECT_THAT(flat, HasSubstr("（八）在编不在岗"));
  EXPECT_THAT(flat, HasSubstr("呼伦贝尔市委机构编制委员会办公室2026年7月1日"));
}

TEST(InspectionNoticePdf, UnwritablePathGivesAnErrorNamingIt) {
  ScratchDir scratch;
  const auto out = scratch.path() / "no-such-folder" / "notice.pdf";
  const auto rendered = renderNoticePdf(sampleNotice(), out);
  ASSERT_FALSE(rendered.ok());
  EXPECT_THAT(rendered.error().message, HasSubstr(out.string()));
  EXPECT_THAT(rendered.error().message, HasSubstr("No such file or directory"));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(InspectionNoticePdf, OutputThatIsAFolderGivesAnErrorNamingIt) {
  ScratchDir scratch;
  const auto out = scratch.path() / "notice.pdf";
  std::filesystem::create_directories(out);
  const auto rendered = renderNoticePdf(sampleNotice(), out);
  ASSERT_FALSE(rendered.ok());
  EXPECT_THAT(rendered.error().message, HasSubstr(out.string()));
  EXPECT_TRUE(std::filesystem::is_directory(out));
}

// A write that fails half way (here the process may write no file over 4 KiB, so the write
// fails with EFBIG, as it would on a full disk) names the file and the reason, and leaves no
// half-written notice behind.
TEST(InspectionNoticePdf, WriteFailingHalfWayLeavesNoFileBehind) {
  ScratchDir scratch;
  const auto out = scratch.path() / "notice.pdf";
  const auto previous_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit previous{};
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &previous), 0);
  rlimit small = previous;
  small.rlim_cur = 4096;
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &small), 0);
  const auto rendered = renderNoticePdf(sampleNotice(), out);
  setrlimit(RLIMIT_FSIZE, &previous);
  std::signal(SIGXFSZ, previous_handler);
  ASSERT_FALSE(rendered.ok());
  EXPECT_THAT(rendered.error().message, HasSubstr(out.string()));
  EXPECT_THAT(rendered.error().message, HasSubstr("File too large"));
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
}

TEST(InspectionNoticePdf, MissingCjkFontNamesThePackageToInstall) {
  ScratchDir scratch;
  const auto out = scratch.path() / "notice.pdf";
  const auto rendered = detail::renderNoticePdf(
      sampleNotice(), out, detail::NoticeFonts{.serif = "No Such Serif CJK", .sans = "Noto Sans CJK SC"});
  ASSERT_FALSE(rendered.ok());
  EXPECT_THAT(rendered.error().message, HasSubstr("No Such Serif CJK"));
  EXPECT_THAT(rendered.error().message, HasSubstr("fonts-noto-cjk"));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(ChineseDate, WritesYearMonthDayWithoutLeadingZeros) {
  EXPECT_EQ(chineseDate("2026-07-01"), "2026年7月1日");
  EXPECT_EQ(chineseDate("2026-12-31"), "2026年12月31日");
  EXPECT_EQ(chineseDate("2026-13-01"), "2026-13-01");
  EXPECT_EQ(chineseDate("soon"), "soon");
}

TEST(InspectionNoticeHtml, EscapesTextAndCarriesEverySummary) {
  InspectionNotice notice = sampleNotice();
  notice.unit_name = "测试<&>单位";
  notice.findings[1].summary_zh = "超编2名 <script>alert(1)</script>";
  const std::string html = renderNoticeHtml(notice);
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, HasSubstr("测试&lt;&amp;&gt;单位："));
  EXPECT_THAT(html, Not(HasSubstr("<&>")));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("超编2名 &lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr(notice.findings[0].summary_zh));
  EXPECT_THAT(html, HasSubstr(notice.findings[2].summary_zh));
  EXPECT_THAT(html, HasSubstr("呼编督〔2026〕12号"));
  EXPECT_THAT(html, HasSubstr("于2026年7月31日前完成整改"));
  EXPECT_THAT(html, HasSubstr("size: A4"));
  // Self-contained: nothing fetched from elsewhere.
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("http")));
}

}  // namespace
}  // namespace staffchain::documents
