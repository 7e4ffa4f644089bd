package dev.mnistlab.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.bench.ServeLoad;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 10,000 predictions from 32 concurrent clients against one server on loopback: every answer is the
 * digit the picture shows, nothing is refused, and the heap is no larger afterwards. Prints
 * throughput and latency for the record; asserts no speed (docs/BENCHMARKS.md has the figures of
 * {@code ServeBenchmark} against the real {@code serve} command).
 */
@Timeout(
    value = 5,
    unit = TimeUnit.MINUTES) // a hung request must fail the test, never stall the build
@Tag("integration")
class ServeLoadTest {
  private static final int REQUESTS = 10_000;
  private static final int CLIENTS = 32;
  private static final long HEAP_GROWTH_BOUND = 64L << 20;

  @Test
  void tenThousandPredictionsFrom32ClientsAreAllRight() throws Exception {
    List<ServeLoad.Picture> pictures = ServedModel.samples(200);
    HttpClient http = ServeLoad.client();
    try (DigitServer server =
        DigitServer.start(ServedModel.classifier(), ServerLimits.defaults().at("127.0.0.1", 0))) {
      // Warm up the engine, the JIT and the connections before measuring the heap.
      ServeLoad.run(http, server.uri().resolve("api/predict"), pictures, 500, CLIENTS);
      long heapBefore = usedHeapAfterGc();

      ServeLoad.Result load =
          ServeLoad.run(http, server.uri().resolve("api/predict"), pictures, REQUESTS, CLIENTS);

      long heapAfter = usedHeapAfterGc();
      System.out.printf(
          Locale.ROOT,
          "serve load (in the test JVM): %,d pictures from %d clients in %.2f s, %,.0f requests/s;"
              + " p50 %.1f ms, p99 %.1f ms; heap after GC %d MiB (before %d MiB)%n",
          load.requests(),
          load.clients(),
          load.seconds(),
          load.perSecond(),
          load.percentileMillis(0.50),
          load.percentileMillis(0.99),
          heapAfter >> 20,
          heapBefore >> 20);
      assertThat(load.errors()).as("failed requests").isEmpty();
      assertThat(load.wrong()).as("wrong answers").isZero();
      assertThat(server.stats()).isEqualTo(new DigitServer.Stats(REQUESTS + 500, 0));
      assertThat(heapAfter - heapBefore).as("heap growth").isLessThan(HEAP_GROWTH_BOUND);
    }
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
