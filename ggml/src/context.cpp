// Contexts (one arena each), tensors and views. Nothing here computes: a
// tensor made by an op only records its sources until a graph runs it.
#include "internal.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

namespace ggml {

void assert_failed(const char *file, int line, const char *cond, const char *fmt, ...) {
    std::fprintf(stderr, "ggml: %s:%d: %s failed: ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    std::vfprintf(stderr, fmt, ap);
    va_end(ap);
    std::fputc('\n', stderr);
    std::abort();
}

void *arena_alloc(ggml_context *ctx, size_t size, size_t alignment) {
    const uintptr_t base = reinterpret_cast<uintptr_t>(ctx->mem);
    const size_t start = align_up(base + ctx->used, alignment) - base;
    GGML_ASSERT(start <= ctx->mem_size && size <= ctx->mem_size - start,
                "context arena of %zu bytes is full (%zu used, %zu more needed)", ctx->mem_size,
                ctx->used, size);
    ctx->used = start + size;
    return ctx->mem + start;
}

} // namespace ggml

using namespace ggml;

// Bytes of a tensor's first element to one past its last element.
size_t ggml_nbytes(const ggml_tensor *t) {
    for (int i = 0; i < GGML_MAX_DIMS; i++)
        if (t->ne[i] == 0) return 0;
    const int64_t blck = ggml_blck_size(t->type);
    size_t span = ggml_type_size(t->type) * size_t(t->ne[0] / blck); // one row
    for (int i = 1; i < GGML_MAX_DIMS; i++) span += size_t(t->ne[i] - 1) * t->nb[i];
    return span;
}

namespace {

constexpr size_t OBJECT_ALIGNMENT = 16;

void set_contiguous_strides(ggml_tensor *t) {
    t->nb[0] = ggml_type_size(t->type);
    t->nb[1] = ggml_row_size(t->type, t->ne[0]);
    for (int i = 2; i < GGML_MAX_DIMS; i++) t->nb[i] = t->nb[i - 1] * size_t(t->ne[i - 1]);
}

ggml_tensor *new_tensor_header(ggml_context *ctx, ggml_type type, int n_dims, const int64_t *ne) {
    GGML_ASSERT(n_dims >= 1 && n_dims <= GGML_MAX_DIMS, "n_dims = %d", n_dims);
    GGML_ASSERT(ggml_type_is_valid(uint32_t(type)), "unknown type %d", int(type));
    auto *t = new (arena_alloc(ctx, sizeof(ggml_tensor), OBJECT_ALIGNMENT)) ggml_tensor{};
    t->type = type;
    for (int i = 0; i < GGML_MAX_DIMS; i++) {
        t->ne[i] = i < n_dims ? ne[i] : 1;
        GGML_ASSERT(t->ne[i] >= 0, "negative dimension");
    }
    set_contiguous_strides(t);
    return t;
}

// A view of a (or of what a views), with a's name and the given shape.
ggml_tensor *new_view(ggml_context *ctx, ggml_tensor *a, ggml_op op, const int64_t ne[4],
                      const size_t nb[4], size_t offset) {
    GGML_ASSERT(!(a->flags & GGML_TENSOR_FLAG_ROW_GROUPS),
                "'%s' has its rows repacked in groups: it has no views", a->name);
    auto *t = new (arena_alloc(ctx, sizeof(ggml_tensor), OBJECT_ALIGNMENT)) ggml_tensor{};
    t->type = a->type;
    for (int i = 0; i < GGML_MAX_DIMS; i++) {
        t->ne[i] = ne[i];
        t->nb[i] = nb[i];
    }
    t->op = op;
    t->src[0] = a;
    t->view_src = a->view_src ? a->view_src : a;
    t->view_offs = (a->view_src ? a->view_offs : 0) + offset;
    GGML_ASSERT(t->view_offs + ggml_nbytes(t) <= ggml_nbytes(t->view_src) || ggml_nelements(t) == 0,
                "view of %zu bytes at %zu is outside its source of %zu bytes", ggml_nbytes(t),
                t->view_offs, ggml_nbytes(t->view_src));
    if (t->view_src->data) t->data = static_cast<char *>(t->view_src->data) + t->view_offs;
    std::memcpy(t->name, a->name, sizeof t->name); // cheap: views are made per token
    return t;
}

} // namespace

ggml_context *ggml_init(ggml_init_params params) {
    const bool owns_mem = params.mem_buffer == nullptr;
    if (owns_mem && params.mem_size > SIZE_MAX - TENSOR_ALIGNMENT) return nullptr;
    auto *ctx = new (std::nothrow) ggml_context{};
    if (!ctx) return nullptr;
    ctx->mem_size = params.mem_size;
    ctx->owns_mem = owns_mem;
    ctx->mem = owns_mem ? static_cast<uint8_t *>(std::aligned_alloc(
                              TENSOR_ALIGNMENT, align_up(params.mem_size, TENSOR_ALIGNMENT)))
                        : static_cast<uint8_t *>(params.mem_buffer);
    if (!ctx->mem && params.mem_size != 0) {
        delete ctx;
        return nullptr;
    }
    ctx->no_alloc = params.no_alloc;
    return ctx;
}

void ggml_free(ggml_context *ctx) {
    if (!ctx) return;
    if (ctx->owns_mem) std::free(ctx->mem);
    delete ctx;
}

void ggml_reset(ggml_context *ctx) {
    ctx->used = 0;
    ctx->quantized = nullptr;
}

size_t ggml_used_mem(const ggml_context *ctx) { return ctx->used; }

// (with room for the record an activation conversion adds, ggml_quantize)
size_t ggml_tensor_overhead(void) {
    return sizeof(ggml_tensor) + sizeof(ggml_context::quantized_node) + 2 * OBJECT_ALIGNMENT;
}

ggml_tensor *ggml_new_tensor(ggml_context *ctx, ggml_type type, int n_dims, const int64_t *ne) {
    ggml_tensor *t = new_tensor_header(ctx, type, n_dims, ne);
    if (!ctx->no_alloc) t->data = arena_alloc(ctx, ggml_nbytes(t), TENSOR_ALIGNMENT);
    return t;
}

ggml_tensor *ggml_new_tensor_1d(ggml_context *ctx, ggml_type type, int64_t ne0) {
    const int64_t ne[] = {ne0};
    return ggml_new_tensor(ctx, type, 1, ne);
}

ggml_tensor *ggml_new_tensor_2d(ggml_context *ctx, ggml_type type, int64_t ne0, int64_t ne1) {
    const int64_t ne[] = {ne0, ne1};
    return ggml_new_tensor(ctx, type, 2, ne);
}

ggml_tensor *ggml_new_tensor_3d(ggml_context *ctx, ggml_type type, int64_t ne0, int64_t ne1,
                                int64_t ne2) {
    const int64_t ne[] = {ne0, ne1, ne2};
    return ggml_new_tensor(ctx, type, 3, ne);
}

ggml_tensor *ggml_new_tensor_4d(ggml_context *ctx, ggml_type type, int64_t ne0, int64_t ne1,
                                int64_t ne2, int64_t ne3) {
    const int64_t ne[] = {ne0, ne1, ne2, ne3};
    return ggml_new_tensor(ctx, type, 4, ne);
}

// An op's result: a tensor without data, which the planner will place.
ggml_tensor *ggml_new_result(ggml_context *ctx, ggml_type type, int n_dims, const int64_t *ne,
                             ggml_op op) {
    ggml_tensor *t = new_tensor_header(ctx, type, n_dims, ne);
    t->op = op;
    return t;
}

ggml_tensor *ggml_set_name(ggml_tensor *t, const char *name) {
    std::snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

ggml_tensor *ggml_format_name(ggml_tensor *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(t->name, sizeof t->name, fmt, ap);
    va_end(ap);
    return t;
}

void ggml_set_input(ggml_tensor *t) { t->flags |= GGML_TENSOR_FLAG_INPUT; }
void ggml_set_output(ggml_tensor *t) { t->flags |= GGML_TENSOR_FLAG_OUTPUT; }

int64_t ggml_nelements(const ggml_tensor *t) { return t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3]; }

int64_t ggml_nrows(const ggml_tensor *t) { return t->ne[1] * t->ne[2] * t->ne[3]; }

bool ggml_is_contiguous(const ggml_tensor *t) {
    if (t->ne[0] != ggml_blck_size(t->type) && t->nb[0] != ggml_type_size(t->type)) return false;
    size_t expected = ggml_row_size(t->type, t->ne[0]);
    for (int i = 1; i < GGML_MAX_DIMS; i++) {
        if (t->ne[i] != 1 && t->nb[i] != expected) return false;
        expected *= size_t(t->ne[i]);
    }
    return true;
}

bool ggml_are_same_shape(const ggml_tensor *a, const ggml_tensor *b) {
    for (int i = 0; i < GGML_MAX_DIMS; i++)
        if (a->ne[i] != b->ne[i]) return false;
    return true;
}

int ggml_n_dims(const ggml_tensor *t) {
    for (int i = GGML_MAX_DIMS - 1; i >= 1; i--)
        if (t->ne[i] > 1) return i + 1;
    return 1;
}

// ---------------------------------------------------------------- views

ggml_tensor *ggml_view_4d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1, int64_t ne2,
                          int64_t ne3, size_t nb1, size_t nb2, size_t nb3, size_t offset) {
    const int64_t ne[] = {ne0, ne1, ne2, ne3};
    const size_t nb[] = {a->nb[0], nb1, nb2, nb3};
    return new_view(ctx, a, GGML_OP_VIEW, ne, nb, offset);
}

ggml_tensor *ggml_view_3d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1, int64_t ne2,
                          size_t nb1, size_t nb2, size_t offset) {
    return ggml_view_4d(ctx, a, ne0, ne1, ne2, 1, nb1, nb2, nb2 * size_t(ne2), offset);
}

ggml_tensor *ggml_view_2d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1, size_t nb1,
                          size_t offset) {
    return ggml_view_4d(ctx, a, ne0, ne1, 1, 1, nb1, nb1 * size_t(ne1), nb1 * size_t(ne1), offset);
}

ggml_tensor *ggml_view_1d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, size_t offset) {
    const size_t row = ggml_row_size(a->type, ne0);
    return ggml_view_4d(ctx, a, ne0, 1, 1, 1, row, row, row, offset);
}

ggml_tensor *ggml_reshape_4d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1,
                             int64_t ne2, int64_t ne3) {
    GGML_ASSERT(ggml_is_contiguous(a), "reshape of a non-contiguous tensor '%s'", a->name);
    GGML_ASSERT(ne0 * ne1 * ne2 * ne3 == ggml_nelements(a), "reshape changes the element count");
    const int64_t ne[] = {ne0, ne1, ne2, ne3};
    size_t nb[4];
    nb[0] = ggml_type_size(a->type);
    nb[1] = ggml_row_size(a->type, ne0);
    nb[2] = nb[1] * size_t(ne1);
    nb[3] = nb[2] * size_t(ne2);
    return new_view(ctx, a, GGML_OP_RESHAPE, ne, nb, 0);
}

ggml_tensor *ggml_reshape_3d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1,
                             int64_t ne2) {
    return ggml_reshape_4d(ctx, a, ne0, ne1, ne2, 1);
}

ggml_tensor *ggml_reshape_2d(ggml_context *ctx, ggml_tensor *a, int64_t ne0, int64_t ne1) {
    return ggml_reshape_4d(ctx, a, ne0, ne1, 1, 1);
}

ggml_tensor *ggml_reshape_1d(ggml_context *ctx, ggml_tensor *a, int64_t ne0) {
    return ggml_reshape_4d(ctx, a, ne0, 1, 1, 1);
}

ggml_tensor *ggml_permute(ggml_context *ctx, ggml_tensor *a, int axis0, int axis1, int axis2,
                          int axis3) {
    const int axes[] = {axis0, axis1, axis2, axis3};
    bool seen[4] = {};
    for (int axis : axes) {
        GGML_ASSERT(axis >= 0 && axis < 4 && !seen[axis], "permute axes must be 0..3, once each");
        seen[axis] = true;
    }
    GGML_ASSERT(!ggml_is_quantized(a->type) || axis0 == 0, "a quantized row cannot be permuted");
    int64_t ne[4];
    size_t nb[4];
    for (int i = 0; i < 4; i++) {
        ne[axes[i]] = a->ne[i];
        nb[axes[i]] = a->nb[i];
    }
    return new_view(ctx, a, GGML_OP_PERMUTE, ne, nb, 0);
}

ggml_tensor *ggml_transpose(ggml_context *ctx, ggml_tensor *a) {
    return ggml_permute(ctx, a, 1, 0, 2, 3);
}
