package io.orderguarantees.devdatabase;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server of our own, from the machine's PostgreSQL binaries (Debian's {@code postgresql} package),
 * for dev mode and the tests where Dev Services have no Docker to start one in. Its cluster lives in a folder of
 * {@code target/}; superuser and database are {@code quarkus}, as Dev Services make them, with trust authentication
 * on localhost only. PostgreSQL refuses to run as root: as root, every PostgreSQL command runs as the {@code postgres}
 * user, who then owns the folder. A watcher process stops the server when the JVM that asked for it is gone, however
 * that JVM ended; live reloads keep that JVM, so they keep the server.
 */
public final class PrivatePostgres {

    public static final String USER = "quarkus";
    public static final String DATABASE = "quarkus";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private final Path dataDir;
    private final Path log;
    private final int port;

    private PrivatePostgres(Path dataDir, Path log, int port) {
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts the cluster in {@code folder} (creating it on first use) on localhost:{@code port}, stopped when the
     * process {@code owner} is gone. The server's output goes to {@code folder}{@code .log}.
     */
    public static PrivatePostgres start(Path folder, int port, ProcessHandle owner) {
        Path absolute = folder.toAbsolutePath();
        PrivatePostgres postgres = new PrivatePostgres(absolute.resolve("data"),
                absolute.resolveSibling(absolute.getFileName() + ".log"), port);
        try {
            postgres.initIfNew();
            postgres.launch();
            postgres.watch(owner);
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL could not be started in " + folder, e);
        }
        return postgres;
    }

    public String jdbcUrl(String database) {
        return jdbcUrl(port, database);
    }

    public static String jdbcUrl(int port, String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    /** The postmaster's pid, read from its pid file: for a harness that kills the server. */
    public long pid() throws IOException {
        return Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).strip());
    }

    public Path dataDir() {
        return dataDir;
    }

    public int port() {
        return port;
    }

    /**
     * Starts the server again on the same cluster, after a harness killed it: it recovers from its write-ahead log.
     * Tried for a while: the killed server's sessions may hold its shared memory for a moment after it is gone.
     */
    public void restart() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                launch();
                return;
            } catch (IllegalStateException exited) {
                if (System.nanoTime() > deadline) {
                    throw exited;
                }
                sleep(500);
            }
        }
    }

    public void createDatabase(String name) throws SQLException {
        try (Connection connection = connect(port, DATABASE)) {
            connection.createStatement().execute("CREATE DATABASE \"" + name + "\"");
        }
    }

    /** True when a PostgreSQL server answers on localhost:{@code port} and lets our user into our database. */
    public static boolean answers(int port) {
        try (Connection connection = connect(port, DATABASE)) {
            return connection.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private static Connection connect(int port, String database) throws SQLException {
        DriverManager.setLoginTimeout(3);
        return DriverManager.getConnection(jdbcUrl(port, database), USER, USER);
    }

    private void initIfNew() throws IOException {
        if (Files.exists(dataDir.resolve("PG_VERSION"))) {
            return;
        }
        // First: installing PostgreSQL, where it is missing, also creates the postgres user.
        String initdb = binary("initdb");
        Files.createDirectories(dataDir);
        giveToPostgresUser(dataDir);
        run(List.of(initdb, "-D", dataDir.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
                "--locale=C", "--no-sync", "--no-instructions"));
    }

    private void launch() throws IOException {
        List<String> command = asPostgresUser(List.of(binary("postgres"), "-D", dataDir.toString(),
                "-p", String.valueOf(port), "-c", "listen_addresses=localhost", "-c", "unix_socket_directories=",
                // A killed server loses nothing the OS has: only a machine crash could, and this is no production.
                "-c", "fsync=off", "-c", "max_connections=200"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!answersOrCreates()) {
            if (!server.isAlive()) {
                throw new IllegalStateException("PostgreSQL exited with status " + server.exitValue()
                        + " before it was ready. Its output (" + log + "):\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                server.destroy();
                throw new IllegalStateException("PostgreSQL was not ready within " + START_TIMEOUT.toSeconds()
                        + " s. Its output (" + log + "):\n" + Files.readString(log));
            }
            sleep(100);
        }
    }

    /** Ready once our database answers; a new cluster has only {@code postgres}, and gets ours here. */
    private boolean answersOrCreates() {
        if (answers(port)) {
            return true;
        }
        try (Connection connection = connect(port, "postgres")) {
            connection.createStatement().execute("CREATE DATABASE " + DATABASE);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** A shell that waits for the owner to be gone, then stops the server (fast shutdown: sessions are ended). */
    private void watch(ProcessHandle owner) throws IOException {
        String stop = String.join(" ", asPostgresUser(List.of(binary("pg_ctl"), "stop", "-D", quoted(dataDir),
                "-m", "fast", "-s")));
        new ProcessBuilder("/bin/sh", "-c", "while kill -0 " + owner.pid() + " 2>/dev/null; do sleep 0.5; done; "
                + stop).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static String quoted(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }

    private static void giveToPostgresUser(Path dir) throws IOException {
        if (!ROOT) {
            return;
        }
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        try {
            Files.setOwner(dir, users.lookupPrincipalByName("postgres"));
        } catch (IOException e) {
            throw new IllegalStateException("PostgreSQL refuses to run as root, and there is no 'postgres' user to run "
                    + "it as: install Debian's postgresql package, which creates it", e);
        }
        run(List.of("chmod", "700", dir.toString()));
        // The postgres user must reach the folder: every folder above it must let others through.
        for (Path up = dir.getParent(); up != null; up = up.getParent()) {
            if (!Files.isExecutable(up) || !Files.getPosixFilePermissions(up).contains(
                    java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                throw new IllegalStateException("The postgres user cannot reach " + dir + ": " + up
                        + " does not let others through (chmod o+x " + up + ", or work in a folder that does)");
            }
        }
    }

    private static List<String> asPostgresUser(List<String> command) {
        if (!ROOT) {
            return command;
        }
        List<String> asUser = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        asUser.addAll(command);
        return asUser;
    }

    private static void run(List<String> command) throws IOException {
        List<String> full = command.get(0).equals("chmod") ? command : asPostgresUser(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (process.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed (" + process.exitValue() + "):\n"
                        + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The newest PostgreSQL's own folder (Debian keeps initdb and postgres off the PATH), else the PATH. On a machine
     * without PostgreSQL, Debian's package is installed first, as root or through password-less sudo: the README's
     * commands set up what they need.
     */
    static synchronized String binary(String name) {
        return find(name).orElseGet(() -> {
            install();
            return find(name).orElseThrow(() -> new IllegalStateException("No PostgreSQL '" + name + "' on this "
                    + "machine, and installing Debian's postgresql package did not provide it: install PostgreSQL, "
                    + "or set QUARKUS_DATASOURCE_JDBC_URL (with _USERNAME and _PASSWORD)"));
        });
    }

    private static void install() {
        List<String> sudo = ROOT ? List.of() : List.of("sudo", "-n");
        try {
            for (List<String> step : List.of(List.of("apt-get", "update", "-q"),
                    List.of("apt-get", "install", "-y", "-q", "postgresql"))) {
                List<String> command = new ArrayList<>(sudo);
                command.addAll(step);
                ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
                builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
                if (builder.start().waitFor() != 0) {
                    return;
                }
            }
        } catch (IOException e) {
            // no apt-get, or no sudo: the caller says what to do
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Optional<String> find(String name) {
        Path debian = Path.of("/usr/lib/postgresql");
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                newest = versions.map(v -> v.resolve("bin").resolve(name)).filter(Files::isExecutable)
                        .max(Comparator.comparingInt(p -> version(p.getParent().getParent())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return newest.or(() -> Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .map(dir -> Path.of(dir, name)).filter(Files::isExecutable).findFirst()).map(Path::toString);
    }

    private static int version(Path folder) {
        try {
            return Integer.parseInt(folder.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
