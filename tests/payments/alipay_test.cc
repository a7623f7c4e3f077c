// AlipayGateway (当面付 条码支付) against the fake Alipay in fake_alipay.h:
// every outcome of the closed loop, signatures both ways, refunds, the
// statement, and PaymentService's record-first rule across a restart.
#include <doctest/doctest.h>

#include <httplib.h>

#include <memory>
#include <stdexcept>
#include <thread>

#include "crash_gateway.h"
#include "linli/payments/alipay_gateway.h"
#include "linli/pos/crypto.h"
#include "linli/pos/payments.h"
#include "linli/pos/store.h"
#include "linli/pos/text.h"
#include "payments/fake_alipay.h"
#include "testing.h"

using namespace linli;
using linli::payments::AlipayConfig;
using linli::payments::AlipayGateway;
using linli::testing::FakeAlipay;

namespace {

const char* kAppId = "2021000000000001";

const RsaKeyPairPem& AppKeys() {
  static const RsaKeyPairPem keys = GenerateRsa(2048).value();
  return keys;
}

// An 18-digit Alipay payment code (25–30 prefix) ending in `scenario`.
std::string Code(const std::string& scenario, const std::string& serial = "0000") {
  return "2800123456" + serial + "00" + scenario;
}

// What must hold of everything the gateway ever sent: every request signed
// correctly, and every trade.pay of one out_trade_no byte-for-byte the same.
// Returns the problems found, "" when none.
std::string WireProblems(const FakeAlipay& fake) {
  std::string problems;
  std::map<std::string, std::string> pay_body;
  for (const FakeAlipay::Request& r : fake.Requests()) {
    if (!r.signature_ok) problems += r.method + " for " + r.out_trade_no + " not signed correctly; ";
    if (r.method != "alipay.trade.pay") continue;
    auto [it, first] = pay_body.emplace(r.out_trade_no, r.body);
    if (!first && it->second != r.body) problems += "trade.pay for " + r.out_trade_no + " resent with another body; ";
  }
  return problems;
}

struct Rig {
  linli::testing::TempDir dir;
  FakeAlipay fake{kAppId, AppKeys().public_spki};
  FakeClock clock{UtcMsOf(2026, 12, 4, 2, 0, 0)};
  std::unique_ptr<sync::HttpTransport> transport;
  std::unique_ptr<AlipayGateway> gateway;
  AlipayConfig config;

  Rig() {
    // The key as Alipay's key tool shows it: bare base64 PKCS#8, no headers.
    linli::testing::WriteFile(dir.File("app_private.txt"), PemBodyBase64(AppKeys().private_pkcs8));
    linli::testing::WriteFile(dir.File("alipay_public.pem"), fake.alipay_public_pem());
    config.app_id = kAppId;
    config.app_private_key_file = dir.File("app_private.txt");
    config.alipay_public_key_file = dir.File("alipay_public.pem");
    config.base_url = fake.url();
    config.request_timeout_ms = 700;  // scenario 30 answers after 1500 ms
    config.connect_timeout_ms = 700;
    transport = sync::NewCurlTransport(payments::AlipayCurlOptions(config)).value();
    Remake();
  }
  void Remake() { gateway = NewGateway(); }
  std::unique_ptr<AlipayGateway> NewGateway() {
    auto g = AlipayGateway::Create(config, *transport, clock, [this](int64_t ms) { clock.Advance(ms); });
    REQUIRE_MESSAGE(g.ok(), g.status().message());
    return std::move(g).value();
  }
  PayRequest Request(const std::string& code, int64_t fen = 1234) {
    PayRequest r;
    r.attempt_key = NewUuidV7(clock.NowMs());
    r.provider = "alipay";
    r.code = code;
    r.amount_fen = fen;
    r.description = "linli sale 1";
    return r;
  }
};

}  // namespace

TEST_CASE("the RSA2 sign content is every parameter but sign and empty ones, sorted, raw") {
  const std::string s = AlipayGateway::SignContent(
      {{"timestamp", "2026-12-04 10:00:00"}, {"app_id", "1"}, {"sign", "x"}, {"app_auth_token", ""},
       {"biz_content", "{\"a\":\"b&c\"}"}, {"sign_type", "RSA2"}});
  CHECK(s == "app_id=1&biz_content={\"a\":\"b&c\"}&sign_type=RSA2&timestamp=2026-12-04 10:00:00");
}

TEST_CASE("the signed text of an answer is the raw response node, whatever it holds") {
  const std::string body =
      "{\"alipay_trade_pay_response\":{\"code\":\"10000\",\"msg\":\"a}\\\"{,\",\"x\":[1,{\"y\":2}]},"
      "\"sign\":\"abc\"}";
  CHECK(payments::RawJsonMember(body, "alipay_trade_pay_response") ==
        "{\"code\":\"10000\",\"msg\":\"a}\\\"{,\",\"x\":[1,{\"y\":2}]}");
  CHECK(payments::RawJsonMember(body, "sign") == "\"abc\"");
  CHECK(payments::RawJsonMember("{\"sign\":\"s\", \"n\" : {\"k\":1} }", "n") == "{\"k\":1}");
  CHECK(payments::RawJsonMember(body, "code").empty());  // not top-level
  CHECK(payments::FormEncode("a b&c=d/中") == "a+b%26c%3Dd%2F%E4%B8%AD");
}

TEST_CASE("a payment approved at once is approved, with the amount in yuan from fen and every request signed") {
  Rig rig;
  PayRequest r = rig.Request(Code("00"), 1234);
  GatewayReply reply = rig.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(reply.gateway_ref.rfind("2026120422001", 0) == 0);
  CHECK(rig.fake.PaidFen(r.attempt_key) == 1234);
  auto reqs = rig.fake.RequestsFor(r.attempt_key);
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].body.find(payments::FormEncode("\"total_amount\":\"12.34\"")) != std::string::npos);
  CHECK(reqs[0].body.find(payments::FormEncode("\"scene\":\"bar_code\"")) != std::string::npos);
  CHECK(WireProblems(rig.fake).empty());

  PayRequest one_fen = rig.Request(Code("01", "0001"), 1);
  CHECK(rig.gateway->Pay(one_fen).outcome == PayOutcome::kApproved);
  CHECK(rig.fake.RequestsFor(one_fen.attempt_key)[0].body.find(payments::FormEncode("\"total_amount\":\"0.01\"")) !=
        std::string::npos);
  CHECK(rig.gateway->Query(r.attempt_key).outcome == QueryOutcome::kApproved);
}

TEST_CASE("10003 WAIT_BUYER_PAY is polled until the customer confirms") {
  Rig rig;
  const int64_t start = rig.clock.NowMs();
  PayRequest r = rig.Request(Code("10"));
  GatewayReply reply = rig.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK_FALSE(reply.gateway_ref.empty());
  CHECK(rig.fake.CountOf("alipay.trade.query", r.attempt_key) == 2);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) == 0);
  CHECK(rig.clock.NowMs() - start == 2 * rig.config.poll_interval_ms);
  CHECK(WireProblems(rig.fake).empty());
}

TEST_CASE("10003 never confirmed is cancelled at the deadline, straight after the last query") {
  Rig rig;
  const int64_t start = rig.clock.NowMs();
  PayRequest r = rig.Request(Code("11"));
  GatewayReply reply = rig.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kDeclined);
  CHECK(rig.clock.NowMs() - start >= rig.config.deadline_ms);
  CHECK(rig.clock.NowMs() - start < rig.config.deadline_ms + rig.config.poll_interval_ms);
  CHECK(rig.fake.CountOf("alipay.trade.query", r.attempt_key) == 10);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) == 1);
  auto reqs = rig.fake.RequestsFor(r.attempt_key);
  REQUIRE(reqs.size() >= 2);
  CHECK(reqs.back().method == "alipay.trade.cancel");
  CHECK(reqs[reqs.size() - 2].method == "alipay.trade.query");
  CHECK(rig.fake.TradeStatus(r.attempt_key) == "TRADE_CLOSED");
  CHECK(rig.fake.PaidFen(r.attempt_key) == 0);
  CHECK(WireProblems(rig.fake).empty());
}

TEST_CASE("paid between the last query and the cancel: the cancel refunds it and the reply says so") {
  Rig rig;
  PayRequest r = rig.Request(Code("12"));
  GatewayReply reply = rig.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kDeclined);
  CHECK(reply.message.find("refunded") != std::string::npos);
  CHECK(rig.fake.RefundedFen(r.attempt_key) == r.amount_fen);
  CHECK(rig.fake.PaidFen(r.attempt_key) == 0);
  QueryReply q = rig.gateway->Query(r.attempt_key);
  CHECK(q.outcome == QueryOutcome::kDeclined);
  CHECK(q.message.find("refunded") != std::string::npos);
}

TEST_CASE("a cancel answered with retry_flag Y is sent again") {
  Rig rig;
  PayRequest r = rig.Request(Code("13"));
  CHECK(rig.gateway->Pay(r).outcome == PayOutcome::kDeclined);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) == 2);
  CHECK(rig.fake.TradeStatus(r.attempt_key) == "TRADE_CLOSED");
}

TEST_CASE("20000 with no trade created: queried to the deadline, then cancelled, which closes the number") {
  Rig rig;
  PayRequest r = rig.Request(Code("20"));
  CHECK(rig.gateway->Pay(r).outcome == PayOutcome::kDeclined);
  CHECK(rig.fake.CountOf("alipay.trade.query", r.attempt_key) >= 2);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) == 1);
  CHECK(rig.fake.PaidFen(r.attempt_key) == 0);
  CHECK(WireProblems(rig.fake).empty());
}

TEST_CASE("20000 while the trade went through: the query finds it paid") {
  Rig rig;
  PayRequest r = rig.Request(Code("21"));
  GatewayReply reply = rig.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(rig.fake.CountOf("alipay.trade.query", r.attempt_key) == 1);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) == 0);
}

TEST_CASE("no answer in time, paid all the same: the query finds the late success") {
  Rig rig;
  PayRequest r = rig.Request(Code("30"));
  GatewayReply reply = rig.gateway->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(rig.fake.CountOf("alipay.trade.pay", r.attempt_key) == 1);
  CHECK(rig.fake.CountOf("alipay.trade.query", r.attempt_key) >= 1);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) == 0);
  CHECK(rig.fake.PaidFen(r.attempt_key) == r.amount_fen);
}

TEST_CASE("40004 declines are mapped by sub_code: balance, invalid code, and a code already used") {
  Rig rig;
  GatewayReply poor = rig.gateway->Pay(rig.Request(Code("40")));
  CHECK(poor.outcome == PayOutcome::kDeclined);
  CHECK(poor.reason == DeclineReason::kInsufficientFunds);
  GatewayReply bad = rig.gateway->Pay(rig.Request(Code("41")));
  CHECK(bad.outcome == PayOutcome::kDeclined);
  CHECK(bad.reason == DeclineReason::kCodeInvalid);

  const std::string code = Code("05");
  CHECK(rig.gateway->Pay(rig.Request(code)).outcome == PayOutcome::kApproved);
  PayRequest again = rig.Request(code);
  GatewayReply used = rig.gateway->Pay(again);
  CHECK(used.outcome == PayOutcome::kDeclined);
  CHECK(used.reason == DeclineReason::kCodeInvalid);
  CHECK(rig.fake.PaidFen(again.attempt_key) == 0);
}

TEST_CASE("the same attempt is never paid twice: a repeat asks, a restart resends the identical body") {
  Rig rig;
  PayRequest r = rig.Request(Code("00"));
  REQUIRE(rig.gateway->Pay(r).outcome == PayOutcome::kApproved);

  // The same object: no second trade.pay, a query instead.
  rig.clock.Advance(5'000);
  CHECK(rig.gateway->Pay(r).outcome == PayOutcome::kApproved);
  CHECK(rig.fake.CountOf("alipay.trade.pay", r.attempt_key) == 1);
  PayRequest other = r;
  other.amount_fen += 1;
  CHECK(rig.gateway->Pay(other).outcome == PayOutcome::kError);

  // A new process (new gateway object) that resends: the same bytes, and
  // ACQ.TRADE_HAS_SUCCESS is confirmed by query, not taken twice.
  rig.clock.Advance(60'000);
  auto fresh = rig.NewGateway();
  GatewayReply reply = fresh->Pay(r);
  CHECK(reply.outcome == PayOutcome::kApproved);
  CHECK(rig.fake.CountOf("alipay.trade.pay", r.attempt_key) == 2);
  CHECK(rig.fake.PaidFen(r.attempt_key) == r.amount_fen);
  CHECK(WireProblems(rig.fake).empty());
}

TEST_CASE("cancel after payment refunds it; refunds are idempotent per refund key and capped") {
  Rig rig;
  PayRequest paid = rig.Request(Code("00"), 1000);
  REQUIRE(rig.gateway->Pay(paid).outcome == PayOutcome::kApproved);
  UndoReply cancel = rig.gateway->Cancel(paid.attempt_key);
  CHECK(cancel.outcome == UndoOutcome::kDone);
  CHECK(cancel.message.find("refund") != std::string::npos);
  CHECK(rig.fake.PaidFen(paid.attempt_key) == 0);
  CHECK(rig.gateway->Query(paid.attempt_key).outcome == QueryOutcome::kDeclined);

  PayRequest sale = rig.Request(Code("00", "0002"), 1000);
  REQUIRE(rig.gateway->Pay(sale).outcome == PayOutcome::kApproved);
  CHECK(rig.gateway->Refund(sale.attempt_key, "refund-1", 300).outcome == UndoOutcome::kDone);
  CHECK(rig.gateway->Refund(sale.attempt_key, "refund-1", 300).outcome == UndoOutcome::kDone);
  CHECK(rig.fake.RefundedFen(sale.attempt_key) == 300);
  UndoReply too_much = rig.gateway->Refund(sale.attempt_key, "refund-2", 800);
  CHECK(too_much.outcome == UndoOutcome::kFailed);
  CHECK(rig.fake.RefundedFen(sale.attempt_key) == 300);
  CHECK(rig.gateway->Refund(sale.attempt_key, "refund-3", 700).outcome == UndoOutcome::kDone);
  CHECK(rig.fake.RefundedFen(sale.attempt_key) == 1000);
  CHECK(rig.gateway->Reverse(sale.attempt_key).outcome == UndoOutcome::kFailed);
  CHECK(WireProblems(rig.fake).empty());
}

TEST_CASE("an answer with a wrong or missing signature is never believed, even when it says paid") {
  for (bool strip : {false, true}) {
    CAPTURE(strip);
    Rig rig;
    if (strip) {
      rig.fake.SetStripSignatures(true);
    } else {
      rig.fake.SetTamperAnswers(true);
    }
    PayRequest r = rig.Request(Code("00"));
    GatewayReply reply = rig.gateway->Pay(r);
    CHECK(reply.outcome == PayOutcome::kTimeout);  // unknown: not approved, not declined
    // The fake did take it; the cancel at the deadline (whose answer could not
    // be believed either) sent it back.
    CHECK(rig.fake.CountOf("alipay.trade.cancel", r.attempt_key) >= 1);
    CHECK(rig.fake.RefundedFen(r.attempt_key) == r.amount_fen);
    CHECK(rig.gateway->Query(r.attempt_key).outcome == QueryOutcome::kError);
    CHECK(rig.gateway->Cancel(r.attempt_key).outcome == UndoOutcome::kUnavailable);
    CHECK(rig.gateway->Refund(r.attempt_key, "r", 1).outcome == UndoOutcome::kUnavailable);
  }
}

TEST_CASE("a request signed with a key Alipay does not know is refused as isv.invalid-signature") {
  Rig rig;
  const RsaKeyPairPem other = GenerateRsa(2048).value();
  linli::testing::WriteFile(rig.dir.File("other.pem"), other.private_pkcs1);
  rig.config.app_private_key_file = rig.dir.File("other.pem");
  auto wrong = rig.NewGateway();
  PayRequest r = rig.Request(Code("00"));
  GatewayReply reply = wrong->Pay(r);
  CHECK(reply.outcome == PayOutcome::kError);
  CHECK(reply.message.find("isv.invalid-signature") != std::string::npos);
  CHECK(rig.fake.PaidFen(r.attempt_key) == 0);
  // And the wire check catches it.
  CHECK(WireProblems(rig.fake).find("not signed correctly") != std::string::npos);
}

TEST_CASE("the wire check fails for an unsigned request and for a trade.pay resent with another body") {
  Rig rig;
  httplib::Client raw("127.0.0.1", std::stoi(rig.fake.url().substr(17)));
  auto res = raw.Post("/gateway.do",
                      "app_id=2021000000000001&method=alipay.trade.pay&charset=utf-8&sign_type=RSA2&version=1.0"
                      "&format=JSON&timestamp=2026-12-04+10%3A00%3A00&biz_content=%7B%22out_trade_no%22%3A%22x1%22%7D",
                      "application/x-www-form-urlencoded");
  REQUIRE(res);
  CHECK(res->body.find("isv.missing-signature") != std::string::npos);
  CHECK(WireProblems(rig.fake).find("not signed correctly") != std::string::npos);

  // Two correctly signed trade.pay bodies for one number that differ.
  Rig rig2;
  PayRequest r = rig2.Request(Code("20"));
  REQUIRE(rig2.gateway->Pay(r).outcome == PayOutcome::kDeclined);
  CHECK(WireProblems(rig2.fake).empty());
  PayRequest changed = r;
  changed.code = Code("20", "0009");  // same key, another code: a new object would sign another body
  auto fresh = rig2.NewGateway();
  fresh->Pay(changed);
  CHECK(WireProblems(rig2.fake).find("resent with another body") != std::string::npos);
}

TEST_CASE("ISV mode sends the sub-merchant's app_auth_token, and Alipay refuses a call without it") {
  Rig rig;
  rig.fake.ExpectAppAuthToken("202612BBxxxxtoken");
  GatewayReply missing = rig.gateway->Pay(rig.Request(Code("00")));
  CHECK(missing.outcome == PayOutcome::kError);
  CHECK(missing.message.find("aop.invalid-app-auth-token") != std::string::npos);
  CHECK(missing.message.find("202612BBxxxxtoken") == std::string::npos);

  rig.config.app_auth_token = "202612BBxxxxtoken";
  rig.Remake();
  PayRequest r = rig.Request(Code("00", "0003"));
  CHECK(rig.gateway->Pay(r).outcome == PayOutcome::kApproved);
  CHECK(rig.fake.RequestsFor(r.attempt_key)[0].body.find("app_auth_token=202612BBxxxxtoken") != std::string::npos);
}

TEST_CASE("a gateway is not made from a missing or wrong key, and the message holds no key text") {
  Rig rig;
  AlipayConfig c = rig.config;
  c.app_private_key_file = rig.dir.File("nope.pem");
  CHECK_FALSE(AlipayGateway::Create(c, *rig.transport, rig.clock).ok());
  c = rig.config;
  c.alipay_public_key_file = rig.config.app_private_key_file;  // a private key where the public one goes
  auto st = AlipayGateway::Create(c, *rig.transport, rig.clock);
  REQUIRE_FALSE(st.ok());
  CHECK(st.status().message().find(PemBodyBase64(AppKeys().private_pkcs8).substr(0, 40)) == std::string::npos);
  c = rig.config;
  c.app_id.clear();
  CHECK_FALSE(AlipayGateway::Create(c, *rig.transport, rig.clock).ok());
}

TEST_CASE("the statement lists each payment and refund with our keys and exact amounts") {
  Rig rig;
  PayRequest a = rig.Request(Code("00"), 1234);
  PayRequest b = rig.Request(Code("00", "0004"), 500);
  REQUIRE(rig.gateway->Pay(a).outcome == PayOutcome::kApproved);
  REQUIRE(rig.gateway->Pay(b).outcome == PayOutcome::kApproved);
  REQUIRE(rig.gateway->Refund(b.attempt_key, "rk-1", 200).outcome == UndoOutcome::kDone);
  auto rows = rig.gateway->DownloadBill("2026-12-04");
  REQUIRE_MESSAGE(rows.ok(), rows.status().message());
  REQUIRE(rows->size() == 3);
  std::map<std::string, int64_t> paid, refunded;
  for (const auto& row : *rows) {
    if (row.business_type == "交易") paid[row.out_trade_no] += row.amount_fen;
    if (row.business_type == "退款") {
      refunded[row.out_trade_no] += row.amount_fen;
      CHECK(row.out_request_no == "rk-1");
    }
  }
  CHECK(paid[a.attempt_key] == 1234);
  CHECK(paid[b.attempt_key] == 500);
  CHECK(refunded[b.attempt_key] == -200);
  CHECK(rows->front().fee_fen == -2);

  CHECK_FALSE(payments::ParseAlipayBillCsv("#only comments\n").ok());
  CHECK_FALSE(payments::ParseAlipayBillCsv("支付宝交易号,商户订单号,业务类型,订单金额（元）\n1,2,交易,1.234\n").ok());
}


TEST_CASE("through PaymentService: approved, declined in plain words, and a crash resolved by query, not resent") {
  Rig rig;
  const std::string path = linli::testing::MakeStore(rig.dir);
  {
    auto db = OpenStore(path).value();
    PaymentService service(*db, *rig.gateway, rig.clock);
    auto ok = service.PayByCode("sale-1", Code("00"), 880);
    REQUIRE(ok.ok());
    CHECK(ok->outcome == PaymentOutcome::kApproved);
    auto poor = service.PayByCode("sale-2", Code("40"), 880);
    REQUIRE(poor.ok());
    CHECK(poor->outcome == PaymentOutcome::kDeclined);
    CHECK(poor->message.find("余额不足") != std::string::npos);
  }
  std::string key;
  {
    auto db = OpenStore(path).value();
    linli::testing::CrashAfterPay dying(*rig.gateway);
    PaymentService service(*db, dying, rig.clock);
    CHECK_THROWS_AS(service.PayByCode("sale-3", Code("10", "0005"), 990), linli::testing::SimulatedCrash);
    auto open = service.Unresolved();
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    key = open->front().attempt_key;
  }
  // Restart: a new process, a new gateway, the same store.
  auto db = OpenStore(path).value();
  auto gateway = rig.NewGateway();
  PaymentService service(*db, *gateway, rig.clock);
  auto open = service.Unresolved();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  auto resolved = service.Resolve(key);
  REQUIRE(resolved.ok());
  CHECK(resolved->outcome == PaymentOutcome::kApproved);
  CHECK(rig.fake.CountOf("alipay.trade.pay", key) == 1);
  CHECK(rig.fake.PaidFen(key) == 990);
  CHECK(service.Unresolved()->empty());
  CHECK(WireProblems(rig.fake).empty());
}

TEST_CASE("through PaymentService: a pending attempt Alipay never saw is closed, then declined") {
  Rig rig;
  const std::string path = linli::testing::MakeStore(rig.dir);
  auto db = OpenStore(path).value();
  // Crash before anything was sent: the row is pending, Alipay knows nothing.
  class CrashBeforePay final : public PaymentGateway {
   public:
    GatewayReply Pay(const PayRequest&) override { throw linli::testing::SimulatedCrash(); }
    QueryReply Query(const std::string&) override { return {}; }
    UndoReply Cancel(const std::string&) override { return {}; }
    UndoReply Reverse(const std::string&) override { return {}; }
    UndoReply Refund(const std::string&, const std::string&, int64_t) override { return {}; }
  } dying;
  {
    PaymentService service(*db, dying, rig.clock);
    CHECK_THROWS_AS(service.PayByCode("sale-9", Code("00"), 100), linli::testing::SimulatedCrash);
  }
  PaymentService service(*db, *rig.gateway, rig.clock);
  auto open = service.Unresolved();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  const std::string key = open->front().attempt_key;
  auto resolved = service.Resolve(key);
  REQUIRE(resolved.ok());
  CHECK(resolved->outcome == PaymentOutcome::kDeclined);
  CHECK(rig.fake.CountOf("alipay.trade.cancel", key) == 1);  // the number is closed
  CHECK(rig.fake.CountOf("alipay.trade.pay", key) == 0);
}

TEST_CASE("one gateway serves several threads at once, each payment taken once") {
  Rig rig;
  // The FakeClock is not for threads: this test polls with real (short) sleeps.
  SystemClock real;
  rig.config.poll_interval_ms = 20;
  rig.config.deadline_ms = 2'000;
  auto g = AlipayGateway::Create(rig.config, *rig.transport, real);
  REQUIRE(g.ok());
  std::vector<PayRequest> reqs;
  for (int i = 0; i < 8; ++i) {
    PayRequest r = rig.Request(Code(i % 2 ? "10" : "00", "10" + std::to_string(10 + i)), 100 + i);
    r.attempt_key = NewUuidV7(real.NowMs());
    reqs.push_back(r);
  }
  std::vector<GatewayReply> replies(reqs.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < reqs.size(); ++i) {
    threads.emplace_back([&, i] { replies[i] = (*g)->Pay(reqs[i]); });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < reqs.size(); ++i) {
    CAPTURE(i);
    CHECK(replies[i].outcome == PayOutcome::kApproved);
    CHECK(rig.fake.CountOf("alipay.trade.pay", reqs[i].attempt_key) == 1);
    CHECK(rig.fake.PaidFen(reqs[i].attempt_key) == reqs[i].amount_fen);
  }
  CHECK(WireProblems(rig.fake).empty());
}


TEST_CASE("GBK text reads as UTF-8") {
  CHECK(Gb18030ToUtf8("\xD6\xD0\xCE\xC4 abc").value() == "中文 abc");
  CHECK_FALSE(Gb18030ToUtf8("\x81").ok());  // a lead byte with nothing after it
}

TEST_CASE("the statement as Alipay serves it: a zip of GBK files, the detail beside its summary") {
  if (linli::testing::ShellOutput("command -v zip; command -v iconv").find("iconv") == std::string::npos ||
      linli::testing::ShellOutput("command -v zip").empty()) {
    MESSAGE("zip or iconv not installed: the zip statement test is skipped");
    return;
  }
  Rig rig;
  PayRequest a = rig.Request(Code("00"), 4321);
  REQUIRE(rig.gateway->Pay(a).outcome == PayOutcome::kApproved);
  // The detail file the fake makes, in GBK, zipped with a summary file, as
  // Alipay names them; deflated and with data descriptors (-fd), as Java writes them.
  httplib::Client raw("127.0.0.1", std::stoi(rig.fake.url().substr(17)));
  auto csv = raw.Get("/bill/2026-12-04.csv");
  REQUIRE(csv);
  linli::testing::WriteFile(rig.dir.File("detail.csv"), csv->body);
  linli::testing::WriteFile(rig.dir.File("summary.csv"),
                            "#支付宝业务汇总查询\n门店编号,门店名称,交易订单总笔数,交易订单总金额（元）\n,,1,43.21\n");
  const std::string d = rig.dir.path().string();
  for (const char* flags : {"-q -fd", "-q -0"}) {
    CAPTURE(flags);
    linli::testing::ShellOutput("cd '" + d + "' && rm -f bill.zip && iconv -f UTF-8 -t GBK detail.csv > '20880000000000000156_20261204_业务明细.csv'"
          " && iconv -f UTF-8 -t GBK summary.csv > '20880000000000000156_20261204_业务明细(汇总).csv'"
          " && zip " + std::string(flags) + " bill.zip '20880000000000000156_20261204_业务明细(汇总).csv'"
          " '20880000000000000156_20261204_业务明细.csv'");
    const std::string zip = linli::testing::ReadFile(rig.dir.File("bill.zip"));
    REQUIRE(zip.rfind("PK\x03\x04", 0) == 0);
    rig.fake.SetBillFile(zip);
    auto rows = rig.gateway->DownloadBill("2026-12-04");
    REQUIRE_MESSAGE(rows.ok(), rows.status().message());
    REQUIRE(rows->size() == 1);
    CHECK(rows->front().out_trade_no == a.attempt_key);
    CHECK(rows->front().business_type == "交易");
    CHECK(rows->front().amount_fen == 4321);
  }
  // A zip cut short is refused, not half read.
  const std::string zip = linli::testing::ReadFile(rig.dir.File("bill.zip"));
  CHECK_FALSE(payments::ParseAlipayBillFile(zip.substr(0, zip.size() / 2)).ok());
}

TEST_CASE("alipay: a trade.pay that never left the till is unavailable at once, without waiting or cancelling") {
  Rig rig;
  rig.config.base_url = "http://127.0.0.1:1/gateway.do";  // nothing listens on port 1
  rig.Remake();
  const int64_t before = rig.clock.NowMs();
  GatewayReply r = rig.gateway->Pay(rig.Request(Code("00")));
  CHECK(r.outcome == PayOutcome::kUnavailable);
  CHECK(r.message.find("not sent") != std::string::npos);
  CHECK(rig.clock.NowMs() == before);  // no poll interval slept
  CHECK(rig.fake.Requests().empty());
}
