#include "linli/pos/events.h"

#include <set>

#include "linli/pos/canonical_json.h"

namespace linli::events {
namespace {

using json = nlohmann::json;

// Thrown by Fields while decoding, caught at the FromPayload boundary and
// turned into InvalidArgument; it never leaves this file.
struct DecodeError {
  std::string message;
};

// A strict view of one JSON object at `path`: each getter takes a field,
// checks its type and remembers it; Done() refuses any field not taken.
class Fields {
 public:
  Fields(const json& j, std::string path) : j_(j), path_(std::move(path)) {
    if (!j_.is_object()) Fail(path_ + " must be an object");
  }

  std::string Str(const char* key) {
    const json& v = Need(key);
    if (!v.is_string()) Fail(Path(key) + " must be a string");
    return v.get<std::string>();
  }
  int64_t Int(const char* key) {
    const json& v = Need(key);
    if (!v.is_number_integer()) Fail(Path(key) + " must be an integer");
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
      Fail(Path(key) + " is out of range");
    }
    return v.get<int64_t>();
  }
  std::optional<std::string> OptStr(const char* key) {
    if (!j_.contains(key)) return std::nullopt;
    return Str(key);
  }
  std::optional<int64_t> OptInt(const char* key) {
    if (!j_.contains(key)) return std::nullopt;
    return Int(key);
  }
  bool Has(const char* key) const { return j_.contains(key); }
  // Calls each(item, path) for every element of the array `key`.
  template <typename F>
  void Array(const char* key, F each) {
    const json& v = Need(key);
    if (!v.is_array()) Fail(Path(key) + " must be an array");
    for (size_t i = 0; i < v.size(); ++i) each(v[i], Path(key) + "[" + std::to_string(i) + "]");
  }
  void Done() {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      if (!taken_.count(it.key())) Fail(Path(it.key().c_str()) + " is not a field of this event");
    }
  }
  [[noreturn]] static void Fail(std::string m) { throw DecodeError{std::move(m)}; }

 private:
  const json& Need(const char* key) {
    auto it = j_.find(key);
    if (it == j_.end()) Fail(Path(key) + " is missing");
    taken_.insert(key);
    return *it;
  }
  std::string Path(const char* key) const { return path_ + "." + key; }

  const json& j_;
  std::string path_;
  std::set<std::string> taken_;
};

// Parses `payload` and runs `read` over its top-level Fields; any refusal
// becomes InvalidArgument prefixed with "type@version: ".
template <typename T, typename Read>
Result<T> DecodeWith(std::string_view type, int version, std::string_view payload, Read read) {
  const std::string what = std::string(type) + "@" + std::to_string(version) + ": ";
  json j;
  try {
    j = json::parse(payload.begin(), payload.end());
  } catch (const json::exception&) {
    return Status::InvalidArgument(what + "payload is not valid JSON");
  }
  try {
    Fields f(j, "$");
    T out = read(f);
    f.Done();
    return out;
  } catch (const DecodeError& e) {
    return Status::InvalidArgument(what + e.message);
  }
}

Result<std::string> Canonical(const json& j) { return CanonicalJson(j); }

void PutOpt(json& j, const char* key, const std::optional<std::string>& v) {
  if (v) j[key] = *v;
}
void PutOpt(json& j, const char* key, const std::optional<int64_t>& v) {
  if (v) j[key] = *v;
}

struct ReasonName {
  MovementReason reason;
  const char* name;
  const char* zh;
};
constexpr ReasonName kReasons[] = {
    {MovementReason::kReceive, "receive", "收货"},
    {MovementReason::kCount, "count", "盘点"},
    {MovementReason::kDamage, "damage", "报损"},
    {MovementReason::kExpired, "expired", "过期"},
    {MovementReason::kLoss, "loss", "丢失"},
    {MovementReason::kReturnToSupplier, "return_to_supplier", "退供"},
    {MovementReason::kCorrection, "correction", "更正"},
    {MovementReason::kSale, "sale", "销售"},
    {MovementReason::kRefund, "refund", "退货"},
    {MovementReason::kVoid, "void", "作废"},
    {MovementReason::kTransferIn, "transfer_in", "调入"},
    {MovementReason::kTransferOut, "transfer_out", "调出"},
};

}  // namespace

// ---- reasons and kinds -------------------------------------------------------

Result<MovementReason> ParseMovementReason(std::string_view s) {
  for (const auto& r : kReasons) {
    if (s == r.name || s == r.zh) return r.reason;
  }
  return Status::InvalidArgument(
      "reason \"" + std::string(s) +
      "\" is unknown; use receive, count, damage, expired, loss, return_to_supplier, correction, "
      "transfer_in or transfer_out");
}

const char* MovementReasonName(MovementReason r) {
  for (const auto& x : kReasons) {
    if (x.reason == r) return x.name;
  }
  return "correction";
}

const char* ReceiptKindName(ReceiptKind k) {
  switch (k) {
    case ReceiptKind::kSale: return "sale";
    case ReceiptKind::kRefund: return "refund";
    case ReceiptKind::kVoid: return "void";
  }
  return "sale";
}

Result<ReceiptKind> ParseReceiptKind(std::string_view s) {
  if (s == "sale") return ReceiptKind::kSale;
  if (s == "refund") return ReceiptKind::kRefund;
  if (s == "void") return ReceiptKind::kVoid;
  return Status::InvalidArgument("receipt kind \"" + std::string(s) + "\" is unknown; use sale, refund or void");
}

// ---- sale@1, refund@1, void@1 --------------------------------------------------

json ReceiptEvent::ToJson() const {
  json jl = json::array();
  for (const ReceiptLine& l : lines) {
    json j = {{"line", l.line},
              {"sku", l.sku},
              {"qty_milli", l.qty_milli},
              {"unit_price_fen", l.unit_price_fen},
              {"gross_fen", l.gross_fen},
              {"discount_fen", l.discount_fen},
              {"rounding_fen", l.rounding_fen},
              {"total_fen", l.total_fen},
              {"tax_rate_bp", l.tax_rate_bp},
              {"tax_fen", l.tax_fen}};
    PutOpt(j, "original_line", l.original_line);
    jl.push_back(std::move(j));
  }
  json jt = json::array();
  for (const ReceiptTender& t : tenders) {
    json j = {{"method", t.method}, {"amount_fen", t.amount_fen}};
    PutOpt(j, "provider", t.provider);
    PutOpt(j, "reference", t.reference);
    jt.push_back(std::move(j));
  }
  json p = {{"sale_uuid", sale_uuid},         {"receipt_no", receipt_no},
            {"business_date", business_date}, {"cashier", cashier},
            {"lines", std::move(jl)},         {"subtotal_fen", subtotal_fen},
            {"discount_fen", discount_fen},   {"rounding_fen", rounding_fen},
            {"total_fen", total_fen},         {"tax_fen", tax_fen},
            {"tenders", std::move(jt)},       {"change_fen", change_fen}};
  PutOpt(p, "approved_by", approved_by);
  PutOpt(p, "original_receipt_no", original_receipt_no);
  if (member) {
    p["member"] = member->phone;
    p["points"] = member->points;
  }
  PutOpt(p, "shift", shift);
  return p;
}

EventEffects ReceiptEvent::EffectsAs(ReceiptKind k) const {
  const int64_t sign = Sign(k);
  EventEffects fx;
  fx.receipt_date = business_date;
  fx.refund = k != ReceiptKind::kSale;
  const MovementReason reason = k == ReceiptKind::kSale     ? MovementReason::kSale
                                : k == ReceiptKind::kRefund ? MovementReason::kRefund
                                                            : MovementReason::kVoid;
  for (const ReceiptLine& l : lines) {
    fx.skus.push_back(l.sku);
    // A sale moves stock by -qty; a refund or void puts it back.
    fx.stock.push_back({l.sku, -sign * l.qty_milli, reason});
    SalesDelta s{business_date, l.sku, 0, 0, sign * l.tax_fen, sign * l.qty_milli};
    (k == ReceiptKind::kSale ? s.sales_fen : s.refunds_fen) = l.total_fen;
    fx.sales.push_back(std::move(s));
  }
  for (const ReceiptTender& t : tenders) {
    fx.tenders.push_back({business_date, t.method, sign * t.amount_fen});
    if (shift && t.method == "cash") fx.cash.push_back({*shift, sign * t.amount_fen});
  }
  return fx;
}

Result<ReceiptEvent> ReceiptEvent::Decode(std::string_view type, std::string_view payload) {
  return DecodeWith<ReceiptEvent>(type, 1, payload, [](Fields& f) {
    ReceiptEvent e;
    e.sale_uuid = f.Str("sale_uuid");
    e.receipt_no = f.Str("receipt_no");
    e.business_date = f.Str("business_date");
    e.cashier = f.Str("cashier");
    f.Array("lines", [&](const json& j, const std::string& path) {
      Fields l(j, path);
      ReceiptLine x;
      x.line = l.Int("line");
      x.sku = l.Str("sku");
      x.qty_milli = l.Int("qty_milli");
      x.unit_price_fen = l.Int("unit_price_fen");
      x.gross_fen = l.Int("gross_fen");
      x.discount_fen = l.Int("discount_fen");
      x.rounding_fen = l.Int("rounding_fen");
      x.total_fen = l.Int("total_fen");
      x.tax_rate_bp = l.Int("tax_rate_bp");
      x.tax_fen = l.Int("tax_fen");
      x.original_line = l.OptInt("original_line");
      l.Done();
      if (x.sku.empty()) Fields::Fail(path + ".sku must not be empty");
      e.lines.push_back(std::move(x));
    });
    e.subtotal_fen = f.Int("subtotal_fen");
    e.discount_fen = f.Int("discount_fen");
    e.rounding_fen = f.Int("rounding_fen");
    e.total_fen = f.Int("total_fen");
    e.tax_fen = f.Int("tax_fen");
    f.Array("tenders", [&](const json& j, const std::string& path) {
      Fields t(j, path);
      ReceiptTender x;
      x.method = t.Str("method");
      x.amount_fen = t.Int("amount_fen");
      x.provider = t.OptStr("provider");
      x.reference = t.OptStr("reference");
      t.Done();
      e.tenders.push_back(std::move(x));
    });
    e.change_fen = f.Int("change_fen");
    e.approved_by = f.OptStr("approved_by");
    e.original_receipt_no = f.OptStr("original_receipt_no");
    if (f.Has("member") || f.Has("points")) {
      // The two travel together: a member's phone and the points earned.
      e.member = ReceiptMember{f.Str("member"), f.Int("points")};
    }
    e.shift = f.OptInt("shift");
    return e;
  });
}

template <ReceiptKind K, const char* Name>
Result<std::string> ReceiptEventOf<K, Name>::ToPayload() const {
  return Canonical(ToJson());
}

template <ReceiptKind K, const char* Name>
Result<ReceiptEventOf<K, Name>> ReceiptEventOf<K, Name>::FromPayload(std::string_view payload) {
  auto r = ReceiptEvent::Decode(Name, payload);
  if (!r.ok()) return r.status();
  ReceiptEventOf out;
  static_cast<ReceiptEvent&>(out) = std::move(r).value();
  return out;
}

template struct ReceiptEventOf<ReceiptKind::kSale, kSaleType>;
template struct ReceiptEventOf<ReceiptKind::kRefund, kRefundType>;
template struct ReceiptEventOf<ReceiptKind::kVoid, kVoidType>;

// ---- stock_movement@1 ----------------------------------------------------------

json StockMovementEvent::ToJson() const {
  json p = {{"sku", sku}, {"qty_milli", qty_milli}, {"reason", MovementReasonName(reason)}};
  PutOpt(p, "user", user);
  PutOpt(p, "note", note);
  PutOpt(p, "counted_milli", counted_milli);
  return p;
}
Result<std::string> StockMovementEvent::ToPayload() const { return Canonical(ToJson()); }

EventEffects StockMovementEvent::Effects() const {
  EventEffects fx;
  fx.skus.push_back(sku);
  fx.stock.push_back({sku, qty_milli, reason});
  return fx;
}

Result<StockMovementEvent> StockMovementEvent::FromPayload(std::string_view payload) {
  return DecodeWith<StockMovementEvent>(kType, kVersion, payload, [](Fields& f) {
    StockMovementEvent e;
    e.sku = f.Str("sku");
    if (e.sku.empty()) Fields::Fail("$.sku must not be empty");
    e.qty_milli = f.Int("qty_milli");
    const std::string reason_name = f.Str("reason");
    bool known = false;
    for (const auto& r : kReasons) {
      if (reason_name == r.name) {
        e.reason = r.reason;
        known = true;
      }
    }
    if (!known) Fields::Fail("$.reason \"" + reason_name + "\" is not a movement reason");
    e.user = f.OptStr("user");
    e.note = f.OptStr("note");
    e.counted_milli = f.OptInt("counted_milli");
    return e;
  });
}

// ---- shift_open@1 --------------------------------------------------------------

json ShiftOpenEvent::ToJson() const {
  return {{"shift_id", shift_id}, {"user_id", user_id}, {"float_fen", float_fen}, {"opened_at", opened_at}};
}
Result<std::string> ShiftOpenEvent::ToPayload() const { return Canonical(ToJson()); }
EventEffects ShiftOpenEvent::Effects() const {
  EventEffects fx;
  fx.cash.push_back({shift_id, float_fen});
  return fx;
}
Result<ShiftOpenEvent> ShiftOpenEvent::FromPayload(std::string_view payload) {
  return DecodeWith<ShiftOpenEvent>(kType, kVersion, payload, [](Fields& f) {
    ShiftOpenEvent e;
    e.shift_id = f.Int("shift_id");
    e.user_id = f.Str("user_id");
    e.float_fen = f.Int("float_fen");
    e.opened_at = f.Str("opened_at");
    return e;
  });
}

// ---- cash_movement@1 -----------------------------------------------------------

json CashMovementEvent::ToJson() const {
  return {{"movement_id", movement_id}, {"shift_id", shift_id}, {"kind", kind},
          {"amount_fen", amount_fen},   {"reason", reason},     {"user_id", user_id},
          {"occurred_at", occurred_at}};
}
Result<std::string> CashMovementEvent::ToPayload() const { return Canonical(ToJson()); }
EventEffects CashMovementEvent::Effects() const {
  EventEffects fx;
  fx.cash.push_back({shift_id, kind == "pay_out" ? -amount_fen : amount_fen});
  return fx;
}
Result<CashMovementEvent> CashMovementEvent::FromPayload(std::string_view payload) {
  return DecodeWith<CashMovementEvent>(kType, kVersion, payload, [](Fields& f) {
    CashMovementEvent e;
    e.movement_id = f.Int("movement_id");
    e.shift_id = f.Int("shift_id");
    e.kind = f.Str("kind");
    if (e.kind != "pay_in" && e.kind != "pay_out") {
      Fields::Fail("$.kind \"" + e.kind + "\" must be pay_in or pay_out");
    }
    e.amount_fen = f.Int("amount_fen");
    e.reason = f.Str("reason");
    e.user_id = f.Str("user_id");
    e.occurred_at = f.Str("occurred_at");
    return e;
  });
}

// ---- shift_close@1 -------------------------------------------------------------

json ShiftCloseEvent::ToJson() const {
  json jt = json::array();
  for (const ShiftCloseTender& t : tenders) {
    jt.push_back({{"method", t.method},
                  {"provider", t.provider},
                  {"expected_fen", t.expected_fen},
                  {"counted_fen", t.counted_fen},
                  {"variance_fen", t.variance_fen}});
  }
  json jd = json::array();
  for (const ShiftCloseDenomination& d : denominations) jd.push_back({{"value_fen", d.value_fen}, {"count", d.count}});
  return {{"shift_id", shift_id},
          {"opened_by", opened_by},
          {"opened_at", opened_at},
          {"closed_by", closed_by},
          {"closed_at", closed_at},
          {"float_fen", float_fen},
          {"expected_cash_fen", expected_cash_fen},
          {"counted_cash_fen", counted_cash_fen},
          {"variance_fen", variance_fen},
          {"tenders", std::move(jt)},
          {"denominations", std::move(jd)}};
}
Result<std::string> ShiftCloseEvent::ToPayload() const { return Canonical(ToJson()); }
EventEffects ShiftCloseEvent::Effects() const { return {}; }
Result<ShiftCloseEvent> ShiftCloseEvent::FromPayload(std::string_view payload) {
  return DecodeWith<ShiftCloseEvent>(kType, kVersion, payload, [](Fields& f) {
    ShiftCloseEvent e;
    e.shift_id = f.Int("shift_id");
    e.opened_by = f.Str("opened_by");
    e.opened_at = f.Str("opened_at");
    e.closed_by = f.Str("closed_by");
    e.closed_at = f.Str("closed_at");
    e.float_fen = f.Int("float_fen");
    e.expected_cash_fen = f.Int("expected_cash_fen");
    e.counted_cash_fen = f.Int("counted_cash_fen");
    e.variance_fen = f.Int("variance_fen");
    f.Array("tenders", [&](const json& j, const std::string& path) {
      Fields t(j, path);
      ShiftCloseTender x;
      x.method = t.Str("method");
      x.provider = t.Str("provider");
      x.expected_fen = t.Int("expected_fen");
      x.counted_fen = t.Int("counted_fen");
      x.variance_fen = t.Int("variance_fen");
      t.Done();
      e.tenders.push_back(std::move(x));
    });
    f.Array("denominations", [&](const json& j, const std::string& path) {
      Fields d(j, path);
      ShiftCloseDenomination x;
      x.value_fen = d.Int("value_fen");
      x.count = d.Int("count");
      d.Done();
      e.denominations.push_back(x);
    });
    return e;
  });
}

// ---- product_edit@1 ------------------------------------------------------------

json ProductEditEvent::ToJson() const {
  json p = {{"action", action}, {"sku", sku},   {"name", name},          {"unit", unit},
            {"price_fen", price_fen}, {"user", user}, {"occurred_at", occurred_at}};
  PutOpt(p, "barcode", barcode);
  PutOpt(p, "approved_by", approved_by);
  PutOpt(p, "before_name", before_name);
  PutOpt(p, "before_price_fen", before_price_fen);
  return p;
}
Result<std::string> ProductEditEvent::ToPayload() const { return Canonical(ToJson()); }
EventEffects ProductEditEvent::Effects() const {
  EventEffects fx;
  fx.products.push_back({sku, name, unit, price_fen, barcode});
  return fx;
}
Result<ProductEditEvent> ProductEditEvent::FromPayload(std::string_view payload) {
  return DecodeWith<ProductEditEvent>(kType, kVersion, payload, [](Fields& f) {
    ProductEditEvent e;
    e.action = f.Str("action");
    if (e.action != "add" && e.action != "edit") Fields::Fail("$.action must be \"add\" or \"edit\"");
    e.sku = f.Str("sku");
    if (e.sku.empty()) Fields::Fail("$.sku must not be empty");
    e.name = f.Str("name");
    e.unit = f.Str("unit");
    if (e.unit != "pcs" && e.unit != "kg") Fields::Fail("$.unit must be \"pcs\" or \"kg\"");
    e.price_fen = f.Int("price_fen");
    if (e.price_fen < 0) Fields::Fail("$.price_fen must not be negative");
    e.barcode = f.OptStr("barcode");
    e.user = f.Str("user");
    e.approved_by = f.OptStr("approved_by");
    e.before_name = f.OptStr("before_name");
    e.before_price_fen = f.OptInt("before_price_fen");
    e.occurred_at = f.Str("occurred_at");
    return e;
  });
}

// ---- any type ------------------------------------------------------------------

bool IsKnownType(std::string_view type, int version) {
  for (const TypeVersion& t : kAllTypes) {
    if (type == t.type && version == t.version) return true;
  }
  return false;
}

namespace {
template <typename T>
Result<AnyEvent> As(std::string_view payload) {
  auto r = T::FromPayload(payload);
  if (!r.ok()) return r.status();
  return AnyEvent(std::move(r).value());
}
}  // namespace

Result<AnyEvent> Decode(std::string_view type, int version, std::string_view payload) {
  if (version == 1) {
    if (type == SaleEvent::kType) return As<SaleEvent>(payload);
    if (type == RefundEvent::kType) return As<RefundEvent>(payload);
    if (type == VoidEvent::kType) return As<VoidEvent>(payload);
    if (type == StockMovementEvent::kType) return As<StockMovementEvent>(payload);
    if (type == ShiftOpenEvent::kType) return As<ShiftOpenEvent>(payload);
    if (type == ShiftCloseEvent::kType) return As<ShiftCloseEvent>(payload);
    if (type == CashMovementEvent::kType) return As<CashMovementEvent>(payload);
    if (type == ProductEditEvent::kType) return As<ProductEditEvent>(payload);
  }
  return Status::InvalidArgument("unknown event type " + std::string(type) + "@" + std::to_string(version));
}

Result<EventEffects> EffectsOf(std::string_view type, int version, std::string_view payload) {
  auto e = Decode(type, version, payload);
  if (!e.ok()) return e.status();
  return std::visit([](const auto& ev) { return ev.Effects(); }, *e);
}

Result<std::string> Encode(const AnyEvent& event) {
  return std::visit([](const auto& ev) { return ev.ToPayload(); }, event);
}

}  // namespace linli::events
