package io.orderguarantees.shared;

import jakarta.inject.Singleton;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * No lossy coercion when JSON becomes an {@link Order}, at intake and in {@code billing.OrderDecoder}: Jackson by
 * default reads {@code "quantity": 1.5} as 1, and the order would be published and billed for one.
 */
@Singleton
public class StrictJson implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    }
}
