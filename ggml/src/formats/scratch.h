// Per-thread scratch memory for the kernels (activation block sums and
// scales of a gemm call) and for mul_mat's packed weight rows, so the hot
// path never allocates once warm.
#pragma once

#include <cstddef>

namespace ggml {

// At least `bytes` bytes, 64-byte aligned, private to the calling thread and
// valid until its next call; throws std::bad_alloc when they cannot be had.
void *kernel_scratch(size_t bytes);
// The same, a second buffer: for mul_mat's packed weight rows, which are
// read while the kernel uses its own scratch.
void *packing_scratch(size_t bytes);

} // namespace ggml
