// The smtp notifier: MIME assembly checked against known encodings and against Python's own
// e-mail parser, and the real plugin delivering to a real SMTP receiver (aiosmtpd).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "mime_message.hpp"
#include "notifier_fixture.hpp"
#include "peer.hpp"
#include "peer_smtp.hpp"
#include "scratch_dir.hpp"
#include "smtp_settings.hpp"

namespace staffchain::smtp {
namespace {

using namespace std::chrono_literals;
using staffchain::testing::NotifierFixture;
using staffchain::testing::ScratchDir;
using staffchain::testing::SmtpPeer;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kSubject = "关于呼伦贝尔市海拉尔区教育局未上编即起薪的告警（CHAIN-006）";
constexpr const char* kText =
    "单位：呼伦贝尔市海拉尔区教育局\n人员：150702********123X\n规则：CHAIN-006 未上编即起薪\n";
constexpr const char* kHtml =
    "<html><body><h2>CHAIN-006 未上编即起薪</h2><p>单位：呼伦贝尔市海拉尔区教育局</p></body></html>";

// Python's e-mail parser (policy.default decodes RFC 2047 and MIME parts) reads `message` and
// reports what a mail client would show, as JSON.
nlohmann::json parseWithPython(const ScratchDir& scratch, const std::string& message) {
  const auto file = scratch.write("message.eml", message);
  constexpr const char* kScript = R"(
import email, email.policy, json, sys
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
plain = m.get_body(('plain',))
html = m.get_body(('html',))
print(json.dumps({
  'subject': str(m['subject']), 'message_id': str(m['message-id']), 'date': str(m['date']),
  'from': str(m['from']), 'to': [str(a) for a in m['to'].addresses],
  'cc': [str(a) for a in m['cc'].addresses] if m['cc'] else [],
  'content_type': m.get_content_type(),
  'plain': plain.get_content() if plain else None, 'html': html.get_content() if html else None,
  'defects': len(m.defects)}, ensure_ascii=False))
)";
  auto outcome = staffchain::testing::runCommand({"/usr/bin/python3", "-c", kScript, file.string()},
                                                 {.log = scratch.path() / "python.log"}, 30s);
  EXPECT_TRUE(outcome) << outcome.error().message;
  if (!outcome) return {};
  EXPECT_EQ(outcome->exitCode, 0) << outcome->output;
  const auto start = outcome->output.find('{');
  return nlohmann::json::parse(outcome->output.substr(start == std::string::npos ? 0 : start), nullptr, false);
}

MailContent sampleMail() {
  MailContent mail;
  mail.from = "staffchain@bianban.hlbe.gov.cn";
  mail.from_name = "呼伦贝尔市编办 staffchain";
  mail.to = {"renshi@hlbe.gov.cn", "caizheng@hlbe.gov.cn"};
  mail.cc = {"jiancha@hlbe.gov.cn"};
  mail.subject = kSubject;
  mail.text = kText;
  mail.html = kHtml;
  mail.idempotency_key = "d-20240601-mail-0009";
  mail.message_id_domain = "bianban.hlbe.gov.cn";
  mail.date = std::chrono::system_clock::time_point(std::chrono::seconds(1717228800));  // 2024-06-01 08:00 UTC
  return mail;
}

TEST(MimeMessage, SubjectsBecomeEncodedWordsThatNeverSplitACharacter) {
  // Expected words computed with Python's base64 over character-aligned chunks: 42 bytes after
  // "Subject: ", 48 on each folded line.
  EXPECT_EQ(encodeHeaderText(kSubject, 9),
            "=?UTF-8?B?5YWz5LqO5ZG85Lym6LSd5bCU5biC5rW35ouJ5bCU5Yy65pWZ6IKy5bGA?=\r\n"
            " =?UTF-8?B?5pyq5LiK57yW5Y2z6LW36Jaq55qE5ZGK6K2m77yIQ0hBSU4tMDA277yJ?=");
  EXPECT_EQ(encodeHeaderText("编", 70), "\r\n =?UTF-8?B?57yW?=");
  EXPECT_EQ(encodeHeaderText("CHAIN-006 open"), "CHAIN-006 open");
  EXPECT_EQ(encodeHeaderText("=?x"), "=?UTF-8?B?PT94?=");
  for (const std::string& line : {encodeHeaderText(std::string(200, 'x') + "编")}) {
    std::size_t start = 0;
    while (start < line.size()) {
      const auto end = std::min(line.find("\r\n", start), line.size());
      EXPECT_LE(end - start, 78U);
      start = end + 2;
    }
  }
}

TEST(MimeMessage, DatesAndMessageIdsAreFixedByTheirInputs) {
  EXPECT_EQ(rfc5322Date(std::chrono::system_clock::time_point(std::chrono::seconds(1717228800))),
            "Sat, 01 Jun 2024 08:00:00 +0000");
  EXPECT_EQ(rfc5322Date(std::chrono::system_clock::time_point(std::chrono::seconds(0))),
            "Thu, 01 Jan 1970 00:00:00 +0000");
  const std::string id = messageIdFor("d-20240601-mail-0009", "hlbe.gov.cn");
  EXPECT_EQ(id, messageIdFor("d-20240601-mail-0009", "hlbe.gov.cn"));
  EXPECT_NE(id, messageIdFor("d-20240601-mail-0010", "hlbe.gov.cn"));
  EXPECT_THAT(id, ::testing::MatchesRegex("<staffchain\\.[0-9a-f]{32}@hlbe\\.gov\\.cn>"));
  EXPECT_EQ(base64Lines(std::string(60, 'a')).find("\r\n"), 76U);
}

TEST(MimeMessage, AMailClientReadsBothPartsAndEveryHeaderIntact) {
  ScratchDir scratch;
  const std::string message = buildMimeMessage(sampleMail());
  for (std::size_t start = 0; start < message.size();) {
    const auto end = message.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    EXPECT_LE(end - start, 78U) << message.substr(start, end - start);
    start = end + 2;
  }
  const auto parsed = parseWithPython(scratch, message);
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed["subject"], kSubject);
  EXPECT_EQ(parsed["from"], "呼伦贝尔市编办 staffchain <staffchain@bianban.hlbe.gov.cn>");
  EXPECT_EQ(parsed["to"], (nlohmann::json{"renshi@hlbe.gov.cn", "caizheng@hlbe.gov.cn"}));
  EXPECT_EQ(parsed["cc"], (nlohmann::json{"jiancha@hlbe.gov.cn"}));
  EXPECT_EQ(parsed["date"], "Sat, 01 Jun 2024 08:00:00 +0000");
  EXPECT_EQ(parsed["message_id"], messageIdFor("d-20240601-mail-0009", "bianban.hlbe.gov.cn"));
  EXPECT_EQ(parsed["content_type"], "multipart/alternative");
  EXPECT_EQ(parsed["plain"], kText);
  EXPECT_EQ(parsed["html"], kHtml);
  EXPECT_EQ(parsed["defects"], 0);
}

TEST(MimeMessage, WithoutHtmlTheMessageIsPlainText) {
  ScratchDir scratch;
  auto mail = sampleMail();
  mail.html.clear();
  mail.from_name.clear();
  const auto parsed = parseWithPython(scratch, buildMimeMessage(mail));
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed["content_type"], "text/plain");
  EXPECT_EQ(parsed["plain"], kText);
  EXPECT_EQ(parsed["from"], "staffchain@bianban.hlbe.gov.cn");
}

// Every byte value, so that a file that is not text is seen to arrive whole.
std::string binaryFile() {
  std::string bytes;
  for (int round = 0; round < 40; ++round) {
    for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  }
  return bytes;
}

constexpr const char* kWorkbookName = "2026年第四季度机构编制季度监控报表（海拉尔区）.xlsx";
constexpr const char* kXlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// The attachments Python's e-mail parser finds: name, content type and content as hex.
nlohmann::json attachmentsWithPython(const ScratchDir& scratch, const std::string& message) {
  const auto file = scratch.write("attached.eml", message);
  constexpr const char* kScript = R"(
import email, email.policy, json, sys
with open(sys.argv[1], 'rb') as f:
    m = email.message_from_binary_file(f, policy=email.policy.default)
body = m.get_body(('plain',))
print(json.dumps({'content_type': m.get_content_type(), 'plain': body.get_content() if body else None,
  'defects': len(m.defects) + sum(len(p.defects) for p in m.walk()),
  'files': [{'name': a.get_filename(), 'type': a.get_content_type(), 'hex': a.get_content().hex()}
            for a in m.iter_attachments()]}, ensure_ascii=False))
)";
  auto outcome = staffchain::testing::runCommand({"/usr/bin/python3", "-c", kScript, file.string()},
                                                 {.log = scratch.path() / "python-attachments.log"}, 30s);
  EXPECT_TRUE(outcome) << outcome.error().message;
  if (!outcome) return {};
  EXPECT_EQ(outcome->exitCode, 0) << outcome->output;
  const auto start = outcome->output.find('{');
  return nlohmann::json::parse(outcome->output.substr(start == std::string::npos ? 0 : start), nullptr, false);
}

std::string hexOf(const std::string& bytes) {
  std::string hex;
  for (const char c : bytes) hex += fmt::format("{:02x}", static_cast<unsigned char>(c));
  return hex;
}

TEST(MimeMessage, AnAttachmentArrivesWholeUnderItsChineseNameBesideTheBody) {
  ScratchDir scratch;
  auto mail = sampleMail();
  mail.attachments.push_back({kWorkbookName, kXlsxType, binaryFile()});
  const std::string message = buildMimeMessage(mail);
  for (std::size_t start = 0; start < message.size();) {
    const auto end = message.find("\r\n", start);
    ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
    EXPECT_LE(end - start, 78U) << message.substr(start, end - start);
    start = end + 2;
  }
  const auto parsed = attachmentsWithPython(scratch, message);
  ASSERT_TRUE(parsed.is_object());
  EXPECT_EQ(parsed["content_type"], "multipart/mixed");
  EXPECT_EQ(parsed["plain"], kText);
  EXPECT_EQ(parsed["defects"], 0);
  ASSERT_EQ(parsed["files"].size(), 1U);
  EXPECT_EQ(parsed["files"][0]["name"], kWorkbookName);
  EXPECT_EQ(parsed["files"][0]["type"], kXlsxType);
  EXPECT_EQ(parsed["files"][0]["hex"], hexOf(binaryFile()));
}

TEST(MimeMessage, FileNamesFollowRfc2231) {
  EXPECT_EQ(rfc2231Parameter("filename", "report.xlsx"), "filename=\"report.xlsx\"");
  EXPECT_EQ(rfc2231Parameter("filename", "报表.xlsx"), "filename*0*=UTF-8''%E6%8A%A5%E8%A1%A8.xlsx");
  // A long name is continued, and no piece cuts an escape in two.
  const auto long_name = rfc2231Parameter("name", kWorkbookName);
  EXPECT_THAT(long_name, HasSubstr(";\r\n name*1*="));
  EXPECT_THAT(long_name, Not(::testing::ContainsRegex("%[0-9A-F]?;")));
}

TEST(SmtpSettings, AddressesMustBeBare) {
  EXPECT_TRUE(isMailAddress("renshi@hlbe.gov.cn"));
  EXPECT_FALSE(isMailAddress("人事 <renshi@hlbe.gov.cn>"));
  EXPECT_FALSE(isMailAddress("renshi@hlbe.gov.cn\r\nBcc: x@y"));
  EXPECT_FALSE(isMailAddress("@hlbe.gov.cn"));
  EXPECT_FALSE(isMailAddress("a@b@c"));
}

class SmtpNotifierTest : public NotifierFixture {
 protected:
  SmtpNotifierTest() : NotifierFixture("smtp", "mail") {}

  // The keys of a mail to three recipients through the server at `url`.
  static std::string mailTo(const std::string& url, const std::string& extra = "starttls = \"off\"\n") {
    return "url = \"" + url + "\"\nfrom = \"staffchain@bianban.hlbe.gov.cn\"\nfrom_name = \"呼伦贝尔市编办\"\n" +
           "to = [\"renshi@hlbe.gov.cn\", \"caizheng@hlbe.gov.cn\"]\ncc = [\"jiancha@hlbe.gov.cn\"]\n" + extra;
  }

  // The second of three parts of the digest the MIME tests above assemble.
  [[nodiscard]] plugin::Notification message() const {
    plugin::Notification m = notification();
    m.idempotency_key = "d-20240601-mail-0009";
    m.title = kSubject;
    m.text = kText;
    m.html = kHtml;
    m.part = 2;
    m.parts = 3;
    return m;
  }
};

TEST_F(SmtpNotifierTest, DeliversAMessageTheReceiverReadsWithSubjectBothPartsAndMessageId) {
  auto peer = SmtpPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  auto created = create(mailTo((*peer)->url()));
  ASSERT_TRUE(created) << created.error().message;

  auto receipt = plugin_host::sendNotification(**created, message(), 20s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  const std::string message_id = messageIdFor("d-20240601-mail-0009", "bianban.hlbe.gov.cn");
  EXPECT_THAT(receipt->detail, HasSubstr("answered 250: " + message_id + " accepted for 3 recipient(s)"));

  auto received = (*peer)->waitForMessages(1, 10s);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_EQ(received->size(), 1U);
  const auto parsed = parseWithPython(scratch_, received->front());
  ASSERT_TRUE(parsed.is_object()) << received->front();
  EXPECT_EQ(parsed["subject"], std::string(kSubject) + " (2/3)");
  EXPECT_EQ(parsed["message_id"], message_id);
  EXPECT_EQ(parsed["from"], "呼伦贝尔市编办 <staffchain@bianban.hlbe.gov.cn>");
  EXPECT_EQ(parsed["cc"], (nlohmann::json{"jiancha@hlbe.gov.cn"}));
  EXPECT_EQ(parsed["plain"], kText);
  EXPECT_EQ(parsed["html"], kHtml);
  EXPECT_EQ(parsed["defects"], 0);
}

TEST_F(SmtpNotifierTest, AnAttachedWorkbookReachesTheReceiverWhole) {
  auto peer = SmtpPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  auto created = create(mailTo((*peer)->url()));
  ASSERT_TRUE(created) << created.error().message;
  plugin::Notification m = message();
  m.part = 1;
  m.parts = 1;
  m.attachments.push_back({kWorkbookName, kXlsxType, binaryFile()});

  auto receipt = plugin_host::sendNotification(**created, m, 20s);
  ASSERT_TRUE(receipt) << receipt.error().message;
  auto received = (*peer)->waitForMessages(1, 10s);
  ASSERT_TRUE(received) << received.error().message;
  ASSERT_EQ(received->size(), 1U);
  const auto parsed = attachmentsWithPython(scratch_, received->front());
  ASSERT_TRUE(parsed.is_object());
  ASSERT_EQ(parsed["files"].size(), 1U);
  EXPECT_EQ(parsed["files"][0]["name"], kWorkbookName);
  EXPECT_EQ(parsed["files"][0]["hex"], hexOf(binaryFile()));
  EXPECT_EQ(parsed["plain"], kText);
}

TEST_F(SmtpNotifierTest, StartTlsRequiredRefusesAServerWithoutIt) {
  auto peer = SmtpPeer::start();
  ASSERT_TRUE(peer) << peer.error().message;
  auto created = create(mailTo((*peer)->url(), ""));  // starttls defaults to required
  ASSERT_TRUE(created) << created.error().message;
  auto receipt = plugin_host::sendNotification(**created, message(), 20s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("SMTP " + (*peer)->url() + " did not accept"));
  EXPECT_TRUE((*peer)->messages().empty());
}

TEST_F(SmtpNotifierTest, NobodyListeningIsAFailureNamingTheServer) {
  auto port = staffchain::testing::freeLoopbackPort();
  ASSERT_TRUE(port) << port.error().message;
  const std::string url = fmt::format("smtp://127.0.0.1:{}", *port);
  auto created = create(mailTo(url));
  ASSERT_TRUE(created) << created.error().message;
  auto receipt = plugin_host::sendNotification(**created, message(), 20s);
  ASSERT_FALSE(receipt);
  EXPECT_THAT(receipt.error().message, HasSubstr("SMTP " + url + " did not accept <staffchain."));
}

TEST_F(SmtpNotifierTest, ConfigurationMistakesAreReportedByKey) {
  auto plaintext = create(mailTo("smtp://mail.hlbe.gov.cn:25",
                                 "starttls = \"off\"\nusername = \"staffchain\"\npassword = \"${SMTP_PASSWORD}\"\n"));
  ASSERT_FALSE(plaintext);
  EXPECT_THAT(plaintext.error().message, HasSubstr("notifiers.mail.password: would be sent without TLS"));

  auto inline_password = create(mailTo("smtps://mail.hlbe.gov.cn:465", "username = \"u\"\npassword = \"hunter2\"\n"));
  ASSERT_FALSE(inline_password);
  EXPECT_THAT(inline_password.error().message, HasSubstr("notifiers.mail.password: secrets are given by reference"));
  EXPECT_THAT(inline_password.error().message, Not(HasSubstr("hunter2")));

  auto display_name = create("url = \"smtp://m:25\"\nfrom = \"编办 <a@b.cn>\"\nto = [\"x@y.cn\"]\n");
  ASSERT_FALSE(display_name);
  EXPECT_THAT(display_name.error().message,
              HasSubstr("notifiers.mail.from: \"编办 <a@b.cn>\" is not an e-mail address"));

  auto no_recipients = create("url = \"smtp://m:25\"\nfrom = \"a@b.cn\"\nto = []\n");
  ASSERT_FALSE(no_recipients);
  EXPECT_THAT(no_recipients.error().message, HasSubstr("notifiers.mail.to: needs at least one address"));
}

}  // namespace
}  // namespace staffchain::smtp
