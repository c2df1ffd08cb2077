package io.github.flowisesso.invitation;

import java.util.List;
import org.keycloak.connections.jpa.entityprovider.JpaEntityProvider;

final class InvitationJpaEntityProvider implements JpaEntityProvider {

    @Override
    public List<Class<?>> getEntities() {
        return List.of(InvitationEntity.class);
    }

    @Override
    public String getChangelogLocation() {
        return "META-INF/flowise-invitation-changelog.xml";
    }

    @Override
    public String getFactoryId() {
        return InvitationJpaEntityProviderFactory.ID;
    }

    @Override
    public void close() {
    }
}
