package dev.weft.examples;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry of {@link Example}s: use {@link #all()} to list them and {@link #find(String)} to
 * look one up by id.
 *
 * <p>Examples are discovered with {@link ServiceLoader} through this class's class loader, and
 * instantiated afresh on every call. Both methods are thread-safe. A registration that breaks the
 * {@link Example#id()} rules (a malformed or duplicate id) fails fast with an
 * {@link IllegalStateException} naming the offending classes; a class that cannot be loaded or
 * instantiated fails with {@link java.util.ServiceConfigurationError}.
 */
public final class Examples {

  /** Group letters, then a number: {@code T1}, {@code A12}. */
  private static final Pattern ID = Pattern.compile("([A-Z]+)([0-9]{1,9})");

  /**
   * The order in which groups are listed: the function model ({@code T}) first, then scopes
   * ({@code A}), then the sync/async bridges ({@code B}), then remote compute ({@code K}).
   * Groups not named here follow, alphabetically. Add a group here when its first example lands.
   */
  private static final List<String> GROUP_ORDER = List.of("T", "A", "B", "K");

  /** Where an example sorts: its group's rank, the group itself, then its number. */
  private record SortKey(int rank, String group, int number) implements Comparable<SortKey> {
    private static final Comparator<SortKey> ORDER = Comparator.comparingInt(SortKey::rank)
        .thenComparing(SortKey::group)
        .thenComparingInt(SortKey::number);

    static SortKey of(Example example) {
      Matcher m = ID.matcher(example.id());
      if (!m.matches()) {
        throw new IllegalStateException("malformed example id " + example.id());
      }
      int rank = GROUP_ORDER.indexOf(m.group(1));
      return new SortKey(rank >= 0 ? rank : GROUP_ORDER.size(), m.group(1),
          Integer.parseInt(m.group(2)));
    }

    @Override
    public int compareTo(SortKey other) {
      return ORDER.compare(this, other);
    }
  }

  private Examples() {}

  /**
   * Returns every registered example, ordered by group ({@code T}, {@code A}, {@code B}, {@code K}, other
   * groups after them alphabetically) and then by number, numerically:
   * {@code T1, T2, ..., T10, A1, ...}.
   *
   * @return a new, unmodifiable list; empty when no example is registered
   * @throws IllegalStateException if an id is malformed or two examples share an id
   */
  public static List<Example> all() {
    List<Example> examples = new ArrayList<>();
    Map<String, Example> byId = new HashMap<>();
    for (Example example : ServiceLoader.load(Example.class, Examples.class.getClassLoader())) {
      String id = example.id();
      if (id == null || !ID.matcher(id).matches()) {
        throw new IllegalStateException("example " + example.getClass().getName()
            + " has id '" + id + "'; an id is upper-case group letters then a number, like T1");
      }
      Example previous = byId.putIfAbsent(id, example);
      if (previous != null) {
        throw new IllegalStateException("examples " + previous.getClass().getName() + " and "
            + example.getClass().getName() + " both have id " + id);
      }
      examples.add(example);
    }
    examples.sort(Comparator.comparing(SortKey::of));
    return List.copyOf(examples);
  }

  /**
   * Finds the example with the given id, ignoring case ({@code t4} finds {@code T4}).
   *
   * @return the example, or empty if none has that id
   * @throws IllegalStateException as {@link #all()} does
   */
  public static Optional<Example> find(String id) {
    return all().stream().filter(e -> e.id().equalsIgnoreCase(id)).findFirst();
  }
}
