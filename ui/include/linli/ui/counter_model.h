// The counter's view model: everything the till's screens show and every
// action a cashier can take, without ImGui. The views (ui/views/) draw this
// state each frame and call these methods; tests drive the same methods.
//
// It holds UI state only (what is typed, what is selected, what the last
// answer was) and goes through the pos services for everything else:
// Checkout for the cart and tenders, sales.h for refunds and voids,
// shifts.h/reports.h for the drawer, Catalog for search. Slow calls
// (payment codes, printing, weighing) run on the TaskRunner; while one is
// out, `busy()` is true and actions that need the database wait.
//
// Scanner input arrives through OnScan() — wherever the focus was — and is
// routed by screen: products into the cart, payment codes into the payment,
// receipt codes into the refund lookup.
//
// Not thread-safe: the UI thread owns it; task continuations run there too.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "linli/drivers/image.h"
#include "linli/drivers/scale.h"
#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/checkout.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/payments.h"
#include "linli/pos/reports.h"
#include "linli/pos/shifts.h"
#include "linli/pos/users.h"
#include "linli/ui/devices.h"
#include "linli/ui/i18n.h"
#include "linli/ui/tasks.h"

namespace linli::ui {

enum class Screen {
  kSignIn, kCheckout, kSearch, kPayment, kRefund, kShift, kReceipt, kSuspended, kSettings, kHelp,
};
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
};

// A small modal question over the current screen (quantity, discount, PIN…).
enum class PromptKind {
  kNone, kQuantity, kWeight, kLineDiscount, kOrderDiscount, kPriceOverride, kMember,
  kManagerPin, kSuspendLabel, kAddProduct, kPayIn, kPayOut, kCardReference,
};
struct Prompt {
  PromptKind kind = PromptKind::kNone;
  std::string title;   // localised
  std::string hint;    // localised
  std::string input;   // what was typed
  std::string input2;  // second field (add product: price; pay-in/out: reason)
  std::string error;   // what was wrong with the last try
  bool secret = false;
  std::string sku;     // kWeight: the product being weighed
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

enum class GatewayState { kIdle, kWaiting, kApproved, kDeclined, kChecking };
const char* GatewayStateKey(GatewayState s);  // string-table key, "pay.gw.waiting" …

struct SignInState {
  std::string user_id;
  std::string pin;
  bool locked = false;          // the till locked on idle with a sale kept
  std::string locked_user_id;   // who may unlock (or any manager)
  std::string error;
};

struct PaymentState {
  std::string cash_entry;  // keypad digits, yuan: "50", "12.5"
  GatewayState gateway = GatewayState::kIdle;
  std::string gateway_message;  // the service's words for decline/unknown
  std::string pending_attempt;  // attempt key while unknown
  int64_t next_check_ms = 0;    // when to ask the gateway again
  bool done = false;            // committed: show change until next scan/Enter
  CommittedSale sale;           // the committed sale, when done
  std::string print_status;     // localised outcome of printing
};

struct SearchState {
  std::string query;
  std::string last_query;  // what `hits` answer
  std::vector<ProductHit> hits;
  int selected = 0;
  int64_t took_us = 0;
};

struct RefundState {
  std::string entry;  // receipt number typed or scanned
  std::optional<CommittedSale> sale;
  std::map<int, int64_t> picked;  // original line_no → qty_milli to refund
  bool to_cash = false;
  std::string reason = "customer";
  std::optional<CommittedSale> done;  // the committed refund/void
};

struct ShiftState {
  std::optional<Shift> current;
  std::optional<DrawerSummary> drawer;
  std::string float_entry = "200";
  std::map<int64_t, std::string> counts;  // denomination fen → count typed
  std::string report_title;               // localised "X 报表" / "Z 报表"
  std::string report_text;                // the printable report
  std::optional<ShiftCloseReport> closed;
};

struct ReceiptPreviewState {
  std::string receipt_no;
  std::optional<GrayImage> image;
  std::string text;   // RenderReceiptText, for copy and tests
  int version = 0;    // bumps when image changes (views re-upload textures)
};

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
};

class CounterModel {
 public:
  explicit CounterModel(CounterServices services);
  ~CounterModel();

  // Loads the store's name, settings and scale layouts, resolves payment
  // attempts left unknown by a crash, and shows sign-in.
  Status Start();

  // ---- Every frame.
  // Idle lock, gateway re-checks, status bar refresh. `now_ms` from the clock.
  void Tick();
  // Something the cashier did (resets the idle timer).
  void Touch();

  // ---- Input that is not a widget's.
  void OnScan(const std::string& code);
  // True when the key meant something on this screen. What each key does is
  // the command table's (commands.h); the arrows move in the list on screen.
  bool OnKey(Key key);

  // ---- Screens.
  Screen screen() const { return screen_; }
  void Show(Screen s);  // with permission checks (settings: owner)
  bool busy() const { return busy_; }
  const std::string& store_name() const { return store_name_; }
  const std::optional<User>& user() const { return user_; }
  const std::vector<Notice>& notices() const { return notices_; }
  void DismissNotice(size_t i);
  void Notify(Notice::Level level, std::string text);

  // Sign-in.
  SignInState& signin() { return signin_; }
  void SubmitSignIn();
  void Lock();
  void SignOut();

  // Checkout.
  std::string& entry() { return entry_; }     // the scan/search field
  void SubmitEntry();                        // Enter in that field
  const std::vector<CartRow>& rows() const { return rows_; }
  const std::vector<PromotionApplication>& promotions() const { return promotions_; }
  const PricedCart& priced() const { return priced_; }
  int selected_line() const { return selected_line_; }
  void SelectLine(int line_no) { selected_line_ = line_no; }
  const CartRow* last_row() const;           // the item added last (shown big)
  std::string member_phone() const { return member_phone_; }
  void AskQuantity();
  void AskLineDiscount();
  void AskOrderDiscount();
  void AskPriceOverride();
  void AskMember();
  void VoidSelected();
  void ClearCart();
  void AskSuspend();
  void ResumeSuspended(int64_t id);
  const std::vector<SuspendedCart>& suspended() const { return suspended_; }
  void ApplyCashRounding();                  // the store's 抹零 rule (may ask a manager)
  void AskAddProduct(const std::string& code);  // manager: unknown barcode → new product

  // Search.
  SearchState& search() { return search_; }
  void RunSearch();                          // when the query changed
  void PickSearchHit(int index);             // adds (weighed items ask for weight)
  void WeighFromScale();                     // kWeight prompt: read the scale

  // Payment.
  PaymentState& payment() { return payment_; }
  int64_t remaining_fen() const { return remaining_fen_; }
  std::vector<int64_t> quick_cash() const;
  void KeypadPress(char c);                  // '0'..'9', '.', 'C' clear, 'B' backspace
  void PayCashEntry();                       // the typed amount
  void PayCashAmount(int64_t fen);           // a quick-cash button
  void PayByCode(const std::string& code);
  void AskCard();
  void CheckPaymentAgain();
  void FinishSale();                         // "next customer"

  // Refund and void.
  RefundState& refund() { return refund_; }
  void LookupRefund();
  void ToggleRefundLine(int line_no);
  void SubmitRefund();                       // asks a manager's PIN when needed
  void VoidLast();                           // post-void the last sale (manager)

  // Shift.
  ShiftState& shift() { return shift_; }
  void RefreshShift();
  void OpenShiftWithFloat();
  void AskPayIn();
  void AskPayOut();
  void ShowXReport(bool print);
  void CloseShiftWithCount();                // then shows and prints the Z report
  int64_t counted_fen() const;               // sum of the denomination counts
  static const std::vector<int64_t>& Denominations();

  // Receipt preview and reprint.
  ReceiptPreviewState& receipt() { return receipt_; }
  void PreviewReceipt(const std::string& receipt_no);
  void Reprint();
  const std::string& last_receipt_no() const { return last_receipt_no_; }

  // Settings (owner).
  SettingsState& settings() { return settings_; }
  void SaveSettings();

  // Status bar.
  const StatusBarState& status() const { return status_; }

  // The modal prompt.
  Prompt& prompt() { return prompt_; }
  void SubmitPrompt();
  void CancelPrompt();

  // Hooks for the app: a printer or scale configured in Settings.
  std::function<void(const SettingsState&)> on_settings_saved;

 private:
  using Privileged = std::function<Status(const std::optional<Approval>&)>;

  void RefreshCart();
  void AfterCartChange(int added_line);
  void ReportError(const Status& s, std::string_view context_key = {});
  // Runs `action` without approval; on PermissionDenied asks a manager's PIN
  // and runs it again with it. `done` runs after success.
  void WithApproval(Privileged action, std::function<void()> done = {});
  void OpenPrompt(PromptKind kind, std::string title_key, std::string hint_key,
                  std::string initial = {});
  void ScanIntoCart(const BarcodeClass& code, int64_t count);
  void AddWeighed(const std::string& sku, int64_t grams);
  void TryCommit();
  void PrintCommitted(const CommittedSale& sale);
  void PrintText(const std::string& text);
  void StartCheckout();
  void RunTask(Task task);
  void ApplyPaymentResult(const Result<PaymentResult>& r);
  bool NeedsManager() const;

  CounterServices s_;
  std::unique_ptr<PaymentService> payments_;
  std::unique_ptr<Checkout> checkout_;
  std::unique_ptr<Catalog> catalog_;
  std::vector<ScaleLayout> layouts_;
  std::string store_name_;
  std::string time_zone_ = "Asia/Shanghai";

  Screen screen_ = Screen::kSignIn;
  bool busy_ = false;
  std::optional<User> user_;
  int64_t last_activity_ms_ = 0;
  int64_t last_status_ms_ = 0;
  std::vector<Notice> notices_;

  SignInState signin_;
  std::string entry_;
  std::vector<CartRow> rows_;
  std::vector<PromotionApplication> promotions_;
  PricedCart priced_;
  int64_t remaining_fen_ = 0;
  int selected_line_ = 0;
  int last_line_ = 0;
  std::string member_phone_;
  std::vector<SuspendedCart> suspended_;

  SearchState search_;
  PaymentState payment_;
  RefundState refund_;
  ShiftState shift_;
  ReceiptPreviewState receipt_;
  SettingsState settings_;
  StatusBarState status_;
  Prompt prompt_;
  Privileged approval_action_;
  std::function<void()> approval_done_;
  std::string last_receipt_no_;
};

}  // namespace linli::ui
