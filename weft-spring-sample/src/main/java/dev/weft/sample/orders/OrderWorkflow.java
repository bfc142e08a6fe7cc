package dev.weft.sample.orders;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.RequestError;
import dev.weft.Weft;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * Placing an order, as one durable request: every call is journaled, so a request interrupted by
 * a crash or a shutdown resumes at the next start without reserving or charging again.
 */
@Service
public class OrderWorkflow {
  private final Inventory inventory;
  private final Payments payments;

  public OrderWorkflow(Inventory inventory, Payments payments) {
    this.inventory = inventory;
    this.payments = payments;
  }

  /** Reserves every line in parallel, then charges the customer once for the total. */
  @Application(description = "reserves every line of an order in parallel, then charges the customer once")
  @Function(timeout = "1m")
  public Receipt place(Order order) {
    if (order.lines() == null || order.lines().isEmpty()) {
      throw new RequestError("an order needs at least one line");
    }
    List<Receipt.Reservation> reserved = Weft.fn(inventory::reserve).map(order.lines()).result();
    long total = reserved.stream().mapToLong(Receipt.Reservation::priceCents).sum();
    String payment = Weft.fn(payments::charge).call(order.customer(), total);
    return new Receipt(order.customer(), reserved, total, payment);
  }
}
