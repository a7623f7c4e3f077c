// The linli-hub command line (admin, CLI mirrors of the HQ API, serve).
// main() is an empty shell around RunHubCli so tests drive the same code.
// Built as its own target, linli_hub_cli (the only one that uses CLI11), over
// the linli_hub core; link linli_hub_cli to call it.
#pragma once

#include <iosfwd>

namespace linli::hub {

// Parses argv and runs one command, writing results to `out`, errors to
// `err`, reading secrets (user passwords) from `in`. Returns the process
// exit code: 0 ok, 1 refused or failed, 2 usage (verify-receipt has its own, below).
//
//   init --db F                             create/migrate the database, make the hub key
//   org add --db F --code C --name N
//   store add --db F --org O --code C --name N   (token alone on the last line)
//   store token --db F --org O --code C          (a new one-time token)
//   store revoke --db F --org O --code C
//   user add --db F --org O --name N --role admin|buyer|viewer   (password on stdin)
//   cert init --dir D [--host H]...
//   serve --db F [--listen 127.0.0.1:8443] (--tls-cert P --tls-key P | --insecure-http)
//   stock --db F --org O --sku S [--store C]     same JSON as GET /v1/hq/stock
//   sales --db F --org O --from D --to D [--group store|day|category|sku]
//   stores --db F --org O                        same JSON as GET /v1/hq/stores
//   rebuild --db F                               recompute projections from events
//   verify-receipt --db F [--json] 'QR TEXT'     a receipt check (receipt_check.h);
//       exit 0 match, 3 mismatch, 4 unknown, 5 not a receipt's QR text
int RunHubCli(int argc, char** argv, std::ostream& out, std::ostream& err, std::istream& in);

}  // namespace linli::hub
