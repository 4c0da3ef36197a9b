// The file --save-logits writes and --kl-divergence reads: the log
// probabilities a model gave every scored position of every chunk, so a
// quantized model can be compared with the full-precision one.
//
// Layout (little endian): char magic[8] = "LLZLOGP1"; uint32 n_ctx, n_vocab,
// n_chunks, first; int32 tokens[n_chunks][n_ctx] (as evaluated, BOS first);
// then per chunk, float32 logprobs[n_ctx - 1 - first][n_vocab].
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

struct logprob_header {
    uint32_t n_ctx = 0, n_vocab = 0, n_chunks = 0, first = 0;
};

class logprob_writer {
  public:
    // Writes to path + ".tmp", renamed to path by finish().
    bool open(const std::string &path, const logprob_header &h, const std::vector<int32_t> &tokens,
              std::string *error);
    bool write_chunk(const std::vector<float> &logprobs, std::string *error);
    bool finish(std::string *error);
    ~logprob_writer();

  private:
    std::FILE *f_ = nullptr;
    std::string path_;
};

class logprob_reader {
  public:
    bool open(const std::string &path, std::string *error);
    const logprob_header &header() const { return h_; }
    const std::vector<int32_t> &tokens() const { return tokens_; }
    // The next chunk's [n_ctx - 1 - first][n_vocab] log probabilities.
    bool read_chunk(std::vector<float> *logprobs, std::string *error);
    ~logprob_reader();

  private:
    std::FILE *f_ = nullptr;
    std::string path_;
    logprob_header h_;
    std::vector<int32_t> tokens_;
};
