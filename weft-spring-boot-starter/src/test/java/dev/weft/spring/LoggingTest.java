package dev.weft.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.weft.Weft;
import dev.weft.WeftRuntime;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** Weft logs through System.Logger; with the starter those lines reach SLF4J and so Spring's Logback. */
final class LoggingTest {

  @Test
  void weftLogLine_reachesLogback() {
    Logger requests = (Logger) LoggerFactory.getLogger("dev.weft.requests");
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    requests.addAppender(appender);
    try {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(WeftAutoConfiguration.class))
          .withBean("failing", TestApps.Failing.class)
          .withPropertyValues("weft.journal=memory", "weft.server.enabled=false")
          .run(context -> {
            TestApps.Failing failing = context.getBean(TestApps.Failing.class);
            var request = context.getBean(WeftRuntime.class).submit(Weft.fn(failing::fail), 7);
            assertThatThrownBy(request::result).hasMessageContaining("no stock for 7");
          });
    } finally {
      requests.detachAppender(appender);
    }
    assertThat(appender.list).anySatisfy(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("(application Failing.fail) failed").contains("no stock for 7");
    });
  }
}
