package io.github.flowisesso.rest;

import io.github.flowisesso.email.MailOutbox;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

final class InvitationResourceProvider implements AdminRealmResourceProvider {

    private final InvitationApiConfig config;
    private final MailOutbox outbox;

    InvitationResourceProvider(InvitationApiConfig config, MailOutbox outbox) {
        this.config = config;
        this.outbox = outbox;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new InvitationsResource(session, realm, auth, adminEvent, config, outbox);
    }

    @Override
    public void close() {
    }
}
