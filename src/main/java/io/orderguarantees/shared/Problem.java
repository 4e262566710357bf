package io.orderguarantees.shared;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem detail. {@code errors} names each offending field (or line, or batch index) the way
 * Quarkus's own validation report pairs {@code field} and {@code message}; {@code results}, an extension member, holds
 * each line's own outcome when some lines of a request were published and others were not. Registered for reflection, with
 * {@link FieldError}, because exception mappers return it inside a {@code Response}, which Quarkus REST cannot
 * see through at build time: a native image would otherwise answer errors with an empty object.
 */
@RegisterForReflection(targets = { Problem.class, Problem.FieldError.class })
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors,
        List<?> results) {

    public Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {
        this(type, title, status, detail, instance, errors, List.of());
    }

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    /**
     * The problems this service reports; {@code type} is a relative URI reference, as RFC 9457 allows. A failure to
     * publish says in its type whether a retry is safe: {@code /problems/not-written} (nothing reached the topic:
     * retrying is safe) or {@code /problems/outcome-unknown} (handed to the producer, no acknowledgement in time: it
     * may be in the topic, and a retry is safe only with the same {@code orderId}).
     */
    public enum Type {
        INVALID_INPUT(400, "Invalid input", "invalid-input"),
        UNAUTHENTICATED(401, "Unauthenticated: a valid bearer token is needed", "unauthenticated"),
        FORBIDDEN(403, "Forbidden: the token's roles do not allow this", "forbidden"),
        NOT_FOUND(404, "Not found", "not-found"),
        ORDER_ID_CONFLICT(409, "Order id already used for another order", "order-id-conflict"),
        BODY_TOO_LARGE(413, "Request body too large", "body-too-large"),
        UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type", "unsupported-media-type"),
        REFUSED_BY_BROKER(422, "Not written: refused by the broker for good", "not-written"),
        NOT_WRITTEN(503, "Not written", "not-written"),
        PRODUCER_SATURATED(503, "Not written: the producer is saturated", "not-written"),
        OUTCOME_UNKNOWN(503, "Outcome unknown: retry with the same orderId", "outcome-unknown"),
        LEDGER_UNAVAILABLE(503, "Ledger unavailable", "ledger-unavailable");

        final int status;
        final String title;
        final URI uri;

        Type(int status, String title, String name) {
            this.status = status;
            this.title = title;
            this.uri = URI.create("/problems/" + name);
        }

        public URI uri() {
            return uri;
        }

        public Problem problem(String detail, String instance, List<FieldError> errors) {
            return new Problem(uri, title, status, detail, instance, errors);
        }

        public Problem problem(String detail, String instance, List<FieldError> errors, List<?> results) {
            return new Problem(uri, title, status, detail, instance, errors, results);
        }
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
