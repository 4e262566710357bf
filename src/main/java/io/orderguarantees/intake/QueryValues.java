package io.orderguarantees.intake;

import java.util.Arrays;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.orderguarantees.shared.ProblemException;

/** Parses an enum query parameter by its wire name; an unknown value is a 400 naming the parameter. */
final class QueryValues {

    private QueryValues() {
    }

    static <E> E parse(String parameter, String value, E[] values, Function<E, String> wireName) {
        return Arrays.stream(values).filter(v -> wireName.apply(v).equalsIgnoreCase(value.trim())).findFirst()
                .orElseThrow(() -> ProblemException.invalid(parameter, "must be one of "
                        + Arrays.stream(values).map(wireName).collect(Collectors.joining(", ")) + ", got '" + value + "'"));
    }
}
