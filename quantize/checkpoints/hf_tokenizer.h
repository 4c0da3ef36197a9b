// A Hugging Face fast tokenizer (tokenizer.json, with tokenizer_config.json
// beside it) of the byte-level BPE kind Llama 3, SmolLM and GPT-2 use, read
// into a llama::vocab: the vocabulary, merges and added tokens, the
// pre-tokenizer by its name in llama.cpp, the special tokens, whether to
// add BOS, and the chat template.
#pragma once

#include "vocab.h"

#include <string>

namespace convert {

// Reads DIR/tokenizer.json and, when present, DIR/tokenizer_config.json
// (bos_token, eos_token, add_bos_token, chat_template; or
// DIR/chat_template.jinja). Refuses, naming the file and what is wrong,
// what the llama tokenizer cannot reproduce: a model other than BPE, byte
// fallback, a normalizer, a pre-tokenizer other than GPT-2's ByteLevel,
// SmolLM's Digits + ByteLevel or Llama 3's Split + ByteLevel, ids that do
// not number the tokens 0..n-1. The vocabulary is not checked yet
// (check_vocab): config.json may name BOS and EOS first.
bool read_hf_tokenizer(const std::string &dir, llama::vocab *out, std::string *error);

} // namespace convert
