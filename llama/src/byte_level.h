// GPT-2's byte-to-unicode mapping: byte-level BPE vocabularies spell each
// byte as a printable character (bytes that are printable Latin-1 as
// themselves, the other 68 as U+0100 onwards, a space as U+0120 'Ġ'), so
// that every token is a readable string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace llama::byte_level {

// The UTF-8 of the character that spells `byte`.
const std::string &spelling(uint8_t byte);

// The bytes a spelled string stands for; false (and *bytes unspecified) if
// a character of it spells no byte.
bool bytes_of(std::string_view spelled, std::string *bytes);

} // namespace llama::byte_level
