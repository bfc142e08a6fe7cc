/**
 * Hooks for test kits and embedders that change how a runtime keeps time and invokes function
 * bodies. A runtime uses them only when given through {@code WeftRuntime.Builder}: the default
 * runtime keeps the system clock and calls bodies directly, at no extra cost.
 */
package dev.weft.spi;
