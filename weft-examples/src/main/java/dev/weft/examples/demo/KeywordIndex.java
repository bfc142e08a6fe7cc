package dev.weft.examples.demo;

import dev.weft.Application;
import dev.weft.Backoff;
import dev.weft.Function;
import dev.weft.Future;
import dev.weft.RequestContext;
import dev.weft.RequestError;
import dev.weft.Weft;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Weft's main job: a keyword index of a corpus of text documents, as one durable request.
 *
 * <p>The application maps {@link #analyze} over the documents (each call parses, tokenizes and
 * counts one document, in parallel), folds the counts into one {@link Counts} with
 * {@link #merge} (pipelined with the map, reporting progress at every step), and returns the
 * ranking step {@link #rank} as a tail call: for every document, the words that characterise it
 * most (tf-idf), and the most frequent words of the whole corpus. Every call is journaled, so a
 * crash in the middle costs only the documents not yet analysed.
 *
 * <p>The shipped corpus is {@code licenses}: the free-software license texts Debian ships.
 */
public final class KeywordIndex {
  private static final Set<String> STOP_WORDS = Set.of(
      "the", "of", "and", "to", "a", "or", "in", "is", "that", "any", "for", "this", "be", "by", "as", "you",
      "it", "with", "an", "on", "are", "not", "such", "under", "all", "your", "from", "if", "which", "may",
      "other", "its", "will", "at", "no", "these", "those", "shall", "have", "has", "we", "our", "can", "also",
      "do", "does", "so", "but", "their", "them", "they", "than", "then", "there", "been", "was", "were",
      "who", "whom", "what", "when", "where", "each", "one", "only", "must", "more", "into", "without",
      "either", "made", "make", "use", "used", "terms", "include", "including", "two", "mean", "means");

  private static final String TOTAL = "documents";

  private KeywordIndex() {}

  /** What to index and how much to show. */
  public record Job(String corpus, int top) {}

  /** The word counts of one document, or (folded) of many. */
  public record Counts(int documents, long words, Map<String, Long> total, Map<String, Map<String, Long>> byDocument) {
    static Counts empty() {
      return new Counts(0, 0, Map.of(), Map.of());
    }
  }

  /** A word and its score. */
  public record Keyword(String word, double score) {
    @Override
    public String toString() {
      return word + String.format(Locale.ROOT, " (%.1f)", score);
    }
  }

  /** The index: the corpus's most frequent words and each document's most characteristic ones. */
  public record Report(int documents, long words, List<Keyword> corpus, Map<String, List<Keyword>> byDocument) {}

  /** The application: index the corpus named in the job. */
  @Application(description = "Index a shipped corpus of text documents: the keywords of each document")
  @Function(timeout = "10m")
  public static Future<Report> indexCorpus(Job job) {
    if (job == null || job.corpus() == null || job.corpus().isBlank()) {
      throw new RequestError("give a corpus to index, e.g. {\"corpus\": \"licenses\", \"top\": 5}");
    }
    if (job.top() < 1 || job.top() > 50) {
      throw new RequestError("top must be 1..50, was " + job.top());
    }
    List<String> documents = documentsOf(job.corpus());
    RequestContext context = RequestContext.current();
    context.state().set(TOTAL, documents.size());
    context.progress().update(0, documents.size(), "analysing " + documents.size() + " documents");
    Future<List<Counts>> analysed = Weft.fn(KeywordIndex::analyze).map(
        documents.stream().map(d -> job.corpus() + "/" + d).toList());
    Future<Counts> merged = Weft.fn(KeywordIndex::merge).reduce(analysed, Counts.empty());
    return Weft.fn(KeywordIndex::rank).future(merged, job.top());
  }

  /** Parses, tokenizes and counts one document (retried if reading it fails). */
  @Function(retries = 2, backoff = @Backoff(initial = "100ms", max = "1s"))
  public static Counts analyze(String document) {
    String text = read("corpus/" + document);
    Map<String, Long> counts = new TreeMap<>();
    long words = 0;
    for (String token : text.toLowerCase(Locale.ROOT).split("[^a-z]+")) {
      if (token.length() < 3 || STOP_WORDS.contains(token)) {
        continue;
      }
      counts.merge(token, 1L, Long::sum);
      words++;
    }
    String name = document.substring(document.indexOf('/') + 1).replace(".txt", "");
    return new Counts(1, words, counts, Map.of(name, counts));
  }

  /** Folds one document's counts into the accumulated ones, and reports progress. */
  @Function
  public static Counts merge(Counts acc, Counts doc) {
    Map<String, Long> total = new HashMap<>(acc.total());
    doc.total().forEach((w, n) -> total.merge(w, n, Long::sum));
    Map<String, Map<String, Long>> byDocument = new TreeMap<>(acc.byDocument());
    byDocument.putAll(doc.byDocument());
    Counts merged = new Counts(acc.documents() + doc.documents(), acc.words() + doc.words(), total, byDocument);
    RequestContext context = RequestContext.current();
    int documents = context.state().get(TOTAL, Integer.class).orElse(merged.documents());
    context.progress().update(merged.documents(), documents, "indexed " + String.join(", ", doc.byDocument().keySet()));
    return merged;
  }

  /** Ranks: the corpus's most frequent words, and each document's highest tf-idf words. */
  @Function
  public static Report rank(Counts counts, int top) {
    Map<String, Integer> documentFrequency = new HashMap<>();
    counts.byDocument().values().forEach(doc -> doc.keySet().forEach(w -> documentFrequency.merge(w, 1, Integer::sum)));
    Map<String, List<Keyword>> perDocument = new TreeMap<>();
    counts.byDocument().forEach((name, doc) -> {
      long size = doc.values().stream().mapToLong(Long::longValue).sum();
      List<Keyword> scored = new ArrayList<>();
      doc.forEach((w, n) -> scored.add(new Keyword(w,
          1000.0 * n / size * Math.log((double) counts.documents() / documentFrequency.get(w)))));
      perDocument.put(name, best(scored, top));
    });
    List<Keyword> corpus = new ArrayList<>();
    counts.total().forEach((w, n) -> corpus.add(new Keyword(w, n)));
    return new Report(counts.documents(), counts.words(), best(corpus, top), perDocument);
  }

  private static List<Keyword> best(List<Keyword> all, int top) {
    return all.stream()
        .sorted(Comparator.comparingDouble(Keyword::score).reversed().thenComparing(Keyword::word))
        .limit(top)
        .toList();
  }

  static List<String> documentsOf(String corpus) {
    if (!corpus.matches("[a-z0-9-]{1,40}")) {
      throw new RequestError("corpus names are lowercase letters, digits and dashes; got '" + corpus + "'");
    }
    String index;
    try {
      index = read("corpus/" + corpus + "/index.txt");
    } catch (UncheckedIOException e) {
      throw new RequestError("there is no corpus named '" + corpus + "'; the shipped one is 'licenses'");
    }
    return index.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
  }

  private static String read(String resource) {
    try (InputStream in = KeywordIndex.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("no resource " + resource));
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
