package org.opentelephony.gateway.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.opentelephony.sip.cdr.CallRecord;
import org.opentelephony.sip.registrar.Binding;

/**
 * SIP over WebSocket (RFC 7118) with the JDK's WebSocket client as the browser: digest
 * REGISTER with a {@code .invalid} contact, calls from SIPp over UDP delivered over the same
 * connection, what a closing socket does to registrations and calls, bad frames, wss with the
 * self-generated certificate, and HTTPS with the same certificate.
 */
@Tag("integration")
class WebSocketSipIT extends SharedServer {

  private URI ws() {
    return URI.create("ws://127.0.0.1:" + server.wsPort + "/");
  }

  private List<Binding> lookup(String user) {
    return server.server.sip().location().lookup(user);
  }

  private WsSipClient registered(String user) throws Exception {
    WsSipClient c = WsSipClient.connect(ws(), user, null);
    String ok = c.register(ItSupport.password(user), 600);
    assertTrue(ok.startsWith("SIP/2.0 200"), "REGISTER answered 200: " + ok);
    return c;
  }

  /** Answers the INVITE arriving on {@code c}: 180, then 200 with SDP; waits for the ACK. */
  private static String answer(WsSipClient c) throws Exception {
    String invite = c.await("INVITE ");
    String tag = WsSipClient.rnd();
    c.send(c.response(invite, 180, "Ringing", tag, null));
    c.send(c.response(invite, 200, "OK", tag, WsSipClient.answerSdp()));
    c.await("ACK ");
    return invite;
  }

  private void awaitNoBinding(String user) throws InterruptedException {
    ItSupport.await("the bindings of " + user + " to go", 5_000,
        () -> lookup(user).isEmpty() ? Optional.of(true) : Optional.empty());
  }

  @Test
  void registerWithDigestOverWsBindsTheConnection() throws Exception {
    try (WsSipClient c = registered("u11")) {
      assertTrue(c.closed.getNow(0) == 0, "still open");
      List<Binding> bound = lookup("u11");
      assertEquals(1, bound.size(), "one binding: " + bound);
      Binding b = bound.get(0);
      assertEquals("ws", b.transport());
      assertTrue(b.received().startsWith("127.0.0.1:"), "reached at the connection: " + b);
      // the stack rewrites the .invalid host to the connection's address
      assertTrue(b.contactUri().contains("transport=ws"), b.contactUri());
      assertTrue(!b.contactUri().contains(".invalid"), b.contactUri());
    }
  }

  @Test
  void callFromSippOverUdpIsDeliveredOverTheWebSocket() throws Exception {
    try (WsSipClient c = registered("u12")) {
      Sipp caller = ItSupport.callFromAlice(server, "uac_call.xml", "u12", "-d", "500");
      String invite = answer(c);
      assertTrue(invite.contains("Via: SIP/2.0/WS "), "INVITE sent over ws: " + invite);
      String bye = c.await("BYE ");
      c.send(c.response(bye, 200, "OK", null, null));
      assertEquals(0, caller.await(), "SIPp call answered over the WebSocket and hung up");
      CallRecord rec = ItSupport.awaitRecord(server, "u12");
      assertEquals("HANGUP_CALLER", rec.endReason());
      assertEquals(1, lookup("u12").size(), "still registered while the socket is open");
    }
  }

  @Test
  void closingTheSocketRemovesTheBindingAndEndsTheCall() throws Exception {
    WsSipClient c = registered("u13");
    Sipp caller = ItSupport.callFromAlice(server, "uac_call_remote_bye.xml", "u13");
    answer(c);
    ItSupport.awaitLiveCall(server, "u13", org.opentelephony.sip.call.CallState.TALKING);
    c.closeSocket();
    assertEquals(0, caller.await(), "the SIPp caller got a BYE when the WebSocket closed");
    awaitNoBinding("u13");
    CallRecord rec = ItSupport.awaitRecord(server, "u13");
    assertEquals("CONNECTION_CLOSED", rec.endReason());
    assertTrue(server.server.sip().metrics().events("ws_connections_closed") >= 1);
  }

  @Test
  void anAbortedSocketRemovesTheBindingAndACallToItIsOffline() throws Exception {
    WsSipClient c = registered("u14");
    c.abort(); // TCP closed without a WebSocket close frame
    awaitNoBinding("u14");
    Sipp caller = ItSupport.callFromAlice(server, "uac_expect_status.xml", "u14",
        "-key", "expected", "480");
    assertEquals(0, caller.await(), "a call to the disconnected browser is answered 480");
  }

  @Test
  void badFramesAreDroppedAndTheConnectionKeepsWorking() throws Exception {
    long before = server.server.sip().metrics().events("ws_frames_dropped");
    try (WsSipClient c = WsSipClient.connect(ws(), "u15", null);
         WsSipClient other = registered("u16")) {
      c.send("hello, this is not SIP");
      c.send("OPTIONS sip:localhost SIP/2.0\r\nVia: SIP/2.0/WS x.invalid\r\n"); // truncated
      c.send("OPTIONS sip:localhost SIP/2.0\r\nContent-Length: 99\r\n\r\nshort");
      c.sendBinary(new byte[] {0, 1, 2, 3, (byte) 0xff});
      c.send("X".repeat(300_000)); // beyond the hard message limit: skipped unbuffered
      String ok = c.register(ItSupport.password("u15"), 600);
      assertTrue(ok.startsWith("SIP/2.0 200"), "the same connection still registers: " + ok);
      assertEquals(before + 5, server.server.sip().metrics().events("ws_frames_dropped"),
          "every bad frame dropped and counted");
      assertEquals(1, lookup("u16").size(), "the other client is unaffected");
      assertTrue(other.register(ItSupport.password("u16"), 600).startsWith("SIP/2.0 200"));
    }
  }

  @Test
  void handshakeWithoutTheSipSubprotocolIsRefused() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Exception e = assertThrows(Exception.class, () -> http.newWebSocketBuilder()
        .subprotocols("chat").buildAsync(ws(), new java.net.http.WebSocket.Listener() { })
        .get(10, java.util.concurrent.TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof java.net.http.WebSocketHandshakeException h
        && h.getResponse().statusCode() == 400, "refused with 400: " + e);
  }

  private SSLContext trustingServer() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", server.server.tls().certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(
        TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  @Test
  void wssWithTheSelfGeneratedCertificate() throws Exception {
    URI wss = URI.create("wss://127.0.0.1:" + server.wssPort + "/");
    try (WsSipClient c = WsSipClient.connect(wss, "u17", trustingServer())) {
      String ok = c.register(ItSupport.password("u17"), 600);
      assertTrue(ok.startsWith("SIP/2.0 200"), "REGISTER over wss answered 200: " + ok);
      assertEquals("wss", lookup("u17").get(0).transport());
      Sipp caller = ItSupport.callFromAlice(server, "uac_call.xml", "u17", "-d", "300");
      answer(c);
      String bye = c.await("BYE ");
      c.send(c.response(bye, 200, "OK", null, null));
      assertEquals(0, caller.await(), "call over wss");
    }
    awaitNoBinding("u17");
  }

  @Test
  void httpsServesWithTheSameCertificate() throws Exception {
    HttpClient https = HttpClient.newBuilder().sslContext(trustingServer()).build();
    HttpResponse<String> r = https.send(HttpRequest.newBuilder(
        URI.create("https://127.0.0.1:" + server.httpsPort + "/health")).build(),
        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(server.server.tls().path().startsWith(server.dataDir),
        "self-generated certificate kept under the data folder");
  }
}
