package dev.mnistlab.bench;

import dev.mnistlab.DigitPictures;
import dev.mnistlab.TrainedRuns;
import dev.mnistlab.data.Split;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Throughput and latency of a running {@code mnistlab serve}: the first 1,000 MNIST test digits as
 * PNG photos of paper (as {@code predict}'s accuracy figures use them), sent by concurrent clients
 * in several rounds; prints each round, the medians, and the share answered with the true digit.
 * Not a test: start the server, then run {@code ServeBenchmark URL [REQUESTS] [CLIENTS] [ROUNDS]}
 * (see docs/BENCHMARKS.md).
 */
public final class ServeBenchmark {
  private ServeBenchmark() {}

  public static void main(String[] args) throws Exception {
    URI server = URI.create(args[0]);
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    int clients = args.length > 2 ? Integer.parseInt(args[2]) : 32;
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    Split test = TrainedRuns.mnistData().test();
    List<ServeLoad.Picture> pictures = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      pictures.add(
          new ServeLoad.Picture(
              DigitPictures.png(DigitPictures.paperPhoto(test, i)), test.labels()[i] & 0xff));
    }
    HttpClient http = ServeLoad.client();
    ServeLoad.run(http, server.resolve("api/predict"), pictures, 1000, clients); // warm-up
    double[] rates = new double[rounds];
    double[] p50 = new double[rounds];
    double[] p99 = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ServeLoad.Result result =
          ServeLoad.run(http, server.resolve("api/predict"), pictures, requests, clients);
      rates[r] = result.perSecond();
      p50[r] = result.percentileMillis(0.50);
      p99[r] = result.percentileMillis(0.99);
      System.out.printf(
          Locale.ROOT,
          "round %d: %,d requests, %d clients, %.2f s, %,.0f requests/s, p50 %.1f ms, p99 %.1f ms,"
              + " errors %d, answered with the true digit %.2f%%%n",
          r + 1,
          requests,
          clients,
          result.seconds(),
          rates[r],
          p50[r],
          p99[r],
          result.errors().size(),
          100.0 * (requests - result.wrong() - result.errors().size()) / requests);
    }
    System.out.printf(
        Locale.ROOT,
        "median of %d rounds: %,.0f requests/s, p50 %.1f ms, p99 %.1f ms%n",
        rounds,
        median(rates),
        median(p50),
        median(p99));
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(server.resolve("health")).build(),
            HttpResponse.BodyHandlers.ofString());
    System.out.println("server health: " + health.body());
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
