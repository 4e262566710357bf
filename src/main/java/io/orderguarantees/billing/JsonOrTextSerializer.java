package io.orderguarantees.billing;

import java.nio.charset.StandardCharsets;

import io.quarkus.kafka.client.serialization.ObjectMapperSerializer;

/**
 * Invoices as JSON, and a dead letter's original text value as it was: the exactly-once channel writes both
 * in one transaction through one producer.
 */
public class JsonOrTextSerializer extends ObjectMapperSerializer<Object> {

    @Override
    public byte[] serialize(String topic, Object data) {
        return data instanceof String text ? text.getBytes(StandardCharsets.UTF_8) : super.serialize(topic, data);
    }
}
