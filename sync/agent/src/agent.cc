// The sync agent: enrolment, push, checkpoints, pull (PROTOCOL.md §5–7).
//
// Why the push starts from the hub's high-water mark and not from a local
// "pushed up to" counter: the local counter is in the same file as the
// journal, so a restored backup rolls it back too. Asking the hub is the only
// way to notice that it holds events this database no longer has (§6.4).
#include "linli/sync/agent.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "linli/pos/crypto.h"
#include "linli/pos/journal.h"
#include "linli/pos/price_schedule.h"
#include "linli/pos/restore_guard.h"
#include "linli/pos/store.h"

namespace linli::sync {

namespace {

// Bounds on the rare restarts inside one round.
constexpr int kMaxGapRestarts = 3;

// One request body of journal rows, in order, each serialised once and
// measured with the text sent, below max_bytes; with only_epoch, only the
// leading rows of that epoch. last_seq 0: no row went in.
struct BatchBody {
  std::string body;
  int64_t last_seq = 0;
};
Result<BatchBody> BuildBatch(const std::string& device_id, const std::vector<JournalEntry>& rows, size_t max_bytes,
                             std::optional<int64_t> only_epoch) {
  PushBody push(device_id);
  BatchBody out;
  for (const JournalEntry& e : rows) {
    if (only_epoch && e.epoch != *only_epoch) break;
    const std::string event = PushBody::Serialise(WireEvent::FromJournal(e));
    if (push.SizeWith(event) >= max_bytes) {
      if (push.events() == 0) {
        return Status::FailedPrecondition("journal event " + std::to_string(e.seq) + " is larger than " +
                                          std::to_string(max_bytes) + " bytes and cannot be sent; call support");
      }
      break;
    }
    push.Add(event);
    out.last_seq = e.seq;
  }
  out.body = std::move(push).Take();
  return out;
}

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::optional<nlohmann::json> ParseJson(const std::string& body) {
  auto j = ParseJsonBody(body);  // refuses nesting that would overflow the stack when copied
  if (j.is_discarded()) return std::nullopt;
  return j;
}

// Retry-After in delta-seconds (the hub's form). -1 when absent or a date.
int64_t RetryAfterMs(const HttpResponse& r) {
  const std::string v = r.Header(kHeaderRetryAfter);
  if (v.empty() || v.size() > 9) return -1;
  for (char c : v) {
    if (c < '0' || c > '9') return -1;
  }
  return std::stoll(v) * 1000;
}

Checkpoint ReadCheckpoint(Statement& s, int col, const std::string& device_id,
                          const std::string& hub_key) {
  Checkpoint c;
  c.device_id = device_id;
  c.epoch = s.Int(col);
  c.seq = s.Int(col + 1);
  c.hash_hex = HexEncode(s.Blob(col + 2));
  c.signature_hex = HexEncode(s.Blob(col + 3));
  c.signed_at = s.Text(col + 4);
  c.hub_key_hex = HexEncode(hub_key);
  return c;
}

}  // namespace

// ---------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------

Result<SyncState> LoadSyncState(Database& db) {
  SyncState st;
  Status s = Guard([&]() -> Status {
    Statement probe = db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sync_state'");
    if (!probe.Step()) {
      return Status::FailedPrecondition("this store database has no sync tables; open it once with this Linli to upgrade it");
    }
    std::string device_id;
    {
      Statement d = db.Prepare("SELECT device_id FROM device WHERE id = 1");
      if (d.Step()) device_id = d.Text(0);
    }
    Statement q = db.Prepare(
        "SELECT enrolled, hub_url, ca_pem, org_code, store_code, hub_public_key, pushed_epoch, "
        "pushed_seq, pull_cursor, checkpoint_epoch, checkpoint_seq, checkpoint_hash, checkpoint_sig, "
        "checkpoint_at, last_attempt_at, last_success_at, last_error_at, last_error, "
        "update_required, update_message FROM sync_state WHERE id = 1");
    if (!q.Step()) return Status::Corruption("the sync_state row is missing");
    st.enrolled = q.Int(0) != 0;
    st.hub_url = q.Text(1);
    st.ca_pem = q.Text(2);
    st.org_code = q.Text(3);
    st.store_code = q.Text(4);
    st.hub_public_key = q.IsNull(5) ? "" : q.Blob(5);
    st.pushed_epoch = q.Int(6);
    st.pushed_seq = q.Int(7);
    const std::string cursor = q.Text(8);
    st.pull_cursor = cursor.empty() ? 0 : std::strtoll(cursor.c_str(), nullptr, 10);
    if (!q.IsNull(11) && !q.IsNull(12)) st.checkpoint = ReadCheckpoint(q, 9, device_id, st.hub_public_key);
    st.last_attempt_at = q.Text(14);
    st.last_success_at = q.Text(15);
    st.last_error_at = q.Text(16);
    st.last_error = q.Text(17);
    st.update_required = q.Int(18) != 0;
    st.update_message = q.Text(19);
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return st;
}

// ---------------------------------------------------------------------------
// Agent
// ---------------------------------------------------------------------------

SyncAgent::SyncAgent(Database& db, HttpTransport& transport, const Clock& clock, AgentOptions options)
    : db_(db), transport_(transport), clock_(clock), options_(options) {
  options_.max_batch_events = std::clamp(options_.max_batch_events, 1, kMaxBatchEvents);
  options_.max_batch_bytes = std::clamp<size_t>(options_.max_batch_bytes, 1024, kMaxBatchBytes);
  options_.changes_page = std::clamp(options_.changes_page, 1, kMaxChangesPage);
}

Status SyncAgent::HttpError(const HttpResponse& r, SyncReport& report) {
  report.http_status = r.status;
  const ErrorBody e = ErrorBody::Parse(r.body);
  const std::string said = e.message.empty() ? ("HTTP " + std::to_string(r.status)) : e.message;
  switch (r.status) {
    case 426:
      report.update_required = true;
      return Status::FailedPrecondition("update required: " + said +
                                        ". Sales are kept on this till and will be sent after the update");
    case 429:
      report.retry_after_ms = RetryAfterMs(r);
      return Status::Unavailable("the hub is busy and asked us to wait" +
                                 (report.retry_after_ms >= 0
                                      ? " " + std::to_string(report.retry_after_ms / 1000) + " s"
                                      : std::string()) +
                                 "; will retry");
    case 401:
      return Status::PermissionDenied("the hub refused this till's signature (" + said +
                                      "); check the till's clock, or enrol again");
    case 403:
      return Status::PermissionDenied("the hub refused this till (" + said + "); ask HQ to re-enable the store");
    default:
      break;
  }
  if (r.status >= 500) {
    report.retry_after_ms = RetryAfterMs(r);
    return Status::Unavailable("the hub had a problem (" + said + "); will retry");
  }
  return Status::FailedPrecondition("the hub answered " + std::to_string(r.status) + ": " + said);
}

Result<HttpResponse> SyncAgent::Signed(const std::string& method, const std::string& path_and_query,
                                       const std::string& body, bool gzip) {
  auto dev = LoadDevice(db_);
  if (!dev.ok()) return dev.status();
  std::string wire = body;
  if (gzip && !body.empty()) {
    auto z = Gzip(body);
    if (!z.ok()) return z.status();
    wire = std::move(*z);
  }
  // Clocks (PROTOCOL.md §3.1): sign with the hub's time as best we know it,
  // so a till whose clock is a day off still gets through (its events keep
  // the till's own clock, and the hub flags them). A 401 stale_timestamp
  // teaches us the hub's clock; the request is then signed again, once.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const int64_t sent_at = clock_.NowMs();
    auto h = SignRequest(dev->private_key, dev->device_id, method, path_and_query, wire, sent_at + clock_offset_ms_);
    if (!h.ok()) return h.status();
    HttpRequest req;
    req.method = method;
    req.url = state_.hub_url + path_and_query;
    req.headers = {{kHeaderProtocol, h->protocol},   {kHeaderDevice, h->device},
                   {kHeaderTimestamp, h->timestamp}, {kHeaderNonce, h->nonce},
                   {kHeaderSignature, h->signature}, {kHeaderDeviceClock, std::to_string(sent_at)}};
    if (!wire.empty()) req.headers.emplace_back("Content-Type", kContentTypeJson);
    if (gzip && !body.empty()) req.headers.emplace_back(kHeaderEncoding, "gzip");
    req.body = wire;
    auto r = transport_.Send(req);
    if (!r.ok()) return r;
    const std::string hub_time = r->Header(kHeaderHubTime);
    int64_t hub_ms = 0;
    bool learned = false;
    if (!hub_time.empty() && hub_time.size() < 19 &&
        hub_time.find_first_not_of("0123456789") == std::string::npos) {
      hub_ms = std::stoll(hub_time);
      const int64_t mid = sent_at + (clock_.NowMs() - sent_at) / 2;
      const int64_t offset = hub_ms - mid;
      learned = offset != clock_offset_ms_;
      clock_offset_ms_ = offset;
    }
    if (attempt == 0 && learned && r->status == 401 && ErrorBody::Parse(r->body).error == kErrStaleTimestamp) {
      continue;
    }
    return r;
  }
  return Status::Unavailable("unreachable: the request was signed twice");  // the loop always returns
}

Status SyncAgent::Enroll(const std::string& hub_url_in, const std::string& token, const std::string& ca_pem) {
  const std::string hub_url = TrimSlash(hub_url_in);
  if (hub_url.rfind("https://", 0) != 0 && !IsLoopbackUrl(hub_url)) {
    return Status::InvalidArgument("the hub address must start with https:// (got \"" + hub_url + "\")");
  }
  if (hub_url.rfind("https://", 0) == 0 && ca_pem.empty()) {
    return Status::InvalidArgument("give the hub's CA certificate with --ca FILE; it is pinned for every later sync");
  }
  if (token.empty()) return Status::InvalidArgument("give the one-time enrolment token from HQ with --token");
  auto dev = LoadDevice(db_);
  if (!dev.ok()) return dev.status();
  EnrollRequest er;
  er.token = token;
  er.device_id = dev->device_id;
  er.public_key_hex = HexEncode(dev->public_key);
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) == 0) er.hostname = host;
  HttpRequest req;
  req.method = "POST";
  req.url = hub_url + kPathEnroll;
  req.headers = {{kHeaderProtocol, std::to_string(kProtocolVersion)}, {"Content-Type", kContentTypeJson}};
  req.body = er.ToJson().dump();
  auto r = transport_.Send(req);
  if (!r.ok()) return r.status();
  SyncReport report;
  if (r->status != 200) {
    if (r->status == 401) {
      return Status::PermissionDenied("the hub did not accept the token (" + ErrorBody::Parse(r->body).message +
                                      "); ask HQ for a new one");
    }
    Status st = HttpError(*r, report);
    if (report.update_required) {
      (void)Guard([&] {
        db_.Prepare("UPDATE sync_state SET update_required = 1, update_message = ? WHERE id = 1")
            .Bind(1, st.message())
            .Run();
      });
    }
    return st;
  }
  auto j = ParseJson(r->body);
  if (!j) return Status::Unavailable("the hub's enrolment answer is not JSON");
  auto resp = EnrollResponse::FromJson(*j);
  if (!resp.ok()) return Status::Unavailable("the hub's enrolment answer is malformed: " + resp.status().message());
  if (resp->device_id != dev->device_id) {
    return Status::Corruption("the hub enrolled another device id (" + resp->device_id + "); nothing was saved");
  }
  auto hub_key = HexDecode(resp->hub_key_hex);
  if (!hub_key.ok() || hub_key->size() != 32) {
    return Status::Unavailable("the hub's key in the enrolment answer is not 64 hex digits");
  }
  return Guard([&] {
    Transaction tx(db_);
    db_.Prepare(
           "UPDATE sync_state SET enrolled = 1, hub_url = ?, ca_pem = ?, org_code = ?, store_code = ?, "
           "hub_public_key = ?, pull_cursor = '', pushed_epoch = 0, pushed_seq = 0, checkpoint_epoch = 0, "
           "checkpoint_seq = 0, checkpoint_hash = NULL, checkpoint_sig = NULL, checkpoint_at = '', "
           "update_required = 0, update_message = '', last_error = '' WHERE id = 1")
        .Bind(1, hub_url)
        .Bind(2, ca_pem)
        .Bind(3, resp->org_code)
        .Bind(4, resp->store_code)
        .BindBlob(5, hub_key->data(), hub_key->size())
        .Run();
    tx.Commit();
  });
}

Status SyncAgent::StoreCheckpoint(const Checkpoint& c) {
  auto dev = LoadDevice(db_);
  if (!dev.ok()) return dev.status();
  if (c.device_id != dev->device_id) {
    return Status::Corruption("the hub's checkpoint names another device (" + c.device_id + ")");
  }
  if (c.hub_key_hex != HexEncode(state_.hub_public_key) || !VerifyCheckpoint(c, state_.hub_public_key)) {
    return Status::Corruption(
        "the hub's checkpoint is not signed by the hub key pinned at enrolment; not kept. Tell HQ");
  }
  auto hash = HexDecode(c.hash_hex);
  auto sig = HexDecode(c.signature_hex);
  if (!hash.ok() || !sig.ok()) return Status::Corruption("the hub's checkpoint has malformed hex");
  Status st = Guard([&] {
    // The hub's word is kept whatever it says (journal verify compares it).
    // It acknowledges our events unless we hold another event of that epoch
    // at that seq (a copy that sold where the hub holds the old till's sale).
    // A seq beyond our head is a restore, which step 2 of Push handles.
    Statement& own = db_.Cached("SELECT epoch = ?2 AND hash != ?3 FROM journal WHERE seq = ?1");
    own.Bind(1, c.seq).Bind(2, c.epoch).BindBlob(3, hash->data(), hash->size());
    const bool ours = !own.Step() || own.Int(0) == 0;
    own.Reset();
    db_.Prepare(
           "UPDATE sync_state SET checkpoint_epoch = ?, checkpoint_seq = ?, checkpoint_hash = ?, "
           "checkpoint_sig = ?, checkpoint_at = ? WHERE id = 1")
        .Bind(1, c.epoch)
        .Bind(2, c.seq)
        .BindBlob(3, hash->data(), hash->size())
        .BindBlob(4, sig->data(), sig->size())
        .Bind(5, c.signed_at)
        .Run();
    if (ours) {
      db_.Prepare("UPDATE sync_state SET pushed_epoch = ?, pushed_seq = ? WHERE id = 1")
          .Bind(1, c.epoch)
          .Bind(2, c.seq)
          .Run();
    }
  });
  if (st.ok()) state_.checkpoint = c;
  return st;
}

Status SyncAgent::Push(SyncReport& report) {
  bool fork_tried = false;  // one fork adoption per round
  for (int restart = 0; restart <= kMaxGapRestarts; ++restart) {
    // 1. What does the hub hold?
    auto r = Signed("GET", kPathHwm, "", false);
    if (!r.ok()) return r.status();
    if (r->status != 200) return HttpError(*r, report);
    auto j = ParseJson(r->body);
    if (!j) return Status::Unavailable("the hub's high-water mark is not JSON; will retry");
    auto hwm = HwmResponse::FromJson(*j);
    if (!hwm.ok()) return Status::Unavailable("the hub's high-water mark is malformed: " + hwm.status().message());

    auto dev = LoadDevice(db_);
    if (!dev.ok()) return dev.status();
    auto head = JournalHead(db_);
    if (!head.ok()) return head.status();

    // 2. A restored database: the hub holds more of our chain than we do
    // (or a later epoch). Take a new epoch so new events never reuse a
    // (epoch, seq) the hub already holds with another hash (§6.4).
    int64_t hub_max_epoch = 0;
    for (const EpochHead& e : hwm->epochs) hub_max_epoch = std::max(hub_max_epoch, e.epoch);
    if (hub_max_epoch > dev->epoch || hwm->HeadSeq(dev->epoch) > head->seq) {
      const int64_t new_epoch = std::max(dev->epoch, hub_max_epoch) + 1;
      LINLI_RETURN_IF_ERROR(TakeEpoch(db_, new_epoch));
      report.restored = true;
    }

    // 3. Same seq, another event: a copy of this file sold where the hub
    // already holds what the old till sold. Seqs alone cannot tell; hashes
    // can. The hub's head of each epoch and its signed checkpoint we kept
    // must be our own events where we hold those seqs (PROTOCOL.md §6.5).
    // A fork the hub adopted is ours when its head is our event (§6.5): from
    // its first seq on, that epoch of ours is held there, not in the chain.
    struct OurFork {
      int64_t epoch = 0, first_seq = 0, head_seq = 0;
    };
    std::vector<OurFork> our_forks;
    LINLI_RETURN_IF_ERROR(Guard([&] {
      for (const ForkHead& f : hwm->forks) {
        Statement& s = db_.Cached("SELECT epoch, hash FROM journal WHERE seq = ?");
        s.Bind(1, f.head_seq);
        if (s.Step() && s.Int(0) == f.epoch && HexEncode(s.Blob(1)) == f.head_hash_hex) {
          our_forks.push_back({f.epoch, f.first_seq, f.head_seq});
        }
        s.Reset();
      }
    }));
    auto our_fork_at = [&](int64_t epoch, int64_t seq) -> const OurFork* {
      for (const OurFork& f : our_forks) {
        if (f.epoch == epoch && seq >= f.first_seq) return &f;
      }
      return nullptr;
    };
    // A fork sent only in part (the connection dropped): send the rest first.
    for (const OurFork& f : our_forks) {
      std::optional<int64_t> next_epoch;
      LINLI_RETURN_IF_ERROR(Guard([&] {
        Statement q = db_.Prepare("SELECT epoch FROM journal WHERE seq = ?");
        if (q.Bind(1, f.head_seq + 1).Step()) next_epoch = q.Int(0);
      }));
      if (next_epoch && *next_epoch == f.epoch) {
        bool no_fork = false;
        LINLI_RETURN_IF_ERROR(PushFork(f.epoch, f.head_seq + 1, report, &no_fork));
      }
    }

    int64_t confirmed = 0;  // the highest seq known to be the hub's event too
    int64_t diverged = 0;   // the lowest seq known to differ
    int64_t diverged_epoch = 0;
    Status compare = Guard([&] {
      auto check = [&](int64_t epoch, int64_t seq, const std::string& hash_hex) {
        if (seq < 1 || seq > head->seq) return;
        if (our_fork_at(epoch, seq)) return;  // known and adopted
        Statement& s = db_.Cached("SELECT epoch, hash FROM journal WHERE seq = ?");
        s.Bind(1, seq);
        const bool found = s.Step();
        const int64_t our_epoch = found ? s.Int(0) : -1;
        const std::string our_hash = found ? HexEncode(s.Blob(1)) : "";
        s.Reset();
        if (!found || our_epoch != epoch) return;  // another epoch here: step 2's business
        if (our_hash == hash_hex) {
          confirmed = std::max(confirmed, seq);
        } else if (diverged == 0 || seq < diverged) {
          diverged = seq;
          diverged_epoch = epoch;
        }
      };
      for (const EpochHead& e : hwm->epochs) check(e.epoch, e.head_seq, e.head_hash_hex);
      if (state_.checkpoint) check(state_.checkpoint->epoch, state_.checkpoint->seq, state_.checkpoint->hash_hex);
    });
    LINLI_RETURN_IF_ERROR(compare);
    if (diverged > 0 && !fork_tried) {
      // Our events from `diverged` are not the hub's: a copy of this file
      // sold where the old till also sold. They go to the hub as a fork,
      // which it adopts and shows to HQ (§6.5), and this till goes on in a
      // new epoch chained onto them. Never "sent 0".
      fork_tried = true;
      bool no_fork = false;
      LINLI_RETURN_IF_ERROR(AdoptFork(diverged_epoch, diverged, confirmed + 1, report, &no_fork));
      if (!no_fork) continue;  // read the hwm again: the fork is held now
    }
    if (diverged > 0) {
      // The hub would not adopt it: push from the last seq known to be
      // shared; our first differing event is refused as a fork and kept in
      // the hub's quarantine for HQ.
      report.diverged_seq = diverged;
      LINLI_RETURN_IF_ERROR(Guard([&] { SetConfig(db_, kDivergedConfigKey, std::to_string(diverged)); }));
    }

    // 4. The hub holds a prefix of our journal (we push in order): find
    // its end by bisection over seq; each probe is one primary-key lookup.
    auto held = [&](int64_t seq) -> bool {
      Statement& s = db_.Cached("SELECT epoch FROM journal WHERE seq = ?");
      s.Bind(1, seq);
      const bool found = s.Step();
      const int64_t epoch = found ? s.Int(0) : -1;
      s.Reset();
      if (!found) return false;
      if (const OurFork* f = our_fork_at(epoch, seq)) return seq <= f->head_seq;
      for (const EpochHead& e : hwm->epochs) {
        if (e.epoch == epoch && e.first_seq <= seq && seq <= e.head_seq) return true;
      }
      return false;
    };
    int64_t after = 0;
    Status bisect = Guard([&] {
      int64_t lo = 0, hi = head->seq;
      while (lo < hi) {
        const int64_t mid = lo + (hi - lo + 1) / 2;
        if (held(mid)) lo = mid; else hi = mid - 1;
      }
      after = lo;
    });
    LINLI_RETURN_IF_ERROR(bisect);
    if (diverged > 0) after = std::min({after, confirmed, diverged - 1});
    // (Not one over the hub's chain where we hold an adopted fork: that seq
    // is another copy's event, and ours is in the fork.)
    if (hwm->checkpoint && hwm->checkpoint->seq > 0 &&
        !our_fork_at(hwm->checkpoint->epoch, hwm->checkpoint->seq)) {
      Status cs = StoreCheckpoint(*hwm->checkpoint);
      if (!cs.ok() && cs.code() == Status::Code::kCorruption) return cs;
    }

    // 5. Batches, one in flight.
    bool gap = false;
    for (int batch = 0; batch < options_.max_push_batches; ++batch) {
      auto rows = ReadJournal(db_, after, options_.max_batch_events);
      if (!rows.ok()) return rows.status();
      if (rows->empty()) return Status::Ok();
      // Each event is serialised once: the text measured is the text sent.
      // A body stays below max_batch_bytes.
      auto batch_body = BuildBatch(dev->device_id, *rows, options_.max_batch_bytes, std::nullopt);
      if (!batch_body.ok()) return batch_body.status();
      const int64_t last_seq = batch_body->last_seq;
      auto pr = Signed("POST", kPathPush, std::move(batch_body->body), options_.gzip);
      ++report.push_requests;
      if (!pr.ok()) return pr.status();
      if (pr->status == 409) {
        const ErrorBody e = ErrorBody::Parse(pr->body);
        if (e.error == kErrGap) {
          gap = true;
          break;  // re-read the hwm
        }
        if (e.error == kErrBusy) {
          report.http_status = 409;
          return Status::Unavailable("the hub is still busy with this till's previous batch; will retry");
        }
        if (e.extra.contains("checkpoint")) {
          auto c = Checkpoint::FromJson(e.extra["checkpoint"]);
          if (c.ok()) (void)StoreCheckpoint(*c);
        }
        report.http_status = 409;
        const int64_t refused = e.extra.value("seq", int64_t{0});
        if (e.error == kErrFork && refused > 0 && !fork_tried) {
          // The hub holds another event where ours chain on: found only now
          // (the hub held more of that epoch than we did). Our events of the
          // epoch where the chains part go as a fork, as above.
          fork_tried = true;
          int64_t fork_epoch = e.extra.value("epoch", int64_t{0});
          LINLI_RETURN_IF_ERROR(Guard([&] {
            Statement q = db_.Prepare("SELECT epoch FROM journal WHERE seq = ?");
            if (refused > 1 && q.Bind(1, refused - 1).Step()) fork_epoch = q.Int(0);
          }));
          bool no_fork = false;
          LINLI_RETURN_IF_ERROR(AdoptFork(fork_epoch, refused, confirmed + 1, report, &no_fork));
          if (!no_fork) {
            gap = true;  // read the hwm again
            break;
          }
        }
        if (e.error == kErrFork && refused > 0) {
          if (report.diverged_seq == 0 || refused < report.diverged_seq) report.diverged_seq = refused;
          LINLI_RETURN_IF_ERROR(
              Guard([&] { SetConfig(db_, kDivergedConfigKey, std::to_string(report.diverged_seq)); }));
          return Status::Corruption(
              "this till's journal differs from the hub's from event " + std::to_string(report.diverged_seq) +
              ": the store file was copied back (or restored) while another copy kept selling. The events are "
              "kept here and the hub keeps them in quarantine for HQ; sync is stopped for this till. Do not "
              "delete anything; call support (the hub said: " + e.message + ")");
        }
        return Status::Corruption("the hub refused event " + std::to_string(refused) +
                                  ": " + e.message + ". Sync is stopped for this till; call support");
      }
      if (pr->status == 422) {
        report.http_status = 422;
        const ErrorBody e = ErrorBody::Parse(pr->body);
        return Status::Corruption("the hub refused an event as invalid: " + e.message +
                                  ". Sync is stopped for this till; call support");
      }
      if (pr->status != 200) return HttpError(*pr, report);
      auto pj = ParseJson(pr->body);
      if (!pj) return Status::Unavailable("the hub's push answer is not JSON; will retry");
      auto resp = PushResponse::FromJson(*pj);
      if (!resp.ok()) return Status::Unavailable("the hub's push answer is malformed: " + resp.status().message());
      report.pushed += resp->accepted + resp->flagged;  // flagged events are stored too
      report.duplicates += resp->duplicates;
      LINLI_RETURN_IF_ERROR(StoreCheckpoint(resp->checkpoint));
      after = last_seq;
    }
    if (!gap) return Status::Ok();  // batch bound reached; the next round goes on
  }
  return Status::Unavailable("the hub keeps reporting a gap in this till's events; will retry");
}

Status SyncAgent::PushFork(int64_t epoch, int64_t from_seq, SyncReport& report, bool* no_fork) {
  *no_fork = false;
  auto dev = LoadDevice(db_);
  if (!dev.ok()) return dev.status();
  int64_t after = std::max<int64_t>(from_seq, 1) - 1;
  bool stored_any = false;
  for (int batch = 0; batch < options_.max_push_batches; ++batch) {
    auto rows = ReadJournal(db_, after, options_.max_batch_events);
    if (!rows.ok()) return rows.status();
    auto body = BuildBatch(dev->device_id, *rows, options_.max_batch_bytes, epoch);
    if (!body.ok()) return body.status();
    if (body->last_seq == 0) return Status::Ok();  // the fork's events are all sent
    auto pr = Signed("POST", kPathFork, std::move(body->body), options_.gzip);
    ++report.push_requests;
    if (!pr.ok()) return pr.status();
    if (pr->status != 200) {
      const ErrorBody e = ErrorBody::Parse(pr->body);
      report.http_status = pr->status;
      if (pr->status == 400 && e.error == kErrBadRequest && !stored_any) {
        *no_fork = true;  // the hub holds none of these seqs: nothing forked
        return Status::Ok();
      }
      if (pr->status == 409 && e.error == kErrBusy) {
        return Status::Unavailable("the hub is still busy with this till's previous batch; will retry");
      }
      if (pr->status == 409 && e.error == kErrGap) {
        return Status::FailedPrecondition("fork starts earlier: " + e.message);
      }
      if (pr->status == 409 || pr->status == 422 || pr->status == 400) {
        return Status::Corruption("the hub refused this till's fork at event " +
                                  std::to_string(e.extra.value("seq", int64_t{0})) + ": " + e.message +
                                  ". Sync is stopped for this till; the events are kept here. Call support");
      }
      return HttpError(*pr, report);
    }
    report.http_status = 0;
    auto pj = ParseJson(pr->body);
    if (!pj) return Status::Unavailable("the hub's fork answer is not JSON; will retry");
    auto resp = PushResponse::FromJson(*pj);
    if (!resp.ok()) return Status::Unavailable("the hub's fork answer is malformed: " + resp.status().message());
    report.pushed += resp->accepted + resp->flagged;
    report.duplicates += resp->duplicates;
    stored_any = stored_any || resp->accepted + resp->flagged > 0;
    LINLI_RETURN_IF_ERROR(StoreCheckpoint(resp->checkpoint));
    after = body->last_seq;
  }
  return Status::Ok();  // batch bound reached; the next round goes on
}

Status SyncAgent::AdoptFork(int64_t epoch, int64_t seq, int64_t from_seq, SyncReport& report, bool* no_fork) {
  auto dev = LoadDevice(db_);
  if (!dev.ok()) return dev.status();
  int64_t first_of_epoch = 1, last_of_epoch = 0;
  LINLI_RETURN_IF_ERROR(Guard([&] {
    Statement q = db_.Prepare("SELECT min(seq), max(seq) FROM journal WHERE epoch = ?");
    if (q.Bind(1, epoch).Step() && !q.IsNull(0)) {
      first_of_epoch = q.Int(0);
      last_of_epoch = q.Int(1);
    }
  }));
  // New sales must not extend the forked epoch: they take a new one, which
  // chains onto the fork's last event.
  int64_t new_epoch = dev->epoch;
  if (dev->epoch == epoch) {
    new_epoch = dev->epoch + 1;
    nlohmann::json note = {{"fork_epoch", epoch}, {"fork_seq", seq}, {"new_epoch", new_epoch}};
    LINLI_RETURN_IF_ERROR(TakeEpoch(
        db_, new_epoch, {{"restore_detected_at", FormatUtc(clock_.NowMs())}, {"restore_detected", note.dump()}}));
    report.restored = true;
  }
  // Sent from the last seq known to be shared; the hub skips what it holds
  // as duplicates. Should the chains part earlier, from the epoch's start.
  const int64_t from = std::max(from_seq, first_of_epoch);
  Status st = PushFork(epoch, from, report, no_fork);
  if (st.code() == Status::Code::kFailedPrecondition && from > first_of_epoch) {
    st = PushFork(epoch, first_of_epoch, report, no_fork);
  }
  if (!st.ok() || *no_fork) return st;
  report.diverged_seq = seq;
  report.fork_adopted = true;
  nlohmann::json adopted = {{"epoch", epoch},         {"first_seq", seq},
                            {"head_seq", last_of_epoch}, {"new_epoch", new_epoch},
                            {"at", FormatUtc(clock_.NowMs())}};
  return Guard([&] {
    SetConfig(db_, kForkAdoptedConfigKey, adopted.dump());
    SetConfig(db_, kDivergedConfigKey, "0");
  });
}

Status SyncAgent::Pull(SyncReport& report) {
  int64_t cursor = state_.pull_cursor;
  bool last_was_snapshot = false;
  for (int page = 0; page < options_.max_pull_pages; ++page) {
    const std::string path = std::string(kPathChanges) + "?cursor=" + std::to_string(cursor) +
                             "&limit=" + std::to_string(options_.changes_page);
    auto r = Signed("GET", path, "", false);
    if (!r.ok()) return r.status();
    if (r->status != 200) return HttpError(*r, report);
    auto j = ParseJson(r->body);
    if (!j) return Status::Unavailable("the hub's change page is not JSON; will retry");
    auto resp = ChangesResponse::FromJson(*j);
    if (!resp.ok()) return Status::Unavailable("the hub's change page is malformed: " + resp.status().message());
    if (resp->snapshot && last_was_snapshot) {
      return Status::FailedPrecondition("the hub answered a snapshot twice in a row; stopped to avoid a loop");
    }
    auto applied = ApplyChangesPage(db_, *resp, clock_);
    if (!applied.ok()) return applied.status();
    ++report.pull_pages;
    report.pulled_changes += applied->applied;
    report.snapshot = report.snapshot || resp->snapshot;
    last_was_snapshot = resp->snapshot;
    const int64_t previous = cursor;
    cursor = resp->cursor;
    state_.pull_cursor = cursor;
    if (!resp->more) return Status::Ok();
    if (!resp->snapshot && cursor <= previous) {
      return Status::FailedPrecondition("the hub's change feed did not advance past cursor " +
                                        std::to_string(previous) + "; stopped to avoid a loop");
    }
  }
  return Status::Ok();  // page bound reached; the next round goes on
}

void SyncAgent::Record(const SyncReport& report) {
  const std::string now = FormatUtc(clock_.NowMs());
  (void)Guard([&] {
    Transaction tx(db_);
    if (report.status.ok()) {
      db_.Prepare(
             "UPDATE sync_state SET last_attempt_at = ?1, last_success_at = ?1, last_error = '', "
             "update_required = 0, update_message = '' WHERE id = 1")
          .Bind(1, now)
          .Run();
    } else {
      db_.Prepare("UPDATE sync_state SET last_attempt_at = ?1, last_error_at = ?1, last_error = ?2 WHERE id = 1")
          .Bind(1, now)
          .Bind(2, report.status.message())
          .Run();
      if (report.update_required) {
        db_.Prepare("UPDATE sync_state SET update_required = 1, update_message = ? WHERE id = 1")
            .Bind(1, report.status.message())
            .Run();
      }
    }
    tx.Commit();
  });
}

SyncReport SyncAgent::SyncOnce() {
  SyncReport report;
  auto st = LoadSyncState(db_);
  if (!st.ok()) {
    report.status = st.status();
    return report;
  }
  state_ = std::move(*st);
  if (!state_.enrolled) {
    report.status = Status::FailedPrecondition("this till is not enrolled; run linli enroll --hub URL --token T first");
  } else {
    report.status = Push(report);
    if (report.status.ok()) report.status = Pull(report);
  }
  // Scheduled prices take effect whether or not the hub answered.
  auto due = ApplyDuePrices(db_, clock_);
  if (due.ok()) report.prices_applied = *due;
  if (report.status.ok() && !due.ok()) report.status = due.status();
  report.clock_offset_ms = clock_offset_ms_;
  Record(report);
  return report;
}

}  // namespace linli::sync
