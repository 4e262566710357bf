package io.orderguarantees.lab;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.orderguarantees.billing.CrashPoint;
import io.orderguarantees.billing.Faults;
import io.orderguarantees.billing.Pipeline;
import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * The billing pipelines under real crashes: the service killed -9 mid-stream, halted at each crash point, one of two
 * instances killed, brokers killed under it. Each scenario has a fresh orders topic (three partitions), fresh
 * invoice topics and fresh consumer groups, and counts from the invoice topics, read_committed, what each pipeline
 * lost or billed twice.
 */
final class BillingScenarios {

    private static final int PARTITIONS = 3;
    /** What a restart's note says of the channels that failed: {@link #stops} counts them by it. */
    private static final String STOPPED = "failed and stopped";
    /** A channel SmallRye's liveness check reports as failed: {@code "billing-exactly-once":"[KO] - ..."}. */
    private static final Pattern FAILED_CHANNEL = Pattern.compile("\"([a-z0-9-]+)\"\\s*:\\s*\"\\[KO\\]");

    /** One scenario's topics and groups, and the service settings that point the pipelines at them. */
    record Billing(String prefix) {

        String orders() {
            return prefix + "-orders";
        }

        String invoices(Pipeline pipeline) {
            return prefix + "-" + pipeline.invoiceTopic();
        }

        String group(Pipeline pipeline) {
            return prefix + "-" + pipeline.channel();
        }

        String ledgerGroup() {
            return prefix + "-billing-ledger";
        }

        List<String> groups() {
            return Arrays.stream(Pipeline.values()).map(this::group).toList();
        }

        Map<String, String> config() {
            Map<String, String> config = new HashMap<>(Lab.SERVICE_CONFIG);
            for (Pipeline pipeline : Pipeline.values()) {
                config.put("mp.messaging.incoming." + pipeline.channel() + ".topic", orders());
                config.put("mp.messaging.incoming." + pipeline.channel() + ".group.id", group(pipeline));
                config.put("mp.messaging.outgoing.invoices-" + pipeline.id() + ".topic", invoices(pipeline));
            }
            // the ledger bills the scenario's orders too, in its own group; the lab's database keeps every scenario's
            // ledger (order ids are the scenario's prefix and a number)
            config.put("mp.messaging.incoming.billing-ledger.topic", orders());
            config.put("mp.messaging.incoming.billing-ledger.group.id", ledgerGroup());
            config.put("mp.messaging.outgoing.orders-acks-all.topic", orders());
            // so that the lab can see which instance got which partitions
            config.put("quarkus.log.category.\"org.apache.kafka.clients.consumer.internals\".level", "INFO");
            return config;
        }
    }

    private final LabKafka kafka;
    private final KafkaCluster cluster;
    private final Progress progress;
    private final int orders;
    private int run;

    BillingScenarios(LabKafka kafka, Progress progress, int orders) {
        this.kafka = kafka;
        this.cluster = kafka.cluster();
        this.progress = progress;
        this.orders = orders;
    }

    Billing fresh() {
        Billing billing = new Billing("lab-b" + ++run);
        List<String> topics = new ArrayList<>(List.of(billing.orders()));
        Arrays.stream(Pipeline.values()).map(billing::invoices).forEach(topics::add);
        kafka.createTopics(PARTITIONS, topics.toArray(String[]::new));
        return billing;
    }

    private List<String> orderIds(Billing billing) {
        return IntStream.range(0, orders).mapToObj(i -> billing.prefix() + "-" + i).toList();
    }

    /** The service killed -9 while orders flow and billing is under way, then started again. */
    List<LabResult> killMidStream() {
        String fault = "service killed -9 mid-stream, restarted";
        long start = System.nanoTime();
        Billing billing = fresh();
        progress.say("billing: kill -9 of the service mid-stream, %d orders on %s", orders, billing.orders());
        List<String> invalid = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start(billing.prefix(), "killed", kafka.bootstrapServers(),
                billing.config());
                Publisher publisher = Publisher.start(kafka.bootstrapServers(), billing.orders(), orderIds(billing),
                        flow())) {
            awaitBillingUnderWay(billing, orders / 4);
            service.kill();
            if (service.isAlive()) {
                invalid.add("the service was not killed");
            }
            int sentAtKill = publisher.sent();
            progress.say("  service killed -9 after %d of %d orders were sent", sentAtKill, orders);
            if (sentAtKill >= orders) {
                invalid.add("every order was sent before the kill: not mid-stream");
            }
            return recover(billing, publisher, List.of(billing.prefix()), "kill -9 mid-stream", fault, start, invalid,
                    Pipeline.values());
        }
    }

    /** How long the publisher spreads a scenario's orders over: long enough to crash something in the middle. */
    private Duration flow() {
        return Duration.ofSeconds(Math.max(10, orders / 50));
    }

    /** For each pipeline and each of its crash points: the service halts there, then starts again unarmed. */
    List<LabResult> crashPoints() {
        List<LabResult> results = new ArrayList<>();
        for (Pipeline pipeline : Pipeline.values()) {
            for (CrashPoint point : pipeline.crashPoints()) {
                results.addAll(crashAt(pipeline, point));
            }
        }
        return results;
    }

    private List<LabResult> crashAt(Pipeline pipeline, CrashPoint point) {
        long start = System.nanoTime();
        int crashAt = Math.max(1, orders / 3);
        String fault = "service halted at " + point.id() + " of record " + crashAt + ", restarted";
        Billing billing = fresh();
        progress.say("billing: %s halts at %s of record %d", pipeline.id(), point.id(), crashAt);
        List<String> invalid = new ArrayList<>();
        try (Publisher publisher = Publisher.start(kafka.bootstrapServers(), billing.orders(), orderIds(billing),
                Duration.ZERO)) {
            publisher.awaitAcknowledged();
            Map<String, String> armed = new HashMap<>(billing.config());
            String prefix = "order-guarantees.billing.faults." + pipeline.id();
            armed.put(prefix + ".crash-point", point.id());
            armed.put(prefix + ".crash-after-records", String.valueOf(crashAt));
            try (ServiceProcess crashing = ServiceProcess.startMayExit(billing.prefix(), "crashing",
                    kafka.bootstrapServers(), armed)) {
                OptionalInt exit = crashing.awaitExit(Duration.ofSeconds(120));
                if (exit.isEmpty() || exit.getAsInt() != Faults.EXIT_STATUS || !crashing.log().contains("Crash point")) {
                    invalid.add("the service did not halt at the crash point (exit " + exit + ")");
                }
                progress.say("  halted with exit status %s", exit.isPresent() ? exit.getAsInt() : "none");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return recover(billing, publisher, List.of(billing.prefix()), "crash point " + point.id(), fault, start,
                    invalid, pipeline);
        }
    }

    /**
     * Two instances in the same groups, each with its own transactional ids; one is killed -9 while orders flow and
     * does not come back. The survivor must take over its partitions.
     */
    List<LabResult> scaleOut() {
        String fault = "2 instances, one killed -9 for good while orders flow";
        long start = System.nanoTime();
        Billing billing = fresh();
        progress.say("billing: scale-out, 2 instances, one killed -9");
        List<String> invalid = new ArrayList<>();
        try (ServiceProcess survivor = ServiceProcess.start(billing.prefix() + "-a", "scale-out",
                kafka.bootstrapServers(), billing.config());
                ServiceProcess victim = ServiceProcess.start(billing.prefix() + "-b", "scale-out",
                        kafka.bootstrapServers(), billing.config());
                Publisher publisher = Publisher.start(kafka.bootstrapServers(), billing.orders(), orderIds(billing),
                        flow())) {
            // A member killed in the middle of a rebalance stalls its group for the rebalance timeout
            // (max.poll.interval.ms, 5 min): kill the second instance once it holds partitions in every group.
            Pattern assigned = Pattern.compile("groupId=" + billing.prefix() + "-billing-([a-z-]+)\\] Adding newly "
                    + "assigned partitions: \\[" + Pattern.quote(billing.orders()) + "-");
            if (!LabKafka.within(Duration.ofSeconds(60), () -> assigned.matcher(victim.log()).results()
                    .map(m -> m.group(1)).distinct().count() == Pipeline.values().length)) {
                invalid.add("the second instance did not get partitions in every group");
            }
            awaitBillingUnderWay(billing, orders / 4);
            LabKafka.sleep(Duration.ofSeconds(2));
            victim.kill();
            if (victim.isAlive()) {
                invalid.add("the second instance was not killed");
            }
            progress.say("  instance b killed -9 after %d of %d orders were sent", publisher.sent(), orders);
            if (publisher.sent() >= orders) {
                invalid.add("every order was sent before the kill: not mid-stream");
            }
            return recover(billing, publisher, List.of(), "scale-out", fault, start, invalid, Pipeline.values());
        }
    }

    /**
     * Orders flow through the service's HTTP API (acks=all, sync) and are billed; a broker that does not lead
     * partition 0 is killed -9 and restarted, then the one that does.
     */
    List<LabResult> brokerRestarts() {
        String fault = "broker killed -9 and restarted: a follower, then the leader";
        long start = System.nanoTime();
        Billing billing = fresh();
        progress.say("brokers: kill -9 of a follower, then of the leader, under acks=all and billing");
        Map<String, String> config = billing.config();
        List<String> orderIds = orderIds(billing);
        List<String> invalid = new ArrayList<>();
        Map<String, String> answers = new ConcurrentHashMap<>();
        Map<String, ServiceProcess> supervised = new HashMap<>();
        try (ServiceProcess service = ServiceProcess.start(billing.prefix(), "brokers", kafka.bootstrapServers(),
                config)) {
            supervised.put(billing.prefix(), service);
            Orders client = new Orders(service);
            AtomicInteger sent = new AtomicInteger();
            long pace = Duration.ofSeconds(Math.max(30, orders / 20)).toNanos() / orders;
            Thread sender = new Thread(() -> {
                long next = System.nanoTime();
                for (int i = 0; i < orders; i++) {
                    try {
                        HttpResponse<String> answer = client.postOne(orderIds.get(i), i, "all", "sync");
                        answers.put(orderIds.get(i), answer.statusCode() == 201 ? Orders.ACKED
                                : answer.statusCode() + " " + answer.body());
                    } catch (Exception e) {
                        answers.put(orderIds.get(i), "no answer: " + e);
                    }
                    sent.incrementAndGet();
                    next += pace;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LabKafka.sleep(Duration.ofNanos(wait));
                    }
                }
            }, "lab-sender");
            sender.setDaemon(true);
            sender.start();

            LabKafka.await(Duration.ofSeconds(60), "a quarter of the orders sent", () -> sent.get() >= orders / 4);
            int leader = kafka.leader(billing.orders(), 0);
            int follower = Arrays.stream(cluster.brokerIds()).filter(id -> id != leader).findFirst()
                    .orElseThrow();
            killAndRestart(billing, follower, "follower", sent, invalid);
            LabKafka.await(Duration.ofSeconds(120), "half of the orders sent", () -> sent.get() >= orders / 2);
            int leaderNow = kafka.leader(billing.orders(), 0);
            killAndRestart(billing, leaderNow, "leader", sent, invalid);
            sender.join(Duration.ofSeconds(300).toMillis());

            Set<String> acknowledged = new HashSet<>();
            answers.forEach((id, answer) -> {
                if (answer.equals(Orders.ACKED)) {
                    acknowledged.add(id);
                }
            });
            List<String> inLog = kafka.orderIds(billing.orders());
            Set<String> present = new HashSet<>(inLog);
            List<LabResult> results = new ArrayList<>();
            String refused = Orders.failures(answers);
            results.add(new LabResult("brokers restarted: producer acks=all sync", "acks=all, sync", fault, orders,
                    acknowledged.size(), (int) acknowledged.stream().filter(id -> !present.contains(id)).count(),
                    inLog.size() - present.size(), 0, ProducerScenarios.millisSince(start), invalid.isEmpty(),
                    String.join("; ", invalid.isEmpty() ? List.of(refused.isEmpty() ? "every order acknowledged"
                            : "refused: " + refused) : invalid)));
            List<String> notes = new ArrayList<>();
            awaitCaughtUp(billing, supervised, notes);
            results.addAll(count(billing, acknowledged, "brokers restarted", fault, start, invalid, notes,
                    Pipeline.values()));
            return results;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            supervised.values().forEach(ServiceProcess::kill);
        }
    }

    private void killAndRestart(Billing billing, int broker, String role, AtomicInteger sent, List<String> invalid) {
        if (sent.get() >= orders) {
            invalid.add("every order was sent before the " + role + " was killed");
        }
        cluster.kill(broker);
        if (cluster.isAlive(broker)) {
            invalid.add("the " + role + " (broker " + broker + ") was not killed");
        }
        progress.say("  %s of %s-0, broker %d, killed -9 after %d orders", role, billing.orders(), broker, sent.get());
        LabKafka.sleep(Duration.ofSeconds(5));
        cluster.restart(broker);
        kafka.awaitFullIsr(billing.orders(), Duration.ofSeconds(120));
        progress.say("  broker %d restarted and back in sync, %d orders sent", broker, sent.get());
    }

    /**
     * Waits until every group committed the whole orders topic, acting meanwhile as an orchestrator's liveness probe
     * would: an instance whose liveness is DOWN (a channel that failed and stopped, as exactly-once does rather than
     * skip a batch) is killed and started again with its instance id, and {@code notes} says so.
     */
    void awaitCaughtUp(Billing billing, Map<String, ServiceProcess> instances, List<String> notes) {
        String[] lag = { "" };
        if (!LabKafka.within(Duration.ofSeconds(240), () -> {
            instances.replaceAll((instance, service) -> {
                List<String> failed = failedChannels(service);
                return failed == null ? service : restarted(billing, instance, service, failed, notes);
            });
            return (lag[0] = kafka.lag(billing.orders(), PARTITIONS, billing.groups()).toString()).equals("{}");
        })) {
            throw new IllegalStateException("billing did not catch up within 240 s; records behind: " + lag[0]);
        }
    }

    /** The channels an instance's liveness reports as failed ({@code [KO]}), or null while it is live. */
    private static List<String> failedChannels(ServiceProcess service) {
        try {
            HttpResponse<String> liveness = service.liveness();
            if (liveness.statusCode() != 503) {
                return null;
            }
            return FAILED_CHANNEL.matcher(liveness.body()).results().map(channel -> channel.group(1)).distinct()
                    .toList();
        } catch (IOException e) {
            return null; // not answering is not DOWN: a busy or starting instance
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** How many of {@code notes}' restarts followed a failure of {@code channel}. */
    static int stops(List<String> notes, String channel) {
        return (int) notes.stream().filter(note -> note.contains(STOPPED) && note.contains("`" + channel + "`"))
                .count();
    }

    private ServiceProcess restarted(Billing billing, String instance, ServiceProcess down, List<String> failed,
            List<String> notes) {
        String why = down.log().lines().filter(line -> line.contains("SRMSG18284") || line.contains("fail-stop"))
                .findFirst().map(line -> line.replaceAll("^.*\\) ", "")).orElse("liveness DOWN");
        notes.add("instance " + instance + ": "
                + failed.stream().map(channel -> "`" + channel + "`").collect(Collectors.joining(", ")) + " "
                + STOPPED + " (liveness DOWN); restarted, as a liveness probe would ("
                + (why.length() > 160 ? why.substring(0, 160) + "..." : why) + ")");
        progress.say("  %s", notes.get(notes.size() - 1));
        down.kill();
        return ServiceProcess.start(instance, "restarted-" + notes.size(), kafka.bootstrapServers(), billing.config());
    }

    private void awaitBillingUnderWay(Billing billing, int invoices) {
        LabKafka.await(Duration.ofSeconds(120), "billing under way", () -> kafka.endOffsets(
                billing.invoices(Pipeline.AT_LEAST_ONCE), PARTITIONS) >= invoices);
    }

    /** Restarts the named instances, waits until the publisher is done and every group caught up, and counts. */
    private List<LabResult> recover(Billing billing, Publisher publisher, List<String> restart, String scenario,
            String fault, long start, List<String> invalid, Pipeline... pipelines) {
        Map<String, ServiceProcess> restarted = new HashMap<>();
        try {
            for (String instance : restart) {
                restarted.put(instance, ServiceProcess.start(instance, "recovered", kafka.bootstrapServers(),
                        billing.config()));
            }
            Set<String> acknowledged = publisher.awaitAcknowledged();
            progress.say("  %d orders acknowledged by the brokers; waiting for billing to catch up", acknowledged.size());
            List<String> notes = new ArrayList<>();
            awaitCaughtUp(billing, restarted, notes);
            return count(billing, acknowledged, scenario, fault, start, invalid, notes, pipelines);
        } finally {
            restarted.values().forEach(ServiceProcess::kill);
        }
    }

    List<LabResult> count(Billing billing, Set<String> acknowledged, String scenario, String fault, long start,
            List<String> invalid, List<String> notes, Pipeline... pipelines) {
        List<LabResult> results = new ArrayList<>();
        for (Pipeline pipeline : pipelines) {
            List<String> invoiced = kafka.orderIds(billing.invoices(pipeline));
            Set<String> billed = new HashSet<>(invoiced);
            int lost = (int) acknowledged.stream().filter(id -> !billed.contains(id)).count();
            int duplicated = invoiced.size() - billed.size();
            results.add(new LabResult(scenario + ": " + pipeline.id(), pipeline.id(), fault, orders,
                    acknowledged.size(), lost, duplicated, stops(notes, pipeline.channel()),
                    ProducerScenarios.millisSince(start), invalid.isEmpty(),
                    invalid.isEmpty() ? String.join("; ", concat(List.of(billed.size() + " orders invoiced"), notes))
                            : String.join("; ", invalid)));
            progress.say("  %s: %d lost, %d duplicated%s", pipeline.id(), lost, duplicated,
                    invalid.isEmpty() ? "" : " - INVALID: " + String.join("; ", invalid));
        }
        return results;
    }

    private static List<String> concat(List<String> first, List<String> then) {
        List<String> all = new ArrayList<>(first);
        all.addAll(then);
        return all;
    }
}
