package io.github.flowisesso.scim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import io.micrometer.core.instrument.Metrics;
import org.keycloak.events.admin.OperationType;
import org.keycloak.events.admin.ResourceType;
import org.keycloak.models.ClientModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.representations.AccessToken;
import org.keycloak.services.resources.admin.AdminAuth;
import org.keycloak.services.resources.admin.AdminEventBuilder;
import org.keycloak.util.JsonSerialization;

/**
 * {@code /realms/{realm}/scim/v2}: the SCIM 2.0 service provider Entra ID provisions through (RFC 7644). Every call
 * needs a provisioning secret token ({@link ScimCredentials}); nothing else reaches it. Every change is an admin event
 * of the provisioning client's service account (resource type CUSTOM, path {@code scim/Users/{id}}).
 */
public final class ScimUsers {

    static final int MAX_RESULTS = 100;
    /** Entra's requests are a few hundred bytes; anything far larger is not provisioning. */
    static final int MAX_BODY_CHARS = 65_536;

    private final KeycloakSession session;
    private final RealmModel realm;

    ScimUsers(KeycloakSession session, RealmModel realm) {
        this.session = session;
        this.realm = realm;
    }

    @GET
    @Path("ServiceProviderConfig")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response serviceProviderConfig() {
        return answer(caller -> ok(ScimDiscovery.serviceProviderConfig(baseUrl())));
    }

    @GET
    @Path("ResourceTypes")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response resourceTypes() {
        return answer(caller -> ok(ScimDiscovery.resourceTypes(baseUrl())));
    }

    @GET
    @Path("ResourceTypes/User")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response userResourceType() {
        return answer(caller -> ok(ScimDiscovery.userResourceType(baseUrl())));
    }

    @GET
    @Path("Schemas")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response schemas() {
        return answer(caller -> ok(ScimDiscovery.schemas(baseUrl())));
    }

    @GET
    @Path("Schemas/{id}")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response schema(@PathParam("id") String id) {
        return answer(caller -> {
            if (!ScimUserView.USER_SCHEMA.equals(id)) {
                throw ScimError.notFound();
            }
            return ok(ScimDiscovery.userSchema(baseUrl()));
        });
    }

    /**
     * Users by filter (Entra asks {@code userName eq "…"} before it creates anyone, also with names that exist
     * nowhere, and expects an empty list). A filter is required: listing every user of the realm is not
     * provisioning's business.
     */
    @GET
    @Path("Users")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response list(@QueryParam("filter") String filter) {
        return answer(caller -> {
            ScimFilter parsed = ScimFilter.parse(filter);
            if (parsed == null) {
                throw ScimError.invalidFilter("A filter is required ('userName eq \"…\"' or 'externalId eq \"…\"')");
            }
            List<Map<String, Object>> found = caller.provisioning().find(parsed).stream()
                .map(person -> ScimUserView.of(person, usersUrl())).toList();
            return ok(ScimUserView.list(found, 1, found.size()));
        });
    }

    @GET
    @Path("Users/{id}")
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response get(@PathParam("id") String id) {
        return answer(caller -> ok(ScimUserView.of(caller.provisioning().get(id), usersUrl())));
    }

    @POST
    @Path("Users")
    @Consumes({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response create(String body) {
        return answer(caller -> {
            ScimProvisioning.Person person = caller.provisioning().assign(ScimUserChange.ofResource(parse(body)));
            Map<String, Object> view = ScimUserView.of(person, usersUrl());
            caller.event(OperationType.CREATE, person.id(), view);
            return Response.created(URI.create(usersUrl() + "/" + person.id())).type(ScimError.MEDIA_TYPE).entity(view).build();
        });
    }

    @PUT
    @Path("Users/{id}")
    @Consumes({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response replace(@PathParam("id") String id, String body) {
        return answer(caller -> change(caller, id, ScimUserChange.ofResource(parse(body)), true));
    }

    @PATCH
    @Path("Users/{id}")
    @Consumes({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    @Produces({ScimError.MEDIA_TYPE, MediaType.APPLICATION_JSON})
    public Response patch(@PathParam("id") String id, String body) {
        return answer(caller -> change(caller, id, ScimUserChange.ofPatch(parse(body)), false));
    }

    @DELETE
    @Path("Users/{id}")
    public Response delete(@PathParam("id") String id) {
        return answer(caller -> {
            ScimProvisioning.Person person = caller.provisioning().get(id);
            caller.provisioning().remove(person);
            caller.event(OperationType.DELETE, id, ScimUserView.of(person, usersUrl()));
            return Response.noContent().build();
        });
    }

    private Response change(Caller caller, String id, ScimUserChange change, boolean replace) {
        ScimProvisioning.Person person = caller.provisioning().update(caller.provisioning().get(id), change, replace);
        Map<String, Object> view = ScimUserView.of(person, usersUrl());
        caller.event(OperationType.UPDATE, id, view);
        return ok(view);
    }

    /** The authenticated provisioning client, for one request. */
    private final class Caller {

        private final ClientModel client;
        private final UserModel account;
        private ScimProvisioning provisioning;

        Caller(ClientModel client) {
            this.client = client;
            this.account = ScimCredentials.provisioner(session, client);
        }

        ScimProvisioning provisioning() {
            if (provisioning == null) {
                provisioning = new ScimProvisioning(session, realm, ScimSettings.of(realm),
                    account != null ? account.getUsername() : ScimCredentials.CLIENT_ID);
            }
            return provisioning;
        }

        void event(OperationType operation, String id, Map<String, Object> representation) {
            if (account == null) {
                return; // no service account to name as the author (it was removed by hand)
            }
            new AdminEventBuilder(realm, new AdminAuth(realm, new AccessToken(), account, client), session,
                session.getContext().getConnection())
                .resource(ResourceType.CUSTOM).operation(operation).resourcePath("scim/Users/" + id)
                .representation(representation).success();
        }
    }

    /**
     * Authenticates, runs, and turns refusals into SCIM errors with nothing written. Every answer is counted in
     * Keycloak's metrics: {@code flowise_scim_requests_total{realm, method, status}} on the management port.
     */
    private Response answer(Function<Caller, Response> action) {
        Response response;
        try {
            String authorization = session.getContext().getRequestHeaders().getHeaderString("Authorization");
            ClientModel client = ScimCredentials.authenticate(realm, authorization).orElseThrow(ScimError::unauthorized);
            response = action.apply(new Caller(client));
        } catch (ScimError e) {
            session.getTransactionManager().setRollbackOnly();
            response = e.toResponse();
        }
        Metrics.counter("flowise_scim_requests", "realm", realm.getName(),
            "method", session.getContext().getHttpRequest().getHttpMethod(), "status", String.valueOf(response.getStatus())).increment();
        return response;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            throw ScimError.invalidSyntax("The request has no body");
        }
        if (body.length() > MAX_BODY_CHARS) {
            throw ScimError.tooLarge("The body has more than " + MAX_BODY_CHARS + " characters");
        }
        try {
            return JsonSerialization.mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw ScimError.invalidSyntax("The body is not JSON");
        }
    }

    private static Response ok(Object entity) {
        return Response.ok(entity).type(ScimError.MEDIA_TYPE).build();
    }

    private String baseUrl() {
        return session.getContext().getUri().getBaseUriBuilder().path("realms/{realm}/scim/v2").build(realm.getName()).toString();
    }

    private String usersUrl() {
        return baseUrl() + "/Users";
    }
}
