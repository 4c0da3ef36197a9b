/*
 * gguf: read and write GGUF v3 files (docs/formats.md section 3).
 *
 * Plain C11 API with opaque handles. A file is memory-mapped and every
 * byte of its structure checked before use (magic, version, counts,
 * lengths, types, each tensor inside the file, aligned, overlapping no
 * other), so a corrupt or hostile file is refused with a message, never
 * read out of bounds. A written file goes to PATH.tmp, created anew, and is
 * renamed to PATH only when complete.
 *
 * Functions that can fail return NULL, false or -1; gguf_last_error() then
 * says what went wrong (per thread). Running out of memory is such a
 * failure: no C++ exception leaves a function of this header.
 *
 *   struct gguf_context *f = gguf_open("model.gguf");
 *   uint64_t n_layer;
 *   if (gguf_get_uint(f, "llama.block_count", &n_layer) == 1) ...
 *   struct gguf_tensor_info t;
 *   gguf_get_tensor(f, gguf_find_tensor(f, "token_embd.weight"), &t);
 *   gguf_close(f);
 */
#ifndef GGUF_H
#define GGUF_H

#include "ggml.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Marks the functions of this API: the shared library is built with hidden
 * visibility and exports these alone. */
#if defined(__GNUC__)
#define GGUF_API __attribute__((visibility("default")))
#else
#define GGUF_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* The types of metadata values, as a file numbers them. */
enum gguf_value_type {
    GGUF_TYPE_UINT8 = 0,
    GGUF_TYPE_INT8 = 1,
    GGUF_TYPE_UINT16 = 2,
    GGUF_TYPE_INT16 = 3,
    GGUF_TYPE_UINT32 = 4,
    GGUF_TYPE_INT32 = 5,
    GGUF_TYPE_FLOAT32 = 6,
    GGUF_TYPE_BOOL = 7,
    GGUF_TYPE_STRING = 8,
    GGUF_TYPE_ARRAY = 9,
    GGUF_TYPE_UINT64 = 10,
    GGUF_TYPE_INT64 = 11,
    GGUF_TYPE_FLOAT64 = 12,
};

/* What went wrong in this thread's last failed call (never NULL). */
GGUF_API const char *gguf_last_error(void);

/* "UINT32", "STRING", ...; "unknown" for other numbers. */
GGUF_API const char *gguf_type_name(enum gguf_value_type type);

/* ---------------------------------------------------------------- reading */

struct gguf_context;

/* Maps and checks a file; NULL (see gguf_last_error) when it cannot be read
 * or is not a valid GGUF v3 file. */
GGUF_API struct gguf_context *gguf_open(const char *path);
GGUF_API void gguf_close(struct gguf_context *ctx);

GGUF_API uint32_t gguf_version(const struct gguf_context *ctx);
/* Of the tensor data: 32, or the file's general.alignment. */
GGUF_API uint32_t gguf_alignment(const struct gguf_context *ctx);
/* Where the data section starts in the file (tensor offsets count from it). */
GGUF_API uint64_t gguf_data_offset(const struct gguf_context *ctx);

/* Metadata entries in file order: their number, and the i-th's key and type
 * (0 <= i < gguf_n_kv; for another i, NULL and GGUF_TYPE_UINT8). */
GGUF_API int64_t gguf_n_kv(const struct gguf_context *ctx);
GGUF_API const char *gguf_key(const struct gguf_context *ctx, int64_t i);
GGUF_API enum gguf_value_type gguf_kv_type(const struct gguf_context *ctx, int64_t i);
/* The index of a key; -1 when the file does not have it. */
GGUF_API int64_t gguf_find_key(const struct gguf_context *ctx, const char *key);

/* Typed reads of a key's value. Each returns 1 and sets *out when the key is
 * there with a fitting type, 0 when the key is absent (*out untouched), and
 * -1 (see gguf_last_error, which names the file and the key) when it has
 * another type. gguf_get_uint takes every integer type (a negative value is
 * -1), gguf_get_float FLOAT32 and FLOAT64. A string is valid while the file
 * is open; it is not NUL-terminated inside arrays, so its length comes with
 * it. */
GGUF_API int gguf_get_uint(const struct gguf_context *ctx, const char *key, uint64_t *out);
GGUF_API int gguf_get_float(const struct gguf_context *ctx, const char *key, double *out);
GGUF_API int gguf_get_bool(const struct gguf_context *ctx, const char *key, bool *out);
GGUF_API int gguf_get_string(const struct gguf_context *ctx, const char *key, const char **out,
                             uint64_t *len);

/* One array element, widened: the field its type names is set (UINT* u,
 * INT* i, FLOAT* f, BOOL b, STRING s and s_len). */
struct gguf_element {
    enum gguf_value_type type;
    uint64_t u;
    int64_t i;
    double f;
    bool b;
    const char *s;
    uint64_t s_len;
};

/* An array key: 1 and its length in *n when it is an array of elem_type, 0
 * when absent, -1 (see gguf_last_error) otherwise. */
GGUF_API int gguf_get_array(const struct gguf_context *ctx, const char *key,
                            enum gguf_value_type elem_type, uint64_t *n);
/* Element i of an array key; false (see gguf_last_error) when the key is
 * not an array or i is out of range. */
GGUF_API bool gguf_get_element(const struct gguf_context *ctx, const char *key, uint64_t i,
                               struct gguf_element *out);

/* A tensor's description; data points into the mapped file. */
struct gguf_tensor_info {
    const char *name;
    enum ggml_type type;
    int32_t n_dims;
    int64_t ne[GGML_MAX_DIMS]; /* unused dimensions are 1 */
    uint64_t offset;           /* from the start of the data section */
    uint64_t size;             /* bytes */
    const void *data;
};

GGUF_API int64_t gguf_n_tensors(const struct gguf_context *ctx);
/* The index of a tensor; -1 when the file does not have it. */
GGUF_API int64_t gguf_find_tensor(const struct gguf_context *ctx, const char *name);
/* The i-th tensor (0 <= i < gguf_n_tensors); false for another i. */
GGUF_API bool gguf_get_tensor(const struct gguf_context *ctx, int64_t i,
                              struct gguf_tensor_info *out);

/* ---------------------------------------------------------------- writing */

struct gguf_builder;

/* NULL when out of memory. */
GGUF_API struct gguf_builder *gguf_builder_new(void);
GGUF_API void gguf_builder_free(struct gguf_builder *b);

/* Metadata, written in the order first set; setting a key again replaces
 * its value in place. False only when memory runs out. */
GGUF_API bool gguf_set_u32(struct gguf_builder *b, const char *key, uint32_t v);
GGUF_API bool gguf_set_i32(struct gguf_builder *b, const char *key, int32_t v);
GGUF_API bool gguf_set_f32(struct gguf_builder *b, const char *key, float v);
GGUF_API bool gguf_set_bool(struct gguf_builder *b, const char *key, bool v);
GGUF_API bool gguf_set_string(struct gguf_builder *b, const char *key, const char *v);
GGUF_API bool gguf_set_strings(struct gguf_builder *b, const char *key, const char *const *v,
                               size_t n);
GGUF_API bool gguf_set_f32s(struct gguf_builder *b, const char *key, const float *v, size_t n);
GGUF_API bool gguf_set_i32s(struct gguf_builder *b, const char *key, const int32_t *v, size_t n);

/* A tensor whose data (ggml_row_size(type, ne[0]) times the other
 * dimensions) is copied now. Names, shapes and types are checked by
 * gguf_write. False only when memory runs out. */
GGUF_API bool gguf_add_tensor(struct gguf_builder *b, const char *name, enum ggml_type type,
                              int32_t n_dims, const int64_t *ne, const void *data);
/* A tensor whose data fill(dst, user) writes into a buffer of its size
 * while gguf_write runs, so large tensors never all sit in memory. */
GGUF_API bool gguf_add_tensor_fill(struct gguf_builder *b, const char *name, enum ggml_type type,
                                   int32_t n_dims, const int64_t *ne,
                                   void (*fill)(void *dst, void *user), void *user);

/* Checks everything, writes PATH.tmp and renames it to path. False (see
 * gguf_last_error) when something is invalid or the file cannot be
 * written; path is then untouched and no PATH.tmp is left. */
GGUF_API bool gguf_write(const struct gguf_builder *b, const char *path);

#ifdef __cplusplus
}
#endif

#endif /* GGUF_H */
