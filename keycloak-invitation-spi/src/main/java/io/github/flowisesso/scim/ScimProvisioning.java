package io.github.flowisesso.scim;

import io.github.flowisesso.email.InvitationEmail;
import io.github.flowisesso.entra.EntraClaims;
import io.github.flowisesso.entra.EntraIdentity;
import io.github.flowisesso.invitation.EmailAddresses;
import io.github.flowisesso.invitation.FlowiseClient;
import io.github.flowisesso.invitation.InvitationEntity;
import io.github.flowisesso.invitation.InvitationGrants;
import io.github.flowisesso.invitation.InvitationLinks;
import io.github.flowisesso.invitation.InvitationStatus;
import io.github.flowisesso.invitation.InvitationStore;
import io.github.flowisesso.invitation.Labels;
import io.github.flowisesso.invitation.LoginType;
import io.github.flowisesso.invitation.NewInvitation;
import io.github.flowisesso.invitation.StringLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.keycloak.common.util.Time;
import org.keycloak.models.ClientModel;
import org.keycloak.models.GroupModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.RoleModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.models.UserManager;

/**
 * What provisioning means for invite-only sign-on: Entra assigns a person, and that becomes an SSO invitation bound
 * to the person's Entra object; Entra removes the person, and a pending invitation is revoked, an account disabled
 * with every session ended at once. One resource id for the person's whole life: the invitation's, also after it
 * became an account (an account that existed before provisioning keeps its own id).
 */
final class ScimProvisioning {

    /** A provisioned person: an invitation not (yet) accepted, or an account (with the invitation it came from). */
    record Person(String id, InvitationEntity invitation, UserModel user) {

        boolean isAccount() {
            return user != null;
        }
    }

    private final KeycloakSession session;
    private final RealmModel realm;
    private final ScimSettings settings;
    private final String provisioner;
    private final InvitationStore store;

    ScimProvisioning(KeycloakSession session, RealmModel realm, ScimSettings settings, String provisioner) {
        this.session = session;
        this.realm = realm;
        this.settings = settings;
        this.provisioner = provisioner;
        this.store = InvitationStore.of(session);
    }

    Person get(String id) {
        Optional<InvitationEntity> invitation = store.find(realm.getId(), id);
        if (invitation.isPresent()) {
            InvitationEntity i = invitation.get();
            if (i.getStatus() == InvitationStatus.ACCEPTED) {
                UserModel user = i.getAcceptedUserId() == null ? null : session.users().getUserById(realm, i.getAcceptedUserId());
                if (user == null) {
                    throw ScimError.notFound(); // the account was deleted
                }
                return new Person(id, i, user);
            }
            return new Person(id, i, null);
        }
        UserModel user = session.users().getUserById(realm, id);
        if (user == null || user.getServiceAccountClientLink() != null) {
            throw ScimError.notFound();
        }
        return new Person(id, null, user);
    }

    List<Person> find(ScimFilter filter) {
        List<Person> found = new ArrayList<>();
        switch (filter.attribute()) {
            case ScimFilter.ID -> {
                try {
                    found.add(get(filter.value()));
                } catch (ScimError notFound) {
                    // an empty list
                }
            }
            case ScimFilter.USER_NAME -> EmailAddresses.canonical(filter.value()).flatMap(this::byAddress).ifPresent(found::add);
            default -> byEntraObject(filter.value()).ifPresent(found::add);
        }
        return found;
    }

    /** The person with this address: their account, else their open invitation. */
    private Optional<Person> byAddress(String email) {
        UserModel user = account(email);
        if (user != null) {
            return Optional.of(asAccount(user));
        }
        long now = Time.currentTimeMillis();
        return store.pendingFor(realm.getId(), email).stream().filter(i -> i.getExpiresAt() > now).findFirst()
            .map(i -> new Person(i.getId(), i, null));
    }

    private Optional<Person> byEntraObject(String objectId) {
        for (InvitationEntity invitation : store.byEntraObject(realm.getId(), objectId)) {
            try {
                return Optional.of(get(invitation.getId()));
            } catch (ScimError accountGone) {
                // try the next one
            }
        }
        return session.users().searchForUserByUserAttributeStream(realm, EntraIdentity.OBJECT_ID_ATTRIBUTE, objectId)
            .findFirst().map(this::asAccount);
    }

    /** An account, under the id of the invitation it was provisioned as, if any. */
    private Person asAccount(UserModel user) {
        String email = user.getEmail() == null ? user.getUsername() : user.getEmail();
        return store.acceptedFor(realm.getId(), email).stream()
            .filter(i -> user.getId().equals(i.getAcceptedUserId())).findFirst()
            .map(i -> new Person(i.getId(), i, user))
            .orElseGet(() -> new Person(user.getId(), null, user));
    }

    private UserModel account(String email) {
        UserModel user = session.users().getUserByEmail(realm, email);
        return user != null ? user : session.users().getUserByUsername(realm, email);
    }

    /** Entra assigns someone: their account (bound, no duplicate), their open invitation, or a new invitation. */
    Person assign(ScimUserChange change) {
        String email = address(change);
        UserModel user = account(email);
        if (user != null) {
            String bound = user.getFirstAttribute(EntraIdentity.OBJECT_ID_ATTRIBUTE);
            if (change.externalId != null && bound != null && !bound.equals(change.externalId)) {
                throw ScimError.uniqueness("An account with this address belongs to another Entra object");
            }
            return asAccount(user);
        }
        long now = Time.currentTimeMillis();
        Optional<InvitationEntity> open = store.pendingFor(realm.getId(), email).stream().filter(i -> i.getExpiresAt() > now).findFirst();
        if (open.isPresent()) {
            InvitationEntity invitation = open.get();
            if (invitation.getEntraObjectId() != null && change.externalId != null && !invitation.getEntraObjectId().equals(change.externalId)) {
                throw ScimError.uniqueness("An open invitation for this address is bound to another Entra object");
            }
            return update(new Person(invitation.getId(), invitation, null), change, false);
        }
        InvitationEntity invitation = NewInvitation.pending(realm.getId(), email, LoginType.SSO, now,
            now + TimeUnit.DAYS.toMillis(settings.invitationDays()), provisioner);
        invitation.setIdentityProvider(identityProvider().getAlias());
        invitation.setRoles(StringLists.toJson(roles()));
        invitation.setGroups(StringLists.toJson(groups()));
        invitation.setRedirectUri(FlowiseClient.defaultTarget(realm));
        invitation.setFirstName(change.givenName);
        invitation.setLastName(change.familyName);
        invitation.setEntraObjectId(change.externalId);
        invitation.setScimUserName(change.userName);
        if (settings.sendEmail() && InvitationEmail.hasMailServer(realm)) {
            NewInvitation.queueEmail(invitation, new InvitationStore.QueuedMail(now,
                InvitationLinks.of(session).frontendBase().toString(), Labels.realm(realm)));
        }
        store.add(invitation);
        try {
            store.flush();
        } catch (InvitationStore.AddressTaken e) {
            throw ScimError.uniqueness("Another request provisioned this address at the same moment");
        }
        return new Person(invitation.getId(), invitation, null);
    }

    /**
     * A PATCH ({@code replace} false: only what the request names) or PUT (everything). An account follows
     * {@code active} only: it stays bound to its Entra object, and its profile comes from Entra at sign-in.
     */
    Person update(Person person, ScimUserChange change, boolean replace) {
        if (person.isAccount()) {
            if (change.active != null) {
                setActive(person.user(), change.active);
            }
            return get(person.id());
        }
        InvitationEntity current = person.invitation();
        // The address follows `emails`; it follows `userName` only when it was the userName (no `emails` were ever
        // given), so that a UPN change never moves an invitation away from the person's mail.
        boolean addressWasUserName = current.getScimUserName() != null
            && EmailAddresses.canonical(current.getScimUserName()).map(current.getEmail()::equals).orElse(false);
        boolean emailChanged = change.emailSet || (change.userNameSet && addressWasUserName
            && EmailAddresses.canonical(change.userName).isPresent());
        String email = replace || emailChanged ? address(change) : current.getEmail();
        InvitationStore.ScimFields fields = new InvitationStore.ScimFields(email,
            replace || change.givenNameSet ? change.givenName : current.getFirstName(),
            replace || change.familyNameSet ? change.familyName : current.getLastName(),
            replace || change.externalIdSet ? change.externalId : current.getEntraObjectId(),
            replace || change.userNameSet ? change.userName : current.getScimUserName());
        try {
            store.scimUpdate(realm.getId(), person.id(), fields);
            if (Boolean.FALSE.equals(change.active)) {
                store.revoke(realm.getId(), person.id());
            } else if (Boolean.TRUE.equals(change.active)) {
                store.reopen(realm.getId(), person.id(),
                    Time.currentTimeMillis() + TimeUnit.DAYS.toMillis(settings.invitationDays()));
            }
        } catch (InvitationStore.AddressTaken e) {
            throw ScimError.uniqueness("Another open invitation holds this address");
        }
        store.refresh(current);
        Person now = get(person.id());
        if (now.isAccount() && change.active != null) {
            // Accepted at this very moment (the conditional updates above changed nothing): the account follows.
            setActive(now.user(), change.active);
        }
        return now;
    }

    /** Entra removes someone: the invitation is revoked; the account disabled (or deleted, if the realm says so). */
    void remove(Person person) {
        if (!person.isAccount()) {
            if (!store.revoke(realm.getId(), person.id())) {
                store.refresh(person.invitation());
                Person now = get(person.id());
                if (now.isAccount()) {
                    remove(now); // accepted at this very moment: the new account goes as any account would
                }
            }
            return;
        }
        if (settings.deleteRemoves()) {
            endSessions(person.user());
            new UserManager(session).removeUser(realm, person.user());
        } else {
            setActive(person.user(), false);
        }
    }

    /** Disabling ends every session and refresh token at once (offline ones too), not at their expiry. */
    private void setActive(UserModel user, boolean active) {
        user.setEnabled(active);
        if (!active) {
            endSessions(user);
        }
    }

    private void endSessions(UserModel user) {
        session.sessions().getUserSessionsStream(realm, user).toList()
            .forEach(userSession -> session.sessions().removeUserSession(realm, userSession));
        session.sessions().getOfflineUserSessionsStream(realm, user).toList()
            .forEach(offline -> session.sessions().removeOfflineUserSession(realm, offline));
    }

    private String address(ScimUserChange change) {
        String raw = change.email != null ? change.email : change.userName;
        if (raw == null) {
            throw ScimError.invalidValue("'userName' or a work address in 'emails' is required");
        }
        return EmailAddresses.canonical(raw).orElseThrow(() -> ScimError.invalidValue(
            change.email != null ? "'emails' holds no valid address" : "'userName' is not an email address; map 'emails' to the person's mail"));
    }

    /** The Entra ID provider named by the realm's settings, else its only enabled one; provisioning is for Entra. */
    private IdentityProviderModel identityProvider() {
        List<IdentityProviderModel> entra = session.identityProviders().getAllStream()
            .filter(IdentityProviderModel::isEnabled).filter(EntraClaims::isEntra)
            .filter(idp -> settings.identityProvider() == null || idp.getAlias().equals(settings.identityProvider())).toList();
        if (entra.size() != 1) {
            throw ScimError.invalidValue(settings.identityProvider() != null
                ? ScimSettings.IDENTITY_PROVIDER + ": '" + settings.identityProvider() + "' is not an enabled Microsoft Entra ID provider"
                : "The realm has " + entra.size() + " enabled Microsoft Entra ID providers: name the one for provisioning in "
                    + ScimSettings.IDENTITY_PROVIDER);
        }
        return entra.get(0);
    }

    private List<String> roles() {
        List<String> names = settings.roles();
        if (names.isEmpty()) {
            return List.of();
        }
        ClientModel flowise = FlowiseClient.of(realm).orElseThrow(() -> ScimError.invalidValue(
            ScimSettings.ROLES + ": the realm has no '" + FlowiseClient.CLIENT_ID + "' client"));
        for (String name : names) {
            RoleModel role = flowise.getRole(name);
            if (role == null || InvitationGrants.grantsAdminRights(session, realm, role)) {
                throw ScimError.invalidValue(ScimSettings.ROLES + ": '" + name + "' is not a Flowise role provisioning may grant");
            }
        }
        return names;
    }

    private List<String> groups() {
        List<String> paths = new ArrayList<>();
        for (String path : settings.groups()) {
            GroupModel group = KeycloakModelUtils.findGroupByPath(session, realm, path);
            if (group == null || InvitationGrants.grantsAdminRights(session, realm, group)) {
                throw ScimError.invalidValue(ScimSettings.GROUPS + ": '" + path + "' is not a group provisioning may grant");
            }
            paths.add(KeycloakModelUtils.buildGroupPath(group));
        }
        return paths;
    }
}
