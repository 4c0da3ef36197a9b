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

// Chunks of work (cpu/compute.cpp) that split a matrix's row groups each
// prepare every activation row for gemm (its blocks' scales and sums), which
// against a small matrix (M = 288: 8 chunks, 2 threads) costs about as much
// as the products; chunks that split the activation tiles prepare only
// their own rows but each read the whole matrix. So a batch is split by its
// activation rows where the matrix is at most this (read again from cache,
// not memory): 15M prompts, 2 threads, Xeon, +20 %; 110M and 400M +3 to 6 %.
constexpr size_t ACT_SPLIT_BYTES = size_t(4) << 20;

} // namespace ggml::cpu
