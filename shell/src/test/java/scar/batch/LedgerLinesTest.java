package scar.batch;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Ledger lines survive any key or error text, and lines written by earlier scars read the same. */
class LedgerLinesTest {
    @Test
    void anEntryWithQuotesNewlinesAndNonAsciiComesBackUnchanged() throws Exception {
        LedgerEntry entry = new LedgerEntry(LedgerEntry.FAILED, "input/un \"fichier\"\tété.txt", "30:1795843818660",
                "e0349e80-3639-44e8-874d-93d4586a68fe", "3588@1795847796250#1eacea83", "exit code 1: error: \\ \"x\"\nnext",
                1795847797404L);

        String line = LedgerLines.format(entry);

        assertThat(line).doesNotContain("\n");
        assertThat(LedgerLines.parse(line)).isEqualTo(entry);
    }

    @Test
    void aLineAsEarlierScarsWroteItIsRead() throws Exception {
        String written = "{\"event\":\"started\",\"key\":\"input/f1.txt\",\"version\":\"30:1795843818660\","
                + "\"requestId\":\"e0349e80-3639-44e8-874d-93d4586a68fe\",\"owner\":\"3588@1795847796250#1eac\","
                + "\"error\":null,\"time\":1795847797404}";

        assertThat(LedgerLines.parse(written)).isEqualTo(new LedgerEntry("started", "input/f1.txt", "30:1795843818660",
                "e0349e80-3639-44e8-874d-93d4586a68fe", "3588@1795847796250#1eac", null, 1795847797404L));
        assertThat(LedgerLines.format(LedgerLines.parse(written))).isEqualTo(written);
    }

    @Test
    void aTornOrIncompleteLineIsRefused() {
        assertThatThrownBy(() -> LedgerLines.parse("{\"event\":\"started\",\"key\":\"in")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> LedgerLines.parse("{\"event\":\"started\"}")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> LedgerLines.parse("{\"event\":\"started\",\"key\":\"k\",\"version\":\"v\",\"owner\":\"o\","
                + "\"time\":\"soon\"}")).isInstanceOf(IOException.class);
    }
}
