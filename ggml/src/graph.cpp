// Compute graphs: the tensors an output depends on, in an order where every
// tensor comes after its sources.
#include "graph.h"

#include <bit>
#include <cstring>
#include <new>

size_t graph_slot(const ggml_cgraph *g, const ggml_tensor *t) {
    const size_t mask = g->hash_size - 1; // a power of two: masks, not divisions
    size_t h = (reinterpret_cast<uintptr_t>(t) >> 4) * 0x9E3779B97F4A7C15ull >> 32 & mask;
    while (g->visited[h] != nullptr && g->visited[h] != t) h = (h + 1) & mask;
    return h;
}

namespace {

void visit(ggml_cgraph *g, ggml_tensor *t) {
    const size_t slot = graph_slot(g, t);
    if (g->visited[slot] == t) return;
    // counted when marked, not when appended: a chain deeper than the
    // graph would otherwise be marked whole before the first append
    GGML_ASSERT(g->n_visited < g->size, "graph is full (%zu tensors)", g->size);
    g->n_visited++;
    g->visited[slot] = t;
    for (ggml_tensor *src : t->src)
        if (src) visit(g, src);
    if (t->view_src) visit(g, t->view_src);
    if (t->op == GGML_OP_NONE)
        g->leafs[g->n_leafs++] = t;
    else
        g->nodes[g->n_nodes++] = t;
}

// The visited set holds at most max_nodes tensors: at most half full.
size_t hash_size_for(size_t max_nodes) { return std::bit_ceil(2 * max_nodes); }

} // namespace

size_t ggml_graph_overhead(size_t n_nodes) {
    return sizeof(ggml_cgraph) + 16 + n_nodes * 2 * sizeof(ggml_tensor *) +
           hash_size_for(n_nodes) * sizeof(ggml_tensor *) + 16;
}

ggml_cgraph *ggml_new_graph_custom(ggml_context *ctx, size_t max_nodes) {
    // one block in the arena: header, then nodes, leafs and the visited set
    void *mem = ggml::arena_alloc(ctx, ggml_graph_overhead(max_nodes), 16);
    auto *g = new (mem) ggml_cgraph{};
    auto **arrays = reinterpret_cast<ggml_tensor **>(static_cast<char *>(mem) +
                                                     ggml::align_up(sizeof(ggml_cgraph), 16));
    g->size = max_nodes;
    g->nodes = arrays;
    g->leafs = arrays + max_nodes;
    g->visited = arrays + 2 * max_nodes;
    g->hash_size = hash_size_for(max_nodes);
    std::memset(g->visited, 0, g->hash_size * sizeof(ggml_tensor *));
    return g;
}

ggml_cgraph *ggml_new_graph(ggml_context *ctx) {
    return ggml_new_graph_custom(ctx, GGML_DEFAULT_GRAPH_SIZE);
}

void ggml_build_forward_expand(ggml_cgraph *graph, ggml_tensor *t) { visit(graph, t); }

int ggml_graph_n_nodes(const ggml_cgraph *graph) { return graph->n_nodes; }

ggml_tensor *ggml_graph_node(const ggml_cgraph *graph, int i) {
    GGML_ASSERT(i >= 0 && i < graph->n_nodes, "node %d of %d", i, graph->n_nodes);
    return graph->nodes[i];
}

int ggml_graph_n_leafs(const ggml_cgraph *graph) { return graph->n_leafs; }

ggml_tensor *ggml_graph_leaf(const ggml_cgraph *graph, int i) {
    GGML_ASSERT(i >= 0 && i < graph->n_leafs, "leaf %d of %d", i, graph->n_leafs);
    return graph->leafs[i];
}

ggml_tensor *ggml_graph_get_tensor(const ggml_cgraph *graph, const char *name) {
    for (int i = 0; i < graph->n_nodes; i++)
        if (std::strcmp(graph->nodes[i]->name, name) == 0) return graph->nodes[i];
    for (int i = 0; i < graph->n_leafs; i++)
        if (std::strcmp(graph->leafs[i]->name, name) == 0) return graph->leafs[i];
    return nullptr;
}
