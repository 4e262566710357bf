package io.orderguarantees.intake;

/** What the completion callback of an async send has recorded so far. */
public record DeliveryStatus(String orderId, Status status, String topic, Integer partition, Long offset, String error) {

    public enum Status {
        PENDING, ACKED, FAILED
    }

    static DeliveryStatus pending(String orderId) {
        return new DeliveryStatus(orderId, Status.PENDING, null, null, null, null);
    }

    static DeliveryStatus acked(String orderId, Delivery delivery) {
        return new DeliveryStatus(orderId, Status.ACKED, delivery.topic(), delivery.partition(), delivery.offset(), null);
    }

    static DeliveryStatus failed(String orderId, Throwable failure) {
        return new DeliveryStatus(orderId, Status.FAILED, null, null, null, failure.toString());
    }
}
