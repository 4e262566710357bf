package io.orderguarantees;

import java.util.Map;
import java.util.Optional;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The one Kafka client setting checked when the service starts: without it, the Kafka clients fail later with
 * "No resolvable bootstrap urls", naming neither the key nor its environment variable. Dev mode is the exception:
 * there Dev Services sets it, or nothing does and {@code devbroker.DevKafkaBroker} starts a broker at the connector's
 * default address, which is why the mapping itself cannot require it.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConnection {

    @WithName("bootstrap.servers")
    Optional<String> bootstrapServers();

    /** Every other {@code kafka.} key: passed to each Kafka client by the connector, not checked here. */
    @WithParentName
    Map<String, String> clientSettings();

    /** Outside dev mode nothing starts a broker: an unset address stops the service before any channel starts. */
    @UnlessBuildProfile("dev")
    @ApplicationScoped
    class Required {

        // Priority 1: before SmallRye Reactive Messaging starts its channels (priority 1000).
        void check(@Observes @Priority(1) StartupEvent startup, KafkaConnection kafka) {
            if (kafka.bootstrapServers().filter(servers -> !servers.isBlank()).isEmpty()) {
                throw new IllegalStateException("kafka.bootstrap.servers is not set: set the environment variable "
                        + "KAFKA_BOOTSTRAP_SERVERS to the Kafka cluster's bootstrap addresses (host:port,...)");
            }
        }
    }
}
