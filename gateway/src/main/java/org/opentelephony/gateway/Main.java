package org.opentelephony.gateway;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point of {@code ./run.sh}: {@code Main [--conf DIR]}. Reads {@code DIR/server.conf}
 * over the embedded defaults, logs with {@code DIR/log4j2.xml}, runs until SIGTERM/Ctrl-C.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) throws Exception {
    Path confDir = Path.of("conf");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--conf") && i + 1 < args.length) {
        confDir = Path.of(args[++i]);
      } else {
        System.err.println("usage: run.sh [--conf DIR]");
        System.exit(2);
      }
    }
    Path log4j = confDir.resolve("log4j2.xml");
    if (Files.exists(log4j)) {
      System.setProperty("log4j2.configurationFile", log4j.toAbsolutePath().toString());
    }
    // Our shutdown hook stops the server; Log4j must outlive it to log the shutdown.
    System.setProperty("log4j.shutdownHookEnabled", "false");
    Config config = load(confDir);
    TelephonyServer server = TelephonyServer.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      org.apache.logging.log4j.LogManager.shutdown();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }

  /** {@code DIR/server.conf} (optional) over every module's reference.conf. */
  static Config load(Path confDir) {
    Path file = confDir.resolve("server.conf");
    Config overrides = Files.exists(file) ? ConfigFactory.parseFile(file.toFile())
        : ConfigFactory.empty();
    // Relative data-dir is relative to where the server was started, as documented.
    return overrides.withFallback(ConfigFactory.defaultReference()).resolve();
  }
}
