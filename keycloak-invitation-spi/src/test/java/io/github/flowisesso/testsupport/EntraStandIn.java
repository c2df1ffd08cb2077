package io.github.flowisesso.testsupport;

import java.util.Set;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real OIDC server shaped like one Entra ID tenant: issuer {@code {authority}/{tenant}/v2.0}, signed ID tokens,
 * an interactive login page where the test (or a developer) types the Entra claims.
 */
public final class EntraStandIn implements AutoCloseable {

    private final MockOAuth2Server server;
    private final String tenantId;
    private final int port;

    public EntraStandIn(int port) {
        this.tenantId = UUID.randomUUID().toString();
        this.port = port > 0 ? port : FreePorts.next();
        this.server = new MockOAuth2Server(new OAuth2Config(true, null, null, false, new OAuth2TokenProvider(), Set.of(),
            new OneRequestAtATime(new MockWebServerWrapper())));
        this.server.start(java.net.InetAddress.getLoopbackAddress(), this.port);
    }

    public String tenantId() {
        return tenantId;
    }

    /** What an admin would configure as authority host: {@code https://login.microsoftonline.com} in real life. */
    public String authorityHost() {
        return "http://127.0.0.1:" + port;
    }

    public String issuer() {
        return authorityHost() + "/" + tenantId + "/v2.0";
    }

    public MockOAuth2Server server() {
        return server;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
