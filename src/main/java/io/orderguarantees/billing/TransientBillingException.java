package io.orderguarantees.billing;

/** A billing attempt that failed for a reason that may pass: retried with backoff, dead-lettered once retries are spent. */
public class TransientBillingException extends RuntimeException {

    public TransientBillingException(String message) {
        super(message);
    }
}
