package io.github.gpt2explainer.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process and captures exit code, stdout and stderr. */
final class Cli {

    record Result(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    private Cli() {
    }

    /** An environment whose Hugging Face cache is an empty directory under {@code tmp}, and offline. */
    static Map<String, String> emptyHubEnvironment(Path tmp) {
        return Map.of("HF_HOME", tmp.resolve("hf-home").toString(), "HF_HUB_CACHE", tmp.resolve("hf-cache").toString(),
                "HF_HUB_OFFLINE", "1");
    }

    static Result run(Wiring wiring, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(wiring, new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Result(code, out.toString(), err.toString());
    }
}
