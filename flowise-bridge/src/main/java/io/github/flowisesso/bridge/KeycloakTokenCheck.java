package io.github.flowisesso.bridge;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.ConfigurableJWTProcessor;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URL;
import java.util.Optional;
import java.util.Set;

/**
 * The one rule of which token the bridge believes: a Keycloak access token of the {@code flowise} client, signed by a
 * key of the realm's JWKS, from the configured issuer, not expired. Anything else (an ID or refresh token, another
 * client's token, a token of another realm, an unsigned or tampered one) is refused. The door hands the token over
 * in a header it scrubs from client requests; the bridge checks it anyway, so that a mistake in the door does not
 * become a way in.
 */
final class KeycloakTokenCheck {

    /** What the bridge learns from a believed token. */
    record Identity(String subject, String email, String name) {
    }

    private final ConfigurableJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();

    KeycloakTokenCheck(String issuer, URL jwks, String clientId) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(jwks).retrying(true).build();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
            Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512, JWSAlgorithm.PS256, JWSAlgorithm.PS384,
                JWSAlgorithm.PS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512), keys));
        // Exact values: issuer, authorized party and Keycloak's token type "Bearer" (ID tokens say "ID", refresh
        // tokens "Refresh"). Expiry and not-before are checked by the verifier with a small clock skew.
        processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(null,
            new JWTClaimsSet.Builder().issuer(issuer).claim("azp", clientId).claim("typ", "Bearer").build(),
            Set.of("sub", "exp", "iat")));
    }

    Optional<Identity> believe(String token) {
        if (token == null || token.isBlank() || token.length() > 16_384) {
            return Optional.empty();
        }
        try {
            JWTClaimsSet claims = processor.process(token.trim(), null);
            return Optional.of(new Identity(claims.getSubject(), claims.getStringClaim("email"), claims.getStringClaim("name")));
        } catch (Exception refused) {
            // Why is logged by the caller without the token itself.
            return Optional.empty();
        }
    }
}
