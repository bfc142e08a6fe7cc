package dev.weft.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium driven through chromedriver, both from Debian's {@code chromium} and {@code
 * chromium-driver} packages ({@code apt-get install -y chromium chromium-driver}), with a fresh
 * profile. Without them the browser tests fail, unless {@code WEFT_SKIP_BROWSER=1} is set: then
 * they are skipped with a loud message.
 */
final class Browser implements AutoCloseable {
  private static final List<String> CHROMIUM = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
  private static final List<String> DRIVER = List.of("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

  private final ChromeDriver driver;
  private final Path profile;

  private Browser(ChromeDriver driver, Path profile) {
    this.driver = driver;
    this.profile = profile;
  }

  /** Why the browser tests are skipped, when WEFT_SKIP_BROWSER=1 says to. */
  static final String SKIPPED = "WEFT_SKIP_BROWSER=1: SKIPPING THE DASHBOARD'S BROWSER TESTS (nothing of the dashboard "
      + "was checked in a browser)";

  /**
   * Starts the browser; empty (after a loud message) if WEFT_SKIP_BROWSER=1 says to skip the
   * browser tests. Fails saying what to install if Chromium or chromedriver is missing.
   */
  static Optional<Browser> startUnlessSkipped() {
    if ("1".equals(System.getenv("WEFT_SKIP_BROWSER"))) {
      System.err.println("\n********************************************************************************\n"
          + SKIPPED + "\n********************************************************************************\n");
      return Optional.empty();
    }
    Optional<Path> chromium = find(CHROMIUM);
    Optional<Path> chromedriver = find(DRIVER);
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      throw new AssertionError("the dashboard's browser tests need Chromium and chromedriver (" + CHROMIUM + ", "
          + DRIVER + "): install them with 'apt-get install -y chromium chromium-driver', or set WEFT_SKIP_BROWSER=1 "
          + "to skip these tests");
    }
    Path profile;
    try {
      profile = Files.createTempDirectory("weft-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1360,900", "--hide-scrollbars", "--lang=en-GB",
        "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(chromedriver.get().toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return Optional.of(new Browser(driver, profile));
  }

  private static Optional<Path> find(List<String> candidates) {
    return candidates.stream().map(Path::of).filter(Files::isExecutable).findFirst();
  }

  ChromeDriver driver() {
    return driver;
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a leftover temporary profile is harmless
      }
    }
  }
}
