package io.orderguarantees.bench;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.orderguarantees.billing.Faults;
import io.orderguarantees.intake.Acks;
import io.orderguarantees.intake.SendStyle;
import io.orderguarantees.shared.ProblemException;
import io.orderguarantees.shared.Roles;
import io.quarkus.arc.properties.IfBuildProperty;
import io.smallrye.common.annotation.Blocking;

/**
 * {@code POST /bench/publish}: the cost of the service's publish path against the bare Kafka producer, measured in
 * this process. In the lab build only ({@link Faults#LAB_BUILD}): the jar users ship has no such endpoint, whatever
 * its profile, and the OpenAPI document never mentions it.
 */
@IfBuildProperty(name = Faults.LAB_BUILD, stringValue = "true")
@Path("/bench")
@RolesAllowed(Roles.OPERATOR)
public class BenchResource {

    private final PublishBench bench;

    BenchResource(PublishBench bench) {
        this.bench = bench;
    }

    /**
     * Publishes {@code count} orders of about {@code size} bytes to topic {@code orders}, through the service's
     * Emitter channel ({@code path=emitter}) or a bare KafkaProducer with that channel's configuration
     * ({@code path=raw}), and answers how long it took.
     */
    @POST
    @Path("/publish")
    @Blocking
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public PublishBench.Run publish(@QueryParam("path") @DefaultValue("emitter") String path,
            @QueryParam("acks") @DefaultValue("all") Acks acks,
            @QueryParam("send") @DefaultValue("async") SendStyle send,
            @QueryParam("count") @DefaultValue("10000") int count,
            @QueryParam("size") @DefaultValue("1024") int size) throws InterruptedException {
        if (count < 1 || count > 10_000_000) {
            throw ProblemException.invalid("count", "between 1 and 10000000");
        }
        if (size < 128 || size > 100_000) {
            throw ProblemException.invalid("size", "between 128 and 100000 bytes");
        }
        if (send == SendStyle.FIRE_AND_FORGET) {
            throw ProblemException.invalid("send", "sync or async: a fire-and-forget send has no end to time");
        }
        PublishBench.Path chosen = switch (path) {
            case "raw" -> PublishBench.Path.RAW;
            case "emitter" -> PublishBench.Path.EMITTER;
            default -> throw ProblemException.invalid("path", "raw or emitter");
        };
        return bench.run(chosen, acks, send, count, size);
    }
}
