package io.orderguarantees.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** {@code results.json}, {@code results.md} and {@code lost-duplicated.svg} under the lab's output folder. */
final class LabReport {

    private LabReport() {
    }

    static void write(Lab.Settings settings, List<LabResult> results, Duration wall) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("finished", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        run.put("form", settings.full() ? "full" : "short");
        run.put("ordersPerScenario", settings.orders());
        run.put("wallTimeSeconds", wall.toSeconds());
        run.put("machine", machine());
        run.put("cluster", "3 KRaft controllers + 3 brokers, separate JVMs; RF 3, min.insync.replicas=2, "
                + "unclean.leader.election.enable=false; transaction.version="
                + settings.transactionVersion().orElse("default"));
        run.put("results", results);
        try {
            Files.createDirectories(settings.output());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(settings.output().resolve("results.json").toFile(), run);
            Files.writeString(settings.output().resolve("results.md"), markdown(run, results));
            Files.writeString(settings.output().resolve("lost-duplicated.svg"), svg(results));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String machine() {
        return Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version");
    }

    private static String markdown(Map<String, Object> run, List<LabResult> results) {
        StringBuilder md = new StringBuilder("# Delivery-guarantee lab: " + run.get("form") + " run\n\n");
        md.append("Finished ").append(run.get("finished")).append(" on ").append(run.get("machine")).append(", in ")
                .append(run.get("wallTimeSeconds")).append(" s; ").append(run.get("ordersPerScenario"))
                .append(" orders per scenario; ").append(run.get("cluster")).append(".\n\n");
        md.append("| scenario | setting | fault | sent | acknowledged | lost | duplicated | stopped | wall time | valid "
                + "| note |\n");
        md.append("|---|---|---|---:|---:|---:|---:|---|---:|---|---|\n");
        for (LabResult r : results) {
            md.append("| ").append(r.scenario()).append(" | ").append(r.setting()).append(" | ").append(r.fault())
                    .append(" | ").append(r.sent()).append(" | ").append(r.acknowledged()).append(" | ")
                    .append(r.lost()).append(" | ").append(r.duplicated()).append(" | ")
                    .append(r.stopped() == 0 ? "no" : "**" + r.stopped() + "x, restarted**").append(" | ")
                    .append(String.format("%.1f s", r.wallTimeMs() / 1000.0)).append(" | ")
                    .append(r.valid() ? "yes" : "**INVALID**").append(" | ")
                    .append(r.note().replace("|", "\\|").replace("\n", " ")).append(" |\n");
        }
        md.append("""

                *acknowledged*: for producer rows, orders the service reported as acknowledged (a sync 201, an async
                callback ACKED; for fire-and-forget, the 202 that only says the service took the order); for billing rows,
                orders the brokers acknowledged to the lab's acks=all publisher. *lost*: acknowledged orders missing from
                the log (producer) or never invoiced (billing). *duplicated*: copies beyond the first. *stopped*: how often
                the pipeline's channel failed and stopped (liveness DOWN) and the lab, acting as a liveness probe,
                restarted the instance: without a probe that restarts it, that pipeline would have billed nothing more.
                A row is *invalid* when its fault did not happen as designed: it proves nothing either way.
                """);
        return md.toString();
    }

    /** One row of two bars per valid result: lost (red) and duplicated (amber), as a share of the orders sent. */
    private static String svg(List<LabResult> results) {
        int rowHeight = 26;
        int labelWidth = 460;
        int barWidth = 420;
        int height = 60 + rowHeight * results.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", labelWidth + barWidth + 240, height));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\">Orders lost and duplicated, "
                + "share of orders sent</text>\n");
        svg.append(String.format("<rect x=\"%d\" y=\"30\" width=\"12\" height=\"12\" fill=\"#d62728\"/>"
                + "<text x=\"%d\" y=\"40\">lost</text>%n", labelWidth, labelWidth + 16));
        svg.append(String.format("<rect x=\"%d\" y=\"30\" width=\"12\" height=\"12\" fill=\"#ff9f1c\"/>"
                + "<text x=\"%d\" y=\"40\">duplicated</text>%n", labelWidth + 60, labelWidth + 76));
        int y = 56;
        for (LabResult r : results) {
            svg.append(String.format("<text x=\"10\" y=\"%d\">%s</text>%n", y + 14, escape(r.scenario())));
            if (!r.valid()) {
                svg.append(String.format("<text x=\"%d\" y=\"%d\" fill=\"#888\">invalid: the fault did not happen as "
                        + "designed</text>%n", labelWidth, y + 14));
            } else {
                double sent = Math.max(1, r.sent());
                int lost = (int) Math.round(barWidth * r.lost() / sent);
                int duplicated = (int) Math.round(barWidth * r.duplicated() / sent);
                svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"9\" fill=\"#d62728\"/>%n",
                        labelWidth, y + 3, Math.max(lost, r.lost() > 0 ? 1 : 0)));
                svg.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"9\" fill=\"#ff9f1c\"/>%n",
                        labelWidth, y + 13, Math.max(duplicated, r.duplicated() > 0 ? 1 : 0)));
                svg.append(String.format("<text x=\"%d\" y=\"%d\">%d lost, %d duplicated of %d</text>%n",
                        labelWidth + Math.max(lost, duplicated) + 6, y + 14, r.lost(), r.duplicated(), r.sent()));
            }
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
