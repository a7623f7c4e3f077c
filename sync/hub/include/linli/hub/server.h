// HubServer: the hub's HTTP(S) service over cpp-httplib (DESIGN §7,
// sync/protocol/PROTOCOL.md). Device endpoints (/v1/sync/*) are signed by
// the device key; HQ endpoints (/v1/hq/*) take a bearer session. All state
// is in the injected HubStore; time comes from the injected Clock.
//
// TLS by default: ServerOptions::tls_cert/tls_key name PEM files (see
// cert.h). Plain HTTP only with insecure_http, and only on a loopback host;
// Start() refuses anything else. TCP_NODELAY is on (DESIGN §7: without it
// every response stalls ~40 ms).
//
// Thread safety: Start/Stop from one thread; requests are served on the
// server's own pool and may run concurrently (HubStore is thread-safe).
#pragma once

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "linli/hub/hub_store.h"
#include "linli/pos/clock.h"
#include "linli/pos/status.h"

namespace httplib {
class Server;
}

namespace linli::hub {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8443;             // 0: an ephemeral port (see HubServer::port())
  bool insecure_http = false;  // plain HTTP; loopback hosts only
  std::string tls_cert;        // PEM certificate (chain) file
  std::string tls_key;         // PEM private key file
  int max_login_failures = 5;  // per org/user within 5 minutes, then 429
  // GET /v1/verify (no credential): requests per source address per minute,
  // and how many sources the limiter remembers (rate_limit.h), then 429.
  int verify_per_minute = 30;
  size_t verify_sources = 4096;
};

// One endpoint the hub serves.
struct Route {
  std::string method;  // "GET" | "POST"
  std::string path;    // e.g. "/v1/sync/push" (sync::kPath*)
  std::string auth;    // "none" | "device" (signed, PROTOCOL.md §3) | "hq" (bearer session)
};

// Every endpoint the hub serves. HubServer registers exactly these and
// nothing else: Start() fails when a route here has no handler or a handler
// has no route here. A new endpoint is added to this table first; the
// cross-tenant test (tests/sync_fault/cross_tenant_test.cc) fails until it
// has a case for it.
const std::vector<Route>& RouteTable();

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

class HubServer {
 public:
  // `store` and `clock` must outlive the server.
  HubServer(HubStore& store, const Clock& clock, ServerOptions options);
  ~HubServer();  // Stop()s
  HubServer(const HubServer&) = delete;
  HubServer& operator=(const HubServer&) = delete;

  // Binds and starts serving on a background thread. InvalidArgument for
  // insecure HTTP on a non-loopback host or missing TLS files; IoError when
  // the certificate does not load or the address cannot be bound.
  Status Start();
  // The bound port (after Start()).
  int port() const { return port_; }
  // Blocks until Stop() is called from another thread (or a signal handler
  // that calls it).
  void Wait();
  // Stops accepting, finishes requests in flight, joins the thread. Idempotent.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;
  ServerOptions options_;
};

}  // namespace linli::hub
