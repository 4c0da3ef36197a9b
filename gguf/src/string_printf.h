// printf-style formatting into a std::string (GCC 12 has no std::format).
#pragma once

#include <string>

namespace llama {

std::string string_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace llama
