// HTTP for the sync agent, behind an interface so tests can fake the network
// (STYLE: every I/O dependency injected, with a fake in the tree).
//
// CurlTransport (src/curl_transport.cc) is the only code in Linli that
// includes curl. It speaks HTTPS with the hub's CA pinned, and plain HTTP to
// loopback addresses only (tests, the benchmark, a hub on the same machine).
//
// Thread safety: a transport is used by one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "linli/pos/status.h"

namespace linli::sync {

struct HttpRequest {
  std::string method = "GET";  // "GET" | "POST"
  std::string url;             // absolute: "https://hub.example.cn/v1/push"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;            // sent as given (already gzipped if so declared)
};

struct HttpResponse {
  int status = 0;                             // 200, 426, 429, …
  std::map<std::string, std::string> headers; // names lower-cased; last value wins
  std::string body;                           // Content-Encoding already undone

  // The header's value, or "" when absent. `name` is matched case-insensitively.
  std::string Header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;

  // Sends one request and returns the hub's answer, whatever its status code.
  // Unavailable (with a message a shopkeeper can act on: "cannot reach the
  // hub …", "the hub's certificate is not the pinned one …") when no complete
  // HTTP answer arrived: refused, reset, timed out, TLS failure, a body cut
  // short, or a body over the size limit. Counts what went over the wire.
  virtual Result<HttpResponse> Send(const HttpRequest& request) = 0;

  // Bytes of request bodies and headers sent, and requests attempted, since
  // construction (for `linli sync` and the benchmark).
  virtual int64_t bytes_sent() const = 0;
  virtual int64_t requests() const = 0;

  // After a Send that returned a non-OK Status: false when the request
  // certainly did not reach the peer (the name did not resolve, the
  // connection was refused, TLS failed, nothing was written), true when it
  // may have (timed out or cut off after sending). A payment gateway tells
  // "not sent: offer cash" from "maybe taken: ask" by it. A transport that
  // cannot tell says true, the safe side.
  virtual bool LastFailureMayHaveArrived() const { return true; }
};

struct CurlOptions {
  // The CA that signed the hub's certificate, PEM text. Only it is trusted
  // (the system store is not consulted). Empty: plain http:// to loopback
  // only, unless allow_system_ca.
  std::string ca_pem;
  // With no ca_pem, check https:// peers against the system's CA store (a
  // public service such as a payment network). The sync agent leaves it
  // false: it talks to its hub only with the hub's CA pinned.
  bool allow_system_ca = false;
  // A client certificate and its private key, PEM text, sent when the peer
  // asks (mutual TLS: WeChat Pay's refunds). Both or neither.
  std::string client_cert_pem = {};
  std::string client_key_pem = {};
  // Who the peer is, in error messages: "cannot reach the hub …".
  std::string peer_name = "the hub";
  int64_t connect_timeout_ms = 5'000;
  int64_t timeout_ms = 60'000;                    // whole request
  size_t max_response_bytes = 64u * 1024 * 1024;  // decoded body
};

// A libcurl-over-OpenSSL transport. Keeps one connection alive between
// requests. InvalidArgument when the CA PEM is unusable.
Result<std::unique_ptr<HttpTransport>> NewCurlTransport(const CurlOptions& options);

// True for "http://127.0.0.1:…", "http://localhost…", "http://[::1]…": the
// only plain-HTTP URLs the agent will talk to.
bool IsLoopbackUrl(std::string_view url);

}  // namespace linli::sync
