// The counter's view model against a real store database, the sandbox
// gateway, a fake printer and a fake scale: the cashier's day without a
// window.
#include <doctest/doctest.h>

#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"
#include "linli/pos/shifts.h"
#include "linli/pos/store.h"
#include "linli/ui/commands.h"
#include "linli/ui/counter_model.h"
#include "testing.h"

namespace linli::ui {
namespace {

const char kCatalog[] =
    "sku,barcode,name,category,unit,price,cost,tax_rate,plu\n"
    "YL0001,6901234567892,可口可乐 330ml,饮料,pcs,3.50,2.10,13,\n"
    "YL0002,6920202888883,农夫山泉 550ml,饮料,pcs,2.00,1.20,13,\n"
    "SG0001,,富士苹果,水果,kg,12.80,8.00,9,123\n";
const char kApple15_36[] = "2100123015368";  // PLU 00123, 15.36 yuan

// A gateway whose Pay times out and whose status inquiry says "pending"
// until told otherwise: the "unknown" path.
class SlowGateway final : public PaymentGateway {
 public:
  explicit SlowGateway(PaymentGateway& inner) : inner_(inner) {}
  GatewayReply Pay(const PayRequest& r) override {
    GatewayReply reply = inner_.Pay(r);
    if (slow && reply.outcome == PayOutcome::kApproved) reply.outcome = PayOutcome::kTimeout;
    return reply;
  }
  QueryReply Query(const std::string& key) override {
    if (slow && pending_queries-- > 0) return {QueryOutcome::kPending, "", "customer entering PIN"};
    return inner_.Query(key);
  }
  UndoReply Cancel(const std::string& key) override { return inner_.Cancel(key); }
  UndoReply Reverse(const std::string& key) override { return inner_.Reverse(key); }
  UndoReply Refund(const std::string& key, const std::string& rk, int64_t fen) override {
    return inner_.Refund(key, rk, fen);
  }
  bool slow = false;
  int pending_queries = 1;

 private:
  PaymentGateway& inner_;
};

struct Till {
  testing::TempDir dir;
  std::string path = testing::MakeStore(dir);
  std::unique_ptr<Database> db;
  FakeClock clock{1795246200000};  // 2026-11-21 15:30 Shanghai
  SandboxGateway sandbox;
  SlowGateway gateway{sandbox};
  FakeCounterPrinter printer;
  FakeScale scale;
  InlineTaskRunner tasks;
  // Receipt checks with the hub: the checker answers what a test sets, and
  // only when the test runs hub_tasks (the UI goes on meanwhile).
  FakeReceiptChecker checker;
  ManualTaskRunner hub_tasks;
  std::unique_ptr<CounterModel> model;

  Till() {
    auto opened = OpenStore(path);
    REQUIRE(opened.ok());
    db = std::move(opened.value());
    REQUIRE(ImportCatalogCsv(*db, kCatalog, {}, clock).ok());
    REQUIRE(AddUser(*db, {"1001", "张三", Role::kCashier}, "1234", clock).ok());
    REQUIRE(AddUser(*db, {"9001", "李店长", Role::kManager}, "9999", clock).ok());
    REQUIRE(AddUser(*db, {"9999", "王老板", Role::kOwner}, "8888", clock).ok());
    CounterServices s;
    s.db = db.get();
    s.db_path = path;
    s.clock = &clock;
    s.gateway = &gateway;
    s.printer = &printer;
    s.scale = &scale;
    s.tasks = &tasks;
    s.checker = &checker;
    s.hub_tasks = &hub_tasks;
    model = std::make_unique<CounterModel>(s);
    REQUIRE(model->Start().ok());
    Lang().SetLanguage(Language::kEn);
  }

  // Runs task continuations, as the frame loop does.
  void Frame() {
    tasks.RunPending();
    model->Tick();
  }

  void SignIn(const std::string& id, const std::string& pin) {
    model->signin().state().user_id = id;
    model->signin().state().pin = pin;
    model->signin().SubmitSignIn();
  }

  void SignInAndOpen() {
    SignIn("1001", "1234");
    REQUIRE(model->screen() == Screen::kShift);
    model->shift().state().float_entry = "200";
    model->shift().OpenShiftWithFloat();
    REQUIRE(model->screen() == Screen::kCheckout);
  }

  int64_t Count(const std::string& sql) {
    Statement q = db->Prepare(sql);
    q.Step();
    return q.Int(0);
  }

  std::string LastError() const {
    for (auto it = model->notices().rbegin(); it != model->notices().rend(); ++it) {
      if (it->level == Notice::Level::kError) return it->text;
    }
    return {};
  }
};

TEST_CASE("sign-in: wrong PIN stays, right PIN goes to the shift screen when none is open") {
  Till t;
  CHECK(t.model->screen() == Screen::kSignIn);
  t.SignIn("1001", "0000");
  CHECK(t.model->screen() == Screen::kSignIn);
  CHECK(t.model->signin().state().error == "Wrong PIN. Please try again");
  CHECK(t.model->signin().state().pin.empty());
  t.SignIn("4242", "1234");
  CHECK(t.model->signin().state().error.find("No such cashier") != std::string::npos);
  t.SignIn("1001", "1234");
  CHECK(t.model->screen() == Screen::kShift);
  REQUIRE(t.model->user());
  CHECK(t.model->user()->name == "张三");
}

TEST_CASE("scans land in the cart: a product, a count, a weighed label, the last item is the one shown big") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnScan("6920202888883");
  t.model->OnScan(kApple15_36);
  REQUIRE(t.model->checkout().rows().size() == 3);
  CHECK(t.model->checkout().last_row()->name == "富士苹果");
  CHECK(t.model->checkout().last_row()->total_fen == 1536);
  CHECK(t.model->checkout().last_row()->from_label);
  CHECK(t.model->checkout().priced().total_fen == 350 + 200 + 1536);
  // Typed at the field with a count: added to the item's line (a rescan merges).
  t.model->checkout().entry() = "3*6920202888883";
  t.model->checkout().SubmitEntry();
  REQUIRE(t.model->checkout().rows().size() == 3);
  CHECK(t.model->checkout().rows()[1].qty_milli == 4000);
  CHECK(t.model->checkout().entry().empty());
}

TEST_CASE("a scan lands in the cart wherever the cashier was (search, help), not in a field") {
  Till t;
  t.SignInAndOpen();
  t.model->Show(Screen::kSearch);
  t.model->search().state().query = "可乐";
  t.model->OnScan("6901234567892");
  CHECK(t.model->screen() == Screen::kCheckout);
  CHECK(t.model->checkout().rows().size() == 1);
  t.model->OnKey(Key::kF1);
  CHECK(t.model->screen() == Screen::kHelp);
  t.model->OnScan("6920202888883");
  CHECK(t.model->screen() == Screen::kCheckout);
  CHECK(t.model->checkout().rows().size() == 2);
}

TEST_CASE("an unknown barcode says so in plain words and offers 'add product' to a manager") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6900000000007");
  REQUIRE(!t.model->notices().empty());
  const Notice& n = t.model->notices().back();
  CHECK(n.level == Notice::Level::kError);
  CHECK(n.unknown_code == "6900000000007");
  CHECK(n.text.find("not in the catalog") != std::string::npos);
  t.model->checkout().AskAddProduct(n.unknown_code);
  CHECK(t.model->prompt().kind == PromptKind::kAddProduct);
  t.model->prompt().input = "桂花糕";
  t.model->prompt().input2 = "8.80";
  t.model->SubmitPrompt();
  // A cashier: the manager's PIN is asked for.
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "1111";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kManagerPin);
  CHECK(!t.model->prompt().error.empty());
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].name == "桂花糕");
  CHECK(t.model->checkout().rows()[0].unit_price_fen == 880);
}

TEST_CASE("cash payment: quick cash, change, then the receipt prints and the drawer opens after commit") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnScan(kApple15_36);
  CHECK(t.model->OnKey(Key::kF4));
  REQUIRE(t.model->screen() == Screen::kPayment);
  CHECK(t.model->payment().remaining_fen() == 1886);
  auto quick = t.model->payment().quick_cash();
  REQUIRE(quick.size() >= 3);
  CHECK(quick[0] == 1886);
  // Split: 10 yuan first, then 20 on the keypad.
  t.model->payment().PayCashAmount(1000);
  CHECK(!t.model->payment().state().done);
  CHECK(t.model->payment().remaining_fen() == 886);
  for (char c : std::string("20")) t.model->payment().KeypadPress(c);
  CHECK(t.model->payment().state().cash_entry == "20");
  t.model->payment().PayCashEntry();
  t.Frame();
  REQUIRE(t.model->payment().state().done);
  CHECK(t.model->payment().state().sale.change_fen == 3000 - 1886);
  CHECK(t.printer.sales() == std::vector<std::string>{t.model->payment().state().sale.receipt_no});
  CHECK(t.printer.drawer_kicks() == 1);
  CHECK(t.model->payment().state().print_status == "Printed");
  auto sale = LoadSale(*t.db, t.model->payment().state().sale.receipt_no);
  REQUIRE(sale.ok());
  CHECK(sale->priced.total_fen == 1886);
  // The next scan starts the next customer.
  t.model->OnScan("6920202888883");
  CHECK(t.model->screen() == Screen::kCheckout);
  CHECK(!t.model->payment().state().done);
  CHECK(t.model->checkout().rows().size() == 1);
}

TEST_CASE("payment codes: approved commits, declined says why, unknown keeps checking until settled") {
  Till t;
  t.SignInAndOpen();
  SUBCASE("approved") {
    t.model->OnScan("6901234567892");
    t.model->OnScan("134567890123456780");  // WeChat, sandbox: approved
    CHECK(t.model->screen() == Screen::kPayment);
    t.Frame();
    CHECK(t.model->payment().state().done);
    CHECK(t.model->payment().state().sale.tenders.at(0).method == "payment_code");
  }
  SUBCASE("declined, then cash") {
    t.model->OnScan("6901234567892");
    t.model->Show(Screen::kPayment);
    t.model->OnScan("134567890123456786");  // insufficient funds
    t.Frame();
    CHECK(t.model->payment().state().gateway == GatewayState::kDeclined);
    CHECK(!t.model->payment().state().gateway_message.empty());
    t.model->payment().PayCashEntry();  // exact cash
    t.Frame();
    CHECK(t.model->payment().state().done);
  }
  SUBCASE("unknown (timeout, no answer yet): the till keeps the customer and checks again by itself") {
    t.gateway.slow = true;
    t.model->OnScan("6901234567892");
    t.model->OnScan("134567890123456780");
    t.Frame();
    CHECK(t.model->payment().state().gateway == GatewayState::kChecking);
    CHECK(!t.model->payment().state().done);
    t.clock.Advance(3500);
    t.Frame();  // Tick starts the re-check
    t.Frame();  // its continuation
    CHECK(t.model->payment().state().done);
    CHECK(t.model->payment().state().gateway == GatewayState::kApproved);
  }
  SUBCASE("a payment code with an empty cart is refused") {
    t.model->OnScan("134567890123456780");
    CHECK(t.model->screen() == Screen::kCheckout);
    CHECK(t.LastError().find("payment code") != std::string::npos);
  }
}

TEST_CASE("keys: quantity (F2), void (F7), price override needs a manager, discount within limits") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnScan("6920202888883");
  CHECK(t.model->checkout().selected_line() == 2);
  t.model->OnKey(Key::kUp);
  CHECK(t.model->checkout().selected_line() == 1);
  t.model->OnKey(Key::kF2);
  REQUIRE(t.model->prompt().kind == PromptKind::kQuantity);
  t.model->prompt().input = "x";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kQuantity);  // stays, with the error
  CHECK(!t.model->prompt().error.empty());
  t.model->prompt().input = "4";
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows()[0].qty_milli == 4000);
  t.model->OnKey(Key::kF6);
  REQUIRE(t.model->prompt().kind == PromptKind::kPriceOverride);
  t.model->prompt().input = "3.00";
  t.model->prompt().choice = 0;  // 损坏
  t.model->SubmitPrompt();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->OnKey(Key::kEscape);  // the manager is not here
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  CHECK(t.model->checkout().rows()[0].unit_price_fen == 350);
  t.model->OnKey(Key::kF6);
  t.model->prompt().input = "3.00";
  t.model->prompt().choice = 0;
  t.model->SubmitPrompt();
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows()[0].unit_price_fen == 300);
  CHECK(t.model->checkout().rows()[0].overridden);
  t.model->OnKey(Key::kDown);
  t.model->OnKey(Key::kF7);
  REQUIRE(t.model->prompt().kind == PromptKind::kConfirmCart);  // two lines: asks first
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows().size() == 1);
}

// Issue 12: 清空 and 删除行 threw a cart of several lines away at one touch.
TEST_CASE("clear and void ask to confirm when the cart has more than one line; one line goes at once") {
  Till t;
  t.SignInAndOpen();
  auto run = [&](Action a) { CommandFor(a).run(*t.model); };  // the buttons' path
  t.model->OnScan("6901234567892");
  t.model->OnScan("6920202888883");
  t.model->OnScan("6901234567892");
  REQUIRE(t.model->checkout().rows().size() == 3);
  // 清空 asks, names what goes, and Esc keeps the cart.
  run(Action::kClearCart);
  REQUIRE(t.model->prompt().kind == PromptKind::kConfirmCart);
  CHECK(t.model->prompt().title == "Clear this sale?");
  CHECK(t.model->prompt().hint.find("All 3 lines") != std::string::npos);
  t.model->OnKey(Key::kEscape);
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  CHECK(t.model->checkout().rows().size() == 3);
  // 删除行 (F7, or Delete from an empty field) asks about the selected line;
  // OK voids that line even if the selection moved meanwhile.
  t.model->checkout().SelectLine(2);
  t.model->OnKey(Key::kDelete);
  REQUIRE(t.model->prompt().kind == PromptKind::kConfirmCart);
  CHECK(t.model->prompt().title == "Void line 2?");
  CHECK(t.model->prompt().hint.find("农夫山泉 550ml") != std::string::npos);
  CHECK(t.model->checkout().rows().size() == 3);
  t.model->checkout().SelectLine(1);
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  REQUIRE(t.model->checkout().rows().size() == 2);
  CHECK(t.model->checkout().rows()[0].name == "可口可乐 330ml");
  CHECK(t.model->checkout().rows()[1].name == "可口可乐 330ml");
  // Confirmed, 清空 empties the cart.
  run(Action::kClearCart);
  REQUIRE(t.model->prompt().kind == PromptKind::kConfirmCart);
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows().empty());
  // One line: nothing much to lose, no question.
  t.model->OnScan("6920202888883");
  t.model->OnKey(Key::kF7);
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  CHECK(t.model->checkout().rows().empty());
  t.model->OnScan("6920202888883");
  run(Action::kClearCart);
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  CHECK(t.model->checkout().rows().empty());
  // In Chinese, as the cashier reads it.
  Lang().SetLanguage(Language::kZhCn);
  t.model->OnScan("6901234567892");
  t.model->OnScan("6920202888883");
  run(Action::kClearCart);
  CHECK(t.model->prompt().title == "清空这一单？");
  Lang().SetLanguage(Language::kEn);
}

TEST_CASE("suspend (F8) and resume (F9) a sale") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnKey(Key::kF8);
  REQUIRE(t.model->prompt().kind == PromptKind::kSuspendLabel);
  t.model->prompt().input = "红衣服阿姨";
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows().empty());
  t.model->OnScan("6920202888883");  // the next customer meanwhile
  t.model->Show(Screen::kPayment);
  t.model->payment().PayCashEntry();
  t.Frame();
  REQUIRE(t.model->payment().state().done);
  t.model->payment().FinishSale();
  t.model->OnKey(Key::kF9);
  REQUIRE(t.model->screen() == Screen::kSuspended);
  REQUIRE(t.model->suspended().suspended().size() == 1);
  CHECK(t.model->suspended().suspended()[0].label == "红衣服阿姨");
  t.model->suspended().ResumeSuspended(t.model->suspended().suspended()[0].id);
  CHECK(t.model->screen() == Screen::kCheckout);
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].name == "可口可乐 330ml");
}

TEST_CASE("weighed items from search: the scale's stable weight, or typed grams") {
  Till t;
  t.SignInAndOpen();
  ScaleReading r;
  r.grams = 850;
  r.stable = true;
  t.scale.Push(r);
  t.model->checkout().entry() = "pgpg";  // 苹果 by pinyin initials? fall back to the name
  t.model->checkout().SubmitEntry();
  REQUIRE(t.model->screen() == Screen::kSearch);
  t.model->search().state().query = "苹果";
  t.model->search().RunSearch();
  REQUIRE(!t.model->search().state().hits.empty());
  t.model->search().PickSearchHit(0);
  t.Frame();
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].qty_milli == 850);
  CHECK(t.model->checkout().rows()[0].total_fen == 1088);  // 0.85 kg × 12.80
  CHECK(t.model->session().status().weight_g == 850);
  // PLU typed, weight typed when the scale fails.
  t.scale.Fail(Status::Unavailable("scale on /dev/ttyUSB0 sent nothing"));
  t.model->checkout().entry() = "123";
  t.model->checkout().SubmitEntry();
  t.Frame();
  REQUIRE(t.model->prompt().kind == PromptKind::kWeight);
  CHECK(t.model->prompt().error.find("sent nothing") != std::string::npos);
  t.model->prompt().input = "0.5kg";
  t.model->SubmitPrompt();
  REQUIRE(t.model->checkout().rows().size() == 2);
  CHECK(t.model->checkout().rows()[1].qty_milli == 500);
}

TEST_CASE("refund by scanning the receipt's QR, with a manager's PIN, void of the last sale") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnScan("6920202888883");
  t.model->Show(Screen::kPayment);
  t.model->payment().PayCashAmount(1000);
  t.Frame();
  REQUIRE(t.model->payment().state().done);
  const std::string no = t.model->payment().state().sale.receipt_no;
  t.model->payment().FinishSale();
  t.model->OnKey(Key::kF11);
  REQUIRE(t.model->screen() == Screen::kRefund);
  t.model->OnScan("LINLI1|S001|" + no + "|550|2026-11-21T07:30:00.000Z|abc000000000");
  REQUIRE(t.model->refund().state().sale);
  CHECK(t.model->refund().state().picked.size() == 2);
  t.model->refund().ToggleRefundLine(2);  // keep the water
  t.model->refund().SubmitRefund();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  t.Frame();
  REQUIRE(t.model->refund().state().done);
  CHECK(t.model->refund().state().done->priced.total_fen == 350);
  CHECK(t.printer.sales().size() == 2);
  // Post-void of the last sale (a refund cannot be voided: it says so).
  t.model->refund().VoidLast();
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  CHECK(t.LastError().find("refund") != std::string::npos);
  t.model->OnKey(Key::kEscape);
  t.model->OnScan("6920202888883");
  t.model->Show(Screen::kPayment);
  t.model->payment().PayCashEntry();
  t.Frame();
  REQUIRE(t.model->payment().state().done);
  t.model->payment().FinishSale();
  t.model->Show(Screen::kRefund);
  t.model->refund().VoidLast();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  t.Frame();
  CHECK(t.model->refund().state().done->kind == "void");
}

TEST_CASE("shift: pay-in, X report, close with a count and the Z report printed") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->Show(Screen::kPayment);
  t.model->payment().PayCashAmount(350);
  t.Frame();
  t.model->payment().FinishSale();
  t.model->OnKey(Key::kF12);
  REQUIRE(t.model->screen() == Screen::kShift);
  REQUIRE(t.model->shift().state().current);
  t.model->shift().AskPayIn();
  t.model->prompt().input = "50";
  t.model->prompt().input2 = "零钱";
  t.model->SubmitPrompt();
  REQUIRE(t.model->shift().state().drawer);
  CHECK(t.model->shift().state().drawer->expected_cash_fen == 20000 + 350 + 5000);
  t.model->shift().ShowXReport(true);
  t.Frame();
  CHECK(t.model->shift().state().report_text.find("X") != std::string::npos);
  // Count: 2 × 100, 1 × 50, 3 × 1, 5 × 0.1 = 253.50
  t.model->shift().state().counts[10000] = "2";
  t.model->shift().state().counts[5000] = "1";
  t.model->shift().state().counts[100] = "3";
  t.model->shift().state().counts[10] = "5";
  CHECK(t.model->shift().counted_fen() == 25350);
  t.model->shift().CloseShiftWithCount();
  t.Frame();
  REQUIRE(t.model->shift().state().closed);
  CHECK(t.model->shift().state().closed->variance_fen == 0);
  CHECK(!t.model->shift().state().current);
  CHECK(t.model->shift().state().report_text.find("Z") != std::string::npos);
  REQUIRE(t.printer.reports().size() == 2);  // X, then close slip + Z
  CHECK(t.printer.reports()[1] == t.model->shift().state().report_text);
}

TEST_CASE("idle lock keeps the sale, only that cashier or a manager unlocks") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.clock.Advance(301 * 1000);
  t.Frame();
  CHECK(t.model->screen() == Screen::kSignIn);
  CHECK(t.model->signin().state().locked);
  REQUIRE(AddUser(*t.db, {"1002", "赵四", Role::kCashier}, "2222", t.clock).ok());
  t.SignIn("1002", "2222");
  CHECK(t.model->screen() == Screen::kSignIn);
  t.SignIn("1001", "1234");
  CHECK(t.model->screen() == Screen::kCheckout);
  CHECK(t.model->checkout().rows().size() == 1);
  // Signing out with a cart is refused.
  t.model->session().SignOut();
  CHECK(t.model->user());
}

TEST_CASE("settings are the owner's, saving switches the language") {
  Till t;
  t.SignInAndOpen();
  t.model->Show(Screen::kSettings);
  CHECK(t.model->screen() == Screen::kCheckout);
  t.model->signin().Lock();
  t.SignIn("9999", "8888");  // the owner unlocks; the cashier's session stays
  t.model->session().SignOut();
  t.SignIn("9999", "8888");
  t.model->Show(Screen::kSettings);
  REQUIRE(t.model->screen() == Screen::kSettings);
  t.model->settings().state().language = "zh_CN";
  t.model->settings().state().cash_rounding = "jiao_down";
  t.model->settings().state().printer_uri = "spool:/tmp/linli-spool";
  t.model->settings().SaveSettings();
  CHECK(Lang().language() == Language::kZhCn);
  CHECK(GetConfig(*t.db, "cash_rounding").value_or("") == "jiao_down");
  CHECK(GetConfig(*t.db, "counter.printer_uri").value_or("") == "spool:/tmp/linli-spool");
  t.model->settings().state().cash_rounding = "bogus";
  t.model->settings().SaveSettings();
  CHECK(GetConfig(*t.db, "cash_rounding").value_or("") == "jiao_down");
  Lang().SetLanguage(Language::kEn);
}

// Records what the Settings screen asked the hub for.
class FakeEnroller final : public HubEnroller {
 public:
  Status Enroll(const std::string& url, const std::string& token, const std::string& ca) override {
    calls.push_back(url + "|" + token + "|" + ca);
    return fail ? Status::Unavailable("cannot reach the hub") : Status::Ok();
  }
  std::vector<std::string> calls;
  bool fail = false;
};

TEST_CASE("settings: an enrolment code enrols the till through the enroller, once") {
  Till t;
  FakeEnroller enroller;
  CounterServices s;
  s.db = t.db.get();
  s.db_path = t.path;
  s.clock = &t.clock;
  s.gateway = &t.gateway;
  s.tasks = &t.tasks;
  s.enroller = &enroller;
  t.model = std::make_unique<CounterModel>(s);
  REQUIRE(t.model->Start().ok());
  Lang().SetLanguage(Language::kEn);
  t.SignIn("9999", "8888");
  t.model->Show(Screen::kSettings);
  REQUIRE(t.model->screen() == Screen::kSettings);
  t.model->settings().state().hub_url = "https://127.0.0.1:8443";
  t.model->settings().state().hub_token = "lle_abc";
  t.model->settings().state().hub_ca_path = "/etc/linli/ca.pem";
  t.model->settings().SaveSettings();
  t.Frame();
  REQUIRE(enroller.calls.size() == 1);
  CHECK(enroller.calls[0] == "https://127.0.0.1:8443|lle_abc|/etc/linli/ca.pem");
  CHECK(t.model->settings().state().hub_token.empty());  // the one-time code is not kept
  CHECK(t.LastError().empty());
  t.model->settings().SaveSettings();  // no code: no second enrolment
  t.Frame();
  CHECK(enroller.calls.size() == 1);

  enroller.fail = true;
  t.model->settings().state().hub_token = "lle_def";
  t.model->settings().SaveSettings();
  t.Frame();
  CHECK(enroller.calls.size() == 2);
  CHECK(t.LastError().find("cannot reach the hub") != std::string::npos);
}

TEST_CASE("a Status with a message key reaches the cashier in Chinese") {
  Till t;
  t.SignInAndOpen();
  Lang().SetLanguage(Language::kZhCn);
  // No sale yet: pos says "there is no sale to void" with key pos.no_sale_to_void.
  t.model->refund().VoidLast();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  CHECK(t.LastError() == "没有可作废的销售");
  // A manager-only action the cashier tried: the PIN prompt says why in Chinese.
  t.model->OnScan("6901234567892");
  t.model->checkout().AskPriceOverride();
  t.model->prompt().input = "1.00";
  t.model->prompt().choice = 0;
  t.model->SubmitPrompt();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  CHECK(t.model->prompt().hint.find("改价需要店长输入密码") != std::string::npos);
  Lang().SetLanguage(Language::kEn);
}

// Issue 12: amounts beyond the sane bounds are asked again before they count.
TEST_CASE("prompts: a quantity over 99, a float or pay-in over 5,000 and a weight over 30 kg ask to confirm") {
  Till t;
  t.SignIn("1001", "1234");
  REQUIRE(t.model->screen() == Screen::kShift);
  // A float of 200,200.00 (200 typed after the 200 already there).
  t.model->shift().state().float_entry = "200200";
  t.model->shift().OpenShiftWithFloat();
  CHECK(t.model->screen() == Screen::kShift);  // not opened
  CHECK(t.LastError().find("200200.00") != std::string::npos);
  t.model->shift().state().float_entry = "200";  // the cashier corrects it: no question
  t.model->shift().OpenShiftWithFloat();
  REQUIRE(t.model->screen() == Screen::kCheckout);

  t.model->OnScan("6901234567892");
  t.model->OnKey(Key::kF2);
  REQUIRE(t.model->prompt().kind == PromptKind::kQuantity);
  t.model->prompt().input = "150";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kQuantity);  // asked
  CHECK(t.model->prompt().error.find("150") != std::string::npos);
  CHECK(t.model->checkout().rows()[0].qty_milli == 1000);
  t.model->prompt().input = "15";  // changed: within the bound, taken at once
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows()[0].qty_milli == 15000);
  t.model->OnKey(Key::kF2);
  t.model->prompt().input = "120";
  t.model->SubmitPrompt();
  t.model->SubmitPrompt();  // the same answer again: confirmed
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  CHECK(t.model->checkout().rows()[0].qty_milli == 120000);

  // A weight typed when the scale fails: 35 kg asks, the same again is taken.
  t.scale.Fail(Status::Unavailable("scale on /dev/ttyUSB0 sent nothing"));
  t.model->checkout().entry() = "123";
  t.model->checkout().SubmitEntry();
  t.Frame();
  REQUIRE(t.model->prompt().kind == PromptKind::kWeight);
  t.model->prompt().input = "35kg";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kWeight);
  CHECK(t.model->checkout().rows().size() == 1);
  t.model->SubmitPrompt();
  REQUIRE(t.model->checkout().rows().size() == 2);
  CHECK(t.model->checkout().rows()[1].qty_milli == 35000);

  t.model->Show(Screen::kShift);
  t.model->shift().AskPayIn();
  t.model->prompt().input = "6000";
  t.model->prompt().input2 = "change";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kPayIn);
  CHECK(t.Count("SELECT count(*) FROM cash_movements") == 0);
  t.model->SubmitPrompt();
  CHECK(t.Count("SELECT count(*) FROM cash_movements WHERE amount_fen = 600000") == 1);
}

// Issue 12: an error followed the cashier to search, payment, shift and help.
TEST_CASE("notices: an error stays with the screen that raised it; news shows anywhere") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6999999999999");  // unknown barcode, on the checkout screen
  auto visible_errors = [&] {
    int n = 0;
    for (size_t i : t.model->session().VisibleNotices()) {
      if (t.model->notices()[i].level == Notice::Level::kError) ++n;
    }
    return n;
  };
  REQUIRE(visible_errors() == 1);
  for (Screen s : {Screen::kSearch, Screen::kShift, Screen::kHelp}) {
    t.model->Show(s);
    CHECK(visible_errors() == 0);
  }
  t.model->Show(Screen::kCheckout);
  CHECK(visible_errors() == 1);  // back where it was raised, until dismissed
  // The shift-opened news raised on the shift screen still shows at checkout.
  bool news = false;
  for (size_t i : t.model->session().VisibleNotices()) news |= t.model->notices()[i].level == Notice::Level::kSuccess;
  CHECK(news);
}

// Issue 12: the last-item panel read "1.200 kg × 12.80 = 13.82" (the
// discounted total beside the unit price), and a sale paid by code ended on
// "找零 ¥0.00".
TEST_CASE("display: the last item shows qty × price = gross then the saving; a code payment shows what was received") {
  Till t;
  REQUIRE(ImportPromotions(*t.db,
                           R"({"promotions":[{"id":"P1","name":"可乐第二件半价","type":"nth_item_percent",
                               "skus":["YL0001"],"nth":2,"percent":50}]})",
                           false, t.clock)
              .ok());
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  std::vector<std::string> one = t.model->checkout().LastItemLines();
  REQUIRE(one.size() == 2);
  CHECK(one[0] == "1 × 3.50 = 3.50");
  CHECK(one[1].empty());
  t.model->checkout().AskQuantity();
  t.model->prompt().input = "2";
  t.model->SubmitPrompt();
  std::vector<std::string> two = t.model->checkout().LastItemLines();
  CHECK(two[0] == "2 × 3.50 = 7.00");
  CHECK(two[1].find("1.75") != std::string::npos);
  CHECK(two[1].find("5.25") != std::string::npos);

  t.model->Show(Screen::kPayment);
  t.model->payment().PayCashAmount(1000);
  t.Frame();
  REQUIRE(t.model->payment().state().done);
  CHECK(t.model->payment().DoneHeadline().fen == 1000 - 525);  // cash: the change

  t.model->payment().FinishSale();
  t.model->OnScan("6920202888883");
  t.model->Show(Screen::kPayment);
  t.model->payment().PayByCode("134567890123456781");
  for (int i = 0; i < 5 && !t.model->payment().state().done; ++i) t.Frame();
  REQUIRE(t.model->payment().state().done);
  const PaymentModel::Headline h = t.model->payment().DoneHeadline();
  CHECK(h.fen == 200);  // what was received, not a change of 0.00
  CHECK(h.label.find("change") == std::string::npos);
}

// ---- Receipt checks on the refund screen (issue 11: receipts anyone can check)

// A cash sale of one cola, finished; returns its receipt's QR text.
std::string SellAndQr(Till& t) {
  t.model->OnScan("6901234567892");
  t.model->Show(Screen::kPayment);
  t.model->payment().PayCashAmount(500);
  t.Frame();
  REQUIRE(t.model->payment().state().done);
  const std::string no = t.model->payment().state().sale.receipt_no;
  t.model->payment().FinishSale();
  auto receipt = BuildReceipt(*t.db, no);
  REQUIRE(receipt.ok());
  return ReceiptQrPayload(*receipt);
}

// Signed in with a shift open, one sale made, on the refund screen: the
// sale's QR text.
std::string OnRefundScreen(Till& t) {
  t.SignInAndOpen();
  const std::string qr = SellAndQr(t);
  t.model->OnKey(Key::kF11);
  REQUIRE(t.model->screen() == Screen::kRefund);
  return qr;
}

// The hub answers `answer` to the checks waiting, and a frame shows it.
void HubAnswers(Till& t, Result<sync::ReceiptVerdict> answer) {
  t.checker.answer = std::move(answer);
  t.hub_tasks.RunQueued();
  t.Frame();
}

// Submits the refund with the manager's PIN; true when it committed.
bool RefundWithManager(Till& t) {
  t.model->refund().SubmitRefund();
  if (t.model->prompt().kind != PromptKind::kManagerPin) return false;
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  t.Frame();
  return t.model->refund().state().done.has_value();
}

sync::ReceiptVerdict Verdict(const std::string& result, const std::string& reason = "") {
  sync::ReceiptVerdict v;
  v.result = result;
  v.reason = reason;
  v.last_sync = "2026-11-21T06:00:00.000Z";
  return v;
}

TEST_CASE("refund screen: a scanned receipt QR is checked with the hub without waiting for it") {
  Till t;
  const std::string qr = OnRefundScreen(t);
  t.model->OnScan(qr + "\r\n");
  // The sale is shown and refundable at once; the check waits on the hub.
  REQUIRE(t.model->refund().state().sale);
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kChecking);
  CHECK(t.hub_tasks.queued() == 1);
  CHECK(t.checker.asked().empty());  // not on the UI thread
  sync::ReceiptVerdict v = Verdict(sync::kVerifyMatch);
  v.refunded_fen = 150;
  t.checker.answer = v;
  CHECK(t.hub_tasks.RunQueued() == 1);
  REQUIRE(t.checker.asked().size() == 1);
  CHECK(t.checker.asked()[0] == qr);  // the QR text as printed, trimmed
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kChecking);  // until the frame
  t.Frame();
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kMatch);
  CHECK(t.model->refund().state().check.text.find("agrees") != std::string::npos);
  CHECK(t.model->refund().state().check.text.find("1.50") != std::string::npos);  // already refunded
}

TEST_CASE("refund screen: offline, the check says so and the refund goes ahead") {
  Till t;
  t.model->OnScan(OnRefundScreen(t));
  HubAnswers(t, Status::Unavailable("cannot reach the hub"));
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kOffline);
  Lang().SetLanguage(Language::kZhCn);
  CHECK(Tr("refund.check.offline") == std::string("未能核验（离线）：可照常退货。"));
  Lang().SetLanguage(Language::kEn);
  CHECK(RefundWithManager(t));
}

TEST_CASE("refund screen: a check still waiting never holds a refund up") {
  Till t;
  const std::string qr = OnRefundScreen(t);
  t.model->OnScan(qr);
  REQUIRE(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kChecking);
  REQUIRE(RefundWithManager(t));
  // An answer that comes after the refund still shows, for the manager to
  // follow up; the refund stands.
  HubAnswers(t, Verdict(sync::kVerifyMismatch));
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kMismatch);
  CHECK(t.model->refund().state().done);
  // Scanned twice: two checks; the screen shows the latest answer.
  t.model->OnScan(qr);
  t.model->OnScan(qr);
  t.checker.answer = Verdict(sync::kVerifyMatch);
  CHECK(t.hub_tasks.RunQueued() == 2);
  t.Frame();
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kMatch);
}

TEST_CASE("refund screen: a mismatch warns the cashier, who must press refund twice") {
  Till t;
  t.model->OnScan(OnRefundScreen(t));
  sync::ReceiptVerdict v = Verdict(sync::kVerifyMismatch);
  v.differs = {"total", "hash"};
  HubAnswers(t, v);
  const ReceiptCheckState& c = t.model->refund().state().check;
  CHECK(c.kind == ReceiptCheckState::Kind::kMismatch);
  CHECK(c.warning());
  CHECK(c.text.find("WARNING") == 0);
  CHECK(c.text.find("total, hash") != std::string::npos);
  CHECK(t.LastError() == c.text);  // a notice as well as the line on screen
  t.model->refund().SubmitRefund();
  CHECK(t.model->prompt().kind == PromptKind::kNone);  // not yet: the warning first
  CHECK(t.LastError().find("press Refund again") != std::string::npos);
  CHECK_FALSE(t.model->refund().state().done);
  CHECK(RefundWithManager(t));
}

TEST_CASE("refund screen: not yet synced and missing are told apart; a bad QR looks nothing up") {
  Till t;
  const std::string qr = OnRefundScreen(t);
  t.model->OnScan(qr);
  HubAnswers(t, Verdict(sync::kVerifyUnknown, sync::kUnknownNotYetSynced));
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kNotSynced);
  CHECK_FALSE(t.model->refund().state().check.warning());
  CHECK(t.model->refund().state().check.text.find("2026-11-21 14:00") != std::string::npos);  // store's zone

  t.model->OnScan(qr);
  HubAnswers(t, Verdict(sync::kVerifyUnknown, sync::kUnknownMissing));
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kMissing);
  CHECK(t.model->refund().state().check.warning());

  t.model->OnScan(qr);
  HubAnswers(t, Status::FailedPrecondition("not enrolled"));
  CHECK(t.model->refund().state().check.kind == ReceiptCheckState::Kind::kNotEnrolled);

  // A QR whose total is not digits: refused by the strict reader, named.
  const size_t asked = t.checker.asked().size();
  t.model->refund().state().sale.reset();
  std::string bad = qr;
  bad.replace(bad.find('|', bad.find('|', 7) + 1) + 1, 1, "x");
  t.model->OnScan(bad);
  CHECK_FALSE(t.model->refund().state().sale);
  CHECK(t.LastError().find("total_fen") != std::string::npos);
  CHECK(t.hub_tasks.queued() == 0);
  CHECK(t.checker.asked().size() == asked);
}

// Issue 12: 总部地址 showed empty in settings although the till was enrolled
// (from the CLI, which keeps the hub in sync_state).
TEST_CASE("settings: the hub address of an enrolled till shows; a counter setting of its own wins") {
  Till t;
  CHECK(t.model->session().settings().hub_url.empty());
  t.db->Exec("UPDATE sync_state SET enrolled = 1, hub_url = 'https://hub.example.cn' WHERE id = 1");
  REQUIRE(t.model->session().Start().ok());
  CHECK(t.model->session().settings().hub_url == "https://hub.example.cn");
  t.db->Exec("INSERT INTO store_config (key, value) VALUES ('counter.hub_url', 'https://other.example.cn')");
  REQUIRE(t.model->session().Start().ok());
  CHECK(t.model->session().settings().hub_url == "https://other.example.cn");
}

// Issue 12 (search the way people type): "kk可乐 330" typed at the counter
// found nothing; mixed pinyin and Hanzi words now find 可口可乐 330ml.
TEST_CASE("mixed pinyin and Hanzi words typed at the counter find the product and sell it") {
  Till t;
  t.SignInAndOpen();
  t.model->checkout().entry() = "kk可乐 330";
  t.model->checkout().SubmitEntry();
  REQUIRE(t.model->screen() == Screen::kSearch);
  REQUIRE(t.model->search().state().hits.size() == 1);
  CHECK(t.model->search().state().hits[0].product.sku == "YL0001");
  CHECK(t.model->search().state().hits[0].match == MatchKind::kWords);
  for (const char* q : {"kekou kele", "可口kl", "ke可", "nfsq 550"}) {
    CAPTURE(q);
    t.model->search().state().query = q;
    t.model->search().RunSearch();
    CHECK(t.model->search().state().hits.size() == 1);
  }
  t.model->search().state().query = "kx";
  t.model->search().RunSearch();
  CHECK(t.model->search().state().hits.empty());
  t.model->search().state().query = "kk可乐 330";
  t.model->search().RunSearch();
  t.model->search().PickSearchHit(0);
  t.Frame();
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].name == "可口可乐 330ml");
}

TEST_CASE("new product at the counter: saved with its unit, journaled as product_edit, found by the next scan") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6900000000007");
  t.model->checkout().AskAddProduct("6900000000007");
  Prompt& p = t.model->prompt();
  REQUIRE(p.kind == PromptKind::kAddProduct);
  REQUIRE(p.choice_values.size() == 2);
  CHECK(p.chosen() == "pcs");
  p.input = "散装花生";
  p.input2 = "16.00";
  p.choice = 1;  // 千克
  t.model->SubmitPrompt();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  CHECK(t.Count("SELECT count(*) FROM products WHERE sku = 'N6900000000007' AND unit = 'kg'") == 1);
  CHECK(t.Count("SELECT count(*) FROM journal WHERE type = 'product_edit'") == 1);
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].unit == SaleUnit::kKg);
  CHECK(t.model->checkout().rows()[0].name == "散装花生");
}

TEST_CASE("edit product at the counter: the selected line's product gets a new price for the next scan") {
  Till t;
  t.SignIn("9001", "9999");
  t.model->shift().state().float_entry = "200";
  t.model->shift().OpenShiftWithFloat();
  REQUIRE(t.model->screen() == Screen::kCheckout);
  t.model->OnScan("6920202888883");
  t.model->checkout().AskEditProduct();
  Prompt& p = t.model->prompt();
  REQUIRE(p.kind == PromptKind::kEditProduct);
  CHECK(p.input == "农夫山泉 550ml");
  CHECK(p.input2 == "2.00");
  p.input2 = "2.50";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kNone);  // a manager needs no PIN
  CHECK(t.Count("SELECT price_fen FROM products WHERE sku = 'YL0002'") == 250);
  CHECK(t.Count("SELECT count(*) FROM audit_log WHERE action = 'product_edit' AND user_id = '9001'") == 1);
  t.model->OnScan("6920202888883");
  CHECK(t.model->checkout().rows().back().unit_price_fen == 250);
}

TEST_CASE("a price override at the counter asks for one of the store's reasons and records it") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnKey(Key::kF6);
  Prompt& p = t.model->prompt();
  REQUIRE(p.kind == PromptKind::kPriceOverride);
  REQUIRE_FALSE(p.choice_values.empty());
  CHECK(p.choice_values[0] == "损坏");
  p.input = "3.00";
  t.model->SubmitPrompt();
  // No reason picked: asked again, nothing changed.
  REQUIRE(t.model->prompt().kind == PromptKind::kPriceOverride);
  CHECK_FALSE(t.model->prompt().error.empty());
  t.model->prompt().choice = 1;  // 临期
  t.model->SubmitPrompt();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  CHECK(t.model->checkout().rows()[0].unit_price_fen == 300);
  t.model->OnKey(Key::kF4);
  t.model->payment().PayCashEntry();
  t.Frame();
  CHECK(t.Count("SELECT count(*) FROM audit_log WHERE action = 'price_override' AND reason = '临期' "
                "AND approved_by = '9001'") == 1);
}

TEST_CASE("members panel: look up by phone, add a member at the counter, see points and visits, attach to the sale") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  CHECK(t.model->OnKey(Key::kF10));
  REQUIRE(t.model->screen() == Screen::kMembers);
  MembersModel& m = t.model->members();
  m.state().phone = "1380013";
  m.Lookup();
  CHECK(t.LastError().find("1380013") != std::string::npos);
  m.state().phone = "13800138000";
  m.Lookup();
  CHECK(m.state().not_found);
  m.AskAdd();
  REQUIRE(t.model->prompt().kind == PromptKind::kMemberAdd);
  t.model->prompt().input = "张阿姨";
  t.model->SubmitPrompt();
  REQUIRE(m.state().found.has_value());
  CHECK(m.state().found->member.name == "张阿姨");
  CHECK(m.state().found->visits == 0);
  m.Attach();
  CHECK(t.model->screen() == Screen::kCheckout);
  CHECK(t.model->checkout().member_phone() == "13800138000");
  t.model->OnKey(Key::kF4);
  t.model->payment().PayCashEntry();
  t.Frame();
  // Back on the panel: the visit and its points, the time in the store's zone.
  t.model->Show(Screen::kCheckout);
  t.model->OnKey(Key::kF10);
  m.state().phone = "13800138000";
  m.Lookup();
  REQUIRE(m.state().found.has_value());
  CHECK(m.state().found->visits == 1);
  CHECK(m.state().found->member.points == 3);
  REQUIRE(m.state().visit_lines.size() == 1);
  CHECK(m.state().visit_lines[0].find("2026-11-21 15:30") != std::string::npos);
}

TEST_CASE("quick keys: tiles by category add the count typed, a weighed tile asks the scale, a missing SKU is refused") {
  Till t;
  REQUIRE(Guard([&] {
            Transaction tx(*t.db);
            SetConfig(*t.db, "quick_keys",
                      R"([{"category":"饮料","sku":"YL0001","label":"可乐"},{"category":"饮料","sku":"NOPE"},)"
                      R"({"category":"水果","sku":"SG0001"}])");
            tx.Commit();
          }).ok());
  REQUIRE(t.model->Start().ok());
  t.SignInAndOpen();
  t.model->Show(Screen::kQuickKeys);
  REQUIRE(t.model->screen() == Screen::kQuickKeys);
  QuickKeysModel& q = t.model->quickkeys();
  REQUIRE(q.categories() == std::vector<std::string>{"饮料", "水果"});
  REQUIRE(q.tiles().size() == 2);
  CHECK(q.tiles()[0].label == "可乐");
  CHECK(q.tiles()[1].missing);
  q.count() = "3";
  q.Press(0);
  CHECK(t.model->screen() == Screen::kCheckout);
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].qty_milli == 3000);
  t.model->Show(Screen::kQuickKeys);
  q.Press(1);
  CHECK(t.model->checkout().rows().size() == 1);
  CHECK(t.LastError().find("NOPE") != std::string::npos);
  q.SelectCategory(1);
  REQUIRE(q.tiles().size() == 1);
  CHECK(q.tiles()[0].by_weight);
  ScaleReading r;
  r.grams = 750;
  r.stable = true;
  t.scale.Push(r);
  q.Press(0);
  t.Frame();
  REQUIRE(t.model->checkout().rows().size() == 2);
  CHECK(t.model->checkout().rows()[1].qty_milli == 750);
}

TEST_CASE("rescanning an item adds to its line at the counter, and one of two cans can still be refunded") {
  Till t;
  t.SignInAndOpen();
  t.model->OnScan("6901234567892");
  t.model->OnScan("6901234567892");
  REQUIRE(t.model->checkout().rows().size() == 1);
  CHECK(t.model->checkout().rows()[0].qty_milli == 2000);
  t.model->OnKey(Key::kF4);
  t.model->payment().PayCashEntry();
  t.Frame();
  const std::string receipt = t.model->session().last_receipt_no();
  REQUIRE_FALSE(receipt.empty());
  t.model->OnKey(Key::kF11);
  REQUIRE(t.model->screen() == Screen::kRefund);
  t.model->refund().state().entry = receipt;
  t.model->refund().LookupRefund();
  REQUIRE(t.model->refund().state().sale.has_value());
  t.model->refund().AskRefundQty(1);
  REQUIRE(t.model->prompt().kind == PromptKind::kRefundQty);
  CHECK(t.model->prompt().input == "2");
  t.model->prompt().input = "3";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kRefundQty);  // more than was sold
  t.model->prompt().input = "1";
  t.model->SubmitPrompt();
  CHECK(t.model->refund().state().picked.at(1) == 1000);
  t.model->refund().SubmitRefund();
  REQUIRE(t.model->prompt().kind == PromptKind::kManagerPin);
  t.model->prompt().input = "9999";
  t.model->SubmitPrompt();
  REQUIRE(t.model->refund().state().done.has_value());
  CHECK(t.model->refund().state().done->priced.total_fen == 350);
  CHECK(t.Count("SELECT qty_milli FROM sale_lines l JOIN sales s ON s.id = l.sale_id WHERE s.kind = 'refund'") == 1000);
}

TEST_CASE("manage screen: a manager changes a store setting by the CLI's rules, and the audit log shows it") {
  Till t;
  t.SignInAndOpen();
  t.model->Show(Screen::kManage);
  CHECK(t.model->screen() == Screen::kCheckout);  // a cashier may not
  CHECK(t.LastError().find("manager") != std::string::npos);
  t.model->session().SignOut();
  t.SignIn("9001", "9999");
  t.model->Show(Screen::kManage);
  REQUIRE(t.model->screen() == Screen::kManage);
  ManageModel& m = t.model->manage();
  size_t merge = 0;
  for (size_t i = 0; i < m.state().settings.size(); ++i) {
    if (std::string(m.state().settings[i].info->key) == "counter.merge_rescan") merge = i;
  }
  REQUIRE(std::string(m.state().settings[merge].info->key) == "counter.merge_rescan");
  m.AskEdit(merge);
  REQUIRE(t.model->prompt().kind == PromptKind::kConfigValue);
  CHECK(t.model->prompt().input == "1");
  t.model->prompt().input = "maybe";
  t.model->SubmitPrompt();
  REQUIRE(t.model->prompt().kind == PromptKind::kConfigValue);  // refused, named
  CHECK(t.model->prompt().error.find("1 (add to the line) or 0") != std::string::npos);
  t.model->prompt().input = "0";
  t.model->SubmitPrompt();
  CHECK(t.model->prompt().kind == PromptKind::kNone);
  CHECK_FALSE(t.model->session().settings().merge_rescan);
  m.ShowTab(ManageState::Tab::kAudit);
  REQUIRE_FALSE(m.state().audit.empty());
  CHECK(m.state().audit[0].record.action == "config_set");
  CHECK(m.state().audit[0].record.user_id == "9001");
  CHECK(m.state().audit[0].local_time.starts_with("2026-11-21 15:30"));
  // The setting takes effect at once: two scans, two lines.
  t.model->Show(Screen::kCheckout);
  t.model->shift().state().float_entry = "0";
  t.model->OnScan("6901234567892");
  t.model->OnScan("6901234567892");
  CHECK(t.model->checkout().rows().size() == 2);
}

}  // namespace
}  // namespace linli::ui
