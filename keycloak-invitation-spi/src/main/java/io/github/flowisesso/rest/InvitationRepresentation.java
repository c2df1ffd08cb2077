package io.github.flowisesso.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.github.flowisesso.invitation.DeliveryStatus;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.StringLists;
import java.util.List;

/**
 * An invitation as the API shows it. Timestamps are epoch milliseconds, like Keycloak's own admin API. The status is
 * the effective one (EXPIRED is derived); {@code entraObjectId} is the Entra object a provisioned invitation is bound
 * to. Never the token or its hash; {@code link} only in the one answer to a
 * create or resend that did not send an email.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InvitationRepresentation(String id, String email, String loginType, String identityProvider,
                                List<String> roles, List<String> groups, String firstName, String lastName,
                                String locale, String redirectUri, String status, long createdAt, long expiresAt,
                                String createdBy, Long acceptedAt, String acceptedUserId, String entraObjectId,
                                Delivery delivery, String link) {

    /**
     * The invitation email: NONE (no email, or none needed any more), QUEUED (with the next try's time and, after a
     * failure, its cause), SENT (when the mail server took it) or FAILED (every try failed; the last cause).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delivery(String status, int attempts, Long nextAttemptAt, Long sentAt, String lastError) {

        static Delivery of(InvitationEntity e) {
            DeliveryStatus status = e.getDelivery();
            return new Delivery(status.name(), e.getDeliveryAttempts(),
                status == DeliveryStatus.QUEUED ? e.getDeliveryDueAt() : null,
                status == DeliveryStatus.SENT ? e.getDeliverySentAt() : null,
                status == DeliveryStatus.SENT ? null : e.getDeliveryError());
        }
    }

    static InvitationRepresentation of(InvitationEntity e, long now) {
        return new InvitationRepresentation(e.getId(), e.getEmail(), e.getLoginType().name(), e.getIdentityProvider(),
            StringLists.fromJson(e.getRoles()), StringLists.fromJson(e.getGroups()), e.getFirstName(), e.getLastName(),
            e.getLocale(), e.getRedirectUri(), InvitationStatus.effective(e.getStatus(), e.getExpiresAt(), now).name(),
            e.getCreatedAt(), e.getExpiresAt(), e.getCreatedBy(), e.getAcceptedAt(), e.getAcceptedUserId(),
            e.getEntraObjectId(), Delivery.of(e), null);
    }

    InvitationRepresentation withLink(String newLink) {
        return new InvitationRepresentation(id, email, loginType, identityProvider, roles, groups, firstName, lastName,
            locale, redirectUri, status, createdAt, expiresAt, createdBy, acceptedAt, acceptedUserId, entraObjectId, delivery,
            newLink);
    }
}
