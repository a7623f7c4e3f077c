// The scripted till: a whole till session described in JSON, run against the
// real checkout. It serves training, automation and our own tests
// (`linli sell --db FILE --script SCRIPT.json`).
//
//   {"cashier": "1001", "pin": "1234",
//    "sales": [ {"actions": [ {"scan": "6901234567892", "qty": 2}, {"sku": "A001", "qty_milli": 1500},
//                             {"plu": "123", "qty_milli": 500}, {"set_qty": {"line": 1, "qty": 3}},
//                             {"void_line": 2}, {"member": "13800138000"},
//                             {"discount_line": {"line": 1, "percent": 10}},
//                             {"discount_order": {"amount_fen": 100, "manager_pin": "9999"}},
//                             {"override_price": {"line": 1, "price_fen": 300, "manager_pin": "9999",
//                                                 "reason": "damaged"}},
//                             {"round": "jiao_down"},
//                             {"suspend": "张阿姨的"}, {"resume": "last"},
//                             {"pay": {"method": "cash", "amount_fen": 10000}},
//                             {"pay": {"method": "payment_code", "code": "134567890123456780"}},
//                             {"pay": {"method": "card", "amount_fen": 500, "reference": "T123"}} ]},
//               {"refund": {"receipt_no": "$1", "lines": [{"line": 1, "qty": 1}], "manager_pin": "9999"}},
//               {"void_last": {"manager_pin": "9999"}} ]}
//
// Each {"actions": …} entry is one sale, committed after its last action. A
// receipt_no of "$N" means the N-th receipt this script produced ("$last" the
// latest). `qty` is whole pieces; `qty_milli` milli-units (grams for kg
// goods). Money is integer fen. An override_price needs a "reason" from the
// store's override_reasons (CheckOverrideReason, store_config.h; the English
// aliases such as "damaged" count). A bad action stops the run: the sale in
// progress is not committed, and the Status names the sale, the action's
// index, its JSON and the reason.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "linli/pos/clock.h"
#include "linli/pos/db.h"
#include "linli/pos/payments.h"
#include "linli/pos/status.h"

namespace linli {

struct TillScriptOptions {
  int receipt_columns = 0;  // 32 or 48: include each receipt's text; 0: none
};

struct TillScriptResult {
  nlohmann::json completed = nlohmann::json::array();  // one object per committed sale/refund/void
  Status status;                                        // OK, or why the run stopped
};

// Parses the script text; errors give the byte position of bad JSON.
Result<nlohmann::json> ParseTillScript(std::string_view text);

TillScriptResult RunTillScript(Database& db, const Clock& clock, PaymentGateway* gateway,
                               const nlohmann::json& script, const TillScriptOptions& opts);

}  // namespace linli
