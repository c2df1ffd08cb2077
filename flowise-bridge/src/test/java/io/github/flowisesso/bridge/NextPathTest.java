package io.github.flowisesso.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** After signing in, the browser goes to a path of Flowise's own origin, never elsewhere. */
class NextPathTest {

    @ParameterizedTest
    @ValueSource(strings = {"/", "/chatflows", "/canvas/1234?tab=x", "/agentflows#top"})
    void keepsAPathOfFlowise(String path) {
        assertThat(NextPath.of(path)).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
        "javascript:alert(1)", "chatflows", "/x\r\nSet-Cookie: a=b", "/sso/signin", "/sso/signout", "/oauth2/callback?logout=x",
        "/signin", "/login"})
    void sendsAnythingElseHome(String wanted) {
        assertThat(NextPath.of(wanted)).isEqualTo("/");
    }

    @org.junit.jupiter.api.Test
    void keepsPercentEncodingAsItIsInsideThePath() {
        // Encoded line breaks stay encoded: the browser requests that path on Flowise's own origin, nothing more.
        assertThat(NextPath.of("/%0d%0a")).isEqualTo("/%0d%0a");
    }

    @org.junit.jupiter.api.Test
    void sendsNothingHome() {
        assertThat(NextPath.of(null)).isEqualTo("/");
        assertThat(NextPath.of("/" + "a".repeat(3000))).isEqualTo("/");
    }
}
