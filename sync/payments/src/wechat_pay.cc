#include "linli/payments/wechat_pay.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <utility>

#include "linli/pos/crypto.h"
#include "linli/pos/files.h"

namespace linli::payments {

using wechat::Params;

namespace {

constexpr char kMicropay[] = "/pay/micropay";
constexpr char kOrderQuery[] = "/pay/orderquery";
constexpr char kReverse[] = "/secapi/pay/reverse";
constexpr char kRefund[] = "/secapi/pay/refund";
constexpr char kRefundQuery[] = "/pay/refundquery";
constexpr char kDownloadBill[] = "/pay/downloadbill";

constexpr int kMaxResends = 2;         // micropay again after ORDERNOTEXIST
constexpr int kMaxRefundSends = 3;     // refund again after SYSTEMERROR / no answer
constexpr size_t kMaxRemembered = 4096;  // request bodies kept per process

// Business error codes that are the customer's code or wallet: believed as
// they come, the till asks for another code or another tender.
bool ClearDecline(const std::string& err, DeclineReason* reason) {
  if (err == "AUTHCODEEXPIRE") {
    *reason = DeclineReason::kCodeExpired;
  } else if (err == "AUTH_CODE_INVALID" || err == "AUTH_CODE_ERROR") {
    *reason = DeclineReason::kCodeInvalid;
  } else if (err == "NOTENOUGH") {
    *reason = DeclineReason::kInsufficientFunds;
  } else {
    return false;
  }
  return true;
}

// The payment is still being decided: query, do not believe a failure.
bool InProgress(const std::string& err) {
  return err == "USERPAYING" || err == "SYSTEMERROR" || err == "BANKERROR";
}

// The request was wrongly made (configuration, our code): once orderquery
// confirms nothing was taken, kError rather than a decline.
bool RequestError(const std::string& err) {
  static const char* const kCodes[] = {"NOAUTH",          "PARAM_ERROR",         "LACK_PARAMS",
                                       "XML_FORMAT_ERROR", "REQUIRE_POST_METHOD", "SIGNERROR",
                                       "NOT_UTF8",        "APPID_NOT_EXIST",     "MCHID_NOT_EXIST",
                                       "APPID_MCHID_NOT_MATCH", "OUT_TRADE_NO_USED", "INVALID_REQUEST"};
  return std::find(std::begin(kCodes), std::end(kCodes), err) != std::end(kCodes);
}

std::string Get(const Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

// "NOTENOUGH 余额不足" from an answer's err_code and err_code_des.
std::string ErrText(const Params& p) {
  std::string s = Get(p, "err_code");
  const std::string des = Get(p, "err_code_des");
  if (!des.empty()) s += (s.empty() ? "" : " ") + des;
  return s.empty() ? std::string("no reason given") : s;
}

// At most `max` bytes of UTF-8, cut at a character boundary.
std::string Utf8Prefix(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// A secret file: its contents, refused when others may read it.
Result<std::string> ReadSecret(const std::string& path, const char* what) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::IoError(std::string(what) + " " + path + " cannot be read: it does not exist or is not accessible");
  if ((st.st_mode & 077) != 0) {
    return Status::FailedPrecondition(std::string(what) + " " + path +
                                      " may be read by other users of this machine: run chmod 600 " + path);
  }
  auto text = ReadFileIfExists(path);
  if (!text.ok()) return text.status();
  if (!*text) return Status::IoError(std::string(what) + " " + path + " does not exist");
  return std::move(**text);
}

Result<std::string> ReadPublic(const std::string& path, const char* what) {
  auto text = ReadFileIfExists(path);
  if (!text.ok()) return text.status();
  if (!*text) return Status::IoError(std::string(what) + " " + path + " does not exist");
  return std::move(**text);
}

// What came back from one exchange with WeChat Pay.
struct Answer {
  enum Kind {
    kNotSent,     // the request certainly did not reach WeChat Pay
    kNoAnswer,    // it may have: timed out, cut off, not HTTP 200
    kUnverified,  // an answer, but not believable: malformed, or its signature does not check
    kFail,        // return_code FAIL (unsigned by protocol): the request was not processed
    kOk,          // return_code SUCCESS, signature checked: result_code says the rest
  };
  Kind kind = kNoAnswer;
  Params params;     // for kOk and kFail
  std::string raw;   // the body as received
  std::string message;
};

// An order as orderquery reports it.
struct Order {
  enum Kind { kPaid, kPaying, kFailed, kNone, kUnknown, kUnreachable };
  Kind kind = kUnknown;
  std::string transaction_id;
  std::string trade_state;
  int64_t total_fen = 0;
  std::string message;
};

}  // namespace

struct WechatPayGateway::Impl {
  WechatPayConfig config;
  std::string api_key;  // secret: never in a message
  sync::CurlOptions plain;
  sync::CurlOptions with_cert;  // the merchant certificate, for /secapi/
  bool has_cert = false;
  SystemClock system_clock;
  const Clock* clock = nullptr;
  std::function<void(int64_t)> sleep;
  std::function<Result<std::unique_ptr<sync::HttpTransport>>(const sync::CurlOptions&)> make_transport;

  std::mutex mu;  // guards what follows
  std::vector<std::unique_ptr<sync::HttpTransport>> idle_plain, idle_cert;
  std::map<std::string, std::shared_ptr<std::mutex>> key_locks;
  std::map<std::string, std::string> micropay_bodies;  // by attempt key
  std::map<std::string, std::string> refund_bodies;    // by out_refund_no

  int64_t Now() const { return clock->NowMs(); }
  void Sleep(int64_t ms) {
    if (ms > 0) sleep(ms);
  }

  std::shared_ptr<std::mutex> KeyLock(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu);
    if (key_locks.size() > kMaxRemembered) {
      for (auto it = key_locks.begin(); it != key_locks.end();) {
        it = it->second.use_count() == 1 ? key_locks.erase(it) : std::next(it);
      }
    }
    auto& p = key_locks[key];
    if (!p) p = std::make_shared<std::mutex>();
    return p;
  }

  template <typename Map>
  static void Remember(Map& m, const std::string& key, std::string value) {
    m[key] = std::move(value);
    while (m.size() > kMaxRemembered) m.erase(m.begin());  // UUIDv7 keys: the oldest first
  }

  // The common parameters, a fresh nonce and the signature, as XML.
  Result<std::string> Build(Params p) const {
    p["appid"] = config.appid;
    p["mch_id"] = config.mch_id;
    if (!config.sub_mch_id.empty()) p["sub_mch_id"] = config.sub_mch_id;
    if (!config.sub_appid.empty()) p["sub_appid"] = config.sub_appid;
    auto nonce = RandomBytes(16);
    if (!nonce.ok()) return nonce.status();
    p["nonce_str"] = HexEncode(*nonce);
    p["sign_type"] = wechat::SignTypeName(config.sign_type);
    p.erase("sign");
    p["sign"] = wechat::Sign(p, api_key, config.sign_type);
    return wechat::EncodeXml(p);
  }

  Result<std::unique_ptr<sync::HttpTransport>> Take(bool cert) {
    {
      std::lock_guard<std::mutex> lock(mu);
      auto& idle = cert ? idle_cert : idle_plain;
      if (!idle.empty()) {
        auto t = std::move(idle.back());
        idle.pop_back();
        return t;
      }
    }
    return make_transport(cert ? with_cert : plain);
  }
  void Give(bool cert, std::unique_ptr<sync::HttpTransport> t) {
    std::lock_guard<std::mutex> lock(mu);
    (cert ? idle_cert : idle_plain).push_back(std::move(t));
  }

  // One POST. `bill`: a statement may come back instead of XML.
  Answer Exchange(const char* path, const std::string& body, bool cert, bool bill = false) {
    Answer a;
    Result<std::unique_ptr<sync::HttpTransport>> t =
        bill ? make_transport([&] {
          sync::CurlOptions o = plain;
          o.timeout_ms = config.bill_timeout_ms;
          o.max_response_bytes = 256u * 1024 * 1024;
          return o;
        }())
             : Take(cert);
    if (!t.ok()) {
      a.kind = Answer::kNotSent;
      a.message = t.status().message();
      return a;
    }
    sync::HttpRequest req;
    req.method = "POST";
    req.url = config.base_url + path;
    req.headers = {{"Content-Type", "text/xml; charset=utf-8"}};
    req.body = body;
    Result<sync::HttpResponse> res = (*t)->Send(req);
    const bool may_have_arrived = (*t)->LastFailureMayHaveArrived();
    if (!bill) Give(cert, std::move(*t));
    if (!res.ok()) {
      a.kind = may_have_arrived ? Answer::kNoAnswer : Answer::kNotSent;
      a.message = res.status().message();
      return a;
    }
    if (res->status != 200) {
      a.kind = Answer::kNoAnswer;
      a.message = "WeChat Pay answered HTTP " + std::to_string(res->status);
      return a;
    }
    a.raw = std::move(res->body);
    if (bill && a.raw.rfind("<xml>", 0) != 0) {
      a.kind = Answer::kOk;  // a statement: plain text, unsigned by protocol
      return a;
    }
    auto params = wechat::DecodeXml(a.raw);
    if (!params.ok()) {
      a.kind = Answer::kUnverified;
      a.message = params.status().message();
      return a;
    }
    a.params = std::move(*params);
    if (Get(a.params, "return_code") != "SUCCESS") {
      a.kind = Answer::kFail;
      a.message = "WeChat Pay refused the request: " + Get(a.params, "return_msg");
      return a;
    }
    if (!wechat::VerifySign(a.params, api_key, config.sign_type)) {
      a.kind = Answer::kUnverified;
      a.message = "WeChat Pay's answer is not signed with this merchant's API key: not believed";
      return a;
    }
    a.kind = Answer::kOk;
    return a;
  }

  // An answer about another order than the one asked is not believed.
  static bool AboutOrder(const Answer& a, const std::string& out_trade_no) {
    const std::string got = Get(a.params, "out_trade_no");
    return got.empty() || got == out_trade_no;
  }

  Order QueryOrder(const std::string& out_trade_no) {
    Order o;
    auto body = Build({{"out_trade_no", out_trade_no}});
    if (!body.ok()) {
      o.kind = Order::kUnreachable;
      o.message = body.status().message();
      return o;
    }
    Answer a = Exchange(kOrderQuery, *body, false);
    o.message = a.message;
    switch (a.kind) {
      case Answer::kNotSent:
      case Answer::kNoAnswer: o.kind = Order::kUnreachable; return o;
      case Answer::kUnverified:
      case Answer::kFail: o.kind = Order::kUnknown; return o;
      case Answer::kOk: break;
    }
    if (Get(a.params, "result_code") != "SUCCESS") {
      o.kind = Get(a.params, "err_code") == "ORDERNOTEXIST" ? Order::kNone : Order::kUnknown;
      o.message = "orderquery: " + ErrText(a.params);
      return o;
    }
    if (!AboutOrder(a, out_trade_no)) {
      o.kind = Order::kUnknown;
      o.message = "orderquery answered about another order: not believed";
      return o;
    }
    o.trade_state = Get(a.params, "trade_state");
    o.transaction_id = Get(a.params, "transaction_id");
    o.total_fen = std::atoll(Get(a.params, "total_fee").c_str());
    o.message = "orderquery: " + o.trade_state + " " + Get(a.params, "trade_state_desc");
    if (o.trade_state == "SUCCESS" || o.trade_state == "REFUND") {
      o.kind = Order::kPaid;
    } else if (o.trade_state == "USERPAYING" || o.trade_state == "NOTPAY" || o.trade_state == "ACCEPT") {
      o.kind = Order::kPaying;
    } else if (o.trade_state == "PAYERROR" || o.trade_state == "CLOSED" || o.trade_state == "REVOKED") {
      o.kind = Order::kFailed;
    } else {
      o.kind = Order::kUnknown;
    }
    return o;
  }

  enum class Undo { kDone, kNoOrder, kRefused, kNoAnswer, kNoCert };
  // reverse, again while WeChat Pay says recall=Y or gives no answer.
  Undo ReverseOrder(const std::string& out_trade_no, std::string* message) {
    if (!has_cert) {
      *message = "cannot reverse: no merchant API certificate is configured (cert_file, key_file)";
      return Undo::kNoCert;
    }
    for (int i = 0; i < std::max(1, config.max_reverse_calls); ++i) {
      if (i > 0) Sleep(std::min<int64_t>(config.poll_interval_ms, 1000));
      auto body = Build({{"out_trade_no", out_trade_no}});
      if (!body.ok()) {
        *message = body.status().message();
        continue;
      }
      Answer a = Exchange(kReverse, *body, true);
      if (a.kind != Answer::kOk) {
        *message = "reverse: " + a.message;
        continue;
      }
      if (Get(a.params, "result_code") == "SUCCESS") {
        *message = "reverse: done";
        return Undo::kDone;
      }
      const std::string err = Get(a.params, "err_code");
      *message = "reverse: " + ErrText(a.params);
      if (err == "ORDERNOTEXIST") return Undo::kNoOrder;
      if (Get(a.params, "recall") == "Y" || err == "SYSTEMERROR" || err == "USERPAYING") continue;
      return Undo::kRefused;
    }
    return Undo::kNoAnswer;
  }

  GatewayReply Pay(const PayRequest& request);
  GatewayReply AtDeadline(const std::string& out_trade_no, const std::string& why);
  UndoReply Refund(const std::string& attempt_key, const std::string& refund_key, int64_t amount_fen);
};

namespace {

GatewayReply Approved(const Order& o) {
  GatewayReply r;
  r.outcome = PayOutcome::kApproved;
  r.gateway_ref = o.transaction_id;
  r.message = "wechat: paid (" + o.transaction_id + ")";
  return r;
}

GatewayReply Reply(PayOutcome outcome, std::string message, DeclineReason reason = DeclineReason::kOther) {
  GatewayReply r;
  r.outcome = outcome;
  r.reason = reason;
  r.message = "wechat: " + std::move(message);
  return r;
}

}  // namespace

GatewayReply WechatPayGateway::Impl::Pay(const PayRequest& request) {
  if (request.attempt_key.empty() || request.amount_fen <= 0 || request.code.empty() ||
      request.code.find_first_not_of("0123456789") != std::string::npos) {
    return Reply(PayOutcome::kError,
                 "a payment needs an attempt key, an amount above 0 and a WeChat Pay code of digits; nothing was sent");
  }
  const std::shared_ptr<std::mutex> key_lock = KeyLock(request.attempt_key);
  std::lock_guard<std::mutex> serial(*key_lock);
  const std::string out_trade_no = wechat::MerchantNo(request.attempt_key);
  const std::string total_fee = std::to_string(request.amount_fen);

  // The micropay body: made once per attempt, the same bytes every time it is sent.
  std::string body;
  bool repeat = false;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = micropay_bodies.find(request.attempt_key);
    if (it != micropay_bodies.end()) {
      body = it->second;
      repeat = true;
    }
  }
  if (repeat) {
    auto sent = wechat::DecodeXml(body);
    if (!sent.ok() || Get(*sent, "auth_code") != request.code || Get(*sent, "total_fee") != total_fee) {
      return Reply(PayOutcome::kError, "attempt key " + request.attempt_key +
                                           " was used for another code or amount; nothing was sent");
    }
  } else {
    Params p = {{"body", Utf8Prefix(request.description.empty() ? "付款码支付" : request.description, 128)},
                {"out_trade_no", out_trade_no},
                {"total_fee", total_fee},
                {"fee_type", "CNY"},
                {"spbill_create_ip", config.spbill_create_ip},
                {"auth_code", request.code}};
    if (!config.device_info.empty()) p["device_info"] = config.device_info;
    auto built = Build(std::move(p));
    if (!built.ok()) return Reply(PayOutcome::kError, built.status().message() + "; nothing was sent");
    body = std::move(*built);
    std::lock_guard<std::mutex> lock(mu);
    Remember(micropay_bodies, request.attempt_key, body);
  }

  const int64_t deadline = Now() + config.deadline_ms;
  bool unanswered = false;     // the last micropay got no believable answer
  std::string pending_fail;    // a business FAIL waiting for orderquery to confirm it
  bool pending_request_error = false;
  bool wait_first = false;     // wait a poll interval before the first query
  std::string why;             // for the final message
  std::string refused;         // return_code FAIL's return_msg, from the last micropay
  int sends = 0;

  auto send = [&]() -> std::optional<GatewayReply> {
    ++sends;
    Answer a = Exchange(kMicropay, body, false);
    why = a.message;
    unanswered = false;
    refused = a.kind == Answer::kFail ? a.message : std::string();
    switch (a.kind) {
      case Answer::kNotSent:
        return Reply(PayOutcome::kUnavailable, "could not reach WeChat Pay, nothing was sent (" + a.message + ")");
      case Answer::kNoAnswer:
      case Answer::kUnverified:
      case Answer::kFail:
        unanswered = true;
        return std::nullopt;
      case Answer::kOk:
        break;
    }
    if (Get(a.params, "result_code") == "SUCCESS" && AboutOrder(a, out_trade_no) &&
        !Get(a.params, "transaction_id").empty()) {
      Order o;
      o.transaction_id = Get(a.params, "transaction_id");
      return Approved(o);
    }
    const std::string err = Get(a.params, "err_code");
    why = "micropay: " + ErrText(a.params);
    DeclineReason reason;
    if (ClearDecline(err, &reason)) return Reply(PayOutcome::kDeclined, ErrText(a.params), reason);
    if (InProgress(err)) {
      wait_first = true;
    } else {
      pending_fail = ErrText(a.params);
      pending_request_error = RequestError(err);
    }
    return std::nullopt;
  };

  if (!repeat) {
    if (auto done = send()) return *done;
  }
  bool first_query = true;
  while (true) {
    if (!first_query || wait_first) Sleep(std::min(config.poll_interval_ms, std::max<int64_t>(0, deadline - Now())));
    const Order o = QueryOrder(out_trade_no);
    const bool was_first = first_query;
    first_query = false;
    switch (o.kind) {
      case Order::kPaid:
        return Approved(o);
      case Order::kFailed:
        return Reply(PayOutcome::kDeclined,
                     (pending_fail.empty() ? std::string() : pending_fail + "; ") + o.message);
      case Order::kNone:
        if (!pending_fail.empty()) {
          // The FAIL is confirmed: WeChat Pay has no order, nothing was taken.
          return Reply(pending_request_error ? PayOutcome::kError : PayOutcome::kDeclined,
                       pending_fail + " (confirmed: no order was made)");
        }
        if (!refused.empty()) {
          // Refused as wrongly made (签名错误, a missing sub_mch_id …), and WeChat
          // Pay confirms, signed, that it made no order: nothing was taken.
          return Reply(PayOutcome::kError, refused + " (confirmed: no order was made)");
        }
        if ((unanswered || (repeat && was_first)) && sends <= kMaxResends && Now() < deadline) {
          // The request was lost on the way: send it again, the same bytes.
          if (auto done = send()) {
            if (done->outcome == PayOutcome::kUnavailable) {
              done->message = "wechat: WeChat Pay has no such order and it could not be sent again: nothing "
                              "was taken (" + why + ")";
            }
            return *done;
          }
          wait_first = false;
          first_query = true;
          continue;
        }
        why = o.message;
        break;
      case Order::kPaying:
      case Order::kUnknown:
      case Order::kUnreachable:
        why = o.message;
        break;
    }
    if (Now() >= deadline) break;
  }
  return AtDeadline(out_trade_no, why);
}

GatewayReply WechatPayGateway::Impl::AtDeadline(const std::string& out_trade_no, const std::string& why) {
  std::string undo_message;
  const Undo undo = ReverseOrder(out_trade_no, &undo_message);
  const Order o = QueryOrder(out_trade_no);
  if (o.kind == Order::kPaid) {
    // Paid after the last query, and the reverse did not undo it: keep it.
    GatewayReply r = Approved(o);
    r.message += "; paid at the deadline, kept (" + undo_message + ")";
    return r;
  }
  const std::string seconds = std::to_string(config.deadline_ms / 1000);
  if (undo == Undo::kDone) {
    std::string m = "not paid within " + seconds + " s: reversed (撤销)";
    if (o.kind == Order::kFailed && !o.transaction_id.empty()) {
      m += "; the customer had paid (" + o.transaction_id + ") just before the reverse, and the money went back";
    }
    return Reply(PayOutcome::kDeclined, m);
  }
  if (undo == Undo::kNoOrder && o.kind == Order::kNone) {
    return Reply(PayOutcome::kDeclined, "WeChat Pay never received the payment; nothing was taken");
  }
  if (o.kind == Order::kFailed) return Reply(PayOutcome::kDeclined, o.message);
  return Reply(PayOutcome::kTimeout, "no definite result within " + seconds + " s (" + why + "; " + undo_message +
                                         "): resolve it by query, do not ask the customer to pay again");
}

UndoReply WechatPayGateway::Impl::Refund(const std::string& attempt_key, const std::string& refund_key,
                                         int64_t amount_fen) {
  UndoReply r;
  if (!has_cert) {
    r.message = "wechat: cannot refund: no merchant API certificate is configured (cert_file, key_file)";
    return r;
  }
  if (attempt_key.empty() || refund_key.empty() || amount_fen <= 0) {
    r.message = "wechat: a refund needs an attempt key, a refund key and an amount above 0";
    return r;
  }
  const std::shared_ptr<std::mutex> key_lock = KeyLock(attempt_key);
  std::lock_guard<std::mutex> serial(*key_lock);
  const std::string out_trade_no = wechat::MerchantNo(attempt_key);
  const std::string out_refund_no = wechat::MerchantNo(refund_key);

  std::string body;
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = refund_bodies.find(out_refund_no);
    if (it != refund_bodies.end()) body = it->second;
  }
  if (!body.empty()) {
    auto sent = wechat::DecodeXml(body);
    if (!sent.ok() || Get(*sent, "refund_fee") != std::to_string(amount_fen)) {
      r.message = "wechat: refund key " + refund_key + " was used for another amount";
      return r;
    }
  } else {
    const Order o = QueryOrder(out_trade_no);
    if (o.kind == Order::kUnreachable || o.kind == Order::kUnknown) {
      r.outcome = UndoOutcome::kUnavailable;
      r.message = "wechat: could not look up the payment to refund (" + o.message + ")";
      return r;
    }
    if (o.kind != Order::kPaid) {
      r.message = "wechat: payment " + attempt_key + " is not a paid order (" + o.message + "); nothing to refund";
      return r;
    }
    auto built = Build({{"out_trade_no", out_trade_no},
                        {"out_refund_no", out_refund_no},
                        {"total_fee", std::to_string(o.total_fen)},
                        {"refund_fee", std::to_string(amount_fen)},
                        {"refund_fee_type", "CNY"}});
    if (!built.ok()) {
      r.outcome = UndoOutcome::kUnavailable;
      r.message = "wechat: " + built.status().message();
      return r;
    }
    body = std::move(*built);
    std::lock_guard<std::mutex> lock(mu);
    Remember(refund_bodies, out_refund_no, body);
  }

  std::string why;
  for (int i = 0; i < kMaxRefundSends; ++i) {
    if (i > 0) Sleep(std::min<int64_t>(config.poll_interval_ms, 1000));
    Answer a = Exchange(kRefund, body, true);
    if (a.kind == Answer::kNotSent) {
      r.outcome = UndoOutcome::kUnavailable;
      r.message = "wechat: could not reach WeChat Pay to refund (" + a.message + "); the same refund key refunds once";
      return r;
    }
    if (a.kind == Answer::kOk && Get(a.params, "result_code") == "SUCCESS") {
      r.outcome = UndoOutcome::kDone;
      r.message = "wechat: refund accepted (" + Get(a.params, "refund_id") + ")";
      return r;
    }
    if (a.kind == Answer::kOk) {
      const std::string err = Get(a.params, "err_code");
      if (err != "SYSTEMERROR" && err != "BIZERR_NEED_RETRY") {
        r.message = "wechat: refund refused: " + ErrText(a.params);
        return r;
      }
      why = ErrText(a.params);
      continue;  // the same body again: out_refund_no makes it idempotent
    }
    // No believable answer: did the refund arrive?
    why = a.message;
    auto state = [&]() -> Result<WechatRefundState> {
      auto q = Build({{"out_refund_no", out_refund_no}});
      if (!q.ok()) return q.status();
      Answer qa = Exchange(kRefundQuery, *q, false);
      if (qa.kind != Answer::kOk) return Status::Unavailable(qa.message);
      if (Get(qa.params, "result_code") != "SUCCESS") {
        if (Get(qa.params, "err_code") == "REFUNDNOTEXIST") return Status::NotFound("no such refund");
        return Status::Unavailable(ErrText(qa.params));
      }
      WechatRefundState s;
      s.status = Get(qa.params, "refund_status_0");
      return s;
    }();
    if (state.ok()) {
      r.outcome = UndoOutcome::kDone;
      r.message = "wechat: refund accepted (" + state->status + ")";
      return r;
    }
    if (!state.status().IsNotFound()) why += "; refundquery: " + state.status().message();
  }
  r.outcome = UndoOutcome::kUnavailable;
  r.message = "wechat: no definite answer to the refund (" + why + "); try again: the same refund key refunds once";
  return r;
}

// ---- Public ------------------------------------------------------------------

WechatPayGateway::WechatPayGateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
WechatPayGateway::~WechatPayGateway() = default;

Result<std::unique_ptr<WechatPayGateway>> WechatPayGateway::Create(const WechatPayConfig& config,
                                                                   WechatPayDeps deps) {
  if (config.appid.empty()) return Status::InvalidArgument("payment.wechat: appid (公众账号ID) is not set");
  if (config.mch_id.empty()) return Status::InvalidArgument("payment.wechat: mch_id (商户号) is not set");
  if (config.api_key_file.empty()) {
    return Status::InvalidArgument("payment.wechat: api_key_file (the file holding the API key) is not set");
  }
  if (config.base_url.rfind("https://", 0) != 0 && !sync::IsLoopbackUrl(config.base_url)) {
    return Status::InvalidArgument("payment.wechat: base_url " + config.base_url + " must start with https://");
  }
  if (config.cert_file.empty() != config.key_file.empty()) {
    return Status::InvalidArgument("payment.wechat: cert_file and key_file go together (apiclient_cert.pem and "
                                   "apiclient_key.pem); set both or neither");
  }
  if (config.deadline_ms < 0 || config.poll_interval_ms <= 0 || config.request_timeout_ms <= 0) {
    return Status::InvalidArgument("payment.wechat: the poll interval and timeouts must be above 0");
  }
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  auto key = ReadSecret(config.api_key_file, "the WeChat Pay API key file");
  if (!key.ok()) return key.status();
  std::string k = std::move(*key);
  while (!k.empty() && (k.back() == '\n' || k.back() == '\r' || k.back() == ' ')) k.pop_back();
  if (k.size() != 32 || k.find_first_of(" \t\r\n") != std::string::npos) {
    return Status::InvalidArgument("the WeChat Pay API key file " + config.api_key_file +
                                   " must hold the 32-character API key (商户平台 → 账户中心 → API安全 → API密钥), "
                                   "and nothing else");
  }
  impl->api_key = std::move(k);

  sync::CurlOptions o;
  o.allow_system_ca = true;
  o.peer_name = "WeChat Pay";
  o.connect_timeout_ms = config.connect_timeout_ms;
  o.timeout_ms = config.request_timeout_ms;
  o.max_response_bytes = 1024 * 1024;
  if (!config.ca_file.empty()) {
    auto ca = ReadPublic(config.ca_file, "the CA file");
    if (!ca.ok()) return ca.status();
    o.ca_pem = std::move(*ca);
  }
  impl->plain = o;
  impl->with_cert = o;
  if (!config.cert_file.empty()) {
    auto cert = ReadPublic(config.cert_file, "the WeChat Pay API certificate");
    if (!cert.ok()) return cert.status();
    auto pkey = ReadSecret(config.key_file, "the WeChat Pay API certificate's key");
    if (!pkey.ok()) return pkey.status();
    impl->with_cert.client_cert_pem = std::move(*cert);
    impl->with_cert.client_key_pem = std::move(*pkey);
    impl->has_cert = true;
  }
  impl->clock = deps.clock ? deps.clock : &impl->system_clock;
  impl->sleep = deps.sleep ? std::move(deps.sleep)
                           : [](int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  impl->make_transport = deps.transport ? std::move(deps.transport) : sync::NewCurlTransport;
  // Refuse an unusable PEM now rather than at the first payment.
  for (const sync::CurlOptions* opts : {&impl->plain, &impl->with_cert}) {
    auto t = impl->make_transport(*opts);
    if (!t.ok()) return Status::InvalidArgument("payment.wechat: " + t.status().message());
    impl->Give(opts == &impl->with_cert, std::move(*t));
  }
  return std::unique_ptr<WechatPayGateway>(new WechatPayGateway(std::move(impl)));
}

GatewayReply WechatPayGateway::Pay(const PayRequest& request) { return impl_->Pay(request); }

QueryReply WechatPayGateway::Query(const std::string& attempt_key) {
  QueryReply r;
  const Order o = impl_->QueryOrder(wechat::MerchantNo(attempt_key));
  r.message = "wechat: " + o.message;
  switch (o.kind) {
    case Order::kPaid:
      r.outcome = QueryOutcome::kApproved;
      r.gateway_ref = o.transaction_id;
      break;
    case Order::kPaying: r.outcome = QueryOutcome::kPending; break;
    case Order::kFailed: r.outcome = QueryOutcome::kDeclined; break;
    case Order::kNone: r.outcome = QueryOutcome::kNotFound; break;
    case Order::kUnknown: r.outcome = QueryOutcome::kError; break;
    case Order::kUnreachable: r.outcome = QueryOutcome::kUnavailable; break;
  }
  return r;
}

UndoReply WechatPayGateway::Cancel(const std::string& attempt_key) {
  const std::shared_ptr<std::mutex> key_lock = impl_->KeyLock(attempt_key);
  std::lock_guard<std::mutex> serial(*key_lock);
  UndoReply r;
  std::string message;
  switch (impl_->ReverseOrder(wechat::MerchantNo(attempt_key), &message)) {
    case Impl::Undo::kDone: r.outcome = UndoOutcome::kDone; break;
    case Impl::Undo::kNoOrder:
      r.outcome = UndoOutcome::kDone;
      message += "; nothing was taken";
      break;
    case Impl::Undo::kRefused:
    case Impl::Undo::kNoCert: r.outcome = UndoOutcome::kFailed; break;
    case Impl::Undo::kNoAnswer: r.outcome = UndoOutcome::kUnavailable; break;
  }
  r.message = "wechat: " + message;
  return r;
}

UndoReply WechatPayGateway::Reverse(const std::string& attempt_key) { return Cancel(attempt_key); }

UndoReply WechatPayGateway::Refund(const std::string& attempt_key, const std::string& refund_key,
                                   int64_t amount_fen) {
  return impl_->Refund(attempt_key, refund_key, amount_fen);
}

Result<WechatRefundState> WechatPayGateway::QueryRefund(const std::string& refund_key) {
  auto body = impl_->Build({{"out_refund_no", wechat::MerchantNo(refund_key)}});
  if (!body.ok()) return body.status();
  Answer a = impl_->Exchange(kRefundQuery, *body, false);
  if (a.kind != Answer::kOk) return Status::Unavailable("wechat: refundquery: " + a.message);
  if (Get(a.params, "result_code") != "SUCCESS") {
    if (Get(a.params, "err_code") == "REFUNDNOTEXIST") {
      return Status::NotFound("WeChat Pay has no refund " + refund_key);
    }
    return Status::Unavailable("wechat: refundquery: " + ErrText(a.params));
  }
  WechatRefundState s;
  s.status = Get(a.params, "refund_status_0");
  s.refund_fen = std::atoll(Get(a.params, "refund_fee_0").c_str());
  s.refund_id = Get(a.params, "refund_id_0");
  return s;
}

Result<wechat::Bill> WechatPayGateway::DownloadBill(const std::string& date) {
  std::string d;
  for (char c : date) {
    if (c != '-') d += c;
  }
  if (d.size() != 8 || d.find_first_not_of("0123456789") != std::string::npos) {
    return Status::InvalidArgument("a statement date is YYYYMMDD or YYYY-MM-DD, not \"" + date + "\"");
  }
  auto body = impl_->Build({{"bill_date", d}, {"bill_type", "ALL"}});
  if (!body.ok()) return body.status();
  Answer a = impl_->Exchange(kDownloadBill, *body, false, /*bill=*/true);
  switch (a.kind) {
    case Answer::kNotSent:
    case Answer::kNoAnswer:
    case Answer::kUnverified:
      return Status::Unavailable("could not download the WeChat Pay statement for " + d + " (" + a.message + ")");
    case Answer::kFail: {
      const std::string msg = Get(a.params, "return_msg");
      if (msg.find("No Bill Exist") != std::string::npos || msg.find("not exist") != std::string::npos) {
        return Status::NotFound("WeChat Pay has no statement for " + d +
                                " (no trades that day, or not published yet: it comes out about 10:00 the next day)");
      }
      return Status::Unavailable("WeChat Pay refused the statement request for " + d + ": " + msg);
    }
    case Answer::kOk:
      break;
  }
  if (!a.params.empty() && a.raw.rfind("<xml>", 0) == 0) {
    return Status::Unavailable("WeChat Pay answered the statement request for " + d + " with " + ErrText(a.params));
  }
  return wechat::ParseBill(a.raw);
}

std::optional<std::string> WechatPayGateway::RequestBody(const std::string& attempt_key) const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  auto it = impl_->micropay_bodies.find(attempt_key);
  if (it == impl_->micropay_bodies.end()) return std::nullopt;
  return it->second;
}

void WechatPayGateway::RestoreRequestBody(const std::string& attempt_key, std::string body) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  Impl::Remember(impl_->micropay_bodies, attempt_key, std::move(body));
}

}  // namespace linli::payments
