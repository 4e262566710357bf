package io.orderguarantees.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the service's CPU went, from its own flight recording: execution samples taken while given runs went on, attributed to the first frame outside the JDK (so that a {@code HashMap} lookup made by Kafka counts as
 * Kafka's), and to the thread that ran them.
 */
record Profile(int samples, Map<String, Double> byArea, Map<String, Double> byThread) {

    private static final List<String> JDK = List.of("java.", "jdk.", "sun.");

    /** Package prefixes per area; a frame outside all of them counts under its first two package names. */
    private static final Map<String, List<String>> AREAS = new LinkedHashMap<>();

    static {
        AREAS.put("Kafka client", List.of("org.apache.kafka"));
        AREAS.put("Vert.x and Netty (HTTP, event loops)", List.of("io.netty", "io.vertx"));
        AREAS.put("Jackson (JSON)", List.of("com.fasterxml.jackson"));
        AREAS.put("SmallRye Reactive Messaging and Mutiny",
                List.of("io.smallrye.reactive.messaging", "io.smallrye.mutiny"));
        AREAS.put("Quarkus REST and runtime", List.of("org.jboss.resteasy.reactive", "io.quarkus"));
        AREAS.put("Micrometer", List.of("io.micrometer"));
        AREAS.put("Hibernate Validator", List.of("org.hibernate.validator", "jakarta.validation"));
        AREAS.put("order-guarantees", List.of("io.orderguarantees"));
    }

    /** A stretch of time the samples are taken from. */
    record Window(Instant from, Instant to) {

        boolean contains(Instant instant) {
            return !instant.isBefore(from) && !instant.isAfter(to);
        }
    }

    static Profile read(Path recording, List<Window> windows) {
        Map<String, Integer> areas = new TreeMap<>();
        Map<String, Integer> threads = new TreeMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                        || windows.stream().noneMatch(w -> w.contains(event.getStartTime()))) {
                    continue;
                }
                samples++;
                areas.merge(area(event.getStackTrace().getFrames()), 1, Integer::sum);
                String thread = event.getThread("sampledThread") == null ? "?"
                        : event.getThread("sampledThread").getJavaName();
                threads.merge(thread == null ? "?" : thread.replaceAll("[-\\s]*\\d+$", ""), 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Profile(samples, shares(areas, samples), shares(threads, samples));
    }

    private static String area(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (JDK.stream().anyMatch(type::startsWith)) {
                continue;
            }
            for (Map.Entry<String, List<String>> area : AREAS.entrySet()) {
                if (area.getValue().stream().anyMatch(type::startsWith)) {
                    return area.getKey();
                }
            }
            return "other: " + type.replaceAll("^((?:[^.]+\\.){2}).*", "$1") + "*";
        }
        return "JDK only (GC helpers, I/O, JIT'd JDK code)";
    }

    /** Shares of at least 0.5%, largest first. */
    private static Map<String, Double> shares(Map<String, Integer> counts, int total) {
        Map<String, Double> shares = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer> comparingByValue().reversed())
                .filter(e -> e.getValue() * 200L >= total)
                .forEach(e -> shares.put(e.getKey(), Math.round(1000.0 * e.getValue() / Math.max(1, total)) / 10.0));
        return shares;
    }
}
