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
 * database, for every combination of status, expiry, login type, provider and Entra object, both give the same answer.
 */
@ExtendWith(KeycloakExtension.class)
class SsoClaimAgreementIT {

    private static final String OID = "6f1c2a4e-0000-4000-8000-00000000e17a";

    @Test
    void theSqlAndTheJavaFormAgreeOnEveryCombination(TestEnvironment env) {
        List<String> disagreements = new ArrayList<>();
        int admitted = 0;
        for (String status : List.of("PENDING", "ACCEPTED", "REVOKED")) {
            for (boolean expired : List.of(false, true)) {
                for (String loginType : List.of("SSO", "PASSWORD")) {
                    for (String bound : java.util.Arrays.asList(null, OID)) {
                        Invitations.Spec spec = invite(StateAssertions.newEmail("claim")).status(status).loginType(loginType)
                            .expiresInSeconds(expired ? -60 : 3600).holdingItsAddress().forEntraObject(bound);
                        if ("PASSWORD".equals(loginType)) {
                            spec.identityProvider(null);
                        }
                        String id = env.invitations().seed(spec).id();
                        for (String idp : List.of(TestEnvironment.IDP_ALIAS, "another-provider")) {
                            for (String oid : java.util.Arrays.asList(null, OID, "another-object")) {
                                Map<String, Object> answer = env.invitations().ssoClaim(id, idp, oid);
                                if (!answer.get("sql").equals(answer.get("java"))) {
                                    disagreements.add(status + "/" + (expired ? "expired" : "valid") + "/" + loginType + "/bound to "
                                        + bound + "/" + idp + "/" + oid + ": " + answer);
                                }
                                if (Boolean.TRUE.equals(answer.get("java"))) {
                                    admitted++;
                                }
                            }
                        }
                    }
                }
            }
        }
        assertThat(disagreements).isEmpty();
        // Unbound: any of the three identities; bound: only its own object.
        assertThat(admitted).as("exactly PENDING, valid, SSO, for its own provider, and its own Entra object when bound").isEqualTo(4);
    }
}
