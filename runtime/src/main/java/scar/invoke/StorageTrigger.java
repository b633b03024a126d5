package scar.invoke;

/**
 * The object that started an invocation: {@code key} in {@code bucket}, under {@code input/}.
 * The container gets it at {@code $INPUT_FILE_PATH}; what it writes under {@code $TMP_OUTPUT_DIR}
 * goes to the bucket's {@code output/}.
 */
public record StorageTrigger(String bucket, String key) {
    public static final String INPUT_FOLDER = "input/";
    public static final String OUTPUT_FOLDER = "output/";
}
