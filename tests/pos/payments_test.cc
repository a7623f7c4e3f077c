#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "linli/pos/payments.h"
#include "linli/pos/store.h"
#include "testing.h"

using namespace linli;

namespace {

// Payment codes that ClassifyBarcode recognises, ending in the given digit.
std::string Wechat(char last) { return std::string("13456789012345678") + last; }     // 18 digits, 13…
std::string Alipay(char last) { return std::string("28001234567890123") + last; }     // 18 digits, 28…
std::string UnionPay(char last) { return std::string("621234567890123456") + last; }  // 19 digits, 62…

// The process "dies" here: PayByCode does not catch it, as it would not
// survive a real crash either.
struct SimulatedCrash : std::runtime_error {
  SimulatedCrash() : std::runtime_error("simulated crash") {}
};

// Wraps a gateway, counts every call, and lets a test look in or break things
// around Pay. It is how the tests prove the service never resends blindly.
class CountingGateway final : public PaymentGateway {
 public:
  explicit CountingGateway(PaymentGateway& inner) : inner_(inner) {}

  GatewayReply Pay(const PayRequest& r) override {
    ++pay_calls;
    last_request = r;
    if (before_pay) before_pay(r);
    GatewayReply reply = inner_.Pay(r);
    if (after_pay) after_pay(r);
    return reply;
  }
  QueryReply Query(const std::string& key) override {
    ++query_calls;
    if (query_override) return *query_override;
    return inner_.Query(key);
  }
  UndoReply Cancel(const std::string& key) override {
    ++cancel_calls;
    return inner_.Cancel(key);
  }
  UndoReply Reverse(const std::string& key) override {
    ++reverse_calls;
    return inner_.Reverse(key);
  }
  UndoReply Refund(const std::string& key, const std::string& refund_key, int64_t amount_fen) override {
    return inner_.Refund(key, refund_key, amount_fen);
  }

  int pay_calls = 0;
  int query_calls = 0;
  int cancel_calls = 0;
  int reverse_calls = 0;
  PayRequest last_request;
  std::function<void(const PayRequest&)> before_pay;
  std::function<void(const PayRequest&)> after_pay;
  std::optional<QueryReply> query_override;

 private:
  PaymentGateway& inner_;
};

// A store, a sandbox behind a counting wrapper, and the service.
struct Till {
  linli::testing::TempDir dir;
  std::string path = linli::testing::MakeStore(dir);
  std::unique_ptr<Database> db = OpenStore(path).value();
  FakeClock clock{1763710200000};  // 2025-11-21T07:30:00Z
  SandboxGateway sandbox;
  CountingGateway gateway{sandbox};
  std::unique_ptr<PaymentService> payments = std::make_unique<PaymentService>(*db, gateway, clock);

  // Simulates a till restart: a new connection and a new service. The
  // sandbox (the payment processor's side) lives on.
  void Restart() {
    payments.reset();
    db = OpenStore(path).value();
    payments = std::make_unique<PaymentService>(*db, gateway, clock);
  }

  PaymentAttempt Row(const std::string& key) {
    Result<PaymentAttempt> a = payments->Find(key);
    REQUIRE(a.ok());
    return *a;
  }

  int64_t CountRows() {
    Statement s = db->Prepare("SELECT count(*) FROM payment_attempts");
    s.Step();
    return s.Int(0);
  }
};

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("payments: sandbox last digits 0-5 approve, once each, and the row says approved") {
  Till t;
  for (char d = '0'; d <= '5'; ++d) {
    const std::string sale = std::string("sale-") + d;
    Result<PaymentResult> r = t.payments->PayByCode(sale, Wechat(d), 1250);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kApproved);
    CHECK(r->provider == "wechat");
    CHECK(r->amount_fen == 1250);
    CHECK(r->gateway_ref == "SBX00000" + std::to_string(d - '0' + 1));
    CHECK(Contains(r->message, "支付成功"));
    PaymentAttempt a = t.Row(r->attempt_key);
    CHECK(a.state == AttemptState::kApproved);
    CHECK(a.sale_uuid == sale);
    CHECK(a.gateway_ref == r->gateway_ref);
    CHECK(a.code_masked == std::string("1345**********678") + d);
    CHECK(a.attempt_key.size() == 36);  // a UUID
  }
  CHECK(t.gateway.pay_calls == 6);
  CHECK(t.gateway.query_calls == 0);
  CHECK(t.gateway.last_request.provider == "wechat");
  CHECK(t.gateway.last_request.amount_fen == 1250);
}

TEST_CASE("payments: last digit 6 declines for insufficient funds, 7 for an expired code") {
  Till t;
  Result<PaymentResult> poor = t.payments->PayByCode("s1", Alipay('6'), 9900);
  REQUIRE(poor.ok());
  CHECK(poor->outcome == PaymentOutcome::kDeclined);
  CHECK(poor->provider == "alipay");
  CHECK(poor->gateway_ref.empty());
  CHECK(poor->message == "顾客余额不足 / declined: insufficient funds");
  CHECK(t.Row(poor->attempt_key).state == AttemptState::kDeclined);
  CHECK(t.Row(poor->attempt_key).last_error == "insufficient_funds");

  Result<PaymentResult> stale = t.payments->PayByCode("s1", Alipay('7'), 9900);
  REQUIRE(stale.ok());
  CHECK(stale->outcome == PaymentOutcome::kDeclined);
  CHECK(Contains(stale->message, "付款码已过期"));
  CHECK(Contains(stale->message, "expired"));
  CHECK(t.gateway.pay_calls == 2);
  // A decline is final: Resolve reports it without asking the gateway.
  Result<PaymentResult> again = t.payments->Resolve(stale->attempt_key);
  REQUIRE(again.ok());
  CHECK(again->message == stale->message);
  CHECK(t.gateway.query_calls == 0);
}

TEST_CASE("payments: the attempt is committed as pending before the gateway is called") {
  Till t;
  int checked = 0;
  t.gateway.before_pay = [&](const PayRequest& r) {
    // A second connection sees the row, so it was committed, not merely written.
    auto other = OpenStore(t.path);
    REQUIRE(other.ok());
    Statement s = (*other)->Prepare(
        "SELECT state, amount_fen, provider, code_masked, sale_uuid FROM payment_attempts WHERE attempt_key = ?");
    s.Bind(1, r.attempt_key);
    REQUIRE(s.Step());
    CHECK(s.Text(0) == "pending");
    CHECK(s.Int(1) == 3350);
    CHECK(s.Text(2) == "unionpay");
    CHECK(s.Text(3) == "6212***********4563");
    CHECK(s.Text(4) == "sale-uuid-1");
    ++checked;
  };
  Result<PaymentResult> r = t.payments->PayByCode("sale-uuid-1", " " + UnionPay('3') + "\n", 3350);
  REQUIRE(r.ok());
  CHECK(checked == 1);
  CHECK(r->outcome == PaymentOutcome::kApproved);
  CHECK(t.gateway.last_request.code == UnionPay('3'));  // trimmed, full code sent
  CHECK(t.gateway.last_request.attempt_key == r->attempt_key);
  // The full code is a bearer token: it is sent, never stored.
  Statement leak = t.db->Prepare("SELECT count(*) FROM payment_attempts WHERE code_masked LIKE '%' || ? || '%'");
  leak.Bind(1, UnionPay('3'));
  leak.Step();
  CHECK(leak.Int(0) == 0);
}

TEST_CASE("payments: digit 8 times out, stays unknown, and Resolve finds it approved without resending") {
  Till t;
  Result<PaymentResult> r = t.payments->PayByCode("s8", Wechat('8'), 4200);
  REQUIRE(r.ok());
  CHECK(r->outcome == PaymentOutcome::kUnknown);
  CHECK(Contains(r->message, "请勿让顾客重复付款"));
  CHECK(t.Row(r->attempt_key).state == AttemptState::kUnknown);
  CHECK(t.Row(r->attempt_key).last_error == "timeout");

  t.clock.Advance(5000);
  Result<PaymentResult> resolved = t.payments->Resolve(r->attempt_key);
  REQUIRE(resolved.ok());
  CHECK(resolved->outcome == PaymentOutcome::kApproved);
  CHECK(resolved->gateway_ref == "SBX000001");
  PaymentAttempt a = t.Row(r->attempt_key);
  CHECK(a.state == AttemptState::kApproved);
  CHECK(a.updated_at == "2025-11-21T07:30:05.000Z");
  CHECK(a.created_at == "2025-11-21T07:30:00.000Z");
  CHECK(t.gateway.pay_calls == 1);
  CHECK(t.gateway.query_calls == 1);

  // Idempotent: asking again changes nothing and does not bother the gateway.
  Result<PaymentResult> again = t.payments->Resolve(r->attempt_key);
  REQUIRE(again.ok());
  CHECK(again->outcome == PaymentOutcome::kApproved);
  CHECK(again->gateway_ref == "SBX000001");
  CHECK(t.gateway.pay_calls == 1);
  CHECK(t.gateway.query_calls == 1);
}

TEST_CASE("payments: digit 9 times out, and Resolve finds it was never taken") {
  Till t;
  Result<PaymentResult> r = t.payments->PayByCode("s9", Alipay('9'), 4200);
  REQUIRE(r.ok());
  CHECK(r->outcome == PaymentOutcome::kUnknown);
  Result<PaymentResult> resolved = t.payments->Resolve(r->attempt_key);
  REQUIRE(resolved.ok());
  CHECK(resolved->outcome == PaymentOutcome::kDeclined);
  CHECK(Contains(resolved->message, "nothing was taken"));
  CHECK(t.Row(r->attempt_key).state == AttemptState::kDeclined);
  CHECK(t.payments->Resolve(r->attempt_key)->outcome == PaymentOutcome::kDeclined);
  CHECK(t.gateway.pay_calls == 1);
  CHECK(t.gateway.query_calls == 1);
  // Now settled, the sale can take another payment.
  CHECK(t.payments->PayByCode("s9", Alipay('1'), 4200)->outcome == PaymentOutcome::kApproved);
}

TEST_CASE("payments: a Resolve that still cannot tell leaves the attempt unknown") {
  Till t;
  Result<PaymentResult> r = t.payments->PayByCode("s", Wechat('8'), 100);
  REQUIRE(r.ok());

  t.sandbox.SetOffline(true);
  Result<PaymentResult> offline = t.payments->Resolve(r->attempt_key);
  REQUIRE(offline.ok());
  CHECK(offline->outcome == PaymentOutcome::kUnknown);
  CHECK(t.Row(r->attempt_key).state == AttemptState::kUnknown);
  CHECK(t.Row(r->attempt_key).last_error == "query: gateway unreachable");
  t.sandbox.SetOffline(false);

  t.gateway.query_override = QueryReply{QueryOutcome::kPending, "", "USERPAYING"};
  CHECK(t.payments->Resolve(r->attempt_key)->outcome == PaymentOutcome::kUnknown);
  t.gateway.query_override = QueryReply{QueryOutcome::kError, "", "SYSTEMERROR"};
  CHECK(t.payments->Resolve(r->attempt_key)->outcome == PaymentOutcome::kUnknown);
  CHECK(t.Row(r->attempt_key).last_error == "query: SYSTEMERROR");
  t.gateway.query_override.reset();

  CHECK(t.payments->Resolve(r->attempt_key)->outcome == PaymentOutcome::kApproved);
  CHECK(t.gateway.pay_calls == 1);
  CHECK(t.gateway.query_calls == 4);
  CHECK(t.payments->Resolve("no-such-key").status().IsNotFound());
}

TEST_CASE("payments: a crash after the attempt is written is resolved by Query at restart, not resent") {
  Till t;
  SUBCASE("the gateway took the money, then the till died") {
    t.gateway.after_pay = [](const PayRequest&) { throw SimulatedCrash(); };
    CHECK_THROWS_AS((void)t.payments->PayByCode("crash-sale", Wechat('2'), 880), SimulatedCrash);
    t.gateway.after_pay = nullptr;
    t.Restart();

    Result<std::vector<PaymentAttempt>> open = t.payments->Unresolved();
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    CHECK((*open)[0].state == AttemptState::kPending);
    CHECK((*open)[0].sale_uuid == "crash-sale");
    CHECK((*open)[0].amount_fen == 880);

    Result<PaymentResult> r = t.payments->Resolve((*open)[0].attempt_key);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kApproved);
    CHECK(r->gateway_ref == "SBX000001");
  }
  SUBCASE("the till died before the request left") {
    t.gateway.before_pay = [](const PayRequest&) { throw SimulatedCrash(); };
    CHECK_THROWS_AS((void)t.payments->PayByCode("crash-sale", Wechat('2'), 880), SimulatedCrash);
    t.gateway.before_pay = nullptr;
    t.Restart();

    Result<std::vector<PaymentAttempt>> open = t.payments->Unresolved();
    REQUIRE(open.ok());
    REQUIRE(open->size() == 1);
    Result<PaymentResult> r = t.payments->Resolve((*open)[0].attempt_key);
    REQUIRE(r.ok());
    CHECK(r->outcome == PaymentOutcome::kDeclined);
  }
  CHECK(t.gateway.pay_calls == 1);
  CHECK(t.gateway.query_calls == 1);
  CHECK(t.payments->Unresolved()->empty());
}

TEST_CASE("payments: offline says so at once, takes nothing and leaves nothing to resolve") {
  Till t;
  t.sandbox.SetOffline(true);
  Result<PaymentResult> r = t.payments->PayByCode("s", Wechat('1'), 1500);
  REQUIRE(r.ok());
  CHECK(r->outcome == PaymentOutcome::kOffline);
  CHECK(Contains(r->message, "现金"));
  CHECK(Contains(r->message, "another tender"));
  PaymentAttempt a = t.Row(r->attempt_key);
  CHECK(a.state == AttemptState::kDeclined);
  CHECK(a.last_error == "offline");
  CHECK(t.gateway.pay_calls == 1);
  CHECK(t.gateway.query_calls == 0);
  CHECK(t.payments->Unresolved()->empty());
  // Resolve repeats the same verdict.
  CHECK(t.payments->Resolve(r->attempt_key)->outcome == PaymentOutcome::kOffline);

  t.sandbox.SetOffline(false);
  CHECK(t.payments->PayByCode("s", Wechat('1'), 1500)->outcome == PaymentOutcome::kApproved);
}

TEST_CASE("payments: what is not a payment code, or not an amount, is refused before anything is recorded") {
  Till t;
  Result<PaymentResult> gtin = t.payments->PayByCode("s", "6901234567892", 100);
  CHECK(gtin.status().IsInvalidArgument());
  CHECK(Contains(gtin.status().message(), "6901234567892"));
  CHECK(Contains(gtin.status().message(), "不是付款码"));
  CHECK(Contains(gtin.status().message(), "not a payment code"));
  CHECK(t.payments->PayByCode("s", "SF1234567890123", 100).status().IsInvalidArgument());
  CHECK(t.payments->PayByCode("s", "", 100).status().IsInvalidArgument());
  CHECK(t.payments->PayByCode("s", Wechat('1'), 0).status().IsInvalidArgument());
  CHECK(t.payments->PayByCode("s", Wechat('1'), -5).status().IsInvalidArgument());
  CHECK(t.payments->PayByCode("", Wechat('1'), 100).status().IsInvalidArgument());
  CHECK(t.CountRows() == 0);
  CHECK(t.gateway.pay_calls == 0);
}

TEST_CASE("payments: Unresolved lists pending and unknown attempts, and a sale with one cannot pay again") {
  Till t;
  const std::string unknown8 = t.payments->PayByCode("a", Wechat('8'), 100)->attempt_key;
  t.clock.Advance(1);
  REQUIRE(t.payments->PayByCode("b", Wechat('1'), 100)->outcome == PaymentOutcome::kApproved);
  REQUIRE(t.payments->PayByCode("c", Wechat('6'), 100)->outcome == PaymentOutcome::kDeclined);
  const std::string unknown9 = t.payments->PayByCode("d", Alipay('9'), 100)->attempt_key;
  t.gateway.after_pay = [](const PayRequest&) { throw SimulatedCrash(); };
  CHECK_THROWS_AS((void)t.payments->PayByCode("e", Wechat('4'), 100), SimulatedCrash);
  t.gateway.after_pay = nullptr;

  Result<std::vector<PaymentAttempt>> open = t.payments->Unresolved();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 3);
  CHECK((*open)[0].attempt_key == unknown8);
  CHECK((*open)[0].state == AttemptState::kUnknown);
  CHECK((*open)[1].attempt_key == unknown9);
  CHECK((*open)[2].sale_uuid == "e");
  CHECK((*open)[2].state == AttemptState::kPending);

  // The cashier must not ask for a fresh scan while the first is unknown.
  Result<PaymentResult> twice = t.payments->PayByCode("a", Wechat('1'), 100);
  CHECK(twice.status().code() == Status::Code::kFailedPrecondition);
  CHECK(Contains(twice.status().message(), unknown8));
  CHECK(t.gateway.pay_calls == 5);

  // A restart resolves them all.
  t.Restart();
  Result<std::vector<PaymentAttempt>> at_start = t.payments->Unresolved();
  REQUIRE(at_start.ok());
  for (const PaymentAttempt& a : *at_start) REQUIRE(t.payments->Resolve(a.attempt_key).ok());
  CHECK(t.payments->Unresolved()->empty());
  CHECK(t.Row(unknown8).state == AttemptState::kApproved);
  CHECK(t.Row(unknown9).state == AttemptState::kDeclined);
  CHECK(t.gateway.pay_calls == 5);
}

TEST_CASE("payments: CancelOrReverse undoes an abandoned sale's payment") {
  Till t;
  SUBCASE("WeChat and Alipay are cancelled (撤销), once") {
    const std::string key = t.payments->PayByCode("s", Wechat('1'), 700)->attempt_key;
    CHECK(t.payments->CancelOrReverse(key).ok());
    CHECK(t.Row(key).state == AttemptState::kCancelled);
    CHECK(t.gateway.cancel_calls == 1);
    CHECK(t.sandbox.Query(key).outcome == QueryOutcome::kDeclined);
    CHECK(t.payments->CancelOrReverse(key).ok());  // idempotent
    CHECK(t.gateway.cancel_calls == 1);
    CHECK(t.payments->Resolve(key)->outcome == PaymentOutcome::kCancelled);
    CHECK(t.gateway.query_calls == 0);
  }
  SUBCASE("UnionPay is reversed (冲正)") {
    const std::string key = t.payments->PayByCode("s", UnionPay('0'), 700)->attempt_key;
    CHECK(t.payments->CancelOrReverse(key).ok());
    CHECK(t.Row(key).state == AttemptState::kReversed);
    CHECK(t.gateway.reverse_calls == 1);
    CHECK(t.gateway.cancel_calls == 0);
    CHECK(t.payments->Resolve(key)->outcome == PaymentOutcome::kReversed);
  }
  SUBCASE("an unknown attempt can be settled by cancelling it") {
    const std::string key = t.payments->PayByCode("s", Alipay('8'), 700)->attempt_key;
    CHECK(t.payments->CancelOrReverse(key).ok());
    CHECK(t.Row(key).state == AttemptState::kCancelled);
    CHECK(t.payments->Unresolved()->empty());
    CHECK(t.gateway.pay_calls == 1);
  }
  SUBCASE("offline: the state is kept and the cashier told to retry") {
    const std::string key = t.payments->PayByCode("s", Wechat('1'), 700)->attempt_key;
    t.sandbox.SetOffline(true);
    Status st = t.payments->CancelOrReverse(key);
    CHECK(st.code() == Status::Code::kUnavailable);
    CHECK(Contains(st.message(), "try again"));
    PaymentAttempt a = t.Row(key);
    CHECK(a.state == AttemptState::kApproved);
    CHECK(Contains(a.last_error, "cancel failed"));
    t.sandbox.SetOffline(false);
    CHECK(t.payments->CancelOrReverse(key).ok());
    CHECK(t.Row(key).state == AttemptState::kCancelled);
  }
  SUBCASE("a declined attempt has nothing to undo") {
    const std::string key = t.payments->PayByCode("s", Wechat('6'), 700)->attempt_key;
    CHECK(t.payments->CancelOrReverse(key).code() == Status::Code::kFailedPrecondition);
    CHECK(t.gateway.cancel_calls == 0);
    CHECK(t.payments->CancelOrReverse("nope").IsNotFound());
  }
  SUBCASE("a tender of a committed sale is refunded, not cancelled") {
    const std::string key = t.payments->PayByCode("s", Wechat('1'), 700)->attempt_key;
    t.db->Exec(
        "INSERT INTO sales (id, sale_uuid, receipt_no, kind, business_date, occurred_at, cashier_id, "
        "subtotal_fen, discount_fen, rounding_fen, total_fen, tax_fen, journal_seq, journal_hash) "
        "VALUES (1, 's', 'S001-20251121-0001', 'sale', '2025-11-21', '2025-11-21T07:30:00.000Z', 'u1', "
        "700, 0, 0, 700, 81, 1, 'h')");
    Statement ins = t.db->Prepare(
        "INSERT INTO sale_tenders (sale_id, seq, method, provider, amount_fen, payment_attempt_id) "
        "VALUES (1, 1, 'payment_code', 'wechat', 700, ?)");
    ins.Bind(1, t.Row(key).id).Run();
    Status st = t.payments->CancelOrReverse(key);
    CHECK(st.code() == Status::Code::kFailedPrecondition);
    CHECK(Contains(st.message(), "S001-20251121-0001"));
    CHECK(t.Row(key).state == AttemptState::kApproved);
    CHECK(t.gateway.cancel_calls == 0);
  }
}

TEST_CASE("payments: the sandbox is idempotent per attempt key") {
  SandboxGateway g;
  PayRequest r{"k1", "wechat", Wechat('3'), 500, "test"};
  GatewayReply first = g.Pay(r);
  GatewayReply second = g.Pay(r);
  CHECK(first.outcome == PayOutcome::kApproved);
  CHECK(second.outcome == PayOutcome::kApproved);
  CHECK(second.gateway_ref == first.gateway_ref);
  CHECK(g.Pay({"k2", "wechat", Wechat('0'), 500, ""}).gateway_ref == "SBX000002");  // no ref spent on the repeat

  PayRequest other = r;
  other.amount_fen = 501;
  CHECK(g.Pay(other).outcome == PayOutcome::kError);

  PayRequest eight{"k8", "wechat", Wechat('8'), 500, ""};
  CHECK(g.Pay(eight).outcome == PayOutcome::kTimeout);
  CHECK(g.Pay(eight).outcome == PayOutcome::kApproved);  // the first one went through
  CHECK(g.Query("k8").outcome == QueryOutcome::kApproved);

  PayRequest nine{"k9", "wechat", Wechat('9'), 500, ""};
  CHECK(g.Pay(nine).outcome == PayOutcome::kTimeout);
  CHECK(g.Pay(nine).outcome == PayOutcome::kTimeout);
  CHECK(g.Query("k9").outcome == QueryOutcome::kNotFound);

  CHECK(g.Pay({"k6", "wechat", Wechat('6'), 500, ""}).reason == DeclineReason::kInsufficientFunds);
  CHECK(g.Query("k6").outcome == QueryOutcome::kDeclined);
  CHECK(g.Query("never").outcome == QueryOutcome::kNotFound);

  // Cancelling a key first closes it: a late request is refused.
  CHECK(g.Cancel("late").outcome == UndoOutcome::kDone);
  CHECK(g.Pay({"late", "wechat", Wechat('1'), 500, ""}).outcome == PayOutcome::kDeclined);

  g.SetOffline(true);
  CHECK(g.Pay({"k3", "wechat", Wechat('1'), 500, ""}).outcome == PayOutcome::kUnavailable);
  CHECK(g.Query("k1").outcome == QueryOutcome::kUnavailable);
  CHECK(g.Cancel("k1").outcome == UndoOutcome::kUnavailable);
  CHECK(g.Reverse("k1").outcome == UndoOutcome::kUnavailable);
  g.SetOffline(false);
  CHECK(g.Query("k3").outcome == QueryOutcome::kNotFound);  // offline recorded nothing
  CHECK(g.Pay({"bad", "wechat", "13456789012345678X", 500, ""}).outcome == PayOutcome::kError);
}

TEST_CASE("payments: the sandbox can be called from several threads") {
  SandboxGateway g;
  std::vector<std::string> refs(4 * 50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&g, &refs, t] {
      for (int i = 0; i < 50; ++i) {
        const int n = t * 50 + i;
        refs[n] = g.Pay({"key-" + std::to_string(n), "wechat", Wechat('1'), 100, ""}).gateway_ref;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  CHECK(std::set<std::string>(refs.begin(), refs.end()).size() == refs.size());
}

TEST_CASE("payments: codes are masked to their first and last four") {
  CHECK(MaskPaymentCode("1345678901236780") == "1345********6780");
  CHECK(MaskPaymentCode("134567890123456789") == "1345**********6789");
  CHECK(MaskPaymentCode("12345678") == "********");
  CHECK(AttemptStateName(AttemptState::kUnknown) == std::string("unknown"));
}

TEST_CASE("payments: the router sends each code to its network's gateway, and refuses a network the store lacks") {
  linli::testing::TempDir dir;
  const std::string path = linli::testing::MakeStore(dir);
  auto db = OpenStore(path).value();
  FakeClock clock{1763710200000};
  SandboxGateway wechat_sandbox, alipay_sandbox;
  CountingGateway wechat{wechat_sandbox}, alipay{alipay_sandbox};
  // After a restart the router asks the store which network an attempt was.
  auto lookup = [&db](const std::string& key) {
    Statement s = db->Prepare("SELECT provider FROM payment_attempts WHERE attempt_key = ?");
    s.Bind(1, key);
    return s.Step() ? s.Text(0) : std::string();
  };
  auto router = std::make_unique<RoutingGateway>(lookup);
  router->Add("wechat", wechat);
  PaymentService payments(*db, *router, clock);
  CHECK(router->Accepts("wechat"));
  CHECK_FALSE(router->Accepts("alipay"));

  // Alipay not set up: refused before anything is recorded or sent.
  auto refused = payments.PayByCode("sale-1", "280012345678901230", 500);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == Status::Code::kFailedPrecondition);
  CHECK(refused.status().message_key() == "pos.pay.not_set_up");
  CHECK(refused.status().message().find("支付宝") != std::string::npos);
  Statement rows = db->Prepare("SELECT count(*) FROM payment_attempts");
  rows.Step();
  CHECK(rows.Int(0) == 0);

  router->Add("alipay", alipay);
  auto a = payments.PayByCode("sale-1", "280012345678901230", 500);
  REQUIRE(a.ok());
  CHECK(a->outcome == PaymentOutcome::kApproved);
  auto w = payments.PayByCode("sale-2", "134567890123456788", 700);  // digit 8: times out, was taken
  REQUIRE(w.ok());
  CHECK(w->outcome == PaymentOutcome::kUnknown);
  CHECK(alipay.pay_calls == 1);
  CHECK(wechat.pay_calls == 1);

  // A new router (a restarted till) routes the unknown WeChat attempt's query
  // by the stored network, and the Alipay cancel to Alipay.
  router = std::make_unique<RoutingGateway>(lookup);
  router->Add("wechat", wechat);
  router->Add("alipay", alipay);
  PaymentService after(*db, *router, clock);
  auto resolved = after.Resolve(w->attempt_key);
  REQUIRE(resolved.ok());
  CHECK(resolved->outcome == PaymentOutcome::kApproved);
  CHECK(wechat.query_calls == 1);
  CHECK(alipay.query_calls == 0);
  Status undone = after.CancelOrReverse(a->attempt_key);
  REQUIRE_MESSAGE(undone.ok(), undone.ToString());
  CHECK(alipay.cancel_calls == 1);
  CHECK(wechat.cancel_calls == 0);
  CHECK(wechat.pay_calls == 1);  // nothing was resent
}
