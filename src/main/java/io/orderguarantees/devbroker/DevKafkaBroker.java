package io.orderguarantees.devbroker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.StartupEvent;

/**
 * Dev mode without Docker: a real Apache Kafka KRaft broker on localhost:9092, the connector's default address, in
 * a JVM of its own ({@link DevBrokerMain}), started when neither Dev Services nor the user configured
 * {@code kafka.bootstrap.servers}. Like a Dev Services container it outlives live reloads: the application that a
 * reload starts finds it answering on 9092 and uses it, so a reload costs no broker restart and no records. It ends
 * with the dev-mode JVM. Its log is kept in {@code target/dev-kafka} with a fixed cluster id, so the next dev-mode
 * session finds the topics again. Its jars are {@code provided}: the production jar holds no broker.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevKafkaBroker {

    private static final Logger LOG = Logger.getLogger(DevKafkaBroker.class);
    static final int PORT = 9092;
    // Any fixed id works; it must only stay the same across restarts for the kept log to be reused.
    static final String CLUSTER_ID = "b3JkZXItZ3VhcmFudGVlcw";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    // Priority 1: before SmallRye Reactive Messaging starts its channels, whose transactional producers wait for a
    // broker at start.
    void start(@Observes @Priority(1) StartupEvent startup,
            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrapServers,
            @ConfigProperty(name = "order-guarantees.dev.log-dir", defaultValue = "target/dev-kafka") String logDir) {
        if (bootstrapServers.isPresent()) {
            LOG.infof("Kafka at %s (configured): no dev broker started", bootstrapServers.get());
            return;
        }
        if (listening(PORT)) {
            String clusterId = kafkaClusterId().orElseThrow(() -> new IllegalStateException(("Port %d is taken by "
                    + "something that does not answer as a Kafka broker: the dev broker cannot start there. Stop "
                    + "what listens on %d, or point kafka.bootstrap.servers (KAFKA_BOOTSTRAP_SERVERS) at your "
                    + "Kafka broker.").formatted(PORT, PORT)));
            LOG.infof(CLUSTER_ID.equals(clusterId)
                    ? "Dev Kafka broker at localhost:%d already running (kept across live reloads)"
                    : "Kafka broker at localhost:%d already running (cluster %s, not ours): using it", PORT, clusterId);
            return;
        }
        startBroker(Path.of(logDir));
    }

    private static void startBroker(Path logDir) {
        long started = System.nanoTime();
        Path log = logDir.resolveSibling(logDir.getFileName() + ".log");
        try {
            Files.createDirectories(logDir);
            // The class path goes in an argument file: a command line of a few hundred jars hides the main class
            // from ps and from ProcessHandle.Info, which reads only its first 4 KiB.
            Path classPath = logDir.resolveSibling(logDir.getFileName() + ".classpath");
            Files.writeString(classPath, "-cp \"" + String.join(java.io.File.pathSeparator, classPath()) + "\"\n");
            List<String> command = List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager", "@" + classPath,
                    DevBrokerMain.class.getName(), String.valueOf(PORT), logDir.toString(), CLUSTER_ID);
            Process broker = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
            awaitReady(broker, log);
        } catch (IOException e) {
            throw new UncheckedIOException("The dev Kafka broker could not be started", e);
        }
        LOG.infof("Dev Kafka broker started at localhost:%d in %d ms (its own JVM; log in %s, output in %s)", PORT,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), logDir, log);
    }

    private static void awaitReady(Process broker, Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IllegalStateException("The dev Kafka broker exited with status " + broker.exitValue()
                        + " before it was ready. Its output (" + log + "):\n" + tail(log));
            }
            if (Files.readString(log).contains(DevBrokerMain.READY) && kafkaClusterId().isPresent()) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                broker.destroy();
                throw new IllegalStateException("Interrupted while the dev Kafka broker started", e);
            }
        }
        broker.destroy();
        throw new IllegalStateException("The dev Kafka broker was not ready within " + START_TIMEOUT.toSeconds()
                + " s. Its output (" + log + "):\n" + tail(log));
    }

    /**
     * The jars this application sees, and the folder of its own classes: the child JVM needs the broker's jars, which
     * are {@code provided}, so the dev class loader has them but no Maven classpath is at hand.
     */
    private static List<String> classPath() {
        ClassLoader loader = DevKafkaBroker.class.getClassLoader();
        Set<String> entries = new LinkedHashSet<>();
        String mainClass = DevBrokerMain.class.getName().replace('.', '/') + ".class";
        entries.add(location(loader.getResource(mainClass), mainClass));
        try {
            for (URL manifest : Collections.list(loader.getResources("META-INF/MANIFEST.MF"))) {
                if ("jar".equals(manifest.getProtocol()) && manifest.getPath().startsWith("file:")) {
                    entries.add(location(manifest, "META-INF/MANIFEST.MF"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ArrayList<>(entries);
    }

    /** The jar or folder a resource comes from. */
    private static String location(URL resource, String name) {
        String url = resource.toString();
        String path = "jar".equals(resource.getProtocol())
                ? url.substring("jar:".length(), url.indexOf("!/"))
                : url.substring(0, url.length() - name.length() - 1);
        try {
            return Path.of(new java.net.URI(path)).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Unexpected class path entry " + url, e);
        }
    }

    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The cluster id of the Kafka broker at localhost:9092, or empty when what listens there is not one. */
    private static Optional<String> kafkaClusterId() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + PORT,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            return Optional.of(admin.describeCluster().clusterId().get(4, TimeUnit.SECONDS));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
