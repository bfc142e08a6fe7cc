package dev.weft.sample.orders;

import dev.weft.Function;
import dev.weft.RequestError;
import java.util.Map;
import org.springframework.stereotype.Service;

/** The stock: reserving a line is a journaled call, retried on a transient failure. Thread-safe. */
@Service
public class Inventory {
  private static final Map<String, Long> PRICE_CENTS = Map.of("apple", 50L, "pear", 70L, "plum", 30L);

  /**
   * Sets stock aside for {@code line}.
   *
   * @throws RequestError if the product is unknown or the quantity not positive: the order cannot
   *     succeed, so the request fails at once, without retries
   */
  @Function(retries = 2)
  public Receipt.Reservation reserve(Order.Line line) {
    Long price = PRICE_CENTS.get(line.sku());
    if (price == null) {
      throw new RequestError("unknown product '" + line.sku() + "'; we sell " + PRICE_CENTS.keySet());
    }
    if (line.quantity() < 1) {
      throw new RequestError("the quantity of " + line.sku() + " must be at least 1, was " + line.quantity());
    }
    return new Receipt.Reservation(line.sku(), line.quantity(), price * line.quantity());
  }
}
