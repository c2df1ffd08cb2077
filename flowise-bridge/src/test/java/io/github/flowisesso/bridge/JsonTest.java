package io.github.flowisesso.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Strings the bridge writes into JSON and into its sign-in page's script stay strings. */
class JsonTest {

    @Test
    void escapesQuotesControlsAndMarkup() {
        assertThat(Json.string("a\"b\\c\n</script><!--&\u2028"))
            .isEqualTo("\"a\\\"b\\\\c\\u000a\\u003c/script\\u003e\\u003c!--\\u0026\\u2028\"");
    }

    @Test
    void signInPageCannotBeBrokenOutOfByFlowiseData() {
        String html = SignInPage.html("{\"id\":\"1\",\"name\":\"</script><script>alert(1)</script>\"}", "Ada</script>", "/");
        assertThat(html).doesNotContain("</script><script>alert(1)").doesNotContain("Ada</script>");
    }
}
