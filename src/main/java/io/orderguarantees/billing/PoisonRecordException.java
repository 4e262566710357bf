package io.orderguarantees.billing;

/** A record that can never be billed: it goes to {@code orders-dlq} with this message as the reason. */
public class PoisonRecordException extends RuntimeException {

    public PoisonRecordException(String reason) {
        super(reason);
    }
}
