package io.orderguarantees.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code results.json} and {@code results.md} under {@code target/bench}. */
final class BenchReport {

    private BenchReport() {
    }

    static void write(Bench.Results results) {
        Bench.Settings s = results.settings();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("finished", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        run.put("size", s.full() ? "full" : "tiny");
        run.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + " " + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version"));
        run.put("cluster", "3 KRaft controllers + 3 brokers, separate JVMs on this machine; RF 3, "
                + "min.insync.replicas=2; topics of 3 partitions");
        run.put("recordBytes", Bench.RECORD_BYTES);
        run.put("repeats", s.repeats());
        run.put("wallTimeSeconds", results.wall().toSeconds());
        run.put("goals", Bench.goals(results));
        run.put("rows", results.rows());
        run.put("publishProfiles", results.publishProfiles());
        run.put("billingProfiles", results.billingProfiles());
        run.put("http", results.http());
        run.put("unacknowledgedPublishes", results.unacknowledgedPublishes());
        run.put("unexpectedHttpAnswers", results.unexpectedHttpAnswers());
        run.put("billingProblems", results.billingProblems());
        run.put("clusterBytesDeleted", results.clusterBytesDeleted());
        try {
            Files.createDirectories(s.output());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(s.output().resolve("results.json").toFile(), run);
            Files.writeString(s.output().resolve("results.md"), markdown(run, results));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String markdown(Map<String, Object> run, Bench.Results results) {
        StringBuilder md = new StringBuilder("# Benchmark: " + run.get("size") + " run\n\n");
        md.append("Finished %s on %s, in %s s. %s. Orders of about %d bytes; every variant run %d times, interleaved "
                .formatted(run.get("finished"), run.get("machine"), run.get("wallTimeSeconds"), run.get("cluster"),
                        Bench.RECORD_BYTES, results.settings().repeats()))
                .append("with what it is compared to; throughput is the median run, ratio the median of same-run "
                        + "ratios.\n\n");
        md.append("## Goals\n\n| goal | measured |\n|---|---|\n");
        Bench.goals(results).forEach((goal, measured) -> md.append("| ").append(goal).append(" | ").append(measured)
                .append(" |\n"));
        md.append("\n## Results\n\n| scenario | N | runs | per second | ratio | to | p50 ms | p99 ms | max ms | note |\n")
                .append("|---|---:|---:|---:|---:|---|---:|---:|---:|---|\n");
        for (BenchRow r : results.rows()) {
            md.append("| %s | %,d | %d | %,.0f | %s | %s | %s | %s | %s | %s |\n".formatted(r.scenario(), r.n(), r.runs(),
                    r.perSecond(), r.ratio() == null ? "" : "%.2f".formatted(r.ratio()),
                    r.baseline().equals(r.scenario()) ? "" : r.baseline(), millis(r.p50Ms()), millis(r.p99Ms()),
                    millis(r.maxMs()), r.note()));
        }
        md.append("\n## Billing: orders waiting over time\n\nEach billing variant's first run, sampled every 250 ms from "
                + "outside from the moment it was started (the service's start included): the orders on the topic minus "
                + "the invoices written (the ledger: its rows).\n\n![Orders waiting to be billed](billing-lag.svg)\n");
        Map<String, Profile> billing = new LinkedHashMap<>();
        results.billingProfiles().forEach((variant, profile) -> billing.put(variant.startsWith("bare loop: a")
                ? "bare loop, transactional" : variant.startsWith("bare") ? "bare loop" : variant.replace("billing ", ""),
                profile));
        if (!billing.isEmpty()) {
            md.append("\n## Where the CPU went while billing\n\nJFR execution samples over the second half of each "
                    + "variant's first run (each its own JVM's recording, the bare loops' as the service's), "
                    + "attributed to the first frame outside the JDK:");
            billing.forEach((variant, p) -> md.append(" %s %d samples;".formatted(variant, p.samples())));
            md.append("\n\n");
            sideBySide(md, "code", billing, Profile::byArea);
            md.append("\n");
            sideBySide(md, "thread", billing, Profile::byThread);
        }
        Map<String, Profile> publish = results.publishProfiles();
        md.append("\n## Where the service's CPU went during the async acks=all publish runs\n\n")
                .append("JFR execution samples, attributed to the first frame outside the JDK:");
        publish.forEach((path, p) -> md.append(" %s %d samples;".formatted(path, p.samples())));
        md.append("\n\n");
        sideBySide(md, "code", publish, Profile::byArea);
        md.append("\n");
        sideBySide(md, "thread", publish, Profile::byThread);
        HttpComparison.Footprint http = results.http();
        double cpu = http.serviceCpuSeconds() + http.brokersCpuSeconds() + http.loadGeneratorCpuSeconds();
        md.append("\n## During the HTTP runs (%.0f s)\n\n".formatted(http.wallSeconds()))
                .append("- service peak resident memory: %d MiB (VmHWM, since its start), %d MiB sampled every 100 ms\n"
                        .formatted(http.peakRssKib() >> 10, http.peakRssSampledKib() >> 10))
                .append(("- CPU: %.0f s of the %.0f s the machine's %d cores had (%.0f%%): service %.0f%%, brokers and "
                        + "controllers %.0f%%, load generator %.0f%%\n").formatted(cpu,
                                http.wallSeconds() * Runtime.getRuntime().availableProcessors(),
                                Runtime.getRuntime().availableProcessors(),
                                100 * cpu / (http.wallSeconds() * Runtime.getRuntime().availableProcessors()),
                                100 * http.serviceCpuSeconds() / cpu, 100 * http.brokersCpuSeconds() / cpu,
                                100 * http.loadGeneratorCpuSeconds() / cpu));
        Profile profile = http.profile();
        md.append("\nWhere the service's CPU went (%d JFR execution samples during the measured runs):\n\n"
                .formatted(profile.samples()))
                .append("| code (first frame outside the JDK) | share |\n|---|---:|\n");
        profile.byArea().forEach((area, share) -> md.append("| %s | %.1f%% |\n".formatted(area, share)));
        md.append("\n| thread | share |\n|---|---:|\n");
        profile.byThread().forEach((thread, share) -> md.append("| %s | %.1f%% |\n".formatted(thread, share)));
        md.append("\nPublishes not acknowledged: %d. Unexpected HTTP answers: %d. Billing problems: %s. Cluster data deleted "
                .formatted(results.unacknowledgedPublishes(), results.unexpectedHttpAnswers(),
                        results.billingProblems().isEmpty() ? "none" : results.billingProblems()))
                .append("afterwards: %,d MB.\n".formatted(results.clusterBytesDeleted() >> 20));
        return md.toString();
    }

    /** One table, a column per profile: every row any of them has. */
    private static void sideBySide(StringBuilder md, String header, Map<String, Profile> profiles,
            Function<Profile, Map<String, Double>> shares) {
        md.append("| ").append(header).append(" | ").append(String.join(" | ", profiles.keySet())).append(" |\n|---|")
                .append("---:|".repeat(profiles.size())).append("\n");
        profiles.values().stream().flatMap(p -> shares.apply(p).keySet().stream()).distinct().forEach(row -> {
            md.append("| ").append(row).append(" |");
            profiles.values().forEach(p -> md.append(share(shares.apply(p).get(row))));
            md.append("\n");
        });
    }

    private static String share(Double share) {
        return share == null ? " <0.5% |" : " %.1f%% |".formatted(share);
    }

    private static String millis(Double value) {
        return value == null ? "" : "%.1f".formatted(value);
    }
}
