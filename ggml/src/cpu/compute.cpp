// Runs a planned graph: every thread walks the nodes in order, computes its
// rows of each, and meets the others at a barrier before the next node.
#include "cpu/ops.h"
#include "graph.h"
#include "threadpool.h"

namespace ggml::cpu {

namespace {

using forward_fn = void (*)(const compute_params &, ggml_tensor *);

// Null for the ops that only reinterpret memory.
forward_fn forward_of(ggml_op op) {
    switch (op) {
    case GGML_OP_NONE:
    case GGML_OP_VIEW:
    case GGML_OP_RESHAPE:
    case GGML_OP_PERMUTE:
    case GGML_OP_TRANSPOSE: return nullptr;
    case GGML_OP_CPY:
    case GGML_OP_CONT: return forward_copy;
    case GGML_OP_QUANTIZE: return forward_quantize;
    case GGML_OP_ADD: return forward_add;
    case GGML_OP_MUL: return forward_mul;
    case GGML_OP_SCALE: return forward_scale;
    case GGML_OP_SILU: return forward_silu;
    case GGML_OP_SWIGLU: return forward_swiglu;
    case GGML_OP_RMS_NORM: return forward_rms_norm;
    case GGML_OP_ROPE: return forward_rope;
    case GGML_OP_SOFT_MAX: return forward_soft_max;
    case GGML_OP_GET_ROWS: return forward_get_rows;
    case GGML_OP_GET_COLS: return forward_get_cols;
    case GGML_OP_MUL_MAT: return forward_mul_mat;
    case GGML_OP_ATTENTION: return forward_attention;
    case GGML_OP_COUNT: break;
    }
    GGML_ASSERT(false, "unknown op %d", int(op));
}

struct graph_job {
    ggml_cgraph *graph;
    ggml_threadpool *pool;
    int nth;
};

void run_graph(void *arg, int ith) {
    auto *job = static_cast<graph_job *>(arg);
    const compute_params params{ith, job->nth};
    bool pending = false; // a node ran since the last barrier
    for (int i = 0; i < job->graph->n_nodes; i++) {
        ggml_tensor *node = job->graph->nodes[i];
        const forward_fn forward = forward_of(node->op);
        if (!forward) continue;
        if (pending && job->pool) job->pool->barrier();
        forward(params, node);
        pending = true;
    }
}

} // namespace

} // namespace ggml::cpu

void ggml_graph_compute(ggml_cgraph *graph, ggml_threadpool *pool) {
    ggml::ensure_kernels_selected();
    for (int i = 0; i < graph->n_nodes; i++)
        GGML_ASSERT(graph->nodes[i]->data != nullptr || ggml_nelements(graph->nodes[i]) == 0,
                    "node '%s' has no memory: plan the graph first", graph->nodes[i]->name);
    ggml::cpu::graph_job job{graph, pool, pool ? pool->n_threads() : 1};
    if (pool)
        pool->run(ggml::cpu::run_graph, &job);
    else
        ggml::cpu::run_graph(&job, 0);
}
