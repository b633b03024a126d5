package scar.config;

/**
 * The effective settings of the {@code [scar]} section of scar.cfg.
 * Values given on a command line always win over these.
 *
 * @param batchConcurrency 0 means one invocation per core
 * @param profile          AWS profile of the aws target; empty for the SDK's default chain
 * @param endpointUrl      an AWS-compatible endpoint; empty for AWS itself
 */
public record ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                         int timeoutThresholdSeconds, String region, String role, int batchConcurrency,
                         int logRetentionDays, String profile, String endpointUrl) {
    /** SCAR's default retention of CloudWatch logs. */
    public static final int DEFAULT_LOG_RETENTION_DAYS = 30;

    /** Without batch_concurrency, log_retention_days, profile and endpoint settings. */
    public ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                      int timeoutThresholdSeconds, String region, String role) {
        this(target, description, memoryMb, timeoutSeconds, timeoutThresholdSeconds, region, role, 0);
    }

    /** Without log_retention_days, profile and endpoint settings: their defaults. */
    public ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                      int timeoutThresholdSeconds, String region, String role, int batchConcurrency) {
        this(target, description, memoryMb, timeoutSeconds, timeoutThresholdSeconds, region, role, batchConcurrency,
                DEFAULT_LOG_RETENTION_DAYS, "", "");
    }

    /** How many bucket inputs a batch runs at once: batch_concurrency, or the number of cores. */
    public int effectiveBatchConcurrency() {
        return batchConcurrency > 0 ? batchConcurrency : Runtime.getRuntime().availableProcessors();
    }

    public static ScarConfig defaults() {
        return new ScarConfig("local", "Automatically generated lambda function", 128, 300, 10, "us-east-1", "");
    }
}
