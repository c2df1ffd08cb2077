package io.github.flowisesso.flowise;

import static io.github.flowisesso.flowise.FlowiseUser.api;
import static io.github.flowisesso.flowise.FlowiseUser.awaitFlowiseUi;
import static io.github.flowisesso.flowise.FlowiseUser.invite;
import static io.github.flowisesso.flowise.FlowiseUser.newEmail;
import static io.github.flowisesso.flowise.FlowiseUser.signInAtEntra;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Chromium;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

/**
 * The last hop with real Flowise 3.1.4, the shipped door (Apache httpd + mod_auth_openidc running
 * door/flowise-door.conf) and the bridge jar, in Chromium: invitees end inside Flowise's UI, never on its setup or
 * sign-in page.
 */
@ExtendWith(FlowiseStackExtension.class)
class FlowiseDoorIT {

    @Nested
    class GivenAnSsoInvitation {

        @Test
        void theInviteeFollowsTheLinkSignsInWithEntraAndWorksInFlowise(FlowiseStack stack) {
            String email = newEmail("sso");
            String link = invite(stack, email, "SSO", "member");
            try (Chromium chromium = Chromium.start("en")) {
                WebDriver driver = chromium.driver();
                driver.get(link);
                driver.findElement(By.id("invitation-accept")).click();
                signInAtEntra(driver, stack, email);

                awaitFlowiseUi(driver, stack);
                chromium.screenshot("flowise-1-invitee-inside-flowise");
                assertThat(api(driver, "GET", "/api/v1/chatflows", null)).as("Flowise's own API, as its UI calls it").isEqualTo(200);
            }
        }
    }
}
