// The receipt model and its plain-text rendering for thermal printers.
//
// The checkout fills a ReceiptModel after the sale has committed (DESIGN §5);
// the plain-text renderer below, the ESC/POS encoder (drivers/) and the
// counter's preview all consume the same model, so what a cashier sees on
// screen is what the printer prints.
//
// The model is plain data: it holds what to print, already decided. The
// renderer does no arithmetic on amounts beyond summing the tenders for the
// 实收 row; it never checks that the totals add up (the checkout owns that).
//
// Units: money is int64 fen, quantities int64 milli-units (1 piece = 1000,
// weighed goods in grams), rates in basis points. No floating point.
//
// Layout (RenderReceiptText) for a receipt `columns` display columns wide
// (kReceiptColumns58 = 32, kReceiptColumns80 = 48). Widths are measured with
// DisplayWidth (linli/pos/text.h), so a CJK character takes two columns and
// mixed Chinese/Latin rows still line up:
//
//         邻里便利店 文三路店          <- header lines, centred
//       杭州市西湖区文三路 88 号
//   --------------------------------   <- rule, full width
//   单号          S001-20261121-0001   <- label left, value right
//   时间            2026-11-21 15:30   <- local time in time_zone
//   --------------------------------
//   可口可乐 Coca-Cola 330ml           <- name on its own line
//     3 x 3.50                 10.50   <- qty x unit price, gross
//     第二件半价               -1.75   <- line adjustments
//   红富士苹果 Fuji Apple
//     1.234kg x 12.80/kg       15.80   <- weighed: kg with 3 decimals
//   --------------------------------
//   小计                      112.20
//     整单 98折                -2.07   <- promotions (order level)
//   优惠                      -10.81
//   抹零                       -0.09
//   应收                      101.30
//   ...  tenders, 实收, 找零; 税率/税额; 会员/积分; 验证; footer lines
//
// (tests/golden/receipts/ holds complete examples in both widths.)
//
// Every line is at most `columns` wide; every row with an amount on its right
// ends exactly at `columns`. Centred lines carry no trailing spaces. Lines are
// separated and terminated by '\n'. The text is UTF-8; converting to the
// printer's code page (GB18030) is the encoder's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/journal.h"
#include "linli/pos/status.h"
#include "linli/pos/text.h"

namespace linli {

// Paper widths in display columns for the common thermal printers.
inline constexpr int kReceiptColumns58 = 32;  // 58 mm paper
inline constexpr int kReceiptColumns80 = 48;  // 80 mm paper


enum class ReceiptKind {
  kSale,    // 销售: no title line
  kRefund,  // 退货单: shows 原单号; totals read 应退/实退
  kVoid,    // 作废单: a cancelled sale; shows 原单号 if set
};

enum class ReceiptUnit {
  kPiece,     // qty_milli / 1000 pieces; printed "3 x 3.50"
  kKilogram,  // qty_milli grams; printed "1.234kg x 12.80/kg"
};

// One labelled amount row. For reductions amount_fen is negative ("-1.75").
// Without an amount only the label prints: a price override shows
// {"改价 原价3.50", std::nullopt}.
struct ReceiptAdjustment {
  std::string label;                 // "第二件半价", "折扣 10%", "满50减5"
  std::optional<int64_t> amount_fen;
};

struct ReceiptLine {
  std::string name;      // UTF-8; truncated to the width if too long
  std::string sku;       // not printed in text; for the encoder/preview
  int64_t qty_milli = 0; // pieces × 1000, or grams for kKilogram
  ReceiptUnit unit = ReceiptUnit::kPiece;
  int64_t unit_price_fen = 0;  // per piece, or per kg for kKilogram
  int64_t gross_fen = 0;       // price × qty as rounded by the checkout
  std::vector<ReceiptAdjustment> adjustments;  // printed under the qty row
  int64_t total_fen = 0;  // gross + adjustments; for the encoder/preview
};

struct ReceiptTax {
  int64_t rate_bp = 0;  // 1300 = 13%
  int64_t tax_fen = 0;  // tax contained in the (tax-inclusive) amounts
};

enum class TenderMethod {
  kCash,          // 现金
  kPaymentCode,   // 付款码 (WeChat Pay, Alipay, UnionPay QR): set provider
  kCard,          // 刷卡 (bank card)
  kStoredValue,   // 储值 (member balance)
  kVoucher,       // 券
  kOther,         // 其他
};

struct ReceiptTender {
  TenderMethod method = TenderMethod::kCash;
  // Label printed instead of the method's default: "微信", "支付宝", "银联".
  std::string provider;
  int64_t amount_fen = 0;  // amount taken (sale) or given back (refund)
  // Printed as given on an indented row under the tender; must already be
  // masked or short ("4200****5678"). Empty: no row.
  std::string reference;
};

struct ReceiptMember {
  // Printed through MaskPhone, so a raw or an already masked number both
  // print as "138****8000".
  std::string phone;
  int64_t points_earned = 0;   // this receipt; negative on refunds
  int64_t points_balance = 0;  // after this receipt
};

struct ReceiptModel {
  ReceiptKind kind = ReceiptKind::kSale;

  std::string store_name;                 // centred, first line
  std::string store_code;                 // "S001"
  std::vector<std::string> header_lines;  // address, phone: centred
  std::vector<std::string> footer_lines;  // "谢谢惠顾 欢迎再来": centred

  std::string receipt_no;           // "S001-20261121-0001"
  std::string original_receipt_no;  // refunds and voids; empty: not printed
  std::string cashier_id;           // "007"
  std::string cashier_name;         // "王芳"

  int64_t time_ms = 0;                       // UTC Unix ms of the commit
  std::string time_zone = "Asia/Shanghai";   // IANA; shown "2026-11-21 15:30"

  std::vector<ReceiptLine> lines;

  // Order-level rows printed between 小计 and 优惠: whole-order promotions
  // (满50减5) and order discounts (整单 98折), negative amounts. Reductions
  // already printed under a line are not repeated here.
  std::vector<ReceiptAdjustment> promotions;

  // For kRefund every amount below is positive and means money going back.
  int64_t subtotal_fen = 0;  // 小计: sum of the lines' gross_fen
  int64_t discount_fen = 0;  // 优惠: all reductions (line + order), positive
  int64_t rounding_fen = 0;  // 抹零: taken off, positive (negative if added)
  int64_t total_fen = 0;     // 应收 / 应退: subtotal - discount - rounding

  std::vector<ReceiptTax> taxes;  // one row per rate; empty: no tax block
  std::vector<ReceiptTender> tenders;
  int64_t change_fen = 0;  // 找零; row printed if non-zero or cash was used

  std::optional<ReceiptMember> member;

  // Journal hash of the sale event (hex). Its first kReceiptHashPrefixLen
  // characters print as "验证 3fa9c2e1b07d" and go into the QR payload.
  // Empty: no verification row.
  std::string journal_hash;

  bool reprint = false;  // prints "** 重打印 **" under the header

  // Rows of this receipt that disagree with its journal event (table_check.h),
  // one short line each ("sales.total_fen 表 900 / 日志 1200"). Non-empty:
  // the receipt prints "!! 与日志不符 !!" under the header, these lines, and
  // "不可作为凭证" — the money it shows is not what was recorded.
  std::vector<std::string> disagreements;
};

// Renders the receipt as UTF-8 text, `columns` display columns wide (use
// kReceiptColumns58 or kReceiptColumns80; anything from 16 works). The
// result never has a line wider than `columns`, whatever the model holds:
// long names are truncated at a character boundary; a row that cannot fit
// label and value on one line puts the value on the next, right-aligned (and
// only a value wider than the paper itself is cut).
std::string RenderReceiptText(const ReceiptModel& receipt, int columns);

// The text carried by the receipt's QR code, one line, six fields:
//
//   LINLI1|<store_code>|<receipt_no>|<total_fen>|<time UTC>|<hash prefix>
//   LINLI1|S001|S001-20261121-0001|10130|2026-11-21T07:30:00.000Z|3fa9c2e1b07d
//
// LINLI1 names this format and its version. total_fen is the decimal integer
// total_fen of the model (positive also for refunds; the receipt number tells
// them apart). The time is FormatUtc(time_ms). The hash prefix is the first
// kReceiptHashPrefixLen characters of journal_hash (may be empty). Fields never
// contain '|': any '|' in a field is replaced by '-'.
std::string ReceiptQrPayload(const ReceiptModel& receipt);

// The six fields of a receipt's QR text, as ParseReceiptQr reads them and
// FormatReceiptQr writes them (ReceiptQrPayload is FormatReceiptQr of the
// model's fields).
struct ReceiptQr {
  std::string store_code;   // 1..32 of A-Z a-z 0-9 _ -
  std::string receipt_no;   // 1..64 of A-Z a-z 0-9 _ -
  int64_t total_fen = 0;    // 0 ≤ total_fen < 10^12
  int64_t time_ms = 0;      // UTC Unix ms
  std::string hash_prefix;  // "" or kReceiptHashPrefixLen lowercase hex
};

// QR text longer than this is refused before it is looked at.
inline constexpr size_t kMaxReceiptQrLen = 200;

std::string FormatReceiptQr(const ReceiptQr& qr);

// Reads QR text strictly: exactly what ReceiptQrPayload writes for a valid
// receipt and nothing else, so ParseReceiptQr(t) succeeds only when
// FormatReceiptQr(*result) == t. No trimming: a trailing newline from a
// scanner is the caller's to remove. InvalidArgument, Chinese first, naming
// the field and its value, for anything else: over kMaxReceiptQrLen bytes,
// another first field than LINLI1, other than six '|'-separated fields, a
// code or number with other characters or too long, a total that is not
// plain decimal digits (no sign, no leading zero, at most 12), a time not of
// the form 2026-11-21T07:30:00.000Z or not a real time, a hash prefix that
// is neither empty nor 12 lowercase hex digits. The message key is
// "pos.receipt_qr_bad" with the argument "why" (the message).
Result<ReceiptQr> ParseReceiptQr(std::string_view text);

// Masks a phone number for print: "13800138000" → "138****8000".
// Keeps only ASCII digits and '*' (so spaces, dashes and "+" go, and masking
// a masked number changes nothing); drops a leading "86" before an 11-digit
// mobile number. Seven or more characters keep the first 3 and last 4 and
// star the middle; shorter input is all stars, one per character kept.
std::string MaskPhone(std::string_view phone);

}  // namespace linli
