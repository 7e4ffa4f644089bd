package dev.mnistlab.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load generator for {@code POST /api/predict}: sends pictures from concurrent clients over
 * HTTP/1.1 (keep-alive), times each request and checks each answer against the digit the picture
 * shows. Used by the load test and by {@link ServeBenchmark}.
 */
public final class ServeLoad {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ServeLoad() {}

  /** A picture file to send and the digit it shows. */
  public record Picture(byte[] png, int label) {}

  /**
   * What a load run gave.
   *
   * @param latencies each request's time from sending to the whole answer, sorted, in ns
   * @param errors requests that failed or were not answered 200, with why
   * @param wrong answered requests whose digit was not the label
   */
  public record Result(
      int requests, int clients, double seconds, long[] latencies, List<String> errors, int wrong) {
    public double perSecond() {
      return requests / seconds;
    }

    public double percentileMillis(double p) {
      return latencies[(int) Math.min(latencies.length - 1, Math.floor(p * latencies.length))]
          / 1e6;
    }
  }

  /** A client for loopback load: HTTP/1.1, as browsers and curl talk to the server. */
  public static HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** Sends {@code requests} pictures (cycling through them) from {@code clients} threads. */
  public static Result run(
      HttpClient http, URI predict, List<Picture> pictures, int requests, int clients)
      throws InterruptedException {
    ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger wrong = new AtomicInteger();
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[requests];
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    long start = System.nanoTime();
    for (int c = 0; c < clients; c++) {
      pool.execute(
          () -> {
            for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
              Picture picture = pictures.get(i % pictures.size());
              HttpRequest request =
                  HttpRequest.newBuilder(predict)
                      .timeout(Duration.ofSeconds(30))
                      .header("Content-Type", "image/png")
                      .POST(HttpRequest.BodyPublishers.ofByteArray(picture.png()))
                      .build();
              long sent = System.nanoTime();
              try {
                HttpResponse<byte[]> response =
                    http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                latencies[i] = System.nanoTime() - sent;
                JsonNode answer = JSON.readTree(response.body());
                if (response.statusCode() != 200) {
                  errors.add("request " + i + ": " + response.statusCode() + " " + answer);
                } else if (answer.get("digit").asInt() != picture.label()) {
                  wrong.incrementAndGet();
                }
              } catch (IOException | RuntimeException e) {
                latencies[i] = System.nanoTime() - sent;
                errors.add("request " + i + ": " + e);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
            }
          });
    }
    pool.shutdown();
    if (!pool.awaitTermination(10, TimeUnit.MINUTES)) {
      pool.shutdownNow();
      errors.add("not finished in 10 minutes");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(latencies);
    return new Result(requests, clients, seconds, latencies, new ArrayList<>(errors), wrong.get());
  }
}
