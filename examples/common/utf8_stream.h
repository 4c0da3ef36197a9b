// Writes text that arrives in pieces (tokens) without ever writing part of
// a UTF-8 character: a piece may end inside one (byte-level BPE splits
// characters across tokens), and a terminal shows a half-written character
// as garbage. Bytes that cannot start or continue a character are written
// as they come.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

class utf8_stream {
  public:
    explicit utf8_stream(std::FILE *out) : out_(out) {}
    ~utf8_stream() { flush(); }
    utf8_stream(const utf8_stream &) = delete;
    utf8_stream &operator=(const utf8_stream &) = delete;

    // Writes the complete characters of what is held back and `bytes`, and
    // holds back an unfinished character at the end.
    void write(std::string_view bytes);
    // Writes what is held back (the text ended), and flushes the file.
    void flush();

    // How many bytes at the end of s are the start of an unfinished
    // character (0 to 3).
    static size_t unfinished_tail(std::string_view s);

  private:
    std::FILE *out_;
    std::string held_;
};
