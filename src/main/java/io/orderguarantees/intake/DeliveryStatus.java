package io.orderguarantees.intake;

/**
 * What is known of a remembered order's publication: PENDING until the producer's callback, then ACKED (with where
 * the broker put it) or FAILED; HANDED_OVER for fire-and-forget, of which nothing more is ever known.
 */
public record DeliveryStatus(String orderId, Status status, String topic, Integer partition, Long offset, String error) {

    public enum Status {
        PENDING, ACKED, FAILED, HANDED_OVER
    }

    static DeliveryStatus pending(String orderId) {
        return new DeliveryStatus(orderId, Status.PENDING, null, null, null, null);
    }

    static DeliveryStatus handedOver(String orderId) {
        return new DeliveryStatus(orderId, Status.HANDED_OVER, null, null, null, null);
    }

    static DeliveryStatus acked(String orderId, Delivery delivery) {
        return new DeliveryStatus(orderId, Status.ACKED, delivery.topic(), delivery.partition(), delivery.offset(), null);
    }

    static DeliveryStatus failed(String orderId, Throwable failure) {
        return new DeliveryStatus(orderId, Status.FAILED, null, null, null, failure.toString());
    }
}
