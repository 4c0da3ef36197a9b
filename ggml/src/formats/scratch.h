// Per-thread scratch memory for the kernels (activation block sums and
// scales of a gemm call), so the hot path never allocates once warm.
#pragma once

#include <cstddef>

namespace ggml {

// At least `bytes` bytes, 64-byte aligned, private to the calling thread and
// valid until its next call; throws std::bad_alloc when they cannot be had.
void *kernel_scratch(size_t bytes);

} // namespace ggml
