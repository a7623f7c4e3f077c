// LoadImageFile (stb_image) and SavePng (libpng). The only file that includes
// either library; everything else sees GrayImage.
#include <cstdio>
#include <memory>

#include <png.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#define STBI_ONLY_BMP
#define STBI_ONLY_PNM
#define STBI_NO_STDIO_OVERRIDE
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wold-style-cast"
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuseless-cast"  // g++ only
#endif
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wswitch-enum"
#include <stb/stb_image.h>
#pragma GCC diagnostic pop

#include "linli/drivers/image.h"

namespace linli {

Result<GrayImage> LoadImageFile(const std::string& path) {
  int w = 0, h = 0, channels = 0;
  // Ask stb for one channel: it converts colour to luma (ITU-R BT.601-ish).
  stbi_uc* data = stbi_load(path.c_str(), &w, &h, &channels, 1);
  if (data == nullptr) {
    const char* why = stbi_failure_reason();
    return Status::InvalidArgument("cannot read image " + path + " (" + (why ? why : "unknown error") +
                                   "); use a PNG or JPEG file");
  }
  GrayImage img(w, h);
  std::copy(data, data + size_t(w) * size_t(h), img.pixels.begin());
  stbi_image_free(data);
  return img;
}

namespace {
struct FileCloser {
  void operator()(FILE* f) const {
    if (f) std::fclose(f);
  }
};
}  // namespace

Status SavePng(const GrayImage& image, const std::string& path) {
  if (image.width <= 0 || image.height <= 0 || image.pixels.size() != size_t(image.width) * size_t(image.height)) {
    return Status::InvalidArgument("cannot save an empty or malformed image to " + path);
  }
  std::unique_ptr<FILE, FileCloser> f(std::fopen(path.c_str(), "wb"));
  if (!f) return Status::IoError("cannot write " + path + "; check the directory exists and is writable");
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  if (!png) return Status::IoError("libpng: out of memory");
  png_infop info = png_create_info_struct(png);
  if (!info) {
    png_destroy_write_struct(&png, nullptr);
    return Status::IoError("libpng: out of memory");
  }
  // libpng reports errors by longjmp; nothing with a destructor is created
  // between here and the end of the writes.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    return Status::IoError("error while writing " + path + " (disk full?)");
  }
  png_init_io(png, f.get());
  png_set_IHDR(png, info, png_uint_32(image.width), png_uint_32(image.height), 8, PNG_COLOR_TYPE_GRAY,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height; ++y) {
    png_write_row(png, image.pixels.data() + size_t(y) * size_t(image.width));
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
  if (std::fflush(f.get()) != 0) return Status::IoError("error while writing " + path + " (disk full?)");
  return Status::Ok();
}

}  // namespace linli
