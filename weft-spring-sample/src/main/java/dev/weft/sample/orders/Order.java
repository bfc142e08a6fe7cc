package dev.weft.sample.orders;

import java.util.List;

/**
 * What a customer orders.
 *
 * @param customer who pays
 * @param lines what they order, one line per product
 */
public record Order(String customer, List<Line> lines) {

  /**
   * One product of an order.
   *
   * @param sku the product
   * @param quantity how many
   */
  public record Line(String sku, int quantity) {}
}
