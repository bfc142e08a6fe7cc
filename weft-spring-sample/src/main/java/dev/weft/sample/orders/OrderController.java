package dev.weft.sample.orders;

import dev.weft.RequestError;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The workflow on Spring's own port: {@code POST /orders} runs {@link OrderWorkflow#place} as a
 * Weft request on the application's runtime and answers with its receipt, or with 400 and what
 * is wrong with the order.
 */
@RestController
public class OrderController {
  private final WeftRuntime runtime;
  private final OrderWorkflow workflow;

  public OrderController(WeftRuntime runtime, OrderWorkflow workflow) {
    this.runtime = runtime;
    this.workflow = workflow;
  }

  @PostMapping("/orders")
  public Receipt place(@RequestBody Order order) {
    return runtime.run(Weft.fn(workflow::place), order);
  }

  /** The workflow refused the order (a {@link RequestError}): the client can fix it. */
  @ExceptionHandler(RequestError.class)
  public ResponseEntity<Map<String, String>> refused(RequestError e) {
    return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
  }
}
