package io.orderguarantees.testsupport;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.admin.NewTopic;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.kafka.InjectKafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.KafkaCompanion;
import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * The tests' Kafka: Dev Services' broker when Docker started one, otherwise a real in-process Apache Kafka
 * KRaft broker. Quarkus's own {@code KafkaCompanionResource} would start a container instead, which cannot
 * work without Docker. Arguments: {@code own-broker=true} always starts an in-process broker (for tests that
 * stop it), {@code topic-max-message-bytes} caps the {@code orders} topic's record size.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    /** Partitions of the {@code orders} topic: several, so that per-customer ordering means something. */
    public static final int ORDERS_PARTITIONS = 3;
    /** Records over this size are refused by the test broker's {@code orders} topic. */
    public static final int ORDERS_MAX_MESSAGE_BYTES = 100_000;
    /**
     * How long the companion's admin calls may take: the first broker of a run starts in a cold JVM, and its
     * first topic creation must not fail the whole run on the companion's 10-second default.
     */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private Optional<String> devServicesBootstrap = Optional.empty();
    private boolean ownBroker;
    private EmbeddedKafkaBroker broker;
    private KafkaCompanion companion;

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        devServicesBootstrap = Optional.ofNullable(context.devServicesProperties().get("kafka.bootstrap.servers"));
    }

    @Override
    public void init(Map<String, String> args) {
        ownBroker = Boolean.parseBoolean(args.getOrDefault("own-broker", "false"));
    }

    @Override
    public Map<String, String> start() {
        String bootstrap = devServicesBootstrap.filter(b -> !ownBroker).orElseGet(() -> {
            broker = new EmbeddedKafkaBroker().withAdditionalProperties(p -> p.put("num.partitions", "3")).start();
            return broker.getAdvertisedListeners();
        });
        companion = new KafkaCompanion(bootstrap, ADMIN_TIMEOUT);
        companion.topics().create(List.of(new NewTopic("orders", ORDERS_PARTITIONS, (short) 1)
                .configs(Map.of("max.message.bytes", String.valueOf(ORDERS_MAX_MESSAGE_BYTES)))));
        TransactionLog.ensureCreated(bootstrap);
        Map<String, String> config = new HashMap<>();
        config.put("kafka.bootstrap.servers", bootstrap);
        // The packaged service in the prod profile has no default instance id (nor, here, a HOSTNAME to take it from).
        config.put("order-guarantees.instance-id", "tests");
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(companion,
                new TestInjector.AnnotatedAndMatchesType(InjectKafkaCompanion.class, KafkaCompanion.class));
        if (broker != null) {
            injector.injectIntoFields(broker,
                    new TestInjector.AnnotatedAndMatchesType(InjectBroker.class, EmbeddedKafkaBroker.class));
        }
    }

    @Override
    public void stop() {
        if (companion != null) {
            companion.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
