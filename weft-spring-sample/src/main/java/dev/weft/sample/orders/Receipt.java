package dev.weft.sample.orders;

import java.util.List;

/**
 * What a placed order comes back as.
 *
 * @param customer who paid
 * @param reservations the stock reserved, one per line, in the order's order
 * @param totalCents what was charged, in cents
 * @param paymentId the payment's reference
 */
public record Receipt(String customer, List<Reservation> reservations, long totalCents, String paymentId) {

  /**
   * Stock set aside for one line.
   *
   * @param sku the product
   * @param quantity how many
   * @param priceCents what they cost together, in cents
   */
  public record Reservation(String sku, int quantity, long priceCents) {}
}
