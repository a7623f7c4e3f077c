// The checkout: one sale in progress at the till, from the first scan to the
// committed sale (DESIGN §5–6).
//
// A Checkout holds the cart in memory; nothing is written until Commit(),
// which writes the sale, its lines, tenders and promotions, the stock
// movements, the member's points, the audit rows and the journal event in ONE
// SQLite transaction. The receipt prints and the drawer opens only after
// Commit() returns OK. Payment-code attempts are the exception: they are
// recorded (by PaymentService) before the gateway is asked, so no customer's
// money is ever in flight without a record.
//
// Lines are numbered from 1 in the order added and keep their numbers when
// other lines are voided. Privileged changes (discounts over the cashier's
// limit, price overrides, 抹零 over the cap) need an Approval: a manager's
// PIN. Not thread-safe; the counter uses it from the UI thread only.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/payments.h"
#include "linli/pos/pricing.h"
#include "linli/pos/promotions.h"
#include "linli/pos/status.h"
#include "linli/pos/users.h"

namespace linli {

// Store settings the checkout reads (store_config), with per-role limits.
struct CheckoutSettings {
  std::string store_code;
  std::string store_name;
  std::string timezone = "Asia/Shanghai";
  CashRounding cash_rounding = CashRounding::kNone;  // default rule for new sales
  std::map<Role, int64_t> rounding_cap_fen;          // largest 抹零 each role may give
  std::map<Role, int64_t> discount_limit_bp;         // largest discount each role may give
  int64_t points_per_yuan = 1;                       // member points per whole yuan paid
};
Result<CheckoutSettings> LoadCheckoutSettings(Database& db);

Result<CashRounding> ParseCashRounding(std::string_view s);  // none|jiao_down|yuan_down|jiao_nearest
const char* CashRoundingName(CashRounding r);

// A manager's say-so for something over the cashier's limit.
struct Approval {
  std::string pin;         // the approver's PIN
  std::string manager_id;  // optional: which manager; otherwise any manager/owner with this PIN
  std::string reason;      // reason code kept in the audit log, e.g. "damaged"
};

// Finds the manager or owner the approval names (or whose PIN it carries).
// PermissionDenied "manager PIN wrong" otherwise.
Result<User> CheckApproval(Database& db, const Approval& approval, Role min_role = Role::kManager);

struct Tender {
  std::string method;    // "cash" | "payment_code" | "card"
  std::string provider;  // "wechat" | "alipay" | "unionpay" for payment codes
  int64_t amount_fen = 0;     // applied to the sale (for cash: see tendered_fen)
  int64_t tendered_fen = 0;   // cash handed over (cash only)
  std::string reference;      // terminal reference, gateway reference
  std::string attempt_key;    // payment-code attempt
};

struct CommittedSale {
  int64_t sale_id = 0;
  std::string sale_uuid;
  std::string receipt_no;
  std::string kind = "sale";  // "sale" | "refund" | "void"
  std::string original_receipt_no;
  std::string business_date;
  std::string occurred_at;
  std::string cashier_id;
  std::string approved_by;
  PricedCart priced;
  std::vector<Tender> tenders;
  int64_t change_fen = 0;
  std::string member_phone;
  int64_t points_earned = 0;
  int64_t journal_seq = 0;
  std::string journal_hash_hex;

  // The JSON `linli sell` prints for a completed sale.
  nlohmann::json ToJson() const;
};

// Business date (store-local) and receipt number helpers.
std::string BusinessDate(int64_t unix_ms, const std::string& tz);  // "2026-11-21"

class Checkout {
 public:
  // `payments` may be null: then payment codes are refused as "not set up".
  Checkout(Database& db, const Clock& clock, User cashier, PaymentService* payments);

  // Loads settings, scale layouts and promotions. Call once before use.
  Status Init();

  const User& cashier() const { return cashier_; }
  const std::string& sale_uuid() const { return sale_uuid_; }
  const std::vector<CartLine>& lines() const { return cart_.lines; }
  bool empty() const;

  // ---- Cart. Each returns the new line's number.
  // A product barcode (count × its pack size), a case barcode, or a
  // price-embedded scale label. A payment code is refused: it is a tender.
  Result<int> Scan(std::string_view code, int64_t count = 1);
  // The same for a code already classified (ClassifyBarcode with the store's
  // scale layouts), so a caller that looked at the class first does not
  // classify it again.
  Result<int> Scan(const BarcodeClass& code, int64_t count = 1);
  Result<int> AddSku(std::string_view sku, int64_t qty_milli);
  // With merging on (store_config counter.merge_rescan, the till's default),
  // a piece already on an open line (same product and price, no override or
  // discount of its own, not from a scale label) is added to that line, and
  // its line number returned. Weighed goods always get a line of their own.
  void SetMergeRescans(bool on) { merge_rescans_ = on; }
  Result<int> AddPlu(std::string_view plu, int64_t qty_milli);
  Status SetQty(int line_no, int64_t qty_milli);
  Status VoidLine(int line_no);
  // Clears the cart. Fails if a payment-code payment was taken and could not
  // be reversed (the cashier must not lose track of the customer's money).
  Status Clear();

  Status DiscountLine(int line_no, Discount d, const std::optional<Approval>& approval);
  Status DiscountOrder(Discount d, const std::optional<Approval>& approval);
  Status OverridePrice(int line_no, int64_t price_fen, const std::optional<Approval>& approval);
  Status SetCashRounding(CashRounding rule, const std::optional<Approval>& approval);
  Status AttachMember(std::string_view phone);

  // Prices the cart as it stands (promotions, discounts, 抹零, tax). The
  // pricing runs once per change of the cart and is kept until the next one:
  // calling Price() again, RemainingFen() and Commit() reuse it. With a
  // promotion that has dates or a window it also runs again when the clock
  // reaches a new minute, so the result is always what PriceCart gives now.
  Result<PricedCart> Price() const;
  // Test hook: how many times the cart has been priced for Price(),
  // RemainingFen() and Commit() (the checks inside the discount and 抹零
  // calls are not counted).
  int64_t TEST_PricingRuns() const { return pricing_runs_; }

  // ---- Tenders.
  const std::vector<Tender>& tenders() const { return tenders_; }
  // Still to pay after the tenders so far (0 when covered).
  Result<int64_t> RemainingFen() const;
  Status PayCash(int64_t tendered_fen);
  // Charges a customer payment code for `amount_fen` (default: what remains).
  // The result's outcome says what happened: approved (the tender is added),
  // declined or offline (nothing taken; its message tells the cashier, who
  // can take another tender), or unknown after a timeout that one status
  // inquiry could not settle (the attempt stays pending and the sale cannot
  // commit until ResolvePendingPayments() settles it; never charged again).
  // A non-OK Status means the request was refused before reaching the
  // gateway (not a payment code, amount over what is due, no gateway).
  Result<PaymentResult> PayByCode(std::string_view code, std::optional<int64_t> amount_fen);
  Status ResolvePendingPayments();
  Status PayCard(int64_t amount_fen, std::string reference);

  // Writes the sale. FailedPrecondition when the cart is empty, a payment is
  // unresolved, or the tenders fall short (the message says how much is due).
  // After success the Checkout is empty and ready for the next sale.
  Result<CommittedSale> Commit();

  // ---- 挂单 / 取单: suspended carts survive a restart.
  Result<int64_t> Suspend(const std::string& label);
  Status Resume(int64_t suspended_id);

 private:
  struct AuditEntry {
    std::string action, approved_by, reason;
    nlohmann::json before, after;
    int64_t at_ms;
  };
  Result<int> AddProduct(const Product& p, int64_t qty_milli, std::optional<int64_t> label_amount);
  // The cart, to change it: every change goes through here, which drops the
  // kept pricing. FindLine goes through it too (its line is there to change).
  Cart& MutableCart();
  CartLine* FindLine(int line_no);
  // OK when the cashier may do it alone or `approval` names someone who may.
  Result<std::string> Authorise(int64_t needed_bp_or_fen, const std::map<Role, int64_t>& limits,
                                const std::optional<Approval>& approval, const char* what);
  void Reset();

  Database& db_;
  const Clock& clock_;
  User cashier_;
  PaymentService* payments_;
  Catalog catalog_;
  CheckoutSettings settings_;
  std::vector<ScaleLayout> layouts_;
  bool merge_rescans_ = false;
  std::vector<Promotion> promotions_;
  Cart cart_;  // read freely; changed only through MutableCart()
  // The pricing of cart_ as it stands and the minute it is for (0 unless
  // timed_promotions_); empty after a change.
  mutable std::optional<Result<PricedCart>> priced_;
  mutable int64_t priced_minute_ = 0;
  mutable int64_t pricing_runs_ = 0;
  bool timed_promotions_ = false;  // some promotion PromotionDependsOnTime
  int next_line_ = 1;
  std::string sale_uuid_;
  std::optional<int64_t> member_id_;
  std::string member_phone_;
  std::vector<Tender> tenders_;
  std::vector<std::string> pending_attempts_;
  std::vector<AuditEntry> audit_;
  std::string approved_by_;
};

// ---- Members (会员).
struct Member {
  int64_t id = 0;
  std::string phone;
  std::string name;
  int64_t points = 0;
};
// An 11-digit mainland mobile number ("13800138000"): what a member is known by.
bool IsMobileNumber(std::string_view phone);
Status AddMember(Database& db, const std::string& phone, const std::string& name, const Clock& clock);
Result<std::optional<Member>> FindMember(Database& db, std::string_view phone);

// What the counter's member panel shows: the member, how often they came and
// what they spent (sales less refunds and voids), and their latest receipts.
struct MemberVisit {
  std::string receipt_no;
  std::string kind;         // "sale" | "refund" | "void"
  std::string occurred_at;  // UTC, as stored; the caller shows it in the store's zone
  int64_t total_fen = 0;    // positive; `kind` says the direction
  int64_t points_earned = 0;
};
struct MemberHistory {
  Member member;
  std::string created_at;   // UTC
  int64_t visits = 0;       // sales
  int64_t spent_fen = 0;    // sales less refunds and voids
  std::vector<MemberVisit> recent;  // newest first
};
// nullopt when no member has that phone.
Result<std::optional<MemberHistory>> LoadMemberHistory(Database& db, std::string_view phone, int recent = 5);

// ---- Promotions stored in the store database.
// Upserts every promotion in the JSON (docs/promotions.md); with replace,
// promotions not in the file are switched off. All-or-nothing.
Result<int> ImportPromotions(Database& db, std::string_view json_text, bool replace, const Clock& clock);
Result<std::vector<Promotion>> LoadPromotions(Database& db, bool active_only = true);

// ---- Suspended carts listing.
struct SuspendedCart {
  int64_t id = 0;
  std::string label;
  std::string cashier_id;
  std::string created_at;
  int lines = 0;
};
Result<std::vector<SuspendedCart>> ListSuspended(Database& db);

}  // namespace linli
