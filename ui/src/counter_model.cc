// [SECTION] index
//   helpers · construction and start · frame tick · scanner and keys ·
//   sign-in · checkout · prompts · search · payment · refund · shift ·
//   receipt · settings
#include "linli/ui/counter_model.h"

#include <algorithm>
#include <chrono>

#include "linli/pos/money.h"
#include "linli/pos/receipt.h"
#include "linli/pos/sales.h"
#include "linli/pos/store.h"
#include "linli/ui/commands.h"
#include "linli/ui/format.h"

namespace linli::ui {
namespace {

// ---- [SECTION] helpers

std::string Trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Config values the counter keeps in store_config.
std::string Config(Database& db, const std::string& key, const std::string& fallback) {
  try {
    return GetConfig(db, key).value_or(fallback);
  } catch (const DbError&) {
    return fallback;
  }
}

Status PutConfig(Database& db, const std::string& key, const std::string& value) {
  try {
    SetConfig(db, key, value);
    return Status::Ok();
  } catch (const DbError& e) {
    return Status::IoError(std::string("could not save the setting: ") + e.what());
  }
}

std::string CsvField(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

const char* ScreenName(Screen s) {
  switch (s) {
    case Screen::kSignIn: return "signin";
    case Screen::kCheckout: return "checkout";
    case Screen::kSearch: return "search";
    case Screen::kPayment: return "payment";
    case Screen::kRefund: return "refund";
    case Screen::kShift: return "shift";
    case Screen::kReceipt: return "receipt";
    case Screen::kSuspended: return "suspended";
    case Screen::kSettings: return "settings";
    case Screen::kHelp: return "help";
  }
  return "?";
}

const char* KeyName(Key k) {
  static const char* const kNames[] = {"F1", "F2", "F3", "F4", "F5", "F6", "F7", "F8", "F9",
                                       "F10", "F11", "F12", "Esc", "Up", "Down", "Del", "PgUp", "PgDn"};
  return kNames[static_cast<int>(k)];
}

std::optional<Key> ParseKey(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(Key::kPageDown); ++i) {
    if (name == KeyName(static_cast<Key>(i))) return static_cast<Key>(i);
  }
  if (name == "Escape") return Key::kEscape;
  if (name == "Delete") return Key::kDelete;
  return std::nullopt;
}

const char* GatewayStateKey(GatewayState s) {
  switch (s) {
    case GatewayState::kIdle: return "pay.gw.idle";
    case GatewayState::kWaiting: return "pay.gw.waiting";
    case GatewayState::kApproved: return "pay.gw.approved";
    case GatewayState::kDeclined: return "pay.gw.declined";
    case GatewayState::kChecking: return "pay.gw.checking";
  }
  return "pay.gw.idle";
}

// ---- [SECTION] construction and start

CounterModel::CounterModel(CounterServices services) : s_(services) {}
CounterModel::~CounterModel() = default;

Status CounterModel::Start() {
  if (!s_.db || !s_.clock || !s_.tasks) return Status::InvalidArgument("counter services missing");
  auto info = LoadStoreInfo(*s_.db);
  if (!info.ok()) return info.status();
  store_name_ = info->name;
  time_zone_ = info->timezone;
  auto layouts = LoadScaleLayouts(*s_.db);
  if (layouts.ok()) layouts_ = *layouts;
  catalog_ = std::make_unique<Catalog>(*s_.db);
  if (s_.gateway) payments_ = std::make_unique<PaymentService>(*s_.db, *s_.gateway, *s_.clock);

  Database& db = *s_.db;
  settings_.printer_uri = Config(db, "counter.printer_uri", "");
  settings_.printer_profile = Config(db, "counter.printer_profile", "generic58");
  settings_.scale_port = Config(db, "counter.scale_port", "");
  settings_.scale_protocol = Config(db, "counter.scale_protocol", "continuous-st");
  settings_.hub_url = Config(db, "counter.hub_url", "");
  settings_.cash_rounding = Config(db, "cash_rounding", "none");
  settings_.language = Config(db, "counter.language", "zh_CN");
  settings_.idle_lock_s = std::max(30, std::atoi(Config(db, "counter.idle_lock_s", "300").c_str()));
  if (auto lang = ParseLanguage(settings_.language); lang.ok()) Lang().SetLanguage(*lang);

  // A crash may have left a payment-code attempt unknown: settle it first.
  if (payments_) {
    auto open = payments_->Unresolved();
    if (open.ok()) {
      for (const PaymentAttempt& a : *open) {
        auto r = payments_->Resolve(a.attempt_key);
        if (r.ok() && r->outcome == PaymentOutcome::kUnknown) {
          Notify(Notice::Level::kError, TrF("notice.unresolved_payment", a.code_masked, Yuan(a.amount_fen)));
        }
      }
    }
  }
  screen_ = Screen::kSignIn;
  last_activity_ms_ = s_.clock->NowMs();
  Tick();
  return Status::Ok();
}

// ---- [SECTION] frame tick

void CounterModel::Tick() {
  const int64_t now = s_.clock->NowMs();
  if (user_ && !signin_.locked && !busy_ && screen_ != Screen::kSignIn &&
      now - last_activity_ms_ > int64_t{settings_.idle_lock_s} * 1000) {
    Lock();
  }
  if (payment_.gateway == GatewayState::kChecking && !busy_ && now >= payment_.next_check_ms) {
    CheckPaymentAgain();
  }
  // Notices fade after 4 s, errors stay until the next action or 30 s.
  std::erase_if(notices_, [now](const Notice& n) {
    return now - n.at_ms > (n.level == Notice::Level::kError ? 30000 : 4000);
  });
  if (now - last_status_ms_ >= 1000) {
    last_status_ms_ = now;
    status_.sync = s_.sync ? s_.sync->Read() : SyncSummary{};
    if (!s_.printer) {
      status_.printer = Tr("status.printer_none");
      status_.printer_ok = false;
    } else if (status_.printer.empty()) {
      status_.printer = Tr("status.printer_ready");
    }
  }
}

void CounterModel::Touch() { last_activity_ms_ = s_.clock->NowMs(); }

void CounterModel::Notify(Notice::Level level, std::string text) {
  notices_.push_back({level, std::move(text), s_.clock->NowMs(), {}});
  if (notices_.size() > 4) notices_.erase(notices_.begin());
}

void CounterModel::DismissNotice(size_t i) {
  if (i < notices_.size()) notices_.erase(notices_.begin() + static_cast<std::ptrdiff_t>(i));
}

void CounterModel::ReportError(const Status& s, std::string_view context_key) {
  // The services' messages say what was wrong; the key says where, and the
  // code adds what to do next in the cashier's language.
  std::string what;
  switch (s.code()) {
    case Status::Code::kPermissionDenied: what = Tr("err.permission"); break;
    case Status::Code::kUnavailable: what = Tr("err.unavailable"); break;
    case Status::Code::kIoError: what = Tr("err.io"); break;
    case Status::Code::kCorruption: what = Tr("err.corruption"); break;
    case Status::Code::kNotFound: what = Tr("err.not_found"); break;
    case Status::Code::kOk:
    case Status::Code::kInvalidArgument:
    case Status::Code::kAlreadyExists:
    case Status::Code::kFailedPrecondition: what = Tr("err.check_input"); break;
  }
  // A keyed Status already says what to do, in the cashier's language.
  std::string text = context_key.empty() ? std::string() : std::string(Tr(context_key)) + ": ";
  text += TrStatus(s);
  if (s.message_key().empty()) text += " — " + what;
  Notify(Notice::Level::kError, std::move(text));
}

void CounterModel::RunTask(Task task) {
  busy_ = true;
  s_.tasks->Post(std::move(task));
}

// ---- [SECTION] scanner and keys

void CounterModel::OnScan(const std::string& raw) {
  Touch();
  const std::string code = Trim(raw);
  if (code.empty()) return;
  if (prompt_.kind != PromptKind::kNone && prompt_.kind != PromptKind::kAddProduct) CancelPrompt();
  if (!user_ || screen_ == Screen::kSignIn) {
    Notify(Notice::Level::kInfo, Tr("notice.sign_in_first"));
    return;
  }
  if (busy_) {
    Notify(Notice::Level::kInfo, Tr("notice.busy_scan_again"));
    return;
  }
  const bool receipt_code = code.starts_with("LINLI1|") || (code.find('-') != std::string::npos && !AllDigits(code));
  switch (screen_) {
    case Screen::kRefund:
      refund_.entry = ReceiptNoFromScan(code);
      LookupRefund();
      return;
    case Screen::kReceipt:
      if (receipt_code) {
        PreviewReceipt(ReceiptNoFromScan(code));
        return;
      }
      break;
    case Screen::kShift:
    case Screen::kSettings:
      Notify(Notice::Level::kInfo, Tr("notice.scan_ignored"));
      return;
    case Screen::kSignIn:
    case Screen::kCheckout:
    case Screen::kSearch:
    case Screen::kPayment:
    case Screen::kSuspended:
    case Screen::kHelp:
      break;
  }
  if (receipt_code) {
    Show(Screen::kRefund);
    refund_.entry = ReceiptNoFromScan(code);
    LookupRefund();
    return;
  }
  // "3*6901234567892" typed at the field: three of them. The code is
  // classified once, here; the checkout takes the class as it is.
  int64_t count = 1;
  std::string product_code = code;
  if (size_t star = code.find('*'); star != std::string::npos && star > 0 && AllDigits(code.substr(0, star))) {
    count = std::atoll(code.substr(0, star).c_str());
    product_code = code.substr(star + 1);
  }
  const BarcodeClass cls = ClassifyBarcode(product_code, layouts_);
  if (cls.kind == BarcodeKind::kPaymentCode && product_code.size() == code.size()) {
    if (payment_.done || !checkout_ || checkout_->empty()) {
      Notify(Notice::Level::kError, Tr("err.code_without_sale"));
      return;
    }
    if (screen_ != Screen::kPayment) Show(Screen::kPayment);
    PayByCode(code);
    return;
  }
  if (payment_.done) FinishSale();  // the next customer's first item
  if (screen_ != Screen::kCheckout) Show(Screen::kCheckout);
  ScanIntoCart(cls, count);
}

bool CounterModel::OnKey(Key key) {
  Touch();
  if (prompt_.kind != PromptKind::kNone) {
    if (key == Key::kEscape) {
      CancelPrompt();
      return true;
    }
    return false;
  }
  if (!user_ || screen_ == Screen::kSignIn) return false;
  // The function keys and Esc: the command table (commands.h).
  if (const Command* c = CommandForKey(*this, key)) {
    c->run(*this);
    return true;
  }
  // Moving in the list on screen.
  if (screen_ == Screen::kSearch) {
    const int n = static_cast<int>(search_.hits.size());
    if (key == Key::kUp && search_.selected > 0) --search_.selected;
    if (key == Key::kDown && search_.selected + 1 < n) ++search_.selected;
    if (key == Key::kPageDown) search_.selected = std::min(n - 1, search_.selected + 10);
    if (key == Key::kPageUp) search_.selected = std::max(0, search_.selected - 10);
    return key == Key::kUp || key == Key::kDown || key == Key::kPageUp || key == Key::kPageDown;
  }
  if (screen_ != Screen::kCheckout) return false;
  if (key == Key::kUp || key == Key::kDown) {
    if (rows_.empty()) return true;
    auto it = std::find_if(rows_.begin(), rows_.end(), [&](const CartRow& r) { return r.line_no == selected_line_; });
    std::ptrdiff_t i = it == rows_.end() ? static_cast<std::ptrdiff_t>(rows_.size()) - 1 : it - rows_.begin();
    i += key == Key::kUp ? -1 : 1;
    i = std::clamp<std::ptrdiff_t>(i, 0, static_cast<std::ptrdiff_t>(rows_.size()) - 1);
    selected_line_ = rows_[static_cast<size_t>(i)].line_no;
    return true;
  }
  return false;
}

void CounterModel::Show(Screen s) {
  Touch();
  if (!user_ && s != Screen::kSignIn) return;
  if (busy_ && s != screen_) {
    Notify(Notice::Level::kInfo, Tr("notice.busy"));
    return;
  }
  switch (s) {
    case Screen::kSettings:
      if (user_->role != Role::kOwner) {
        Notify(Notice::Level::kError, Tr("err.owner_only"));
        return;
      }
      break;
    case Screen::kPayment:
      if (!checkout_ || checkout_->empty()) {
        if (!payment_.done) {
          Notify(Notice::Level::kInfo, Tr("notice.cart_empty"));
          return;
        }
      } else {
        RefreshCart();
        payment_.cash_entry.clear();
      }
      break;
    case Screen::kSearch:
      search_.query = entry_;
      entry_.clear();
      search_.last_query = "\x01";  // force a fresh search
      RunSearch();
      break;
    case Screen::kSuspended: {
      auto list = ListSuspended(*s_.db);
      if (!list.ok()) {
        ReportError(list.status());
        return;
      }
      suspended_ = *list;
      break;
    }
    case Screen::kShift: RefreshShift(); break;
    case Screen::kRefund:
      if (screen_ != Screen::kRefund) refund_ = RefundState{};
      break;
    case Screen::kReceipt:
      if (receipt_.receipt_no.empty() && !last_receipt_no_.empty()) {
        PreviewReceipt(last_receipt_no_);
        return;
      }
      break;
    case Screen::kSignIn:
    case Screen::kCheckout:
    case Screen::kHelp: break;
  }
  if (screen_ == Screen::kPayment && s != Screen::kPayment && payment_.done) payment_ = PaymentState{};
  screen_ = s;
}

// ---- [SECTION] sign-in

void CounterModel::SubmitSignIn() {
  Touch();
  signin_.error.clear();
  const std::string id = Trim(signin_.user_id);
  auto u = Authenticate(*s_.db, id, signin_.pin);
  signin_.pin.clear();
  if (!u.ok()) {
    signin_.error = u.status().code() == Status::Code::kPermissionDenied ? Tr("signin.wrong_pin")
                                                                          : Tr("signin.unknown_user");
    return;
  }
  if (signin_.locked) {
    if (u->id != signin_.locked_user_id && u->role == Role::kCashier) {
      signin_.error = Tr("signin.locked_by_other");
      return;
    }
    signin_.locked = false;
    screen_ = Screen::kCheckout;
    Notify(Notice::Level::kInfo, TrF("notice.unlocked", u->name));
    return;
  }
  user_ = *u;
  StartCheckout();
  RefreshShift();
  Notify(Notice::Level::kSuccess, TrF("notice.welcome", u->name));
  screen_ = shift_.current ? Screen::kCheckout : Screen::kShift;
  if (!shift_.current) Notify(Notice::Level::kInfo, Tr("notice.open_shift_first"));
}

void CounterModel::StartCheckout() {
  checkout_ = std::make_unique<Checkout>(*s_.db, *s_.clock, *user_, payments_.get());
  Status st = checkout_->Init();
  if (!st.ok()) ReportError(st);
  rows_.clear();
  priced_ = PricedCart{};
  remaining_fen_ = 0;
  last_line_ = selected_line_ = 0;
}

void CounterModel::Lock() {
  if (!user_) return;
  prompt_ = Prompt{};
  signin_ = SignInState{};
  signin_.locked = true;
  signin_.locked_user_id = user_->id;
  signin_.user_id = user_->id;
  screen_ = Screen::kSignIn;
}

void CounterModel::SignOut() {
  if (checkout_ && !checkout_->empty()) {
    Notify(Notice::Level::kError, Tr("err.sign_out_with_cart"));
    return;
  }
  user_.reset();
  checkout_.reset();
  signin_ = SignInState{};
  payment_ = PaymentState{};
  screen_ = Screen::kSignIn;
}

// ---- [SECTION] checkout

void CounterModel::RefreshCart() {
  rows_.clear();
  promotions_.clear();
  priced_ = PricedCart{};
  remaining_fen_ = 0;
  if (!checkout_) return;
  auto priced = checkout_->Price();
  if (!priced.ok()) {
    ReportError(priced.status());
    return;
  }
  priced_ = *priced;
  promotions_ = priced_.promotions;
  for (const CartLine& l : checkout_->lines()) {
    if (l.voided) continue;
    CartRow r;
    r.line_no = l.line_no;
    r.sku = l.sku;
    r.name = l.name;
    r.unit = l.unit;
    r.qty_milli = l.qty_milli;
    r.unit_price_fen = l.override_price_fen.value_or(l.unit_price_fen);
    r.overridden = l.override_price_fen.has_value();
    r.from_label = l.label_amount_fen.has_value();
    for (const PricedLine& p : priced_.lines) {
      if (p.line_no != l.line_no) continue;
      r.gross_fen = p.gross_fen;
      r.discount_fen = p.discount_fen;
      r.total_fen = p.total_fen;
    }
    rows_.push_back(std::move(r));
  }
  auto rem = checkout_->RemainingFen();
  remaining_fen_ = rem.ok() ? *rem : priced_.total_fen;
  if (!rows_.empty() &&
      std::none_of(rows_.begin(), rows_.end(), [&](const CartRow& r) { return r.line_no == selected_line_; })) {
    selected_line_ = rows_.back().line_no;
  }
}

void CounterModel::AfterCartChange(int added_line) {
  if (added_line > 0) {
    last_line_ = added_line;
    selected_line_ = added_line;
  }
  RefreshCart();
}

const CartRow* CounterModel::last_row() const {
  for (const CartRow& r : rows_) {
    if (r.line_no == last_line_) return &r;
  }
  return rows_.empty() ? nullptr : &rows_.back();
}

void CounterModel::ScanIntoCart(const BarcodeClass& code, int64_t count) {
  if (!checkout_) return;
  auto r = checkout_->Scan(code, count);
  if (!r.ok()) {
    if (r.status().IsNotFound()) {
      Notice n{Notice::Level::kError, TrF("err.unknown_barcode", code.code), s_.clock->NowMs(), code.code};
      notices_.push_back(std::move(n));
    } else {
      ReportError(r.status(), "ctx.scan");
    }
    return;
  }
  AfterCartChange(*r);
}

void CounterModel::SubmitEntry() {
  Touch();
  const std::string text = Trim(entry_);
  entry_.clear();
  if (text.empty() || !checkout_ || busy_) return;
  if (payment_.done) FinishSale();
  std::string digits = text;
  if (size_t star = text.find('*'); star != std::string::npos) digits = text.substr(star + 1);
  if (AllDigits(digits) && digits.size() <= 5) {
    // A PLU typed from the shelf label.
    auto p = catalog_->FindByPlu(digits);
    if (!p.ok() || !*p) {
      Notify(Notice::Level::kError, TrF("err.unknown_plu", digits));
      return;
    }
    if ((*p)->unit == "kg") {
      OpenPrompt(PromptKind::kWeight, "prompt.weight.title", s_.scale ? "prompt.weight.hint_scale" : "prompt.weight.hint");
      prompt_.sku = (*p)->sku;
      prompt_.title = TrF("prompt.weight.title_named", (*p)->name);
      if (s_.scale) WeighFromScale();
      return;
    }
    auto r = checkout_->AddPlu(digits, 1000);
    if (!r.ok()) return ReportError(r.status(), "ctx.scan");
    AfterCartChange(*r);
    return;
  }
  if (AllDigits(digits) || text.starts_with("LINLI1|")) {
    OnScan(text);
    return;
  }
  entry_ = text;
  Show(Screen::kSearch);
}

void CounterModel::VoidSelected() {
  if (!checkout_ || selected_line_ == 0) return;
  Status st = checkout_->VoidLine(selected_line_);
  if (!st.ok()) return ReportError(st);
  Notify(Notice::Level::kInfo, TrF("notice.line_voided", selected_line_));
  AfterCartChange(0);
}

void CounterModel::ClearCart() {
  if (!checkout_) return;
  Status st = checkout_->Clear();
  if (!st.ok()) return ReportError(st);
  payment_ = PaymentState{};
  AfterCartChange(0);
}

void CounterModel::AskQuantity() {
  const CartRow* row = nullptr;
  for (const CartRow& r : rows_) {
    if (r.line_no == selected_line_) row = &r;
  }
  if (!row) return Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  OpenPrompt(PromptKind::kQuantity, "prompt.qty.title",
             row->unit == SaleUnit::kKg ? "prompt.weight.hint" : "prompt.qty.hint",
             row->unit == SaleUnit::kKg ? std::to_string(row->qty_milli) : FormatMilli(row->qty_milli));
}

void CounterModel::AskLineDiscount() {
  if (selected_line_ == 0) return Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  OpenPrompt(PromptKind::kLineDiscount, "prompt.discount_line.title", "prompt.discount.hint");
}

void CounterModel::AskOrderDiscount() {
  if (rows_.empty()) return Notify(Notice::Level::kInfo, Tr("notice.cart_empty"));
  OpenPrompt(PromptKind::kOrderDiscount, "prompt.discount_order.title", "prompt.discount.hint");
}

void CounterModel::AskPriceOverride() {
  if (selected_line_ == 0) return Notify(Notice::Level::kInfo, Tr("notice.select_line"));
  OpenPrompt(PromptKind::kPriceOverride, "prompt.price.title", "prompt.price.hint");
}

void CounterModel::AskMember() { OpenPrompt(PromptKind::kMember, "prompt.member.title", "prompt.member.hint"); }

void CounterModel::AskSuspend() {
  if (rows_.empty()) return Notify(Notice::Level::kInfo, Tr("notice.cart_empty"));
  OpenPrompt(PromptKind::kSuspendLabel, "prompt.suspend.title", "prompt.suspend.hint");
}

void CounterModel::ResumeSuspended(int64_t id) {
  if (!checkout_) return;
  Status st = checkout_->Resume(id);
  if (!st.ok()) return ReportError(st, "ctx.resume");
  Notify(Notice::Level::kSuccess, Tr("notice.resumed"));
  screen_ = Screen::kCheckout;
  last_line_ = 0;
  AfterCartChange(0);
}

void CounterModel::ApplyCashRounding() {
  if (!checkout_) return;
  auto rule = ParseCashRounding(settings_.cash_rounding);
  if (!rule.ok() || *rule == CashRounding::kNone) {
    return Notify(Notice::Level::kInfo, Tr("notice.no_rounding_rule"));
  }
  const CashRounding r = *rule;
  WithApproval([this, r](const std::optional<Approval>& a) { return checkout_->SetCashRounding(r, a); },
               [this] { AfterCartChange(0); });
}

bool CounterModel::NeedsManager() const { return !user_ || user_->role == Role::kCashier; }

void CounterModel::AskAddProduct(const std::string& code) {
  OpenPrompt(PromptKind::kAddProduct, "prompt.add_product.title", "prompt.add_product.hint");
  prompt_.sku = code;
}

// ---- [SECTION] prompts

void CounterModel::OpenPrompt(PromptKind kind, std::string title_key, std::string hint_key, std::string initial) {
  prompt_ = Prompt{};
  prompt_.kind = kind;
  prompt_.title = Tr(title_key);
  prompt_.hint = Tr(hint_key);
  prompt_.input = std::move(initial);
  prompt_.secret = kind == PromptKind::kManagerPin;
}

void CounterModel::CancelPrompt() {
  prompt_ = Prompt{};
  approval_action_ = nullptr;
  approval_done_ = nullptr;
}

void CounterModel::WithApproval(Privileged action, std::function<void()> done) {
  Status st = action(std::nullopt);
  if (st.ok()) {
    if (done) done();
    return;
  }
  if (st.code() != Status::Code::kPermissionDenied) return ReportError(st);
  OpenPrompt(PromptKind::kManagerPin, "prompt.manager.title", "prompt.manager.hint");
  prompt_.hint = TrF("prompt.manager.why", TrStatus(st));
  approval_action_ = std::move(action);
  approval_done_ = std::move(done);
}

void CounterModel::SubmitPrompt() {
  Touch();
  Prompt p = prompt_;
  prompt_ = Prompt{};
  auto retry = [&](std::string error_key) {
    prompt_ = p;
    prompt_.error = Tr(error_key);
  };
  const std::string in = Trim(p.input);
  switch (p.kind) {
    case PromptKind::kNone: return;
    case PromptKind::kQuantity: {
      const CartRow* row = nullptr;
      for (const CartRow& r : rows_) {
        if (r.line_no == selected_line_) row = &r;
      }
      if (!row) return;
      int64_t milli = -1;
      if (row->unit == SaleUnit::kKg) {
        milli = ParseGrams(in);
      } else if (auto m = ParseMilli(in); m.ok() && *m > 0) {
        milli = *m;
      }
      if (milli <= 0) return retry("prompt.err.number");
      Status st = checkout_->SetQty(selected_line_, milli);
      if (!st.ok()) return ReportError(st);
      return AfterCartChange(0);
    }
    case PromptKind::kWeight: {
      const int64_t grams = ParseGrams(in);
      if (grams <= 0) return retry("prompt.err.grams");
      return AddWeighed(p.sku, grams);
    }
    case PromptKind::kLineDiscount:
    case PromptKind::kOrderDiscount: {
      Discount d;
      if (in.ends_with("%")) {
        auto bp = ParsePercentBp(in);
        if (!bp.ok() || *bp <= 0) return retry("prompt.err.percent");
        d = Discount::PercentBp(*bp);
      } else {
        const int64_t fen = KeypadToFen(in);
        if (fen <= 0) return retry("prompt.err.amount");
        d = Discount::AmountFen(fen);
      }
      const int line = selected_line_;
      const bool order = p.kind == PromptKind::kOrderDiscount;
      return WithApproval(
          [this, d, line, order](const std::optional<Approval>& a) {
            return order ? checkout_->DiscountOrder(d, a) : checkout_->DiscountLine(line, d, a);
          },
          [this] { AfterCartChange(0); });
    }
    case PromptKind::kPriceOverride: {
      const int64_t fen = KeypadToFen(in);
      if (fen < 0) return retry("prompt.err.amount");
      const int line = selected_line_;
      return WithApproval(
          [this, line, fen](const std::optional<Approval>& a) { return checkout_->OverridePrice(line, fen, a); },
          [this] { AfterCartChange(0); });
    }
    case PromptKind::kMember: {
      Status st = checkout_->AttachMember(in);
      if (!st.ok()) {
        prompt_ = p;
        prompt_.error = TrStatus(st);
        return;
      }
      member_phone_ = in;
      Notify(Notice::Level::kSuccess, TrF("notice.member_attached", MaskPhone(in)));
      return AfterCartChange(0);
    }
    case PromptKind::kSuspendLabel: {
      auto id = checkout_->Suspend(in.empty() ? std::string(Tr("prompt.suspend.default")) : in);
      if (!id.ok()) return ReportError(id.status(), "ctx.suspend");
      Notify(Notice::Level::kSuccess, TrF("notice.suspended", *id));
      member_phone_.clear();
      last_line_ = 0;
      return AfterCartChange(0);
    }
    case PromptKind::kManagerPin: {
      if (!approval_action_) return;
      Approval a;
      a.pin = in;
      a.reason = "counter";
      Status st = approval_action_(a);
      if (st.code() == Status::Code::kPermissionDenied) {
        prompt_ = p;
        prompt_.input.clear();
        prompt_.error = Tr("prompt.manager.wrong");
        return;
      }
      auto done = std::move(approval_done_);
      approval_action_ = nullptr;
      approval_done_ = nullptr;
      if (!st.ok()) return ReportError(st);
      if (done) done();
      return;
    }
    case PromptKind::kAddProduct: {
      const std::string name = Trim(p.input);
      const int64_t price = KeypadToFen(Trim(p.input2));
      if (name.empty()) return retry("prompt.err.name");
      if (price <= 0) return retry("prompt.err.amount");
      const std::string code = p.sku;
      auto add = [this, code, name, price](const std::optional<Approval>& a) -> Status {
        if (NeedsManager()) {
          if (!a) return Status::PermissionDenied(Tr("prompt.add_product.needs_manager"));
          auto m = CheckApproval(*s_.db, *a);
          if (!m.ok()) return m.status();
        }
        std::string csv = "sku,barcode,name,price\n" + CsvField("N" + code) + "," + CsvField(code) + "," +
                          CsvField(name) + "," + YuanPlain(price) + "\n";
        auto rep = ImportCatalogCsv(*s_.db, csv, {}, *s_.clock);
        if (!rep.ok()) return rep.status();
        if (!rep->written) {
          return Status::InvalidArgument(rep->problems.empty() ? "not saved" : rep->problems[0].ToString());
        }
        return Status::Ok();
      };
      return WithApproval(add, [this, code] {
        Notify(Notice::Level::kSuccess, Tr("notice.product_added"));
        notices_.erase(std::remove_if(notices_.begin(), notices_.end(),
                                      [&](const Notice& n) { return n.unknown_code == code; }),
                       notices_.end());
        ScanIntoCart(ClassifyBarcode(code, layouts_), 1);
      });
    }
    case PromptKind::kPayIn:
    case PromptKind::kPayOut: {
      const int64_t fen = KeypadToFen(in);
      if (fen <= 0) return retry("prompt.err.amount");
      const std::string reason = Trim(p.input2);
      if (reason.empty()) return retry("prompt.err.reason");
      const bool out = p.kind == PromptKind::kPayOut;
      return WithApproval(
          [this, out, fen, reason](const std::optional<Approval>& a) -> Status {
            if (out && NeedsManager()) {
              if (!a) return Status::PermissionDenied(Tr("shift.payout_needs_manager"));
              auto m = CheckApproval(*s_.db, *a);
              if (!m.ok()) return m.status();
            }
            auto r = out ? PayOut(*s_.db, user_->id, fen, reason, *s_.clock)
                         : PayIn(*s_.db, user_->id, fen, reason, *s_.clock);
            return r.status();
          },
          [this, out, fen] {
            Notify(Notice::Level::kSuccess, TrF(out ? "notice.paid_out" : "notice.paid_in", Yuan(fen)));
            RefreshShift();
          });
    }
    case PromptKind::kCardReference: {
      if (in.empty()) return retry("prompt.err.reference");
      Status st = checkout_->PayCard(remaining_fen_, in);
      if (!st.ok()) return ReportError(st, "ctx.pay");
      RefreshCart();
      return TryCommit();
    }
  }
}

// ---- [SECTION] search

void CounterModel::RunSearch() {
  if (!catalog_ || search_.query == search_.last_query) return;
  search_.last_query = search_.query;
  search_.selected = 0;
  const std::string q = Trim(search_.query);
  if (q.empty()) {
    search_.hits.clear();
    return;
  }
  auto t0 = std::chrono::steady_clock::now();
  auto hits = catalog_->Search(q, 50);
  search_.took_us =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
  if (!hits.ok()) {
    search_.hits.clear();
    return ReportError(hits.status());
  }
  search_.hits = std::move(*hits);
}

void CounterModel::PickSearchHit(int index) {
  Touch();
  if (index < 0 || index >= static_cast<int>(search_.hits.size()) || !checkout_) return;
  if (payment_.done) FinishSale();
  const Product p = search_.hits[static_cast<size_t>(index)].product;
  screen_ = Screen::kCheckout;
  if (p.unit == "kg") {
    OpenPrompt(PromptKind::kWeight, "prompt.weight.title", s_.scale ? "prompt.weight.hint_scale" : "prompt.weight.hint");
    prompt_.title = TrF("prompt.weight.title_named", p.name);
    prompt_.sku = p.sku;
    if (s_.scale) WeighFromScale();
    return;
  }
  auto r = checkout_->AddSku(p.sku, 1000);
  if (!r.ok()) return ReportError(r.status(), "ctx.scan");
  AfterCartChange(*r);
}

void CounterModel::AddWeighed(const std::string& sku, int64_t grams) {
  auto r = checkout_->AddSku(sku, grams);
  if (!r.ok()) return ReportError(r.status(), "ctx.scan");
  AfterCartChange(*r);
}

void CounterModel::WeighFromScale() {
  if (!s_.scale || busy_) return;
  Scale* scale = s_.scale;
  const std::string sku = prompt_.sku;
  prompt_.error = Tr("prompt.weight.reading");
  RunTask([this, scale, sku] {
    auto grams = WeighForSale(*scale, 3000);
    return [this, grams, sku] {
      busy_ = false;
      if (prompt_.kind != PromptKind::kWeight || prompt_.sku != sku) return;
      if (!grams.ok()) {
        prompt_.error = TrStatus(grams.status()) + " — " + Tr("prompt.weight.type_instead");
        status_.weight_error = TrStatus(grams.status());
        return;
      }
      status_.weight_g = *grams;
      prompt_ = Prompt{};
      AddWeighed(sku, *grams);
    };
  });
}

// ---- [SECTION] payment

std::vector<int64_t> CounterModel::quick_cash() const { return QuickCashSuggestions(remaining_fen_); }

void CounterModel::KeypadPress(char c) {
  Touch();
  std::string& e = payment_.cash_entry;
  if (c == 'C') {
    e.clear();
  } else if (c == 'B') {
    if (!e.empty()) e.pop_back();
  } else if (c == '.') {
    if (e.find('.') == std::string::npos) e += e.empty() ? "0." : ".";
  } else if (c >= '0' && c <= '9') {
    size_t dot = e.find('.');
    if (dot != std::string::npos && e.size() - dot > 2) return;  // two decimals at most
    if (e.size() < 9) e += c;
  }
}

void CounterModel::PayCashEntry() {
  if (payment_.done) return FinishSale();
  const std::string typed = Trim(payment_.cash_entry);
  if (typed.empty()) return PayCashAmount(remaining_fen_);  // exact cash
  const int64_t fen = KeypadToFen(typed);
  if (fen <= 0) return Notify(Notice::Level::kError, Tr("err.cash_amount"));
  PayCashAmount(fen);
}

void CounterModel::PayCashAmount(int64_t fen) {
  Touch();
  if (!checkout_ || busy_ || payment_.done) return;
  if (fen <= 0) return;
  Status st = checkout_->PayCash(fen);
  if (!st.ok()) return ReportError(st, "ctx.pay");
  payment_.cash_entry.clear();
  RefreshCart();
  TryCommit();
}

void CounterModel::PayByCode(const std::string& code) {
  if (!checkout_ || busy_ || payment_.done) return;
  if (!payments_) return Notify(Notice::Level::kError, Tr("err.no_gateway"));
  payment_.gateway = GatewayState::kWaiting;
  payment_.gateway_message.clear();
  Checkout* co = checkout_.get();
  RunTask([this, co, code] {
    auto r = co->PayByCode(code, std::nullopt);
    return [this, r] { ApplyPaymentResult(r); };
  });
}

void CounterModel::ApplyPaymentResult(const Result<PaymentResult>& r) {
  busy_ = false;
  if (!r.ok()) {
    payment_.gateway = GatewayState::kDeclined;
    payment_.gateway_message = TrStatus(r.status());
    return;
  }
  switch (r->outcome) {
    case PaymentOutcome::kApproved:
      payment_.gateway = GatewayState::kApproved;
      payment_.gateway_message = TrF("pay.gw.approved_amount", Yuan(r->amount_fen));
      RefreshCart();
      TryCommit();
      return;
    case PaymentOutcome::kUnknown:
      payment_.gateway = GatewayState::kChecking;
      payment_.pending_attempt = r->attempt_key;
      payment_.gateway_message = Tr("pay.gw.keep_customer");
      payment_.next_check_ms = s_.clock->NowMs() + 3000;
      return;
    case PaymentOutcome::kOffline:
      payment_.gateway = GatewayState::kDeclined;
      payment_.gateway_message = Tr("pay.gw.offline");
      return;
    case PaymentOutcome::kDeclined:
    case PaymentOutcome::kCancelled:
    case PaymentOutcome::kReversed:
      payment_.gateway = GatewayState::kDeclined;
      payment_.gateway_message = r->message;
      return;
  }
}

void CounterModel::CheckPaymentAgain() {
  if (!checkout_ || busy_) return;
  Checkout* co = checkout_.get();
  payment_.next_check_ms = s_.clock->NowMs() + 3000;
  RunTask([this, co] {
    Status st = co->ResolvePendingPayments();
    return [this, st] {
      busy_ = false;
      RefreshCart();
      if (st.code() == Status::Code::kUnavailable) return;  // still unknown: ask again later
      if (!st.ok()) {
        payment_.gateway_message = TrStatus(st);
        return;
      }
      payment_.pending_attempt.clear();
      if (!checkout_->tenders().empty() && checkout_->tenders().back().method == "payment_code") {
        payment_.gateway = GatewayState::kApproved;
        TryCommit();
      } else {
        payment_.gateway = GatewayState::kDeclined;
        payment_.gateway_message = Tr("pay.gw.not_taken");
      }
    };
  });
}

void CounterModel::AskCard() {
  if (remaining_fen_ <= 0) return;
  OpenPrompt(PromptKind::kCardReference, "prompt.card.title", "prompt.card.hint");
}

void CounterModel::TryCommit() {
  if (!checkout_ || checkout_->empty()) return;
  if (remaining_fen_ > 0) {
    Notify(Notice::Level::kInfo, TrF("notice.still_due", Yuan(remaining_fen_)));
    return;
  }
  auto sale = checkout_->Commit();
  if (!sale.ok()) return ReportError(sale.status(), "ctx.commit");
  payment_.done = true;
  payment_.sale = *sale;
  payment_.cash_entry.clear();
  last_receipt_no_ = sale->receipt_no;
  member_phone_.clear();
  last_line_ = 0;
  RefreshCart();
  PrintCommitted(*sale);
}

void CounterModel::PrintCommitted(const CommittedSale& sale) {
  // Only after COMMIT: the receipt prints and the drawer opens (DESIGN §5).
  if (!s_.printer) {
    payment_.print_status = Tr("print.no_printer");
    return;
  }
  CounterPrinter* printer = s_.printer;
  payment_.print_status = Tr("print.printing");
  s_.tasks->Post([this, printer, sale] {
    SalePrintOutcome out = printer->PrintSale(sale);
    return [this, out] {
      const Status& st = out.receipt.status;
      status_.printer_ok = st.ok();
      status_.printer = st.ok() ? Tr("status.printer_ready") : TrStatus(st);
      payment_.print_status = st.ok() ? Tr("print.done") : TrF("print.failed", TrStatus(st));
      if (!st.ok()) Notify(Notice::Level::kError, TrF("print.failed", TrStatus(st)));
    };
  });
}

void CounterModel::PrintText(const std::string& text) {
  if (!s_.printer) return Notify(Notice::Level::kInfo, Tr("print.no_printer"));
  CounterPrinter* printer = s_.printer;
  s_.tasks->Post([this, printer, text] {
    PrintOutcome out = printer->PrintReport(text);
    return [this, out] {
      status_.printer_ok = out.status.ok();
      status_.printer = out.status.ok() ? Tr("status.printer_ready") : TrStatus(out.status);
      if (out.status.ok()) {
        Notify(Notice::Level::kSuccess, Tr("print.done"));
      } else {
        Notify(Notice::Level::kError, TrF("print.failed", TrStatus(out.status)));
      }
    };
  });
}

void CounterModel::FinishSale() {
  payment_ = PaymentState{};
  screen_ = Screen::kCheckout;
}

// ---- [SECTION] refund

void CounterModel::LookupRefund() {
  Touch();
  refund_.sale.reset();
  refund_.picked.clear();
  refund_.done.reset();
  const std::string no = ReceiptNoFromScan(Trim(refund_.entry));
  refund_.entry = no;
  if (no.empty()) return;
  auto sale = LoadSale(*s_.db, no);
  if (!sale.ok()) {
    if (sale.status().IsNotFound()) return Notify(Notice::Level::kError, TrF("err.unknown_receipt", no));
    return ReportError(sale.status());
  }
  if (sale->kind != "sale") return Notify(Notice::Level::kError, TrF("err.not_a_sale", no));
  refund_.sale = *sale;
  for (const PricedLine& l : sale->priced.lines) refund_.picked[l.line_no] = l.qty_milli;
}

void CounterModel::ToggleRefundLine(int line_no) {
  if (!refund_.sale) return;
  auto it = refund_.picked.find(line_no);
  if (it != refund_.picked.end()) {
    refund_.picked.erase(it);
    return;
  }
  for (const PricedLine& l : refund_.sale->priced.lines) {
    if (l.line_no == line_no) refund_.picked[line_no] = l.qty_milli;
  }
}

void CounterModel::SubmitRefund() {
  if (!refund_.sale || refund_.picked.empty() || !user_) {
    return Notify(Notice::Level::kInfo, Tr("refund.pick_lines"));
  }
  RefundRequest req;
  req.receipt_no = refund_.sale->receipt_no;
  for (const auto& [line, qty] : refund_.picked) req.lines.push_back({line, qty});
  req.to_cash = refund_.to_cash;
  req.reason = refund_.reason;
  WithApproval([this, req](const std::optional<Approval>& a) mutable -> Status {
    if (NeedsManager() && !a) return Status::PermissionDenied(Tr("refund.needs_manager"));
    req.approval = a;
    auto r = RefundSale(*s_.db, *s_.clock, *user_, req, s_.gateway);
    if (!r.ok()) return r.status();
    refund_.done = *r;
    refund_.sale.reset();
    last_receipt_no_ = r->receipt_no;
    Notify(Notice::Level::kSuccess, TrF("notice.refunded", r->receipt_no, Yuan(r->priced.total_fen)));
    PrintCommitted(*r);
    return Status::Ok();
  });
}

void CounterModel::VoidLast() {
  if (!user_) return;
  WithApproval([this](const std::optional<Approval>& a) -> Status {
    if (!a) return Status::PermissionDenied(Tr("refund.void_needs_manager"));
    auto r = VoidLastSale(*s_.db, *s_.clock, *user_, *a, s_.gateway);
    if (!r.ok()) return r.status();
    refund_.done = *r;
    last_receipt_no_ = r->receipt_no;
    Notify(Notice::Level::kSuccess, TrF("notice.voided", r->original_receipt_no));
    PrintCommitted(*r);
    return Status::Ok();
  });
}

// ---- [SECTION] shift

const std::vector<int64_t>& CounterModel::Denominations() {
  static const std::vector<int64_t> kValues = {10000, 5000, 2000, 1000, 500, 100, 50, 10};
  return kValues;
}

void CounterModel::RefreshShift() {
  auto cur = CurrentShift(*s_.db);
  if (!cur.ok()) return ReportError(cur.status());
  shift_.current = *cur;
  shift_.drawer.reset();
  if (shift_.current) {
    auto d = SummarizeDrawer(*s_.db, shift_.current->id);
    if (d.ok()) shift_.drawer = *d;
  }
}

void CounterModel::OpenShiftWithFloat() {
  if (!user_) return;
  const int64_t fen = KeypadToFen(Trim(shift_.float_entry));
  if (fen < 0) return Notify(Notice::Level::kError, Tr("err.cash_amount"));
  auto s = OpenShift(*s_.db, user_->id, fen, *s_.clock);
  if (!s.ok()) return ReportError(s.status(), "ctx.shift");
  Notify(Notice::Level::kSuccess, TrF("notice.shift_opened", Yuan(fen)));
  shift_.closed.reset();
  shift_.report_text.clear();
  RefreshShift();
  screen_ = Screen::kCheckout;
}

void CounterModel::AskPayIn() { OpenPrompt(PromptKind::kPayIn, "prompt.pay_in.title", "prompt.pay_inout.hint"); }
void CounterModel::AskPayOut() { OpenPrompt(PromptKind::kPayOut, "prompt.pay_out.title", "prompt.pay_inout.hint"); }

void CounterModel::ShowXReport(bool print) {
  auto r = BuildXReport(*s_.db, *s_.clock);
  if (!r.ok()) return ReportError(r.status());
  const int cols = s_.printer ? s_.printer->columns() : kReceiptColumns58;
  shift_.report_title = Tr("shift.x_report");
  shift_.report_text = r->RenderText(cols);
  if (print) PrintText(shift_.report_text);
}

int64_t CounterModel::counted_fen() const {
  int64_t total = 0;
  for (int64_t v : Denominations()) {
    auto it = shift_.counts.find(v);
    if (it == shift_.counts.end()) continue;
    const std::string c = Trim(it->second);
    if (AllDigits(c) && c.size() < 7) total += v * std::atoll(c.c_str());
  }
  return total;
}

void CounterModel::CloseShiftWithCount() {
  if (!user_) return;
  if (checkout_ && !checkout_->empty()) return Notify(Notice::Level::kError, Tr("err.close_with_cart"));
  std::vector<Denomination> denoms;
  for (int64_t v : Denominations()) {
    auto it = shift_.counts.find(v);
    if (it == shift_.counts.end()) continue;
    const std::string c = Trim(it->second);
    if (c.empty()) continue;
    if (!AllDigits(c) || c.size() >= 7) return Notify(Notice::Level::kError, Tr("err.count"));
    denoms.push_back({v, std::atoll(c.c_str())});
  }
  auto closed = CloseShift(*s_.db, user_->id, counted_fen(), denoms, *s_.clock);
  if (!closed.ok()) return ReportError(closed.status(), "ctx.shift");
  shift_.closed = *closed;
  const int cols = s_.printer ? s_.printer->columns() : kReceiptColumns58;
  std::string text = closed->RenderText(cols, time_zone_);
  auto z = BuildZReport(*s_.db, BusinessDate(s_.clock->NowMs(), time_zone_), *s_.clock);
  if (z.ok()) {
    text += "\n" + z->RenderText(cols);
  } else {
    ReportError(z.status());
  }
  shift_.report_title = Tr("shift.z_report");
  shift_.report_text = text;
  shift_.counts.clear();
  Notify(Notice::Level::kSuccess, TrF("notice.shift_closed", Yuan(closed->variance_fen)));
  PrintText(text);
  RefreshShift();
}

// ---- [SECTION] receipt

void CounterModel::PreviewReceipt(const std::string& receipt_no) {
  Touch();
  receipt_.receipt_no = receipt_no;
  receipt_.image.reset();
  receipt_.text.clear();
  screen_ = Screen::kReceipt;
  if (receipt_no.empty()) return;
  auto img = RenderReceiptPreview(*s_.db, receipt_no, settings_.printer_profile, false);
  if (!img.ok()) {
    if (img.status().IsNotFound()) return Notify(Notice::Level::kError, TrF("err.unknown_receipt", receipt_no));
    return ReportError(img.status());
  }
  receipt_.image = std::move(*img);
  auto model = BuildReceipt(*s_.db, receipt_no, false);
  if (model.ok()) receipt_.text = RenderReceiptText(*model, s_.printer ? s_.printer->columns() : kReceiptColumns58);
  ++receipt_.version;
}

void CounterModel::Reprint() {
  if (receipt_.receipt_no.empty()) return;
  if (!s_.printer) return Notify(Notice::Level::kInfo, Tr("print.no_printer"));
  CounterPrinter* printer = s_.printer;
  const std::string no = receipt_.receipt_no;
  s_.tasks->Post([this, printer, no] {
    PrintOutcome out = printer->PrintReceipt(no, true);
    return [this, out] {
      status_.printer_ok = out.status.ok();
      if (out.status.ok()) {
        Notify(Notice::Level::kSuccess, Tr("print.done"));
      } else {
        Notify(Notice::Level::kError, TrF("print.failed", TrStatus(out.status)));
      }
    };
  });
}

// ---- [SECTION] settings

void CounterModel::SaveSettings() {
  if (!user_ || user_->role != Role::kOwner) return Notify(Notice::Level::kError, Tr("err.owner_only"));
  auto lang = ParseLanguage(settings_.language);
  if (!lang.ok()) return ReportError(lang.status());
  if (!ParseCashRounding(settings_.cash_rounding).ok()) return Notify(Notice::Level::kError, Tr("err.rounding_rule"));
  if (!FindProfile(settings_.printer_profile).ok()) return Notify(Notice::Level::kError, Tr("err.printer_profile"));
  Database& db = *s_.db;
  const std::pair<const char*, std::string> kv[] = {
      {"counter.printer_uri", settings_.printer_uri},
      {"counter.printer_profile", settings_.printer_profile},
      {"counter.scale_port", settings_.scale_port},
      {"counter.scale_protocol", settings_.scale_protocol},
      {"counter.hub_url", settings_.hub_url},
      {"cash_rounding", settings_.cash_rounding},
      {"counter.language", settings_.language},
      {"counter.idle_lock_s", std::to_string(settings_.idle_lock_s)},
  };
  for (const auto& [k, v] : kv) {
    Status st = PutConfig(db, k, v);
    if (!st.ok()) return ReportError(st);
  }
  Lang().SetLanguage(*lang);
  Notify(Notice::Level::kSuccess, Tr("notice.settings_saved"));
  if (!settings_.hub_token.empty()) {
    if (!s_.enroller) {
      Notify(Notice::Level::kInfo, TrF("settings.enrol_cli", settings_.hub_url));
    } else {
      // Enrolment talks to the hub: off the UI thread.
      HubEnroller* enroller = s_.enroller;
      const std::string url = settings_.hub_url, token = settings_.hub_token, ca = settings_.hub_ca_path;
      Notify(Notice::Level::kInfo, Tr("settings.enrolling"));
      s_.tasks->Post([this, enroller, url, token, ca] {
        Status st = enroller->Enroll(url, token, ca);
        return [this, st, url] {
          if (st.ok()) Notify(Notice::Level::kSuccess, TrF("settings.enrolled", url));
          else Notify(Notice::Level::kError, TrF("settings.enrol_failed", TrStatus(st)));
        };
      });
    }
    settings_.hub_token.clear();
  }
  if (on_settings_saved) on_settings_saved(settings_);
}

}  // namespace linli::ui
