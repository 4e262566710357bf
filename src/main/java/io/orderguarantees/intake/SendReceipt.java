package io.orderguarantees.intake;

/** The answer to a sync send: the broker's acknowledgement of one order. */
public record SendReceipt(String orderId, String topic, Integer partition, Long offset, Acks acks, SendStyle send) {

    static SendReceipt of(String orderId, Delivery delivery, Acks acks, SendStyle send) {
        return new SendReceipt(orderId, delivery.topic(), delivery.partition(), delivery.offset(), acks, send);
    }

    /** For fire-and-forget and async sends, answered before the broker was heard from. */
    static SendReceipt accepted(String orderId, Acks acks, SendStyle send) {
        return new SendReceipt(orderId, null, null, null, acks, send);
    }
}
