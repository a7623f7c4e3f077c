#include "linli/pos/shifts.h"

#include <algorithm>

#include "linli/pos/audit.h"
#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "linli/pos/money.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "shift_internal.h"

namespace linli {
namespace {

// No drawer holds ten million yuan; anything above is a typo (or an attempt
// to overflow the sums), refused before it reaches a row.
constexpr int64_t kMaxCashFen = 1'000'000'000;  // 10,000,000.00 yuan


// Signed net of one tender per (method, provider) over the sales rows of a
// shift, with the sign rule of shifts.h (shift_internal.h writes it once for
// this and the reports).
std::string ShiftTendersSql() {
  return shift_internal::SignedChildRowsSql("s.shift_id = ?1", "sale_tenders") +
         "SELECT t.method, COALESCE(t.provider, ''), SUM(src.sign * t.amount_fen)"
         " FROM src JOIN sale_tenders t ON t.sale_id = src.cid GROUP BY 1, 2";
}

std::string Trim(const std::string& s) {
  const char* kSpace = " \t\r\n";
  size_t b = s.find_first_not_of(kSpace);
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(kSpace);
  return s.substr(b, e - b + 1);
}

// The name of an active user, or NotFound. Throws DbError.
Result<std::string> ActiveUserName(Database& db, const std::string& user_id) {
  Statement s = db.Prepare("SELECT name FROM users WHERE id = ? AND active = 1");
  s.Bind(1, user_id);
  if (!s.Step()) {
    return Status::NotFound("user \"" + user_id +
                            "\" does not exist or is disabled; check the id with `linli user list`");
  }
  return s.Text(0);
}

Status CheckReason(const std::string& reason, const char* what) {
  if (Trim(reason).empty()) {
    return Status::InvalidArgument(std::string(what) + " needs a reason (原因), e.g. \"找零备用\"");
  }
  if (!IsValidUtf8(reason)) return Status::InvalidArgument("the reason is not valid UTF-8 text");
  return Status::Ok();
}

constexpr const char* kShiftColumns =
    "SELECT sh.id, sh.user_id, COALESCE(u.name, ''), sh.status, sh.opened_at, sh.float_fen,"
    " sh.closed_at, sh.closed_by, sh.counted_cash_fen, sh.expected_cash_fen"
    " FROM shifts sh LEFT JOIN users u ON u.id = sh.user_id ";

Shift ReadShift(const Statement& s) {
  Shift sh;
  sh.id = s.Int(0);
  sh.user_id = s.Text(1);
  sh.user_name = s.Text(2);
  sh.open = s.Text(3) == "open";
  sh.opened_at = s.Text(4);
  sh.float_fen = s.Int(5);
  sh.closed_at = s.OptText(6);
  sh.closed_by = s.OptText(7);
  sh.counted_cash_fen = s.OptInt(8);
  sh.expected_cash_fen = s.OptInt(9);
  return sh;
}

// Throws DbError.
std::optional<Shift> LoadOpenShift(Database& db) {
  Statement s = db.Prepare(std::string(kShiftColumns) + "WHERE sh.status = 'open'");
  if (!s.Step()) return std::nullopt;
  return ReadShift(s);
}

// Throws DbError.
std::optional<Shift> LoadShift(Database& db, int64_t id) {
  Statement s = db.Prepare(std::string(kShiftColumns) + "WHERE sh.id = ?");
  s.Bind(1, id);
  if (!s.Step()) return std::nullopt;
  return ReadShift(s);
}

// Throws DbError.
DrawerSummary Summarize(Database& db, const Shift& shift) {
  DrawerSummary d;
  d.shift_id = shift.id;
  d.float_fen = shift.float_fen;
  Statement t = db.Prepare(ShiftTendersSql());
  t.Bind(1, shift.id);
  bool have_cash = false;
  while (t.Step()) {
    TenderTotal tt{t.Text(0), t.Text(1), t.Int(2)};
    if (tt.method == "cash") {
      have_cash = true;
      d.cash_sales_fen += tt.amount_fen;
      tt.provider.clear();
      // Cash with and without a provider is one drawer: merge.
      auto it = std::find_if(d.tenders.begin(), d.tenders.end(),
                             [](const TenderTotal& x) { return x.method == "cash"; });
      if (it != d.tenders.end()) {
        it->amount_fen += tt.amount_fen;
        continue;
      }
    }
    d.tenders.push_back(std::move(tt));
  }
  if (!have_cash) d.tenders.push_back({"cash", "", 0});
  std::sort(d.tenders.begin(), d.tenders.end(), shift_internal::TenderBefore);

  Statement m = db.Prepare(
      "SELECT kind, COALESCE(SUM(amount_fen), 0), COUNT(*) FROM cash_movements"
      " WHERE shift_id = ? GROUP BY kind");
  m.Bind(1, shift.id);
  while (m.Step()) {
    const std::string kind = m.Text(0);
    if (kind == "pay_in") d.pay_in_fen = m.Int(1);
    if (kind == "pay_out") d.pay_out_fen = m.Int(1);
    if (kind == "no_sale") d.no_sale_count = m.Int(2);
  }
  d.expected_cash_fen = d.float_fen + d.cash_sales_fen + d.pay_in_fen - d.pay_out_fen;
  return d;
}

std::string LocalTime(const std::string& utc_iso, const std::string& tz) {
  int64_t ms = ParseUtc(utc_iso);
  if (ms < 0) return utc_iso;
  return FormatLocal(ms, tz, "yyyy-MM-dd HH:mm");
}

// The store's zone, or Asia/Shanghai when the store row cannot be read (only
// used for wording messages).
std::string StoreZone(Database& db) {
  auto info = LoadStoreInfo(db);
  return info.ok() && !info->timezone.empty() ? info->timezone : "Asia/Shanghai";
}

Status NoOpenShift(const char* what) {
  return Status::FailedPrecondition(std::string("no shift is open, so ") + what +
                                    " cannot be recorded; open one first (`linli shift open`)").WithKey("pos.no_shift_open");
}

Result<CashMovement> RecordMovement(Database& db, const std::string& user_id, int64_t amount_fen,
                                    const std::string& reason, const Clock& clock, bool pay_in) {
  const char* kind = pay_in ? "pay_in" : "pay_out";
  const char* what = pay_in ? "a pay-in" : "a pay-out";
  if (amount_fen <= 0) {
    return Status::InvalidArgument(std::string("the amount of ") + what + " must be above 0.00");
  }
  if (amount_fen > kMaxCashFen) {
    return Status::InvalidArgument(std::string("the amount of ") + what + ", " +
                                   FormatYuan(Money::Fen(amount_fen)) + ", is too large; check it");
  }
  LINLI_RETURN_IF_ERROR(CheckReason(reason, what));
  CashMovement mv;
  Status st = Guard([&]() -> Status {
    Transaction tx(db);
    auto name = ActiveUserName(db, user_id);
    if (!name.ok()) return name.status();
    std::optional<Shift> shift = LoadOpenShift(db);
    if (!shift) return NoOpenShift(what);
    if (!pay_in) {
      DrawerSummary d = Summarize(db, *shift);
      if (amount_fen > d.expected_cash_fen) {
        return Status::FailedPrecondition(
            "cannot pay out " + FormatYuan(Money::Fen(amount_fen)) + ": the drawer should hold only " +
            FormatYuan(Money::Fen(d.expected_cash_fen)));
      }
    }
    mv.shift_id = shift->id;
    mv.kind = kind;
    mv.amount_fen = amount_fen;
    mv.reason = Trim(reason);
    mv.user_id = user_id;
    mv.occurred_at = FormatUtc(clock.NowMs());
    db.Prepare(
          "INSERT INTO cash_movements (shift_id, kind, amount_fen, reason, user_id, occurred_at)"
          " VALUES (?, ?, ?, ?, ?, ?)")
        .Bind(1, mv.shift_id)
        .Bind(2, mv.kind)
        .Bind(3, mv.amount_fen)
        .Bind(4, mv.reason)
        .Bind(5, mv.user_id)
        .Bind(6, mv.occurred_at)
        .Run();
    mv.id = db.LastInsertRowId();
    events::CashMovementEvent ev;
    ev.movement_id = mv.id;
    ev.shift_id = mv.shift_id;
    ev.kind = mv.kind;
    ev.amount_fen = mv.amount_fen;
    ev.reason = mv.reason;
    ev.user_id = mv.user_id;
    ev.occurred_at = mv.occurred_at;
    RecordAudit(db, {kind, user_id, "", mv.reason, std::nullopt, ev.ToJson().dump()}, mv.occurred_at);
    auto j = AppendEvent(db, ev, clock);
    if (!j.ok()) return j.status();
    tx.Commit();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return mv;
}

std::string Signed(int64_t fen) {
  return (fen > 0 ? "+" : "") + FormatYuan(Money::Fen(fen));
}

std::string VarianceLabel(const char* base, int64_t variance) {
  std::string s = base;
  if (variance > 0) s += " 长款";
  if (variance < 0) s += " 短款";
  return s;
}

}  // namespace

std::string TenderLabel(const std::string& method, const std::string& provider) {
  if (method == "cash") return "现金";
  if (method == "card") return "刷卡";
  if (method == "payment_code") {
    if (provider == "wechat") return "微信";
    if (provider == "alipay") return "支付宝";
    if (provider == "unionpay") return "银联";
    return provider.empty() ? "付款码" : "付款码 " + provider;
  }
  return provider.empty() ? method : method + " " + provider;
}

Result<Shift> OpenShift(Database& db, const std::string& user_id, int64_t float_fen,
                        const Clock& clock) {
  if (float_fen < 0) return Status::InvalidArgument("the float (备用金) cannot be negative").WithKey("pos.float_negative");
  if (float_fen > kMaxCashFen) {
    return Status::InvalidArgument("the float (备用金) " + FormatYuan(Money::Fen(float_fen)) +
                                   " is too large; check it").WithKey("pos.float_too_large", {{"amount", FormatYuan(Money::Fen(float_fen))}});
  }
  Shift shift;
  Status st = Guard([&]() -> Status {
    Transaction tx(db);
    auto name = ActiveUserName(db, user_id);
    if (!name.ok()) return name.status();
    if (std::optional<Shift> open = LoadOpenShift(db)) {
      std::string who = open->user_id + (open->user_name.empty() ? "" : " " + open->user_name);
      return Status::FailedPrecondition("shift #" + std::to_string(open->id) + " is already open (opened by " +
                                        who + " at " + LocalTime(open->opened_at, StoreZone(db)) +
                                        "); close it before opening another").WithKey("pos.shift_already_open", {{"id", std::to_string(open->id)}, {"who", who}});
    }
    shift.user_id = user_id;
    shift.user_name = *name;
    shift.open = true;
    shift.opened_at = FormatUtc(clock.NowMs());
    shift.float_fen = float_fen;
    db.Prepare("INSERT INTO shifts (user_id, status, opened_at, float_fen) VALUES (?, 'open', ?, ?)")
        .Bind(1, user_id)
        .Bind(2, shift.opened_at)
        .Bind(3, float_fen)
        .Run();
    shift.id = db.LastInsertRowId();
    events::ShiftOpenEvent ev;
    ev.shift_id = shift.id;
    ev.user_id = user_id;
    ev.float_fen = float_fen;
    ev.opened_at = shift.opened_at;
    RecordAudit(db, {"shift_open", user_id, "", std::nullopt, std::nullopt, ev.ToJson().dump()}, shift.opened_at);
    auto j = AppendEvent(db, ev, clock);
    if (!j.ok()) return j.status();
    tx.Commit();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return shift;
}

Result<CashMovement> PayIn(Database& db, const std::string& user_id, int64_t amount_fen,
                           const std::string& reason, const Clock& clock) {
  return RecordMovement(db, user_id, amount_fen, reason, clock, /*pay_in=*/true);
}

Result<CashMovement> PayOut(Database& db, const std::string& user_id, int64_t amount_fen,
                            const std::string& reason, const Clock& clock) {
  return RecordMovement(db, user_id, amount_fen, reason, clock, /*pay_in=*/false);
}

Status RecordNoSale(Database& db, const std::string& user_id, const std::string& reason,
                    const Clock& clock) {
  LINLI_RETURN_IF_ERROR(CheckReason(reason, "opening the drawer without a sale"));
  return Guard([&]() -> Status {
    Transaction tx(db);
    auto name = ActiveUserName(db, user_id);
    if (!name.ok()) return name.status();
    const std::string at = FormatUtc(clock.NowMs());
    const std::string why = Trim(reason);
    nlohmann::json after = {{"user_id", user_id}, {"occurred_at", at}};
    if (std::optional<Shift> shift = LoadOpenShift(db)) {
      db.Prepare(
            "INSERT INTO cash_movements (shift_id, kind, amount_fen, reason, user_id, occurred_at)"
            " VALUES (?, 'no_sale', 0, ?, ?, ?)")
          .Bind(1, shift->id)
          .Bind(2, why)
          .Bind(3, user_id)
          .Bind(4, at)
          .Run();
      after["shift_id"] = shift->id;
      after["movement_id"] = db.LastInsertRowId();
    }
    RecordAudit(db, {"no_sale", user_id, "", why, std::nullopt, after.dump()}, at);
    tx.Commit();
    return Status::Ok();
  });
}

Result<ShiftCloseReport> CloseShift(
    Database& db, const std::string& user_id, int64_t counted_cash_fen,
    const std::optional<std::vector<Denomination>>& denominations, const Clock& clock) {
  if (counted_cash_fen < 0) return Status::InvalidArgument("the counted cash cannot be negative").WithKey("pos.counted_negative");
  if (counted_cash_fen > kMaxCashFen) {
    return Status::InvalidArgument("the counted cash " + FormatYuan(Money::Fen(counted_cash_fen)) +
                                   " is too large; check it");
  }
  ShiftCloseReport rep;
  if (denominations) {
    int64_t sum = 0;
    for (const Denomination& d : *denominations) {
      if (d.value_fen <= 0 || d.value_fen > kMaxCashFen) {
        return Status::InvalidArgument("a denomination must be a positive amount, not " +
                                       FormatYuan(Money::Fen(d.value_fen)));
      }
      if (d.count < 0 || d.count > kMaxCashFen / d.value_fen) {
        return Status::InvalidArgument("the count of " + FormatYuan(Money::Fen(d.value_fen)) +
                                       " pieces is out of range: " + std::to_string(d.count));
      }
      sum += d.value_fen * d.count;
      if (sum > kMaxCashFen) return Status::InvalidArgument("the counted denominations add up to too much");
    }
    if (sum != counted_cash_fen) {
      return Status::InvalidArgument("the denominations add up to " + FormatYuan(Money::Fen(sum)) +
                                     " but the counted cash is " +
                                     FormatYuan(Money::Fen(counted_cash_fen)) + "; recount");
    }
    rep.denominations = *denominations;
    std::stable_sort(rep.denominations.begin(), rep.denominations.end(),
                     [](const Denomination& a, const Denomination& b) { return a.value_fen > b.value_fen; });
  }
  Status st = Guard([&]() -> Status {
    Transaction tx(db);
    auto name = ActiveUserName(db, user_id);
    if (!name.ok()) return name.status();
    std::optional<Shift> shift = LoadOpenShift(db);
    if (!shift) return Status::FailedPrecondition("no shift is open, so there is nothing to close").WithKey("pos.no_shift_to_close");
    rep.drawer = Summarize(db, *shift);
    rep.expected_cash_fen = rep.drawer.expected_cash_fen;
    rep.counted_cash_fen = counted_cash_fen;
    rep.variance_fen = counted_cash_fen - rep.expected_cash_fen;
    for (const TenderTotal& t : rep.drawer.tenders) {
      TenderReconciliation r{t.method, t.provider, t.amount_fen, t.amount_fen, 0};
      if (t.method == "cash") {
        r.expected_fen = rep.expected_cash_fen;
        r.counted_fen = counted_cash_fen;
        r.variance_fen = rep.variance_fen;
      }
      rep.tenders.push_back(std::move(r));
    }
    const std::string at = FormatUtc(clock.NowMs());
    db.Prepare(
          "UPDATE shifts SET status = 'closed', closed_at = ?, closed_by = ?, counted_cash_fen = ?,"
          " expected_cash_fen = ? WHERE id = ? AND status = 'open'")
        .Bind(1, at)
        .Bind(2, user_id)
        .Bind(3, counted_cash_fen)
        .Bind(4, rep.expected_cash_fen)
        .Bind(5, shift->id)
        .Run();
    events::ShiftCloseEvent ev;
    ev.shift_id = shift->id;
    ev.opened_by = shift->user_id;
    ev.opened_at = shift->opened_at;
    ev.closed_by = user_id;
    ev.closed_at = at;
    ev.float_fen = shift->float_fen;
    ev.expected_cash_fen = rep.expected_cash_fen;
    ev.counted_cash_fen = counted_cash_fen;
    ev.variance_fen = rep.variance_fen;
    for (const TenderReconciliation& r : rep.tenders) {
      ev.tenders.push_back({r.method, r.provider, r.expected_fen, r.counted_fen, r.variance_fen});
    }
    for (const Denomination& d : rep.denominations) ev.denominations.push_back({d.value_fen, d.count});
    nlohmann::json before = {{"shift_id", shift->id}, {"status", "open"}};
    RecordAudit(db, {"shift_close", user_id, "", std::nullopt, before.dump(), ev.ToJson().dump()}, at);
    auto j = AppendEvent(db, ev, clock);
    if (!j.ok()) return j.status();
    rep.journal_seq = j->seq;
    rep.journal_hash = HexEncode(j->hash);
    std::optional<Shift> closed = LoadShift(db, shift->id);
    if (!closed) return Status::Corruption("shift #" + std::to_string(shift->id) + " vanished while closing");
    rep.shift = *closed;
    tx.Commit();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return rep;
}

Result<std::optional<Shift>> CurrentShift(Database& db) {
  std::optional<Shift> shift;
  Status st = Guard([&] { shift = LoadOpenShift(db); });
  if (!st.ok()) return st;
  return shift;
}

Result<Shift> GetShift(Database& db, int64_t shift_id) {
  std::optional<Shift> shift;
  Status st = Guard([&] { shift = LoadShift(db, shift_id); });
  if (!st.ok()) return st;
  if (!shift) return Status::NotFound("there is no shift #" + std::to_string(shift_id));
  return *shift;
}

Result<DrawerSummary> SummarizeDrawer(Database& db, int64_t shift_id) {
  DrawerSummary d;
  Status st = Guard([&]() -> Status {
    std::optional<Shift> shift = LoadShift(db, shift_id);
    if (!shift) return Status::NotFound("there is no shift #" + std::to_string(shift_id));
    d = Summarize(db, *shift);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return d;
}

nlohmann::json ShiftCloseReport::ToJson() const {
  nlohmann::json tenders_json = nlohmann::json::array();
  for (const TenderReconciliation& r : tenders) {
    tenders_json.push_back({{"method", r.method},
                            {"provider", r.provider},
                            {"label", TenderLabel(r.method, r.provider)},
                            {"expected_fen", r.expected_fen},
                            {"counted_fen", r.counted_fen},
                            {"variance_fen", r.variance_fen}});
  }
  nlohmann::json denoms = nlohmann::json::array();
  for (const Denomination& d : denominations) {
    denoms.push_back({{"value_fen", d.value_fen}, {"count", d.count}});
  }
  return {{"shift_id", shift.id},
          {"opened_by", shift.user_id},
          {"opened_at", shift.opened_at},
          {"closed_by", shift.closed_by.value_or("")},
          {"closed_at", shift.closed_at.value_or("")},
          {"float_fen", drawer.float_fen},
          {"cash_sales_fen", drawer.cash_sales_fen},
          {"pay_in_fen", drawer.pay_in_fen},
          {"pay_out_fen", drawer.pay_out_fen},
          {"no_sale_count", drawer.no_sale_count},
          {"expected_cash_fen", expected_cash_fen},
          {"counted_cash_fen", counted_cash_fen},
          {"variance_fen", variance_fen},
          {"tenders", tenders_json},
          {"denominations", denoms},
          {"journal_seq", journal_seq},
          {"journal_hash", journal_hash}};
}

std::string ShiftCloseReport::RenderText(int columns, const std::string& time_zone) const {
  std::string out;
  const std::string rule(static_cast<size_t>(std::max(columns, 0)), '-');
  auto line = [&](const std::string& s) { out += s + "\n"; };
  auto row = [&](const std::string& l, const std::string& r) { line(AlignLeftRight(l, r, columns)); };
  auto money = [](int64_t fen) { return FormatYuan(Money::Fen(fen)); };

  line(CenterText("交班单", columns));
  line(rule);
  row("班次", "#" + std::to_string(shift.id));
  row("开班", Trim(shift.user_id + " " + shift.user_name));
  row("开班时间", LocalTime(shift.opened_at, time_zone));
  if (shift.closed_by) row("交班", *shift.closed_by);
  if (shift.closed_at) row("交班时间", LocalTime(*shift.closed_at, time_zone));
  line(rule);
  row("备用金", money(drawer.float_fen));
  row("现金销售", money(drawer.cash_sales_fen));
  row("存入", money(drawer.pay_in_fen));
  row("取出", money(-drawer.pay_out_fen));
  if (drawer.no_sale_count > 0) row("开钱箱", std::to_string(drawer.no_sale_count) + "次");
  row("应有现金", money(expected_cash_fen));
  row("实点现金", money(counted_cash_fen));
  row(VarianceLabel("长短款", variance_fen), Signed(variance_fen));
  line(rule);
  for (const TenderReconciliation& r : tenders) {
    line(TruncateToWidth(TenderLabel(r.method, r.provider), columns));
    row("  应有", money(r.expected_fen));
    row("  实点", money(r.counted_fen));
    row(VarianceLabel("  长短款", r.variance_fen), Signed(r.variance_fen));
  }
  if (!denominations.empty()) {
    line(rule);
    line("点钞");
    for (const Denomination& d : denominations) {
      row("  " + money(d.value_fen) + " x " + std::to_string(d.count), money(d.value_fen * d.count));
    }
  }
  if (!journal_hash.empty()) {
    line(rule);
    row("验证", journal_hash.substr(0, kReceiptHashPrefixLen));
  }
  return out;
}

}  // namespace linli
