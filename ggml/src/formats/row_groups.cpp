// Packing rows into groups and back (the layout is described in
// row_groups.h), the scalar level's gemm over groups, and ggml_repack_rows.
#include "formats/row_groups.h"

#include "formats/scratch.h"
#include "internal.h"

#include <cstring>
#include <memory>
#include <new>

namespace ggml {

namespace {

// Where one field of a block lies, in the block and in a group block.
struct field_span {
    size_t block_offset; // in a block
    size_t group_offset; // of row 0's copy in a group block
    size_t size;
};

// The header fields of a format's blocks, in block order, with the payload's
// place in a group block after them.
struct header_map {
    field_span fields[4];
    int n_fields = 0;
    size_t payload_group_offset = 0; // 8 * the header's bytes
};

header_map map_header(const format_traits &t) {
    const group_layout &g = t.group;
    GGML_ASSERT(g.payload_size > 0 && g.payload_size % 4 == 0, "%s has no grouped layout", t.name);
    header_map m;
    size_t offset = 0, group_offset = 0;
    for (uint8_t size : g.field_size) {
        if (size == 0) break;
        if (offset == g.payload_offset) offset += g.payload_size; // fields after the payload
        m.fields[m.n_fields++] = {offset, group_offset, size};
        offset += size;
        group_offset += size_t(ROW_GROUP) * size;
    }
    GGML_ASSERT(offset + (offset <= g.payload_offset ? g.payload_size : 0) == t.type_size,
                "%s: the group layout does not cover its %zu-byte blocks", t.name, t.type_size);
    m.payload_group_offset = group_offset;
    return m;
}

} // namespace

void pack_group(const format_traits &t, const char *rows, size_t row_bytes, int64_t nb,
                char *group) {
    const header_map m = map_header(t);
    const size_t bsize = t.type_size, units = t.group.payload_size / 4;
    for (int64_t b = 0; b < nb; b++) {
        char *out = group + size_t(b) * ROW_GROUP * bsize;
        for (int r = 0; r < ROW_GROUP; r++) {
            const char *blk = rows + size_t(r) * row_bytes + size_t(b) * bsize;
            for (int f = 0; f < m.n_fields; f++) {
                const field_span &fs = m.fields[f];
                std::memcpy(out + fs.group_offset + r * fs.size, blk + fs.block_offset, fs.size);
            }
            const char *payload = blk + t.group.payload_offset;
            for (size_t u = 0; u < units; u++)
                std::memcpy(out + m.payload_group_offset + (u * ROW_GROUP + size_t(r)) * 4,
                            payload + u * 4, 4);
        }
    }
}

void unpack_row(const format_traits &t, const char *group, int r, int64_t nb, char *row) {
    const header_map m = map_header(t);
    const size_t bsize = t.type_size, units = t.group.payload_size / 4;
    for (int64_t b = 0; b < nb; b++) {
        const char *in = group + size_t(b) * ROW_GROUP * bsize;
        char *blk = row + size_t(b) * bsize;
        for (int f = 0; f < m.n_fields; f++) {
            const field_span &fs = m.fields[f];
            std::memcpy(blk + fs.block_offset, in + fs.group_offset + r * fs.size, fs.size);
        }
        char *payload = blk + t.group.payload_offset;
        for (size_t u = 0; u < units; u++)
            std::memcpy(payload + u * 4,
                        in + m.payload_group_offset + (u * ROW_GROUP + size_t(r)) * 4, 4);
    }
}

void gemm_by_rows(const format_traits &t, int64_t n, float *s, size_t bs, const void *x, size_t bx,
                  int ng, const void *y, size_t by, int ny) {
    const int64_t nb = n / t.blck_size;
    char *row = static_cast<char *>(kernel_scratch(size_t(nb) * t.type_size));
    const vec_dot_fn dot = t.kernels[GGML_CPU_SCALAR]->vec_dot;
    for (int g = 0; g < ng; g++) {
        for (int r = 0; r < ROW_GROUP; r++) {
            unpack_row(t, static_cast<const char *>(x) + size_t(g) * bx, r, nb, row);
            for (int j = 0; j < ny; j++)
                dot(n, s + size_t(j) * bs + size_t(g * ROW_GROUP + r), row,
                    static_cast<const char *>(y) + size_t(j) * by);
        }
    }
}

} // namespace ggml

bool ggml_can_repack_rows(const ggml_tensor *t) {
    return ggml::traits_of(t->type).group.payload_size != 0 && t->view_src == nullptr &&
           t->data != nullptr && t->ne[1] >= ggml::ROW_GROUP && t->ne[2] == 1 && t->ne[3] == 1 &&
           ggml_is_contiguous(t) && !(t->flags & GGML_TENSOR_FLAG_ROW_GROUPS);
}

bool ggml_repack_rows(ggml_tensor *t) {
    if (!ggml_can_repack_rows(t)) return false;
    const ggml::format_traits &traits = ggml::traits_of(t->type);
    const int64_t nb = t->ne[0] / traits.blck_size;
    const size_t group_bytes = size_t(ggml::ROW_GROUP) * t->nb[1];
    std::unique_ptr<char[]> group(new (std::nothrow) char[group_bytes]);
    if (!group) return false;
    for (int64_t r = 0; r + ggml::ROW_GROUP <= t->ne[1]; r += ggml::ROW_GROUP) {
        char *rows = static_cast<char *>(t->data) + size_t(r) * t->nb[1];
        ggml::pack_group(traits, rows, t->nb[1], nb, group.get());
        std::memcpy(rows, group.get(), group_bytes);
    }
    t->flags |= GGML_TENSOR_FLAG_ROW_GROUPS;
    return true;
}
