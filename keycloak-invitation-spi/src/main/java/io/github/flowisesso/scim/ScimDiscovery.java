package io.github.flowisesso.scim;

import java.util.List;
import java.util.Map;

/** What this service provider supports (RFC 7643, 5 to 7): Users, filters by equality, PATCH; no bulk, sort or ETag. */
final class ScimDiscovery {

    private ScimDiscovery() {
    }

    static Map<String, Object> serviceProviderConfig(String baseUrl) {
        return Map.of(
            "schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"),
            "patch", Map.of("supported", true),
            "bulk", Map.of("supported", false, "maxOperations", 0, "maxPayloadSize", 0),
            "filter", Map.of("supported", true, "maxResults", ScimUsers.MAX_RESULTS),
            "changePassword", Map.of("supported", false),
            "sort", Map.of("supported", false),
            "etag", Map.of("supported", false),
            "authenticationSchemes", List.of(Map.of("type", "oauthbearertoken", "name", "Secret token",
                "description", "A provisioning secret token (Entra ID: Secret Token) made in the invitations admin API", "primary", true)),
            "meta", Map.of("resourceType", "ServiceProviderConfig", "location", baseUrl + "/ServiceProviderConfig"));
    }

    static Map<String, Object> resourceTypes(String baseUrl) {
        return ScimUserView.list(List.of(userResourceType(baseUrl)), 1, 1);
    }

    static Map<String, Object> userResourceType(String baseUrl) {
        return Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:ResourceType"),
            "id", "User", "name", "User", "endpoint", "/Users", "schema", ScimUserView.USER_SCHEMA,
            "meta", Map.of("resourceType", "ResourceType", "location", baseUrl + "/ResourceTypes/User"));
    }

    static Map<String, Object> schemas(String baseUrl) {
        return ScimUserView.list(List.of(userSchema(baseUrl)), 1, 1);
    }

    static Map<String, Object> userSchema(String baseUrl) {
        return Map.of("schemas", List.of("urn:ietf:params:scim:schemas:core:2.0:Schema"),
            "id", ScimUserView.USER_SCHEMA, "name", "User", "description", "A person invited to Flowise",
            "attributes", List.of(
                attribute("userName", "string", true, "server", "The person's sign-in name in Entra ID"),
                attribute("externalId", "string", false, "none", "The Entra object id: only it may enroll"),
                Map.of("name", "name", "type", "complex", "multiValued", false, "required", false, "mutability", "readWrite",
                    "returned", "default", "subAttributes", List.of(
                        attribute("givenName", "string", false, "none", "First name"),
                        attribute("familyName", "string", false, "none", "Last name"))),
                Map.of("name", "emails", "type", "complex", "multiValued", true, "required", true, "mutability", "readWrite",
                    "returned", "default", "subAttributes", List.of(
                        attribute("value", "string", true, "none", "The address the invitation is for"),
                        attribute("type", "string", false, "none", "work"),
                        Map.of("name", "primary", "type", "boolean", "multiValued", false, "required", false,
                            "mutability", "readWrite", "returned", "default"))),
                Map.of("name", "active", "type", "boolean", "multiValued", false, "required", false, "mutability", "readWrite",
                    "returned", "default", "description", "false: the invitation is revoked, or the account disabled with its sessions ended")),
            "meta", Map.of("resourceType", "Schema", "location", baseUrl + "/Schemas/" + ScimUserView.USER_SCHEMA));
    }

    private static Map<String, Object> attribute(String name, String type, boolean required, String uniqueness, String description) {
        return Map.of("name", name, "type", type, "multiValued", false, "required", required, "caseExact", false,
            "mutability", "readWrite", "returned", "default", "uniqueness", uniqueness, "description", description);
    }
}
