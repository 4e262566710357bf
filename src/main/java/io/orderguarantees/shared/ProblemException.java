package io.orderguarantees.shared;

import java.util.List;

import jakarta.ws.rs.WebApplicationException;

import io.orderguarantees.shared.Problem.FieldError;

/**
 * A failure that already knows which problem it is; {@link ProblemMappers} turns it into the response. It is a
 * {@link WebApplicationException} so that JAX-RS passes it through unchanged when a query parameter converter
 * throws it (any other exception there becomes a bare 404).
 */
public class ProblemException extends WebApplicationException {

    private final Problem.Type type;
    private final List<FieldError> errors;
    private final List<?> results;

    public ProblemException(Problem.Type type, String detail, List<FieldError> errors, Throwable cause) {
        this(type, detail, errors, List.of(), cause);
    }

    /** With each line's own outcome, for a request of which some lines were published and others were not. */
    public ProblemException(Problem.Type type, String detail, List<FieldError> errors, List<?> results,
            Throwable cause) {
        super(detail, cause, type.status);
        this.type = type;
        this.errors = List.copyOf(errors);
        this.results = List.copyOf(results);
    }

    public Problem.Type type() {
        return type;
    }

    public ProblemException(Problem.Type type, String detail) {
        this(type, detail, List.of(), null);
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.Type.INVALID_INPUT, field + ": " + message,
                List.of(new FieldError(field, message)), null);
    }

    public Problem toProblem(String instance) {
        return type.problem(getMessage(), instance, errors, results);
    }
}
