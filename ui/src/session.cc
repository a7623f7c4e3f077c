// [SECTION] index
//   names · start and tick · screens · user · cart · notices · background
//   work · printer · prompt and approval
#include "linli/ui/session.h"

#include <algorithm>

#include "linli/pos/receipt.h"
#include "linli/pos/store.h"
#include "linli/pos/store_config.h"
#include "linli/ui/format.h"
#include "model_helpers.h"

namespace linli::ui {
namespace {

// Config values the counter keeps in store_config.
std::string Config(Database& db, const std::string& key, const std::string& fallback) {
  try {
    return GetConfig(db, key).value_or(fallback);
  } catch (const DbError&) {
    return fallback;
  }
}

}  // namespace

// ---- [SECTION] names

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
    case Screen::kMembers: return "members";
    case Screen::kQuickKeys: return "quickkeys";
    case Screen::kManage: return "manage";
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

// ---- [SECTION] start and tick

CounterSession::CounterSession(CounterServices services) : s_(services) {}
CounterSession::~CounterSession() = default;

Status CounterSession::LoadSettings() {
  Database& db = *s_.db;
  auto info = LoadStoreInfo(db);
  if (!info.ok()) return info.status();
  store_name_ = info->name;
  time_zone_ = info->timezone;
  if (auto layouts = LoadScaleLayouts(db); layouts.ok()) layouts_ = *layouts;
  if (checkout_) checkout_->SetMergeRescans(Config(db, "counter.merge_rescan", "1") != "0");
  settings_.printer_uri = Config(db, "counter.printer_uri", "");
  settings_.printer_profile = Config(db, "counter.printer_profile", "generic58");
  settings_.scale_port = Config(db, "counter.scale_port", "");
  settings_.scale_protocol = Config(db, "counter.scale_protocol", "continuous-st");
  settings_.hub_url = Config(db, "counter.hub_url", "");
  if (settings_.hub_url.empty()) {
    // Enrolled from the CLI (linli enroll): show the hub the till syncs with.
    (void)Guard([&] {
      Statement q = db.Prepare("SELECT hub_url FROM sync_state WHERE id = 1 AND enrolled = 1");
      if (q.Step()) settings_.hub_url = q.Text(0);
    });
  }
  settings_.cash_rounding = Config(db, "cash_rounding", "none");
  settings_.language = Config(db, "counter.language", "zh_CN");
  settings_.idle_lock_s = std::max(30, std::atoi(Config(db, "counter.idle_lock_s", "300").c_str()));
  auto bound = [&](const char* key, int64_t fallback) {
    const int64_t v = std::atoll(Config(db, key, std::to_string(fallback)).c_str());
    return v > 0 ? v : fallback;
  };
  settings_.confirm_cash_over_fen = bound("counter.confirm_cash_over_fen", settings_.confirm_cash_over_fen);
  settings_.confirm_qty_over = bound("counter.confirm_qty_over", settings_.confirm_qty_over);
  settings_.confirm_weight_over_g = bound("counter.confirm_weight_over_g", settings_.confirm_weight_over_g);
  settings_.merge_rescan = Config(db, "counter.merge_rescan", "1") != "0";
  if (auto keys = ParseQuickKeys(Config(db, kQuickKeysKey, "")); keys.ok()) {
    settings_.quick_keys = *keys;
  } else {
    Notify(Notice::Level::kError, TrF("notice.quick_keys_bad", keys.status().message()));
  }
  if (auto lang = ParseLanguage(settings_.language); lang.ok()) Lang().SetLanguage(*lang);
  return Status::Ok();
}

Status CounterSession::Start() {
  if (!s_.db || !s_.clock || !s_.tasks) return Status::InvalidArgument("counter services missing");
  if (Status st = LoadSettings(); !st.ok()) return st;
  catalog_ = std::make_unique<Catalog>(*s_.db);
  if (s_.gateway) payments_ = std::make_unique<PaymentService>(*s_.db, *s_.gateway, *s_.clock);

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
  return Status::Ok();
}

void CounterSession::Tick() {
  if (s_.hub_tasks && s_.hub_tasks != s_.tasks) s_.hub_tasks->RunPending();
  const int64_t now = s_.clock->NowMs();
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

void CounterSession::Touch() { last_activity_ms_ = s_.clock->NowMs(); }

// ---- [SECTION] screens

void CounterSession::Attach(Screen s, ScreenModel* model) { models_[static_cast<size_t>(s)] = model; }

void CounterSession::Show(Screen s) {
  Touch();
  if (!user_ && s != Screen::kSignIn) return;
  if (busy_ && s != screen_) {
    Notify(Notice::Level::kInfo, Tr("notice.busy"));
    return;
  }
  if (ScreenModel* to = models_[static_cast<size_t>(s)]; to && !to->OnShow()) return;
  if (ScreenModel* from = models_[static_cast<size_t>(screen_)]; from && s != screen_) from->OnLeave();
  screen_ = s;
}

// ---- [SECTION] user

void CounterSession::SignIn(const User& u) {
  user_ = u;
  checkout_ = std::make_unique<Checkout>(*s_.db, *s_.clock, *user_, payments_.get());
  Status st = checkout_->Init();
  if (!st.ok()) ReportError(st);
  checkout_->SetMergeRescans(settings_.merge_rescan);
  cart_.rows.clear();
  cart_.priced = PricedCart{};
  cart_.remaining_fen = 0;
  cart_.last_line = cart_.selected_line = 0;
}

void CounterSession::SignOut() {
  if (!cart_empty()) {
    Notify(Notice::Level::kError, Tr("err.sign_out_with_cart"));
    return;
  }
  user_.reset();
  checkout_.reset();
  for (ScreenModel* m : models_) {
    if (m) m->OnSignOut();
  }
  screen_ = Screen::kSignIn;
}

bool CounterSession::NeedsManager() const { return !user_ || user_->role == Role::kCashier; }

// ---- [SECTION] cart

void CounterSession::RefreshCart() {
  cart_.rows.clear();
  cart_.promotions.clear();
  cart_.priced = PricedCart{};
  cart_.remaining_fen = 0;
  if (!checkout_) return;
  auto priced = checkout_->Price();
  if (!priced.ok()) {
    ReportError(priced.status());
    return;
  }
  cart_.priced = *priced;
  cart_.promotions = cart_.priced.promotions;
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
    for (const PricedLine& p : cart_.priced.lines) {
      if (p.line_no != l.line_no) continue;
      r.gross_fen = p.gross_fen;
      r.discount_fen = p.discount_fen;
      r.total_fen = p.total_fen;
    }
    cart_.rows.push_back(std::move(r));
  }
  auto rem = checkout_->RemainingFen();
  cart_.remaining_fen = rem.ok() ? *rem : cart_.priced.total_fen;
  if (!cart_.rows.empty() && !selected_row()) cart_.selected_line = cart_.rows.back().line_no;
}

void CounterSession::AfterCartChange(int added_line) {
  if (added_line > 0) {
    cart_.last_line = added_line;
    cart_.selected_line = added_line;
  }
  RefreshCart();
}

void CounterSession::ForgetSaleDetails() {
  cart_.member_phone.clear();
  cart_.last_line = 0;
}

const CartRow* CounterSession::last_row() const {
  for (const CartRow& r : cart_.rows) {
    if (r.line_no == cart_.last_line) return &r;
  }
  return cart_.rows.empty() ? nullptr : &cart_.rows.back();
}

const CartRow* CounterSession::selected_row() const {
  for (const CartRow& r : cart_.rows) {
    if (r.line_no == cart_.selected_line) return &r;
  }
  return nullptr;
}

// ---- [SECTION] notices

void CounterSession::Notify(Notice::Level level, std::string text) {
  notices_.push_back({level, std::move(text), s_.clock->NowMs(), {}, screen_});
  if (notices_.size() > 4) notices_.erase(notices_.begin());
}

std::vector<size_t> CounterSession::VisibleNotices() const {
  std::vector<size_t> out;
  for (size_t i = 0; i < notices_.size(); ++i) {
    if (notices_[i].level != Notice::Level::kError || notices_[i].screen == screen_) out.push_back(i);
  }
  return out;
}

void CounterSession::NotifyUnknownCode(const std::string& code) {
  notices_.push_back({Notice::Level::kError, TrF("err.unknown_barcode", code), s_.clock->NowMs(), code, screen_});
}

void CounterSession::ForgetUnknownCode(const std::string& code) {
  std::erase_if(notices_, [&](const Notice& n) { return n.unknown_code == code; });
}

void CounterSession::DismissNotice(size_t i) {
  if (i < notices_.size()) notices_.erase(notices_.begin() + static_cast<std::ptrdiff_t>(i));
}

void CounterSession::ReportError(const Status& s, std::string_view context_key) {
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

// ---- [SECTION] background work

void CounterSession::RunTask(Task task) {
  busy_ = true;
  s_.tasks->Post([this, task = std::move(task)] {
    Continuation then = task();
    return [this, then = std::move(then)] {
      busy_ = false;
      if (then) then();
    };
  });
}

void CounterSession::Post(Task task) { s_.tasks->Post(std::move(task)); }

void CounterSession::PostHub(Task task) { (s_.hub_tasks ? s_.hub_tasks : s_.tasks)->Post(std::move(task)); }

// ---- [SECTION] printer

int CounterSession::receipt_columns() const { return s_.printer ? s_.printer->columns() : kReceiptColumns58; }

void CounterSession::PrintCommitted(const CommittedSale& sale, std::function<void(const std::string&)> on_status) {
  // Only after COMMIT: the receipt prints and the drawer opens (DESIGN §5).
  if (!s_.printer) {
    if (on_status) on_status(Tr("print.no_printer"));
    return;
  }
  CounterPrinter* printer = s_.printer;
  if (on_status) on_status(Tr("print.printing"));
  Post([this, printer, sale, on_status] {
    SalePrintOutcome out = printer->PrintSale(sale);
    return [this, out, on_status] {
      const Status& st = out.receipt.status;
      status_.printer_ok = st.ok();
      status_.printer = st.ok() ? Tr("status.printer_ready") : TrStatus(st);
      if (on_status) on_status(st.ok() ? Tr("print.done") : TrF("print.failed", TrStatus(st)));
      if (!st.ok()) Notify(Notice::Level::kError, TrF("print.failed", TrStatus(st)));
    };
  });
}

void CounterSession::PrintText(const std::string& text) {
  if (!s_.printer) return Notify(Notice::Level::kInfo, Tr("print.no_printer"));
  CounterPrinter* printer = s_.printer;
  Post([this, printer, text] {
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

// ---- [SECTION] prompt and approval

void CounterSession::OpenPrompt(PromptKind kind, std::string title_key, std::string hint_key, std::string initial) {
  prompt_ = Prompt{};
  prompt_.kind = kind;
  prompt_.title = Tr(title_key);
  prompt_.hint = Tr(hint_key);
  prompt_.input = std::move(initial);
  prompt_.secret = kind == PromptKind::kManagerPin;
}

void CounterSession::RetryPrompt(const Prompt& p, std::string_view error_key) {
  prompt_ = p;
  prompt_.error = Tr(error_key);
}

bool CounterSession::ConfirmedLarge(const Prompt& p, int64_t value, int64_t bound, std::string_view key,
                                    const std::string& shown) {
  if (value <= bound || (!p.confirmed.empty() && p.confirmed == p.input)) return true;
  prompt_ = p;
  prompt_.confirmed = p.input;
  prompt_.error = TrF(key, shown);
  return false;
}

void CounterSession::CancelPrompt() {
  prompt_ = Prompt{};
  approval_action_ = nullptr;
  approval_done_ = nullptr;
}

void CounterSession::WithApproval(Privileged action, std::function<void()> done) {
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

void CounterSession::SubmitApproval(const Prompt& p) {
  if (!approval_action_) return;
  Approval a;
  a.pin = Trim(p.input);
  a.reason = "counter";  // an action with a reason of its own sets it (price override)
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
}

}  // namespace linli::ui
