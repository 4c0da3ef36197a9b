/*
 * ggml: a small tensor library for quantized LLM inference on the CPU.
 *
 * Plain C11 header, C++20 inside. A context owns one memory arena in which
 * tensors are created; operations on tensors build a graph lazily; a planner
 * gives the graph's intermediate results memory (reusing it once a result's
 * last reader has run) and a thread pool computes it.
 *
 * Errors: misuse (wrong shapes or types, a full arena) is a bug in the
 * caller and aborts with a message, as in ggml; running out of memory or
 * threads is reported by a NULL or false return. No C++ exception leaves a
 * function of this header.
 *
 * Conventions (as in ggml): ne[0] is the fastest-varying dimension (the row
 * length), nb[i] is the byte stride of dimension i, and
 * ggml_mul_mat(a, b) computes a * b^T over rows: result[i1][j] = dot(a row j,
 * b row i1), shape [a->ne[1], b->ne[1], b->ne[2], b->ne[3]].
 */
#ifndef GGML_H
#define GGML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks the functions of this API: the shared library is built with hidden
 * visibility and exports these alone. */
#if defined(__GNUC__)
#define GGML_API __attribute__((visibility("default")))
#else
#define GGML_API
#endif

#define GGML_MAX_DIMS 4
#define GGML_MAX_SRC 4
#define GGML_MAX_OP_PARAMS 8
#define GGML_MAX_NAME 64

/* ---------------------------------------------------------------- types */

/* Ids are the GGUF tensor type ids. Ids below 1024 are ggml's own; the
 * project's formats start at 1024 so other readers refuse them. */
enum ggml_type {
    GGML_TYPE_F32 = 0,
    GGML_TYPE_F16 = 1,
    GGML_TYPE_Q4_0 = 2,
    GGML_TYPE_Q4_1 = 3,
    GGML_TYPE_Q5_0 = 6,
    GGML_TYPE_Q5_1 = 7,
    GGML_TYPE_Q8_0 = 8,
    GGML_TYPE_Q8_1 = 9,
    /* K-quants: super-blocks of 256 weights; Q8_K is their activation type */
    GGML_TYPE_Q2_K = 10,
    GGML_TYPE_Q3_K = 11,
    GGML_TYPE_Q4_K = 12,
    GGML_TYPE_Q5_K = 13,
    GGML_TYPE_Q6_K = 14,
    GGML_TYPE_Q8_K = 15,
    GGML_TYPE_IQ4_NL = 20,
    GGML_TYPE_IQ4_XS = 23,
    GGML_TYPE_I32 = 26,
    GGML_TYPE_BF16 = 30,
    GGML_TYPE_Q4_Z = 1024,
    GGML_TYPE_Q3_Z = 1025,
    /* Q4_Z and Q3_Z with one scale and zero point per 128 weights */
    GGML_TYPE_Q4_Z128 = 1026,
    GGML_TYPE_Q3_Z128 = 1027,
    /* 2-bit, integer zero point: 32 and 128 weights a block */
    GGML_TYPE_Q2_Z = 1028,
    GGML_TYPE_Q2_Z128 = 1029,
};

typedef uint16_t ggml_fp16_t;

/* False for ids that are not a type this library knows. */
GGML_API bool ggml_type_is_valid(uint32_t type);
/* Every type this library knows: writes the first `max` of them to `types`
 * (which may be NULL when max is 0) and returns how many there are. */
GGML_API size_t ggml_types(enum ggml_type *types, size_t max);
/* "F32", "Q4_Z", ...; NULL for an unknown type. */
GGML_API const char *ggml_type_name(enum ggml_type type);
/* Case-insensitive lookup by name; returns false if there is none. */
GGML_API bool ggml_type_from_name(const char *name, enum ggml_type *type);
/* Number of elements in one block (1 for F32, F16, I32). */
GGML_API int64_t ggml_blck_size(enum ggml_type type);
/* Bytes in one block. */
GGML_API size_t ggml_type_size(enum ggml_type type);
GGML_API bool ggml_is_quantized(enum ggml_type type);
/* Whether tensors of this type can be weights of mul_mat: false for the
 * activation-only types (Q8_1, Q8_K) and I32. */
GGML_API bool ggml_is_weight_type(enum ggml_type type);
/* Bytes of a row of ne elements; ne must be a multiple of the block size. */
GGML_API size_t ggml_row_size(enum ggml_type type, int64_t ne);
/* The type mul_mat converts activations to before the dot product with
 * weights of this type (F32 for F32 weights). */
GGML_API enum ggml_type ggml_vec_dot_type(enum ggml_type type);

/* IEEE half precision, round to nearest even. */
GGML_API float ggml_fp16_to_fp32(ggml_fp16_t h);
GGML_API ggml_fp16_t ggml_fp32_to_fp16(float f);
GGML_API void ggml_fp16_to_fp32_row(const ggml_fp16_t *x, float *y, int64_t n);
GGML_API void ggml_fp32_to_fp16_row(const float *x, ggml_fp16_t *y, int64_t n);

/* Reference (bit-exact, portable) conversion of nrows rows of n_per_row
 * floats into blocks of `type` (any type, F32 included). Returns the bytes
 * written, or 0 when n_per_row is not a multiple of the block size, in which
 * case nothing is written. The floats must be finite (the quantize tool
 * refuses tensors that are not). */
GGML_API size_t ggml_quantize_rows(enum ggml_type type, const float *src, void *dst, int64_t nrows,
                                   int64_t n_per_row);
/* As ggml_quantize_rows, with an importance per column (n_per_row values
 * >= 0, the same for every row; an importance matrix's mean squared input)
 * weighting the squared error that the type's scale search minimises. With
 * importance NULL, or for a type without such a search
 * (ggml_quantize_uses_importance false), the bytes are ggml_quantize_rows's. */
GGML_API size_t ggml_quantize_rows_weighted(enum ggml_type type, const float *src, void *dst,
                                            int64_t nrows, int64_t n_per_row,
                                            const float *importance);
GGML_API bool ggml_quantize_uses_importance(enum ggml_type type);
/* Decodes n elements (a multiple of the block size) of `type` to floats. */
GGML_API void ggml_dequantize_row(enum ggml_type type, const void *src, float *dst, int64_t n);

/* ---------------------------------------------------------------- cpu */

/* Instruction set levels of the kernels. The best level the CPU supports is
 * chosen at start-up; GGML_CPU=scalar|avx2|avx512|neon in the environment
 * forces one (if the CPU has it). */
enum ggml_cpu_level {
    GGML_CPU_SCALAR = 0,
    GGML_CPU_AVX2 = 1,
    GGML_CPU_AVX512 = 2,
    GGML_CPU_NEON = 3,
};
GGML_API const char *ggml_cpu_level_name(enum ggml_cpu_level level);
GGML_API bool ggml_cpu_has_level(enum ggml_cpu_level level);
GGML_API enum ggml_cpu_level ggml_cpu_get_level(void);
/* Selects the kernels of `level` for the whole process; false (and no
 * change) if the CPU or this build lacks it. Not thread-safe with compute. */
GGML_API bool ggml_cpu_set_level(enum ggml_cpu_level level);

/* ---------------------------------------------------------------- tensors */

enum ggml_op {
    GGML_OP_NONE = 0,
    /* views: share the source's memory */
    GGML_OP_VIEW,
    GGML_OP_RESHAPE,
    GGML_OP_PERMUTE,
    GGML_OP_TRANSPOSE,
    /* copies and conversions */
    GGML_OP_CPY,        /* src0 converted into the memory of src1 (a view of it) */
    GGML_OP_CONT,       /* contiguous copy of a strided tensor */
    GGML_OP_QUANTIZE,   /* rows of an F32 tensor converted to another type */
    GGML_OP_STORE_KEYS, /* keys written into a cache of key blocks (ggml_store_keys) */
    /* element-wise */
    GGML_OP_ADD,
    GGML_OP_MUL,
    GGML_OP_SCALE,
    GGML_OP_SILU,
    GGML_OP_SWIGLU, /* silu(src0) * src1 */
    /* rows */
    GGML_OP_RMS_NORM,
    GGML_OP_ROPE,
    GGML_OP_SOFT_MAX,
    GGML_OP_GET_ROWS,
    GGML_OP_GET_COLS,
    GGML_OP_HADAMARD,
    GGML_OP_MUL_MAT,
    GGML_OP_ATTENTION,
    GGML_OP_COUNT,
};

enum ggml_tensor_flag {
    GGML_TENSOR_FLAG_INPUT = 1,  /* placed by the planner; the caller writes it after planning */
    GGML_TENSOR_FLAG_OUTPUT = 2, /* read by the caller after compute: never reused */
    GGML_TENSOR_FLAG_ROW_GROUPS = 4, /* rows repacked in groups of 8 (ggml_repack_rows) */
};

struct ggml_tensor {
    enum ggml_type type;
    int64_t ne[GGML_MAX_DIMS]; /* elements per dimension */
    size_t nb[GGML_MAX_DIMS];  /* byte stride per dimension */

    enum ggml_op op;
    int32_t op_params[GGML_MAX_OP_PARAMS];
    int32_t flags;
    struct ggml_tensor *src[GGML_MAX_SRC];

    /* A view's memory is view_src's (never itself a view) from view_offs. */
    struct ggml_tensor *view_src;
    size_t view_offs;

    void *data;
    char name[GGML_MAX_NAME];
};

struct ggml_context;

struct ggml_init_params {
    size_t mem_size;  /* bytes of the arena */
    void *mem_buffer; /* NULL: the context allocates (and frees) it */
    bool no_alloc;    /* true: leaf tensors get no data (caller points them) */
};

/* NULL if the arena cannot be allocated. */
GGML_API struct ggml_context *ggml_init(struct ggml_init_params params);
GGML_API void ggml_free(struct ggml_context *ctx);
/* Drops every tensor and graph of the context, keeping its arena. */
GGML_API void ggml_reset(struct ggml_context *ctx);
GGML_API size_t ggml_used_mem(const struct ggml_context *ctx);
/* Arena bytes taken by one tensor's header (and an op's bookkeeping), and by
 * a graph of n nodes. */
GGML_API size_t ggml_tensor_overhead(void);
GGML_API size_t ggml_graph_overhead(size_t n_nodes);

/* New leaf tensor, contiguous. Its data lives in the arena unless the
 * context is no_alloc (then data is NULL until the caller sets it, or until
 * the planner allocates it for a tensor flagged as input). */
GGML_API struct ggml_tensor *ggml_new_tensor(struct ggml_context *ctx, enum ggml_type type,
                                             int n_dims, const int64_t *ne);
GGML_API struct ggml_tensor *ggml_new_tensor_1d(struct ggml_context *ctx, enum ggml_type type,
                                                int64_t ne0);
GGML_API struct ggml_tensor *ggml_new_tensor_2d(struct ggml_context *ctx, enum ggml_type type,
                                                int64_t ne0, int64_t ne1);
GGML_API struct ggml_tensor *ggml_new_tensor_3d(struct ggml_context *ctx, enum ggml_type type,
                                                int64_t ne0, int64_t ne1, int64_t ne2);
GGML_API struct ggml_tensor *ggml_new_tensor_4d(struct ggml_context *ctx, enum ggml_type type,
                                                int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3);

GGML_API struct ggml_tensor *ggml_set_name(struct ggml_tensor *t, const char *name);
GGML_API struct ggml_tensor *ggml_format_name(struct ggml_tensor *t, const char *fmt, ...);
GGML_API void ggml_set_input(struct ggml_tensor *t);
GGML_API void ggml_set_output(struct ggml_tensor *t);

GGML_API int64_t ggml_nelements(const struct ggml_tensor *t);
GGML_API int64_t ggml_nrows(const struct ggml_tensor *t);
/* Bytes spanned by the tensor's elements (for a contiguous tensor, its size). */
GGML_API size_t ggml_nbytes(const struct ggml_tensor *t);
GGML_API bool ggml_is_contiguous(const struct ggml_tensor *t);
GGML_API bool ggml_are_same_shape(const struct ggml_tensor *a, const struct ggml_tensor *b);
GGML_API int ggml_n_dims(const struct ggml_tensor *t);

/* Whether ggml_repack_rows can repack t: a contiguous matrix (not a view,
 * not 3-D) of at least 8 rows, with data, of a type with a grouped layout
 * (not F32, F16), not repacked yet. */
GGML_API bool ggml_can_repack_rows(const struct ggml_tensor *t);
/* Rearranges the rows of a weight matrix in place into groups of 8, the
 * layout the mul_mat kernels read fastest, and sets
 * GGML_TENSOR_FLAG_ROW_GROUPS; the last ne[1] % 8 rows stay as they were.
 * Afterwards only mul_mat (as its first operand) and get_rows may read it,
 * with the same results as before. False, and nothing changed, when it
 * cannot (ggml_can_repack_rows) or memory for one group runs out. */
GGML_API bool ggml_repack_rows(struct ggml_tensor *t);

/* ---------------------------------------------------------------- views */

GGML_API struct ggml_tensor *ggml_view_1d(struct ggml_context *ctx, struct ggml_tensor *a,
                                          int64_t ne0, size_t offset);
GGML_API struct ggml_tensor *ggml_view_2d(struct ggml_context *ctx, struct ggml_tensor *a,
                                          int64_t ne0, int64_t ne1, size_t nb1, size_t offset);
GGML_API struct ggml_tensor *ggml_view_3d(struct ggml_context *ctx, struct ggml_tensor *a,
                                          int64_t ne0, int64_t ne1, int64_t ne2, size_t nb1,
                                          size_t nb2, size_t offset);
GGML_API struct ggml_tensor *ggml_view_4d(struct ggml_context *ctx, struct ggml_tensor *a,
                                          int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3,
                                          size_t nb1, size_t nb2, size_t nb3, size_t offset);
/* Reshapes need a contiguous source. */
GGML_API struct ggml_tensor *ggml_reshape_1d(struct ggml_context *ctx, struct ggml_tensor *a,
                                             int64_t ne0);
GGML_API struct ggml_tensor *ggml_reshape_2d(struct ggml_context *ctx, struct ggml_tensor *a,
                                             int64_t ne0, int64_t ne1);
GGML_API struct ggml_tensor *ggml_reshape_3d(struct ggml_context *ctx, struct ggml_tensor *a,
                                             int64_t ne0, int64_t ne1, int64_t ne2);
GGML_API struct ggml_tensor *ggml_reshape_4d(struct ggml_context *ctx, struct ggml_tensor *a,
                                             int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3);
/* Source dimension i becomes dimension axis_i of the result. */
GGML_API struct ggml_tensor *ggml_permute(struct ggml_context *ctx, struct ggml_tensor *a,
                                          int axis0, int axis1, int axis2, int axis3);
/* Swaps dimensions 0 and 1. */
GGML_API struct ggml_tensor *ggml_transpose(struct ggml_context *ctx, struct ggml_tensor *a);

/* ---------------------------------------------------------------- ops */

/* a copied into b's memory, converting F32 <-> F16 (b is usually a view into
 * a cache); the result is a view of b that depends on the copy. */
GGML_API struct ggml_tensor *ggml_cpy(struct ggml_context *ctx, struct ggml_tensor *a,
                                      struct ggml_tensor *b);
/* Contiguous copy of any view (same type). */
GGML_API struct ggml_tensor *ggml_cont(struct ggml_context *ctx, struct ggml_tensor *a);
/* Rows of F32 `a` converted to `type` (the activation conversion mul_mat
 * inserts; shared by every mul_mat on the same input). */
GGML_API struct ggml_tensor *ggml_quantize(struct ggml_context *ctx, struct ggml_tensor *a,
                                           enum ggml_type type);

/* a + b and a * b, b broadcast over a (each b->ne[i] divides a->ne[i]); F32. */
GGML_API struct ggml_tensor *ggml_add(struct ggml_context *ctx, struct ggml_tensor *a,
                                      struct ggml_tensor *b);
GGML_API struct ggml_tensor *ggml_mul(struct ggml_context *ctx, struct ggml_tensor *a,
                                      struct ggml_tensor *b);
GGML_API struct ggml_tensor *ggml_scale(struct ggml_context *ctx, struct ggml_tensor *a, float s);
GGML_API struct ggml_tensor *ggml_silu(struct ggml_context *ctx, struct ggml_tensor *a);
/* silu(a) * b, the SwiGLU gate, fused. */
GGML_API struct ggml_tensor *ggml_swiglu(struct ggml_context *ctx, struct ggml_tensor *a,
                                         struct ggml_tensor *b);

/* x / sqrt(mean(x^2) + eps) over each row. */
GGML_API struct ggml_tensor *ggml_rms_norm(struct ggml_context *ctx, struct ggml_tensor *a,
                                           float eps);
/* Rotary embedding of a [head_dim, n_head, n_tokens] with positions pos
 * (I32 [n_tokens]): the first n_dims of each head rotate as adjacent pairs
 * (x[2i], x[2i+1]) by angle pos * freq_base^(-2i/n_dims). */
GGML_API struct ggml_tensor *ggml_rope(struct ggml_context *ctx, struct ggml_tensor *a,
                                       struct ggml_tensor *pos, int n_dims, float freq_base);
/* softmax(scale * a) over each row; with causal, row i1 of a
 * [n_kv, n_tokens, ...] sees only columns <= n_past + i1. */
GGML_API struct ggml_tensor *ggml_soft_max(struct ggml_context *ctx, struct ggml_tensor *a,
                                           float scale, bool causal, int n_past);
/* Rows idx[i] of a (any type) as F32: [a->ne[0], ne(idx)]. */
GGML_API struct ggml_tensor *ggml_get_rows(struct ggml_context *ctx, struct ggml_tensor *a,
                                           struct ggml_tensor *idx);
/* Elements idx[j] of every row of F32 a: out[i3][i2][i1][j] =
 * a[i3][i2][i1][idx[j]], shape [ne(idx), a->ne[1], a->ne[2], a->ne[3]].
 * Gathers activations into the input order of a weight stored with its
 * columns permuted (GPTQ act-order). */
GGML_API struct ggml_tensor *ggml_get_cols(struct ggml_context *ctx, struct ggml_tensor *a,
                                           struct ggml_tensor *idx);
/* Each row of F32 a rotated block by block: x becomes H (s * x) / sqrt(b)
 * for every block x of b = signs->ne[0] elements, s its row of signs (I32
 * [b, a->ne[0] / b], each +1 or -1) and H a Hadamard matrix of order b: the
 * Walsh-Hadamard matrix when b is a power of two, else a Paley matrix of
 * order ggml_hadamard_factor(b) times the Walsh-Hadamard matrix of the rest
 * (Kronecker product; ggml/src/walsh_hadamard.h). The input rotation of a
 * linear layer whose weights were stored rotated (incoherence processing,
 * quantize --rotate). */
GGML_API struct ggml_tensor *ggml_hadamard(struct ggml_context *ctx, struct ggml_tensor *a,
                                           struct ggml_tensor *signs);
/* The order of the Paley factor of ggml_hadamard's blocks of b: 1 when b is
 * a power of two, 0 when ggml_hadamard has no matrix of order b. */
GGML_API int64_t ggml_hadamard_factor(int64_t b);
/* a [K, M, A2, A3] times b [K, N, B2, B3] transposed: F32 [M, N, B2, B3];
 * a is broadcast over dims 2 and 3 (A2 divides B2, A3 divides B3), which is
 * how grouped-query attention shares KV heads. a may be of any type; b is F32
 * and is converted (once, by a shared ggml_quantize node) to a's
 * ggml_vec_dot_type; a b made by ggml_hadamard or ggml_swiglu is rotated
 * or gated in that conversion, and its own node is then not computed (unless
 * something else reads it). */
GGML_API struct ggml_tensor *ggml_mul_mat(struct ggml_context *ctx, struct ggml_tensor *a,
                                          struct ggml_tensor *b);
/* ggml_attention reads keys in blocks of GGML_KEY_BLOCK positions, each
 * stored element-major: a key cache is [GGML_KEY_BLOCK, hd, n_head_kv,
 * n_blocks] (F16 or F32), element (j, d, h, b) the d-th element of head h's
 * key at position b * GGML_KEY_BLOCK + j. A vector of keys' element d is
 * then one load, and the scores of a query against a block are multiply-adds
 * in lanes of keys, with no sums across lanes. */
#define GGML_KEY_BLOCK 16
/* Writes keys k [hd, n_head_kv, n] (F32, rows contiguous) at positions
 * n_past .. n_past + n - 1 of such a cache, converting to its type; the
 * result is a view of the blocks written that depends on the write. */
GGML_API struct ggml_tensor *ggml_store_keys(struct ggml_context *ctx, struct ggml_tensor *k,
                                             struct ggml_tensor *cache, int n_past);
/* Causal multi-head attention, fused: for queries q [hd, n_head, n] (F32,
 * query i at position n_past + i) over a key cache k (above) and values v
 * [hd, n_kv, n_head_kv] (F16 or F32 like k, rows of hd contiguous elements;
 * n_kv >= n_past + n and k's blocks cover them), softmax(scale * q . k) . v
 * per head, where query i sees keys 0 .. n_past + i and query head h reads
 * kv head h / (n_head / n_head_kv). Result: F32 [hd, n_head, n]. Masked
 * keys weigh nothing (a block's keys past the last seen are read, never
 * used), and a query's result does not depend on the batch it is in. */
GGML_API struct ggml_tensor *ggml_attention(struct ggml_context *ctx, struct ggml_tensor *q,
                                            struct ggml_tensor *k, struct ggml_tensor *v,
                                            float scale, int n_past);

/* ---------------------------------------------------------------- graphs */

struct ggml_cgraph;

#define GGML_DEFAULT_GRAPH_SIZE 4096

/* A graph in the context's arena holding at most max_nodes tensors. */
GGML_API struct ggml_cgraph *ggml_new_graph(struct ggml_context *ctx);
GGML_API struct ggml_cgraph *ggml_new_graph_custom(struct ggml_context *ctx, size_t max_nodes);
/* Adds t and everything it depends on, in topological order. */
GGML_API void ggml_build_forward_expand(struct ggml_cgraph *graph, struct ggml_tensor *t);
/* Nodes are the tensors computed by an op; leafs have no op. */
GGML_API int ggml_graph_n_nodes(const struct ggml_cgraph *graph);
GGML_API struct ggml_tensor *ggml_graph_node(const struct ggml_cgraph *graph, int i);
GGML_API int ggml_graph_n_leafs(const struct ggml_cgraph *graph);
GGML_API struct ggml_tensor *ggml_graph_leaf(const struct ggml_cgraph *graph, int i);
GGML_API struct ggml_tensor *ggml_graph_get_tensor(const struct ggml_cgraph *graph,
                                                   const char *name);

/* Memory planner: gives every node and every input leaf its place in one
 * buffer that it owns and keeps across graphs, growing it when a graph needs
 * more (an input leaf's data is replaced: write inputs after planning). With
 * reuse, a tensor's memory is given to later ones once its last reader has
 * run; results (flagged outputs, or tensors and views nobody reads) keep
 * theirs. */
struct ggml_planner;
/* NULL when out of memory. */
GGML_API struct ggml_planner *ggml_planner_new(bool reuse);
GGML_API void ggml_planner_free(struct ggml_planner *planner);
/* Plans and allocates; false (with a message on stderr) if a leaf has no data
 * or memory runs out. Tensor data pointers are valid until the next call. */
GGML_API bool ggml_planner_alloc_graph(struct ggml_planner *planner, struct ggml_cgraph *graph);
/* Bytes the last planned graph needed, and the most any graph needed. */
GGML_API size_t ggml_planner_graph_bytes(const struct ggml_planner *planner);
GGML_API size_t ggml_planner_buffer_bytes(const struct ggml_planner *planner);

/* Worker threads, created once and reused; thread 0 is the caller's. NULL
 * when the threads (or memory) cannot be had. */
struct ggml_threadpool;
GGML_API struct ggml_threadpool *ggml_threadpool_new(int n_threads);
GGML_API void ggml_threadpool_free(struct ggml_threadpool *pool);
GGML_API int ggml_threadpool_n_threads(const struct ggml_threadpool *pool);

/* Computes an allocated graph. pool may be NULL (single-threaded). False
 * when a kernel's scratch memory could not be allocated; the results are
 * then incomplete. */
GGML_API bool ggml_graph_compute(struct ggml_cgraph *graph, struct ggml_threadpool *pool);

#ifdef __cplusplus
}
#endif

#endif /* GGML_H */
