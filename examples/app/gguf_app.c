/* The GGUF library on its own, from C: gguf_c MODEL prints the model's
 * architecture, layer count and tensor count, then writes a copy of its
 * first tensor to a new file and reads that back: "llama 5 47 ok". */
#include <gguf.h>

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL OUT\n", argv[0]);
        return 1;
    }
    struct gguf_context *f = gguf_open(argv[1]);
    const char *arch = NULL;
    uint64_t arch_len = 0, n_layer = 0;
    struct gguf_tensor_info t;
    if (!f || gguf_get_string(f, "general.architecture", &arch, &arch_len) != 1 ||
        gguf_get_uint(f, "llama.block_count", &n_layer) != 1 || !gguf_get_tensor(f, 0, &t)) {
        fprintf(stderr, "%s\n", gguf_last_error());
        return 1;
    }
    printf("%.*s %llu %lld", (int)arch_len, arch, (unsigned long long)n_layer,
           (long long)gguf_n_tensors(f));

    struct gguf_builder *b = gguf_builder_new();
    if (!b || !gguf_set_string(b, "general.architecture", "copy") ||
        !gguf_add_tensor(b, t.name, t.type, t.n_dims, t.ne, t.data) || !gguf_write(b, argv[2])) {
        fprintf(stderr, "%s\n", gguf_last_error());
        return 1;
    }
    gguf_builder_free(b);
    struct gguf_context *copy = gguf_open(argv[2]);
    struct gguf_tensor_info c;
    const int same = copy && gguf_get_tensor(copy, 0, &c) && c.size == t.size &&
                     memcmp(c.data, t.data, (size_t)t.size) == 0;
    printf(" %s\n", same ? "ok" : "differs");
    gguf_close(copy);
    gguf_close(f);
    return same ? 0 : 1;
}
