package io.orderguarantees.devbroker;

import java.nio.file.Path;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The dev broker's own JVM: a real Apache Kafka KRaft broker (and its controller) that {@link DevKafkaBroker} starts
 * once per dev-mode session, the way Dev Services start a container. A live reload restarts the application, not
 * this process, so topics, records and consumer groups stay where they are. It closes the broker cleanly and exits
 * when the dev-mode JVM that started it is gone, however that JVM ended (even {@code kill -9}).
 *
 * <p>Arguments: port, log directory, cluster id.
 */
public final class DevBrokerMain {

    /** Printed once the broker serves requests: {@link DevKafkaBroker} also checks that it answers. */
    static final String READY = "dev-kafka-broker ready";

    private DevBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Path logDir = Path.of(args[1]).toAbsolutePath();
        ProcessHandle parent = ProcessHandle.current().parent().orElseThrow();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker()
                .withKafkaPort(port)
                .withClusterId(args[2])
                .withDeleteLogDirsOnClose(false)
                .withAdditionalProperties(p -> {
                    p.put("log.dir", logDir.toString());
                    p.put("num.partitions", "3");
                    // An emptied group (every member left at a live reload) rebalances at once when they rejoin.
                    p.put("group.initial.rebalance.delay.ms", "0");
                })
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "dev-kafka-broker-close"));
        System.out.println(READY + " at " + broker.getAdvertisedListeners() + ", log in " + logDir);
        // Polled rather than ProcessHandle.onExit(): that too polls for a process that is not our child.
        while (parent.isAlive()) {
            Thread.sleep(500);
        }
        System.out.println("dev-mode JVM " + parent.pid() + " is gone: closing the broker");
        System.exit(0);
    }
}
