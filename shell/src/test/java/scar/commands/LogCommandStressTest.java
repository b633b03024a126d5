package scar.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * LogCommandTest's async case many times in one JVM, to catch a REPORT that never comes once
 * in dozens of runs. Off by default: {@code -Dscar.stress=true}.
 */
@EnabledIfSystemProperty(named = "scar.stress", matches = "true")
class LogCommandStressTest {
    @TempDir
    Path dir;

    @RepeatedTest(30)
    void anAsyncRunIsLoggedToItsReportEveryTime(RepetitionInfo repetition) throws Exception {
        LogCommandTest test = new LogCommandTest();
        test.home = Files.createDirectory(dir.resolve("run" + repetition.getCurrentRepetition()));
        try {
            test.createFunction();
            test.runAsyncReturnsAtOnceAndTheInvocationIsLogged();
        } finally {
            test.closeSessions();
        }
    }
}
