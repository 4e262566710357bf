package io.orderguarantees.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;

import io.orderguarantees.devdatabase.PrivatePostgres;

/**
 * The tests' PostgreSQL: one real server per test JVM ({@link PrivatePostgres} in
 * {@code target/test-postgres/<pid>}, from
 * the machine's binaries), with a fresh database for each Quarkus test application and each Kafka cluster of the
 * integration tests, so that no test sees another's ledger.
 */
public final class TestPostgres {

    /** A folder per test JVM: the surefire JVM's server may still be stopping when the failsafe JVM starts its own. */
    private static final Path FOLDERS = Path.of("target", "test-postgres");
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Map<String, Map<String, String>> BY_CLUSTER = new ConcurrentHashMap<>();
    private static PrivatePostgres server;

    private TestPostgres() {
    }

    /** The datasource settings of a new, empty database. */
    public static synchronized Map<String, String> newDatabase() {
        String name = "ledger_" + DATABASES.incrementAndGet();
        try {
            server().createDatabase(name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name, e);
        }
        return Map.of("quarkus.datasource.jdbc.url", server().jdbcUrl(name),
                "quarkus.datasource.username", PrivatePostgres.USER,
                "quarkus.datasource.password", PrivatePostgres.USER);
    }

    /** One database per Kafka cluster: every instance billing that cluster's orders shares its ledger. */
    public static Map<String, String> databaseFor(String bootstrapServers) {
        return BY_CLUSTER.computeIfAbsent(String.valueOf(bootstrapServers), cluster -> newDatabase());
    }

    /** A connection to a database these settings name, as the lab's SQL reads it: from outside the service. */
    public static Connection connect(Map<String, String> database) throws SQLException {
        return DriverManager.getConnection(database.get("quarkus.datasource.jdbc.url"),
                database.get("quarkus.datasource.username"), database.get("quarkus.datasource.password"));
    }

    /** A data source on a new database, its schema migrated as the service migrates it (Flyway). */
    public static DataSource migratedDatabase(Map<String, String> database) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(database.get("quarkus.datasource.jdbc.url"));
        dataSource.setUser(database.get("quarkus.datasource.username"));
        dataSource.setPassword(database.get("quarkus.datasource.password"));
        Flyway.configure().dataSource(dataSource).load().migrate();
        return dataSource;
    }

    /** The first column of the first row of a query, as a number. */
    public static long single(Map<String, String> database, String sql) throws SQLException {
        try (Connection connection = connect(database);
                ResultSet row = connection.createStatement().executeQuery(sql)) {
            row.next();
            return row.getLong(1);
        }
    }

    public static synchronized PrivatePostgres server() {
        if (server == null) {
            Path folder = FOLDERS.resolve(String.valueOf(ProcessHandle.current().pid()));
            Folders.deleteRecursively(folder);
            server = PrivatePostgres.start(folder, Ports.free(), ProcessHandle.current());
        }
        return server;
    }

}
