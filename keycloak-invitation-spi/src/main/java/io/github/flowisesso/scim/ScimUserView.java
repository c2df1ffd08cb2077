package io.github.flowisesso.scim;

import io.github.flowisesso.entra.EntraIdentity;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.UserModel;

/** A provisioned person as a SCIM User resource (RFC 7643, 4.1). */
final class ScimUserView {

    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";

    private ScimUserView() {
    }

    static Map<String, Object> of(ScimProvisioning.Person person, String usersUrl) {
        InvitationEntity invitation = person.invitation();
        UserModel user = person.user();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("schemas", List.of(USER_SCHEMA));
        view.put("id", person.id());
        String externalId;
        String email;
        String first;
        String last;
        boolean active;
        long created;
        if (user != null) {
            externalId = user.getFirstAttribute(EntraIdentity.OBJECT_ID_ATTRIBUTE);
            if (externalId == null && invitation != null) {
                externalId = invitation.getEntraObjectId();
            }
            email = user.getEmail() != null ? user.getEmail() : user.getUsername();
            first = user.getFirstName();
            last = user.getLastName();
            active = user.isEnabled();
            created = user.getCreatedTimestamp() == null ? 0 : user.getCreatedTimestamp();
        } else {
            externalId = invitation.getEntraObjectId();
            email = invitation.getEmail();
            first = invitation.getFirstName();
            last = invitation.getLastName();
            active = invitation.getStatus() != InvitationStatus.REVOKED;
            created = invitation.getCreatedAt();
        }
        if (externalId != null) {
            view.put("externalId", externalId);
        }
        String userName = invitation != null && invitation.getScimUserName() != null ? invitation.getScimUserName() : email;
        view.put("userName", userName);
        Map<String, Object> name = new LinkedHashMap<>();
        if (first != null) {
            name.put("givenName", first);
        }
        if (last != null) {
            name.put("familyName", last);
        }
        if (!name.isEmpty()) {
            view.put("name", name);
        }
        view.put("emails", List.of(Map.of("value", email, "type", "work", "primary", true)));
        view.put("active", active);
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("resourceType", "User");
        meta.put("created", Instant.ofEpochMilli(created).toString());
        meta.put("location", usersUrl + "/" + person.id());
        view.put("meta", meta);
        return view;
    }

    static Map<String, Object> list(List<Map<String, Object>> resources, int startIndex, int total) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("schemas", List.of("urn:ietf:params:scim:api:messages:2.0:ListResponse"));
        list.put("totalResults", total);
        list.put("startIndex", startIndex);
        list.put("itemsPerPage", resources.size());
        list.put("Resources", resources);
        return list;
    }
}
