// Receipt preview and reprint: the virtual printer's picture of the very
// bytes the printer gets.
#include <GL/gl.h>

#include "linli/ui/commands.h"
#include "views_internal.h"
#include "widgets.h"

namespace linli::ui {
namespace {

class ReceiptView final : public View {
 public:
  ReceiptView() : View(Screen::kReceipt, "screen.receipt") {}
  ~ReceiptView() override {
    if (texture_) glDeleteTextures(1, &texture_);
  }

  void drawContent(CounterModel& model, const ViewContext& ctx) override {
    ReceiptModel& receipt = model.receipt();
    ReceiptPreviewState& r = receipt.state();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    ImGui::BeginChild("receipt_side", ImVec2(avail.x * 0.4f, avail.y), true);
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::TextUnformatted(Tr("receipt.number"));
    entry_ = entry_.empty() ? r.receipt_no : entry_;
    ImGui::PushFont(ctx.big);
    if (widgets::InputText("receipt.entry", &entry_, w, 0, false, Tr("refund.entry_hint"))) {
      receipt.PreviewReceipt(entry_);
    }
    ImGui::PopFont();
    if (widgets::Button("receipt.show", Tr("receipt.show"), ImVec2(w, 0))) receipt.PreviewReceipt(entry_);
    if (!receipt.last_receipt_no().empty() &&
        widgets::Button("receipt.last", Tr("receipt.last"), ImVec2(w, 0))) {
      entry_ = receipt.last_receipt_no();
      receipt.PreviewReceipt(entry_);
    }
    if (widgets::Button("receipt.reprint", Tr("receipt.reprint"), ImVec2(w, widgets::TouchHeight() * 1.2f),
                        r.image.has_value())) {
      receipt.Reprint();
    }
    if (widgets::Button("receipt.back", WithKey("nav.back", CommandFor(Action::kBack).key_name).c_str(), ImVec2(w, 0))) {
      model.Show(Screen::kCheckout);
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("receipt_paper", ImVec2(0, avail.y), true, ImGuiWindowFlags_HorizontalScrollbar);
    if (r.image) {
      Upload(r);
      const float zoom = ctx.scale * 1.0f;
      ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture_)),
                   ImVec2(static_cast<float>(r.image->width) * zoom, static_cast<float>(r.image->height) * zoom));
    } else {
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(kColorMuted), "%s", Tr("receipt.none"));
    }
    ImGui::EndChild();
  }

 private:
  void Upload(const ReceiptPreviewState& r) {
    if (uploaded_version_ == r.version && texture_) return;
    if (!texture_) glGenTextures(1, &texture_);
    glBindTexture(GL_TEXTURE_2D, texture_);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    // Grey paper to RGBA so every GL profile takes it.
    std::vector<unsigned char> rgba(r.image->pixels.size() * 4);
    for (size_t i = 0; i < r.image->pixels.size(); ++i) {
      rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = r.image->pixels[i];
      rgba[i * 4 + 3] = 255;
    }
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, r.image->width, r.image->height, 0, GL_RGBA, GL_UNSIGNED_BYTE,
                 rgba.data());
    uploaded_version_ = r.version;
  }

  GLuint texture_ = 0;
  int uploaded_version_ = -1;
  std::string entry_;
};

}  // namespace

std::unique_ptr<View> MakeReceiptView() { return std::make_unique<ReceiptView>(); }

}  // namespace linli::ui
