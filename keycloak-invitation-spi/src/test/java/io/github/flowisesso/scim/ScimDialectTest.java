package io.github.flowisesso.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** What Entra sends, read as Entra means it: filters and PatchOp operations. */
class ScimDialectTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    @Nested
    class Filters {

        @Test
        void equalityOnUserNameExternalIdAndIdIsUnderstoodInAnyCase() {
            assertThat(ScimFilter.parse("userName eq \"ada@example.com\"")).isEqualTo(new ScimFilter("username", "ada@example.com"));
            assertThat(ScimFilter.parse("externalId EQ \"6f1c\"")).isEqualTo(new ScimFilter("externalid", "6f1c"));
            assertThat(ScimFilter.parse(" id eq \"a \\\"quoted\\\" id\" ")).isEqualTo(new ScimFilter("id", "a \"quoted\" id"));
            assertThat(ScimFilter.parse(null)).isNull();
        }

        @Test
        void anythingElseIsAnInvalidFilterNeverAWiderOne() {
            for (String filter : new String[] {"userName co \"a\"", "userName eq a", "displayName eq \"x\"",
                    "userName eq \"x\" or userName pr", "userName eq \"x\" and id eq \"y\"", "a".repeat(2_000)}) {
                assertThatThrownBy(() -> ScimFilter.parse(filter)).as(filter).isInstanceOf(ScimError.class)
                    .hasMessageNotContaining("Exception");
            }
        }
    }

    @Nested
    class PatchOperations {

        @Test
        void activeArrivesAsTheStringFalseOrAsABooleanInAReplaceWithoutPath() throws Exception {
            ScimUserChange quoted = ScimUserChange.ofPatch(json(
                "{\"Operations\":[{\"op\":\"Replace\",\"path\":\"active\",\"value\":\"False\"}]}"));
            assertThat(quoted.active).isFalse();
            ScimUserChange pathless = ScimUserChange.ofPatch(json("{\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":true}}]}"));
            assertThat(pathless.active).isTrue();
        }

        @Test
        void theWorkAddressNamesAndExternalIdAreRead() throws Exception {
            ScimUserChange change = ScimUserChange.ofPatch(json("""
                {"Operations":[
                  {"op":"Add","path":"emails[type eq \\"work\\"].value","value":"new@example.com"},
                  {"op":"Replace","path":"name.givenName","value":"Ada"},
                  {"op":"Add","path":"externalId","value":"6f1c"},
                  {"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department","value":"R&D"},
                  {"op":"Add","path":"phoneNumbers[type eq \\"work\\"].value","value":"+1 555"}]}"""));
            assertThat(change.email).isEqualTo("new@example.com");
            assertThat(change.givenName).isEqualTo("Ada");
            assertThat(change.externalId).isEqualTo("6f1c");
            assertThat(change.emailSet && change.givenNameSet && change.externalIdSet).isTrue();
            assertThat(change.familyNameSet).as("not named, not changed").isFalse();
        }

        @Test
        void unknownAttributesBadValuesAndBadOperationsAreRefused() {
            for (String body : new String[] {
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"favouriteColour\",\"value\":\"blue\"}]}",
                "{\"Operations\":[{\"op\":\"replace\",\"path\":\"active\",\"value\":\"maybe\"}]}",
                "{\"Operations\":[{\"op\":\"remove\",\"path\":\"active\"}]}",
                "{\"Operations\":[{\"op\":\"move\",\"path\":\"active\",\"value\":true}]}",
                "{\"Operations\":[{\"op\":\"replace\",\"value\":\"not an object\"}]}",
                "{\"Operations\":[]}",
                "{\"Operations\":[{\"op\":\"add\",\"path\":\"externalId\",\"value\":\"" + "x".repeat(65) + "\"}]}",
                "{\"Operations\":[{\"op\":\"add\",\"path\":\"name.givenName\",\"value\":\"" + "x".repeat(256) + "\"}]}",
                "{}"}) {
                assertThatThrownBy(() -> ScimUserChange.ofPatch(json(body))).as(body).isInstanceOf(ScimError.class);
            }
        }

        @Test
        void aWholeResourceIgnoresWhatAnInvitationDoesNotKeepAndUnassignedNulls() throws Exception {
            ScimUserChange change = ScimUserChange.ofResource(json("""
                {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Test_User","externalId":"6f1c",
                 "name":{"formatted":"Ada Lovelace","givenName":"Ada","familyName":"Lovelace"},"password":null,"roles":[],
                 "emails":[{"value":"home@example.com","type":"home"},{"value":"ada@example.com","type":"work","primary":true}],
                 "meta":{"resourceType":"User"},"title":"Countess","active":true}"""));
            assertThat(change.email).as("the work address").isEqualTo("ada@example.com");
            assertThat(change.userName).isEqualTo("Test_User");
            assertThat(change.familyName).isEqualTo("Lovelace");
            assertThat(change.active).isTrue();
        }
    }
}
