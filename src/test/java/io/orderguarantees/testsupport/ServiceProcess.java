package io.orderguarantees.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service run as a separate process, in the test profile unless {@code quarkus.profile} is in the extra
 * config, against a given broker: what a crash does to a process can only be seen from outside it. It is the lab
 * build ({@code target/lab-app/quarkus-app}, with fault injection and /bench), unless the config asks for the
 * {@link #SHIPPED} jar.
 */
public final class ServiceProcess implements AutoCloseable {

    /** The lab build (fault injection and /bench built in), as the pom's failsafe configuration names it. */
    private static final Path LAB_JAR = Path.of(System.getProperty("service.lab-jar",
            "target/lab-app/quarkus-app/quarkus-run.jar"));
    /** The jar users ship: {@code ./mvnw package}'s. */
    private static final Path SHIPPED_JAR = Path.of(System.getProperty("service.shipped-jar",
            "target/quarkus-app/quarkus-run.jar"));
    /** A config key that is not passed on: with it, the instance is the shipped jar instead of the lab build. */
    public static final String SHIPPED = "test.shipped-jar";
    /**
     * A config key that is not passed on: with it, the instance is told no database at all. Otherwise every instance
     * gets its Kafka cluster's ledger database ({@link TestPostgres#databaseFor}), unless the config names one.
     */
    public static final String NO_DATABASE = "test.no-database";
    /**
     * A config key that is not passed on: with it, the instance is told no key to verify tokens with. Otherwise every
     * instance trusts this JVM's test tokens ({@link TestTokens#serviceConfig}), unless the config names a key.
     */
    public static final String NO_TOKEN_KEY = "test.no-token-key";
    /**
     * Config keys with this prefix are not system properties but environment variables, named by the rest of the key
     * ({@code env.KAFKA_SECURITY_PROTOCOL}): how a deployment configures the service.
     */
    public static final String ENV = "env.";
    /** A config key that is not passed on: the {@code java} to run the instance with, instead of this JVM's. */
    public static final String JAVA = "test.java";

    /** What {@link #start} waits for. */
    private enum Await {
        READY, READY_OR_EXITED, LIVE
    }
    /** How often {@link #start} asks whether the instance is up: also the resolution of {@link #readyAfter}. */
    private static final Duration POLL = Duration.ofMillis(20);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path log;
    private Duration readyAfter;

    private ServiceProcess(Process process, int port, int managementPort, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.log = log;
    }

    /**
     * Starts instance {@code instanceId} and waits until it is ready; {@code config} holds extra system properties.
     * A restarted instance keeps its id, hence its transactional ids: its first transaction then fences and aborts
     * whatever transaction the crashed run left open, instead of leaving it to block read_committed readers for
     * {@code transaction.timeout.ms}.
     */
    public static ServiceProcess start(String instanceId, String run, String bootstrapServers,
            Map<String, String> config) {
        return start(instanceId, run, bootstrapServers, config, List.of(), Await.READY);
    }

    /** As {@link #start(String, String, String, Map)}, with JVM options (a flight recording, say). */
    public static ServiceProcess start(String instanceId, String run, String bootstrapServers,
            Map<String, String> config, List<String> jvmOptions) {
        return start(instanceId, run, bootstrapServers, config, jvmOptions, Await.READY);
    }

    /**
     * Starts an instance expected to halt soon: returns once it is ready or has already exited. A null
     * {@code bootstrapServers} tells it no broker at all.
     */
    public static ServiceProcess startMayExit(String instanceId, String run, String bootstrapServers,
            Map<String, String> config) {
        return start(instanceId, run, bootstrapServers, config, List.of(), Await.READY_OR_EXITED);
    }

    /** Starts an instance that may never be ready: returns once it is live (it answers its liveness probe). */
    public static ServiceProcess startLive(String instanceId, String run, String bootstrapServers,
            Map<String, String> config) {
        return start(instanceId, run, bootstrapServers, config, List.of(), Await.LIVE);
    }

    private static ServiceProcess start(String instanceId, String run, String bootstrapServers,
            Map<String, String> config, List<String> jvmOptions, Await await) {
        Path jar = config.containsKey(SHIPPED) ? SHIPPED_JAR : LAB_JAR;
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests with ./mvnw verify");
        }
        int port = Ports.free();
        int managementPort = Ports.free();
        List<String> command = new ArrayList<>(List.of(config.getOrDefault(JAVA,
                ProcessHandle.current().info().command().orElse("java")),
                "-Xmx512m", "-Dquarkus.profile=test", "-Dquarkus.http.port=" + port,
                "-Dquarkus.management.port=" + managementPort, "-Dorder-guarantees.instance-id=" + instanceId));
        if (bootstrapServers != null) {
            command.add("-Dkafka.bootstrap.servers=" + bootstrapServers);
        }
        boolean noDatabase = config.containsKey(NO_DATABASE);
        if (!noDatabase && !config.containsKey("quarkus.datasource.jdbc.url")) {
            TestPostgres.databaseFor(bootstrapServers).forEach((key, value) -> command.add("-D" + key + "=" + value));
        }
        if (!config.containsKey(NO_TOKEN_KEY) && !config.containsKey("mp.jwt.verify.publickey.location")) {
            TestTokens.serviceConfig().forEach((key, value) -> command.add("-D" + key + "=" + value));
        }
        config.forEach((key, value) -> {
            if (!key.equals(NO_DATABASE) && !key.equals(NO_TOKEN_KEY) && !key.equals(SHIPPED) && !key.equals(JAVA)
                    && !key.startsWith(ENV)) {
                command.add("-D" + key + "=" + value);
            }
        });
        command.addAll(jvmOptions);
        // The lab build's class-data archive (AppCDS, see the pom): its classes mapped, not loaded and verified again
        // at each of the tests' many starts. The JVM checks it against the class path as recorded, relative to the
        // application's directory, and starts without it where it does not match (-Xshare:auto).
        Path archive = jar.resolveSibling("app-cds.jsa");
        boolean shared = Files.exists(archive) && !Boolean.getBoolean("service.no-cds");
        if (shared) {
            command.addAll(List.of("-XX:SharedArchiveFile=" + archive.getFileName(), "-Xshare:auto",
                    "-Xlog:cds=off,cds+dynamic=off"));
        }
        command.addAll(List.of("-jar", shared ? jar.getFileName().toString() : jar.toString()));
        try {
            Path log = Files.createDirectories(Path.of("target", "service-logs")).resolve(instanceId + "-" + run + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            if (shared) {
                builder.directory(jar.toAbsolutePath().getParent().toFile());
            }
            if (bootstrapServers == null) {
                // Told no broker at all: not even by an environment this test happens to run in.
                builder.environment().remove("KAFKA_BOOTSTRAP_SERVERS");
            }
            if (noDatabase) {
                builder.environment().keySet().removeIf(name -> name.startsWith("QUARKUS_DATASOURCE_"));
            }
            config.forEach((key, value) -> {
                if (key.startsWith(ENV)) {
                    builder.environment().put(key.substring(ENV.length()), value);
                }
            });
            long launched = System.nanoTime();
            Process process = ChildProcesses.start(builder);
            ServiceProcess service = new ServiceProcess(process, port, managementPort, log);
            service.await(Duration.ofSeconds(60), await);
            service.readyAfter = Duration.ofNanos(System.nanoTime() - launched);
            return service;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** From the launch of the process to the first answer {@link #start} waited for (ready, say), to 20 ms. */
    public Duration readyAfter() {
        return readyAfter;
    }

    /** {@code Bearer <jwt>} with every role but the customer's, which this instance trusts: for every request. */
    public static String authorization() {
        return TestTokens.allRoles();
    }

    /** The management interface: Prometheus metrics at {@code /q/metrics}. */
    public String managementUrl() {
        return "http://localhost:" + managementPort;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /** The service's console output so far: for a harness that must act at a moment only the service sees. */
    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** GET /q/health/live, as an orchestrator's liveness probe does. */
    public HttpResponse<String> liveness() throws IOException, InterruptedException {
        return health("/q/health/live");
    }

    /** GET /q/health/ready, as an orchestrator's readiness probe does. */
    public HttpResponse<String> readiness() throws IOException, InterruptedException {
        return health("/q/health/ready");
    }

    private HttpResponse<String> health(String probe) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + probe)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    public long pid() {
        return process.pid();
    }

    /** The exit status once the process ended by itself within {@code timeout}, or empty if it is still running. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    /** SIGKILL, as an orchestrator's kill -9 or a power cut would. */
    public void kill() {
        ChildProcesses.kill(process);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    kill();
                }
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void await(Duration timeout, Await await) {
        String probe = await == Await.LIVE ? "/q/health/live" : "/q/health/ready";
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive() && await == Await.READY_OR_EXITED) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited with " + process.exitValue() + ": see " + log);
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl() + probe))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
                Thread.sleep(POLL.toMillis());
            } catch (IOException notYet) {
                sleep();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        kill();
        throw new IllegalStateException("the service did not answer " + probe + " within " + timeout + ": see " + log);
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
