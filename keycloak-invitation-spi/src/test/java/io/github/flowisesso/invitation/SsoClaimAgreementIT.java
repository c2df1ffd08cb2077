package io.github.flowisesso.invitation;

import static io.github.flowisesso.testsupport.Invitations.invite;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.flowisesso.testsupport.Invitations;
import io.github.flowisesso.testsupport.KeycloakExtension;
import io.github.flowisesso.testsupport.StateAssertions;
import io.github.flowisesso.testsupport.TestEnvironment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The SSO claim condition is written in SQL (the one-statement claim) and in Java (the gate's slow path): on the real
 * database, for every combination of status, expiry, login type and provider, both give the same answer.
 */
@ExtendWith(KeycloakExtension.class)
class SsoClaimAgreementIT {

    @Test
    void theSqlAndTheJavaFormAgreeOnEveryCombination(TestEnvironment env) {
        List<String> disagreements = new ArrayList<>();
        int admitted = 0;
        for (String status : List.of("PENDING", "ACCEPTED", "REVOKED")) {
            for (boolean expired : List.of(false, true)) {
                for (String loginType : List.of("SSO", "PASSWORD")) {
                    Invitations.Spec spec = invite(StateAssertions.newEmail("claim")).status(status).loginType(loginType)
                        .expiresInSeconds(expired ? -60 : 3600).holdingItsAddress();
                    if ("PASSWORD".equals(loginType)) {
                        spec.identityProvider(null);
                    }
                    String id = env.invitations().seed(spec).id();
                    for (String idp : List.of(TestEnvironment.IDP_ALIAS, "another-provider")) {
                        Map<String, Object> answer = env.invitations().ssoClaim(id, idp);
                        if (!answer.get("sql").equals(answer.get("java"))) {
                            disagreements.add(status + "/" + (expired ? "expired" : "valid") + "/" + loginType + "/" + idp + ": " + answer);
                        }
                        if (Boolean.TRUE.equals(answer.get("java"))) {
                            admitted++;
                        }
                    }
                }
            }
        }
        assertThat(disagreements).isEmpty();
        assertThat(admitted).as("exactly PENDING, valid, SSO, for its own provider").isEqualTo(1);
    }
}
