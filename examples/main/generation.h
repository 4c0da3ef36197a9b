// Text generation for main: tokens evaluated after those in the context,
// then sampled one by one, each printed as it comes.
#pragma once

#include "llama.h"
#include "utf8_stream.h"

#include <string>
#include <vector>

struct generation {
    llama_model *model;
    llama_context *ctx;
    llama_sampler *smpl;
    utf8_stream *out;
    bool special; // print control tokens' text

    // The tokens of text (after BOS if add_bos and the model adds one);
    // parse_special: control tokens written in it are those tokens.
    std::vector<llama_token> tokenize(const std::string &text, bool add_bos,
                                      bool parse_special) const;

    // The text of `token` after `prev` (-1: nothing), as main prints it.
    std::string piece(llama_token prev, llama_token token) const;

    // Evaluates tokens at the next positions, each recorded for the repeat
    // penalty. False and *error when they do not fit the context or decoding
    // fails.
    bool evaluate(const std::vector<llama_token> &tokens, std::string *error);

    enum class end { LIMIT, END_OF_TURN, CONTEXT_FULL, ERROR };
    // Samples up to n tokens after `prev`, printing each, and stops before
    // an end-of-generation token. Each token is evaluated for the next, the
    // last one only if evaluate_last (a conversation goes on from it).
    // Appends the printed text to *text; says why in *error for CONTEXT_FULL
    // and ERROR.
    end generate(int32_t n, llama_token prev, bool evaluate_last, std::string *text,
                 std::string *error);
};
