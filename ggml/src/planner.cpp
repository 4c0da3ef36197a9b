// Memory planner: places every result of a graph in one buffer. Walking the
// nodes in order, a result gets a place before its op runs; with reuse, the
// place is handed back once the result's last reader has run, and best-fit
// placement lets later results take it.
#include "graph.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <vector>

struct ggml_planner {
    bool reuse;
    void *buffer = nullptr;
    size_t buffer_bytes = 0;
    size_t graph_bytes = 0;
};

namespace {

// Free space of a growing buffer: free blocks sorted by offset, merged when
// they touch, plus the untouched space above `end`.
class free_space {
  public:
    size_t allocate(size_t size) {
        auto best = blocks_.end();
        for (auto it = blocks_.begin(); it != blocks_.end(); ++it)
            if (it->size >= size && (best == blocks_.end() || it->size < best->size)) best = it;
        if (best == blocks_.end()) {
            // the last free block may end at `end`: grow it rather than waste it
            if (!blocks_.empty() && blocks_.back().offset + blocks_.back().size == end_) {
                const size_t offset = blocks_.back().offset;
                blocks_.pop_back();
                end_ = offset + size;
                return offset;
            }
            const size_t offset = end_;
            end_ += size;
            return offset;
        }
        const size_t offset = best->offset;
        best->offset += size;
        best->size -= size;
        if (best->size == 0) blocks_.erase(best);
        return offset;
    }

    void release(size_t offset, size_t size) {
        auto it = std::lower_bound(blocks_.begin(), blocks_.end(), offset,
                                   [](const block &b, size_t off) { return b.offset < off; });
        it = blocks_.insert(it, block{offset, size});
        if (auto next = it + 1; next != blocks_.end() && it->offset + it->size == next->offset) {
            it->size += next->size;
            blocks_.erase(next);
        }
        if (it != blocks_.begin()) {
            auto prev = it - 1;
            if (prev->offset + prev->size == it->offset) {
                prev->size += it->size;
                blocks_.erase(it);
            }
        }
    }

    size_t end() const { return end_; }

  private:
    struct block {
        size_t offset, size;
    };
    std::vector<block> blocks_;
    size_t end_ = 0;
};

ggml_tensor *root_of(ggml_tensor *t) { return t->view_src ? t->view_src : t; }

bool is_input_leaf(const ggml_tensor *t) {
    return t->op == GGML_OP_NONE && (t->flags & GGML_TENSOR_FLAG_INPUT);
}

// The planner owns the memory of every op result that is not a view, and of
// every input leaf.
bool planner_owns(const ggml_tensor *t) {
    return (t->op != GGML_OP_NONE && !t->view_src) || is_input_leaf(t);
}

size_t placed_size(const ggml_tensor *t) {
    return ggml::align_up(ggml_nbytes(t), ggml::TENSOR_ALIGNMENT);
}

} // namespace

ggml_planner *ggml_planner_new(bool reuse) {
    auto *p = new (std::nothrow) ggml_planner{};
    if (p) p->reuse = reuse;
    return p;
}

void ggml_planner_free(ggml_planner *planner) {
    if (!planner) return;
    std::free(planner->buffer);
    delete planner;
}

namespace {

bool alloc_graph(ggml_planner *planner, ggml_cgraph *g) {
    for (int i = 0; i < g->n_leafs; i++) {
        const ggml_tensor *leaf = g->leafs[i];
        if (!leaf->data && !is_input_leaf(leaf)) {
            std::fprintf(stderr, "ggml: tensor '%s' has no data and is not an input\n", leaf->name);
            return false;
        }
    }

    // Last node that reads each planner-owned tensor (directly or through a
    // view). Tensors nobody reads are the graph's results: they are kept, as
    // are tensors flagged as outputs, and so are the roots of views that are
    // results (flagged, or read by nobody).
    // (Arrays indexed by the tensors' slots in the graph's hash set.)
    constexpr int unread = -1, released = -2;
    std::vector<int> last_use(g->hash_size, unread);
    std::vector<bool> read(g->hash_size, false), result_root(g->hash_size, false);
    for (int i = 0; i < g->n_nodes; i++) {
        ggml_tensor *node = g->nodes[i];
        for (ggml_tensor *src : node->src) {
            if (!src) continue;
            last_use[graph_slot(g, root_of(src))] = i;
            read[graph_slot(g, src)] = true;
        }
        if (node->view_src) {
            last_use[graph_slot(g, node->view_src)] = i;
            read[graph_slot(g, node->view_src)] = true;
        }
    }
    for (int i = 0; i < g->n_nodes; i++) {
        ggml_tensor *node = g->nodes[i];
        if (node->view_src &&
            ((node->flags & GGML_TENSOR_FLAG_OUTPUT) || !read[graph_slot(g, node)]))
            result_root[graph_slot(g, root_of(node))] = true;
    }
    auto kept = [&](const ggml_tensor *t) {
        const size_t s = graph_slot(g, t);
        return !planner->reuse || (t->flags & GGML_TENSOR_FLAG_OUTPUT) || last_use[s] == unread ||
               result_root[s];
    };

    free_space space;
    std::vector<size_t> offset(g->hash_size);
    std::vector<ggml_tensor *> placed;
    auto place = [&](ggml_tensor *t) {
        offset[graph_slot(g, t)] = space.allocate(placed_size(t));
        placed.push_back(t);
    };
    for (int i = 0; i < g->n_leafs; i++)
        if (is_input_leaf(g->leafs[i])) place(g->leafs[i]);
    for (int i = 0; i < g->n_nodes; i++) {
        ggml_tensor *node = g->nodes[i];
        if (planner_owns(node)) place(node);
        // hand back what this node was the last to read
        for (int s = 0; s < GGML_MAX_SRC + 1; s++) {
            ggml_tensor *t = s < GGML_MAX_SRC ? node->src[s] : node->view_src;
            if (!t) continue;
            t = root_of(t);
            const size_t slot = graph_slot(g, t);
            if (last_use[slot] != i || !planner_owns(t) || kept(t)) continue;
            space.release(offset[slot], placed_size(t));
            last_use[slot] = released; // once, even when this node reads it twice
        }
    }

    const size_t needed = space.end();
    if (needed > planner->buffer_bytes) {
        void *buffer = std::aligned_alloc(ggml::TENSOR_ALIGNMENT, needed);
        if (!buffer) {
            std::fprintf(stderr, "ggml: cannot allocate %zu bytes for the graph\n", needed);
            return false;
        }
        std::free(planner->buffer);
        planner->buffer = buffer;
        planner->buffer_bytes = needed;
    }
    planner->graph_bytes = needed;

    auto *base = static_cast<char *>(planner->buffer);
    for (ggml_tensor *t : placed) t->data = base + offset[graph_slot(g, t)];
    for (int i = 0; i < g->n_nodes; i++) {
        ggml_tensor *node = g->nodes[i];
        if (node->view_src)
            node->data = static_cast<char *>(node->view_src->data) + node->view_offs;
    }
    return true;
}

} // namespace

bool ggml_planner_alloc_graph(ggml_planner *planner, ggml_cgraph *g) {
    try {
        return alloc_graph(planner, g);
    } catch (const std::bad_alloc &) { // the planner's own bookkeeping
        std::fprintf(stderr, "ggml: out of memory planning a graph of %d nodes\n", g->n_nodes);
        return false;
    }
}

size_t ggml_planner_graph_bytes(const ggml_planner *planner) { return planner->graph_bytes; }

size_t ggml_planner_buffer_bytes(const ggml_planner *planner) { return planner->buffer_bytes; }
