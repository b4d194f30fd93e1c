package org.opentelephony.gateway.it;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.opentelephony.gateway.TelephonyServer;

/**
 * A real server started in the test JVM on free loopback ports with a fresh data folder, with
 * test accounts {@code u1..u30} (password {@code pw-uN}) besides the demo accounts.
 */
final class ServerFixture implements AutoCloseable {
  final int sipPort;
  final int httpPort;
  final int wsPort;
  final int wssPort;
  final int httpsPort;
  final Path dataDir;
  final Map<String, Object> overrides;
  TelephonyServer server;
  /** The UDP port every browser leg's ICE uses. */
  final int icePort = FreePorts.next();
  /** The UDP port of the call API's in-process SIP user agent. */
  final int apiSipPort = FreePorts.next();

  private ServerFixture(int sipPort, int httpPort, Path dataDir, Map<String, Object> overrides) {
    this.sipPort = sipPort;
    this.httpPort = httpPort;
    this.wsPort = FreePorts.next();
    this.wssPort = FreePorts.next();
    this.httpsPort = FreePorts.next();
    this.dataDir = dataDir;
    this.overrides = overrides;
  }

  static ServerFixture start(Map<String, Object> extra) throws Exception {
    Path data = Files.createTempDirectory("telephony-it");
    ServerFixture f = new ServerFixture(FreePorts.next(), FreePorts.next(), data,
        new HashMap<>(extra));
    f.server = TelephonyServer.start(f.config());
    return f;
  }

  /** Like {@link #start}; SIP over WebSocket is always on (a free {@code sip.ws.port}). */
  static ServerFixture startWithWebSocket(Map<String, Object> extra) throws Exception {
    return start(extra);
  }

  /** Stops and starts again on the same ports and data folder (to test what survives). */
  void restart() throws Exception {
    server.stop();
    server = TelephonyServer.start(config());
  }

  private Config config() {
    Map<String, Object> m = new HashMap<>();
    m.put("data-dir", dataDir.toString());
    m.put("sip.port", sipPort);
    m.put("http.port", httpPort);
    m.put("media.webrtc.ice-port", icePort);
    m.put("api.sip-port", apiSipPort);
    m.put("sip.ws.port", wsPort);
    m.put("sip.wss.port", wssPort);
    m.put("http.https-port", httpsPort);
    List<Map<String, Object>> seeds = new ArrayList<>();
    for (String demo : List.of("alice", "bob", "carol", "dave")) {
      seeds.add(Map.of("user", demo, "password", demo + "123"));
    }
    for (int i = 1; i <= 30; i++) {
      seeds.add(Map.of("user", "u" + i, "password", "pw-u" + i));
    }
    m.put("accounts.seed", seeds);
    m.putAll(overrides);
    return ConfigFactory.parseMap(m).withFallback(ConfigFactory.defaultReference()).resolve();
  }

  String sipAddress() {
    return "127.0.0.1:" + sipPort;
  }

  /** The WebSocket URL browsers register at (subprotocol {@code sip}). */
  String wsUrl() {
    return "ws://127.0.0.1:" + wsPort;
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop();
    }
  }
}
