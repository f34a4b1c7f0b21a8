package io.github.gpt2explainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.gpt2explainer.text.DeepMarkdown;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 items 4 and 6 through the command line: text from prompt files and servers never reaches the
 * terminal as escape sequences, and Markdown nested too deeply is an input error from check and build.
 */
class HostileTextTest {

    /** Retitles the terminal window, then clears the screen, when printed raw. */
    static final String PWNED = "\u001b]0;PWNED\u0007\u001b[2J";
    static final String PWNED_ESCAPED = "\\x1B]0;PWNED\\x07\\x1B[2J";

    @TempDir
    Path tmp;

    TestSite site;
    TestSite.RenderingPipeline pipeline;
    Wiring wiring;
    HttpServer server;

    @BeforeEach
    void setUp() {
        site = new TestSite(tmp.resolve("project"));
        pipeline = new TestSite.RenderingPipeline();
        wiring = new Wiring(Cli.emptyHubEnvironment(tmp), pipeline);
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** No character a terminal could act on: only printable text, newlines and tabs. */
    static void assertTerminalSafe(String output) {
        assertThat(output.codePoints().filter(c -> (Character.isISOControl(c) && c != '\n' && c != '\t')
                || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)).toArray())
                .as("control characters in:%n%s", output).isEmpty();
    }

    private Cli.Result check() {
        return Cli.run(wiring, "check", "--prompts", site.prompts.toString(), "--templates", site.templates.toString());
    }

    private void writeNote(String id, String enNote) {
        TestSite.write(site.prompts.resolve(id + ".md"), String.join("\n", "---", "id: " + id, "text: \"Hello\"",
                "title: {en: A, zh: B}", "---", "<!-- lang: en -->", enNote, "<!-- lang: zh -->", "好", ""));
    }

    @Test
    void checkShowsEscapeSequencesInAnIdAndAFileNameEscaped() {
        TestSite.write(site.prompts.resolve("alpha.md"), TestSite.read(site.prompts.resolve("alpha.md"))
                .replace("id: alpha", "id: \"\\e]0;PWNED\\a\\e[2J\""));
        TestSite.write(site.prompts.resolve("evil" + PWNED + ".md"), "not a prompt\n");

        Cli.Result result = check();

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.prompts.resolve("alpha.md") + ":2: 'id'", PWNED_ESCAPED,
                "evil" + PWNED_ESCAPED + ".md");
        assertTerminalSafe(result.err());
        assertTerminalSafe(result.out());
    }

    /**
     * The JDK's HTTP client refuses a header holding ESC itself (its error quotes the header, escaped by the
     * console), but takes the 8-bit C1 controls, which many terminals obey: CSI (0x9B) and OSC (0x9D) ... ST (0x9C).
     */
    @Test
    void aHubErrorMessageWithEscapeSequencesIsShownEscaped() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getResponseHeaders().set("X-Error-Message", "gated \u009d0;PWNED\u009c\u009b2J");
                exchange.sendResponseHeaders(401, -1);
            }
        });
        server.start();
        Map<String, String> env = Map.of("HF_HOME", tmp.resolve("hf-home").toString(),
                "HF_HUB_CACHE", tmp.resolve("hf-cache").toString(),
                "HF_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort());

        Cli.Result result = Cli.run(wiring.withEnvironment(env), "download", "--model", "org/model");

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.MODEL_UNAVAILABLE);
        assertThat(result.err()).contains("The server said: gated \\x9D0;PWNED\\x9C\\x9B2J");
        assertTerminalSafe(result.err());
    }

    @Test
    void aThousandQuoteMarkersAreAnInputErrorFromCheckAndFromBuild() {
        writeNote("alpha", DeepMarkdown.THOUSAND_QUOTES);

        Cli.Result checked = check();
        Cli.Result built = Cli.run(wiring, site.args("build"));

        for (Cli.Result result : new Cli.Result[] {checked, built}) {
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
            assertThat(result.err()).contains(site.prompts.resolve("alpha.md") + ":7: Markdown nested 1000 levels deep")
                    .doesNotContain("StackOverflowError").doesNotContain("\tat ");
        }
        assertThat(pipeline.builds.get()).isZero();
        assertThat(site.out).doesNotExist();
    }

    @Test
    void aListNested1500LevelsIsAnInputErrorFromCheckAndFromBuild() {
        writeNote("alpha", DeepMarkdown.nestedList(1500).strip());

        Cli.Result checked = check();
        Cli.Result built = Cli.run(wiring, site.args("build"));

        for (Cli.Result result : new Cli.Result[] {checked, built}) {
            assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
            // the note starts on line 7; its 65th line is the first nested deeper than 32 levels
            assertThat(result.err()).contains(site.prompts.resolve("alpha.md") + ":71: Markdown nested 33 levels deep");
        }
        assertThat(pipeline.builds.get()).isZero();
    }

    @Test
    void deepProseInTemplatesIsReportedByCheckWithFileAndLine() {
        TestSite.write(site.templates.resolve("prose/en/about.md"), "About\n\n" + DeepMarkdown.THOUSAND_QUOTES + "\n");

        Cli.Result result = check();

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.templates.resolve("prose/en/about.md") + ":3: Markdown nested 1000");
    }

    /** Emphasis nested 10000 times passes the line measure; check renders the note and reports it too. */
    @Test
    void emphasisNestedTooDeeplyForTheRendererIsReportedByCheck() {
        writeNote("alpha", "*".repeat(20_000) + "x" + "*".repeat(20_000));

        Cli.Result result = check();

        assertThat(result.code()).as(result.toString()).isEqualTo(ExitCode.INVALID_INPUT);
        assertThat(result.err()).contains(site.prompts.resolve("alpha.md") + ": the 'en' note: the Markdown nests too"
                + " deeply to render").doesNotContain("StackOverflowError");
    }
}
