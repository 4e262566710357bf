package io.orderguarantees.devbroker;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * Dev mode without Docker: a real in-process Apache Kafka KRaft broker on localhost:9092, the connector's
 * default address. It starts only when neither Dev Services nor the user configured {@code kafka.bootstrap.servers}
 * and port 9092 is free. Its log lives in
 * {@code target/dev-kafka} with a fixed cluster id, so a live reload, which restarts it, keeps topics and
 * records. Its jars are {@code provided}: the production jar has no broker in it.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevKafkaBroker {

    private static final Logger LOG = Logger.getLogger(DevKafkaBroker.class);
    // Any fixed id works; it must only stay the same across restarts for the kept log to be reused.
    private static final String CLUSTER_ID = "b3JkZXItZ3VhcmFudGVlcw";

    private EmbeddedKafkaBroker broker;

    // Priority 1: before SmallRye Reactive Messaging starts its channels (priority 1000), whose transactional
    // producer waits for a broker at start.
    void start(@Observes @Priority(1) StartupEvent startup,
            @ConfigProperty(name = "kafka.bootstrap.servers") Optional<String> bootstrapServers,
            @ConfigProperty(name = "order-guarantees.dev.log-dir", defaultValue = "target/dev-kafka") String logDir) {
        if (bootstrapServers.isPresent()) {
            LOG.infof("Kafka at %s: no in-process broker started", bootstrapServers.get());
            return;
        }
        if (!portFree(9092)) {
            LOG.warn("Port 9092 is taken: using the Kafka broker already listening there");
            return;
        }
        broker = new EmbeddedKafkaBroker()
                .withKafkaPort(9092)
                .withClusterId(CLUSTER_ID)
                .withDeleteLogDirsOnClose(false)
                .withAdditionalProperties(p -> {
                    p.put("log.dir", Path.of(logDir).toAbsolutePath().toString());
                    p.put("num.partitions", "3");
                })
                .start();
        LOG.infof("In-process Kafka broker started at %s, log in %s", broker.getAdvertisedListeners(), logDir);
    }

    private static boolean portFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (broker != null) {
            broker.close();
        }
    }
}
