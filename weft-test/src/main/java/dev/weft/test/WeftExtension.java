package dev.weft.test;

import dev.weft.WeftRuntime;
import java.lang.reflect.Constructor;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test method its own {@link TestWeft} (and its {@code WeftRuntime} and
 * {@link VirtualClock}) as parameters of the test and its {@code @BeforeEach}/{@code @AfterEach}
 * methods, all the same one within a test, closed when the test ends. Never the default runtime:
 * tests running in parallel do not share one. Use it through {@link WeftTest} or
 * {@code @ExtendWith(WeftExtension.class)}.
 */
public final class WeftExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WeftExtension.class);

  /** For JUnit. */
  public WeftExtension() {}

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == TestWeft.class || type == WeftRuntime.class || type == VirtualClock.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getDeclaringExecutable() instanceof Constructor<?> || context.getTestMethod().isEmpty()) {
      throw new ParameterResolutionException("a " + parameter.getParameter().getType().getSimpleName()
          + " is made per test: take it as a parameter of the test method (or of @BeforeEach), not of "
          + parameter.getDeclaringExecutable());
    }
    TestWeft weft = context.getStore(NAMESPACE)
        .getOrComputeIfAbsent(TestWeft.class, k -> new Closing(TestWeft.create()), Closing.class).weft;
    Class<?> type = parameter.getParameter().getType();
    return type == WeftRuntime.class ? weft.runtime() : type == VirtualClock.class ? weft.clock() : weft;
  }

  /** Closes the test's Weft when JUnit drops the test's store. */
  private record Closing(TestWeft weft) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      weft.close();
    }
  }
}
