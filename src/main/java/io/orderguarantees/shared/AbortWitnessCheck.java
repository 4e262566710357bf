package io.orderguarantees.shared;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/** At start, once SmallRye made the producers: each transactional channel's producer has what AbortWitness reads. */
@ApplicationScoped
class AbortWitnessCheck {

    private static final List<String> TRANSACTIONAL = List.of("orders-tx", "invoices-exactly-once");

    void check(@Observes StartupEvent startup, KafkaClientService clients) {
        for (String channel : TRANSACTIONAL) {
            // absent when the channel is switched off
            var producer = clients.getProducer(channel);
            if (producer != null) {
                AbortWitness.requireOn(producer.unwrap(), channel);
            }
        }
    }
}
