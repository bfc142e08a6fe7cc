package dev.weft.sample.orders;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot application whose order workflow is a durable Weft application: {@link
 * OrderWorkflow#place} reserves every line of an order in parallel ({@link Inventory#reserve}),
 * then charges the customer once ({@link Payments#charge}). The embedded Weft server serves it at
 * {@code POST /v1/applications/OrderWorkflow.place} (port {@code weft.server.port}); {@link
 * OrderController} serves it at {@code POST /orders} on Spring's own port; Actuator reports Weft's
 * health and meters.
 */
@SpringBootApplication
public class OrdersApplication {
  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
