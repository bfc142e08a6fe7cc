package dev.weft.sample.orders;

import dev.weft.Function;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Service;

/**
 * The payment provider. A charge is journaled: a request resumed after a crash gets the recorded
 * payment back instead of charging twice. Thread-safe.
 */
@Service
public class Payments {
  private final AtomicLong charges = new AtomicLong();

  /** Charges {@code customer} {@code amountCents} and returns the payment's reference. */
  @Function(retries = 3, timeout = "30s")
  public String charge(String customer, long amountCents) {
    return "pay-" + charges.incrementAndGet() + "-" + customer + "-" + amountCents;
  }

  /** How many charges were made since the application started. */
  public long charges() {
    return charges.get();
  }
}
