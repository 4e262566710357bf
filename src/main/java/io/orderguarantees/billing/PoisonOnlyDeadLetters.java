package io.orderguarantees.billing;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Metadata;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.vertx.mutiny.core.Vertx;

/**
 * The failure strategy of at-least-once ({@code failure-strategy=dead-letter-queue-for-poison}): a record that can
 * never be billed ({@link PoisonRecordException}) goes to the dead-letter topic through SmallRye's
 * {@code dead-letter-queue} strategy, and anything else (an invoice the broker would not take within
 * {@code delivery.timeout.ms}, say) stops the channel through its {@code fail} strategy, liveness DOWN, the offset not
 * committed: after a restart the order is billed. SmallRye's {@code dead-letter-queue} alone dead-letters every
 * failure, and the offset then moves past an order that could have been billed.
 */
@ApplicationScoped
@Identifier(PoisonOnlyDeadLetters.STRATEGY)
public class PoisonOnlyDeadLetters implements KafkaFailureHandler.Factory {

    public static final String STRATEGY = "dead-letter-queue-for-poison";

    @Inject
    @Identifier(KafkaFailureHandler.Strategy.DEAD_LETTER_QUEUE)
    KafkaFailureHandler.Factory deadLetters;

    @Inject
    @Identifier(KafkaFailureHandler.Strategy.FAIL)
    KafkaFailureHandler.Factory failStop;

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
            KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler poison = deadLetters.create(config, vertx, consumer, reportFailure);
        KafkaFailureHandler other = failStop.create(config, vertx, consumer, reportFailure);
        return new KafkaFailureHandler() {

            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                return isPoison(reason) ? poison.handle(record, reason, metadata) : other.handle(record, reason, metadata);
            }

            @Override
            public void terminate() {
                poison.terminate();
                other.terminate();
            }
        };
    }

    private static boolean isPoison(Throwable reason) {
        for (Throwable t = reason; t != null; t = t.getCause()) {
            if (t instanceof PoisonRecordException) {
                return true;
            }
        }
        return false;
    }
}
