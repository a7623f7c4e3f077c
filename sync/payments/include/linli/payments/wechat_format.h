// The WeChat Pay merchant API v2 wire format (微信支付 API v2), as one header
// shared by the gateway (wechat_pay.cc) and the test fake
// (tests/payments/fake_wechat.cc), so both ends agree on every byte. The prose
// spec is docs/payments.md, "WeChat Pay".
//
// A v2 message is a flat XML document, UTF-8:
//
//   <xml><appid><![CDATA[wx2421b1c4370ec43b]]></appid><total_fee>1</total_fee>…</xml>
//
// The signature (sign) is computed over every other non-empty parameter:
//   1. sort the parameters by name, byte by byte (ASCII order);
//   2. join them as "k1=v1&k2=v2…", leaving out `sign` and empty values;
//   3. append "&key=" and the merchant's API key (API密钥);
//   4. MD5 of that (sign_type MD5, the default when sign_type is absent), or
//      HMAC-SHA256 of it keyed with the API key (sign_type HMAC-SHA256);
//   5. upper-case hex.
// Answers are signed the same way with the same key; an answer whose
// return_code is FAIL carries no signature (the request was not processed).
//
// Nothing here does I/O, and every function is thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/pos/status.h"

namespace linli::payments::wechat {

// The parameters of one message, by name. std::map keeps them in the byte
// order the signature needs.
using Params = std::map<std::string, std::string>;

enum class SignType { kMd5, kHmacSha256 };
// "MD5" | "HMAC-SHA256", as the sign_type parameter spells them.
const char* SignTypeName(SignType t);
// Reads "MD5"/"md5" or "HMAC-SHA256"/"hmac-sha256"; nullopt for anything else.
std::optional<SignType> ParseSignType(std::string_view s);

// Steps 1–2 above: "appid=…&body=…&mch_id=…" (no key).
std::string StringToSign(const Params& params);
// Steps 1–5: 32 (MD5) or 64 (HMAC-SHA256) upper-case hex digits.
std::string Sign(const Params& params, std::string_view api_key, SignType type);
// Whether `params` carries a `sign` equal to Sign(params, api_key, type)
// (compared without early exit). False when sign is absent or empty.
bool VerifySign(const Params& params, std::string_view api_key, SignType type);

// The message as XML, parameters in name order, every value in CDATA (a
// value holding "]]>" is split across two CDATA sections). Empty values are
// written too (the signature leaves them out).
std::string EncodeXml(const Params& params);
// The parameters of a flat <xml> document. InvalidArgument when the text is
// not well-formed XML, the root is not <xml>, an element nests inside a
// parameter, a parameter repeats, or a DOCTYPE appears (no entities are
// expanded from anywhere but the five predefined ones).
Result<Params> DecodeXml(std::string_view text);

// out_trade_no for an attempt key, and out_refund_no for a refund key: the
// key itself with the dashes taken out when that leaves 1–32 letters and
// digits (a UUID gives its 32 hex digits), otherwise the first 32 hex digits
// of the key's SHA-256. Deterministic, so the same key always names the same
// order (WeChat Pay allows 32 characters of [0-9A-Za-z_-|*]).
std::string MerchantNo(std::string_view key);

// Amounts in a statement are yuan with up to two decimals ("12.30", "0.01",
// "5"): exact fen, or nullopt for anything else (a sign, a third decimal,
// an exponent). No floating point on the way.
std::optional<int64_t> ParseYuan(std::string_view yuan);
// "12.30" for 1230 fen; "-0.05" for -5.
std::string FormatYuan(int64_t fen);

// ---- The daily statement (对账单, downloadbill) ------------------------------
//
// A text file, not XML and not signed: a header line of column names, one
// line per trade or refund, each field prefixed with a back-quote (`) so a
// spreadsheet keeps it as text, then a summary header and one summary line:
//
//   交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,
//   交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,
//   充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注
//   `2026-12-04 10:00:01,`wx…,`1900000109,`,`,`4200…,`0190…,`o…,`MICROPAY,`SUCCESS,…
//   总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额
//   `2,`0.02,`0.01,`0.00,`0.00000,`0.02,`0.01
//
// Columns are found by name, so a statement with more or fewer columns (a
// service provider's, or bill_type SUCCESS / REFUND) reads the same.

struct BillRow {
  std::string trade_time;      // 交易时间, Beijing time as written: "2026-12-04 10:00:01"
  std::string appid;           // 公众账号ID
  std::string mch_id;          // 商户号
  std::string sub_mch_id;      // 特约商户号 (service-provider statements)
  std::string device_info;     // 设备号
  std::string transaction_id;  // 微信订单号
  std::string out_trade_no;    // 商户订单号: MerchantNo(attempt_key)
  std::string trade_type;      // 交易类型: MICROPAY for 付款码
  std::string trade_state;     // 交易状态: SUCCESS (a payment) | REFUND (a refund) | REVOKED
  std::string fee_type;        // 货币种类: CNY
  int64_t settlement_fen = 0;  // 应结订单金额
  int64_t coupon_fen = 0;      // 代金券金额
  std::string refund_id;       // 微信退款单号 (refund rows)
  std::string out_refund_no;   // 商户退款单号: MerchantNo(refund_key)
  int64_t refund_fen = 0;      // 退款金额
  std::string refund_status;   // 退款状态: SUCCESS | PROCESSING | …
  std::string body;            // 商品名称
  std::string fee_yuan;        // 手续费, as written (five decimals: "0.00600")
  std::string rate;            // 费率: "0.60%"
  int64_t order_fen = 0;       // 订单金额 (0 when the column is absent)
  int64_t refund_applied_fen = 0;  // 申请退款金额 (0 when absent)
};

struct BillSummary {
  int64_t count = 0;                 // 总交易单数
  int64_t settlement_total_fen = 0;  // 应结订单总金额
  int64_t refund_total_fen = 0;      // 退款总金额
  std::string fee_total_yuan;        // 手续费总金额, as written
  int64_t order_total_fen = 0;       // 订单总金额 (0 when absent)
};

struct Bill {
  std::vector<BillRow> rows;  // in file order
  BillSummary summary;
};

// Reads a statement. Corruption (naming the line) when a line has the wrong
// number of fields, an amount is not exact yuan, a needed column is missing,
// the summary is missing, or the summary's count disagrees with the number
// of rows (a file cut short). The totals are read, not checked: which rows
// each total sums is not stated precisely enough to refuse a file over it.
// A leading UTF-8 byte-order mark and CRLF line ends are accepted.
Result<Bill> ParseBill(std::string_view text);

// The statement's column names in the order WeChat Pay writes them for
// bill_type ALL, and the summary's; the fake writes them, ParseBill reads by name.
extern const std::vector<std::string> kBillColumns;
extern const std::vector<std::string> kBillSummaryColumns;

}  // namespace linli::payments::wechat
