package io.orderguarantees.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

import kafka.tools.StorageTool;

/**
 * A real Kafka cluster as production runs it: three controller-only nodes (ids 1-3) forming the KRaft quorum and
 * three broker-only nodes (ids 4-6), each a separate JVM ({@code kafka.Kafka}), on free local ports, under its own
 * folder. Pausing brokers (SIGSTOP) leaves the quorum alone, so the in-sync replica sets can really shrink; SIGKILL
 * is a real crash. Defaults follow the README's production advice: RF 3, {@code min.insync.replicas=2}.
 */
public final class KafkaCluster implements AutoCloseable {

    private static final int[] CONTROLLERS = { 1, 2, 3 };
    private static final int[] BROKERS = { 4, 5, 6 };

    private final Path folder;
    private final Map<String, String> brokerConfig;
    private final Map<String, String> features;
    private final Map<Integer, Integer> ports = new TreeMap<>();
    private final Map<Integer, Process> nodes = new TreeMap<>();
    private final Map<Integer, Path> configs = new TreeMap<>();
    private final int[] brokers = BROKERS;

    private KafkaCluster(Path folder, Map<String, String> brokerConfig, Map<String, String> features) {
        this.folder = folder;
        this.brokerConfig = brokerConfig;
        this.features = features;
    }

    public static KafkaCluster start(Path folder) {
        return start(folder, Map.of());
    }

    /**
     * A fresh cluster under {@code target/<name>/cluster}, prepared as a running one is for the service: these topics
     * (3 partitions, 3 replicas, {@code min.insync.replicas=2}) and the transaction log already there.
     */
    public static KafkaCluster startWithTopics(String name, String... topics) {
        Path folder = Path.of("target", name);
        Folders.deleteRecursively(folder);
        KafkaCluster cluster = start(folder.resolve("cluster"));
        try (Admin admin = cluster.admin()) {
            admin.createTopics(Stream.of(topics).map(topic -> new NewTopic(topic, 3, (short) 3)
                    .configs(Map.of("min.insync.replicas", "2"))).toList()).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            cluster.close();
            throw new IllegalStateException("could not create " + List.of(topics), e);
        }
        TransactionLog.ensureCreated(cluster.bootstrapServers());
        return cluster;
    }

    /** Starts the cluster with {@code brokerConfig} added to (or overriding) every broker's settings. */
    public static KafkaCluster start(Path folder, Map<String, String> brokerConfig) {
        return start(folder, brokerConfig, Map.of());
    }

    /**
     * As {@link #start(Path, Map)}, the cluster formatted with these feature levels ({@code kafka-storage.sh format
     * --feature name=level}, {@code transaction.version=1} say) instead of the release's defaults.
     */
    public static KafkaCluster start(Path folder, Map<String, String> brokerConfig, Map<String, String> features) {
        KafkaCluster cluster = new KafkaCluster(folder, brokerConfig, features);
        try {
            cluster.startAll();
            return cluster;
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll() {
        for (int id : CONTROLLERS) {
            ports.put(id, Ports.free());
        }
        for (int id : BROKERS) {
            ports.put(id, Ports.free());
        }
        String clusterId = Uuid.randomUuid().toString();
        String voters = java.util.Arrays.stream(CONTROLLERS).mapToObj(id -> id + "@localhost:" + ports.get(id))
                .collect(Collectors.joining(","));
        for (int id : CONTROLLERS) {
            Properties p = common(id, voters);
            p.put("process.roles", "controller");
            p.put("listeners", "CONTROLLER://localhost:" + ports.get(id));
            launch(id, p, clusterId);
        }
        for (int id : BROKERS) {
            Properties p = common(id, voters);
            p.put("process.roles", "broker");
            p.put("listeners", "PLAINTEXT://localhost:" + ports.get(id));
            p.put("advertised.listeners", "PLAINTEXT://localhost:" + ports.get(id));
            p.put("inter.broker.listener.name", "PLAINTEXT");
            p.put("num.partitions", "3");
            p.put("default.replication.factor", "3");
            p.put("min.insync.replicas", "2");
            p.put("offsets.topic.replication.factor", "3");
            p.put("transaction.state.log.replication.factor", "3");
            p.put("transaction.state.log.min.isr", "2");
            p.put("unclean.leader.election.enable", "false");
            p.put("group.initial.rebalance.delay.ms", "0");
            p.putAll(brokerConfig);
            launch(id, p, clusterId);
        }
        awaitBrokers(Duration.ofSeconds(90));
    }

    private Properties common(int id, String voters) {
        Properties p = new Properties();
        p.put("node.id", String.valueOf(id));
        p.put("controller.quorum.voters", voters);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", folder.resolve("node-" + id).toAbsolutePath().toString());
        return p;
    }

    private void launch(int id, Properties properties, String clusterId) {
        try {
            Files.createDirectories(folder);
            Path config = folder.resolve("node-" + id + ".properties");
            try (var out = Files.newOutputStream(config)) {
                properties.store(out, "node " + id);
            }
            Path log = folder.resolve("node-" + id + ".log");
            format(id, config, clusterId, features, log);
            configs.put(id, config);
            nodes.put(id, java("kafka.Kafka", List.of(config.toString()), log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code kafka-storage.sh format}, run in this JVM: a JVM per node only to format it took most of the
     * cluster's start on two cores.
     */
    private static void format(int id, Path config, String clusterId, Map<String, String> features, Path log)
            throws IOException {
        List<String> args = new ArrayList<>(List.of("format", "--ignore-formatted", "-t", clusterId, "-c",
                config.toString()));
        features.forEach((name, level) -> args.addAll(List.of("--feature", name + "=" + level)));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int formatted;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            formatted = StorageTool.execute(args.toArray(String[]::new), out);
        }
        Files.write(log, output.toByteArray(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (formatted != 0) {
            throw new IllegalStateException("formatting node " + id + " failed: see " + log);
        }
    }

    /**
     * The nodes log through the test classpath's JBoss LogManager: warnings, and what the transaction coordinator
     * does (a transaction it aborts on timeout, markers it cannot write), into each node's log file.
     */
    private static final String LOGGING = """
            logger.level=WARN
            logger.handlers=CONSOLE
            loggers=kafka.coordinator.transaction
            logger.kafka.coordinator.transaction.level=INFO
            handler.CONSOLE=org.jboss.logmanager.handlers.ConsoleHandler
            handler.CONSOLE.formatter=PATTERN
            formatter.PATTERN=org.jboss.logmanager.formatters.PatternFormatter
            formatter.PATTERN.properties=pattern
            formatter.PATTERN.pattern=%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c] %s%e%n
            """;

    private static Process java(String mainClass, List<String> args, Path log) throws IOException {
        Path logging = log.resolveSibling("logging.properties");
        if (!Files.exists(logging)) {
            Files.writeString(logging, LOGGING);
        }
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-Xmx384m", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                "-Dlogging.configuration=" + logging.toUri(), "-cp", ChildProcesses.CLASS_PATH, mainClass));
        command.addAll(args);
        return ChildProcesses.start(new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
    }

    private void awaitBrokers(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == BROKERS.length) {
                        return;
                    }
                } catch (Exception notYet) {
                    // brokers still starting
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("the cluster's brokers did not all register within " + timeout + ": see "
                + folder);
    }

    public String bootstrapServers() {
        return java.util.Arrays.stream(BROKERS).mapToObj(id -> "localhost:" + ports.get(id))
                .collect(Collectors.joining(","));
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
    }

    /** SIGSTOP: the broker freezes, keeps its connections and answers nothing, as a long GC pause or a hung disk. */
    public void pause(int nodeId) {
        signal("STOP", nodeId);
    }

    /** SIGCONT. */
    public void resume(int nodeId) {
        signal("CONT", nodeId);
    }

    /** SIGKILL: a crash; whatever the broker had not replicated is gone with it. */
    public void kill(int nodeId) {
        ChildProcesses.kill(nodes.get(nodeId));
    }

    /**
     * Starts a killed broker again on its port, with its data folder as the crash left it, as a supervisor would;
     * returns once it is registered again (it catches up with the leaders afterwards).
     */
    public void restart(int nodeId) {
        if (nodes.get(nodeId).isAlive()) {
            throw new IllegalStateException("node " + nodeId + " is running");
        }
        try {
            nodes.put(nodeId, java("kafka.Kafka", List.of(configs.get(nodeId).toString()),
                    folder.resolve("node-" + nodeId + ".log")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitBrokers(Duration.ofSeconds(90));
    }

    public int[] brokerIds() {
        return brokers.clone();
    }

    public boolean isAlive(int nodeId) {
        return nodes.get(nodeId).isAlive();
    }

    private void signal(String signal, int nodeId) {
        ChildProcesses.signal(signal, nodes.get(nodeId).pid());
    }

    @Override
    public void close() {
        nodes.values().forEach(ChildProcesses::kill);
    }
}
