package io.orderguarantees.shared;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;

/**
 * Answers a body over {@code quarkus.http.limits.max-body-size} with a 413 problem before it is read. Vert.x
 * enforces the same limit itself, but with an empty 413; this route runs first for requests that declare their
 * length. A chunked body without Content-Length still gets Vert.x's bare 413.
 */
@ApplicationScoped
public class BodyLimit {

    void install(@Observes Router router,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        long limit = maxBodySize.asLongValue();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null && length.chars().allMatch(Character::isDigit) && Long.parseLong(length) > limit) {
                Problem problem = Problem.Type.BODY_TOO_LARGE.problem(
                        "the body has " + length + " bytes, over the limit of " + limit + "; nothing was published",
                        ctx.request().path(), List.of(new Problem.FieldError("body", "over " + limit + " bytes")));
                ctx.response().setStatusCode(413).putHeader("Content-Type", Problem.MEDIA_TYPE)
                        .putHeader("Connection", "close").end(Json.encode(problem));
            } else {
                ctx.next();
            }
        });
    }
}
