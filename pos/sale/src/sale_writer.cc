#include <algorithm>
#include <cstdio>
#include <map>

#include "checkout_internal.h"
#include "linli/pos/audit.h"
#include "linli/pos/crypto.h"
#include "linli/pos/events.h"
#include "linli/pos/inventory.h"
#include "linli/pos/journal.h"
#include "linli/pos/sales.h"

namespace linli {
namespace {

// S001-20261121-0001: store code, business date, daily sequence (4 digits and
// more after 9999). From epoch 2 on the epoch is in the number
// (S001-20261121-E2-0001): a restored file counts again from where its copy
// stood, and must not print a number the lost tail already printed
// (sync/protocol/PROTOCOL.md §6.6).
std::string NextReceiptNo(Database& db, const std::string& store_code, const std::string& business_date) {
  Statement& ep = db.Cached("SELECT epoch FROM device WHERE id = 1");
  const int64_t epoch = ep.Step() ? ep.Int(0) : 1;
  ep.Reset();
  Statement& s = db.Cached(
      "INSERT INTO receipt_counters (business_date, last_seq) VALUES (?, 1) "
      "ON CONFLICT(business_date) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq");
  s.Bind(1, business_date);
  s.Step();
  const int64_t seq = s.Int(0);
  s.Reset();
  std::string date = business_date;
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld", static_cast<long long>(seq));
  return store_code + "-" + date + "-" + (epoch > 1 ? "E" + std::to_string(epoch) + "-" : std::string()) + buf;
}

std::optional<int64_t> OpenShiftId(Database& db) {
  Statement& s = db.Cached("SELECT id FROM shifts WHERE status = 'open'");
  std::optional<int64_t> id;
  if (s.Step()) id = s.Int(0);
  s.Reset();
  return id;
}

}  // namespace

events::ReceiptEvent JournalEventOf(const CommittedSale& c, const std::map<int, int>& original_line_nos,
                                    std::optional<int64_t> shift) {
  // The whole fact, integers and strings only.
  events::ReceiptEvent ev;
  ev.sale_uuid = c.sale_uuid;
  ev.receipt_no = c.receipt_no;
  ev.business_date = c.business_date;
  ev.cashier = c.cashier_id;
  for (const PricedLine& l : c.priced.lines) {
    events::ReceiptLine el{l.line_no,     l.sku,         l.qty_milli, l.unit_price_fen, l.gross_fen, l.discount_fen,
                           l.rounding_fen, l.total_fen, l.tax_rate_bp, l.tax_fen,        std::nullopt};
    if (auto it = original_line_nos.find(l.line_no); it != original_line_nos.end()) el.original_line = it->second;
    ev.lines.push_back(std::move(el));
  }
  auto opt = [](const std::string& s) { return s.empty() ? std::optional<std::string>() : s; };
  for (const Tender& t : c.tenders) ev.tenders.push_back({t.method, t.amount_fen, opt(t.provider), opt(t.reference)});
  ev.subtotal_fen = c.priced.subtotal_fen;
  ev.discount_fen = c.priced.discount_fen;
  ev.rounding_fen = c.priced.rounding_fen;
  ev.total_fen = c.priced.total_fen;
  ev.tax_fen = c.priced.tax_fen;
  ev.change_fen = c.change_fen;
  ev.approved_by = opt(c.approved_by);
  ev.original_receipt_no = opt(c.original_receipt_no);
  if (!c.member_phone.empty()) ev.member = events::ReceiptMember{c.member_phone, c.points_earned};
  ev.shift = shift;
  return ev;
}

Result<CommittedSale> WriteSale(Database& db, const Clock& clock, const CheckoutSettings& settings,
                                const SaleWrite& w) {
  CommittedSale out;
  const int64_t now = clock.NowMs();
  out.sale_uuid = w.sale_uuid;
  out.kind = w.kind;
  out.original_receipt_no = w.original_receipt_no;
  out.business_date = BusinessDate(now, settings.timezone);
  out.occurred_at = FormatUtc(now);
  out.cashier_id = w.cashier_id;
  out.approved_by = w.approved_by;
  out.priced = w.priced;
  out.tenders = w.tenders;
  out.change_fen = w.change_fen;
  out.member_phone = w.member_phone;
  out.points_earned = w.points_earned;

  Status st = Guard([&]() -> Status {
    Transaction tx(db);
    out.receipt_no = NextReceiptNo(db, settings.store_code, out.business_date);
    const std::optional<int64_t> shift_id = OpenShiftId(db);

    auto kind = events::ParseReceiptKind(w.kind);
    if (!kind.ok()) return kind.status();
    const events::ReceiptEvent ev = JournalEventOf(out, w.original_line_nos, shift_id);
    auto entry = AppendJournal(db, events::ReceiptKindName(*kind), events::SaleEvent::kVersion, ev.ToJson(), clock);
    if (!entry.ok()) return entry.status();
    out.journal_seq = entry->seq;
    out.journal_hash_hex = HexEncode(entry->hash);

    Statement& sale = db.Cached(
        "INSERT INTO sales (sale_uuid, receipt_no, kind, original_sale_id, business_date, occurred_at, "
        "cashier_id, approved_by, shift_id, member_id, points_earned, subtotal_fen, discount_fen, "
        "rounding_fen, total_fen, tax_fen, change_fen, journal_seq, journal_hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)");
    sale.Bind(1, w.sale_uuid).Bind(2, out.receipt_no).Bind(3, w.kind).Bind(4, w.original_sale_id);
    sale.Bind(5, out.business_date).Bind(6, out.occurred_at).Bind(7, w.cashier_id);
    sale.Bind(8, w.approved_by.empty() ? std::optional<std::string>() : w.approved_by);
    sale.Bind(9, shift_id).Bind(10, w.member_id).Bind(11, w.points_earned);
    sale.Bind(12, w.priced.subtotal_fen).Bind(13, w.priced.discount_fen).Bind(14, w.priced.rounding_fen);
    sale.Bind(15, w.priced.total_fen).Bind(16, w.priced.tax_fen).Bind(17, w.change_fen);
    sale.Bind(18, out.journal_seq).Bind(19, out.journal_hash_hex);
    sale.Run();
    out.sale_id = db.LastInsertRowId();

    Statement& line = db.Cached(
        "INSERT INTO sale_lines (sale_id, line_no, original_line_no, product_id, sku, name, unit, qty_milli, "
        "unit_price_fen, original_unit_price_fen, gross_fen, promo_discount_fen, line_discount_fen, "
        "order_discount_fen, rounding_fen, discount_fen, total_fen, tax_rate_bp, tax_fen, promo_ids) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)");
    for (const PricedLine& l : w.priced.lines) {
      std::string promo_ids;
      for (const auto& p : l.promo_ids) promo_ids += (promo_ids.empty() ? "" : ",") + p;
      auto orig = w.original_line_nos.find(l.line_no);
      line.Bind(1, out.sale_id).Bind(2, l.line_no);
      line.Bind(3, orig == w.original_line_nos.end() ? std::optional<int64_t>() : orig->second);
      line.Bind(4, l.product_id).Bind(5, l.sku).Bind(6, l.name);
      line.Bind(7, SaleUnitName(l.unit)).Bind(8, l.qty_milli);
      line.Bind(9, l.unit_price_fen).Bind(10, l.original_unit_price_fen).Bind(11, l.gross_fen);
      line.Bind(12, l.promo_discount_fen).Bind(13, l.line_discount_fen).Bind(14, l.order_discount_fen);
      line.Bind(15, l.rounding_fen).Bind(16, l.discount_fen).Bind(17, l.total_fen);
      line.Bind(18, l.tax_rate_bp).Bind(19, l.tax_fen).Bind(20, promo_ids);
      line.Run();
    }
    // What the receipt does to stock is the event's rule (events.h), keyed by
    // SKU; this store's lines know each SKU's product row.
    std::map<std::string, int64_t> product_of;
    for (const PricedLine& l : w.priced.lines) product_of[l.sku] = l.product_id;
    for (const events::StockDelta& d : ev.EffectsAs(*kind).stock) {
      RecordMovement(db, product_of.at(d.sku), d.qty_milli, d.reason, out.receipt_no, w.cashier_id, "",
                     out.occurred_at);
    }

    Statement& tender = db.Cached(
        "INSERT INTO sale_tenders (sale_id, seq, method, provider, amount_fen, tendered_fen, reference, "
        "payment_attempt_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
        "(SELECT id FROM payment_attempts WHERE attempt_key = ?8))");
    int seq = 1;
    for (const Tender& t : w.tenders) {
      tender.Bind(1, out.sale_id).Bind(2, seq++).Bind(3, t.method);
      tender.Bind(4, t.provider.empty() ? std::optional<std::string>() : t.provider);
      tender.Bind(5, t.amount_fen);
      tender.Bind(6, t.method == "cash" ? std::optional<int64_t>(t.tendered_fen) : std::nullopt);
      tender.Bind(7, t.reference.empty() ? std::optional<std::string>() : t.reference);
      tender.Bind(8, t.attempt_key);
      tender.Run();
    }

    Statement& promo = db.Cached(
        "INSERT INTO sale_promotions (sale_id, promo_id, name, discount_fen) VALUES (?, ?, ?, ?)");
    for (const auto& p : w.priced.promotions) {
      promo.Bind(1, out.sale_id).Bind(2, p.promo_id).Bind(3, p.name).Bind(4, p.discount_fen).Run();
    }

    if (w.member_id && w.points_earned != 0) {
      db.Cached("UPDATE members SET points = points + ? WHERE id = ?").Bind(1, w.points_earned).Bind(2, *w.member_id).Run();
    }

    for (const AuditRow& a : w.audit) {
      nlohmann::json after = a.after.is_null() ? nlohmann::json::object() : a.after;
      after["receipt_no"] = out.receipt_no;
      RecordAudit(db,
                  {a.action, w.cashier_id, a.approved_by,
                   a.reason.empty() ? std::optional<std::string>() : a.reason,
                   a.before.is_null() ? std::optional<std::string>() : a.before.dump(), after.dump()},
                  FormatUtc(a.at_ms));
    }
    tx.Commit();
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
