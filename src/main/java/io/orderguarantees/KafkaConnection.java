package io.orderguarantees;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;

/**
 * The one Kafka client setting checked when the service starts: without it, the Kafka clients fail later with
 * "No resolvable bootstrap urls", naming neither the key nor its environment variable. In the prod profile
 * {@code kafka.bootstrap.servers} is {@code ${KAFKA_BOOTSTRAP_SERVERS}}, so an unset variable stops the service
 * with a message that names it.
 */
@ConfigMapping(prefix = "kafka")
public interface KafkaConnection {

    @WithName("bootstrap.servers")
    @NotBlank
    String bootstrapServers();

    /** Every other {@code kafka.} key: passed to each Kafka client by the connector, not checked here. */
    @WithParentName
    Map<String, String> clientSettings();
}
