/*
 * llama: run llama-family models stored as GGUF files on the CPU.
 *
 * Plain C11 API with opaque handles. Functions that can fail return NULL or
 * a negative number; llama_last_error() then says what went wrong (per
 * thread). Running out of memory is such a failure, never a crash: no C++
 * exception leaves a function of this header. A typical program:
 *
 *   llama_model *model = llama_model_load("model.gguf");
 *   llama_context *ctx = llama_context_new(model, llama_context_default_params());
 *   llama_sampler *smpl = llama_sampler_new(llama_sampler_default_params());
 *   n = llama_tokenize(model, "Once upon a time", -1, tokens, 64, true, false);
 *   llama_decode(ctx, tokens, n);                 // prompt, as one batch
 *   tok = llama_sampler_sample(smpl, llama_get_logits(ctx), llama_n_vocab(model));
 *   llama_decode(ctx, &tok, 1);                   // and so on, one token at a time
 */
#ifndef LLAMA_H
#define LLAMA_H

#include "ggml.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t llama_token;

struct llama_model;
struct llama_context;
struct llama_sampler;

/* What went wrong in this thread's last failed call (never NULL). */
const char *llama_last_error(void);

/* ---------------------------------------------------------------- models */

/* Maps and checks a GGUF file; NULL (see llama_last_error) if it is not a
 * valid llama model or memory runs out. */
struct llama_model *llama_model_load(const char *path);
void llama_model_free(struct llama_model *model);

int32_t llama_n_vocab(const struct llama_model *model);
int32_t llama_n_embd(const struct llama_model *model);
int32_t llama_n_layer(const struct llama_model *model);
int32_t llama_n_ctx_train(const struct llama_model *model);
/* Number of weights, and bytes of tensor data in the file. */
uint64_t llama_model_n_params(const struct llama_model *model);
uint64_t llama_model_size(const struct llama_model *model);
/* A one-line description, e.g. "llama 5 layers, dim 64, ..., Q4_Z". */
int32_t llama_model_desc(const struct llama_model *model, char *buf, size_t buf_size);
/* Bytes of weights evaluating one token reads: every matrix once and one
 * row of the embedding. Generation streams this from memory per token. */
uint64_t llama_model_bytes_per_token(const struct llama_model *model);

/* The shape of a llama, for models with random weights. */
struct llama_model_shape {
    int32_t n_vocab, n_ctx_train, n_embd, n_layer, n_ff, n_head, n_head_kv;
};
/* Presets: "15M", "110M" (llama2.c's stories models), "1.1B" (TinyLlama),
 * "7B" (LLaMA); false for another name. */
bool llama_model_shape_preset(const char *name, struct llama_model_shape *shape);
/* A model of that shape with random weights of `type` (norms F32, rows that
 * don't fit the type's blocks F16) and a synthetic vocabulary: for measuring
 * speed where no real model is at hand. NULL (see llama_last_error) for an
 * invalid shape or when it does not fit in memory. */
struct llama_model *llama_model_random(struct llama_model_shape shape, enum ggml_type type,
                                       uint32_t seed);

/* The special tokens; -1 when the vocabulary has none. */
llama_token llama_token_bos(const struct llama_model *model);
llama_token llama_token_eos(const struct llama_model *model);
/* Whether prompts start with BOS (tokenizer.ggml.add_bos_token, or what
 * llama.cpp assumes for the tokenizer): llama_tokenize adds it then. */
bool llama_add_bos(const struct llama_model *model);

/* GGUF token types (tokenizer.ggml.token_type), llama.cpp's numbering. */
enum llama_token_type {
    LLAMA_TOKEN_TYPE_UNDEFINED = 0,
    LLAMA_TOKEN_TYPE_NORMAL = 1,
    LLAMA_TOKEN_TYPE_UNKNOWN = 2,
    LLAMA_TOKEN_TYPE_CONTROL = 3, /* <s>, <|im_start|>, ...: special */
    LLAMA_TOKEN_TYPE_USER_DEFINED = 4,
    LLAMA_TOKEN_TYPE_UNUSED = 5,
    LLAMA_TOKEN_TYPE_BYTE = 6,
};
/* The type of a token; LLAMA_TOKEN_TYPE_UNDEFINED for ids out of range. */
enum llama_token_type llama_token_get_type(const struct llama_model *model, llama_token token);
/* Whether generating the token ends the model's turn: EOS, EOT (<|eot_id|>,
 * <|im_end|>, ...) and EOM; false for ids out of range. */
bool llama_token_is_eog(const struct llama_model *model, llama_token token);

/* The model's chat template (GGUF tokenizer.chat_template, Jinja text), or
 * NULL when the file has none. */
const char *llama_model_chat_template(const struct llama_model *model);

/* ---------------------------------------------------------------- tokens */

/* Tokenizes text (text_len < 0: NUL-terminated) into at most n_max tokens.
 * add_bos: start with BOS if the model does (llama_add_bos). parse_special:
 * control tokens written in the text (<|im_start|>, <s>, ...) become those
 * tokens; without it they are plain text, as in text to score. Returns the
 * number of tokens, or minus the number needed if n_max is too small;
 * INT32_MIN (see llama_last_error) when memory runs out. */
int32_t llama_tokenize(const struct llama_model *model, const char *text, int32_t text_len,
                       llama_token *tokens, int32_t n_max, bool add_bos, bool parse_special);
/* The text of one token, as it reads after `prev` (-1: nothing; with a
 * SentencePiece vocabulary a piece at the start of the text or after a
 * control token such as BOS loses the space the tokenizer put before it). Control tokens give ""
 * unless `special`, when they give their text. A piece may be part of a UTF-8 character; the next
 * ones complete it. Returns the length written (not NUL-terminated), or minus the length needed;
 * INT32_MIN when memory runs out. */
int32_t llama_token_to_piece(const struct llama_model *model, llama_token prev, llama_token token,
                             char *buf, int32_t buf_size, bool special);

/* ---------------------------------------------------------------- chat */

struct llama_chat_message {
    const char *role; /* "system", "user" or "assistant" */
    const char *content;
};

/* Formats a conversation with a chat template. `tmpl` is a template's name
 * (llama_chat_template_names) or a model's Jinja template
 * (llama_model_chat_template), which is recognised, as llama.cpp does, by
 * what it contains; it is not run. add_assistant: end with the start of an
 * assistant turn, for the model to write. BOS is not included (llama_tokenize
 * adds it); tokenize the text with parse_special. Writes at most `length`
 * bytes (not NUL-terminated) and returns the length of the whole text, so
 * a return above `length` asks for a larger buffer; -1 (see
 * llama_last_error) when the template is not one this library formats. */
int32_t llama_chat_apply_template(const char *tmpl, const struct llama_chat_message *chat,
                                  size_t n_msg, bool add_assistant, char *buf, int32_t length);
/* The names of the templates llama_chat_apply_template formats,
 * comma-separated: "chatml, llama2, ...". */
const char *llama_chat_template_names(void);

/* ---------------------------------------------------------------- contexts */

struct llama_context_params {
    uint32_t n_ctx;         /* positions in the KV cache; 0 = the model's training
                               context, but at most 4096 (more only when asked) */
    uint32_t n_batch;       /* most tokens evaluated in one graph */
    int32_t n_threads;      /* threads of the thread pool */
    enum ggml_type kv_type; /* GGML_TYPE_F16 or GGML_TYPE_F32 */
    bool all_logits;        /* keep logits of every position, not only the last */
};

struct llama_context_params llama_context_default_params(void);
/* NULL (see llama_last_error) for invalid parameters, or when the KV cache
 * does not fit in the memory available (checked before allocating it) or
 * the threads cannot be started. */
struct llama_context *llama_context_new(struct llama_model *model,
                                        struct llama_context_params params);
void llama_context_free(struct llama_context *ctx);
uint32_t llama_n_ctx(const struct llama_context *ctx);

/* Evaluates n_tokens tokens at the next positions of the cache (in batches
 * of at most n_batch). Returns 0, or -1 if they would not fit the context, a
 * token is not in the vocabulary or memory runs out; after -1 the cache is
 * as it was before the call. */
int32_t llama_decode(struct llama_context *ctx, const llama_token *tokens, int32_t n_tokens);
/* Positions filled so far; and forgetting them. */
int32_t llama_n_past(const struct llama_context *ctx);
void llama_kv_clear(struct llama_context *ctx);
/* Forgets the positions from n_keep on, so that the next llama_decode
 * continues after the first n_keep (nothing changes if n_keep >=
 * llama_n_past). The logits stay those of the last llama_decode. */
void llama_kv_keep(struct llama_context *ctx, int32_t n_keep);

/* Logits [n_vocab] after the last token of the last llama_decode call. With
 * all_logits, llama_get_logits_ith(ctx, i) gives those after its i-th token. */
const float *llama_get_logits(const struct llama_context *ctx);
const float *llama_get_logits_ith(const struct llama_context *ctx, int32_t i);

/* Time spent and tokens evaluated, split into prompt batches (more than one
 * token) and single-token generation steps, since the context was made. */
struct llama_timings {
    double t_load_ms;
    double t_prompt_ms;
    int32_t n_prompt;
    double t_eval_ms;
    int32_t n_eval;
};
struct llama_timings llama_get_timings(const struct llama_context *ctx);

/* ---------------------------------------------------------------- sampling */

struct llama_sampler_params {
    float temp;            /* <= 0: greedy (the most likely token) */
    int32_t top_k;         /* <= 0: off */
    float top_p;           /* >= 1: off */
    float min_p;           /* <= 0: off */
    float repeat_penalty;  /* 1 (or <= 0): off */
    int32_t repeat_last_n; /* tokens the penalty looks back over */
    uint32_t seed;
};

struct llama_sampler_params llama_sampler_default_params(void);
/* NULL when out of memory. */
struct llama_sampler *llama_sampler_new(struct llama_sampler_params params);
void llama_sampler_free(struct llama_sampler *smpl);
/* Chooses the next token from logits [n_vocab] (left unchanged); -1 when
 * there are none (NULL or n_vocab <= 0). */
llama_token llama_sampler_sample(struct llama_sampler *smpl, const float *logits, int32_t n_vocab);
/* Records a token of the text so far (prompt and generated) for the penalty;
 * only when memory runs out is it not recorded (llama_last_error says so). */
void llama_sampler_accept(struct llama_sampler *smpl, llama_token token);

#ifdef __cplusplus
}
#endif

#endif /* LLAMA_H */
