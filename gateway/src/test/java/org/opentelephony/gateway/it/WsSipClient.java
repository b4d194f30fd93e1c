package org.opentelephony.gateway.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A minimal SIP user agent over a WebSocket (RFC 7118, subprotocol {@code sip}), written like a
 * browser client: its Via and Contact name a {@code .invalid} host, it answers digest challenges
 * and the INVITEs the server sends back over the same connection. Built on the JDK's client.
 */
public final class WsSipClient implements AutoCloseable {
  final String user;
  final String host = "c" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8)
      + ".invalid";
  final String viaTransport;
  private final WebSocket ws;
  private final BlockingQueue<String> inbox = new LinkedBlockingQueue<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final String callId = "ws-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
  private int cseq = 1;

  private WsSipClient(String user, String viaTransport, WebSocket ws) {
    this.user = user;
    this.viaTransport = viaTransport;
    this.ws = ws;
  }

  /** Connects to {@code uri} (ws or wss, trusting {@code tls} when not null) offering "sip". */
  static WsSipClient connect(URI uri, String user, SSLContext tls) throws Exception {
    HttpClient.Builder b = HttpClient.newBuilder();
    if (tls != null) {
      b.sslContext(tls);
    }
    return connect(b.build(), uri, user);
  }

  /**
   * Connects over a shared {@code http} client (each JDK HttpClient has its own selector thread:
   * a load test with hundreds of connections shares one).
   */
  public static WsSipClient connect(HttpClient http, URI uri, String user) throws Exception {
    Holder h = new Holder();
    WebSocket ws = http.newWebSocketBuilder().subprotocols("sip")
        .buildAsync(uri, h).get(10, TimeUnit.SECONDS);
    WsSipClient c = new WsSipClient(user, uri.getScheme().toUpperCase(), ws);
    h.client.complete(c);
    return c;
  }

  /** Feeds complete text messages to the client's inbox. */
  private static final class Holder implements WebSocket.Listener {
    final CompletableFuture<WsSipClient> client = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String msg = partial.toString();
        partial.setLength(0);
        client.thenAccept(c -> c.inbox.add(msg));
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
      client.thenAccept(c -> c.closed.complete(status));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      client.thenAccept(c -> c.closed.complete(-1));
    }
  }

  public void send(String sip) {
    ws.sendText(sip, true).join();
  }

  void sendBinary(byte[] data) {
    ws.sendBinary(ByteBuffer.wrap(data), true).join();
  }

  /** Closes the WebSocket politely (close frame 1000) without waiting for the server's answer. */
  void closeSocket() {
    ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
  }

  void abort() {
    ws.abort();
  }

  @Override
  public void close() {
    ws.abort();
  }

  /** The next message whose first line starts with {@code prefix}; others are skipped. */
  public String await(String prefix) throws InterruptedException {
    return await(prefix, 10_000);
  }

  /** Like {@link #await(String)}, waiting at most {@code millis}. */
  public String await(String prefix, long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    List<String> skipped = new ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      String m = left > 0 ? inbox.poll(left, TimeUnit.NANOSECONDS) : null;
      if (m == null) {
        throw new AssertionError(user + ": no '" + prefix + "' within " + millis + " ms; skipped "
            + skipped);
      }
      if (m.startsWith(prefix)) {
        return m;
      }
      skipped.add(m.lines().findFirst().orElse(""));
    }
  }

  // -------------------------------------------------------------------- REGISTER

  public String register(String password, int expires) throws Exception {
    String first = registerRequest(expires, null);
    send(first);
    String challenge = await("SIP/2.0 ");
    if (!challenge.startsWith("SIP/2.0 401")) {
      throw new AssertionError("expected 401, got " + challenge.lines().findFirst().orElse(""));
    }
    String www = header(challenge, "WWW-Authenticate");
    String realm = param(www, "realm");
    String nonce = param(www, "nonce");
    String uri = "sip:localhost";
    String ha1 = md5(user + ":" + realm + ":" + password);
    String ha2 = md5("REGISTER:" + uri);
    String cnonce = "c0ffee";
    String response = md5(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2);
    String auth = "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
        + "\", uri=\"" + uri + "\", response=\"" + response + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\""
        + cnonce + "\"";
    send(registerRequest(expires, auth));
    return await("SIP/2.0 ");
  }

  /**
   * The credentials answering {@code challenge} (the value of a WWW- or Proxy-Authenticate
   * header, MD5 with qop=auth) for {@code method} on {@code uri}.
   */
  public String digest(String challenge, String method, String uri, String password)
      throws Exception {
    String realm = param(challenge, "realm");
    String nonce = param(challenge, "nonce");
    String ha1 = md5(user + ":" + realm + ":" + password);
    String ha2 = md5(method + ":" + uri);
    String cnonce = rnd();
    String response = md5(ha1 + ":" + nonce + ":00000001:" + cnonce + ":auth:" + ha2);
    return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce
        + "\", uri=\"" + uri + "\", response=\"" + response
        + "\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"" + cnonce + "\"";
  }

  /** The {@code .invalid} host of our Via and Contact. */
  public String host() {
    return host;
  }

  private String registerRequest(int expires, String authorization) {
    return "REGISTER sip:localhost SIP/2.0\r\n"
        + "Via: SIP/2.0/" + viaTransport + " " + host + ";branch=z9hG4bK" + rnd() + "\r\n"
        + "Max-Forwards: 70\r\n"
        + "To: <sip:" + user + "@localhost>\r\n"
        + "From: <sip:" + user + "@localhost>;tag=" + rnd() + "\r\n"
        + "Call-ID: " + callId + "\r\n"
        + "CSeq: " + (cseq++) + " REGISTER\r\n"
        + "Contact: <sip:" + user + "@" + host + ";transport=ws>;expires=" + expires + "\r\n"
        + (authorization == null ? "" : "Authorization: " + authorization + "\r\n")
        + "User-Agent: WsSipClient (test)\r\n"
        + "Content-Length: 0\r\n\r\n";
  }

  // -------------------------------------------------------------------- answering

  /** The response to {@code request} with {@code status}, our To tag, Contact and body. */
  String response(String request, int status, String reason, String toTag, String sdp) {
    StringBuilder r = new StringBuilder("SIP/2.0 " + status + " " + reason + "\r\n");
    for (String line : request.split("\r\n")) {
      String lower = line.toLowerCase();
      if (lower.startsWith("via:") || lower.startsWith("v:") || lower.startsWith("from:")
          || lower.startsWith("f:") || lower.startsWith("call-id:") || lower.startsWith("i:")
          || lower.startsWith("cseq:") || lower.startsWith("record-route:")) {
        r.append(line).append("\r\n");
      } else if (lower.startsWith("to:") || lower.startsWith("t:")) {
        r.append(line).append(line.contains(";tag=") || toTag == null ? "" : ";tag=" + toTag)
            .append("\r\n");
      }
    }
    r.append("Contact: <sip:").append(user).append("@").append(host).append(";transport=ws>\r\n");
    if (sdp != null) {
      r.append("Content-Type: application/sdp\r\n");
    }
    byte[] body = sdp == null ? new byte[0] : sdp.getBytes(StandardCharsets.UTF_8);
    r.append("Content-Length: ").append(body.length).append("\r\n\r\n");
    if (sdp != null) {
      r.append(sdp);
    }
    return r.toString();
  }

  static String answerSdp() {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
        + "m=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  }

  public static String header(String msg, String name) {
    for (String line : msg.split("\r\n")) {
      if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
        return line.substring(name.length() + 1).trim();
      }
    }
    return null;
  }

  private static String param(String h, String name) {
    Matcher m = Pattern.compile(name + "=\"([^\"]*)\"").matcher(h);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in " + h);
    }
    return m.group(1);
  }

  public static String rnd() {
    return Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
  }

  private static String md5(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
        .digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
