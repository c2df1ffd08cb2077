# Keycloak 26.7.3 with the invitation extension, the themes, the realm and the project's server/keycloak.conf baked
# in. kc.sh build runs here, with keycloak.conf and nothing else, so the container starts with --optimized. The
# test-support jar is never copied. Everything per deployment (database URL and credentials, public hostname,
# admin bootstrap, realm placeholders) comes from the environment at run time: see docker-compose.yml and .env.example.
FROM maven:3.9-eclipse-temurin-17 AS jar
WORKDIR /src
COPY pom.xml .
COPY keycloak-invitation-spi/pom.xml keycloak-invitation-spi/
COPY keycloak-invitation-spi/src/main keycloak-invitation-spi/src/main
RUN mvn -q -B -pl keycloak-invitation-spi -am -Dmaven.test.skip=true package \
 && cp keycloak-invitation-spi/target/keycloak-invitation-spi-*[0-9T].jar /keycloak-invitation-spi.jar

FROM quay.io/keycloak/keycloak:26.7.3 AS builder
# The one server configuration (database kind, health, metrics, features, cache, proxy, logging); the tests use it too.
COPY server/keycloak.conf /opt/keycloak/conf/keycloak.conf
COPY --from=jar /keycloak-invitation-spi.jar /opt/keycloak/providers/
COPY themes/ /opt/keycloak/themes/
RUN /opt/keycloak/bin/kc.sh build

FROM quay.io/keycloak/keycloak:26.7.3
COPY --from=builder /opt/keycloak/ /opt/keycloak/
COPY realm-config/flowise-realm.json /opt/keycloak/data/import/flowise-realm.json
ENTRYPOINT ["/opt/keycloak/bin/kc.sh"]
CMD ["start", "--optimized", "--import-realm"]
