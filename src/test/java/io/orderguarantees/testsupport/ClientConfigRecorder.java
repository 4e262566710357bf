package io.orderguarantees.testsupport;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.smallrye.reactive.messaging.ClientCustomizer;

/**
 * Test only: records the final configuration of every Kafka client SmallRye creates, by {@code client.id}, including
 * the dead-letter producers, which {@code KafkaClientService} does not list. Runs last and changes nothing.
 */
@ApplicationScoped
public class ClientConfigRecorder implements ClientCustomizer<Map<String, Object>> {

    private final Map<String, Map<String, Object>> byClientId = new ConcurrentHashMap<>();

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        byClientId.put(String.valueOf(config.get("client.id")), new HashMap<>(config));
        return config;
    }

    @Override
    public int getPriority() {
        return Integer.MAX_VALUE;
    }

    public Map<String, Object> config(String clientId) {
        Map<String, Object> config = byClientId.get(clientId);
        if (config == null) {
            throw new IllegalStateException("no Kafka client " + clientId + " was created; known: " + byClientId.keySet());
        }
        return config;
    }

    /** The client ids of every Kafka client SmallRye created so far. */
    public Set<String> clientIds() {
        return Set.copyOf(byClientId.keySet());
    }
}
