// gguf.h's reading functions, over gguf_file (gguf_file.h).
#include "gguf.h"
#include "gguf_c_api.h"
#include "gguf_file.h"

#include <memory>

struct gguf_context {
    std::unique_ptr<llama::gguf_file> file;
};

using llama::gguf_call;

namespace {

// The result of a typed getter as gguf.h returns it: 1 with the value, 0
// when absent, -1 with the error.
template <typename T, typename Set>
int result(const std::optional<T> &v, const std::string &error, Set set) {
    if (!error.empty()) {
        llama::gguf_error().set(error);
        return -1;
    }
    if (!v) return 0;
    set(*v);
    return 1;
}

bool in_range(int64_t i, size_t n) { return i >= 0 && uint64_t(i) < n; }

} // namespace

gguf_context *gguf_open(const char *path) {
    return gguf_call("gguf_open", static_cast<gguf_context *>(nullptr), [&]() -> gguf_context * {
        std::string error = "gguf_open: no path";
        std::unique_ptr<llama::gguf_file> f = path ? llama::gguf_file::open(path, &error) : nullptr;
        if (!f) {
            llama::gguf_error().set(error);
            return nullptr;
        }
        return new gguf_context{std::move(f)};
    });
}

void gguf_close(gguf_context *ctx) { delete ctx; }

uint32_t gguf_version(const gguf_context *ctx) { return ctx->file->version(); }
uint32_t gguf_alignment(const gguf_context *ctx) { return ctx->file->alignment(); }
uint64_t gguf_data_offset(const gguf_context *ctx) { return ctx->file->data_offset(); }

int64_t gguf_n_kv(const gguf_context *ctx) { return int64_t(ctx->file->metadata().size()); }

const char *gguf_key(const gguf_context *ctx, int64_t i) {
    const auto &kvs = ctx->file->metadata();
    return in_range(i, kvs.size()) ? kvs[size_t(i)].key.c_str() : nullptr;
}

gguf_value_type gguf_kv_type(const gguf_context *ctx, int64_t i) {
    const auto &kvs = ctx->file->metadata();
    return in_range(i, kvs.size()) ? gguf_value_type(kvs[size_t(i)].value.type) : GGUF_TYPE_UINT8;
}

int64_t gguf_find_key(const gguf_context *ctx, const char *key) {
    const auto &kvs = ctx->file->metadata();
    const llama::gguf_value *v = ctx->file->find(key);
    for (size_t i = 0; v && i < kvs.size(); i++)
        if (&kvs[i].value == v) return int64_t(i);
    return -1;
}

int gguf_get_uint(const gguf_context *ctx, const char *key, uint64_t *out) {
    return gguf_call("gguf_get_uint", -1, [&] {
        std::string error;
        return result(llama::gguf_get_uint(*ctx->file, key, &error), error,
                      [&](uint64_t v) { *out = v; });
    });
}

int gguf_get_float(const gguf_context *ctx, const char *key, double *out) {
    return gguf_call("gguf_get_float", -1, [&] {
        std::string error;
        return result(llama::gguf_get_float(*ctx->file, key, &error), error,
                      [&](double v) { *out = v; });
    });
}

int gguf_get_bool(const gguf_context *ctx, const char *key, bool *out) {
    return gguf_call("gguf_get_bool", -1, [&] {
        std::string error;
        return result(llama::gguf_get_bool(*ctx->file, key, &error), error,
                      [&](bool v) { *out = v; });
    });
}

int gguf_get_string(const gguf_context *ctx, const char *key, const char **out, uint64_t *len) {
    return gguf_call("gguf_get_string", -1, [&] {
        std::string error;
        // the file's own string, not the getter's copy, so that it outlives the call
        const llama::gguf_value *v = ctx->file->find(key);
        return result(llama::gguf_get_string(*ctx->file, key, &error), error,
                      [&](const std::string &) {
                          const std::string &s = std::get<std::string>(v->v);
                          *out = s.c_str();
                          *len = s.size();
                      });
    });
}

int gguf_get_array(const gguf_context *ctx, const char *key, gguf_value_type elem_type,
                   uint64_t *n) {
    return gguf_call("gguf_get_array", -1, [&] {
        std::string error;
        const llama::gguf_array *a =
            llama::gguf_get_array(*ctx->file, key, llama::gguf_type(elem_type), &error);
        if (!error.empty()) {
            llama::gguf_error().set(error);
            return -1;
        }
        if (!a) return 0;
        *n = a->values.size();
        return 1;
    });
}

bool gguf_get_element(const gguf_context *ctx, const char *key, uint64_t i, gguf_element *out) {
    return gguf_call("gguf_get_element", false, [&] {
        const llama::gguf_value *v = ctx->file->find(key);
        const auto *a = v ? std::get_if<llama::gguf_array>(&v->v) : nullptr;
        if (!a || i >= a->values.size()) {
            llama::gguf_error().set(
                ctx->file->path() + ": key '" + key + "' " +
                (a ? "has no element " + std::to_string(i) : std::string("is not an array")));
            return false;
        }
        *out = gguf_element{gguf_value_type(a->elem_type), 0, 0, 0.0, false, nullptr, 0};
        if (a->elem_type == llama::gguf_type::STRING) {
            const std::string_view s = a->values.string_at(size_t(i));
            out->s = s.data();
            out->s_len = s.size();
            return true;
        }
        const llama::gguf_scalar x = a->values[size_t(i)];
        if (const auto *u = std::get_if<uint64_t>(&x)) out->u = *u;
        if (const auto *s = std::get_if<int64_t>(&x)) out->i = *s;
        if (const auto *f = std::get_if<double>(&x)) out->f = *f;
        if (const auto *b = std::get_if<bool>(&x)) out->b = *b;
        return true;
    });
}

int64_t gguf_n_tensors(const gguf_context *ctx) { return int64_t(ctx->file->tensors().size()); }

int64_t gguf_find_tensor(const gguf_context *ctx, const char *name) {
    const llama::gguf_tensor *t = ctx->file->find_tensor(name);
    return t ? int64_t(t - ctx->file->tensors().data()) : -1;
}

bool gguf_get_tensor(const gguf_context *ctx, int64_t i, gguf_tensor_info *out) {
    const auto &tensors = ctx->file->tensors();
    if (!in_range(i, tensors.size())) return false;
    const llama::gguf_tensor &t = tensors[size_t(i)];
    *out = gguf_tensor_info{t.name.c_str(), t.type, t.n_dims, {}, t.offset, t.size, t.data};
    for (int d = 0; d < GGML_MAX_DIMS; d++) out->ne[d] = t.ne[d];
    return true;
}
