// The hub's HTTP handlers. Each handler authenticates, parses, calls the
// HubStore and maps the outcome to a status code and a JSON body
// (PROTOCOL.md §4). Nothing here touches SQL.
#include "linli/hub/server.h"

#include <httplib.h>

#include <charconv>
#include <functional>
#include <map>
#include <mutex>
#include <set>

#include "linli/hub/rate_limit.h"
#include "linli/hub/receipt_check.h"
#include "linli/pos/barcode.h"
#include "linli/pos/catalog.h"
#include "linli/pos/crypto.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/promotions.h"
#include "linli/pos/store_config.h"
#include "linli/pos/text.h"

namespace linli::hub {
namespace {

using json = nlohmann::json;

void Reply(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), sync::kContentTypeJson);
}
void Fail(httplib::Response& res, int status, const char* code, const std::string& message,
          json extra = json::object()) {
  Reply(res, status, sync::ErrorBody{code, message, std::move(extra)}.ToJson());
}
void FailStatus(httplib::Response& res, const Status& st) {
  switch (st.code()) {
    case Status::Code::kInvalidArgument: return Fail(res, 400, sync::kErrBadRequest, st.message());
    case Status::Code::kNotFound: return Fail(res, 404, sync::kErrNotFound, st.message());
    case Status::Code::kPermissionDenied: return Fail(res, 403, sync::kErrForbidden, st.message());
    case Status::Code::kAlreadyExists: return Fail(res, 409, "conflict", st.message());
    case Status::Code::kOk:
    case Status::Code::kFailedPrecondition:
    case Status::Code::kCorruption:
    case Status::Code::kIoError:
    case Status::Code::kUnavailable:
      break;
  }
  Fail(res, 500, sync::kErrInternal, st.message());
}

bool ParseInt(const std::string& s, int64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool IsDate(const std::string& s) {
  return s.size() == 10 && s[4] == '-' && s[7] == '-' && ParseUtc(s) >= 0;
}

std::string TokenHash(const std::string& token) { return HexEncode(Sha256(token)); }

}  // namespace

const std::vector<Route>& RouteTable() {
  static const std::vector<Route> routes = {
      {"GET", sync::kPathHealth, "none"},
      {"POST", sync::kPathEnroll, "none"},
      {"GET", sync::kPathHwm, "device"},
      {"POST", sync::kPathPush, "device"},
      {"POST", sync::kPathFork, "device"},
      {"GET", sync::kPathChanges, "device"},
      {"POST", sync::kPathHqLogin, "none"},
      {"GET", sync::kPathHqStores, "hq"},
      {"GET", sync::kPathHqStock, "hq"},
      {"GET", sync::kPathHqSales, "hq"},
      {"GET", sync::kPathHqStoreProducts, "hq"},
      {"POST", sync::kPathHqProducts, "hq"},
      {"POST", sync::kPathHqCategories, "hq"},
      {"POST", sync::kPathHqPrices, "hq"},
      {"POST", sync::kPathHqPromotions, "hq"},
      {"POST", sync::kPathHqTaxClasses, "hq"},
      {"POST", sync::kPathHqStoreConfig, "hq"},
      {"GET", sync::kPathVerify, "none"},
  };
  return routes;
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

class HubServer::Impl {
 public:
  Impl(HubStore& store, const Clock& clock, const ServerOptions& opts)
      : store_(store), clock_(clock), opts_(opts), verify_limit_(opts.verify_sources, opts.verify_per_minute, 60'000) {}

  // Registers the handler of every route in RouteTable(), and only those.
  Status Register(httplib::Server& svr) {
    using H = std::function<void(const httplib::Request&, httplib::Response&)>;
    std::map<std::string, H> handlers = {
        {"GET " + std::string(sync::kPathHealth), [this](const httplib::Request&, httplib::Response& r) { Health(r); }},
        {"POST " + std::string(sync::kPathEnroll), [this](const httplib::Request& q, httplib::Response& r) { Enroll(q, r); }},
        {"GET " + std::string(sync::kPathHwm), [this](const httplib::Request& q, httplib::Response& r) { Hwm(q, r); }},
        {"POST " + std::string(sync::kPathPush), [this](const httplib::Request& q, httplib::Response& r) { Push(q, r, false); }},
        {"POST " + std::string(sync::kPathFork), [this](const httplib::Request& q, httplib::Response& r) { Push(q, r, true); }},
        {"GET " + std::string(sync::kPathChanges), [this](const httplib::Request& q, httplib::Response& r) { Changes(q, r); }},
        {"POST " + std::string(sync::kPathHqLogin), [this](const httplib::Request& q, httplib::Response& r) { Login(q, r); }},
        {"GET " + std::string(sync::kPathHqStores), [this](const httplib::Request& q, httplib::Response& r) { HqStores(q, r); }},
        {"GET " + std::string(sync::kPathHqStock), [this](const httplib::Request& q, httplib::Response& r) { HqStock(q, r); }},
        {"GET " + std::string(sync::kPathHqSales), [this](const httplib::Request& q, httplib::Response& r) { HqSales(q, r); }},
        {"GET " + std::string(sync::kPathHqStoreProducts), [this](const httplib::Request& q, httplib::Response& r) { HqStoreProducts(q, r); }},
        {"GET " + std::string(sync::kPathVerify), [this](const httplib::Request& q, httplib::Response& r) { Verify(q, r); }},
    };
    for (const char* p : {sync::kPathHqProducts, sync::kPathHqCategories, sync::kPathHqPrices,
                          sync::kPathHqPromotions, sync::kPathHqTaxClasses, sync::kPathHqStoreConfig}) {
      const std::string path = p;
      handlers["POST " + path] = [this, path](const httplib::Request& q, httplib::Response& r) { HqEdit(path, q, r); };
    }
    for (const Route& route : RouteTable()) {
      auto it = handlers.find(route.method + " " + route.path);
      if (it == handlers.end()) {
        return Status::FailedPrecondition("hub route " + route.method + " " + route.path + " has no handler");
      }
      if (route.method == "GET") {
        svr.Get(route.path, it->second);
      } else {
        svr.Post(route.path, it->second);
      }
      handlers.erase(it);
    }
    if (!handlers.empty()) {
      return Status::FailedPrecondition("hub handler " + handlers.begin()->first + " is not in RouteTable()");
    }
    // Every answer tells the agent the hub's clock, so a till whose clock is
    // off can still sign requests inside the window (PROTOCOL.md §3.1).
    svr.set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
      res.set_header(sync::kHeaderHubTime, std::to_string(clock_.NowMs()));
    });
    svr.set_error_handler([](const httplib::Request&, httplib::Response& res) {
      if (!res.body.empty()) return;
      if (res.status == 413) {
        Fail(res, 413, sync::kErrTooLarge, "the request body is larger than the hub accepts (" +
                                               std::to_string(sync::kMaxRequestBody) + " bytes)");
      } else if (res.status == 404) {
        Fail(res, 404, sync::kErrNotFound, "no such endpoint");
      } else if (res.status >= 400) {
        Fail(res, res.status, sync::kErrBadRequest, "the request could not be handled (HTTP " +
                                                        std::to_string(res.status) + ")");
      }
    });
    svr.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unexpected error";
      try {
        if (ep) std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      Fail(res, 500, sync::kErrInternal, "the hub failed: " + what);
    });
    return Status::Ok();
  }

 private:
  // ---- device requests -----------------------------------------------------

  // Checks the protocol version (426), then the device signature, the
  // timestamp window and the nonce. Writes the error reply and returns
  // nullopt on failure.
  std::optional<Device> AuthDevice(const httplib::Request& req, httplib::Response& res) {
    if (!CheckVersion(req, res)) return std::nullopt;
    sync::SignedHeaders h{req.get_header_value(sync::kHeaderProtocol), req.get_header_value(sync::kHeaderDevice),
                          req.get_header_value(sync::kHeaderTimestamp), req.get_header_value(sync::kHeaderNonce),
                          req.get_header_value(sync::kHeaderSignature)};
    if (h.device.empty() || h.timestamp.empty() || h.nonce.empty() || h.signature.empty()) {
      Fail(res, 400, sync::kErrBadRequest,
           "this endpoint needs a signed request (Linli-Device, Linli-Timestamp, Linli-Nonce, Linli-Signature)");
      return std::nullopt;
    }
    auto dev = store_.FindDevice(h.device);
    if (!dev.ok()) {
      if (dev.status().IsNotFound()) {
        Fail(res, 401, sync::kErrBadSignature, "device " + h.device + " is not enrolled with this hub");
      } else {
        FailStatus(res, dev.status());
      }
      return std::nullopt;
    }
    if (dev->revoked) {
      Fail(res, 403, sync::kErrRevoked, "store " + dev->store_code + " has been revoked at HQ; re-enrol it");
      return std::nullopt;
    }
    const int64_t now = clock_.NowMs();
    int64_t ts = 0;
    if (!ParseInt(h.timestamp, &ts)) {
      Fail(res, 400, sync::kErrBadRequest, "Linli-Timestamp must be Unix milliseconds");
      return std::nullopt;
    }
    // Unsigned: ts may be anything down to INT64_MIN, and now - ts must not overflow.
    const uint64_t skew = now > ts ? uint64_t(now) - uint64_t(ts) : uint64_t(ts) - uint64_t(now);
    if (skew > uint64_t(sync::kTimestampWindowMs)) {
      Fail(res, 401, sync::kErrStaleTimestamp,
           "the request timestamp is outside the hub's " + std::to_string(sync::kTimestampWindowMs / 60000) +
               "-minute window; check the till's clock",
           {{"hub_time", FormatUtc(now)}});
      return std::nullopt;
    }
    Status st = sync::VerifyRequest(dev->public_key, h, req.method, req.target, req.body, now);
    if (!st.ok()) {
      Fail(res, st.IsInvalidArgument() ? 400 : 401,
           st.IsInvalidArgument() ? sync::kErrBadRequest : sync::kErrBadSignature, st.message());
      return std::nullopt;
    }
    auto fresh = store_.UseNonce(dev->device_id, h.nonce, now);
    if (!fresh.ok()) {
      FailStatus(res, fresh.status());
      return std::nullopt;
    }
    if (!*fresh) {
      Fail(res, 401, sync::kErrReplay, "this request was already received (replayed nonce); it was not processed again");
      return std::nullopt;
    }
    int64_t device_clock = 0;
    // Advisory and unsigned (PROTOCOL.md §3.1): only a plausible Unix-ms
    // value (1970..2286) is taken, so the difference cannot overflow.
    if (ParseInt(req.get_header_value(sync::kHeaderDeviceClock), &device_clock) && device_clock >= 0 &&
        device_clock < 10'000'000'000'000) {
      dev->clock_skew_ms = device_clock - now;
    }
    return std::move(*dev);
  }

  bool CheckVersion(const httplib::Request& req, httplib::Response& res) {
    const std::string v = req.get_header_value(sync::kHeaderProtocol);
    int64_t n = 0;
    if (!ParseInt(v, &n) || n < sync::kMinProtocolVersion || n > sync::kProtocolVersion) {
      Fail(res, 426, sync::kErrProtocolVersion,
           "this hub speaks sync protocol " + std::to_string(sync::kMinProtocolVersion) + ".." +
               std::to_string(sync::kProtocolVersion) + "; the request says \"" + v +
               "\". Upgrade the hub or the store; the store keeps queueing",
           {{"supported", {sync::kMinProtocolVersion, sync::kProtocolVersion}}});
      return false;
    }
    return true;
  }

  Result<sync::Checkpoint> MakeCheckpoint(const std::string& device_id, int64_t epoch, int64_t seq,
                                          const std::string& hash) {
    auto key = store_.Key();
    if (!key.ok()) return key.status();
    sync::Checkpoint c;
    c.device_id = device_id;
    c.epoch = epoch;
    c.seq = seq;
    c.hash_hex = HexEncode(hash);
    c.signed_at = FormatUtc(clock_.NowMs());
    Status st = sync::SignCheckpoint(c, key->private_key, key->public_key);
    if (!st.ok()) return st;
    return c;
  }

  void Health(httplib::Response& res) {
    sync::HealthResponse h;
    for (const auto& t : sync::kAcceptedEventTypes) {
      h.event_types.push_back(std::string(t.type) + "@" + std::to_string(t.version));
    }
    auto key = store_.Key();
    if (!key.ok()) return FailStatus(res, key.status());
    h.hub_key_hex = HexEncode(key->public_key);
    Reply(res, 200, h.ToJson());
  }

  void Enroll(const httplib::Request& req, httplib::Response& res) {
    if (!CheckVersion(req, res)) return;
    json j = sync::ParseJsonBody(req.body);
    if (j.is_discarded()) return Fail(res, 400, sync::kErrBadRequest, "the body is not JSON");
    auto er = sync::EnrollRequest::FromJson(j);
    if (!er.ok()) return Fail(res, 400, sync::kErrBadRequest, er.status().message());
    auto out = store_.Enroll(*er, clock_.NowMs());
    if (!out.ok()) {
      if (out.status().code() == Status::Code::kPermissionDenied) {
        return Fail(res, 401, sync::kErrUnauthorized, out.status().message());
      }
      return FailStatus(res, out.status());
    }
    auto key = store_.Key();
    if (!key.ok()) return FailStatus(res, key.status());
    out->hub_key_hex = HexEncode(key->public_key);
    Reply(res, 200, out->ToJson());
  }

  void Hwm(const httplib::Request& req, httplib::Response& res) {
    auto dev = AuthDevice(req, res);
    if (!dev) return;
    auto heads = store_.Heads(dev->device_id);
    if (!heads.ok()) return FailStatus(res, heads.status());
    sync::HwmResponse out;
    out.device_id = dev->device_id;
    out.epochs = *heads;
    auto forks = store_.Forks(dev->device_id);
    if (!forks.ok()) return FailStatus(res, forks.status());
    out.forks = *forks;
    if (!out.epochs.empty()) {
      const auto& last = out.epochs.back();
      auto hash = HexDecode(last.head_hash_hex);
      auto cp = MakeCheckpoint(dev->device_id, last.epoch, last.head_seq, hash.ok() ? *hash : "");
      if (!cp.ok()) return FailStatus(res, cp.status());
      out.checkpoint = *cp;
    }
    Reply(res, 200, out.ToJson());
  }

  // A push (§6.2), or with `fork` a restored copy's events that differ from
  // the chain the hub holds (§6.5): the same body, limits and answer.
  void Push(const httplib::Request& req, httplib::Response& res, bool fork) {
    auto dev = AuthDevice(req, res);
    if (!dev) return;
    // One batch in flight per device.
    {
      std::lock_guard lock(inflight_mu_);
      if (!inflight_.insert(dev->device_id).second) {
        return Fail(res, 409, sync::kErrBusy, "another push from this device is still being processed; retry after it");
      }
    }
    struct Release {
      Impl* self;
      std::string id;
      ~Release() {
        std::lock_guard lock(self->inflight_mu_);
        self->inflight_.erase(id);
      }
    } release{this, dev->device_id};

    std::string body = req.body;
    const std::string enc = req.get_header_value(sync::kHeaderEncoding);
    if (enc == "gzip") {
      auto raw = sync::Gunzip(req.body, sync::kMaxDecompressedBody);
      if (!raw.ok()) {
        return raw.status().code() == Status::Code::kFailedPrecondition
                   ? Fail(res, 413, sync::kErrTooLarge, raw.status().message())
                   : Fail(res, 400, sync::kErrBadRequest, raw.status().message());
      }
      body = std::move(*raw);
    } else if (!enc.empty()) {
      return Fail(res, 400, sync::kErrBadRequest, "unknown Linli-Encoding \"" + enc + "\" (only gzip)");
    }
    if (body.size() > sync::kMaxBatchBytes) {
      return Fail(res, 413, sync::kErrTooLarge,
                  "a batch is at most " + std::to_string(sync::kMaxBatchBytes) + " bytes of JSON; this one is " +
                      std::to_string(body.size()) + ". Send fewer events per batch");
    }
    json j = sync::ParseJsonBody(body);
    if (j.is_discarded()) return Fail(res, 400, sync::kErrBadRequest, "the push body is not valid JSON");
    if (j.is_object() && j.contains("events") && j["events"].is_array() &&
        j["events"].size() > static_cast<size_t>(sync::kMaxBatchEvents)) {
      return Fail(res, 413, sync::kErrTooLarge,
                  "a batch holds at most " + std::to_string(sync::kMaxBatchEvents) + " events; this one holds " +
                      std::to_string(j["events"].size()));
    }
    auto push = sync::PushRequest::FromJson(j);
    if (!push.ok()) return Fail(res, 400, sync::kErrBadRequest, push.status().message());
    if (push->device_id != dev->device_id) {
      return Fail(res, 403, sync::kErrForbidden, "a device may push only its own journal");
    }
    std::vector<JournalEntry> events;
    events.reserve(push->events.size());
    for (const sync::WireEvent& w : push->events) {
      if (!sync::IsAcceptedEventType(w.type, w.type_version)) {
        const std::string tv = w.type + "@" + std::to_string(w.type_version);
        return Fail(res, 426, sync::kErrEventVersion,
                    "this hub does not understand event " + tv +
                        "; upgrade the hub. Nothing in this batch was stored; the store keeps it queued",
                    {{"type", tv}});
      }
      auto e = w.ToJournal();
      if (!e.ok()) return Fail(res, 400, sync::kErrBadRequest, e.status().message());
      events.push_back(std::move(*e));
    }
    auto r = fork ? store_.IngestForkBatch(*dev, events, clock_.NowMs()) : store_.Ingest(*dev, events, clock_.NowMs());
    if (!r.ok()) return FailStatus(res, r.status());
    auto cp = MakeCheckpoint(dev->device_id, r->head_epoch, r->head_seq, r->head_hash);
    if (!cp.ok()) return FailStatus(res, cp.status());
    if (!r->error.empty()) {
      json extra = r->extra;
      extra["accepted"] = r->accepted + r->flagged;
      extra["duplicates"] = r->duplicates;
      extra["checkpoint"] = cp->ToJson();
      const int code = r->error == sync::kErrBadEvent ? 422 : r->error == sync::kErrBadRequest ? 400 : 409;
      return Fail(res, code, r->error.c_str(), r->message, extra);
    }
    sync::PushResponse out;
    out.accepted = r->accepted;
    out.duplicates = r->duplicates;
    out.flagged = r->flagged;
    out.checkpoint = *cp;
    Reply(res, 200, out.ToJson());
  }

  void Changes(const httplib::Request& req, httplib::Response& res) {
    auto dev = AuthDevice(req, res);
    if (!dev) return;
    int64_t cursor = 0, limit = sync::kDefaultChangesPage;
    if (req.has_param("cursor") && !ParseInt(req.get_param_value("cursor"), &cursor)) {
      return Fail(res, 400, sync::kErrBadRequest, "cursor must be an integer");
    }
    if (req.has_param("limit") && !ParseInt(req.get_param_value("limit"), &limit)) {
      return Fail(res, 400, sync::kErrBadRequest, "limit must be an integer");
    }
    limit = std::clamp<int64_t>(limit, 1, sync::kMaxChangesPage);
    auto out = store_.Changes(*dev, cursor, static_cast<int>(limit));
    if (!out.ok()) return FailStatus(res, out.status());
    Reply(res, 200, out->ToJson());
  }

  // ---- HQ ------------------------------------------------------------------

  void Login(const httplib::Request& req, httplib::Response& res) {
    json j = sync::ParseJsonBody(req.body);
    if (!j.is_object() || !j.value("org", json()).is_string() || !j.value("name", json()).is_string() ||
        !j.value("password", json()).is_string()) {
      return Fail(res, 400, sync::kErrBadRequest, "login takes {\"org\", \"name\", \"password\"}");
    }
    const std::string org = j["org"], name = j["name"], password = j["password"];
    const int64_t now = clock_.NowMs();
    const std::string who = org + "/" + name;
    {
      std::lock_guard lock(login_mu_);
      auto& f = login_failures_[who];
      if (f.first >= opts_.max_login_failures && now - f.second < 5 * 60 * 1000) {
        res.set_header(sync::kHeaderRetryAfter, "300");
        return Fail(res, 429, sync::kErrTooMany, "too many failed logins for " + who + "; try again in 5 minutes");
      }
    }
    auto user = store_.FindUser(org, name);
    if (!user.ok() || !VerifySecret(password, user->password_hash)) {
      if (user.ok() || user.status().IsNotFound()) {
        std::lock_guard lock(login_mu_);
        auto& f = login_failures_[who];
        if (now - f.second >= 5 * 60 * 1000) f.first = 0;
        ++f.first;
        f.second = now;
        return Fail(res, 401, sync::kErrUnauthorized, "wrong organisation, name or password");
      }
      return FailStatus(res, user.status());
    }
    {
      std::lock_guard lock(login_mu_);
      login_failures_.erase(who);
    }
    const std::string token = "lls_" + sync::NewNonce() + sync::NewNonce();
    const int64_t expires = now + sync::kSessionTtlMs;
    Status st = store_.AddSession(TokenHash(token), user->id, expires);
    if (!st.ok()) return FailStatus(res, st);
    Reply(res, 200, {{"token", token}, {"expires_at", FormatUtc(expires)}, {"role", user->role}, {"org", user->org_code}});
  }

  std::optional<User> AuthHq(const httplib::Request& req, httplib::Response& res) {
    const std::string auth = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (auth.rfind(prefix, 0) != 0) {
      Fail(res, 401, sync::kErrUnauthorized, "log in at /v1/hq/login and send Authorization: Bearer <token>");
      return std::nullopt;
    }
    auto user = store_.FindSession(TokenHash(auth.substr(prefix.size())), clock_.NowMs());
    if (!user.ok()) {
      if (user.status().IsNotFound()) {
        Fail(res, 401, sync::kErrUnauthorized, "the session is unknown or has expired; log in again");
      } else {
        FailStatus(res, user.status());
      }
      return std::nullopt;
    }
    return std::move(*user);
  }

  void HqStores(const httplib::Request& req, httplib::Response& res) {
    auto user = AuthHq(req, res);
    if (!user) return;
    auto out = store_.Stores(user->org_id, clock_.NowMs());
    if (!out.ok()) return FailStatus(res, out.status());
    Reply(res, 200, *out);
  }

  void HqStock(const httplib::Request& req, httplib::Response& res) {
    auto user = AuthHq(req, res);
    if (!user) return;
    const std::string sku = req.get_param_value("sku");
    if (sku.empty()) return Fail(res, 400, sync::kErrBadRequest, "stock needs ?sku=");
    auto out = store_.Stock(user->org_id, sku, req.get_param_value("store"));
    if (!out.ok()) return FailStatus(res, out.status());
    Reply(res, 200, *out);
  }

  void HqStoreProducts(const httplib::Request& req, httplib::Response& res) {
    auto user = AuthHq(req, res);
    if (!user) return;
    auto out = store_.StoreProducts(user->org_id, req.get_param_value("store"));
    if (!out.ok()) return FailStatus(res, out.status());
    Reply(res, 200, *out);
  }

  void HqSales(const httplib::Request& req, httplib::Response& res) {
    auto user = AuthHq(req, res);
    if (!user) return;
    const std::string from = req.get_param_value("from"), to = req.get_param_value("to");
    const std::string group = req.has_param("group") ? req.get_param_value("group") : "store";
    if (!IsDate(from) || !IsDate(to)) {
      return Fail(res, 400, sync::kErrBadRequest, "sales needs ?from=YYYY-MM-DD&to=YYYY-MM-DD (business dates, inclusive)");
    }
    auto out = store_.Sales(user->org_id, from, to, group);
    if (!out.ok()) return FailStatus(res, out.status());
    Reply(res, 200, *out);
  }

  void HqEdit(const std::string& path, const httplib::Request& req, httplib::Response& res) {
    auto user = AuthHq(req, res);
    if (!user) return;
    if (user->role != "admin" && user->role != "buyer") {
      return Fail(res, 403, sync::kErrForbidden, "role " + user->role + " may read but not change the catalogue");
    }
    json j = sync::ParseJsonBody(req.body);
    if (!j.is_object()) return Fail(res, 400, sync::kErrBadRequest, "the body must be a JSON object");
    auto edit = ToEdit(path, j);
    if (!edit.ok()) return Fail(res, 400, sync::kErrBadRequest, edit.status().message());
    if (path == sync::kPathHqStoreConfig && user->role != "admin") {
      return Fail(res, 403, sync::kErrForbidden, "only an admin may change store config");
    }
    // Validated whole above; written whole here (one transaction), so a
    // refused edit leaves nothing for the stores to pull.
    auto seqs = store_.EditAll(user->org_id, *edit);
    if (!seqs.ok()) return FailStatus(res, seqs.status());
    Reply(res, 200, {{"ok", true}, {"seqs", *seqs}});
  }

  // ---- anyone --------------------------------------------------------------

  // A receipt check (PROTOCOL.md §9.1): no credential, so it is limited per
  // source address before anything is read, and answers only what the
  // receipt itself shows (receipt_check.h).
  void Verify(const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    if (const int64_t wait_ms = verify_limit_.Admit(req.remote_addr, clock_.NowMs()); wait_ms > 0) {
      const std::string secs = std::to_string((wait_ms + 999) / 1000);
      res.set_header(sync::kHeaderRetryAfter, secs);
      return Fail(res, 429, sync::kErrTooMany,
                  "核验请求过于频繁，请 " + secs + " 秒后再试 / too many receipt checks from this address; try again in " +
                      secs + " s");
    }
    if (req.get_param_value_count("q") != 1) {
      return Fail(res, 400, sync::kErrBadRequest,
                  "核验需要且只需要一个参数 q（小票二维码的内容）/ a receipt check takes exactly one ?q= (the receipt's "
                  "QR text)");
    }
    auto qr = ParseReceiptQr(req.get_param_value("q"));
    if (!qr.ok()) return Fail(res, 400, sync::kErrBadRequest, qr.status().message(), {{"field", "q"}});
    auto verdict = CheckReceipt(store_, *qr);
    if (!verdict.ok()) return FailStatus(res, verdict.status());
    Reply(res, 200, verdict->ToJson());
  }

  using EditItem = HubStore::CatalogEdit;

  // Validates an HQ edit body, all of it before anything is written, with the
  // till's own rules (catalog.h, barcode.h, promotions.h, store_config.h), and
  // turns it into catalogue changes (the data shapes of PROTOCOL.md §7).
  // Integers only; no floats reach the log; no control character in any text.
  static Result<std::vector<EditItem>> ToEdit(const std::string& path, const json& j) {
    if (auto bad = FirstControlChar(j)) {
      return Status::InvalidArgument("field " + bad->first + " " + bad->second);
    }
    auto str = [&](const char* k, bool required = true) -> std::optional<std::string> {
      if (!j.contains(k) || j[k].is_null()) return required ? std::nullopt : std::optional<std::string>("");
      if (!j[k].is_string() || j[k].get<std::string>().empty()) return std::nullopt;
      return j[k].get<std::string>();
    };
    auto integer = [&](const char* k) -> std::optional<int64_t> {
      if (!j.contains(k) || !j[k].is_number_integer()) return std::nullopt;
      return j[k].get<int64_t>();
    };
    std::vector<EditItem> out;
    if (path == sync::kPathHqCategories) {
      auto name = str("name");
      if (!name) return Status::InvalidArgument("a category needs \"name\"");
      out.push_back({"category", *name, "upsert", {{"name", *name}}, ""});
    } else if (path == sync::kPathHqTaxClasses) {
      auto name = str("name");
      auto rate = integer("rate_bp");
      if (!name || !rate || *rate < 0 || *rate > 10000) {
        return Status::InvalidArgument("a tax class needs \"name\" and integer \"rate_bp\" 0..10000");
      }
      out.push_back({"tax_class", *name, "upsert", {{"name", *name}, {"rate_bp", *rate}}, ""});
    } else if (path == sync::kPathHqProducts) {
      auto sku = str("sku"), name = str("name"), category = str("category", false), unit = str("unit", false);
      auto rate = integer("tax_rate_bp");
      if (!sku || !name || !category || !unit || !rate || *rate < 0 || *rate > 10000) {
        return Status::InvalidArgument(
            "a product needs \"sku\", \"name\", integer \"tax_rate_bp\"; optional \"category\", \"unit\" (pcs|kg)");
      }
      const std::string u = unit->empty() ? "pcs" : *unit;
      if (u != "pcs" && u != "kg") return Status::InvalidArgument("unit must be pcs or kg");
      if (std::string why = SkuProblem(*sku); !why.empty()) return Status::InvalidArgument("sku \"" + *sku + "\" " + why);
      if (std::string why = NameProblem(*name); !why.empty()) return Status::InvalidArgument("name " + why);
      const bool active = j.contains("active") && j["active"].is_boolean() ? j["active"].get<bool>() : true;
      out.push_back({"product", *sku, "upsert",
                     {{"sku", *sku}, {"name", *name}, {"category", *category}, {"unit", u},
                      {"tax_rate_bp", *rate}, {"active", active}},
                     ""});
      if (j.contains("barcodes")) {
        if (!j["barcodes"].is_array()) return Status::InvalidArgument("barcodes must be an array of strings");
        for (const json& b : j["barcodes"]) {
          if (!b.is_string()) return Status::InvalidArgument("barcodes must be an array of strings");
          const std::string code = b.get<std::string>();
          auto g = CheckGtin(code);
          if (!g) return Status::InvalidArgument("barcode \"" + code + "\" is not a GTIN (8, 12, 13 or 14 digits); check the code");
          if (!g->valid) {
            return Status::InvalidArgument("barcode \"" + code + "\" has a bad check digit (expected " +
                                           std::string(1, g->expected) + "); re-scan or re-type the code");
          }
          out.push_back({"barcode", code, "upsert", {{"code", code}, {"sku", *sku}, {"pack_qty_milli", 1000}}, ""});
        }
      }
    } else if (path == sync::kPathHqPrices) {
      auto sku = str("sku"), from = str("effective_from"), store = str("store", false);
      auto price = integer("price_fen");
      if (!sku || !from || !store || !price || *price < 0) {
        return Status::InvalidArgument(
            "a price needs \"sku\", integer \"price_fen\" >= 0 and \"effective_from\"; optional \"store\"");
      }
      // A bare date stays a date: each store starts it at 00:00 in its own
      // zone (price_schedule.h). An instant needs its offset.
      auto norm = NormalizeEffectiveFrom(*from, "effective_from");
      if (!norm.ok()) return norm.status();
      const std::string eff = *norm;
      if (std::string why = SkuProblem(*sku); !why.empty()) return Status::InvalidArgument("sku \"" + *sku + "\" " + why);
      out.push_back({"price", *sku + "@" + eff + (store->empty() ? "" : "@" + *store), "upsert",
                     {{"sku", *sku}, {"price_fen", *price}, {"effective_from", eff},
                      {"store", store->empty() ? json(nullptr) : json(*store)}},
                     *store});
    } else if (path == sync::kPathHqPromotions) {
      auto code = str("code");
      if (!code) return Status::InvalidArgument("a promotion needs \"code\"");
      if (auto bad = FirstFloat(j)) return Status::InvalidArgument("promotion field " + *bad + " must be an integer");
      // The till's parser, as it will read the change (apply_changes.cc).
      if (auto p = ParseFeedPromotion(j, *code); !p.ok()) return p.status();
      out.push_back({"promotion", *code, "upsert", j, ""});
    } else if (path == sync::kPathHqStoreConfig) {
      auto store = str("store"), key = str("key"), value = str("value");
      if (!store || !key || !value) return Status::InvalidArgument("store config needs \"store\", \"key\", \"value\"");
      // "*": the org's setting, for every store (price_authority, say).
      if (*store == "*") *store = "";
      // The till's rules: a value it would refuse is refused here, before any
      // store pulls it.
      if (std::string why = StoreConfigProblem(*key, *value); !why.empty()) {
        return Status::InvalidArgument("store_config \"" + *key + "\" " + why);
      }
      out.push_back({"store_config", *key, "upsert", {{"key", *key}, {"value", *value}}, *store});
    }
    return out;
  }

  // The path of the first string (or object key) holding a control
  // character, and why (ControlCharProblem): such text would reach the
  // tills' printers as commands.
  static std::optional<std::pair<std::string, std::string>> FirstControlChar(const json& j,
                                                                             const std::string& path = "$") {
    if (j.is_string()) {
      if (std::string why = ControlCharProblem(j.get_ref<const std::string&>()); !why.empty()) {
        return std::make_pair(path, why);
      }
    } else if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (std::string why = ControlCharProblem(it.key()); !why.empty()) {
          return std::make_pair(path + "." + ShowControlChars(it.key()), "(the name) " + why);
        }
        if (auto p = FirstControlChar(it.value(), path + "." + it.key())) return p;
      }
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) {
        if (auto p = FirstControlChar(j[i], path + "[" + std::to_string(i) + "]")) return p;
      }
    }
    return std::nullopt;
  }

  static std::optional<std::string> FirstFloat(const json& j, const std::string& path = "$") {
    if (j.is_number_float()) return path;
    if (j.is_object()) {
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (auto p = FirstFloat(it.value(), path + "." + it.key())) return p;
      }
    } else if (j.is_array()) {
      for (size_t i = 0; i < j.size(); ++i) {
        if (auto p = FirstFloat(j[i], path + "[" + std::to_string(i) + "]")) return p;
      }
    }
    return std::nullopt;
  }

  HubStore& store_;
  const Clock& clock_;
  ServerOptions opts_;
  std::mutex inflight_mu_;
  std::set<std::string> inflight_;
  std::mutex login_mu_;
  std::map<std::string, std::pair<int, int64_t>> login_failures_;
  RateLimiter verify_limit_;
};

HubServer::HubServer(HubStore& store, const Clock& clock, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, clock, options)), options_(std::move(options)) {}

HubServer::~HubServer() { Stop(); }

Status HubServer::Start() {
  if (options_.insecure_http) {
    if (!IsLoopbackHost(options_.host)) {
      return Status::InvalidArgument("--insecure-http serves plain HTTP on loopback only (127.0.0.1, ::1); " +
                                     options_.host + " is not loopback. Use --tls-cert/--tls-key");
    }
    server_ = std::make_unique<httplib::Server>();
  } else {
    if (options_.tls_cert.empty() || options_.tls_key.empty()) {
      return Status::InvalidArgument(
          "the hub serves HTTPS: give --tls-cert and --tls-key (make them with `linli-hub cert init`)");
    }
    auto ssl = std::make_unique<httplib::SSLServer>(options_.tls_cert.c_str(), options_.tls_key.c_str());
    if (!ssl->is_valid()) {
      return Status::IoError("could not load the TLS certificate " + options_.tls_cert + " or key " +
                             options_.tls_key);
    }
    server_ = std::move(ssl);
  }
  server_->set_tcp_nodelay(true);  // DESIGN §7: ~40 ms per response otherwise
  server_->set_payload_max_length(sync::kMaxRequestBody);
  server_->set_read_timeout(30, 0);
  server_->set_write_timeout(30, 0);
  LINLI_RETURN_IF_ERROR(impl_->Register(*server_));
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ <= 0) return Status::IoError("cannot bind " + options_.host);
  } else {
    if (!server_->bind_to_port(options_.host, options_.port)) {
      return Status::IoError("cannot bind " + options_.host + ":" + std::to_string(options_.port) +
                             " (in use, or a privileged port?)");
    }
    port_ = options_.port;
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  return Status::Ok();
}

void HubServer::Wait() {
  if (thread_.joinable()) thread_.join();
}

void HubServer::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace linli::hub
