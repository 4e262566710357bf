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

    public ProblemException(Problem.Type type, String detail, List<FieldError> errors, Throwable cause) {
        super(detail, cause, type.status);
        this.type = type;
        this.errors = List.copyOf(errors);
    }

    public ProblemException(Problem.Type type, String detail) {
        this(type, detail, List.of(), null);
    }

    public static ProblemException invalid(String field, String message) {
        return new ProblemException(Problem.Type.INVALID_INPUT, field + ": " + message,
                List.of(new FieldError(field, message)), null);
    }

    public Problem toProblem(String instance) {
        return type.problem(getMessage(), instance, errors);
    }
}
