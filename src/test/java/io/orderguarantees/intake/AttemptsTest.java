package io.orderguarantees.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.ProblemException;

/** The idempotency window's own rules: what it forgets, and what it refuses. */
class AttemptsTest {

    @Test
    void pastItsSizeTheWindowForgetsTheOldestSettledAttemptNeverAnOpenOne() {
        Attempts window = new Attempts(2);
        Attempts.Claim open = window.claim(List.of(order("open")), Acks.ALL, SendStyle.SYNC, false);
        settle(window.claim(List.of(order("settled")), Acks.ALL, SendStyle.SYNC, false));
        window.claim(List.of(order("new")), Acks.ALL, SendStyle.SYNC, false);

        assertThat(window.find("open")).as("still open: a retry must wait for it").isPresent();
        assertThat(window.find("settled")).isEmpty();
        assertThat(window.find("new")).isPresent();
        assertThat(window.claim(List.of(order("open")), Acks.ALL, SendStyle.SYNC, false).attempt())
                .isSameAs(open.attempt());
    }

    @Test
    void aBatchIsForgottenAsAWhole() {
        Attempts window = new Attempts(2);
        settle(window.claim(List.of(order("b-0"), order("b-1")), Acks.ALL, SendStyle.SYNC, true));
        window.claim(List.of(order("single")), Acks.ALL, SendStyle.SYNC, false);

        assertThat(window.find("b-0")).isEmpty();
        assertThat(window.find("b-1")).as("no half of a batch stays to make its retry a conflict").isEmpty();
    }

    @Test
    void anAttemptThatEndedWithoutAcknowledgementIsPublishedAgain() {
        Attempts window = new Attempts(10);
        Attempts.Claim first = window.claim(List.of(order("unknown")), Acks.ALL, SendStyle.SYNC, false);
        first.attempt().outcome().completeExceptionally(new IllegalStateException("delivery timeout"));

        assertThat(window.claim(List.of(order("unknown")), Acks.ALL, SendStyle.SYNC, false).isNew()).isTrue();
    }

    @Test
    void aRefusedAttemptAnswersWhoeverJoinedIt() {
        Attempts window = new Attempts(10);
        Attempts.Claim first = window.claim(List.of(order("refused")), Acks.ALL, SendStyle.SYNC, false);
        Attempts.Claim joined = window.claim(List.of(order("refused")), Acks.ALL, SendStyle.SYNC, false);
        window.forget(first.attempt(), new IllegalStateException("saturated"));

        assertThat(joined.attempt().outcome()).isCompletedExceptionally();
        assertThat(window.find("refused")).isEmpty();
    }

    @Test
    void anIdCannotMoveBetweenASingleOrderAndABatch() {
        Attempts window = new Attempts(10);
        window.claim(List.of(order("x")), Acks.ALL, SendStyle.SYNC, false);

        assertThatThrownBy(() -> window.claim(List.of(order("x")), Acks.ALL, SendStyle.SYNC, true))
                .isInstanceOf(ProblemException.class);
    }

    private static void settle(Attempts.Claim claim) {
        claim.attempt().outcome().complete(claim.attempt().orders().stream()
                .map(o -> new Delivery("orders", 0, 1L)).toList());
    }

    private static Order order(String id) {
        return new Order(id, "c-1", "Pen", 1, BigDecimal.ONE);
    }
}
