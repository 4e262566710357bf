package io.orderguarantees.intake;

import java.util.List;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RetriableException;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.ProblemException;
import io.smallrye.mutiny.CompositeException;

/** Turns a producer's failure into the problem the caller gets: 422 when retrying cannot help, else 503. */
final class DeliveryFailures {

    private DeliveryFailures() {
    }

    static ProblemException toProblem(Throwable failure) {
        Throwable cause = kafkaCause(failure);
        boolean refused = cause instanceof ApiException && !(cause instanceof RetriableException);
        return new ProblemException(refused ? Problem.Type.REFUSED_BY_BROKER : Problem.Type.NOT_ACKNOWLEDGED,
                (refused ? "the broker refused the order: " : "the order was not acknowledged: ") + cause
                        + "; it is not accepted",
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
