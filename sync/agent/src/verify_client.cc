#include "linli/sync/verify_client.h"

#include "linli/sync/agent.h"

namespace linli::sync {
namespace {

// RFC 3986: everything but the unreserved characters as %XX.
std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
        c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

Result<ReceiptVerdict> VerifyReceiptAtHub(HttpTransport& transport, const std::string& hub_url,
                                          std::string_view qr_text) {
  HttpRequest req;
  req.method = "GET";
  req.url = hub_url + kPathVerify + "?q=" + PercentEncode(qr_text);
  req.headers.push_back({kHeaderProtocol, std::to_string(kProtocolVersion)});
  auto res = transport.Send(req);
  if (!res.ok()) return res.status();
  if (res->status == 200) {
    const nlohmann::json j = ParseJsonBody(res->body);
    if (j.is_discarded()) return Status::Unavailable("the hub's answer to a receipt check is not JSON");
    auto v = ReceiptVerdict::FromJson(j);
    if (!v.ok()) return Status::Unavailable("the hub's answer to a receipt check is malformed: " + v.status().message());
    return v;
  }
  const ErrorBody e = ErrorBody::Parse(res->body);
  if (res->status == 400) return Status::InvalidArgument(e.message);
  if (res->status == 429) {
    return Status::Unavailable("the hub is limiting receipt checks; retry in " + res->Header(kHeaderRetryAfter) + " s");
  }
  return Status::Unavailable("the hub answered a receipt check with HTTP " + std::to_string(res->status) + ": " +
                             e.message);
}

Result<ReceiptVerdict> VerifyReceiptWithStoreHub(Database& db, std::string_view qr_text) {
  auto state = LoadSyncState(db);
  if (!state.ok()) return state.status();
  if (!state->enrolled || state->hub_url.empty()) {
    return Status::FailedPrecondition("this till is not enrolled with a hub; receipts cannot be checked");
  }
  auto transport = NewCurlTransport(
      {.ca_pem = state->ca_pem, .connect_timeout_ms = kVerifyConnectTimeoutMs, .timeout_ms = kVerifyTimeoutMs,
       .max_response_bytes = 64 * 1024});
  if (!transport.ok()) return transport.status();
  return VerifyReceiptAtHub(**transport, state->hub_url, qr_text);
}

}  // namespace linli::sync
