package io.orderguarantees.testsupport;

import java.util.Map;
import java.util.Optional;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The ledger's database for a Quarkus test application: Dev Services' when Docker started one, otherwise a fresh
 * database on the test JVM's own PostgreSQL ({@link TestPostgres}).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    private Optional<String> devServicesUrl = Optional.empty();

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        devServicesUrl = Optional.ofNullable(context.devServicesProperties().get("quarkus.datasource.jdbc.url"));
    }

    @Override
    public Map<String, String> start() {
        return devServicesUrl.isPresent() ? Map.of() : TestPostgres.newDatabase();
    }

    @Override
    public void stop() {
        // The database stays until the JVM ends: the next test application gets a new one.
    }
}
