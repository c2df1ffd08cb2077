package io.github.flowisesso.testsupport.server;

import io.github.flowisesso.invitation.EmailAddresses;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.InvitationTokens;
import io.github.flowisesso.invitation.LoginType;
import io.github.flowisesso.invitation.SsoClaim;
import io.github.flowisesso.invitation.StringLists;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.keycloak.common.util.Time;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.services.resources.admin.fgap.AdminPermissionEvaluator;

/**
 * TEST ONLY, shipped in the test-support jar and never in the product jar: seeds invitations in any state
 * (expired, revoked…) through the product's own storage code, and reads them back raw (token hash included).
 */
public final class InvitationSeedResource {

    private final KeycloakSession session;
    private final RealmModel realm;
    private final AdminPermissionEvaluator auth;

    InvitationSeedResource(KeycloakSession session, RealmModel realm, AdminPermissionEvaluator auth) {
        this.session = session;
        this.realm = realm;
        this.auth = auth;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @SuppressWarnings("unchecked")
    public Map<String, Object> seed(Map<String, Object> body) {
        auth.users().requireManage();
        long now = Time.currentTimeMillis();
        String token = InvitationTokens.newToken();
        InvitationEntity entity = new InvitationEntity();
        entity.setId(UUID.randomUUID().toString());
        entity.setRealmId(realm.getId());
        entity.setEmail(EmailAddresses.canonical((String) body.get("email")).orElseThrow());
        entity.setLoginType(LoginType.valueOf((String) body.getOrDefault("loginType", "SSO")));
        entity.setIdentityProvider((String) body.get("identityProvider"));
        entity.setRoles(StringLists.toJson((List<String>) body.get("roles")));
        entity.setGroups(StringLists.toJson((List<String>) body.get("groups")));
        entity.setFirstName((String) body.get("firstName"));
        entity.setLastName((String) body.get("lastName"));
        entity.setRedirectUri((String) body.get("redirectUri"));
        entity.setEmailed((Boolean) body.getOrDefault("emailed", Boolean.TRUE));
        entity.setStatus(InvitationStatus.valueOf((String) body.getOrDefault("status", "PENDING")));
        entity.setTokenHash(InvitationTokens.hash(token));
        entity.setCreatedAt(now);
        entity.setExpiresAt(now + ((Number) body.getOrDefault("expiresInSeconds", 3600)).longValue() * 1000L);
        entity.setCreatedBy("test-support");
        entity.setEntraObjectId((String) body.get("entraObjectId"));
        if (Boolean.TRUE.equals(body.get("holdsAddress"))) {
            entity.setOpenEmail(entity.getEmail());
        }
        InvitationStore.of(session).add(entity);
        return Map.of("id", entity.getId(), "token", token);
    }

    /** Whether the SQL form and the Java form of {@link SsoClaim} admit this row for this provider, now. */
    @GET
    @Path("{id}/sso-claim")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> ssoClaim(@PathParam("id") String id, @jakarta.ws.rs.QueryParam("idp") String idp,
                                        @jakarta.ws.rs.QueryParam("oid") String oid) {
        auth.users().requireView();
        InvitationEntity i = InvitationStore.of(session).find(realm.getId(), id).orElseThrow(NotFoundException::new);
        long now = Time.currentTimeMillis();
        @SuppressWarnings("unchecked")
        org.hibernate.query.Query<Object> query = session.getProvider(org.keycloak.connections.jpa.JpaConnectionProvider.class)
            .getEntityManager().createNativeQuery("SELECT COUNT(*) FROM FLOWISE_INVITATION WHERE ID = :id AND " + SsoClaim.WHERE)
            .unwrap(org.hibernate.query.Query.class);
        Number sql = (Number) query.setParameter("id", id).setParameter("realmId", realm.getId()).setParameter("email", i.getEmail())
            .setParameter("now", now).setParameter("idp", idp).setParameter("oid", oid, String.class).getSingleResult();
        return Map.of("sql", sql.intValue() == 1, "java", SsoClaim.admits(i, idp, oid, now));
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> get(@PathParam("id") String id) {
        auth.users().requireView();
        InvitationEntity i = InvitationStore.of(session).find(realm.getId(), id).orElseThrow(NotFoundException::new);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", i.getId());
        out.put("email", i.getEmail());
        out.put("status", i.getStatus().name());
        out.put("acceptedUserId", i.getAcceptedUserId());
        out.put("acceptedAt", i.getAcceptedAt());
        out.put("expiresAt", i.getExpiresAt());
        out.put("tokenHash", i.getTokenHash());
        out.put("openEmail", i.getOpenEmail());
        return out;
    }
}
