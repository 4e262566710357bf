package io.orderguarantees.shared;

import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;

import io.orderguarantees.shared.Problem.FieldError;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;

/** Every error this service answers is RFC 9457 {@code application/problem+json}. */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        if (e.getResponse().getStatus() >= 500) {
            LOG.warnf("%s %s: %s", uri.getPath(), e.getResponse().getStatus(), e.getMessage());
        }
        return e.toProblem(uri.getPath()).toResponse();
    }

    /** No token at all, where a role is needed. */
    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return challenge(Problem.Type.UNAUTHENTICATED.problem("send an Authorization: Bearer token",
                uri.getPath(), List.of()), "Bearer");
    }

    /** A token that did not verify: bad signature, another issuer, expired, malformed. */
    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return challenge(Problem.Type.UNAUTHENTICATED.problem("the bearer token is invalid or expired",
                uri.getPath(), List.of()), "Bearer error=\"invalid_token\"");
    }

    /** A valid token without a role this endpoint allows. */
    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return Problem.Type.FORBIDDEN.problem("the token's groups hold none of the roles this endpoint allows",
                uri.getPath(), List.of()).toResponse();
    }

    /** RFC 6750: a 401 names the scheme, and the error when a token was sent. */
    private static Response challenge(Problem problem, String challenge) {
        return Response.fromResponse(problem.toResponse()).header(HttpHeaders.WWW_AUTHENTICATE, challenge).build();
    }

    /** A value of the wrong type or shape; registered for this exact type to win over Quarkus's built-in mapper. */
    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    /** Malformed JSON, or a value of the wrong type: the path Jackson was at names the field. */
    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String field = e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()
                ? fieldPath(mapping)
                : "body";
        String message = e instanceof JsonParseException ? "malformed JSON: " + e.getOriginalMessage()
                : "cannot be read: " + e.getOriginalMessage();
        return Problem.Type.INVALID_INPUT.problem(field + ": " + message, uri.getPath(),
                List.of(new FieldError(field, message))).toResponse();
    }

    /** The ledger's database did not answer a read: nothing was changed, asking again later is safe. */
    @ServerExceptionMapper
    public Response databaseUnavailable(SQLException e, UriInfo uri) {
        LOG.warnf("%s 503: %s", uri.getPath(), e.toString());
        return Problem.Type.LEDGER_UNAVAILABLE.problem("the ledger's database did not answer: ask again later",
                uri.getPath(), List.of()).toResponse();
    }

    /** What JAX-RS itself refuses (404, 405, 406, 415, ...), in the same shape as our own problems. */
    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        if (e.getCause() instanceof JsonProcessingException json) {
            // Quarkus REST wraps Jackson's parse errors in a 400 WebApplicationException.
            return unreadableJson(json, uri);
        }
        Response.StatusType status = e.getResponse().getStatusInfo();
        // Quarkus REST's own refusals (no such path, a content type no method takes) in this service's types
        for (Problem.Type type : List.of(Problem.Type.NOT_FOUND, Problem.Type.UNSUPPORTED_MEDIA_TYPE)) {
            if (type.status == status.getStatusCode()) {
                return type.problem(e.getMessage(), uri.getPath(), List.of()).toResponse();
            }
        }
        return new Problem(URI.create("about:blank"), status.getReasonPhrase(), status.getStatusCode(),
                e.getMessage(), uri.getPath(), List.of()).toResponse();
    }

    /** Anything unforeseen: a 500 problem that names no internals; the log has the stack trace under the same id. */
    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, UriInfo uri) {
        String id = UUID.randomUUID().toString();
        LOG.errorf(e, "%s: unexpected error %s", uri.getPath(), id);
        return new Problem(URI.create("about:blank"), "Internal Server Error", 500,
                "unexpected error " + id + " (see the service log)", uri.getPath(), List.of()).toResponse();
    }

    private static String fieldPath(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            }
        }
        return path.toString();
    }
}
