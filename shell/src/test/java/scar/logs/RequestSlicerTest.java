package scar.logs;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One request out of a log: by the request id on each line, or (CloudWatch) by START..REPORT in its stream. */
class RequestSlicerTest {
    private static LogEvent tagged(String rid, String message) {
        return new LogEvent(message, "fn", "s", 0, rid, message);
    }

    private static LogEvent untagged(String stream, String message) {
        return new LogEvent(stream + message, "fn", stream, 0, null, message);
    }

    @Test
    void linesTaggedWithRequestIdsComeApartEvenWhenInterleaved() {
        List<LogEvent> log = List.of(tagged("a", "START RequestId: a"), tagged("b", "START RequestId: b"),
                tagged("a", "a1"), tagged("b", "b1"), tagged("a", "REPORT RequestId: a"), tagged("b", "REPORT RequestId: b"));

        assertThat(RequestSlicer.slice(log, "a")).extracting(LogEvent::message)
                .containsExactly("START RequestId: a", "a1", "REPORT RequestId: a");
    }

    @Test
    void untaggedLinesAreTakenFromStartToReportInTheirOwnStream() {
        List<LogEvent> log = List.of(untagged("s1", "before"), untagged("s1", "START RequestId: a Version: $LATEST"),
                untagged("s2", "START RequestId: b Version: $LATEST"), untagged("s1", "a1"), untagged("s2", "b1"),
                untagged("s1", "END RequestId: a"), untagged("s1", "REPORT RequestId: a\tDuration: 1.00 ms"),
                untagged("s1", "after"), untagged("s2", "REPORT RequestId: b\tDuration: 1.00 ms"));

        assertThat(RequestSlicer.slice(log, "a")).extracting(LogEvent::message).containsExactly(
                "START RequestId: a Version: $LATEST", "a1", "END RequestId: a", "REPORT RequestId: a\tDuration: 1.00 ms");
        assertThat(RequestSlicer.slice(log, "b")).extracting(LogEvent::message).containsExactly(
                "START RequestId: b Version: $LATEST", "b1", "REPORT RequestId: b\tDuration: 1.00 ms");
    }

    @Test
    void aRequestIdThatIsOnlyAPrefixOfAnotherIsNotThatOne() {
        List<LogEvent> log = List.of(untagged("s", "START RequestId: abc Version: $LATEST"), untagged("s", "x"),
                untagged("s", "REPORT RequestId: abc\tDuration: 1.00 ms"));

        assertThat(RequestSlicer.slice(log, "ab")).isEmpty();
    }
}
