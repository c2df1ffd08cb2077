package io.github.flowisesso.testsupport;

import java.net.InetAddress;
import kotlin.jvm.functions.Function1;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.OAuth2HttpServer;
import no.nav.security.mock.oauth2.http.Ssl;
import okhttp3.HttpUrl;

/**
 * mock-oauth2-server's HTTP server, answering one request at a time. Its authorization-code store (2.1.10) is a
 * plain HashMap: simultaneous sign-ins could lose a code's request, and Keycloak then rightly refuses an ID token
 * without the nonce. Tests that sign in many times at once want Keycloak's side concurrent, not the stand-in's.
 */
final class OneRequestAtATime implements OAuth2HttpServer {

    private final OAuth2HttpServer delegate;

    OneRequestAtATime(OAuth2HttpServer delegate) {
        this.delegate = delegate;
    }

    private Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> serialized(
            Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        return request -> {
            synchronized (this) {
                return handler.invoke(request);
            }
        };
    }

    @Override
    public OAuth2HttpServer start(Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        delegate.start(serialized(handler));
        return this;
    }

    @Override
    public OAuth2HttpServer start(int port, Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        delegate.start(port, serialized(handler));
        return this;
    }

    @Override
    public OAuth2HttpServer start(InetAddress address, int port, Function1<? super OAuth2HttpRequest, OAuth2HttpResponse> handler) {
        delegate.start(address, port, serialized(handler));
        return this;
    }

    @Override
    public OAuth2HttpServer stop() {
        delegate.stop();
        return this;
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public int port() {
        return delegate.port();
    }

    @Override
    public HttpUrl url(String path) {
        return delegate.url(path);
    }

    @Override
    public Ssl sslConfig() {
        return delegate.sslConfig();
    }
}
