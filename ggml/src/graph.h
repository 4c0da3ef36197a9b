// The compute graph's layout, shared by the builder, the planner and the
// CPU backend.
#pragma once

#include "internal.h"

struct ggml_cgraph {
    size_t size; // capacity: nodes + leafs
    int n_nodes; // tensors made by an op (views included), in order
    int n_leafs; // tensors without an op: weights, inputs, caches
    ggml_tensor **nodes;
    ggml_tensor **leafs;
    ggml_tensor **visited; // open-addressing set of every tensor added
    size_t hash_size;
    size_t n_visited; // tensors in the set: added, or being added (their sources first)
};

// The slot of a tensor in the graph's visited set: a number below hash_size,
// unique per tensor of the graph, for arrays indexed by tensor.
size_t graph_slot(const ggml_cgraph *g, const ggml_tensor *t);
