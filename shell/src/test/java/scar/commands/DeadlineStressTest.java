package scar.commands;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeadlineTest's proot case many times in one JVM, to catch a kill that leaves a process
 * behind once in dozens of runs. Off by default: {@code -Dscar.stress=true}.
 */
@EnabledIfSystemProperty(named = "scar.stress", matches = "true")
class DeadlineStressTest {
    @TempDir
    Path dir;

    @RepeatedTest(40)
    void theProotDeadlineCaseLeavesNoProcessBehindEveryTime(RepetitionInfo repetition) throws Exception {
        DeadlineTest test = new DeadlineTest();
        test.home = Files.createDirectory(dir.resolve("run" + repetition.getCurrentRepetition()));
        try {
            test.aScriptWhoseBackgroundSleepsOutliveTheDeadlineLeavesNoProcessBehind("proot");
        } finally {
            test.closeSessions();
        }
    }
}
