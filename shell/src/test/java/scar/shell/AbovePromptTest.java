package scar.shell;

import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The watcher's reports while the prompt waits: above the prompt, which is drawn again below, the typed text kept. */
class AbovePromptTest {
    @Test
    void aReportWhileThePromptWaitsIsPrintedAboveItAndThePromptComesBackWithTheTypedTextKept() throws Exception {
        PipedOutputStream keys = new PipedOutputStream();
        PipedInputStream in = new PipedInputStream(keys);
        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Terminal terminal = TerminalBuilder.builder().system(false).streams(in, screen).type("dumb")
                .encoding(StandardCharsets.UTF_8).build()) {
            LineReader reader = LineReaderBuilder.builder().terminal(terminal).build();
            List<String> fallback = new ArrayList<>();
            AbovePrompt report = new AbovePrompt(() -> reader, fallback::add);
            CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> reader.readLine("scar> "));
            keys.write("ls -b my".getBytes(StandardCharsets.UTF_8));
            keys.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!screen.toString(StandardCharsets.UTF_8).contains("ls -b my") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }

            report.accept("processed input/a.txt (request 1234): 1 output(s)");
            String marker = "processed input/a.txt (request 1234): 1 output(s)";
            long redrawn = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            String shown = screen.toString(StandardCharsets.UTF_8);
            while (!shown.substring(Math.max(0, shown.indexOf(marker))).contains("scar> ") && System.nanoTime() < redrawn) {
                Thread.sleep(20);
                shown = screen.toString(StandardCharsets.UTF_8);
            }
            keys.write("-bucket\n".getBytes(StandardCharsets.UTF_8));
            keys.flush();

            assertThat(line.get(30, TimeUnit.SECONDS)).as("the typed line is intact").isEqualTo("ls -b my-bucket");
            int at = shown.indexOf("processed input/a.txt (request 1234): 1 output(s)");
            assertThat(at).as(shown).isPositive();
            // the prompt is drawn again below it before the user types on (the typed text stays
            // in the buffer: see above); a plain print would leave the cursor after the report
            assertThat(shown.substring(at)).as(shown).contains("\n").contains("scar> ");
            assertThat(fallback).isEmpty();
        }
    }

    @Test
    void withoutAReaderReportsGoToTheConsole() {
        List<String> fallback = new ArrayList<>();
        new AbovePrompt(() -> null, fallback::add).accept("processed input/b.txt");
        assertThat(fallback).containsExactly("processed input/b.txt");
    }
}
