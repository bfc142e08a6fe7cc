package dev.weft.starter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's "Use Weft in your project" pom is the starter's, which the invoker builds and tests
 * against this build's artifacts; and the versions a user copies are this build's.
 */
final class StarterPomTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void readme_showsTheStartersPomVerbatim() throws IOException {
    String readme = Files.readString(ROOT.resolve("README.md"));
    String pom = Files.readString(ROOT.resolve("starter/pom.xml"));

    assertThat(readme).as("README.md must show starter/pom.xml as it is, in an xml block; copy it over")
        .contains("```xml\n" + pom + "```\n");
  }

  @Test
  void starterAndBom_useThisBuildsVersion() throws IOException {
    String version = System.getProperty("weft.version");
    String pom = Files.readString(ROOT.resolve("starter/pom.xml"));
    String bom = Files.readString(ROOT.resolve("weft-bom/pom.xml"));

    assertThat(version).isNotBlank();
    assertThat(versionAfter(pom, "<artifactId>weft-bom</artifactId>")).isEqualTo(version);
    assertThat(versionAfter(bom, "<artifactId>weft-bom</artifactId>")).isEqualTo(version);
  }

  private static String versionAfter(String pom, String marker) {
    Matcher m = Pattern.compile(Pattern.quote(marker) + "\\s*<version>([^<]+)</version>").matcher(pom);
    assertThat(m.find()).as("a <version> right after " + marker).isTrue();
    return m.group(1);
  }
}
