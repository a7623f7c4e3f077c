#include "linli/payments/alipay_gateway.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <optional>
#include <thread>

#include "linli/pos/crypto.h"
#include "linli/pos/files.h"
#include "linli/pos/money.h"
#include "linli/sync/protocol.h"

namespace linli::payments {
namespace {

using nlohmann::json;

constexpr int64_t kBeijingOffsetMs = 8LL * 3600 * 1000;

// "yyyy-MM-dd HH:mm:ss" in Beijing time, as the gateway's timestamp wants.
std::string BeijingTimestamp(int64_t unix_ms) {
  const std::time_t t = static_cast<std::time_t>((unix_ms + kBeijingOffsetMs) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// The millisecond time at the front of a UUIDv7, or -1 when `key` is not one.
int64_t UuidV7Ms(const std::string& key) {
  if (key.size() != 36 || key[8] != '-' || key[13] != '-' || key[14] != '7') return -1;
  int64_t ms = 0;
  for (size_t i = 0; i < 13; ++i) {
    if (i == 8) continue;
    const char c = key[i];
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) return -1;
    ms = ms * 16 + v;
  }
  return ms;
}

std::string Str(const json& node, const char* name) {
  auto it = node.find(name);
  if (it == node.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return "";
}

// One verified answer from the gateway.
struct Answer {
  enum Kind { kNoAnswer, kUnverified, kVerified } kind = kNoAnswer;
  bool not_sent = false;  // kNoAnswer: the request certainly never left the till
  std::string why;  // for kNoAnswer / kUnverified
  json node;        // the response node, for kVerified
  std::string code() const { return Str(node, "code"); }
  std::string sub_code() const { return Str(node, "sub_code"); }
  std::string Words() const {
    std::string w = Str(node, "sub_msg");
    if (w.empty()) w = Str(node, "msg");
    std::string c = code();
    std::string s = sub_code();
    return c + (s.empty() ? "" : " " + s) + (w.empty() ? "" : ": " + w);
  }
};

bool IsTradeStatusPaid(const std::string& s) { return s == "TRADE_SUCCESS" || s == "TRADE_FINISHED"; }

// Our request refused before any business was done.
bool IsRequestRefused(const std::string& code) {
  return code == "20001" || code == "40001" || code == "40002" || code == "40003" || code == "40006";
}

}  // namespace

sync::CurlOptions AlipayCurlOptions(const AlipayConfig& config) {
  sync::CurlOptions o;
  o.connect_timeout_ms = config.connect_timeout_ms;
  o.timeout_ms = config.request_timeout_ms;
  return o;
}

std::string FormEncode(std::string_view value) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '*') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string RawJsonMember(std::string_view body, std::string_view node) {
  // A scanner over strings and nesting only; nlohmann has already said the
  // body is JSON by the time this runs.
  int depth = 0;
  size_t i = 0;
  const size_t n = body.size();
  auto skip_string = [&](size_t at) -> size_t {  // at: the opening quote; returns past the closing one
    size_t j = at + 1;
    while (j < n && body[j] != '"') j += (body[j] == '\\') ? 2 : 1;
    return j + 1;
  };
  while (i < n) {
    const char c = body[i];
    if (c == '"') {
      const size_t end = skip_string(i);
      if (depth == 1 && end <= n && body.substr(i + 1, end - i - 2) == node) {
        size_t j = end;
        while (j < n && (body[j] == ' ' || body[j] == '\t' || body[j] == '\n' || body[j] == '\r')) ++j;
        if (j < n && body[j] == ':') {
          ++j;
          while (j < n && (body[j] == ' ' || body[j] == '\t' || body[j] == '\n' || body[j] == '\r')) ++j;
          const size_t start = j;
          int d = 0;
          while (j < n) {
            const char v = body[j];
            if (v == '"') {
              j = skip_string(j);
              if (d == 0) break;
              continue;
            }
            if (v == '{' || v == '[') ++d;
            if (v == '}' || v == ']') {
              if (d == 0) break;
              --d;
              if (d == 0) {
                ++j;
                break;
              }
            }
            if (d == 0 && (v == ',')) break;
            ++j;
          }
          if (j > n) return "";
          return std::string(body.substr(start, j - start));
        }
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    ++i;
  }
  return "";
}

std::string AlipayGateway::SignContent(const std::map<std::string, std::string>& params) {
  std::string s;
  for (const auto& [k, v] : params) {  // std::map: sorted by byte value, as Alipay sorts
    if (k == "sign" || v.empty()) continue;
    if (!s.empty()) s += '&';
    s += k + "=" + v;
  }
  return s;
}

struct AlipayGateway::Impl {
  AlipayConfig config;
  sync::HttpTransport& transport;
  const Clock& clock;
  SleepFn sleep;
  RsaKey app_key;
  RsaKey alipay_key;

  std::mutex transport_mu;  // a transport is for one thread at a time

  // What this object knows of each attempt. Guarded by mu.
  struct Attempt {
    std::string code_hash;  // SHA-256 of the code: the code itself is not kept
    int64_t amount_fen = 0;
    std::string pay_body;   // the exact trade.pay body, built once
    bool sent = false;      // trade.pay was handed to the transport
    bool refunded_by_cancel = false;
  };
  std::mutex mu;
  std::map<std::string, Attempt> attempts;
  std::map<std::string, std::string> refund_bodies;  // refund_key → body

  Impl(AlipayConfig c, sync::HttpTransport& t, const Clock& k, SleepFn s, RsaKey a, RsaKey b)
      : config(std::move(c)), transport(t), clock(k), sleep(std::move(s)), app_key(std::move(a)),
        alipay_key(std::move(b)) {}

  // The signed form body of one call. Empty when signing failed (OpenSSL).
  std::string Body(const std::string& method, const json& biz, int64_t at_ms) const {
    std::map<std::string, std::string> p = {
        {"app_id", config.app_id},      {"method", method},
        {"format", "JSON"},             {"charset", "utf-8"},
        {"sign_type", "RSA2"},          {"timestamp", BeijingTimestamp(at_ms)},
        {"version", "1.0"},             {"biz_content", biz.dump()},
    };
    if (!config.app_auth_token.empty()) p["app_auth_token"] = config.app_auth_token;
    Result<std::string> sig = app_key.SignSha256(SignContent(p));
    if (!sig.ok()) return "";
    p["sign"] = Base64Encode(*sig);
    std::string body;
    for (const auto& [k, v] : p) {
      if (v.empty()) continue;
      if (!body.empty()) body += '&';
      body += k + "=" + FormEncode(v);
    }
    return body;
  }

  // Sends a body and verifies the answer to `method`.
  Answer Send(const std::string& method, const std::string& body) {
    Answer a;
    if (body.empty()) {
      a.why = "could not sign the request (OpenSSL)";
      return a;
    }
    sync::HttpRequest req;
    req.method = "POST";
    req.url = config.base_url;
    req.headers = {{"Content-Type", "application/x-www-form-urlencoded;charset=utf-8"}};
    req.body = body;
    bool may_have_arrived = true;
    Result<sync::HttpResponse> res = [&] {
      std::lock_guard<std::mutex> lock(transport_mu);
      Result<sync::HttpResponse> r = transport.Send(req);
      if (!r.ok()) may_have_arrived = transport.LastFailureMayHaveArrived();
      return r;
    }();
    if (!res.ok()) {
      a.not_sent = !may_have_arrived;
      a.why = "no answer from Alipay: " + res.status().message();
      return a;
    }
    if (res->status != 200) {
      a.why = "Alipay answered HTTP " + std::to_string(res->status);
      return a;
    }
    return Verify(method, res->body);
  }

  Answer Verify(const std::string& method, const std::string& text) const {
    Answer a;
    a.kind = Answer::kUnverified;
    json doc = sync::ParseJsonBody(text);  // never throws; caps the nesting
    if (doc.is_discarded() || !doc.is_object()) {
      a.why = "Alipay's answer is not JSON";
      return a;
    }
    std::string node_name = method;
    for (char& c : node_name) {
      if (c == '.') c = '_';
    }
    node_name += "_response";
    if (!doc.contains(node_name)) node_name = "error_response";
    const std::string raw = RawJsonMember(text, node_name);
    if (raw.empty() || !doc.contains(node_name) || !doc[node_name].is_object()) {
      a.why = "Alipay's answer has no " + node_name;
      return a;
    }
    const std::string sign = doc.contains("sign") && doc["sign"].is_string() ? doc["sign"].get<std::string>() : "";
    Result<std::string> sig = Base64Decode(sign);
    if (sign.empty() || !sig.ok() || !alipay_key.VerifySha256(raw, *sig)) {
      a.why = sign.empty() ? "Alipay's answer is not signed" : "Alipay's answer has a wrong signature";
      a.node = doc[node_name];  // kept for the message only, never believed
      return a;
    }
    a.kind = Answer::kVerified;
    a.node = doc[node_name];
    return a;
  }

  Answer Call(const std::string& method, const json& biz) { return Send(method, Body(method, biz, clock.NowMs())); }

  void Sleep(int64_t ms) {
    if (ms <= 0) return;
    if (sleep) {
      sleep(ms);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
  }

  json TradeRef(const std::string& key) const { return json{{"out_trade_no", key}}; }

  // One query, as the Query outcome plus Alipay's trade_no.
  QueryReply QueryOnce(const std::string& key) {
    QueryReply r;
    Answer a = Call("alipay.trade.query", TradeRef(key));
    if (a.kind == Answer::kNoAnswer) {
      r.outcome = QueryOutcome::kUnavailable;
      r.message = a.why;
      return r;
    }
    if (a.kind == Answer::kUnverified) {
      r.outcome = QueryOutcome::kError;
      r.message = a.why;
      return r;
    }
    const std::string echoed = Str(a.node, "out_trade_no");
    if (a.code() == "10000" && !echoed.empty() && echoed != key) {
      r.outcome = QueryOutcome::kError;
      r.message = "alipay.trade.query answered about another out_trade_no";
      return r;
    }
    if (a.code() == "10000") {
      const std::string status = Str(a.node, "trade_status");
      r.message = "alipay.trade.query: " + status;
      if (IsTradeStatusPaid(status)) {
        r.outcome = QueryOutcome::kApproved;
        r.gateway_ref = Str(a.node, "trade_no");
      } else if (status == "WAIT_BUYER_PAY") {
        r.outcome = QueryOutcome::kPending;
      } else if (status == "TRADE_CLOSED") {
        r.outcome = QueryOutcome::kDeclined;
        r.message = "交易已关闭 / the trade is closed (not paid, or cancelled and refunded)";
      } else {
        r.outcome = QueryOutcome::kError;
      }
      return r;
    }
    if (a.sub_code() == "ACQ.TRADE_NOT_EXIST") {
      r.outcome = QueryOutcome::kNotFound;
      r.message = a.Words();
      return r;
    }
    r.outcome = QueryOutcome::kError;
    r.message = "alipay.trade.query: " + a.Words();
    return r;
  }

  struct CancelResult {
    UndoOutcome outcome = UndoOutcome::kUnavailable;
    std::string action;  // "close" | "refund" | "" when done
    std::string message;
  };

  CancelResult CancelLoop(const std::string& key) {
    CancelResult c;
    const int tries = config.cancel_attempts > 0 ? config.cancel_attempts : 1;
    for (int i = 0; i < tries; ++i) {
      if (i > 0) Sleep(config.poll_interval_ms);
      Answer a = Call("alipay.trade.cancel", TradeRef(key));
      if (a.kind != Answer::kVerified) {
        c.outcome = UndoOutcome::kUnavailable;
        c.message = "alipay.trade.cancel: " + a.why;
        continue;  // no definite answer: try again
      }
      const bool retry = Str(a.node, "retry_flag") == "Y";
      if (a.code() == "10000" && !retry) {
        c.outcome = UndoOutcome::kDone;
        c.action = Str(a.node, "action");
        c.message = "alipay.trade.cancel: " + (c.action.empty() ? std::string("done") : c.action);
        return c;
      }
      c.message = "alipay.trade.cancel: " + a.Words();
      if (retry || a.code() == "20000" || a.sub_code() == "ACQ.SYSTEM_ERROR") {
        c.outcome = UndoOutcome::kUnavailable;
        continue;
      }
      c.outcome = UndoOutcome::kFailed;
      return c;
    }
    return c;
  }

  void MarkRefundedByCancel(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu);
    attempts[key].refunded_by_cancel = true;
  }

  // From "we do not know" to a definite answer: poll until the deadline,
  // then cancel straight after the last query.
  GatewayReply Settle(const std::string& key, int64_t deadline_ms, std::string why) {
    GatewayReply reply;
    while (clock.NowMs() < deadline_ms) {
      Sleep(config.poll_interval_ms);
      QueryReply q = QueryOnce(key);
      if (q.outcome == QueryOutcome::kApproved) {
        reply.outcome = PayOutcome::kApproved;
        reply.gateway_ref = q.gateway_ref;
        reply.message = "paid (found by query after: " + why + ")";
        return reply;
      }
      if (q.outcome == QueryOutcome::kDeclined) {
        reply.outcome = PayOutcome::kDeclined;
        reply.reason = DeclineReason::kOther;
        reply.message = q.message;
        return reply;
      }
      why = q.message;
    }
    CancelResult c = CancelLoop(key);
    if (c.outcome == UndoOutcome::kDone) {
      reply.outcome = PayOutcome::kDeclined;
      reply.reason = DeclineReason::kOther;
      if (c.action == "refund") {
        MarkRefundedByCancel(key);
        reply.message = "顾客在撤销前付款，已原路退回 / the customer paid just before the cancel; the cancel "
                        "refunded it in full";
      } else {
        reply.message = "顾客未在时限内付款，交易已撤销 / not paid in time; the trade was cancelled (" + why + ")";
      }
      return reply;
    }
    reply.outcome = PayOutcome::kTimeout;
    reply.message = "result unknown: " + why + "; " + c.message;
    return reply;
  }
};

AlipayGateway::AlipayGateway(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AlipayGateway::~AlipayGateway() = default;

Result<std::unique_ptr<AlipayGateway>> AlipayGateway::Create(const AlipayConfig& config,
                                                             sync::HttpTransport& transport, const Clock& clock,
                                                             SleepFn sleep) {
  if (config.app_id.empty()) return Status::InvalidArgument("payment.alipay.app_id is not set");
  if (config.base_url.rfind("https://", 0) != 0 && config.base_url.rfind("http://", 0) != 0) {
    return Status::InvalidArgument("payment.alipay.base_url must start with https:// (got \"" + config.base_url +
                                   "\")");
  }
  auto read_key = [](const std::string& path, const char* what) -> Result<std::string> {
    if (path.empty()) return Status::InvalidArgument(std::string(what) + " file is not set");
    Result<std::optional<std::string>> text = ReadFileIfExists(path);
    if (!text.ok()) return text.status();
    if (!text->has_value()) return Status::InvalidArgument(std::string(what) + " file " + path + " does not exist");
    return **text;
  };
  Result<std::string> priv_text = read_key(config.app_private_key_file, "the Alipay app private key");
  if (!priv_text.ok()) return priv_text.status();
  Result<RsaKey> priv = RsaKey::Private(*priv_text);
  if (!priv.ok()) {
    return Status::InvalidArgument("the Alipay app private key in " + config.app_private_key_file +
                                   " is not an RSA private key (PKCS#8 or PKCS#1, PEM or base64)");
  }
  Result<std::string> pub_text = read_key(config.alipay_public_key_file, "the Alipay public key");
  if (!pub_text.ok()) return pub_text.status();
  Result<RsaKey> pub = RsaKey::Public(*pub_text);
  if (!pub.ok()) {
    return Status::InvalidArgument("the Alipay public key in " + config.alipay_public_key_file +
                                   " is not an RSA public key (copy 支付宝公钥, not the app's own public key)");
  }
  auto impl = std::make_unique<Impl>(config, transport, clock, std::move(sleep), std::move(*priv), std::move(*pub));
  return std::unique_ptr<AlipayGateway>(new AlipayGateway(std::move(impl)));
}

GatewayReply AlipayGateway::Pay(const PayRequest& request) {
  Impl& m = *impl_;
  GatewayReply reply;
  if (request.attempt_key.empty() || request.amount_fen <= 0 || request.code.empty()) {
    reply.outcome = PayOutcome::kError;
    reply.message = "a payment needs an attempt key, a code and an amount above 0";
    return reply;
  }
  const int64_t start_ms = m.clock.NowMs();
  const int64_t deadline_ms = start_ms + m.config.deadline_ms;
  const std::string code_hash = Sha256(request.code);
  std::string body;
  bool repeat = false;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.attempts.find(request.attempt_key);
    if (it != m.attempts.end()) {
      if (it->second.code_hash != code_hash || it->second.amount_fen != request.amount_fen) {
        reply.outcome = PayOutcome::kError;
        reply.message = "attempt " + request.attempt_key + " was already used with another code or amount";
        return reply;
      }
      repeat = it->second.sent;
      body = it->second.pay_body;
    } else {
      json biz = {{"out_trade_no", request.attempt_key},
                  {"scene", "bar_code"},
                  {"auth_code", request.code},
                  {"product_code", "FACE_TO_FACE_PAYMENT"},
                  {"subject", request.description.empty() ? std::string("linli") : request.description},
                  {"total_amount", FormatYuan(Money::Fen(request.amount_fen))}};
      if (!m.config.seller_id.empty()) biz["seller_id"] = m.config.seller_id;
      if (!m.config.store_id.empty()) biz["store_id"] = m.config.store_id;
      if (!m.config.terminal_id.empty()) biz["terminal_id"] = m.config.terminal_id;
      int64_t at = UuidV7Ms(request.attempt_key);
      if (at < 0) at = start_ms;
      body = m.Body("alipay.trade.pay", biz, at);
      Impl::Attempt a;
      a.code_hash = code_hash;
      a.amount_fen = request.amount_fen;
      a.pay_body = body;
      m.attempts[request.attempt_key] = a;
    }
    m.attempts[request.attempt_key].sent = true;
  }
  if (repeat) {
    // Never pay twice: ask what happened to the first one.
    return m.Settle(request.attempt_key, deadline_ms, "a repeated Pay for this attempt");
  }

  Answer a = m.Send("alipay.trade.pay", body);
  if (a.not_sent) {
    // Nothing reached Alipay (no route, refused, TLS failed before sending):
    // no money can have been taken, and the till says "offline" at once.
    reply.outcome = PayOutcome::kUnavailable;
    reply.message = "alipay.trade.pay not sent: " + a.why;
    return reply;
  }
  if (a.kind != Answer::kVerified) return m.Settle(request.attempt_key, deadline_ms, a.why);
  const std::string code = a.code();
  const std::string sub = a.sub_code();
  const std::string echoed = Str(a.node, "out_trade_no");
  if (!echoed.empty() && echoed != request.attempt_key) {
    return m.Settle(request.attempt_key, deadline_ms, "Alipay answered about another out_trade_no");
  }
  if (code == "10000") {
    reply.outcome = PayOutcome::kApproved;
    reply.gateway_ref = Str(a.node, "trade_no");
    reply.message = "alipay.trade.pay: paid";
    return reply;
  }
  if (code == "10003") return m.Settle(request.attempt_key, deadline_ms, "等待用户付款 / WAIT_BUYER_PAY");
  if (code == "20000" || sub == "ACQ.SYSTEM_ERROR") return m.Settle(request.attempt_key, deadline_ms, a.Words());
  if (IsRequestRefused(code)) {
    reply.outcome = PayOutcome::kError;
    reply.message = "alipay.trade.pay refused: " + a.Words();
    return reply;
  }
  if (sub == "ACQ.TRADE_HAS_SUCCESS") {
    QueryReply q = m.QueryOnce(request.attempt_key);
    if (q.outcome == QueryOutcome::kApproved) {
      reply.outcome = PayOutcome::kApproved;
      reply.gateway_ref = q.gateway_ref;
      reply.message = "alipay.trade.pay: already paid (confirmed by query)";
      return reply;
    }
    return m.Settle(request.attempt_key, deadline_ms, a.Words());
  }
  reply.outcome = PayOutcome::kDeclined;
  reply.message = "alipay.trade.pay: " + a.Words();
  if (sub == "ACQ.PAYMENT_AUTH_CODE_INVALID") {
    reply.reason = DeclineReason::kCodeInvalid;
  } else if (sub == "ACQ.BUYER_BALANCE_NOT_ENOUGH" || sub == "ACQ.BUYER_BANKCARD_BALANCE_NOT_ENOUGH") {
    reply.reason = DeclineReason::kInsufficientFunds;
  } else {
    reply.reason = DeclineReason::kOther;
  }
  return reply;
}

QueryReply AlipayGateway::Query(const std::string& attempt_key) {
  QueryReply q = impl_->QueryOnce(attempt_key);
  if (q.outcome == QueryOutcome::kDeclined) {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->attempts.find(attempt_key);
    if (it != impl_->attempts.end() && it->second.refunded_by_cancel) {
      q.message = "顾客在撤销前付款，已原路退回 / paid just before the cancel, which refunded it";
    }
  }
  if (q.outcome != QueryOutcome::kNotFound) return q;
  // Close the number, so a trade.pay still in flight cannot take money later.
  Impl::CancelResult c = impl_->CancelLoop(attempt_key);
  if (c.outcome == UndoOutcome::kDone && c.action == "refund") {
    impl_->MarkRefundedByCancel(attempt_key);
    q.outcome = QueryOutcome::kDeclined;
    q.message = "顾客在撤销前付款，已原路退回 / paid just before the cancel, which refunded it";
    return q;
  }
  if (c.outcome != UndoOutcome::kDone) {
    q.outcome = QueryOutcome::kError;
    q.message = "Alipay has no such trade, and closing the number failed (" + c.message + ")";
  }
  return q;
}

UndoReply AlipayGateway::Cancel(const std::string& attempt_key) {
  Impl::CancelResult c = impl_->CancelLoop(attempt_key);
  if (c.outcome == UndoOutcome::kDone && c.action == "refund") impl_->MarkRefundedByCancel(attempt_key);
  UndoReply r;
  r.outcome = c.outcome;
  r.message = c.message;
  return r;
}

UndoReply AlipayGateway::Reverse(const std::string& attempt_key) {
  UndoReply r;
  r.outcome = UndoOutcome::kFailed;
  r.message = "支付宝没有冲正，请用撤销 / Alipay has no reversal: cancel attempt " + attempt_key + " instead";
  return r;
}

UndoReply AlipayGateway::Refund(const std::string& attempt_key, const std::string& refund_key,
                                int64_t amount_fen) {
  Impl& m = *impl_;
  UndoReply r;
  if (refund_key.empty() || amount_fen <= 0) {
    r.outcome = UndoOutcome::kFailed;
    r.message = "a refund needs a refund key and an amount above 0";
    return r;
  }
  std::string body;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    auto it = m.refund_bodies.find(refund_key);
    if (it != m.refund_bodies.end()) {
      body = it->second;
    } else {
      json biz = {{"out_trade_no", attempt_key},
                  {"refund_amount", FormatYuan(Money::Fen(amount_fen))},
                  {"out_request_no", refund_key}};
      body = m.Body("alipay.trade.refund", biz, m.clock.NowMs());
      m.refund_bodies[refund_key] = body;
    }
  }
  const int tries = m.config.cancel_attempts > 0 ? m.config.cancel_attempts : 1;
  for (int i = 0; i < tries; ++i) {
    if (i > 0) m.Sleep(m.config.poll_interval_ms);
    Answer a = m.Send("alipay.trade.refund", body);  // the same body each time: one out_request_no
    if (a.kind != Answer::kVerified) {
      r.outcome = UndoOutcome::kUnavailable;
      r.message = "alipay.trade.refund: " + a.why;
      continue;
    }
    if (a.code() == "10000") {
      r.outcome = UndoOutcome::kDone;
      r.message = "alipay.trade.refund: refunded " + Str(a.node, "refund_fee") +
                  (Str(a.node, "fund_change") == "N" ? " (already refunded under this key)" : "");
      return r;
    }
    r.message = "alipay.trade.refund: " + a.Words();
    if (a.code() == "20000" || a.sub_code() == "ACQ.SYSTEM_ERROR") {
      r.outcome = UndoOutcome::kUnavailable;
      continue;
    }
    r.outcome = UndoOutcome::kFailed;
    return r;
  }
  return r;
}

Result<std::vector<AlipayBillRow>> AlipayGateway::DownloadBill(const std::string& bill_date) {
  Impl& m = *impl_;
  Answer a = m.Call("alipay.data.dataservice.bill.downloadurl.query",
                    json{{"bill_type", "trade"}, {"bill_date", bill_date}});
  if (a.kind != Answer::kVerified) return Status::Unavailable("支付宝对账单地址获取失败 / " + a.why);
  if (a.code() != "10000") {
    return Status::FailedPrecondition("支付宝拒绝提供对账单 / Alipay refused the statement for " + bill_date +
                                      ": " + a.Words());
  }
  const std::string url = Str(a.node, "bill_download_url");
  if (url.empty()) return Status::Unavailable("Alipay gave no bill_download_url");
  sync::HttpRequest req;
  req.method = "GET";
  req.url = url;
  Result<sync::HttpResponse> res = [&] {
    std::lock_guard<std::mutex> lock(m.transport_mu);
    return m.transport.Send(req);
  }();
  if (!res.ok()) return Status::Unavailable("could not fetch the Alipay statement: " + res.status().message());
  if (res->status != 200) {
    return Status::Unavailable("fetching the Alipay statement got HTTP " + std::to_string(res->status));
  }
  return ParseAlipayBillFile(res->body);
}

}  // namespace linli::payments
