// main's output stream: pieces that end inside a UTF-8 character are held
// back until it is complete, and nothing is lost.
#include "utf8_stream.h"

#include "file_util.h"

#include <gtest/gtest.h>

namespace {

TEST(Utf8Stream, UnfinishedTail) {
    EXPECT_EQ(utf8_stream::unfinished_tail(""), 0u);
    EXPECT_EQ(utf8_stream::unfinished_tail("abc"), 0u);
    EXPECT_EQ(utf8_stream::unfinished_tail("a\xC3"), 1u);            // é's first byte
    EXPECT_EQ(utf8_stream::unfinished_tail("a\xC3\xA9"), 0u);        // é
    EXPECT_EQ(utf8_stream::unfinished_tail("\xE4\xB8"), 2u);         // 中 less a byte
    EXPECT_EQ(utf8_stream::unfinished_tail("\xF0\x9F\x98"), 3u);     // 😀 less a byte
    EXPECT_EQ(utf8_stream::unfinished_tail("\xF0\x9F\x98\x80"), 0u); // 😀
    EXPECT_EQ(utf8_stream::unfinished_tail("\x80\x80"), 0u);         // nothing to wait for
    EXPECT_EQ(utf8_stream::unfinished_tail("\xFF"), 0u);             // never in UTF-8
    EXPECT_EQ(utf8_stream::unfinished_tail("\xC3\xA9\x80"), 0u);     // a stray continuation
    EXPECT_EQ(utf8_stream::unfinished_tail("x\xF0\x9F\x98\x80\xE2"), 1u);
}

TEST(Utf8Stream, WritesWholeCharactersOnly) {
    test::temp_dir dir;
    const std::string path = dir.file("out.txt");
    const std::string text = "caf\xC3\xA9 \xE4\xB8\xAD\xF0\x9F\x98\x80!\xFF\x80 end\xE2\x82";
    {
        std::FILE *f = std::fopen(path.c_str(), "wb");
        ASSERT_NE(f, nullptr);
        utf8_stream out(f);
        std::string written;
        for (char c : text) { // a byte at a time, as the worst tokens would come
            out.write(std::string(1, c));
            written += c;
            const std::string now = test::read_text(path);
            EXPECT_EQ(now,
                      written.substr(0, written.size() - utf8_stream::unfinished_tail(written)));
        }
        out.flush(); // the text ends: even an unfinished character is written
        EXPECT_EQ(test::read_text(path), text);
        std::fclose(f);
    }
}

} // namespace
