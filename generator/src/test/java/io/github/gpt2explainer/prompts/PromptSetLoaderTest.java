package io.github.gpt2explainer.prompts;

import static io.github.gpt2explainer.prompts.PromptDirs.prompt;
import static io.github.gpt2explainer.prompts.PromptDirs.site;
import static io.github.gpt2explainer.prompts.PromptDirs.valid;
import static io.github.gpt2explainer.prompts.PromptDirs.validPrompt;
import static io.github.gpt2explainer.prompts.PromptDirs.with;
import static io.github.gpt2explainer.prompts.PromptDirs.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptSetLoaderTest {

    @TempDir
    Path dir;

    private List<Problem> problems() {
        PromptSetException e = catchThrowableOfType(PromptSetException.class, () -> PromptSetLoader.load(dir));
        assertThat(e).as("the load should fail").isNotNull();
        return e.problems();
    }

    /** Exactly one problem, in {@code file} at {@code line}, whose message contains every fragment. */
    private void assertSingleProblem(Path file, int line, String... fragments) {
        List<Problem> found = problems();
        assertThat(found).as("problems: %s", found).hasSize(1);
        Problem p = found.get(0);
        assertThat(p.file()).isEqualTo(file);
        assertThat(p.line()).as("line of %s", p).isEqualTo(line);
        for (String fragment : fragments) {
            assertThat(p.message()).contains(fragment);
        }
    }

    // ---- a good set --------------------------------------------------------------------------------

    @Test
    void validSetLoadsWithRawAndEffectiveValuesKeptApart() {
        site(dir);
        validPrompt(dir, "zeta");
        prompt(dir, "alpha", with(valid("alpha"), "temperatures: [1.5, 0]", "top_k: 40", "seed: -7",
                "language: zh", "tags: [facts, memory]", "max_new_tokens: 4", "top_p: 0.9"));
        PromptSet set = PromptSetLoader.load(dir);

        assertThat(set.ids()).containsExactly("alpha", "zeta");
        SiteSettings s = set.settings();
        assertThat(s.title()).containsEntry("en", "Test site").containsEntry("zh", "测试站点");
        assertThat(s.model()).isEqualTo("openai-community/gpt2");
        assertThat(s.temperatures()).containsExactly(0.0, 0.3, 0.8, 1.2, 2.0);
        assertThat(s.topK()).isZero();
        assertThat(s.topP()).isEqualTo(1.0);
        assertThat(s.seed()).isEqualTo(1234L);
        assertThat(s.languages()).containsExactly("en", "zh");

        PromptSpec zeta = set.prompt("zeta").orElseThrow();
        assertThat(zeta.text()).isEqualTo("Hello, world");
        assertThat(zeta.title("zh")).isEqualTo("你好");
        assertThat(zeta.note("en")).isEqualTo("Look at the last position.");
        assertThat(zeta.note("zh")).isEqualTo("看最后一个位置。");
        assertThat(zeta.temperatures()).isNull();
        assertThat(zeta.topK()).isNull();
        assertThat(zeta.seed()).isNull();
        assertThat(zeta.textLine()).isEqualTo(3);
        EffectivePrompt z = zeta.effective(s);
        assertThat(z.temperatures()).containsExactly(0.0, 0.3, 0.8, 1.2, 2.0);
        assertThat(z.maxNewTokens()).isEqualTo(16);
        assertThat(z.seed()).isEqualTo(1234L);
        assertThat(z.topK()).isZero();
        assertThat(z.topP()).isEqualTo(1.0);
        assertThat(z.language()).isEqualTo("en");

        EffectivePrompt a = set.effectivePrompts().get(0);
        assertThat(a.id()).isEqualTo("alpha");
        assertThat(a.spec().temperatures()).containsExactly(1.5, 0.0); // raw, as written
        assertThat(a.temperatures()).containsExactly(0.0, 1.5);       // effective, ascending
        assertThat(a.topK()).isEqualTo(40);
        assertThat(a.topP()).isEqualTo(0.9);
        assertThat(a.seed()).isEqualTo(-7L);
        assertThat(a.maxNewTokens()).isEqualTo(4);
        assertThat(a.language()).isEqualTo("zh");
        assertThat(a.spec().tags()).containsExactly("facts", "memory");
    }

    @Test
    void plainStringTitleMeansEnglishAndSuffices() {
        write(dir, "site.yaml", PromptDirs.SITE.replace("languages: [en, zh]", "languages: [en]")
                .replace("  zh: 测试站点\n", ""));
        write(dir, "one.md", "---\nid: one\ntext: Hi\ntitle: Just English\n---\n<!-- lang: en -->\nNote.\n");
        PromptSet set = PromptSetLoader.load(dir);
        assertThat(set.prompts().get(0).titles()).containsExactly(java.util.Map.entry("en", "Just English"));
    }

    @Test
    void readmeHiddenFilesAreIgnored() {
        site(dir);
        validPrompt(dir, "one");
        write(dir, "README.md", "# Prompts\nNot a prompt.\n");
        write(dir, ".hidden.swp", "junk");
        assertThat(PromptSetLoader.load(dir).ids()).containsExactly("one");
    }

    // ---- front matter syntax -----------------------------------------------------------------------

    @Test
    void yamlSyntaxErrorIsReportedAtItsFileLine() {
        site(dir);
        Path file = prompt(dir, "broken", "id: broken", "text: \"Hello", "title: x");
        // The unclosed quote starts on file line 3 (line 2 of the front matter).
        assertSingleProblem(file, 3, "YAML syntax error", "quoted scalar");
    }

    @Test
    void badIndentationIsASyntaxError() {
        site(dir);
        Path file = prompt(dir, "indent", "id: indent", "text: Hi", "  oops: 1");
        List<Problem> found = problems();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).file()).isEqualTo(file);
        assertThat(found.get(0).line()).isEqualTo(4);
        assertThat(found.get(0).message()).startsWith("YAML syntax error");
    }

    @Test
    void fileWithoutFrontMatter() {
        site(dir);
        Path file = write(dir, "bare.md", "# Just markdown\n");
        assertSingleProblem(file, 1, "must start with a '---' line", "# Just markdown");
    }

    @Test
    void frontMatterNeverClosed() {
        site(dir);
        Path file = write(dir, "open.md", "---\nid: open\ntext: Hi\n");
        assertSingleProblem(file, 1, "never closed");
    }

    @Test
    void duplicateKey() {
        site(dir);
        Path file = prompt(dir, "dup", with(valid("dup"), "text: again"));
        assertSingleProblem(file, 7, "key 'text' appears twice", "first on line 3");
    }

    @Test
    void unknownKeyIsNamedAndTheKnownKeysListed() {
        site(dir);
        Path file = prompt(dir, "typo", with(valid("typo"), "temprature: 0.8"));
        assertSingleProblem(file, 7, "unknown key 'temprature'", "known keys are id, text, title, temperatures");
    }

    // ---- text and id -------------------------------------------------------------------------------

    @Test
    void missingText() {
        site(dir);
        Path file = prompt(dir, "notext", "id: notext", "title: {en: A, zh: 甲}");
        assertSingleProblem(file, 1, "missing required key 'text'");
    }

    @Test
    void emptyText() {
        site(dir);
        Path file = prompt(dir, "blank", "id: blank", "title: {en: A, zh: 甲}", "text: \"   \"");
        assertSingleProblem(file, 4, "'text' is empty");
    }

    @Test
    void textWithNoValue() {
        site(dir);
        Path file = prompt(dir, "novalue", "id: novalue", "title: {en: A, zh: 甲}", "text:");
        assertSingleProblem(file, 4, "'text' is empty");
    }

    @Test
    void negativeZeroTemperatureIsGreedyAndCountsAsARepeatOfZero() {
        site(dir);
        prompt(dir, "z", with(valid("z"), "temperatures: [-0.0, 0.8]"));
        PromptSet set = PromptSetLoader.load(dir);
        assertThat(Double.doubleToRawLongBits(set.prompts().get(0).temperatures().get(0))).isZero();
        PromptDirs.write(dir, "z.md", "---\n" + String.join("\n", with(valid("z"), "temperatures: [0, -0.0]"))
                + "\n---\n" + PromptDirs.NOTES);
        assertSingleProblem(dir.resolve("z.md"), 7, "0.0 is listed twice");
    }

    @Test
    void textThatIsNotAString() {
        site(dir);
        Path file = prompt(dir, "num", "id: num", "title: {en: A, zh: 甲}", "text: 42");
        assertSingleProblem(file, 4, "'text' must be text, found 42", "quotes");
    }

    @Test
    void missingId() {
        site(dir);
        Path file = prompt(dir, "noid", "text: Hi", "title: {en: A, zh: 甲}");
        assertSingleProblem(file, 1, "missing required key 'id'");
    }

    @Test
    void idNotMatchingTheFileName() {
        site(dir);
        Path file = prompt(dir, "file-name", valid("other-name"));
        assertSingleProblem(file, 2, "\"other-name\" does not match the file name", "file-name.md");
    }

    @Test
    void idWithCharactersNotAllowedInAUrl() {
        site(dir);
        Path file = prompt(dir, "Bad_Id", valid("Bad_Id"));
        assertSingleProblem(file, 2, "\"Bad_Id\" may use only lowercase letters a-z, digits and '-'");
    }

    @Test
    void duplicateIds() {
        site(dir);
        Path first = validPrompt(dir, "same");
        Path second = prompt(dir, "zz-copy", valid("same"));
        List<Problem> found = problems();
        assertThat(found).extracting(Problem::file).containsOnly(second);
        assertThat(found).extracting(Problem::line).containsOnly(2);
        assertThat(found).extracting(Problem::message).anySatisfy(m ->
                assertThat(m).contains("duplicate id \"same\"").contains(first.toString()));
        assertThat(found).extracting(Problem::message).anySatisfy(m ->
                assertThat(m).contains("does not match the file name"));
    }

    // ---- generation settings -----------------------------------------------------------------------

    @Test
    void negativeTemperatureReportedAtItsOwnLine() {
        site(dir);
        Path file = prompt(dir, "temps", with(valid("temps"), "temperatures:", "  - 0.5", "  - -1"));
        assertSingleProblem(file, 9, "temperature #2", "must be a finite number >= 0", "found -1");
    }

    @Test
    void temperatureThatIsNaN() {
        site(dir);
        Path file = prompt(dir, "nan", with(valid("nan"), "temperatures: [0, .nan]"));
        assertSingleProblem(file, 7, "temperature #2", "found NaN");
    }

    @Test
    void temperatureThatIsAString() {
        site(dir);
        Path file = prompt(dir, "hot", with(valid("hot"), "temperatures: [0, hot, \"0.8\"]"));
        List<Problem> found = problems();
        assertThat(found).hasSize(2).allSatisfy(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(7);
        });
        assertThat(found.get(0).message()).contains("temperature #2").contains("the text \"hot\"");
        assertThat(found.get(1).message()).contains("temperature #3").contains("the text \"0.8\"");
    }

    @Test
    void temperaturesEmptyOrRepeatedOrNotAList() {
        site(dir);
        Path empty = prompt(dir, "empty", with(valid("empty"), "temperatures: []"));
        Path twice = prompt(dir, "twice", with(valid("twice"), "temperatures: [0.8, 0, 0.80]"));
        Path scalar = prompt(dir, "scalar", with(valid("scalar"), "temperatures: 0.8"));
        List<Problem> found = problems();
        assertThat(found).hasSize(3);
        assertThat(found).anySatisfy(p -> assertThat(p).isEqualTo(new Problem(empty, 7,
                "'temperatures' must be a non-empty list of numbers >= 0 such as [0, 0.8], found a list")));
        assertThat(found).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(twice);
            assertThat(p.message()).contains("0.8 is listed twice");
        });
        assertThat(found).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(scalar);
            assertThat(p.message()).contains("found 0.8");
        });
    }

    @Test
    void topPOutsideZeroToOne() {
        site(dir);
        Path zero = prompt(dir, "zero", with(valid("zero"), "top_p: 0"));
        Path big = prompt(dir, "big", with(valid("big"), "top_p: 1.5"));
        Path text = prompt(dir, "text", with(valid("text"), "top_p: \"0.9\""));
        List<Problem> found = problems();
        assertThat(found).containsExactly(
                new Problem(big, 7, "'top_p' must be a number greater than 0 and at most 1 (1.0 = off), found 1.5"),
                new Problem(text, 7, "'top_p' must be a number greater than 0 and at most 1 (1.0 = off), "
                        + "found the text \"0.9\""),
                new Problem(zero, 7, "'top_p' must be a number greater than 0 and at most 1 (1.0 = off), found 0"));
    }

    @Test
    void topKBelowOne() {
        site(dir);
        Path file = prompt(dir, "k", with(valid("k"), "top_k: 0"));
        assertSingleProblem(file, 7, "'top_k' must be a whole number >= 1", "leave the key out", "found 0");
    }

    @Test
    void maxNewTokensZeroOrHuge() {
        site(dir);
        Path zero = prompt(dir, "none", with(valid("none"), "max_new_tokens: 0"));
        Path huge = prompt(dir, "huge", with(valid("huge"), "max_new_tokens: 257"));
        List<Problem> found = problems();
        assertThat(found).containsExactly(
                new Problem(huge, 7, "'max_new_tokens' must be a whole number from 1 to 256, found 257"),
                new Problem(zero, 7, "'max_new_tokens' must be a whole number from 1 to 256, found 0"));
    }

    @Test
    void seedNotAnInteger() {
        site(dir);
        Path fraction = prompt(dir, "fraction", with(valid("fraction"), "seed: 4.5"));
        Path text = prompt(dir, "text", with(valid("text"), "seed: abc"));
        Path huge = prompt(dir, "huge", with(valid("huge"), "seed: 99999999999999999999"));
        List<Problem> found = problems();
        String rule = "'seed' must be a whole number that fits in 64 bits, found ";
        assertThat(found).containsExactly(
                new Problem(fraction, 7, rule + "4.5"),
                new Problem(huge, 7, rule + "99999999999999999999"),
                new Problem(text, 7, rule + "the text \"abc\""));
    }

    @Test
    void badLanguageCodeAndTags() {
        site(dir);
        Path file = prompt(dir, "lt", with(valid("lt"), "language: English", "tags: [ok, Not OK]"));
        List<Problem> found = problems();
        assertThat(found).containsExactly(
                new Problem(file, 7, "'language' must be a lowercase language code such as en or zh, found \"English\""),
                new Problem(file, 8, "item #2 of 'tags' must be a word of lowercase letters, digits and '-', "
                        + "found the text \"Not OK\""));
    }

    // ---- titles and notes --------------------------------------------------------------------------

    @Test
    void missingChineseTitle() {
        site(dir);
        Path file = prompt(dir, "t", "id: t", "text: Hi", "title:", "  en: Only English");
        assertSingleProblem(file, 4, "missing title for language 'zh'");
    }

    @Test
    void plainStringTitleLacksChineseWhenTheSiteNeedsIt() {
        site(dir);
        Path file = prompt(dir, "t", "id: t", "text: Hi", "title: Only English");
        assertSingleProblem(file, 4, "missing title for language 'zh'");
    }

    @Test
    void titleInAnUnknownLanguage() {
        site(dir);
        Path file = prompt(dir, "t", with(valid("t"), "  fr: Bonjour"));
        assertSingleProblem(file, 7, "unknown language 'fr' in 'title'", "[en, zh]");
    }

    @Test
    void missingTitle() {
        site(dir);
        Path file = prompt(dir, "t", "id: t", "text: Hi");
        assertSingleProblem(file, 1, "missing required key 'title'");
    }

    @Test
    void missingChineseNote() {
        site(dir);
        Path file = write(dir, "n.md", "---\nid: n\ntext: Hi\ntitle: {en: A, zh: 甲}\n---\n"
                + "<!-- lang: en -->\nEnglish only.\n");
        assertSingleProblem(file, 6, "missing note for language 'zh'", "<!-- lang: zh -->");
    }

    @Test
    void emptyNote() {
        site(dir);
        Path file = write(dir, "n.md", "---\nid: n\ntext: Hi\ntitle: {en: A, zh: 甲}\n---\n"
                + "<!-- lang: en -->\nEnglish.\n<!-- lang: zh -->\n\n   \n");
        assertSingleProblem(file, 8, "the note for language 'zh' is empty");
    }

    @Test
    void noteInAnUnknownLanguage() {
        site(dir);
        Path file = write(dir, "n.md", "---\nid: n\ntext: Hi\ntitle: {en: A, zh: 甲}\n---\n" + PromptDirs.NOTES
                + "<!-- lang: fr -->\nFrançais.\n");
        assertSingleProblem(file, 11, "unknown language 'fr' in the note marker");
    }

    @Test
    void secondNoteForTheSameLanguage() {
        site(dir);
        Path file = write(dir, "n.md", "---\nid: n\ntext: Hi\ntitle: {en: A, zh: 甲}\n---\n" + PromptDirs.NOTES
                + "<!-- lang: en -->\nAgain.\n");
        assertSingleProblem(file, 11, "a second note for language 'en'", "first starts on line 6");
    }

    @Test
    void textBeforeTheFirstMarker() {
        site(dir);
        Path file = write(dir, "n.md", "---\nid: n\ntext: Hi\ntitle: {en: A, zh: 甲}\n---\n\nStray words.\n"
                + PromptDirs.NOTES);
        assertSingleProblem(file, 7, "text before the first note marker");
    }

    @Test
    void malformedMarker() {
        site(dir);
        Path file = write(dir, "n.md", "---\nid: n\ntext: Hi\ntitle: {en: A, zh: 甲}\n---\n" + PromptDirs.NOTES
                + "<!-- lang en -->\n");
        assertSingleProblem(file, 11, "malformed note marker \"<!-- lang en -->\"");
    }

    @Test
    void invalidUtf8() throws Exception {
        site(dir);
        Path file = dir.resolve("bytes.md");
        Files.write(file, new byte[] {'-', '-', '-', '\n', (byte) 0xC3, (byte) 0x28, '\n'});
        assertSingleProblem(file, 0, "not valid UTF-8");
    }

    // ---- the directory and site.yaml ---------------------------------------------------------------

    @Test
    void missingDirectory() {
        Path absent = dir.resolve("nope");
        PromptSetException e = catchThrowableOfType(PromptSetException.class, () -> PromptSetLoader.load(absent));
        assertThat(e.problems()).containsExactly(new Problem(absent, 0, "the prompt directory does not exist"));
    }

    @Test
    void emptyDirectory() {
        site(dir);
        assertSingleProblem(dir, 0, "no prompts");
    }

    @Test
    void unexpectedFileIsReportedNotSkipped() {
        site(dir);
        validPrompt(dir, "one");
        Path stray = write(dir, "two.yml", "id: two\n");
        assertSingleProblem(stray, 0, "unexpected file", "<id>.md");
    }

    @Test
    void missingSiteSettings() {
        validPrompt(dir, "one");
        assertSingleProblem(dir.resolve("site.yaml"), 0, "missing site settings file site.yaml");
    }

    @Test
    void siteYamlSyntaxErrorWithItsLine() {
        write(dir, "site.yaml", PromptDirs.SITE.replace("temperatures: [0.8, 0, 2.0, 0.3, 1.2]",
                "temperatures: [0.8, 0"));
        validPrompt(dir, "one");
        Path site = dir.resolve("site.yaml");
        assertSingleProblem(site, 5, "YAML syntax error");
    }

    @Test
    void siteYamlValueProblemsWithTheirLines() {
        write(dir, "site.yaml", PromptDirs.SITE
                .replace("top_p: 1.0", "top_p: 2")
                .replace("max_new_tokens: 16", "max_new_tokens: 0")
                + "colour: blue\n");
        validPrompt(dir, "one");
        Path site = dir.resolve("site.yaml");
        List<Problem> found = problems();
        assertThat(found).extracting(Problem::file).containsOnly(site);
        assertThat(found).extracting(Problem::line).containsExactly(6, 7, 9);
        assertThat(found.get(2).message()).contains("unknown key 'colour'")
                .contains("title, model, languages, temperatures, max_new_tokens, top_k, top_p, seed");
    }

    @Test
    void siteYamlHandoutsAreCompactUnlessFullIsAskedForAndAnyOtherValueIsAProblem() {
        site(dir);
        validPrompt(dir, "one");
        assertThat(PromptSetLoader.load(dir).settings().handouts()).isEqualTo(SiteSettings.Handouts.COMPACT);
        write(dir, "site.yaml", PromptDirs.SITE + "handouts: full\n");
        assertThat(PromptSetLoader.load(dir).settings().handouts()).isEqualTo(SiteSettings.Handouts.FULL);
        write(dir, "site.yaml", PromptDirs.SITE + "handouts: all\n");
        assertSingleProblem(dir.resolve("site.yaml"), PromptDirs.SITE.split("\n").length + 1,
                "'handouts' must be compact", "or full", "found \"all\"");
    }

    @Test
    void attributionMaxTokensIsAWholeNumberAndReachesEveryPrompt() {
        write(dir, "site.yaml", PromptDirs.SITE + "attribution_max_tokens: -1\n");
        validPrompt(dir, "one");
        assertSingleProblem(dir.resolve("site.yaml"), 9, "attribution_max_tokens", ">= 0");

        write(dir, "site.yaml", PromptDirs.SITE + "attribution_max_tokens: 12\n");
        EffectivePrompt limited = PromptSetLoader.load(dir).effectivePrompts().get(0);
        assertThat(limited.attributionMaxTokens()).isEqualTo(12);
        assertThat(limited.attributes(12)).isTrue();
        assertThat(limited.attributes(13)).isFalse();

        write(dir, "site.yaml", PromptDirs.SITE);
        EffectivePrompt every = PromptSetLoader.load(dir).effectivePrompts().get(0);
        assertThat(every.attributes(1024)).as("the key left out: every prompt").isTrue();
        assertThat(every.contentHash()).isNotEqualTo(limited.contentHash());
    }

    @Test
    void siteYamlMissingRequiredKeys() {
        write(dir, "site.yaml", "title: {en: T, zh: 标题}\nlanguages: [en, zh]\n");
        validPrompt(dir, "one");
        List<Problem> found = problems();
        assertThat(found).extracting(Problem::message).containsExactlyInAnyOrder(
                "missing required key 'temperatures' (for example [0, 0.3, 0.8, 1.2, 2.0])",
                "missing required key 'max_new_tokens'",
                "missing required key 'seed'");
        assertThat(found).extracting(Problem::line).containsOnly(1);
    }

    @Test
    void siteYamlTitleMissingALanguage() {
        write(dir, "site.yaml", PromptDirs.SITE.replace("  zh: 测试站点\n", ""));
        validPrompt(dir, "one");
        assertSingleProblem(dir.resolve("site.yaml"), 1, "missing title for language 'zh'");
    }

    // ---- everything at once ------------------------------------------------------------------------

    @Test
    void allProblemsOfTheSetAreReportedTogetherSortedAndNumbered() {
        write(dir, "site.yaml", PromptDirs.SITE.replace("seed: 1234", "seed: one"));
        Path a = prompt(dir, "a", with(valid("a"), "top_p: 3", "top_k: -1"));
        Path b = prompt(dir, "b", "id: b", "title: {en: B, zh: 乙}");
        validPrompt(dir, "c");
        Path stray = write(dir, "notes.txt", "hello");
        Path site = dir.resolve("site.yaml");

        PromptSetException e = catchThrowableOfType(PromptSetException.class, () -> PromptSetLoader.load(dir));
        assertThat(e.problems()).extracting(Problem::file, Problem::line).containsExactly(
                org.assertj.core.groups.Tuple.tuple(a, 7),
                org.assertj.core.groups.Tuple.tuple(a, 8),
                org.assertj.core.groups.Tuple.tuple(b, 1),
                org.assertj.core.groups.Tuple.tuple(stray, 0),
                org.assertj.core.groups.Tuple.tuple(site, 8));
        String nl = System.lineSeparator();
        assertThat(e.getMessage())
                .startsWith("5 problems in the prompt set:" + nl + "  1. " + a + ":7: 'top_p'")
                .contains(nl + "  3. " + b + ":1: missing required key 'text'")
                .contains(nl + "  4. " + stray + ": unexpected file")
                .contains(nl + "  5. " + site + ":8: 'seed' must be a whole number");
    }

    // ---- hidden characters, anchors and aliases (issue 13) --------------------------------------------

    @Test
    void nulAndRightToLeftOverrideInATitleAreRejectedAtTheirLine() {
        site(dir);
        Path file = prompt(dir, "alpha", "id: alpha", "text: \"Hello\"", "title:", "  en: \"Hel\\0lo\"",
                "  zh: \"abc\\u202Eexe.txt\"");

        List<Problem> found = problems();

        assertThat(found).extracting(Problem::file).containsOnly(file);
        assertThat(found).extracting(Problem::line).containsExactly(5, 6);
        assertThat(found.get(0).message()).contains("'title.en'", "U+0000 (null)", "character 4",
                "control characters other than tab and newline", "Hel\\x00lo");
        assertThat(found.get(1).message()).contains("'title.zh'", "U+202E (right-to-left override)", "character 4",
                "bidirectional", "abc\\u202Eexe.txt");
        assertThat(found).allSatisfy(p -> assertThat(p.toString()).doesNotContain("\u0000", "\u202E"));
    }

    @Test
    void controlCharactersInTextIdAndNotesAreRejectedButTabAndNewlineAreNot() {
        site(dir);
        Path escaped = prompt(dir, "alpha", "id: \"\\e]0;PWNED\\a\\e[2J\"", "text: \"one\\x01two\"", "title: {en: A, zh: B}");
        Path ok = prompt(dir, "beta", "id: beta", "text: \"tab\\there\\nnew line \u200Fmark\"",
                "title: {en: A, zh: B}");
        Path isolate = write(dir, "gamma.md", "---\nid: gamma\ntext: \"x\"\ntitle: {en: A, zh: B}\n---\n"
                + "<!-- lang: en -->\nfine\nnot \u2067fine\n<!-- lang: zh -->\n好\n");

        List<Problem> found = problems();

        assertThat(found).extracting(Problem::file).doesNotContain(ok);
        assertThat(found).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(escaped);
            assertThat(p.line()).isEqualTo(2);
            assertThat(p.message()).contains("'id'", "U+001B", "\\x1B]0;PWNED\\x07\\x1B[2J");
        });
        assertThat(found).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(escaped);
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.message()).contains("'text'", "U+0001");
        });
        assertThat(found).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(isolate);
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.message()).contains("note", "U+2067");
        });
        assertThat(found).hasSize(3);
    }

    @Test
    void yamlAnchorsAndAliasesAreRejectedNotResolvedToTheirNames() {
        site(dir);
        Path file = prompt(dir, "alpha", "id: alpha", "text: &t \"hello\"", "title:", "  en: *t", "  zh: \"*t\"");

        List<Problem> found = problems();

        assertThat(found).extracting(Problem::line).containsExactly(3, 5);
        assertThat(found).extracting(Problem::file).containsOnly(file);
        assertThat(found.get(0).message()).contains("'&t' is a YAML anchor");
        assertThat(found.get(1).message()).contains("'*t' is a YAML alias");
    }

    @Test
    void anchorsOnMappingsAndMergeKeysInSiteYamlAreRejectedToo() {
        write(dir, "site.yaml", PromptDirs.SITE.replace("title:", "title: &names").replace("seed: 1234",
                "seed: 1234\nextra:\n  <<: *names"));
        validPrompt(dir, "alpha");

        List<Problem> found = problems();

        assertThat(found).anySatisfy(p -> assertThat(p.toString()).contains("site.yaml:1:", "'&names' is a YAML anchor"));
        assertThat(found).anySatisfy(p -> assertThat(p.toString()).contains("site.yaml:10:", "'*names' is a YAML alias"));
    }
}
