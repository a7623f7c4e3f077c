// What a scanned code is (DESIGN §9): a product GTIN, a price-embedded scale
// label, a customer payment code (a tender, never a product), a courier
// waybill, or unknown. Pure functions; no database access except
// LoadScaleLayouts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "linli/pos/db.h"
#include "linli/pos/status.h"

namespace linli {

// ---- GTIN ------------------------------------------------------------------

struct GtinCheck {
  std::string format;    // "ean8" | "upca" | "ean13" | "gtin14"
  bool valid = false;    // check digit matches
  char expected = '0';   // the check digit the other digits call for
};

// Mod-10 GTIN check digit for the digits that precede it.
char GtinCheckDigit(std::string_view body);
// nullopt unless code is 8, 12, 13 or 14 ASCII digits.
std::optional<GtinCheck> CheckGtin(std::string_view code);

// ---- Price-embedded scale labels -------------------------------------------

struct DigitField {
  int pos = 0;  // 0-based offset in the code
  int len = 0;
};

// One label layout, configured per store (store_config "scale_layouts").
struct ScaleLayout {
  std::string name;
  int length = 13;                    // total digits including the check digit
  std::vector<std::string> prefixes;  // leading digits that select this layout
  DigitField plu;
  std::optional<DigitField> amount;   // fen
  std::optional<DigitField> weight;   // grams
};

// The defaults: prefixes 20–24; 13 digits 2+flag+PLU(5)+amount(5)+check; 18
// digits 2+flag+PLU(5)+amount(5)+weight(5)+check.
std::vector<ScaleLayout> DefaultScaleLayouts();

// Parses the JSON array stored in config; errors name the layout index and field.
Result<std::vector<ScaleLayout>> ParseScaleLayouts(const nlohmann::json& j);

// Reads store_config "scale_layouts", or the defaults when it is absent.
Result<std::vector<ScaleLayout>> LoadScaleLayouts(Database& db);

// ---- Classification ---------------------------------------------------------

enum class BarcodeKind { kGtin, kPriceEmbedded, kPaymentCode, kWaybill, kUnknown };

struct BarcodeClass {
  BarcodeKind kind = BarcodeKind::kUnknown;
  std::string code;  // the input, trimmed

  // kGtin
  std::optional<GtinCheck> gtin;

  // kPriceEmbedded
  std::string layout;                 // layout name
  std::string plu;                    // as printed, e.g. "00123"
  std::optional<int64_t> amount_fen;
  std::optional<int64_t> weight_g;
  bool label_check_ok = true;         // the label's own check digit

  // kPaymentCode: "wechat" | "alipay" | "unionpay"
  std::string provider;

  // kWaybill: courier codes, most likely first ("sf", "zto", "yto", "sto",
  // "yunda", "jd", "ems", "jt")
  std::vector<std::string> candidates;

  // {"kind":"gtin","format":"ean13","valid":true} and so on (see the CLI doc).
  nlohmann::json ToJson() const;
};

BarcodeClass ClassifyBarcode(std::string_view code, const std::vector<ScaleLayout>& layouts);

}  // namespace linli
