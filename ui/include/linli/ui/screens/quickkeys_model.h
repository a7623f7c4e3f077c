// The quick keys screen's model (快捷键): tiles by category for goods
// without a barcode (bread, eggs, vegetables, a bag), set per store in
// store_config quick_keys. A tile adds the count typed (1 unless changed)
// or, for goods sold by weight, asks the weight from the scale.
#pragma once

#include <string>
#include <vector>

#include "linli/ui/session.h"

namespace linli::ui {

class CheckoutModel;

struct QuickTile {
  std::string sku;
  std::string label;     // the key's label, else the product's name
  int64_t price_fen = 0;
  bool by_weight = false;
  bool missing = false;  // the SKU is not in the catalogue: shown, not usable
};

class QuickKeysModel final : public ScreenModel {
 public:
  QuickKeysModel(CounterSession& session, CheckoutModel& checkout) : session_(session), checkout_(checkout) {}

  const std::vector<std::string>& categories() const { return categories_; }
  int category() const { return category_; }
  void SelectCategory(int i);
  const std::vector<QuickTile>& tiles() const { return tiles_; }  // of the category selected
  std::string& count() { return count_; }  // pieces to add, "1" selected
  void Press(size_t tile);                 // adds the tile's product, back to checkout

  bool OnShow() override;

 private:
  void LoadTiles();

  CounterSession& session_;
  CheckoutModel& checkout_;
  std::vector<std::string> categories_;
  int category_ = 0;
  std::vector<QuickTile> tiles_;
  std::string count_ = "1";
};

}  // namespace linli::ui
