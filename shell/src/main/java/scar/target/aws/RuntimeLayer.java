package scar.target.aws;

import scar.target.TargetException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.Architecture;
import software.amazon.awssdk.services.lambda.model.LayerVersionsListItem;
import software.amazon.awssdk.services.lambda.model.Runtime;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * scar's shared runtime as one Lambda layer, published once per content: like SCAR's supervisor
 * layer, a version whose description carries the zip's sha256 is reused by every later function,
 * so {@code init} uploads the 12 MB layer only when scar itself changed.
 */
final class RuntimeLayer {
    static final String NAME = "scar-runtime";
    static final String RESOURCE = "/scar/target/aws/scar-layer.zip";
    static final String DESCRIPTION_PREFIX = "scar runtime sha256:";

    private final String resource;
    private byte[] zip;
    private String sha256;

    RuntimeLayer() {
        this(RESOURCE);
    }

    RuntimeLayer(String resource) {
        this.resource = resource;
    }

    /** The hex sha256 of the layer zip this scar carries. */
    synchronized String sha256() {
        load();
        return sha256;
    }

    /** The ARN of a layer version with this content, publishing it if no version has it yet. */
    synchronized String ensure(LambdaClient lambda, AwsSettings settings) {
        load();
        Optional<String> existing = find(lambda, settings);
        if (existing.isPresent()) {
            return existing.get();
        }
        return AwsErrors.call(settings, "lambda:PublishLayerVersion", () -> lambda.publishLayerVersion(b -> b
                .layerName(NAME)
                .description(DESCRIPTION_PREFIX + sha256)
                .content(c -> c.zipFile(SdkBytes.fromByteArray(zip)))
                .compatibleRuntimes(Runtime.JAVA17, Runtime.JAVA21)
                .compatibleArchitectures(Architecture.X86_64)
                .licenseInfo("Apache-2.0 (scar); GPL-2.0 (proot)"))).layerVersionArn();
    }

    private Optional<String> find(LambdaClient lambda, AwsSettings settings) {
        return AwsErrors.call(settings, "lambda:ListLayerVersions", () -> {
            for (var page : lambda.listLayerVersionsPaginator(b -> b.layerName(NAME))) {
                for (LayerVersionsListItem version : page.layerVersions()) {
                    if ((DESCRIPTION_PREFIX + sha256).equals(version.description())) {
                        return Optional.of(version.layerVersionArn());
                    }
                }
            }
            return Optional.<String>empty();
        });
    }

    private void load() {
        if (zip != null) {
            return;
        }
        try (InputStream in = RuntimeLayer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new TargetException("this build of scar has no Lambda layer (" + resource
                        + "); rebuild it with 'mvn package' from the top of the source tree");
            }
            zip = in.readAllBytes();
            sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip));
        } catch (IOException e) {
            throw new TargetException("cannot read scar's Lambda layer: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
