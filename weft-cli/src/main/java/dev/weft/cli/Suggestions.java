package dev.weft.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * What the user probably meant by an option or command that does not exist: the nearest name by
 * edit distance, counting a swap of two neighbouring letters as one edit ({@code --prot} is one
 * edit from {@code --port}, {@code --wiat} from {@code --wait}), which picocli's own suggestions
 * miss. Stateless.
 */
final class Suggestions {
  private Suggestions() {}

  /**
   * The line to print for an unmatched argument of {@code cl}: which argument is unknown and, when
   * one is near enough, which option or subcommand was meant; e.g. {@code unknown option '--prot';
   * did you mean '--port'?}.
   */
  static String unmatched(CommandLine cl, UnmatchedArgumentException e) {
    List<String> unmatched = e.getUnmatched();
    String typed = unmatched.stream().filter(a -> a.startsWith("-")).findFirst()
        .orElse(unmatched.isEmpty() ? "" : unmatched.get(0));
    boolean option = typed.startsWith("-");
    String name = option && typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
    Collection<String> candidates = option ? optionNames(cl.getCommandSpec()) : cl.getSubcommands().keySet();
    String what = option ? "unknown option '" + name + "'"
        : cl.getSubcommands().isEmpty() ? "unexpected argument '" + name + "'" : "unknown command '" + name + "'";
    return what + closest(name, candidates).map(c -> "; did you mean '" + c + "'?").orElse("");
  }

  /**
   * For a parse failure that is not itself about an unknown argument (picocli reports missing
   * parameters first): the unknown-option line for the first option-like argument {@code cl} does
   * not know, if there is one, since that typo is the cause worth naming.
   */
  static Optional<String> unknownOption(CommandLine cl, String[] args) {
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      if (arg.length() > 1 && arg.charAt(0) == '-' && (Character.isLetter(arg.charAt(1)) || arg.startsWith("--"))) {
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        if (cl.getCommandSpec().findOption(name) == null) {
          return Optional.of("unknown option '" + name + "'"
              + closest(name, optionNames(cl.getCommandSpec())).map(c -> "; did you mean '" + c + "'?").orElse(""));
        }
      }
    }
    return Optional.empty();
  }

  private static List<String> optionNames(CommandSpec spec) {
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      names.addAll(List.of(o.names()));
    }
    return names;
  }

  /** The candidate nearest {@code typed}, if it is near enough to be a typo of it. */
  static Optional<String> closest(String typed, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(typed, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
      }
    }
    // A typo changes a letter or two; more than that, or most of a short word, is another word.
    int letters = typed.replaceFirst("^-+", "").length();
    return best != null && bestDistance <= Math.min(2, Math.max(1, letters / 3)) ? Optional.of(best) : Optional.empty();
  }

  /** Edits (insert, delete, replace, swap two neighbours) from {@code a} to {@code b}: optimal string alignment. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
