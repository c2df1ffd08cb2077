package io.github.flowisesso.scim;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.keycloak.events.admin.OperationType;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * {@code /admin/realms/{realm}/invitations/scim}: what an Entra admin pastes into the enterprise app's
 * *Provisioning* page (the Tenant URL and a Secret Token), and the tokens' rotation. The rights are the invitation
 * API's: a token can do no more than someone who manages the realm's users (invite with the realm's provisioning
 * roles, which never carry admin rights; enable and disable accounts), so managing users is what it takes to make
 * or revoke one, and viewing users to see them. The invitations page offers it to invitation managers.
 */
public final class ScimTokensResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;
    private final AdminEventBuilder adminEvent;

    public ScimTokensResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth, AdminEventBuilder adminEvent) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
        this.adminEvent = adminEvent;
    }

    /** The Tenant URL, the tokens (ids and dates, never the tokens) and the realm's provisioning settings. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> describe() {
        auth.users().requireView();
        ScimSettings settings = ScimSettings.of(realm);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("tenantUrl", tenantUrl());
        answer.put("tokens", ScimCredentials.list(realm).stream()
            .map(t -> Map.of("id", t.id(), "createdAt", t.createdAt())).toList());
        answer.put("maxTokens", ScimCredentials.MAX_TOKENS);
        answer.put("settings", Map.of(ScimSettings.ROLES, settings.roles(), ScimSettings.GROUPS, settings.groups(),
            ScimSettings.SEND_EMAIL, settings.sendEmail(), ScimSettings.ON_DELETE, settings.deleteRemoves() ? "delete" : "disable",
            ScimSettings.INVITATION_DAYS, settings.invitationDays(),
            ScimSettings.IDENTITY_PROVIDER, settings.identityProvider() == null ? "" : settings.identityProvider()));
        return answer;
    }

    /** A new Secret Token, shown in this answer only. */
    @POST
    @Path("tokens")
    @Produces(MediaType.APPLICATION_JSON)
    public Response issue() {
        auth.users().requireManage();
        ScimCredentials.Issued issued = ScimCredentials.issue(session, realm);
        if (issued == null) {
            return Response.status(409).type(MediaType.APPLICATION_JSON).entity(Map.of("error", "too_many_tokens",
                "error_description", "At most " + ScimCredentials.MAX_TOKENS + " tokens: revoke one first")).build();
        }
        adminEvent.operation(OperationType.CREATE).resourcePath("invitations/scim/tokens/" + issued.id())
            .representation(Map.of("id", issued.id(), "createdAt", issued.createdAt())).success();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", issued.id());
        answer.put("token", issued.token());
        answer.put("createdAt", issued.createdAt());
        answer.put("tenantUrl", tenantUrl());
        return Response.status(201).type(MediaType.APPLICATION_JSON).entity(answer).build();
    }

    @DELETE
    @Path("tokens/{id}")
    public Response revoke(@PathParam("id") String id) {
        auth.users().requireManage();
        if (!ScimCredentials.revoke(realm, id)) {
            throw new NotFoundException();
        }
        adminEvent.operation(OperationType.DELETE).resourcePath("invitations/scim/tokens/" + id).success();
        return Response.noContent().build();
    }

    private String tenantUrl() {
        return session.getContext().getUri(org.keycloak.urls.UrlType.FRONTEND).getBaseUriBuilder()
            .path("realms/{realm}/scim/v2").build(realm.getName()).toString();
    }
}
