package io.orderguarantees.ledger;

import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

import io.quarkus.runtime.StartupEvent;

/**
 * Migrates the ledger's schema (Flyway, {@code db/migration}) at start, before the channels start. Not Quarkus's
 * {@code migrate-at-start}: that runs before any startup observer, and in dev mode without Docker the database is
 * started by one ({@code devdatabase.DevPostgres}, priority 1). Without a database the service stops here, naming
 * the variables that give one, instead of Quarkus's "Bean is not active".
 */
@ApplicationScoped
public class LedgerSchema {

    void migrate(@Observes @Priority(2) StartupEvent startup,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> url, Instance<Flyway> flyway) {
        if (url.isEmpty()) {
            throw new IllegalStateException("No database for the ledger: set QUARKUS_DATASOURCE_JDBC_URL (a PostgreSQL "
                    + "JDBC URL), QUARKUS_DATASOURCE_USERNAME and QUARKUS_DATASOURCE_PASSWORD");
        }
        flyway.get().migrate();
    }
}
