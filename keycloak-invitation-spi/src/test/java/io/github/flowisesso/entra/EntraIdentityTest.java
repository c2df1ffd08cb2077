package io.github.flowisesso.entra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** What "the same Entra identity" means: tenant and object id, both present, both equal. */
class EntraIdentityTest {

    @Test
    void aTokenWithTenantAndObjectNamesAnIdentity() {
        assertThat(EntraIdentity.of(Map.of("tid", "t-1", "oid", "o-1", "email", "a@example.com")))
            .contains(new EntraIdentity("t-1", "o-1"));
    }

    @Test
    void aTokenMissingEitherOrWithBlankOrNonTextValuesNamesNone() {
        assertThat(EntraIdentity.of(Map.of("tid", "t-1"))).isEmpty();
        assertThat(EntraIdentity.of(Map.of("oid", "o-1"))).isEmpty();
        assertThat(EntraIdentity.of(Map.of("tid", " ", "oid", "o-1"))).isEmpty();
        assertThat(EntraIdentity.of(Map.of("tid", 1, "oid", "o-1"))).isEmpty();
    }

    @Test
    void theSameObjectInAnotherTenantIsAnotherIdentity() {
        assertThat(new EntraIdentity("t-1", "o-1")).isNotEqualTo(new EntraIdentity("t-2", "o-1"))
            .isNotEqualTo(new EntraIdentity("t-1", "o-2")).isEqualTo(new EntraIdentity("t-1", "o-1"));
    }
}
