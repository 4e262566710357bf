package io.orderguarantees;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.orderguarantees.testsupport.ClientConfigRecorder;
import io.orderguarantees.testsupport.KafkaBrokerResource;
import io.orderguarantees.testsupport.PostgresResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * Reads the configuration each channel's producer was really created with and lets Kafka's own
 * {@link ProducerConfig} resolve it, so that a channel left to SmallRye's {@code acks=1} default (which silently
 * turns idempotence off) would be caught.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@WithTestResource(PostgresResource.class)
class ProducerSettingsTest {

    @Inject
    KafkaClientService clients;

    @Inject
    ClientConfigRecorder recorder;

    @ParameterizedTest(name = "{0}: acks={1}, idempotence={2}")
    @CsvSource({
            "orders-acks-0,   0,   false, false",
            "orders-acks-1,   1,   false, false",
            "orders-acks-all, -1,  true,  false",
            "orders-tx,       -1,  true,  true",
            "invoices-at-most-once,  -1, true, false",
            "invoices-at-least-once, -1, true, false",
            "invoices-exactly-once,  -1, true, true",
    })
    void everyChannelsProducerHasTheAcksAndIdempotenceItsNameSays(String channel, String acks, boolean idempotent,
            boolean transactional) {
        ProducerConfig effective = effective(channel);

        assertThat(effective.getString(ProducerConfig.ACKS_CONFIG)).isEqualTo(acks);
        assertThat(effective.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG)).isEqualTo(idempotent);
        assertThat(effective.getString(ProducerConfig.TRANSACTIONAL_ID_CONFIG) != null).isEqualTo(transactional);
        assertThat(effective.getList(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({ "orders-acks-0", "orders-acks-1", "orders-acks-all", "orders-tx", "invoices-at-most-once",
            "invoices-at-least-once", "invoices-exactly-once" })
    void everyChannelWritesToTheOrdersTopicWithTheConfiguredDeliveryTimeout(String channel) {
        ProducerConfig effective = effective(channel);

        assertThat(effective.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG)).isEqualTo(6000);
        assertThat(effective.getInt(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)).isEqualTo(3000);
    }

    /**
     * Every pipeline writes its dead letters through its own invoice producer, checked above: no other producer (such
     * as SmallRye's dead-letter strategy's, with settings of its own) exists.
     */
    @Test
    void everyProducerIsAChannelsOwn() {
        assertThat(recorder.clientIds()).filteredOn(id -> !id.startsWith("kafka-consumer-")).isNotEmpty()
                .allMatch(id -> id.startsWith("kafka-producer-"));
    }

    private ProducerConfig effective(String channel) {
        return new ProducerConfig(new HashMap<String, Object>(clients.getProducer(channel).configuration()));
    }
}
