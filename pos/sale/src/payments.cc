#include "linli/pos/payments.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "linli/pos/barcode.h"
#include "linli/pos/crypto.h"
#include "linli/pos/files.h"

namespace linli {

// ---- Sandbox -----------------------------------------------------------------

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// What the sandbox keeps of a code: its SHA-256, to tell a repeat from another code.
std::string CodeDigest(const std::string& code) { return HexEncode(Sha256(code)); }

}  // namespace

std::string SandboxStatePath(const std::string& db_path) { return db_path + ".sandbox-pay.json"; }

namespace {
// The network as a shopkeeper names it.
std::string NetworkLabel(const std::string& provider) {
  if (provider == "wechat") return "微信支付";
  if (provider == "alipay") return "支付宝";
  if (provider == "unionpay") return "云闪付";
  return provider;
}
}  // namespace

// ---- RoutingGateway ------------------------------------------------------------

void RoutingGateway::Add(const std::string& provider, PaymentGateway& gateway) {
  std::lock_guard lock(mu_);
  gateways_[provider] = &gateway;
}

bool RoutingGateway::Accepts(const std::string& provider) const {
  std::lock_guard lock(mu_);
  auto it = gateways_.find(provider);
  return it != gateways_.end() && it->second->Accepts(provider);
}

PaymentGateway* RoutingGateway::For(const std::string& attempt_key, std::string* provider) {
  {
    std::lock_guard lock(mu_);
    if (auto it = seen_.find(attempt_key); it != seen_.end()) *provider = it->second;
  }
  if (provider->empty() && provider_of_) *provider = provider_of_(attempt_key);
  std::lock_guard lock(mu_);
  if (!provider->empty()) seen_[attempt_key] = *provider;
  auto it = gateways_.find(*provider);
  return it == gateways_.end() ? nullptr : it->second;
}

GatewayReply RoutingGateway::Pay(const PayRequest& request) {
  PaymentGateway* g = nullptr;
  {
    std::lock_guard lock(mu_);
    seen_[request.attempt_key] = request.provider;
    if (auto it = gateways_.find(request.provider); it != gateways_.end()) g = it->second;
  }
  if (!g) {
    GatewayReply r;
    r.outcome = PayOutcome::kError;
    r.message = request.provider + " is not set up for this store; nothing was sent";
    return r;
  }
  return g->Pay(request);
}

QueryReply RoutingGateway::Query(const std::string& attempt_key) {
  std::string provider;
  if (PaymentGateway* g = For(attempt_key, &provider)) return g->Query(attempt_key);
  return {QueryOutcome::kError, "", "no gateway for network \"" + provider + "\" of attempt " + attempt_key};
}

UndoReply RoutingGateway::Cancel(const std::string& attempt_key) {
  std::string provider;
  if (PaymentGateway* g = For(attempt_key, &provider)) return g->Cancel(attempt_key);
  return {UndoOutcome::kFailed, "no gateway for network \"" + provider + "\" of attempt " + attempt_key};
}

UndoReply RoutingGateway::Reverse(const std::string& attempt_key) {
  std::string provider;
  if (PaymentGateway* g = For(attempt_key, &provider)) return g->Reverse(attempt_key);
  return {UndoOutcome::kFailed, "no gateway for network \"" + provider + "\" of attempt " + attempt_key};
}

UndoReply RoutingGateway::Refund(const std::string& attempt_key, const std::string& refund_key, int64_t amount_fen) {
  std::string provider;
  if (PaymentGateway* g = For(attempt_key, &provider)) return g->Refund(attempt_key, refund_key, amount_fen);
  return {UndoOutcome::kFailed, "no gateway for network \"" + provider + "\" of attempt " + attempt_key};
}

// For one call: the state file locked, read into entries_ and next_ref_, and
// written back when the call is done. With no state file it does nothing.
class SandboxGateway::Shared {
 public:
  explicit Shared(SandboxGateway& g) : g_(g) {
    if (g_.state_file_.empty()) return;
    auto lock = FileLock::Acquire(g_.state_file_ + ".lock");
    if (!lock.ok()) {
      error_ = lock.status().message();
      return;
    }
    lock_.emplace(std::move(lock).value());
    auto text = ReadFileIfExists(g_.state_file_);
    if (!text.ok()) {
      error_ = text.status().message();
      return;
    }
    g_.entries_.clear();
    g_.next_ref_ = 1;
    if (!*text) return;  // a new file
    try {
      const nlohmann::json j = nlohmann::json::parse(**text);
      g_.next_ref_ = j.at("next_ref").get<int64_t>();
      for (const auto& [key, v] : j.at("entries").items()) {
        Entry e;
        e.code = v.at("code_sha256").get<std::string>();
        e.amount_fen = v.at("amount_fen").get<int64_t>();
        const std::string digit = v.at("digit").get<std::string>();
        e.digit = digit.size() == 1 ? digit[0] : '?';
        e.seen = v.at("seen").get<bool>();
        e.taken = v.at("taken").get<bool>();
        e.undone = v.at("undone").get<bool>();
        e.reason = static_cast<DeclineReason>(v.at("reason").get<int>());
        e.gateway_ref = v.at("gateway_ref").get<std::string>();
        e.refunded_fen = v.at("refunded_fen").get<int64_t>();
        for (const auto& [rk, amount] : v.at("refunds").items()) e.refunds[rk] = amount.get<int64_t>();
        g_.entries_[key] = std::move(e);
      }
    } catch (const nlohmann::json::exception& e) {
      error_ = "the sandbox state file " + g_.state_file_ + " is not readable (" + e.what() +
               "); move it aside to start the sandbox afresh";
    }
  }
  ~Shared() {
    if (!lock_ || !error_.empty()) return;
    nlohmann::json entries = nlohmann::json::object();
    for (const auto& [key, e] : g_.entries_) {
      entries[key] = {{"code_sha256", e.code},     {"amount_fen", e.amount_fen},
                      {"digit", std::string(1, e.digit)}, {"seen", e.seen},
                      {"taken", e.taken},          {"undone", e.undone},
                      {"reason", static_cast<int>(e.reason)}, {"gateway_ref", e.gateway_ref},
                      {"refunded_fen", e.refunded_fen}, {"refunds", e.refunds}};
    }
    const nlohmann::json j = {{"next_ref", g_.next_ref_}, {"entries", std::move(entries)}};
    (void)ReplaceFile(g_.state_file_, j.dump(), 0600);  // see the class comment: a lost write forgets the call
  }
  Shared(const Shared&) = delete;
  Shared& operator=(const Shared&) = delete;
  const std::string& error() const { return error_; }

 private:
  SandboxGateway& g_;
  std::optional<FileLock> lock_;
  std::string error_;
};

void SandboxGateway::SetOffline(bool offline) {
  std::lock_guard<std::mutex> lock(mu_);
  offline_ = offline;
}

GatewayReply SandboxGateway::Pay(const PayRequest& request) {
  std::lock_guard<std::mutex> lock(mu_);
  GatewayReply reply;
  if (offline_) {
    reply.outcome = PayOutcome::kUnavailable;
    reply.message = "sandbox: offline";
    return reply;
  }
  Shared shared(*this);
  if (!shared.error().empty()) {
    reply.outcome = PayOutcome::kUnavailable;
    reply.message = "sandbox: " + shared.error();
    return reply;
  }
  if (request.attempt_key.empty() || request.code.empty() || !IsDigit(request.code.back()) ||
      request.amount_fen <= 0) {
    reply.outcome = PayOutcome::kError;
    reply.message = "sandbox: a request needs an attempt key, a code ending in a digit and an amount > 0";
    return reply;
  }

  auto it = entries_.find(request.attempt_key);
  if (it == entries_.end()) {
    // First sight of this key: decide its fate from the last digit, once.
    Entry e;
    e.code = CodeDigest(request.code);
    e.amount_fen = request.amount_fen;
    e.digit = request.code.back();
    e.seen = e.digit != '9';  // 9: the request is lost on the way
    e.taken = (e.digit >= '0' && e.digit <= '5') || e.digit == '8';
    if (e.digit == '6') e.reason = DeclineReason::kInsufficientFunds;
    if (e.digit == '7') e.reason = DeclineReason::kCodeExpired;
    if (e.taken) {
      char ref[32];
      std::snprintf(ref, sizeof ref, "SBX%06lld", static_cast<long long>(next_ref_++));
      e.gateway_ref = ref;
    }
    it = entries_.emplace(request.attempt_key, std::move(e)).first;
    if (it->second.digit == '8' || it->second.digit == '9') {
      reply.outcome = PayOutcome::kTimeout;
      reply.message = "sandbox: timed out";
      return reply;
    }
  }

  // A repeat (or the first reply for digits 0–7): answer about what happened.
  const Entry& e = it->second;
  if (e.code.empty() && e.undone) {
    reply.outcome = PayOutcome::kDeclined;
    reply.message = "sandbox: this attempt was cancelled before it arrived";
    return reply;
  }
  if (e.code != CodeDigest(request.code) || e.amount_fen != request.amount_fen) {
    reply.outcome = PayOutcome::kError;
    reply.message = "sandbox: attempt key reused for a different code or amount";
    return reply;
  }
  if (e.undone) {
    reply.outcome = PayOutcome::kDeclined;
    reply.message = "sandbox: this attempt was cancelled";
  } else if (!e.seen) {
    reply.outcome = PayOutcome::kTimeout;  // digit 9: lost again
    reply.message = "sandbox: timed out";
  } else if (e.taken) {
    reply.outcome = PayOutcome::kApproved;
    reply.gateway_ref = e.gateway_ref;
    reply.message = "sandbox: approved";
  } else {
    reply.outcome = PayOutcome::kDeclined;
    reply.reason = e.reason;
    reply.message = e.reason == DeclineReason::kInsufficientFunds ? "sandbox: insufficient funds"
                                                                 : "sandbox: payment code expired";
  }
  return reply;
}

QueryReply SandboxGateway::Query(const std::string& attempt_key) {
  std::lock_guard<std::mutex> lock(mu_);
  QueryReply reply;
  if (offline_) {
    reply.outcome = QueryOutcome::kUnavailable;
    reply.message = "sandbox: offline";
    return reply;
  }
  Shared shared(*this);
  if (!shared.error().empty()) {
    reply.outcome = QueryOutcome::kUnavailable;
    reply.message = "sandbox: " + shared.error();
    return reply;
  }
  auto it = entries_.find(attempt_key);
  if (it != entries_.end() && it->second.undone) {
    reply.outcome = QueryOutcome::kDeclined;
    reply.message = "sandbox: cancelled";
  } else if (it == entries_.end() || !it->second.seen) {
    reply.outcome = QueryOutcome::kNotFound;
    reply.message = "sandbox: no such attempt";
  } else if (it->second.taken) {
    reply.outcome = QueryOutcome::kApproved;
    reply.gateway_ref = it->second.gateway_ref;
    reply.message = "sandbox: approved";
  } else {
    reply.outcome = QueryOutcome::kDeclined;
    reply.message = "sandbox: declined";
  }
  return reply;
}

UndoReply SandboxGateway::Undo(const std::string& attempt_key, const char* what) {
  std::lock_guard<std::mutex> lock(mu_);
  UndoReply reply;
  if (offline_) {
    reply.outcome = UndoOutcome::kUnavailable;
    reply.message = "sandbox: offline";
    return reply;
  }
  Shared shared(*this);
  if (!shared.error().empty()) {
    reply.outcome = UndoOutcome::kUnavailable;
    reply.message = "sandbox: " + shared.error();
    return reply;
  }
  Entry& e = entries_[attempt_key];  // an unseen key is closed, so a late Pay is refused
  e.undone = true;
  reply.outcome = UndoOutcome::kDone;
  reply.message = std::string("sandbox: ") + what + (e.taken ? ", money returned" : ", nothing was taken");
  return reply;
}

UndoReply SandboxGateway::Cancel(const std::string& attempt_key) { return Undo(attempt_key, "cancelled"); }
UndoReply SandboxGateway::Reverse(const std::string& attempt_key) { return Undo(attempt_key, "reversed"); }

UndoReply SandboxGateway::Refund(const std::string& attempt_key, const std::string& refund_key,
                                 int64_t amount_fen) {
  std::lock_guard<std::mutex> lock(mu_);
  UndoReply reply;
  if (offline_) {
    reply.outcome = UndoOutcome::kUnavailable;
    reply.message = "sandbox: offline";
    return reply;
  }
  Shared shared(*this);
  if (!shared.error().empty()) {
    reply.outcome = UndoOutcome::kUnavailable;
    reply.message = "sandbox: " + shared.error();
    return reply;
  }
  auto it = entries_.find(attempt_key);
  if (it == entries_.end() || !it->second.taken || it->second.undone) {
    reply.message = "sandbox: no approved payment " + attempt_key + " to refund";
    return reply;
  }
  Entry& e = it->second;
  if (auto r = e.refunds.find(refund_key); r != e.refunds.end()) {
    // The same refund again: answer about the first one, refund once.
    reply.outcome = r->second == amount_fen ? UndoOutcome::kDone : UndoOutcome::kFailed;
    reply.message = "sandbox: refund " + refund_key + " already done";
    return reply;
  }
  if (amount_fen <= 0 || e.refunded_fen + amount_fen > e.amount_fen) {
    reply.message = "sandbox: refund exceeds what was paid";
    return reply;
  }
  e.refunded_fen += amount_fen;
  e.refunds[refund_key] = amount_fen;
  reply.outcome = UndoOutcome::kDone;
  reply.message = "sandbox: refunded";
  return reply;
}

// ---- Service -----------------------------------------------------------------

namespace {

// last_error tokens for declines the till explains in its own words.
constexpr char kOfflineError[] = "offline";
constexpr char kInsufficientFundsError[] = "insufficient_funds";
constexpr char kCodeExpiredError[] = "code_expired";
constexpr char kCodeInvalidError[] = "code_invalid";
constexpr char kNotFoundError[] = "not_found";

constexpr char kSelectAttempt[] =
    "SELECT id, attempt_key, sale_uuid, provider, code_masked, amount_fen, state, gateway_ref, "
    "last_error, created_at, updated_at FROM payment_attempts ";

AttemptState ParseState(const std::string& s) {
  if (s == "approved") return AttemptState::kApproved;
  if (s == "declined") return AttemptState::kDeclined;
  if (s == "unknown") return AttemptState::kUnknown;
  if (s == "cancelled") return AttemptState::kCancelled;
  if (s == "reversed") return AttemptState::kReversed;
  return AttemptState::kPending;  // the CHECK constraint allows nothing else
}

PaymentAttempt ReadAttempt(const Statement& s) {
  PaymentAttempt a;
  a.id = s.Int(0);
  a.attempt_key = s.Text(1);
  a.sale_uuid = s.Text(2);
  a.provider = s.Text(3);
  a.code_masked = s.Text(4);
  a.amount_fen = s.Int(5);
  a.state = ParseState(s.Text(6));
  a.gateway_ref = s.OptText(7).value_or("");
  a.last_error = s.OptText(8).value_or("");
  a.created_at = s.Text(9);
  a.updated_at = s.Text(10);
  return a;
}

std::optional<PaymentAttempt> LoadAttempt(Database& db, const std::string& key) {
  Statement& s = db.Cached(
      "SELECT id, attempt_key, sale_uuid, provider, code_masked, amount_fen, state, gateway_ref, "
      "last_error, created_at, updated_at FROM payment_attempts WHERE attempt_key = ?");
  s.Bind(1, key);
  std::optional<PaymentAttempt> a;
  if (s.Step()) a = ReadAttempt(s);
  s.Reset();
  return a;
}

// Moves an attempt to `state` in its own transaction. Throws DbError.
void Record(Database& db, const std::string& key, AttemptState state,
            const std::optional<std::string>& gateway_ref, const std::string& last_error,
            const std::string& now) {
  Transaction txn(db);
  db.Cached(
        "UPDATE payment_attempts SET state = ?, gateway_ref = COALESCE(?, gateway_ref), "
        "last_error = ?, updated_at = ? WHERE attempt_key = ?")
      .Bind(1, AttemptStateName(state))
      .Bind(2, gateway_ref)
      .Bind(3, last_error.empty() ? std::optional<std::string>() : std::optional<std::string>(last_error))
      .Bind(4, now)
      .Bind(5, key)
      .Run();
  txn.Commit();
}

// The till's view of a stored attempt. Built only from the row, so PayByCode
// and every later Resolve say the same thing about the same attempt.
PaymentResult ToResult(const PaymentAttempt& a) {
  PaymentResult r;
  r.attempt_key = a.attempt_key;
  r.provider = a.provider;
  r.amount_fen = a.amount_fen;
  r.gateway_ref = a.gateway_ref;
  switch (a.state) {
    case AttemptState::kApproved:
      r.outcome = PaymentOutcome::kApproved;
      r.message = "支付成功 / approved";
      break;
    case AttemptState::kDeclined:
      r.outcome = PaymentOutcome::kDeclined;
      if (a.last_error == kOfflineError) {
        r.outcome = PaymentOutcome::kOffline;
        r.message = "支付平台连不上，未扣款，请改用现金或其他方式 / payment gateway offline, nothing taken: "
                    "take cash or another tender";
      } else if (a.last_error == kInsufficientFundsError) {
        r.message = "顾客余额不足 / declined: insufficient funds";
      } else if (a.last_error == kCodeExpiredError) {
        r.message = "付款码已过期，请顾客刷新后重扫 / declined: payment code expired, ask the customer to "
                    "refresh it and scan again";
      } else if (a.last_error == kCodeInvalidError) {
        r.message = "付款码无效 / declined: invalid payment code";
      } else if (a.last_error == kNotFoundError) {
        r.message = "支付未完成，未扣款 / declined: the payment did not go through, nothing was taken";
      } else {
        r.message = "支付未成功：" + a.last_error + " / declined: " + a.last_error;
      }
      break;
    case AttemptState::kPending:
    case AttemptState::kUnknown:
      r.outcome = PaymentOutcome::kUnknown;
      r.message = "支付结果未知，正在查询，请勿让顾客重复付款 / result unknown: check again (resolve); do not "
                  "ask the customer to pay again";
      break;
    case AttemptState::kCancelled:
      r.outcome = PaymentOutcome::kCancelled;
      r.message = "已撤销 / cancelled";
      break;
    case AttemptState::kReversed:
      r.outcome = PaymentOutcome::kReversed;
      r.message = "已冲正 / reversed";
      break;
  }
  return r;
}

std::string NotFoundMessage(const std::string& key) {
  return "没有这笔付款记录 / no payment attempt " + key;
}

}  // namespace

const char* AttemptStateName(AttemptState s) {
  switch (s) {
    case AttemptState::kPending: return "pending";
    case AttemptState::kApproved: return "approved";
    case AttemptState::kDeclined: return "declined";
    case AttemptState::kUnknown: return "unknown";
    case AttemptState::kCancelled: return "cancelled";
    case AttemptState::kReversed: return "reversed";
  }
  return "pending";
}

std::string MaskPaymentCode(const std::string& code) {
  if (code.size() <= 8) return std::string(code.size(), '*');
  return code.substr(0, 4) + std::string(code.size() - 8, '*') + code.substr(code.size() - 4);
}

PaymentService::PaymentService(Database& db, PaymentGateway& gateway, const Clock& clock)
    : db_(db), gateway_(gateway), clock_(clock) {}

Result<PaymentResult> PaymentService::PayByCode(const std::string& sale_uuid, const std::string& code,
                                                int64_t amount_fen) {
  if (sale_uuid.empty()) return Status::InvalidArgument("payment needs a sale id");
  if (amount_fen <= 0) {
    return Status::InvalidArgument("付款金额必须大于零 / the amount to pay must be more than 0 fen, got " +
                                   std::to_string(amount_fen));
  }
  // The cashier chose "pay by code", so store label layouts do not apply here.
  const BarcodeClass c = ClassifyBarcode(code, {});
  if (c.kind != BarcodeKind::kPaymentCode) {
    return Status::InvalidArgument("“" + c.code + "”不是付款码，请顾客出示微信/支付宝/云闪付付款码 / \"" +
                                   c.code +
                                   "\" is not a payment code: scan the WeChat Pay, Alipay or UnionPay "
                                   "code on the customer's phone").WithKey("pos.not_payment_code", {{"code", c.code}});
  }

  if (!gateway_.Accepts(c.provider)) {
    return Status::FailedPrecondition("本店没有开通" + NetworkLabel(c.provider) + "，请用其他方式付款 / " +
                                      c.provider + " payments are not set up for this store; take another tender")
        .WithKey("pos.pay.not_set_up", {{"provider", NetworkLabel(c.provider)}});
  }

  // 1. Commit the attempt before anything is sent.
  const int64_t now_ms = clock_.NowMs();
  const std::string key = NewUuidV7(now_ms);
  Status st = Guard([&]() -> Status {
    Transaction txn(db_);
    Statement& open = db_.Cached(
        "SELECT attempt_key FROM payment_attempts WHERE sale_uuid = ? AND state IN ('pending', 'unknown') "
        "ORDER BY id LIMIT 1");
    open.Bind(1, sale_uuid);
    if (open.Step()) {
      std::string other = open.Text(0);
      open.Reset();
      return Status::FailedPrecondition("这笔交易还有一笔付款结果未知，请先查询 / sale " + sale_uuid +
                                        " has a payment with an unknown result (" + other +
                                        "): resolve it before taking another, or the customer may pay twice");
    }
    open.Reset();
    const std::string now = FormatUtc(now_ms);
    db_.Cached(
          "INSERT INTO payment_attempts (attempt_key, sale_uuid, provider, code_masked, amount_fen, state, "
          "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)")
        .Bind(1, key)
        .Bind(2, sale_uuid)
        .Bind(3, c.provider)
        .Bind(4, MaskPaymentCode(c.code))
        .Bind(5, amount_fen)
        .Bind(6, now)
        .Bind(7, now)
        .Run();
    txn.Commit();
    return Status::Ok();
  });
  LINLI_RETURN_IF_ERROR(st);

  // 2. Send it, once. From here on the row exists whatever happens.
  PayRequest request;
  request.attempt_key = key;
  request.provider = c.provider;
  request.code = c.code;
  request.amount_fen = amount_fen;
  request.description = "linli sale " + sale_uuid;
  const GatewayReply reply = gateway_.Pay(request);

  // 3. Record the reply.
  AttemptState state = AttemptState::kUnknown;
  std::optional<std::string> ref;
  std::string error;
  switch (reply.outcome) {
    case PayOutcome::kApproved:
      state = AttemptState::kApproved;
      ref = reply.gateway_ref;
      break;
    case PayOutcome::kDeclined:
      state = AttemptState::kDeclined;
      switch (reply.reason) {
        case DeclineReason::kInsufficientFunds: error = kInsufficientFundsError; break;
        case DeclineReason::kCodeExpired: error = kCodeExpiredError; break;
        case DeclineReason::kCodeInvalid: error = kCodeInvalidError; break;
        case DeclineReason::kOther: error = reply.message.empty() ? "declined" : reply.message; break;
      }
      break;
    case PayOutcome::kTimeout:
      state = AttemptState::kUnknown;
      error = "timeout";
      break;
    case PayOutcome::kUnavailable:
      state = AttemptState::kDeclined;
      error = kOfflineError;
      break;
    case PayOutcome::kError:
      state = AttemptState::kDeclined;
      error = "gateway error: " + (reply.message.empty() ? std::string("no message") : reply.message);
      break;
  }
  std::optional<PaymentResult> result;
  st = Guard([&]() -> Status {
    Record(db_, key, state, ref, error, FormatUtc(clock_.NowMs()));
    std::optional<PaymentAttempt> a = LoadAttempt(db_, key);
    if (!a) return Status::NotFound(NotFoundMessage(key));
    result = ToResult(*a);
    return Status::Ok();
  });
  if (!st.ok()) {
    // The reply is lost with the write; the row is still pending and Resolve
    // will find the truth. Say so, keeping the database's own words.
    return Status::Unavailable("付款结果未能保存，请先查询这笔付款 / could not save the payment result (" +
                               st.message() + "): resolve attempt " + key + " before taking another payment");
  }
  return *result;
}

Result<PaymentResult> PaymentService::Resolve(const std::string& attempt_key) {
  std::optional<PaymentAttempt> a;
  LINLI_RETURN_IF_ERROR(Guard([&] { a = LoadAttempt(db_, attempt_key); }));
  if (!a) return Status::NotFound(NotFoundMessage(attempt_key));
  if (a->state != AttemptState::kPending && a->state != AttemptState::kUnknown) return ToResult(*a);

  const QueryReply reply = gateway_.Query(attempt_key);
  AttemptState state = AttemptState::kUnknown;
  std::optional<std::string> ref;
  std::string error;
  switch (reply.outcome) {
    case QueryOutcome::kApproved:
      state = AttemptState::kApproved;
      ref = reply.gateway_ref;
      break;
    case QueryOutcome::kDeclined:
      state = AttemptState::kDeclined;
      error = reply.message.empty() ? "declined" : reply.message;
      break;
    case QueryOutcome::kNotFound:
      state = AttemptState::kDeclined;
      error = kNotFoundError;
      break;
    case QueryOutcome::kPending:
      error = "query: still in progress";
      break;
    case QueryOutcome::kUnavailable:
      error = "query: gateway unreachable";
      break;
    case QueryOutcome::kError:
      error = "query: " + reply.message;
      break;
  }
  Status st = Guard([&] {
    Record(db_, attempt_key, state, ref, error, FormatUtc(clock_.NowMs()));
    a = LoadAttempt(db_, attempt_key);
  });
  LINLI_RETURN_IF_ERROR(st);
  if (!a) return Status::NotFound(NotFoundMessage(attempt_key));
  return ToResult(*a);
}

Result<std::vector<PaymentAttempt>> PaymentService::Unresolved() {
  std::vector<PaymentAttempt> out;
  Status st = Guard([&] {
    Statement s = db_.Prepare(std::string(kSelectAttempt) + "WHERE state IN ('pending', 'unknown') ORDER BY id");
    while (s.Step()) out.push_back(ReadAttempt(s));
  });
  LINLI_RETURN_IF_ERROR(st);
  return out;
}

Result<PaymentAttempt> PaymentService::Find(const std::string& attempt_key) {
  std::optional<PaymentAttempt> a;
  LINLI_RETURN_IF_ERROR(Guard([&] { a = LoadAttempt(db_, attempt_key); }));
  if (!a) return Status::NotFound(NotFoundMessage(attempt_key));
  return *a;
}

Status PaymentService::CancelOrReverse(const std::string& attempt_key) {
  std::optional<PaymentAttempt> a;
  std::optional<std::string> receipt_no;
  LINLI_RETURN_IF_ERROR(Guard([&] {
    a = LoadAttempt(db_, attempt_key);
    if (!a) return;
    Statement& s = db_.Cached(
        "SELECT s.receipt_no FROM sale_tenders t JOIN sales s ON s.id = t.sale_id "
        "WHERE t.payment_attempt_id = ? LIMIT 1");
    s.Bind(1, a->id);
    if (s.Step()) receipt_no = s.Text(0);
    s.Reset();
  }));
  if (!a) return Status::NotFound(NotFoundMessage(attempt_key));

  switch (a->state) {
    case AttemptState::kCancelled:
    case AttemptState::kReversed:
      return Status::Ok();
    case AttemptState::kDeclined:
      return Status::FailedPrecondition("这笔付款未成功，无需撤销 / attempt " + attempt_key +
                                        " was declined: nothing to cancel");
    case AttemptState::kPending:
    case AttemptState::kUnknown:
    case AttemptState::kApproved:
      break;
  }
  if (receipt_no) {
    return Status::FailedPrecondition("这笔付款属于已完成的交易 " + *receipt_no + "，请走退货 / attempt " +
                                      attempt_key + " paid for completed sale " + *receipt_no +
                                      ": refund the sale instead");
  }

  const bool reverse = a->provider == "unionpay";
  const UndoReply reply = reverse ? gateway_.Reverse(attempt_key) : gateway_.Cancel(attempt_key);
  const std::string now = FormatUtc(clock_.NowMs());
  if (reply.outcome == UndoOutcome::kDone) {
    return Guard([&] {
      Record(db_, attempt_key, reverse ? AttemptState::kReversed : AttemptState::kCancelled, std::nullopt,
             a->last_error, now);
    });
  }

  // Keep the state; remember why, and tell the cashier what to do.
  const bool unreachable = reply.outcome == UndoOutcome::kUnavailable;
  const std::string error = std::string(reverse ? "reverse" : "cancel") + " failed: " +
                            (reply.message.empty() ? std::string("no reason given") : reply.message);
  LINLI_RETURN_IF_ERROR(Guard([&] { Record(db_, attempt_key, a->state, std::nullopt, error, now); }));
  if (unreachable) {
    return Status::Unavailable("支付平台连不上，撤销未完成，请联网后重试 / could not reach the payment gateway to " +
                               std::string(reverse ? "reverse" : "cancel") + " attempt " + attempt_key +
                               ": try again when the network is back");
  }
  return Status::FailedPrecondition("撤销被拒绝，请在商户后台为顾客退款 / the gateway refused to " +
                                    std::string(reverse ? "reverse" : "cancel") + " attempt " + attempt_key +
                                    " (" + reply.message + "): refund the customer from the merchant portal");
}

}  // namespace linli
