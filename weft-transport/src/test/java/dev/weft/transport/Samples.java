package dev.weft.transport;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;

/** Types the codec tests declare, and their generic signatures, taken by reflection. */
final class Samples {
  private Samples() {}

  enum Color {
    RED,
    GREEN,
    BLUE
  }

  enum Op {
    ADD {
      @Override
      int apply(int a, int b) {
        return a + b;
      }
    },
    MUL {
      @Override
      int apply(int a, int b) {
        return a * b;
      }
    };

    abstract int apply(int a, int b);
  }

  record Point(int x, int y) {}

  record Line(Point from, Point to, Color color) {}

  record Pair<A, B>(A first, B second) {}

  record Box<T>(T content, List<T> more) {}

  record Empty() {}

  record Profile(String name, Optional<String> nickname, Integer age, List<String> tags) {}

  record Numbers(List<Integer> numbers) {}

  record Order(String id, BigDecimal total, List<Line> lines, Map<String, Integer> counts) {}

  record WithHelper(int a) {
    public int getDoubled() {
      return a * 2;
    }

    public boolean isBig() {
      return a > 10;
    }
  }

  record Positive(int value) {
    Positive {
      if (value <= 0) {
        throw new IllegalArgumentException("value must be positive, got " + value);
      }
    }
  }

  record Task(String name, Object owner) {}

  record Job(List<Task> items) {}

  record Cage(Animal animal) {}

  record Drawing(Shape shape) {}

  record Loose(Object anything) {}

  record Keyed(Map<Point, String> byPoint) {}

  /** A mutable bean: no record, public getters and setters, a no-argument constructor. */
  static final class Account {
    private String owner;
    private long cents;

    public Account() {}

    Account(String owner, long cents) {
      this.owner = owner;
      this.cents = cents;
    }

    public String getOwner() {
      return owner;
    }

    public void setOwner(String owner) {
      this.owner = owner;
    }

    public long getCents() {
      return cents;
    }

    public void setCents(long cents) {
      this.cents = cents;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Account a && Objects.equals(owner, a.owner) && cents == a.cents;
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, cents);
    }
  }

  /** A concrete, non-final class with a subclass that adds a property. */
  static class Animal {
    private String name;

    public Animal() {}

    Animal(String name) {
      this.name = name;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }
  }

  static final class Dog extends Animal {
    Dog(String name) {
      super(name);
    }

    public String getBark() {
      return "woof";
    }
  }

  /** An interface Jackson cannot construct: no type information. */
  interface Shape {
    double area();
  }

  record Square(double side) implements Shape {
    @Override
    public double area() {
      return side * side;
    }
  }

  /** The same, with logical type names declared by the type itself. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
  @JsonSubTypes({
    @JsonSubTypes.Type(value = Circle.class, name = "circle"),
    @JsonSubTypes.Type(value = Rect.class, name = "rect")
  })
  sealed interface Figure permits Circle, Rect {}

  record Circle(double radius) implements Figure {}

  record Rect(double width, double height) implements Figure {}

  @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
  interface ByClassName {}

  /** A record whose component would read a class name from the wire. */
  record Sneaky(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object payload) {}

  /** A polymorphic base whose named subtype holds something that cannot be read. */
  @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
  @JsonSubTypes(@JsonSubTypes.Type(value = BadVariant.class, name = "bad"))
  interface Variant {}

  record BadVariant(Shape shape) implements Variant {}

  /** A class with nothing to write. */
  static final class Opaque {}

  /** A cyclic structure. */
  static final class Node {
    private Node next;

    public Node getNext() {
      return next;
    }

    public void setNext(Node next) {
      this.next = next;
    }
  }

  /** Declarations whose generic types the tests use, exactly as the engine would read them. */
  @SuppressWarnings("unused")
  interface Signatures {
    List<Integer> listOfInteger();

    Set<String> setOfString();

    Map<String, List<Double>> mapOfLists();

    Map<Integer, String> mapByInteger();

    Map<Color, Integer> mapByEnum();

    Map<LocalDate, Integer> mapByDate();

    SortedMap<String, Integer> sortedMap();

    Optional<String> optionalString();

    Optional<Point> optionalPoint();

    Pair<String, Integer> pairOfStringInteger();

    Box<Pair<String, Point>> boxOfPairs();

    List<Pair<Color, List<Point>>> listOfPairs();

    Map<String, Object> mapOfObject();

    List<Object> listOfObject();

    List<Shape> listOfShape();

    List<Figure> listOfFigure();

    Class<?> aClass();

    CompletableFuture<String> aFuture();

    List<Animal> listOfAnimal();

    Map<Point, String> mapByPoint();

    List<int[]> listOfIntArrays();

    <T> T typeVariable();

    List<? extends Number> wildcard();

    void takes(int count, List<Integer> numbers, Optional<String> label, Point at);
  }

  /** The generic return type of the {@link Signatures} method named {@code name}. */
  static Type type(String name) {
    for (Method m : Signatures.class.getDeclaredMethods()) {
      if (m.getName().equals(name)) {
        return m.getGenericReturnType();
      }
    }
    throw new IllegalArgumentException("no signature " + name);
  }

  /** The generic parameter types of {@link Signatures#takes}. */
  static Type[] takesParameters() {
    for (Method m : Signatures.class.getDeclaredMethods()) {
      if (m.getName().equals("takes")) {
        return m.getGenericParameterTypes();
      }
    }
    throw new AssertionError();
  }
}
