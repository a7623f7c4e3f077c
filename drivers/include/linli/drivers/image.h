// A grey-scale image: the common currency of the virtual printer, the
// barcode decoder and the camera source.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "linli/pos/status.h"

namespace linli {

// Row-major, one byte per pixel: 0 is black, 255 is white (paper).
struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;

  GrayImage() = default;
  GrayImage(int w, int h, uint8_t fill = 255) : width(w), height(h), pixels(size_t(w) * h, fill) {}
  uint8_t at(int x, int y) const { return pixels[size_t(y) * width + x]; }
  uint8_t& at(int x, int y) { return pixels[size_t(y) * width + x]; }
};

// PNG and JPEG files in, PNG out (libpng/stb, wrapped in drivers only).
Result<GrayImage> LoadImageFile(const std::string& path);
Status SavePng(const GrayImage& image, const std::string& path);

}  // namespace linli
