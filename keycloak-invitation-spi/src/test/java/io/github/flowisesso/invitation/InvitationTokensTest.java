package io.github.flowisesso.invitation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Every random value the extension hands out, how it is stored and how it is compared. */
class InvitationTokensTest {

    @Nested
    class GivenANewToken {

        @Test
        void itIs256RandomBitsInBase64urlAndWellFormed() {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 1000; i++) {
                String token = InvitationTokens.newToken();
                assertThat(token).hasSize(43).matches("[A-Za-z0-9_-]+");
                assertThat(InvitationTokens.isWellFormed(token)).isTrue();
                seen.add(token);
            }
            assertThat(seen).hasSize(1000);
        }

        @Test
        void onlyItsSha256IsStoredAsLowerCaseHex() {
            assertThat(InvitationTokens.hash("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        }
    }

    @Nested
    class GivenSomethingElse {

        @Test
        void truncatedPaddedOrForeignCharactersAreNotWellFormed() {
            String token = InvitationTokens.newToken();
            assertThat(InvitationTokens.isWellFormed(token.substring(1))).isFalse();
            assertThat(InvitationTokens.isWellFormed(token + "=")).isFalse();
            assertThat(InvitationTokens.isWellFormed(token.substring(1) + "+")).isFalse();
            assertThat(InvitationTokens.isWellFormed(null)).isFalse();
        }

        @Test
        void valuesCompareEqualOnlyWhenBothArePresentAndTheSame() {
            assertThat(InvitationTokens.sameValue("a", "a")).isTrue();
            assertThat(InvitationTokens.sameValue("a", "b")).isFalse();
            assertThat(InvitationTokens.sameValue("", "")).isFalse();
            assertThat(InvitationTokens.sameValue(null, null)).isFalse();
            assertThat(InvitationTokens.sameValue("a", null)).isFalse();
        }
    }

    @Test
    void thePkceChallengeIsRfc7636s() {
        assertThat(InvitationTokens.pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"))
            .isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
