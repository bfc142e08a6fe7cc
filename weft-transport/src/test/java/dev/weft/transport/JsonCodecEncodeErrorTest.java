package dev.weft.transport;

import static dev.weft.transport.Samples.type;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.weft.UsageException;
import dev.weft.transport.Samples.Job;
import dev.weft.transport.Samples.Loose;
import dev.weft.transport.Samples.Node;
import dev.weft.transport.Samples.Point;
import dev.weft.transport.Samples.Task;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** What {@link JsonCodec#encode} says about values that cannot be represented. */
final class JsonCodecEncodeErrorTest {
  private final JsonCodec codec = JsonCodec.standard();

  private static Job jobWithOwner(Object owner) {
    return new Job(List.of(new Task("a", "ada"), new Task("b", 7), new Task("c", owner)));
  }

  @Test
  void encode_thread_namesTypeAndPathAndWhatToDo() {
    assertThatThrownBy(() -> codec.encode(jobWithOwner(Thread.currentThread()), Job.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("cannot encode java.lang.Thread at value.items[2].owner: ")
        .hasMessageContaining("Pass plain data instead: a record")
        .hasMessageContaining("public getters or Jackson annotations");
  }

  @Test
  void encode_future_saysToResolveIt() {
    assertThatThrownBy(() -> codec.encode(jobWithOwner(new CompletableFuture<String>()), Job.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(
            "cannot encode java.util.concurrent.CompletableFuture at value.items[2].owner: ")
        .hasMessageContaining("a future or CompletionStage is not a value");
  }

  @Test
  void encode_lambda_saysItIsCode() {
    Supplier<String> lambda = () -> "x";

    assertThatThrownBy(() -> codec.encode(jobWithOwner(lambda), Job.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at value.items[2].owner")
        .hasMessageContaining("a lambda or method reference is code, not data");
  }

  @Test
  void encode_classWithoutProperties_saysUseARecord() {
    assertThatThrownBy(() -> codec.encode(jobWithOwner(new Samples.Opaque()), Job.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(
            "cannot encode dev.weft.transport.Samples.Opaque at value.items[2].owner: ")
        .hasMessageContaining("has no properties to write")
        .hasMessageContaining("Use a record");
  }

  @Test
  void encode_plainObject_hasNoProperties() {
    assertThatThrownBy(() -> codec.encode(new Loose(new Object()), Loose.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("cannot encode java.lang.Object at value.anything: ");
  }

  @Test
  void encode_selfReference_saysCyclic() {
    Node node = new Node();
    node.setNext(node);

    assertThatThrownBy(() -> codec.encode(node, Node.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at value.next")
        .hasMessageContaining("cyclic");
  }

  @Test
  void encode_longCycle_saysCyclicWithAShortenedPath() {
    Node a = new Node();
    Node b = new Node();
    a.setNext(b);
    b.setNext(a);

    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(() -> codec.encode(a, Node.class));

    assertThat(thrown)
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("dev.weft.transport.Samples.Node")
        .hasMessageContaining("value.next.next")
        .hasMessageContaining("more)")
        .hasMessageContaining("cyclic");
    assertThat(thrown.getMessage()).hasSizeLessThan(600);
  }

  @Test
  void encode_listContainingItself_saysCyclic() {
    List<Object> list = new ArrayList<>();
    list.add(list);

    assertThatThrownBy(() -> codec.encode(list, type("listOfObject")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("cyclic");
  }

  @Test
  void encode_resources_areRefused() {
    try (var executor = Executors.newVirtualThreadPerTaskExecutor();
        Stream<Integer> stream = Stream.of(1)) {
      for (Object resource : List.of(executor, stream)) {
        assertThatThrownBy(() -> codec.encode(new Loose(resource), Loose.class))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("at value.anything")
            .hasMessageContaining("live resource");
      }
    }
  }

  @Test
  void encode_classObject_isRefused() {
    assertThatThrownBy(() -> codec.encode(String.class, Object.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("cannot encode java.lang.Class at value: ")
        .hasMessageContaining("no class names on the wire");
  }

  @Test
  void encode_exception_pointsToErrorPayload() {
    assertThatThrownBy(() -> codec.encode(new IllegalStateException("x"), Object.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("ErrorPayload.of");
  }

  @Test
  void encode_valueOfAnotherType_namesBoth() {
    assertThatThrownBy(() -> codec.encode(5, String.class))
        .isInstanceOf(UsageException.class)
        .hasMessage(
            "cannot encode value: it is a java.lang.Integer, not an instance of its declared type"
                + " java.lang.String. Pass the declared type, or declare the type the value has.");
  }

  @Test
  void encode_nullForPrimitive_isRefused() {
    assertThatThrownBy(() -> codec.encode(null, int.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("it is null, but its declared type is int");
  }

  @Test
  void encode_recordKeyInUntypedMap_isRefused() {
    assertThatThrownBy(() -> codec.encode(new Loose(Map.of(new Point(1, 2), "a")), Loose.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("cannot encode dev.weft.transport.Samples.Point at value.anything")
        .hasMessageContaining("cannot be a JSON object key");
  }

  @Test
  void encode_declaredTypeThatCannotBeDecoded_isRefusedBeforeWriting() {
    assertThatThrownBy(
            () -> codec.encode(new Samples.Drawing(new Samples.Square(2)), Samples.Drawing.class))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith(
            "cannot encode value of declared type dev.weft.transport.Samples.Drawing: at"
                + " value.shape, ")
        .hasMessageContaining("interface or abstract class");
    assertThatThrownBy(() -> codec.encode(new Samples.Keyed(Map.of()), Samples.Keyed.class))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("at value.byPoint, map key type");
  }

  @Test
  void encode_declaredFuture_saysToDeclareItsValueType() {
    assertThatThrownBy(() -> codec.encode(null, type("aFuture")))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("CompletionStage<T>'s T");
  }

  @Test
  void encodeArgs_badArgument_namesTheIndex() {
    Type[] declared = {int.class, Job.class};

    assertThatThrownBy(
            () ->
                codec.encodeArgs(new Object[] {1, jobWithOwner(Thread.currentThread())}, declared))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("cannot encode java.lang.Thread at args[1].items[2].owner: ");
    assertThatThrownBy(() -> codec.encodeArgs(new Object[] {"1", null}, declared))
        .isInstanceOf(UsageException.class)
        .hasMessageStartingWith("cannot encode args[0]: it is a java.lang.String");
  }

  @Test
  void encodeArgs_wrongCount_isUsageError() {
    assertThatThrownBy(() -> codec.encodeArgs(new Object[] {1}, new Type[] {int.class, int.class}))
        .isInstanceOf(UsageException.class)
        .hasMessageContaining("1 values for 2 declared parameter types");
  }
}
