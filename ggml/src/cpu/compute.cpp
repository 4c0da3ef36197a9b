// Runs a planned graph: every thread walks the nodes in order; a node's work
// is cut into chunks (a few per thread, one per thread for a small node)
// that threads claim one at a time, and a thread goes on to the next node
// once every chunk of this one is done. A thread the system does not let
// run holds up no node (the others take its chunks), only the end of the
// graph.
#include "cpu/ops.h"
#include "graph.h"
#include "threadpool.h"

#include <atomic>
#include <new>
#include <vector>

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
    case GGML_OP_STORE_KEYS: return forward_store_keys;
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
    case GGML_OP_HADAMARD: return forward_hadamard;
    case GGML_OP_MUL_MAT: return forward_mul_mat;
    case GGML_OP_ATTENTION: return forward_attention;
    case GGML_OP_COUNT: break;
    }
    GGML_ASSERT(false, "unknown op %d", int(op));
}

// How far the threads are with one node.
struct node_progress {
    alignas(64) std::atomic<int> next{0};      // the next chunk to claim
    alignas(64) std::atomic<uint32_t> done{0}; // chunks finished
};

// Chunks per thread: enough that threads finishing early find work left.
constexpr int CHUNKS_PER_THREAD = 4;

// A node that reads and writes less than this is cut into one chunk per
// thread: its work takes microseconds, and claiming and counting a chunk
// (atomic operations on lines the threads pass between them) costs more
// than the balance of more chunks buys. Token generation, 2 threads, Xeon:
// 15M Q4_0 3405 -> 4318 t/s, 110M Q4_0 768 -> 818.
constexpr size_t SMALL_NODE_BYTES = size_t(256) << 10;

// Bytes a node reads and writes.
size_t node_bytes(const ggml_tensor *node) {
    size_t bytes = ggml_nbytes(node);
    for (const ggml_tensor *src : node->src)
        if (src) bytes += ggml_nbytes(src);
    return bytes;
}

// The chunks a node is cut into.
int chunks_of(const ggml_tensor *node, int n_threads) {
    if (n_threads == 1) return 1;
    return node_bytes(node) < SMALL_NODE_BYTES ? n_threads : n_threads * CHUNKS_PER_THREAD;
}

struct graph_job {
    ggml_cgraph *graph;
    ggml_threadpool *pool;
    int n_threads;
    std::vector<node_progress> progress; // one per node
    std::atomic<bool> failed{false};     // a kernel's scratch memory could not be allocated
};

void run_graph(void *arg, int) {
    auto *job = static_cast<graph_job *>(arg);
    for (int i = 0; i < job->graph->n_nodes; i++) {
        ggml_tensor *node = job->graph->nodes[i];
        const forward_fn forward = forward_of(node->op);
        if (!forward) continue;
        const int n_chunks = chunks_of(node, job->n_threads);
        node_progress &np = job->progress[size_t(i)];
        // chunk c is what split_rows gives "thread" c of n_chunks; after a
        // failure chunks are still claimed and counted, so that no thread
        // waits for one that will never be done
        for (int c; (c = np.next.fetch_add(1, std::memory_order_relaxed)) < n_chunks;) {
            if (!job->failed.load(std::memory_order_relaxed)) {
                try {
                    forward({c, n_chunks}, node);
                } catch (const std::bad_alloc &) {
                    job->failed.store(true, std::memory_order_relaxed);
                }
            }
            if (np.done.fetch_add(1, std::memory_order_seq_cst) + 1 == uint32_t(n_chunks) &&
                job->pool)
                job->pool->wake(np.done);
        }
        if (job->pool) job->pool->wait_for(np.done, uint32_t(n_chunks));
    }
}

} // namespace

} // namespace ggml::cpu

bool ggml_graph_compute(ggml_cgraph *graph, ggml_threadpool *pool) {
    ggml::ensure_kernels_selected();
    for (int i = 0; i < graph->n_nodes; i++)
        GGML_ASSERT(graph->nodes[i]->data != nullptr || ggml_nelements(graph->nodes[i]) == 0,
                    "node '%s' has no memory: plan the graph first", graph->nodes[i]->name);
    const int n_threads = pool ? pool->n_threads() : 1;
    std::vector<ggml::cpu::node_progress> progress;
    try {
        progress = std::vector<ggml::cpu::node_progress>(size_t(graph->n_nodes));
    } catch (const std::bad_alloc &) {
        return false;
    }
    ggml::cpu::graph_job job{graph, pool, n_threads, std::move(progress)};
    if (pool)
        pool->run(ggml::cpu::run_graph, &job);
    else
        ggml::cpu::run_graph(&job, 0);
    return !job.failed.load(std::memory_order_relaxed);
}
