package io.orderguarantees.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.orderguarantees.billing.Pipeline;
import io.orderguarantees.testsupport.KafkaCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * The partition leader's followers are paused (SIGSTOP), orders are sent through the service's HTTP API, the leader
 * is killed -9 and the followers resumed. Phase A kills the leader while the paused followers are still in the
 * in-sync replica set; phase B first waits until they have left it. One service process serves every producer row;
 * its three acks channels write to a one-partition topic of their own, and its billing is switched off.
 */
final class ProducerScenarios {

    static final String TOPIC = "lab-orders";

    enum Phase {
        A("followers paused, leader killed -9 while they are still in the ISR"),
        B("followers paused until they left the ISR, then the leader killed -9");

        final String fault;

        Phase(String fault) {
            this.fault = fault;
        }
    }

    record Spec(String acks, String send, Phase phase) {

        String setting() {
            return "acks=" + acks + ", " + send;
        }

        String name() {
            return "producer acks=" + acks + " " + send + " phase " + phase;
        }
    }

    private final LabKafka kafka;
    private final KafkaCluster cluster;
    private final Progress progress;
    private final int orders;
    private int run;

    ProducerScenarios(LabKafka kafka, Progress progress, int orders) {
        this.kafka = kafka;
        this.cluster = kafka.cluster();
        this.progress = progress;
        this.orders = orders;
    }

    List<LabResult> run(List<Spec> specs) {
        kafka.createTopics(1, TOPIC);
        Map<String, String> config = new HashMap<>(Lab.SERVICE_CONFIG);
        for (String acks : List.of("0", "1", "all")) {
            config.put("mp.messaging.outgoing.orders-acks-" + acks + ".topic", TOPIC);
        }
        for (Pipeline pipeline : Pipeline.values()) {
            config.put("mp.messaging.incoming." + pipeline.channel() + ".enabled", "false");
        }
        List<LabResult> results = new ArrayList<>();
        try (ServiceProcess service = ServiceProcess.start("lab-producer", "lab", kafka.bootstrapServers(), config)) {
            for (Spec spec : specs) {
                long start = System.nanoTime();
                try {
                    results.add(run(new Orders(service), spec));
                } catch (RuntimeException e) {
                    progress.say("%s: failed: %s", spec.name(), e);
                    results.add(LabResult.invalid(spec.name(), spec.setting(), spec.phase().fault, millisSince(start),
                            "the scenario failed: " + e));
                    restoreCluster();
                }
            }
        }
        return results;
    }

    private LabResult run(Orders client, Spec spec) {
        long start = System.nanoTime();
        String prefix = "p" + ++run + "-";
        progress.say("%s: %d orders", spec.name(), orders);
        Orders.syncOutcomes(List.of(prefix + "warm-up"), client.post(List.of(prefix + "warm-up"), spec.acks(), "sync"));

        int leader = kafka.leader(TOPIC, 0);
        int[] followers = Arrays.stream(cluster.brokerIds()).filter(id -> id != leader).toArray();
        List<String> invalid = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        List<String> orderIds = IntStream.range(0, orders).mapToObj(i -> prefix + i).toList();
        long[] sentAt = new long[1];
        var answers = new ArrayList<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>>();
        Arrays.stream(followers).forEach(cluster::pause);
        progress.say("  leader is broker %d; followers %s paused", leader, Arrays.toString(followers));
        try {
            if (spec.phase() == Phase.B) {
                // Whether the followers really had left the ISR is proven after the kill, by none taking over.
                long paused = System.nanoTime();
                boolean seen = LabKafka.within(Duration.ofSeconds(60), () -> kafka.isr(TOPIC, 0).equals(Set.of(leader)));
                notes.add(seen ? String.format("the followers left the ISR %.0f s after the pause",
                        (System.nanoTime() - paused) / 1e9) : "the ISR could not be read while the followers were paused");
                progress.say("  %s", notes.get(notes.size() - 1));
            }
            answers.addAll(client.post(orderIds, spec.acks(), spec.send()));
            sentAt[0] = System.nanoTime();
            LabKafka.sleep(Duration.ofSeconds(1));
            cluster.kill(leader);
            progress.say("  leader %d killed -9", leader);
            if (cluster.isAlive(leader)) {
                invalid.add("the leader was not killed");
            }
        } finally {
            Arrays.stream(followers).forEach(cluster::resume);
        }
        // Only a follower still in the ISR may take over (unclean leader election is off): whether one did tells
        // which phase the fault really hit.
        boolean followerTookOver = LabKafka.within(Duration.ofSeconds(20),
                () -> kafka.leader(TOPIC, 0) > 0 && kafka.leader(TOPIC, 0) != leader);
        if (spec.phase() == Phase.A && !followerTookOver) {
            invalid.add("no follower took over: they had left the ISR before the leader was killed");
        }
        if (spec.phase() == Phase.B && followerTookOver) {
            invalid.add("a follower took over: it was still in the ISR");
        }
        boolean restarted = false;
        if (!followerTookOver) {
            notes.add("no in-sync replica was left to lead: the partition stayed offline until the killed broker came "
                    + "back (unclean leader election is off)");
            progress.say("  no follower can lead: restarting broker %d", leader);
            cluster.restart(leader);
            restarted = true;
        }
        LabKafka.await(Duration.ofSeconds(90), "a leader for " + TOPIC, () -> kafka.leader(TOPIC, 0) > 0);
        progress.say("  partition led by broker %d; waiting for every order's outcome", kafka.leader(TOPIC, 0));

        Map<String, String> outcomes = switch (spec.send()) {
            case "async" -> awaitAsync(client, orderIds);
            default -> Orders.syncOutcomes(orderIds, answers);
        };
        Set<String> acknowledged = outcomes.entrySet().stream().filter(e -> e.getValue().equals(Orders.ACKED))
                .map(Map.Entry::getKey).collect(Collectors.toSet());
        notes.add(String.format("every outcome known %.0f s after the last order was sent",
                (System.nanoTime() - sentAt[0]) / 1e9));
        if (!Orders.failures(outcomes).isEmpty()) {
            notes.add("refused: " + Orders.failures(outcomes));
        }
        if (!restarted) {
            cluster.restart(leader);
        }
        kafka.awaitFullIsr(TOPIC, Duration.ofSeconds(90));

        List<String> inLog = kafka.orderIds(TOPIC).stream().filter(id -> id.startsWith(prefix) && !id.endsWith("warm-up"))
                .toList();
        Set<String> present = new HashSet<>(inLog);
        int lost = (int) acknowledged.stream().filter(id -> !present.contains(id)).count();
        int duplicated = inLog.size() - present.size();
        notes.add(present.size() + " of " + orders + " in the log");
        LabResult result = new LabResult(spec.name(), spec.setting(), spec.phase().fault, orders, acknowledged.size(),
                lost, duplicated, 0, millisSince(start), invalid.isEmpty(),
                String.join("; ", invalid.isEmpty() ? notes : invalid));
        progress.say("  %d acknowledged, %d lost, %d duplicated%s", result.acknowledged(), lost, duplicated,
                result.valid() ? "" : " - INVALID: " + result.note());
        return result;
    }

    private static Map<String, String> awaitAsync(Orders client, List<String> orderIds) {
        Map<String, String>[] settled = new Map[1];
        LabKafka.await(Duration.ofSeconds(120), "every async order settled",
                () -> (settled[0] = client.asyncOutcomes(orderIds)) != null);
        return settled[0];
    }

    /** After a failed scenario: every broker back and every replica in sync, for the next one. */
    private void restoreCluster() {
        kafka.heal();
        kafka.awaitFullIsr(TOPIC, Duration.ofSeconds(90));
    }

    static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }
}
