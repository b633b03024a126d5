package scar.config;

/**
 * The effective settings of the {@code [scar]} section of scar.cfg.
 * Values given on a command line always win over these.
 */
public record ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                         int timeoutThresholdSeconds, String region, String role, int logRetentionDays) {
    /** SCAR's default retention of CloudWatch logs. */
    public static final int DEFAULT_LOG_RETENTION_DAYS = 30;

    public ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                      int timeoutThresholdSeconds, String region, String role) {
        this(target, description, memoryMb, timeoutSeconds, timeoutThresholdSeconds, region, role,
                DEFAULT_LOG_RETENTION_DAYS);
    }

    public static ScarConfig defaults() {
        return new ScarConfig("local", "Automatically generated lambda function", 128, 300, 10, "us-east-1", "");
    }
}
