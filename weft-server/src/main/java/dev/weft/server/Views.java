package dev.weft.server;

import dev.weft.Applications;
import dev.weft.ProgressUpdate;
import dev.weft.journal.CallRecord;
import dev.weft.journal.RequestInfo;
import dev.weft.journal.RequestPage;
import dev.weft.transport.JsonSchemas;
import java.util.List;
import java.util.Optional;

/** The JSON the server writes for its own records: applications, requests, progress, errors. */
final class Views {
  private Views() {}

  /**
   * {@code {"name", "description", "input_type", "output_type", "input_schema", "output_schema",
   * "input_example"}}: the schemas are self-contained JSON Schema 2020-12 documents.
   */
  static String application(Applications.Entry e) {
    return Json.object()
        .str("name", e.name())
        .str("description", e.description())
        .str("input_type", e.inputType().getTypeName())
        .str("output_type", e.outputType().getTypeName())
        .raw("input_schema", JsonSchemas.standalone(e.inputType()))
        .raw("output_schema", JsonSchemas.standalone(e.outputType()))
        .raw("input_example", JsonSchemas.example(e.inputType()))
        .end();
  }

  /** {@code {"current", "total", "message", "at"}}. */
  static String progress(ProgressUpdate p) {
    return Json.object()
        .num("current", p.current())
        .num("total", p.total())
        .str("message", p.message())
        .str("at", p.at().toString())
        .end();
  }

  static String progress(Optional<ProgressUpdate> p) {
    return p.map(Views::progress).orElse("null");
  }

  /**
   * {@code {"id", "application", "state", "created_at", "finished_at", "progress", "error"}};
   * absent values are JSON null, error is {@code {"type", "message"}}.
   */
  static String request(RequestInfo info) {
    String error = info.errorMessage().isPresent() || info.errorType().isPresent()
        ? Json.object().str("type", info.errorType().orElse(null)).str("message", Service.errorText(info)).end()
        : "null";
    return Json.object()
        .str("id", info.id())
        .str("application", info.application())
        .str("state", info.state().name())
        .str("created_at", info.createdAt().toString())
        .str("finished_at", info.finishedAt().map(Object::toString).orElse(null))
        .raw("progress", progress(info.progress()))
        .raw("error", error)
        .end();
  }

  /**
   * {@code {"calls": [{"id", "parent", "function", "state", "failed_attempts", "started_at",
   * "finished_at", "error"}]}}; absent values are JSON null, error is {@code {"type", "message"}}.
   */
  static String calls(List<CallRecord> calls) {
    List<String> items = calls.stream().map(c -> Json.object()
        .str("id", c.id())
        .str("parent", c.parent().orElse(null))
        .str("function", c.function())
        .str("state", c.state().name())
        .num("failed_attempts", (long) c.failedAttempts())
        .str("started_at", c.startedAt().map(Object::toString).orElse(null))
        .str("finished_at", c.finishedAt().map(Object::toString).orElse(null))
        .raw("error", c.errorType().isPresent()
            ? Json.object().str("type", c.errorType().get()).str("message", c.errorMessage().orElse("")).end()
            : "null")
        .end()).toList();
    return Json.object().raw("calls", Json.array(items)).end();
  }

  /** {@code {"requests": [...], "next_cursor": "..." | null}}. */
  static String page(RequestPage page) {
    List<String> items = page.requests().stream().map(Views::request).toList();
    return Json.object()
        .raw("requests", Json.array(items))
        .str("next_cursor", page.next().orElse(null))
        .end();
  }

  /** {@code {"code", "message"}}. */
  static String error(String code, String message) {
    return Json.object().str("code", code).str("message", message).end();
  }
}
