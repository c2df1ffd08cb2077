package io.github.flowisesso.rest;

import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.ext.AdminRealmResourceProvider;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

final class InvitationResourceProvider implements AdminRealmResourceProvider {

    private final InvitationApiConfig config;

    InvitationResourceProvider(InvitationApiConfig config) {
        this.config = config;
    }

    @Override
    public Object getResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        return new InvitationsResource(session, realm, auth, adminEvent, config);
    }

    @Override
    public void close() {
    }
}
