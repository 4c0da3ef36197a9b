// main run as a program on the bundled stories260K: a prompt printed and
// continued, special tokens, and a scripted chat that evaluates only what
// each turn adds and answers as the same conversation run step by step
// through the C API does.
#include "file_util.h"
#include "llama.h"

#include <gtest/gtest.h>

#include <regex>

namespace {

const std::string MAIN = LLAMAZ_MAIN_EXE;
const std::string MODEL = std::string(LLAMAZ_SOURCE_DIR) + "/models/stories260K.gguf";

struct model_deleter {
    void operator()(llama_model *m) const { llama_model_free(m); }
};
using model_ptr = std::unique_ptr<llama_model, model_deleter>;

std::vector<llama_token> tokenize(const llama_model *m, const std::string &text, bool add_bos) {
    const auto n = int32_t(text.size());
    std::vector<llama_token> ids(
        size_t(-llama_tokenize(m, text.data(), n, nullptr, 0, add_bos, true)));
    llama_tokenize(m, text.data(), n, ids.data(), int32_t(ids.size()), add_bos, true);
    return ids;
}

std::string format(const std::vector<llama_chat_message> &chat, const char *tmpl = "chatml") {
    std::string text(4096, '\0');
    text.resize(size_t(llama_chat_apply_template(tmpl, chat.data(), chat.size(), true, text.data(),
                                                 int32_t(text.size()))));
    return text;
}

// A conversation as main holds it: each turn's new text evaluated after
// the tokens so far, then the reply written greedily (up to n tokens or the
// end of the turn), its tokens kept.
struct reference_chat {
    llama_model *m;
    llama_context *ctx = llama_context_new(m, llama_context_default_params());
    llama_sampler *smpl = [] {
        llama_sampler_params sp = llama_sampler_default_params();
        sp.temp = 0;
        return llama_sampler_new(sp);
    }();
    ~reference_chat() {
        llama_sampler_free(smpl);
        llama_context_free(ctx);
    }

    std::string reply_to(const std::string &added, int n) {
        const std::vector<llama_token> ids = tokenize(m, added, llama_n_past(ctx) == 0);
        EXPECT_EQ(llama_decode(ctx, ids.data(), int32_t(ids.size())), 0);
        std::string reply;
        llama_token prev = ids.back();
        for (int i = 0; i < n; i++) {
            const llama_token t =
                llama_sampler_sample(smpl, llama_get_logits(ctx), llama_n_vocab(m));
            if (llama_token_is_eog(m, t)) break;
            char piece[64];
            const int32_t len = llama_token_to_piece(m, prev, t, piece, sizeof piece, false);
            reply.append(piece, size_t(std::max(len, 0)));
            EXPECT_EQ(llama_decode(ctx, &t, 1), 0);
            prev = t;
        }
        return reply;
    }
};

// The token count of main's "prompt:" line.
int prompt_tokens(const std::string &err) {
    std::smatch m;
    if (!std::regex_search(err, m, std::regex(R"(prompt: .* / +(\d+) tokens)"))) return -1;
    return std::stoi(m[1]);
}

TEST(Main, PrintsThePromptAndItsContinuation) {
    const test::run_streams r =
        test::run_with_input(MAIN, "-m " + MODEL + " -p 'Once upon a time' -n 0", "");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "Once upon a time\n");
    const test::run_streams g =
        test::run_with_input(MAIN, "-m " + MODEL + " -p 'Once upon a time' -n 8 --temp 0", "");
    EXPECT_EQ(g.status, 0) << g.err;
    EXPECT_EQ(g.out.rfind("Once upon a time", 0), 0u) << g.out;
    EXPECT_GT(g.out.size(), std::string("Once upon a time\n").size());
}

TEST(Main, SpecialTokensOnlyWithSpecial) {
    // With --special "<s>" in the prompt is BOS (after the BOS added), and
    // control tokens are printed; without, it is text.
    const test::run_streams with =
        test::run_with_input(MAIN, "-m " + MODEL + " -p '<s>Once' -n 0 --special", "");
    EXPECT_EQ(with.status, 0) << with.err;
    EXPECT_EQ(with.out, "<s><s>Once\n");
    const test::run_streams without =
        test::run_with_input(MAIN, "-m " + MODEL + " -p '<s>Once' -n 0", "");
    EXPECT_EQ(without.out, "<s>Once\n");
}

TEST(Main, ScriptedChatKeepsTheContextBetweenTurns) {
    const int n = 12;
    const test::run_streams r = test::run_with_input(
        MAIN, "-m " + MODEL + " -cnv --chat-template chatml --temp 0 -n " + std::to_string(n),
        "hi\n\nand you?\n");
    ASSERT_EQ(r.status, 0) << r.err;

    model_ptr m(llama_model_load(MODEL.c_str()));
    ASSERT_NE(m, nullptr) << llama_last_error();
    reference_chat ref{m.get()};
    const std::string first = format({{"user", "hi"}});
    const std::string reply1 = ref.reply_to(first, n);
    const std::string second =
        format({{"user", "hi"}, {"assistant", reply1.c_str()}, {"user", "and you?"}});
    ASSERT_EQ(second.rfind(first + reply1, 0), 0u); // ChatML adds to what was there
    const std::string added = second.substr(first.size() + reply1.size());
    const std::string reply2 = ref.reply_to(added, n);
    EXPECT_EQ(r.out, reply1 + "\n" + reply2 + "\n"); // the empty line is no turn
    // Evaluated in batches: the first prompt and what the template added, no more.
    EXPECT_EQ(prompt_tokens(r.err),
              int(tokenize(m.get(), first, true).size() + tokenize(m.get(), added, false).size()))
        << r.err;
}

TEST(Main, ChatEvaluatesAgainWhatTheTemplateRewrites) {
    // Llama 3's template trims messages: the reply as generated ends with a
    // space, as written in the next turn it does not. The context forgets
    // the reply and evaluates the turn as the template writes it.
    const int n = 4;
    const test::run_streams r = test::run_with_input(
        MAIN, "-m " + MODEL + " -cnv --chat-template llama3 --temp 0 -n " + std::to_string(n),
        "hi\nand you?\n");
    ASSERT_EQ(r.status, 0) << r.err;

    model_ptr m(llama_model_load(MODEL.c_str()));
    ASSERT_NE(m, nullptr) << llama_last_error();
    const std::string first = format({{"user", "hi"}}, "llama3");
    const std::string reply1 = reference_chat{m.get()}.reply_to(first, n);
    ASSERT_EQ(reply1.back(), ' ');
    const std::string second =
        format({{"user", "hi"}, {"assistant", reply1.c_str()}, {"user", "and you?"}}, "llama3");
    ASSERT_NE(second.rfind(first + reply1, 0), 0u);
    reference_chat ref{m.get()};
    const std::vector<llama_token> kept = tokenize(m.get(), first, true);
    ASSERT_EQ(llama_decode(ref.ctx, kept.data(), int32_t(kept.size())), 0);
    const std::string rest = second.substr(first.size());
    const std::string reply2 = ref.reply_to(rest, n);
    EXPECT_EQ(r.out, reply1 + "\n" + reply2 + "\n");
    EXPECT_EQ(prompt_tokens(r.err), int(kept.size() + tokenize(m.get(), rest, false).size()))
        << r.err;
}

TEST(Main, ChatNeedsATemplateItKnows) {
    const test::run_streams none = test::run_with_input(MAIN, "-m " + MODEL + " -cnv", "hi\n");
    EXPECT_EQ(none.status, 1);
    EXPECT_NE(none.err.find("the model has no chat template; name one with --chat-template NAME "
                            "(chatml, "),
              std::string::npos)
        << none.err;
    const test::run_streams bad =
        test::run_with_input(MAIN, "-m " + MODEL + " -cnv --chat-template nonesuch", "hi\n");
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.err.find("--chat-template 'nonesuch': the chat template is not one this "
                           "library knows"),
              std::string::npos)
        << bad.err;
    const test::run_streams sys =
        test::run_with_input(MAIN, "-m " + MODEL + " -sys 'Be kind.'", "");
    EXPECT_EQ(sys.status, 1);
    EXPECT_NE(sys.err.find("-sys and --chat-template are for -cnv"), std::string::npos) << sys.err;
}

TEST(Main, ChatEndsWhenTheContextIsFull) {
    const test::run_streams r = test::run_with_input(
        MAIN, "-m " + MODEL + " -cnv --chat-template chatml --temp 0 -c 48 -n 100",
        "hi\nand you?\nand then?\n");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("the context (48 tokens) is full; the conversation ends here"),
              std::string::npos)
        << r.err;
}

} // namespace
