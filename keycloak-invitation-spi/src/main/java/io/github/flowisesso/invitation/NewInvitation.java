package io.github.flowisesso.invitation;

import java.util.List;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * A new PENDING invitation, before its details: what every invitation starts with, wherever it comes from (the admin
 * API, SCIM provisioning). Its token hash is of a fresh token that is never handed out: the caller hands out a token
 * of its own (a link) or lets the outbox make one (an email).
 */
public final class NewInvitation {

    private NewInvitation() {
    }

    public static InvitationEntity pending(String realmId, String canonicalEmail, LoginType loginType, long now,
                                           long expiresAt, String createdBy) {
        InvitationEntity invitation = new InvitationEntity();
        invitation.setId(KeycloakModelUtils.generateId());
        invitation.setRealmId(realmId);
        invitation.setEmail(canonicalEmail);
        // Holds the address: the database refuses a second open invitation for it (UK_FLOWISE_INVITATION_OPEN).
        invitation.setOpenEmail(canonicalEmail);
        invitation.setLoginType(loginType);
        invitation.setStatus(InvitationStatus.PENDING);
        invitation.setTokenHash(InvitationTokens.hash(InvitationTokens.newToken()));
        invitation.setRoles(StringLists.toJson(List.of()));
        invitation.setGroups(StringLists.toJson(List.of()));
        invitation.setCreatedAt(now);
        invitation.setExpiresAt(expiresAt);
        invitation.setCreatedBy(createdBy);
        return invitation;
    }

    /** Queues the invitation's email: the outbox sends it once {@code mail.dueAt()} has come. */
    public static void queueEmail(InvitationEntity invitation, InvitationStore.QueuedMail mail) {
        invitation.setEmailed(true);
        invitation.setDelivery(DeliveryStatus.QUEUED);
        invitation.setDeliveryDueAt(mail.dueAt());
        invitation.setMailBaseUrl(mail.baseUrl());
        invitation.setInviterName(mail.inviterName());
    }
}
