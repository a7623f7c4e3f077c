// The WeChat Pay gateway (wechat_pay.h) against the fake (fake_wechat.h) over
// real HTTPS on loopback: every outcome of the closed loop, refunds with
// mutual TLS, the statement, and PaymentService's record-first rule with a
// real gateway behind it. The clock and the sleeps are fake, so a 30-second
// deadline passes in milliseconds.
#include <doctest/doctest.h>

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "crash_gateway.h"
#include "linli/payments/wechat_pay.h"
#include "linli/pos/payments.h"
#include "linli/pos/store.h"
#include "payments/fake_wechat.h"
#include "testing.h"

using namespace linli;
using namespace linli::payments;
using linli::testing::FakeWechatPay;

namespace {

// An 18-digit WeChat Pay code (10–15…) whose last two digits pick the
// fake's scenario; `n` keeps codes apart within a test.
std::string Code(const std::string& scenario, int n = 0) {
  std::string mid = std::to_string(1000000000000 + n);  // 13 digits
  return "134" + mid + scenario;
}

void WriteSecret(const std::string& path, const std::string& text, unsigned mode = 0600) {
  linli::testing::WriteFile(path, text);
  ::chmod(path.c_str(), mode);
}

// A fake WeChat Pay, a gateway configured for it, and a fake clock the
// gateway's sleeps advance.
struct Wechat {
  explicit Wechat(FakeWechatPay::Options o = {}, bool with_cert = true,
                  wechat::SignType sign = wechat::SignType::kHmacSha256)
      : fake(std::move(o)) {
    WriteSecret(dir.File("api_key"), fake.options().api_key + "\n");
    linli::testing::WriteFile(dir.File("ca.pem"), fake.pki().ca_cert);
    linli::testing::WriteFile(dir.File("apiclient_cert.pem"), fake.pki().client_cert);
    WriteSecret(dir.File("apiclient_key.pem"), fake.pki().client_key);
    config.appid = fake.options().appid;
    config.mch_id = fake.options().mch_id;
    config.sub_mch_id = fake.options().sub_mch_id;
    config.sub_appid = fake.options().sub_appid;
    config.api_key_file = dir.File("api_key");
    config.sign_type = sign;
    config.base_url = fake.base_url();
    config.ca_file = dir.File("ca.pem");
    if (with_cert) {
      config.cert_file = dir.File("apiclient_cert.pem");
      config.key_file = dir.File("apiclient_key.pem");
    }
    config.connect_timeout_ms = 2000;
    config.request_timeout_ms = 1000;  // the fake's slow answers come after 2500 ms
    gateway = Make(config);
  }

  std::unique_ptr<WechatPayGateway> Make(const WechatPayConfig& c) {
    WechatPayDeps deps;
    deps.clock = &clock;
    deps.sleep = [this](int64_t ms) {
      slept_ms += ms;
      clock.Advance(ms);
    };
    auto g = WechatPayGateway::Create(c, std::move(deps));
    REQUIRE_MESSAGE(g.ok(), g.status().ToString());
    return std::move(g).value();
  }

  PayRequest Request(const std::string& code, int64_t fen = 1230) {
    PayRequest r;
    r.attempt_key = NewUuidV7(clock.NowMs());
    r.provider = "wechat";
    r.code = code;
    r.amount_fen = fen;
    r.description = "邻里便利店-日用品";
    return r;
  }

  // Every request the gateway sent was signed right, and nothing was resent
  // with another body: checked after every test that makes a Wechat.
  void CheckClean() const {
    CHECK(fake.bad_signatures() == 0);
    CHECK(fake.violations().empty());
    for (const auto& r : fake.requests()) CHECK_MESSAGE(r.signature_ok, r.path);
  }

  linli::testing::TempDir dir;
  FakeWechatPay fake;
  FakeClock clock{1764813600000};  // 2025-12-04T02:00:00Z
  std::atomic<int64_t> slept_ms{0};
  WechatPayConfig config;
  std::unique_ptr<WechatPayGateway> gateway;
};

size_t Count(const FakeWechatPay& f, const std::string& path) { return f.requests(path).size(); }

}  // namespace

TEST_CASE("wechat: a payment the network approves at once is approved, signed, with WeChat's transaction id") {
  Wechat w;
  const PayRequest r = w.Request(Code("00"));
  const GatewayReply reply = w.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  const auto order = w.fake.order(wechat::MerchantNo(r.attempt_key));
  CHECK(order.trade_state == "SUCCESS");
  CHECK(order.total_fen == 1230);
  CHECK(reply.gateway_ref == order.transaction_id);
  CHECK(Count(w.fake, "/pay/micropay") == 1);
  CHECK(Count(w.fake, "/pay/orderquery") == 0);
  CHECK(w.slept_ms == 0);
  // The body on the wire: the documented fields, the attempt's order number.
  auto sent = wechat::DecodeXml(w.fake.requests("/pay/micropay")[0].body);
  REQUIRE(sent.ok());
  CHECK(sent->at("out_trade_no") == wechat::MerchantNo(r.attempt_key));
  CHECK(sent->at("out_trade_no").size() == 32);
  CHECK(sent->at("auth_code") == r.code);
  CHECK(sent->at("total_fee") == "1230");
  CHECK(sent->at("sign_type") == "HMAC-SHA256");
  CHECK(sent->at("nonce_str").size() == 32);
  CHECK(sent->count("sub_mch_id") == 0);
  w.CheckClean();
}

TEST_CASE("wechat: MD5 signing is accepted by the network as well") {
  Wechat w({}, true, wechat::SignType::kMd5);
  CHECK(w.gateway->Pay(w.Request(Code("00"))).outcome == PayOutcome::kApproved);
  auto sent = wechat::DecodeXml(w.fake.requests("/pay/micropay")[0].body);
  REQUIRE(sent.ok());
  CHECK(sent->at("sign").size() == 32);
  w.CheckClean();
}

TEST_CASE("wechat: every request carries a fresh nonce") {
  Wechat w;
  w.gateway->Pay(w.Request(Code("00", 1)));
  w.gateway->Pay(w.Request(Code("00", 2)));
  const auto reqs = w.fake.requests("/pay/micropay");
  REQUIRE(reqs.size() == 2);
  CHECK(wechat::DecodeXml(reqs[0].body)->at("nonce_str") != wechat::DecodeXml(reqs[1].body)->at("nonce_str"));
}

TEST_CASE("wechat: USERPAYING is followed by order queries until the customer confirms") {
  Wechat w;
  const GatewayReply reply = w.gateway->Pay(w.Request(Code("01")));
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK_FALSE(reply.gateway_ref.empty());
  CHECK(Count(w.fake, "/pay/orderquery") == 2);
  CHECK(w.slept_ms == 2 * w.config.poll_interval_ms);
  CHECK(Count(w.fake, "/secapi/pay/reverse") == 0);
  w.CheckClean();
}

TEST_CASE("wechat: SYSTEMERROR is not a decline: the order query finds the payment") {
  Wechat w;
  const PayRequest r = w.Request(Code("02"));
  const GatewayReply reply = w.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(reply.gateway_ref == w.fake.order(wechat::MerchantNo(r.attempt_key)).transaction_id);
  CHECK(Count(w.fake, "/pay/micropay") == 1);
  w.CheckClean();
}

TEST_CASE("wechat: a micropay that times out is resolved by order query, not sent again") {
  Wechat w;
  const auto started = std::chrono::steady_clock::now();
  const GatewayReply reply = w.gateway->Pay(w.Request(Code("03")));
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(Count(w.fake, "/pay/micropay") == 1);
  CHECK(Count(w.fake, "/pay/orderquery") >= 1);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  w.CheckClean();
}

TEST_CASE("wechat: code and wallet errors are believed at once and say why") {
  Wechat w;
  struct Case {
    const char* scenario;
    DeclineReason reason;
  };
  int n = 0;
  for (const Case& c : {Case{"04", DeclineReason::kInsufficientFunds}, Case{"05", DeclineReason::kCodeExpired},
                        Case{"06", DeclineReason::kCodeInvalid}}) {
    CAPTURE(c.scenario);
    const GatewayReply reply = w.gateway->Pay(w.Request(Code(c.scenario, ++n)));
    CHECK(reply.outcome == PayOutcome::kDeclined);
    CHECK(reply.reason == c.reason);
  }
  CHECK(Count(w.fake, "/pay/orderquery") == 0);
  w.CheckClean();
}

TEST_CASE("wechat: a used payment code is refused by the network and the till asks for a fresh one") {
  Wechat w;
  const std::string code = Code("04");
  CHECK(w.gateway->Pay(w.Request(code)).reason == DeclineReason::kInsufficientFunds);
  const GatewayReply again = w.gateway->Pay(w.Request(code));  // a new attempt, the same code
  CHECK(again.outcome == PayOutcome::kDeclined);
  CHECK(again.reason == DeclineReason::kCodeExpired);
  CHECK(again.message.find("仅限使用一次") != std::string::npos);
  CHECK(Count(w.fake, "/pay/micropay") == 2);
  w.CheckClean();
}

TEST_CASE("wechat: a customer who never confirms is reversed at the deadline, with no real 30 s wait") {
  Wechat w;
  const auto started = std::chrono::steady_clock::now();
  const PayRequest r = w.Request(Code("07"));
  const GatewayReply reply = w.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kDeclined);
  CHECK(reply.message.find("撤销") != std::string::npos);
  CHECK(w.fake.order(wechat::MerchantNo(r.attempt_key)).trade_state == "REVOKED");
  CHECK(w.slept_ms >= w.config.deadline_ms);
  CHECK(w.slept_ms < w.config.deadline_ms + w.config.poll_interval_ms);
  CHECK(Count(w.fake, "/pay/orderquery") >= 6);
  CHECK(Count(w.fake, "/secapi/pay/reverse") == 1);
  CHECK(w.fake.requests("/secapi/pay/reverse")[0].client_cert);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  w.CheckClean();
}

TEST_CASE("wechat: paid between the last query and the reverse: the reverse returns the money and says so") {
  Wechat w;
  const PayRequest r = w.Request(Code("08"));
  const GatewayReply reply = w.gateway->Pay(r);
  const auto order = w.fake.order(wechat::MerchantNo(r.attempt_key));
  CHECK(order.reversed_after_payment);
  CHECK(order.refunded_fen == 1230);
  // Not approved (the money is back), and the cashier is told it was taken and returned.
  CHECK(reply.outcome == PayOutcome::kDeclined);
  CHECK(reply.message.find(order.transaction_id) != std::string::npos);
  CHECK(Count(w.fake, "/secapi/pay/reverse") == 2);  // recall=Y, then done
  w.CheckClean();
}

TEST_CASE("wechat: paid as the reverse was sent and no reverse answered: the payment is kept") {
  Wechat w;
  const PayRequest r = w.Request(Code("14"));
  const GatewayReply reply = w.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(reply.gateway_ref == w.fake.order(wechat::MerchantNo(r.attempt_key)).transaction_id);
  CHECK(w.fake.order(wechat::MerchantNo(r.attempt_key)).trade_state == "SUCCESS");
  // Each reverse timed out; the later ones may still wait in the fake's queue.
  CHECK(Count(w.fake, "/secapi/pay/reverse") >= 1);
  w.CheckClean();
}

TEST_CASE("wechat: a lost micropay is sent again with the identical body under the same out_trade_no") {
  Wechat w;
  const PayRequest r = w.Request(Code("09"));
  const GatewayReply reply = w.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  const auto bodies = w.fake.MicropayBodies(wechat::MerchantNo(r.attempt_key));
  REQUIRE(bodies.size() == 2);
  CHECK(bodies[0] == bodies[1]);  // same nonce, same signature, same bytes
  CHECK(w.gateway->RequestBody(r.attempt_key) == bodies[0]);
  w.CheckClean();
}

TEST_CASE("wechat: a business FAIL is confirmed by order query before it is believed") {
  Wechat w;
  const GatewayReply declined = w.gateway->Pay(w.Request(Code("10")));
  CHECK(declined.outcome == PayOutcome::kDeclined);
  CHECK(declined.message.find("TRADE_ERROR") != std::string::npos);
  CHECK(Count(w.fake, "/pay/orderquery") == 1);
  // The same error, but the money was taken: the query wins.
  const GatewayReply paid = w.gateway->Pay(w.Request(Code("11")));
  CHECK(paid.outcome == PayOutcome::kApproved);
  w.CheckClean();
}

TEST_CASE("wechat: an answer with a wrong signature is not believed, even when it says SUCCESS") {
  Wechat w;
  const GatewayReply reply = w.gateway->Pay(w.Request(Code("12")));
  CHECK(reply.outcome == PayOutcome::kDeclined);  // the signed order query's word
  CHECK(Count(w.fake, "/pay/orderquery") >= 1);
  w.CheckClean();
}

TEST_CASE("wechat: when no answer about an order checks, the attempt is left unknown, never approved or declined") {
  Wechat w;
  const PayRequest r = w.Request(Code("13"));
  const GatewayReply reply = w.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kTimeout);
  CHECK(w.gateway->Query(r.attempt_key).outcome == QueryOutcome::kError);
  w.CheckClean();
}

TEST_CASE("wechat: a wrong API key is refused by the network (签名错误) and nothing is taken or believed") {
  Wechat w;
  WechatPayConfig c = w.config;
  WriteSecret(w.dir.File("wrong_key"), "00000000000000000000000000000000");
  c.api_key_file = w.dir.File("wrong_key");
  auto g = w.Make(c);
  const PayRequest r = w.Request(Code("00"));
  const GatewayReply reply = g->Pay(r);
  CHECK(reply.outcome == PayOutcome::kTimeout);
  CHECK(w.fake.bad_signatures() > 0);
  CHECK_FALSE(w.fake.order(wechat::MerchantNo(r.attempt_key)).exists);
  CHECK(reply.message.find("00000000000000000000000000000000") == std::string::npos);
  CHECK(reply.message.find("签名错误") != std::string::npos);
}

TEST_CASE("wechat: the fake refuses an unsigned or wrongly signed request as the network does") {
  Wechat w;
  sync::CurlOptions o;
  o.ca_pem = w.fake.pki().ca_cert;
  auto t = sync::NewCurlTransport(o).value();
  wechat::Params p = {{"appid", w.config.appid}, {"mch_id", w.config.mch_id}, {"nonce_str", "abc"},
                      {"out_trade_no", "x"}};
  sync::HttpRequest req;
  req.method = "POST";
  req.url = w.fake.base_url() + "/pay/orderquery";
  req.body = wechat::EncodeXml(p);  // no sign
  auto res = t->Send(req);
  REQUIRE(res.ok());
  auto a = wechat::DecodeXml(res->body);
  REQUIRE(a.ok());
  CHECK(a->at("return_code") == "FAIL");
  CHECK(a->at("return_msg") == "签名错误");
  p["sign"] = wechat::Sign(p, "another key 000000000000000000000", wechat::SignType::kMd5);
  req.body = wechat::EncodeXml(p);
  CHECK(wechat::DecodeXml(t->Send(req)->body)->at("return_msg") == "签名错误");
  CHECK(w.fake.bad_signatures() == 2);
}

TEST_CASE("wechat: a repeated Pay with the same key answers about the first and never takes twice") {
  Wechat w;
  const PayRequest r = w.Request(Code("00"));
  CHECK(w.gateway->Pay(r).outcome == PayOutcome::kApproved);
  const GatewayReply again = w.gateway->Pay(r);
  CHECK(again.outcome == PayOutcome::kApproved);
  CHECK(Count(w.fake, "/pay/micropay") == 1);
  // The same key with another amount is refused before anything is sent.
  PayRequest other = r;
  other.amount_fen = 999;
  const size_t before = w.fake.requests().size();
  CHECK(w.gateway->Pay(other).outcome == PayOutcome::kError);
  CHECK(w.fake.requests().size() == before);
  w.CheckClean();
}

TEST_CASE("wechat: after a restart a restored request body is what goes out, byte for byte") {
  Wechat w;
  // The first process made the body but could not send it (offline), then stopped.
  WechatPayConfig offline = w.config;
  offline.base_url = "https://127.0.0.1:1";
  auto first = w.Make(offline);
  const PayRequest r = w.Request(Code("00"));
  REQUIRE(first->Pay(r).outcome == PayOutcome::kUnavailable);
  const std::optional<std::string> body = first->RequestBody(r.attempt_key);
  REQUIRE(body.has_value());
  // The next process restores it: orderquery finds no order, so it sends exactly those bytes.
  auto restarted = w.Make(w.config);
  restarted->RestoreRequestBody(r.attempt_key, *body);
  CHECK(restarted->Pay(r).outcome == PayOutcome::kApproved);
  const auto bodies = w.fake.MicropayBodies(wechat::MerchantNo(r.attempt_key));
  REQUIRE(bodies.size() == 1);
  CHECK(bodies[0] == *body);
  CHECK(Count(w.fake, "/pay/orderquery") == 1);  // asked first, then sent
  w.CheckClean();
}

TEST_CASE("wechat: with the network unreachable a payment is reported offline at once, nothing sent") {
  Wechat w;
  WechatPayConfig c = w.config;
  c.base_url = "https://127.0.0.1:1";  // nothing listens on port 1
  auto g = w.Make(c);
  const GatewayReply reply = g->Pay(w.Request(Code("00")));
  CHECK(reply.outcome == PayOutcome::kUnavailable);
  CHECK(w.slept_ms == 0);
  CHECK(g->Query("0192f1c2-7a3b-7c4d-8e5f-0a1b2c3d4e5f").outcome == QueryOutcome::kUnavailable);
  CHECK(w.fake.requests().empty());
}

TEST_CASE("wechat: Query maps the order's state") {
  Wechat w;
  CHECK(w.gateway->Query("0192f1c2-7a3b-7c4d-8e5f-0a1b2c3d4e5f").outcome == QueryOutcome::kNotFound);
  const PayRequest paid = w.Request(Code("00", 1));
  w.gateway->Pay(paid);
  const QueryReply q = w.gateway->Query(paid.attempt_key);
  CHECK(q.outcome == QueryOutcome::kApproved);
  CHECK(q.gateway_ref == w.fake.order(wechat::MerchantNo(paid.attempt_key)).transaction_id);
  const PayRequest declined = w.Request(Code("04", 2));
  w.gateway->Pay(declined);
  CHECK(w.gateway->Query(declined.attempt_key).outcome == QueryOutcome::kDeclined);
  w.CheckClean();
}

TEST_CASE("wechat: Cancel reverses a payment, and closes a key the network never saw so a late micropay fails") {
  Wechat w;
  const PayRequest r = w.Request(Code("00"));
  w.gateway->Pay(r);
  CHECK(w.gateway->Cancel(r.attempt_key).outcome == UndoOutcome::kDone);
  CHECK(w.fake.order(wechat::MerchantNo(r.attempt_key)).refunded_fen == 1230);
  const PayRequest late = w.Request(Code("00", 5));
  CHECK(w.gateway->Cancel(late.attempt_key).outcome == UndoOutcome::kDone);
  CHECK(w.gateway->Pay(late).outcome == PayOutcome::kDeclined);
  w.CheckClean();
}

TEST_CASE("wechat: refunds use mutual TLS, are idempotent by refund key and never exceed the payment") {
  Wechat w;
  const PayRequest r = w.Request(Code("00"));
  REQUIRE(w.gateway->Pay(r).outcome == PayOutcome::kApproved);
  const std::string no = wechat::MerchantNo(r.attempt_key);
  CHECK(w.gateway->Refund(r.attempt_key, "refund-1", 500).outcome == UndoOutcome::kDone);
  CHECK(w.gateway->Refund(r.attempt_key, "refund-1", 500).outcome == UndoOutcome::kDone);
  CHECK(w.fake.order(no).refunded_fen == 500);
  CHECK(w.fake.order(no).refunds == 1);
  CHECK(w.gateway->Refund(r.attempt_key, "refund-1", 600).outcome == UndoOutcome::kFailed);
  CHECK(w.gateway->Refund(r.attempt_key, "refund-2", 800).outcome == UndoOutcome::kFailed);  // 500 + 800 > 1230
  CHECK(w.gateway->Refund(r.attempt_key, "refund-3", 730).outcome == UndoOutcome::kDone);
  CHECK(w.fake.order(no).refunded_fen == 1230);
  for (const auto& req : w.fake.requests("/secapi/pay/refund")) CHECK(req.client_cert);
  auto state = w.gateway->QueryRefund("refund-1");
  REQUIRE(state.ok());
  CHECK(state->status == "SUCCESS");
  CHECK(state->refund_fen == 500);
  const auto missing = w.gateway->QueryRefund("refund-9");
  CHECK_MESSAGE(missing.status().IsNotFound(), missing.status().ToString());
  CHECK(w.gateway->Refund("0192f1c2-7a3b-7c4d-8e5f-0a1b2c3d4e5f", "refund-4", 1).outcome == UndoOutcome::kFailed);
  w.CheckClean();
}

TEST_CASE("wechat: a refund whose answer is lost is found by refundquery and made once") {
  Wechat w;
  const PayRequest r = w.Request(Code("00"));
  REQUIRE(w.gateway->Pay(r).outcome == PayOutcome::kApproved);
  w.fake.SlowNextRefund();
  CHECK(w.gateway->Refund(r.attempt_key, "refund-slow", 300).outcome == UndoOutcome::kDone);
  CHECK(w.fake.order(wechat::MerchantNo(r.attempt_key)).refunds == 1);
  CHECK(Count(w.fake, "/pay/refundquery") == 1);
  w.CheckClean();
}

TEST_CASE("wechat: without the merchant certificate no refund is attempted, and a stranger's certificate fails TLS") {
  Wechat w({}, /*with_cert=*/false);
  const PayRequest r = w.Request(Code("00"));
  REQUIRE(w.gateway->Pay(r).outcome == PayOutcome::kApproved);
  const UndoReply no_cert = w.gateway->Refund(r.attempt_key, "refund-1", 100);
  CHECK(no_cert.outcome == UndoOutcome::kFailed);
  CHECK(no_cert.message.find("certificate") != std::string::npos);
  CHECK(Count(w.fake, "/secapi/pay/refund") == 0);

  WechatPayConfig c = w.config;
  linli::testing::WriteFile(w.dir.File("stranger.pem"), w.fake.pki().stranger_cert);
  WriteSecret(w.dir.File("stranger.key"), w.fake.pki().stranger_key);
  c.cert_file = w.dir.File("stranger.pem");
  c.key_file = w.dir.File("stranger.key");
  auto stranger = w.Make(c);
  CHECK(stranger->Refund(r.attempt_key, "refund-1", 100).outcome == UndoOutcome::kUnavailable);
  CHECK(w.fake.order(wechat::MerchantNo(r.attempt_key)).refunded_fen == 0);
  w.CheckClean();
}

TEST_CASE("wechat: service-provider mode sends sub_mch_id and sub_appid in every request") {
  FakeWechatPay::Options o;
  o.sub_mch_id = "1900000109";
  o.sub_appid = "wx8888888888888888";
  Wechat w(o);
  const PayRequest r = w.Request(Code("00"));
  CHECK(w.gateway->Pay(r).outcome == PayOutcome::kApproved);
  CHECK(w.gateway->Refund(r.attempt_key, "refund-1", 100).outcome == UndoOutcome::kDone);
  for (const auto& req : w.fake.requests()) {
    auto p = wechat::DecodeXml(req.body);
    REQUIRE(p.ok());
    CHECK(p->at("sub_mch_id") == "1900000109");
    CHECK(p->at("sub_appid") == "wx8888888888888888");
  }
  // A provider's gateway that forgets the sub-merchant is refused, and takes nothing.
  WechatPayConfig c = w.config;
  c.sub_mch_id.clear();
  c.sub_appid.clear();
  const PayRequest r2 = w.Request(Code("00", 2));
  CHECK(w.Make(c)->Pay(r2).outcome != PayOutcome::kApproved);
  CHECK_FALSE(w.fake.order(wechat::MerchantNo(r2.attempt_key)).exists);
  w.CheckClean();
}

TEST_CASE("wechat: the daily statement lists payments, refunds and a reversed payment, in exact fen") {
  Wechat w;
  const PayRequest paid = w.Request(Code("00", 1), 1230);
  REQUIRE(w.gateway->Pay(paid).outcome == PayOutcome::kApproved);
  REQUIRE(w.gateway->Refund(paid.attempt_key, "refund-1", 230).outcome == UndoOutcome::kDone);
  const PayRequest reversed = w.Request(Code("08", 2), 500);
  w.gateway->Pay(reversed);
  auto bill = w.gateway->DownloadBill("2026-12-04");
  REQUIRE_MESSAGE(bill.ok(), bill.status().ToString());
  int payments = 0, refunds = 0;
  int64_t refunded = 0;
  for (const auto& row : bill->rows) {
    if (row.trade_state == "SUCCESS") {
      ++payments;
      CHECK((row.out_trade_no == wechat::MerchantNo(paid.attempt_key) ||
             row.out_trade_no == wechat::MerchantNo(reversed.attempt_key)));
    } else {
      ++refunds;
      refunded += row.refund_fen;
    }
  }
  CHECK(payments == 2);
  CHECK(refunds == 2);
  CHECK(refunded == 730);
  CHECK(bill->summary.count == 4);
  CHECK(bill->summary.settlement_total_fen == 1730);
  CHECK(w.gateway->DownloadBill("20261203").status().IsNotFound());
  CHECK(w.gateway->DownloadBill("2026-13").status().IsInvalidArgument());
  w.CheckClean();
}

TEST_CASE("wechat: two payments at once on one gateway are both taken") {
  Wechat w;
  const PayRequest a = w.Request(Code("00", 1));
  const PayRequest b = w.Request(Code("00", 2));
  GatewayReply ra, rb;
  std::thread ta([&] { ra = w.gateway->Pay(a); });
  std::thread tb([&] { rb = w.gateway->Pay(b); });
  ta.join();
  tb.join();
  CHECK(ra.outcome == PayOutcome::kApproved);
  CHECK(rb.outcome == PayOutcome::kApproved);
  CHECK(ra.gateway_ref != rb.gateway_ref);
  w.CheckClean();
}

TEST_CASE("wechat: secret files others can read are refused, and no error quotes a secret") {
  Wechat w;
  WechatPayConfig c = w.config;
  ::chmod(c.api_key_file.c_str(), 0644);
  auto g = WechatPayGateway::Create(c);
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().message().find("chmod 600") != std::string::npos);
  CHECK(g.status().message().find(w.fake.options().api_key) == std::string::npos);
  WriteSecret(c.api_key_file, "short");
  g = WechatPayGateway::Create(c);
  REQUIRE_FALSE(g.ok());
  CHECK(g.status().message().find("short") == std::string::npos);
  c = w.config;
  c.key_file.clear();
  CHECK(WechatPayGateway::Create(c).status().IsInvalidArgument());
  c = w.config;
  c.base_url = "http://api.mch.weixin.qq.com";
  CHECK(WechatPayGateway::Create(c).status().IsInvalidArgument());
}

// ---- Through PaymentService --------------------------------------------------


TEST_CASE("wechat: through PaymentService a payment is recorded, approved with WeChat's id, and a decline says why") {
  Wechat w;
  const std::string path = linli::testing::MakeStore(w.dir);
  auto db = OpenStore(path).value();
  PaymentService service(*db, *w.gateway, w.clock);
  auto paid = service.PayByCode("sale-1", Code("00", 1), 1230);
  REQUIRE(paid.ok());
  CHECK(paid->outcome == PaymentOutcome::kApproved);
  CHECK(paid->gateway_ref == w.fake.order(wechat::MerchantNo(paid->attempt_key)).transaction_id);
  auto poor = service.PayByCode("sale-2", Code("04", 2), 1230);
  REQUIRE(poor.ok());
  CHECK(poor->outcome == PaymentOutcome::kDeclined);
  CHECK(poor->message.find("余额不足") != std::string::npos);
  CHECK(service.CancelOrReverse(paid->attempt_key).ok());
  CHECK(service.Find(paid->attempt_key)->state == AttemptState::kCancelled);
  CHECK(w.fake.order(wechat::MerchantNo(paid->attempt_key)).refunded_fen == 1230);
  w.CheckClean();
}

TEST_CASE("wechat: a till that dies mid-payment resolves the pending attempt by query after restart, never resending") {
  Wechat w;
  const std::string path = linli::testing::MakeStore(w.dir);
  std::string key;
  {
    auto db = OpenStore(path).value();
    linli::testing::CrashAfterPay dying(*w.gateway);
    PaymentService service(*db, dying, w.clock);
    CHECK_THROWS_AS(service.PayByCode("sale-1", Code("00"), 880), linli::testing::SimulatedCrash);
    auto open = service.Unresolved();
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    key = (*open)[0].attempt_key;
    CHECK((*open)[0].state == AttemptState::kPending);
  }
  // The restarted till: a new process, a new gateway that has never seen the key.
  auto db = OpenStore(path).value();
  auto gateway = w.Make(w.config);
  PaymentService service(*db, *gateway, w.clock);
  auto open = service.Unresolved();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  auto resolved = service.Resolve(key);
  REQUIRE(resolved.ok());
  CHECK(resolved->outcome == PaymentOutcome::kApproved);
  CHECK(resolved->gateway_ref == w.fake.order(wechat::MerchantNo(key)).transaction_id);
  CHECK(Count(w.fake, "/pay/micropay") == 1);
  CHECK(service.Unresolved()->empty());
  w.CheckClean();
}

TEST_CASE("wechat: a payment left unknown (no answer checks) stays unknown through PaymentService until resolved") {
  Wechat w;
  const std::string path = linli::testing::MakeStore(w.dir);
  auto db = OpenStore(path).value();
  PaymentService service(*db, *w.gateway, w.clock);
  auto r = service.PayByCode("sale-1", Code("13"), 100);
  REQUIRE(r.ok());
  CHECK(r->outcome == PaymentOutcome::kUnknown);
  CHECK(service.Resolve(r->attempt_key)->outcome == PaymentOutcome::kUnknown);
  CHECK(service.Unresolved()->size() == 1);
  w.CheckClean();
}
