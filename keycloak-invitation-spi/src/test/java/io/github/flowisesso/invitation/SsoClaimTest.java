package io.github.flowisesso.invitation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The claim condition's Java form, and an invitation's effective status (EXPIRED is derived, never stored). */
class SsoClaimTest {

    private static final long NOW = 1_800_000_000_000L;

    private static InvitationEntity invitation(InvitationStatus status, long expiresAt, LoginType loginType, String idp) {
        InvitationEntity invitation = new InvitationEntity();
        invitation.setStatus(status);
        invitation.setExpiresAt(expiresAt);
        invitation.setLoginType(loginType);
        invitation.setIdentityProvider(idp);
        return invitation;
    }

    @Test
    void onlyAPendingUnexpiredSsoInvitationForThisProviderIsClaimable() {
        assertThat(SsoClaim.admits(invitation(InvitationStatus.PENDING, NOW + 1, LoginType.SSO, "entra"), "entra", null, NOW)).isTrue();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.PENDING, NOW, LoginType.SSO, "entra"), "entra", null, NOW))
            .as("expiring this very millisecond").isFalse();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.ACCEPTED, NOW + 1, LoginType.SSO, "entra"), "entra", null, NOW)).isFalse();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.REVOKED, NOW + 1, LoginType.SSO, "entra"), "entra", null, NOW)).isFalse();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.PENDING, NOW + 1, LoginType.PASSWORD, null), "entra", null, NOW)).isFalse();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.PENDING, NOW + 1, LoginType.SSO, "entra"), "entra-contractors", null, NOW)).isFalse();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.PENDING, NOW + 1, LoginType.SSO, "entra"), null, null, NOW)).isFalse();
    }

    @Test
    void anInvitationBoundToAnEntraObjectAdmitsOnlyThatObject() {
        InvitationEntity bound = invitation(InvitationStatus.PENDING, NOW + 1, LoginType.SSO, "entra");
        bound.setEntraObjectId("oid-1");
        assertThat(SsoClaim.admits(bound, "entra", "oid-1", NOW)).isTrue();
        assertThat(SsoClaim.admits(bound, "entra", "oid-2", NOW)).as("same address, another person").isFalse();
        assertThat(SsoClaim.admits(bound, "entra", null, NOW)).as("an identity without an object id").isFalse();
        assertThat(SsoClaim.admits(invitation(InvitationStatus.PENDING, NOW + 1, LoginType.SSO, "entra"), "entra", "oid-2", NOW))
            .as("unbound: any object").isTrue();
    }

    @Test
    void aPendingInvitationPastItsExpiryIsExpiredAndTheOthersKeepTheirStatus() {
        assertThat(InvitationStatus.effective(InvitationStatus.PENDING, NOW, NOW)).isEqualTo(InvitationStatus.EXPIRED);
        assertThat(InvitationStatus.effective(InvitationStatus.PENDING, NOW + 1, NOW)).isEqualTo(InvitationStatus.PENDING);
        assertThat(InvitationStatus.effective(InvitationStatus.ACCEPTED, NOW - 1, NOW)).isEqualTo(InvitationStatus.ACCEPTED);
        assertThat(InvitationStatus.effective(InvitationStatus.REVOKED, NOW - 1, NOW)).isEqualTo(InvitationStatus.REVOKED);
    }
}
