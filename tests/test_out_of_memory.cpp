// Running out of memory inside the C API is a failure with a message, never
// a crash: every operator new a call makes is made to fail in turn (this
// binary replaces the global operator new), and the call must return NULL
// or -1 with llama_last_error() saying so, or succeed, and leave what it was
// given usable.
#include "llama.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <set>
#include <string>
#include <vector>

namespace {

// Allocations left before the one that fails; negative: none fails.
std::atomic<long> allocations_before_failure{-1};

} // namespace

// GCC 12 inlines these into the standard allocators and then takes the free
// in operator delete for a mismatch with new: they are the pair it replaces.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void *operator new(size_t n) {
    if (allocations_before_failure.load(std::memory_order_relaxed) >= 0 &&
        allocations_before_failure.fetch_sub(1) == 0)
        throw std::bad_alloc();
    if (void *p = std::malloc(n ? n : 1)) return p;
    throw std::bad_alloc();
}
// Allocations that may fail without an exception (std::stable_sort's buffer)
// have a way on without the memory: they are left out of the count.
void *operator new(size_t n, const std::nothrow_t &) noexcept { return std::malloc(n ? n : 1); }
// (the library's array forms call these)
void operator delete(void *p) noexcept { std::free(p); }
void operator delete(void *p, size_t) noexcept { operator delete(p); }

namespace {

const std::string BUNDLED = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

// Calls call() with its first, second, ... allocation failing, until it
// makes fewer allocations than that; each time the result must be what
// check() accepts. Returns how many allocations the call makes.
template <typename Call, typename Check> long each_allocation_failing(Call call, Check check) {
    for (long n = 0;; n++) {
        allocations_before_failure = n;
        auto result = call();
        const bool reached = allocations_before_failure.exchange(-1) < 0;
        if (!reached) {
            check(result, false);
            return n;
        }
        check(result, true);
        if (testing::Test::HasFatalFailure()) return n;
    }
}

// Messages a failure for lack of memory may leave, per function.
void expect_out_of_memory_message(const std::set<std::string> &allowed) {
    EXPECT_TRUE(allowed.count(llama_last_error())) << "llama_last_error: " << llama_last_error();
}

TEST(OutOfMemory, ModelLoadFailsWithAMessage) {
    long n_allocations = each_allocation_failing(
        [] { return llama_model_load(BUNDLED.c_str()); },
        [](llama_model *model, bool failed) {
            if (failed) {
                EXPECT_EQ(model, nullptr);
                expect_out_of_memory_message(
                    {"llama_model_load: out of memory",
                     BUNDLED + ": out of memory for the tensors' descriptions"});
            }
            ASSERT_EQ(model != nullptr, !failed);
            llama_model_free(model);
        });
    EXPECT_GT(n_allocations, 1000); // the vocabulary's strings, above all
}

TEST(OutOfMemory, ContextsAndDecodingFailWithAMessageAndCanBeRetried) {
    llama_model *model = llama_model_load(BUNDLED.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    llama_context_params params = llama_context_default_params();
    params.n_ctx = 64;
    params.n_threads = 2;
    each_allocation_failing([&] { return llama_context_new(model, params); },
                            [](llama_context *ctx, bool failed) {
                                // (reading /proc/meminfo may fail too: then
                                // the memory is not checked, and that is all)
                                if (failed && !ctx) {
                                    expect_out_of_memory_message(
                                        {"llama_context_new: out of memory",
                                         "cannot start 2 threads",
                                         "cannot allocate 0 MiB for a KV cache of 64 positions"});
                                }
                                llama_context_free(ctx);
                            });

    // the logits of a decode no allocation failed in
    std::vector<llama_token> tokens(8);
    ASSERT_EQ(llama_tokenize(model, "Once upon a time", -1, tokens.data(), 8, true, false), 5);
    tokens.resize(5);
    llama_context *ctx = llama_context_new(model, params);
    ASSERT_NE(ctx, nullptr) << llama_last_error();
    ASSERT_EQ(llama_decode(ctx, tokens.data(), 5), 0) << llama_last_error();
    const std::vector<float> want(llama_get_logits(ctx), llama_get_logits(ctx) + 512);

    // a failed decode leaves the cache as it was: the retry gives the same
    // logits
    const long n_allocations = each_allocation_failing(
        [&] {
            llama_kv_clear(ctx);
            return llama_decode(ctx, tokens.data(), 5);
        },
        [&](int32_t result, bool failed) {
            if (failed && result != 0) {
                EXPECT_EQ(result, -1);
                expect_out_of_memory_message({"llama_decode: out of memory",
                                              "cannot allocate memory for the compute graph",
                                              "cannot allocate the kernels' scratch memory"});
                EXPECT_EQ(llama_n_past(ctx), 0);
                ASSERT_EQ(llama_decode(ctx, tokens.data(), 5), 0) << llama_last_error();
            }
            ASSERT_EQ(llama_n_past(ctx), 5);
            EXPECT_EQ(std::vector<float>(llama_get_logits(ctx), llama_get_logits(ctx) + 512), want);
        });
    EXPECT_GT(n_allocations, 0);
    llama_context_free(ctx);
    llama_model_free(model);
}

TEST(OutOfMemory, TokensAndSamplingFailWithAMessage) {
    llama_model *model = llama_model_load(BUNDLED.c_str());
    ASSERT_NE(model, nullptr) << llama_last_error();
    llama_token tokens[16];
    each_allocation_failing(
        [&] { return llama_tokenize(model, "Once upon a time", -1, tokens, 16, true, false); },
        [](int32_t n, bool failed) {
            if (failed) {
                EXPECT_EQ(n, INT32_MIN);
                expect_out_of_memory_message({"llama_tokenize: out of memory"});
            } else {
                EXPECT_EQ(n, 5);
            }
        });
    char piece[16];
    each_allocation_failing([&] { return llama_token_to_piece(model, 1, 400, piece, 16, false); },
                            [](int32_t n, bool failed) {
                                if (failed) {
                                    EXPECT_EQ(n, INT32_MIN);
                                    expect_out_of_memory_message(
                                        {"llama_token_to_piece: out of memory"});
                                } else {
                                    EXPECT_GT(n, 0);
                                }
                            });

    llama_sampler_params sp = llama_sampler_default_params();
    each_allocation_failing([&] { return llama_sampler_new(sp); },
                            [](llama_sampler *s, bool failed) {
                                if (failed) {
                                    EXPECT_EQ(s, nullptr);
                                    expect_out_of_memory_message(
                                        {"llama_sampler_new: out of memory"});
                                }
                                llama_sampler_free(s);
                            });
    llama_sampler *smpl = llama_sampler_new(sp);
    ASSERT_NE(smpl, nullptr);
    std::vector<float> logits(512, 0.0f);
    logits[42] = 10.0f;
    each_allocation_failing([&] { return llama_sampler_sample(smpl, logits.data(), 512); },
                            [](llama_token t, bool failed) {
                                if (failed) {
                                    EXPECT_EQ(t, -1);
                                    expect_out_of_memory_message(
                                        {"llama_sampler_sample: out of memory"});
                                } else {
                                    EXPECT_EQ(t, 42);
                                }
                            });
    // enough tokens for the history of the last 64 to need new memory
    const long accept_allocations = each_allocation_failing(
        [&] {
            for (llama_token t = 0; t < 1000; t++) llama_sampler_accept(smpl, t);
            return 0;
        },
        [](int, bool failed) {
            if (failed) expect_out_of_memory_message({"llama_sampler_accept: out of memory"});
        });
    EXPECT_GT(accept_allocations, 0);
    llama_sampler_free(smpl);
    llama_model_free(model);
}

} // namespace
