package io.orderguarantees.intake;

import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.orderguarantees.shared.Problem;
import io.orderguarantees.shared.Problem.FieldError;
import io.orderguarantees.shared.ProblemException;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * One line's outcome in {@code POST /orders/lines}: its receipt, or the problem type that says whether it was written.
 * Registered for reflection: it travels inside a problem's {@code results}, which Quarkus REST cannot see at build
 * time.
 */
@RegisterForReflection
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LineResult(int line, String orderId, SendReceipt receipt, String problem, String detail) {

    static LineResult acked(int line, SendReceipt receipt) {
        return new LineResult(line, receipt.orderId(), receipt, null, null);
    }

    static LineResult failed(int line, String orderId, ProblemException failure) {
        return new LineResult(line, orderId, null, failure.type().uri().toString(), failure.getMessage());
    }

    /**
     * 201 with the receipts when every line was acknowledged; otherwise the problem of the least settled line
     * (outcome unknown before not written), each failed line in {@code errors}, every line's outcome in
     * {@code results}.
     */
    static Response response(List<LineResult> results) {
        if (results.stream().allMatch(r -> r.receipt() != null)) {
            return Response.status(Response.Status.CREATED).entity(results.stream().map(LineResult::receipt).toList())
                    .build();
        }
        List<FieldError> errors = results.stream().filter(r -> r.receipt() == null)
                .map(r -> new FieldError("line " + r.line(), r.detail())).toList();
        boolean unknown = results.stream().anyMatch(r -> Problem.Type.OUTCOME_UNKNOWN.uri().toString()
                .equals(r.problem()));
        Problem.Type type = unknown ? Problem.Type.OUTCOME_UNKNOWN : Problem.Type.NOT_WRITTEN;
        throw new ProblemException(type, errors.size() + " of " + results.size() + " lines were not acknowledged (see "
                + "results): retry the same request with the same Idempotency-Key; acknowledged lines are not "
                + "published again", errors, results, null);
    }
}
