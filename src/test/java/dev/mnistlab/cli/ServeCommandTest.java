package dev.mnistlab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mnistlab.TrainedRuns;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ServeCommandTest {
  @TempDir Path home;

  @Test
  void servesPrintsTheAddressAndStopsCleanly() throws Exception {
    String run = TrainedRuns.mnist().runDir().toString();
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    Environment environment =
        new Environment(
            Map.of(), home, new java.io.PrintStream(out, true), new java.io.PrintStream(out, true));
    Thread[] serving = new Thread[1];
    CompletableFuture<Integer> exit =
        CompletableFuture.supplyAsync(
            () -> {
              serving[0] = Thread.currentThread();
              return Main.commandLine(environment).execute("serve", run, "--port", "0");
            });
    Pattern address = Pattern.compile("at (http://127\\.0\\.0\\.1:\\d+/)");
    Matcher m = address.matcher("");
    for (int i = 0; i < 600 && !m.reset(out.toString()).find(); i++) {
      Thread.sleep(50);
    }
    assertThat(m.reset(out.toString()).find()).as(out.toString()).isTrue();
    HttpResponse<String> health =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(m.group(1)).resolve("health")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(health.body()).contains("\"status\":\"ok\"");

    serving[0].interrupt();
    assertThat(exit.get(20, TimeUnit.SECONDS)).isEqualTo(Main.OK);
    assertThat(out.toString()).contains("Stopped: 0 predictions answered, 0 requests refused.");
  }

  @Test
  void aBusyPortOrAnIncompleteRunIsOneLine() throws Exception {
    String run = TrainedRuns.mnist().runDir().toString();
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Cli.Outcome busy =
          Cli.run(home, Map.of(), "serve", run, "--port", String.valueOf(taken.getLocalPort()));
      Cli.assertOneLineError(
          busy, Main.FAILED, "cannot serve on 127.0.0.1:" + taken.getLocalPort());
    }
    Cli.assertOneLineError(
        Cli.run(home, Map.of(), "serve", home.toString()), Main.USAGE, home.toString());
    Cli.assertOneLineError(
        Cli.run(home, Map.of(), "serve", run, "--threads", "0"),
        Main.USAGE,
        "--threads must be in 1..256, got 0");
  }
}
