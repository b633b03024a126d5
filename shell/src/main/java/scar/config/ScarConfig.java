package scar.config;

/**
 * The effective settings of the {@code [scar]} section of scar.cfg.
 * Values given on a command line always win over these.
 */
public record ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                         int timeoutThresholdSeconds, String region, String role, int batchConcurrency,
                         String profile, String endpointUrl) {

    /** Without a batch_concurrency setting: 0, meaning one invocation per core. */
    public ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                      int timeoutThresholdSeconds, String region, String role) {
        this(target, description, memoryMb, timeoutSeconds, timeoutThresholdSeconds, region, role, 0);
    }

    /** Without AWS profile and endpoint: the SDK's defaults. */
    public ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                      int timeoutThresholdSeconds, String region, String role, int batchConcurrency) {
        this(target, description, memoryMb, timeoutSeconds, timeoutThresholdSeconds, region, role, batchConcurrency,
                "", "");
    }

    /** How many bucket inputs a batch runs at once: batch_concurrency, or the number of cores. */
    public int effectiveBatchConcurrency() {
        return batchConcurrency > 0 ? batchConcurrency : Runtime.getRuntime().availableProcessors();
    }

    public static ScarConfig defaults() {
        return new ScarConfig("local", "Automatically generated lambda function", 128, 300, 10, "us-east-1", "");
    }
}
