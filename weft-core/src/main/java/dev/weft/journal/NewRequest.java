package dev.weft.journal;

import java.lang.reflect.Type;
import java.util.Objects;
import java.util.Optional;

/**
 * A request about to start.
 *
 * @param id the request's id (the idempotency key, when one is given)
 * @param application the application's name
 * @param input the input value
 * @param inputType the application's declared input type, for serialization
 * @param idempotencyKey the client's key; a second request with the same key is the same request
 */
public record NewRequest(String id, String application, Object input, Type inputType, Optional<String> idempotencyKey) {
  /** Checks the fields. */
  public NewRequest {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(inputType, "inputType");
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
  }
}
