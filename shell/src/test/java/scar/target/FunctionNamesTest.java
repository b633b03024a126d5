package scar.target;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Lambda's function names: nothing that could become a path or another file's name. */
class FunctionNamesTest {
    @Test
    void lettersDigitsDashAndUnderscoreUpTo64AreANameAndNothingElseIs() {
        assertThat(FunctionNames.isValid("thumbs_v2-Final")).isTrue();
        assertThat(FunctionNames.isValid("a".repeat(64))).isTrue();
        assertThat(FunctionNames.isValid("a".repeat(65))).isFalse();
        assertThat(FunctionNames.isValid("")).isFalse();
        assertThat(FunctionNames.isValid(null)).isFalse();
        for (String hostile : new String[]{"..", "../etc", "a/b", "a.json", "a b", "é", "ａ", "a\u0000", "a\n", "-"}) {
            assertThat(FunctionNames.isValid(hostile)).as(hostile).isEqualTo(hostile.equals("-"));
        }
    }
}
