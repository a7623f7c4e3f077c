// A protocol-faithful fake of WeChat Pay's merchant API v2 for the tests:
// cpp-httplib over HTTPS on 127.0.0.1 (a port the system picks), with a test
// CA made afresh for each fake (MakeTestPki), and mutual TLS on /secapi/
// (reverse, refund) as the real service requires.
//
// What it checks on every request, as the real service does:
//   - the body is a flat <xml> document (else return_code FAIL "XML格式错误");
//   - sign is present and right for sign_type (MD5 when absent) under the API
//     key (else return_code FAIL "签名错误", unsigned, counted in bad_signatures);
//   - appid and mch_id are the fake's, sub_mch_id and sub_appid are exactly the
//     configured ones (present in 服务商 mode, absent otherwise), nonce_str is
//     1–32 characters;
//   - /secapi/ requests came with a client certificate signed by the test CA
//     (none: return_code FAIL, counted in refused_without_cert; one from
//     another CA fails the TLS handshake).
// Every answer it gives with return_code SUCCESS is signed with the request's
// sign_type, except where a scenario below says otherwise.
//
// What a micropay does depends on the LAST TWO DIGITS of auth_code:
//   00 (and any not listed)  SUCCESS at once
//   01  USERPAYING; orderquery says USERPAYING once, then SUCCESS
//   02  SYSTEMERROR, but the money was taken: orderquery says SUCCESS
//   03  paid, but the answer comes only after slow_ms (the client times out)
//   04  NOTENOUGH (余额不足), order PAYERROR
//   05  AUTHCODEEXPIRE, order PAYERROR
//   06  AUTH_CODE_INVALID, order PAYERROR
//   07  USERPAYING for ever: the customer never confirms; reverse closes it
//   08  USERPAYING until the first reverse arrives, when the customer pays:
//       that reverse answers SYSTEMERROR recall=Y, the next reverses and refunds
//       the payment (orderquery then says REVOKED, with the transaction_id)
//   09  the first micropay is lost (recorded, not processed, answered after
//       slow_ms); orderquery says ORDERNOTEXIST; an identical one succeeds
//   10  FAIL TRADE_ERROR, and orderquery confirms it: PAYERROR
//   11  FAIL TRADE_ERROR, yet the money was taken: orderquery says SUCCESS
//   12  an answer claiming SUCCESS with a wrong signature; the order really is
//       PAYERROR (orderquery, signed right, says so)
//   13  every answer about this order is signed wrongly; the money was taken
//   14  USERPAYING; the customer pays as the first reverse arrives, and no
//       reverse is ever answered (each after slow_ms, unprocessed)
// A code already used in any earlier micropay under another out_trade_no is
// refused: FAIL AUTHCODEEXPIRE "每个二维码仅限使用一次，请刷新再试". The same
// out_trade_no again is answered about that order (ORDERPAID, the first
// error again, ORDERREVERSED, USERPAYING …); with a different body from the
// first it is also recorded as a violation.
//
// reverse: an unpaid order becomes REVOKED; a paid one REVOKED and refunded in
// full; an unknown out_trade_no answers ORDERNOTEXIST and is closed, so a late
// micropay with it is refused (ORDERREVERSED). refund: out_refund_no is
// idempotent (the same amount again succeeds without refunding twice);
// total_fee must be the order's; refunds may not exceed it; the order becomes
// REFUND. refundquery: by out_refund_no, the refund is SUCCESS at once.
// downloadbill: for Options::bill_date, a statement of every paid order and
// every refund (a reversed payment shows as a refund); other dates answer
// return_code FAIL "No Bill Exist".
//
// Thread-safe: the server's threads and the test's share one mutex.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace linli::testing {

// PEM text: a CA, a server certificate for 127.0.0.1/localhost signed by it,
// a client certificate signed by it, and a client certificate from another CA.
struct TestPki {
  std::string ca_cert;
  std::string server_cert, server_key;
  std::string client_cert, client_key;
  std::string stranger_cert, stranger_key;  // signed by a CA nobody trusts
};
TestPki MakeTestPki();

class FakeWechatPay {
 public:
  struct Options {
    std::string appid = "wx2421b1c4370ec43b";
    std::string mch_id = "10000100";
    std::string api_key = "192006250b4c09247ec02edce69f6a2d";
    std::string sub_mch_id;  // set: 服务商 mode, required in every request
    std::string sub_appid;
    int64_t slow_ms = 2500;  // how late the slow scenarios answer
    std::string bill_date = "20261204";
  };

  explicit FakeWechatPay(Options options);
  FakeWechatPay();
  ~FakeWechatPay();
  FakeWechatPay(const FakeWechatPay&) = delete;
  FakeWechatPay& operator=(const FakeWechatPay&) = delete;

  std::string base_url() const;  // "https://127.0.0.1:PORT"
  const TestPki& pki() const;
  const Options& options() const;

  // One request as it arrived.
  struct Request {
    std::string path;
    std::string body;
    bool signature_ok = false;
    bool client_cert = false;
    std::string out_trade_no;
  };
  std::vector<Request> requests() const;
  std::vector<Request> requests(const std::string& path) const;
  // Every micropay body received with this out_trade_no, in arrival order.
  std::vector<std::string> MicropayBodies(const std::string& out_trade_no) const;
  int bad_signatures() const;
  int refused_without_cert() const;
  // Protocol breaches by the client: a resent order or refund with another body.
  std::vector<std::string> violations() const;

  struct Order {
    bool exists = false;
    std::string trade_state;  // SUCCESS, USERPAYING, PAYERROR, REVOKED, REFUND, …
    int64_t total_fen = 0;
    int64_t refunded_fen = 0;
    std::string transaction_id;
    bool reversed_after_payment = false;  // paid, then reverse gave it back
    int refunds = 0;                      // refunds made (not repeats)
  };
  Order order(const std::string& out_trade_no) const;

  // The next refund is made but answered only after slow_ms.
  void SlowNextRefund();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace linli::testing
