package dev.mnistlab.cli;

import picocli.CommandLine.Option;

/** Where a web command listens: {@code --port} and {@code --host}; shared by serve and board. */
public class AddressOptions {
  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "Port to listen on; 0 takes any free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = "127.0.0.1",
      description =
          "Address to bind; 0.0.0.0 serves other machines too (default: ${DEFAULT-VALUE}).")
  String host;
}
