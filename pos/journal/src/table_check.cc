// Re-deriving the projection tables from the journal (table_check.h).
#include "linli/pos/table_check.h"

#include <map>
#include <set>
#include <tuple>

#include "linli/pos/crypto.h"
#include "linli/pos/events.h"
#include "linli/pos/journal.h"

namespace linli {
namespace {

std::string Show(int64_t v) { return std::to_string(v); }
std::string Show(const std::string& v) { return "\"" + v + "\""; }
template <typename T>
std::string Show(const std::optional<T>& v) {
  return v ? Show(*v) : std::string("(none)");
}

constexpr const char kEntryColumns[] =
    "SELECT seq, event_id, type, type_version, epoch, occurred_at, payload, prev_hash, hash FROM journal ";

JournalEntry ReadEntry(const Statement& s) {
  JournalEntry e;
  e.seq = s.Int(0);
  e.event_id = s.Text(1);
  e.type = s.Text(2);
  e.type_version = static_cast<int>(s.Int(3));
  e.epoch = s.Int(4);
  e.occurred_at = s.Text(5);
  e.payload = s.Blob(6);
  e.prev_hash = s.Blob(7);
  e.hash = s.Blob(8);
  return e;
}

// Collects what disagrees; the first kMaxListed are kept.
class Checker {
 public:
  Checker(Database& db, TableCheckReport& report) : db_(db), rep_(report) {}

  void Add(TableMismatch m) {
    rep_.ok = false;
    ++rep_.mismatch_count;
    if (rep_.mismatches.size() < TableCheckReport::kMaxListed) rep_.mismatches.push_back(std::move(m));
  }
  template <typename T>
  void Field(int64_t seq, const std::string& subject, const char* table, const std::string& field,
             const T& journal, const T& found) {
    if (journal != found) Add({seq, subject, table, field, Show(journal), Show(found)});
  }

  // The journal row still hashes to what it stores.
  bool Intact(const std::string& device_id, const JournalEntry& e, const std::string& subject) {
    if (ComputeJournalHash(device_id, e) == e.hash) return true;
    Add({e.seq, subject, "journal", "payload", "", ""});
    return false;
  }

  void Receipt(events::ReceiptKind kind, const events::ReceiptEvent& ev, const JournalEntry& e,
               std::set<std::string>& seen_uuids) {
    ++rep_.receipts_checked;
    const std::string& who = ev.receipt_no;
    seen_uuids.insert(ev.sale_uuid);
    Statement& s = db_.Cached(
        "SELECT s.id, s.receipt_no, s.kind, s.business_date, s.cashier_id, s.approved_by, s.shift_id, "
        "s.subtotal_fen, s.discount_fen, s.rounding_fen, s.total_fen, s.tax_fen, s.change_fen, s.journal_seq, "
        "s.journal_hash, o.receipt_no, s.points_earned "
        "FROM sales s LEFT JOIN sales o ON o.id = s.original_sale_id WHERE s.sale_uuid = ?");
    s.Bind(1, ev.sale_uuid);
    if (!s.Step()) {
      s.Reset();
      Add({e.seq, who, "sales", "", "receipt " + who, ""});
      return;
    }
    const int64_t sale_id = s.Int(0);
    const char* t = "sales";
    Field(e.seq, who, t, "receipt_no", ev.receipt_no, s.Text(1));
    Field(e.seq, who, t, "kind", std::string(events::ReceiptKindName(kind)), s.Text(2));
    Field(e.seq, who, t, "business_date", ev.business_date, s.Text(3));
    Field(e.seq, who, t, "cashier_id", ev.cashier, s.Text(4));
    Field(e.seq, who, t, "approved_by", ev.approved_by, s.OptText(5));
    Field(e.seq, who, t, "shift_id", ev.shift, s.OptInt(6));
    Field(e.seq, who, t, "subtotal_fen", ev.subtotal_fen, s.Int(7));
    Field(e.seq, who, t, "discount_fen", ev.discount_fen, s.Int(8));
    Field(e.seq, who, t, "rounding_fen", ev.rounding_fen, s.Int(9));
    Field(e.seq, who, t, "total_fen", ev.total_fen, s.Int(10));
    Field(e.seq, who, t, "tax_fen", ev.tax_fen, s.Int(11));
    Field(e.seq, who, t, "change_fen", ev.change_fen, s.Int(12));
    Field(e.seq, who, t, "journal_seq", e.seq, s.Int(13));
    Field(e.seq, who, t, "journal_hash", HexEncode(e.hash), s.Text(14));
    Field(e.seq, who, t, "original_sale_id", ev.original_receipt_no, s.OptText(15));
    Field(e.seq, who, t, "points_earned", ev.member ? ev.member->points : int64_t{0}, s.Int(16));
    s.Reset();

    Statement& lines = db_.Cached(
        "SELECT line_no, sku, qty_milli, unit_price_fen, gross_fen, discount_fen, rounding_fen, total_fen, "
        "tax_rate_bp, tax_fen, original_line_no FROM sale_lines WHERE sale_id = ? ORDER BY line_no");
    lines.Bind(1, sale_id);
    std::map<int64_t, const events::ReceiptLine*> want;
    for (const events::ReceiptLine& l : ev.lines) want[l.line] = &l;
    while (lines.Step()) {
      const int64_t no = lines.Int(0);
      const std::string f = "line " + std::to_string(no) + " ";
      auto it = want.find(no);
      if (it == want.end()) {
        Add({e.seq, who, "sale_lines", "line " + std::to_string(no), "", "line " + std::to_string(no)});
        continue;
      }
      const events::ReceiptLine& l = *it->second;
      const char* lt = "sale_lines";
      Field(e.seq, who, lt, f + "sku", l.sku, lines.Text(1));
      Field(e.seq, who, lt, f + "qty_milli", l.qty_milli, lines.Int(2));
      Field(e.seq, who, lt, f + "unit_price_fen", l.unit_price_fen, lines.Int(3));
      Field(e.seq, who, lt, f + "gross_fen", l.gross_fen, lines.Int(4));
      Field(e.seq, who, lt, f + "discount_fen", l.discount_fen, lines.Int(5));
      Field(e.seq, who, lt, f + "rounding_fen", l.rounding_fen, lines.Int(6));
      Field(e.seq, who, lt, f + "total_fen", l.total_fen, lines.Int(7));
      Field(e.seq, who, lt, f + "tax_rate_bp", l.tax_rate_bp, lines.Int(8));
      Field(e.seq, who, lt, f + "tax_fen", l.tax_fen, lines.Int(9));
      Field(e.seq, who, lt, f + "original_line_no", l.original_line, lines.OptInt(10));
      want.erase(it);
    }
    lines.Reset();
    for (const auto& [no, l] : want) {
      Add({e.seq, who, "sale_lines", "line " + std::to_string(no), "line " + std::to_string(no), ""});
    }

    Statement& tenders = db_.Cached(
        "SELECT seq, method, amount_fen, provider, reference FROM sale_tenders WHERE sale_id = ? ORDER BY seq");
    tenders.Bind(1, sale_id);
    size_t i = 0;
    while (tenders.Step()) {
      const std::string f = "tender " + std::to_string(tenders.Int(0)) + " ";
      if (i >= ev.tenders.size()) {
        Add({e.seq, who, "sale_tenders", "tender " + std::to_string(tenders.Int(0)), "",
             tenders.Text(1) + " " + std::to_string(tenders.Int(2))});
        continue;
      }
      const events::ReceiptTender& want_t = ev.tenders[i++];
      const char* tt = "sale_tenders";
      Field(e.seq, who, tt, f + "method", want_t.method, tenders.Text(1));
      Field(e.seq, who, tt, f + "amount_fen", want_t.amount_fen, tenders.Int(2));
      Field(e.seq, who, tt, f + "provider", want_t.provider, tenders.OptText(3));
      Field(e.seq, who, tt, f + "reference", want_t.reference, tenders.OptText(4));
    }
    tenders.Reset();
    for (; i < ev.tenders.size(); ++i) {
      Add({e.seq, who, "sale_tenders", "tender " + std::to_string(i + 1),
           ev.tenders[i].method + " " + std::to_string(ev.tenders[i].amount_fen), ""});
    }

    // Its stock movements (ref = the receipt number), per SKU and reason.
    std::map<std::pair<std::string, std::string>, int64_t> moved;
    for (const events::StockDelta& d : ev.EffectsAs(kind).stock) {
      moved[{d.sku, MovementReasonName(d.reason)}] += d.qty_milli;
    }
    Statement& mv = db_.Cached(
        "SELECT p.sku, m.reason, SUM(m.qty_milli) FROM stock_movements m JOIN products p ON p.id = m.product_id "
        "WHERE m.ref = ? GROUP BY p.sku, m.reason");
    mv.Bind(1, ev.receipt_no);
    std::map<std::pair<std::string, std::string>, int64_t> found;
    while (mv.Step()) found[{mv.Text(0), mv.Text(1)}] = mv.Int(2);
    mv.Reset();
    CompareSums(e.seq, who, "stock_movements", moved, found);
  }

  void CompareSums(int64_t seq, const std::string& who, const char* table,
                   const std::map<std::pair<std::string, std::string>, int64_t>& journal,
                   const std::map<std::pair<std::string, std::string>, int64_t>& found) {
    std::set<std::pair<std::string, std::string>> keys;
    for (const auto& [k, v] : journal) keys.insert(k);
    for (const auto& [k, v] : found) keys.insert(k);
    for (const auto& k : keys) {
      auto j = journal.find(k);
      auto f = found.find(k);
      const int64_t jv = j == journal.end() ? 0 : j->second;
      const int64_t fv = f == found.end() ? 0 : f->second;
      if (jv != fv) Add({seq, who, table, "SKU " + k.first + " " + k.second + " qty_milli", Show(jv), Show(fv)});
    }
  }

  // A shift's row and its pay-ins and pay-outs against its events.
  void Shift(int64_t shift_id, const std::optional<events::ShiftOpenEvent>& open, int64_t open_seq,
             const std::optional<events::ShiftCloseEvent>& close, int64_t close_seq,
             const std::map<int64_t, std::pair<int64_t, events::CashMovementEvent>>& movements) {
    const std::string who = "shift " + std::to_string(shift_id);
    Statement& s = db_.Cached(
        "SELECT user_id, status, opened_at, float_fen, closed_at, closed_by, counted_cash_fen, expected_cash_fen "
        "FROM shifts WHERE id = ?");
    s.Bind(1, shift_id);
    const bool have_row = s.Step();
    if (!have_row) {
      if (open) Add({open_seq, who, "shifts", "", who, ""});
    } else if (!open) {
      Add({0, who, "shifts", "", "", who});
    } else {
      const char* t = "shifts";
      Field(open_seq, who, t, "user_id", open->user_id, s.Text(0));
      Field(open_seq, who, t, "opened_at", open->opened_at, s.Text(2));
      Field(open_seq, who, t, "float_fen", open->float_fen, s.Int(3));
      Field(close_seq ? close_seq : open_seq, who, t, "status", std::string(close ? "closed" : "open"), s.Text(1));
      if (close) {
        Field(close_seq, who, t, "closed_at", std::optional<std::string>(close->closed_at), s.OptText(4));
        Field(close_seq, who, t, "closed_by", std::optional<std::string>(close->closed_by), s.OptText(5));
        Field(close_seq, who, t, "counted_cash_fen", std::optional<int64_t>(close->counted_cash_fen), s.OptInt(6));
        Field(close_seq, who, t, "expected_cash_fen", std::optional<int64_t>(close->expected_cash_fen),
              s.OptInt(7));
      }
    }
    s.Reset();

    Statement& c = db_.Cached(
        "SELECT id, kind, amount_fen, reason, user_id FROM cash_movements WHERE shift_id = ? ORDER BY id");
    c.Bind(1, shift_id);
    std::set<int64_t> seen;
    while (c.Step()) {
      const int64_t id = c.Int(0);
      const std::string mwho = "cash movement " + std::to_string(id);
      const std::string kind = c.Text(1);
      if (kind == "no_sale") {  // a drawer open without money: not journaled, holds nothing
        Field(int64_t{0}, mwho, "cash_movements", "amount_fen", int64_t{0}, c.Int(2));
        continue;
      }
      auto it = movements.find(id);
      if (it == movements.end()) {
        Add({0, mwho, "cash_movements", "", "", kind + " " + std::to_string(c.Int(2))});
        continue;
      }
      seen.insert(id);
      const int64_t seq = it->second.first;
      const events::CashMovementEvent& ev = it->second.second;
      const char* t = "cash_movements";
      Field(seq, mwho, t, "kind", ev.kind, kind);
      Field(seq, mwho, t, "amount_fen", ev.amount_fen, c.Int(2));
      Field(seq, mwho, t, "reason", ev.reason, c.Text(3));
      Field(seq, mwho, t, "user_id", ev.user_id, c.Text(4));
    }
    c.Reset();
    for (const auto& [id, m] : movements) {
      if (!seen.count(id)) {
        Add({m.first, "cash movement " + std::to_string(id), "cash_movements", "",
             m.second.kind + " " + std::to_string(m.second.amount_fen), ""});
      }
    }
  }

 private:
  Database& db_;
  TableCheckReport& rep_;
};

struct ShiftEvents {
  std::optional<events::ShiftOpenEvent> open;
  int64_t open_seq = 0;
  std::optional<events::ShiftCloseEvent> close;
  int64_t close_seq = 0;
  std::map<int64_t, std::pair<int64_t, events::CashMovementEvent>> movements;  // id → (seq, event)
};

}  // namespace

std::string TableMismatch::Sentence() const {
  const std::string at = seq ? " (journal seq " + std::to_string(seq) + ")" : std::string();
  if (table == "journal") {
    return subject + ": journal row changed since it was written" + at + "; run `linli journal verify`";
  }
  const std::string what = field.empty() ? table + " row" : table + " " + field;
  if (found.empty() && !journal.empty()) return subject + ": " + what + " is in the journal" + at + " but missing from the table";
  if (journal.empty() && !found.empty()) return subject + ": " + what + " (" + found + ") is in the table but in no journal event";
  return subject + ": " + table + "." + field + " is " + found + " in the table but " + journal + " in the journal" + at;
}

std::string TableCheckReport::Summary() const {
  if (!error.empty()) return "the tables could not be checked against the journal: " + error;
  if (ok) {
    return "tables match the journal (" + std::to_string(receipts_checked) + " receipts, " +
           std::to_string(events_checked) + " events)";
  }
  std::string s = std::to_string(mismatch_count) + (mismatch_count == 1 ? " row disagrees" : " rows disagree") +
                  " with the journal:";
  for (size_t i = 0; i < mismatches.size() && i < 3; ++i) s += (i ? "; " : " ") + mismatches[i].Sentence();
  if (mismatch_count > 3) s += "; and " + std::to_string(mismatch_count - 3) + " more";
  return s;
}

nlohmann::json TableCheckReport::ToJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const TableMismatch& m : mismatches) {
    list.push_back({{"seq", m.seq},         {"subject", m.subject}, {"table", m.table},       {"field", m.field},
                    {"journal", m.journal}, {"found", m.found},     {"text", m.Sentence()}});
  }
  return {{"ok", ok},
          {"receipts_checked", receipts_checked},
          {"events_checked", events_checked},
          {"mismatch_count", mismatch_count},
          {"mismatches", std::move(list)},
          {"error", error}};
}

TableCheckReport CheckTables(Database& db, const TableCheckScope& scope) {
  TableCheckReport rep;
  Checker check(db, rep);
  try {
    ReadSnapshot snapshot(db);
    Statement dev = db.Prepare("SELECT device_id FROM device WHERE id = 1");
    if (!dev.Step()) {
      rep.ok = false;
      rep.error = "this store database has no device key";
      return rep;
    }
    const std::string device_id = dev.Text(0);

    // The receipt events in scope. A payload field is matched in SQL to read
    // only those; each is decoded and checked in full below. One receipt is
    // looked up at the seq its sales row names first, and only when that row
    // does not lead to it, by scanning.
    auto receipt_rows = [&](bool by_seq) {
      std::string where = "WHERE type IN ('sale', 'refund', 'void')";
      if (scope.business_date) where += " AND json_extract(CAST(payload AS TEXT), '$.business_date') = ?1";
      if (scope.shift_id) where += " AND json_extract(CAST(payload AS TEXT), '$.shift') = ?2";
      if (scope.receipt_no) where += " AND json_extract(CAST(payload AS TEXT), '$.receipt_no') = ?3";
      if (by_seq) where += " AND seq IN (SELECT journal_seq FROM sales WHERE receipt_no = ?3)";
      if (scope.Whole()) where = "";
      Statement q = db.Prepare(std::string(kEntryColumns) + where + " ORDER BY seq");
      if (scope.business_date) q.Bind(1, *scope.business_date);
      if (scope.shift_id) q.Bind(2, *scope.shift_id);
      if (scope.receipt_no) q.Bind(3, *scope.receipt_no);
      return q;
    };
    std::optional<Statement> rows;
    rows.emplace(receipt_rows(scope.receipt_no.has_value()));
    bool any_row = rows->Step();
    if (!any_row && scope.receipt_no) {
      rows.reset();
      rows.emplace(receipt_rows(false));
      any_row = rows->Step();
    }

    std::set<std::string> seen_uuids;
    std::set<std::string> receipt_nos;
    std::map<int64_t, ShiftEvents> shifts;
    std::map<std::pair<std::string, std::string>, int64_t> manual_moves;  // stock_movement@1 per (sku, reason)
    std::map<std::string, int64_t> on_hand;                               // every stock effect per SKU
    auto read_shift_event = [&](const JournalEntry& e, const events::AnyEvent& any) {
      if (auto* o = std::get_if<events::ShiftOpenEvent>(&any)) {
        shifts[o->shift_id].open = *o;
        shifts[o->shift_id].open_seq = e.seq;
      } else if (auto* c = std::get_if<events::ShiftCloseEvent>(&any)) {
        shifts[c->shift_id].close = *c;
        shifts[c->shift_id].close_seq = e.seq;
      } else if (auto* m = std::get_if<events::CashMovementEvent>(&any)) {
        shifts[m->shift_id].movements[m->movement_id] = {e.seq, *m};
      }
    };
    for (; any_row; any_row = rows->Step()) {
      const JournalEntry e = ReadEntry(*rows);
      ++rep.events_checked;
      const std::string who = "seq " + std::to_string(e.seq);
      if (!check.Intact(device_id, e, who)) continue;
      auto any = events::Decode(e.type, e.type_version, e.payload);
      if (!any.ok()) {
        check.Add({e.seq, who, "journal", "payload", "", ""});
        continue;
      }
      if (auto fx = events::EffectsOf(e.type, e.type_version, e.payload); fx.ok()) {
        for (const events::StockDelta& d : fx->stock) on_hand[d.sku] += d.qty_milli;
      }
      if (auto* m = std::get_if<events::StockMovementEvent>(&*any)) {
        for (const events::StockDelta& d : m->Effects().stock) manual_moves[{d.sku, MovementReasonName(d.reason)}] += d.qty_milli;
        continue;
      }
      const events::ReceiptEvent* r = nullptr;
      events::ReceiptKind kind = events::ReceiptKind::kSale;
      if (auto* s = std::get_if<events::SaleEvent>(&*any)) r = s;
      if (auto* s = std::get_if<events::RefundEvent>(&*any)) r = s, kind = events::ReceiptKind::kRefund;
      if (auto* s = std::get_if<events::VoidEvent>(&*any)) r = s, kind = events::ReceiptKind::kVoid;
      if (r) {
        check.Receipt(kind, *r, e, seen_uuids);
        receipt_nos.insert(r->receipt_no);
        if (r->shift && !scope.receipt_no) shifts[*r->shift];
        continue;
      }
      read_shift_event(e, *any);
    }
    rows.reset();

    // The shift events of the shifts in scope (the whole pass read them already).
    if (!scope.Whole() && !scope.receipt_no) {
      if (scope.shift_id) shifts[*scope.shift_id];
      Statement se = db.Prepare(std::string(kEntryColumns) +
                                "WHERE type IN ('shift_open', 'shift_close', 'cash_movement') AND "
                                "json_extract(CAST(payload AS TEXT), '$.shift_id') = ? ORDER BY seq");
      for (auto& [id, unused] : shifts) {
        se.Bind(1, id);
        while (se.Step()) {
          const JournalEntry e = ReadEntry(se);
          ++rep.events_checked;
          if (!check.Intact(device_id, e, "seq " + std::to_string(e.seq))) continue;
          auto any = events::Decode(e.type, e.type_version, e.payload);
          if (!any.ok()) {
            check.Add({e.seq, "seq " + std::to_string(e.seq), "journal", "payload", "", ""});
            continue;
          }
          read_shift_event(e, *any);
        }
        se.Reset();
      }
    }
    if (scope.Whole()) {
      Statement all = db.Prepare("SELECT id FROM shifts");
      while (all.Step()) shifts[all.Int(0)];
    }
    for (const auto& [id, ev] : shifts) check.Shift(id, ev.open, ev.open_seq, ev.close, ev.close_seq, ev.movements);

    // Sales rows in scope that no journal event describes.
    std::string sales_where = "WHERE 1";
    if (scope.business_date) sales_where += " AND business_date = ?1";
    if (scope.shift_id) sales_where += " AND shift_id = ?2";
    if (scope.receipt_no) sales_where += " AND receipt_no = ?3";
    Statement extra = db.Prepare("SELECT sale_uuid, receipt_no, total_fen FROM sales " + sales_where);
    if (scope.business_date) extra.Bind(1, *scope.business_date);
    if (scope.shift_id) extra.Bind(2, *scope.shift_id);
    if (scope.receipt_no) extra.Bind(3, *scope.receipt_no);
    while (extra.Step()) {
      if (!seen_uuids.count(extra.Text(0))) {
        check.Add({0, extra.Text(1), "sales", "", "", "total_fen " + std::to_string(extra.Int(2))});
      }
    }

    if (scope.Whole()) {
      // Stock moved by hand, and receipts' movements naming no receipt.
      std::map<std::pair<std::string, std::string>, int64_t> found;
      Statement m = db.Prepare(
          "SELECT p.sku, m.reason, SUM(m.qty_milli) FROM stock_movements m JOIN products p ON p.id = m.product_id "
          "WHERE m.ref IS NULL GROUP BY p.sku, m.reason");
      while (m.Step()) found[{m.Text(0), m.Text(1)}] = m.Int(2);
      check.CompareSums(0, "stock", "stock_movements", manual_moves, found);
      Statement orphan = db.Prepare(
          "SELECT m.ref, COUNT(*) FROM stock_movements m WHERE m.ref IS NOT NULL GROUP BY m.ref");
      while (orphan.Step()) {
        if (!receipt_nos.count(orphan.Text(0))) {
          check.Add({0, orphan.Text(0), "stock_movements", "", "", std::to_string(orphan.Int(1)) + " rows"});
        }
      }
      // What is on the shelf is the sum of everything that moved it.
      std::map<std::string, int64_t> shelf;
      Statement soh = db.Prepare(
          "SELECT p.sku, s.qty_milli FROM stock_on_hand s JOIN products p ON p.id = s.product_id");
      while (soh.Step()) shelf[soh.Text(0)] = soh.Int(1);
      std::set<std::string> skus;
      for (const auto& [k, v] : shelf) skus.insert(k);
      for (const auto& [k, v] : on_hand) skus.insert(k);
      for (const std::string& sku : skus) {
        const int64_t want = on_hand.count(sku) ? on_hand.at(sku) : 0;
        const int64_t have = shelf.count(sku) ? shelf.at(sku) : 0;
        if (want != have) check.Add({0, "SKU " + sku, "stock_on_hand", "qty_milli", Show(want), Show(have)});
      }
    }
  } catch (const DbError& e) {
    rep.ok = false;
    rep.error = DbErrorToStatus(e).message();
  }
  return rep;
}

}  // namespace linli
