package io.github.flowisesso.broker;

import io.github.flowisesso.entra.EntraClaims;
import io.github.flowisesso.invitation.EmailAddresses;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.LoginType;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.common.util.Time;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;

/**
 * The single place that decides whether a brokered identity matches an invitation. Email is only trusted when
 * the identity provider vouches for it (Entra ID: {@code xms_edov}, or a domain verified in the tenant);
 * {@code upn} and {@code preferred_username} never count.
 */
final class InvitationMatcher {

    static final String NO_EMAIL = "no_email";
    static final String EMAIL_NOT_VERIFIED = "email_not_verified";
    static final String WRONG_TENANT = "wrong_tenant";
    static final String NOT_INVITED = "not_invited";
    static final String EXPIRED = "invitation_expired";
    static final String OTHER_IDP = "invited_for_other_identity_provider";
    static final String PASSWORD_LOGIN_TYPE = "invited_for_password_login";

    private InvitationMatcher() {
    }

    static MatchResult match(KeycloakSession session, RealmModel realm, BrokeredIdentityContext identity) {
        IdentityProviderModel idp = identity.getIdpConfig();
        Map<String, Object> claims = EntraClaims.of(identity);
        if (EntraClaims.isEntra(idp) && !EntraClaims.isFromConfiguredTenant(idp, claims)) {
            return MatchResult.refused(WRONG_TENANT);
        }
        Optional<String> email = EmailAddresses.canonical(identity.getEmail());
        if (email.isEmpty()) {
            return MatchResult.refused(NO_EMAIL);
        }
        if (!EntraClaims.isEmailVerified(idp, claims, email.get())) {
            return MatchResult.refused(EMAIL_NOT_VERIFIED);
        }

        long now = Time.currentTimeMillis();
        List<InvitationEntity> pending = InvitationStore.of(session).pendingFor(realm.getId(), email.get());
        List<InvitationEntity> live = pending.stream().filter(i -> i.getExpiresAt() > now).toList();
        if (live.isEmpty()) {
            return MatchResult.refused(pending.isEmpty() ? NOT_INVITED : EXPIRED);
        }
        return live.stream()
            .filter(i -> i.getLoginType() == LoginType.SSO && idp.getAlias().equals(i.getIdentityProvider()))
            .findFirst()
            .map(MatchResult::matched)
            .orElseGet(() -> MatchResult.refused(
                live.stream().anyMatch(i -> i.getLoginType() == LoginType.PASSWORD) ? PASSWORD_LOGIN_TYPE : OTHER_IDP));
    }

}
