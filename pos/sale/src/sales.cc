#include "linli/pos/sales.h"

#include <algorithm>

#include "checkout_internal.h"
#include "linli/pos/money.h"
#include "linli/pos/reports.h"
#include "linli/pos/rounding.h"
#include "linli/pos/store.h"
#include "linli/pos/table_check.h"

namespace linli {
namespace {

struct StoredLine {
  PricedLine l;
  std::optional<int> original_line_no;
};

struct StoredSale {
  CommittedSale sale;
  std::optional<int64_t> original_sale_id;
  std::optional<int64_t> member_id;
  std::vector<StoredLine> lines;
};

// Reads a sale with its lines, tenders and promotions. Throws DbError.
std::optional<StoredSale> ReadSale(Database& db, const std::string& where, const std::string& key) {
  Statement s = db.Prepare(
      "SELECT s.id, s.sale_uuid, s.receipt_no, s.kind, s.original_sale_id, s.business_date, s.occurred_at, "
      "s.cashier_id, COALESCE(s.approved_by, ''), s.member_id, COALESCE(m.phone, ''), s.points_earned, "
      "s.subtotal_fen, s.discount_fen, s.rounding_fen, s.total_fen, s.tax_fen, s.change_fen, s.journal_seq, "
      "s.journal_hash, COALESCE(o.receipt_no, '') FROM sales s LEFT JOIN members m ON m.id = s.member_id "
      "LEFT JOIN sales o ON o.id = s.original_sale_id WHERE " + where);
  s.Bind(1, key);
  if (!s.Step()) return std::nullopt;
  StoredSale out;
  CommittedSale& c = out.sale;
  c.sale_id = s.Int(0);
  c.sale_uuid = s.Text(1);
  c.receipt_no = s.Text(2);
  c.kind = s.Text(3);
  out.original_sale_id = s.OptInt(4);
  c.business_date = s.Text(5);
  c.occurred_at = s.Text(6);
  c.cashier_id = s.Text(7);
  c.approved_by = s.Text(8);
  out.member_id = s.OptInt(9);
  c.member_phone = s.Text(10);
  c.points_earned = s.Int(11);
  c.priced.subtotal_fen = s.Int(12);
  c.priced.discount_fen = s.Int(13);
  c.priced.rounding_fen = s.Int(14);
  c.priced.total_fen = s.Int(15);
  c.priced.tax_fen = s.Int(16);
  c.change_fen = s.Int(17);
  c.journal_seq = s.Int(18);
  c.journal_hash_hex = s.Text(19);
  c.original_receipt_no = s.Text(20);

  Statement l = db.Prepare(
      "SELECT line_no, original_line_no, product_id, sku, name, unit, qty_milli, unit_price_fen, "
      "original_unit_price_fen, gross_fen, promo_discount_fen, line_discount_fen, order_discount_fen, "
      "rounding_fen, discount_fen, total_fen, tax_rate_bp, tax_fen, promo_ids FROM sale_lines "
      "WHERE sale_id = ? ORDER BY line_no");
  l.Bind(1, c.sale_id);
  std::map<int64_t, TaxByRate> taxes;
  while (l.Step()) {
    StoredLine sl;
    PricedLine& p = sl.l;
    p.line_no = static_cast<int>(l.Int(0));
    if (!l.IsNull(1)) sl.original_line_no = static_cast<int>(l.Int(1));
    p.product_id = l.Int(2);
    p.sku = l.Text(3);
    p.name = l.Text(4);
    p.unit = ParseSaleUnit(l.Text(5));
    p.qty_milli = l.Int(6);
    p.unit_price_fen = l.Int(7);
    p.original_unit_price_fen = l.OptInt(8);
    p.gross_fen = l.Int(9);
    p.promo_discount_fen = l.Int(10);
    p.line_discount_fen = l.Int(11);
    p.order_discount_fen = l.Int(12);
    p.rounding_fen = l.Int(13);
    p.discount_fen = l.Int(14);
    p.total_fen = l.Int(15);
    p.tax_rate_bp = l.Int(16);
    p.tax_fen = l.Int(17);
    const std::string ids = l.Text(18);
    for (size_t start = 0; start < ids.size();) {
      size_t comma = ids.find(',', start);
      p.promo_ids.push_back(ids.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    c.priced.promo_discount_fen += p.promo_discount_fen;
    c.priced.line_discount_fen += p.line_discount_fen;
    c.priced.order_discount_fen += p.order_discount_fen;
    TaxByRate& t = taxes[p.tax_rate_bp];
    t.rate_bp = p.tax_rate_bp;
    t.total_fen += p.total_fen;
    t.tax_fen += p.tax_fen;
    c.priced.lines.push_back(p);
    out.lines.push_back(sl);
  }
  for (auto& [rate, t] : taxes) c.priced.tax_by_rate.push_back(t);

  Statement t = db.Prepare(
      "SELECT t.method, COALESCE(t.provider, ''), t.amount_fen, COALESCE(t.tendered_fen, 0), "
      "COALESCE(t.reference, ''), COALESCE(a.attempt_key, '') FROM sale_tenders t "
      "LEFT JOIN payment_attempts a ON a.id = t.payment_attempt_id WHERE t.sale_id = ? ORDER BY t.seq");
  t.Bind(1, c.sale_id);
  while (t.Step()) c.tenders.push_back({t.Text(0), t.Text(1), t.Int(2), t.Int(3), t.Text(4), t.Text(5)});

  Statement p = db.Prepare("SELECT promo_id, name, discount_fen FROM sale_promotions WHERE sale_id = ? ORDER BY promo_id");
  p.Bind(1, c.sale_id);
  while (p.Step()) {
    PromotionApplication a;
    a.promo_id = p.Text(0);
    a.name = p.Text(1);
    a.discount_fen = p.Int(2);
    for (const PricedLine& pl : c.priced.lines) {
      if (std::find(pl.promo_ids.begin(), pl.promo_ids.end(), a.promo_id) != pl.promo_ids.end()) {
        a.line_nos.push_back(pl.line_no);
      }
    }
    c.priced.promotions.push_back(a);
  }
  return out;
}

const char* ProviderLabel(const std::string& provider) {
  if (provider == "wechat") return "微信";
  if (provider == "alipay") return "支付宝";
  if (provider == "unionpay") return "银联";
  return "";
}

// Who approves: the cashier if they are a manager, else the approval's manager.
Result<std::string> NeedManager(Database& db, const User& cashier, const std::optional<Approval>& approval,
                                const char* what) {
  if (cashier.role >= Role::kManager) return cashier.id;
  if (!approval) return Status::PermissionDenied(std::string(what) + " needs a manager PIN").WithKey("pos.manager_pin_needed");
  auto mgr = CheckApproval(db, *approval);
  if (!mgr.ok()) return mgr.status();
  return mgr->id;
}

// Sends money back for a payment-code tender; the refund key makes a retry safe.
Status RefundThroughGateway(PaymentGateway* gateway, const Tender& t, const std::string& refund_key,
                            int64_t amount_fen) {
  if (!gateway) {
    return Status::Unavailable("payment codes are not set up on this till; refund in cash with a manager PIN").WithKey("pos.refund_no_gateway");
  }
  UndoReply r = gateway->Refund(t.attempt_key, refund_key, amount_fen);
  switch (r.outcome) {
    case UndoOutcome::kDone:
      return Status::Ok();
    case UndoOutcome::kUnavailable:
      return Status::Unavailable("the " + std::string(ProviderLabel(t.provider)) +
                                 " refund could not be sent (offline); nothing was refunded. Try again "
                                 "when online, or refund in cash with a manager PIN");
    case UndoOutcome::kFailed:
      break;
  }
  return Status::FailedPrecondition("the gateway refused the refund (" + r.message +
                                    "); nothing was refunded. Refund in cash with a manager PIN");
}

}  // namespace

Result<CommittedSale> LoadSale(Database& db, const std::string& receipt_no) {
  std::optional<StoredSale> s;
  Status st = Guard([&] { s = ReadSale(db, "s.receipt_no = ?1", receipt_no); });
  if (!st.ok()) return st;
  if (!s) return Status::NotFound("there is no receipt " + receipt_no + "; check the number on the receipt").WithKey("pos.no_receipt", {{"receipt", receipt_no}});
  return s->sale;
}

Result<std::vector<SaleSummary>> ListSales(Database& db, const std::string& date) {
  // The one date rule (reports.h); the zone does not matter for the check.
  if (auto day = LocalDay(date, "UTC"); !day.ok()) return Status::InvalidArgument("--date: " + day.status().message());
  std::vector<SaleSummary> out;
  Status st = Guard([&] {
    const std::string tz = GetConfig(db, "timezone").value_or("Asia/Shanghai");
    Statement s = db.Prepare(
        "SELECT s.receipt_no, s.kind, s.occurred_at, s.cashier_id, COALESCE(u.name, ''), s.total_fen"
        " FROM sales s LEFT JOIN users u ON u.id = s.cashier_id WHERE s.business_date = ? ORDER BY s.id");
    s.Bind(1, date);
    while (s.Step()) {
      SaleSummary r{s.Text(0), s.Text(1), s.Text(2), "", s.Text(3), s.Text(4), s.Int(5)};
      const int64_t ms = ParseUtc(r.occurred_at);
      r.local_time = ms < 0 ? r.occurred_at : FormatLocal(ms, tz);
      out.push_back(std::move(r));
    }
  });
  if (!st.ok()) return st;
  return out;
}

Result<ReceiptModel> BuildReceipt(Database& db, const std::string& receipt_no, bool reprint) {
  auto sale = LoadSale(db, receipt_no);
  if (!sale.ok()) return sale.status();
  auto model = BuildReceipt(db, *sale, reprint);
  if (!model.ok()) return model;
  // What was read back from the tables is checked against the journal, so an
  // edited row never prints as if it were the sale.
  TableCheckScope scope;
  scope.receipt_no = receipt_no;
  const TableCheckReport check = CheckTables(db, scope);
  if (!check.error.empty()) model->disagreements.push_back("未能核对日志");
  for (const TableMismatch& m : check.mismatches) {
    std::string d = m.table + (m.field.empty() ? "" : "." + m.field);
    if (!m.found.empty() || !m.journal.empty()) {
      d += " 表 " + (m.found.empty() ? std::string("无") : m.found) + " / 日志 " +
           (m.journal.empty() ? std::string("无") : m.journal);
    }
    model->disagreements.push_back(std::move(d));
  }
  return model;
}

Result<ReceiptModel> BuildReceipt(Database& db, const CommittedSale& c, bool reprint) {
  ReceiptModel m;
  std::map<std::string, std::string> promo_names;
  for (const auto& p : c.priced.promotions) promo_names[p.promo_id] = p.name;
  // What the sale does not carry: the store's receipt settings, the cashier's
  // name, the member's balance now, and (for a refund, whose lines carry the
  // original sale's promotions) the original's promotion names.
  Status st = Guard([&] {
    m.store_name = GetConfig(db, "store_name").value_or("");
    m.store_code = GetConfig(db, "store_code").value_or("");
    m.time_zone = GetConfig(db, "timezone").value_or("Asia/Shanghai");
    if (auto h = GetConfig(db, "receipt_header")) m.header_lines.push_back(*h);
    m.footer_lines.push_back(GetConfig(db, "receipt_footer").value_or("谢谢惠顾 欢迎再来"));
    Statement u = db.Prepare("SELECT name FROM users WHERE id = ?");
    u.Bind(1, c.cashier_id);
    if (u.Step()) m.cashier_name = u.Text(0);
    if (!c.member_phone.empty()) {
      Statement p = db.Prepare("SELECT points FROM members WHERE phone = ?");
      p.Bind(1, c.member_phone);
      if (p.Step()) m.member = ReceiptMember{c.member_phone, c.points_earned, p.Int(0)};
    }
    if (!c.original_receipt_no.empty()) {
      Statement s = db.Prepare(
          "SELECT p.promo_id, p.name FROM sale_promotions p JOIN sales o ON o.id = p.sale_id WHERE o.receipt_no = ?");
      s.Bind(1, c.original_receipt_no);
      while (s.Step()) promo_names.emplace(s.Text(0), s.Text(1));
    }
  });
  if (!st.ok()) return st;
  m.kind = c.kind == "refund" ? ReceiptKind::kRefund : c.kind == "void" ? ReceiptKind::kVoid : ReceiptKind::kSale;
  m.receipt_no = c.receipt_no;
  m.original_receipt_no = c.original_receipt_no;
  m.cashier_id = c.cashier_id;
  m.time_ms = ParseUtc(c.occurred_at);
  for (const PricedLine& p : c.priced.lines) {
    ReceiptLine rl;
    rl.name = p.name;
    rl.sku = p.sku;
    rl.qty_milli = p.qty_milli;
    rl.unit = p.unit == SaleUnit::kKg ? ReceiptUnit::kKilogram : ReceiptUnit::kPiece;
    rl.unit_price_fen = p.unit_price_fen;
    rl.gross_fen = p.gross_fen;
    if (p.original_unit_price_fen) {
      rl.adjustments.push_back({"改价 原价" + FormatYuan(Money::Fen(*p.original_unit_price_fen)), std::nullopt});
    }
    if (p.promo_discount_fen) {
      std::string label;
      for (const auto& id : p.promo_ids) {
        if (!label.empty()) label += "/";
        label += promo_names.count(id) ? promo_names[id] : id;
      }
      rl.adjustments.push_back({label.empty() ? "促销" : label, -p.promo_discount_fen});
    }
    if (p.line_discount_fen) rl.adjustments.push_back({"折扣", -p.line_discount_fen});
    rl.total_fen = p.gross_fen - p.promo_discount_fen - p.line_discount_fen;
    m.lines.push_back(rl);
  }
  if (c.priced.order_discount_fen) m.promotions.push_back({"整单优惠", -c.priced.order_discount_fen});
  m.subtotal_fen = c.priced.subtotal_fen;
  m.discount_fen = c.priced.discount_fen;
  m.rounding_fen = c.priced.rounding_fen;
  m.total_fen = c.priced.total_fen;
  for (const auto& t : c.priced.tax_by_rate) {
    if (t.tax_fen) m.taxes.push_back({t.rate_bp, t.tax_fen});
  }
  for (const Tender& t : c.tenders) {
    ReceiptTender rt;
    rt.method = t.method == "cash" ? TenderMethod::kCash
                : t.method == "card" ? TenderMethod::kCard
                                     : TenderMethod::kPaymentCode;
    rt.provider = ProviderLabel(t.provider);
    rt.amount_fen = t.method == "cash" && c.kind == "sale" ? t.tendered_fen : t.amount_fen;
    rt.reference = t.reference;
    m.tenders.push_back(rt);
  }
  m.change_fen = c.change_fen;
  m.journal_hash = c.journal_hash_hex;
  m.reprint = reprint;
  return m;
}

Result<CommittedSale> RefundSale(Database& db, const Clock& clock, const User& cashier, const RefundRequest& req,
                                 PaymentGateway* gateway) {
  auto settings = LoadCheckoutSettings(db);
  if (!settings.ok()) return settings.status();
  std::optional<StoredSale> orig;
  std::map<int, std::pair<int64_t, PricedLine>> done;  // original line → (qty, amounts) refunded so far
  std::map<std::string, int64_t> tender_refunded;      // method|provider|reference → refunded
  bool voided = false;
  int64_t refunded_before_fen = 0;  // totals of earlier refunds of this sale
  int64_t points_back_before = 0;   // points those refunds took back
  Status st = Guard([&]() -> Status {
    orig = ReadSale(db, "s.receipt_no = ?1", req.receipt_no);
    if (!orig) return Status::NotFound("there is no receipt " + req.receipt_no + "; check the number").WithKey("pos.no_receipt", {{"receipt", req.receipt_no}});
    if (orig->sale.kind != "sale") {
      return Status::InvalidArgument("receipt " + req.receipt_no + " is a " + orig->sale.kind + ", not a sale");
    }
    Statement v = db.Prepare("SELECT count(*) FROM sales WHERE original_sale_id = ? AND kind = 'void'");
    v.Bind(1, orig->sale.sale_id);
    v.Step();
    voided = v.Int(0) > 0;
    Statement r = db.Prepare(
        "SELECT l.original_line_no, SUM(l.qty_milli), SUM(l.gross_fen), SUM(l.promo_discount_fen), "
        "SUM(l.line_discount_fen), SUM(l.order_discount_fen), SUM(l.rounding_fen), SUM(l.discount_fen), "
        "SUM(l.total_fen), SUM(l.tax_fen) FROM sale_lines l JOIN sales s ON s.id = l.sale_id "
        "WHERE s.original_sale_id = ? AND s.kind = 'refund' GROUP BY l.original_line_no");
    r.Bind(1, orig->sale.sale_id);
    while (r.Step()) {
      PricedLine p;
      p.gross_fen = r.Int(2);
      p.promo_discount_fen = r.Int(3);
      p.line_discount_fen = r.Int(4);
      p.order_discount_fen = r.Int(5);
      p.rounding_fen = r.Int(6);
      p.discount_fen = r.Int(7);
      p.total_fen = r.Int(8);
      p.tax_fen = r.Int(9);
      done[static_cast<int>(r.Int(0))] = {r.Int(1), p};
    }
    Statement t = db.Prepare(
        "SELECT t.method, COALESCE(t.provider, ''), COALESCE(t.reference, ''), SUM(t.amount_fen) "
        "FROM sale_tenders t JOIN sales s ON s.id = t.sale_id WHERE s.original_sale_id = ? AND s.kind = 'refund' "
        "GROUP BY 1, 2, 3");
    t.Bind(1, orig->sale.sale_id);
    while (t.Step()) tender_refunded[t.Text(0) + "|" + t.Text(1) + "|" + t.Text(2)] = t.Int(3);
    Statement before = db.Prepare(
        "SELECT COALESCE(SUM(total_fen), 0), COALESCE(SUM(-points_earned), 0) FROM sales "
        "WHERE original_sale_id = ? AND kind = 'refund'");
    before.Bind(1, orig->sale.sale_id);
    before.Step();
    refunded_before_fen = before.Int(0);
    points_back_before = before.Int(1);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (voided) return Status::FailedPrecondition("receipt " + req.receipt_no + " was voided; nothing to refund").WithKey("pos.receipt_voided", {{"receipt", req.receipt_no}});

  // Which lines and how much.
  std::vector<RefundLineRequest> wanted = req.lines;
  if (wanted.empty()) {
    for (const StoredLine& sl : orig->lines) {
      const int64_t left = sl.l.qty_milli - done[sl.l.line_no].first;
      if (left > 0) wanted.push_back({sl.l.line_no, left});
    }
    if (wanted.empty()) return Status::FailedPrecondition("receipt " + req.receipt_no + " is already fully refunded").WithKey("pos.fully_refunded", {{"receipt", req.receipt_no}});
  }
  SaleWrite w;
  w.kind = "refund";
  w.sale_uuid = NewUuidV7(clock.NowMs());
  w.cashier_id = cashier.id;
  w.original_sale_id = orig->sale.sale_id;
  w.original_receipt_no = orig->sale.receipt_no;
  std::map<int, int64_t> asked;
  for (const RefundLineRequest& r : wanted) asked[r.line_no] += r.qty_milli;
  int next = 1;
  std::map<int64_t, TaxByRate> taxes;
  // No structured bindings here: clang before 16 cannot capture them in the
  // lambdas below.
  for (const auto& asked_line : asked) {
    const int line_no = asked_line.first;
    const int64_t qty = asked_line.second;
    auto it = std::find_if(orig->lines.begin(), orig->lines.end(),
                           [&](const StoredLine& sl) { return sl.l.line_no == line_no; });
    if (it == orig->lines.end()) {
      return Status::InvalidArgument("receipt " + req.receipt_no + " has no line " + std::to_string(line_no)).WithKey("pos.receipt_no_line", {{"receipt", req.receipt_no}, {"line", std::to_string(line_no)}});
    }
    if (qty <= 0) return Status::InvalidArgument("line " + std::to_string(line_no) + ": refund quantity must be more than zero").WithKey("pos.refund_qty_positive", {{"line", std::to_string(line_no)}});
    const PricedLine& o = it->l;
    const int64_t done_qty = done[line_no].first;
    const PricedLine& d = done[line_no].second;
    const int64_t left = o.qty_milli - done_qty;
    if (qty > left) {
      return Status::InvalidArgument("line " + std::to_string(line_no) + " (" + o.name + "): cannot refund " +
                                     FormatMilli(qty) + "; sold " + FormatMilli(o.qty_milli) + ", already refunded " +
                                     FormatMilli(done_qty) + ", so at most " + FormatMilli(left) + " can come back");
    }
    // Each amount is shared cumulatively: after this refund, round(amount ×
    // refunded qty / sold qty) has gone back in all. So no partial refund
    // takes more than its share or goes negative (a per-refund rounding would:
    // 0.03 over five pieces refunded one by one gave 1+1+1+1-1 fen), and the
    // last one takes exactly what is left. The gross follows from the parts,
    // so gross - discount - rounding = total holds on every refund line.
    auto share = [&](int64_t sold_amount, int64_t refunded_amount) {
      if (qty == left) return sold_amount - refunded_amount;
      return MulDivRound(sold_amount, done_qty + qty, o.qty_milli) - refunded_amount;
    };
    PricedLine p = o;
    p.line_no = next;
    p.qty_milli = qty;
    p.total_fen = share(o.total_fen, d.total_fen);
    p.promo_discount_fen = share(o.promo_discount_fen, d.promo_discount_fen);
    p.line_discount_fen = share(o.line_discount_fen, d.line_discount_fen);
    p.order_discount_fen = share(o.order_discount_fen, d.order_discount_fen);
    p.rounding_fen = share(o.rounding_fen, d.rounding_fen);
    p.discount_fen = p.promo_discount_fen + p.line_discount_fen + p.order_discount_fen;
    p.gross_fen = p.total_fen + p.discount_fen + p.rounding_fen;
    p.tax_fen = share(o.tax_fen, d.tax_fen);
    w.original_line_nos[next] = line_no;
    ++next;
    w.priced.subtotal_fen += p.gross_fen;
    w.priced.promo_discount_fen += p.promo_discount_fen;
    w.priced.line_discount_fen += p.line_discount_fen;
    w.priced.order_discount_fen += p.order_discount_fen;
    w.priced.discount_fen += p.discount_fen;
    w.priced.rounding_fen += p.rounding_fen;
    w.priced.total_fen += p.total_fen;
    w.priced.tax_fen += p.tax_fen;
    TaxByRate& t = taxes[p.tax_rate_bp];
    t.rate_bp = p.tax_rate_bp;
    t.total_fen += p.total_fen;
    t.tax_fen += p.tax_fen;
    w.priced.lines.push_back(p);
  }
  for (auto& [rate, t] : taxes) w.priced.tax_by_rate.push_back(t);

  // Approval: refunds need a manager; cash instead of the original tender too.
  bool original_all_cash = std::all_of(orig->sale.tenders.begin(), orig->sale.tenders.end(),
                                       [](const Tender& t) { return t.method == "cash"; });
  auto approver = NeedManager(db, cashier, req.approval, req.to_cash && !original_all_cash ? "a refund in cash" : "a refund");
  if (!approver.ok()) return approver.status();
  if (*approver != cashier.id) w.approved_by = *approver;

  // Tenders: back where the money came from, non-cash first.
  int64_t left = w.priced.total_fen;
  std::vector<Tender> back;
  if (!req.to_cash) {
    for (const Tender& t : orig->sale.tenders) {
      if (t.method == "cash" || left == 0) continue;
      const int64_t room = t.amount_fen - tender_refunded[t.method + "|" + t.provider + "|" + t.reference];
      const int64_t amount = std::min(room, left);
      if (amount <= 0) continue;
      Tender r = t;
      r.amount_fen = amount;
      r.tendered_fen = 0;
      back.push_back(r);
      left -= amount;
    }
  }
  if (left > 0) {
    Tender cash;
    cash.method = "cash";
    cash.amount_fen = left;
    cash.tendered_fen = left;
    back.push_back(cash);
  }
  // Payment codes are refunded through the gateway before the refund is
  // written; the refund key (this refund's uuid) makes a retry safe.
  for (const Tender& t : back) {
    if (t.method == "payment_code") {
      LINLI_RETURN_IF_ERROR(RefundThroughGateway(gateway, t, w.sale_uuid, t.amount_fen));
    }
  }
  w.tenders = back;
  w.member_id = orig->member_id;
  w.member_phone = orig->sale.member_phone;
  if (orig->member_id && orig->sale.priced.total_fen > 0) {
    // Cumulative, like the amounts: after this refund the points taken back
    // are points × refunded / total (rounded down), so partial refunds that
    // add up to the whole sale take back exactly the points it earned.
    const int64_t refunded_total = std::min(orig->sale.priced.total_fen, refunded_before_fen + w.priced.total_fen);
    w.points_earned = -(MulDivRound(orig->sale.points_earned, refunded_total, orig->sale.priced.total_fen,
                                    RoundingMode::kDown) -
                        points_back_before);
  }
  // The reason: the request's, else the one given with the manager's PIN.
  const std::string reason = !req.reason.empty() ? req.reason : req.approval ? req.approval->reason : "";
  w.audit.push_back({req.to_cash && !original_all_cash ? "refund_to_cash" : "refund", w.approved_by, reason,
                     {{"receipt_no", req.receipt_no}}, {{"total_fen", w.priced.total_fen}}, clock.NowMs()});
  return WriteSale(db, clock, *settings, w);
}

Result<CommittedSale> VoidLastSale(Database& db, const Clock& clock, const User& cashier, const Approval& approval,
                                   PaymentGateway* gateway, bool to_cash) {
  auto settings = LoadCheckoutSettings(db);
  if (!settings.ok()) return settings.status();
  std::optional<StoredSale> last;
  Status st = Guard([&]() -> Status {
    Statement s = db.Prepare("SELECT receipt_no FROM sales ORDER BY id DESC LIMIT 1");
    if (!s.Step()) return Status::NotFound("there is no sale to void").WithKey("pos.no_sale_to_void");
    last = ReadSale(db, "s.receipt_no = ?1", s.Text(0));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (last->sale.kind != "sale") {
    return Status::FailedPrecondition("the last receipt " + last->sale.receipt_no + " is a " + last->sale.kind +
                                      "; only the last sale can be voided, use a refund instead").WithKey("pos.void_not_sale", {{"receipt", last->sale.receipt_no}, {"kind", last->sale.kind}});
  }
  auto approver = NeedManager(db, cashier, approval, "voiding a sale");
  if (!approver.ok()) return approver.status();
  SaleWrite w;
  w.kind = "void";
  w.sale_uuid = NewUuidV7(clock.NowMs());
  w.cashier_id = cashier.id;
  if (*approver != cashier.id) w.approved_by = *approver;
  w.original_sale_id = last->sale.sale_id;
  w.original_receipt_no = last->sale.receipt_no;
  w.priced = last->sale.priced;
  for (const StoredLine& sl : last->lines) w.original_line_nos[sl.l.line_no] = sl.l.line_no;
  bool converted = false;
  for (const Tender& t : last->sale.tenders) {
    Tender r = t;
    if (to_cash && t.method != "cash") {
      // Back in cash from the drawer: a cash tender of the same amount.
      r = Tender{};
      r.method = "cash";
      r.amount_fen = t.amount_fen;
      converted = true;
    }
    if (r.method == "cash") r.tendered_fen = r.amount_fen;
    if (r.method == "payment_code") {
      LINLI_RETURN_IF_ERROR(RefundThroughGateway(gateway, t, w.sale_uuid, t.amount_fen));
    }
    w.tenders.push_back(r);
  }
  w.member_id = last->member_id;
  w.member_phone = last->sale.member_phone;
  w.points_earned = -last->sale.points_earned;
  w.audit.push_back({converted ? "void_to_cash" : "void", w.approved_by, approval.reason, {{"receipt_no", last->sale.receipt_no}},
                     {{"total_fen", last->sale.priced.total_fen}}, clock.NowMs()});
  return WriteSale(db, clock, *settings, w);
}

}  // namespace linli
