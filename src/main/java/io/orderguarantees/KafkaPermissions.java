package io.orderguarantees;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.resource.ResourceType;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * Before any channel starts, asks the cluster whether this service's principal may do what its Kafka channels will
 * do: write each outgoing topic and dead-letter topic, read each incoming topic, read each consumer group, use each
 * transactional id. A permission the cluster denies stops the start with a message that names it, instead of a
 * channel failing later with "Transactional Id authorization failed" and no name. What cannot be asked (no answer
 * within {@code kafka.max.block.ms}: the cluster may be down, and the service starts anyway; a topic that does not
 * exist yet, which a cluster may create on first use) is logged, not guessed. Transactional ids are checked for Describe, which Write implies: a Describe-only grant passes here and
 * fails when the channel starts. Dev mode is left out: its broker may start after this.
 */
@UnlessBuildProfile("dev")
@ApplicationScoped
public class KafkaPermissions {

    private static final Logger LOG = Logger.getLogger(KafkaPermissions.class);
    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");

    /** An operation on a named resource the service needs, as {@code kafka-acls --operation} names it. */
    record Permission(ResourceType type, String name, AclOperation operation) {

        @Override
        public String toString() {
            return operation + " on " + type + " " + name;
        }
    }

    // Priority 2: after KafkaConnection's check of the address, before SmallRye starts its channels.
    void check(@Observes @Priority(2) StartupEvent startup, Config config,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<Permission, Set<String>> needed = needed(config);
        long timeoutMs = Long.parseLong(String.valueOf(kafka.getOrDefault("max.block.ms", "5000")));
        Map<String, Object> adminConfig = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                adminConfig.put(key, value);
            }
        });
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        adminConfig.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "kafka-permissions");
        List<String> missing = new ArrayList<>();
        List<String> unanswered = new ArrayList<>();
        try (Admin admin = Admin.create(adminConfig)) {
            ask(admin, needed, timeoutMs, missing, unanswered);
        }
        if (!unanswered.isEmpty()) {
            LOG.warnf("Could not check these Kafka permissions (no answer within %d ms, or nothing to ask about): %s",
                    timeoutMs, String.join("; ", unanswered));
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException("Kafka denies this service's principal what its channels need: "
                    + String.join("; ", missing) + ". Grant it exactly the ACLs the README lists (section \"Kafka in "
                    + "production: SCRAM over TLS, least privilege\"), then start the service again");
        }
        LOG.infof("Kafka permissions checked: %d of the %d the channels need granted, %d not answered",
                needed.size() - unanswered.size(), needed.size(), unanswered.size());
    }

    /** What the enabled Kafka channels of {@code config} will do, and which channels need each permission. */
    static Map<Permission, Set<String>> needed(Config config) {
        Map<Permission, Set<String>> needed = new LinkedHashMap<>();
        for (String property : config.getPropertyNames()) {
            Matcher channel = CHANNEL.matcher(property);
            if (!channel.matches() || !"smallrye-kafka".equals(config.getOptionalValue(property, String.class)
                    .orElse(""))) {
                continue;
            }
            String name = channel.group(2);
            String prefix = "mp.messaging." + channel.group(1) + "." + name + ".";
            if (!config.getOptionalValue(prefix + "enabled", Boolean.class).orElse(true)) {
                continue;
            }
            if (channel.group(1).equals("outgoing")) {
                need(needed, ResourceType.TOPIC, config.getOptionalValue(prefix + "topic", String.class).orElse(name),
                        AclOperation.WRITE, name);
                config.getOptionalValue(prefix + "transactional.id", String.class).ifPresent(
                        id -> need(needed, ResourceType.TRANSACTIONAL_ID, id, AclOperation.WRITE, name));
                continue;
            }
            List<String> topics = config.getOptionalValues(prefix + "topics", String.class)
                    .orElse(List.of(config.getOptionalValue(prefix + "topic", String.class).orElse(name)));
            topics.forEach(topic -> need(needed, ResourceType.TOPIC, topic, AclOperation.READ, name));
            config.getOptionalValue(prefix + "group.id", String.class)
                    .ifPresent(group -> need(needed, ResourceType.GROUP, group, AclOperation.READ, name));
            if (config.getOptionalValue(prefix + "failure-strategy", String.class).orElse("")
                    .startsWith("dead-letter-queue")) {
                need(needed, ResourceType.TOPIC, config.getOptionalValue(prefix + "dead-letter-queue.topic",
                        String.class).orElse("dead-letter-topic-" + name), AclOperation.WRITE, name);
            }
        }
        return needed;
    }

    private static void need(Map<Permission, Set<String>> needed, ResourceType type, String name,
            AclOperation operation, String channel) {
        needed.computeIfAbsent(new Permission(type, name, operation), p -> new TreeSet<>()).add(channel);
    }

    private static void ask(Admin admin, Map<Permission, Set<String>> needed, long timeoutMs, List<String> missing,
            List<String> unanswered) {
        Map<String, List<Permission>> byName = new HashMap<>();
        needed.keySet().forEach(p -> byName.computeIfAbsent(p.type() + " " + p.name(), k -> new ArrayList<>()).add(p));
        Set<String> topics = names(needed, ResourceType.TOPIC);
        Set<String> groups = names(needed, ResourceType.GROUP);
        Set<String> transactionalIds = names(needed, ResourceType.TRANSACTIONAL_ID);
        Map<String, KafkaFuture<TopicDescription>> topicAnswers = admin.describeTopics(topics,
                new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
        Map<String, KafkaFuture<ConsumerGroupDescription>> groupAnswers = admin.describeConsumerGroups(groups,
                new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true)).describedGroups();
        var transactionAnswers = admin.describeTransactions(transactionalIds);
        for (String topic : topics) {
            judge(needed, byName.get(ResourceType.TOPIC + " " + topic), topicAnswers.get(topic), timeoutMs,
                    TopicDescription::authorizedOperations, missing, unanswered);
        }
        for (String group : groups) {
            judge(needed, byName.get(ResourceType.GROUP + " " + group), groupAnswers.get(group), timeoutMs,
                    ConsumerGroupDescription::authorizedOperations, missing, unanswered);
        }
        for (String id : transactionalIds) {
            // denied Describe means denied Write; granted Describe is all an answer about a transactional id says
            judge(needed, byName.get(ResourceType.TRANSACTIONAL_ID + " " + id), transactionAnswers.description(id),
                    timeoutMs, description -> null, missing, unanswered);
        }
    }

    private static <T> void judge(Map<Permission, Set<String>> needed, List<Permission> asked, KafkaFuture<T> answer,
            long timeoutMs, Function<T, Set<AclOperation>> authorized, List<String> missing,
            List<String> unanswered) {
        try {
            Set<AclOperation> granted = authorized.apply(answer.get(timeoutMs, TimeUnit.MILLISECONDS));
            if (granted == null) {
                return;
            }
            asked.stream().filter(p -> !granted.contains(p.operation()) && !granted.contains(AclOperation.ALL))
                    .forEach(p -> missing.add(p + " (channel " + String.join(", ", needed.get(p)) + ")"));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TopicAuthorizationException || cause instanceof GroupAuthorizationException
                    || cause instanceof TransactionalIdAuthorizationException) {
                asked.forEach(p -> missing.add(p + " (channel " + String.join(", ", needed.get(p)) + ")"));
            } else if (cause instanceof UnknownTopicOrPartitionException) {
                // described, since a principal that may not describe a topic is told so: it does not exist yet
                asked.forEach(p -> unanswered.add(p + " (the topic does not exist yet)"));
            }
            // anything else (a group or transactional id not known yet, say) proves the principal may describe it
        } catch (TimeoutException e) {
            asked.forEach(p -> unanswered.add(p.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> names(Map<Permission, Set<String>> needed, ResourceType type) {
        return needed.keySet().stream().filter(p -> p.type() == type).map(Permission::name)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
