package io.orderguarantees.shared;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.core.Response;

import com.fasterxml.jackson.annotation.JsonInclude;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * An RFC 9457 problem detail. {@code errors} names each offending field (or line, or batch index) the way
 * Quarkus's own validation report pairs {@code field} and {@code message}. Registered for reflection, with
 * {@link FieldError}, because exception mappers return it inside a {@code Response}, which Quarkus REST cannot
 * see through at build time: a native image would otherwise answer errors with an empty object.
 */
@RegisterForReflection(targets = { Problem.class, Problem.FieldError.class })
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(URI type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";

    public record FieldError(String field, String message) {
    }

    /** The problems this service reports; {@code type} is a relative URI reference, as RFC 9457 allows. */
    public enum Type {
        INVALID_INPUT(400, "Invalid input"),
        NOT_FOUND(404, "Not found"),
        BODY_TOO_LARGE(413, "Request body too large"),
        UNSUPPORTED_MEDIA_TYPE(415, "Unsupported media type"),
        REFUSED_BY_BROKER(422, "Refused by the broker"),
        NOT_ACKNOWLEDGED(503, "Not acknowledged by the broker"),
        PRODUCER_SATURATED(503, "Producer saturated"),
        LEDGER_UNAVAILABLE(503, "Ledger unavailable");

        final int status;
        final String title;

        Type(int status, String title) {
            this.status = status;
            this.title = title;
        }

        public Problem problem(String detail, String instance, List<FieldError> errors) {
            return new Problem(URI.create("/problems/" + name().toLowerCase().replace('_', '-')), title, status,
                    detail, instance, errors);
        }
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
