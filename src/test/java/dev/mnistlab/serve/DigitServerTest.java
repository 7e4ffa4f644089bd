package dev.mnistlab.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mnistlab.DigitClassifier;
import dev.mnistlab.bench.ServeLoad;
import dev.mnistlab.data.ImageFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The server's API on the suite's trained model: answers, and every limit it enforces. */
@Timeout(
    value = 5,
    unit = TimeUnit.MINUTES) // a hung request must fail the test, never stall the build
class DigitServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BODY = 256 * 1024;
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static DigitServer server;
  private static List<ServeLoad.Picture> samples;

  record Reply(int status, JsonNode json) {
    String error() {
      return json.path("error").asText();
    }
  }

  @BeforeAll
  static void start() {
    samples = ServedModel.samples(12);
    server =
        DigitServer.start(
            ServedModel.classifier(),
            ServerLimits.defaults().at("127.0.0.1", 0).withSizes(MAX_BODY, 1_000_000, 16));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void picturesGetTheJavaApisAnswerExactly() throws IOException {
    DigitClassifier classifier = ServedModel.classifier();
    for (ServeLoad.Picture sample : samples) {
      Reply reply = post(server, "api/predict?image=1", "image/png", sample.png());
      assertThat(reply.status()).isEqualTo(200);
      DigitClassifier.Prediction expected =
          classifier.predict(ImageIO.read(new ByteArrayInputStream(sample.png())));
      assertThat(reply.json().get("digit").asInt()).isEqualTo(sample.label());
      assertThat(floats(reply.json().get("probabilities")))
          .containsExactly(expected.probabilities());
      assertThat(reply.json().get("blank").asBoolean()).isFalse();
      // The picture the network saw, as it saw it (to 8 bits).
      float[] seen = pixels(Base64.getDecoder().decode(reply.json().get("image").asText()));
      for (int p = 0; p < seen.length; p++) {
        assertThat(seen[p])
            .isCloseTo(expected.input()[p], org.assertj.core.data.Offset.offset(0.5f / 255));
      }
    }
    assertThat(post(server, "api/predict", "image/png", samples.get(0).png()).json().has("image"))
        .isFalse();
  }

  @Test
  void pixelsAndBatchesAsJson() {
    DigitClassifier classifier = ServedModel.classifier();
    List<float[]> images = new ArrayList<>();
    for (ServeLoad.Picture sample : samples.subList(0, 3)) {
      images.add(classifier.predict(decode(sample.png())).input());
    }
    Reply one = post(server, "api/predict", "application/json", json("pixels", images.get(0)));
    assertThat(one.status()).isEqualTo(200);
    assertThat(floats(one.json().get("probabilities")))
        .containsExactly(classifier.predict(images.get(0)).probabilities());

    Reply batch = post(server, "api/predict", "application/json", json("batch", images.toArray()));
    assertThat(batch.status()).isEqualTo(200);
    List<DigitClassifier.Prediction> expected = classifier.predictBatch(images);
    for (int i = 0; i < images.size(); i++) {
      JsonNode answer = batch.json().get("predictions").get(i);
      assertThat(answer.get("digit").asInt()).isEqualTo(samples.get(i).label());
      assertThat(floats(answer.get("probabilities")))
          .containsExactly(expected.get(i).probabilities());
    }
  }

  @Test
  void multipartUploadsAnswerEachFileByName() {
    String boundary = "mnistlab-test-boundary";
    byte[] body =
        multipart(
            boundary,
            List.of("first.png", "second.png"),
            List.of(samples.get(1).png(), samples.get(2).png()));
    Reply reply = post(server, "api/predict", "multipart/form-data; boundary=" + boundary, body);
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    JsonNode predictions = reply.json().get("predictions");
    assertThat(predictions).hasSize(2);
    assertThat(predictions.get(0).get("name").asText()).isEqualTo("first.png");
    assertThat(predictions.get(0).get("digit").asInt()).isEqualTo(samples.get(1).label());
    assertThat(predictions.get(1).get("name").asText()).isEqualTo("second.png");
    assertThat(predictions.get(1).get("digit").asInt()).isEqualTo(samples.get(2).label());
  }

  @Test
  void aBlankPictureHasNoDigit() {
    // 784 zeros: no ink. A client reading only "digit" must not take a guess for an answer.
    String zeros = "{\"pixels\": [" + "0,".repeat(783) + "0]}";
    Reply reply =
        post(
            server,
            "api/predict",
            "application/json",
            zeros.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.json().get("blank").asBoolean()).isTrue();
    assertThat(reply.json().has("digit")).isTrue();
    assertThat(reply.json().get("digit").isNull()).isTrue();
    assertThat(reply.json().get("probability").isNull()).isTrue();
  }

  @Test
  void modelCardHealthAndPage() {
    Reply model = get(server, "api/model");
    DigitClassifier.ModelCard card = ServedModel.classifier().card();
    assertThat(model.status()).isEqualTo(200);
    assertThat(model.json().get("name").asText()).isEqualTo(card.name());
    assertThat(model.json().get("trainable_params").asLong()).isEqualTo(card.trainableParams());
    assertThat(model.json().get("test_accuracy").asDouble()).isEqualTo(card.testAccuracy());
    assertThat(model.json().get("receptive_field").asInt()).isEqualTo(card.receptiveField());
    assertThat(model.json().get("run").asText()).isEqualTo("run"); // the name, not the path
    assertThat(get(server, "health").json().get("status").asText()).isEqualTo("ok");

    HttpResponse<String> page =
        send(HttpRequest.newBuilder(server.uri()).timeout(TIMEOUT).GET().build());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy"))
        .get()
        .asString()
        .contains("default-src 'none'");
    // Everything the page needs comes from the jar: it names no other host (an SVG namespace is
    // a name, not a request); the browser test also sees that the page loads nothing else.
    assertThat(page.body().replace("xmlns='http://www.w3.org/2000/svg'", ""))
        .contains("<canvas")
        .doesNotContainPattern("(?i)https?://|//cdn|@import");
  }

  @Test
  void everyRefusalHasItsStatusAndTheServerAnswersAfterIt() {
    byte[] good = samples.get(0).png();
    byte[] tooBig = new byte[(int) MAX_BODY + 1];
    byte[] truncated = Arrays.copyOf(good, 60);
    float[] nan = new float[784];
    nan[17] = Float.NaN;
    float[] bright = new float[784];
    bright[3] = 1.5f;
    String boundary = "b";
    List<Object[]> cases =
        List.of(
            new Object[] {"image/png", tooBig, 413, "more than the 262,144 bytes"},
            new Object[] {"chunked", tooBig, 413, "more than the 262,144 bytes"},
            new Object[] {
              "image/png", ServedModel.bombPng(20_000, false), 413, "20000×20000 pixels"
            },
            new Object[] {
              "image/png", ServedModel.bombPng(20_000, true), 413, "20000×20000 pixels"
            },
            new Object[] {
              "image/png",
              "hello, not a picture".getBytes(StandardCharsets.UTF_8),
              415,
              "not an image"
            },
            new Object[] {"text/plain", good, 415, "Content-Type text/plain is not taken"},
            new Object[] {"image/png", truncated, 400, "not a readable image"},
            new Object[] {
              "application/json",
              json("pixels", new float[783]),
              400,
              "expected 784 pixels (28×28), got 783"
            },
            new Object[] {
              "application/json",
              "{\"pixels\": [0, NaN]}".getBytes(StandardCharsets.UTF_8),
              400,
              "got 2"
            },
            new Object[] {"application/json", jsonWithNaN(), 400, "pixel 17 is NaN"},
            new Object[] {
              "application/json",
              json("pixels", bright),
              400,
              "pixel 3 is 1.5; pixels must be in [0, 1]"
            },
            new Object[] {
              "application/json",
              "{\"pixels\": [0, 1".getBytes(StandardCharsets.UTF_8),
              400,
              "not valid JSON"
            },
            new Object[] {
              "application/json",
              "{\"colour\": 1}".getBytes(StandardCharsets.UTF_8),
              400,
              "unknown field \"colour\""
            },
            new Object[] {
              "application/json",
              json("batch", new float[17][784]),
              400,
              "17 images in one request; this server takes at most 16"
            },
            new Object[] {
              "multipart/form-data; boundary=" + boundary,
              multipart(boundary, List.of("big.png"), List.of(tooBig)),
              413,
              "262,144 bytes"
            });
    for (Object[] c : cases) {
      String type = (String) c[0];
      Reply reply =
          type.equals("chunked")
              ? postChunked(server, (byte[]) c[1])
              : post(server, "api/predict", type, (byte[]) c[1]);
      assertThat(reply.status()).as("%s → %s", c[3], reply.json()).isEqualTo(c[2]);
      assertThat(reply.error()).contains((String) c[3]);
      answersCorrectly(server);
    }
    Reply unknown = get(server, "api/nothing");
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.error()).isEqualTo("no such page: GET /api/nothing");
    Reply wrongMethod = get(server, "api/predict");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.error()).isEqualTo("GET is not allowed on /api/predict");
    answersCorrectly(server);
  }

  @Test
  void aFullQueueIsAnswered503AtOnceAndTheQueuedOnesStillAnswer() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    Runnable hold =
        () -> {
          entered.countDown();
          await(gate);
        };
    try (DigitServer busy =
        DigitServer.start(
            ServedModel.classifier(),
            ServerLimits.defaults().at("127.0.0.1", 0).withWorkers(1, 1),
            hold)) {
      byte[] png = samples.get(0).png();
      CompletableFuture<Reply> running =
          CompletableFuture.supplyAsync(() -> post(busy, "api/predict", "image/png", png));
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      CompletableFuture<Reply> queued =
          CompletableFuture.supplyAsync(() -> post(busy, "api/predict", "image/png", png));
      awaitWaiting(busy, 1);
      long start = System.nanoTime();
      Reply refused = post(busy, "api/predict", "image/png", png);
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.error()).startsWith("busy: 1 predictions running and 1 waiting");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      gate.countDown();
      assertThat(running.get(10, TimeUnit.SECONDS).json().get("digit").asInt())
          .isEqualTo(samples.get(0).label());
      assertThat(queued.get(10, TimeUnit.SECONDS).json().get("digit").asInt())
          .isEqualTo(samples.get(0).label());
      answersCorrectly(busy);
      assertThat(busy.stats()).isEqualTo(new DigitServer.Stats(3, 1));
    }
  }

  @Test
  void aPredictionOverTheTimeLimitIsAnswered503() {
    CountDownLatch gate = new CountDownLatch(1);
    try (DigitServer slow =
        DigitServer.start(
            ServedModel.classifier(),
            ServerLimits.defaults()
                .at("127.0.0.1", 0)
                .withTimeouts(Duration.ofMillis(300), Duration.ofSeconds(30)),
            () -> await(gate))) {
      Reply reply = post(slow, "api/predict", "image/png", samples.get(0).png());
      assertThat(reply.status()).isEqualTo(503);
      assertThat(reply.error()).isEqualTo("no answer within 300 ms; try again shortly");
      gate.countDown();
      answersCorrectly(slow);
    }
  }

  @Test
  void aClientThatStopsSendingIsDisconnected() throws IOException {
    try (DigitServer server =
        DigitServer.start(
            ServedModel.classifier(),
            ServerLimits.defaults()
                .at("127.0.0.1", 0)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(500)))) {
      long start = System.nanoTime();
      try (Socket socket = new Socket("127.0.0.1", server.uri().getPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(
            ("POST /api/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: image/png\r\n"
                    + "Content-Length: 5000\r\n\r\n\u0089PNG")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] reply = in.readAllBytes(); // returns when the server closes the connection
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        assertThat(text.isEmpty() || text.startsWith("HTTP/1.1 4") || text.startsWith("HTTP/1.1 5"))
            .as(text)
            .isTrue();
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
      answersCorrectly(server);
    }
  }

  // ---- helpers ----

  private static void answersCorrectly(DigitServer server) {
    ServeLoad.Picture sample = samples.get(3);
    Reply reply = post(server, "api/predict", "image/png", sample.png());
    assertThat(reply.status()).as(reply.json().toString()).isEqualTo(200);
    assertThat(reply.json().get("digit").asInt()).isEqualTo(sample.label());
  }

  private static void awaitWaiting(DigitServer server, int waiting) throws InterruptedException {
    for (int i = 0; i < 500 && get(server, "health").json().get("waiting").asInt() < waiting; i++) {
      Thread.sleep(10);
    }
  }

  private static void await(CountDownLatch gate) {
    try {
      gate.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Reply post(DigitServer server, String path, String contentType, byte[] body) {
    return reply(
        send(
            HttpRequest.newBuilder(server.uri().resolve(path))
                .timeout(TIMEOUT)
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build()));
  }

  private static Reply postChunked(DigitServer server, byte[] body) {
    // A body of unknown length: the client sends it chunked, without Content-Length.
    return reply(
        send(
            HttpRequest.newBuilder(server.uri().resolve("api/predict"))
                .timeout(TIMEOUT)
                .header("Content-Type", "image/png")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build()));
  }

  private static Reply get(DigitServer server, String path) {
    return reply(
        send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(TIMEOUT).GET().build()));
  }

  private static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Reply reply(HttpResponse<String> response) {
    try {
      assertThat(response.headers().firstValue("Content-Type"))
          .get()
          .asString()
          .startsWith("application/json");
      return new Reply(response.statusCode(), JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] json(String field, Object value) {
    try {
      return JSON.writeValueAsBytes(java.util.Map.of(field, value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] jsonWithNaN() {
    StringBuilder s = new StringBuilder("{\"pixels\": [");
    for (int p = 0; p < 784; p++) {
      s.append(p == 0 ? "" : ",").append(p == 17 ? "NaN" : "0");
    }
    return s.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] multipart(String boundary, List<String> names, List<byte[]> files) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < names.size(); i++) {
      out.writeBytes(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                  + names.get(i)
                  + "\"\r\nContent-Type: image/png\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      out.writeBytes(files.get(i));
      out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  private static float[] floats(JsonNode array) {
    float[] values = new float[array.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = array.get(i).floatValue();
    }
    return values;
  }

  private static java.awt.image.BufferedImage decode(byte[] png) {
    return ImageFiles.read(new ByteArrayInputStream(png), "test", ImageFiles.MAX_PIXELS);
  }

  private static float[] pixels(byte[] png) throws IOException {
    java.awt.image.BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    assertThat(image.getWidth()).isEqualTo(28);
    float[] pixels = new float[784];
    for (int p = 0; p < 784; p++) {
      pixels[p] = image.getRaster().getSample(p % 28, p / 28, 0) / 255f;
    }
    return pixels;
  }
}
