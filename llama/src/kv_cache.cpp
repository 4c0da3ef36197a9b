#include "kv_cache.h"

#include "system_memory.h"

#include <cstring>
#include <optional>

namespace llama {

namespace {

constexpr uint64_t MIB = 1 << 20;

// Key blocks that hold n_ctx positions.
uint64_t key_blocks(uint32_t n_ctx) {
    return (uint64_t(n_ctx) + GGML_KEY_BLOCK - 1) / GGML_KEY_BLOCK;
}

// Bytes of the cache's arena, or nullopt when they overflow 64 bits.
std::optional<uint64_t> cache_bytes(const hparams &hp, uint32_t n_ctx, ggml_type type) {
    uint64_t per_tensor = 0, per_layer = 0, total = 0;
    // both tensors counted at the keys' positions (whole blocks, n_ctx or
    // up to 15 more): the values' an upper bound
    const uint64_t positions = key_blocks(n_ctx) * GGML_KEY_BLOCK;
    if (__builtin_mul_overflow(uint64_t(hp.n_embd_kv()) * positions, ggml_type_size(type),
                               &per_tensor) ||
        __builtin_add_overflow(2 * per_tensor, 2 * ggml_tensor_overhead() + 128, &per_layer) ||
        __builtin_mul_overflow(per_layer, uint64_t(hp.n_layer), &total) || total > SIZE_MAX)
        return std::nullopt;
    return total;
}

} // namespace

bool kv_cache::init(const hparams &hp, uint32_t n_ctx_, ggml_type type, std::string *error) {
    n_ctx = n_ctx_;
    const std::optional<uint64_t> bytes = cache_bytes(hp, n_ctx, type);
    const std::string what = "a KV cache of " + std::to_string(n_ctx) + " positions";
    if (!bytes) {
        *error = what + " is larger than memory can be";
        return false;
    }
    // with overcommit the allocation would succeed and the memset below be
    // killed by the kernel
    if (const std::optional<uint64_t> room = available_memory(); room && *bytes > *room) {
        *error = what + " needs " + std::to_string(*bytes / MIB) + " MiB, but only " +
                 std::to_string(*room / MIB) + " MiB of memory are available";
        return false;
    }
    ctx = ggml_init({size_t(*bytes), nullptr, false});
    if (!ctx) {
        *error = "cannot allocate " + std::to_string(*bytes / MIB) + " MiB for " + what;
        return false;
    }
    for (int il = 0; il < hp.n_layer; il++) {
        k.push_back(ggml_format_name(ggml_new_tensor_4d(ctx, type, GGML_KEY_BLOCK, hp.head_dim(),
                                                        hp.n_head_kv, int64_t(key_blocks(n_ctx))),
                                     "cache_k.%d", il));
        v.push_back(ggml_format_name(ggml_new_tensor_2d(ctx, type, hp.n_embd_kv(), n_ctx),
                                     "cache_v.%d", il));
        // (attention never reads a position not yet written; zeros keep a
        // dump of the cache deterministic)
        std::memset(k.back()->data, 0, ggml_nbytes(k.back()));
        std::memset(v.back()->data, 0, ggml_nbytes(v.back()));
    }
    n_past = 0;
    return true;
}

} // namespace llama
