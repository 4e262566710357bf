package io.orderguarantees.devdatabase;

import java.nio.file.Path;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode without Docker: the ledger's PostgreSQL, a {@link PrivatePostgres} in {@code target/dev-postgres} on
 * localhost:5433, started when the datasource points there (the pom's {@code no-docker} profile gives
 * {@code dev-postgres.url}; with Docker, Dev Services start a container instead). Like the dev
 * Kafka broker it outlives live reloads: the application a reload starts finds it answering and uses it.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevPostgres {

    private static final Logger LOG = Logger.getLogger(DevPostgres.class);
    static final int PORT = 5433;

    // Before the schema is migrated (ledger.LedgerSchema) and before the channels start.
    void start(@Observes @Priority(1) StartupEvent startup,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") Optional<String> url,
            @ConfigProperty(name = "dev-postgres.dir", defaultValue = "target/dev-postgres") String dir) {
        String ours = PrivatePostgres.jdbcUrl(PORT, PrivatePostgres.DATABASE);
        if (url.isEmpty() || !url.get().equals(ours)) {
            LOG.infof("PostgreSQL at %s: no private one started", url.orElse("(Dev Services)"));
            return;
        }
        if (PrivatePostgres.answers(PORT)) {
            LOG.infof("Dev PostgreSQL at localhost:%d already running (kept across live reloads)", PORT);
            return;
        }
        if (io.orderguarantees.devbroker.DevKafkaBroker.listening(PORT)) {
            throw new IllegalStateException(("Port %d is taken by something that does not let user '%s' into database "
                    + "'%s': the dev PostgreSQL cannot start there. Stop what listens on %d, or point "
                    + "QUARKUS_DATASOURCE_JDBC_URL (with _USERNAME and _PASSWORD) at your PostgreSQL.")
                    .formatted(PORT, PrivatePostgres.USER, PrivatePostgres.DATABASE, PORT));
        }
        long started = System.nanoTime();
        PrivatePostgres.start(Path.of(dir), PORT, ProcessHandle.current());
        LOG.infof("Dev PostgreSQL started at localhost:%d in %d ms (data in %s, output in %s.log)", PORT,
                (System.nanoTime() - started) / 1_000_000, dir, dir);
    }
}
