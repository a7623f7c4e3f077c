// The ingest core (ingest.h): PROTOCOL.md §6.2's checks in its order, over
// the storage primitives a store implements.
#include "linli/hub/ingest.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <system_error>
#include <thread>

#include "linli/pos/clock.h"
#include "linli/pos/crypto.h"

namespace linli::hub {

std::vector<PrecheckedEvent> Precheck(const Device& device, const std::vector<JournalEntry>& events) {
  std::vector<PrecheckedEvent> pre(events.size());
  // Checks events [begin, end) on one thread, stopping at the first bad one.
  auto check = [&](size_t begin, size_t end) {
    auto key = Ed25519Key::Public(device.public_key);  // one per thread: a key keeps one context
    for (size_t i = begin; i < end; ++i) {
      const JournalEntry& e = events[i];
      if (ComputeJournalHash(device.device_id, e) != e.hash) {
        pre[i].bad = "payload or fields changed (hash mismatch)";
        return;
      }
      if (!key.ok() || !key->Verify(e.hash, e.signature)) {
        pre[i].bad = "signature invalid";
        return;
      }
      pre[i].effects = EffectsOf(e.type, e.type_version, e.payload);
    }
  };
  // A large batch (one store catching up) is split across the cores; a
  // small one is not worth a thread. Ingest stops at the first bad event,
  // so what a later part found after it is never looked at.
  constexpr size_t kPerThread = 128;
  const size_t parts = std::clamp<size_t>(events.size() / kPerThread, 1,
                                          std::max(1u, std::thread::hardware_concurrency()));
  if (parts == 1) {
    check(0, events.size());
    return pre;
  }
  std::vector<std::thread> helpers;
  const size_t step = (events.size() + parts - 1) / parts;
  for (size_t p = 1; p < parts; ++p) {
    const size_t begin = p * step, end = std::min(events.size(), (p + 1) * step);
    try {
      helpers.emplace_back(check, begin, end);
    } catch (const std::system_error&) {
      check(begin, end);  // no thread to be had: check that part here
    }
  }
  check(0, std::min(events.size(), step));
  for (std::thread& t : helpers) t.join();
  return pre;
}

bool ApplyEffects(IngestStorage& storage, int64_t org_id, int64_t store_id,
                  const Result<EventEffects>& fx, std::string* note) {
  if (!fx.ok()) {
    *note = fx.status().message();
    return false;
  }
  std::set<std::string> unknown;
  for (const std::string& sku : fx->skus) {
    if (!storage.KnownProduct(org_id, store_id, sku)) unknown.insert(sku);
  }
  if (!unknown.empty()) {
    *note = "unknown SKU";
    for (const auto& s : unknown) *note += " " + s;
    return false;
  }
  note->clear();
  storage.AddToProjections(store_id, *fx);
  return true;
}

namespace {

// Whether e, the first event of a new epoch, follows an adopted fork of an
// earlier epoch: the fork holds e.prev_hash at e.seq − 1.
bool LinksToFork(IngestStorage& storage, const std::vector<ForkRecord>& forks, const JournalEntry& e) {
  for (const ForkRecord& f : forks) {
    if (f.epoch >= e.epoch || e.seq - 1 < f.first_seq || e.seq - 1 > f.head_seq) continue;
    if (std::optional<std::string> h = storage.ForkHash(f.id, e.seq - 1); h && *h == e.prev_hash) return true;
  }
  return false;
}

// A refusal that is kept for a person to see, once per distinct reason.
void Refuse(IngestStorage& storage, const Device& device, const JournalEntry& e, std::string_view kind,
            const std::string& reason, const std::string& now, IngestResult& r) {
  r.error = kind == "fork" ? sync::kErrFork : sync::kErrBadEvent;
  r.message = reason;
  r.extra = {{"epoch", e.epoch}, {"seq", e.seq}};
  if (storage.InQuarantine(device.device_id, e.epoch, e.seq, kind, reason)) return;
  storage.AddQuarantine(device, e, kind, reason, sync::WireEvent::FromJournal(e).ToJson().dump(), now);
}

// How one accepted event is stored: arrival order, its effects applied, and
// the clock-skew flag (PROTOCOL.md §3.1: flagged, never refused).
StoredEventInfo InfoFor(IngestStorage& storage, const Device& device, const JournalEntry& e,
                        const PrecheckedEvent& pre, const std::string& now, int64_t now_ms, int64_t* order) {
  StoredEventInfo info;
  info.received_at = now;
  info.ingest_order = ++*order;
  info.applied = ApplyEffects(storage, device.org_id, device.store_id, pre.effects, &info.note);
  const int64_t occurred = ParseUtc(e.occurred_at);
  if (device.clock_skew_ms && std::llabs(*device.clock_skew_ms) > sync::kClockSkewFlagMs) {
    info.clock_skew_ms = *device.clock_skew_ms;
  } else if (occurred >= 0 && occurred - now_ms > sync::kClockSkewFlagMs) {
    info.clock_skew_ms = occurred - now_ms;
  }
  return info;
}

}  // namespace

IngestResult IngestBatch(IngestStorage& storage, const Device& device,
                         const std::vector<JournalEntry>& events,
                         const std::vector<PrecheckedEvent>& pre, int64_t now_ms) {
  IngestResult r;
  std::map<int64_t, ChainHead> heads = storage.LoadHeads(device.device_id);
  const std::vector<ForkRecord> forks = storage.LoadForks(device.device_id);
  const std::string now = FormatUtc(now_ms);
  int64_t order = storage.LastIngestOrder();
  int64_t last_epoch = heads.empty() ? 0 : heads.rbegin()->first;
  std::set<int64_t> moved_epochs;

  auto refuse = [&](const JournalEntry& e, std::string_view kind, const std::string& reason) {
    Refuse(storage, device, e, kind, reason, now, r);
  };
  // A gap is not kept: the agent re-reads the hwm and sends what is missing.
  auto gap = [&](int64_t epoch, int64_t seq, const std::string& why) {
    r.error = sync::kErrGap;
    r.message = why;
    r.extra = {{"expected_epoch", epoch}, {"expected_seq", seq}};
  };

  for (size_t i = 0; i < events.size(); ++i) {
    const JournalEntry& e = events[i];
    const std::string where = "epoch " + std::to_string(e.epoch) + " seq " + std::to_string(e.seq);
    if (!pre[i].bad.empty()) {
      refuse(e, "bad_event", where + ": " + pre[i].bad);
      break;
    }
    if (std::optional<std::string> held = storage.HeldHash(device.device_id, e.epoch, e.seq)) {
      if (*held == e.hash) {
        ++r.duplicates;
        continue;
      }
      refuse(e, "fork", where + " is already held with another hash (fork)");
      break;
    }
    auto it = heads.find(e.epoch);
    if (it != heads.end()) {
      const ChainHead& h = it->second;
      if (e.seq != h.head_seq + 1) {
        gap(e.epoch, h.head_seq + 1, where + " does not follow the hub's head " +
                                         std::to_string(h.head_seq) + " of that epoch");
        break;
      }
      if (e.prev_hash != h.head_hash) {
        refuse(e, "fork", where + ": prev_hash does not link to seq " + std::to_string(h.head_seq) + " (fork)");
        break;
      }
    } else if (e.seq == 1) {
      if (e.prev_hash != JournalGenesisHash()) {
        refuse(e, "fork", where + ": the first event must have a zero prev_hash");
        break;
      }
    } else if (LinksToFork(storage, forks, e)) {
      // The first event of a new epoch taken after a fork: it follows the
      // adopted fork's event at seq − 1 (PROTOCOL.md §6.5).
    } else {
      // The first event of a new epoch links to seq − 1 in the latest
      // earlier epoch that reaches it (PROTOCOL.md §6.4).
      std::optional<int64_t> link_epoch;
      for (auto h = heads.rbegin(); h != heads.rend(); ++h) {
        if (h->first >= e.epoch) continue;
        if (h->second.first_seq <= e.seq - 1 && e.seq - 1 <= h->second.head_seq) {
          link_epoch = h->first;
          break;
        }
      }
      if (!link_epoch) {
        int64_t exp_epoch = e.epoch, exp_seq = 1;
        for (auto h = heads.rbegin(); h != heads.rend(); ++h) {
          if (h->first < e.epoch) {
            exp_epoch = h->first;
            exp_seq = h->second.head_seq + 1;
            break;
          }
        }
        gap(exp_epoch, exp_seq, where + " starts a new epoch but the hub does not hold seq " +
                                    std::to_string(e.seq - 1) + " before it");
        break;
      }
      std::optional<std::string> link = storage.HeldHash(device.device_id, *link_epoch, e.seq - 1);
      if (!link || *link != e.prev_hash) {
        refuse(e, "fork", where + ": prev_hash does not link to epoch " + std::to_string(*link_epoch) +
                              " seq " + std::to_string(e.seq - 1) + " (fork)");
        break;
      }
    }

    const StoredEventInfo info = InfoFor(storage, device, e, pre[i], now, now_ms, &order);
    storage.InsertEvent(device, e, info);
    ChainHead& h = heads[e.epoch];
    if (h.first_seq == 0) h.first_seq = e.seq;
    h.head_seq = e.seq;
    h.head_hash = e.hash;
    moved_epochs.insert(e.epoch);
    last_epoch = e.epoch;
    info.applied ? ++r.accepted : ++r.flagged;
  }
  // The heads move once per batch, in the same transaction as the events.
  for (int64_t epoch : moved_epochs) storage.SaveHead(device.device_id, epoch, heads[epoch]);
  if (r.accepted + r.flagged + r.duplicates > 0) storage.MarkSynced(device.device_id, now);
  if (device.clock_skew_ms) storage.RecordClockSkew(device.device_id, *device.clock_skew_ms, now);

  r.head_epoch = last_epoch;
  auto h = heads.find(last_epoch);
  if (h != heads.end()) {
    r.head_seq = h->second.head_seq;
    r.head_hash = h->second.head_hash;
  } else {
    r.head_hash = JournalGenesisHash();
  }
  return r;
}

IngestResult IngestFork(IngestStorage& storage, const Device& device, const std::vector<JournalEntry>& events,
                        const std::vector<PrecheckedEvent>& pre, int64_t now_ms) {
  IngestResult r;
  std::vector<ForkRecord> forks = storage.LoadForks(device.device_id);
  const std::string now = FormatUtc(now_ms);
  int64_t order = storage.LastIngestOrder();
  ForkRecord* fork = nullptr;  // the fork this batch writes to
  auto refuse = [&](const JournalEntry& e, std::string_view kind, const std::string& reason) {
    Refuse(storage, device, e, kind, reason, now, r);
  };
  for (size_t i = 0; i < events.size(); ++i) {
    const JournalEntry& e = events[i];
    const std::string where = "epoch " + std::to_string(e.epoch) + " seq " + std::to_string(e.seq);
    if (!pre[i].bad.empty()) {
      refuse(e, "bad_event", where + ": " + pre[i].bad);
      break;
    }
    if (fork == nullptr) {
      // Already held in a fork of ours: a resend.
      bool duplicate = false;
      for (ForkRecord& f : forks) {
        if (f.epoch != e.epoch || e.seq < f.first_seq || e.seq > f.head_seq) continue;
        if (std::optional<std::string> h = storage.ForkHash(f.id, e.seq); h && *h == e.hash) {
          duplicate = true;
          fork = &f;
          break;
        }
      }
      if (duplicate) {
        ++r.duplicates;
        continue;
      }
      // Extends a fork whose head it follows.
      for (ForkRecord& f : forks) {
        if (f.epoch == e.epoch && f.head_seq + 1 == e.seq && f.head_hash == e.prev_hash) fork = &f;
      }
      if (fork == nullptr) {
        // Starts a fork: the hub holds another event here, and ours links to
        // the hub's chain just before it.
        const std::optional<std::string> held = storage.HeldHash(device.device_id, e.epoch, e.seq);
        if (!held) {
          r.error = sync::kErrBadRequest;
          r.message = where + " is not held by the hub, so it is no fork; push it with " + sync::kPathPush;
          r.extra = {{"epoch", e.epoch}, {"seq", e.seq}};
          break;
        }
        if (*held == e.hash) {  // the same event: shared, not forked
          ++r.duplicates;
          continue;
        }
        const std::optional<std::string> before =
            e.seq == 1 ? std::optional<std::string>(JournalGenesisHash()) : storage.HeldHash(device.device_id, e.epoch, e.seq - 1);
        if (!before || *before != e.prev_hash) {
          r.error = sync::kErrGap;
          r.message = where + ": prev_hash does not link to the hub's event at seq " + std::to_string(e.seq - 1) +
                      "; a fork starts where the chains part";
          r.extra = {{"expected_epoch", e.epoch}, {"expected_seq", e.seq - 1}};
          break;
        }
        ForkRecord f;
        f.epoch = e.epoch;
        f.first_seq = e.seq;
        f.head_seq = e.seq - 1;
        f.head_hash = e.prev_hash;
        f.id = storage.AddFork(device, e.epoch, e.seq, now);
        forks.push_back(f);
        fork = &forks.back();
      }
    } else if (e.epoch != fork->epoch || e.seq != fork->head_seq + 1 || e.prev_hash != fork->head_hash) {
      if (std::optional<std::string> h = storage.ForkHash(fork->id, e.seq); h && *h == e.hash) {
        ++r.duplicates;
        continue;
      }
      if (e.epoch != fork->epoch) {
        r.error = sync::kErrBadRequest;
        r.message = where + ": a fork holds one epoch; push the later epoch with " + std::string(sync::kPathPush);
        r.extra = {{"epoch", e.epoch}, {"seq", e.seq}};
      } else {
        refuse(e, "fork", where + ": does not follow the fork's head " + std::to_string(fork->head_seq));
      }
      break;
    }
    const StoredEventInfo info = InfoFor(storage, device, e, pre[i], now, now_ms, &order);
    storage.InsertForkEvent(fork->id, device, e, info);
    fork->head_seq = e.seq;
    fork->head_hash = e.hash;
    storage.SaveForkHead(fork->id, fork->head_seq, fork->head_hash);
    info.applied ? ++r.accepted : ++r.flagged;
  }
  if (r.accepted + r.flagged + r.duplicates > 0) storage.MarkSynced(device.device_id, now);
  if (fork) {
    r.head_epoch = fork->epoch;
    r.head_seq = fork->head_seq;
    r.head_hash = fork->head_hash;
  } else {
    r.head_hash = JournalGenesisHash();
  }
  return r;
}

void RebuildProjections(IngestStorage& storage) {
  storage.ClearProjections();
  storage.ForEachStoredEvent([&](const StoredEvent& s) {
    const JournalEntry& e = s.entry;
    std::string note;
    const bool applied =
        ApplyEffects(storage, s.org_id, s.store_id, EffectsOf(e.type, e.type_version, e.payload), &note);
    storage.SetApplied(s, applied, note);
  });
}

}  // namespace linli::hub
