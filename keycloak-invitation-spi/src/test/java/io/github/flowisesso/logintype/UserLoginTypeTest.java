package io.github.flowisesso.logintype;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.invitation.LoginType;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class UserLoginTypeTest {

    @Nested
    class GivenAValueTheUserProfileAdmits {

        @Test
        void ssoAndPasswordAreRead() {
            assertThat(UserLoginType.parse("SSO", "u")).contains(LoginType.SSO);
            assertThat(UserLoginType.parse("PASSWORD", "u")).contains(LoginType.PASSWORD);
        }

        @Test
        void caseAndSurroundingSpaceDoNotMatter() {
            assertThat(UserLoginType.parse(" sso ", "u")).contains(LoginType.SSO);
            assertThat(UserLoginType.parse("Password", "u")).contains(LoginType.PASSWORD);
        }
    }

    @Nested
    class GivenNoUsableValue {

        @ParameterizedTest
        @NullAndEmptySource
        @ValueSource(strings = {"  ", "EMAIL", "SSO,PASSWORD", "oidc"})
        void theUserIsTreatedAsUnmanaged(String raw) {
            assertThat(UserLoginType.parse(raw, "u")).isEqualTo(Optional.empty());
        }

        @Test
        void noUserHasNoLoginType() {
            assertThat(UserLoginType.of(null)).isEmpty();
            assertThat(UserLoginType.isSso(null)).isFalse();
            assertThat(UserLoginType.isPassword(null)).isFalse();
        }
    }
}
