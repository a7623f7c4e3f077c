// The journal's vocabulary: every event type and version, as C++ types
// (DESIGN §6). This header is the truth for a payload's shape; the prose in
// pos/journal/JOURNAL_FORMAT.md §6 and sync/protocol/PROTOCOL.md documents the fields.
//
// A signed payload cannot change once it has shipped, so each type@version is
// defined here once and used by both ends:
//   - the store's writers build the struct and append it (AppendEvent);
//   - the hub decodes the payload it received (FromPayload) and applies the
//     event's Effects() to its projections;
//   - the store applies the same Effects() to its own stock table.
// So a rule such as "a sale moves stock by -qty" exists only in Effects().
//
// Each type has:
//   static constexpr kType, kVersion      "sale", 1 → "sale@1"
//   nlohmann::json ToJson() const         the payload as a JSON value
//   Result<std::string> ToPayload() const the canonical bytes (canonical_json.h)
//   static Result<T> FromPayload(bytes)   strict: the payload must be a JSON
//                                         object holding exactly the fields
//                                         below with the types below; anything
//                                         else is InvalidArgument naming the
//                                         field by its JSON path
//                                         ("sale@1: $.lines[1].qty_milli must
//                                         be an integer"). An unknown field is
//                                         refused too, so that a decoded event
//                                         re-encodes to the same bytes.
//   EventEffects Effects() const          what it does to stock, sales, tenders
//                                         and cash, as data
//
// Optional fields are std::optional: absent in the payload exactly when
// nullopt, so FromPayload(p)->ToPayload() == p for every payload the writers
// produce (tests/pos/events_compat_test.cc proves it against a journal written
// before these types existed).
//
// Product identity: events name a product by its SKU (the store's product
// code, `products.sku`), never by the store's integer row id, which does not
// leave the store. Stock effects are keyed by SKU at both ends. The hub maps a
// store's SKU to the organisation's product master (by GTIN, later issues).
//
// Thread safety: plain values; no shared state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "linli/pos/status.h"

namespace linli::events {

// ---------------------------------------------------------------------------
// Effects: what an event does, as data
// ---------------------------------------------------------------------------

// Why stock moved. Sales, refunds and voids move it through their receipt
// events; the rest through stock_movement@1. The names are the payload
// strings ("receive", "return_to_supplier", …).
enum class MovementReason {
  kReceive, kCount, kDamage, kExpired, kLoss, kReturnToSupplier, kCorrection,
  kSale, kRefund, kVoid, kTransferIn, kTransferOut,
};
// InvalidArgument naming the value and listing the accepted names.
Result<MovementReason> ParseMovementReason(std::string_view s);
const char* MovementReasonName(MovementReason r);

struct StockDelta {
  std::string sku;
  int64_t qty_milli = 0;  // signed: + onto the shelf, - off it
  MovementReason reason = MovementReason::kCorrection;
};
struct SalesDelta {
  std::string business_date;  // the store's business day, "2026-11-21"
  std::string sku;
  int64_t sales_fen = 0;    // a sale line's total
  int64_t refunds_fen = 0;  // a refund or void line's total (positive)
  int64_t tax_fen = 0;      // signed, net
  int64_t qty_milli = 0;    // signed, net
};
struct TenderDelta {
  std::string business_date;
  std::string method;      // "cash" | "payment_code" | "card"
  int64_t amount_fen = 0;  // signed: refunds and voids negative
};
// Money into (+) or out of (-) the cash drawer during a shift.
struct CashDelta {
  int64_t shift_id = 0;
  int64_t amount_fen = 0;
};
// A product as the store defined it at the till (product_edit@1): the hub
// keeps it per store, so the store's later sales of that SKU project.
struct ProductDelta {
  std::string sku;
  std::string name;
  std::string unit;  // "pcs" | "kg"
  int64_t price_fen = 0;
  std::optional<std::string> barcode;
};
struct EventEffects {
  std::vector<StockDelta> stock;
  std::vector<SalesDelta> sales;
  std::vector<TenderDelta> tenders;
  std::vector<CashDelta> cash;
  std::string receipt_date;       // non-empty: one receipt on that business date
  bool refund = false;            // that receipt is a refund or void
  std::vector<std::string> skus;  // every SKU the event names (that must already exist)
  std::vector<ProductDelta> products;  // products the event defines
};

// ---------------------------------------------------------------------------
// sale@1, refund@1, void@1: one receipt
// ---------------------------------------------------------------------------

// The three receipt kinds share one payload shape and differ in direction:
// a sale takes goods out and money in; a refund or a void (of the last sale)
// puts goods back and money out. Sign() is that direction, +1 or -1, and is
// the one place the rule lives (reports and the shift close use it too).
enum class ReceiptKind { kSale, kRefund, kVoid };
const char* ReceiptKindName(ReceiptKind k);  // "sale" | "refund" | "void"
Result<ReceiptKind> ParseReceiptKind(std::string_view s);
inline int Sign(ReceiptKind k) { return k == ReceiptKind::kSale ? 1 : -1; }

struct ReceiptLine {
  int64_t line = 0;  // 1-based line number on this receipt
  std::string sku;
  int64_t qty_milli = 0;       // positive, also on refunds
  int64_t unit_price_fen = 0;
  int64_t gross_fen = 0;
  int64_t discount_fen = 0;
  int64_t rounding_fen = 0;
  int64_t total_fen = 0;
  int64_t tax_rate_bp = 0;
  int64_t tax_fen = 0;
  std::optional<int64_t> original_line;  // refunds: the sale's line number
};
struct ReceiptTender {
  std::string method;
  int64_t amount_fen = 0;
  std::optional<std::string> provider;   // payment codes: "wechat", …
  std::optional<std::string> reference;  // terminal or gateway reference
};
struct ReceiptMember {
  std::string phone;
  int64_t points = 0;
};

struct ReceiptEvent {
  std::string sale_uuid;
  std::string receipt_no;     // "S001-20261121-0001"
  std::string business_date;  // "2026-11-21", in the store's zone
  std::string cashier;        // user id
  std::vector<ReceiptLine> lines;
  int64_t subtotal_fen = 0;
  int64_t discount_fen = 0;
  int64_t rounding_fen = 0;
  int64_t total_fen = 0;
  int64_t tax_fen = 0;
  std::vector<ReceiptTender> tenders;
  int64_t change_fen = 0;
  std::optional<std::string> approved_by;          // manager who approved
  std::optional<std::string> original_receipt_no;  // refunds and voids
  std::optional<ReceiptMember> member;             // "member" + "points"
  std::optional<int64_t> shift;                    // the open shift's id

  nlohmann::json ToJson() const;
  // The effects for a receipt of kind `k`: per line stock -Sign·qty and a
  // sales row (sales_fen for a sale, refunds_fen otherwise; tax and qty
  // signed); per tender Sign·amount; cash tenders into the shift's drawer.
  EventEffects EffectsAs(ReceiptKind k) const;
  // Strict decode shared by the three types; `type` names it in errors.
  static Result<ReceiptEvent> Decode(std::string_view type, std::string_view payload);
};

template <ReceiptKind K, const char* Name>
struct ReceiptEventOf : ReceiptEvent {
  static constexpr ReceiptKind kKind = K;
  static constexpr const char* kType = Name;
  static constexpr int kVersion = 1;
  Result<std::string> ToPayload() const;
  EventEffects Effects() const { return EffectsAs(K); }
  static Result<ReceiptEventOf> FromPayload(std::string_view payload);
};
inline constexpr char kSaleType[] = "sale";
inline constexpr char kRefundType[] = "refund";
inline constexpr char kVoidType[] = "void";
using SaleEvent = ReceiptEventOf<ReceiptKind::kSale, kSaleType>;      // sale@1
using RefundEvent = ReceiptEventOf<ReceiptKind::kRefund, kRefundType>;  // refund@1
using VoidEvent = ReceiptEventOf<ReceiptKind::kVoid, kVoidType>;      // void@1

// ---------------------------------------------------------------------------
// stock_movement@1: stock moved by hand (receiving, a count, damage, …)
// ---------------------------------------------------------------------------
struct StockMovementEvent {
  static constexpr const char* kType = "stock_movement";
  static constexpr int kVersion = 1;
  std::string sku;
  int64_t qty_milli = 0;  // signed: what the shelf gained (+) or lost (-)
  MovementReason reason = MovementReason::kCorrection;
  std::optional<std::string> user;
  std::optional<std::string> note;
  std::optional<int64_t> counted_milli;  // reason count: what was counted

  nlohmann::json ToJson() const;
  Result<std::string> ToPayload() const;
  EventEffects Effects() const;  // stock += qty_milli
  static Result<StockMovementEvent> FromPayload(std::string_view payload);
};

// ---------------------------------------------------------------------------
// shift_open@1, cash_movement@1, shift_close@1: the drawer
// ---------------------------------------------------------------------------
struct ShiftOpenEvent {
  static constexpr const char* kType = "shift_open";
  static constexpr int kVersion = 1;
  int64_t shift_id = 0;
  std::string user_id;
  int64_t float_fen = 0;   // 备用金 put in the drawer
  std::string opened_at;   // UTC ISO-8601

  nlohmann::json ToJson() const;
  Result<std::string> ToPayload() const;
  EventEffects Effects() const;  // cash += float
  static Result<ShiftOpenEvent> FromPayload(std::string_view payload);
};

struct CashMovementEvent {
  static constexpr const char* kType = "cash_movement";
  static constexpr int kVersion = 1;
  int64_t movement_id = 0;
  int64_t shift_id = 0;
  std::string kind;        // "pay_in" | "pay_out"
  int64_t amount_fen = 0;  // positive; kind says the direction
  std::string reason;
  std::string user_id;
  std::string occurred_at;

  nlohmann::json ToJson() const;
  Result<std::string> ToPayload() const;
  EventEffects Effects() const;  // cash +amount (pay_in) or -amount (pay_out)
  static Result<CashMovementEvent> FromPayload(std::string_view payload);
};

struct ShiftCloseTender {
  std::string method;
  std::string provider;  // may be empty
  int64_t expected_fen = 0;
  int64_t counted_fen = 0;
  int64_t variance_fen = 0;
};
struct ShiftCloseDenomination {
  int64_t value_fen = 0;
  int64_t count = 0;
};
struct ShiftCloseEvent {
  static constexpr const char* kType = "shift_close";
  static constexpr int kVersion = 1;
  int64_t shift_id = 0;
  std::string opened_by;
  std::string opened_at;
  std::string closed_by;
  std::string closed_at;
  int64_t float_fen = 0;
  int64_t expected_cash_fen = 0;
  int64_t counted_cash_fen = 0;
  int64_t variance_fen = 0;
  std::vector<ShiftCloseTender> tenders;
  std::vector<ShiftCloseDenomination> denominations;

  nlohmann::json ToJson() const;
  Result<std::string> ToPayload() const;
  EventEffects Effects() const;  // none: a close records, it moves nothing
  static Result<ShiftCloseEvent> FromPayload(std::string_view payload);
};

// ---------------------------------------------------------------------------
// product_edit@1: a manager added or changed a product at the till
// ---------------------------------------------------------------------------
struct ProductEditEvent {
  static constexpr const char* kType = "product_edit";
  static constexpr int kVersion = 1;
  std::string action;  // "add" | "edit"
  std::string sku;
  std::string name;
  std::string unit;    // "pcs" | "kg"
  int64_t price_fen = 0;                   // the store's own price it set
  std::optional<std::string> barcode;      // a code added with it
  std::string user;                        // who made the edit
  std::optional<std::string> approved_by;  // the manager who approved it
  std::optional<std::string> before_name;  // edit: what it was
  std::optional<int64_t> before_price_fen;
  std::string occurred_at;                 // UTC ISO-8601

  nlohmann::json ToJson() const;
  Result<std::string> ToPayload() const;
  EventEffects Effects() const;  // products: this one; no stock, no money
  static Result<ProductEditEvent> FromPayload(std::string_view payload);
};

// ---------------------------------------------------------------------------
// Every type, and decoding one whose type is known only at run time
// ---------------------------------------------------------------------------

struct TypeVersion {
  const char* type;
  int version;
};
// Every type@version the journal may hold, in the order above. The hub
// accepts exactly these on push (sync/protocol: kAcceptedEventTypes).
inline constexpr TypeVersion kAllTypes[] = {
    {SaleEvent::kType, SaleEvent::kVersion},
    {RefundEvent::kType, RefundEvent::kVersion},
    {VoidEvent::kType, VoidEvent::kVersion},
    {StockMovementEvent::kType, StockMovementEvent::kVersion},
    {ShiftOpenEvent::kType, ShiftOpenEvent::kVersion},
    {ShiftCloseEvent::kType, ShiftCloseEvent::kVersion},
    {CashMovementEvent::kType, CashMovementEvent::kVersion},
    {ProductEditEvent::kType, ProductEditEvent::kVersion},
};
bool IsKnownType(std::string_view type, int version);

using AnyEvent = std::variant<SaleEvent, RefundEvent, VoidEvent, StockMovementEvent, ShiftOpenEvent,
                              ShiftCloseEvent, CashMovementEvent, ProductEditEvent>;

// Decodes a payload of type@version. InvalidArgument for an unknown
// type@version ("unknown event type parcel@1") or a payload FromPayload
// refuses.
Result<AnyEvent> Decode(std::string_view type, int version, std::string_view payload);

// Decode(...) then Effects(): what the hub's projections apply.
Result<EventEffects> EffectsOf(std::string_view type, int version, std::string_view payload);

// The canonical bytes of a decoded event (ToPayload of the alternative held).
Result<std::string> Encode(const AnyEvent& event);

}  // namespace linli::events
