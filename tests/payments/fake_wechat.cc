#include "payments/fake_wechat.h"

#include <httplib.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <chrono>
#include <stdexcept>

#include "linli/payments/wechat_format.h"

namespace linli::testing {

namespace wx = linli::payments::wechat;

// ---- Test PKI ----------------------------------------------------------------

namespace {

struct KeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CertFree {
  void operator()(X509* p) const { X509_free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;
using Cert = std::unique_ptr<X509, CertFree>;

Key NewKey() {
  Key k(EVP_EC_gen("P-256"));
  if (!k) throw std::runtime_error("test PKI: cannot make an EC key");
  return k;
}

void AddExt(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) throw std::runtime_error("test PKI: bad extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

Cert NewCert(EVP_PKEY* key, const char* cn, X509* issuer, EVP_PKEY* issuer_key, const char* kind) {
  static long serial = 1;
  Cert c(X509_new());
  X509_set_version(c.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(c.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(c.get()), 7 * 24 * 3600);
  X509_set_pubkey(c.get(), key);
  X509_NAME* name = X509_get_subject_name(c.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(cn), -1, -1, 0);
  X509_set_issuer_name(c.get(), issuer ? X509_get_subject_name(issuer) : name);
  X509* iss = issuer ? issuer : c.get();
  if (std::string(kind) == "ca") {
    AddExt(c.get(), iss, NID_basic_constraints, "critical,CA:TRUE");
    AddExt(c.get(), iss, NID_key_usage, "critical,keyCertSign,cRLSign");
    AddExt(c.get(), iss, NID_subject_key_identifier, "hash");
  } else {
    AddExt(c.get(), iss, NID_basic_constraints, "critical,CA:FALSE");
    AddExt(c.get(), iss, NID_key_usage, "critical,digitalSignature");
    if (std::string(kind) == "server") {
      AddExt(c.get(), iss, NID_ext_key_usage, "serverAuth");
      AddExt(c.get(), iss, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    } else {
      AddExt(c.get(), iss, NID_ext_key_usage, "clientAuth");
    }
  }
  if (X509_sign(c.get(), issuer_key ? issuer_key : key, EVP_sha256()) == 0) {
    throw std::runtime_error("test PKI: cannot sign");
  }
  return c;
}

std::string CertPem(X509* c) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(b, c);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  std::string s(data, static_cast<size_t>(n));
  BIO_free(b);
  return s;
}

std::string KeyPem(EVP_PKEY* k) {
  BIO* b = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b, &data);
  std::string s(data, static_cast<size_t>(n));
  BIO_free(b);
  return s;
}

}  // namespace

TestPki MakeTestPki() {
  TestPki p;
  Key ca_key = NewKey();
  Cert ca = NewCert(ca_key.get(), "Linli test CA", nullptr, nullptr, "ca");
  Key server_key = NewKey();
  Cert server = NewCert(server_key.get(), "127.0.0.1", ca.get(), ca_key.get(), "server");
  Key client_key = NewKey();
  Cert client = NewCert(client_key.get(), "10000100", ca.get(), ca_key.get(), "client");
  Key other_ca_key = NewKey();
  Cert other_ca = NewCert(other_ca_key.get(), "Someone else's CA", nullptr, nullptr, "ca");
  Key stranger_key = NewKey();
  Cert stranger = NewCert(stranger_key.get(), "10000100", other_ca.get(), other_ca_key.get(), "client");
  p.ca_cert = CertPem(ca.get());
  p.server_cert = CertPem(server.get());
  p.server_key = KeyPem(server_key.get());
  p.client_cert = CertPem(client.get());
  p.client_key = KeyPem(client_key.get());
  p.stranger_cert = CertPem(stranger.get());
  p.stranger_key = KeyPem(stranger_key.get());
  return p;
}

// ---- The fake ----------------------------------------------------------------

namespace {

struct FakeOrder {
  std::string auth_code;
  std::string first_body;
  std::string scenario;  // the code's last two digits
  int64_t total_fen = 0;
  std::string trade_state;  // "" until processed
  std::string err_code, err_des;  // of a failed micropay
  std::string transaction_id;
  std::string time_end;
  int queries = 0;
  int reverses = 0;
  bool reversed_after_payment = false;
  int64_t refunded_fen = 0;
  int refunds = 0;
};

struct FakeRefund {
  std::string out_trade_no;
  std::string refund_id;
  int64_t fee = 0;
  std::string first_body;
  std::string time;
};

X509* LoadCert(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* c = PEM_read_bio_X509(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  return c;
}

EVP_PKEY* LoadKey(const std::string& pem) {
  BIO* b = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* k = PEM_read_bio_PrivateKey(b, nullptr, nullptr, nullptr);
  BIO_free(b);
  return k;
}

std::string Get(const wx::Params& p, const char* name) {
  auto it = p.find(name);
  return it == p.end() ? std::string() : it->second;
}

}  // namespace

struct FakeWechatPay::State {
  Options options;
  TestPki pki;
  std::unique_ptr<httplib::SSLServer> server;
  std::thread thread;
  int port = 0;

  mutable std::mutex mu;
  std::vector<Request> requests;
  std::map<std::string, std::vector<std::string>> micropay_bodies;
  std::map<std::string, FakeOrder> orders;          // by out_trade_no
  std::map<std::string, FakeRefund> refunds;        // by out_refund_no
  std::map<std::string, std::string> used_codes;    // auth_code → out_trade_no
  std::vector<std::string> violations;
  int bad_signatures = 0;
  int refused_without_cert = 0;
  int serial = 0;
  bool slow_next_refund = false;
  std::string raw;  // the body of the request being handled

  std::string NextTime() {
    const int s = 100000 + serial;  // HHMMSS from 10:00:00, one second per event
    return options.bill_date + std::to_string(s);
  }
  std::string NextTransaction() {
    ++serial;
    std::string n = std::to_string(serial);
    return "42000000" + options.bill_date + std::string(12 - n.size(), '0') + n;
  }

  // Common answer fields, signed with `type` (or signed wrongly).
  std::string Answer(wx::Params p, wx::SignType type, bool sign_wrongly = false) {
    p["return_code"] = "SUCCESS";
    p["return_msg"] = "OK";
    p["appid"] = options.appid;
    p["mch_id"] = options.mch_id;
    if (!options.sub_mch_id.empty()) p["sub_mch_id"] = options.sub_mch_id;
    if (!options.sub_appid.empty()) p["sub_appid"] = options.sub_appid;
    p["nonce_str"] = "fake" + std::to_string(++serial);
    p["sign"] = wx::Sign(p, options.api_key, type);
    if (sign_wrongly) p["sign"][0] = p["sign"][0] == 'A' ? 'B' : 'A';
    return wx::EncodeXml(p);
  }
  static std::string Refuse(const std::string& msg) {
    return wx::EncodeXml({{"return_code", "FAIL"}, {"return_msg", msg}});
  }
  wx::Params Fail(const std::string& code, const std::string& des) {
    return {{"result_code", "FAIL"}, {"err_code", code}, {"err_code_des", des}};
  }

  wx::Params OrderFields(const std::string& out_trade_no, const FakeOrder& o) {
    wx::Params p = {{"result_code", "SUCCESS"}, {"out_trade_no", out_trade_no}, {"trade_type", "MICROPAY"},
                    {"total_fee", std::to_string(o.total_fen)}, {"fee_type", "CNY"}};
    if (!o.transaction_id.empty()) {
      p["transaction_id"] = o.transaction_id;
      p["time_end"] = o.time_end;
      p["openid"] = "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o";
      p["bank_type"] = "OTHERS";
      p["cash_fee"] = std::to_string(o.total_fen);
    }
    return p;
  }
  void Pay(FakeOrder& o) {
    o.trade_state = "SUCCESS";
    o.transaction_id = NextTransaction();
    o.time_end = NextTime();
  }

  // The whole of one request, under mu. `slow` set: answer after slow_ms.
  std::string Handle(const std::string& path, const httplib::Request& req, bool* slow) {
    Request rec;
    rec.path = path;
    rec.body = req.body;
    raw = req.body;
    rec.client_cert = req.ssl && SSL_get0_peer_certificate(req.ssl) != nullptr &&
                      SSL_get_verify_result(req.ssl) == X509_V_OK;
    auto parsed = wx::DecodeXml(req.body);
    if (!parsed.ok()) {
      requests.push_back(rec);
      return Refuse("XML格式错误");
    }
    const wx::Params& in = *parsed;
    rec.out_trade_no = Get(in, "out_trade_no");
    const std::string st = Get(in, "sign_type");
    const auto type = st.empty() ? std::optional<wx::SignType>(wx::SignType::kMd5) : wx::ParseSignType(st);
    rec.signature_ok = type && st != "md5" && st != "hmac-sha256" && wx::VerifySign(in, options.api_key, *type);
    requests.push_back(rec);
    if (!rec.signature_ok) {
      ++bad_signatures;
      return Refuse("签名错误");
    }
    if (Get(in, "appid") != options.appid || Get(in, "mch_id") != options.mch_id) {
      return Refuse("appid和mch_id不匹配");
    }
    if (Get(in, "sub_mch_id") != options.sub_mch_id) {
      return Refuse(options.sub_mch_id.empty() ? "本商户不是服务商，不能传sub_mch_id" : "sub_mch_id参数缺失或错误");
    }
    if (Get(in, "sub_appid") != options.sub_appid) return Refuse("sub_appid参数错误");
    const std::string nonce = Get(in, "nonce_str");
    if (nonce.empty() || nonce.size() > 32) return Refuse("nonce_str参数长度有误");
    if (path.rfind("/secapi/", 0) == 0 && !rec.client_cert) {
      ++refused_without_cert;
      return Refuse("证书错误：请求未带商户API证书");
    }
    if (path == "/pay/micropay") return Micropay(in, *type, slow);
    if (path == "/pay/orderquery") return OrderQuery(in, *type);
    if (path == "/secapi/pay/reverse") return Reverse(in, *type, slow);
    if (path == "/secapi/pay/refund") return DoRefund(in, *type, slow);
    if (path == "/pay/refundquery") return RefundQuery(in, *type);
    if (path == "/pay/downloadbill") return Bill(in);
    return Refuse("未知接口");
  }

  std::string Micropay(const wx::Params& in, wx::SignType type, bool* slow) {
    const std::string no = Get(in, "out_trade_no");
    const std::string code = Get(in, "auth_code");
    for (const char* need : {"body", "out_trade_no", "total_fee", "spbill_create_ip", "auth_code"}) {
      if (Get(in, need).empty()) return Answer(Fail("LACK_PARAMS", std::string("缺少参数") + need), type);
    }
    if (no.size() > 32) return Answer(Fail("PARAM_ERROR", "out_trade_no长度超过32"), type);
    micropay_bodies[no].push_back(raw);
    auto it = orders.find(no);
    if (it != orders.end()) {
      FakeOrder& o = it->second;
      if (!o.first_body.empty() && o.first_body != raw) {
        violations.push_back("out_trade_no " + no + " was sent again with a different body");
      }
      if (o.auth_code.empty()) return Answer(Fail("ORDERREVERSED", "订单已撤销"), type);
      if (o.auth_code != code || std::to_string(o.total_fen) != Get(in, "total_fee")) {
        return Answer(Fail("OUT_TRADE_NO_USED", "商户订单号重复"), type);
      }
      if (o.trade_state.empty()) {
        // 09: the first one was lost; this one goes through.
        Pay(o);
        wx::Params p = OrderFields(no, o);
        return Answer(p, type);
      }
      if (o.trade_state == "SUCCESS" || o.trade_state == "REFUND") return Answer(Fail("ORDERPAID", "订单已支付"), type);
      if (o.trade_state == "REVOKED") return Answer(Fail("ORDERREVERSED", "订单已撤销"), type);
      if (o.trade_state == "USERPAYING") return Answer(Fail("USERPAYING", "需要用户输入支付密码"), type);
      return Answer(Fail(o.err_code.empty() ? "ORDERCLOSED" : o.err_code, o.err_des), type);
    }
    auto used = used_codes.find(code);
    if (used != used_codes.end()) {
      return Answer(Fail("AUTHCODEEXPIRE", "每个二维码仅限使用一次，请刷新再试"), type);
    }
    used_codes[code] = no;
    FakeOrder& o = orders[no];
    o.auth_code = code;
    o.first_body = raw;
    o.total_fen = std::atoll(Get(in, "total_fee").c_str());
    o.scenario = code.size() >= 2 ? code.substr(code.size() - 2) : "00";
    const std::string& s = o.scenario;
    auto decline = [&](const char* err, const char* des) {
      o.trade_state = "PAYERROR";
      o.err_code = err;
      o.err_des = des;
      return Answer(Fail(err, des), type);
    };
    if (s == "01" || s == "07" || s == "08" || s == "14") {
      o.trade_state = "USERPAYING";
      return Answer(Fail("USERPAYING", "需要用户输入支付密码"), type);
    }
    if (s == "02") {
      Pay(o);
      return Answer(Fail("SYSTEMERROR", "系统超时"), type);
    }
    if (s == "03") {
      Pay(o);
      *slow = true;
      return Answer(OrderFields(no, o), type);
    }
    if (s == "04") return decline("NOTENOUGH", "余额不足");
    if (s == "05") return decline("AUTHCODEEXPIRE", "二维码已过期，请用户在微信上刷新后再试");
    if (s == "06") return decline("AUTH_CODE_INVALID", "请扫描微信支付授权码");
    if (s == "09") {
      o.trade_state.clear();  // lost: nothing made
      *slow = true;
      return Refuse("lost");
    }
    if (s == "10") return decline("TRADE_ERROR", "交易错误");
    if (s == "11") {
      Pay(o);
      return Answer(Fail("TRADE_ERROR", "交易错误"), type);
    }
    if (s == "12") {
      o.trade_state = "PAYERROR";
      o.err_code = "TRADE_ERROR";
      o.err_des = "交易错误";
      wx::Params p = OrderFields(no, o);
      p["transaction_id"] = "4200000000000000000000000012";
      return Answer(p, type, /*sign_wrongly=*/true);
    }
    Pay(o);
    return Answer(OrderFields(no, o), type, s == "13");
  }

  std::string OrderQuery(const wx::Params& in, wx::SignType type) {
    const std::string no = Get(in, "out_trade_no");
    auto it = orders.find(no);
    if (it == orders.end() || (it->second.trade_state.empty() && !it->second.auth_code.empty())) {
      return Answer(Fail("ORDERNOTEXIST", "此交易订单号不存在"), type);
    }
    FakeOrder& o = it->second;
    ++o.queries;
    if (o.scenario == "01" && o.trade_state == "USERPAYING" && o.queries >= 2) Pay(o);
    wx::Params p = OrderFields(no, o);
    p["trade_state"] = o.trade_state;
    p["trade_state_desc"] = o.trade_state == "SUCCESS" ? "支付成功" : o.trade_state == "USERPAYING" ? "用户支付中" :
                            o.trade_state == "REVOKED" ? "已撤销" : o.trade_state == "REFUND" ? "转入退款" : "支付失败";
    return Answer(p, type, o.scenario == "13");
  }

  std::string Reverse(const wx::Params& in, wx::SignType type, bool* slow) {
    const std::string no = Get(in, "out_trade_no");
    auto it = orders.find(no);
    if (it == orders.end() || (it->second.trade_state.empty() && !it->second.auth_code.empty())) {
      FakeOrder& closed = orders[no];
      closed.auth_code.clear();  // a late micropay with this number is refused
      closed.trade_state = "REVOKED";
      return Answer(Fail("ORDERNOTEXIST", "订单不存在"), type);
    }
    FakeOrder& o = it->second;
    ++o.reverses;
    if ((o.scenario == "08" || o.scenario == "14") && o.reverses == 1 && o.trade_state == "USERPAYING") {
      Pay(o);  // the customer confirms just now
      if (o.scenario == "08") {
        wx::Params p = Fail("SYSTEMERROR", "系统繁忙，请稍后再试");
        p["recall"] = "Y";
        return Answer(p, type);
      }
    }
    if (o.scenario == "14") {
      *slow = true;
      return Refuse("lost");
    }
    if (o.trade_state == "SUCCESS" || o.trade_state == "REFUND") {
      o.reversed_after_payment = true;
      o.refunded_fen = o.total_fen;
    }
    o.trade_state = "REVOKED";
    return Answer({{"result_code", "SUCCESS"}, {"recall", "N"}}, type, o.scenario == "13");
  }

  std::string DoRefund(const wx::Params& in, wx::SignType type, bool* slow) {
    const std::string no = Get(in, "out_trade_no");
    const std::string rno = Get(in, "out_refund_no");
    const int64_t fee = std::atoll(Get(in, "refund_fee").c_str());
    if (rno.empty() || fee <= 0) return Answer(Fail("PARAM_ERROR", "缺少参数out_refund_no或refund_fee"), type);
    auto rit = refunds.find(rno);
    if (rit != refunds.end()) {
      FakeRefund& r = rit->second;
      if (r.first_body != raw) {
        violations.push_back("out_refund_no " + rno + " was sent again with a different body");
      }
      if (r.fee != fee || r.out_trade_no != no) {
        return Answer(Fail("INVALID_REQUEST", "订单金额或退款金额与之前请求不一致，请核实后再试"), type);
      }
      return Answer({{"result_code", "SUCCESS"}, {"out_trade_no", no}, {"out_refund_no", rno},
                     {"refund_id", r.refund_id}, {"refund_fee", std::to_string(fee)}},
                    type);
    }
    auto it = orders.find(no);
    if (it == orders.end() || it->second.transaction_id.empty()) {
      return Answer(Fail("ORDERNOTEXIST", "订单不存在"), type);
    }
    FakeOrder& o = it->second;
    if (o.trade_state != "SUCCESS" && o.trade_state != "REFUND") {
      return Answer(Fail("TRADE_STATE_ERROR", "订单状态错误"), type);
    }
    if (Get(in, "total_fee") != std::to_string(o.total_fen)) {
      return Answer(Fail("PARAM_ERROR", "订单金额与实际金额不符"), type);
    }
    if (o.refunded_fen + fee > o.total_fen) return Answer(Fail("INVALID_REQUEST", "累计退款金额大于支付金额"), type);
    o.refunded_fen += fee;
    ++o.refunds;
    o.trade_state = "REFUND";
    FakeRefund& r = refunds[rno];
    r.out_trade_no = no;
    r.fee = fee;
    r.refund_id = "50000000" + options.bill_date + std::to_string(100000 + ++serial);
    r.first_body = raw;
    r.time = NextTime();
    if (slow_next_refund) {
      slow_next_refund = false;
      *slow = true;
    }
    return Answer({{"result_code", "SUCCESS"}, {"out_trade_no", no}, {"out_refund_no", rno},
                   {"transaction_id", o.transaction_id}, {"refund_id", r.refund_id},
                   {"refund_fee", std::to_string(fee)}, {"total_fee", std::to_string(o.total_fen)}},
                  type);
  }

  std::string RefundQuery(const wx::Params& in, wx::SignType type) {
    auto it = refunds.find(Get(in, "out_refund_no"));
    if (it == refunds.end()) return Answer(Fail("REFUNDNOTEXIST", "退款订单查询失败"), type);
    const FakeRefund& r = it->second;
    return Answer({{"result_code", "SUCCESS"}, {"out_trade_no", r.out_trade_no}, {"refund_count", "1"},
                   {"out_refund_no_0", it->first}, {"refund_id_0", r.refund_id},
                   {"refund_fee_0", std::to_string(r.fee)}, {"refund_status_0", "SUCCESS"}},
                  type);
  }

  std::string Bill(const wx::Params& in) {
    if (Get(in, "bill_date") != options.bill_date) {
      return wx::EncodeXml({{"return_code", "FAIL"}, {"return_msg", "No Bill Exist"}, {"error_code", "20002"}});
    }
    auto join = [](const std::vector<std::string>& f, bool quote) {
      std::string s;
      for (size_t i = 0; i < f.size(); ++i) s += (i ? "," : "") + std::string(quote ? "`" : "") + f[i];
      return s + "\r\n";
    };
    auto when = [](const std::string& t) {  // yyyyMMddHHmmss → "yyyy-MM-dd HH:mm:ss"
      return t.substr(0, 4) + "-" + t.substr(4, 2) + "-" + t.substr(6, 2) + " " + t.substr(8, 2) + ":" +
             t.substr(10, 2) + ":" + t.substr(12, 2);
    };
    std::string text = "\xEF\xBB\xBF" + join(wx::kBillColumns, false);
    int64_t count = 0, settle = 0, refunded = 0;
    for (const auto& [no, o] : orders) {
      if (o.transaction_id.empty()) continue;
      text += join({when(o.time_end), options.appid, options.mch_id, options.sub_mch_id, "", o.transaction_id, no,
                    "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "MICROPAY", "SUCCESS", "OTHERS", "CNY", wx::FormatYuan(o.total_fen),
                    "0.00", "0", "0", "0.00", "0.00", "", "", "linli", "", "0.00000", "0.60%",
                    wx::FormatYuan(o.total_fen), "0.00", ""},
                   true);
      ++count;
      settle += o.total_fen;
      if (o.reversed_after_payment) {
        text += join({when(o.time_end), options.appid, options.mch_id, options.sub_mch_id, "", o.transaction_id, no,
                      "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "MICROPAY", "REVOKED", "OTHERS", "CNY",
                      wx::FormatYuan(o.total_fen), "0.00", "5000000000000000000000000000", "REVOKE" + no,
                      wx::FormatYuan(o.total_fen), "0.00", "ORIGINAL", "SUCCESS", "linli", "", "0.00000", "0.60%",
                      wx::FormatYuan(o.total_fen), wx::FormatYuan(o.total_fen), ""},
                     true);
        ++count;
        refunded += o.total_fen;
      }
    }
    for (const auto& [rno, r] : refunds) {
      const FakeOrder& o = orders[r.out_trade_no];
      text += join({when(r.time), options.appid, options.mch_id, options.sub_mch_id, "", o.transaction_id,
                    r.out_trade_no, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", "MICROPAY", "REFUND", "OTHERS", "CNY",
                    wx::FormatYuan(o.total_fen), "0.00", r.refund_id, rno, wx::FormatYuan(r.fee), "0.00", "ORIGINAL",
                    "SUCCESS", "linli", "", "0.00000", "0.60%", wx::FormatYuan(o.total_fen), wx::FormatYuan(r.fee), ""},
                   true);
      ++count;
      refunded += r.fee;
    }
    text += join(wx::kBillSummaryColumns, false);
    text += join({std::to_string(count), wx::FormatYuan(settle), wx::FormatYuan(refunded), "0.00", "0.00000",
                  wx::FormatYuan(settle), wx::FormatYuan(refunded)},
                 true);
    return text;
  }
};

FakeWechatPay::FakeWechatPay() : FakeWechatPay(Options()) {}

FakeWechatPay::FakeWechatPay(Options options) : state_(std::make_unique<State>()) {
  State& st = *state_;
  st.options = std::move(options);
  st.pki = MakeTestPki();
  st.server = std::make_unique<httplib::SSLServer>([&st](SSL_CTX& ctx) {
    X509* cert = LoadCert(st.pki.server_cert);
    EVP_PKEY* key = LoadKey(st.pki.server_key);
    X509* ca = LoadCert(st.pki.ca_cert);
    const bool ok = cert && key && ca && SSL_CTX_use_certificate(&ctx, cert) == 1 &&
                    SSL_CTX_use_PrivateKey(&ctx, key) == 1 &&
                    X509_STORE_add_cert(SSL_CTX_get_cert_store(&ctx), ca) == 1;
    if (ca) {
      // Ask every client for a certificate; /secapi/ refuses those without.
      X509_NAME* ca_name = X509_NAME_dup(X509_get_subject_name(ca));
      STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
      sk_X509_NAME_push(names, ca_name);
      SSL_CTX_set_client_CA_list(&ctx, names);
    }
    SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, nullptr);
    // Needed to resume a session once client certificates are asked for.
    static const unsigned char kSessionContext[] = "linli-fake-wechat";
    SSL_CTX_set_session_id_context(&ctx, kSessionContext, sizeof kSessionContext - 1);
    X509_free(cert);
    EVP_PKEY_free(key);
    X509_free(ca);
    return ok;
  });
  if (!st.server->is_valid()) throw std::runtime_error("fake WeChat Pay: cannot set up TLS");
  auto handler = [&st](const httplib::Request& req, httplib::Response& res) {
    bool slow = false;
    std::string answer;
    {
      std::lock_guard<std::mutex> lock(st.mu);
      answer = st.Handle(req.path, req, &slow);
    }
    if (slow) std::this_thread::sleep_for(std::chrono::milliseconds(st.options.slow_ms));
    res.set_content(answer, answer.rfind("<xml>", 0) == 0 ? "text/xml" : "text/plain");
  };
  for (const char* path : {"/pay/micropay", "/pay/orderquery", "/secapi/pay/reverse", "/secapi/pay/refund",
                           "/pay/refundquery", "/pay/downloadbill"}) {
    st.server->Post(path, handler);
  }
  st.port = st.server->bind_to_any_port("127.0.0.1");
  if (st.port <= 0) throw std::runtime_error("fake WeChat Pay: cannot bind 127.0.0.1");
  st.thread = std::thread([&st] { st.server->listen_after_bind(); });
  for (int i = 0; i < 500 && !st.server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

FakeWechatPay::~FakeWechatPay() {
  state_->server->stop();
  if (state_->thread.joinable()) state_->thread.join();
}

std::string FakeWechatPay::base_url() const { return "https://127.0.0.1:" + std::to_string(state_->port); }
const TestPki& FakeWechatPay::pki() const { return state_->pki; }
const FakeWechatPay::Options& FakeWechatPay::options() const { return state_->options; }

std::vector<FakeWechatPay::Request> FakeWechatPay::requests() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->requests;
}

std::vector<FakeWechatPay::Request> FakeWechatPay::requests(const std::string& path) const {
  std::vector<Request> out;
  for (Request& r : requests()) {
    if (r.path == path) out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> FakeWechatPay::MicropayBodies(const std::string& out_trade_no) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  auto it = state_->micropay_bodies.find(out_trade_no);
  return it == state_->micropay_bodies.end() ? std::vector<std::string>() : it->second;
}

int FakeWechatPay::bad_signatures() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->bad_signatures;
}

int FakeWechatPay::refused_without_cert() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->refused_without_cert;
}

std::vector<std::string> FakeWechatPay::violations() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->violations;
}

FakeWechatPay::Order FakeWechatPay::order(const std::string& out_trade_no) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  Order o;
  auto it = state_->orders.find(out_trade_no);
  if (it == state_->orders.end()) return o;
  o.exists = true;
  o.trade_state = it->second.trade_state;
  o.total_fen = it->second.total_fen;
  o.refunded_fen = it->second.refunded_fen;
  o.transaction_id = it->second.transaction_id;
  o.reversed_after_payment = it->second.reversed_after_payment;
  o.refunds = it->second.refunds;
  return o;
}

void FakeWechatPay::SlowNextRefund() {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->slow_next_refund = true;
}

}  // namespace linli::testing
