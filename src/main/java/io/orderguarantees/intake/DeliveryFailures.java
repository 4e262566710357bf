package io.orderguarantees.intake;

import java.util.List;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.mutiny.CompositeException;

/**
 * Turns a producer's failure into the problem the caller gets: 422 not-written when the record was refused for good
 * before it could be written (too large, not serializable, not allowed), else 503 outcome-unknown: the producer gave
 * up, and the record may have reached the log before it did. Any other error, even one Kafka calls non-retriable
 * ({@code UnknownServerException}, the broker's catch-all, may come after the write), is outcome-unknown: SmallRye
 * sends a failed record again until the delivery timeout, so the error seen is only the last attempt's.
 */
final class DeliveryFailures {

    /** What every outcome-unknown answer tells the client to do. */
    static final String OUTCOME_UNKNOWN_RETRY = "retry with the same orderId (an instance that still remembers it "
            + "answers with this attempt's outcome; the ledger bills an order once)";

    /** Errors that mean the record was never appended to the log. */
    private static final List<Class<? extends Throwable>> REFUSED_BEFORE_WRITE = List.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidRecordException.class, InvalidTopicException.class,
            TopicAuthorizationException.class, ClusterAuthorizationException.class, PolicyViolationException.class,
            SerializationException.class);

    private DeliveryFailures() {
    }

    static ProblemException toProblem(Throwable failure) {
        Throwable cause = kafkaCause(failure);
        boolean refused = REFUSED_BEFORE_WRITE.stream().anyMatch(type -> type.isInstance(cause));
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
            if (t instanceof ApiException || t instanceof SerializationException) {
                return t;
            }
        }
        return failure;
    }
}
