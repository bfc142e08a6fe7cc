package dev.weft.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.weft.Applications;
import dev.weft.WeftRuntime;
import dev.weft.fleet.FleetNode;
import dev.weft.journal.postgres.PostgresJournal;
import dev.weft.journal.sqlite.SqliteJournal;
import dev.weft.remote.Compute;
import dev.weft.remote.ComputeBackend;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (headless Chromium through chromedriver) against a real server
 * on a SQLite journal. Each test leaves a screenshot in {@code target/dashboard-screenshots/}.
 */
@Timeout(120)
final class DashboardBrowserTest {
  private static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");
  private static Browser browser;

  @TempDir
  Path tempDir;

  private SqliteJournal journal;
  private WeftRuntime runtime;
  private WeftServer server;
  private HttpClient http;
  private String testName;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.startUnlessSkipped().orElse(null);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void startServer(TestInfo test) {
    Assumptions.assumeTrue(browser != null, Browser.SKIPPED); // each test reported as skipped
    testName = test.getTestMethod().orElseThrow().getName();
    DashboardApps.reset();
    journal = SqliteJournal.open(tempDir.resolve("weft.db"));
    runtime = WeftRuntime.builder().journal(journal).build();
    server = WeftServer.builder().runtime(runtime).journal(journal)
        .applications(Applications.of(DashboardApps.class, TestApps.class)).start();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterEach
  void stopServer() {
    if (browser == null) {
      return;
    }
    browser.driver().get("about:blank"); // ends the page's streams before the server goes
    http.close();
    server.close();
    runtime.close();
    journal.close();
  }

  @Test
  void requestsPage_submittedRequest_appearsWithin2sWithoutReload() {
    open("#/requests");
    waitFor(Duration.ofSeconds(10), () -> !text("#requests-status").isEmpty());
    js("window.weftNoReload = 'still here'");

    String id = post("/v1/applications/DashboardApps.sumOfSquares", "3").path("request_id").asText();

    String row = "tr.request-row[data-id='" + id + "']";
    new WebDriverWait(browser.driver(), Duration.ofSeconds(2)).until(d -> count(row) == 1);
    assertThat(text(row)).contains("DashboardApps.sumOfSquares");
    assertThat(js("return window.weftNoReload")).isEqualTo("still here");
    for (int i = 0; i < 3; i++) {
      post("/v1/applications/TestApps.order", "{\"item\":\"tea\",\"quantity\":" + (i + 1) + "}");
    }
    waitFor(Duration.ofSeconds(10), () -> count("tr.request-row") == 4
        && count("tr.request-row[data-state='SUCCEEDED']") == 4);
    screenshot();
  }

  @Test
  void requestPage_mapOfTenAndReduce_showsCallTreeAndTimeline() {
    JsonNode done = postAndWait("/v1/applications/DashboardApps.sumOfSquares", "10");
    assertThat(done.path("output").asInt()).isEqualTo(385);
    String id = done.path("request_id").asText();
    // the entry call, a square per item, an add per item (the reduce folds each into 0)
    List<JsonNode> recorded = calls(id, 21);
    Map<String, Long> byFunction = recorded.stream()
        .collect(Collectors.groupingBy(c -> c.path("function").asText(), Collectors.counting()));
    assertThat(byFunction).containsExactlyInAnyOrderEntriesOf(Map.of(
        "DashboardApps.sumOfSquares", 1L, "DashboardApps.square", 10L, "DashboardApps.add", 10L));

    open("#/requests/" + id);
    waitFor(Duration.ofSeconds(10), () -> count("tr.call") == recorded.size());

    assertThat(count("tr.call[data-function='DashboardApps.square']")).isEqualTo(10);
    assertThat(count("tr.call[data-function='DashboardApps.add']")).isEqualTo(10);
    assertThat(count("tr.call[data-function='DashboardApps.square'][data-state='SUCCEEDED']")).isEqualTo(10);
    for (JsonNode call : recorded) { // each row shows its call's recorded state
      assertThat(attr("tr.call[data-call-id='" + call.path("id").asText() + "']", "data-state"))
          .isEqualTo(call.path("state").asText());
    }
    assertThat(text("#calls-count")).isEqualTo(recorded.size() + " calls");
    // the timeline: an axis and one bar per call, each with a width
    assertThat(browser.driver().findElements(By.cssSelector("#timeline-axis .tick"))).hasSize(5);
    assertThat(count("tr.call .track .span")).isEqualTo(recorded.size());
    assertThat(js("return [...document.querySelectorAll('tr.call .track .span')]"
        + ".every(b => b.getBoundingClientRect().width > 0)")).isEqualTo(true);
    // the entry call first, every other call under it
    assertThat(attr("tr.call", "data-function")).isEqualTo("DashboardApps.sumOfSquares");
    assertThat(count("tr.call td.fn.child")).isEqualTo(recorded.size() - 1);
    assertThat(text("#input")).isEqualTo("10");
    assertThat(text("#output")).isEqualTo("385");
    assertThat(badgeOfRequest()).isEqualTo("SUCCEEDED");
    screenshot();
  }

  @Test
  void requestPage_failingCall_showsErrorAndAttempts() {
    JsonNode done = postAndWait("/v1/applications/DashboardApps.crawl", "\"http://down.example\"");
    assertThat(done.path("state").asText()).isEqualTo("FAILED");
    String id = done.path("request_id").asText();
    JsonNode fetch = calls(id, 2).stream().filter(c -> c.path("function").asText().equals("DashboardApps.fetch"))
        .findFirst().orElseThrow();
    int failed = fetch.path("failed_attempts").asInt();
    assertThat(failed).isEqualTo(3); // retries = 2: three attempts, all failed

    open("#/requests/" + id);
    String row = "tr.call[data-function='DashboardApps.fetch']";
    waitFor(Duration.ofSeconds(10), () -> count(row) == 1);

    assertThat(attr(row, "data-state")).isEqualTo("FAILED");
    assertThat(text(row + " .attempts")).isEqualTo("3 (3 failed)");
    String error = text("tr.call-error[data-call-id='" + fetch.path("id").asText() + "']");
    assertThat(error).contains("IllegalStateException").contains("connection refused: http://down.example");
    assertThat(text("#request-error")).contains("connection refused: http://down.example");
    assertThat(text("#calls-summary")).contains("failed attempt").contains("failed call");
    assertThat(badgeOfRequest()).isEqualTo("FAILED");
    screenshot();
  }

  @Test
  void cancelButton_runningRequest_cancelsIt() throws InterruptedException {
    String id = post("/v1/applications/DashboardApps.waits", "4").path("request_id").asText();
    assertThat(DashboardApps.waiting.await(10, TimeUnit.SECONDS)).isTrue();

    open("#/requests/" + id);
    waitFor(Duration.ofSeconds(10), () -> count("#cancel") == 1 && text("#request-progress").contains("1/4"));
    assertThat(text("#request-progress")).contains("waiting to be cancelled");
    browser.driver().findElement(By.id("cancel")).sendKeys(Keys.ENTER); // by keyboard; the live page keeps its focus

    waitFor(Duration.ofSeconds(10), () -> badgeOfRequest().equals("CANCELLED"));
    assertThat(get("/v1/requests/" + id).path("state").asText()).isEqualTo("CANCELLED");
    assertThat(text("#request-error")).contains("Cancelled").contains("were cancelled");
    assertThat(count("#cancel")).isZero();
    // the journal commits the call's row a moment later: the page reads the calls again after the end
    waitFor(Duration.ofSeconds(10), () -> count("tr.call[data-function='DashboardApps.waits']") == 1);
    screenshot();
  }

  @Test
  void eventStream_readWithFetch_givesProgressThenDone() throws Exception {
    String id = post("/v1/applications/DashboardApps.waits", "4").path("request_id").asText();
    assertThat(DashboardApps.waiting.await(10, TimeUnit.SECONDS)).isTrue();
    open("#/requests");

    // the page's own module follows the stream, and cancels the request at its first progress event
    Object events = ((JavascriptExecutor) browser.driver()).executeAsyncScript("""
        const [path, done] = [arguments[0], arguments[arguments.length - 1]];
        import('/dashboard/api.js').then(async (api) => {
          const got = [];
          try {
            await api.events(path + '/progress', (name, data) => {
              got.push({ name, data });
              if (name === 'progress' && got.length === 1) api.api(path, { method: 'DELETE' });
            });
          } catch (e) {
            got.push({ name: 'failed', data: String(e) });
          }
          done(JSON.stringify(got));
        });""", "/v1/requests/" + id);

    JsonNode got = ServerTestSupport.MAPPER.readTree(events.toString());
    assertThat(got).hasSize(2);
    assertThat(got.get(0).path("name").asText()).isEqualTo("progress");
    assertThat(got.get(0).path("data").path("message").asText()).isEqualTo("waiting to be cancelled");
    assertThat(got.get(0).path("data").path("current").asInt()).isEqualTo(1);
    assertThat(got.get(1).path("name").asText()).isEqualTo("done");
    assertThat(got.get(1).path("data").path("state").asText()).isEqualTo("CANCELLED");
    assertThat(got.get(1).path("data").path("error").path("code").asText()).isEqualTo("request_cancelled");
  }

  @Test
  void submitForm_startsARequest() {
    open("#/applications/TestApps.order");
    WebElement input = waitFor(Duration.ofSeconds(10), By.id("submit-input"));
    assertThat(text("#input-schema")).contains("\"quantity\"");
    input.clear();
    input.sendKeys("{\"item\": \"green tea\", \"quantity\": 3}");
    browser.driver().findElement(By.id("submit-button")).click();

    waitFor(Duration.ofSeconds(10), () -> js("return location.hash").toString().startsWith("#/requests/")
        && count("#request-id") == 1 && badgeOfRequest().equals("SUCCEEDED") && count("#output") == 1);
    String id = text("#request-id");
    assertThat(get("/v1/requests/" + id).path("application").asText()).isEqualTo("TestApps.order");
    assertThat(text("#input")).contains("\"item\": \"green tea\"").contains("\"quantity\": 3");
    assertThat(text("#output")).contains("\"item\": \"green tea\"").contains("\"notes\"");
    screenshot();
  }

  @Test
  void submitForm_invalidInput_showsTheServersMessage() {
    open("#/applications/TestApps.order");
    WebElement input = waitFor(Duration.ofSeconds(10), By.id("submit-input"));
    input.clear();
    input.sendKeys("{\"item\": \"tea\"}");
    browser.driver().findElement(By.id("submit-button")).click();

    waitFor(Duration.ofSeconds(10), () -> text("#submit-result").contains("missing property \"quantity\""));
    assertThat(text("#submit-result")).contains("400 invalid_input");
    screenshot();
  }

  @Test
  void requestsPage_filterByState_showsOnlyThatState() {
    postAndWait("/v1/applications/TestApps.order", "{\"item\":\"tea\",\"quantity\":1}");
    postAndWait("/v1/applications/DashboardApps.crawl", "\"http://down.example\"");
    open("#/requests");
    waitFor(Duration.ofSeconds(10), () -> count("tr.request-row") == 2);

    new Select(browser.driver().findElement(By.id("filter-state"))).selectByValue("FAILED");

    waitFor(Duration.ofSeconds(10), () -> count("tr.request-row") == 1 && count("tr.request-row[data-state='FAILED']") == 1);
    assertThat(js("return location.hash")).isEqualTo("#/requests?state=FAILED");
    screenshot();
  }

  @Test
  void nodesPage_singleServer_saysNotAFleet() {
    open("#/nodes");
    waitFor(Duration.ofSeconds(10), () -> count("#not-a-fleet") == 1);

    assertThat(text("#not-a-fleet")).contains("Not a fleet.");
    screenshot();
  }

  @Test
  void nodesPage_fleetOnPostgres_showsEveryNodeAndWhichStopped() throws Exception {
    String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    String schema = "dash_" + java.util.UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    Applications apps = Applications.of(DashboardApps.class);
    List<AutoCloseable> opened = new java.util.ArrayList<>();
    try {
      WeftServer first = null;
      FleetNode second = null;
      for (String node : List.of("node-a", "node-b")) {
        PostgresJournal pg = PostgresJournal.open(PostgresJournal.Options.defaults(url).withSchema(schema)
            .withNodeId(node).withPoolSize(2));
        opened.addFirst(pg);
        WeftRuntime rt = WeftRuntime.builder().journal(pg).build();
        opened.addFirst(rt);
        WeftServer s = WeftServer.builder().runtime(rt).journal(pg).applications(apps).start();
        opened.addFirst(s);
        FleetNode fleetNode = FleetNode.start(pg, rt, apps, FleetNode.Options.of(s.uri(), 4));
        opened.addFirst(fleetNode);
        if (first == null) {
          first = s;
        } else {
          second = fleetNode;
        }
      }
      second.close(); // a clean stop: the node stays listed, as stopped

      browser.driver().get(first.uri() + "#/nodes");
      waitFor(Duration.ofSeconds(10), () -> count("tr.node-row") == 2);

      assertThat(text("tr.node-row[data-id='node-a']")).contains(first.uri().toString()).containsIgnoringCase("alive");
      assertThat(text("tr.node-row[data-id='node-b']")).containsIgnoringCase("stopped");
      screenshot();
    } finally {
      for (AutoCloseable c : opened) {
        c.close();
      }
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(url); java.sql.Statement st = c.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
      }
    }
  }

  @Test
  void servicesPage_deployedService_showsItsReplicas() {
    Path registry = tempDir.resolve("services");
    String before = System.getProperty("weft.services.dir");
    System.setProperty("weft.services.dir", registry.toString());
    RemoteFn1<Integer, Integer> squares = Remote.fn(DashboardApps::square).name("squares")
        .backend(ComputeBackend.localProcesses(registry)).to(Compute.builder().replicas(2).build());
    try {
      assertThat(squares.call(7)).isEqualTo(49);
      open("#/services");
      waitFor(Duration.ofSeconds(10), () -> count("tr.service-row[data-name='squares']") == 1);

      String row = text("tr.service-row[data-name='squares']");
      assertThat(row).contains("function DashboardApps.square").contains("#0").contains("#1").contains("127.0.0.1");
      screenshot();
    } finally {
      squares.teardown();
      DashboardRoutesTest.restore(before);
    }
  }

  @Test
  void tokenDialog_serverWithToken_asksForItAndSendsIt() {
    String token = "dashboard-token-0123456789";
    try (WeftServer guarded = WeftServer.builder().runtime(runtime).journal(journal)
        .applications(Applications.of(DashboardApps.class, TestApps.class)).bearerToken(token).start()) {
      postAndWait("/v1/applications/TestApps.order", "{\"item\":\"tea\",\"quantity\":1}");
      browser.driver().get(guarded.uri() + "#/requests");
      WebElement input = waitFor(Duration.ofSeconds(10), By.cssSelector("#token-dialog[open] #token-input"));
      screenshot();

      input.sendKeys("not-the-token" + Keys.ENTER); // the keyboard alone works the dialog
      waitFor(Duration.ofSeconds(10), () -> count("#token-dialog[open]") == 1 && text("#token-why").contains("wrong"));
      browser.driver().findElement(By.id("token-input")).sendKeys(token + Keys.ENTER);

      waitFor(Duration.ofSeconds(10), () -> count("tr.request-row") == 1);
      assertThat(count("#token-dialog[open]")).isZero();
      assertThat(js("return sessionStorage.getItem('weft.token')")).isEqualTo(token);
      assertThat(browser.driver().findElement(By.id("token-button")).isDisplayed()).isTrue();
    }
  }

  @Test
  void keyboard_tabToAPageAndEnter_opensItAndFocusesItsContent() {
    open("#/requests");
    waitFor(Duration.ofSeconds(10), () -> !text("#requests-status").isEmpty());

    org.openqa.selenium.interactions.Actions keys = new org.openqa.selenium.interactions.Actions(browser.driver());
    for (int i = 0; i < 10 && !"Applications".equals(js("return document.activeElement.textContent")); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    assertThat(js("return document.activeElement.textContent")).isEqualTo("Applications");
    keys.sendKeys(Keys.ENTER).perform();

    waitFor(Duration.ofSeconds(10), () -> count("#submit-form") == 1);
    assertThat(js("return location.hash")).isEqualTo("#/applications");
    assertThat(js("return document.activeElement.id")).isEqualTo("main");
    assertThat(attr("nav a[aria-current='page']", "data-page")).isEqualTo("applications");
  }

  // ---- helpers

  private void open(String hash) {
    browser.driver().get(server.uri() + hash);
  }

  private Object js(String script) {
    return ((JavascriptExecutor) browser.driver()).executeScript(script);
  }

  private int count(String css) {
    return browser.driver().findElements(By.cssSelector(css)).size();
  }

  /** The element's visible text, read in one step (live pages redraw, so a found element may go stale). */
  private String text(String css) {
    Object text = ((JavascriptExecutor) browser.driver()).executeScript(
        "const e = document.querySelector(arguments[0]); return e ? e.innerText.trim() : ''", css);
    return String.valueOf(text);
  }

  /** An attribute of the first element {@code css} selects, read in one step; empty if none. */
  private String attr(String css, String name) {
    return String.valueOf(((JavascriptExecutor) browser.driver()).executeScript(
        "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : ''", css, name));
  }

  private String badgeOfRequest() {
    return String.valueOf(js("const b = document.querySelector('.request-head .badge'); return b ? b.dataset.state : ''"));
  }

  private void waitFor(Duration timeout, java.util.function.BooleanSupplier condition) {
    new WebDriverWait(browser.driver(), timeout).until(d -> condition.getAsBoolean());
  }

  private WebElement waitFor(Duration timeout, By by) {
    return new WebDriverWait(browser.driver(), timeout)
        .until(d -> d.findElements(by).stream().findFirst().orElse(null));
  }

  private void screenshot() {
    try {
      Files.createDirectories(SCREENSHOTS);
      byte[] png = ((TakesScreenshot) browser.driver()).getScreenshotAs(OutputType.BYTES);
      Files.write(SCREENSHOTS.resolve(testName + ".png"), png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode post(String path, String body) {
    return send(HttpRequest.newBuilder(server.uri().resolve(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 202);
  }

  private JsonNode postAndWait(String path, String body) {
    return send(HttpRequest.newBuilder(server.uri().resolve(path + "?wait=true")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), 200);
  }

  private JsonNode get(String path) {
    return send(HttpRequest.newBuilder(server.uri().resolve(path)).GET().build(), 200);
  }

  /**
   * The request's calls as the API gives them, once there are {@code expected} (the journal
   * commits the last rows a moment after the request ends).
   */
  private List<JsonNode> calls(String id, int expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<JsonNode> calls;
    do {
      calls = new java.util.ArrayList<>();
      get("/v1/requests/" + id + "/calls").path("calls").forEach(calls::add);
    } while (calls.size() < expected && System.nanoTime() < deadline);
    return calls;
  }

  private JsonNode send(HttpRequest request, int expected) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(r.statusCode()).as("%s %s: %s", request.method(), request.uri(), r.body()).isEqualTo(expected);
      return ServerTestSupport.MAPPER.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
