package dev.weft.examples.demo;

import dev.weft.Application;
import dev.weft.Function;
import dev.weft.RequestContext;
import dev.weft.RequestError;
import dev.weft.Weft;
import java.util.ArrayList;
import java.util.List;

/**
 * The fleet demo's request ({@code weft demo --db}): analyses the documents of a corpus one after
 * another, slowly enough that a node can be killed half-way, and records in each call's output
 * which process ran it. A node that takes the request over replays the journaled calls (their
 * outputs, process ids included, come from the journal) and runs only the rest, so the report
 * shows which node ran which call.
 */
public final class FleetDemo {
  private FleetDemo() {}

  /** The corpus, and how long each document's call works (so there is time to kill a node). */
  public record Job(String corpus, long pauseMillis) {}

  /** One document's call: its words, and the process id of the node that ran it. */
  public record Analysed(String document, long words, long pid) {}

  /** Every document's call, the total, and the process id of the node that finished the request. */
  public record Report(List<Analysed> documents, long words, long finishedBy) {}

  /** The application: {@link #analyse} each document in turn, reporting progress after each. */
  @Application(description = "The fleet demo: analyse a corpus one document at a time, noting which node ran each call")
  @Function(timeout = "10m")
  public static Report analyseCorpus(Job job) {
    if (job == null || job.corpus() == null) {
      throw new RequestError("give a corpus and a pause, e.g. {\"corpus\": \"licenses\", \"pauseMillis\": 300}");
    }
    if (job.pauseMillis() < 0 || job.pauseMillis() > 60_000) {
      throw new RequestError("pauseMillis must be 0..60000, was " + job.pauseMillis());
    }
    List<String> documents = KeywordIndex.documentsOf(job.corpus());
    RequestContext context = RequestContext.current();
    List<Analysed> out = new ArrayList<>();
    long words = 0;
    for (String document : documents) {
      Analysed a = Weft.fn(FleetDemo::analyse).call(new Job(job.corpus() + "/" + document, job.pauseMillis()));
      out.add(a);
      words += a.words();
      context.progress().update(out.size(), documents.size(), "analysed " + a.document());
    }
    return new Report(out, words, ProcessHandle.current().pid());
  }

  /** Works {@code pauseMillis}, then counts the document's words ({@link KeywordIndex#analyze}). */
  @Function(timeout = "5m")
  public static Analysed analyse(Job document) throws InterruptedException {
    Thread.sleep(document.pauseMillis()); // stands for real work: leaves time to kill the node mid-request
    KeywordIndex.Counts counts = KeywordIndex.analyze(document.corpus());
    String name = document.corpus().substring(document.corpus().indexOf('/') + 1).replace(".txt", "");
    return new Analysed(name, counts.words(), ProcessHandle.current().pid());
  }
}
