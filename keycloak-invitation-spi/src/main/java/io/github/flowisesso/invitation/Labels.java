package io.github.flowisesso.invitation;

import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.RealmModel;

/** The names people read for a realm and an identity provider: the display name, else the technical one. */
public final class Labels {

    private Labels() {
    }

    public static String realm(RealmModel realm) {
        return orElse(realm.getDisplayName(), realm.getName());
    }

    public static String identityProvider(IdentityProviderModel idp) {
        return orElse(idp.getDisplayName(), idp.getAlias());
    }

    private static String orElse(String displayName, String name) {
        return displayName == null || displayName.isBlank() ? name : displayName;
    }
}
