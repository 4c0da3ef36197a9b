// Weight matrices repacked for the matrix kernels: rows in groups of 8,
// block by block, so that one vector holds the same 4 bytes of 8 rows and
// one multiply-add instruction advances 8 dot products (one per lane).
//
// A group of 8 rows of nb blocks is nb group blocks of 8 * type_size bytes
// each, holding block b of the 8 rows:
//   - first the header fields of the 8 blocks, field by field: 8 copies of
//     field 0 (row 0 first), then 8 of field 1, ... (scales side by side);
//   - then their payloads (the quants, and for the K-quants the packed
//     scales before them: what a kernel wants as one 32-bit lane per row),
//     interleaved in 4-byte units: unit u of row r at 32 * u + 4 * r.
// Which bytes of a block are its payload and which its header fields is a
// property of the format (format_traits::group). The layout is the same at
// every kernel level, so a level can change after a matrix was repacked.
#pragma once

#include "formats/traits.h"

#include <cstddef>
#include <cstdint>

namespace ggml {

constexpr int ROW_GROUP = 8;

// Copies 8 rows of nb blocks (row r at rows + r * row_bytes) into a group.
void pack_group(const format_traits &t, const char *rows, size_t row_bytes, int64_t nb,
                char *group);

// Row r of a group of nb blocks, as its blocks were before packing.
void unpack_row(const format_traits &t, const char *group, int r, int64_t nb, char *row);

// format_kernels::gemm of the scalar level: each row unpacked, then the
// reference vec_dot.
void gemm_by_rows(const format_traits &t, int64_t n, float *s, size_t bs, const void *x, size_t bx,
                  int ng, const void *y, size_t by, int ny);

} // namespace ggml
