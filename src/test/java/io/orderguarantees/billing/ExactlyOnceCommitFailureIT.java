package io.orderguarantees.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import io.orderguarantees.testsupport.BillingCluster;
import io.orderguarantees.testsupport.ServiceProcess;

/**
 * SmallRye 4.33's exactly-once loses a batch whose commit fails in a recoverable way: it aborts, then acks the batch
 * without rewinding the consumer, and the next transaction commits later offsets. Recipe: while the first batch's
 * transaction is open, deny READ on the consumer group; the offsets cannot join the transaction, the commit fails
 * with GroupAuthorizationException (abortable), the abort succeeds. The service must bill that batch again.
 */
class ExactlyOnceCommitFailureIT {

    private static final List<String> ORDERS = IntStream.rangeClosed(1, 100).mapToObj(i -> "a-" + i).toList();
    private static final AclBinding DENY_GROUP_READ = new AclBinding(
            new ResourcePattern(ResourceType.GROUP, "billing-exactly-once", PatternType.LITERAL),
            new AccessControlEntry("User:ANONYMOUS", "*", AclOperation.READ, AclPermissionType.DENY));

    @Test
    void aBatchWhoseCommitFailedAndWasAbortedIsNotLost() throws Exception {
        try (BillingCluster cluster = new BillingCluster(p -> {
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            // Everything is allowed but what an ACL denies.
            p.put("allow.everyone.if.no.acl.found", "true");
        })) {
            cluster.publish(ORDERS);

            try (ServiceProcess service = ServiceProcess.start("acl", "denied", cluster.bootstrapServers(), Map.of(
                    "mp.messaging.incoming.billing-exactly-once.max.poll.records", "10",
                    // Holds the first batch's transaction open long enough to deny the group under it.
                    "order-guarantees.billing.faults.exactly-once.stall-after-records", "1",
                    "order-guarantees.billing.faults.exactly-once.stall-ms", "4000"))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("Record 1 of exactly-once stalls"));
                cluster.companion().getOrCreateAdminClient().createAcls(List.of(DENY_GROUP_READ)).all().get();
                await().atMost(Duration.ofSeconds(60)).until(() -> service.log().contains("SRMSG18284"));
                cluster.companion().getOrCreateAdminClient().deleteAcls(List.of(DENY_GROUP_READ.toFilter())).all().get();

                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(cluster::everyGroupCaughtUp);
                assertThat(cluster.orderIds("invoices-exactly-once", IsolationLevel.READ_COMMITTED))
                        .as("the aborted batch was consumed again, in the same process")
                        .containsExactlyInAnyOrderElementsOf(ORDERS);
                assertThat(service.liveness().statusCode()).isEqualTo(200);
            }
        }
    }
}
