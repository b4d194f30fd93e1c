package org.opentelephony.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JSON call API client for tests: the JDK's WebSocket, events collected in a queue and awaited
 * by type (bounded), and the REST calls (token, history).
 */
final class ApiClient implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  final BlockingQueue<JsonNode> events;
  final List<JsonNode> seen = new ArrayList<>();
  /** The close code the server sent (-1 on an error). */
  final CompletableFuture<Integer> closed;
  private final Listener listener;
  final WebSocket ws;

  private ApiClient(WebSocket ws, Listener l) {
    this.ws = ws;
    this.listener = l;
    this.events = l.events;
    this.closed = l.closed;
  }

  String closeReason() {
    return listener.closeReason;
  }

  /** POST /api/token: the status and the JSON body. */
  static HttpResponse<String> tokenResponse(int httpPort, String user, String password)
      throws Exception {
    ObjectNode body = JSON.createObjectNode().put("user", user).put("password", password);
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
            + "/api/token")).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String token(int httpPort, String user, String password) throws Exception {
    HttpResponse<String> r = tokenResponse(httpPort, user, password);
    if (r.statusCode() != 200) {
      throw new AssertionError("token for " + user + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body()).get("token").asText();
  }

  static HttpResponse<String> history(int httpPort, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
            + "/api/calls")).header("Authorization", "Bearer " + token).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Logs in and opens the socket; waits for connection.ready. */
  static ApiClient login(int httpPort, String user, String password) throws Exception {
    ApiClient c = open(httpPort, token(httpPort, user, password), null);
    c.await("connection.ready");
    return c;
  }

  static ApiClient open(int httpPort, String token, String origin) throws Exception {
    Listener l = new Listener();
    WebSocket.Builder b = HTTP.newWebSocketBuilder();
    if (origin != null) {
      b.header("Origin", origin);
    }
    WebSocket ws = b.buildAsync(URI.create("ws://127.0.0.1:" + httpPort + "/ws?token="
        + (token == null ? "" : token)), l).get(5, TimeUnit.SECONDS);
    return new ApiClient(ws, l);
  }

  void send(String text) {
    ws.sendText(text, true).join();
  }

  void send(ObjectNode msg) {
    send(msg.toString());
  }

  static ObjectNode msg(String type, String... kv) {
    ObjectNode o = JSON.createObjectNode().put("type", type);
    for (int i = 0; i < kv.length; i += 2) {
      o.put(kv[i], kv[i + 1]);
    }
    return o;
  }

  JsonNode await(String type) throws InterruptedException {
    return await(type, e -> true, 10_000);
  }

  JsonNode await(String type, Predicate<JsonNode> match) throws InterruptedException {
    return await(type, match, 10_000);
  }

  /** The next event of {@code type} matching {@code match} (others are kept in seen). */
  JsonNode await(String type, Predicate<JsonNode> match, long ms) throws InterruptedException {
    long deadline = System.nanoTime() + ms * 1_000_000L;
    synchronized (seen) {
      for (JsonNode e : seen) {
        if (type.equals(e.path("type").asText()) && match.test(e)) {
          seen.remove(e);
          return e;
        }
      }
    }
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no " + type + " event within " + ms + " ms; seen " + seen);
      }
      if (type.equals(e.path("type").asText()) && match.test(e)) {
        return e;
      }
      synchronized (seen) {
        seen.add(e);
      }
    }
  }

  /** The states of {@code callId} until ENDED or {@code last}, in order. */
  List<String> statesUntil(String callId, String last) throws InterruptedException {
    List<String> states = new ArrayList<>();
    while (true) {
      JsonNode e = await("call.stateChange", x -> callId.equals(x.path("callId").asText()));
      states.add(e.get("state").asText());
      if (e.get("state").asText().equals(last) || e.get("state").asText().equals("ENDED")) {
        return states;
      }
    }
  }

  JsonNode awaitEnded(String callId, long ms) throws InterruptedException {
    return await("call.stateChange", x -> callId.equals(x.path("callId").asText())
        && "ENDED".equals(x.path("state").asText()), ms);
  }

  @Override
  public void close() {
    if (!ws.isOutputClosed()) {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
    }
    ws.abort();
  }

  private static final class Listener implements WebSocket.Listener {
    final BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Integer> closed = new CompletableFuture<>();
    volatile String closeReason;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        try {
          events.add(JSON.readTree(text));
        } catch (Exception e) {
          throw new IllegalStateException("server sent bad JSON: " + text, e);
        }
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      closeReason = reason;
      closed.complete(status);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(-1);
    }
  }
}
