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

    @Test
    void aFunctionReadsBackExactlyAsItWasWrittenEnvironmentAndScriptIncluded() {
        var repository = new LocalFunctionRepository(functions);
        FunctionSpec written = new FunctionSpec("thumbs", "/images/a \"quoted\" name.tar", "sha256:" + "c".repeat(64), 1024, 900,
                15, "résumé: thumbnails", Map.of("SIZE", "128x128", "EMPTY", "", "QUOTE", "it's \"x\"\n"),
                "#!/bin/sh\nconvert \"$INPUT_FILE_PATH\" -resize 128 \"$TMP_OUTPUT_DIR/out.jpg\"\n");
        repository.create(written);

        assertThat(new LocalFunctionRepository(functions).find("thumbs")).contains(written);
    }

    @Test
    void aDocumentOfAnOlderOrNewerScarIsReadAndADamagedOneIsNamed() throws Exception {
        // as scar wrote it before this reader (Jackson's pretty printer), with a field it does not know
        java.nio.file.Files.writeString(functions.resolve("old.json"), """
                {
                  "name" : "old",
                  "image" : "busybox",
                  "imageId" : "sha256:abc",
                  "memoryMb" : 128,
                  "timeoutSeconds" : 300,
                  "timeoutThresholdSeconds" : 10,
                  "description" : "Automatically generated lambda function",
                  "environment" : { },
                  "initScript" : null,
                  "addedLater" : { "nested" : [1, 2] }
                }
                """);
        java.nio.file.Files.writeString(functions.resolve("bad.json"), "{\"name\": \"bad\", \"memoryMb\": \"lots\"}");
        var repository = new LocalFunctionRepository(functions);

        assertThat(repository.find("old")).contains(
                new FunctionSpec("old", "busybox", "sha256:abc", 128, 300, 10, "Automatically generated lambda function", Map.of(), null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> repository.find("bad"))
                .isInstanceOf(TargetException.class).hasMessageStartingWith("function 'bad' is damaged");
    }
}
