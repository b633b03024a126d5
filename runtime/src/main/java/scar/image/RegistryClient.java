package scar.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import com.fasterxml.jackson.databind.JsonNode;
import scar.json.SharedMapper;

/**
 * Talks the distribution (v2) registry protocol: anonymous bearer tokens, manifest lists,
 * redirects followed by hand, and a sha256 check of everything it downloads.
 *
 * <p>Redirects are not left to {@link HttpClient} because blob downloads redirect to another host
 * (a CDN or S3) and the registry's bearer token must not be sent there.
 */
public final class RegistryClient {
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    private static final String ACCEPT = String.join(", ", DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX);

    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_MANIFEST_BYTES = 4 << 20;
    private static final int MAX_CONFIG_BYTES = 8 << 20;
    private static final int MAX_LAYERS = 1000;
    private static final Pattern CHALLENGE_PARAM = Pattern.compile("(\\w+)=(?:\"([^\"]*)\"|([^,\\s]*))");

    static {
        // The JDK's client reads a response in 16 KB buffers and wakes its selector (an eventfd
        // write) for each one the reader takes: ~3,000 wakeups for a 50 MB layer, which JFR showed
        // costing the download thread about as much as inflating the layer. 256 KB buffers make
        // that 16 times fewer. The JDK reads this once, when its client classes load: set only if
        // nobody chose a size, and before this class builds its first client.
        if (System.getProperty("jdk.httpclient.bufsize") == null) {
            System.setProperty("jdk.httpclient.bufsize", Integer.toString(256 * 1024));
        }
    }

    private final SchemeClients http;
    private final Duration requestTimeout;
    private final String architecture;
    private final RegistryCredentials credentials;
    private final Retry retry;
    // Authorization header values (bearer tokens, or basic) by registry + repository; tokens are
    // short-lived, so a client is meant to live for one session
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    /** A client for this machine's architecture, with a 10 s connect timeout. */
    public RegistryClient() {
        this(RegistryCredentials.none());
    }

    /**
     * @param http           must not follow redirects itself
     * @param requestTimeout how long to wait for a response's headers
     * @param architecture   OCI architecture to pick from manifest lists, e.g. amd64
     */
    public RegistryClient(HttpClient http, Duration requestTimeout, String architecture) {
        this(http, requestTimeout, architecture, RegistryCredentials.none());
    }

    /** A client for this machine's architecture that logs in with {@code credentials} where a registry asks. */
    public RegistryClient(RegistryCredentials credentials) {
        // TLS is set up only when an https registry is first asked (see SchemeClients)
        this(SchemeClients.lazy(() -> HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)), Duration.ofSeconds(60), hostArchitecture(), credentials,
                Retry.DEFAULT);
    }

    /**
     * @param credentials used only when a registry answers 401: for Basic auth, or to get a
     *                    bearer token; never sent to another host, never shown
     */
    public RegistryClient(HttpClient http, Duration requestTimeout, String architecture, RegistryCredentials credentials) {
        this(http, requestTimeout, architecture, credentials, Retry.DEFAULT);
    }

    /** @param retry how connection resets, 5xx and 429 answers, and stalled downloads are retried */
    public RegistryClient(HttpClient http, Duration requestTimeout, String architecture, RegistryCredentials credentials,
                          Retry retry) {
        this(SchemeClients.of(Objects.requireNonNull(http)), requestTimeout, architecture, credentials, retry);
    }

    private RegistryClient(SchemeClients http, Duration requestTimeout, String architecture, RegistryCredentials credentials,
                           Retry retry) {
        this.retry = Objects.requireNonNull(retry);
        this.http = http;
        this.requestTimeout = Objects.requireNonNull(requestTimeout);
        this.architecture = Objects.requireNonNull(architecture);
        this.credentials = Objects.requireNonNull(credentials);
    }

    /** The OCI name of the JVM's architecture: amd64 for x86_64, arm64 for aarch64. */
    public static String hostArchitecture() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
    }

    /** Fetches and verifies the manifest (resolving lists to this platform) and the config of an image. */
    public RemoteImage resolve(ImageRef ref) {
        Manifest top = fetchManifest(ref, ref.reference());
        if (ref.digest() != null && !ref.digest().equals(top.digest)) {
            throw new ImageException("the manifest of image " + ref.display() + " does not match its digest: expected "
                    + ref.digest() + ", got " + top.digest);
        }
        Manifest manifest = top;
        if (top.isIndex()) {
            String chosen = choosePlatform(ref, top.json);
            manifest = fetchManifest(ref, chosen);
            if (!manifest.digest.equals(chosen)) {
                throw new ImageException("the manifest of image " + ref.display() + " for linux/" + architecture
                        + " does not match its digest: expected " + chosen + ", got " + manifest.digest);
            }
            if (manifest.isIndex()) {
                throw new ImageException("image " + ref.display() + " has a manifest list inside a manifest list; scar does not support that");
            }
        }
        Descriptor configBlob = descriptor(ref, manifest.json.path("config"), "config");
        List<Descriptor> layers = new ArrayList<>();
        JsonNode layersNode = manifest.json.path("layers");
        if (!layersNode.isArray() || layersNode.size() > MAX_LAYERS) {
            throw new ImageException("the manifest of image " + ref.display() + " has no valid layer list");
        }
        for (JsonNode layer : layersNode) {
            Descriptor d = descriptor(ref, layer, "layer");
            if (d.mediaType().contains("foreign")) {
                throw new ImageException("image " + ref.display() + " has foreign (Windows) layers; scar runs linux images only");
            }
            layers.add(d);
        }
        byte[] configBytes = fetchSmallBlob(ref, configBlob, MAX_CONFIG_BYTES);
        ParsedConfig config = ParsedConfig.parse(configBytes, configBlob.digest(), ref.display());
        return new RemoteImage(ref, manifest.digest, config, layers);
    }

    /**
     * Streams a blob to {@code target} while computing its sha256; on a mismatch the file is deleted
     * and the error shows both digests, so a bad blob is never kept.
     */
    public void download(ImageRef ref, Descriptor blob, Path target) {
        download(ref, blob, target, bytes -> { });
    }

    /**
     * Like {@link #download(ImageRef, Descriptor, Path)}, telling {@code progress} the bytes
     * received so far. A connection that breaks or stalls mid-body is retried from the start
     * (within the retry budget); a digest mismatch is not.
     */
    public void download(ImageRef ref, Descriptor blob, Path target, java.util.function.LongConsumer progress) {
        Retry.Attempts attempts = retry.start();
        while (true) {
            HttpResponse<InputStream> response = get(ref, blobUri(ref, blob.digest()), "*/*");
            try (InputStream in = response.body()) {
                checkBlobStatus(ref, blob, response);
                MessageDigest sha = Digests.newSha256();
                long limit = blob.size() > 0 ? blob.size() + 1 : Long.MAX_VALUE; // a registry must not feed us forever
                try (OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
                    copyWatched(in, out, limit, progress);
                }
                String actual = Digests.of(sha);
                if (!actual.equals(blob.digest())) {
                    Files.deleteIfExists(target);
                    throw mismatch(ref, blob, actual);
                }
                return;
            } catch (IOException e) {
                deleteQuietly(target);
                progress.accept(0);
                if (attempts.again(null)) {
                    continue;
                }
                throw new ImageException("download of " + blob.digest() + " of image " + ref.display() + " from "
                        + ref.registry() + " failed" + attempts.summary() + ": " + describe(e), e);
            } catch (RuntimeException e) {
                deleteQuietly(target);
                throw e;
            }
        }
    }

    /** Copies at most {@code limit} bytes, giving up (IOException) when the body stalls. */
    private void copyWatched(InputStream in, OutputStream out, long limit, java.util.function.LongConsumer progress)
            throws IOException {
        try (StallWatch watch = new StallWatch(in, retry.stall())) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            int n;
            try {
                while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
                    out.write(buf, 0, n);
                    total += n;
                    watch.touch();
                    progress.accept(total);
                }
            } catch (IOException e) {
                if (watch.stalled()) {
                    throw new IOException(watch.describe(), e);
                }
                throw e;
            }
        }
    }

    /** A blob's connection failed while it was being read as a stream: the caller may fetch it again. */
    public static final class BlobStreamBroken extends IOException {
        BlobStreamBroken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Opens a blob to be read as it arrives (to unpack while downloading). The stream checks the
     * blob's size and sha256 when it reaches the end and throws an {@link ImageException} with
     * both digests on a mismatch, so a consumer that reads to the end has used verified bytes
     * only if it gets no exception; whatever it built from them must be thrown away otherwise.
     * Opening is retried like any request; a failure while reading is a {@link BlobStreamBroken}.
     */
    public InputStream openBlob(ImageRef ref, Descriptor blob, java.util.function.LongConsumer progress) {
        HttpResponse<InputStream> response = get(ref, blobUri(ref, blob.digest()), "*/*");
        try {
            checkBlobStatus(ref, blob, response);
        } catch (RuntimeException e) {
            discard(response);
            throw e;
        }
        return new VerifyingStream(ref, blob, response.body(), progress);
    }

    private final class VerifyingStream extends InputStream {
        private final ImageRef ref;
        private final Descriptor blob;
        private final InputStream in;
        private final java.util.function.LongConsumer progress;
        private final MessageDigest sha = Digests.newSha256();
        private final StallWatch watch;
        private long count;
        private boolean verified;

        VerifyingStream(ImageRef ref, Descriptor blob, InputStream in, java.util.function.LongConsumer progress) {
            this.ref = ref;
            this.blob = blob;
            this.in = in;
            this.progress = progress;
            this.watch = new StallWatch(in, retry.stall());
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw new BlobStreamBroken(watch.stalled() ? watch.describe() : describe(e), e);
            }
            if (n < 0) {
                finish();
                return -1;
            }
            watch.touch();
            sha.update(b, off, n);
            count += n;
            if (blob.size() > 0 && count > blob.size()) {
                throw new ImageException("blob " + blob.digest() + " of image " + ref.display() + " is larger than the "
                        + blob.size() + " bytes its manifest says; nothing was cached");
            }
            progress.accept(count);
            return n;
        }

        private void finish() throws IOException {
            if (verified) {
                return;
            }
            if (blob.size() > 0 && count < blob.size()) {
                throw new BlobStreamBroken("the connection ended after " + count + " of " + blob.size() + " bytes", null);
            }
            String actual = Digests.of(sha);
            if (!actual.equals(blob.digest())) {
                throw mismatch(ref, blob, actual);
            }
            verified = true;
        }

        @Override
        public void close() throws IOException {
            watch.close();
            in.close();
        }
    }

    private byte[] fetchSmallBlob(ImageRef ref, Descriptor blob, int max) {
        Retry.Attempts attempts = retry.start();
        while (true) {
            try {
                return fetchSmallBlobOnce(ref, blob, max);
            } catch (ImageException e) {
                // a body cut short; "cannot reach" was retried already by send()
                if (!(e.getCause() instanceof IOException) || e.getMessage().startsWith("cannot reach") || !attempts.again(null)) {
                    throw e;
                }
            }
        }
    }

    private byte[] fetchSmallBlobOnce(ImageRef ref, Descriptor blob, int max) {
        HttpResponse<InputStream> response = get(ref, blobUri(ref, blob.digest()), "*/*");
        try (InputStream in = response.body()) {
            checkBlobStatus(ref, blob, response);
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) {
                throw new ImageException("the config of image " + ref.display() + " is larger than " + Messages.bytes(max));
            }
            String actual = Digests.sha256(bytes);
            if (!actual.equals(blob.digest())) {
                throw mismatch(ref, blob, actual);
            }
            return bytes;
        } catch (IOException e) {
            throw new ImageException("download of " + blob.digest() + " of image " + ref.display() + " from "
                    + ref.registry() + " failed: " + describe(e), e);
        }
    }

    private void checkBlobStatus(ImageRef ref, Descriptor blob, HttpResponse<InputStream> response) {
        int status = response.statusCode();
        if (status == 404) {
            throw new ImageException("blob " + blob.digest() + " of image " + ref.display()
                    + " is missing from registry " + ref.registry());
        }
        if (status != 200) {
            throw httpError(ref, response);
        }
    }

    private static ImageException mismatch(ImageRef ref, Descriptor blob, String actual) {
        return new ImageException("blob of image " + ref.display() + " is corrupt: expected " + blob.digest()
                + " but the download has " + actual + "; nothing was cached");
    }

    // ---- manifests

    private record Manifest(String mediaType, String digest, JsonNode json) {
        boolean isIndex() {
            return mediaType.equals(DOCKER_LIST) || mediaType.equals(OCI_INDEX);
        }
    }

    /** Reading the body is retried like the request: a connection can break after the headers. */
    private Manifest fetchManifest(ImageRef ref, String reference) {
        Retry.Attempts attempts = retry.start();
        while (true) {
            try {
                return fetchManifestOnce(ref, reference);
            } catch (ImageException e) {
                if (!(e.getCause() instanceof IOException) || e.getMessage().startsWith("cannot reach") || !attempts.again(null)) {
                    throw e;
                }
            }
        }
    }

    private Manifest fetchManifestOnce(ImageRef ref, String reference) {
        URI uri = base(ref).resolve("/v2/" + ref.repository() + "/manifests/" + reference);
        HttpResponse<InputStream> response = get(ref, uri, ACCEPT);
        byte[] bytes;
        try (InputStream in = response.body()) {
            int status = response.statusCode();
            if (status == 404) {
                throw new ImageException("image " + ref.display() + " not found: the registry has no such tag or repository");
            }
            if (status != 200) {
                throw httpError(ref, response);
            }
            bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        } catch (IOException e) {
            throw new ImageException("reading the manifest of image " + ref.display() + " from " + ref.registry()
                    + " failed: " + describe(e), e);
        }
        if (bytes.length > MAX_MANIFEST_BYTES) {
            throw new ImageException("the manifest of image " + ref.display() + " is larger than " + Messages.bytes(MAX_MANIFEST_BYTES));
        }
        JsonNode json;
        try {
            json = SharedMapper.get().readTree(bytes);
        } catch (IOException e) {
            throw new ImageException("the manifest of image " + ref.display() + " is not valid JSON");
        }
        if (json == null || !json.isObject()) {
            throw new ImageException("the manifest of image " + ref.display() + " is not a JSON object");
        }
        if (json.path("schemaVersion").asInt() == 1) {
            throw new ImageException("image " + ref.display() + " uses the old schema 1 manifest format, which scar does not support");
        }
        String type = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
        if (!List.of(DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX).contains(type)) {
            // some registries answer application/json: fall back to the document itself
            type = json.path("mediaType").asText(json.has("manifests") ? OCI_INDEX : OCI_MANIFEST);
        }
        return new Manifest(type, Digests.sha256(bytes), json);
    }

    private String choosePlatform(ImageRef ref, JsonNode index) {
        List<String> available = new ArrayList<>();
        String fallback = null;
        for (JsonNode m : index.path("manifests")) {
            JsonNode p = m.path("platform");
            String os = p.path("os").asText("");
            String arch = p.path("architecture").asText("");
            String variant = p.path("variant").asText("");
            if (arch.equals("unknown") || os.equals("unknown")) {
                continue; // attestation manifests, not runnable images
            }
            available.add(os + "/" + arch + (variant.isEmpty() ? "" : "/" + variant));
            String digest = m.path("digest").asText("");
            if (os.equals("linux") && arch.equals(architecture) && Digests.isValid(digest)) {
                if (!architecture.equals("arm64") || variant.isEmpty() || variant.equals("v8")) {
                    return digest;
                }
                fallback = fallback == null ? digest : fallback;
            }
        }
        if (fallback != null) {
            return fallback;
        }
        throw new ImageException("image " + ref.display() + " has no linux/" + architecture + " variant; it is available for: "
                + (available.isEmpty() ? "no platform" : String.join(", ", available)));
    }

    private static Descriptor descriptor(ImageRef ref, JsonNode node, String what) {
        String digest = node.path("digest").asText("");
        if (!Digests.isValid(digest)) {
            throw new ImageException("the manifest of image " + ref.display() + " names a " + what + " with an invalid digest '"
                    + Messages.quote(digest) + "'");
        }
        long size = node.path("size").asLong(-1);
        return new Descriptor(node.path("mediaType").asText(""), digest, size);
    }

    // ---- HTTP with tokens and redirects

    /**
     * GET with the cached authorization; on a challenge, authenticate once and retry: a bearer
     * token (fetched with the registry's credential if there is one), or Basic with the credential.
     */
    private HttpResponse<InputStream> get(ImageRef ref, URI uri, String accept) {
        String key = ref.registry() + "/" + ref.repository();
        boolean authenticated = false;
        while (true) {
            HttpResponse<InputStream> response = follow(ref, uri, accept, authorizations.get(key));
            if (response.statusCode() != 401) {
                return response;
            }
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            discard(response);
            Optional<RegistryCredential> credential = credentials.find(ref.registry());
            if (authenticated) {
                throw denied(ref, credential);
            }
            if (challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
                authorizations.put(key, "Bearer " + fetchToken(ref, challenge, credential));
            } else if (challenge.regionMatches(true, 0, "Basic", 0, 5) && credential.isPresent()) {
                authorizations.put(key, credential.get().basic());
            } else {
                throw denied(ref, credential);
            }
            authenticated = true;
        }
    }

    private static ImageException denied(ImageRef ref, Optional<RegistryCredential> credential) {
        if (credential.isPresent()) {
            return new ImageException("access denied to image " + ref.display() + " on " + ref.registry() + " for user '"
                    + Messages.quote(credential.get().username()) + "' (credentials from " + credential.get().source()
                    + "): the password is wrong, or the repository does not exist or is not theirs");
        }
        return new ImageException("access denied to image " + ref.display() + " on " + ref.registry()
                + ": the repository does not exist or needs credentials; log in with docker login " + ref.registry()
                + ", or add a [registry \"" + ref.registry() + "\"] section with username and password to scar.cfg");
    }

    private String fetchToken(ImageRef ref, String challenge, Optional<RegistryCredential> credential) {
        Map<String, String> params = new LinkedHashMap<>();
        Matcher m = CHALLENGE_PARAM.matcher(challenge.substring(7));
        while (m.find()) {
            params.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2) != null ? m.group(2) : m.group(3));
        }
        String realm = params.getOrDefault("realm", "");
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            realmUri = null;
        }
        if (realmUri == null || realmUri.getHost() == null
                || !("https".equals(realmUri.getScheme()) || "http".equals(realmUri.getScheme()))) {
            throw new ImageException("registry " + ref.registry() + " asked for a token from an invalid realm '"
                    + Messages.quote(realm) + "'");
        }
        StringBuilder query = new StringBuilder();
        if (params.containsKey("service")) {
            query.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8));
        }
        String scope = params.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
        query.append(query.length() > 0 ? "&" : "").append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI tokenUri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        // the credential goes only to the realm the registry named, and is dropped on a redirect to another host
        HttpResponse<InputStream> response = follow(ref, tokenUri, "application/json", credential.map(RegistryCredential::basic).orElse(null));
        try (InputStream in = response.body()) {
            if (response.statusCode() == 401 || response.statusCode() == 403) {
                discard(response);
                throw denied(ref, credential);
            }
            if (response.statusCode() != 200) {
                throw new ImageException("access denied to image " + ref.display() + ": the token service "
                        + realmUri.getHost() + " answered HTTP " + response.statusCode());
            }
            JsonNode json = SharedMapper.get().readTree(in.readNBytes(1 << 20));
            String token = json == null ? "" : json.path("token").asText(json.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw new ImageException("the token service " + realmUri.getHost() + " of " + ref.registry() + " gave no token");
            }
            return token;
        } catch (IOException e) {
            throw new ImageException("fetching a token from " + realmUri.getHost() + " failed: " + describe(e), e);
        }
    }

    /** Sends a GET, following up to {@link #MAX_REDIRECTS} redirects; the token never leaves its host. */
    private HttpResponse<InputStream> follow(ImageRef ref, URI uri, String accept, String authorizationHeader) {
        URI current = uri;
        String authorization = authorizationHeader;
        for (int hop = 0; ; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(current).GET().timeout(requestTimeout).header("Accept", accept);
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response = send(ref, current, request.build());
            int status = response.statusCode();
            if (status < 300 || status > 399 || status == 304) {
                return response;
            }
            String location = response.headers().firstValue("Location").orElse(null);
            discard(response);
            if (location == null) {
                throw new ImageException("registry " + ref.registry() + " answered HTTP " + status + " without a Location");
            }
            if (hop >= MAX_REDIRECTS) {
                throw new ImageException("registry " + ref.registry() + " redirected more than " + MAX_REDIRECTS + " times for image "
                        + ref.display());
            }
            URI next;
            try {
                next = current.resolve(location);
            } catch (IllegalArgumentException e) {
                throw new ImageException("registry " + ref.registry() + " redirected to an invalid address '" + Messages.quote(location) + "'");
            }
            if (!("https".equals(next.getScheme()) || "http".equals(next.getScheme())) || next.getHost() == null) {
                throw new ImageException("registry " + ref.registry() + " redirected to an unsupported address '"
                        + Messages.quote(location) + "'");
            }
            if (!Objects.equals(next.getScheme(), current.getScheme()) || !Objects.equals(next.getHost(), current.getHost())
                    || next.getPort() != current.getPort()) {
                authorization = null;
            }
            current = next;
        }
    }

    /**
     * Sends one request; a reset or dropped connection, a timeout, HTTP 5xx or 429 is retried with
     * back-off (honouring Retry-After) until the retry budget is spent. A refused connection, an
     * unknown host or a TLS failure is not transient and fails at once.
     */
    private HttpResponse<InputStream> send(ImageRef ref, URI uri, HttpRequest request) {
        Retry.Attempts attempts = retry.start();
        while (true) {
            try {
                HttpResponse<InputStream> response = http.forUri(request.uri()).send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status < 500 && status != 429) {
                    return response;
                }
                byte[] body = readQuietly(response);
                if (attempts.again(retryAfter(response))) {
                    continue;
                }
                throw httpError(ref, status, body, attempts.summary());
            } catch (IOException e) {
                String reason = describe(e);
                boolean permanent = reason.equals("connection refused") || reason.equals("unknown host")
                        || reason.equals("no route to host") || reason.startsWith("TLS failed");
                if (!permanent && attempts.again(null)) {
                    continue;
                }
                String host = uri.getHost().equals(ref.registryHost()) ? ref.registry()
                        : uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
                throw new ImageException("cannot reach registry " + host + attempts.summary() + ": " + reason
                        + "; check the address and your network", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException("pulling image " + ref.display() + " was interrupted", e);
            }
        }
    }

    /** Retry-After in seconds (the HTTP-date form is rare from registries and is ignored). */
    private static Duration retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(String::strip).filter(v -> v.matches("[0-9]{1,6}"))
                .map(v -> Duration.ofSeconds(Long.parseLong(v))).orElse(null);
    }

    private static byte[] readQuietly(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return new byte[0];
        }
    }

    /** A short, lower-case reason for a network failure, without Java class names. */
    static String describe(IOException e) {
        boolean connect = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpConnectTimeoutException) {
                return "connection timed out";
            }
            if (t instanceof HttpTimeoutException) {
                return "no answer in time";
            }
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host";
            }
            if (t instanceof java.net.NoRouteToHostException) {
                return "no route to host";
            }
            if (t instanceof SSLException) {
                return "TLS failed (" + Messages.quote(String.valueOf(t.getMessage())) + ")";
            }
            if (t instanceof ConnectException) {
                connect = true;
                if (String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT).contains("refused")) {
                    return "connection refused";
                }
            }
            // java.net.http reports a refused connection as ConnectException(null) <- ClosedChannelException
            if (connect && t instanceof java.nio.channels.ClosedChannelException) {
                return "connection refused";
            }
        }
        if (connect) {
            return "connection failed";
        }
        String msg = e.getMessage();
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : Messages.quote(msg);
    }

    private ImageException httpError(ImageRef ref, HttpResponse<InputStream> response) {
        return httpError(ref, response.statusCode(), readQuietly(response), "");
    }

    private static ImageException httpError(ImageRef ref, int status, byte[] body, String attempts) {
        String detail = "";
        try {
            JsonNode json = SharedMapper.get().readTree(body);
            JsonNode first = json == null ? null : json.path("errors").path(0);
            if (first != null && first.has("message")) {
                detail = ": " + Messages.quote(first.path("message").asText());
            }
        } catch (IOException | RuntimeException e) {
            // no JSON error body: the status alone has to do
        }
        return new ImageException("registry " + ref.registry() + " answered HTTP " + status + " for image "
                + ref.display() + attempts + detail);
    }

    private static void discard(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            in.readNBytes(64 * 1024);
        } catch (IOException e) {
            // the connection is closed either way
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // best effort: the caller's temp dir is removed anyway
        }
    }

    private static URI blobUri(ImageRef ref, String digest) {
        return base(ref).resolve("/v2/" + ref.repository() + "/blobs/" + digest);
    }

    /** http only for the loopback registries used in development and tests; https everywhere else. */
    static URI base(ImageRef ref) {
        String host = ref.registryHost();
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
        return URI.create((loopback ? "http" : "https") + "://" + ref.registry() + "/");
    }
}
