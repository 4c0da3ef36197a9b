/* The tensor library on its own, from C: a 2 x 3 weight matrix times two
 * input rows (ggml's mul_mat: result = W . x per row), planned and computed
 * on 2 threads. Prints the 4 results: 14 32 32 77. */
#include <ggml.h>

#include <stdio.h>

int main(void) {
    struct ggml_init_params params = {1 << 20, NULL, false};
    struct ggml_context *ctx = ggml_init(params);
    if (!ctx) return 1;
    struct ggml_tensor *w = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 3, 2);
    struct ggml_tensor *x = ggml_new_tensor_2d(ctx, GGML_TYPE_F32, 3, 2);
    const float wv[6] = {1, 2, 3, 4, 5, 6}, xv[6] = {1, 2, 3, 4, 5, 6};
    for (int i = 0; i < 6; i++) {
        ((float *)w->data)[i] = wv[i];
        ((float *)x->data)[i] = xv[i];
    }
    struct ggml_tensor *y = ggml_mul_mat(ctx, w, x);
    struct ggml_cgraph *graph = ggml_new_graph(ctx);
    ggml_build_forward_expand(graph, y);
    struct ggml_planner *planner = ggml_planner_new(true);
    struct ggml_threadpool *pool = ggml_threadpool_new(2);
    if (!ggml_planner_alloc_graph(planner, graph)) return 1;
    ggml_graph_compute(graph, pool);
    for (int i = 0; i < 4; i++) printf("%s%g", i ? " " : "", ((const float *)y->data)[i]);
    printf("\n");
    ggml_threadpool_free(pool);
    ggml_planner_free(planner);
    ggml_free(ctx);
    return 0;
}
