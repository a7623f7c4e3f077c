// Alipay 当面付 条码支付 (face-to-face, the customer shows a payment code) as a
// PaymentGateway (pos/sale payments.h), over Alipay's open platform gateway:
// form-encoded POSTs, JSON answers, RSA2 (SHA256withRSA) signatures both ways.
// See docs/payments.md (Alipay) for what a shop or ISV must set up.
//
// Calls: alipay.trade.pay (scene bar_code), alipay.trade.query,
// alipay.trade.cancel, alipay.trade.refund, and for reconciliation
// alipay.data.dataservice.bill.downloadurl.query plus the statement itself.
//
// out_trade_no is the PayRequest's attempt_key; refunds use the refund_key as
// out_request_no, so Alipay itself makes them idempotent.
//
// Trust. Every answer's `sign` is checked with Alipay's public key over the
// raw text of its response node ("alipay_trade_pay_response": {…}, or
// "error_response"), byte for byte as received. An answer whose signature is
// missing or wrong is not believed: it counts as no answer at all (the money
// may or may not have moved), never as a success or a decline.
//
// The closed loop inside Pay (Alipay's 当面付 integration rules):
//   10000                 → kApproved (gateway_ref = Alipay's trade_no)
//   10003 WAIT_BUYER_PAY  → query every poll_interval_ms until deadline_ms
//   20000, ACQ.SYSTEM_ERROR, no answer, unverifiable answer
//                         → query likewise (the trade may or may not exist)
//   40004 by sub_code     → ACQ.PAYMENT_AUTH_CODE_INVALID: kDeclined/kCodeInvalid;
//                           ACQ.BUYER_BALANCE_NOT_ENOUGH (and bank card):
//                           kDeclined/kInsufficientFunds; ACQ.TRADE_HAS_SUCCESS:
//                           confirmed by query, then kApproved; others kDeclined
//   40001/40002/40003/40006/20001 (our request refused: bad signature, missing
//                           permission, bad app_auth_token) → kError
//   not sent at all (no route, refused, TLS failed before the request left:
//   HttpTransport::LastFailureMayHaveArrived false) → kUnavailable at once,
//                           so the counter offers cash without waiting
// When the deadline passes without a definite answer, alipay.trade.cancel
// follows the last query at once (retried while retry_flag is "Y"). Its
// `action` says what it did: "close" (nothing was paid) → kDeclined;
// "refund" (the customer paid between the last query and the cancel, and the
// cancel sent it back) → kDeclined with a message saying so, and Query then
// answers kDeclined. A cancel that gets no definite answer leaves kTimeout,
// which PaymentService keeps as 'unknown' for Resolve: nothing is forgotten.
//
// Query answers kNotFound only after a cancel closed the out_trade_no (so a
// trade.pay still in flight is refused when it arrives); see Query below.
//
// Identical resends. The trade.pay body for an attempt is built once and
// deterministically: its timestamp is the time inside the UUIDv7 attempt key
// (the clock's time for a key that is not one), and RSA PKCS#1 v1.5 signing
// is deterministic, so a second Pay for the same key, even in another
// process after a crash, sends byte-for-byte the same body. A second Pay for
// a key this object already sent asks Alipay (query) instead of paying again;
// the same key with another code or amount is kError.
//
// Thread-safe; never throws; every network call is bounded by the
// transport's timeouts (build it with AlipayCurlOptions) and the whole of Pay
// by deadline_ms plus the cancel's tries (cancel_attempts, each a request
// timeout and a poll interval at most). Pay blocks for that long: call it off
// the UI thread. Secrets (the private key, the
// app_auth_token, payment codes) never appear in a message.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/payments.h"
#include "linli/pos/status.h"
#include "linli/sync/transport.h"

namespace linli::payments {

struct AlipayConfig {
  std::string app_id;                  // 应用 APPID, e.g. "2021000000000000"
  std::string app_private_key_file;    // 应用私钥: PEM or bare base64, PKCS#8 or PKCS#1
  std::string alipay_public_key_file;  // 支付宝公钥 (not the app's own public key)
  std::string app_auth_token;          // ISV mode: the sub-merchant's 授权令牌; empty otherwise
  std::string seller_id;               // optional 2088… PID the money goes to; empty: the app's
  std::string store_id;                // optional 门店编号 sent with each payment
  std::string terminal_id;             // optional 终端号
  std::string base_url = "https://openapi.alipay.com/gateway.do";
  int64_t connect_timeout_ms = 5'000;   // per HTTP request (AlipayCurlOptions)
  int64_t request_timeout_ms = 15'000;  // per HTTP request (AlipayCurlOptions)
  int64_t poll_interval_ms = 3'000;     // between queries (Alipay: 3–6 s)
  int64_t deadline_ms = 30'000;         // from the trade.pay to the cancel
  int cancel_attempts = 3;              // while retry_flag is "Y" or no answer
};

// The transport options that apply the config's timeouts.
sync::CurlOptions AlipayCurlOptions(const AlipayConfig& config);

// One row of the 业务明细 statement: a payment (交易) or a refund (退款).
struct AlipayBillRow {
  std::string trade_no;         // 支付宝交易号
  std::string out_trade_no;     // 商户订单号: our attempt_key
  std::string business_type;    // "交易" | "退款" | …, as Alipay writes it
  std::string subject;          // 商品名称
  std::string created_at;       // 创建时间, Beijing time as written
  std::string finished_at;      // 完成时间
  int64_t amount_fen = 0;       // 订单金额（元）; negative for a refund
  int64_t received_fen = 0;     // 商家实收（元）
  std::string out_request_no;   // 退款批次号/请求号: our refund_key, for a refund
  int64_t fee_fen = 0;          // 服务费（元）
};

// Parses the 业务明细 CSV (UTF-8; '#' lines are comments, values may carry
// the tabs and spaces Alipay pads them with). InvalidArgument naming the line
// for a row that does not read, or when there is no header row.
Result<std::vector<AlipayBillRow>> ParseAlipayBillCsv(std::string_view csv_utf8);

// The statement file as downloaded: a zip (Alipay's own download: the
// 业务明细 CSV beside its 汇总 summary, in GBK) or a bare CSV, in GBK or UTF-8.
// Reads the entry that has the 业务明细 columns. InvalidArgument when no entry
// reads, FailedPrecondition for a zip this reader does not handle
// (encrypted, zip64, a method other than stored or deflate).
Result<std::vector<AlipayBillRow>> ParseAlipayBillFile(std::string_view bytes);

class AlipayGateway final : public PaymentGateway {
 public:
  using SleepFn = std::function<void(int64_t ms)>;

  // Reads both key files (never logged, never echoed in a message).
  // InvalidArgument when app_id is empty, a key file is unreadable or not an
  // RSA key, or the base URL is not http(s). transport and clock must
  // outlive the gateway; sleep waits between polls (the real one by default;
  // tests advance a FakeClock instead).
  static Result<std::unique_ptr<AlipayGateway>> Create(const AlipayConfig& config,
                                                        sync::HttpTransport& transport,
                                                        const Clock& clock, SleepFn sleep = {});
  ~AlipayGateway() override;

  GatewayReply Pay(const PayRequest& request) override;
  // alipay.trade.query: TRADE_SUCCESS/TRADE_FINISHED kApproved, WAIT_BUYER_PAY
  // kPending, TRADE_CLOSED kDeclined. ACQ.TRADE_NOT_EXIST is followed by a
  // cancel, so a trade.pay still on its way cannot take money later, and
  // answers kNotFound only when that cancel succeeded (kError otherwise).
  QueryReply Query(const std::string& attempt_key) override;
  // alipay.trade.cancel, retried while retry_flag is "Y": kDone when Alipay
  // closed or refunded the trade (or never had it), kFailed when it refused
  // (past the 24-hour cancel window: refund instead), kUnavailable when no
  // verified answer came.
  UndoReply Cancel(const std::string& attempt_key) override;
  // Alipay has no 冲正: kFailed, use Cancel.
  UndoReply Reverse(const std::string& attempt_key) override;
  // alipay.trade.refund with out_request_no = refund_key; the same key again
  // refunds once (Alipay answers fund_change "N" the second time: kDone).
  UndoReply Refund(const std::string& attempt_key, const std::string& refund_key,
                   int64_t amount_fen) override;

  // The 业务明细 statement of one day ("YYYY-MM-DD", Beijing date), bill_type
  // "trade": asks for the download URL, fetches it and parses it
  // (ParseAlipayBillFile).
  Result<std::vector<AlipayBillRow>> DownloadBill(const std::string& bill_date);

  // The exact string RSA2 signs for these parameters (sorted, "k=v&…",
  // without sign and empty values). Public for the tests and the fake.
  static std::string SignContent(const std::map<std::string, std::string>& params);

 private:
  struct Impl;
  explicit AlipayGateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Form encoding (application/x-www-form-urlencoded, UTF-8) of one value.
std::string FormEncode(std::string_view value);

// The raw text of the top-level member `node` of a JSON object, exactly as
// it appears in `body` ("{…}" for an object), or "" when there is none.
// What Alipay signs in an answer.
std::string RawJsonMember(std::string_view body, std::string_view node);

}  // namespace linli::payments
