// WeChat Pay 付款码支付 (merchant API v2) behind pos's PaymentGateway: the
// cashier scans the code on the customer's phone and the till takes the
// money (micropay), with the closed loop WeChat Pay documents for it:
//
//   micropay ─ SUCCESS ───────────────────────────────────────▶ approved
//      │      AUTHCODEEXPIRE, AUTH_CODE_INVALID, NOTENOUGH, … ─▶ declined (believed at once)
//      │      other business FAIL ── orderquery confirms ─────▶ declined | approved
//      │      USERPAYING, SYSTEMERROR, BANKERROR, no answer,
//      │      an answer whose signature does not check
//      ▼
//   orderquery every poll_interval_ms until deadline_ms:
//      SUCCESS ─▶ approved · PAYERROR/CLOSED/REVOKED ─▶ declined
//      ORDERNOTEXIST after a micropay that got no answer ─▶ micropay again, the same bytes
//      ▼ still unpaid at the deadline
//   reverse (撤销; again while it says recall=Y), then orderquery once more:
//      reversed ─▶ declined (any money taken in the meantime went back; the
//                  message says so when WeChat Pay shows a transaction)
//      reverse refused or unanswered, order paid ─▶ approved (kept)
//      nothing definite ─▶ kTimeout: the till resolves it later by Query
//
// Every call to WeChat Pay is signed (MD5 or HMAC-SHA256 with the API key,
// wechat_format.h) and carries a fresh nonce_str; every answer's signature is
// checked, and an answer that does not check is not believed either way: it
// counts as no answer. out_trade_no is MerchantNo(attempt_key), so Query,
// Cancel and Refund find the order from the attempt key alone, also in
// another process or after a restart; out_refund_no is MerchantNo(refund_key),
// so the same refund key refunds once. In service-provider mode (服务商) every
// call carries sub_mch_id, and sub_appid when set.
//
// reverse and refund go to /secapi/ and need the merchant's API certificate
// (apiclient_cert.pem + apiclient_key.pem, mutual TLS). Without them a
// refund answers kFailed, and a Pay still unpaid at its deadline cannot be
// reversed: it ends kTimeout.
//
// Secrets: the API key and the certificate's private key are read from their
// files once, at construction, and appear in no message, log or error.
//
// Thread safety: all methods may be called from any thread at once. Calls
// about the same attempt key are serialised (a second Pay with a key waits
// for the first, then answers about it); others run in parallel, each on its
// own connection. No method throws. Pay blocks for as long as the loop above
// takes (about deadline_ms plus one reverse), so a till runs it off the UI
// thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "linli/payments/wechat_format.h"
#include "linli/pos/clock.h"
#include "linli/pos/payments.h"
#include "linli/pos/status.h"
#include "linli/sync/transport.h"

namespace linli::payments {

struct WechatPayConfig {
  std::string appid;         // 公众账号ID (APPID); in 服务商 mode the provider's
  std::string mch_id;        // 商户号; in 服务商 mode the provider's
  std::string api_key_file;  // file holding the 32-character API key (API密钥), mode 0600
  std::string sub_mch_id;    // 特约商户号: set for service-provider (服务商) mode
  std::string sub_appid;     // 子商户公众账号ID: optional, 服务商 mode only
  wechat::SignType sign_type = wechat::SignType::kHmacSha256;
  std::string base_url = "https://api.mch.weixin.qq.com";  // no trailing slash
  std::string cert_file;     // apiclient_cert.pem: for reverse and refund (mutual TLS)
  std::string key_file;      // apiclient_key.pem, mode 0600
  // Empty: the server is checked against the system's CA store. Set: only
  // this CA (PEM file) is trusted: the tests' fake, or a pinning proxy.
  std::string ca_file;
  std::string device_info;                  // 设备号: the till's id, optional (≤ 32)
  std::string spbill_create_ip = "127.0.0.1";  // 终端IP, required by micropay
  int64_t connect_timeout_ms = 5'000;
  int64_t request_timeout_ms = 10'000;      // one HTTP exchange
  int64_t poll_interval_ms = 5'000;         // between order queries while unpaid
  int64_t deadline_ms = 30'000;             // from micropay until the reverse
  int max_reverse_calls = 5;                // reverse again while recall=Y / no answer
  int64_t bill_timeout_ms = 60'000;         // downloadbill
};

// What the gateway is given besides its configuration. Unset members get
// the real thing: SystemClock, std::this_thread::sleep_for, curl.
struct WechatPayDeps {
  const Clock* clock = nullptr;
  std::function<void(int64_t ms)> sleep;
  std::function<Result<std::unique_ptr<sync::HttpTransport>>(const sync::CurlOptions&)> transport;
};

// A refund as refundquery reports it.
struct WechatRefundState {
  std::string status;     // SUCCESS | PROCESSING | REFUNDCLOSE | CHANGE (see docs/payments.md)
  int64_t refund_fen = 0;
  std::string refund_id;  // WeChat Pay's refund number
};

class WechatPayGateway final : public PaymentGateway {
 public:
  // Reads the API key (and the certificate pair when configured). InvalidArgument
  // naming the field for a missing appid/mch_id/api_key_file, a base_url that is
  // not https:// (http:// only to loopback), or only one of cert_file/key_file;
  // FailedPrecondition when a secret file is readable by group or others
  // ("chmod 600 FILE"); IoError when a file cannot be read. Never quotes a secret.
  static Result<std::unique_ptr<WechatPayGateway>> Create(const WechatPayConfig& config,
                                                          WechatPayDeps deps = {});
  ~WechatPayGateway() override;
  WechatPayGateway(const WechatPayGateway&) = delete;
  WechatPayGateway& operator=(const WechatPayGateway&) = delete;

  // The closed loop above. kUnavailable only when the micropay certainly did
  // not leave the till (no route, refused, TLS failed before sending); kError
  // for a request refused before sending (empty key, no code, amount <= 0) or
  // one WeChat Pay refused as wrongly made, confirmed by orderquery (the message
  // names the cause: a wrong API key shows as 签名错误). A repeated Pay with the
  // same key asks orderquery first and answers about the first request; it
  // sends micropay again only when WeChat Pay has no such order, and then the
  // identical bytes. The same key with another code or amount: kError.
  GatewayReply Pay(const PayRequest& request) override;
  // One orderquery: SUCCESS and REFUND → kApproved; USERPAYING, NOTPAY →
  // kPending; PAYERROR, CLOSED, REVOKED → kDeclined; ORDERNOTEXIST → kNotFound;
  // no answer → kUnavailable; an error or a bad signature → kError.
  QueryReply Query(const std::string& attempt_key) override;
  // Both are WeChat Pay's reverse (撤销): an unpaid order is closed, a paid one
  // refunded in full. kDone also for an order WeChat Pay never received
  // (ORDERNOTEXIST); kFailed when it refuses (e.g. REVERSE_EXPIRE after 7 days)
  // or no certificate is configured; kUnavailable when no definite answer came.
  UndoReply Cancel(const std::string& attempt_key) override;
  UndoReply Reverse(const std::string& attempt_key) override;
  // orderquery for the order's total, then refund with out_refund_no =
  // MerchantNo(refund_key). kDone when WeChat Pay accepted the refund (it
  // completes asynchronously: QueryRefund). A refund with no answer is looked
  // up by refundquery and, if WeChat Pay has none, sent again with the same
  // bytes. kFailed when the order is not paid, the refunds would exceed it,
  // the same refund key comes with another amount, or no certificate.
  UndoReply Refund(const std::string& attempt_key, const std::string& refund_key,
                   int64_t amount_fen) override;

  // refundquery by out_refund_no. NotFound when WeChat Pay has no such refund;
  // Unavailable when it could not be asked or the answer did not check.
  Result<WechatRefundState> QueryRefund(const std::string& refund_key);

  // The day's statement (对账单) for the merchant (the sub-merchant in 服务商
  // mode), bill_type ALL, for reconciliation. `date` is "YYYYMMDD" or
  // "YYYY-MM-DD", a Beijing calendar day; WeChat Pay publishes it from about
  // 10:00 the next day. NotFound when there is none (No Bill Exist: no
  // trades that day, or not yet published); Corruption when it does not read
  // (wechat::ParseBill); Unavailable when it could not be fetched. The
  // statement is not signed: it is trusted as far as the TLS connection is.
  Result<wechat::Bill> DownloadBill(const std::string& date);

  // The exact micropay body sent (or to be resent) for attempt_key, if this
  // process has made one. For a store that keeps request bodies beside the
  // attempt: after a restart, RestoreRequestBody(key, body) before a
  // repeated Pay makes it resend those bytes. The body holds the payment
  // code (auth_code), which is single-use and expires in about a minute.
  std::optional<std::string> RequestBody(const std::string& attempt_key) const;
  void RestoreRequestBody(const std::string& attempt_key, std::string body);

 private:
  struct Impl;
  explicit WechatPayGateway(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace linli::payments
