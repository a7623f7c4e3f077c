#include "linli/ui/fit_check.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace linli::ui {
namespace {

std::string Show(const FitRect& r) { return fmt::format("({:.0f},{:.0f})-({:.0f},{:.0f})", r.x0, r.y0, r.x1, r.y1); }

bool Inside(const FitRect& r, const FitRect& in, float tol) {
  return r.x0 >= in.x0 - tol && r.y0 >= in.y0 - tol && r.x1 <= in.x1 + tol && r.y1 <= in.y1 + tol;
}

bool Overlap(const FitRect& a, const FitRect& b, float tol) {
  return std::min(a.x1, b.x1) - std::max(a.x0, b.x0) > tol && std::min(a.y1, b.y1) - std::max(a.y0, b.y0) > tol;
}

}  // namespace

std::vector<FitProblem> CheckFit(const std::vector<FitControl>& controls, const FitRect& window, float min_touch_px,
                                 const std::vector<std::string>& required, float tolerance_px) {
  std::vector<FitProblem> out;
  std::set<std::string> seen;
  for (const FitControl& c : controls) {
    seen.insert(c.id);
    if (!c.scrolls) {
      if (!Inside(c.rect, window, tolerance_px)) {
        out.push_back({c.id, fmt::format("{} is outside the window {}", Show(c.rect), Show(window))});
      } else if (!Inside(c.rect, c.visible, tolerance_px)) {
        out.push_back({c.id, fmt::format("{} is cut off: only {} of its window shows", Show(c.rect), Show(c.visible))});
      }
    }
    if (c.text_cut) out.push_back({c.id, fmt::format("its text is wider than the control {}", Show(c.rect))});
    if (c.clickable && c.rect.height() + tolerance_px < min_touch_px) {
      out.push_back({c.id, fmt::format("{:.0f} px high, a touch target needs {:.0f}", c.rect.height(), min_touch_px)});
    }
  }
  for (size_t i = 0; i < controls.size(); ++i) {
    for (size_t j = i + 1; j < controls.size(); ++j) {
      const FitControl& a = controls[i];
      const FitControl& b = controls[j];
      if (a.layer != b.layer || !Overlap(a.rect, b.rect, tolerance_px)) continue;
      // A list row may scroll under what stays put (a table's header); only
      // where both show does it matter.
      if ((a.scrolls || b.scrolls) && !(Inside(a.rect, a.visible, tolerance_px) && Inside(b.rect, b.visible, tolerance_px))) {
        continue;
      }
      out.push_back({a.id, fmt::format("{} overlaps {} {}", Show(a.rect), b.id, Show(b.rect))});
    }
  }
  for (const std::string& id : required) {
    if (!seen.count(id)) out.push_back({id, "not drawn on this screen"});
  }
  return out;
}

}  // namespace linli::ui
