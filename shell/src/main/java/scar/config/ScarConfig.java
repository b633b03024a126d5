package scar.config;

/**
 * The effective settings of the {@code [scar]} section of scar.cfg.
 * Values given on a command line always win over these.
 */
public record ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                         int timeoutThresholdSeconds, String region, String role, String profile,
                         String endpointUrl) {

    /** Without AWS profile and endpoint: the SDK's defaults. */
    public ScarConfig(String target, String description, int memoryMb, int timeoutSeconds,
                      int timeoutThresholdSeconds, String region, String role) {
        this(target, description, memoryMb, timeoutSeconds, timeoutThresholdSeconds, region, role, "", "");
    }

    public static ScarConfig defaults() {
        return new ScarConfig("local", "Automatically generated lambda function", 128, 300, 10, "us-east-1", "");
    }
}
