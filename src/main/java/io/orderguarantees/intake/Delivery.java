package io.orderguarantees.intake;

import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Where a published order landed. {@code offset} is {@code null} when the broker gave none (acks=0): the
 * producer then reports -1, and a made-up number would be a lie.
 */
public record Delivery(String topic, int partition, Long offset) {

    static Delivery of(RecordMetadata metadata) {
        return new Delivery(metadata.topic(), metadata.partition(), metadata.hasOffset() ? metadata.offset() : null);
    }
}
