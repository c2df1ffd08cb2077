package io.github.flowisesso.entra;

import java.util.Map;
import java.util.Optional;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.UserModel;

/**
 * A person in Entra ID: the tenant ({@code tid}) and the object in it ({@code oid}), both immutable for the life of
 * the account in Entra, unlike the email. "The same Entra identity" means both are equal; an account keeps them
 * as read-only user attributes beside its federated link.
 */
public record EntraIdentity(String tenantId, String objectId) {

    /** User attributes (read-only in the realm's user profile) that keep the identity on the account. */
    public static final String TENANT_ATTRIBUTE = "entra_tid";
    public static final String OBJECT_ID_ATTRIBUTE = "entra_oid";

    /** From a validated ID token's claims; empty unless both are there. */
    public static Optional<EntraIdentity> of(Map<String, Object> claims) {
        return claims.get("tid") instanceof String tid && claims.get("oid") instanceof String oid && !tid.isBlank() && !oid.isBlank()
            ? Optional.of(new EntraIdentity(tid, oid)) : Optional.empty();
    }

    /** The identity an account was created for; empty for accounts that never came from Entra. */
    public static Optional<EntraIdentity> of(UserModel user) {
        String tid = user.getFirstAttribute(TENANT_ATTRIBUTE);
        String oid = user.getFirstAttribute(OBJECT_ID_ATTRIBUTE);
        return tid != null && oid != null ? Optional.of(new EntraIdentity(tid, oid)) : Optional.empty();
    }

    /** Whether a token's tenant is the one this provider is pinned to. */
    public static boolean isFromConfiguredTenant(IdentityProviderModel idp, Map<String, Object> claims) {
        String tenant = idp.getConfig().get(EntraIdConfigKeys.TENANT_ID);
        return tenant != null && tenant.equals(claims.get("tid"));
    }

    /** Hands both to whatever step creates the account, as brokered attributes. */
    void storeOn(BrokeredIdentityContext context) {
        context.setUserAttribute(TENANT_ATTRIBUTE, tenantId);
        context.setUserAttribute(OBJECT_ID_ATTRIBUTE, objectId);
    }
}
