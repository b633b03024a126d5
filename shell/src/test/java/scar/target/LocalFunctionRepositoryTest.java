package scar.target;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scar.invoke.FunctionSpec;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Two shells share one functions folder: what one changes, the other's next listing shows. */
class LocalFunctionRepositoryTest {
    @TempDir
    Path functions;

    private static FunctionSpec function(String name, String image) {
        return new FunctionSpec(name, image, "sha256:" + "b".repeat(64), 512, 300, 10, "", Map.of(), null);
    }

    @Test
    void aFunctionRecreatedByAnotherShellIsListedWithItsNewImage() {
        var mine = new LocalFunctionRepository(functions);
        var other = new LocalFunctionRepository(functions);
        mine.create(function("thumbs", "alpine:3.19"));
        assertThat(mine.list()).extracting(FunctionSpec::image).containsExactly("alpine:3.19");

        other.delete("thumbs");
        other.create(function("thumbs", "debian:12"));

        assertThat(mine.list()).extracting(FunctionSpec::image).containsExactly("debian:12");
        assertThat(mine.find("thumbs")).map(FunctionSpec::image).contains("debian:12");
    }

    @Test
    void aFunctionRemovedByAnotherShellIsGoneFromTheListingAndCannotBeFound() {
        var mine = new LocalFunctionRepository(functions);
        mine.create(function("thumbs", "alpine:3.19"));
        mine.create(function("videos", "alpine:3.19"));
        assertThat(mine.list()).hasSize(2);

        new LocalFunctionRepository(functions).delete("thumbs");

        assertThat(mine.list()).extracting(FunctionSpec::name).containsExactly("videos");
        assertThat(mine.find("thumbs")).isEmpty();
    }
}
