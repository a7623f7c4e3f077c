// A protocol-faithful fake of Alipay's open platform gateway for 当面付
// 条码支付, on 127.0.0.1 (cpp-httplib, port chosen by the system), speaking
// plain http: the transport allows http to loopback only, so the tests run
// without TLS.
//
// Like the real service it checks every request: form-encoded POST, app_id,
// charset, sign_type RSA2, version 1.0, a "yyyy-MM-dd HH:mm:ss" timestamp, the
// app_auth_token when one is expected (ISV mode), and the RSA2 signature over
// the sorted parameters with the app's public key. A missing signature is
// refused with 40001 isv.missing-signature, a wrong one with 40002
// isv.invalid-signature. Its answers are signed with its own key over the
// response node text ("alipay_trade_pay_response": {…}); alipay_public_pem()
// is the key to verify them with.
//
// What alipay.trade.pay does is chosen by the LAST TWO DIGITS of auth_code:
//
//   00–09  paid at once (10000)
//   10     10003 WAIT_BUYER_PAY; paid when queried the 2nd time
//   11     10003; never paid: the cancel closes it (action "close")
//   12     10003; the customer pays just as the cancel arrives: queries say
//          WAIT_BUYER_PAY, the cancel finds it paid and refunds it ("refund")
//   13     like 11, but the first cancel answers retry_flag "Y"
//   20     20000 system error, and no trade was created
//   21     20000 system error, but the trade was created and paid
//   30     paid, but the answer comes after delay_ms (the client times out)
//   40     40004 ACQ.BUYER_BALANCE_NOT_ENOUGH
//   41     40004 ACQ.PAYMENT_AUTH_CODE_INVALID
//   others paid at once
//
// A code that paid once is used: any later trade.pay with it gets
// ACQ.PAYMENT_AUTH_CODE_INVALID, as a real code lives for one payment.
// A trade.pay for an out_trade_no that is paid gets ACQ.TRADE_HAS_SUCCESS,
// for one that is closed ACQ.TRADE_HAS_CLOSE.
//
// alipay.trade.cancel on an unknown out_trade_no answers 10000 without action
// and closes the number (a later trade.pay with it is refused). Refunds are
// idempotent per out_request_no and refused beyond the amount paid.
// alipay.data.dataservice.bill.downloadurl.query gives a URL on this server
// whose body is the 业务明细 CSV (UTF-8) of every trade and refund.
//
// Every request is recorded, with its exact body and whether its signature
// held, so a test can check that nothing went unsigned and that no trade.pay
// was resent with a different body. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace linli::testing {

class FakeAlipay {
 public:
  struct Request {
    std::string method;        // "alipay.trade.pay", …
    std::string out_trade_no;  // from biz_content, "" when none
    std::string body;          // exactly as received
    bool signature_ok = false;
  };

  // app_public_pem: the app's public key, which the shop uploads to Alipay.
  explicit FakeAlipay(std::string app_id, std::string app_public_pem);
  ~FakeAlipay();

  std::string url() const;                // "http://127.0.0.1:PORT/gateway.do"
  const std::string& alipay_public_pem() const { return alipay_public_pem_; }
  const std::string& alipay_private_pem() const { return alipay_private_pem_; }

  // ISV mode: every request must carry this app_auth_token.
  void ExpectAppAuthToken(std::string token);
  // Answers signed with the wrong key (tamper) or not at all (strip).
  void SetTamperAnswers(bool on);
  void SetStripSignatures(bool on);
  void SetDelayMs(int64_t ms);  // for scenario 30
  // Serve these bytes as the statement instead of the generated UTF-8 CSV
  // (a test's zip of GBK files, as Alipay serves it).
  void SetBillFile(std::string bytes);

  std::vector<Request> Requests() const;
  std::vector<Request> RequestsFor(const std::string& out_trade_no) const;
  int CountOf(const std::string& method, const std::string& out_trade_no) const;
  // The trade's status as the fake holds it ("TRADE_SUCCESS", …; "" if none).
  std::string TradeStatus(const std::string& out_trade_no) const;
  int64_t RefundedFen(const std::string& out_trade_no) const;
  int64_t PaidFen(const std::string& out_trade_no) const;  // money taken and kept

 private:
  struct Trade {
    std::string auth_code;
    std::string scenario;  // the code's last two digits
    int64_t total_fen = 0;
    std::string status;    // WAIT_BUYER_PAY | TRADE_SUCCESS | TRADE_CLOSED
    std::string trade_no;
    int queries = 0;
    int cancels = 0;
    bool was_paid = false;
    int64_t refunded_fen = 0;
    std::map<std::string, int64_t> refunds;  // out_request_no → fen
  };
  class Server;
  std::string Handle(const std::string& body);

  const std::string app_id_;
  const std::string app_public_pem_;
  std::string alipay_public_pem_;
  std::string alipay_private_pem_;
  std::string wrong_private_pem_;

  mutable std::mutex mu_;
  std::string expect_token_;
  bool tamper_ = false;
  bool strip_ = false;
  int64_t delay_ms_ = 1500;
  std::string bill_file_;
  int64_t next_trade_ = 1;
  std::map<std::string, Trade> trades_;
  std::set<std::string> closed_;
  std::set<std::string> used_codes_;
  std::vector<Request> requests_;

  std::unique_ptr<Server> server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace linli::testing
