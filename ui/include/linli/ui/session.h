// The counter's shared session: what every screen's model works over.
//
// CounterSession holds the services (database, clock, gateway, devices, the
// TaskRunner), the signed-in user, the cart (Checkout and the rows the
// screens show of it), the store's settings, and the things every screen
// needs: notices, the modal prompt, the manager-approval flow
// (WithApproval), the busy flag of background tasks (RunTask), printing and
// the status bar, and screen navigation (Show).
//
// Each screen's own state and actions live in its model (screens/*.h); the
// models reach each other only through this session, or, where one screen's
// action ends in another's (search adds to the cart), through the model
// given to their constructor. CounterModel (counter_model.h) builds them.
//
// Not thread-safe: the UI thread owns it; task continuations run there too.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "linli/drivers/scale.h"
#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/store_config.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/payments.h"
#include "linli/pos/users.h"
#include "linli/ui/devices.h"
#include "linli/ui/i18n.h"
#include "linli/ui/tasks.h"

namespace linli::ui {

enum class Screen {
  kSignIn, kCheckout, kSearch, kPayment, kRefund, kShift, kReceipt, kSuspended, kSettings, kMembers,
  kQuickKeys, kManage, kHelp,
};
inline constexpr int kScreenCount = static_cast<int>(Screen::kHelp) + 1;
const char* ScreenName(Screen s);  // "signin", "checkout", … (replay scripts use these)

// Keys the counter gives meaning to, whatever widget has focus.
enum class Key {
  kF1, kF2, kF3, kF4, kF5, kF6, kF7, kF8, kF9, kF10, kF11, kF12,
  kEscape, kUp, kDown, kDelete, kPageUp, kPageDown,
};
// "F1".."F12", "Esc", "Up", "Down", "Del", "PgUp", "PgDn".
const char* KeyName(Key k);
std::optional<Key> ParseKey(std::string_view name);

struct Notice {
  enum class Level { kInfo, kSuccess, kError };
  Level level = Level::kInfo;
  std::string text;       // localised, plain words: what happened, what to do
  int64_t at_ms = 0;
  std::string unknown_code;  // set for "unknown barcode": offer "add product"
  Screen screen = Screen::kSignIn;  // where it was raised; an error shows only there
};

// A small modal question over the current screen (quantity, discount, PIN…).
// Each kind belongs to one screen's model, which answers it (SubmitPrompt);
// kManagerPin belongs to the session's approval flow. kConfirmCart asks
// nothing to type: OK (or Enter) goes ahead with throwing away part of a
// cart of several lines (清空, 删除行).
enum class PromptKind {
  kNone, kQuantity, kWeight, kLineDiscount, kOrderDiscount, kPriceOverride,
  kManagerPin, kSuspendLabel, kAddProduct, kEditProduct, kPayIn, kPayOut, kCardReference, kMemberAdd,
  kRefundQty, kConfigValue, kConfirmCart,
};
struct Prompt {
  PromptKind kind = PromptKind::kNone;
  std::string title;   // localised
  std::string hint;    // localised
  std::string input;   // what was typed
  std::string input2;  // second field (add product: price; pay-in/out: reason)
  std::string error;   // what was wrong with the last try
  bool secret = false;
  std::string sku;     // kWeight: the product being weighed; add/edit product: its code
  // A choice below the fields (price override: the reason code; add
  // product: the unit): labels shown, values submitted, `choice` picked.
  std::string choice_title;  // localised; empty: no choice
  std::vector<std::string> choice_labels;
  std::vector<std::string> choice_values;
  int choice = 0;
  const std::string& chosen() const {
    static const std::string kNone;
    return choice >= 0 && choice < static_cast<int>(choice_values.size()) ? choice_values[choice] : kNone;
  }
  // An answer beyond the sane bound (a float over ¥5,000, 150 pieces…) is
  // asked again: the value the cashier confirmed by submitting it twice.
  std::string confirmed;
};

// One row of the cart as the checkout screen shows it.
struct CartRow {
  int line_no = 0;
  std::string sku;
  std::string name;
  SaleUnit unit = SaleUnit::kPiece;
  int64_t qty_milli = 0;
  int64_t unit_price_fen = 0;
  int64_t gross_fen = 0;
  int64_t discount_fen = 0;  // promotions + discounts on this line
  int64_t total_fen = 0;
  bool overridden = false;
  bool from_label = false;   // price-embedded scale label
};

// The cart as the screens show it: refreshed from the Checkout after every
// change (CounterSession::RefreshCart).
struct CartState {
  std::vector<CartRow> rows;
  std::vector<PromotionApplication> promotions;
  PricedCart priced;
  int64_t remaining_fen = 0;  // still to pay
  int selected_line = 0;      // the line F2/F5/F6/F7 act on
  int last_line = 0;          // the item added last (shown big)
  std::string member_phone;
};

// The counter's settings (store_config), loaded at Start; the settings
// screen edits them, the other screens read them.
struct SettingsState {
  std::string printer_uri;
  std::string printer_profile = "generic58";
  std::string scale_port;
  std::string scale_protocol = "continuous-st";
  std::string hub_url;
  std::string hub_token;
  std::string hub_ca_path;
  std::string cash_rounding = "none";
  std::string language = "zh_CN";
  int idle_lock_s = 300;
  // Bounds past which an amount typed asks to confirm (store_config
  // counter.confirm_cash_over_fen, counter.confirm_qty_over,
  // counter.confirm_weight_over_g): a float, pay-in or pay-out; a quantity
  // of pieces; a weight.
  int64_t confirm_cash_over_fen = 500000;
  int64_t confirm_qty_over = 99;
  int64_t confirm_weight_over_g = 30000;
  bool merge_rescan = true;          // counter.merge_rescan: a rescan adds to its line
  std::vector<QuickKey> quick_keys;  // quick_keys: tiles for goods without a barcode
};

struct StatusBarState {
  SyncSummary sync;
  std::string printer;           // localised: ready / not set up / last error
  bool printer_ok = true;
  std::optional<int64_t> weight_g;  // last reading from the scale
  std::string weight_error;
};

struct CounterServices {
  Database* db = nullptr;             // the checkout's connection (UI thread)
  std::string db_path;                // for opening devices' own connections
  const Clock* clock = nullptr;
  PaymentGateway* gateway = nullptr;  // null: payment codes not set up
  CounterPrinter* printer = nullptr;  // null: no printer set up
  Scale* scale = nullptr;             // null: type grams
  SyncStatusSource* sync = nullptr;   // null: not enrolled
  HubEnroller* enroller = nullptr;    // null: enrol with `linli enroll`
  TaskRunner* tasks = nullptr;        // required
  ReceiptChecker* checker = nullptr;  // null: scanned receipts are not checked with the hub
  // Hub calls the cashier never waits for (receipt checks), apart from
  // `tasks` so printing never queues behind the network. Null: `tasks`.
  // Tick() runs its continuations.
  TaskRunner* hub_tasks = nullptr;
};

// What a screen's model does when the counter comes to or leaves its screen,
// or the cashier signs out. CounterSession::Show calls these.
class ScreenModel {
 public:
  virtual ~ScreenModel() = default;
  // Before Show() goes to this screen: false stays where we are (refused, or
  // the model went to a screen itself).
  virtual bool OnShow() { return true; }
  // Show() leaves this screen for another.
  virtual void OnLeave() {}
  // The cashier signed out: forget what was theirs.
  virtual void OnSignOut() {}
};

class CounterSession {
 public:
  // A privileged action: run without approval first, then with a manager's.
  using Privileged = std::function<Status(const std::optional<Approval>&)>;

  explicit CounterSession(CounterServices services);
  ~CounterSession();
  CounterSession(const CounterSession&) = delete;
  CounterSession& operator=(const CounterSession&) = delete;

  // Loads the store's name, settings and scale layouts, resolves payment
  // attempts left unknown by a crash, and shows sign-in.
  Status Start();
  // Reads the store's name, zone, scale layouts and settings (store_config):
  // at Start, and again after the manage screen changed one. The store's
  // info unreadable: its Status.
  Status LoadSettings();
  // Every frame: notices fade, the status bar refreshes.
  void Tick();
  // Something the cashier did (resets the idle timer).
  void Touch();
  int64_t last_activity_ms() const { return last_activity_ms_; }

  const CounterServices& services() const { return s_; }
  Database& db() const { return *s_.db; }
  const Clock& clock() const { return *s_.clock; }
  const std::string& store_name() const { return store_name_; }
  const std::string& time_zone() const { return time_zone_; }
  const std::vector<ScaleLayout>& layouts() const { return layouts_; }
  Catalog* catalog() const { return catalog_.get(); }
  PaymentService* payments() const { return payments_.get(); }
  SettingsState& settings() { return settings_; }
  const SettingsState& settings() const { return settings_; }

  // ---- Screens.
  Screen screen() const { return screen_; }
  // The model of `s`, asked by Show() (CounterModel attaches them).
  void Attach(Screen s, ScreenModel* model);
  // With the checks: signed in, not busy, and the screen's model agrees.
  void Show(Screen s);
  // Goes to `s` without checks: for actions that end on another screen.
  void SetScreen(Screen s) { screen_ = s; }

  // ---- The signed-in user.
  const std::optional<User>& user() const { return user_; }
  // Signs `u` in with a fresh, empty cart.
  void SignIn(const User& u);
  // Refused while the cart has items; otherwise back to sign-in.
  void SignOut();
  // A cashier (or nobody) needs a manager's approval for privileged actions.
  bool NeedsManager() const;

  // ---- The cart.
  Checkout* checkout() const { return checkout_.get(); }
  bool cart_empty() const { return !checkout_ || checkout_->empty(); }
  const CartState& cart() const { return cart_; }
  CartState& cart() { return cart_; }
  const CartRow* last_row() const;      // the item added last (shown big)
  const CartRow* selected_row() const;  // nullptr: none selected
  void RefreshCart();
  // After a change to the cart; `added_line` > 0 selects the line just added.
  void AfterCartChange(int added_line);
  // The sale is over (committed or suspended): no member, no item shown big.
  void ForgetSaleDetails();

  // ---- Notices.
  const std::vector<Notice>& notices() const { return notices_; }
  // The indexes into notices() the current screen shows, oldest first: an
  // error stays with the screen that raised it (it does not follow the
  // cashier to search, payment or help); news and successes show anywhere.
  std::vector<size_t> VisibleNotices() const;
  void Notify(Notice::Level level, std::string text);
  // "Unknown barcode", with the offer to add the product.
  void NotifyUnknownCode(const std::string& code);
  // The product for `code` was added: its "unknown barcode" notices go.
  void ForgetUnknownCode(const std::string& code);
  void DismissNotice(size_t i);
  // A failed service call as a notice; `context_key` says where.
  void ReportError(const Status& s, std::string_view context_key = {});

  // ---- Background work.
  bool busy() const { return busy_; }
  // Posts a task that needs the database or a device to itself: busy() until
  // its continuation has run.
  void RunTask(Task task);
  // Posts a task the UI need not wait for (printing, enrolment).
  void Post(Task task);
  // Posts a hub call the UI need not wait for on services().hub_tasks.
  void PostHub(Task task);

  // ---- Printer and status bar.
  StatusBarState& status() { return status_; }
  const StatusBarState& status() const { return status_; }
  int receipt_columns() const;
  // Prints a committed sale, refund or void (only after COMMIT, DESIGN §5).
  // `on_status` hears the localised outcome: printing, done, failed, none.
  void PrintCommitted(const CommittedSale& sale, std::function<void(const std::string&)> on_status = {});
  // Prints a report (X, Z) on the printer.
  void PrintText(const std::string& text);
  // The receipt number committed last (sale, refund or void).
  const std::string& last_receipt_no() const { return last_receipt_no_; }
  void set_last_receipt_no(std::string no) { last_receipt_no_ = std::move(no); }

  // ---- The modal prompt and manager approval.
  Prompt& prompt() { return prompt_; }
  const Prompt& prompt() const { return prompt_; }
  void OpenPrompt(PromptKind kind, std::string title_key, std::string hint_key, std::string initial = {});
  // Shows `p` again with the error `error_key` (a wrong answer).
  void RetryPrompt(const Prompt& p, std::string_view error_key);
  // For an answer `shown` (as the cashier reads it) beyond `bound`: the
  // first time shows `p` again asking to confirm (message `key` with the
  // value) and returns false; submitting the same input again returns true.
  // Within the bound it returns true at once.
  bool ConfirmedLarge(const Prompt& p, int64_t value, int64_t bound, std::string_view key, const std::string& shown);
  void CancelPrompt();
  // Runs `action` without approval; on PermissionDenied asks a manager's PIN
  // and runs it again with it. `done` runs after success.
  void WithApproval(Privileged action, std::function<void()> done = {});
  // The manager's PIN prompt `p` answered.
  void SubmitApproval(const Prompt& p);

 private:
  CounterServices s_;
  std::unique_ptr<PaymentService> payments_;
  std::unique_ptr<Checkout> checkout_;
  std::unique_ptr<Catalog> catalog_;
  std::vector<ScaleLayout> layouts_;
  std::string store_name_;
  std::string time_zone_ = "Asia/Shanghai";
  SettingsState settings_;

  Screen screen_ = Screen::kSignIn;
  std::array<ScreenModel*, kScreenCount> models_{};
  bool busy_ = false;
  std::optional<User> user_;
  int64_t last_activity_ms_ = 0;
  int64_t last_status_ms_ = 0;
  std::vector<Notice> notices_;
  CartState cart_;
  StatusBarState status_;
  Prompt prompt_;
  Privileged approval_action_;
  std::function<void()> approval_done_;
  std::string last_receipt_no_;
};

}  // namespace linli::ui
