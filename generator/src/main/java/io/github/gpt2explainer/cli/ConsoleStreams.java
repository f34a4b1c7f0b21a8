package io.github.gpt2explainer.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** A PrintStream over the console's writer, for components (the Hub's download progress) that print to streams. */
final class ConsoleStreams {
    private ConsoleStreams() {
    }

    static PrintStream printStream(PrintWriter writer) {
        OutputStream bytes = new OutputStream() {
            private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

            @Override
            public synchronized void write(int b) {
                pending.write(b);
                if (b == '\n' || b == '\r') {
                    flush();
                }
            }

            @Override
            public synchronized void flush() {
                if (pending.size() > 0) {
                    writer.print(pending.toString(StandardCharsets.UTF_8));
                    pending.reset();
                }
                writer.flush();
            }
        };
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
