package io.orderguarantees.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;

import io.smallrye.reactive.messaging.kafka.companion.test.EmbeddedKafkaBroker;

/**
 * A broker as a production cluster is: clients log in with SCRAM-SHA-512 over TLS, and may do only what an ACL allows
 * ({@code allow.everyone.if.no.acl.found=false}); topics are created by the operator, never on first use. The test
 * itself, the inter-broker traffic and the controller use a PLAINTEXT listener whose anonymous principal is a super
 * user, as an operator's admin client would.
 */
public final class SecureKafka {

    /** The service's principal and SCRAM user name, as the README's ACLs name it. */
    public static final String USER = "order-guarantees";
    private static final String STORE_PASSWORD = "broker-keystore-secret";
    private static final Pattern README_COMMAND = Pattern.compile("(?m)^kafka-acls\\.sh (?:[^\\n]*\\\\\\n)*[^\\n]*$");

    private final Path caCertificate;
    private final Path keystore;
    private final int port;

    private SecureKafka(Path caCertificate, Path keystore, int port) {
        this.caCertificate = caCertificate;
        this.keystore = keystore;
        this.port = port;
    }

    /**
     * A self-signed certificate for {@code localhost} in {@code folder}, made with the JDK's keytool, and a free port
     * for the SASL_SSL listener.
     */
    public static SecureKafka create(Path folder) {
        Folders.deleteRecursively(folder);
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path keystore = folder.resolve("broker.p12");
        Path certificate = folder.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass",
                STORE_PASSWORD, "-file", certificate.toString());
        return new SecureKafka(certificate, keystore, Ports.free());
    }

    /** Sets up a broker with a PLAINTEXT listener for the super user and the SASL_SSL one for the service. */
    public UnaryOperator<EmbeddedKafkaBroker> broker() {
        // the broker's own PLAINTEXT listener takes the advertised one's place: both must have one port
        int plaintext = Ports.free();
        return broker -> broker.withKafkaPort(plaintext)
                .withAdvertisedListeners(EmbeddedKafkaBroker.endpoint(SecurityProtocol.PLAINTEXT, "localhost", plaintext),
                        EmbeddedKafkaBroker.endpoint(SecurityProtocol.SASL_SSL, "localhost", port))
                .withAdditionalProperties(p -> {
                    p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
                    p.put("allow.everyone.if.no.acl.found", "false");
                    p.put("super.users", "User:ANONYMOUS");
                    p.put("auto.create.topics.enable", "false");
                    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
                    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                            "org.apache.kafka.common.security.scram.ScramLoginModule required;");
                    p.put("listener.name.sasl_ssl.ssl.keystore.type", "PKCS12");
                    p.put("listener.name.sasl_ssl.ssl.keystore.location", keystore.toString());
                    p.put("listener.name.sasl_ssl.ssl.keystore.password", STORE_PASSWORD);
                });
    }

    /** The address the service is given: the SASL_SSL listener. */
    public String serviceBootstrapServers() {
        return "localhost:" + port;
    }

    /** Creates (or replaces) the SCRAM-SHA-512 credential of {@link #USER}. */
    public static void addUser(Admin admin, String password) throws Exception {
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password))).all().get(30,
                        TimeUnit.SECONDS);
    }

    /** The service's Kafka settings as a deployment gives them: environment variables, a PEM file as trust store. */
    public Map<String, String> serviceEnvironment(String password) {
        return Map.of(
                ServiceProcess.ENV + "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                ServiceProcess.ENV + "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                ServiceProcess.ENV + "KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.scram.ScramLoginModule"
                        + " required username=\"" + USER + "\" password=\"" + password + "\";",
                ServiceProcess.ENV + "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                ServiceProcess.ENV + "KAFKA_SSL_TRUSTSTORE_LOCATION", caCertificate.toAbsolutePath().toString());
    }

    /**
     * The ACLs the README's {@code kafka-acls.sh} commands grant, read from the README itself: the test grants
     * exactly what a reader is told to. Understands the options those commands use: {@code --allow-principal},
     * {@code --operation}, {@code --topic}, {@code --group}, {@code --transactional-id}, {@code --cluster} and
     * {@code --resource-pattern-type}.
     */
    public static List<AclBinding> readmeAcls(Path readme) throws IOException {
        List<AclBinding> bindings = new ArrayList<>();
        Matcher command = README_COMMAND.matcher(Files.readString(readme));
        while (command.find()) {
            String[] words = command.group().replace("\\\n", " ").trim().split("\\s+");
            List<String> principals = new ArrayList<>();
            List<AclOperation> operations = new ArrayList<>();
            List<ResourcePattern> resources = new ArrayList<>();
            List<Map.Entry<ResourceType, String>> named = new ArrayList<>();
            PatternType pattern = PatternType.LITERAL;
            for (int i = 1; i < words.length; i++) {
                String value = i + 1 < words.length ? words[i + 1].replace("'", "").replace("\"", "") : "";
                switch (words[i]) {
                    case "--allow-principal" -> principals.add(value);
                    case "--operation" -> operations.add(AclOperation.fromString(value.replace("-", "_")));
                    case "--topic" -> named.add(Map.entry(ResourceType.TOPIC, value));
                    case "--group" -> named.add(Map.entry(ResourceType.GROUP, value));
                    case "--transactional-id" -> named.add(Map.entry(ResourceType.TRANSACTIONAL_ID, value));
                    case "--cluster" -> named.add(Map.entry(ResourceType.CLUSTER, "kafka-cluster"));
                    case "--resource-pattern-type" -> pattern = PatternType.fromString(value.toUpperCase(Locale.ROOT));
                    default -> {
                    }
                }
            }
            for (Map.Entry<ResourceType, String> resource : named) {
                resources.add(new ResourcePattern(resource.getKey(), resource.getValue(),
                        resource.getKey() == ResourceType.CLUSTER ? PatternType.LITERAL : pattern));
            }
            if (principals.isEmpty() || operations.contains(AclOperation.UNKNOWN) || operations.isEmpty()
                    || resources.isEmpty()) {
                throw new IllegalStateException("a kafka-acls command of the README this test cannot read: "
                        + command.group());
            }
            for (ResourcePattern resource : resources) {
                for (String principal : principals) {
                    for (AclOperation operation : operations) {
                        bindings.add(new AclBinding(resource,
                                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
                    }
                }
            }
        }
        return bindings;
    }

    private static void keytool(String... arguments) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        try {
            Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(keytool.getInputStream().readAllBytes());
            if (keytool.waitFor() != 0) {
                throw new IllegalStateException("keytool failed: " + String.join(" ", command) + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
