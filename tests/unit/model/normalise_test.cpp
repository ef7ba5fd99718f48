#include "staffchain/model/normalise.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "staffchain/model/enums.hpp"

namespace staffchain::model {
namespace {

using Cells = std::map<std::string, std::string>;

constexpr std::string_view kUnit = "11150700MB12345678";
constexpr std::string_view kParent = "12150700MB0000011H";
constexpr std::string_view kPerson = "150702198001011239";

// Runs a row through the plugin path (RawRecord -> RowView) and normalises it.
NormaliseResult run(RecordType type, const Cells& cells, Origin origin = {0, 2}) {
  plugin::RawRecord raw;
  raw.type = type;
  for (const auto& [name, value] : cells) raw.fields.emplace_back(name, value);
  return normalise(type, rowViewOf(raw), origin);
}

Cells with(Cells cells, const std::string& name, const std::string& value) {
  cells[name] = value;
  return cells;
}

Cells without(Cells cells, const std::string& name) {
  cells.erase(name);
  return cells;
}

// The single error of a result, for tests of one bad field (a copy: results are temporaries).
FieldError onlyError(const NormaliseResult& result) {
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.errors.size(), 1U);
  return result.errors.empty() ? FieldError{"<none>", "", ""} : result.errors.front();
}

const Cells kGoodUnit{{"unit_id", std::string(kUnit)},
                      {"name", "呼伦贝尔市机构编制委员会办公室"},
                      {"region", "150700"},
                      {"parent_id", std::string(kParent)},
                      {"kind", "机关"},
                      {"funding", "全额拨款"}};

TEST(CanonicalColumns, AreTheColumnsOfTheExchangeFormat) {
  const auto movement = canonicalColumns(RecordType::movement);
  ASSERT_EQ(movement.size(), 12U);
  EXPECT_EQ(movement.front(), "movement_id");
  EXPECT_EQ(movement[6], "from_unit_id");
  EXPECT_EQ(movement.back(), "leader_rank");
  EXPECT_EQ(canonicalColumns(RecordType::payroll).size(), 5U);
  EXPECT_EQ(canonicalColumns(RecordType::unit).size(), 6U);
  EXPECT_EQ(canonicalColumnIndex(RecordType::roster, "entered_on"), 4U);
  EXPECT_EQ(canonicalColumnIndex(RecordType::roster, "remark"), std::nullopt);
  EXPECT_TRUE(isRequiredColumn(RecordType::roster, 0));
  EXPECT_FALSE(isRequiredColumn(RecordType::roster, 1));  // name
}

TEST(NormaliseUnit, GoodRow) {
  const auto result = run(RecordType::unit, kGoodUnit, Origin{3, 7});
  ASSERT_TRUE(result.ok()) << result.errors.front().field << ": " << result.errors.front().reason;
  const auto& unit = std::get<Unit>(*result.record);
  EXPECT_EQ(unit.unit_id.view(), kUnit);
  EXPECT_EQ(unit.region, "150700");
  ASSERT_TRUE(unit.parent_id.has_value());
  EXPECT_EQ(unit.parent_id->view(), kParent);
  EXPECT_EQ(unit.kind, UnitKind::organ);
  EXPECT_EQ(unit.funding, Funding::full);
  EXPECT_EQ(unit.origin.source, 3U);
  EXPECT_EQ(unit.origin.row, 7U);
}

TEST(NormaliseUnit, OptionalColumnsMayBeEmptyOrAbsent) {
  const auto result = run(RecordType::unit, without(with(kGoodUnit, "parent_id", " "), "name"));
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(std::get<Unit>(*result.record).parent_id.has_value());
  EXPECT_EQ(std::get<Unit>(*result.record).name, "");
}

TEST(NormaliseUnit, ValuesAreTrimmed) {
  const auto result = run(RecordType::unit, with(with(kGoodUnit, "unit_id", "\xE3\x80\x80" + std::string(kUnit) + " "),
                                                 "name", " 市编办\xE3\x80\x80"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::get<Unit>(*result.record).unit_id.view(), kUnit);
  EXPECT_EQ(std::get<Unit>(*result.record).name, "市编办");
}

TEST(NormaliseUnit, EachKindOfBadField) {
  {
    const auto& error = onlyError(run(RecordType::unit, with(kGoodUnit, "unit_id", "11150700MB12345670")));
    EXPECT_EQ(error.field, "unit_id");
    EXPECT_EQ(error.value, "11150700MB12345670");
    EXPECT_NE(error.reason.find("check character is 0, expected 8"), std::string::npos) << error.reason;
  }
  {
    const auto& error = onlyError(run(RecordType::unit, with(kGoodUnit, "region", "990700")));
    EXPECT_EQ(error.field, "region");
    EXPECT_NE(error.reason.find("province"), std::string::npos) << error.reason;
  }
  {
    const auto& error = onlyError(run(RecordType::unit, with(kGoodUnit, "parent_id", "not-a-code")));
    EXPECT_EQ(error.field, "parent_id");
  }
  {
    const auto& error = onlyError(run(RecordType::unit, with(kGoodUnit, "kind", "company")));
    EXPECT_EQ(error.field, "kind");
    EXPECT_EQ(error.reason,
              "unknown kind (expected organ, civil_service_managed, public_welfare_1, public_welfare_2 or business)");
  }
  {
    const auto& error = onlyError(run(RecordType::unit, with(kGoodUnit, "funding", "")));
    EXPECT_EQ(error.field, "funding");
    EXPECT_EQ(error.reason, "is empty (required)");
  }
  {
    const auto& error = onlyError(run(RecordType::unit, without(kGoodUnit, "region")));
    EXPECT_EQ(error.field, "region");
    EXPECT_EQ(error.reason, "is missing (required column)");
  }
}

TEST(NormaliseUnit, ReportsEveryProblemOfTheRow) {
  auto cells = with(with(with(kGoodUnit, "unit_id", "X"), "kind", "?"), "funding", "?");
  const auto result = run(RecordType::unit, cells);
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.errors.size(), 3U);
  EXPECT_EQ(result.errors[0].field, "unit_id");
  EXPECT_EQ(result.errors[1].field, "kind");
  EXPECT_EQ(result.errors[2].field, "funding");
}

const Cells kGoodQuota{{"unit_id", std::string(kUnit)},
                       {"estab_type", "行政编制"},
                       {"approved", "25"},
                       {"effective_from", "2024-01-01"},
                       {"doc_no", "呼编发〔2024〕3号"}};

TEST(NormaliseQuota, GoodRowAndBadFields) {
  const auto good = run(RecordType::quota, kGoodQuota);
  ASSERT_TRUE(good.ok());
  const auto& quota = std::get<Quota>(*good.record);
  EXPECT_EQ(quota.estab_type, EstabType::admin);
  EXPECT_EQ(quota.approved, 25);
  EXPECT_EQ(quota.effective_from, Date::fromYmd(2024, 1, 1));
  EXPECT_EQ(quota.doc_no, "呼编发〔2024〕3号");

  EXPECT_TRUE(run(RecordType::quota, with(kGoodQuota, "doc_no", "")).ok());
  EXPECT_TRUE(run(RecordType::quota, with(kGoodQuota, "approved", "0")).ok());
  for (const std::string bad : {"-1", "2.5", "ten", "99999999999"}) {
    const auto& error = onlyError(run(RecordType::quota, with(kGoodQuota, "approved", bad)));
    EXPECT_EQ(error.field, "approved") << bad;
    EXPECT_EQ(error.reason, "not a whole number >= 0") << bad;
  }
  for (const std::string bad : {"2024-02-30", "2024/01/01", "20240101"}) {
    const auto& error = onlyError(run(RecordType::quota, with(kGoodQuota, "effective_from", bad)));
    EXPECT_EQ(error.reason, "not a date (expected YYYY-MM-DD)") << bad;
  }
  const auto& error = onlyError(run(RecordType::quota, with(kGoodQuota, "estab_type", "编制")));
  EXPECT_EQ(error.reason,
            "unknown estab_type (expected admin, political_legal, institution, service or veteran_cadre)");
}

TEST(NormaliseLeaderQuota, GoodRowAndBadFields) {
  const Cells good{{"unit_id", std::string(kUnit)}, {"level", "县处级"}, {"rank", "副职"}, {"approved", "3"}};
  const auto result = run(RecordType::leader_quota, good);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::get<LeaderQuota>(*result.record).level, LeaderLevel::county);
  EXPECT_EQ(std::get<LeaderQuota>(*result.record).rank, LeaderRank::deputy);
  EXPECT_EQ(std::get<LeaderQuota>(*result.record).approved, 3);
  // A leadership quota is always for a level and a rank.
  EXPECT_EQ(onlyError(run(RecordType::leader_quota, with(good, "level", ""))).reason, "is empty (required)");
  EXPECT_EQ(onlyError(run(RecordType::leader_quota, with(good, "rank", "厅级"))).field, "rank");
}

TEST(NormaliseReduction, GoodRowAndBadFields) {
  const Cells good{{"task_id", "JB-2025-003"},     {"unit_id", std::string(kUnit)}, {"estab_type", "行政编制"},
                   {"posts_to_recover", "２"},     {"issued_on", "2025-01-15"},     {"due_on", "2025-12-31"},
                   {"doc_no", "呼编发〔2025〕9号"}};
  const auto result = run(RecordType::reduction, good);
  ASSERT_TRUE(result.ok());
  const auto& task = std::get<ReductionTask>(*result.record);
  EXPECT_EQ(task.task_id, "JB-2025-003");
  EXPECT_EQ(task.estab_type, EstabType::admin);
  EXPECT_EQ(task.posts_to_recover, 2);
  EXPECT_EQ(task.due_on, Date::fromYmd(2025, 12, 31));
  EXPECT_EQ(recordKey(*result.record), "JB-2025-003");
  plugin::RawRecord raw;
  raw.type = RecordType::reduction;
  for (const auto& [name, value] : good) raw.fields.emplace_back(name, value);
  EXPECT_EQ(rowKey(RecordType::reduction, rowViewOf(raw)), "JB-2025-003");

  EXPECT_TRUE(run(RecordType::reduction, without(good, "doc_no")).ok());
  EXPECT_TRUE(run(RecordType::reduction, with(good, "due_on", "2025-01-15")).ok());  // due the day it is issued
  const auto early = onlyError(run(RecordType::reduction, with(good, "due_on", "2024-12-31")));
  EXPECT_EQ(early.field, "due_on");
  EXPECT_EQ(early.reason, "is before issued_on 2025-01-15 (expected due_on >= issued_on)");
  const auto none = onlyError(run(RecordType::reduction, with(good, "posts_to_recover", "0")));
  EXPECT_EQ(none.field, "posts_to_recover");
  EXPECT_EQ(none.reason, "is 0 (a reduction task recovers at least one post)");
  EXPECT_EQ(onlyError(run(RecordType::reduction, with(good, "task_id", " "))).reason, "is empty (required)");
  EXPECT_EQ(onlyError(run(RecordType::reduction, with(good, "unit_id", "11150700MB12345679"))).field, "unit_id");
}

const Cells kGoodApproval{
    {"approval_id", "YBHZ-2024-001"}, {"unit_id", std::string(kUnit)}, {"estab_type", "institution"}, {"slots", "2"},
    {"issued_on", "2024-03-01"},      {"valid_until", "2024-09-01"},   {"purpose", "公开招聘"}};

TEST(NormaliseApproval, GoodRowAndBadFields) {
  const auto result = run(RecordType::approval, kGoodApproval);
  ASSERT_TRUE(result.ok());
  const auto& approval = std::get<Approval>(*result.record);
  EXPECT_EQ(approval.approval_id, "YBHZ-2024-001");
  EXPECT_EQ(approval.slots, 2);
  EXPECT_EQ(approval.valid_until, Date::fromYmd(2024, 9, 1));
  EXPECT_TRUE(run(RecordType::approval, with(kGoodApproval, "valid_until", "2024-03-01")).ok());

  const auto& early = onlyError(run(RecordType::approval, with(kGoodApproval, "valid_until", "2024-02-29")));
  EXPECT_EQ(early.field, "valid_until");
  EXPECT_EQ(early.reason, "is before issued_on 2024-03-01 (expected valid_until >= issued_on)");
  EXPECT_EQ(onlyError(run(RecordType::approval, with(kGoodApproval, "approval_id", ""))).field, "approval_id");
  EXPECT_EQ(onlyError(run(RecordType::approval, with(kGoodApproval, "slots", "x"))).field, "slots");
}

const Cells kGoodRoster{{"person_id", std::string(kPerson)},
                        {"name", "张三"},
                        {"unit_id", std::string(kUnit)},
                        {"estab_type", "行政"},
                        {"entered_on", "2020-07-01"},
                        {"approval_id", ""},
                        {"leader_level", ""},
                        {"leader_rank", ""}};

TEST(NormaliseRoster, GoodRowAndLegacyId) {
  const auto result = run(RecordType::roster, with(kGoodRoster, "person_id", "150702800101123"));
  ASSERT_TRUE(result.ok());
  const auto& entry = std::get<RosterEntry>(*result.record);
  EXPECT_EQ(entry.person_id.view(), kPerson);  // upgraded from 15 digits
  EXPECT_EQ(entry.name, "张三");
  EXPECT_EQ(entry.leader_level, LeaderLevel::none);
  EXPECT_EQ(entry.leader_rank, LeaderRank::none);

  const auto leader = run(RecordType::roster, with(with(kGoodRoster, "leader_level", "乡科级"), "leader_rank", "正职"));
  ASSERT_TRUE(leader.ok());
  EXPECT_EQ(std::get<RosterEntry>(*leader.record).leader_level, LeaderLevel::township);
  EXPECT_EQ(std::get<RosterEntry>(*leader.record).leader_rank, LeaderRank::chief);
}

TEST(NormaliseRoster, BadFields) {
  const auto& id = onlyError(run(RecordType::roster, with(kGoodRoster, "person_id", "150702198001011230")));
  EXPECT_EQ(id.field, "person_id");
  EXPECT_EQ(id.reason, "citizen id check digit is 0, expected 9");

  const auto& half = onlyError(run(RecordType::roster, with(kGoodRoster, "leader_level", "county")));
  EXPECT_EQ(half.field, "leader_rank");
  EXPECT_EQ(half.reason, "is empty but leader_level is set (set both leader_level and leader_rank, or neither)");

  const auto& other_half = onlyError(run(RecordType::roster, with(kGoodRoster, "leader_rank", "deputy")));
  EXPECT_EQ(other_half.field, "leader_level");

  const auto& unknown = onlyError(run(RecordType::roster, with(kGoodRoster, "leader_level", "厅级")));
  EXPECT_EQ(unknown.reason, "unknown leader_level (expected county, township or empty)");
}

const Cells kGoodMovement{{"movement_id", "HR-2024-0007"},
                          {"source", "人社局"},
                          {"kind", "公务员考录"},
                          {"person_id", std::string(kPerson)},
                          {"name", "张三"},
                          {"unit_id", std::string(kUnit)},
                          {"from_unit_id", ""},
                          {"effective_on", "2024-04-01"},
                          {"recorded_on", "2024-04-02"},
                          {"approval_id", "YBHZ-2024-001"},
                          {"leader_level", ""},
                          {"leader_rank", ""}};

TEST(NormaliseMovement, GoodRow) {
  const auto result = run(RecordType::movement, kGoodMovement);
  ASSERT_TRUE(result.ok()) << result.errors.front().reason;
  const auto& movement = std::get<Movement>(*result.record);
  EXPECT_EQ(movement.source, SourceRole::hr);
  EXPECT_EQ(movement.kind, MovementKind::hire);
  EXPECT_FALSE(movement.from_unit_id.has_value());
  EXPECT_EQ(movement.recorded_on, Date::fromYmd(2024, 4, 2));
  EXPECT_EQ(movement.approval_id, "YBHZ-2024-001");

  const auto transfer =
      run(RecordType::movement,
          with(with(with(kGoodMovement, "kind", "调任"), "from_unit_id", std::string(kParent)), "recorded_on", ""));
  ASSERT_TRUE(transfer.ok());
  EXPECT_EQ(std::get<Movement>(*transfer.record).kind, MovementKind::transfer_in);
  EXPECT_EQ(std::get<Movement>(*transfer.record).from_unit_id->view(), kParent);
  EXPECT_FALSE(std::get<Movement>(*transfer.record).recorded_on.has_value());
}

TEST(NormaliseMovement, BadFields) {
  const auto& source = onlyError(run(RecordType::movement, with(kGoodMovement, "source", "payroll")));
  EXPECT_EQ(source.field, "source");
  EXPECT_EQ(source.reason, "unknown source (expected estab, org, hr or finance)");
  EXPECT_EQ(onlyError(run(RecordType::movement, with(kGoodMovement, "kind", "promote"))).field, "kind");
  EXPECT_EQ(onlyError(run(RecordType::movement, with(kGoodMovement, "recorded_on", "2024-13-01"))).field,
            "recorded_on");
  EXPECT_EQ(onlyError(run(RecordType::movement, with(kGoodMovement, "from_unit_id", "123"))).reason,
            "credit code has 3 characters, expected 18");
  EXPECT_EQ(onlyError(run(RecordType::movement, with(kGoodMovement, "effective_on", ""))).field, "effective_on");
}

const Cells kGoodPayroll{{"person_id", std::string(kPerson)},
                         {"unit_id", std::string(kUnit)},
                         {"month", "2024-07"},
                         {"funding", "差额补助"},
                         {"gross", "8500.00"}};

TEST(NormalisePayroll, GoodRowAndMoney) {
  const auto result = run(RecordType::payroll, kGoodPayroll);
  ASSERT_TRUE(result.ok());
  const auto& pay = std::get<PayrollMonth>(*result.record);
  EXPECT_EQ(pay.month, Month::fromYm(2024, 7));
  EXPECT_EQ(pay.funding, Funding::partial);
  EXPECT_EQ(pay.gross_fen, 850000);

  const auto grossOf = [](const std::string& text) {
    const auto r = run(RecordType::payroll, with(kGoodPayroll, "gross", text));
    return r.ok() ? std::get<PayrollMonth>(*r.record).gross_fen : -1;
  };
  EXPECT_EQ(grossOf("8500"), 850000);
  EXPECT_EQ(grossOf("8500.5"), 850050);
  EXPECT_EQ(grossOf("0.07"), 7);
  EXPECT_EQ(grossOf("0"), 0);
  for (const std::string bad : {"-100", "8,500.00", "8500.", ".5", "8500.001", "abc", "1e3"}) {
    const auto& error = onlyError(run(RecordType::payroll, with(kGoodPayroll, "gross", bad)));
    EXPECT_EQ(error.field, "gross") << bad;
    EXPECT_EQ(error.reason, "not an amount in yuan >= 0 (expected e.g. 8500 or 8500.00)") << bad;
  }
  EXPECT_EQ(onlyError(run(RecordType::payroll, with(kGoodPayroll, "month", "2024-7"))).reason,
            "not a month (expected YYYY-MM)");
}

TEST(NormaliseDeath, GoodRowAndBadFields) {
  const Cells good{{"person_id", "11010519491231002x"}, {"died_on", "2024-02-29"}, {"source", "海拉尔区民政局"}};
  const auto result = run(RecordType::death, good);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::get<Death>(*result.record).person_id.view(), "11010519491231002X");
  EXPECT_EQ(std::get<Death>(*result.record).died_on, Date::fromYmd(2024, 2, 29));
  EXPECT_TRUE(run(RecordType::death, without(good, "source")).ok());
  EXPECT_EQ(onlyError(run(RecordType::death, with(good, "died_on", "2023-02-29"))).field, "died_on");
  const auto both = run(RecordType::death, with(with(good, "died_on", "x"), "person_id", "1"));
  EXPECT_EQ(both.errors.size(), 2U);
}

// DOMAIN.md §5: full-width digits and letters, the ideographic space and a lower-case x are
// normal input. Every cell is read as its ASCII form.
TEST(NormaliseFullWidth, CitizenIdInFullWidthDigitsIsAcceptedAndStoredInAscii) {
  const auto result = run(RecordType::roster, with(kGoodRoster, "person_id", "１５０７０２１９８００１０１１２３９"));
  ASSERT_TRUE(result.ok()) << result.errors.front().reason;
  EXPECT_EQ(std::get<RosterEntry>(*result.record).person_id.view(), kPerson);

  const auto lower_x =
      run(RecordType::death, {{"person_id", "　１１０１０５１９４９１２３１００２ｘ　"}, {"died_on", "2024-02-29"}});
  ASSERT_TRUE(lower_x.ok()) << lower_x.errors.front().reason;
  EXPECT_EQ(std::get<Death>(*lower_x.record).person_id.view(), "11010519491231002X");

  const auto legacy = run(RecordType::roster, with(kGoodRoster, "person_id", "１５０７０２８００１０１１２３"));
  ASSERT_TRUE(legacy.ok()) << legacy.errors.front().reason;
  EXPECT_EQ(std::get<RosterEntry>(*legacy.record).person_id.view(), kPerson);
}

TEST(NormaliseFullWidth, EveryFieldIsFolded) {
  const Cells payroll{{"person_id", "１５０７０２１９８００１０１１２３９"},
                      {"unit_id", "１１１５０７００ｍｂ１２３４５６７８"},
                      {"month", "２０２４－０７"},
                      {"funding", "全额拨款"},
                      {"gross", "８５００．５０"}};
  const auto pay = run(RecordType::payroll, payroll);
  ASSERT_TRUE(pay.ok()) << pay.errors.front().field << ": " << pay.errors.front().reason;
  const auto& row = std::get<PayrollMonth>(*pay.record);
  EXPECT_EQ(row.unit_id.view(), kUnit);
  EXPECT_EQ(row.month, Month::fromYm(2024, 7));
  EXPECT_EQ(row.gross_fen, 850050);

  const auto quota =
      run(RecordType::quota, with(with(kGoodQuota, "approved", "２５"), "effective_from", "２０２４－０１－０１"));
  ASSERT_TRUE(quota.ok()) << quota.errors.front().reason;
  EXPECT_EQ(std::get<Quota>(*quota.record).approved, 25);
  EXPECT_EQ(std::get<Quota>(*quota.record).doc_no, "呼编发〔2024〕3号");

  const auto movement = run(RecordType::movement,
                            with(with(kGoodMovement, "approval_id", "ＹＢＨＺ－２０２４－００１"), "name", "张三　"));
  ASSERT_TRUE(movement.ok()) << movement.errors.front().reason;
  EXPECT_EQ(std::get<Movement>(*movement.record).approval_id, "YBHZ-2024-001");
  EXPECT_EQ(std::get<Movement>(*movement.record).name, "张三");
}

TEST(NormaliseFullWidth, AWrongFullWidthValueGetsASensibleReason) {
  const auto& short_id =
      onlyError(run(RecordType::roster, with(kGoodRoster, "person_id", "１５０７０２１９８００１０１１２３")));
  EXPECT_EQ(short_id.value, "15070219800101123");
  EXPECT_EQ(short_id.reason, "citizen id has 17 characters, expected 18 (or a legacy 15-digit id)");
  const auto& chinese =
      onlyError(run(RecordType::roster, with(kGoodRoster, "person_id", "１５０７０２一九８００１０１１２３９")));
  EXPECT_EQ(chinese.reason, "citizen id character '一' at position 7 is not a digit");
  const auto& code =
      onlyError(run(RecordType::roster, with(kGoodRoster, "unit_id", "１１１５０７００ＭＢ１２３４５６７")));
  EXPECT_EQ(code.reason, "credit code has 17 characters, expected 18");
}

TEST(NormaliseFullWidth, QuarantineSubjectAndRowKeyReadFullWidthIds) {
  plugin::RawRecord raw;
  raw.type = RecordType::payroll;
  raw.fields = {{"person_id", "１５０７０２１９８００１０１１２３９"},
                {"unit_id", "１１１５０７００ＭＢ１２３４５６７８"},
                {"month", "２０２４－０７"},
                {"funding", "全额"},
                {"gross", "lots"}};
  QuarantineEntry entry;
  setQuarantineSubject(RecordType::payroll, rowViewOf(raw), entry);
  EXPECT_EQ(entry.person_id, kPerson);
  EXPECT_EQ(entry.unit_id, kUnit);
  const auto ascii = run(RecordType::payroll, kGoodPayroll);
  ASSERT_TRUE(ascii.ok());
  EXPECT_EQ(rowKey(RecordType::payroll, rowViewOf(raw)), recordKey(*ascii.record));
}

// The key of a row is what recordKey gives its valid version, even when other cells are bad.
std::optional<std::string> keyOf(RecordType type, const Cells& cells) {
  plugin::RawRecord raw;
  raw.type = type;
  for (const auto& [name, value] : cells) raw.fields.emplace_back(name, value);
  return rowKey(type, rowViewOf(raw));
}

TEST(RowKey, EqualsTheRecordKeyOfTheValidRowWhateverElseIsWrong) {
  for (const auto& [type, good] :
       {std::pair{RecordType::roster, kGoodRoster}, std::pair{RecordType::payroll, kGoodPayroll},
        std::pair{RecordType::quota, kGoodQuota}, std::pair{RecordType::unit, kGoodUnit},
        std::pair{RecordType::movement, kGoodMovement}, std::pair{RecordType::approval, kGoodApproval}}) {
    const auto valid = run(type, good);
    ASSERT_TRUE(valid.ok()) << plugin::recordTypeFile(type);
    EXPECT_EQ(keyOf(type, good), recordKey(*valid.record)) << plugin::recordTypeFile(type);
  }
  const auto roster = run(RecordType::roster, kGoodRoster);
  ASSERT_TRUE(roster.ok());
  EXPECT_EQ(keyOf(RecordType::roster, with(kGoodRoster, "entered_on", "yesterday")), recordKey(*roster.record));
  const auto payroll = run(RecordType::payroll, kGoodPayroll);
  ASSERT_TRUE(payroll.ok());
  EXPECT_EQ(keyOf(RecordType::payroll, with(kGoodPayroll, "gross", "lots")), recordKey(*payroll.record));
}

TEST(RowKey, IsAbsentWhenAKeyColumnIsUnreadable) {
  EXPECT_EQ(keyOf(RecordType::roster, with(kGoodRoster, "person_id", "150702198001011230")), std::nullopt);
  EXPECT_EQ(keyOf(RecordType::payroll, with(kGoodPayroll, "month", "2024-13")), std::nullopt);
  EXPECT_EQ(keyOf(RecordType::movement, with(kGoodMovement, "movement_id", "  ")), std::nullopt);
  EXPECT_EQ(keyOf(RecordType::quota, without(kGoodQuota, "estab_type")), std::nullopt);
}

}  // namespace
}  // namespace staffchain::model
