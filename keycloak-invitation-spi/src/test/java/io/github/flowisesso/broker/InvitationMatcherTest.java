package io.github.flowisesso.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.entra.EntraIdConfigKeys;
import io.github.flowisesso.entra.EntraIdIdentityProviderFactory;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.representations.JsonWebToken;

class InvitationMatcherTest {

    private static final String TENANT = "7f1c2d9e-0000-4000-8000-000000000001";

    @Nested
    class GivenAnAddressEditedInAFormOfTheFlow {

        @Test
        void onlyTheAddressOfTheValidatedTokenCounts() {
            BrokeredIdentityContext identity = entraIdentity(Map.of("tid", TENANT, "email", "Ada@Example.com", "xms_edov", true));
            // Keycloak's review profile writes what the user typed here.
            identity.setEmail("colleague@example.com");

            assertThat(InvitationMatcher.trustedEmail(identity)).contains("ada@example.com");
        }

        @Test
        void withoutAnAddressInTheTokenNothingIsTrustedWhateverTheFormSays() {
            BrokeredIdentityContext identity = entraIdentity(Map.of("tid", TENANT, "xms_edov", true));
            identity.setEmail("colleague@example.com");

            assertThat(InvitationMatcher.trustedEmail(identity)).isEmpty();
        }
    }

    @Nested
    class GivenATokenEntraDoesNotVouchFor {

        @Test
        void anUnverifiedAddressIsNotTrusted() {
            assertThat(InvitationMatcher.trustedEmail(entraIdentity(Map.of("tid", TENANT, "email", "ada@example.com")))).isEmpty();
        }

        @Test
        void anotherTenantIsNotTrusted() {
            assertThat(InvitationMatcher.trustedEmail(entraIdentity(
                Map.of("tid", "another-tenant", "email", "ada@example.com", "xms_edov", true)))).isEmpty();
        }
    }

    private static BrokeredIdentityContext entraIdentity(Map<String, Object> claims) {
        IdentityProviderModel idp = new IdentityProviderModel();
        idp.setAlias("entra");
        idp.setEnabled(true);
        idp.setProviderId(EntraIdIdentityProviderFactory.PROVIDER_ID);
        idp.setConfig(new HashMap<>(Map.of(EntraIdConfigKeys.TENANT_ID, TENANT)));
        JsonWebToken token = new JsonWebToken();
        claims.forEach(token::setOtherClaims);
        BrokeredIdentityContext identity = new BrokeredIdentityContext("subject", idp);
        identity.getContextData().put(OIDCIdentityProvider.VALIDATED_ID_TOKEN, token);
        identity.setEmail(claims.get("email") instanceof String email ? email : null);
        return identity;
    }
}
