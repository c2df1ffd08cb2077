package io.github.flowisesso.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The bridge believes a Keycloak access token of the flowise client, signed by the realm, and nothing else. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KeycloakTokenCheckTest {

    private static final String ISSUER = "http://127.0.0.1:1/realms/flowise";
    private RSAKey realmKey;
    private RSAKey otherKey;
    private HttpServer jwks;
    private KeycloakTokenCheck check;

    @BeforeAll
    void realmKeys() throws Exception {
        realmKey = new RSAKeyGenerator(2048).keyID("realm").generate();
        otherKey = new RSAKeyGenerator(2048).keyID("realm").generate();
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        byte[] body = new JWKSet(realmKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/certs", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        jwks.start();
        check = new KeycloakTokenCheck(ISSUER, URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/certs").toURL(), "flowise");
    }

    @AfterAll
    void stop() {
        jwks.stop(0);
    }

    private String token(RSAKey key, UnaryOperator<JWTClaimsSet.Builder> change) throws Exception {
        long now = System.currentTimeMillis();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(ISSUER).subject("user-1").claim("azp", "flowise")
            .claim("typ", "Bearer").claim("email", "ada@example.com").claim("name", "Ada Lovelace")
            .issueTime(new Date(now)).expirationTime(new Date(now + 60_000));
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
            change.apply(claims).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Nested
    class Believes {

        @Test
        void anAccessTokenOfTheFlowiseClientSignedByTheRealm() throws Exception {
            assertThat(check.believe(token(realmKey, c -> c)))
                .contains(new KeycloakTokenCheck.Identity("user-1", "ada@example.com", "Ada Lovelace"));
        }
    }

    @Nested
    class Refuses {

        @Test
        void aTokenSignedByAnotherKeyWithTheSameKeyId() throws Exception {
            assertThat(check.believe(token(otherKey, c -> c))).isEmpty();
        }

        @Test
        void aTokenOfAnotherIssuer() throws Exception {
            assertThat(check.believe(token(realmKey, c -> c.issuer("http://127.0.0.1:1/realms/master")))).isEmpty();
        }

        @Test
        void aTokenOfAnotherClient() throws Exception {
            assertThat(check.believe(token(realmKey, c -> c.claim("azp", "account-console")))).isEmpty();
        }

        @Test
        void anIdTokenOrARefreshToken() throws Exception {
            assertThat(check.believe(token(realmKey, c -> c.claim("typ", "ID")))).isEmpty();
            assertThat(check.believe(token(realmKey, c -> c.claim("typ", "Refresh")))).isEmpty();
        }

        @Test
        void anExpiredToken() throws Exception {
            assertThat(check.believe(token(realmKey, c -> c.expirationTime(new Date(System.currentTimeMillis() - 300_000))))).isEmpty();
        }

        @Test
        void aTokenWithoutExpiry() throws Exception {
            assertThat(check.believe(token(realmKey, c -> c.expirationTime(null)))).isEmpty();
        }

        @Test
        void anUnsignedToken() {
            String plain = new PlainJWT(new JWTClaimsSet.Builder().issuer(ISSUER).subject("user-1").claim("azp", "flowise")
                .claim("typ", "Bearer").expirationTime(new Date(System.currentTimeMillis() + 60_000)).build()).serialize();
            assertThat(check.believe(plain)).isEmpty();
        }

        @Test
        void aTamperedToken() throws Exception {
            String[] parts = token(realmKey, c -> c).split("\\.");
            String payload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                    .replace("user-1", "user-2").getBytes(StandardCharsets.UTF_8));
            assertThat(check.believe(parts[0] + "." + payload + "." + parts[2])).isEmpty();
        }

        @Test
        void nothingOrGarbage() {
            assertThat(check.believe(null)).isEmpty();
            assertThat(check.believe("")).isEmpty();
            assertThat(check.believe("not.a.token")).isEmpty();
            assertThat(check.believe("x".repeat(20_000))).isEmpty();
        }
    }
}
