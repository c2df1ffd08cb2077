package io.github.flowisesso.broker;

import io.github.flowisesso.entra.EntraClaims;
import io.github.flowisesso.entra.EntraIdentity;
import io.github.flowisesso.invitation.Enrollment;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.LoginType;
import io.github.flowisesso.invitation.SsoClaim;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.common.util.Time;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * The gate's decision: whether a brokered identity matches an invitation, and if not, why. The condition an
 * invitation must meet is {@link io.github.flowisesso.invitation.SsoClaim} (also the SQL of the one-statement claim);
 * claiming and creating the account is {@link io.github.flowisesso.invitation.Enrollment}. Email is only trusted when
 * the identity provider vouches for it (Entra ID: {@code xms_edov}, or a domain verified in the tenant), and only the
 * {@code email} of the validated ID token: {@code upn} and {@code preferred_username} never count, nor an address
 * edited in a form of the flow.
 */
final class InvitationMatcher {

    static final String NO_EMAIL = "no_email";
    static final String EMAIL_NOT_VERIFIED = "email_not_verified";
    static final String WRONG_TENANT = "wrong_tenant";
    static final String NOT_INVITED = "not_invited";
    static final String EXPIRED = "invitation_expired";
    static final String OTHER_IDP = "invited_for_other_identity_provider";
    static final String OTHER_ENTRA_OBJECT = "invited_for_other_entra_identity";
    static final String PASSWORD_LOGIN_TYPE = "invited_for_password_login";
    static final String ACCOUNT_EXISTS = "account_exists";

    private InvitationMatcher() {
    }

    /**
     * An enrollment whose account was created but never linked (the browser stopped between first-broker-login and
     * Keycloak's linking request). Only the very same Entra object of the same tenant may pick it up again.
     */
    private static Optional<MatchResult> resumable(KeycloakSession session, RealmModel realm, BrokeredIdentityContext identity,
                                                   Map<String, Object> claims, List<InvitationEntity> accepted) {
        IdentityProviderModel idp = identity.getIdpConfig();
        Optional<EntraIdentity> presented = EntraIdentity.of(claims);
        if (!EntraClaims.isEntra(idp) || presented.isEmpty()) {
            return Optional.empty();
        }
        for (InvitationEntity invitation : accepted) {
            if (invitation.getLoginType() != LoginType.SSO || !idp.getAlias().equals(invitation.getIdentityProvider())
                    || invitation.getAcceptedUserId() == null) {
                continue;
            }
            UserModel user = session.users().getUserById(realm, invitation.getAcceptedUserId());
            if (user != null && EntraIdentity.of(user).equals(presented)
                    && session.users().getFederatedIdentity(realm, user, idp.getAlias()) == null) {
                return Optional.of(MatchResult.resume(invitation, user));
            }
        }
        return Optional.empty();
    }

    /**
     * The canonical address an identity may be matched on: present, and vouched for by an identity provider that
     * passes the token checks ({@link #match} tells the reason when this is empty). No database access.
     */
    static Optional<String> trustedEmail(BrokeredIdentityContext identity) {
        return Optional.ofNullable(checkToken(identity).email());
    }

    /**
     * The read-only decision: the invitation this identity may enroll with, its own unlinked account to resume, or
     * the reason why neither. A match whose address already has an account is refused: accounts are never linked
     * by email.
     */
    static MatchResult admit(KeycloakSession session, RealmModel realm, BrokeredIdentityContext identity) {
        return admit(session, realm, identity, checkToken(identity));
    }

    /** {@link #admit(KeycloakSession, RealmModel, BrokeredIdentityContext)} with the token already checked. */
    static MatchResult admit(KeycloakSession session, RealmModel realm, BrokeredIdentityContext identity, TokenCheck token) {
        MatchResult match = match(session, realm, identity, token);
        if (match.isMatched() && !match.isResumption() && Enrollment.accountExists(session, realm, match.invitation().getEmail())) {
            return MatchResult.refused(ACCOUNT_EXISTS, match.invitation());
        }
        return match;
    }

    /** What the validated ID token alone says: the address to match on, or the reason there is none. */
    record TokenCheck(String email, String refusal) {
    }

    /** The token checks, once per callback: the gate's fast path and its slow path share the result. */
    static TokenCheck checkToken(BrokeredIdentityContext identity) {
        return checkToken(identity.getIdpConfig(), EntraClaims.of(identity));
    }

    private static TokenCheck checkToken(IdentityProviderModel idp, Map<String, Object> claims) {
        if (EntraClaims.isEntra(idp) && !EntraIdentity.isFromConfiguredTenant(idp, claims)) {
            return new TokenCheck(null, WRONG_TENANT);
        }
        Optional<String> email = EntraClaims.email(claims);
        if (email.isEmpty()) {
            return new TokenCheck(null, NO_EMAIL);
        }
        if (!EntraClaims.isEmailVerified(idp, claims, email.get())) {
            return new TokenCheck(null, EMAIL_NOT_VERIFIED);
        }
        return new TokenCheck(email.get(), null);
    }

    /** {@link #admit} without its account check, for a caller that has just made it. */
    static MatchResult match(KeycloakSession session, RealmModel realm, BrokeredIdentityContext identity, TokenCheck token) {
        IdentityProviderModel idp = identity.getIdpConfig();
        Map<String, Object> claims = EntraClaims.of(identity);
        if (token.email() == null) {
            return MatchResult.refused(token.refusal());
        }
        String email = token.email();

        long now = Time.currentTimeMillis();
        InvitationStore store = InvitationStore.of(session);
        List<InvitationEntity> pending = store.pendingFor(realm.getId(), email);
        List<InvitationEntity> live = pending.stream().filter(i -> i.getExpiresAt() > now).toList();
        if (live.isEmpty()) {
            return resumable(session, realm, identity, claims, store.acceptedFor(realm.getId(), email))
                .orElseGet(() -> MatchResult.refused(pending.isEmpty() ? NOT_INVITED : EXPIRED));
        }
        String objectId = EntraIdentity.of(claims).map(EntraIdentity::objectId).orElse(null);
        return live.stream()
            .filter(i -> SsoClaim.admits(i, idp.getAlias(), objectId, now))
            .findFirst()
            .map(MatchResult::matched)
            .orElseGet(() -> MatchResult.refused(refusal(live, idp.getAlias(), objectId, now)));
    }

    private static String refusal(List<InvitationEntity> live, String idpAlias, String objectId, long now) {
        if (live.stream().anyMatch(i -> i.getLoginType() == LoginType.PASSWORD)) {
            return PASSWORD_LOGIN_TYPE;
        }
        // Invited through this provider, but for another Entra object (SCIM): the same address is not the same person.
        return live.stream().anyMatch(i -> SsoClaim.admits(i, idpAlias, i.getEntraObjectId(), now)
            && !SsoClaim.boundTo(i, objectId)) ? OTHER_ENTRA_OBJECT : OTHER_IDP;
    }

}
