// Customer payment codes (付款码) at the till: the PaymentGateway interface, a
// deterministic in-process SandboxGateway, and PaymentService, which records
// every attempt in payment_attempts (schema/store/0004_checkout.sql).
//
// The rule this module exists to keep (DESIGN §10 states it for bill payment,
// and it holds here the same way): an attempt is committed to the database,
// with its idempotency key, BEFORE the request leaves the till. A timeout or a
// crash therefore leaves a row in 'pending' or 'unknown', and that row is
// resolved by asking the gateway (Query), never by sending the payment again
// and never by forgetting it. When the gateway cannot be reached at all, the
// till is told at once so it can offer cash or another tender.
//
// States of a payment_attempts row:
//
//   pending  ──Pay approved──▶ approved ──CancelOrReverse──▶ cancelled | reversed
//     │      ──Pay declined──▶ declined   (also: offline, gateway error)
//     │      ──Pay timeout───▶ unknown ──Resolve──▶ approved | declined
//     └─ (crash before the reply was recorded: Resolve treats it like unknown)
//
// See docs/sandbox-gateway.md for the sandbox's behaviour table.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

// ---- Gateway interface -------------------------------------------------------

// One payment request. attempt_key is the idempotency key: a gateway that sees
// the same key twice must not take the money twice (it answers the second
// time about the first request).
struct PayRequest {
  std::string attempt_key;  // UUIDv7, unique per attempt
  std::string provider;     // "wechat" | "alipay" | "unionpay"
  std::string code;         // the full payment code as scanned; never stored
  int64_t amount_fen = 0;   // > 0
  std::string description;  // shown on the customer's phone
};

enum class PayOutcome {
  kApproved,     // the money was taken; gateway_ref identifies the payment
  kDeclined,     // definitely not taken (see reason)
  kTimeout,      // sent, no definite answer: the money may or may not be taken
  kUnavailable,  // could not be sent at all (offline, DNS, refused connection)
  kError,        // the gateway answered with an error and took nothing
};

// Why a payment was declined, so the till can tell the cashier in plain words.
// Adapters map provider codes (e.g. NOTENOUGH, AUTHCODEEXPIRE) onto these.
enum class DeclineReason {
  kOther,
  kInsufficientFunds,  // 余额不足
  kCodeExpired,        // 付款码已过期 (codes live about a minute)
  kCodeInvalid,        // 付款码无效
};

struct GatewayReply {
  PayOutcome outcome = PayOutcome::kError;
  DeclineReason reason = DeclineReason::kOther;  // for kDeclined
  std::string gateway_ref;                       // for kApproved
  std::string message;                           // the gateway's own words, for logs
};

enum class QueryOutcome {
  kApproved,     // the money was taken
  kDeclined,     // the gateway knows the attempt and took nothing (or undid it)
  kNotFound,     // the gateway never received the attempt: nothing was taken
  kPending,      // still in progress (e.g. the customer is entering a PIN)
  kUnavailable,  // could not ask
  kError,        // asked, got an error: still unknown
};

struct QueryReply {
  QueryOutcome outcome = QueryOutcome::kError;
  std::string gateway_ref;  // for kApproved
  std::string message;
};

enum class UndoOutcome {
  kDone,         // cancelled / reversed; any money taken is on its way back
  kFailed,       // the gateway refused (e.g. past the cancel window)
  kUnavailable,  // could not ask
};

struct UndoReply {
  UndoOutcome outcome = UndoOutcome::kFailed;
  std::string message;
};

// The payment processor, injected so tests and training tills use the sandbox.
//
// Implementations must be thread-safe, must not throw, and must apply their own
// network timeout (reporting kTimeout, never blocking for ever). Every call is
// idempotent per attempt_key. Cancel and Reverse on a key the gateway never saw
// succeed and close the key, so a request that arrives late is refused.
class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;

  virtual GatewayReply Pay(const PayRequest& request) = 0;
  // Status inquiry (查询): what happened to this attempt?
  virtual QueryReply Query(const std::string& attempt_key) = 0;
  // 撤销 (WeChat Pay, Alipay): undo the attempt whatever state it is in.
  virtual UndoReply Cancel(const std::string& attempt_key) = 0;
  // 冲正 (UnionPay): reverse the attempt whatever state it is in.
  virtual UndoReply Reverse(const std::string& attempt_key) = 0;
  // 退款: send amount_fen of an approved payment back to the customer, after
  // its sale was committed. refund_key is the idempotency key: the same key
  // twice refunds once. kFailed when the attempt was not approved or the
  // refunds would exceed what was taken.
  virtual UndoReply Refund(const std::string& attempt_key, const std::string& refund_key,
                           int64_t amount_fen) = 0;
  // Whether this gateway takes codes of `provider` ("wechat", "alipay",
  // "unionpay") at all: false when the store has not set that network up.
  // PaymentService asks before it records an attempt, so a code of a network
  // the store lacks is refused at once and nothing is sent.
  virtual bool Accepts(const std::string& provider) const {
    (void)provider;
    return true;
  }
};

// ---- Routing -------------------------------------------------------------------

// The till's gateway when real networks are set up: each payment goes to the
// gateway of its code's network (PayRequest::provider, from ClassifyBarcode:
// WeChat 10–15, Alipay 25–30), and Query, Cancel, Reverse and Refund go where
// that attempt's Pay went. After a restart the router has not seen the key,
// so `provider_of` (typically a lookup of payment_attempts.provider) names
// it. A network with no gateway is not accepted (Accepts false); a call for
// it answers kError / kFailed naming the network, and sends nothing.
//
// Thread-safe when the gateways and provider_of are.
class RoutingGateway final : public PaymentGateway {
 public:
  explicit RoutingGateway(std::function<std::string(const std::string& attempt_key)> provider_of)
      : provider_of_(std::move(provider_of)) {}
  // Routes `provider`'s payments to `gateway`, which must outlive this.
  void Add(const std::string& provider, PaymentGateway& gateway);

  GatewayReply Pay(const PayRequest& request) override;
  QueryReply Query(const std::string& attempt_key) override;
  UndoReply Cancel(const std::string& attempt_key) override;
  UndoReply Reverse(const std::string& attempt_key) override;
  UndoReply Refund(const std::string& attempt_key, const std::string& refund_key,
                   int64_t amount_fen) override;
  bool Accepts(const std::string& provider) const override;

 private:
  // The gateway for attempt_key's network, or null (and `provider` says which).
  PaymentGateway* For(const std::string& attempt_key, std::string* provider);

  std::function<std::string(const std::string&)> provider_of_;
  mutable std::mutex mu_;
  std::map<std::string, PaymentGateway*> gateways_;  // by provider; guarded by mu_
  std::map<std::string, std::string> seen_;         // attempt_key → provider; guarded by mu_
};

// ---- Sandbox -----------------------------------------------------------------

// A deterministic, in-process gateway for tests, training and demos. It never
// sleeps and never touches the network. What Pay does depends on the LAST
// digit of the payment code:
//
//   0–5  approved
//   6    declined: insufficient funds (kInsufficientFunds)
//   7    declined: code expired (kCodeExpired)
//   8    Pay times out, but the money WAS taken: Query says kApproved
//   9    Pay times out and the request was lost: Query says kNotFound,
//        and a repeated Pay with that key times out again
//
// A code with a non-digit last character gets kError. The sandbox remembers
// each attempt_key: a repeated Pay with the same key answers about the first
// one (it never takes the money twice; for digit 8 the repeat says kApproved),
// and the same key with another code or amount gets kError. Query, Cancel and
// Reverse answer consistently with what Pay did; after Cancel/Reverse, Query
// says kDeclined and a later Pay with that key is declined. gateway_ref is
// "SBX" plus a six-digit serial in order of approval.
//
// SetOffline(true) makes every call answer kUnavailable at once without
// recording anything, as a till without network would see.
//
// Where it remembers. Default-constructed, in memory: one process. Given a
// state file (SandboxStatePath beside the store), in that file: every call
// takes an exclusive lock on FILE.lock, reads the file, answers and writes it
// back (ReplaceFile, mode 0600), so a payment approved by the counter can be
// refunded or voided by `linli refund` in another process, as a real
// gateway's would. The file holds a SHA-256 of each code, never the code. An
// unreadable or malformed file answers kUnavailable (or kError) naming it, and
// a file that cannot be written back leaves the sandbox forgetting that
// call, as a lost answer from a real gateway would.
//
// Thread-safe, and process-safe with a state file.
class SandboxGateway final : public PaymentGateway {
 public:
  SandboxGateway() = default;
  explicit SandboxGateway(std::string state_file) : state_file_(std::move(state_file)) {}

  GatewayReply Pay(const PayRequest& request) override;
  QueryReply Query(const std::string& attempt_key) override;
  UndoReply Cancel(const std::string& attempt_key) override;
  UndoReply Reverse(const std::string& attempt_key) override;
  UndoReply Refund(const std::string& attempt_key, const std::string& refund_key,
                   int64_t amount_fen) override;

  void SetOffline(bool offline);

 private:
  struct Entry {
    std::string code;
    int64_t amount_fen = 0;
    char digit = '0';
    bool seen = false;    // Pay arrived (false for digit 9, or a key first seen by Cancel)
    bool taken = false;   // money taken (approved, or 8 after the timeout)
    bool undone = false;  // cancelled or reversed
    DeclineReason reason = DeclineReason::kOther;
    std::string gateway_ref;
    int64_t refunded_fen = 0;                  // sum of refunds so far
    std::map<std::string, int64_t> refunds;    // refund_key → amount
  };
  UndoReply Undo(const std::string& attempt_key, const char* what);
  class Shared;  // the state file, locked and loaded for one call

  const std::string state_file_;         // empty: memory only
  std::mutex mu_;
  bool offline_ = false;                 // guarded by mu_
  int64_t next_ref_ = 1;                 // guarded by mu_
  std::map<std::string, Entry> entries_; // guarded by mu_; by attempt_key
};

// The sandbox's state file for the store database at `db_path`:
// "DB.sandbox-pay.json".
std::string SandboxStatePath(const std::string& db_path);

// ---- Service -----------------------------------------------------------------

// A stored attempt's state, spelled as in the payment_attempts.state column.
enum class AttemptState { kPending, kApproved, kDeclined, kUnknown, kCancelled, kReversed };
const char* AttemptStateName(AttemptState s);  // "pending", "approved", …

// One payment_attempts row.
struct PaymentAttempt {
  int64_t id = 0;
  std::string attempt_key;
  std::string sale_uuid;
  std::string provider;
  std::string code_masked;  // "1345**********6789": first 4 and last 4 digits
  int64_t amount_fen = 0;
  AttemptState state = AttemptState::kPending;
  std::string gateway_ref;  // empty until approved
  std::string last_error;   // "offline", the gateway's message, …; may be empty
  std::string created_at;
  std::string updated_at;
};

// What the till should do next.
enum class PaymentOutcome {
  kApproved,   // take it as a tender (the only outcome that may be)
  kDeclined,   // tell the customer; another code or another tender
  kUnknown,    // keep the customer; Resolve again. Do NOT ask for a new scan.
  kOffline,    // gateway unreachable, nothing taken: offer other tenders now
  kCancelled,  // undone by CancelOrReverse (撤销)
  kReversed,   // undone by CancelOrReverse (冲正)
};

struct PaymentResult {
  std::string attempt_key;
  PaymentOutcome outcome = PaymentOutcome::kUnknown;
  std::string provider;
  int64_t amount_fen = 0;
  std::string gateway_ref;  // set when approved
  // For the cashier, Chinese then English: "顾客余额不足 / declined: insufficient funds".
  std::string message;
};

// Payment-code tenders for one till. Not thread-safe: like Database, used by
// one thread at a time. db, gateway and clock must outlive the service.
// Every method catches database errors and returns them as a Status.
class PaymentService {
 public:
  PaymentService(Database& db, PaymentGateway& gateway, const Clock& clock);

  // Takes amount_fen from the customer's payment code for sale_uuid.
  //
  // InvalidArgument (nothing recorded, gateway not called) when sale_uuid is
  // empty, amount_fen <= 0, or code is not a WeChat/Alipay/UnionPay payment
  // code (the message names the code). FailedPrecondition when this sale
  // already has a pending or unknown attempt: resolve that one first, or the
  // customer could pay twice.
  //
  // Otherwise the attempt is committed as 'pending' with a fresh attempt_key,
  // then Pay is called exactly once, then the reply is recorded:
  //   approved → 'approved'  (kApproved)
  //   declined, gateway error → 'declined' (kDeclined)
  //   unavailable → 'declined', last_error "offline" (kOffline)
  //   timeout → 'unknown' (kUnknown): call Resolve; Pay is never repeated.
  // A non-OK Status after the attempt was committed (e.g. the disk filled
  // while recording the reply) leaves the row pending for Resolve.
  Result<PaymentResult> PayByCode(const std::string& sale_uuid, const std::string& code,
                                  int64_t amount_fen);

  // Finds out what happened to a pending or unknown attempt by status inquiry:
  // approved → 'approved'; declined or not found → 'declined'; pending,
  // unavailable or error → 'unknown' (kUnknown; try again later). For an
  // attempt already in a final state, returns it without calling the gateway.
  // Safe to call any number of times. NotFound for an unknown attempt_key.
  Result<PaymentResult> Resolve(const std::string& attempt_key);

  // Attempts in 'pending' or 'unknown', oldest first. A till resolves these
  // at start-up before it takes new payments.
  Result<std::vector<PaymentAttempt>> Unresolved();

  // The stored attempt. NotFound when there is none.
  Result<PaymentAttempt> Find(const std::string& attempt_key);

  // Undoes an attempt whose sale was abandoned: Reverse (冲正) for UnionPay,
  // Cancel (撤销) otherwise; the row becomes 'reversed' or 'cancelled'.
  // Allowed for approved, unknown and pending attempts (cancelling an unknown
  // one settles it: whatever was taken goes back). OK without a gateway call
  // when already cancelled/reversed. FailedPrecondition for a declined
  // attempt (nothing to undo) or one that is a tender of a committed sale
  // (refund the sale instead). When the gateway fails, the state is kept,
  // last_error records why, and the Status (Unavailable or FailedPrecondition)
  // says what to do.
  Status CancelOrReverse(const std::string& attempt_key);

 private:
  Database& db_;
  PaymentGateway& gateway_;
  const Clock& clock_;
};

// "1345**********6789": the first 4 and last 4 characters, the rest starred.
// Codes of 8 characters or fewer are starred entirely.
std::string MaskPaymentCode(const std::string& code);

}  // namespace linli
