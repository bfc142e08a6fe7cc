/**
 * Weft's Spring Boot starter: add {@code weft-spring-boot-starter} and the context gets a
 * {@link dev.weft.WeftRuntime} on the journal {@code weft.journal} names, the {@code @Application}
 * methods of its beans served over HTTP by the embedded Weft server, a graceful shutdown that
 * finishes or journals running requests, Weft's {@code System.Logger} output in Spring's logging,
 * an Actuator health component {@code weft} and Micrometer meters. See docs/SPRING.md.
 *
 * <p>Public: {@link dev.weft.spring.WeftProperties} (the {@code weft.*} settings), {@link
 * dev.weft.spring.WeftLifecycle} (the running server and its applications) and the two
 * auto-configuration classes (to exclude them).
 */
package dev.weft.spring;
