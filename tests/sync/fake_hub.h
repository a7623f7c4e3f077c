// An in-memory hub behind the HttpTransport interface, for the agent's unit
// tests: it checks request signatures, keeps events by (epoch, seq), signs
// checkpoints, serves a change feed, and can be told to answer 426/429/500 or
// to drop the connection for the next requests.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "linli/pos/crypto.h"
#include "linli/sync/agent.h"
#include "linli/sync/protocol.h"

namespace linli::testing {

class FakeHub final : public sync::HttpTransport {
 public:
  FakeHub() {
    auto k = GenerateEd25519();
    hub_key = k->public_key;
    hub_priv = k->private_key;
  }

  // Enrolment
  std::string token = "tok-1";
  std::string device_public_key;  // set by enroll
  std::string device_id;
  std::string hub_key, hub_priv;

  // Held events: epoch → seq → hash hex
  std::map<int64_t, std::map<int64_t, std::string>> events;
  int64_t pushes = 0;
  std::vector<size_t> push_event_counts;
  std::vector<size_t> push_json_sizes;  // uncompressed
  bool sign_badly = false;

  // Change feed
  std::vector<sync::Change> log;
  int64_t log_floor = 0;  // cursors below this get a snapshot
  std::vector<sync::Change> snapshot_state;

  // Scripted failures for the next requests (front first): an HTTP status
  // (426, 429, 500) or 0 for a dropped connection.
  std::deque<int> fail_next;
  int64_t retry_after_s = 7;
  const Clock* clock = nullptr;  // the agent's clock, for VerifyRequest

  std::vector<sync::HttpRequest> seen;

  Result<sync::HttpResponse> Send(const sync::HttpRequest& req) override {
    ++requests_;
    bytes_ += static_cast<int64_t>(req.body.size());
    seen.push_back(req);
    if (!fail_next.empty()) {
      const int f = fail_next.front();
      fail_next.pop_front();
      if (f == 0) return Status::Unavailable("connection reset (fake)");
      sync::HttpResponse r;
      r.status = f;
      if (f == 429) {
        r.headers["retry-after"] = std::to_string(retry_after_s);
        r.body = sync::ErrorBody{sync::kErrTooMany, "slow down", {}}.ToJson().dump();
      } else if (f == 426) {
        r.body = sync::ErrorBody{sync::kErrProtocolVersion, "this hub speaks sync protocol 0..0", {}}.ToJson().dump();
      } else {
        r.body = sync::ErrorBody{sync::kErrInternal, "boom", {}}.ToJson().dump();
      }
      return r;
    }
    const std::string path = req.url.substr(req.url.find('/', 8));
    if (path == sync::kPathEnroll) return Enroll(req);
    Status auth = Verify(req, path);
    if (!auth.ok()) return Answer(401, sync::ErrorBody{sync::kErrBadSignature, auth.message(), {}}.ToJson());
    if (path == sync::kPathHwm) return Hwm();
    if (path == sync::kPathPush) return Push(req);
    if (path.rfind(sync::kPathChanges, 0) == 0) return Changes(path);
    return Answer(404, sync::ErrorBody{sync::kErrNotFound, "no such path", {}}.ToJson());
  }
  int64_t bytes_sent() const override { return bytes_; }
  int64_t requests() const override { return requests_; }

  sync::Checkpoint Head() const {
    sync::Checkpoint c;
    c.device_id = device_id;
    if (!events.empty() && !events.rbegin()->second.empty()) {
      c.epoch = events.rbegin()->first;
      c.seq = events.rbegin()->second.rbegin()->first;
      c.hash_hex = events.rbegin()->second.rbegin()->second;
    } else {
      c.hash_hex = std::string(64, '0');
    }
    c.signed_at = "2026-11-21T08:00:00.000Z";
    (void)sync::SignCheckpoint(c, hub_priv, hub_key);
    if (sign_badly) c.signature_hex[0] = c.signature_hex[0] == 'a' ? 'b' : 'a';
    return c;
  }

  size_t EventCount() const {
    size_t n = 0;
    for (const auto& [e, m] : events) n += m.size();
    return n;
  }

 private:
  static sync::HttpResponse Answer(int status, const nlohmann::json& body) {
    sync::HttpResponse r;
    r.status = status;
    r.body = body.dump();
    return r;
  }
  static std::string HeaderOf(const sync::HttpRequest& req, const char* name) {
    for (const auto& [k, v] : req.headers) {
      if (k == name) return v;
    }
    return "";
  }

  Status Verify(const sync::HttpRequest& req, const std::string& path) {
    if (device_public_key.empty()) return Status::PermissionDenied("not enrolled");
    sync::SignedHeaders h{HeaderOf(req, sync::kHeaderProtocol), HeaderOf(req, sync::kHeaderDevice),
                          HeaderOf(req, sync::kHeaderTimestamp), HeaderOf(req, sync::kHeaderNonce),
                          HeaderOf(req, sync::kHeaderSignature)};
    return sync::VerifyRequest(device_public_key, h, req.method, path, req.body, clock->NowMs());
  }

  Result<sync::HttpResponse> Enroll(const sync::HttpRequest& req) {
    auto er = sync::EnrollRequest::FromJson(nlohmann::json::parse(req.body));
    if (!er.ok() || er->token != token) {
      return Answer(401, sync::ErrorBody{sync::kErrUnauthorized, "unknown or used token", {}}.ToJson());
    }
    token.clear();
    device_public_key = *HexDecode(er->public_key_hex);
    device_id = er->device_id;
    sync::EnrollResponse resp;
    resp.org_code = "LL";
    resp.store_code = "S001";
    resp.store_name = "测试店";
    resp.device_id = er->device_id;
    resp.hub_key_hex = HexEncode(hub_key);
    return Answer(200, resp.ToJson());
  }

  Result<sync::HttpResponse> Hwm() {
    sync::HwmResponse r;
    r.device_id = device_id;
    for (const auto& [epoch, m] : events) {
      if (m.empty()) continue;
      r.epochs.push_back({epoch, m.begin()->first, m.rbegin()->first, m.rbegin()->second});
    }
    if (!r.epochs.empty()) r.checkpoint = Head();
    return Answer(200, r.ToJson());
  }

  Result<sync::HttpResponse> Push(const sync::HttpRequest& req) {
    std::string body = req.body;
    if (HeaderOf(req, sync::kHeaderEncoding) == "gzip") {
      auto g = sync::Gunzip(body);
      if (!g.ok()) return Answer(400, sync::ErrorBody{sync::kErrBadRequest, g.status().message(), {}}.ToJson());
      body = *g;
    }
    ++pushes;
    push_json_sizes.push_back(body.size());
    auto p = sync::PushRequest::FromJson(nlohmann::json::parse(body));
    if (!p.ok()) return Answer(400, sync::ErrorBody{sync::kErrBadRequest, p.status().message(), {}}.ToJson());
    push_event_counts.push_back(p->events.size());
    sync::PushResponse resp;
    for (const sync::WireEvent& w : p->events) {
      auto& m = events[w.epoch];
      auto it = m.find(w.seq);
      if (it != m.end()) {
        ++resp.duplicates;
        continue;
      }
      m[w.seq] = w.hash_hex;
      ++resp.accepted;
    }
    resp.checkpoint = Head();
    return Answer(200, resp.ToJson());
  }

  Result<sync::HttpResponse> Changes(const std::string& path) {
    const size_t c = path.find("cursor=");
    const size_t l = path.find("limit=");
    const int64_t cursor = std::stoll(path.substr(c + 7));
    const int64_t limit = std::stoll(path.substr(l + 6));
    sync::ChangesResponse r;
    if (cursor < log_floor) {
      r.snapshot = true;
      r.changes = snapshot_state;
      r.cursor = log.empty() ? log_floor : log.back().seq;
      r.more = false;
      return Answer(200, r.ToJson());
    }
    r.cursor = cursor;
    for (const sync::Change& ch : log) {
      if (ch.seq <= cursor) continue;
      if (static_cast<int64_t>(r.changes.size()) >= limit) {
        r.more = true;
        break;
      }
      r.changes.push_back(ch);
      r.cursor = ch.seq;
    }
    return Answer(200, r.ToJson());
  }

  int64_t requests_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace linli::testing
