// The `linli` command line: shared plumbing for the command groups.
//
// Each group registers its subcommands on the app; a command's callback
// stores its exit code in ExitCode(). Messages for people go to stderr as
// "linli: …"; machine output (JSON) goes to stdout.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>
#include <string>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/status.h"
#include "linli/pos/users.h"

namespace linli::cli {

int& ExitCode();
const Clock& TheClock();

// Prints "linli: <message>" to stderr and returns the exit code for it.
int Fail(const Status& st);
int Fail(const std::string& message, int code = 1);

// Opens (and migrates) the store database or prints why not.
std::unique_ptr<Database> OpenStoreOrFail(const std::string& path);

// Prints JSON to stdout, pretty unless compact.
void PrintJson(const nlohmann::json& j, bool compact = false);

// Reads one line from stdin without the newline (for PINs and passwords).
std::string ReadLineFromStdin();

// Signs in the user named on the command line (PIN from stdin when empty),
// or prints why not and returns nullopt.
std::optional<User> SignInOrFail(Database& db, const std::string& id, std::string pin);

void RegisterStoreCommands(CLI::App& app);    // init, user, stock
void RegisterCatalogCommands(CLI::App& app);  // catalog, barcode
void RegisterCheckoutCommands(CLI::App& app); // sell, sale, refund, void, journal, member, promo
void RegisterShiftCommands(CLI::App& app);    // shift, report
void RegisterPrintCommands(CLI::App& app);    // print, drawer
void RegisterEscposCommands(CLI::App& app);   // escpos render, decode
void RegisterDeviceCommands(CLI::App& app);   // scale, scanner, display
void RegisterSyncCommands(CLI::App& app);     // enroll, sync, sync status
void RegisterBackupCommands(CLI::App& app);   // backup, restore

}  // namespace linli::cli
