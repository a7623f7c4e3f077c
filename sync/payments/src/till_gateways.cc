// The till's payment-code gateway from its settings (till_gateways.h).
#include "linli/payments/till_gateways.h"

#include "linli/pos/clock.h"
#include "linli/pos/store_config.h"

namespace linli::payments {
namespace {

std::string Setting(Database& db, const std::string& key) {
  auto e = GetConfigEntry(db, key);
  return e.ok() ? e->value : std::string();
}

// True when any of the network's settings is filled in (it is meant to be used).
bool AnySet(Database& db, const std::string& prefix, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!Setting(db, prefix + k).empty()) return true;
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<TillGateways>> TillGateways::Open(const std::string& db_path) {
  std::unique_ptr<TillGateways> t(new TillGateways());
  auto db = Database::Open(db_path, {});
  if (!db.ok()) return db.status();
  Database& d = **db;
  t->mode_ = Setting(d, "payment.mode");
  if (t->mode_ != "live") {
    t->mode_ = "sandbox";
    t->sandbox_ = std::make_unique<SandboxGateway>(SandboxStatePath(db_path));
    t->gateway_ = t->sandbox_.get();
    return t;
  }
  t->lookup_ = std::move(db).value();
  TillGateways* self = t.get();
  t->router_ = std::make_unique<RoutingGateway>([self](const std::string& key) {
    std::lock_guard lock(self->lookup_mu_);
    std::string provider;
    (void)Guard([&] {
      Statement s = self->lookup_->Prepare("SELECT provider FROM payment_attempts WHERE attempt_key = ?");
      s.Bind(1, key);
      if (s.Step()) provider = s.Text(0);
    });
    return provider;
  });
  Database& cfg = *t->lookup_;
  const std::string w = "payment.wechat.";
  if (AnySet(cfg, w, {"appid", "mch_id", "api_key_file"})) {
    WechatPayConfig c;
    c.appid = Setting(cfg, w + "appid");
    c.mch_id = Setting(cfg, w + "mch_id");
    c.api_key_file = Setting(cfg, w + "api_key_file");
    c.sub_mch_id = Setting(cfg, w + "sub_mch_id");
    c.sub_appid = Setting(cfg, w + "sub_appid");
    c.cert_file = Setting(cfg, w + "cert_file");
    c.key_file = Setting(cfg, w + "key_file");
    c.ca_file = Setting(cfg, w + "ca_file");
    if (auto st = wechat::ParseSignType(Setting(cfg, w + "sign_type"))) c.sign_type = *st;
    if (std::string url = Setting(cfg, w + "base_url"); !url.empty()) c.base_url = url;
    auto g = WechatPayGateway::Create(c);
    if (!g.ok()) return g.status();
    t->wechat_ = std::move(g).value();
    t->router_->Add("wechat", *t->wechat_);
    t->networks_.push_back("wechat");
  }
  const std::string a = "payment.alipay.";
  if (AnySet(cfg, a, {"app_id", "app_private_key_file", "alipay_public_key_file"})) {
    AlipayConfig c;
    c.app_id = Setting(cfg, a + "app_id");
    c.app_private_key_file = Setting(cfg, a + "app_private_key_file");
    c.alipay_public_key_file = Setting(cfg, a + "alipay_public_key_file");
    c.app_auth_token = Setting(cfg, a + "app_auth_token");
    c.seller_id = Setting(cfg, a + "seller_id");
    if (std::string url = Setting(cfg, a + "base_url"); !url.empty()) c.base_url = url;
    sync::CurlOptions options = AlipayCurlOptions(c);
    options.allow_system_ca = true;  // openapi.alipay.com's certificate, checked against the system's CAs
    auto transport = sync::NewCurlTransport(options);
    if (!transport.ok()) return transport.status();
    t->alipay_transport_ = std::move(transport).value();
    static const SystemClock kClock;
    auto g = AlipayGateway::Create(c, *t->alipay_transport_, kClock);
    if (!g.ok()) return g.status();
    t->alipay_ = std::move(g).value();
    t->router_->Add("alipay", *t->alipay_);
    t->networks_.push_back("alipay");
  }
  if (t->networks_.empty()) {
    return Status::InvalidArgument(
        "payment.mode is live but neither WeChat Pay (payment.wechat.*) nor Alipay (payment.alipay.*) is set up; "
        "set one up (docs/payments.md) or set payment.mode sandbox");
  }
  t->gateway_ = t->router_.get();
  return t;
}

}  // namespace linli::payments
