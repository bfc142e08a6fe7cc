package dev.weft.examples.tamer;

/**
 * The seed's {@code (return_code, msg)} tuple. Prints as the tuple does in Python:
 * {@code (200, Time to be awesome!)}.
 */
record Status(int code, String message) {

  @Override
  public String toString() {
    return "(" + code + ", " + message + ")";
  }
}
