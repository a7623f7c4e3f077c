#include "linli/pos/reports.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "linli/pos/money.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "shift_internal.h"

namespace linli {
namespace {

using shift_internal::SignSql;

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 24 * kHourMs;

// What a report covers: the sales rows (by shift or by business date) and
// the UTC window for audit rows, cash movements and shifts.
struct Scope {
  std::optional<int64_t> shift_id;  // set: sales by shift_id; else by date
  std::string business_date;
  std::string start_iso;  // inclusive
  std::string end_iso;    // exclusive
};

std::string SalesWhere(const Scope& sc) {
  return sc.shift_id ? "s.shift_id = ?1" : "s.business_date = ?1";
}

void BindScope(Statement& st, const Scope& sc) {
  if (sc.shift_id) {
    st.Bind(1, *sc.shift_id);
  } else {
    st.Bind(1, sc.business_date);
  }
}

std::string ChildSourceSql(const Scope& sc, const char* child) {
  return shift_internal::SignedChildRowsSql(SalesWhere(sc), child);
}

bool IsDateShape(const std::string& d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (size_t i = 0; i < d.size(); ++i) {
    if (i == 4 || i == 7) continue;
    if (!std::isdigit(static_cast<unsigned char>(d[i]))) return false;
  }
  return true;
}

// The first UTC millisecond whose local date in `tz` is `date` or later.
// Local dates only grow with time, and every zone's offset lies within
// ±30 hours of UTC midnight, so a binary search over that window finds it.
int64_t FirstInstantOf(const std::string& date, const std::string& tz) {
  const int64_t midnight_utc = ParseUtc(date);
  int64_t lo = midnight_utc - 30 * kHourMs;  // local date still before `date`
  int64_t hi = midnight_utc + 30 * kHourMs;  // local date already `date` or after
  while (hi - lo > 1) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (FormatLocal(mid, tz, "yyyy-MM-dd") >= date) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  return hi;
}

CashierTotals& CashierRow(std::map<std::string, CashierTotals>& m, const std::string& id) {
  CashierTotals& c = m[id];
  c.user_id = id;
  return c;
}

// Fills everything but the store fields, times and the journal head.
// Throws DbError.
Status Collect(Database& db, const Scope& sc, Report& rep) {
  std::map<std::string, CashierTotals> cashiers;

  // Counts and signed sums by cashier and kind.
  {
    Statement s = db.Prepare(
        std::string("SELECT s.cashier_id, s.kind, COUNT(*), SUM(s.total_fen), SUM(") + SignSql() +
        " * s.subtotal_fen), SUM(" + SignSql() + " * s.discount_fen), SUM(" + SignSql() +
        " * s.rounding_fen), SUM(" + SignSql() + " * s.total_fen)"
        " FROM sales s LEFT JOIN sales o ON o.id = s.original_sale_id WHERE " + SalesWhere(sc) +
        " GROUP BY 1, 2 ORDER BY 1, 2");
    BindScope(s, sc);
    while (s.Step()) {
      CashierTotals& c = CashierRow(cashiers, s.Text(0));
      const std::string kind = s.Text(1);
      const CountTotal ct{s.Int(2), s.Int(3)};
      CountTotal* mine = nullptr;
      CountTotal* all = nullptr;
      if (kind == "sale") {
        mine = &c.sales;
        all = &rep.sales;
      } else if (kind == "refund") {
        mine = &c.refunds;
        all = &rep.refunds;
      } else {
        mine = &c.voids;
        all = &rep.voids;
      }
      mine->count += ct.count;
      mine->total_fen += ct.total_fen;
      all->count += ct.count;
      all->total_fen += ct.total_fen;
      rep.gross_fen += s.Int(4);
      rep.discount_fen += s.Int(5);
      c.discount_fen += s.Int(5);
      rep.rounding_fen += s.Int(6);
      rep.net_fen += s.Int(7);
      c.net_fen += s.Int(7);
    }
  }

  // Tax by rate, from the lines.
  {
    Statement s = db.Prepare(ChildSourceSql(sc, "sale_lines") +
                             "SELECT l.tax_rate_bp, SUM(src.sign * l.total_fen), SUM(src.sign * l.tax_fen)"
                             " FROM src JOIN sale_lines l ON l.sale_id = src.cid"
                             " GROUP BY 1 ORDER BY 1 DESC");
    BindScope(s, sc);
    while (s.Step()) {
      rep.taxes.push_back({s.Int(0), s.Int(1), s.Int(2)});
      rep.tax_fen += s.Int(2);
    }
  }

  // Tenders, cash always listed (the drawer is there even when unused).
  {
    Statement s = db.Prepare(ChildSourceSql(sc, "sale_tenders") +
                             "SELECT t.method, CASE WHEN t.method = 'cash' THEN '' "
                             "ELSE COALESCE(t.provider, '') END, SUM(src.sign * t.amount_fen)"
                             " FROM src JOIN sale_tenders t ON t.sale_id = src.cid GROUP BY 1, 2");
    BindScope(s, sc);
    bool have_cash = false;
    while (s.Step()) {
      TenderTotal t{s.Text(0), s.Text(1), s.Int(2)};
      if (t.method == "cash") have_cash = true;
      rep.tenders.push_back(std::move(t));
    }
    if (!have_cash) rep.tenders.push_back({"cash", "", 0});
    std::sort(rep.tenders.begin(), rep.tenders.end(), shift_internal::TenderBefore);
  }

  // Overrides, discounts and drawer opens, from the audit log.
  {
    Statement s = db.Prepare(
        "SELECT COALESCE(user_id, ''), action, COUNT(*) FROM audit_log"
        " WHERE occurred_at >= ?1 AND occurred_at < ?2"
        " AND action IN ('price_override', 'line_discount', 'order_discount', 'no_sale')"
        " GROUP BY 1, 2");
    s.Bind(1, sc.start_iso).Bind(2, sc.end_iso);
    while (s.Step()) {
      CashierTotals& c = CashierRow(cashiers, s.Text(0));
      const std::string action = s.Text(1);
      const int64_t n = s.Int(2);
      if (action == "price_override") {
        c.price_overrides += n;
        rep.price_overrides += n;
      } else if (action == "no_sale") {
        c.no_sales += n;
        rep.no_sales += n;
      } else {
        c.discounts += n;
        rep.discounts += n;
      }
    }
  }

  // Pay-ins and pay-outs by user.
  {
    Statement s = db.Prepare(
        sc.shift_id ? "SELECT user_id, kind, SUM(amount_fen) FROM cash_movements WHERE shift_id = ?1"
                      " AND kind IN ('pay_in', 'pay_out') GROUP BY 1, 2"
                    : "SELECT user_id, kind, SUM(amount_fen) FROM cash_movements"
                      " WHERE occurred_at >= ?1 AND occurred_at < ?2"
                      " AND kind IN ('pay_in', 'pay_out') GROUP BY 1, 2");
    if (sc.shift_id) {
      s.Bind(1, *sc.shift_id);
    } else {
      s.Bind(1, sc.start_iso).Bind(2, sc.end_iso);
    }
    while (s.Step()) {
      CashierTotals& c = CashierRow(cashiers, s.Text(0));
      if (s.Text(1) == "pay_in") {
        c.pay_in_fen += s.Int(2);
        rep.pay_in_fen += s.Int(2);
      } else {
        c.pay_out_fen += s.Int(2);
        rep.pay_out_fen += s.Int(2);
      }
    }
  }

  // Names.
  {
    Statement s = db.Prepare("SELECT name FROM users WHERE id = ?");
    for (auto& [id, c] : cashiers) {
      s.Reset();
      s.Bind(1, id);
      if (s.Step()) c.name = s.Text(0);
      rep.cashiers.push_back(c);
    }
  }

  // Shifts: the one read (X), or those opened or closed within the day (Z).
  {
    std::vector<int64_t> ids;
    if (sc.shift_id) {
      ids.push_back(*sc.shift_id);
    } else {
      Statement s = db.Prepare(
          "SELECT id FROM shifts WHERE (opened_at >= ?1 AND opened_at < ?2)"
          " OR (closed_at >= ?1 AND closed_at < ?2) ORDER BY id");
      s.Bind(1, sc.start_iso).Bind(2, sc.end_iso);
      while (s.Step()) ids.push_back(s.Int(0));
    }
    for (int64_t id : ids) {
      auto shift = GetShift(db, id);
      if (!shift.ok()) return shift.status();
      auto drawer = SummarizeDrawer(db, id);
      if (!drawer.ok()) return drawer.status();
      ShiftLine line{*shift, *drawer, std::nullopt};
      if (!shift->open && shift->counted_cash_fen && shift->expected_cash_fen) {
        line.variance_fen = *shift->counted_cash_fen - *shift->expected_cash_fen;
      }
      rep.shifts.push_back(std::move(line));
    }
  }
  return Status::Ok();
}

// Store fields, the scope's reading and the journal head. Throws DbError.
Result<Report> Build(Database& db, ReportKind kind, std::optional<std::string> date, const Clock& clock) {
  Report rep;
  rep.kind = kind;
  rep.generated_at_ms = clock.NowMs();
  Status st = Guard([&]() -> Status {
    ReadSnapshot snapshot(db);
    auto info = LoadStoreInfo(db);
    if (!info.ok()) return info.status();
    rep.store_code = info->store_code;
    rep.store_name = info->name;
    rep.timezone = info->timezone.empty() ? "Asia/Shanghai" : info->timezone;

    Scope sc;
    std::optional<Shift> open;
    if (kind == ReportKind::kX) {
      auto cur = CurrentShift(db);
      if (!cur.ok()) return cur.status();
      open = *cur;
    }
    if (open) {
      sc.shift_id = open->id;
      rep.shift_id = open->id;
      sc.start_iso = open->opened_at;
      sc.end_iso = FormatUtc(rep.generated_at_ms + 1);
      rep.business_date = FormatLocal(rep.generated_at_ms, rep.timezone, "yyyy-MM-dd");
    } else {
      const std::string day = date ? *date : FormatLocal(rep.generated_at_ms, rep.timezone, "yyyy-MM-dd");
      auto range = LocalDay(day, rep.timezone);
      if (!range.ok()) return range.status();
      sc.business_date = day;
      sc.start_iso = FormatUtc(range->start_ms);
      sc.end_iso = FormatUtc(range->end_ms);
      rep.business_date = day;
    }
    rep.period_start = sc.start_iso;
    rep.period_end = sc.end_iso;
    LINLI_RETURN_IF_ERROR(Collect(db, sc, rep));

    auto head = JournalHead(db);
    if (!head.ok()) return head.status();
    rep.journal_seq = head->seq;
    rep.journal_hash = HexEncode(head->hash);

    TableCheckScope scope;
    if (open) scope.shift_id = open->id;
    else scope.business_date = rep.business_date;
    rep.table_check = CheckTables(db, scope);
    Statement cp = db.Prepare(
        "SELECT checkpoint_epoch, checkpoint_seq, checkpoint_hash, checkpoint_at FROM sync_state "
        "WHERE id = 1 AND checkpoint_hash IS NOT NULL AND checkpoint_seq > 0");
    if (cp.Step()) rep.hub_checkpoint = Report::HubCheckpoint{cp.Int(0), cp.Int(1), HexEncode(cp.Blob(2)), cp.Text(3)};
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return rep;
}

// ---- Rendering ----

std::string Yuan(int64_t fen) { return FormatYuan(Money::Fen(fen)); }

// How many disagreeing rows the paper lists (the JSON and `journal verify` list them all).
constexpr size_t kListedOnPaper = 5;

std::string Times(int64_t n) { return std::to_string(n) + "次"; }

std::string Count(const char* label, int64_t n) { return std::string(label) + " " + std::to_string(n) + "笔"; }

std::string LocalMinute(const std::string& utc_iso, const std::string& tz) {
  const int64_t ms = ParseUtc(utc_iso);
  return ms < 0 ? utc_iso : FormatLocal(ms, tz, "yyyy-MM-dd HH:mm");
}

nlohmann::json CountJson(const CountTotal& c) { return {{"count", c.count}, {"total_fen", c.total_fen}}; }

}  // namespace

Result<LocalDayRange> LocalDay(const std::string& date, const std::string& tz) {
  const int64_t midnight_utc = IsDateShape(date) ? ParseUtc(date) : -1;
  if (midnight_utc < 0 || FormatUtc(midnight_utc).substr(0, 10) != date) {
    return Status::InvalidArgument("\"" + date + "\" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-21");
  }
  const std::string next = FormatUtc(midnight_utc + kDayMs).substr(0, 10);
  return LocalDayRange{FirstInstantOf(date, tz), FirstInstantOf(next, tz)};
}

Result<Report> BuildXReport(Database& db, const Clock& clock) {
  return Build(db, ReportKind::kX, std::nullopt, clock);
}

Result<Report> BuildZReport(Database& db, const std::string& date, const Clock& clock) {
  // Check the date before touching the database, so a typo says so plainly.
  auto range = LocalDay(date, "UTC");
  if (!range.ok()) return range.status();
  return Build(db, ReportKind::kZ, date, clock);
}

nlohmann::json Report::ToJson() const {
  nlohmann::json taxes_json = nlohmann::json::array();
  for (const TaxRateTotal& t : taxes) {
    taxes_json.push_back({{"rate_bp", t.rate_bp}, {"net_fen", t.net_fen}, {"tax_fen", t.tax_fen}});
  }
  nlohmann::json tenders_json = nlohmann::json::array();
  for (const TenderTotal& t : tenders) {
    tenders_json.push_back({{"method", t.method},
                            {"provider", t.provider},
                            {"label", TenderLabel(t.method, t.provider)},
                            {"amount_fen", t.amount_fen}});
  }
  nlohmann::json cashiers_json = nlohmann::json::array();
  for (const CashierTotals& c : cashiers) {
    cashiers_json.push_back({{"user_id", c.user_id},
                             {"name", c.name},
                             {"sales", CountJson(c.sales)},
                             {"refunds", CountJson(c.refunds)},
                             {"voids", CountJson(c.voids)},
                             {"net_fen", c.net_fen},
                             {"discount_fen", c.discount_fen},
                             {"price_overrides", c.price_overrides},
                             {"discounts", c.discounts},
                             {"no_sales", c.no_sales},
                             {"pay_in_fen", c.pay_in_fen},
                             {"pay_out_fen", c.pay_out_fen}});
  }
  nlohmann::json shifts_json = nlohmann::json::array();
  for (const ShiftLine& l : shifts) {
    const Shift& s = l.shift;
    nlohmann::json j = {{"shift_id", s.id},
                        {"status", s.open ? "open" : "closed"},
                        {"opened_by", s.user_id},
                        {"opened_at", s.opened_at},
                        {"closed_by", s.closed_by ? nlohmann::json(*s.closed_by) : nlohmann::json()},
                        {"closed_at", s.closed_at ? nlohmann::json(*s.closed_at) : nlohmann::json()},
                        {"float_fen", s.float_fen},
                        {"cash_sales_fen", l.drawer.cash_sales_fen},
                        {"pay_in_fen", l.drawer.pay_in_fen},
                        {"pay_out_fen", l.drawer.pay_out_fen},
                        {"expected_cash_fen", s.expected_cash_fen.value_or(l.drawer.expected_cash_fen)},
                        {"counted_cash_fen",
                         s.counted_cash_fen ? nlohmann::json(*s.counted_cash_fen) : nlohmann::json()},
                        {"variance_fen", l.variance_fen ? nlohmann::json(*l.variance_fen) : nlohmann::json()}};
    shifts_json.push_back(std::move(j));
  }
  return {{"kind", kind == ReportKind::kX ? "x" : "z"},
          {"store_code", store_code},
          {"store_name", store_name},
          {"timezone", timezone},
          {"business_date", business_date},
          {"shift_id", shift_id ? nlohmann::json(*shift_id) : nlohmann::json()},
          {"period_start", period_start},
          {"period_end", period_end},
          {"generated_at", FormatUtc(generated_at_ms)},
          {"generated_at_local", FormatLocal(generated_at_ms, timezone, "yyyy-MM-dd HH:mm:ss")},
          {"sales", CountJson(sales)},
          {"refunds", CountJson(refunds)},
          {"voids", CountJson(voids)},
          {"gross_fen", gross_fen},
          {"discount_fen", discount_fen},
          {"rounding_fen", rounding_fen},
          {"net_fen", net_fen},
          {"tax_fen", tax_fen},
          {"taxes", taxes_json},
          {"tenders", tenders_json},
          {"price_overrides", price_overrides},
          {"discounts", discounts},
          {"no_sales", no_sales},
          {"pay_in_fen", pay_in_fen},
          {"pay_out_fen", pay_out_fen},
          {"cashiers", cashiers_json},
          {"shifts", shifts_json},
          {"journal", {{"seq", journal_seq}, {"hash", journal_hash}}},
          {"table_check", table_check.ToJson()},
          {"hub_checkpoint", hub_checkpoint ? nlohmann::json{{"epoch", hub_checkpoint->epoch},
                                                             {"seq", hub_checkpoint->seq},
                                                             {"hash", hub_checkpoint->hash},
                                                             {"signed_at", hub_checkpoint->signed_at}}
                                            : nlohmann::json()}};
}

std::string Report::RenderText(int columns) const {
  std::string out;
  const std::string rule(static_cast<size_t>(std::max(columns, 0)), '-');
  auto line = [&](const std::string& s) { out += TruncateToWidth(s, columns) + "\n"; };
  auto row = [&](const std::string& l, const std::string& r) { out += AlignLeftRight(l, r, columns) + "\n"; };
  auto who = [](const std::string& id, const std::string& name) { return name.empty() ? id : id + " " + name; };

  // Header.
  if (!store_name.empty()) line(CenterText(store_name, columns));
  line(CenterText(kind == ReportKind::kX ? "X报表" : "Z报表", columns));
  line(rule);
  row("门店", store_code);
  row("营业日", business_date);
  if (shift_id) row("班次", "#" + std::to_string(*shift_id));
  row("打印时间", FormatLocal(generated_at_ms, timezone, "yyyy-MM-dd HH:mm"));
  line(rule);
  if (!table_check.ok) {
    // Before any figure: these figures are not the journal's.
    line(CenterText("!! 账表与日志不符 !!", columns));
    line("以下数字与日志不符，");
    line("不可用于交班或对账，");
    line("详见末尾。");
    line(rule);
  }

  // Counts.
  row(Count("销售", sales.count), Yuan(sales.total_fen));
  row(Count("退货", refunds.count), Yuan(-refunds.total_fen));
  row(Count("作废", voids.count), Yuan(-voids.total_fen));
  line(rule);
  row("商品总额", Yuan(gross_fen));
  row("优惠", Yuan(-discount_fen));
  row("抹零", Yuan(-rounding_fen));
  row("净销售额", Yuan(net_fen));
  line(rule);

  // Tax by rate: the rate's net on one row, its tax under it.
  for (const TaxRateTotal& t : taxes) {
    row("税率 " + FormatPercentBp(t.rate_bp) + "%", Yuan(t.net_fen));
    row("  税额", Yuan(t.tax_fen));
  }
  row("税额合计", Yuan(tax_fen));
  line(rule);

  // Tenders.
  int64_t tender_sum = 0;
  for (const TenderTotal& t : tenders) {
    row(TenderLabel(t.method, t.provider), Yuan(t.amount_fen));
    tender_sum += t.amount_fen;
  }
  row("收款合计", Yuan(tender_sum));
  line(rule);

  // Drawer and privileged actions, all cashiers.
  row("存入", Yuan(pay_in_fen));
  row("取出", Yuan(-pay_out_fen));
  row("开钱箱", Times(no_sales));
  row("改价", Times(price_overrides));
  row("折扣", Times(discounts));
  line(rule);

  // Per cashier.
  for (const CashierTotals& c : cashiers) {
    line("收银员 " + who(c.user_id, c.name));
    row("  " + Count("销售", c.sales.count), Yuan(c.sales.total_fen));
    row("  " + Count("退货", c.refunds.count), Yuan(-c.refunds.total_fen));
    row("  " + Count("作废", c.voids.count), Yuan(-c.voids.total_fen));
    row("  净额", Yuan(c.net_fen));
    row("  优惠", Yuan(-c.discount_fen));
    row("  改价", Times(c.price_overrides));
    row("  折扣", Times(c.discounts));
    row("  开钱箱", Times(c.no_sales));
    row("  存入", Yuan(c.pay_in_fen));
    row("  取出", Yuan(-c.pay_out_fen));
    line(rule);
  }

  // Shifts and their drawers.
  for (const ShiftLine& l : shifts) {
    const Shift& s = l.shift;
    line("班次 #" + std::to_string(s.id) + " " + who(s.user_id, s.user_name));
    row("  开班", LocalMinute(s.opened_at, timezone));
    if (s.closed_at) {
      row("  交班", (s.closed_by ? *s.closed_by + " " : std::string()) + LocalMinute(*s.closed_at, timezone));
    }
    if (s.open) row("  状态", "未交班");
    row("  备用金", Yuan(s.float_fen));
    row("  现金销售", Yuan(l.drawer.cash_sales_fen));
    row("  存入", Yuan(l.drawer.pay_in_fen));
    row("  取出", Yuan(-l.drawer.pay_out_fen));
    row("  应有现金", Yuan(s.expected_cash_fen.value_or(l.drawer.expected_cash_fen)));
    if (s.counted_cash_fen) row("  实点现金", Yuan(*s.counted_cash_fen));
    if (l.variance_fen) {
      const int64_t v = *l.variance_fen;
      row(std::string("  长短款") + (v > 0 ? " 长款" : v < 0 ? " 短款" : ""),
          (v > 0 ? "+" : "") + Yuan(v));
    }
    line(rule);
  }

  // The journal head the report was read at, what the hub signed of it, and
  // whether this report's rows are the journal's.
  row("日志", "#" + std::to_string(journal_seq));
  row("验证", journal_hash.substr(0, kReceiptHashPrefixLen));
  if (hub_checkpoint) {
    row("总部签收", "#" + std::to_string(hub_checkpoint->seq) + " " +
                        hub_checkpoint->hash.substr(0, kReceiptHashPrefixLen));
    row("签收时间", LocalMinute(hub_checkpoint->signed_at, timezone));
  } else {
    row("总部签收", "尚未同步");
  }
  if (table_check.ok) {
    row("账表核对", "与日志一致 " + std::to_string(table_check.receipts_checked) + "单");
  } else {
    row("账表核对", table_check.error.empty() ? "不符 " + std::to_string(table_check.mismatch_count) + "处"
                                              : "未能核对");
    for (size_t i = 0; i < table_check.mismatches.size() && i < kListedOnPaper; ++i) {
      const TableMismatch& m = table_check.mismatches[i];
      line(m.subject);
      line("  " + m.table + (m.field.empty() ? "" : "." + m.field));
      if (!m.found.empty() || !m.journal.empty()) {
        line("  表 " + (m.found.empty() ? "无" : m.found) + " / 日志 " + (m.journal.empty() ? "无" : m.journal));
      }
    }
    if (table_check.mismatch_count > static_cast<int64_t>(kListedOnPaper)) {
      line("  … 另有 " + std::to_string(table_check.mismatch_count - static_cast<int64_t>(kListedOnPaper)) + " 处");
    }
    line("请运行 linli journal verify");
  }
  return out;
}

}  // namespace linli
