// The CurlOptions a payment network needs (transport.h): the system CA store
// when allowed, a client certificate for mutual TLS, the peer's name in
// messages, and LastFailureMayHaveArrived. The sync agent's defaults are
// checked to be what they were: pinned CA only, its own words.
#include <doctest/doctest.h>

#include "linli/payments/wechat_format.h"
#include "linli/sync/transport.h"
#include "payments/fake_wechat.h"

using namespace linli;
using linli::testing::FakeWechatPay;

namespace {

sync::HttpRequest Post(const std::string& url) {
  sync::HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.body = "<xml></xml>";
  return r;
}

}  // namespace

TEST_CASE("curl tls: by default https needs a pinned CA, as the sync agent always had it") {
  auto t = sync::NewCurlTransport({}).value();
  auto res = t->Send(Post("https://127.0.0.1:1/x"));
  CHECK(res.status().IsInvalidArgument());
  CHECK_FALSE(t->LastFailureMayHaveArrived());
}

TEST_CASE("curl tls: with the system store allowed, a server signed by an unknown CA is refused before sending") {
  FakeWechatPay fake;
  sync::CurlOptions o;
  o.allow_system_ca = true;
  o.peer_name = "WeChat Pay";
  auto t = sync::NewCurlTransport(o).value();
  auto res = t->Send(Post(fake.base_url() + "/pay/orderquery"));
  REQUIRE_FALSE(res.ok());
  CHECK(res.status().message().find("WeChat Pay") != std::string::npos);
  CHECK_FALSE(t->LastFailureMayHaveArrived());
  CHECK(fake.requests().empty());
}

TEST_CASE("curl tls: the pinned CA is trusted, and a client certificate is presented when set") {
  FakeWechatPay fake;
  sync::CurlOptions o;
  o.ca_pem = fake.pki().ca_cert;
  // A request signed right, so only the certificate decides.
  payments::wechat::Params p = {{"appid", fake.options().appid}, {"mch_id", fake.options().mch_id},
                                {"nonce_str", "n1"}, {"out_trade_no", "x"}, {"out_refund_no", "r"},
                                {"total_fee", "1"}, {"refund_fee", "1"}};
  p["sign"] = payments::wechat::Sign(p, fake.options().api_key, payments::wechat::SignType::kMd5);
  sync::HttpRequest refund = Post(fake.base_url() + "/secapi/pay/refund");
  refund.body = payments::wechat::EncodeXml(p);
  auto plain = sync::NewCurlTransport(o).value();
  auto res = plain->Send(refund);
  REQUIRE(res.ok());
  CHECK(res->body.find("证书") != std::string::npos);
  o.client_cert_pem = fake.pki().client_cert;
  o.client_key_pem = fake.pki().client_key;
  auto mutual = sync::NewCurlTransport(o).value();
  res = mutual->Send(refund);
  REQUIRE(res.ok());
  CHECK(res->body.find("ORDERNOTEXIST") != std::string::npos);  // past the certificate check
  const auto reqs = fake.requests("/secapi/pay/refund");
  REQUIRE(reqs.size() == 2);
  CHECK_FALSE(reqs[0].client_cert);
  CHECK(reqs[1].client_cert);
  CHECK(fake.refused_without_cert() == 1);  // /secapi/ without a certificate is refused
}

TEST_CASE("curl tls: a certificate without its key, or not PEM, is refused at construction") {
  FakeWechatPay fake;
  sync::CurlOptions o;
  o.client_cert_pem = fake.pki().client_cert;
  CHECK(sync::NewCurlTransport(o).status().IsInvalidArgument());
  o.client_key_pem = "not a key";
  CHECK(sync::NewCurlTransport(o).status().IsInvalidArgument());
  o.client_key_pem = fake.pki().client_key;
  CHECK(sync::NewCurlTransport(o).ok());
}

TEST_CASE("curl tls: a refused connection certainly did not arrive, in the hub's words or the peer's") {
  auto hub = sync::NewCurlTransport({}).value();
  auto res = hub->Send(Post("http://127.0.0.1:1/v1/push"));
  REQUIRE_FALSE(res.ok());
  CHECK(res.status().message().find("cannot reach the hub") == 0);
  CHECK(res.status().message().find("sales are kept") != std::string::npos);
  CHECK_FALSE(hub->LastFailureMayHaveArrived());
  sync::CurlOptions o;
  o.peer_name = "WeChat Pay";
  auto wx = sync::NewCurlTransport(o).value();
  res = wx->Send(Post("http://127.0.0.1:1/pay/micropay"));
  REQUIRE_FALSE(res.ok());
  CHECK(res.status().message().find("cannot reach WeChat Pay") == 0);
  CHECK(res.status().message().find("sales are kept") == std::string::npos);
}
