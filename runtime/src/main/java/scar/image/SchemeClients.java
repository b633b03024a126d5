package scar.image;

import java.net.URI;
import java.net.http.HttpClient;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.function.Supplier;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The HTTP clients of a registry client, one per scheme, each built on first use. The JDK's
 * client sets up TLS when it is built (the default SSL context loads and parses the trust
 * store: ~0.2 s of CPU in a fresh JVM, about a tenth of a cold pull of a Debian base); a pull
 * from a plain-http registry (localhost, a private network) never needs it, so its client gets
 * a context that refuses to be used instead. An https request gets the default TLS client.
 */
final class SchemeClients {
    private final HttpClient given;
    private final OnFirstUse plain;
    private final OnFirstUse tls;

    private SchemeClients(Supplier<HttpClient.Builder> builder, HttpClient given) {
        this.given = given;
        this.plain = new OnFirstUse(() -> builder.get().sslContext(new NoTls()).sslParameters(new SSLParameters()).build());
        this.tls = new OnFirstUse(() -> builder.get().build());
    }

    /** One client for every scheme, as given. */
    static SchemeClients of(HttpClient client) {
        return new SchemeClients(null, client);
    }

    /** Clients from {@code builder} (a fresh builder per call, without an SSL context of its own), built when first needed. */
    static SchemeClients lazy(Supplier<HttpClient.Builder> builder) {
        return new SchemeClients(builder, null);
    }

    HttpClient forUri(URI uri) {
        if (given != null) {
            return given;
        }
        return "http".equalsIgnoreCase(uri.getScheme()) ? plain.get() : tls.get();
    }

    /** A client built once, by whichever thread first asks for it. */
    private static final class OnFirstUse {
        private final Supplier<HttpClient> build;
        private volatile HttpClient client;

        OnFirstUse(Supplier<HttpClient> build) {
            this.build = build;
        }

        HttpClient get() {
            HttpClient built = client;
            if (built == null) {
                synchronized (this) {
                    if (client == null) {
                        client = build.get();
                    }
                    built = client;
                }
            }
            return built;
        }
    }

    /** The plain-http client's SSL context: never used, as that client is only given http URIs. */
    private static final class NoTls extends SSLContext {
        NoTls() {
            super(new Refuse(), null, "none");
        }
    }

    private static final class Refuse extends SSLContextSpi {
        private static IllegalStateException refused() {
            return new IllegalStateException("TLS is not set up in the plain-http registry client");
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw refused();
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            throw refused();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            throw refused();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            throw refused();
        }
    }
}
