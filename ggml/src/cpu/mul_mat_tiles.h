// How mul_mat cuts a product into gemm calls: TILE_X weight rows (whole row
// groups) by TILE_Y activation rows per call. A call decodes each weight
// block once for its TILE_Y activation rows; its TILE_X weight rows (about
// 150 KB at K = 4096 for Q4) stay in L2 while every activation tile passes,
// so each weight byte comes from memory once per thread. The format tests
// check every tile shape up to these sizes.
#pragma once

#include <cstdint>

namespace ggml::cpu {

constexpr int64_t TILE_X = 64;
constexpr int64_t TILE_Y = 8;

} // namespace ggml::cpu
