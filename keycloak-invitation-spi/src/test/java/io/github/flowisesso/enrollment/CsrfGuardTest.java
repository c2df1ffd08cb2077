package io.github.flowisesso.enrollment;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.invitation.InvitationTokens;
import org.junit.jupiter.api.Test;

/** The invitation page's anti-CSRF value: one per browser, so every open tab of a link keeps working. */
class CsrfGuardTest {

    @Test
    void aBrowserKeepsItsWellFormedValueAndGetsANewOneOtherwise() {
        String current = InvitationTokens.newToken();
        assertThat(CsrfGuard.forPage(current)).isEqualTo(current);
        assertThat(CsrfGuard.forPage(null)).matches("[A-Za-z0-9_-]{43}");
        assertThat(CsrfGuard.forPage("forged<script>")).isNotEqualTo("forged<script>").matches("[A-Za-z0-9_-]{43}");
    }

    @Test
    void theFormMustCarryTheCookiesValue() {
        String value = InvitationTokens.newToken();
        assertThat(CsrfGuard.matches(value, value)).isTrue();
        assertThat(CsrfGuard.matches(value, InvitationTokens.newToken())).isFalse();
        assertThat(CsrfGuard.matches(null, value)).isFalse();
        assertThat(CsrfGuard.matches(value, null)).isFalse();
        assertThat(CsrfGuard.matches("", "")).isFalse();
    }
}
