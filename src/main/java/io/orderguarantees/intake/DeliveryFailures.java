package io.orderguarantees.intake;

import java.util.List;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.mutiny.CompositeException;

/**
 * Turns a producer's failure into the problem the caller gets: 422 not-written when the broker refused the record
 * for good, else 503 outcome-unknown: the producer gave up, but the record may have reached the log before it did.
 */
final class DeliveryFailures {

    /** What every outcome-unknown answer tells the client to do. */
    static final String OUTCOME_UNKNOWN_RETRY = "retry with the same orderId (an instance that still remembers it "
            + "answers with this attempt's outcome; the ledger bills an order once)";

    private DeliveryFailures() {
    }

    static ProblemException toProblem(Throwable failure) {
        Throwable cause = kafkaCause(failure);
        boolean refused = cause instanceof ApiException && !(cause instanceof RetriableException);
        return new ProblemException(refused ? Problem.Type.REFUSED_BY_BROKER : Problem.Type.OUTCOME_UNKNOWN,
                refused ? "the broker refused the order for good: " + cause + "; it was not written"
                        : "the producer gave up without an acknowledgement: " + cause + "; the order may or may not "
                                + "be in the topic: " + OUTCOME_UNKNOWN_RETRY,
                List.of(), failure);
    }

    /** The Kafka exception behind the connector's and Mutiny's wrappers, if there is one. */
    private static Throwable kafkaCause(Throwable failure) {
        if (failure instanceof CompositeException composite) {
            return composite.getCauses().stream().map(DeliveryFailures::kafkaCause)
                    .filter(ApiException.class::isInstance).findFirst().orElse(composite.getCauses().get(0));
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ApiException) {
                return t;
            }
        }
        return failure;
    }
}
