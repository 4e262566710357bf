package io.orderguarantees.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.Progress;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * The shipped jar's start, three ways, in one run ({@code ./mvnw verify -Paot}, which builds it with
 * {@code quarkus.package.jar.aot.enabled} and runs this on JDK 25 after {@code OperationsIT} trained the AOT cache,
 * {@code target/quarkus-app/app.aot}): the plain jar on JDK 17, the plain jar on JDK 25, and the jar with the AOT
 * cache on JDK 25 ({@code -XX:AOTMode=on}: the JVM refuses to start rather than run without it). Each is started
 * three times, interleaved, against the same broker and database: the time from the launch of the process to the first
 * {@code 200} from {@code /q/health/ready}, and its resident memory then and after 1,000 orders. Writes
 * {@code target/startup/results.json} and {@code results.md}.
 */
@EnabledIfSystemProperty(named = "startup.aot", matches = "true",
        disabledReason = "needs the jar built and its AOT cache trained on JDK 25: ./mvnw verify -Paot")
class StartupIT {

    private static final int REPEATS = 3;
    private static final int ORDERS = 1_000;
    private static final Path JAR = Path.of(System.getProperty("service.shipped-jar",
            "target/quarkus-app/quarkus-run.jar"));
    private static final Path OUTPUT = Path.of("target", "startup");

    private record Mode(String name, String java, List<String> options) {
    }

    private record Run(String mode, double readyMillis, long rssAfterStartKib, long rssAfterOrdersKib) {
    }

    @Test
    void theAotCacheStartsTheJarFasterOnTheSameJdkAndEveryWayServes() throws Exception {
        Path cache = JAR.resolveSibling("app.aot").toAbsolutePath();
        assertThat(cache).as("trained by OperationsIT in this run (./mvnw verify -Paot)").exists();
        String java25 = ProcessHandle.current().info().command().orElseThrow();
        assertThat(Runtime.version().feature()).as("this test runs on the JDK that trained the cache").isGreaterThanOrEqualTo(25);
        List<Mode> modes = List.of(
                new Mode("plain jar, JDK 17", System.getProperty("startup.java17",
                        "/usr/lib/jvm/java-17-openjdk-amd64/bin/java"), List.of()),
                new Mode("plain jar, JDK 25", java25, List.of()),
                new Mode("AOT cache, JDK 25", java25, List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on")));
        Progress progress = new Progress("startup");
        List<Run> runs = new ArrayList<>();
        try (BillingCluster cluster = new BillingCluster()) {
            for (int rep = 0; rep < REPEATS; rep++) {
                for (int m = 0; m < modes.size(); m++) {
                    Mode mode = modes.get((m + rep) % modes.size());
                    Map<String, String> config = new HashMap<>(Map.of(ServiceProcess.SHIPPED, "",
                            ServiceProcess.JAVA, mode.java()));
                    try (ServiceProcess service = ServiceProcess.start("startup-" + rep + "-" + m, "startup",
                            cluster.bootstrapServers(), config, mode.options())) {
                        long afterStart = ProcessStats.memoryKib(service.pid(), "VmRSS");
                        HttpLoad.Outcome orders = HttpLoad.run(service.baseUrl(), "async", 16, ORDERS,
                                "startup-" + rep + "-" + m);
                        assertThat(orders.unexpected()).as(mode.name() + ": orders not accepted").isZero();
                        Run run = new Run(mode.name(), service.readyAfter().toNanos() / 1e6, afterStart,
                                ProcessStats.memoryKib(service.pid(), "VmRSS"));
                        runs.add(run);
                        progress.say("%s: ready after %.0f ms, RSS %d MiB, %d MiB after %,d orders", mode.name(),
                                run.readyMillis(), afterStart >> 10, run.rssAfterOrdersKib() >> 10, ORDERS);
                    }
                }
            }
        }
        report(modes, runs);
        assertThat(runs).hasSize(REPEATS * modes.size());
    }

    private static void report(List<Mode> modes, List<Run> runs) throws IOException {
        Map<String, Double> ready = new LinkedHashMap<>();
        StringBuilder md = new StringBuilder("# Start-up: plain jar and AOT cache\n\nFinished %s on %d cores, %s %s. "
                .formatted(OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS),
                        Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                        System.getProperty("os.arch")))
                .append("The shipped jar (`./mvnw verify -Paot`), started %d times each way, interleaved, against an "
                        .formatted(REPEATS))
                .append("in-process broker and a private PostgreSQL; ready = from the launch of the process to the "
                        + "first 200 from `/q/health/ready` (polled every 20 ms); `-Xmx512m`. Medians.\n\n")
                .append("| mode | ready ms | runs (ms) | RSS after start MiB | RSS after %,d orders MiB |\n"
                        .formatted(ORDERS))
                .append("|---|---:|---|---:|---:|\n");
        for (Mode mode : modes) {
            List<Run> of = runs.stream().filter(r -> r.mode().equals(mode.name())).toList();
            double median = Stats.median(of.stream().map(Run::readyMillis).toList());
            ready.put(mode.name(), median);
            md.append("| %s | %.0f | %s | %d | %d |\n".formatted(mode.name(), median,
                    of.stream().map(r -> "%.0f".formatted(r.readyMillis())).toList(),
                    (long) Stats.median(of.stream().map(r -> (double) r.rssAfterStartKib()).toList()) >> 10,
                    (long) Stats.median(of.stream().map(r -> (double) r.rssAfterOrdersKib()).toList()) >> 10));
        }
        double aot = ready.get("AOT cache, JDK 25");
        double plain25 = ready.get("plain jar, JDK 25");
        double plain17 = ready.get("plain jar, JDK 17");
        Map<String, String> goals = new LinkedHashMap<>();
        goals.put("ready in < 1 s with the AOT cache", "%.0f ms (%s)".formatted(aot, aot < 1000 ? "met" : "missed"));
        goals.put("AOT cache <= 0.35x the plain jar on the same JDK (25)", "%.2fx (%s)".formatted(aot / plain25,
                aot <= 0.35 * plain25 ? "met" : "missed"));
        goals.put("AOT cache against the plain jar on JDK 17", "%.2fx".formatted(aot / plain17));
        md.append("\n## Goals\n\n| goal | measured |\n|---|---|\n");
        goals.forEach((goal, measured) -> md.append("| %s | %s |\n".formatted(goal, measured)));
        Files.createDirectories(OUTPUT);
        Files.writeString(OUTPUT.resolve("results.md"), md);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("runs", runs);
        json.put("medianReadyMillis", ready);
        json.put("goals", goals);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(OUTPUT.resolve("results.json")
                .toFile(), json);
    }
}
