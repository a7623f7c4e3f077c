// The `linli` command line: shared plumbing for the command groups.
//
// Each group registers its subcommands on the app. A command's callback is a
// run function that returns the command's exit code (0 when all went well);
// OnRun and OnStore install it, and main exits with it. Messages for people
// go to stderr as "linli: …" (Fail prints them and gives the code); machine
// output (JSON) goes to stdout.
//
// Language: what people read (the lines a shop command prints, its errors)
// is in the language the locale asks for — zh_CN when LC_ALL, LC_MESSAGES or
// LANG says zh, English otherwise — or the one --lang names. Those words are
// keys in the shop's string tables (linli/i18n/i18n.h, "cli.*" beside the
// counter's keys): print them with Tr/TrF, and a Status with Text. JSON keys
// and values stay English and the same in every language; so do log lines
// (diagnostics of the sync daemon, devices), usage errors and --help, which
// read the same in linli and linli-hub.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>

#include "linli/i18n/i18n.h"
#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/reports.h"
#include "linli/pos/status.h"
#include "linli/pos/users.h"

namespace linli::cli {

using i18n::Tr;
using i18n::TrF;

const Clock& TheClock();

// Adds `--lang en|zh_CN` to app and to every command below it (so it may
// come anywhere on the command line); it overrides the locale. Call after
// every command is registered.
void AddLanguageOption(CLI::App& app);

// What the reader sees for st: in zh_CN the text of its message key (the
// counter's words) when it has one, else its message; in English its
// message, which is written for the command line and names the command to
// run where there is one.
std::string Text(const Status& st);

// Prints "linli: <Text(st) or message>" to stderr and returns the exit code.
int Fail(const Status& st);
int Fail(const std::string& message, int code = 1);

// Makes `run` the callback of c: linli exits with the code it returns. A
// command that has subcommands of its own runs only when none of them was
// given (the subcommand ran instead).
void OnRun(CLI::App* c, std::function<int()> run);

// Adds the store database option `--db FILE` to c, the path going to *path.
CLI::Option* AddDbOption(CLI::App* c, std::string* path, const std::string& help = "Store database");

// A command over the store database named by --db.
struct StoreCommand {
  std::string help = "Store database";  // the --db option's help text
  // False: the parser does not insist on --db (the command's subcommands take
  // their own). When the command itself runs without it, `without_store`
  // runs if given; otherwise it fails with "--db is required".
  bool required = true;
  // Runs first, before the store is opened, with *path set: checks of the
  // other options and files, whose messages come before any about the store.
  // A non-zero exit code ends the command.
  std::function<int()> check;
  // Runs with the opened (and migrated) store; returns the exit code.
  std::function<int(Database&)> run;
  // Runs instead of `run` when --db is optional and was not given.
  std::function<int()> without_store;
};

// Adds --db to c (the path going to *path) and makes cmd its callback (as
// OnRun does): `check`, then the store is opened once — when it cannot be,
// the reason is printed and the exit code is 1 — then `run`.
void OnStore(CLI::App* c, std::string* path, StoreCommand cmd);
void OnStore(CLI::App* c, std::string* path, std::function<int(Database&)> run);

// Prints JSON to stdout, pretty unless compact.
void PrintJson(const nlohmann::json& j, bool compact = false);

// Reads one line from stdin without the newline (for PINs and passwords).
std::string ReadLineFromStdin();

// Signs in the user named on the command line (PIN from stdin when empty),
// or prints why not and returns nullopt.
std::optional<User> SignInOrFail(Database& db, const std::string& id, std::string pin);

// The X report (z false), or the Z report for the business day `date`
// (YYYY-MM-DD; empty: today in the store's zone). Errors as BuildXReport and
// BuildZReport give them.
Result<Report> BuildReport(Database& db, bool z, const std::string& date);

void RegisterStoreCommands(CLI::App& app);    // init, user, stock
void RegisterCatalogCommands(CLI::App& app);  // catalog, barcode
void RegisterProductCommands(CLI::App& app);  // product add|edit (at the till's rules)
void RegisterPaymentCommands(CLI::App& app);  // payments test
void RegisterCheckoutCommands(CLI::App& app); // sell, sale, refund, void, journal, member, promo
void RegisterShiftCommands(CLI::App& app);    // shift, report
void RegisterPrintCommands(CLI::App& app);    // print, drawer
void RegisterEscposCommands(CLI::App& app);   // escpos render, decode, camera scan
void RegisterDeviceCommands(CLI::App& app);   // scale, scanner, display
void RegisterSyncCommands(CLI::App& app);     // enroll, sync, sync status
void RegisterBackupCommands(CLI::App& app);   // backup, restore
// config, audit, sale list, user disable|enable|set-pin; after the store and
// checkout commands, whose `user` and `sale` it extends.
void RegisterAdminCommands(CLI::App& app);

}  // namespace linli::cli
