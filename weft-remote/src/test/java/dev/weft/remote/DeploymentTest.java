package dev.weft.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a deployment hands its back end besides the spec. */
final class DeploymentTest {
  @TempDir Path dir;

  @Test
  void loadedFrom_aClassOfAUrlLoader_namesItsJars_andNothingForTheClassPath() throws Exception {
    Path jar = Files.createFile(dir.resolve("app.jar"));
    try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()},
        DeploymentTest.class.getClassLoader())) {
      // A proxy class is defined by the loader given, so it stands in for an application's class.
      Class<?> type = java.lang.reflect.Proxy.newProxyInstance(loader, new Class<?>[] {Runnable.class}, (p, m, a) -> null)
          .getClass();

      assertThat(Deployment.loadedFrom(type)).containsExactly(jar);
      assertThat(Deployment.loadedFrom(DeploymentTest.class)).isEmpty();
    }
  }
}
