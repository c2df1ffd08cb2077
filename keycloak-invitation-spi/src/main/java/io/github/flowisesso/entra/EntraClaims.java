package io.github.flowisesso.entra;

import io.github.flowisesso.invitation.EmailAddresses;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.representations.JsonWebToken;

/**
 * What an Entra ID token says about a person, read from the ID token Keycloak has already validated.
 * The one rule for "is this email verified", used by the gate and by the account it creates.
 */
public final class EntraClaims {

    private EntraClaims() {
    }

    public static boolean isEntra(IdentityProviderModel idp) {
        return EntraIdIdentityProviderFactory.PROVIDER_ID.equals(idp.getProviderId());
    }

    public static Map<String, Object> of(BrokeredIdentityContext identity) {
        Object token = identity.getContextData().get(OIDCIdentityProvider.VALIDATED_ID_TOKEN);
        if (token instanceof JsonWebToken jwt && jwt.getOtherClaims() != null) {
            return jwt.getOtherClaims();
        }
        return Map.of();
    }

    /**
     * The canonical address the validated ID token names, which is the address the verification rule speaks about.
     * Not the brokered identity's email: a form in the flow (Keycloak's review profile) lets the user edit that one.
     */
    public static Optional<String> email(Map<String, Object> claims) {
        return claims.get("email") instanceof String email ? EmailAddresses.canonical(email) : Optional.empty();
    }

    /**
     * The email as the validated ID token names it, for the audit trail: not the brokered identity's, which a form in
     * the flow lets the user edit. Null when the token names none.
     */
    public static String tokenEmail(BrokeredIdentityContext identity) {
        return of(identity).get("email") instanceof String email ? email : null;
    }

    /**
     * Entra's {@code email} claim is mutable and, by itself, unverified ("nOAuth"). It counts as verified only
     * with {@code xms_edov=true} (email domain owner verified) or in a domain the admin lists as verified in the
     * tenant. For other OIDC providers, the standard {@code email_verified} claim.
     */
    public static boolean isEmailVerified(IdentityProviderModel idp, Map<String, Object> claims, String canonicalEmail) {
        if (!isEntra(idp)) {
            return isTrue(claims.get("email_verified"));
        }
        return isTrue(claims.get("xms_edov"))
            || inVerifiedDomain(canonicalEmail, idp.getConfig().get(EntraIdConfigKeys.VERIFIED_DOMAINS));
    }

    private static boolean inVerifiedDomain(String email, String domains) {
        if (email == null || domains == null || domains.isBlank()) {
            return false;
        }
        String domain = email.substring(email.indexOf('@') + 1);
        return Arrays.stream(domains.split(","))
            .map(d -> EmailAddresses.canonical("x@" + d.trim()))
            .flatMap(Optional::stream)
            .anyMatch(d -> d.substring(2).equals(domain));
    }

    private static boolean isTrue(Object claim) {
        return Boolean.TRUE.equals(claim) || "true".equals(claim);
    }
}
