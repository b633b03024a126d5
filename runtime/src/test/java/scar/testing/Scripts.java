package scar.testing;

/** Container scripts that several tests run. */
public final class Scripts {
    private Scripts() {
    }

    /**
     * Copies its input to the output, except inputs named {@code bad-*}: those leave a partial
     * output, say why on stderr and fail with exit code 4. It matches the file's name, not its
     * path, which holds the request id (a random UUID may contain "bad").
     */
    public static final String PICKY = """
            case "$(basename "$INPUT_FILE_PATH")" in
              bad-*) echo "working on it"; echo "partial" > "$TMP_OUTPUT_DIR/$(basename $INPUT_FILE_PATH).partial";
                     echo "error: cannot parse $(basename $INPUT_FILE_PATH)" >&2; exit 4 ;;
            esac
            cp "$INPUT_FILE_PATH" "$TMP_OUTPUT_DIR/"
            """;
}
