#include "linli/pos/checkout.h"

#include <algorithm>

#include "linli/pos/canonical_json.h"
#include "linli/pos/crypto.h"
#include "linli/pos/inventory.h"
#include "linli/pos/journal.h"
#include "linli/pos/money.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/rounding.h"
#include "linli/pos/store.h"
#include "checkout_internal.h"

namespace linli {
namespace {

std::map<Role, int64_t> ParseRoleLimits(const std::optional<std::string>& text,
                                        std::map<Role, int64_t> defaults) {
  if (!text) return defaults;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return defaults;
  for (auto& [k, v] : j.items()) {
    auto role = ParseRole(k);
    if (role.ok() && v.is_number_integer()) defaults[*role] = v.get<int64_t>();
  }
  return defaults;
}

std::string MoneyText(int64_t fen) { return FormatYuan(Money::Fen(fen), true); }

// The share of `base` that `amount` is, in basis points, rounded UP so that a
// discount even a little over a limit counts as over it (half-up rounding let
// 24.97 off 239.60, 10.004%, pass a 10% limit). Over 100% when base is 0.
int64_t NeededBp(int64_t amount, int64_t base) {
  if (base <= 0) return 10001;
  return static_cast<int64_t>((static_cast<__int128>(amount) * 10000 + base - 1) / base);
}

nlohmann::json DiscountJson(const Discount& d) {
  return {{"kind", d.kind == Discount::Kind::kPercent ? "percent_bp" : "amount_fen"}, {"value", d.value}};
}

Discount DiscountFromJson(const nlohmann::json& d) {
  const int64_t v = d.value("value", int64_t{0});
  return d.value("kind", "") == "percent_bp" ? Discount::PercentBp(v) : Discount::AmountFen(v);
}

}  // namespace

std::string BusinessDate(int64_t unix_ms, const std::string& tz) {
  return FormatLocal(unix_ms, tz, "yyyy-MM-dd");
}

Result<CashRounding> ParseCashRounding(std::string_view s) {
  if (s == "none" || s.empty()) return CashRounding::kNone;
  if (s == "jiao_down") return CashRounding::kJiaoDown;
  if (s == "yuan_down") return CashRounding::kYuanDown;
  if (s == "jiao_nearest") return CashRounding::kJiaoNearest;
  return Status::InvalidArgument("cash rounding \"" + std::string(s) +
                                 "\" is unknown; use none, jiao_down, yuan_down or jiao_nearest");
}

const char* CashRoundingName(CashRounding r) {
  switch (r) {
    case CashRounding::kNone: return "none";
    case CashRounding::kJiaoDown: return "jiao_down";
    case CashRounding::kYuanDown: return "yuan_down";
    case CashRounding::kJiaoNearest: return "jiao_nearest";
  }
  return "none";
}

Result<CheckoutSettings> LoadCheckoutSettings(Database& db) {
  CheckoutSettings s;
  Status st = Guard([&]() -> Status {
    s.store_code = GetConfig(db, "store_code").value_or("");
    s.store_name = GetConfig(db, "store_name").value_or("");
    s.timezone = GetConfig(db, "timezone").value_or("Asia/Shanghai");
    auto rule = ParseCashRounding(GetConfig(db, "cash_rounding").value_or("none"));
    if (!rule.ok()) return rule.status();
    s.cash_rounding = *rule;
    s.rounding_cap_fen = ParseRoleLimits(GetConfig(db, "rounding_cap_fen"),
                                         {{Role::kCashier, 9}, {Role::kManager, 99}, {Role::kOwner, 99}});
    s.discount_limit_bp = ParseRoleLimits(GetConfig(db, "discount_limit_bp"),
                                          {{Role::kCashier, 1000}, {Role::kManager, 5000}, {Role::kOwner, 10000}});
    if (auto p = GetConfig(db, "points_per_yuan")) s.points_per_yuan = std::max<int64_t>(0, std::atoll(p->c_str()));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return s;
}

Result<User> CheckApproval(Database& db, const Approval& approval, Role min_role) {
  if (approval.pin.empty()) return Status::PermissionDenied("a manager PIN is needed for this").WithKey("pos.manager_pin_needed");
  if (!approval.manager_id.empty()) {
    auto u = Authenticate(db, approval.manager_id, approval.pin);
    if (!u.ok()) return Status::PermissionDenied("manager PIN wrong: " + u.status().message()).WithKey("pos.manager_pin_wrong");
    if (u->role < min_role) return Status::PermissionDenied("user " + u->id + " is not a manager").WithKey("pos.not_a_manager", {{"user", u->id}});
    return u;
  }
  auto users = ListUsers(db);
  if (!users.ok()) return users.status();
  for (const User& u : *users) {
    if (u.role < min_role) continue;
    if (Authenticate(db, u.id, approval.pin).ok()) return u;
  }
  return Status::PermissionDenied("manager PIN wrong; ask a manager to enter their PIN").WithKey("pos.manager_pin_wrong");
}

nlohmann::json CommittedSale::ToJson() const {
  nlohmann::json lines_json = nlohmann::json::array();
  for (const PricedLine& l : priced.lines) {
    nlohmann::json j = {{"line", l.line_no},
                        {"sku", l.sku},
                        {"name", l.name},
                        {"qty_milli", l.qty_milli},
                        {"unit_price_fen", l.unit_price_fen},
                        {"gross_fen", l.gross_fen},
                        {"promo_discount_fen", l.promo_discount_fen},
                        {"line_discount_fen", l.line_discount_fen},
                        {"order_discount_fen", l.order_discount_fen},
                        {"discount_fen", l.discount_fen},
                        {"rounding_fen", l.rounding_fen},
                        {"total_fen", l.total_fen},
                        {"tax_rate_bp", l.tax_rate_bp},
                        {"tax_fen", l.tax_fen}};
    if (l.original_unit_price_fen) j["original_unit_price_fen"] = *l.original_unit_price_fen;
    if (!l.promo_ids.empty()) j["promotions"] = l.promo_ids;
    lines_json.push_back(j);
  }
  nlohmann::json tenders_json = nlohmann::json::array();
  for (const Tender& t : tenders) {
    nlohmann::json j = {{"method", t.method}, {"amount_fen", t.method == "cash" ? t.tendered_fen : t.amount_fen}};
    if (!t.provider.empty()) j["provider"] = t.provider;
    if (!t.reference.empty()) j["reference"] = t.reference;
    if (t.method == "cash") j["applied_fen"] = t.amount_fen;
    tenders_json.push_back(j);
  }
  nlohmann::json promos = nlohmann::json::array();
  for (const auto& p : priced.promotions) {
    promos.push_back({{"id", p.promo_id}, {"name", p.name}, {"discount_fen", p.discount_fen}, {"lines", p.line_nos}});
  }
  nlohmann::json taxes = nlohmann::json::array();
  for (const auto& t : priced.tax_by_rate) {
    taxes.push_back({{"rate_bp", t.rate_bp}, {"total_fen", t.total_fen}, {"tax_fen", t.tax_fen}});
  }
  nlohmann::json j = {{"receipt_no", receipt_no},
                      {"kind", kind},
                      {"status", "completed"},
                      {"business_date", business_date},
                      {"occurred_at", occurred_at},
                      {"cashier", cashier_id},
                      {"lines", lines_json},
                      {"promotions", promos},
                      {"subtotal_fen", priced.subtotal_fen},
                      {"discount_fen", priced.discount_fen},
                      {"rounding_fen", priced.rounding_fen},
                      {"total_fen", priced.total_fen},
                      {"tax_fen", priced.tax_fen},
                      {"tax_by_rate", taxes},
                      {"tenders", tenders_json},
                      {"change_fen", change_fen},
                      {"journal_seq", journal_seq},
                      {"journal_hash", journal_hash_hex}};
  if (!original_receipt_no.empty()) j["original_receipt_no"] = original_receipt_no;
  if (!approved_by.empty()) j["approved_by"] = approved_by;
  if (!member_phone.empty()) {
    j["member"] = member_phone;
    j["points_earned"] = points_earned;
  }
  return j;
}

// ---------------------------------------------------------------------------
// Checkout

Checkout::Checkout(Database& db, const Clock& clock, User cashier, PaymentService* payments)
    : db_(db), clock_(clock), cashier_(std::move(cashier)), payments_(payments), catalog_(db) {
  sale_uuid_ = NewUuidV7(clock_.NowMs());
}

Status Checkout::Init() {
  auto s = LoadCheckoutSettings(db_);
  if (!s.ok()) return s.status();
  settings_ = *s;
  auto l = LoadScaleLayouts(db_);
  if (!l.ok()) return l.status();
  layouts_ = *l;
  auto p = LoadPromotions(db_);
  if (!p.ok()) return p.status();
  promotions_ = *p;
  timed_promotions_ = std::any_of(promotions_.begin(), promotions_.end(), PromotionDependsOnTime);
  Reset();
  return Status::Ok();
}

Cart& Checkout::MutableCart() {
  priced_.reset();
  return cart_;
}

void Checkout::Reset() {
  Cart& cart = MutableCart();
  cart = Cart();
  cart.cash_rounding = settings_.cash_rounding;
  cart.time_zone = settings_.timezone;
  cart.rounding_cap_fen = settings_.rounding_cap_fen[cashier_.role];
  next_line_ = 1;
  member_id_.reset();
  member_phone_.clear();
  tenders_.clear();
  pending_attempts_.clear();
  audit_.clear();
  approved_by_.clear();
  sale_uuid_ = NewUuidV7(clock_.NowMs());
  // A new sale starts: prices HQ scheduled for today take effect, offline too.
  // One index probe when nothing is due; a failure keeps yesterday's price.
  (void)ApplyDuePrices(db_, clock_);
}

bool Checkout::empty() const {
  return std::none_of(cart_.lines.begin(), cart_.lines.end(), [](const CartLine& l) { return !l.voided; });
}

CartLine* Checkout::FindLine(int line_no) {
  for (CartLine& l : MutableCart().lines) {
    if (l.line_no == line_no && !l.voided) return &l;
  }
  return nullptr;
}

Result<int> Checkout::AddProduct(const Product& p, int64_t qty_milli, std::optional<int64_t> label_amount) {
  if (!tenders_.empty()) {
    return Status::FailedPrecondition("payment has started; finish or cancel it before adding items").WithKey("pos.payment_started_add");
  }
  if (qty_milli <= 0) return Status::InvalidArgument("quantity must be more than zero").WithKey("pos.qty_positive");
  if (merge_rescans_ && !label_amount && ParseSaleUnit(p.unit) == SaleUnit::kPiece) {
    for (CartLine& open : MutableCart().lines) {
      if (open.voided || open.product_id != p.id || open.unit != SaleUnit::kPiece || open.label_amount_fen ||
          open.override_price_fen || open.line_discount || open.unit_price_fen != p.price_fen) {
        continue;
      }
      open.qty_milli += qty_milli;
      return open.line_no;
    }
  }
  CartLine l;
  l.line_no = next_line_++;
  l.product_id = p.id;
  l.sku = p.sku;
  l.name = p.name;
  l.category = p.category;
  l.unit = ParseSaleUnit(p.unit);
  l.unit_price_fen = p.price_fen;
  l.qty_milli = qty_milli;
  l.tax_rate_bp = p.tax_rate_bp;
  l.label_amount_fen = label_amount;
  Cart& cart = MutableCart();
  cart.lines.push_back(std::move(l));
  return cart.lines.back().line_no;
}

Result<int> Checkout::Scan(std::string_view code, int64_t count) {
  return Scan(ClassifyBarcode(code, layouts_), count);
}

Result<int> Checkout::Scan(const BarcodeClass& c, int64_t count) {
  if (count <= 0) return Status::InvalidArgument("quantity must be at least 1").WithKey("pos.count_positive");
  switch (c.kind) {
    case BarcodeKind::kPaymentCode:
      return Status::InvalidArgument("code " + c.code + " is a customer payment code (" + c.provider +
                                     "), not a product; scan it at payment").WithKey("pos.payment_code_not_product", {{"code", c.code}});
    case BarcodeKind::kPriceEmbedded: {
      if (!c.label_check_ok) {
        return Status::InvalidArgument("scale label " + c.code + " has a bad check digit; scan it again").WithKey("pos.label_check_digit", {{"code", c.code}});
      }
      auto p = catalog_.FindByPlu(c.plu);
      if (!p.ok()) return p.status();
      if (!*p) {
        return Status::NotFound("scale label " + c.code + ": PLU " + c.plu +
                                " is not in the catalog; check the scale's PLU list").WithKey("pos.label_plu_unknown", {{"code", c.code}, {"plu", c.plu}});
      }
      const Product& prod = **p;
      int64_t qty = 0;
      if (c.weight_g) {
        qty = prod.unit == "kg" ? *c.weight_g : 1000;
      } else if (c.amount_fen) {
        // Only the amount is printed: the weight follows from the unit price.
        if (prod.unit != "kg") {
          qty = 1000;
        } else if (prod.price_fen <= 0) {
          return Status::InvalidArgument("scale label " + c.code + ": product " + prod.sku + " has no price");
        } else {
          qty = std::max<int64_t>(1, MulDivRound(*c.amount_fen, 1000, prod.price_fen));
        }
      }
      return AddProduct(prod, qty * count, c.amount_fen ? std::optional<int64_t>(*c.amount_fen * count) : std::nullopt);
    }
    case BarcodeKind::kGtin:
      if (c.gtin && !c.gtin->valid) {
        return Status::InvalidArgument("barcode " + c.code + " has a bad check digit (expected " +
                                       std::string(1, c.gtin->expected) + "); scan it again or type the SKU").WithKey("pos.barcode_check_digit", {{"code", c.code}});
      }
      [[fallthrough]];
    case BarcodeKind::kWaybill:
    case BarcodeKind::kUnknown: {
      auto hit = catalog_.FindByBarcode(c.code);
      if (!hit.ok()) return hit.status();
      if (!*hit) {
        if (c.kind == BarcodeKind::kWaybill) {
          return Status::NotFound("code " + c.code + " looks like a courier waybill, not a product").WithKey("pos.waybill", {{"code", c.code}});
        }
        return Status::NotFound("unknown barcode " + c.code +
                                "; a manager can add the product (linli catalog import)");
      }
      const ProductHit& h = **hit;
      const int64_t per = h.product.unit == "kg" ? 1000 : h.pack_qty_milli;
      return AddProduct(h.product, per * count, std::nullopt);
    }
  }
  return Status::InvalidArgument("code is not understood");
}

Result<int> Checkout::AddSku(std::string_view sku, int64_t qty_milli) {
  auto p = catalog_.FindBySku(sku);
  if (!p.ok()) return p.status();
  if (!*p) return Status::NotFound("SKU " + std::string(sku) + " is not in the catalog");
  return AddProduct(**p, qty_milli, std::nullopt);
}

Result<int> Checkout::AddPlu(std::string_view plu, int64_t qty_milli) {
  auto p = catalog_.FindByPlu(plu);
  if (!p.ok()) return p.status();
  if (!*p) return Status::NotFound("PLU " + std::string(plu) + " is not in the catalog");
  return AddProduct(**p, qty_milli, std::nullopt);
}

Status Checkout::SetQty(int line_no, int64_t qty_milli) {
  if (!tenders_.empty()) return Status::FailedPrecondition("payment has started; the cart is locked").WithKey("pos.cart_locked");
  CartLine* l = FindLine(line_no);
  if (!l) return Status::NotFound("there is no line " + std::to_string(line_no)).WithKey("pos.no_line", {{"line", std::to_string(line_no)}});
  if (qty_milli <= 0) return Status::InvalidArgument("quantity must be more than zero; void the line instead").WithKey("pos.qty_positive_void");
  if (l->label_amount_fen) {
    return Status::FailedPrecondition("line " + std::to_string(line_no) +
                                      " came from a scale label; void it and weigh again");
  }
  l->qty_milli = qty_milli;
  return Status::Ok();
}

Status Checkout::VoidLine(int line_no) {
  if (!tenders_.empty()) return Status::FailedPrecondition("payment has started; the cart is locked").WithKey("pos.cart_locked");
  CartLine* l = FindLine(line_no);
  if (!l) return Status::NotFound("there is no line " + std::to_string(line_no)).WithKey("pos.no_line", {{"line", std::to_string(line_no)}});
  l->voided = true;
  audit_.push_back({"void_line", "", "", {{"line", line_no}, {"sku", l->sku}, {"qty_milli", l->qty_milli}},
                    nullptr, clock_.NowMs()});
  return Status::Ok();
}

Status Checkout::Clear() {
  for (const std::string& key : pending_attempts_) {
    if (payments_) LINLI_RETURN_IF_ERROR(payments_->CancelOrReverse(key));
  }
  for (const Tender& t : tenders_) {
    if (t.method == "payment_code" && payments_) {
      Status st = payments_->CancelOrReverse(t.attempt_key);
      if (!st.ok()) {
        return Status::FailedPrecondition("the customer's " + t.provider + " payment of " + MoneyText(t.amount_fen) +
                                          " could not be undone (" + st.message() +
                                          "); finish the sale or try again");
      }
    }
  }
  Reset();
  return Status::Ok();
}

Result<std::string> Checkout::Authorise(int64_t needed, const std::map<Role, int64_t>& limits,
                                        const std::optional<Approval>& approval, const char* what) {
  auto limit_of = [&](Role r) {
    auto it = limits.find(r);
    return it == limits.end() ? 0 : it->second;
  };
  if (needed <= limit_of(cashier_.role)) return std::string();
  if (!approval) {
    return Status::PermissionDenied(std::string(what) + " is over your limit; a manager PIN is needed").WithKey("pos.over_limit");
  }
  auto mgr = CheckApproval(db_, *approval);
  if (!mgr.ok()) return mgr.status();
  if (needed > limit_of(mgr->role)) {
    return Status::PermissionDenied(std::string(what) + " is over the limit of " + mgr->name + " (" +
                                    RoleName(mgr->role) + ") too").WithKey("pos.over_manager_limit", {{"manager", mgr->name}});
  }
  approved_by_ = mgr->id;
  return mgr->id;
}

Status Checkout::DiscountLine(int line_no, Discount d, const std::optional<Approval>& approval) {
  if (!tenders_.empty()) return Status::FailedPrecondition("payment has started; the cart is locked").WithKey("pos.cart_locked");
  CartLine* l = FindLine(line_no);
  if (!l) return Status::NotFound("there is no line " + std::to_string(line_no)).WithKey("pos.no_line", {{"line", std::to_string(line_no)}});
  if (d.value <= 0) return Status::InvalidArgument("a discount must be more than zero").WithKey("pos.discount_positive");
  if (d.kind == Discount::Kind::kPercent && d.value > 10000) {
    return Status::InvalidArgument("a percent discount cannot be over 100%").WithKey("pos.percent_over_100");
  }
  // A line discount applies to the line's net after promotions (pricing.h),
  // so that is what an amount is checked and measured against. Measuring it
  // against the gross let a cashier give 50% of a promoted line alone, and
  // accepted amounts that then made the whole cart unpriceable.
  Cart probe = cart_;
  probe.cash_rounding = CashRounding::kNone;
  probe.order_discount.reset();
  probe.sale_time_ms = clock_.NowMs();
  for (CartLine& pl : probe.lines) {
    if (pl.line_no == line_no) pl.line_discount.reset();
  }
  auto base = PriceCart(probe, promotions_);
  if (!base.ok()) return base.status();
  int64_t net = 0;
  for (const PricedLine& pl : base->lines) {
    if (pl.line_no == line_no) net = pl.gross_fen - pl.promo_discount_fen;
  }
  if (d.kind == Discount::Kind::kAmount && d.value > net) {
    return Status::InvalidArgument("the discount " + MoneyText(d.value) + " is more than line " +
                                   std::to_string(line_no) + " (" + MoneyText(net) + ")");
  }
  const int64_t bp = d.kind == Discount::Kind::kPercent ? d.value : NeededBp(d.value, net);
  {
    // The whole cart must still price with it (e.g. an order discount amount
    // must still fit under the new total).
    Cart after = cart_;
    after.cash_rounding = CashRounding::kNone;
    after.sale_time_ms = clock_.NowMs();
    for (CartLine& pl : after.lines) {
      if (pl.line_no == line_no) pl.line_discount = d;
    }
    auto priced = PriceCart(after, promotions_);
    if (!priced.ok()) return priced.status();
  }
  auto who = Authorise(bp, settings_.discount_limit_bp, approval, "this discount");
  if (!who.ok()) return who.status();
  nlohmann::json before = l->line_discount ? DiscountJson(*l->line_discount) : nlohmann::json(nullptr);
  l->line_discount = d;
  audit_.push_back({"line_discount", *who, approval ? approval->reason : "", before,
                    {{"line", line_no}, {"sku", l->sku}, {d.kind == Discount::Kind::kPercent ? "percent_bp" : "amount_fen", d.value}},
                    clock_.NowMs()});
  return Status::Ok();
}

Status Checkout::DiscountOrder(Discount d, const std::optional<Approval>& approval) {
  if (!tenders_.empty()) return Status::FailedPrecondition("payment has started; the cart is locked").WithKey("pos.cart_locked");
  if (d.value <= 0) return Status::InvalidArgument("a discount must be more than zero").WithKey("pos.discount_positive");
  if (d.kind == Discount::Kind::kPercent && d.value > 10000) {
    return Status::InvalidArgument("a percent discount cannot be over 100%").WithKey("pos.percent_over_100");
  }
  Cart probe = cart_;
  probe.order_discount.reset();
  probe.cash_rounding = CashRounding::kNone;
  probe.sale_time_ms = clock_.NowMs();
  auto priced = PriceCart(probe, promotions_);
  if (!priced.ok()) return priced.status();
  const int64_t base = priced->total_fen;
  if (d.kind == Discount::Kind::kAmount && d.value > base) {
    return Status::InvalidArgument("the order discount " + MoneyText(d.value) + " is more than the total " +
                                   MoneyText(base));
  }
  const int64_t bp = d.kind == Discount::Kind::kPercent ? d.value : NeededBp(d.value, base);
  auto who = Authorise(bp, settings_.discount_limit_bp, approval, "this order discount");
  if (!who.ok()) return who.status();
  nlohmann::json before = {{"total_fen", base}};
  if (cart_.order_discount) before["discount"] = DiscountJson(*cart_.order_discount);
  MutableCart().order_discount = d;
  audit_.push_back({"order_discount", *who, approval ? approval->reason : "", before,
                    {{d.kind == Discount::Kind::kPercent ? "percent_bp" : "amount_fen", d.value}}, clock_.NowMs()});
  return Status::Ok();
}

Status Checkout::OverridePrice(int line_no, int64_t price_fen, const std::optional<Approval>& approval) {
  if (!tenders_.empty()) return Status::FailedPrecondition("payment has started; the cart is locked").WithKey("pos.cart_locked");
  CartLine* l = FindLine(line_no);
  if (!l) return Status::NotFound("there is no line " + std::to_string(line_no)).WithKey("pos.no_line", {{"line", std::to_string(line_no)}});
  if (price_fen < 0) return Status::InvalidArgument("a price cannot be negative").WithKey("pos.price_negative");
  if (l->label_amount_fen) {
    return Status::FailedPrecondition("line " + std::to_string(line_no) + " came from a scale label; its amount is fixed").WithKey("pos.label_amount_fixed", {{"line", std::to_string(line_no)}});
  }
  // Cashiers never override prices alone; managers and owners may.
  std::string who;
  if (cashier_.role == Role::kCashier) {
    if (!approval) return Status::PermissionDenied("a price override needs a manager PIN").WithKey("pos.override_needs_manager");
    auto mgr = CheckApproval(db_, *approval);
    if (!mgr.ok()) return mgr.status();
    who = mgr->id;
    approved_by_ = who;
  }
  const int64_t before = l->override_price_fen.value_or(l->unit_price_fen);
  l->override_price_fen = price_fen;
  audit_.push_back({"price_override", who, approval ? approval->reason : "",
                    {{"line", line_no}, {"sku", l->sku}, {"unit_price_fen", before}},
                    {{"line", line_no}, {"sku", l->sku}, {"unit_price_fen", price_fen}}, clock_.NowMs()});
  return Status::Ok();
}

Status Checkout::SetCashRounding(CashRounding rule, const std::optional<Approval>& approval) {
  if (!tenders_.empty()) return Status::FailedPrecondition("payment has started; the cart is locked").WithKey("pos.cart_locked");
  Cart probe = cart_;
  probe.cash_rounding = CashRounding::kNone;
  probe.sale_time_ms = clock_.NowMs();
  auto priced = PriceCart(probe, promotions_);
  if (!priced.ok()) return priced.status();
  const int64_t amount = CashRoundingFen(priced->total_fen, rule);
  auto who = Authorise(amount < 0 ? -amount : amount, settings_.rounding_cap_fen, approval, "this 抹零");
  if (!who.ok()) return who.status();
  int64_t cap = settings_.rounding_cap_fen[cashier_.role];
  if (!who->empty()) {
    auto mgr = CheckApproval(db_, *approval);
    if (mgr.ok()) cap = std::max(cap, settings_.rounding_cap_fen[mgr->role]);
  }
  Cart& cart = MutableCart();
  cart.cash_rounding = rule;
  cart.rounding_cap_fen = cap;
  if (amount != 0) {
    audit_.push_back({"cash_rounding", *who, approval ? approval->reason : "", nullptr,
                      {{"rule", CashRoundingName(rule)}, {"rounding_fen", amount}}, clock_.NowMs()});
  }
  return Status::Ok();
}

Status Checkout::AttachMember(std::string_view phone) {
  auto m = FindMember(db_, phone);
  if (!m.ok()) return m.status();
  if (!*m) {
    return Status::NotFound("no member with phone " + std::string(phone) + "; add them with `linli member add`").WithKey("pos.member_not_found", {{"phone", std::string(phone)}});
  }
  member_id_ = (*m)->id;
  member_phone_ = (*m)->phone;
  MutableCart().member = true;
  return Status::Ok();
}

Result<PricedCart> Checkout::Price() const {
  const int64_t now = clock_.NowMs();
  // PriceCart reads the sale time only for promotions with dates or a window,
  // and then only to the minute (pricing.h).
  const int64_t minute = timed_promotions_ ? now / 60'000 : 0;
  if (!priced_ || priced_minute_ != minute) {
    Cart c = cart_;
    c.sale_time_ms = now;
    priced_ = PriceCart(c, promotions_);
    priced_minute_ = minute;
    ++pricing_runs_;
  }
  return *priced_;
}

Result<int64_t> Checkout::RemainingFen() const {
  auto priced = Price();
  if (!priced.ok()) return priced.status();
  int64_t paid = 0;
  for (const Tender& t : tenders_) paid += t.method == "cash" ? t.tendered_fen : t.amount_fen;
  return std::max<int64_t>(0, priced->total_fen - paid);
}

Status Checkout::PayCash(int64_t tendered_fen) {
  if (empty()) return Status::FailedPrecondition("the cart is empty").WithKey("pos.cart_empty");
  if (tendered_fen <= 0) return Status::InvalidArgument("the cash amount must be more than zero").WithKey("pos.cash_positive");
  for (Tender& t : tenders_) {
    if (t.method == "cash") {
      t.tendered_fen += tendered_fen;
      return Status::Ok();
    }
  }
  Tender t;
  t.method = "cash";
  t.tendered_fen = tendered_fen;
  tenders_.push_back(t);
  return Status::Ok();
}

Status Checkout::PayCard(int64_t amount_fen, std::string reference) {
  if (empty()) return Status::FailedPrecondition("the cart is empty").WithKey("pos.cart_empty");
  if (amount_fen <= 0) return Status::InvalidArgument("the card amount must be more than zero").WithKey("pos.card_positive");
  if (reference.empty()) return Status::InvalidArgument("enter the card terminal's reference number").WithKey("pos.card_reference");
  auto remaining = RemainingFen();
  if (!remaining.ok()) return remaining.status();
  if (amount_fen > *remaining) {
    return Status::InvalidArgument("card amount " + MoneyText(amount_fen) + " is more than the " +
                                   MoneyText(*remaining) + " still due");
  }
  Tender t;
  t.method = "card";
  t.amount_fen = amount_fen;
  t.reference = std::move(reference);
  tenders_.push_back(t);
  return Status::Ok();
}

Result<PaymentResult> Checkout::PayByCode(std::string_view code, std::optional<int64_t> amount_fen) {
  if (empty()) return Status::FailedPrecondition("the cart is empty").WithKey("pos.cart_empty");
  if (!payments_) {
    return Status::Unavailable("payment codes are not set up on this till; take cash or card").WithKey("pos.no_payment_codes");
  }
  if (!pending_attempts_.empty()) {
    return Status::FailedPrecondition("a payment is still being checked; wait for it before taking another").WithKey("pos.payment_checking");
  }
  auto remaining = RemainingFen();
  if (!remaining.ok()) return remaining.status();
  const int64_t amount = amount_fen.value_or(*remaining);
  if (amount <= 0) return Status::InvalidArgument("nothing is due");
  if (amount > *remaining) {
    return Status::InvalidArgument("payment amount " + MoneyText(amount) + " is more than the " +
                                   MoneyText(*remaining) + " still due");
  }
  auto r = payments_->PayByCode(sale_uuid_, std::string(code), amount);
  if (!r.ok()) return r.status();
  PaymentResult res = *r;
  if (res.outcome == PaymentOutcome::kUnknown) {
    // The till resolves an unknown payment by status inquiry, never by
    // charging again.
    auto q = payments_->Resolve(res.attempt_key);
    if (q.ok()) res = *q;
  }
  switch (res.outcome) {
    case PaymentOutcome::kApproved: {
      Tender t;
      t.method = "payment_code";
      t.provider = res.provider;
      t.amount_fen = res.amount_fen;
      t.reference = res.gateway_ref;
      t.attempt_key = res.attempt_key;
      tenders_.push_back(t);
      return res;
    }
    case PaymentOutcome::kUnknown:
      pending_attempts_.push_back(res.attempt_key);
      return res;
    case PaymentOutcome::kDeclined:
    case PaymentOutcome::kOffline:
    case PaymentOutcome::kCancelled:
    case PaymentOutcome::kReversed:
      return res;
  }
  return res;
}

Status Checkout::ResolvePendingPayments() {
  if (!payments_) return Status::Ok();
  std::vector<std::string> still;
  for (const std::string& key : pending_attempts_) {
    auto r = payments_->Resolve(key);
    if (!r.ok()) return r.status();
    if (r->outcome == PaymentOutcome::kApproved) {
      Tender t;
      t.method = "payment_code";
      t.provider = r->provider;
      t.amount_fen = r->amount_fen;
      t.reference = r->gateway_ref;
      t.attempt_key = r->attempt_key;
      tenders_.push_back(t);
    } else if (r->outcome == PaymentOutcome::kUnknown) {
      still.push_back(key);
    }
  }
  pending_attempts_ = still;
  if (!still.empty()) {
    return Status::Unavailable("a payment is still unknown; keep the customer and check again").WithKey("pos.payment_unknown");
  }
  return Status::Ok();
}

Result<CommittedSale> Checkout::Commit() {
  if (empty()) return Status::FailedPrecondition("the cart is empty; scan an item first").WithKey("pos.cart_empty_scan");
  if (!pending_attempts_.empty()) {
    return Status::FailedPrecondition("a payment is still being checked; resolve it before finishing the sale").WithKey("pos.payment_checking");
  }
  auto priced = Price();
  if (!priced.ok()) return priced.status();
  int64_t non_cash = 0;
  Tender* cash = nullptr;
  for (Tender& t : tenders_) {
    if (t.method == "cash") cash = &t;
    else non_cash += t.amount_fen;
  }
  if (non_cash > priced->total_fen) {
    return Status::FailedPrecondition("card and code payments " + MoneyText(non_cash) + " exceed the total " +
                                      MoneyText(priced->total_fen) + "; the cart changed after payment");
  }
  const int64_t cash_due = priced->total_fen - non_cash;
  const int64_t cash_given = cash ? cash->tendered_fen : 0;
  if (cash_given < cash_due) {
    return Status::FailedPrecondition("tender short: " + MoneyText(cash_due - cash_given) + " still due of " +
                                      MoneyText(priced->total_fen)).WithKey("pos.tender_short", {{"due", MoneyText(cash_due - cash_given)}, {"total", MoneyText(priced->total_fen)}});
  }
  if (cash) cash->amount_fen = cash_due;
  std::vector<Tender> tenders;
  for (const Tender& t : tenders_) {
    if (t.method == "cash" && t.amount_fen == 0 && t.tendered_fen == 0) continue;
    tenders.push_back(t);
  }
  SaleWrite w;
  w.kind = "sale";
  w.sale_uuid = sale_uuid_;
  w.cashier_id = cashier_.id;
  w.approved_by = approved_by_;
  w.priced = *priced;
  w.tenders = tenders;
  w.change_fen = cash_given - cash_due;
  w.member_id = member_id_;
  w.member_phone = member_phone_;
  w.points_earned = member_id_ ? (priced->total_fen / 100) * settings_.points_per_yuan : 0;
  for (const AuditEntry& a : audit_) w.audit.push_back({a.action, a.approved_by, a.reason, a.before, a.after, a.at_ms});
  auto sale = WriteSale(db_, clock_, settings_, w);
  if (!sale.ok()) return sale.status();
  Reset();
  return sale;
}

Result<int64_t> Checkout::Suspend(const std::string& label) {
  if (empty()) return Status::FailedPrecondition("the cart is empty; nothing to put aside").WithKey("pos.suspend_empty");
  if (!tenders_.empty() || !pending_attempts_.empty()) {
    return Status::FailedPrecondition("payment has started; finish or cancel it before suspending").WithKey("pos.suspend_payment_started");
  }
  nlohmann::json lines = nlohmann::json::array();
  for (const CartLine& l : cart_.lines) {
    if (l.voided) continue;
    nlohmann::json j = {{"sku", l.sku}, {"qty_milli", l.qty_milli}, {"line", l.line_no}};
    if (l.label_amount_fen) j["label_amount_fen"] = *l.label_amount_fen;
    if (l.override_price_fen) j["override_price_fen"] = *l.override_price_fen;
    if (l.line_discount) j["discount"] = DiscountJson(*l.line_discount);
    lines.push_back(j);
  }
  nlohmann::json cart = {{"lines", lines}, {"cash_rounding", CashRoundingName(cart_.cash_rounding)}};
  if (cart_.order_discount) cart["order_discount"] = DiscountJson(*cart_.order_discount);
  if (!member_phone_.empty()) cart["member"] = member_phone_;
  if (!approved_by_.empty()) cart["approved_by"] = approved_by_;
  cart["rounding_cap_fen"] = cart_.rounding_cap_fen;
  // Line numbers and the audit trail (who approved what) survive the
  // suspension: the audit rows are written when the sale commits.
  cart["next_line"] = next_line_;
  nlohmann::json audit = nlohmann::json::array();
  for (const AuditEntry& a : audit_) {
    audit.push_back({{"action", a.action}, {"approved_by", a.approved_by}, {"reason", a.reason},
                     {"before", a.before}, {"after", a.after}, {"at_ms", a.at_ms}});
  }
  cart["audit"] = audit;
  int64_t id = 0;
  Status st = Guard([&] {
    Transaction tx(db_);
    db_.Prepare("INSERT INTO suspended_carts (label, cashier_id, created_at, cart_json) VALUES (?, ?, ?, ?)")
        .Bind(1, label.empty() ? "挂单" : label)
        .Bind(2, cashier_.id)
        .Bind(3, FormatUtc(clock_.NowMs()))
        .Bind(4, cart.dump())
        .Run();
    id = db_.LastInsertRowId();
    tx.Commit();
  });
  if (!st.ok()) return st;
  Reset();
  return id;
}

Status Checkout::Resume(int64_t suspended_id) {
  if (!empty()) return Status::FailedPrecondition("finish or suspend the current sale before resuming another").WithKey("pos.finish_before_resume");
  std::string body;
  Status st = Guard([&]() -> Status {
    Statement s = db_.Prepare("SELECT cart_json FROM suspended_carts WHERE id = ?");
    s.Bind(1, suspended_id);
    if (!s.Step()) return Status::NotFound("there is no suspended sale " + std::to_string(suspended_id)).WithKey("pos.no_suspended", {{"id", std::to_string(suspended_id)}});
    body = s.Text(0);
    return Status::Ok();
  });
  if (!st.ok()) return st;
  auto cart = nlohmann::json::parse(body, nullptr, false);
  if (!cart.is_object()) return Status::Corruption("suspended sale " + std::to_string(suspended_id) + " is unreadable");
  Reset();
  // All or nothing: a suspended cart that cannot be restored leaves the till
  // with an empty cart, not half of it.
  Status restored = [&]() -> Status {
    try {
      int max_line = 0;
      for (const auto& j : cart.value("lines", nlohmann::json::array())) {
        auto p = catalog_.FindBySku(j.value("sku", ""));
        if (!p.ok()) return p.status();
        if (!*p) {
          return Status::NotFound("product " + j.value("sku", "") + " of the suspended sale is gone from the catalog");
        }
        std::optional<int64_t> label;
        if (j.contains("label_amount_fen")) label = j["label_amount_fen"].get<int64_t>();
        auto line = AddProduct(**p, j.value("qty_milli", int64_t{1000}), label);
        if (!line.ok()) return line.status();
        CartLine* l = FindLine(*line);
        // Keep the number the cashier saw (lines voided before suspending
        // leave gaps, as they do in a live cart).
        if (j.contains("line") && j["line"].is_number_integer()) l->line_no = j["line"].get<int>();
        max_line = std::max(max_line, l->line_no);
        if (j.contains("override_price_fen")) l->override_price_fen = j["override_price_fen"].get<int64_t>();
        if (j.contains("discount")) l->line_discount = DiscountFromJson(j["discount"]);
      }
      next_line_ = std::max(max_line + 1, cart.value("next_line", 1));
      Cart& restored_cart = MutableCart();
      if (cart.contains("order_discount")) restored_cart.order_discount = DiscountFromJson(cart["order_discount"]);
      if (auto r = ParseCashRounding(cart.value("cash_rounding", "none")); r.ok()) restored_cart.cash_rounding = *r;
      restored_cart.rounding_cap_fen = cart.value("rounding_cap_fen", restored_cart.rounding_cap_fen);
      approved_by_ = cart.value("approved_by", "");
      for (const auto& a : cart.value("audit", nlohmann::json::array())) {
        audit_.push_back({a.value("action", ""), a.value("approved_by", ""), a.value("reason", ""),
                          a.value("before", nlohmann::json()), a.value("after", nlohmann::json()),
                          a.value("at_ms", int64_t{0})});
      }
      if (cart.contains("member")) LINLI_RETURN_IF_ERROR(AttachMember(cart["member"].get<std::string>()));
      return Status::Ok();
    } catch (const nlohmann::json::exception& e) {
      return Status::Corruption("suspended sale " + std::to_string(suspended_id) + " is unreadable: " + e.what());
    }
  }();
  if (!restored.ok()) {
    Reset();
    return restored;
  }
  Status taken = Guard([&] {
    Transaction tx(db_);
    db_.Prepare("DELETE FROM suspended_carts WHERE id = ?").Bind(1, suspended_id).Run();
    tx.Commit();
  });
  // Still suspended: do not also hold it in the cart, or it could be sold twice.
  if (!taken.ok()) Reset();
  return taken;
}

Result<std::vector<SuspendedCart>> ListSuspended(Database& db) {
  std::vector<SuspendedCart> out;
  Status st = Guard([&] {
    Statement s = db.Prepare("SELECT id, label, cashier_id, created_at, cart_json FROM suspended_carts ORDER BY id");
    while (s.Step()) {
      auto j = nlohmann::json::parse(s.Text(4), nullptr, false);
      out.push_back({s.Int(0), s.Text(1), s.Text(2), s.Text(3),
                     j.is_object() ? static_cast<int>(j.value("lines", nlohmann::json::array()).size()) : 0});
    }
  });
  if (!st.ok()) return st;
  return out;
}

// ---------------------------------------------------------------------------
// Members and promotions

bool IsMobileNumber(std::string_view phone) {
  return phone.size() == 11 && phone[0] == '1' && phone.find_first_not_of("0123456789") == std::string_view::npos;
}

Status AddMember(Database& db, const std::string& phone, const std::string& name, const Clock& clock) {
  if (!IsMobileNumber(phone)) {
    return Status::InvalidArgument("phone \"" + phone + "\" is not an 11-digit mobile number")
        .WithKey("pos.member.bad_phone", {{"phone", phone}});
  }
  if (name.empty()) return Status::InvalidArgument("member name is empty").WithKey("pos.member.no_name");
  if (std::string why = NameProblem(name); !why.empty()) {
    return Status::InvalidArgument("member name " + why).WithKey("pos.member.no_name");
  }
  return Guard([&] {
    Transaction tx(db);
    db.Prepare("INSERT INTO members (phone, name, points, created_at) VALUES (?, ?, 0, ?) "
               "ON CONFLICT(phone) DO UPDATE SET name = excluded.name")
        .Bind(1, phone)
        .Bind(2, name)
        .Bind(3, FormatUtc(clock.NowMs()))
        .Run();
    tx.Commit();
  });
}

Result<std::optional<Member>> FindMember(Database& db, std::string_view phone) {
  std::optional<Member> out;
  Status st = Guard([&] {
    Statement s = db.Prepare("SELECT id, phone, name, points FROM members WHERE phone = ?");
    s.Bind(1, phone);
    if (s.Step()) out = Member{s.Int(0), s.Text(1), s.Text(2), s.Int(3)};
  });
  if (!st.ok()) return st;
  return out;
}

Result<std::optional<MemberHistory>> LoadMemberHistory(Database& db, std::string_view phone, int recent) {
  std::optional<MemberHistory> out;
  Status st = Guard([&] {
    Statement m = db.Prepare("SELECT id, phone, name, points, created_at FROM members WHERE phone = ?");
    m.Bind(1, phone);
    if (!m.Step()) return;
    MemberHistory h;
    h.member = Member{m.Int(0), m.Text(1), m.Text(2), m.Int(3)};
    h.created_at = m.Text(4);
    Statement sum = db.Prepare(
        "SELECT COALESCE(SUM(kind = 'sale'), 0), "
        "COALESCE(SUM(CASE kind WHEN 'sale' THEN total_fen ELSE -total_fen END), 0) "
        "FROM sales WHERE member_id = ?");
    sum.Bind(1, h.member.id);
    if (sum.Step()) {
      h.visits = sum.Int(0);
      h.spent_fen = sum.Int(1);
    }
    Statement last = db.Prepare(
        "SELECT receipt_no, kind, occurred_at, total_fen, points_earned FROM sales WHERE member_id = ? "
        "ORDER BY occurred_at DESC, id DESC LIMIT ?");
    last.Bind(1, h.member.id).Bind(2, static_cast<int64_t>(recent));
    while (last.Step()) h.recent.push_back({last.Text(0), last.Text(1), last.Text(2), last.Int(3), last.Int(4)});
    out = std::move(h);
  });
  if (!st.ok()) return st;
  return out;
}

Result<int> ImportPromotions(Database& db, std::string_view json_text, bool replace, const Clock& clock) {
  auto promos = ParsePromotions(json_text);
  if (!promos.ok()) return promos.status();
  Status st = Guard([&] {
    Transaction tx(db);
    if (replace) db.Exec("UPDATE promotions SET active = 0");
    const std::string now = FormatUtc(clock.NowMs());
    for (const Promotion& p : *promos) SavePromotion(db, p, true, now);
    tx.Commit();
  });
  if (!st.ok()) return st;
  return static_cast<int>(promos->size());
}

Result<std::vector<Promotion>> LoadPromotions(Database& db, bool active_only) {
  std::vector<Promotion> out;
  Status st = Guard([&]() -> Status {
    Statement s = db.Prepare(active_only ? "SELECT id, body FROM promotions WHERE active = 1 ORDER BY id"
                                         : "SELECT id, body FROM promotions ORDER BY id");
    size_t i = 0;
    while (s.Step()) {
      auto j = nlohmann::json::parse(s.Text(1), nullptr, false);
      auto p = ParsePromotion(j, i++);
      if (!p.ok()) return Status::Corruption("stored promotion " + s.Text(0) + " is unreadable: " + p.status().message());
      out.push_back(*p);
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace linli
