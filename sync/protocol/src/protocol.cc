// JSON shapes, request signing and checkpoints of the sync protocol
// (PROTOCOL.md). FromJson never throws: nlohmann's exceptions and our own
// shape checks become InvalidArgument naming the field.
#include "linli/sync/protocol.h"

#include <charconv>
#include <stdexcept>

#include "linli/pos/crypto.h"

namespace linli::sync {
namespace {

using json = nlohmann::json;

struct ShapeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

const json& Field(const json& j, const char* key) {
  if (!j.is_object()) throw ShapeError("expected a JSON object");
  auto it = j.find(key);
  if (it == j.end()) throw ShapeError(std::string("missing field \"") + key + "\"");
  return *it;
}
std::string Str(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_string()) throw ShapeError(std::string("field \"") + key + "\" must be a string");
  return v.get<std::string>();
}
std::string OptStr(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return {};
  return Str(j, key);
}
int64_t Int(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_number_integer()) throw ShapeError(std::string("field \"") + key + "\" must be an integer");
  return v.get<int64_t>();
}
bool Bool(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_boolean()) throw ShapeError(std::string("field \"") + key + "\" must be true or false");
  return v.get<bool>();
}
const json& Arr(const json& j, const char* key) {
  const json& v = Field(j, key);
  if (!v.is_array()) throw ShapeError(std::string("field \"") + key + "\" must be an array");
  return v;
}

template <typename T, typename F>
Result<T> Parse(const char* what, F&& f) {
  try {
    return f();
  } catch (const ShapeError& e) {
    return Status::InvalidArgument(std::string(what) + ": " + e.what());
  } catch (const json::exception& e) {
    return Status::InvalidArgument(std::string(what) + ": " + e.what());
  }
}

void PutU32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutI64(std::string& out, int64_t v) {
  const uint64_t u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((u >> (8 * i)) & 0xff));
}
void PutBytes(std::string& out, std::string_view b) {
  PutU32(out, static_cast<uint32_t>(b.size()));
  out.append(b);
}

bool IsLowerHex(std::string_view s, size_t len) {
  if (s.size() != len) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool IsAcceptedEventType(std::string_view type, int version) {
  for (const EventTypeVersion& t : kAcceptedEventTypes) {
    if (type == t.type && version == t.version) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Signing

std::string SigningString(int protocol_version, std::string_view method,
                          std::string_view path_and_query, std::string_view device_id,
                          int64_t timestamp_ms, std::string_view nonce,
                          std::string_view body_on_wire) {
  std::string s = "linli-request-v1\n";
  s += std::to_string(protocol_version);
  s += '\n';
  s += method;
  s += '\n';
  s += path_and_query;
  s += '\n';
  s += device_id;
  s += '\n';
  s += std::to_string(timestamp_ms);
  s += '\n';
  s += nonce;
  s += '\n';
  s += HexEncode(Sha256(body_on_wire));
  return s;
}

std::string NewNonce() {
  // RandomBytes does not fail on a seeded Linux system; never send a
  // predictable nonce silently, though.
  Result<std::string> b = RandomBytes(16);
  if (!b.ok()) throw std::runtime_error(b.status().message());
  return HexEncode(*b);
}

Result<SignedHeaders> SignRequest(std::string_view private_key, std::string_view device_id,
                                  std::string_view method, std::string_view path_and_query,
                                  std::string_view body_on_wire, int64_t now_ms,
                                  std::string_view nonce) {
  SignedHeaders h;
  h.protocol = std::to_string(kProtocolVersion);
  h.device = std::string(device_id);
  h.timestamp = std::to_string(now_ms);
  h.nonce = nonce.empty() ? NewNonce() : std::string(nonce);
  auto sig = Ed25519Sign(private_key, SigningString(kProtocolVersion, method, path_and_query,
                                                     device_id, now_ms, h.nonce, body_on_wire));
  if (!sig.ok()) return sig.status();
  h.signature = HexEncode(*sig);
  return h;
}

Status VerifyRequest(std::string_view public_key, const SignedHeaders& h,
                     std::string_view method, std::string_view path_and_query,
                     std::string_view body_on_wire, int64_t now_ms) {
  int version = 0;
  if (std::from_chars(h.protocol.data(), h.protocol.data() + h.protocol.size(), version).ec !=
      std::errc()) {
    return Status::InvalidArgument(std::string(kHeaderProtocol) + " header missing or not a number");
  }
  int64_t ts = 0;
  auto [p, ec] = std::from_chars(h.timestamp.data(), h.timestamp.data() + h.timestamp.size(), ts);
  if (ec != std::errc() || p != h.timestamp.data() + h.timestamp.size()) {
    return Status::InvalidArgument(std::string(kHeaderTimestamp) +
                                   " header missing or not Unix milliseconds");
  }
  if (!IsLowerHex(h.nonce, 32)) {
    return Status::InvalidArgument(std::string(kHeaderNonce) + " must be 32 lowercase hex characters");
  }
  if (!IsLowerHex(h.signature, 128)) {
    return Status::InvalidArgument(std::string(kHeaderSignature) +
                                   " must be 128 lowercase hex characters");
  }
  // Unsigned: ts may be anything down to INT64_MIN, and now_ms - ts must not overflow.
  const uint64_t skew = now_ms > ts ? uint64_t(now_ms) - uint64_t(ts) : uint64_t(ts) - uint64_t(now_ms);
  if (skew > uint64_t(kTimestampWindowMs)) {
    return Status::PermissionDenied("request timestamp is " + std::to_string(skew / 1000) +
                                    " s away from the hub clock (window " +
                                    std::to_string(kTimestampWindowMs / 1000) +
                                    " s); check the till's clock");
  }
  auto sig = HexDecode(h.signature);
  if (!sig.ok()) return Status::InvalidArgument("signature is not hex");
  if (!Ed25519Verify(public_key, SigningString(version, method, path_and_query, h.device, ts,
                                               h.nonce, body_on_wire),
                     *sig)) {
    return Status::PermissionDenied("request signature does not verify with the device key");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Checkpoints

json Checkpoint::ToJson() const {
  return {{"device_id", device_id}, {"epoch", epoch},           {"seq", seq},
          {"hash_hex", hash_hex},   {"signed_at", signed_at},   {"hub_key_hex", hub_key_hex},
          {"signature_hex", signature_hex}};
}

Result<Checkpoint> Checkpoint::FromJson(const json& j) {
  return Parse<Checkpoint>("checkpoint", [&] {
    Checkpoint c;
    c.device_id = Str(j, "device_id");
    c.epoch = Int(j, "epoch");
    c.seq = Int(j, "seq");
    c.hash_hex = Str(j, "hash_hex");
    c.signed_at = Str(j, "signed_at");
    c.hub_key_hex = Str(j, "hub_key_hex");
    c.signature_hex = Str(j, "signature_hex");
    return c;
  });
}

Result<std::string> CheckpointSigningInput(const Checkpoint& c) {
  auto hash = HexDecode(c.hash_hex);
  if (!hash.ok() || hash->size() != 32) {
    return Status::InvalidArgument("checkpoint hash_hex must be 64 hex characters");
  }
  std::string s = "linli/checkpoint/v1";
  PutBytes(s, c.device_id);
  PutI64(s, c.epoch);
  PutI64(s, c.seq);
  PutBytes(s, *hash);
  PutBytes(s, c.signed_at);
  return s;
}

Status SignCheckpoint(Checkpoint& c, std::string_view hub_private_key,
                      std::string_view hub_public_key) {
  auto input = CheckpointSigningInput(c);
  if (!input.ok()) return input.status();
  auto sig = Ed25519Sign(hub_private_key, *input);
  if (!sig.ok()) return sig.status();
  c.signature_hex = HexEncode(*sig);
  c.hub_key_hex = HexEncode(hub_public_key);
  return Status::Ok();
}

bool VerifyCheckpoint(const Checkpoint& c, std::string_view hub_public_key) {
  auto input = CheckpointSigningInput(c);
  auto sig = HexDecode(c.signature_hex);
  if (!input.ok() || !sig.ok()) return false;
  return Ed25519Verify(hub_public_key, *input, *sig);
}

// ---------------------------------------------------------------------------
// Bodies

json HealthResponse::ToJson() const {
  return {{"protocol", protocol},
          {"min_protocol", min_protocol},
          {"event_types", event_types},
          {"hub_key_hex", hub_key_hex}};
}
Result<HealthResponse> HealthResponse::FromJson(const json& j) {
  return Parse<HealthResponse>("health", [&] {
    HealthResponse h;
    h.protocol = static_cast<int>(Int(j, "protocol"));
    h.min_protocol = static_cast<int>(Int(j, "min_protocol"));
    for (const json& t : Arr(j, "event_types")) h.event_types.push_back(t.get<std::string>());
    h.hub_key_hex = Str(j, "hub_key_hex");
    return h;
  });
}

json EnrollRequest::ToJson() const {
  return {{"token", token},
          {"device_id", device_id},
          {"public_key_hex", public_key_hex},
          {"hostname", hostname}};
}
Result<EnrollRequest> EnrollRequest::FromJson(const json& j) {
  return Parse<EnrollRequest>("enrol request", [&] {
    EnrollRequest r;
    r.token = Str(j, "token");
    r.device_id = Str(j, "device_id");
    r.public_key_hex = Str(j, "public_key_hex");
    r.hostname = OptStr(j, "hostname");
    if (!IsLowerHex(r.public_key_hex, 64)) throw ShapeError("public_key_hex must be 64 lowercase hex");
    if (r.device_id.empty() || r.device_id.size() > 64) throw ShapeError("device_id must be 1..64 characters");
    return r;
  });
}

json EnrollResponse::ToJson() const {
  return {{"org_code", org_code},   {"store_code", store_code},   {"store_name", store_name},
          {"device_id", device_id}, {"hub_key_hex", hub_key_hex}, {"protocol", protocol}};
}
Result<EnrollResponse> EnrollResponse::FromJson(const json& j) {
  return Parse<EnrollResponse>("enrol response", [&] {
    EnrollResponse r;
    r.org_code = Str(j, "org_code");
    r.store_code = Str(j, "store_code");
    r.store_name = Str(j, "store_name");
    r.device_id = Str(j, "device_id");
    r.hub_key_hex = Str(j, "hub_key_hex");
    r.protocol = static_cast<int>(Int(j, "protocol"));
    return r;
  });
}

json HwmResponse::ToJson() const {
  json eps = json::array();
  for (const EpochHead& e : epochs) {
    eps.push_back({{"epoch", e.epoch},
                   {"first_seq", e.first_seq},
                   {"head_seq", e.head_seq},
                   {"head_hash_hex", e.head_hash_hex}});
  }
  json j = {{"device_id", device_id}, {"epochs", eps}};
  if (!forks.empty()) {
    json fs = json::array();
    for (const ForkHead& f : forks) {
      fs.push_back({{"epoch", f.epoch},
                    {"first_seq", f.first_seq},
                    {"head_seq", f.head_seq},
                    {"head_hash_hex", f.head_hash_hex}});
    }
    j["forks"] = std::move(fs);
  }
  if (checkpoint) j["checkpoint"] = checkpoint->ToJson();
  return j;
}
Result<HwmResponse> HwmResponse::FromJson(const json& j) {
  return Parse<HwmResponse>("hwm", [&] {
    HwmResponse r;
    r.device_id = Str(j, "device_id");
    for (const json& e : Arr(j, "epochs")) {
      r.epochs.push_back({Int(e, "epoch"), Int(e, "first_seq"), Int(e, "head_seq"),
                          Str(e, "head_hash_hex")});
    }
    if (j.contains("forks")) {
      for (const json& f : Arr(j, "forks")) {
        r.forks.push_back({Int(f, "epoch"), Int(f, "first_seq"), Int(f, "head_seq"), Str(f, "head_hash_hex")});
      }
    }
    if (j.contains("checkpoint") && !j["checkpoint"].is_null()) {
      auto c = Checkpoint::FromJson(j["checkpoint"]);
      if (!c.ok()) throw ShapeError(c.status().message());
      r.checkpoint = *c;
    }
    return r;
  });
}
int64_t HwmResponse::HeadSeq(int64_t epoch) const {
  for (const EpochHead& e : epochs) {
    if (e.epoch == epoch) return e.head_seq;
  }
  return 0;
}

json WireEvent::ToJson() const {
  return {{"seq", seq},
          {"event_id", event_id},
          {"type", type},
          {"type_version", type_version},
          {"epoch", epoch},
          {"occurred_at", occurred_at},
          {"payload", payload},
          {"prev_hash_hex", prev_hash_hex},
          {"hash_hex", hash_hex},
          {"signature_hex", signature_hex}};
}
Result<WireEvent> WireEvent::FromJson(const json& j) {
  return Parse<WireEvent>("event", [&] {
    WireEvent e;
    e.seq = Int(j, "seq");
    e.event_id = Str(j, "event_id");
    e.type = Str(j, "type");
    e.type_version = static_cast<int>(Int(j, "type_version"));
    e.epoch = Int(j, "epoch");
    e.occurred_at = Str(j, "occurred_at");
    e.payload = Str(j, "payload");
    e.prev_hash_hex = Str(j, "prev_hash_hex");
    e.hash_hex = Str(j, "hash_hex");
    e.signature_hex = Str(j, "signature_hex");
    if (e.seq < 1) throw ShapeError("seq must be >= 1");
    return e;
  });
}
WireEvent WireEvent::FromJournal(const JournalEntry& e) {
  WireEvent w;
  w.seq = e.seq;
  w.event_id = e.event_id;
  w.type = e.type;
  w.type_version = e.type_version;
  w.epoch = e.epoch;
  w.occurred_at = e.occurred_at;
  w.payload = e.payload;
  w.prev_hash_hex = HexEncode(e.prev_hash);
  w.hash_hex = HexEncode(e.hash);
  w.signature_hex = HexEncode(e.signature);
  return w;
}
Result<JournalEntry> WireEvent::ToJournal() const {
  JournalEntry e;
  e.seq = seq;
  e.event_id = event_id;
  e.type = type;
  e.type_version = type_version;
  e.epoch = epoch;
  e.occurred_at = occurred_at;
  e.payload = payload;
  auto prev = HexDecode(prev_hash_hex);
  auto hash = HexDecode(hash_hex);
  auto sig = HexDecode(signature_hex);
  if (!prev.ok() || prev->size() != 32) return Status::InvalidArgument("seq " + std::to_string(seq) + ": prev_hash_hex must be 64 hex");
  if (!hash.ok() || hash->size() != 32) return Status::InvalidArgument("seq " + std::to_string(seq) + ": hash_hex must be 64 hex");
  if (!sig.ok() || sig->size() != 64) return Status::InvalidArgument("seq " + std::to_string(seq) + ": signature_hex must be 128 hex");
  e.prev_hash = std::move(*prev);
  e.hash = std::move(*hash);
  e.signature = std::move(*sig);
  return e;
}

json PushRequest::ToJson() const {
  json evs = json::array();
  for (const WireEvent& e : events) evs.push_back(e.ToJson());
  return {{"device_id", device_id}, {"events", evs}};
}
Result<PushRequest> PushRequest::FromJson(const json& j) {
  return Parse<PushRequest>("push", [&] {
    PushRequest r;
    r.device_id = Str(j, "device_id");
    const json& evs = Arr(j, "events");
    if (evs.empty()) throw ShapeError("events must not be empty");
    if (evs.size() > static_cast<size_t>(kMaxBatchEvents)) {
      throw ShapeError("a batch holds at most " + std::to_string(kMaxBatchEvents) + " events, this one " +
                       std::to_string(evs.size()));
    }
    for (const json& ej : evs) {
      auto e = WireEvent::FromJson(ej);
      if (!e.ok()) throw ShapeError(e.status().message());
      r.events.push_back(std::move(*e));
    }
    return r;
  });
}

PushBody::PushBody(std::string_view device_id) {
  // The envelope is PushRequest's own, so the two cannot drift apart. With
  // no events it dumps as {"device_id":…,"events":[]}: "events" is the last
  // key (object keys are sorted), so the events go before its closing "]}".
  text_ = PushRequest{std::string(device_id), {}}.ToJson().dump();
  text_.resize(text_.size() - 2);
}

std::string PushBody::Serialise(const WireEvent& event) { return event.ToJson().dump(); }

size_t PushBody::SizeWith(std::string_view event_json) const {
  return text_.size() + (events_ > 0 ? 1 : 0) + event_json.size() + 2;
}

void PushBody::Add(std::string_view event_json) {
  if (events_ > 0) text_ += ',';
  text_ += event_json;
  ++events_;
}

std::string PushBody::Take() && {
  text_ += "]}";
  return std::move(text_);
}

json PushResponse::ToJson() const {
  return {{"accepted", accepted},
          {"duplicates", duplicates},
          {"flagged", flagged},
          {"checkpoint", checkpoint.ToJson()}};
}
Result<PushResponse> PushResponse::FromJson(const json& j) {
  return Parse<PushResponse>("push response", [&] {
    PushResponse r;
    r.accepted = static_cast<int>(Int(j, "accepted"));
    r.duplicates = static_cast<int>(Int(j, "duplicates"));
    r.flagged = static_cast<int>(Int(j, "flagged"));
    auto c = Checkpoint::FromJson(Field(j, "checkpoint"));
    if (!c.ok()) throw ShapeError(c.status().message());
    r.checkpoint = *c;
    return r;
  });
}

json Change::ToJson() const {
  return {{"seq", seq}, {"kind", kind}, {"key", key}, {"op", op}, {"data", data}};
}
Result<Change> Change::FromJson(const json& j) {
  return Parse<Change>("change", [&] {
    Change c;
    c.seq = Int(j, "seq");
    c.kind = Str(j, "kind");
    c.key = Str(j, "key");
    c.op = Str(j, "op");
    c.data = j.contains("data") ? j["data"] : json(nullptr);
    return c;
  });
}

json ChangesResponse::ToJson() const {
  json cs = json::array();
  for (const Change& c : changes) cs.push_back(c.ToJson());
  return {{"cursor", cursor}, {"snapshot", snapshot}, {"more", more}, {"changes", cs}};
}
Result<ChangesResponse> ChangesResponse::FromJson(const json& j) {
  return Parse<ChangesResponse>("changes", [&] {
    ChangesResponse r;
    r.cursor = Int(j, "cursor");
    r.snapshot = Bool(j, "snapshot");
    r.more = Bool(j, "more");
    for (const json& cj : Arr(j, "changes")) {
      auto c = Change::FromJson(cj);
      if (!c.ok()) throw ShapeError(c.status().message());
      r.changes.push_back(std::move(*c));
    }
    return r;
  });
}

json ErrorBody::ToJson() const {
  json j = extra.is_object() ? extra : json::object();
  j["error"] = error;
  j["message"] = message;
  return j;
}
ErrorBody ErrorBody::Parse(std::string_view body) {
  ErrorBody e;
  json j = ParseJsonBody(body);
  if (j.is_object() && j.contains("error") && j["error"].is_string()) {
    e.error = j["error"].get<std::string>();
    // Not j.value("message", ""): that throws when "message" is not a string.
    if (j.contains("message") && j["message"].is_string()) e.message = j["message"].get<std::string>();
    j.erase("error");
    j.erase("message");
    e.extra = j;
  } else {
    e.error = "unknown";
    e.message = std::string(body.substr(0, 500));
  }
  return e;
}

json ParseJsonBody(std::string_view body, int max_depth) {
  // A quick scan before parsing: nlohmann's parser itself is iterative, but
  // copying, comparing and dumping the value it builds recurse per level.
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return json(json::value_t::discarded);
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return json::parse(body, nullptr, /*allow_exceptions=*/false);
}

json ReceiptVerdict::ToJson() const {
  auto text = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  return {{"result", result},
          {"reason", text(reason)},
          {"differs", differs},
          {"store_code", store_code},
          {"receipt_no", receipt_no},
          {"store_name", text(store_name)},
          {"kind", text(kind)},
          {"total_fen", total_fen ? json(*total_fen) : json(nullptr)},
          {"time", text(time)},
          {"hash_prefix", text(hash_prefix)},
          {"refunded_fen", refunded_fen},
          {"refunds", refunds},
          {"voided", voided},
          {"last_sync", text(last_sync)},
          {"message", message},
          {"message_en", message_en}};
}
Result<ReceiptVerdict> ReceiptVerdict::FromJson(const json& j) {
  return Parse<ReceiptVerdict>("receipt check", [&] {
    ReceiptVerdict v;
    v.result = Str(j, "result");
    if (v.result != kVerifyMatch && v.result != kVerifyMismatch && v.result != kVerifyUnknown) {
      throw ShapeError("result \"" + v.result + "\" is not match, mismatch or unknown");
    }
    v.reason = OptStr(j, "reason");
    if (j.contains("differs")) {
      for (const json& d : Arr(j, "differs")) v.differs.push_back(d.get<std::string>());
    }
    v.store_code = OptStr(j, "store_code");
    v.receipt_no = OptStr(j, "receipt_no");
    v.store_name = OptStr(j, "store_name");
    v.kind = OptStr(j, "kind");
    if (j.contains("total_fen") && !j["total_fen"].is_null()) v.total_fen = Int(j, "total_fen");
    v.time = OptStr(j, "time");
    v.hash_prefix = OptStr(j, "hash_prefix");
    if (j.contains("refunded_fen")) v.refunded_fen = Int(j, "refunded_fen");
    if (j.contains("refunds")) {
      for (const json& r : Arr(j, "refunds")) v.refunds.push_back(r.get<std::string>());
    }
    if (j.contains("voided")) v.voided = Bool(j, "voided");
    v.last_sync = OptStr(j, "last_sync");
    v.message = OptStr(j, "message");
    v.message_en = OptStr(j, "message_en");
    return v;
  });
}

}  // namespace linli::sync
