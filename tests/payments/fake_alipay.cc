#include "payments/fake_alipay.h"

#include <httplib.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "linli/payments/alipay_gateway.h"
#include "linli/pos/crypto.h"
#include "linli/pos/money.h"

namespace linli::testing {
namespace {

using nlohmann::json;

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size()) {
      auto h = HexDecode(s.substr(i + 1, 2));
      if (h.ok()) {
        out += *h;
        i += 2;
      } else {
        out += s[i];
      }
    } else {
      out += s[i];
    }
  }
  return out;
}

std::map<std::string, std::string> ParseForm(const std::string& body) {
  std::map<std::string, std::string> p;
  size_t pos = 0;
  while (pos <= body.size()) {
    size_t amp = body.find('&', pos);
    if (amp == std::string::npos) amp = body.size();
    const std::string part = body.substr(pos, amp - pos);
    const size_t eq = part.find('=');
    if (eq != std::string::npos) p[PercentDecode(part.substr(0, eq))] = PercentDecode(part.substr(eq + 1));
    if (amp == body.size()) break;
    pos = amp + 1;
  }
  return p;
}

std::string Scenario(const std::string& code) { return code.size() >= 2 ? code.substr(code.size() - 2) : "00"; }

json Fail(const char* code, const char* msg, const std::string& sub_code, const std::string& sub_msg) {
  return json{{"code", code}, {"msg", msg}, {"sub_code", sub_code}, {"sub_msg", sub_msg}};
}
json Biz(const std::string& sub_code, const std::string& sub_msg) {
  return Fail("40004", "Business Failed", sub_code, sub_msg);
}

}  // namespace

class FakeAlipay::Server : public httplib::Server {};

FakeAlipay::FakeAlipay(std::string app_id, std::string app_public_pem)
    : app_id_(std::move(app_id)), app_public_pem_(std::move(app_public_pem)) {
  RsaKeyPairPem own = GenerateRsa(2048).value();
  alipay_public_pem_ = own.public_spki;
  alipay_private_pem_ = own.private_pkcs8;
  wrong_private_pem_ = GenerateRsa(2048).value().private_pkcs8;
  server_ = std::make_unique<Server>();
  server_->Post("/gateway.do", [this](const httplib::Request& req, httplib::Response& res) {
    int64_t delay = 0;
    std::string answer = Handle(req.body);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (answer.rfind("DELAY:", 0) == 0) {
        delay = delay_ms_;
        answer = answer.substr(6);
      }
    }
    if (delay > 0) std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    res.set_content(answer, "application/json;charset=utf-8");
  });
  server_->Get(R"(/bill/(\d{4}-\d{2}-\d{2})\.csv)", [this](const httplib::Request&, httplib::Response& res) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!bill_file_.empty()) {
      res.set_content(bill_file_, "application/octet-stream");
      return;
    }
    std::string csv =
        "#支付宝业务明细查询\n#账号：[20880000000000000156]\n"
        "#-----------------------------------------业务明细列表----------------------------------------\n"
        "支付宝交易号,商户订单号,业务类型,商品名称,创建时间,完成时间,门店编号,门店名称,操作员,终端号,对方账户,"
        "订单金额（元）,商家实收（元）,支付宝红包（元）,集分宝（元）,支付宝优惠（元）,商家优惠（元）,券核销金额（元）,"
        "券名称,商家红包消费金额（元）,卡消费金额（元）,退款批次号/请求号,服务费（元）,分润（元）,备注\n";
    for (const auto& [key, t] : trades_) {
      if (!t.was_paid) continue;
      const std::string amount = FormatYuan(Money::Fen(t.total_fen));
      csv += t.trade_no + "\t," + key + "\t,交易,linli,2026-12-04 10:00:00,2026-12-04 10:00:05,,,,,159****5620," +
             amount + "," + amount + ",0.00,0.00,0.00,0.00,0.00,,0.00,0.00,,-0.02,0.00,\n";
      for (const auto& [req_no, fen] : t.refunds) {
        const std::string r = FormatYuan(Money::Fen(-fen));
        csv += t.trade_no + "\t," + key + "\t,退款,linli,2026-12-04 10:00:00,2026-12-04 11:00:00,,,,,159****5620," +
               r + "," + r + ",0.00,0.00,0.00,0.00,0.00,,0.00,0.00," + req_no + ",0.00,0.00,\n";
      }
    }
    csv += "#-----------------------------------------业务明细列表结束------------------------------------\n"
           "#导出时间：[2026年12月05日 09:00:00]\n";
    res.set_content(csv, "text/csv;charset=utf-8");
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  for (int i = 0; i < 500 && !server_->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

FakeAlipay::~FakeAlipay() {
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

std::string FakeAlipay::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/gateway.do"; }

void FakeAlipay::ExpectAppAuthToken(std::string token) {
  std::lock_guard<std::mutex> lock(mu_);
  expect_token_ = std::move(token);
}
void FakeAlipay::SetTamperAnswers(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  tamper_ = on;
}
void FakeAlipay::SetStripSignatures(bool on) {
  std::lock_guard<std::mutex> lock(mu_);
  strip_ = on;
}
void FakeAlipay::SetBillFile(std::string bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  bill_file_ = std::move(bytes);
}
void FakeAlipay::SetDelayMs(int64_t ms) {
  std::lock_guard<std::mutex> lock(mu_);
  delay_ms_ = ms;
}

std::vector<FakeAlipay::Request> FakeAlipay::Requests() const {
  std::lock_guard<std::mutex> lock(mu_);
  return requests_;
}
std::vector<FakeAlipay::Request> FakeAlipay::RequestsFor(const std::string& out_trade_no) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Request> out;
  for (const Request& r : requests_) {
    if (r.out_trade_no == out_trade_no) out.push_back(r);
  }
  return out;
}
int FakeAlipay::CountOf(const std::string& method, const std::string& out_trade_no) const {
  int n = 0;
  for (const Request& r : RequestsFor(out_trade_no)) n += r.method == method;
  return n;
}
std::string FakeAlipay::TradeStatus(const std::string& out_trade_no) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = trades_.find(out_trade_no);
  return it == trades_.end() ? "" : it->second.status;
}
int64_t FakeAlipay::RefundedFen(const std::string& out_trade_no) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = trades_.find(out_trade_no);
  return it == trades_.end() ? 0 : it->second.refunded_fen;
}
int64_t FakeAlipay::PaidFen(const std::string& out_trade_no) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = trades_.find(out_trade_no);
  return it == trades_.end() || !it->second.was_paid ? 0 : it->second.total_fen - it->second.refunded_fen;
}

// One request in, one signed answer out (prefixed "DELAY:" to be held back).
std::string FakeAlipay::Handle(const std::string& body) {
  std::map<std::string, std::string> p = ParseForm(body);
  const std::string method = p["method"];
  json biz = json::parse(p["biz_content"], nullptr, false);
  if (!biz.is_object()) biz = json::object();
  const std::string out_trade_no = biz.value("out_trade_no", std::string());

  std::lock_guard<std::mutex> lock(mu_);
  Request rec;
  rec.method = method;
  rec.out_trade_no = out_trade_no;
  rec.body = body;
  const std::string sign = p["sign"];
  auto sig = Base64Decode(sign);
  auto app_key = RsaKey::Public(app_public_pem_);
  rec.signature_ok = !sign.empty() && sig.ok() && app_key.ok() &&
                     app_key->VerifySha256(payments::AlipayGateway::SignContent(p), *sig);
  requests_.push_back(rec);

  std::string node_name = method.empty() ? std::string("error_response") : method;
  for (char& c : node_name) {
    if (c == '.') c = '_';
  }
  if (!method.empty()) node_name += "_response";
  bool delay = false;

  auto reply = [&](const json& node) {
    const std::string text = node.dump();
    const std::string& key_pem = tamper_ ? wrong_private_pem_ : alipay_private_pem_;
    const std::string s = Base64Encode(RsaKey::Private(key_pem)->SignSha256(text).value());
    std::string out = "{\"" + node_name + "\":" + text;
    if (!strip_) out += ",\"sign\":\"" + s + "\"";
    out += "}";
    return (delay ? "DELAY:" : "") + out;
  };

  // The gateway's own checks, before any business.
  if (sign.empty()) return reply(Fail("40001", "Missing Required Arguments", "isv.missing-signature", "缺少签名参数"));
  if (p["app_id"] != app_id_) return reply(Fail("40002", "Invalid Arguments", "isv.invalid-app-id", "无效的AppID参数"));
  if (p["sign_type"] != "RSA2") {
    return reply(Fail("40002", "Invalid Arguments", "isv.invalid-signature-type", "无效的签名类型"));
  }
  if (p["charset"] != "utf-8" || p["version"] != "1.0" || p["format"] != "JSON" || p["timestamp"].size() != 19) {
    return reply(Fail("40002", "Invalid Arguments", "isv.invalid-parameter", "公共参数不正确"));
  }
  if (!rec.signature_ok) return reply(Fail("40002", "Invalid Arguments", "isv.invalid-signature", "验签出错"));
  if (p["app_auth_token"] != expect_token_) {
    return reply(Fail("20001", "Insufficient Token Permissions", "aop.invalid-app-auth-token", "无效的应用授权令牌"));
  }

  if (method == "alipay.trade.pay") {
    const std::string code = biz.value("auth_code", std::string());
    auto amount = ParseYuan(biz.value("total_amount", std::string()));
    if (biz.value("scene", std::string()) != "bar_code" || code.empty() || out_trade_no.empty() || !amount.ok() ||
        amount->fen() <= 0) {
      return reply(Biz("ACQ.INVALID_PARAMETER", "参数无效"));
    }
    if (closed_.count(out_trade_no)) return reply(Biz("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"));
    auto it = trades_.find(out_trade_no);
    if (it != trades_.end()) {
      if (it->second.status == "TRADE_SUCCESS") return reply(Biz("ACQ.TRADE_HAS_SUCCESS", "交易已被支付"));
      if (it->second.status == "TRADE_CLOSED") return reply(Biz("ACQ.TRADE_HAS_CLOSE", "交易已经关闭"));
      return reply(json{{"code", "10003"}, {"msg", " order success pay inprocess"}, {"out_trade_no", out_trade_no},
                        {"trade_no", it->second.trade_no}});
    }
    if (used_codes_.count(code)) return reply(Biz("ACQ.PAYMENT_AUTH_CODE_INVALID", "支付失败，获取顾客账户信息失败"));
    const std::string sc = Scenario(code);
    if (sc == "40") return reply(Biz("ACQ.BUYER_BALANCE_NOT_ENOUGH", "买家余额不足"));
    if (sc == "41") return reply(Biz("ACQ.PAYMENT_AUTH_CODE_INVALID", "支付失败，获取顾客账户信息失败"));
    if (sc == "20") return reply(Fail("20000", "Service Currently Unavailable", "aop.ACQ.SYSTEM_ERROR", "系统繁忙"));
    Trade t;
    t.auth_code = code;
    t.scenario = sc;
    t.total_fen = amount->fen();
    char no[40];
    std::snprintf(no, sizeof no, "2026120422001%011lld", static_cast<long long>(next_trade_++));
    t.trade_no = no;
    const bool waits = sc == "10" || sc == "11" || sc == "12" || sc == "13";
    t.status = waits ? "WAIT_BUYER_PAY" : "TRADE_SUCCESS";
    t.was_paid = !waits;
    if (t.was_paid) used_codes_.insert(code);
    trades_[out_trade_no] = t;
    if (sc == "21") return reply(Fail("20000", "Service Currently Unavailable", "aop.ACQ.SYSTEM_ERROR", "系统繁忙"));
    if (waits) {
      return reply(json{{"code", "10003"}, {"msg", " order success pay inprocess"}, {"out_trade_no", out_trade_no},
                        {"trade_no", t.trade_no}, {"total_amount", biz["total_amount"]}});
    }
    delay = sc == "30";
    return reply(json{{"code", "10000"}, {"msg", "Success"}, {"out_trade_no", out_trade_no}, {"trade_no", t.trade_no},
                      {"buyer_logon_id", "159****5620"}, {"total_amount", biz["total_amount"]},
                      {"receipt_amount", biz["total_amount"]}, {"gmt_payment", "2026-12-04 10:00:05"}});
  }

  if (method == "alipay.trade.query") {
    auto it = trades_.find(out_trade_no);
    if (it == trades_.end()) return reply(Biz("ACQ.TRADE_NOT_EXIST", "交易不存在"));
    Trade& t = it->second;
    ++t.queries;
    if (t.scenario == "10" && t.status == "WAIT_BUYER_PAY" && t.queries >= 2) {
      t.status = "TRADE_SUCCESS";
      t.was_paid = true;
      used_codes_.insert(t.auth_code);
    }
    return reply(json{{"code", "10000"}, {"msg", "Success"}, {"out_trade_no", out_trade_no}, {"trade_no", t.trade_no},
                      {"trade_status", t.status}, {"total_amount", FormatYuan(Money::Fen(t.total_fen))}});
  }

  if (method == "alipay.trade.cancel") {
    auto it = trades_.find(out_trade_no);
    if (it == trades_.end()) {
      closed_.insert(out_trade_no);
      return reply(json{{"code", "10000"}, {"msg", "Success"}, {"out_trade_no", out_trade_no}, {"retry_flag", "N"}});
    }
    Trade& t = it->second;
    ++t.cancels;
    if (t.scenario == "13" && t.cancels == 1) {
      json f = Biz("ACQ.SYSTEM_ERROR", "系统错误");
      f["retry_flag"] = "Y";
      return reply(f);
    }
    if (t.scenario == "12" && t.status == "WAIT_BUYER_PAY") {  // paid just now
      t.status = "TRADE_SUCCESS";
      t.was_paid = true;
    }
    std::string action;
    if (t.status == "WAIT_BUYER_PAY") {
      action = "close";
    } else if (t.status == "TRADE_SUCCESS") {
      action = "refund";
      t.refunded_fen = t.total_fen;
      t.refunds["cancel"] = t.total_fen;
    }
    t.status = "TRADE_CLOSED";
    json ok = {{"code", "10000"}, {"msg", "Success"}, {"out_trade_no", out_trade_no}, {"trade_no", t.trade_no},
               {"retry_flag", "N"}};
    if (!action.empty()) ok["action"] = action;
    return reply(ok);
  }

  if (method == "alipay.trade.refund") {
    auto it = trades_.find(out_trade_no);
    if (it == trades_.end()) return reply(Biz("ACQ.TRADE_NOT_EXIST", "交易不存在"));
    Trade& t = it->second;
    const std::string req_no = biz.value("out_request_no", std::string());
    auto amount = ParseYuan(biz.value("refund_amount", std::string()));
    if (req_no.empty() || !amount.ok() || amount->fen() <= 0) return reply(Biz("ACQ.INVALID_PARAMETER", "参数无效"));
    auto done = t.refunds.find(req_no);
    if (done != t.refunds.end()) {
      return reply(json{{"code", "10000"}, {"msg", "Success"}, {"out_trade_no", out_trade_no},
                        {"trade_no", t.trade_no}, {"fund_change", "N"},
                        {"refund_fee", FormatYuan(Money::Fen(t.refunded_fen))}});
    }
    if (t.status != "TRADE_SUCCESS") return reply(Biz("ACQ.TRADE_STATUS_ERROR", "交易状态不合法"));
    if (t.refunded_fen + amount->fen() > t.total_fen) return reply(Biz("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"));
    t.refunds[req_no] = amount->fen();
    t.refunded_fen += amount->fen();
    return reply(json{{"code", "10000"}, {"msg", "Success"}, {"out_trade_no", out_trade_no}, {"trade_no", t.trade_no},
                      {"fund_change", "Y"}, {"refund_fee", FormatYuan(Money::Fen(t.refunded_fen))}});
  }

  if (method == "alipay.data.dataservice.bill.downloadurl.query") {
    const std::string date = biz.value("bill_date", std::string());
    if (biz.value("bill_type", std::string()) != "trade" || date.size() != 10) {
      return reply(Biz("isp.bill_not_exist", "账单不存在"));
    }
    return reply(json{{"code", "10000"}, {"msg", "Success"},
                      {"bill_download_url", "http://127.0.0.1:" + std::to_string(port_) + "/bill/" + date + ".csv"}});
  }

  return reply(Fail("40004", "Business Failed", "isv.invalid-method", "不存在的方法名"));
}

}  // namespace linli::testing
