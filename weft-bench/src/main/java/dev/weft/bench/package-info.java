/**
 * JMH benchmarks for Weft. Each benchmark class states in its Javadoc the command that runs it
 * and the baseline (raw JDK or a peer library) measured in the same run; figures are recorded in
 * {@code docs/BENCHMARKS.md}.
 *
 * <p>Build and run (from the repository root):
 *
 * <pre>{@code
 * mvn -B -q -DskipTests install            # builds weft-bench/target/benchmarks.jar
 * java -jar weft-bench/target/benchmarks.jar -l          # list benchmarks
 * java -jar weft-bench/target/benchmarks.jar 'Fn.*' -f 1 # run those matching a regexp
 * }</pre>
 *
 * <p>The jar needs a JDK 21 or newer; {@code -h} lists JMH's options. The machine has two cores,
 * so keep forks and threads small and compare numbers only within one run.
 */
package dev.weft.bench;
