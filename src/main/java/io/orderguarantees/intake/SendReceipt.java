package io.orderguarantees.intake;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The answer to a sync send: the broker's acknowledgement of one order. Registered for reflection because it is
 * returned inside a {@code Response}, where Quarkus REST cannot see it at build time to register it for Jackson
 * in a native image.
 */
@RegisterForReflection
public record SendReceipt(String orderId, String topic, Integer partition, Long offset, Acks acks, SendStyle send) {

    static SendReceipt of(String orderId, Delivery delivery, Acks acks, SendStyle send) {
        return new SendReceipt(orderId, delivery.topic(), delivery.partition(), delivery.offset(), acks, send);
    }

    /** For fire-and-forget and async sends, answered before the broker was heard from. */
    static SendReceipt accepted(String orderId, Acks acks, SendStyle send) {
        return new SendReceipt(orderId, null, null, null, acks, send);
    }
}
