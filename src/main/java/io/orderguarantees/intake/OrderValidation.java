package io.orderguarantees.intake;

import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.Validator;

import io.orderguarantees.shared.Order;
import io.orderguarantees.shared.Problem.FieldError;

/** Bean Validation of orders, reported as {@code field}/{@code message} pairs under a prefix such as {@code [2].}. */
@ApplicationScoped
class OrderValidation {

    private final Validator validator;

    OrderValidation(Validator validator) {
        this.validator = validator;
    }

    List<FieldError> violations(Order order, String fieldPrefix) {
        if (order == null) {
            return List.of(new FieldError(fieldPrefix.isEmpty() ? "body" : fieldPrefix.replaceAll("\\.$", ""),
                    "an order is required"));
        }
        return validator.validate(order).stream()
                .map(v -> new FieldError(fieldPrefix + v.getPropertyPath(), v.getMessage()))
                .sorted(Comparator.comparing(FieldError::field))
                .toList();
    }
}
