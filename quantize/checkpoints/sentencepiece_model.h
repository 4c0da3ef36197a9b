// SentencePiece's tokenizer.model (a ModelProto in protobuf wire format, see
// sentencepiece_model.proto) read into a llama::vocab: the pieces with their
// scores and types, the special ids of the trainer spec and the normalizer's
// add_dummy_prefix. Only what a llama (BPE) vocabulary needs is read; the
// rest of the message is skipped field by field, every length checked.
#pragma once

#include "vocab.h"

#include <cstdint>
#include <string>

namespace convert {

struct sentencepiece_model {
    llama::vocab vocab;
    int32_t model_type = 1;       // TrainerSpec.ModelType: 1 unigram, 2 BPE, 3 word, 4 char
    bool byte_fallback = false;   // unknown characters become <0xXX> pieces
    std::string normalizer_name;  // "identity" for llama
    bool add_dummy_prefix = true; // NormalizerSpec: a space before the text
};

// Parses the bytes of a tokenizer.model. `name` stands for the file in
// messages. Fails (false, *error naming the file and what is wrong) on
// malformed protobuf, an unknown piece type, a model type other than BPE, a
// normalizer that rewrites text (our tokenizer does not normalize), byte
// fallback without the 256 byte pieces, or a vocabulary check_vocab refuses.
bool parse_sentencepiece_model(const std::string &name, const uint8_t *data, size_t size,
                               sentencepiece_model *out, std::string *error);

// Reads and parses the file.
bool read_sentencepiece_model(const std::string &path, sentencepiece_model *out,
                              std::string *error);

} // namespace convert
