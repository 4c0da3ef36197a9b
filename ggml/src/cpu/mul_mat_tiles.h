// How mul_mat cuts a product into gemm calls: TILE_Y activation rows per
// call, against a tile of whole row groups of at least TILE_X weight rows,
// more while they fit in TILE_BYTES. A call decodes each weight block once
// for its TILE_Y activation rows and prepares those rows once (their
// blocks' scales and sums, x86/groups.h), so the larger the weight tile the
// less that costs; the tile stays in L2 while every activation tile passes,
// so each weight byte comes from memory once per thread. The format tests
// check every tile shape up to TILE_X x TILE_Y (larger tiles only add
// groups to a call).
#pragma once

#include <cstddef>
#include <cstdint>

namespace ggml::cpu {

constexpr int64_t TILE_X = 64;
constexpr int64_t TILE_Y = 8;
constexpr size_t TILE_BYTES = size_t(512) * 1024;

} // namespace ggml::cpu
