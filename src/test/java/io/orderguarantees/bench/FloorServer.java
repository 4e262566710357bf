package io.orderguarantees.bench;

import java.util.Properties;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * The floor a user could write by hand for {@code POST /orders?send=sync}: a bare Vert.x route that reads the order's
 * {@code customerId} for the key, sends the body with a raw {@link KafkaProducer} (acks=all, idempotent, the
 * service's timeouts) and answers 201 with where the broker put it once every in-sync replica has it. No validation,
 * no object mapping, no security, no metrics: what is left is HTTP and Kafka. Run by the benchmark as a process of its
 * own, as the service is: {@code FloorServer <port> <bootstrap servers>}.
 */
public final class FloorServer {

    private FloorServer() {
    }

    /** What a user's hand-written producer of strings would use: acks=all, idempotent, the service's timeouts. */
    static Properties producerConfig(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(args[1]));
        Vertx vertx = Vertx.vertx();
        vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            String key = new JsonObject(body).getString("customerId");
            producer.send(new ProducerRecord<>("orders", key, body.toString()), (metadata, failure) -> {
                if (failure == null) {
                    request.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                            .end("{\"partition\":" + metadata.partition() + ",\"offset\":" + metadata.offset() + "}");
                } else {
                    request.response().setStatusCode(503).end(failure.toString());
                }
            });
        })).listen(port).onSuccess(server -> System.out.println("listening on " + server.actualPort()))
                .onFailure(failure -> {
                    failure.printStackTrace();
                    System.exit(1);
                });
    }
}
