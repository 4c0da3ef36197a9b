// Declarations shared inside ggml: assertions, the context's arena, and the
// hooks between the core, the formats and the CPU backend.
#pragma once

#include "ggml.h"

#include <cstddef>
#include <cstdint>

// Misuse of the API (wrong shapes, unknown types) is a bug in the caller:
// report it and abort, as ggml does. Bad data from files never gets here;
// the loaders check it first.
#define GGML_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond)) ::ggml::assert_failed(__FILE__, __LINE__, #cond, __VA_ARGS__);                \
    } while (0)

namespace ggml {

[[noreturn]] void assert_failed(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

constexpr size_t TENSOR_ALIGNMENT = 64; // data of tensors, so SIMD loads stay in cache lines

inline size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

// Points the active kernels at those of `level` (formats/registry.cpp).
void select_kernels(ggml_cpu_level level);
// Chooses the start-up level once, before the first kernel is used
// (formats/dispatch.cpp).
void ensure_kernels_selected();

// Bytes from the context's arena (aborts when it is full).
void *arena_alloc(ggml_context *ctx, size_t size, size_t alignment);

// Whether mul_mat(a, b) goes through OpenBLAS's sgemm (then b stays F32
// rather than being converted to a's activation type): large F32/F16
// products in builds with GGML_OPENBLAS.
#ifdef GGML_USE_OPENBLAS
bool mul_mat_uses_blas(const ggml_tensor *a, const ggml_tensor *b);
#else
inline bool mul_mat_uses_blas(const ggml_tensor *, const ggml_tensor *) { return false; }
#endif

} // namespace ggml

// An op's result: a contiguous tensor without data, which the planner places.
ggml_tensor *ggml_new_result(ggml_context *ctx, ggml_type type, int n_dims, const int64_t *ne,
                             ggml_op op);

struct ggml_context {
    uint8_t *mem;
    size_t mem_size;
    size_t used;
    bool owns_mem;
    bool no_alloc;
    // Activation conversions already in this context, so every mul_mat on
    // the same input shares one (wq, wk and wv quantize x once): a list in
    // the arena, so that making an op never allocates.
    struct quantized_node {
        ggml_tensor *tensor;
        quantized_node *next;
    };
    quantized_node *quantized;
};
