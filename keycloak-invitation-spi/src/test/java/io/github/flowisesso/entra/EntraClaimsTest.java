package io.github.flowisesso.entra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.keycloak.models.IdentityProviderModel;

/** When an Entra email counts as verified ("nOAuth"), and which address a token names. */
class EntraClaimsTest {

    private static IdentityProviderModel entra(String verifiedDomains) {
        IdentityProviderModel idp = new IdentityProviderModel();
        idp.setProviderId(EntraIdIdentityProviderFactory.PROVIDER_ID);
        idp.setAlias("entra");
        Map<String, String> config = new HashMap<>();
        config.put(EntraIdConfigKeys.TENANT_ID, "tenant-1");
        if (verifiedDomains != null) {
            config.put(EntraIdConfigKeys.VERIFIED_DOMAINS, verifiedDomains);
        }
        idp.setConfig(config);
        return idp;
    }

    @Nested
    class GivenAnEntraProvider {

        @Test
        void anEmailCountsOnlyWithXmsEdovTrueOrInAListedDomain() {
            assertThat(EntraClaims.isEmailVerified(entra(null), Map.of("xms_edov", true), "a@example.com")).isTrue();
            assertThat(EntraClaims.isEmailVerified(entra(null), Map.of("xms_edov", "true"), "a@example.com")).isTrue();
            assertThat(EntraClaims.isEmailVerified(entra(null), Map.of("xms_edov", false), "a@example.com")).isFalse();
            assertThat(EntraClaims.isEmailVerified(entra(null), Map.of(), "a@example.com")).isFalse();
            assertThat(EntraClaims.isEmailVerified(entra(" Example.COM. , other.example"), Map.of(), "a@example.com")).isTrue();
            assertThat(EntraClaims.isEmailVerified(entra("example.com"), Map.of(), "a@sub.example.com")).isFalse();
        }

        @Test
        void emailVerifiedOfTheStandardClaimNeverCountsForEntra() {
            assertThat(EntraClaims.isEmailVerified(entra(null), Map.of("email_verified", true), "a@example.com")).isFalse();
        }

        @Test
        void onlyTheConfiguredTenantIsTheTenant() {
            assertThat(EntraIdentity.isFromConfiguredTenant(entra(null), Map.of("tid", "tenant-1"))).isTrue();
            assertThat(EntraIdentity.isFromConfiguredTenant(entra(null), Map.of("tid", "tenant-2"))).isFalse();
            assertThat(EntraIdentity.isFromConfiguredTenant(entra(null), Map.of())).isFalse();
        }
    }

    @Nested
    class GivenAnotherOidcProvider {

        @Test
        void theStandardEmailVerifiedClaimDecides() {
            IdentityProviderModel oidc = new IdentityProviderModel();
            oidc.setProviderId("oidc");
            oidc.setConfig(new HashMap<>());
            assertThat(EntraClaims.isEmailVerified(oidc, Map.of("email_verified", true), "a@example.com")).isTrue();
            assertThat(EntraClaims.isEmailVerified(oidc, Map.of("xms_edov", true), "a@example.com")).isFalse();
        }
    }

    @Test
    void theAddressIsTheCanonicalFormOfTheEmailClaimOnly() {
        assertThat(EntraClaims.email(Map.of("email", " Ada@Example.COM "))).contains("ada@example.com");
        assertThat(EntraClaims.email(Map.of("upn", "ada@example.com", "preferred_username", "ada@example.com"))).isEmpty();
        assertThat(EntraClaims.email(Map.of("email", "ada@example.com\u0000"))).isEmpty();
    }
}
