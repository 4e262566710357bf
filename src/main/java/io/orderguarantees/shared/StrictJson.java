package io.orderguarantees.shared;

import java.util.List;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * No lossy coercion when JSON becomes an {@link Order}, at intake and in {@code billing.OrderDecoder}: Jackson by
 * default reads {@code "quantity": 1.5} as 1, and the order would be published and billed for one; and it reads
 * {@code "item": true} or {@code "customerId": 1001} as text, so a client's mistaken type passes (found by
 * {@code FuzzedInputTest}).
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (CoercionInputShape scalar : List.of(CoercionInputShape.Boolean, CoercionInputShape.Integer,
                CoercionInputShape.Float)) {
            mapper.coercionConfigFor(LogicalType.Textual).setCoercion(scalar, CoercionAction.Fail);
        }
    }
}
