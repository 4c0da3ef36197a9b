// The compute graph's layout, shared by the builder, the planner and the
// CPU backend.
#pragma once

#include "internal.h"

struct ggml_cgraph {
    size_t size;    // capacity: nodes + leafs
    int n_nodes;    // tensors made by an op (views included), in order
    int n_leafs;    // tensors without an op: weights, inputs, caches
    ggml_tensor **nodes;
    ggml_tensor **leafs;
    ggml_tensor **visited; // open-addressing set of every tensor added
    size_t hash_size;
};
