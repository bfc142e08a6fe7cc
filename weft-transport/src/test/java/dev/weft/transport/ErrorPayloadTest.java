package dev.weft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ErrorPayloadTest {
  private static final String ORIGIN = "service billing, pid 4711";
  private static final ClassLoader LOADER = ErrorPayloadTest.class.getClassLoader();
  private final JsonCodec codec = JsonCodec.standard();

  /** A user exception type, as a remote function would throw it. */
  public static final class PaymentDeclined extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PaymentDeclined(String message) {
      super(message);
    }
  }

  /** A Throwable without a (String) constructor. */
  public static final class NoMessageConstructor extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NoMessageConstructor(int code) {
      super("code " + code);
    }
  }

  /** Set only if {@link Tripwire} is ever initialised. */
  static final class Flag {
    static volatile boolean tripped;
  }

  /** Not a Throwable: naming it in a payload must not even initialise it. */
  public static final class Tripwire {
    static {
      Flag.tripped = true;
    }

    public Tripwire(String message) {
      Flag.tripped = true;
    }
  }

  private static ErrorPayload overTheWire(Throwable t) {
    JsonCodec codec = JsonCodec.standard();
    return (ErrorPayload)
        codec.decode(codec.encode(ErrorPayload.of(t), ErrorPayload.class), ErrorPayload.class);
  }

  private static PaymentDeclined thrownDeclined() {
    try {
      charge();
      throw new AssertionError("unreachable");
    } catch (PaymentDeclined e) {
      return e;
    }
  }

  private static void charge() {
    throw new PaymentDeclined("card declined");
  }

  @Test
  void of_capturesTypeMessageAndFrames() {
    PaymentDeclined e = thrownDeclined();

    ErrorPayload payload = ErrorPayload.of(e);

    assertThat(payload.type()).isEqualTo(PaymentDeclined.class.getName());
    assertThat(payload.message()).isEqualTo("card declined");
    assertThat(payload.cause()).isNull();
    assertThat(payload.stack()).hasSize(e.getStackTrace().length);
    assertThat(payload.stack().get(0))
        .matches(
            "dev\\.weft\\.transport\\.ErrorPayloadTest\\.charge\\(ErrorPayloadTest\\.java:\\d+\\)");
  }

  @Test
  void toThrowable_knownType_isRestoredWithMessageAndRemoteStack() {
    PaymentDeclined original = thrownDeclined();

    Throwable restored = overTheWire(original).toThrowable(LOADER, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(PaymentDeclined.class).hasMessage("card declined");
    StackTraceElement[] frames = restored.getStackTrace();
    // Same class, method, file and line; module and class loader names do not travel.
    assertThat(Arrays.stream(frames).limit(frames.length - 1).map(ErrorPayload::format))
        .containsExactlyElementsOf(
            Arrays.stream(original.getStackTrace()).map(ErrorPayload::format).toList());
    assertThat(frames[0].getMethodName()).isEqualTo("charge");
    assertThat(frames[frames.length - 1]).hasToString("weft.remote(" + ORIGIN + ")");
  }

  @Test
  void toThrowable_jdkTypeWithBootstrapLoader_isRestored() {
    Throwable restored =
        overTheWire(new IllegalStateException("bad state")).toThrowable(null, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(IllegalStateException.class).hasMessage("bad state");
  }

  @Test
  void toThrowable_unknownType_isRemoteExceptionCarryingTheTypeName() {
    ErrorPayload payload =
        new ErrorPayload(
            "com.acme.billing.CardExpired",
            "expired 2024-01",
            List.of(
                "com.acme.billing.Cards.check(Cards.java:42)", "com.acme.Main.main(Main.java:7)"),
            null);

    Throwable restored = payload.toThrowable(LOADER, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(RemoteException.class);
    RemoteException remote = (RemoteException) restored;
    assertThat(remote.remoteType()).isEqualTo("com.acme.billing.CardExpired");
    assertThat(remote.remoteMessage()).contains("expired 2024-01");
    assertThat(remote.origin()).isEqualTo(ORIGIN);
    assertThat(remote)
        .hasMessage("com.acme.billing.CardExpired: expired 2024-01 [remote: " + ORIGIN + "]");
    assertThat(remote.getStackTrace())
        .extracting(StackTraceElement::toString)
        .containsExactly(
            "com.acme.billing.Cards.check(Cards.java:42)",
            "com.acme.Main.main(Main.java:7)",
            "weft.remote(" + ORIGIN + ")");
  }

  @Test
  void toThrowable_nonThrowableClass_isNeitherInstantiatedNorInitialised() {
    ErrorPayload payload = new ErrorPayload(Tripwire.class.getName(), "boom", List.of(), null);

    Throwable restored = payload.toThrowable(LOADER, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(RemoteException.class);
    assertThat(((RemoteException) restored).remoteType()).isEqualTo(Tripwire.class.getName());
    assertThat(Flag.tripped).as("Tripwire's static initialiser ran").isFalse();
  }

  @Test
  void toThrowable_throwableWithoutStringConstructor_isRemoteException() {
    Throwable restored = overTheWire(new NoMessageConstructor(7)).toThrowable(LOADER, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(RemoteException.class).hasMessageContaining("code 7");
  }

  @Test
  void toThrowable_jvmError_isNotPassedOffAsALocalOne() {
    Throwable restored = overTheWire(new OutOfMemoryError("heap")).toThrowable(null, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(RemoteException.class);
    assertThat(((RemoteException) restored).remoteType()).isEqualTo("java.lang.OutOfMemoryError");
  }

  @Test
  void toThrowable_causes_areRestoredAndChained() {
    Throwable top =
        new IllegalStateException(
            "top", new UncheckedIOException("io", new java.io.IOException("disk")));

    Throwable restored = overTheWire(top).toThrowable(LOADER, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(IllegalStateException.class).hasMessage("top");
    assertThat(restored.getCause()).isExactlyInstanceOf(RemoteException.class); // no (String) ctor
    assertThat(((RemoteException) restored.getCause()).remoteType())
        .isEqualTo(UncheckedIOException.class.getName());
    assertThat(restored.getCause().getCause())
        .isExactlyInstanceOf(java.io.IOException.class)
        .hasMessage("disk");
    StackTraceElement[] innermost = restored.getCause().getCause().getStackTrace();
    assertThat(innermost[innermost.length - 1]).hasToString("weft.remote(" + ORIGIN + ")");
  }

  @Test
  void of_longCauseChain_keepsAtMostMaxCauses() {
    Throwable t = new RuntimeException("0");
    for (int i = 1; i < 20; i++) {
      t = new RuntimeException(String.valueOf(i), t);
    }

    ErrorPayload payload = ErrorPayload.of(t);

    int depth = 0;
    for (ErrorPayload p = payload.cause(); p != null; p = p.cause()) {
      depth++;
    }
    assertThat(depth).isEqualTo(ErrorPayload.MAX_CAUSES);
    assertThat(payload.message()).isEqualTo("19");
  }

  @Test
  void of_cyclicCauses_terminates() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);

    ErrorPayload payload = ErrorPayload.of(a);

    assertThat(payload.cause().message()).isEqualTo("b");
    assertThat(payload.cause().cause()).isNull();
  }

  @Test
  void of_suppressed_areLeftOut() {
    RuntimeException t = new RuntimeException("main");
    t.addSuppressed(new RuntimeException("extra"));

    assertThat(overTheWire(t).toThrowable(null, ORIGIN).getSuppressed()).isEmpty();
  }

  @Test
  void of_remoteException_isCapturedAsTheRemoteTypeItStandsFor() {
    RemoteException remote = new RemoteException("com.acme.Gone", "gone", "worker 1");

    ErrorPayload payload = ErrorPayload.of(remote);

    assertThat(payload.type()).isEqualTo("com.acme.Gone");
    assertThat(payload.message()).isEqualTo("gone");
  }

  @Test
  void of_nullMessage_travelsAsNull() {
    Throwable restored = overTheWire(new IllegalArgumentException()).toThrowable(null, ORIGIN);

    assertThat(restored).isExactlyInstanceOf(IllegalArgumentException.class);
    assertThat(restored.getMessage()).isNull();
  }

  @Test
  void frames_formatAndParse_roundTrip() {
    List<StackTraceElement> frames =
        List.of(
            new StackTraceElement("a.B", "m", "B.java", 12),
            new StackTraceElement("a.B$Inner", "<init>", "B.java", -1),
            new StackTraceElement("a.B", "lambda$run$0", null, -1),
            new StackTraceElement("java.lang.Object", "wait0", null, -2),
            new StackTraceElement("a.B$$Lambda/0x000001", "apply", null, -1));

    for (StackTraceElement frame : frames) {
      String text = ErrorPayload.format(frame);
      assertThat(ErrorPayload.parse(text)).as(text).isEqualTo(frame);
    }
    assertThat(ErrorPayload.format(frames.get(0))).isEqualTo("a.B.m(B.java:12)");
    assertThat(ErrorPayload.format(frames.get(3)))
        .isEqualTo("java.lang.Object.wait0(Native Method)");
  }

  @Test
  void parse_unreadableFrame_isKeptAsText() {
    assertThat(ErrorPayload.parse("garbage")).hasToString("<remote>.garbage(Unknown Source)");
  }

  @Test
  void constructor_rejectsBlankTypeAndNullFrames() {
    assertThatThrownBy(() -> new ErrorPayload(" ", null, List.of(), null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ErrorPayload("x", null, Arrays.asList("a", null), null))
        .isInstanceOf(NullPointerException.class);
    assertThat(new ErrorPayload("x", null, null, null).stack()).isEmpty();
  }

  @Test
  void decode_payloadWithNullFrame_isTransportException() {
    assertThatThrownBy(
            () ->
                codec.decode(
                    "{\"type\":\"x\",\"message\":null,\"stack\":[null],\"cause\":null}",
                    ErrorPayload.class))
        .isInstanceOf(TransportException.class)
        .hasMessage("invalid ErrorPayload at $: stack must not contain null frames");
  }
}
