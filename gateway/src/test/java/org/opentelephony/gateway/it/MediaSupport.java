package org.opentelephony.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the media tests read: SDP lines of the messages SIPp traced, the {@code mediaStats} of
 * a call record, the relay's counters on {@code GET /metrics}.
 */
final class MediaSupport {
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern AUDIO = Pattern.compile("(?m)^m=audio (\\d+) ");
  private static final Pattern CONNECTION = Pattern.compile("(?m)^c=IN IP4 (\\S+)");

  private MediaSupport() {
  }

  /** The port of the first {@code m=audio} line of an SDP body. */
  static int audioPort(String sdp) {
    Matcher m = AUDIO.matcher(sdp);
    if (!m.find()) {
      throw new AssertionError("no m=audio line in:\n" + sdp);
    }
    return Integer.parseInt(m.group(1));
  }

  /** The address of the (first) {@code c=IN IP4} line of an SDP body. */
  static String connection(String sdp) {
    Matcher m = CONNECTION.matcher(sdp);
    if (!m.find()) {
      throw new AssertionError("no c=IN IP4 line in:\n" + sdp);
    }
    return m.group(1);
  }

  /**
   * The last message SIPp sent ({@code received=false}) or received whose first line starts with
   * {@code prefix} and which carries an audio SDP body.
   */
  static SippTrace.Message lastWithSdp(String log, boolean received, String prefix) {
    List<SippTrace.Message> all = SippTrace.parse(log);
    for (int i = all.size() - 1; i >= 0; i--) {
      SippTrace.Message m = all.get(i);
      if (m.received() == received && m.firstLine().startsWith(prefix)
          && AUDIO.matcher(m.body()).find()) {
        return m;
      }
    }
    throw new AssertionError("SIPp " + (received ? "received" : "sent") + " no '" + prefix
        + "' with an audio SDP:\n" + log);
  }

  /** The audio stream of a record's {@code mediaStats} (a JSON text or an array). */
  static JsonNode audioStats(JsonNode record) throws IOException {
    JsonNode ms = record.get("mediaStats");
    if (ms == null || ms.isNull()) {
      throw new AssertionError("no mediaStats in " + record);
    }
    JsonNode streams = ms.isTextual() ? JSON.readTree(ms.asText()) : ms;
    for (JsonNode s : streams) {
      if ("audio".equals(s.path("type").asText())) {
        return s;
      }
    }
    throw new AssertionError("no audio stream in mediaStats of " + record);
  }

  /** A counter of {@code GET /metrics} (Prometheus text), e.g. {@code media_packets_forwarded}. */
  static long metric(ServerFixture server, String name) throws Exception {
    String url = "http://127.0.0.1:" + server.httpPort + "/metrics";
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("GET " + url + " -> " + r.statusCode());
    }
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + " ")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    throw new AssertionError("no " + name + " in /metrics:\n" + r.body());
  }

  /** Waits (at most 5 s) until the relay holds no session: every call released its ports. */
  static void awaitNoMediaSession(ServerFixture server) throws InterruptedException {
    ItSupport.await("no live media session", 5_000, () ->
        server.server.media().activeSessions() == 0 ? Optional.of(true) : Optional.empty());
  }

  /** True if {@code port} can be bound on 127.0.0.1 (UDP): nobody holds it any more. */
  static boolean udpPortFree(int port) {
    try (DatagramSocket s = new DatagramSocket(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
