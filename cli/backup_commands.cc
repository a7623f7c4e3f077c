// linli backup --db FILE --to BACKUP · linli restore --db FILE --from BACKUP
//
// Both use SQLite's online backup API, so a backup taken while the till sells
// is consistent. A restore takes a new device epoch in the same command
// (pos/journal/include/linli/pos/restore_guard.h, PROTOCOL.md §6.4): sales made
// after it never reuse a sequence number the hub already holds.
#include <iostream>
#include <memory>

#include "cli.h"
#include "linli/pos/restore_guard.h"

namespace linli::cli {

namespace {
struct BackupOpts {
  std::string db, to, from;
  bool json = false;
};
}  // namespace

void RegisterBackupCommands(CLI::App& app) {
  auto bo = std::make_shared<BackupOpts>();
  CLI::App* b = app.add_subcommand("backup", "Copy the store database to a new file (safe while the till sells)");
  AddDbOption(b, &bo->db)->required();
  b->add_option("--to", bo->to, "Backup file to create (must not exist)")->required();
  OnRun(b, [bo] {
    Status st = BackupStore(bo->db, bo->to);
    if (!st.ok()) return Fail(st);
    std::cerr << "linli: backed up " << bo->db << " to " << bo->to << "\n";
    return 0;
  });

  auto ro = std::make_shared<BackupOpts>();
  CLI::App* r = app.add_subcommand(
      "restore", "Replace the store database with a backup and start a new device epoch (stop the till first)");
  AddDbOption(r, &ro->db, "Store database to replace")->required();
  r->add_option("--from", ro->from, "Backup file made by linli backup")->required();
  r->add_flag("--json", ro->json, "Print what was done as JSON");
  OnRun(r, [ro] {
    auto rep = RestoreStore(ro->db, ro->from, TheClock());
    if (!rep.ok()) return Fail(rep.status());
    if (ro->json) {
      PrintJson({{"old_epoch", rep->old_epoch}, {"backup_epoch", rep->backup_epoch},
                 {"new_epoch", rep->new_epoch}, {"head_seq", rep->head_seq}});
    }
    std::cerr << "linli: restored " << ro->db << " from " << ro->from << "; journal continues after seq "
              << rep->head_seq << " in new epoch " << rep->new_epoch
              << ". Sales recorded after the backup was taken and not yet sent to the hub are not in this file\n";
    return 0;
  });
}

}  // namespace linli::cli
