package dev.weft.examples.kubetorch;

import com.sun.net.httpserver.HttpServer;
import dev.weft.Function;
import dev.weft.examples.Check;
import dev.weft.examples.Example;
import dev.weft.remote.Compute;
import dev.weft.remote.Remote;
import dev.weft.remote.RemoteFn1;
import dev.weft.transport.JsonCodec;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;

/**
 * K7: seed 004's complete example. A CPU-bound sync {@code trainModel} (0.5 s per epoch) and an
 * I/O-bound async {@code fetchTrainingData} (an HTTP GET, without blocking the worker's event
 * loop) are deployed concurrently, then called concurrently; the result combines both. Prints
 * the elapsed time of the two calls (about the training's 2 s: the fetch ran meanwhile), then the
 * result as JSON.
 *
 * <pre>{@code
 * def train_model(epochs: int):
 *     for i in range(epochs):
 *         time.sleep(0.5)  # Simulate training
 *     return {"loss": 0.123, "accuracy": 0.95}
 *
 * async def fetch_training_data(dataset_url: str):
 *     async with aiohttp.ClientSession() as session:
 *         async with session.get(dataset_url) as response:
 *             return await response.json()
 *
 * async def main():
 *     compute = kt.Compute(cpus="1")
 *     train_fn, fetch_fn = await asyncio.gather(
 *         kt.fn(train_model).to_async(compute),
 *         kt.fn(fetch_training_data).to_async(compute),
 *     )
 *     model, data = await asyncio.gather(
 *         train_fn(epochs=10, async_=True),
 *         fetch_fn("https://api.example.com/dataset", async_=True),
 *     )
 *     return {"model": model, "data": data}
 * }</pre>
 *
 * <p>The dataset is served by an HTTP server this example starts on loopback (no network is
 * needed), and fetched by the worker process, so the call really crosses processes twice. The
 * training runs 4 epochs rather than the seed's 10, to keep the example short. Results are typed:
 * records that travel as JSON with their declared types.
 */
public final class K7CompleteExample implements Example {

  /** What training returns: {@code {"loss": 0.123, "accuracy": 0.95}}. */
  public record Model(double loss, double accuracy) {}

  /** The dataset's description, as the dataset server sends it. */
  public record Dataset(String name, int rows, List<String> features) {}

  /** What the example returns: {@code {"model": ..., "data": ...}}. */
  public record Result(Model model, Dataset data) {}

  private static final JsonCodec JSON = JsonCodec.standard();

  /** Made on first use, so only the worker that fetches creates an HTTP client. */
  private static final class Client {
    static final HttpClient HTTP = HttpClient.newHttpClient();
  }

  /** CPU-intensive and sync: runs on the worker's virtual threads. */
  @Function
  static Model trainModel(int epochs) {
    for (int epoch = 0; epoch < epochs; epoch++) {
      Slow.work(500); // simulate training
    }
    return new Model(0.123, 0.95);
  }

  /** I/O-bound and async: runs on the worker's event loop, which the request does not hold. */
  @Function
  static CompletionStage<Dataset> fetchTrainingData(String datasetUrl) {
    HttpRequest get = HttpRequest.newBuilder(URI.create(datasetUrl)).GET().build();
    return Client.HTTP.sendAsync(get, HttpResponse.BodyHandlers.ofString())
        .thenApply(response -> (Dataset) JSON.decode(response.body(), Dataset.class));
  }

  @Override
  public String id() {
    return "K7";
  }

  @Override
  public String title() {
    return "the complete example: train and fetch, deployed and called concurrently";
  }

  @Override
  public void run(PrintStream out) throws IOException {
    HttpServer datasets = datasetServer();
    String datasetUrl = "http://127.0.0.1:" + datasets.getAddress().getPort() + "/dataset";
    Compute compute = Compute.builder().cpus("1").memory("256m").inactivityTtl("10m").build();
    // Deploy both services concurrently.
    CompletableFuture<RemoteFn1<Integer, Model>> trainDeployment = Remote.fn(K7CompleteExample::trainModel).toAsync(compute);
    CompletableFuture<RemoteFn1<String, Dataset>> fetchDeployment =
        Remote.asyncFn(K7CompleteExample::fetchTrainingData).toAsync(compute);
    try {
      RemoteFn1<Integer, Model> trainFn = trainDeployment.join();
      RemoteFn1<String, Dataset> fetchFn = fetchDeployment.join();
      out.println("deployed " + trainFn.serviceName() + " and " + fetchFn.serviceName());

      // Run training and data fetch concurrently.
      long start = System.nanoTime();
      CompletableFuture<Model> model = trainFn.callAsync(4);
      CompletableFuture<Dataset> data = fetchFn.callAsync(datasetUrl);
      Result result = model.thenCombine(data, Result::new).join();
      out.println("elapsed: " + Elapsed.since(start) + " ms");
      String json = JSON.encode(result, Result.class);
      out.println(json);
      Check.expect("the result", json, "{\"model\":{\"loss\":0.123,\"accuracy\":0.95},"
          + "\"data\":{\"name\":\"iris\",\"rows\":150,\"features\":[\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"]}}");
    } finally {
      Teardown.whenDeployed(trainDeployment);
      Teardown.whenDeployed(fetchDeployment);
      datasets.stop(0);
    }
  }

  /** Serves the dataset's JSON at {@code /dataset} on an ephemeral loopback port. */
  private static HttpServer datasetServer() throws IOException {
    byte[] body = JSON.encode(new Dataset("iris", 150, List.of("sepal_length", "sepal_width", "petal_length", "petal_width")),
        Dataset.class).getBytes(StandardCharsets.UTF_8);
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
    server.createContext("/dataset", exchange -> {
      try (exchange) {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
      }
    });
    server.start();
    return server;
  }
}
