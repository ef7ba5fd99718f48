// Writes a built World as the canonical files of DOMAIN.md §5 plus truth.jsonl.
#include <fmt/format.h>

#include <algorithm>
#include <system_error>

#include "csv_writer.hpp"
#include "staffchain/model/enums.hpp"
#include "world.hpp"

namespace staffchain::gen::detail {
namespace {

using model::toString;

constexpr std::string_view kReporters[] = {"公安局户籍注销", "民政局殡葬管理所", "卫生健康委死亡医学证明"};

std::string_view purposeText(Purpose purpose) {
  switch (purpose) {
    case Purpose::exam:
      return "考试录用";
    case Purpose::open_recruit:
      return "公开招聘";
    case Purpose::transfer:
      return "调任";
    case Purpose::veteran:
      return "军转安置";
    case Purpose::talent:
      return "人才引进";
    case Purpose::supplement:
      return "补充人员";
  }
  return "";
}

std::string_view sourcePrefix(SourceRole source) {
  switch (source) {
    case SourceRole::estab:
      return "EST";
    case SourceRole::org:
      return "ORG";
    case SourceRole::hr:
      return "HR";
    case SourceRole::finance:
      return "FIN";
  }
  return "";
}

class WorldWriter {
 public:
  explicit WorldWriter(World& world) : w_(world), as_of_(world.spec.as_of) {}

  Result<void> run() {
    std::error_code ec;
    std::filesystem::create_directories(w_.spec.out_dir, ec);
    if (ec) return makeError(fmt::format("cannot create output folder {}: {}", w_.spec.out_dir.string(), ec.message()));
    for (auto step : {&WorldWriter::units, &WorldWriter::quotas, &WorldWriter::leaderQuotas, &WorldWriter::approvals,
                      &WorldWriter::roster, &WorldWriter::movements, &WorldWriter::payroll, &WorldWriter::deaths,
                      &WorldWriter::reductions, &WorldWriter::truth}) {
      if (auto done = (this->*step)(); !done) return done;
    }
    return {};
  }

 private:
  Result<void> start(CsvWriter& out, std::string_view file, std::initializer_list<std::string_view> header) {
    if (auto opened = out.open(w_.spec.out_dir / file); !opened) return opened;
    for (const std::string_view column : header) out.field(column);
    out.end();
    return {};
  }
  static Result<void> finish(CsvWriter& out, const std::vector<std::string>& raw, std::size_t& count) {
    for (const std::string& line : raw) out.rawLine(line);
    count = out.rows() - 1;
    return out.close();
  }
  void date(CsvWriter& out, Date d) {
    const auto ymd = d.ymd();
    char text[11];
    fmt::format_to_n(text, sizeof text, "{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    out.field(std::string_view(text, 10));
  }
  void name(CsvWriter& out, std::uint32_t person) {
    const Person& p = w_.people[person];
    out.fieldBegin();
    if (p.name.style == 2) {
      out.fieldPart(mongolianName(p.male, p.name.a));
      return;
    }
    out.fieldPart(surname(p.name.a));
    out.fieldPart(givenChar(p.male, p.name.b));
    if (p.name.style == 1) out.fieldPart(givenChar(p.male, p.name.c));
  }
  std::string approvalId(std::int32_t approval) const {
    if (approval == -1) return {};
    if (approval <= -2) {
      return fmt::format("YB{}{:04}{:07}", regions()[kCityRegion].code, static_cast<int>(as_of_.ymd().year()) - 1,
                         9'000'000 - 2 - approval);
    }
    const ApprovalRow& row = w_.approvals[static_cast<std::size_t>(approval)];
    return fmt::format("YB{}{:04}{:07}", regions()[w_.units[row.unit].region].code,
                       static_cast<int>(row.issued_on.ymd().year()), approval);
  }
  // A cited approval is only shown once it exists on the evaluation date.
  std::string citedApproval(std::int32_t approval) const {
    if (approval >= 0 && w_.approvals[static_cast<std::size_t>(approval)].issued_on > as_of_) return {};
    return approvalId(approval);
  }

  Result<void> units() {
    CsvWriter out;
    if (auto s = start(out, "units.csv", {"unit_id", "name", "region", "parent_id", "kind", "funding"}); !s) return s;
    for (const GenUnit& unit : w_.units) {
      out.field(std::string_view(unit.code.data(), 18));
      out.field(unit.name);
      out.field(regions()[unit.region].code);
      out.field(unit.parent == kNone ? std::string_view() : w_.unitCode(unit.parent));
      out.field(toString(unit.kind));
      out.field(toString(unit.funding));
      out.end();
    }
    return finish(out, w_.raw.units, w_.stats.units);
  }

  Result<void> quotas() {
    CsvWriter out;
    if (auto s = start(out, "quotas.csv", {"unit_id", "estab_type", "approved", "effective_from", "doc_no"}); !s)
      return s;
    std::vector<std::size_t> order(w_.quotas.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return w_.quotas[a].unit < w_.quotas[b].unit; });
    std::size_t skipped = 0;
    for (const std::size_t i : order) {
      const QuotaRow& q = w_.quotas[i];
      if (q.effective_from > as_of_) {
        ++skipped;
        continue;
      }
      out.field(w_.unitCode(q.unit));
      out.field(toString(q.type));
      out.field(static_cast<std::int64_t>(q.approved));
      date(out, q.effective_from);
      out.field(fmt::format("{}〔{}〕{}号", regions()[w_.units[q.unit].region].doc_tag, q.doc_year, q.doc_no));
      out.end();
    }
    (void)skipped;
    return finish(out, {}, w_.stats.quotas);
  }

  Result<void> leaderQuotas() {
    CsvWriter out;
    if (auto s = start(out, "leader_quotas.csv", {"unit_id", "level", "rank", "approved"}); !s) return s;
    for (const LeaderQuotaRow& q : w_.leader_quotas) {
      out.field(w_.unitCode(q.unit));
      out.field(toString(q.level));
      out.field(toString(q.rank));
      out.field(static_cast<std::int64_t>(q.approved));
      out.end();
    }
    return finish(out, {}, w_.stats.leader_quotas);
  }

  Result<void> approvals() {
    CsvWriter out;
    if (auto s = start(out, "approvals.csv",
                       {"approval_id", "unit_id", "estab_type", "slots", "issued_on", "valid_until", "purpose"});
        !s)
      return s;
    for (std::size_t i = 0; i < w_.approvals.size(); ++i) {
      const ApprovalRow& a = w_.approvals[i];
      if (a.issued_on > as_of_) continue;
      out.field(approvalId(static_cast<std::int32_t>(i)));
      out.field(w_.unitCode(a.unit));
      out.field(toString(a.type));
      out.field(static_cast<std::int64_t>(a.slots));
      date(out, a.issued_on);
      date(out, a.valid_until);
      out.field(purposeText(a.purpose));
      out.end();
    }
    return finish(out, w_.raw.approvals, w_.stats.approvals);
  }

  Result<void> roster() {
    CsvWriter out;
    if (auto s = start(
            out, "roster.csv",
            {"person_id", "name", "unit_id", "estab_type", "entered_on", "approval_id", "leader_level", "leader_rank"});
        !s)
      return s;
    for (const Tenure& t : w_.tenures) {
      if (!(t.roster_from <= as_of_ && as_of_ < t.roster_until)) continue;
      const Person& p = w_.people[t.person];
      LeaderLevel level = LeaderLevel::none;
      LeaderRank rank = LeaderRank::none;
      if (p.post != kNone && w_.posts[p.post].unit == t.unit) {
        level = w_.posts[p.post].level;
        rank = w_.posts[p.post].rank;
      } else if (p.extra_level != LeaderLevel::none) {
        level = p.extra_level;
        rank = p.extra_rank;
      }
      out.field(w_.personId(t.person));
      name(out, t.person);
      out.field(w_.unitCode(t.unit));
      out.field(toString(t.type));
      date(out, t.roster_from);
      out.field(citedApproval(t.approval));
      out.field(toString(level));
      out.field(toString(rank));
      out.end();
    }
    return finish(out, {}, w_.stats.roster);
  }

  Result<void> movements() {
    auto& rows = w_.movements;
    std::sort(rows.begin(), rows.end(), [](const MovementRow& a, const MovementRow& b) {
      return a.effective_on != b.effective_on ? a.effective_on < b.effective_on : a.order < b.order;
    });
    CsvWriter out;
    if (auto s = start(out, "movements.csv",
                       {"movement_id", "source", "kind", "person_id", "name", "unit_id", "from_unit_id", "effective_on",
                        "recorded_on", "approval_id", "leader_level", "leader_rank"});
        !s)
      return s;
    std::uint64_t sequence = 0;
    for (const MovementRow& m : rows) {
      // Only what was recorded by the evaluation date exists.
      if (m.effective_on > as_of_ || m.recorded_on > as_of_) continue;
      out.field(fmt::format("{}{:09}", sourcePrefix(m.source), ++sequence));
      out.field(toString(m.source));
      out.field(toString(m.kind));
      out.field(w_.personId(m.person));
      name(out, m.person);
      out.field(w_.unitCode(m.unit));
      out.field(m.from_unit == kNone ? std::string_view() : w_.unitCode(m.from_unit));
      date(out, m.effective_on);
      date(out, m.recorded_on);
      out.field(citedApproval(m.approval));
      out.field(toString(m.level));
      out.field(toString(m.rank));
      out.end();
    }
    return finish(out, w_.raw.movements, w_.stats.movements);
  }

  void payRow(CsvWriter& out, std::uint32_t person, std::uint32_t unit, Month month, std::int32_t salary) {
    out.field(w_.personId(person));
    out.field(w_.unitCode(unit));
    char text[8];
    fmt::format_to_n(text, sizeof text, "{:04}-{:02}", month.year(), month.month());
    out.field(std::string_view(text, 7));
    out.field(toString(w_.units[unit].funding));
    // Yearly raises each January, counted from six years before as_of (2020 for the default), so
    // that a salary drawn for the world keeps its level, and stays positive, in any year.
    const int raises_from = static_cast<int>(as_of_.ymd().year()) - 6;
    const std::int64_t yuan = salary + static_cast<std::int64_t>(month.year() - raises_from) * 120;
    out.field(fmt::format("{}.00", yuan));
    out.end();
  }

  Result<void> payroll() {
    CsvWriter out;
    if (auto s = start(out, "payroll.csv", {"person_id", "unit_id", "month", "funding", "gross"}); !s) return s;
    for (Month m = w_.payroll_first; m <= w_.payroll_last; m = m.plus(1)) {
      for (const Tenure& t : w_.tenures) {
        if (t.pay_first > m || (t.pay_last != kNoMonth && t.pay_last < m)) continue;
        payRow(out, t.person, t.unit, m, w_.people[t.person].salary);
      }
      for (const PayStream& s : w_.extra_pay) {
        if (s.first <= m && m <= s.last) payRow(out, s.person, s.unit, m, s.salary);
      }
    }
    return finish(out, w_.raw.payroll, w_.stats.payroll);
  }

  Result<void> deaths() {
    CsvWriter out;
    if (auto s = start(out, "deaths.csv", {"person_id", "died_on", "source"}); !s) return s;
    for (const DeathRow& d : w_.deaths) {
      if (d.died_on > as_of_) continue;
      out.field(w_.personId(d.person));
      date(out, d.died_on);
      out.field(kReporters[d.reporter % 3]);
      out.end();
    }
    return finish(out, w_.raw.deaths, w_.stats.deaths);
  }

  Result<void> reductions() {
    CsvWriter out;
    if (auto s = start(out, "reductions.csv",
                       {"task_id", "unit_id", "estab_type", "posts_to_recover", "issued_on", "due_on", "doc_no"});
        !s) {
      return s;
    }
    std::size_t number = 0;
    for (const ReductionRow& task : w_.reductions) {
      const int year = static_cast<int>(task.issued_on.ymd().year());
      out.field(fmt::format("JB{}{}{:04}", regions()[w_.units[task.unit].region].code, year, ++number));
      out.field(w_.unitCode(task.unit));
      out.field(toString(task.type));
      out.field(std::to_string(task.posts));
      date(out, task.issued_on);
      date(out, task.due_on);
      out.field(fmt::format("呼编发〔{}〕{}号", year, task.doc_no));
      out.end();
    }
    static const std::vector<std::string> kNoRawRows;
    return finish(out, kNoRawRows, w_.stats.reductions);
  }

  Result<void> truth() {
    const std::filesystem::path file = w_.spec.out_dir / "truth.jsonl";
    std::FILE* out = std::fopen(file.c_str(), "wb");
    if (out == nullptr) return makeError(fmt::format("cannot create {}: permission or path problem", file.string()));
    std::string text;
    for (const TruthLine& line : w_.truth) {
      // Ids are plain ASCII: no JSON escaping is needed.
      text += fmt::format(R"({{"rule":"{}","unit_id":"{}","person_id":"{}"}})", ruleId(line.rule), line.unit_id,
                          line.person_id);
      text.push_back('\n');
    }
    const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
    if (std::fclose(out) != 0 || !written)
      return makeError(fmt::format("cannot write {}: the disk refused the data", file.string()));
    w_.stats.truth_lines = w_.truth.size();
    return {};
  }

  World& w_;
  Date as_of_;
};

}  // namespace

Result<void> writeWorld(World& world) {
  return WorldWriter(world).run();
}

}  // namespace staffchain::gen::detail
