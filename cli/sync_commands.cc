// linli enroll · linli sync [--daemon] · linli sync status
#include <csignal>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include "cli.h"
#include "linli/pos/store.h"
#include "linli/sync/agent.h"

namespace linli::cli {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void OnStopSignal(int) { g_stop.store(true); }

struct EnrollOpts {
  std::string db, hub, token, ca;
};
struct SyncOpts {
  std::string db;
  bool daemon = false;
  int64_t max_seconds = -1;
  int64_t max_rounds = -1;
  bool json = false;
};

nlohmann::json ReportJson(const sync::SyncReport& r) {
  return {{"ok", r.status.ok()},
          {"error", r.status.ok() ? "" : r.status.message()},
          {"pushed", r.pushed},
          {"duplicates", r.duplicates},
          {"push_requests", r.push_requests},
          {"pulled_changes", r.pulled_changes},
          {"pull_pages", r.pull_pages},
          {"snapshot", r.snapshot},
          {"prices_applied", r.prices_applied},
          {"restored", r.restored},
          {"update_required", r.update_required}};
}

std::string ReportLine(const sync::SyncReport& r) {
  std::string s = r.status.ok() ? "sync ok: " : "sync failed: " + r.status.message() + ". So far: ";
  s += "sent " + std::to_string(r.pushed) + " new events";
  if (r.duplicates) s += " (" + std::to_string(r.duplicates) + " already at the hub)";
  s += ", applied " + std::to_string(r.pulled_changes) + " changes from HQ";
  if (r.snapshot) s += " (full catalogue refresh)";
  if (r.prices_applied) s += ", " + std::to_string(r.prices_applied) + " new prices took effect";
  if (r.restored) s += "; this database was restored from a backup, so a new epoch was started";
  return s;
}

// One round (the exit code says how it went), or with --daemon rounds until
// stopped; sync's own run, once the store is open.
int Sync(Database& db, const SyncOpts& so) {
  auto state = sync::LoadSyncState(db);
  if (!state.ok()) return Fail(state.status());
  if (!state->enrolled) {
    return Fail(Tr("cli.sync.not_enrolled"));
  }
  auto made = sync::NewCurlTransport({.ca_pem = state->ca_pem});
  if (!made.ok()) return Fail(made.status());
  sync::HttpTransport& transport = **made;
  sync::SyncAgent agent(db, transport, TheClock());
  if (!so.daemon) {
    sync::SyncReport r = agent.SyncOnce();
    if (so.json) {
      nlohmann::json j = ReportJson(r);
      j["bytes_sent"] = transport.bytes_sent();
      j["requests"] = transport.requests();
      PrintJson(j);
    } else {
      std::cerr << "linli: " << ReportLine(r) << "\n";
    }
    return r.status.ok() ? 0 : (r.update_required ? 3 : 2);
  }
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  sync::RealSleeper sleeper;
  sync::SplitMix64 rng(std::random_device{}());
  sync::DaemonOptions options;
  options.max_seconds = so.max_seconds;
  options.max_rounds = so.max_rounds;
  const bool json = so.json;
  options.on_round = [json](const sync::SyncReport& r, int64_t delay) {
    if (json) {
      nlohmann::json j = ReportJson(r);
      j["next_in_ms"] = delay;
      PrintJson(j, true);
    } else {
      std::cerr << "linli: " << ReportLine(r) << "; next in " << (delay + 999) / 1000 << " s\n";
    }
  };
  sync::RunDaemon(agent, TheClock(), sleeper, rng, options, g_stop);
  return 0;
}

}  // namespace

void RegisterSyncCommands(CLI::App& app) {
  // ---- enroll
  auto eo = std::make_shared<EnrollOpts>();
  CLI::App* e = app.add_subcommand("enroll", "Register this till's device key with the hub (one-time token from HQ)");
  e->add_option("--hub", eo->hub, "Hub address, e.g. https://hub.example.cn:8443")->required();
  e->add_option("--token", eo->token, "One-time enrolment token printed by linli-hub store add")->required();
  e->add_option("--ca", eo->ca, "The hub's CA certificate (PEM); pinned for every later sync");
  OnStore(e, &eo->db, [eo](Database& db) {
    std::string ca_pem;
    if (!eo->ca.empty()) {
      std::ifstream f(eo->ca, std::ios::binary);
      if (!f) return Fail(TrF("cli.cannot_read", eo->ca));
      std::stringstream ss;
      ss << f.rdbuf();
      ca_pem = ss.str();
    }
    auto transport = sync::NewCurlTransport({.ca_pem = ca_pem});
    if (!transport.ok()) return Fail(transport.status());
    sync::SyncAgent agent(db, **transport, TheClock());
    Status st = agent.Enroll(eo->hub, eo->token, ca_pem);
    if (!st.ok()) return Fail(st);
    auto state = sync::LoadSyncState(db);
    if (state.ok()) {
      std::cerr << "linli: enrolled with " << state->hub_url << " as store " << state->store_code
                << " of organisation " << state->org_code << "\n";
    }
    return 0;
  });

  // ---- sync, sync status
  auto so = std::make_shared<SyncOpts>();
  CLI::App* s = app.add_subcommand("sync", "Send sales to the hub and fetch HQ changes");
  s->add_flag("--daemon", so->daemon, "Keep going, with back-off, until stopped (Ctrl-C)");
  s->add_option("--max-seconds", so->max_seconds, "With --daemon: stop after this many seconds");
  s->add_option("--max-rounds", so->max_rounds, "With --daemon: stop after this many rounds");
  s->add_flag("--json", so->json, "Print the result as JSON");
  auto st_opts = std::make_shared<SyncOpts>();
  CLI::App* status = s->add_subcommand("status", "Pending events, last success and last problem");
  status->add_flag("--json", st_opts->json, "Print as JSON");
  OnStore(status, &st_opts->db, [st_opts](Database& db) {
    auto r = sync::GetSyncStatus(db, TheClock());
    if (!r.ok()) return Fail(r.status());
    if (st_opts->json) {
      PrintJson(r->ToJson());
    } else {
      auto info = LoadStoreInfo(db);
      std::cout << r->ToText(info.ok() ? info->timezone : "Asia/Shanghai");
    }
    return r->update_required ? 3 : 0;
  });
  // --db is not required of `sync status`, which takes its own.
  StoreCommand sync_cmd;
  sync_cmd.required = false;
  sync_cmd.run = [so](Database& db) { return Sync(db, *so); };
  OnStore(s, &so->db, std::move(sync_cmd));
}

}  // namespace linli::cli
