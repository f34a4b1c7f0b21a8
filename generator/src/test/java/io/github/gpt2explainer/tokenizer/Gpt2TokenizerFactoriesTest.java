package io.github.gpt2explainer.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2TokenizerFactoriesTest {
    private static final List<String> SAMPLES = List.of(
            "Data visualization empowers users to",
            "IEEE VIS conference highlights the",
            "我爱自然语言处理。",
            "👋🌍 family: 👨‍👩‍👧",
            "a\n\n\t  b   <|endoftext|>",
            "for i in range(10):\n    print(i)");

    @TempDir
    Path temp;

    private static void writeOriginalVocabularyFiles(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("vocab.json"), Gpt2Tokenizer.readResource("encoder.json"));
        Files.write(dir.resolve("merges.txt"), Gpt2Tokenizer.readResource("vocab.bpe"));
    }

    private static void writeGeneratedTokenizerJson(Path dir) throws IOException {
        Files.createDirectories(dir);
        BpeVocabulary vocabulary = BpeVocabulary.parse(
                Gpt2Tokenizer.readResource("encoder.json"), "encoder.json",
                Gpt2Tokenizer.readResource("vocab.bpe"), "vocab.bpe");
        Files.write(dir.resolve("tokenizer.json"), vocabulary.toTokenizerJson());
    }

    @Test
    void allThreeSourcesTokenizeIdentically() throws IOException {
        Path vocabDir = temp.resolve("vocab-merges");
        Path jsonDir = temp.resolve("tokenizer-json");
        writeOriginalVocabularyFiles(vocabDir);
        writeGeneratedTokenizerJson(jsonDir);

        try (Gpt2Tokenizer bundled = Gpt2Tokenizer.bundled();
                Gpt2Tokenizer fromVocab = Gpt2Tokenizer.forCheckpoint(vocabDir);
                Gpt2Tokenizer fromJson = Gpt2Tokenizer.forCheckpoint(jsonDir)) {
            for (String text : SAMPLES) {
                long[] expected = bundled.encode(text);
                assertThat(fromVocab.encode(text)).as(text).isEqualTo(expected);
                assertThat(fromJson.encode(text)).as(text).isEqualTo(expected);
                assertThat(fromJson.decode(expected)).isEqualTo(text);
                assertThat(fromVocab.pieces(expected)).isEqualTo(bundled.pieces(expected));
            }
            assertThat(fromVocab.vocabSize()).isEqualTo(bundled.vocabSize()).isEqualTo(fromJson.vocabSize());
            assertThat(fromJson.endOfTextId()).isEqualTo(50256);
            // Same content, same hash: the generated tokenizer.json is deterministic.
            assertThat(fromVocab.sha256()).isEqualTo(bundled.sha256()).isEqualTo(fromJson.sha256());
            assertThat(fromJson.source()).contains("tokenizer.json");
        }
    }

    @Test
    void directoryWithoutTokenizerFilesFallsBackToBundled() {
        try (Gpt2Tokenizer tokenizer = Gpt2Tokenizer.forCheckpoint(temp);
                Gpt2Tokenizer bundled = Gpt2Tokenizer.bundled()) {
            assertThat(tokenizer.sha256()).isEqualTo(bundled.sha256());
            assertThat(tokenizer.encode(" Hello world")).containsExactly(18435, 995);
        }
    }

    @Test
    void tokenizerJsonTakesPrecedenceOverVocabAndMerges() throws IOException {
        writeGeneratedTokenizerJson(temp);
        Files.writeString(temp.resolve("vocab.json"), "broken");
        Files.writeString(temp.resolve("merges.txt"), "broken");
        try (Gpt2Tokenizer tokenizer = Gpt2Tokenizer.forCheckpoint(temp)) {
            assertThat(tokenizer.encode(" Hello world")).containsExactly(18435, 995);
        }
    }

    @Test
    void changedVocabularyChangesTheHash() throws IOException {
        writeOriginalVocabularyFiles(temp);
        List<String> merges = Files.readAllLines(temp.resolve("merges.txt"), StandardCharsets.UTF_8);
        Files.write(temp.resolve("merges.txt"), merges.subList(0, merges.size() - 1), StandardCharsets.UTF_8);
        try (Gpt2Tokenizer shorter = Gpt2Tokenizer.forCheckpoint(temp);
                Gpt2Tokenizer bundled = Gpt2Tokenizer.bundled()) {
            assertThat(shorter.sha256()).isNotEqualTo(bundled.sha256());
        }
    }

    @Test
    void malformedTokenizerJsonNamesTheFile() throws IOException {
        Path file = temp.resolve("tokenizer.json");
        Files.writeString(file, "{\"model\": {\"type\": \"BPE\", \"vocab\": ");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void tokenizerJsonWithoutModelNamesTheFile() throws IOException {
        Path file = temp.resolve("tokenizer.json");
        Files.writeString(file, "{\"version\": \"1.0\"}");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("model");
    }

    @Test
    void tokenizerJsonRejectedByHuggingFaceNamesTheFile() throws IOException {
        writeGeneratedTokenizerJson(temp);
        Path file = temp.resolve("tokenizer.json");
        String json = Files.readString(file).replace(
                "\"pre_tokenizer\":{\"type\":\"ByteLevel\"", "\"pre_tokenizer\":{\"type\":\"NoSuchPreTokenizer\"");
        assertThat(json).contains("NoSuchPreTokenizer");
        Files.writeString(file, json);
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("rejected by Hugging Face tokenizers");
    }

    @Test
    void malformedVocabJsonNamesTheFile() throws IOException {
        writeOriginalVocabularyFiles(temp);
        Path vocab = temp.resolve("vocab.json");
        Files.writeString(vocab, "[\"not\", \"an\", \"object\"]");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(vocab.toString())
                .hasMessageContaining("expected a JSON object");

        Files.writeString(vocab, "{\"a\": 0, \"b\": \"one\"}");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(vocab.toString())
                .hasMessageContaining("\"b\"");

        Files.writeString(vocab, "{\"a\": 0,");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(vocab.toString())
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void malformedMergesNameTheFileAndLine() throws IOException {
        writeOriginalVocabularyFiles(temp);
        Path merges = temp.resolve("merges.txt");
        Files.writeString(merges, "#version: 0.2\nĠ t\nthree parts here\n");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(merges.toString())
                .hasMessageContaining("line 3");

        Files.writeString(merges, "#version: 0.2\nĠ t\nqqqzz xx\n");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(merges.toString())
                .hasMessageContaining("line 3")
                .hasMessageContaining("qqqzz");
    }

    @Test
    void vocabWithoutMergesIsAnError() throws IOException {
        writeOriginalVocabularyFiles(temp);
        Files.delete(temp.resolve("merges.txt"));
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(temp))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining("merges.txt");
    }

    @Test
    void missingDirectoryIsAnError() {
        Path missing = temp.resolve("nope");
        assertThatThrownBy(() -> Gpt2Tokenizer.forCheckpoint(missing))
                .isInstanceOf(TokenizerException.class)
                .hasMessageContaining(missing.toString());
    }
}
