package scar.target.aws;

import scar.config.ScarConfig;
import scar.target.TargetException;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which AWS account and place the aws target talks to. Clients are made once per distinct
 * settings, so switching profile or region in a session and back reuses them.
 *
 * @param profile  a profile of ~/.aws/config, or null for the SDK's default chain
 * @param region   the region, or null for the SDK's default chain
 * @param endpoint an AWS-compatible endpoint for every service, or null for AWS itself
 */
public record AwsSettings(String profile, String region, URI endpoint) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    public AwsSettings {
        if (profile != null && (!NAME.matcher(profile).matches() || profile.startsWith("."))) {
            throw new TargetException("invalid AWS profile '" + profile + "': use letters, digits, '.', '-' or '_'");
        }
        if (region != null && !REGION.matcher(region).matches()) {
            throw new TargetException("invalid AWS region '" + region + "': use a region name such as us-east-1");
        }
    }

    /**
     * The standard variables first ({@code AWS_PROFILE}, {@code AWS_REGION}/{@code AWS_DEFAULT_REGION},
     * {@code AWS_ENDPOINT_URL}), as in the AWS CLI and the session's settings, then scar.cfg
     * ({@code profile}, {@code lambda_region}, {@code endpoint_url}), then the SDK's own chains.
     */
    public static AwsSettings from(ScarConfig config, Map<String, String> environment) {
        String profile = firstNonBlank(environment.get("AWS_PROFILE"), config.profile());
        String region = firstNonBlank(environment.get("AWS_REGION"), environment.get("AWS_DEFAULT_REGION"),
                config.region());
        String endpoint = firstNonBlank(environment.get("AWS_ENDPOINT_URL"), config.endpointUrl());
        return new AwsSettings(profile, region, endpoint == null ? null : endpoint(endpoint));
    }

    public AwsSettings withProfile(String newProfile) {
        return new AwsSettings(newProfile, region, endpoint);
    }

    public AwsSettings withRegion(String newRegion) {
        return new AwsSettings(profile, newRegion, endpoint);
    }

    /** Where requests go, for messages: the endpoint, or the region. */
    public String where() {
        if (endpoint != null) {
            return endpoint.toString();
        }
        return region == null ? "AWS" : "AWS " + region;
    }

    static URI endpoint(String text) {
        try {
            URI uri = new URI(text.strip());
            boolean http = "http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme());
            if (!http || uri.getHost() == null || uri.getUserInfo() != null || uri.getQuery() != null
                    || uri.getFragment() != null) {
                throw new URISyntaxException(text, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new TargetException("invalid endpoint_url '" + text.strip()
                    + "': use an http(s) URL such as http://127.0.0.1:5000");
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }
}
